import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoreClient } from "../../store/client.ts";
import { StoreKey } from "../../store/identity.ts";
import { S3Backend } from "../../store/s3-backend.ts";
import { failure } from "./testing.ts";

let dir: string;
let s3: S3rver;
let endpoint: string;

async function* pieces(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "openledger-store-s3-cli-"));
  s3 = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: join(dir, "s3"),
    configureBuckets: [{ name: "blobs" }],
  });
  endpoint = `http://127.0.0.1:${(await s3.run()).port}`;
});

afterAll(async () => {
  await s3?.close();
});

describe("openledger store --backend s3", () => {
  it("serves from the bucket, with credentials from the environment and never in its logs", async () => {
    const secret = "S3RVER";
    const child = spawn(
      "node_modules/.bin/node",
      [
        "bin/openledger.mjs",
        "store",
        "--backend",
        "s3",
        "--s3-endpoint",
        endpoint,
        "--s3-bucket",
        "blobs",
        "--s3-prefix",
        "cli/",
        "--data-dir",
        join(dir, "cli-store"),
        "--port",
        "0",
      ],
      { env: { ...process.env, AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: secret } },
    );
    let logs = "";
    child.stdout.on("data", (d: Buffer) => (logs += d.toString()));
    child.stderr.on("data", (d: Buffer) => (logs += d.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", () => {
          const m = /"url":"([^"]+)"[^\n]*"store listening"/.exec(logs);
          if (m) resolve(m[1]!);
        });
        child.on("exit", () => reject(new Error(`store exited: ${logs}`)));
      });
      const carol = new StoreClient(url, new StoreKey(new Uint8Array(32).fill(3)));
      try {
        const plain = randomBytes(30_000);
        const { blob } = await carol.put({
          kind: "raw",
          plaintextLength: plain.length,
          plaintext: () => pieces(plain),
        });
        expect(Buffer.from(await carol.get(blob.id)).equals(plain)).toBe(true);
        // The object is in the bucket under the prefix, read back with the S3 API.
        const bucket = await S3Backend.open(join(dir, "reader"), {
          endpoint,
          bucket: "blobs",
          region: "us-east-1",
          prefix: "cli/",
          forcePathStyle: true,
          credentials: { accessKeyId: "S3RVER", secretAccessKey: secret },
        });
        expect(await bucket.size(blob.id)).toBe(blob.size);
        await bucket.close();
      } finally {
        carol.close();
      }
      expect(logs).toContain('"backend":"s3"');
      expect(logs).not.toContain(secret);
    } finally {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  });

  it("refuses to start without credentials, naming the variables and not their values", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: "S3RVER" };
    delete env.AWS_SECRET_ACCESS_KEY;
    const failed = await failure(
      promisify(execFile)(
        "node_modules/.bin/node",
        ["bin/openledger.mjs", "store", "--backend", "s3", "--s3-endpoint", endpoint, "--s3-bucket", "blobs"],
        { env },
      ),
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error BACKEND_MISCONFIGURED: .*AWS_SECRET_ACCESS_KEY/);
    expect(failed.stderr).not.toContain("S3RVER");
  });
});

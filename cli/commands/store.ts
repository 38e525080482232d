import { createReadStream, createWriteStream, writeFileSync } from "node:fs";
import { rm, stat, readFile } from "node:fs/promises";
import { once } from "node:events";
import { Command, InvalidArgumentError, Option } from "commander";
import { pino } from "pino";
import { fieldToHex } from "../../protocol/field.ts";
import { deriveL2Key } from "../../protocol/keys.ts";
import { modelHash } from "../../protocol/provenance/model-hash.ts";
import {
  chainOptions,
  domainFrom,
  ethKeyOptions,
  intArg,
  loadEthWallet,
  output,
  rpcOption,
  stopOnSignal,
  STORE_URL,
} from "./common.ts";

// The store's modules load only when a store subcommand runs: the other commands need
// neither fastify's store routes nor LevelDB.
const storeModules = async () => ({
  client: await import("../../store/client.ts"),
  errors: await import("../../store/errors.ts"),
  identity: await import("../../store/identity.ts"),
});

type Options = Record<string, string | number | boolean | undefined> & {
  ethKeyEnv: string;
  ethKeyFile?: string;
  keyIndex: number;
  chainId: string;
  rollup: string;
  url: string;
};

/** A reader named on the command line as `<key>:<box>` (the two hex keys `whoami` prints). */
export function readerArg(value: string): { key: string; box: string } {
  const [key, box] = value.split(":");
  if (!key || !box || !/^[0-9a-f]{64}$/.test(key) || !/^[0-9a-f]{64}$/.test(box)) {
    throw new InvalidArgumentError(
      "expected <key>:<box>, two 32-byte lowercase hex keys (see `store whoami`)",
    );
  }
  return { key, box };
}

/** The caller's store client, keyed by the L2 key its Ethereum key derives. */
export async function clientFor(
  o: Pick<Options, "ethKeyEnv" | "ethKeyFile" | "keyIndex" | "chainId" | "rollup" | "url">,
) {
  const { client, identity } = await storeModules();
  const { privateKey } = await deriveL2Key(loadEthWallet(o), domainFrom(o), o.keyIndex);
  return new client.StoreClient(o.url, new identity.StoreKey(privateKey));
}

/** Runs a subcommand; a store error prints as one line with its code, like protocol errors. */
function run(f: (o: Options) => Promise<void>) {
  return async (o: Options) => {
    const { errors } = await storeModules();
    try {
      await f(o);
    } catch (e) {
      if (!(e instanceof errors.StoreError)) throw e;
      console.error(`error ${e.code}: ${e.message}`);
      process.exit(1);
    }
  };
}

/** Options of the subcommands that talk to a store as a caller. */
function callerCommand(name: string): Command {
  return ethKeyOptions(chainOptions(new Command(name))).option(
    "--url <url>",
    "the store's address",
    STORE_URL,
  );
}

function serveCommand(): Command {
  return new Command("serve")
    .description("serve the store's HTTP API (the default subcommand)")
    .option("--data-dir <dir>", "blobs and LevelDB index", "data/store")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0 picks a free one)", intArg, 8549)
    .option("--max-chunk-mib <n>", "largest upload chunk one request may carry", intArg, 16)
    .option(
      "--upload-ttl-min <n>",
      "minutes an unfinished upload is kept after its last chunk; then its bytes are deleted",
      intArg,
      24 * 60,
    )
    .addOption(
      new Option(
        "--backend <kind>",
        "where blobs are kept: files under --data-dir, or an S3-compatible bucket",
      )
        .choices(["disk", "s3"])
        .default("disk"),
    )
    .option("--s3-endpoint <url>", "the S3-compatible server (default: AWS's own for --s3-region)")
    .option("--s3-bucket <name>", "the bucket (it must exist)")
    .option("--s3-region <region>", "the bucket's region", "us-east-1")
    .option("--s3-prefix <prefix>", "prepended to every object key", "")
    .option("--no-s3-path-style", "bucket in the host name rather than the path")
    .option("--pretty", "human-readable logs instead of JSON lines", false)
    .action(async (o) =>
      run(async () => {
        const logger = o.pretty ? pino({ transport: { target: "pino-pretty" } }) : pino();
        const { startStore } = await import("../../store/server.ts");
        const { DEFAULT_LIMITS } = await import("../../store/service.ts");
        const options = {
          dataDir: o.dataDir,
          host: o.host,
          port: o.port,
          limits: {
            ...DEFAULT_LIMITS,
            maxChunkBytes: o.maxChunkMib * 2 ** 20,
            uploadTtlMs: o.uploadTtlMin * 60_000,
          },
          logger,
        };
        let store;
        if (o.backend === "s3") {
          if (!o.s3Bucket) {
            const { errors } = await storeModules();
            throw new errors.StoreError(
              errors.StoreErrorCode.BackendMisconfigured,
              "--backend s3 needs --s3-bucket",
            );
          }
          const { S3Backend, s3CredentialsFromEnv } = await import("../../store/s3-backend.ts");
          const backend = await S3Backend.open(o.dataDir, {
            endpoint: o.s3Endpoint,
            bucket: o.s3Bucket,
            region: o.s3Region,
            prefix: o.s3Prefix,
            forcePathStyle: o.s3PathStyle,
            credentials: s3CredentialsFromEnv(process.env),
          });
          store = await startStore(options, backend);
        } else store = await startStore(options);
        // Where the blobs are, never with what credentials.
        const where = o.backend === "s3" ? { s3Endpoint: o.s3Endpoint, s3Bucket: o.s3Bucket } : {};
        logger.info({ url: store.url, dataDir: o.dataDir, backend: o.backend, ...where }, "store listening");
        stopOnSignal(() => store.stop());
      })(o),
    );
}

function whoamiCommand(): Command {
  return callerCommand("whoami")
    .description("print your store identity (what others name to grant you a blob)")
    .option("--json", "print JSON", false)
    .option(
      "--register",
      "also make one signed request to the store, so it knows your box key and owners can grant you by L2 role",
      false,
    )
    .action(
      run(async (o) => {
        const client = await clientFor(o);
        const { identity } = client.key;
        // Any signed request records the box key; this one also reads it back, checked.
        if (o.register) await client.readerIdentity(identity.key).finally(() => client.close());
        output(Boolean(o.json), identity, () =>
          [`key  ${identity.key}`, `box  ${identity.box}`, `reader  ${identity.key}:${identity.box}`].join(
            "\n",
          ),
        );
      }),
    );
}

function putCommand(): Command {
  return callerCommand("put")
    .description(
      "encrypt a file and upload it; prints the blob record (a model is declared under its modelHash)",
    )
    .argument("<file>", "the file to store")
    .addOption(
      new Option("--kind <kind>", "what the file is").choices(["raw", "model", "input"]).default("raw"),
    )
    .option(
      "--reader <key:box>",
      "also wrap the key for this reader (repeatable)",
      (v, acc: unknown[]) => [...acc, readerArg(v)],
      [],
    )
    .option(
      "--session-file <path>",
      "keep the upload session here while it runs (it holds the blob key: mode 0600) and resume from it",
    )
    .action(async (file: string, o: Options & { reader: Array<{ key: string; box: string }> }) =>
      run(async () => {
        const { errors } = await storeModules();
        const client = await clientFor(o);
        const sessionFile = o.sessionFile as string | undefined;
        const saved = sessionFile ? await readSession(sessionFile) : undefined;
        const { size } = await stat(file);
        // A model is found by the modelHash the chain records (docs/store.md, "Finding content").
        const contentHash =
          o.kind === "model" ? fieldToHex(modelHash(new Uint8Array(await readFile(file)))) : undefined;
        const upload = client.put({
          contentHash,
          kind: o.kind as "raw" | "model" | "input",
          plaintextLength: size,
          plaintext: () => createReadStream(file, { highWaterMark: 1 << 20 }),
          readers: o.reader.map((identity) => ({ identity, role: "reader" as const })),
          resume: saved,
          onSession: (s) => {
            if (sessionFile && !saved) writeSession(sessionFile, s);
          },
          onProgress: (sent, total) =>
            process.stderr.write(`\ruploaded ${Math.floor((100 * sent) / total)}%`),
        });
        const result = await upload.catch(async (e: unknown) => {
          // An expired session cannot resume: its file goes, so the next run starts anew.
          if (
            sessionFile &&
            e instanceof errors.StoreError &&
            e.code === errors.StoreErrorCode.UploadExpired
          ) {
            await rm(sessionFile, { force: true });
          }
          throw e;
        });
        process.stderr.write("\n");
        if (sessionFile) await rm(sessionFile, { force: true });
        client.close();
        console.log(JSON.stringify(result.blob, null, 2));
      })(o),
    );
}

function getCommand(): Command {
  return callerCommand("get")
    .description("download a blob you may read, check and decrypt it")
    .argument("<blobId>", "the blob id (hex SHA-256 of the stored bytes)")
    .requiredOption("--out <file>", "where to write the plaintext")
    .action(async (blobId: string, o: Options) =>
      run(async () => {
        const client = await clientFor(o);
        const out = createWriteStream(o.out as string);
        try {
          for await (const piece of client.getStream(blobId)) {
            if (!out.write(piece)) await once(out, "drain");
          }
          out.end();
          await once(out, "finish");
        } catch (e) {
          // Nothing unverified stays behind.
          out.destroy();
          await rm(o.out as string, { force: true });
          throw e;
        } finally {
          client.close();
        }
      })(o),
    );
}

function grantCommand(): Command {
  return callerCommand("grant")
    .description(
      "let another key read a blob you own, as a plain reader (curators and provers: `openledger grant`)",
    )
    .argument("<blobId>", "the blob id")
    .requiredOption("--to <key:box>", "the reader (`store whoami` prints it)", readerArg)
    .action(async (blobId: string, o: Options & { to: { key: string; box: string } }) =>
      run(async () => {
        const client = await clientFor(o);
        await client.grant(blobId, o.to, "reader");
        client.close();
        console.log(`granted ${o.to.key} (reader) on ${blobId}`);
      })(o),
    );
}

function rowsCommand(): Command {
  return rpcOption(callerCommand("rows"))
    .description(
      "download a contribution's rows (you must be granted its blob), check them against its contentRoot on L2 and write them as JSONL",
    )
    .requiredOption("--contribution <id>", "the contribution id on L2", intArg)
    .requiredOption("--out <file>", 'where to write the rows, {"label": ..., "features": [...]} a line')
    .action(async (o: Options & { contribution: number; rpc: string; out: string }) =>
      run(async () => {
        const { OpenLedgerProvider } = await import("../../sdk/provider.ts");
        const { fetchContributionRows } = await import("../../store/fetch-rows.ts");
        const client = await clientFor(o);
        try {
          const rows = await fetchContributionRows(new OpenLedgerProvider(o.rpc), client, o.contribution);
          const out = createWriteStream(o.out);
          for (let i = 0; i < rows.count; i++) {
            const features = Array.from(rows.features.subarray(i * rows.dim, (i + 1) * rows.dim));
            if (!out.write(`${JSON.stringify({ label: rows.labels[i], features })}\n`))
              await once(out, "drain");
          }
          out.end();
          await once(out, "finish");
          console.log(
            `contribution ${o.contribution}: ${rows.count} rows of ${rows.dim} features from blob ${rows.blobId}, contentRoot ${rows.contribution.contentRoot} checked`,
          );
        } finally {
          client.close();
        }
      })(o),
    );
}

async function readSession(path: string) {
  try {
    const s = JSON.parse(await readFile(path, "utf8")) as { uploadId: string; blobKey: string };
    return { uploadId: s.uploadId, blobKey: new Uint8Array(Buffer.from(s.blobKey, "hex")) };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

function writeSession(path: string, s: { uploadId: string; blobKey: Uint8Array }): void {
  const body = JSON.stringify({ uploadId: s.uploadId, blobKey: Buffer.from(s.blobKey).toString("hex") });
  writeFileSync(path, body, { mode: 0o600 });
}

/**
 * `openledger store`: the encrypted content-addressed store for rows, models and inference
 * inputs (docs/store.md). Without a subcommand it serves, until SIGINT/SIGTERM.
 */
export function storeCommand(): Command {
  return new Command("store")
    .description("the encrypted content-addressed store for rows, models and inference inputs")
    .addCommand(serveCommand(), { isDefault: true })
    .addCommand(whoamiCommand())
    .addCommand(putCommand())
    .addCommand(getCommand())
    .addCommand(grantCommand())
    .addCommand(rowsCommand());
}

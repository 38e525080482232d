import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { Store } from "./store.ts";
import { tempDir } from "../testing.ts";

describe("fsync of LevelDB's log beside its writes", () => {
  it("finds the log file LevelDB appends to, and every write resolves after an fsync of it", async () => {
    const dir = tempDir("flusher");
    const store = await Store.open(dir);
    const writes = Array.from({ length: 50 }, (_, i) =>
      store.write([{ type: "put", key: `k${i}`, value: i }]),
    );
    await Promise.all(writes);
    // The layout log-flusher.ts assumes: appends go to <number>.log in the directory.
    const logs = (await readdir(dir)).filter((f) => /^\d+\.log$/.test(f));
    expect(logs.length).toBeGreaterThan(0);
    expect(store.flusher!.logs).toEqual(logs);
    expect(await store.get<number>("k49")).toBe(49);
    await store.close();
  });

  it("shares fsyncs between writes that wait at the same time", async () => {
    const dir = tempDir("flusher-share");
    const store = await Store.open(dir);
    const flusher = store.flusher!;
    const before = flusher.rounds;
    await Promise.all(Array.from({ length: 20 }, () => flusher.flush()));
    // One running, the other nineteen share the next.
    expect(flusher.rounds - before).toBe(2);
    await store.close();
  });
});

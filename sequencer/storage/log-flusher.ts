import { type FileHandle, open, readdir } from "node:fs/promises";
import { join } from "node:path";

/**
 * fsync of LevelDB's write-ahead log, beside LevelDB rather than inside its writes, so that
 * appending the next writes never waits for the disk: a write is appended without `sync` (it
 * is then in the operating system's cache: it survives kill -9), and `flush()` resolves once
 * an fsync that started after the write finished is done (then it survives power loss too).
 * One fsync runs at a time and covers every write appended before it started, so the disk's
 * latency (2-6 ms on the benchmark machine) no longer bounds how many writes a second land.
 *
 * It relies on LevelDB's layout: appends go to `<number>.log` in the database directory; when
 * LevelDB switches to a new log, the old one is turned into a table file that LevelDB fsyncs
 * before deleting the log. So fsyncing every `.log` file present covers every appended write,
 * and a log gone by the time it is opened held nothing that was not already durable.
 * `log-flusher.test.ts` checks that the layout is still the one assumed.
 */
export class LogFlusher {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private readonly handles = new Map<string, FileHandle>();
  /** fsync rounds run so far (each syncs every log file present). */
  rounds = 0;

  constructor(private readonly dir: string) {}

  /** Resolves once an fsync of the log that started after this call has finished. */
  flush(): Promise<void> {
    if (!this.running) {
      this.running = this.syncLogs().finally(() => (this.running = undefined));
      return this.running;
    }
    // The running fsync may have started before the caller's write: wait for the next one,
    // shared by everyone who asks meanwhile.
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.flush();
      });
    return this.next;
  }

  /** Names of the log files the last fsync covered. */
  get logs(): string[] {
    return [...this.handles.keys()];
  }

  async close(): Promise<void> {
    while (this.running || this.next) await (this.next ?? this.running)!.catch(() => undefined);
    await Promise.all([...this.handles.values()].map((h) => h.close()));
    this.handles.clear();
  }

  private async syncLogs(): Promise<void> {
    this.rounds++;
    const logs = (await readdir(this.dir)).filter((f) => /^\d+\.log$/.test(f));
    if (logs.length === 0) throw new Error(`no LevelDB log file in ${this.dir} to fsync`);
    for (const [name, handle] of this.handles) {
      if (logs.includes(name)) continue;
      this.handles.delete(name);
      await handle.close();
    }
    await Promise.all(
      logs.map(async (name) => {
        let handle = this.handles.get(name);
        if (!handle) {
          try {
            handle = await open(join(this.dir, name), "r");
          } catch (e) {
            // Deleted since the listing: already in a table file LevelDB has synced.
            if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
            throw e;
          }
          this.handles.set(name, handle);
        }
        await handle.datasync();
      }),
    );
  }
}

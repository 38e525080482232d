/** A pool of child processes computing scalar * generator in G1 or G2 (see fixed-base-child.ts). */
import { type ChildProcess, fork } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { FixedBaseRequest, FixedBaseResponse, Group } from "./fixed-base-protocol.ts";

const CHILD = fileURLToPath(new URL("./fixed-base-child.ts", import.meta.url));
const SCALAR_BYTES = 32;
const POINT_BYTES: Record<Group, number> = { G1: 64, G2: 128 };
/** Below this many points a second child costs more (table build, IPC) than it saves. */
const MIN_POINTS_PER_CHILD = 2048;

export class FixedBasePool {
  private readonly children: ChildProcess[];
  private nextId = 0;

  constructor(size = availableParallelism()) {
    // The child is a .ts file: the pinned Node 22 strips its types natively, no loader needed.
    this.children = Array.from({ length: Math.max(1, size) }, () =>
      fork(CHILD, [], { serialization: "advanced", execArgv: [], stdio: "inherit" }),
    );
  }

  /** scalars: 32-byte little-endian each; returns affine Montgomery LE points in the same order. */
  async multiply(group: Group, scalars: Uint8Array): Promise<Uint8Array> {
    const n = scalars.byteLength / SCALAR_BYTES;
    const parts = Math.max(1, Math.min(this.children.length, Math.floor(n / MIN_POINTS_PER_CHILD)));
    const per = Math.ceil(n / parts);
    const results = await Promise.all(
      Array.from({ length: parts }, (_, k) =>
        this.run(
          this.children[k]!,
          group,
          scalars.subarray(k * per * SCALAR_BYTES, Math.min(n, (k + 1) * per) * SCALAR_BYTES),
        ),
      ),
    );
    const out = new Uint8Array(n * POINT_BYTES[group]);
    for (const [k, points] of results.entries()) out.set(points, k * per * POINT_BYTES[group]);
    return out;
  }

  close(): void {
    for (const child of this.children) if (child.connected) child.disconnect();
  }

  private run(child: ChildProcess, group: Group, scalars: Uint8Array): Promise<Uint8Array> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (res: FixedBaseResponse) => {
        if (res.id !== id) return;
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(res.points);
      };
      const onExit = (code: number | null) => reject(new Error(`fixed-base child exited with code ${code}`));
      child.on("message", onMessage);
      child.once("exit", onExit);
      const req: FixedBaseRequest = { id, group, scalars };
      child.send(req);
    });
  }
}

/**
 * Proving backends. The prover node hands a job (circuit wasm, zkey, input) to one of them:
 * snarkjs in a proving process by default, or a rapidsnark-style native prover when
 * configured (`<bin> <zkey> <witness.wtns> <proof.json> <public.json>`), the witness then
 * coming from snarkjs in the proving process.
 *
 * A child process rather than a worker thread: ffjavascript's `web-worker` dependency takes
 * over any worker thread that imports it (docs/circuits.md), and snarkjs already spreads the
 * multi-exponentiations over worker threads of its own inside that process. The node's event
 * loop stays free, and the proving memory (gigabytes at production size) goes with the process.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Groth16Proof, PublicSignals } from "snarkjs";

export interface ProvingJob {
  readonly wasm: string;
  readonly zkey: string;
  readonly input: Record<string, unknown>;
}

export interface ProvingResult {
  readonly proof: Groth16Proof;
  readonly publicSignals: PublicSignals;
  readonly witnessSeconds: number;
  readonly proveSeconds: number;
  /** Peak resident memory of the proving process so far (MB). */
  readonly peakRssMb: number;
}

export interface ProvingBackend {
  readonly name: string;
  prove(job: ProvingJob): Promise<ProvingResult>;
  close(): Promise<void>;
}

/** Messages to the worker (prove-worker.ts) and back. */
export interface WorkerRequest {
  readonly id: number;
  readonly job: ProvingJob;
  /** Only write the witness to this path (for a native prover); no snarkjs proof. */
  readonly witnessOnly?: string;
}
/** A witness-only job's result has no proof. */
export type WorkerResult = Omit<ProvingResult, "proof" | "publicSignals"> & Partial<ProvingResult>;
export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly result: WorkerResult }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** One proving process, one job at a time: a Groth16 proof already uses every core. */
class ProveWorker {
  private readonly worker: ChildProcess;
  private readonly pending = new Map<
    number,
    { resolve: (r: WorkerResult) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor() {
    // The child loads TypeScript through tsx, as the main program does.
    this.worker = fork(new URL("./prove-worker.ts", import.meta.url), {
      execArgv: ["--import", "tsx"],
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.worker.on("message", (msg: WorkerReply) => {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.ok) p?.resolve(msg.result);
      else p?.reject(new Error(msg.error));
    });
    const fail = (e: Error) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`the proving process exited (${code})`)));
  }

  run(job: ProvingJob, witnessOnly?: string): Promise<WorkerResult> {
    const result = this.chain.then(
      () =>
        new Promise<WorkerResult>((resolve, reject) => {
          const id = this.nextId++;
          this.pending.set(id, { resolve, reject });
          this.worker.send({ id, job, witnessOnly } satisfies WorkerRequest);
        }),
    );
    this.chain = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    if (this.worker.exitCode !== null) return;
    const exited = new Promise((resolve) => this.worker.once("exit", resolve));
    this.worker.disconnect();
    await exited;
  }
}

export class SnarkjsBackend implements ProvingBackend {
  readonly name = "snarkjs";
  private readonly worker = new ProveWorker();

  async prove(job: ProvingJob): Promise<ProvingResult> {
    const { proof, publicSignals, ...times } = await this.worker.run(job);
    return { proof: proof!, publicSignals: publicSignals!, ...times };
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}

export class NativeProverBackend implements ProvingBackend {
  readonly name: string;
  private readonly worker = new ProveWorker();

  constructor(private readonly binary: string) {
    this.name = `native:${binary}`;
  }

  async prove(job: ProvingJob): Promise<ProvingResult> {
    const dir = await mkdtemp(join(tmpdir(), "openledger-prove-"));
    try {
      const wtns = join(dir, "witness.wtns");
      const { witnessSeconds, peakRssMb } = await this.worker.run(job, wtns);
      const started = performance.now();
      await run(this.binary, [job.zkey, wtns, join(dir, "proof.json"), join(dir, "public.json")]);
      const proveSeconds = (performance.now() - started) / 1000;
      const proof = JSON.parse(await readFile(join(dir, "proof.json"), "utf8")) as Groth16Proof;
      const publicSignals = JSON.parse(await readFile(join(dir, "public.json"), "utf8")) as PublicSignals;
      // The native prover's own memory is not measured here.
      return { proof, publicSignals, witnessSeconds, proveSeconds, peakRssMb };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}

/** The backend a node is configured with: a native prover's path, or snarkjs. */
export function createBackend(nativeProver?: string): ProvingBackend {
  return nativeProver ? new NativeProverBackend(nativeProver) : new SnarkjsBackend();
}

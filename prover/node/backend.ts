/**
 * Proving backends. The prover node hands a job (circuit wasm, zkey, input) to one of them:
 * snarkjs on a worker thread by default, or a rapidsnark-style native prover when configured
 * (`<bin> <zkey> <witness.wtns> <proof.json> <public.json>`), the witness then coming from
 * snarkjs on the worker.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
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

/** One worker thread, one job at a time: a Groth16 proof already uses every core. */
class ProveWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (r: WorkerResult) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor() {
    this.worker = new Worker(new URL("./prove-worker.ts", import.meta.url), {
      execArgv: ["--import", "tsx"],
    });
    this.worker.on("message", (msg: WorkerReply) => {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.ok) p?.resolve(msg.result);
      else p?.reject(new Error(msg.error));
    });
    this.worker.on("error", (e) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    });
  }

  run(job: ProvingJob, witnessOnly?: string): Promise<WorkerResult> {
    const result = this.chain.then(
      () =>
        new Promise<WorkerResult>((resolve, reject) => {
          const id = this.nextId++;
          this.pending.set(id, { resolve, reject });
          this.worker.postMessage({ id, job, witnessOnly } satisfies WorkerRequest);
        }),
    );
    this.chain = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

export class SnarkjsBackend implements ProvingBackend {
  readonly name = "snarkjs";
  private readonly worker = new ProveWorker();

  async prove(job: ProvingJob): Promise<ProvingResult> {
    const { proof, publicSignals, witnessSeconds, proveSeconds } = await this.worker.run(job);
    return { proof: proof!, publicSignals: publicSignals!, witnessSeconds, proveSeconds };
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
      const { witnessSeconds } = await this.worker.run(job, wtns);
      const started = performance.now();
      await run(this.binary, [job.zkey, wtns, join(dir, "proof.json"), join(dir, "public.json")]);
      const proveSeconds = (performance.now() - started) / 1000;
      const proof = JSON.parse(await readFile(join(dir, "proof.json"), "utf8")) as Groth16Proof;
      const publicSignals = JSON.parse(await readFile(join(dir, "public.json"), "utf8")) as PublicSignals;
      return { proof, publicSignals, witnessSeconds, proveSeconds };
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

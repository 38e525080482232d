/**
 * Builds a circuit's proving keys in a child process (key-build-worker.ts) and reports
 * progress as readable log lines with a text progress bar: compile, INSECURE dev powers of
 * tau, proving key. Cached artifacts come back in a second or two; a fresh clone takes
 * minutes. stop() ends the build and every process under it (it leads its own process group).
 */
import { type ChildProcess, fork } from "node:child_process";
import type { CircuitArtifacts } from "../../circuits/tools/artifacts.ts";
import { CircuitBuildError, CircuitBuildErrorCode } from "../../circuits/tools/errors.ts";

export type KeyBuildMessage =
  | { readonly kind: "line"; readonly line: string }
  | { readonly kind: "done"; readonly artifacts: CircuitArtifacts }
  | { readonly kind: "failed"; readonly error: string };

/** The build's steps, recognised in the pipeline's progress lines. */
const STEPS = [
  { label: "compiling the circuit (circom2)", starts: /: compiling /, ends: /: compiled in / },
  { label: "INSECURE dev powers of tau", starts: /writing 2\^\d+ ptau/, ends: /ptau written in/ },
  { label: "Groth16 proving key", starts: /: zkey from /, ends: /Groth16 setup .* done in/ },
] as const;

const BAR_WIDTH = 24;

/** `[██████░░░░] 2/3 label · 1m05s` */
export function progressLine(done: number, current: string, elapsedMs: number): string {
  const filled = Math.round((BAR_WIDTH * done) / STEPS.length);
  const s = Math.floor(elapsedMs / 1000);
  const elapsed = s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
  return `[${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}] ${done}/${STEPS.length} ${current} · ${elapsed}`;
}

export interface KeyBuildOptions {
  /** Cache folder inside the repository (tests); default build/circuits. */
  readonly buildDir?: string;
  /** Progress, as lines for a log. */
  readonly progress: (line: string) => void;
  /** How often a long step repeats its progress line. */
  readonly heartbeatMs?: number;
}

export class KeyBuild {
  /** Resolves with the artifacts; rejects if the build fails or is stopped. */
  readonly done: Promise<CircuitArtifacts>;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(
    readonly circuit: string,
    o: KeyBuildOptions,
  ) {
    const started = Date.now();
    let stepsDone = 0;
    let current = "starting";
    const report = () =>
      o.progress(`${circuit} keys ${progressLine(stepsDone, current, Date.now() - started)}`);
    this.child = fork(new URL("./key-build-worker.ts", import.meta.url), [circuit, o.buildDir ?? ""], {
      execArgv: ["--import", "tsx"],
      serialization: "advanced",
      // Its own process group: Ctrl-C in a terminal reaches the devnet, which stops it.
      detached: true,
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    const heartbeat = setInterval(report, o.heartbeatMs ?? 15_000);
    this.exited = new Promise((resolve) => this.child.once("exit", () => resolve()));
    this.done = new Promise<CircuitArtifacts>((resolve, reject) => {
      this.child.on("message", (m: KeyBuildMessage) => {
        if (m.kind === "done") resolve(m.artifacts);
        else if (m.kind === "failed")
          reject(new CircuitBuildError(CircuitBuildErrorCode.CircuitBuildFailed, m.error));
        else {
          const i = STEPS.findIndex((s) => s.starts.test(m.line));
          const j = STEPS.findIndex((s) => s.ends.test(m.line));
          if (i >= 0) current = STEPS[i]!.label;
          if (j >= 0) stepsDone = Math.max(stepsDone, j + 1);
          if (i >= 0 || j >= 0) report();
        }
      });
      this.child.once("exit", (code, signal) =>
        reject(
          new CircuitBuildError(
            CircuitBuildErrorCode.CircuitBuildFailed,
            `the ${circuit} key build ended (${signal ?? `exit ${code}`}) before its keys were ready`,
          ),
        ),
      );
    }).finally(() => clearInterval(heartbeat));
    // stop() or a failure is reported by the caller; never an unhandled rejection.
    this.done.catch(() => undefined);
  }

  /** The build process: it leads a process group of its own. */
  get pid(): number {
    return this.child.pid!;
  }

  /**
   * Ends the build and the compiler and setup processes under it, and waits until all of them
   * have exited (SIGKILL for any still there after `graceMs`).
   */
  async stop(graceMs = 5000): Promise<void> {
    const group = -this.child.pid!;
    signal(group, "SIGTERM");
    await this.exited;
    for (const deadline = Date.now() + graceMs; signal(group, 0);) {
      if (Date.now() > deadline) signal(group, "SIGKILL");
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** process.kill that answers whether the target (a pid, or a group as -pgid) still exists. */
function signal(target: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, sig);
    return true;
  } catch {
    return false;
  }
}

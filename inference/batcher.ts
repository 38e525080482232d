/**
 * Runs concurrent single-row requests as one model call: rows arriving within `windowMs` of
 * the first waiting one, or `maxBatch` rows, whichever comes first, go to `run` together.
 * One onnxruntime call over n rows costs far less than n calls (the per-call overhead
 * dominates a small MLP), which is where a busy node's throughput comes from.
 */
export interface BatchOptions {
  readonly windowMs: number;
  readonly maxBatch: number;
}

export type BatchRun = (x: Float32Array, n: number) => Promise<{ probs: Float32Array }>;

interface Waiting {
  readonly row: Float32Array;
  resolve(out: Float32Array): void;
  reject(e: unknown): void;
}

export class MicroBatcher {
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Model calls made and rows they carried: how well requests were batched. */
  calls = 0;
  rows = 0;

  constructor(
    private readonly run: BatchRun,
    private readonly width: number,
    private readonly classes: number,
    private readonly o: BatchOptions,
  ) {}

  /** The class probabilities of one row (width values), once its batch has run. */
  submit(row: Float32Array): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      if (this.waiting.length >= this.o.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.o.windowMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) return;
    const x = new Float32Array(batch.length * this.width);
    batch.forEach((w, i) => x.set(w.row, i * this.width));
    this.calls++;
    this.rows += batch.length;
    this.run(x, batch.length).then(
      ({ probs }) =>
        batch.forEach((w, i) => w.resolve(probs.slice(i * this.classes, (i + 1) * this.classes))),
      (e: unknown) => batch.forEach((w) => w.reject(e)),
    );
  }
}

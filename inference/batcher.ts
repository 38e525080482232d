/**
 * Runs concurrent requests as one call: items arriving within `windowMs` of the first
 * waiting one, or `maxBatch` items, whichever comes first, go to `run` together, and each
 * caller gets its own result. The node batches model rows (one onnxruntime call over n rows
 * costs far less than n calls: the per-call overhead dominates a small MLP) and stored
 * records (one store upload per window instead of one per paid inference).
 */
export interface BatchOptions {
  readonly windowMs: number;
  readonly maxBatch: number;
  /**
   * One call at a time: items arriving while a call runs wait for it to end and then go
   * together (group commit), so batches grow with the load instead of calls piling up.
   */
  readonly serial?: boolean;
}

interface Waiting<I, O> {
  readonly item: I;
  resolve(out: O): void;
  reject(e: unknown): void;
}

export class WindowBatcher<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** Calls made and items they carried: how well requests were batched. */
  calls = 0;
  items = 0;

  constructor(
    /** One result per item, in order; a failure fails every item of the batch. */
    private readonly run: (items: readonly I[]) => Promise<readonly O[]>,
    private readonly o: BatchOptions,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.o.serial && this.running) return;
      if (this.waiting.length >= this.o.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.o.windowMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting.splice(0, this.o.maxBatch);
    if (batch.length === 0) return;
    this.calls++;
    this.items += batch.length;
    this.running = true;
    this.run(batch.map((w) => w.item))
      .then(
        (outs) => batch.forEach((w, i) => w.resolve(outs[i]!)),
        (e: unknown) => batch.forEach((w) => w.reject(e)),
      )
      .finally(() => {
        this.running = false;
        if (this.o.serial && this.waiting.length > 0) this.flush();
      });
  }
}

export type BatchRun = (x: Float32Array, n: number) => Promise<{ probs: Float32Array }>;

/** Single rows of `width` values in, each row's `classes` probabilities out, one model call per batch. */
export class MicroBatcher extends WindowBatcher<Float32Array, Float32Array> {
  constructor(run: BatchRun, width: number, classes: number, o: BatchOptions) {
    super(async (rows) => {
      const x = new Float32Array(rows.length * width);
      rows.forEach((row, i) => x.set(row, i * width));
      const { probs } = await run(x, rows.length);
      return rows.map((_, i) => probs.slice(i * classes, (i + 1) * classes));
    }, o);
  }
}

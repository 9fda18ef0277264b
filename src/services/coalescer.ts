interface Waiting<I, O> {
  readonly item: I;
  readonly resolve: (value: O) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Coalesces concurrent calls into batches: `submit` runs at once when fewer than
 * `concurrencyMax` batches are running (an idle service adds no latency); otherwise the item
 * waits and leaves with everything that queued meanwhile (at most `sizeMax`) as soon as a
 * running batch finishes. `runBatch` answers each item, in order; if it throws, every item of
 * that batch gets the error.
 */
export class Coalescer<I, O> {
  private readonly queue: Waiting<I, O>[] = [];
  private running = 0;

  constructor(
    private readonly runBatch: (items: readonly I[]) => Promise<readonly O[]>,
    private readonly sizeMax: number,
    private readonly concurrencyMax = 1,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.queue.length > 0 && this.running < this.concurrencyMax) {
      const batch = this.queue.splice(0, this.sizeMax);
      this.running++;
      void this.runBatch(batch.map((waiting) => waiting.item))
        .then(
          (answers) => {
            for (const [index, waiting] of batch.entries()) waiting.resolve(answers[index] as O);
          },
          (error: unknown) => {
            for (const waiting of batch) waiting.reject(error);
          },
        )
        .finally(() => {
          this.running--;
          this.drain();
        });
    }
  }
}

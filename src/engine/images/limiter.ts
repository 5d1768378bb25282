/** Runs at most `max` tasks at once; cancel() fails the ones not started. */
export class Limiter {
  #max: number;
  #running = 0;
  #queue: Array<{ start: () => void; fail: (e: Error) => void }> = [];
  #cancelled = false;

  constructor(max: number) {
    this.#max = max;
  }

  /** Runs task when a slot is free. */
  run<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.#running++;
        task()
          .then(resolve, reject)
          .finally(() => {
            this.#running--;
            this.#queue.shift()?.start();
          });
      };
      if (this.#cancelled) reject(new Error("transfer cancelled"));
      else if (this.#running < this.#max) start();
      else this.#queue.push({ start, fail: reject });
    });
  }

  /** Fails every queued task. */
  cancel(): void {
    this.#cancelled = true;
    for (const q of this.#queue.splice(0))
      q.fail(new Error("transfer cancelled"));
  }
}

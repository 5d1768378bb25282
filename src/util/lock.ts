/**
 * A keyed async mutex: run(key, fn) runs fn after every earlier fn for the
 * same key has settled. Keys are independent. Not reentrant.
 */
export class KeyedLock {
  #tails = new Map<string, Promise<unknown>>();

  /** Runs fn holding the lock for key; resolves or rejects with fn's result. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.#tails.set(key, tail);
    try {
      return await next;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}

/**
 * Promises for "the next exit of id" and "the removal of id", resolved with
 * the exit code. Used by wait, stop and kill.
 */
export class Waiters {
  #exit = new Map<string, ((code: number) => void)[]>();
  #removed = new Map<string, ((code: number) => void)[]>();

  /** Resolves at id's next exit. */
  untilExit(id: string): Promise<number> {
    return add(this.#exit, id);
  }

  /** Resolves when id is removed. */
  untilRemoved(id: string): Promise<number> {
    return add(this.#removed, id);
  }

  /** Wakes exit waiters of id. */
  exited(id: string, code: number): void {
    wake(this.#exit, id, code);
  }

  /** Wakes removal waiters of id, and exit waiters (nothing will exit any more). */
  removed(id: string, code: number): void {
    wake(this.#exit, id, code);
    wake(this.#removed, id, code);
  }
}

function add(
  map: Map<string, ((code: number) => void)[]>,
  id: string,
): Promise<number> {
  return new Promise((resolve) => {
    const list = map.get(id) ?? [];
    list.push(resolve);
    map.set(id, list);
  });
}

function wake(
  map: Map<string, ((code: number) => void)[]>,
  id: string,
  code: number,
): void {
  const list = map.get(id);
  map.delete(id);
  for (const f of list ?? []) f(code);
}

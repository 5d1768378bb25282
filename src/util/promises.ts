/**
 * Awaits every promise, then throws the first failure: unlike Promise.all,
 * nothing is still running when the caller starts cleaning up, so a
 * rollback never races an acquisition still in flight.
 */
export async function allOrFirstError<T extends readonly unknown[]>(ps: {
  [K in keyof T]: Promise<T[K]>;
}): Promise<T> {
  const settled = await Promise.allSettled(ps);
  for (const s of settled) if (s.status === "rejected") throw s.reason;
  return settled.map(
    (s) => (s as PromiseFulfilledResult<unknown>).value,
  ) as unknown as T;
}

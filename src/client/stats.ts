/** client.containers.stats: GET /containers/{id}/stats as an async iterator. */
import type { ContainerStatsResponse } from "../api/stats.ts";
import { jsonLines } from "./json-lines.ts";
import type { Transport } from "./transport.ts";

/** Options of stats: stream (default true) and one-shot (API ≥ 1.41, only without stream). */
export type StatsOptions = {
  stream?: boolean;
  oneShot?: boolean;
  signal?: AbortSignal;
};

/**
 * Yields stats objects until the daemon ends the stream or `signal` aborts
 * (an abort ends the iteration quietly). Throws ClientError 404 for an
 * unknown container.
 */
export async function* containerStats(
  t: Transport,
  id: string,
  options: StatsOptions = {},
): AsyncGenerator<ContainerStatsResponse> {
  const res = await t.request(
    "GET",
    `/containers/${encodeURIComponent(id)}/stats`,
    {
      query: {
        stream: options.stream ?? true,
        "one-shot": options.oneShot || undefined,
      },
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  try {
    yield* jsonLines<ContainerStatsResponse>(res);
  } catch (err) {
    if (options.signal?.aborted) return;
    throw err;
  }
}

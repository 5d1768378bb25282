/**
 * Interleaved, prefixed service logs as compose prints them:
 * `wp-web-1  | line`, names padded to the longest, one colour per service
 * on a terminal. Each container's stream (stdcopy frames unless it has a
 * tty) is split into lines so lines from different containers never mix.
 */
import {
  StdcopyDemuxer,
  type ContainerSummary,
  type EngineClient,
  type LogsOptions,
} from "../../../client/index.ts";
import { nameOf } from "../../../compose/state.ts";

const COLOURS = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

/** Options of printLogs. */
export type PrintOptions = LogsOptions & {
  noPrefix?: boolean;
  colour?: boolean;
};

/** Streams the logs of the containers to out; resolves when every stream ends (or signal aborts). */
export async function printLogs(
  client: EngineClient,
  containers: ContainerSummary[],
  out: NodeJS.WritableStream,
  options: PrintOptions & { signal?: AbortSignal; width?: number },
): Promise<void> {
  const width = Math.max(
    options.width ?? 0,
    ...containers.map((c) => nameOf(c).length),
  );
  const services = [
    ...new Set(
      containers.map((c) => c.Labels["com.docker.compose.service"] ?? ""),
    ),
  ];
  await Promise.all(
    containers.map(async (c) => {
      const name = nameOf(c);
      const colour =
        COLOURS[
          services.indexOf(c.Labels["com.docker.compose.service"] ?? "") %
            COLOURS.length
        ] ?? 0;
      const prefix = options.noPrefix
        ? ""
        : options.colour
          ? `\x1b[${colour}m${name.padEnd(width)}  |\x1b[0m `
          : `${name.padEnd(width)}  | `;
      await streamLines(client, c, options, (line) =>
        out.write(`${prefix}${line}\n`),
      );
    }),
  );
}

async function streamLines(
  client: EngineClient,
  c: ContainerSummary,
  options: PrintOptions & { signal?: AbortSignal },
  emit: (line: string) => void,
): Promise<void> {
  const logOpts: LogsOptions = {
    stdout: true,
    stderr: true,
    ...(options.follow ? { follow: true } : {}),
    ...(options.tail ? { tail: options.tail } : {}),
    ...(options.since ? { since: options.since } : {}),
    ...(options.until ? { until: options.until } : {}),
    ...(options.timestamps ? { timestamps: true } : {}),
  };
  const tty = (await client.containers.inspect(c.Id)).Config.Tty;
  const body = await client.containers.logs(c.Id, logOpts);
  const onAbort = (): void => void body.destroy();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const demuxer = tty ? undefined : new StdcopyDemuxer();
  let buf = "";
  try {
    for await (const chunk of body) {
      const parts = demuxer
        ? demuxer.push(chunk as Buffer).map((f) => f.payload)
        : [chunk as Buffer];
      for (const p of parts) buf += p.toString("utf8");
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        emit(buf.slice(0, nl).replace(/\r$/, ""));
        buf = buf.slice(nl + 1);
      }
    }
  } catch {
    // the stream was cut (abort, or the container went away)
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  if (buf) emit(buf);
}

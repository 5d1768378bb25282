/**
 * POST /build: the legacy builder's endpoint (what `docker build` without
 * BuildKit and compose's `build:` call). A function over the transport
 * rather than a method so it can land beside other helpers' additions to
 * ImagesApi without conflict.
 */
import type { Readable } from "node:stream";
import type { Transport } from "./transport.ts";

/** Query options of POST /build (Docker's names in camelCase). */
export type BuildOptions = {
  /** Repository[:tag] to name the result (repeatable in the API; one here). */
  tag?: string;
  /** Path of the Dockerfile inside the context ("Dockerfile" by default). */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  target?: string;
  labels?: Record<string, string>;
  noCache?: boolean;
  pull?: boolean;
  network?: string;
  platform?: string;
};

/**
 * Sends the context tar and resolves with the stream of JSON progress
 * messages ({"stream":…}, {"aux":{"ID":…}}, {"error":…}); read it with
 * progressMessages(). Throws ClientError when the daemon refuses the request
 * (501 where no builder exists).
 */
export function buildImage(
  transport: Transport,
  context: Readable,
  options: BuildOptions = {},
): Promise<Readable> {
  const json = (v: Record<string, string> | undefined) =>
    v && Object.keys(v).length ? JSON.stringify(v) : undefined;
  return transport.request("POST", "/build", {
    query: {
      t: options.tag,
      dockerfile: options.dockerfile,
      buildargs: json(options.buildArgs),
      target: options.target,
      labels: json(options.labels),
      nocache: options.noCache || undefined,
      pull: options.pull || undefined,
      networkmode: options.network,
      platform: options.platform,
      rm: true,
    },
    body: context,
    headers: { "Content-Type": "application/x-tar" },
  });
}

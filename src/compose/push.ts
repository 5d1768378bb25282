/**
 * `push`: each service's image pushed through the engine (POST
 * /images/{name}/push), as compose v2 does: only services that have both a
 * `build:` section and an `image:` name (the others are skipped), the
 * registry credentials passed as X-Registry-Auth.
 */
import { progressMessages } from "../client/index.ts";
import { errorMessage } from "../util/errors.ts";
import { ComposeError } from "./errors.ts";
import type { Service } from "./model.ts";
import type { ApplyContext } from "./resources.ts";

/** Options of pushServices. */
export type PushOptions = {
  /** X-Registry-Auth for a registry host ("docker.io" for Docker Hub). */
  auth: (registry: string) => string;
  ignoreFailures?: boolean;
  quiet?: boolean;
};

/** The registry host of a reference ("docker.io" when it names none). */
export function registryOf(ref: string): string {
  const i = ref.indexOf("/");
  if (i < 0) return "docker.io";
  const first = ref.slice(0, i);
  return first.includes(".") || first.includes(":") || first === "localhost"
    ? first
    : "docker.io";
}

/** Splits "repo[:tag][@digest]" into repository and tag (default "latest"). */
export function splitTag(ref: string): { repo: string; tag: string } {
  const at = ref.indexOf("@");
  const base = at < 0 ? ref : ref.slice(0, at);
  const colon = base.lastIndexOf(":");
  if (colon > base.lastIndexOf("/"))
    return { repo: base.slice(0, colon), tag: base.slice(colon + 1) };
  return { repo: base, tag: "latest" };
}

/** Pushes one service's image. Throws ComposeError naming the service and the daemon's reason. */
export async function pushService(
  ctx: ApplyContext,
  service: Service,
  options: PushOptions,
): Promise<void> {
  const ref = service.image ?? "";
  const { repo, tag } = splitTag(ref);
  ctx.progress.event("Image", ref, "Pushing");
  try {
    const res = await ctx.client.transport.request(
      "POST",
      `/images/${repo.split("/").map(encodeURIComponent).join("/")}/push`,
      {
        query: { tag },
        headers: { "X-Registry-Auth": options.auth(registryOf(ref)) },
      },
    );
    for await (const msg of progressMessages(res))
      if (!options.quiet && msg.status && msg.id && msg.status === "Pushed")
        ctx.progress.line(` ${msg.id} Pushed`);
  } catch (err) {
    throw new ComposeError(
      `failed to push ${ref} for service "${service.name}": ${errorMessage(err)}`,
    );
  }
  ctx.progress.event("Image", ref, "Pushed");
}

/** Pushes the selected services' images, one after the other; with ignoreFailures a failure is reported and the rest go on. */
export async function pushServices(
  ctx: ApplyContext,
  names: string[],
  options: PushOptions,
): Promise<void> {
  for (const name of names) {
    const s = ctx.project.services[name];
    if (!s) throw new ComposeError(`no such service: ${name}`);
    if (!s.build || !s.image) continue;
    try {
      await pushService(ctx, s, options);
    } catch (err) {
      if (!options.ignoreFailures) throw err;
      ctx.progress.line(`WARN[0000] ${errorMessage(err)}`);
    }
  }
}

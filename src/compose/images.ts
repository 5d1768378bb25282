/**
 * Making sure each service's image exists before its containers are made:
 * build it (`build:` with --build, pull_policy build, or when missing), pull
 * it (pull_policy always, or missing), or fail (--no-build / pull_policy
 * never). Works only through the Engine API (POST /build, POST
 * /images/create); a daemon without a builder or registry client answers 501,
 * which is reported with the service's name.
 */
import { ClientError, progressMessages } from "../client/index.ts";
import { buildImage } from "../client/image-build.ts";
import { errorMessage } from "../util/errors.ts";
import { contextTar } from "./build-context.ts";
import { ComposeError } from "./errors.ts";
import { defaultImage } from "./labels.ts";
import type { Service } from "./model.ts";
import type { ApplyContext } from "./resources.ts";

/** How `up`, `create` and `run` treat images. */
export type ImageOptions = {
  build?: boolean;
  noBuild?: boolean;
  pull?: "always" | "missing" | "never" | "build" | "policy";
};

/** The image id, or undefined when the engine does not have it. */
export async function imageId(
  ctx: ApplyContext,
  ref: string,
): Promise<string | undefined> {
  try {
    return (await ctx.client.images.inspect(ref)).Id;
  } catch (err) {
    if (err instanceof ClientError && err.status === 404) return undefined;
    throw err;
  }
}

/** Builds a service's image with its build section; resolves with the image id. Throws ComposeError naming the service. */
export async function buildService(
  ctx: ApplyContext,
  service: Service,
  options: { noCache?: boolean; pull?: boolean } = {},
): Promise<string | undefined> {
  const b = service.build;
  if (!b)
    throw new ComposeError(
      `service "${service.name}" has neither an image nor a build context specified: invalid compose project`,
    );
  const tag = defaultImage(ctx.project.name, service);
  ctx.progress.event("Service", service.name, "Building");
  const args: Record<string, string> = {};
  for (const [k, v] of Object.entries(b.args ?? {})) {
    const value = v ?? ctx.project.environment[k];
    if (value !== undefined) args[k] = value;
  }
  try {
    const body = contextTar(b.context, {
      ...(b.dockerfile ? { dockerfile: b.dockerfile } : {}),
      ...(b.dockerfile_inline !== undefined
        ? { inline: b.dockerfile_inline }
        : {}),
    });
    const res = await buildImage(ctx.client.transport, body, {
      tag,
      ...(b.dockerfile ? { dockerfile: b.dockerfile } : {}),
      buildArgs: args,
      ...(b.target ? { target: b.target } : {}),
      ...(b.labels ? { labels: b.labels } : {}),
      ...(options.noCache || b.no_cache ? { noCache: true } : {}),
      ...(options.pull || b.pull ? { pull: true } : {}),
      ...(b.network ? { network: b.network } : {}),
    });
    for await (const msg of progressMessages(res))
      if (msg.stream) ctx.progress.line(msg.stream.replace(/\n$/, ""));
  } catch (err) {
    throw new ComposeError(
      `failed to build service "${service.name}": ${errorMessage(err)}`,
    );
  }
  ctx.progress.event("Service", service.name, "Built");
  return imageId(ctx, tag);
}

/** Pulls a service's image. Throws ComposeError naming the service and the daemon's reason. */
export async function pullService(
  ctx: ApplyContext,
  service: Service,
): Promise<void> {
  const ref = service.image;
  if (!ref) return;
  ctx.progress.event("Image", ref, "Pulling");
  try {
    const res = await ctx.client.images.pull(
      ref.includes(":") || ref.includes("@") ? ref : `${ref}:latest`,
    );
    for await (const msg of progressMessages(res)) void msg;
  } catch (err) {
    throw new ComposeError(
      `failed to pull image for service "${service.name}" (${ref}): ${errorMessage(err)}`,
    );
  }
  ctx.progress.event("Image", ref, "Pulled");
}

/** Ensures the image of one service; resolves with its id. Throws ComposeError when it cannot be had. */
export async function ensureImage(
  ctx: ApplyContext,
  service: Service,
  options: ImageOptions,
): Promise<string | undefined> {
  const ref = defaultImage(ctx.project.name, service);
  const policy =
    options.pull && options.pull !== "policy"
      ? options.pull
      : (service.pull_policy ?? "missing");
  if (
    service.build &&
    !options.noBuild &&
    (options.build || policy === "build")
  )
    return buildService(ctx, service);
  if (policy === "always" && service.image) {
    await pullService(ctx, service);
    return imageId(ctx, ref);
  }
  const id = await imageId(ctx, ref);
  if (id) return id;
  if (service.build && !options.noBuild) return buildService(ctx, service);
  if (policy === "never" || options.noBuild || !service.image)
    throw new ComposeError(
      `service "${service.name}": image ${ref} not found${service.build ? " (and --no-build was given)" : ""}`,
    );
  await pullService(ctx, service);
  return imageId(ctx, ref);
}

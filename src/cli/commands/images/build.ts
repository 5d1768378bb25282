/** `wharf build [OPTIONS] PATH | URL | -`: the classic builder's client. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { packContext } from "../../../client/build-context.ts";
import { buildImage, type BuildOptions } from "../../../client/image-build.ts";
import { jsonLines, type JsonMessage } from "../../../client/index.ts";
import { humanSize } from "../../../conventions/human.ts";
import {
  StatusError,
  type Command,
  type CommandContext,
} from "../../command.ts";
import { flagSpec, type FlagSpec } from "../../flags.ts";
import { parseUlimit } from "../containers/create-options-resources.ts";
import { ramInBytes } from "../containers/ram-in-bytes.ts";
import { BuildProgress, type ProgressMode } from "./build-progress.ts";

const list = (name: string, description: string, short?: string): FlagSpec =>
  flagSpec("list", name, description, short);
const str = (name: string, description: string, short?: string): FlagSpec =>
  flagSpec("string", name, description, short);
const bool = (name: string, description: string, short?: string): FlagSpec =>
  flagSpec("bool", name, description, short);

/** Builds an image from a Dockerfile and a context; exits with a failing RUN's code. */
export const build: Command = {
  usage: "[OPTIONS] PATH | URL | -",
  short: "Build an image from a Dockerfile",
  flags: [
    list("add-host", "Add a custom host-to-IP mapping (host:ip)"),
    list("build-arg", "Set build-time variables"),
    list("cache-from", "Images to consider as cache sources"),
    {
      ...str(
        "cpu-period",
        "Limit the CPU CFS (Completely Fair Scheduler) period",
      ),
      type: "int",
    },
    {
      ...str(
        "cpu-quota",
        "Limit the CPU CFS (Completely Fair Scheduler) quota",
      ),
      type: "int",
    },
    { ...str("cpu-shares", "CPU shares (relative weight)", "c"), type: "int" },
    str("cpuset-cpus", "CPUs in which to allow execution (0-3, 0,1)"),
    bool("disable-content-trust", "Skip image verification"),
    str("file", "Name of the Dockerfile (Default is 'PATH/Dockerfile')", "f"),
    bool("force-rm", "Always remove intermediate containers"),
    str("iidfile", "Write the image ID to the file"),
    str("isolation", "Container isolation technology"),
    list("label", "Set metadata for an image"),
    str("memory", "Memory limit", "m"),
    str(
      "memory-swap",
      "Swap limit equal to memory plus swap: -1 to enable unlimited swap",
    ),
    str(
      "network",
      "Set the networking mode for the RUN instructions during build",
    ),
    bool("no-cache", "Do not use cache when building the image"),
    str("platform", "Set platform if server is multi-platform capable"),
    {
      ...str(
        "progress",
        "Set type of progress output (auto, plain, tty, quiet, rawjson)",
      ),
      default: "auto",
    },
    bool("pull", "Always attempt to pull a newer version of the image"),
    bool(
      "quiet",
      "Suppress the build output and print image ID on success",
      "q",
    ),
    {
      ...bool("rm", "Remove intermediate containers after a successful build"),
      default: true,
    },
    str("shm-size", "Size of /dev/shm"),
    bool("squash", "Squash newly built layers into a single new layer"),
    list("tag", "Name and optionally a tag in the 'name:tag' format", "t"),
    str("target", "Set the target build stage to build."),
    list("ulimit", "Ulimit options"),
  ],
  args: { min: 1, max: 1 },
  action: async (ctx) => {
    const [source = ""] = ctx.args;
    const quiet = ctx.flags.bool("quiet");
    const mode = progressMode(ctx, quiet);
    const options = buildOptions(ctx, quiet);
    const { body, dockerfile, remote } = await contextBody(ctx, source);
    if (dockerfile !== undefined) options.dockerfile = dockerfile;
    if (remote !== undefined) options.remote = remote;
    let sent = 0;
    const counted = body?.pipe(
      new Transform({
        transform(chunk: Buffer, _e, cb) {
          sent += chunk.length;
          cb(null, chunk);
        },
      }),
    );
    counted?.on("end", () => {
      if (mode === "plain")
        ctx.io.stdout.write(
          `Sending build context to Docker daemon  ${humanSize(sent)}\n`,
        );
    });
    const res = await buildImage(
      ctx.client().transport,
      counted ?? Readable.from([]),
      options,
    );
    const progress = new BuildProgress(mode, ctx.io.stdout);
    let imageId: string | undefined;
    let quietId = "";
    try {
      for await (const msg of jsonLines<JsonMessage>(res)) {
        if (msg.error || msg.errorDetail) {
          progress.end(true);
          const code = msg.errorDetail?.code;
          throw new StatusError(
            msg.errorDetail?.message ?? msg.error ?? "build failed",
            code && code > 0 ? code : 1,
          );
        }
        const id = msg.aux?.ID;
        if (typeof id === "string") imageId = id;
        if (quiet && msg.stream) quietId += msg.stream;
        progress.message(msg);
      }
    } finally {
      res.destroy();
    }
    progress.end();
    imageId ??= quietId.trim() || undefined;
    if (quiet && imageId) ctx.io.stdout.write(`${imageId}\n`);
    const iidfile = ctx.flags.string("iidfile");
    if (iidfile && imageId) await writeFile(iidfile, imageId);
  },
};

function progressMode(ctx: CommandContext, quiet: boolean): ProgressMode {
  const p = ctx.flags.string("progress") ?? "auto";
  if (quiet || p === "quiet") return "quiet";
  if (p === "auto") return ctx.io.stdout.isTTY ? "tty" : "plain";
  if (p === "plain" || p === "tty" || p === "rawjson") return p;
  throw new StatusError(
    `invalid argument "${p}" for "--progress" flag: must be one of auto, plain, tty, quiet, rawjson`,
    125,
  );
}

/** The query of POST /build from the flags (Docker CLI's names and parsing). */
function buildOptions(ctx: CommandContext, quiet: boolean): BuildOptions {
  const f = ctx.flags;
  const buildArgs: Record<string, string | null> = {};
  for (const a of f.list("build-arg")) {
    const eq = a.indexOf("=");
    // compat: `--build-arg KEY` takes KEY from the environment, else null.
    if (eq < 0) buildArgs[a] = ctx.env[a] ?? null;
    else buildArgs[a.slice(0, eq)] = a.slice(eq + 1);
  }
  const labels: Record<string, string> = {};
  for (const l of f.list("label")) {
    const eq = l.indexOf("=");
    labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? "" : l.slice(eq + 1);
  }
  const size = (name: string): number | undefined => {
    const v = f.string(name);
    return v
      ? ramInBytes(v, name === "memory" ? "-m, --memory" : `--${name}`)
      : undefined;
  };
  const swap = f.string("memory-swap");
  const isolation = f.string("isolation");
  if (isolation && isolation !== "default")
    throw new StatusError(
      `Error response from daemon: invalid isolation: ${isolation}`,
      1,
    );
  const opt = <T>(
    k: keyof BuildOptions,
    v: T | undefined,
  ): Partial<BuildOptions> => (v === undefined || v === "" ? {} : { [k]: v });
  return {
    tags: f.list("tag"),
    buildArgs,
    labels,
    noCache: f.bool("no-cache"),
    pull: f.bool("pull"),
    quiet,
    keepContainers: !f.bool("rm"),
    forceRemove: f.bool("force-rm"),
    extraHosts: f.list("add-host"),
    cacheFrom: f.list("cache-from"),
    ulimits: f.list("ulimit").map(parseUlimit),
    squash: f.bool("squash"),
    ...opt("target", f.string("target")),
    ...opt("network", f.string("network")),
    ...opt("platform", f.string("platform")),
    ...opt("shmSize", size("shm-size")),
    ...opt("memory", size("memory")),
    ...opt("memorySwap", swap === "-1" ? -1 : size("memory-swap")),
    ...opt("cpuShares", f.int("cpu-shares")),
    ...opt("cpusetCpus", f.string("cpuset-cpus")),
    ...opt("cpuPeriod", f.int("cpu-period")),
    ...opt("cpuQuota", f.int("cpu-quota")),
  };
}

/**
 * The request body: a packed directory, stdin as a context tar (or as a
 * lone Dockerfile when it is not an archive), or nothing for a URL, which
 * the daemon fetches itself (`remote`).
 */
async function contextBody(
  ctx: CommandContext,
  source: string,
): Promise<{
  body: Readable | undefined;
  dockerfile: string | undefined;
  remote?: string;
}> {
  const file = ctx.flags.string("file");
  // compat: a URL is fetched by the daemon (`remote`), as the Docker CLI sends it.
  if (/^(https?:\/\/|git@|git:\/\/|github\.com\/)/.test(source))
    return { body: undefined, dockerfile: file, remote: source };
  if (source === "-") {
    if (file === "-")
      throw new StatusError(
        "invalid argument: can't use stdin for both build context and dockerfile",
        1,
      );
    const input = await readAll(ctx.io.stdin as Readable);
    if (isArchive(input))
      return { body: Readable.from([input]), dockerfile: file };
    const packed = await packText(input.toString("utf8"));
    return { body: packed.tar, dockerfile: packed.dockerfile };
  }
  const text =
    file === "-"
      ? (await readAll(ctx.io.stdin as Readable)).toString("utf8")
      : undefined;
  try {
    const packed = await packContext(source, {
      ...(file && file !== "-" ? { dockerfile: file } : {}),
      ...(text !== undefined ? { dockerfileText: text } : {}),
    });
    return { body: packed.tar, dockerfile: packed.dockerfile };
  } catch (err) {
    throw new StatusError((err as Error).message, 1);
  }
}

/** A context made of one Dockerfile (`docker build - < Dockerfile`). */
async function packText(
  text: string,
): Promise<{ tar: Readable; dockerfile: string }> {
  const empty = await mkdtemp(join(tmpdir(), "wharf-build-"));
  try {
    // The packer walks an empty directory and adds the text; the walk is done
    // before it returns, so the directory can go once the tar is read.
    const packed = await packContext(empty, { dockerfileText: text });
    const data = await readAll(packed.tar);
    return { tar: Readable.from([data]), dockerfile: packed.dockerfile };
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
}

/** A tar (by its ustar magic) or a compressed stream (gzip, bzip2, xz, zstd). */
function isArchive(b: Buffer): boolean {
  const starts = (m: number[]): boolean => m.every((x, i) => b[i] === x);
  return (
    starts([0x1f, 0x8b]) ||
    starts([0x42, 0x5a, 0x68]) ||
    starts([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) ||
    starts([0x28, 0xb5, 0x2f, 0xfd]) ||
    b.subarray(257, 262).toString("latin1") === "ustar"
  );
}

async function readAll(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

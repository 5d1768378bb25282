import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join, posix } from "node:path";
import {
  InvalidArgumentError,
  NotImplementedError,
  WharfError,
} from "../../util/errors.ts";
import { DEFAULT_SHELL } from "../images/index.ts";
import { resolveInRoot } from "./copy-sources.ts";
import { BUILD_LABEL, type RunSpec } from "./contract.ts";
import { argsPrefix, cachedStep, PROXY_ARGS, short } from "./step.ts";
import type { BuildJob, StageState, RunInstruction } from "./types.ts";

/**
 * RUN: runs the command in a build container from the stage's image (the
 * SHELL for shell form, heredocs handed to the shell), streams its output,
 * commits its layer diff (runtime mount points and --mount targets left
 * out) and removes the container as rm/forcerm say. A non-zero exit stops
 * the build with Docker's message and the exit code.
 */
export async function runStep(
  job: BuildJob,
  s: StageState,
  ins: RunInstruction,
): Promise<void> {
  const shell = s.config.Shell ?? DEFAULT_SHELL;
  let cmd: string[];
  if (ins.command.json) cmd = ins.command.args;
  else {
    let text = ins.command.text;
    const only = ins.heredocs[0];
    // compat: BuildKit runs a lone `RUN <<EOF` body as the script itself.
    if (ins.heredocs.length === 1 && /^<<-?["']?\w+["']?$/.test(text.trim()))
      text = only!.content;
    // Otherwise heredocs go to the shell as its own here-documents.
    else for (const h of ins.heredocs) text += `\n${h.content}${h.name}`;
    cmd = [...shell, text];
  }
  const args = argsPrefix(s);
  const createdBy = [
    ...(args.length ? [`|${args.length}`, ...args] : []),
    ...(ins.command.json ? cmd : [...shell, ins.command.text]),
  ].join(" ");
  const { mounts, binds } = await runMounts(job, ins.mounts);
  const env = [...(s.config.Env ?? [])];
  const names = new Set(env.map((e) => e.split("=")[0]));
  for (const [k, v] of s.args)
    if (v !== undefined && !names.has(k)) env.push(`${k}=${v}`);
  for (const k of PROXY_ARGS) {
    const v = job.options.buildArgs[k];
    if (typeof v === "string" && !names.has(k) && !s.args.has(k))
      env.push(`${k}=${v}`);
  }
  const network = ins.network ?? job.options.networkMode;
  if (!["default", "none", "host", "bridge"].includes(network))
    throw new InvalidArgumentError(
      `unsupported network mode for RUN: ${network}`,
    );
  const spec: RunSpec = {
    imageId: s.imageId,
    cmd,
    env,
    workingDir: s.config.WorkingDir || "/",
    user: s.config.User ?? "",
    network,
    mounts,
    extraHosts: job.options.extraHosts,
    labels: { [BUILD_LABEL]: "1" },
    resources: job.options.resources,
  };
  await cachedStep(job, s, {
    createdBy,
    config: s.config,
    make: async () => {
      let id: string | undefined;
      let ok = false;
      const tmp = binds.length
        ? await mkdtemp(join(job.deps.dir, "tmp", "bind-"))
        : undefined;
      try {
        if (job.signal.aborted) throw new WharfError("build cancelled");
        for (const b of binds) await b(tmp!);
        const r = await job.deps.containers.run(spec, {
          onCreated: (cid) => {
            id = cid;
            job.emit({ stream: ` ---> Running in ${short(cid)}\n` });
          },
          onOutput: (chunk, stream) =>
            job.emit({ stream: outputText(chunk, stream) }),
          signal: job.signal,
        });
        if (r.exitCode !== 0) {
          const message = `The command '${cmd.join(" ")}' returned a non-zero code: ${r.exitCode}`;
          throw Object.assign(new InvalidArgumentError(message), {
            exitCode: r.exitCode,
          });
        }
        const diff = await job.deps.containers.diff(r.id);
        const image = await job.deps.images.commit(diff, {
          parentImageId: s.imageId,
          config: s.config,
          containerId: r.id,
          createdBy,
        });
        ok = true;
        return image;
      } finally {
        if (id !== undefined) await endContainer(job, id, ok);
        if (tmp) await rm(tmp, { recursive: true, force: true });
      }
    },
  });
}

/**
 * compat: the legacy builder keeps a step's container unless `rm` (after
 * a successful step, the default) or `forcerm` (after a failed one) says
 * to remove it; a cancelled build always removes it. Kept containers stay
 * as ordinary stopped containers, across daemon restarts.
 */
async function endContainer(
  job: BuildJob,
  id: string,
  ok: boolean,
): Promise<void> {
  const remove =
    job.signal.aborted || (ok ? job.options.rm : job.options.forceRm);
  if (!remove) return job.deps.keep(id);
  await job.deps.containers.remove(id).catch(() => undefined);
  job.emit({ stream: `Removing intermediate container ${short(id)}\n` });
}

/** compat: the legacy builder sends a RUN's stderr in red (ESC[91m … ESC[0m), stdout as it is. */
function outputText(chunk: Buffer, stream: "stdout" | "stderr"): string {
  const text = chunk.toString("utf8");
  return stream === "stderr" ? `\u001b[91m${text}\u001b[0m` : text;
}

/** RUN --mount specs → mounts (BuildKit's options: type, target, id, sharing, from, source, readonly). */
async function runMounts(
  job: BuildJob,
  specs: string[],
): Promise<{
  mounts: RunSpec["mounts"];
  /** Puts the context paths of bind mounts on disk (rw ones under tmp). */
  binds: ((tmp: string) => Promise<void>)[];
}> {
  const out: RunSpec["mounts"] = [];
  const binds: ((tmp: string) => Promise<void>)[] = [];
  for (const spec of specs) {
    const o: Record<string, string> = {};
    for (const part of spec.split(",")) {
      const eq = part.indexOf("=");
      o[eq < 0 ? part : part.slice(0, eq)] =
        eq < 0 ? "true" : part.slice(eq + 1);
    }
    const type = o.type ?? "bind";
    const target = o.target ?? o.dst ?? o.destination;
    if (!target)
      throw new InvalidArgumentError(`mount ${spec}: target is required`);
    const ro = o.readonly === "true" || o.ro === "true" || o.readonly === "";
    if (type === "cache") {
      const id = o.id ?? target;
      const dir = join(
        job.deps.dir,
        "cache-mounts",
        createHash("sha256").update(id).digest("hex").slice(0, 32),
      );
      await mkdir(dir, { recursive: true, mode: 0o755 });
      out.push({ type: "bind", source: dir, target, readOnly: ro });
    } else if (type === "tmpfs") {
      out.push({ type: "tmpfs", source: "", target, readOnly: false });
    } else if (type === "bind") {
      if (o.from !== undefined)
        throw new NotImplementedError(
          "not implemented: RUN --mount=type=bind,from=…",
        );
      const rel = await resolveInRoot(
        job.context,
        posix.normalize(`/${o.source ?? ""}`).slice(1),
        o.source ?? ".",
      );
      const rw = o.rw === "true" || o.readwrite === "true";
      // Unpacked when the step runs: read-only into the context's shared
      // tree; read-write into a copy of its own whose writes are dropped
      // with it (BuildKit's rw bind).
      const bind = {
        type: "bind" as const,
        source: "",
        target,
        readOnly: !rw,
      };
      out.push(bind);
      binds.push(async (tmp) => {
        const dir = rw ? tmp : job.context.root;
        await (rw
          ? job.context.unpackInto(dir, [rel])
          : job.context.unpack([rel]));
        bind.source = join(dir, rel);
      });
    } else
      throw new NotImplementedError(
        `not implemented: RUN --mount=type=${type}`,
      );
  }
  return { mounts: out, binds };
}

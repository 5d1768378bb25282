/**
 * Lifecycle hooks (`post_start`, `pre_stop`): each is an exec in the
 * service's container with its own `user`, `privileged`, `environment` and
 * `working_dir`, run to completion as compose v2 runs them. A hook exiting
 * non-zero fails the operation with its output.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { StdcopyDemuxer, type EngineClient } from "../client/index.ts";
import { errorMessage } from "../util/errors.ts";
import { ComposeError } from "./errors.ts";
import { listToMap } from "./load/merge.ts";
import { shellWords } from "./load/shell-words.ts";
import type { Service } from "./model.ts";

type Dict = Record<string, unknown>;

/** One hook as the compose file writes it. */
export type Hook = {
  command: string | string[];
  user?: string;
  privileged?: boolean;
  environment?: Dict | string[];
  working_dir?: string;
};

/** The exec create body of a hook. */
export function hookExec(hook: Hook): {
  Cmd: string[];
  User?: string;
  Privileged: boolean;
  Env: string[];
  WorkingDir?: string;
  AttachStdout: true;
  AttachStderr: true;
} {
  const env = (listToMap("environment", hook.environment ?? {}) ?? {}) as Dict;
  return {
    Cmd: Array.isArray(hook.command)
      ? hook.command.map(String)
      : shellWords(String(hook.command)),
    ...(hook.user !== undefined ? { User: String(hook.user) } : {}),
    Privileged: hook.privileged === true,
    Env: Object.entries(env)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => `${k}=${String(v)}`),
    ...(hook.working_dir ? { WorkingDir: hook.working_dir } : {}),
    AttachStdout: true,
    AttachStderr: true,
  };
}

/** Runs one hook in a container; resolves with its output. Throws ComposeError when it fails or exits non-zero. */
export async function runHook(
  client: EngineClient,
  container: string,
  hook: Hook,
  what: string,
): Promise<string> {
  let output = "";
  try {
    const { Id } = await client.exec.create(container, hookExec(hook));
    const stream = await client.exec.start(Id);
    const demuxer = new StdcopyDemuxer();
    stream.end();
    for await (const chunk of stream)
      for (const f of demuxer.push(chunk as Buffer))
        output += f.payload.toString("utf8");
    for (let i = 0; i < 100; i++) {
      const st = await client.exec.inspect(Id);
      if (!st.Running) {
        if (st.ExitCode !== 0)
          throw new ComposeError(
            `${what} hook exited with status ${String(st.ExitCode)}${output ? `: ${output.trim()}` : ""}`,
          );
        return output;
      }
      await sleep(50);
    }
    return output;
  } catch (err) {
    if (err instanceof ComposeError) throw err;
    throw new ComposeError(`${what} hook failed: ${errorMessage(err)}`);
  }
}

/** Runs a service's hooks of one kind, in order. */
export async function runHooks(
  client: EngineClient,
  service: Service | undefined,
  kind: "post_start" | "pre_stop",
  container: string,
): Promise<void> {
  for (const hook of (service?.[kind] as Hook[] | undefined) ?? [])
    await runHook(client, container, hook, kind);
}

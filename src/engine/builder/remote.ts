import { spawn } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { join, posix } from "node:path";
import { Readable } from "node:stream";
import tar from "tar-stream";
import { InvalidArgumentError } from "../../util/errors.ts";
import { resolveInRoot } from "./copy-sources.ts";
import { hostTree } from "./source-tree.ts";

/** A context fetched for POST /build?remote=…: its tar stream and what to remove afterwards. */
export type RemoteContext = { body: Readable; cleanup: () => Promise<void> };

/**
 * compat: moby's urlutil.IsGitURL: an http(s) URL whose path ends in .git
 * (an optional #fragment after it), or a git://, git@ or github.com/
 * address. wharf also takes an absolute local path of a repository (a
 * directory holding .git, or a bare one ending in .git): dockerd refuses
 * those ("could not be recognized as URL").
 */
export function isGitRemote(remote: string): boolean {
  if (/^https?:\/\//i.test(remote))
    return /\.git(?:#.+)?$/.test(remote.replace(/[?].*$/, ""));
  return /^(git:\/\/|git@|github\.com\/|\/)/.test(remote);
}

/**
 * The context a `remote` names: a Git repository (`<url>#<ref>:<subdir>`,
 * cloned into tmpDir, checked out at ref, the subdir sent as the context
 * with .git left out) or an http(s) URL whose body is a context tar
 * (plain or compressed) or, served as text/plain, a Dockerfile alone
 * (named `dockerfile`). Throws InvalidArgumentError for anything else, a
 * failed clone or download, or a subdir that leaves the repository.
 */
export async function remoteContext(
  remote: string,
  options: { tmpDir: string; dockerfile: string; signal: AbortSignal },
): Promise<RemoteContext> {
  if (isGitRemote(remote)) return gitContext(remote, options);
  if (/^https?:\/\//i.test(remote)) return urlContext(remote, options);
  // compat: dockerd's text for what is neither.
  throw new InvalidArgumentError(
    `remoteURL (${remote}) could not be recognized as URL`,
  );
}

async function urlContext(
  url: string,
  options: { dockerfile: string; signal: AbortSignal },
): Promise<RemoteContext> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: "follow", signal: options.signal });
  } catch (err) {
    throw new InvalidArgumentError(
      `error downloading remote context ${url}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`,
    );
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    throw new InvalidArgumentError(
      `error downloading remote context ${url}: ${res.status} ${res.statusText}`,
    );
  }
  const body = Readable.fromWeb(res.body as never);
  const cleanup = async (): Promise<void> => void body.destroy();
  // compat: moby's remote context: a text/plain body is the Dockerfile itself.
  if (/^text\/plain\b/i.test(res.headers.get("content-type") ?? "")) {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    const pack = tar.pack();
    pack.entry(
      { name: posix.normalize(options.dockerfile) },
      Buffer.concat(chunks),
    );
    pack.finalize();
    return { body: pack as unknown as Readable, cleanup };
  }
  return { body, cleanup };
}

async function gitContext(
  remote: string,
  options: { tmpDir: string; signal: AbortSignal },
): Promise<RemoteContext> {
  const hash = remote.indexOf("#");
  const url = hash < 0 ? remote : remote.slice(0, hash);
  const [ref = "", subdir = ""] = (hash < 0 ? "" : remote.slice(hash + 1))
    .split(":", 2)
    .map((x) => x ?? "");
  if (url.startsWith("-") || ref.startsWith("-"))
    throw new InvalidArgumentError(`invalid git remote: ${remote}`);
  const dir = await mkdtemp(join(options.tmpDir, "git-"));
  const cleanup = (): Promise<void> =>
    rm(dir, { recursive: true, force: true });
  try {
    await git(["clone", "--quiet", "--no-checkout", "--", url, dir], options);
    await git(["-C", dir, "checkout", "--quiet", ref || "HEAD"], options);
    await git(
      ["-C", dir, "submodule", "update", "--init", "--recursive"],
      options,
    );
    const rel = await resolveInRoot(
      hostTree(dir),
      posix.normalize(`/${subdir}`).slice(1),
      subdir,
    );
    const root = join(dir, rel);
    if (!(await stat(root).catch(() => undefined))?.isDirectory())
      throw new InvalidArgumentError(
        `subdirectory ${subdir} of ${url} is not a directory`,
      );
    const child = spawn(
      "tar",
      ["-C", root, "--exclude=./.git", "-cf", "-", "."],
      {
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    return {
      body: child.stdout,
      cleanup: async () => {
        child.kill();
        await cleanup();
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Runs git without a terminal prompt; a failure is InvalidArgumentError with git's message. */
function git(args: string[], options: { signal: AbortSignal }): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn("git", args, {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
      signal: options.signal,
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", (err) =>
      fail(new InvalidArgumentError(`git ${args[0]!}: ${err.message}`)),
    );
    child.on("close", (code) =>
      code === 0
        ? ok()
        : fail(
            new InvalidArgumentError(
              `error fetching the git repository: git ${args[0] === "-C" ? args[2]! : args[0]!} failed: ${stderr.trim()}`,
            ),
          ),
    );
  });
}

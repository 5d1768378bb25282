/**
 * Starts dist/wharf-registry.cjs on a free loopback port with a temp root
 * and a config built from the given YAML extras; stop() ends it (by pid)
 * and removes the root.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const repo = resolve(import.meta.dirname, "../../..");
/** The registry bundle the tests run. */
export const registryBin = join(repo, "dist/wharf-registry.cjs");

/** Why registry integration tests cannot run, or undefined. */
export function registrySkipReason(): string | undefined {
  if (!existsSync(registryBin))
    return "dist/wharf-registry.cjs missing: run npm run build first";
  return undefined;
}

/** A running registry. */
export type TestRegistry = {
  url: string;
  /** host:port, as skopeo and docker name it. */
  host: string;
  root: string;
  dir: string;
  proc: ChildProcess;
  log: () => string;
  stop: () => Promise<void>;
};

/**
 * Starts a registry. `http` lines go under the config's `http:` key
 * (indented by two), `yaml` is appended at the top level; `addr` is the
 * listen address (default a free loopback port) and `wrap` a command that
 * execs the registry (e.g. `ip netns exec NS`).
 */
export async function startRegistry(
  options: {
    http?: string;
    yaml?: string;
    addr?: string;
    wrap?: string[];
  } = {},
): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "wharf-registry-it-"));
  const root = join(dir, "root");
  writeFileSync(
    join(dir, "config.yml"),
    `http:\n  addr: ${options.addr ?? "127.0.0.1:0"}\n${options.http ?? ""}storage:\n  filesystem:\n    rootdirectory: ${root}\n  delete:\n    enabled: true\n${options.yaml ?? ""}`,
  );
  const wrap = options.wrap ?? [];
  const proc = spawn(
    wrap[0] ?? process.execPath,
    [
      ...(wrap.length ? [...wrap.slice(1), process.execPath] : []),
      registryBin,
      "serve",
      join(dir, "config.yml"),
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  proc.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  proc.stderr?.on("data", (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((res, rej) => {
    const timer = setInterval(() => {
      const m = /listening on (https?:\/\/[^,\s]+)/.exec(out);
      if (m?.[1]) {
        clearInterval(timer);
        res(m[1]);
      }
    }, 20);
    proc.once("exit", (code) => {
      clearInterval(timer);
      rej(new Error(`wharf-registry exited ${code}: ${out}`));
    });
  });
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    url,
    host: new URL(url).host,
    root,
    dir,
    proc,
    log: () => out,
    stop,
  };
}

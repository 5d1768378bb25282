/**
 * The Docker CLI's context store, shared with it: the same files, so a
 * context made by `docker context create` works with wharf and the reverse.
 *
 *   <config dir>/                     $DOCKER_CONFIG, else ~/.docker
 *     config.json                     {"currentContext": "<name>", …other keys kept}
 *     contexts/
 *       meta/<sha256(name)>/meta.json {"Name","Metadata":{"Description"},
 *                                      "Endpoints":{"docker":{"Host","SkipTLSVerify"}}}
 *       tls/<sha256(name)>/docker/    ca.pem cert.pem key.pem (0600), when given
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError, NotFoundError } from "../../util/errors.ts";

/** The docker endpoint of a context. */
export type DockerEndpoint = { Host: string; SkipTLSVerify: boolean };

/** A context's meta.json. */
export type ContextMeta = {
  Name: string;
  Metadata: { Description?: string };
  Endpoints: { docker?: DockerEndpoint };
};

/** TLS files of a context's docker endpoint (contents, not paths). */
export type ContextTls = { ca?: Buffer; cert?: Buffer; key?: Buffer };

/** The name Docker reserves for the environment-based context. */
export const DEFAULT_CONTEXT = "default";
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$/;
const TLS_FILES = ["ca.pem", "cert.pem", "key.pem"] as const;

/** The client configuration directory: $DOCKER_CONFIG, else ~/.docker. */
export function configDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || join(homedir(), ".docker");
}

/** Reads and writes contexts under one configuration directory. */
export class ContextStore {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  /** The metadata directory of a context (sha256 of its name, as Docker). */
  metaPath(name: string): string {
    return join(this.dir, "contexts/meta", digest(name));
  }

  /** The TLS directory of a context. */
  tlsPath(name: string): string {
    return join(this.dir, "contexts/tls", digest(name));
  }

  /** Every stored context, sorted by name (unreadable entries skipped). */
  list(): ContextMeta[] {
    const root = join(this.dir, "contexts/meta");
    if (!existsSync(root)) return [];
    const out: ContextMeta[] = [];
    for (const d of readdirSync(root))
      try {
        out.push(
          JSON.parse(
            readFileSync(join(root, d, "meta.json"), "utf8"),
          ) as ContextMeta,
        );
      } catch {
        // compat: the Docker CLI skips directories without a readable meta.json too.
      }
    return out.sort((a, b) => a.Name.localeCompare(b.Name));
  }

  /** One context. Throws NotFoundError in the Docker CLI's words. */
  get(name: string): ContextMeta {
    const file = join(this.metaPath(name), "meta.json");
    try {
      return JSON.parse(readFileSync(file, "utf8")) as ContextMeta;
    } catch {
      throw new NotFoundError(
        `context "${name}": context not found: open ${file}: no such file or directory`,
      );
    }
  }

  /** The endpoint's stored TLS files (absent ones left out). */
  tls(name: string): ContextTls {
    const dir = join(this.tlsPath(name), "docker");
    const out: ContextTls = {};
    for (const f of TLS_FILES) {
      const p = join(dir, f);
      if (existsSync(p))
        out[f.slice(0, -4) as keyof ContextTls] = readFileSync(p);
    }
    return out;
  }

  /** Names of the TLS files stored for the docker endpoint. */
  tlsFiles(name: string): string[] {
    const dir = join(this.tlsPath(name), "docker");
    return TLS_FILES.filter((f) => existsSync(join(dir, f)));
  }

  /**
   * Stores a new context. Throws InvalidArgumentError for a bad or reserved
   * name, ConflictError-like text when it exists (Docker's wording).
   */
  create(meta: ContextMeta, tls: ContextTls): void {
    checkName(meta.Name);
    if (existsSync(join(this.metaPath(meta.Name), "meta.json")))
      throw new InvalidArgumentError(`context "${meta.Name}" already exists`);
    mkdirSync(this.metaPath(meta.Name), { recursive: true });
    const files = Object.entries(tls).filter(([, v]) => v !== undefined);
    if (files.length) {
      const dir = join(this.tlsPath(meta.Name), "docker");
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      for (const [k, v] of files)
        writeFileSync(join(dir, `${k}.pem`), v, { mode: 0o600 });
    }
    writeFileSync(
      join(this.metaPath(meta.Name), "meta.json"),
      JSON.stringify(meta),
      { mode: 0o644 },
    );
  }

  /** Removes a context's metadata and TLS files. Throws NotFoundError when absent. */
  remove(name: string): void {
    this.get(name);
    rmSync(this.metaPath(name), { recursive: true, force: true });
    rmSync(this.tlsPath(name), { recursive: true, force: true });
  }

  /** config.json's currentContext ("" when unset). */
  current(): string {
    return (this.#config().currentContext as string | undefined) ?? "";
  }

  /** Sets (or, for "default", clears) config.json's currentContext, keeping its other keys. */
  setCurrent(name: string): void {
    const config = this.#config();
    if (name === DEFAULT_CONTEXT) delete config.currentContext;
    else config.currentContext = name;
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(
      join(this.dir, "config.json"),
      JSON.stringify(config, null, "\t"),
      { mode: 0o600 },
    );
  }

  #config(): Record<string, unknown> {
    try {
      return JSON.parse(
        readFileSync(join(this.dir, "config.json"), "utf8"),
      ) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
}

/** Throws InvalidArgumentError for names the Docker CLI refuses. */
export function checkName(name: string): void {
  if (name === DEFAULT_CONTEXT)
    throw new InvalidArgumentError(`"default" is a reserved context name`);
  if (!NAME.test(name))
    throw new InvalidArgumentError(
      `context name "${name}" is invalid, names are validated against regexp "^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$"`,
    );
}

function digest(name: string): string {
  return createHash("sha256").update(name).digest("hex");
}

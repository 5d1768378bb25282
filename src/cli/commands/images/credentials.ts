/**
 * Registry credentials in the Docker CLI's config file, so wharf and docker
 * share logins:
 *
 *   <config dir>/config.json     $DOCKER_CONFIG, else ~/.docker (mode 0600)
 *     "auths": { "<server>": { "auth": base64("user:password"),
 *                              "identitytoken"?: "…" } }
 *     "credsStore": "<name>"            every server through docker-credential-<name>
 *     "credHelpers": { "<host>": "<name>" }   one server through its helper
 *
 * A helper keeps the secret; the file then has an empty `auths` entry for the
 * server (as the Docker CLI writes it). Helpers speak the
 * docker-credential-helpers protocol: `store` reads {ServerURL, Username,
 * Secret} on stdin, `get` reads the server URL and prints that JSON,
 * `erase` reads the server URL. An identity token is stored with the user
 * name "<token>".
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import type { RegistryAuth } from "../../../client/index.ts";
import { configDir } from "../../contexts/store.ts";

/** Docker Hub's key in `auths` (registry.IndexServer). */
export const INDEX_SERVER = "https://index.docker.io/v1/";
const TOKEN_USER = "<token>";

type FileAuth = { auth?: string; identitytoken?: string; [k: string]: unknown };
type ConfigFile = {
  auths?: Record<string, FileAuth>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [k: string]: unknown;
};

/**
 * A server address without scheme and path ("https://h:5000/v2/" → "h:5000"),
 * as the Docker CLI's ConvertToHostname.
 */
export function hostnameOf(server: string): string {
  return server.replace(/^https?:\/\//, "").split("/")[0] ?? "";
}

/** The credential store of one config directory (config.json plus any helpers). */
export class CredentialStore {
  readonly file: string;
  constructor(env: NodeJS.ProcessEnv) {
    this.file = join(configDir(env), "config.json");
  }

  #read(): ConfigFile {
    if (!existsSync(this.file)) return {};
    const text = readFileSync(this.file, "utf8");
    if (text.trim() === "") return {};
    return JSON.parse(text) as ConfigFile;
  }

  #write(config: ConfigFile): void {
    mkdirSync(join(this.file, ".."), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    // compat: the Docker CLI writes the file indented with tabs, mode 0600.
    writeFileSync(tmp, JSON.stringify(config, null, "\t"), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }

  /** The helper that holds `server`'s credentials, or undefined for the file. */
  helperFor(server: string): string | undefined {
    const c = this.#read();
    return c.credHelpers?.[hostnameOf(server)] ?? (c.credsStore || undefined);
  }

  /** True when the file (not a helper) keeps the secrets for `server`. */
  isPlainFile(server: string): boolean {
    return this.helperFor(server) === undefined;
  }

  /**
   * The stored credentials for a server (exact key first, then any key with
   * the same host name), or undefined. Throws an Error when a helper fails
   * other than with "credentials not found".
   */
  get(server: string): RegistryAuth | undefined {
    const helper = this.helperFor(server);
    if (helper) return helperGet(helper, server);
    const auths = this.#read().auths ?? {};
    const host = hostnameOf(server);
    const key =
      server in auths
        ? server
        : Object.keys(auths).find((k) => hostnameOf(k) === host);
    if (key === undefined) return undefined;
    const entry = auths[key]!;
    const out: RegistryAuth = { serveraddress: server };
    if (entry.auth) {
      const plain = Buffer.from(entry.auth, "base64").toString();
      const i = plain.indexOf(":");
      if (i > 0) {
        out.username = plain.slice(0, i);
        out.password = plain.slice(i + 1);
      }
    }
    if (entry.identitytoken) out.identitytoken = entry.identitytoken;
    return out.username || out.identitytoken ? out : undefined;
  }

  /** Stores credentials for `server` (in its helper, or base64 in the file). */
  store(server: string, auth: RegistryAuth): void {
    const helper = this.helperFor(server);
    const config = this.#read();
    config.auths ??= {};
    if (helper) {
      const token = auth.identitytoken;
      helperRun(
        helper,
        "store",
        JSON.stringify({
          ServerURL: server,
          Username: token ? TOKEN_USER : (auth.username ?? ""),
          Secret: token ?? auth.password ?? "",
        }),
      );
      config.auths[server] = {};
    } else {
      const entry: FileAuth = {
        auth: Buffer.from(
          `${auth.username ?? ""}:${auth.identitytoken ? "" : (auth.password ?? "")}`,
        ).toString("base64"),
      };
      if (auth.identitytoken) entry.identitytoken = auth.identitytoken;
      config.auths[server] = entry;
    }
    this.#write(config);
  }

  /** Removes credentials for `server` (file entry and helper). Never fails for a server without any. */
  erase(server: string): void {
    const helper = this.helperFor(server);
    if (helper) {
      try {
        helperRun(helper, "erase", server);
      } catch {
        // compat: the Docker CLI only warns when no variant could be erased.
      }
    }
    if (!existsSync(this.file)) return;
    const config = this.#read();
    if (config.auths && server in config.auths) {
      delete config.auths[server];
      this.#write(config);
    }
  }
}

function helperRun(helper: string, verb: string, input: string): string {
  const bin = `docker-credential-${helper}`;
  const r = spawnSync(bin, [verb], { input, encoding: "utf8" });
  if (r.error)
    throw new Error(
      `error getting credentials - err: exec: "${bin}": executable file not found in $PATH, out: \`\``,
    );
  if (r.status !== 0) throw new Error(`${(r.stdout || r.stderr).trim()}`);
  return r.stdout;
}

function helperGet(helper: string, server: string): RegistryAuth | undefined {
  let out: string;
  try {
    out = helperRun(helper, "get", server);
  } catch (err) {
    if (/credentials not found/.test((err as Error).message)) return undefined;
    throw err;
  }
  const doc = JSON.parse(out) as { Username?: string; Secret?: string };
  if (!doc.Secret && !doc.Username) return undefined;
  if (doc.Username === TOKEN_USER)
    return { serveraddress: server, identitytoken: doc.Secret ?? "" };
  return {
    serveraddress: server,
    username: doc.Username ?? "",
    password: doc.Secret ?? "",
  };
}

/**
 * The `auths` key for an image reference's registry: Docker Hub's index
 * server for docker.io names (and names without a registry), else the
 * registry host.
 */
export function serverForImage(ref: string): string {
  const first = ref.split("/")[0] ?? "";
  const hasHost =
    ref.includes("/") &&
    (first.includes(".") || first.includes(":") || first === "localhost");
  if (!hasHost) return INDEX_SERVER;
  if (first === "docker.io" || first === "index.docker.io") return INDEX_SERVER;
  return first;
}

/** client.archive: docker cp, diff, export and commit endpoints. */
import type { Readable } from "node:stream";
import type { ContainerPathStat, FilesystemChange } from "../api/containers.ts";
import { ClientError, type Transport } from "./transport.ts";

/** Docker's ContainerPathStat (X-Docker-Container-Path-Stat). */
export type PathStat = ContainerPathStat;

/** Go's os.ModeDir and os.ModeSymlink bits of PathStat.mode. */
export const MODE_DIR = 2 ** 31;
export const MODE_SYMLINK = 2 ** 27;

export type { FilesystemChange };

/** Options of POST /commit. */
export type CommitOptions = {
  repo?: string;
  tag?: string;
  author?: string;
  comment?: string;
  pause?: boolean;
  changes?: string[];
  config?: Record<string, unknown>;
};

function parseStat(header: string | string[] | undefined): PathStat {
  if (typeof header !== "string" || header === "")
    throw new Error("unable to get resource stat from response");
  return JSON.parse(Buffer.from(header, "base64").toString("utf8")) as PathStat;
}

const enc = encodeURIComponent;

/** The file endpoints of the Engine API. */
export class ArchiveApi {
  #t: Transport;
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** HEAD /containers/{id}/archive. Throws ClientError 404 (with Docker's text) for a missing path. */
  async statPath(container: string, path: string): Promise<PathStat> {
    try {
      const res = await this.#t.request(
        "HEAD",
        `/containers/${enc(container)}/archive`,
        {
          query: { path },
        },
      );
      res.resume();
      return parseStat(res.headers["x-docker-container-path-stat"]);
    } catch (err) {
      // A HEAD answer has no body: say what the daemon would have said.
      if (err instanceof ClientError && err.status === 404)
        throw new ClientError(
          404,
          `Could not find the file ${path} in container ${container}`,
        );
      throw err;
    }
  }

  /** GET /containers/{id}/archive: the stat and the tar stream. */
  async getArchive(
    container: string,
    path: string,
  ): Promise<{ stat: PathStat; tar: Readable }> {
    const res = await this.#t.request(
      "GET",
      `/containers/${enc(container)}/archive`,
      {
        query: { path },
      },
    );
    return {
      stat: parseStat(res.headers["x-docker-container-path-stat"]),
      tar: res,
    };
  }

  /** PUT /containers/{id}/archive: extracts tar into the directory path. */
  async putArchive(
    container: string,
    path: string,
    tar: Readable,
    options: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean } = {},
  ): Promise<void> {
    const res = await this.#t.request(
      "PUT",
      `/containers/${enc(container)}/archive`,
      {
        query: {
          path,
          noOverwriteDirNonDir: options.noOverwriteDirNonDir || undefined,
          copyUIDGID: options.copyUIDGID || undefined,
        },
        body: tar,
        headers: { "Content-Type": "application/x-tar" },
      },
    );
    res.resume();
  }

  /** GET /containers/{id}/changes ([] when nothing changed). */
  async changes(container: string): Promise<FilesystemChange[]> {
    return (
      (await this.#t.json<FilesystemChange[] | null>(
        "GET",
        `/containers/${enc(container)}/changes`,
      )) ?? []
    );
  }

  /** GET /containers/{id}/export: the root filesystem as a tar stream. */
  export(container: string): Promise<Readable> {
    return this.#t.request("GET", `/containers/${enc(container)}/export`);
  }

  /** POST /commit: returns the new image id. */
  commit(
    container: string,
    options: CommitOptions = {},
  ): Promise<{ Id: string }> {
    return this.#t.json("POST", "/commit", {
      query: {
        container,
        repo: options.repo,
        tag: options.tag,
        author: options.author,
        comment: options.comment,
        pause: options.pause,
        changes: options.changes?.length ? options.changes : undefined,
      },
      body: options.config ?? {},
    });
  }
}

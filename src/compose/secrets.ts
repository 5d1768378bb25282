/**
 * Secrets and configs defined by `environment:` or `content:` have no file
 * to bind-mount: as compose v2 does, they are written into the created
 * container (PUT /containers/{id}/archive, a one-file tar at the target)
 * before it starts. File-backed ones are mounts (create-body.ts).
 */
import { Readable } from "node:stream";
import { pack } from "tar-stream";
import type { EngineClient } from "../client/index.ts";
import { secretTarget } from "./create-body.ts";
import { ComposeError } from "./errors.ts";
import type { Project, Service } from "./model.ts";

type Ref =
  | string
  | {
      source: string;
      target?: string;
      uid?: string;
      gid?: string;
      mode?: number | string;
    };

/** The files to write: target path, text, mode, owner. Throws ComposeError for an unset environment variable. */
export function injectedFiles(
  project: Project,
  service: Service,
): { path: string; text: string; mode: number; uid: number; gid: number }[] {
  const out = [];
  for (const kind of ["secrets", "configs"] as const)
    for (const ref of (service[kind] ?? []) as Ref[]) {
      const src = typeof ref === "string" ? ref : ref.source;
      const def = project[kind][src];
      if (!def || def.file) continue;
      let text: string;
      if (def.content !== undefined) text = def.content;
      else if (def.environment) {
        const v = project.environment[def.environment];
        if (v === undefined)
          throw new ComposeError(
            `environment variable "${def.environment}" of ${kind.slice(0, -1)} "${src}" is not set`,
          );
        text = v;
      } else continue;
      const o: Exclude<Ref, string> =
        typeof ref === "string" ? { source: ref } : ref;
      const mode =
        o.mode === undefined
          ? 0o444
          : typeof o.mode === "number"
            ? o.mode
            : parseInt(o.mode, 8);
      out.push({
        path: secretTarget(kind, ref),
        text,
        mode,
        uid: Number(o.uid ?? 0) || 0,
        gid: Number(o.gid ?? 0) || 0,
      });
    }
  return out;
}

/** Writes the environment/content secrets and configs into a created container. */
export async function injectSecrets(
  client: EngineClient,
  project: Project,
  service: Service,
  container: string,
): Promise<void> {
  const files = injectedFiles(project, service);
  if (!files.length) return;
  const tar = pack();
  for (const f of files)
    tar.entry(
      {
        name: f.path.replace(/^\/+/, ""),
        mode: f.mode,
        uid: f.uid,
        gid: f.gid,
        mtime: new Date(),
      },
      f.text,
    );
  tar.finalize();
  await client.archive.putArchive(container, "/", Readable.from(tar));
}

/**
 * Legacy links as dockerd keeps them (moby daemon/links.go, delete.go
 * rmLink, rename.go): each link is stored on the parent in HostConfig.Links
 * in the form inspect shows, `/<child>:/<parent>/<alias>`, and its full
 * name `/<parent>/<alias>` names the child (`docker rm --link web/db`).
 * Renaming either side rewrites the names; `rm --link` drops it from the
 * parent. compat: removing the child leaves the parent's entry, as dockerd
 * 20.10's inspect shows it.
 */
import { NotFoundError } from "../../util/errors.ts";
import type { ContainerDeps } from "./deps.ts";
import type { ContainerRecord } from "./record.ts";

type LinkDeps = Pick<ContainerDeps, "store" | "lock">;

/** One stored link: the child's name and the alias, both without "/". */
type Link = { child: string; alias: string };

/** Reads a HostConfig.Links entry: "name:alias", "name", or "/name:/parent/alias". */
function parse(spec: string): Link {
  const [name = "", alias] = spec.split(":") as [string, string | undefined];
  return {
    child: name.replace(/^\//, ""),
    alias: (alias ?? name).replace(/^.*\//, ""),
  };
}

/** Whether a NetworkMode names a user-defined network (moby's IsUserDefined). */
export function userDefinedMode(mode: string): boolean {
  return (
    !["", "default", "bridge", "host", "none"].includes(mode) &&
    !mode.startsWith("container:")
  );
}

function format(parent: string, l: Link): string {
  return `/${l.child}:/${parent.replace(/^\//, "")}/${l.alias}`;
}

function linksOf(r: ContainerRecord): string[] {
  const links = r.hostConfig.Links;
  return Array.isArray(links) ? (links as string[]) : [];
}

/**
 * The Links of a new container in dockerd's form, each child named by its
 * current name (the request may name it by id). The children exist
 * (create checked them). Mutates nothing.
 */
export function canonicalLinks(
  core: Pick<ContainerDeps, "store">,
  links: string[],
  parentName: string,
): string[] {
  return links.map((spec) => {
    const l = parse(spec);
    const child = core.store.resolve(l.child).name.replace(/^\//, "");
    return format(parentName, { child, alias: l.alias });
  });
}

/**
 * The container a link name `parent/alias` (with or without a leading
 * "/") names, with the parent; undefined when ref has no slash. Throws
 * NotFoundError("No such container: ref") when there is no such link.
 */
export function resolveLinkName(
  core: LinkDeps,
  ref: string,
):
  | { parent: ContainerRecord; child: ContainerRecord; spec: string }
  | undefined {
  const path = ref.replace(/^\//, "");
  const slash = path.lastIndexOf("/");
  if (slash < 0) return undefined;
  const missing = new NotFoundError(`No such container: ${ref}`);
  let parent: ContainerRecord;
  try {
    parent = core.store.resolve(`/${path.slice(0, slash)}`);
  } catch {
    throw missing;
  }
  const alias = path.slice(slash + 1);
  const spec = linksOf(parent).find((s) => parse(s).alias === alias);
  if (spec === undefined) throw missing;
  try {
    return { parent, child: core.store.resolve(parse(spec).child), spec };
  } catch {
    throw missing;
  }
}

/**
 * docker rm --link (DELETE /containers/{parent}/{alias}?link=1): drops the
 * link from its parent. Throws NotFoundError for an unknown name, and a
 * plain Error (500, as moby's) for a container's own name.
 */
export async function removeLink(core: LinkDeps, ref: string): Promise<void> {
  const found = resolveLinkName(core, ref);
  if (!found) {
    core.store.resolve(ref);
    throw new Error(
      "Conflict, cannot remove the default link name of the container",
    );
  }
  const { parent, spec } = found;
  await core.lock.run(parent.id, async () => {
    const links = linksOf(parent).filter((s) => s !== spec);
    parent.hostConfig.Links = links.length ? links : null;
    await core.store.save(parent);
  });
}

/**
 * After a rename: links whose child or parent was `oldName` carry the new
 * name (moby's rename keeps the link graph by id). Names with a "/".
 */
export async function renameLinks(
  core: LinkDeps,
  oldName: string,
  newName: string,
): Promise<void> {
  const old = oldName.replace(/^\//, "");
  for (const r of core.store.all()) {
    const links = linksOf(r);
    if (!links.length) continue;
    const isParent = r.name === newName;
    const next = links.map((spec) => {
      const l = parse(spec);
      return format(
        r.name,
        l.child === old ? { ...l, child: newName.replace(/^\//, "") } : l,
      );
    });
    if (!isParent && next.every((s, i) => s === links[i])) continue;
    await core.lock.run(r.id, async () => {
      r.hostConfig.Links = next;
      await core.store.save(r);
    });
  }
}

import { posix } from "node:path";
import type { Header } from "tar-stream";
import { InvalidArgumentError } from "../../util/errors.ts";

/** One path of a build context as its tar described it. */
export type ContextNode = {
  type: "file" | "directory" | "symlink";
  /** Permission bits (& 0o7777); a symlink's are 0777, as lstat says. */
  mode: number;
  mtime: Date;
  /** A regular file's length, else 0. */
  size: number;
  linkname?: string;
  /** A regular file's sha256 (hex), taken as it arrived. */
  digest?: string;
  /** Where a regular file's bytes start in the context's spool. */
  offset?: number;
};

/**
 * The index of a build context: every member by its path relative to the
 * context ("" is the top), with the names in each directory. It applies
 * tar's rules as an unpacking would (a later member replaces an earlier
 * one of the same name; directories a member needs but the tar lacks are
 * made 0755) and refuses, with InvalidArgumentError, what the unpacking
 * must refuse: names that are absolute or climb out with "..", a member
 * below a symlink or file, a non-directory replacing a directory, hard
 * links to anything but a regular file before them, and devices or FIFOs.
 * A hard link becomes a second entry for the same bytes.
 */
export class ContextIndex {
  #nodes = new Map<string, ContextNode>();
  #children = new Map<string, Set<string>>();
  #made: Date;

  constructor(made = new Date()) {
    this.#made = made;
    this.#nodes.set("", {
      type: "directory",
      mode: 0o755,
      mtime: made,
      size: 0,
    });
    this.#children.set("", new Set());
  }

  /** The node at rel (no symlink followed), if any. */
  get(rel: string): ContextNode | undefined {
    return this.#nodes.get(rel);
  }

  /** The names in the directory rel (no symlink followed), sorted. */
  names(rel: string): string[] {
    return [...(this.#children.get(rel) ?? [])].sort();
  }

  /** Every regular file, by path. */
  *files(): Iterable<[string, ContextNode]> {
    for (const [rel, n] of this.#nodes) if (n.type === "file") yield [rel, n];
  }

  /**
   * Checks member h before its body is read and returns its path ("" for
   * the top itself, which is skipped): makes missing parents, drops an
   * earlier non-directory of the same name. Throws for what is refused.
   */
  prepare(h: Header): string {
    const rel = contextMember(h.name);
    if (rel === "") return "";
    this.#parents(rel, true);
    const existing = this.#nodes.get(rel);
    if (existing?.type === "directory" && h.type !== "directory")
      throw new InvalidArgumentError(
        `invalid build context: member ${JSON.stringify(h.name)} replaces a directory`,
      );
    if (existing && existing.type !== "directory") this.#nodes.delete(rel);
    if (
      !["directory", "file", "contiguous-file", "symlink", "link"].includes(
        h.type ?? "",
      )
    )
      throw new InvalidArgumentError(
        `invalid build context: member ${JSON.stringify(h.name)} is a ${h.type ?? "special file"}, not a file, directory or link`,
      );
    return rel;
  }

  /** Records member h at rel (from prepare); a regular file with its digest and spool offset. */
  add(rel: string, h: Header, file?: { digest: string; offset: number }): void {
    const mode = (h.mode ?? 0o644) & 0o7777;
    const mtime = h.mtime ?? new Date(0);
    switch (h.type) {
      case "directory":
        this.#set(rel, { type: "directory", mode, mtime, size: 0 });
        this.#children.set(rel, this.#children.get(rel) ?? new Set());
        return;
      case "symlink":
        this.#set(rel, {
          type: "symlink",
          mode: 0o777,
          mtime,
          size: 0,
          linkname: h.linkname ?? "",
        });
        return;
      case "link": {
        const target = contextMember(h.linkname ?? "");
        // A hard link through a symlinked directory could reach host files.
        this.#parents(target, false);
        const node = this.#nodes.get(target);
        if (node?.type !== "file")
          throw new InvalidArgumentError(
            `invalid build context: hard link ${JSON.stringify(h.name)} to ${JSON.stringify(h.linkname ?? "")}, which is no file before it`,
          );
        this.#set(rel, { ...node });
        return;
      }
      default:
        this.#set(rel, {
          type: "file",
          mode,
          mtime,
          size: h.size ?? 0,
          ...file,
        });
    }
  }

  #set(rel: string, node: ContextNode): void {
    this.#nodes.set(rel, node);
    this.#children
      .get(posix.dirname(rel) === "." ? "" : posix.dirname(rel))!
      .add(posix.basename(rel));
  }

  /** Checks (and with create, makes 0755) the directories above rel. */
  #parents(rel: string, create: boolean): void {
    const parts = posix.dirname(rel).split("/");
    if (parts[0] === ".") return;
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join("/");
      const kind = this.#nodes.get(p)?.type;
      if (kind === "directory") continue;
      if (kind !== undefined || !create)
        throw new InvalidArgumentError(
          `invalid build context: member ${JSON.stringify(rel)} lies below a non-directory`,
        );
      this.#set(p, {
        type: "directory",
        mode: 0o755,
        mtime: this.#made,
        size: 0,
      });
      this.#children.set(p, new Set());
    }
  }
}

/** The member's path relative to the context, or an error for an escape. */
export function contextMember(name: string): string {
  if (name.startsWith("/"))
    throw new InvalidArgumentError(
      `invalid build context: member ${JSON.stringify(name)} has an absolute path`,
    );
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes(".."))
    throw new InvalidArgumentError(
      `invalid build context: member ${JSON.stringify(name)} climbs out of the context`,
    );
  return parts.join("/");
}

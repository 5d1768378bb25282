import type { Header } from "tar-stream";
import { InvalidArgumentError } from "../../util/errors.ts";

/** What a member's body is handed to: each piece as it arrives, then its end. */
export type MemberSink = { data(piece: Buffer): void; end(): void };

/** Long headers (pax, GNU long names) bigger than this are refused, as tar-stream does. */
const MAX_LONG_HEADER = 4 << 20;
const BLOCK = 512;

/**
 * A push parser of an uncompressed tar stream, for receiving a build
 * context at the speed it arrives: write() takes the chunks as the socket
 * gives them and calls `member` for each header synchronously, then hands
 * the member's body to the sink it returned as views of those chunks (no
 * copy, no stream per member, no await per piece). It reads what
 * tar-stream reads, with the same results: ustar and GNU headers (name
 * prefix, base-256 numbers), pax `path`/`linkpath`/`size` (global
 * records as defaults), GNU long names, zero blocks skipped; a bad
 * checksum, an unknown format or a truncated stream throw tar-stream's
 * own texts, prefixed with `invalid`.
 */
export class ContextTarParser {
  #member: (h: Header) => MemberSink | undefined;
  #invalid: string;
  #head = Buffer.alloc(BLOCK);
  #headFill = 0;
  /** Body bytes of the current member still to come, then its padding. */
  #left = 0;
  #pad = 0;
  #sink: MemberSink | undefined;
  /** The long header being read (type and bytes so far). */
  #long: { type: string; parts: Buffer[]; size: number } | undefined;
  #pax: Record<string, string> | undefined;
  #paxGlobal: Record<string, string> | undefined;
  #gnuPath: string | undefined;
  #gnuLink: string | undefined;

  constructor(
    member: (h: Header) => MemberSink | undefined,
    invalid = "invalid tar archive",
  ) {
    this.#member = member;
    this.#invalid = invalid;
  }

  /** Parses the next bytes of the stream. */
  write(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.#left > 0) {
        const n = Math.min(this.#left, chunk.length - at);
        const piece = chunk.subarray(at, at + n);
        if (this.#long) this.#long.parts.push(piece);
        else this.#sink?.data(piece);
        this.#left -= n;
        at += n;
        if (this.#left === 0) this.#bodyDone();
        continue;
      }
      if (this.#pad > 0) {
        const n = Math.min(this.#pad, chunk.length - at);
        this.#pad -= n;
        at += n;
        continue;
      }
      const n = Math.min(BLOCK - this.#headFill, chunk.length - at);
      chunk.copy(this.#head, this.#headFill, at, at + n);
      this.#headFill += n;
      at += n;
      if (this.#headFill === BLOCK) {
        this.#headFill = 0;
        this.#header(this.#head);
      }
    }
  }

  /** The stream ended: throws unless it ended between members. */
  end(): void {
    if (this.#left > 0 || this.#pad > 0 || this.#headFill > 0)
      throw this.#error("Unexpected end of data");
  }

  #error(message: string): InvalidArgumentError {
    return new InvalidArgumentError(`${this.#invalid}: ${message}`);
  }

  #header(b: Buffer): void {
    let sum = 8 * 32;
    for (let i = 0; i < 148; i++) sum += b[i]!;
    for (let i = 156; i < BLOCK; i++) sum += b[i]!;
    if (sum === 8 * 32) return; // a zero block
    if (sum !== octal(b, 148, 8))
      throw this.#error(
        "Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?",
      );
    const magic = b.toString("latin1", 257, 265);
    const ustar = magic.startsWith("ustar\0");
    if (!ustar && magic !== "ustar  \0")
      throw this.#error("Invalid tar header: unknown format.");
    const flag = b[156] === 0 ? 0 : b[156]! - 48;
    let name = text(b, 0, 100);
    if (ustar && b[345]) name = `${text(b, 345, 155)}/${name}`;
    const size = octal(b, 124, 12);
    const type = TYPES[flag] ?? null;
    if (LONG.has(type ?? "")) {
      if (size > MAX_LONG_HEADER) throw this.#error("Header exceeds max size");
      this.#long = { type: type!, parts: [], size };
      this.#left = size;
      this.#pad = padding(size);
      if (size === 0) this.#bodyDone();
      return;
    }
    const h: Header = {
      name,
      mode: octal(b, 100, 8),
      uid: octal(b, 108, 8),
      gid: octal(b, 116, 8),
      size,
      mtime: new Date(1000 * octal(b, 136, 12)),
      // compat (tar-stream): old tars mark directories by a trailing slash.
      type: (flag === 0 && name.endsWith("/")
        ? "directory"
        : type) as Header["type"],
      linkname: text(b, 157, 100),
      uname: text(b, 265, 32),
      gname: text(b, 297, 32),
      devmajor: octal(b, 329, 8),
      devminor: octal(b, 337, 8),
    };
    this.#applyLong(h);
    if (!(h.size >= 0)) throw this.#error("Invalid header");
    this.#sink = this.#member(h) ?? undefined;
    // compat (tar-stream): a directory's size is not read as a body.
    this.#left = h.type === "directory" ? 0 : h.size;
    this.#pad = padding(h.size);
    if (this.#left === 0) this.#bodyDone();
  }

  #applyLong(h: Header): void {
    if (this.#gnuPath !== undefined) h.name = this.#gnuPath;
    if (this.#gnuLink !== undefined) h.linkname = this.#gnuLink;
    this.#gnuPath = this.#gnuLink = undefined;
    const pax = this.#pax;
    this.#pax = undefined;
    if (!pax) return;
    if (pax.path) h.name = pax.path;
    if (pax.linkpath) h.linkname = pax.linkpath;
    if (pax.size) h.size = parseInt(pax.size, 10);
    h.pax = pax;
  }

  #bodyDone(): void {
    const long = this.#long;
    if (!long) {
      const sink = this.#sink;
      this.#sink = undefined;
      sink?.end();
      return;
    }
    this.#long = undefined;
    const buf = Buffer.concat(long.parts, long.size);
    if (long.type === "gnu-long-path") this.#gnuPath = text(buf, 0, buf.length);
    else if (long.type === "gnu-long-link-path")
      this.#gnuLink = text(buf, 0, buf.length);
    else if (long.type === "pax-global-header")
      this.#paxGlobal = paxRecords(buf);
    else this.#pax = { ...this.#paxGlobal, ...paxRecords(buf) };
  }
}

/** tar-stream's type names by typeflag ('x' pax, 'g' global, 'K'/'L' GNU long names). */
const TYPES: Record<number, string> = {
  0: "file",
  1: "link",
  2: "symlink",
  3: "character-device",
  4: "block-device",
  5: "directory",
  6: "fifo",
  7: "contiguous-file",
  72: "pax-header",
  55: "pax-global-header",
  27: "gnu-long-link-path",
  28: "gnu-long-path",
  30: "gnu-long-path",
};
const LONG = new Set([
  "pax-header",
  "pax-global-header",
  "gnu-long-path",
  "gnu-long-link-path",
]);

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** A NUL-terminated UTF-8 field. */
function text(b: Buffer, offset: number, length: number): string {
  const end = b.indexOf(0, offset);
  return b.toString(
    "utf8",
    offset,
    end < 0 || end > offset + length ? offset + length : end,
  );
}

/** A numeric field: octal (leading spaces and NULs skipped) or base-256 when its high bit is set. */
function octal(b: Buffer, offset: number, length: number): number {
  if (b[offset]! & 0x80) {
    const positive = b[offset] === 0x80;
    if (!positive && b[offset] !== 0xff) return NaN;
    let sum = 0;
    for (let i = offset + 1; i < offset + length; i++)
      sum = sum * 256 + (positive ? b[i]! : 0xff - b[i]!);
    return positive ? sum : -sum;
  }
  let i = offset;
  const stop = offset + length;
  while (i < stop && b[i] === 32) i++;
  let end = b.indexOf(32, i);
  if (end < 0 || end > stop) end = stop;
  while (i < end && b[i] === 0) i++;
  return i === end ? 0 : parseInt(b.toString("latin1", i, end), 8);
}

/** Pax records: "<len> <key>=<value>\n", as tar-stream reads them. */
function paxRecords(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  while (buf.length) {
    const sp = buf.indexOf(32);
    const len = parseInt(buf.toString("utf8", 0, sp < 0 ? buf.length : sp), 10);
    if (!len) return out;
    const rec = buf.toString("utf8", sp + 1, len - 1);
    const eq = rec.indexOf("=");
    if (eq === -1) return out;
    out[rec.slice(0, eq)] = rec.slice(eq + 1);
    buf = buf.subarray(len);
  }
  return out;
}

const BLOCK = 512;

/**
 * Reads a tar stream's headers as it passes, without parsing bodies: the
 * byte count of the whole stream and the sum of its regular files' sizes
 * (Docker's layer Size, as applying the tar would count it). Feed every
 * chunk in order to update().
 */
export class TarSizes {
  /** Bytes seen. */
  tarSize = 0;
  /** Sum of the sizes of regular file members. */
  fileSize = 0;
  #skip = 0;
  #header = Buffer.alloc(BLOCK);
  #filled = 0;

  /** Takes the next chunk of the stream. */
  update(chunk: Uint8Array): void {
    this.tarSize += chunk.length;
    let at = 0;
    while (at < chunk.length) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - at);
        this.#skip -= n;
        at += n;
        continue;
      }
      const n = Math.min(BLOCK - this.#filled, chunk.length - at);
      this.#header.set(chunk.subarray(at, at + n), this.#filled);
      this.#filled += n;
      at += n;
      if (this.#filled === BLOCK) {
        this.#filled = 0;
        this.#onHeader(this.#header);
      }
    }
  }

  #onHeader(h: Buffer): void {
    const size = headerSize(h);
    // An all-zero block (the end marker) has size 0 and type NUL: nothing counted.
    const type = h[156];
    if (size > 0 && (type === 0x30 || type === 0x00 || type === 0x37))
      this.fileSize += size;
    this.#skip = Math.ceil(size / BLOCK) * BLOCK;
  }
}

/** The size field of a header: octal text, or base-256 when the top bit is set. */
function headerSize(h: Buffer): number {
  const field = h.subarray(124, 136);
  if (field[0]! & 0x80) {
    let n = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const text = field
    .toString("latin1")
    .replace(/^[ \0]+/, "")
    .replace(/[ \0].*$/s, "");
  return text === "" ? 0 : parseInt(text, 8);
}

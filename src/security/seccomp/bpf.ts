/**
 * Classic BPF as seccomp uses it (linux/filter.h, linux/bpf_common.h): the
 * few instructions a syscall filter needs, an assembler with symbolic
 * forward labels, and the wire form crun loads (struct sock_filter, 8 bytes
 * little-endian: u16 code, u8 jt, u8 jf, u32 k).
 */

/** One struct sock_filter. */
export type SockFilter = { code: number; jt: number; jf: number; k: number };

/** Opcodes used by the seccomp compiler (BPF_CLASS | BPF_SIZE/OP | BPF_SRC). */
export const OP = {
  /** BPF_LD | BPF_W | BPF_ABS: A = u32 at offset k of seccomp_data. */
  ldAbs: 0x20,
  /** BPF_ALU | BPF_AND | BPF_K: A &= k. */
  and: 0x54,
  /** BPF_JMP | BPF_JA: pc += k. */
  ja: 0x05,
  /** BPF_JMP | BPF_JEQ | BPF_K. */
  jeq: 0x15,
  /** BPF_JMP | BPF_JGT | BPF_K (unsigned). */
  jgt: 0x25,
  /** BPF_JMP | BPF_JGE | BPF_K (unsigned). */
  jge: 0x35,
  /** BPF_JMP | BPF_JSET | BPF_K. */
  jset: 0x45,
  /** BPF_RET | BPF_K. */
  ret: 0x06,
} as const;

/** The kernel's limit on a filter's length (BPF_MAXINSNS). */
export const MAX_INSNS = 4096;

/** A jump target: a label name, or null for the next instruction. */
export type Target = string | null;

/** One item of an assembly listing. */
export type AsmItem =
  | { op: "label"; name: string }
  | { op: "ld"; offset: number }
  | { op: "and"; k: number }
  | { op: "jeq" | "jgt" | "jge" | "jset"; k: number; t: Target; f: Target }
  | { op: "ja"; to: string }
  | { op: "ret"; k: number };

/**
 * Assembles a listing whose jumps all go forward (BPF allows no other).
 * Conditional jumps reach at most 255 instructions (8-bit jt/jf): a farther
 * target gets a `ja` trampoline (32-bit offset) right after the jump. Works
 * back to front so every distance is known when its jump is placed. Throws
 * Error for an unknown label, a jump to the end, or a result longer than
 * MAX_INSNS.
 */
export function assemble(items: AsmItem[]): SockFilter[] {
  // out[i] is the i-th instruction counted from the end of the program.
  const out: SockFilter[] = [];
  const at = new Map<string, number>();
  const where = (t: Target): number => {
    if (t === null) return out.length - 1;
    const i = at.get(t);
    if (i === undefined) throw new Error(`bpf: jump to unknown label ${t}`);
    return i;
  };
  for (let n = items.length - 1; n >= 0; n--) {
    const it = items[n]!;
    switch (it.op) {
      case "label":
        if (out.length === 0) throw new Error(`bpf: label ${it.name} at end`);
        at.set(it.name, out.length - 1);
        break;
      case "ld":
        out.push({ code: OP.ldAbs, jt: 0, jf: 0, k: it.offset });
        break;
      case "and":
        out.push({ code: OP.and, jt: 0, jf: 0, k: it.k >>> 0 });
        break;
      case "ret":
        out.push({ code: OP.ret, jt: 0, jf: 0, k: it.k >>> 0 });
        break;
      case "ja":
        out.push({
          code: OP.ja,
          jt: 0,
          jf: 0,
          k: out.length - where(it.to) - 1,
        });
        break;
      default: {
        let t = where(it.t);
        let f = where(it.f);
        const near = (i: number): number => out.length - i - 1;
        if (near(f) > 255) f = trampoline(out, f);
        if (near(t) > 255) {
          t = trampoline(out, t);
          // t's trampoline pushed f one further: it may now be out of reach.
          if (near(f) > 255) f = trampoline(out, f);
        }
        out.push({ code: OP[it.op], jt: near(t), jf: near(f), k: it.k >>> 0 });
      }
    }
  }
  if (out.length > MAX_INSNS)
    throw new Error(
      `bpf: filter has ${out.length} instructions, the kernel allows ${MAX_INSNS}`,
    );
  return out.reverse();
}

function trampoline(out: SockFilter[], target: number): number {
  out.push({ code: OP.ja, jt: 0, jf: 0, k: out.length - target - 1 });
  return out.length - 1;
}

/** The program as the bytes of struct sock_filter[] (little-endian). */
export function encode(program: SockFilter[]): Buffer {
  const buf = Buffer.alloc(program.length * 8);
  program.forEach((ins, i) => {
    buf.writeUInt16LE(ins.code, i * 8);
    buf.writeUInt8(ins.jt, i * 8 + 2);
    buf.writeUInt8(ins.jf, i * 8 + 3);
    buf.writeUInt32LE(ins.k >>> 0, i * 8 + 4);
  });
  return buf;
}

/** The inverse of encode. Throws Error when the length is not a multiple of 8. */
export function decode(buf: Buffer): SockFilter[] {
  if (buf.length % 8) throw new Error("bpf: length is not a multiple of 8");
  const out: SockFilter[] = [];
  for (let i = 0; i < buf.length; i += 8)
    out.push({
      code: buf.readUInt16LE(i),
      jt: buf.readUInt8(i + 2),
      jf: buf.readUInt8(i + 3),
      k: buf.readUInt32LE(i + 4),
    });
  return out;
}

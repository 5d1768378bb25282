import { OP, type SockFilter } from "./bpf.ts";

/** struct seccomp_data as the kernel hands it to a filter; args are u64. */
export type SeccompData = {
  nr: number;
  arch: number;
  instructionPointer?: bigint;
  args?: bigint[];
};

/**
 * Runs a seccomp program on one syscall the way the kernel does (only the
 * instructions the compiler emits) and returns the 32-bit action value.
 * Used by tests and by `inspect`-style debugging. Throws Error on an
 * instruction it does not know, a load outside seccomp_data, a jump past
 * the end, or a program that falls off its end.
 */
export function runFilter(program: SockFilter[], data: SeccompData): number {
  const mem = Buffer.alloc(64);
  mem.writeInt32LE(data.nr | 0, 0);
  mem.writeUInt32LE(data.arch >>> 0, 4);
  mem.writeBigUInt64LE(data.instructionPointer ?? 0n, 8);
  (data.args ?? []).slice(0, 6).forEach((a, i) => {
    mem.writeBigUInt64LE(BigInt.asUintN(64, a), 16 + 8 * i);
  });
  let acc = 0;
  let pc = 0;
  while (pc < program.length) {
    const ins = program[pc]!;
    switch (ins.code) {
      case OP.ldAbs:
        if (ins.k % 4 || ins.k > 60)
          throw new Error(`bpf-vm: bad load offset ${ins.k}`);
        acc = mem.readUInt32LE(ins.k);
        pc++;
        break;
      case OP.and:
        acc = (acc & ins.k) >>> 0;
        pc++;
        break;
      case OP.ja:
        pc += 1 + ins.k;
        break;
      case OP.jeq:
      case OP.jgt:
      case OP.jge:
      case OP.jset: {
        const k = ins.k >>> 0;
        const taken =
          ins.code === OP.jeq
            ? acc === k
            : ins.code === OP.jgt
              ? acc > k
              : ins.code === OP.jge
                ? acc >= k
                : (acc & k) !== 0;
        pc += 1 + (taken ? ins.jt : ins.jf);
        break;
      }
      case OP.ret:
        return ins.k >>> 0;
      default:
        throw new Error(`bpf-vm: unknown opcode 0x${ins.code.toString(16)}`);
    }
  }
  throw new Error("bpf-vm: program fell off its end");
}

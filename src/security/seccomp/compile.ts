/**
 * Compiles a resolved profile into a seccomp BPF program for an x86_64 host
 * (the work libseccomp does inside crun, ≈ 30 ms per start for Docker's
 * profile; see docs/architecture.md). Layout of the program:
 *
 *   ld arch; jeq AUDIT_ARCH_X86_64 → x86_64; jeq AUDIT_ARCH_I386 → x86
 *   ret KILL_PROCESS                          (an architecture not listed)
 *   x86_64: ld nr; jge X32_BIT → x32 (or kill); binary search over runs
 *           of neighbouring nrs with one outcome (one jge per split)
 *   x32:    the same over nr|X32_BIT          (A still holds nr)
 *   x86:    ld nr; the same
 *   per syscall with argument rules: one block of comparisons per rule
 *   shared `ret` instructions, one per action
 *
 * Semantics per syscall (as libseccomp resolves Docker's profile): an
 * unconditional rule wins; else the rules with arguments are tried in
 * profile order and the first whose comparisons all hold gives its action;
 * else the default action. Rules whose action equals the default are dropped
 * (crun skips them too). Names a table lacks are skipped, as crun does.
 */
import {
  InvalidArgumentError,
  NotImplementedError,
} from "../../util/errors.ts";
import { X86_ARCHES, X32_SYSCALL_BIT, type ArchInfo } from "./arch.ts";
import { assemble, type AsmItem, type SockFilter } from "./bpf.ts";
import type { ResolvedProfile, SeccompArg } from "./profile.ts";

/** SECCOMP_RET_* values (linux/seccomp.h). */
export const RET = {
  killProcess: 0x80000000,
  killThread: 0x00000000,
  trap: 0x00030000,
  errno: 0x00050000,
  trace: 0x7ff00000,
  log: 0x7ffc0000,
  allow: 0x7fff0000,
} as const;

const EPERM = 1;

/**
 * The 32-bit return value of an SCMP_ACT_* action. ERRNO and TRACE take
 * errnoRet (EPERM when absent). Throws InvalidArgumentError for an unknown
 * action or errnoRet on an action without one, NotImplementedError for
 * SCMP_ACT_NOTIFY (needs a listener socket).
 */
export function actionValue(action: string, errnoRet?: number): number {
  if (errnoRet !== undefined && action !== "SCMP_ACT_ERRNO")
    if (action !== "SCMP_ACT_TRACE")
      throw new InvalidArgumentError(
        `errno value specified for action \`${action}\``,
      );
  const data = (errnoRet ?? EPERM) & 0xffff;
  switch (action) {
    case "SCMP_ACT_KILL":
    case "SCMP_ACT_KILL_THREAD":
      return RET.killThread;
    case "SCMP_ACT_KILL_PROCESS":
      return RET.killProcess;
    case "SCMP_ACT_TRAP":
      return RET.trap;
    case "SCMP_ACT_ERRNO":
      return (RET.errno | data) >>> 0;
    case "SCMP_ACT_TRACE":
      return (RET.trace | data) >>> 0;
    case "SCMP_ACT_LOG":
      return RET.log;
    case "SCMP_ACT_ALLOW":
      return RET.allow;
    case "SCMP_ACT_NOTIFY":
      throw new NotImplementedError(
        "not implemented: seccomp action SCMP_ACT_NOTIFY",
      );
    default:
      throw new InvalidArgumentError(`unknown seccomp action: ${action}`);
  }
}

type Rule = { action: number; args: SeccompArg[] };

/**
 * Compiles `profile` for an x86_64 host. Architectures other than x86_64,
 * x86 and x32 are ignored (an x86_64 kernel never reports them); x86_64 is
 * always included. Pure. Throws InvalidArgumentError for bad actions,
 * operators, argument indexes or values, Error if the program exceeds the
 * kernel's 4096 instructions.
 */
export function compileX86(profile: ResolvedProfile): SockFilter[] {
  const def = actionValue(profile.defaultAction, profile.defaultErrnoRet);
  const names = new Set(["SCMP_ARCH_X86_64", ...profile.architectures]);
  const arches = [...names]
    .map((n) => X86_ARCHES[n])
    .filter((a): a is ArchInfo => a !== undefined);
  const hasX32 = arches.some((a) => a.name === "SCMP_ARCH_X32");
  const rules = profile.syscalls.map((s) => ({
    names: s.names,
    action: actionValue(s.action, s.errnoRet),
    args: s.args,
  }));
  const rets = new Set<number>([def, RET.killProcess]);
  const code: AsmItem[] = [{ op: "ld", offset: 4 }];
  for (const a of arches)
    if (a.name !== "SCMP_ARCH_X32")
      code.push({ op: "jeq", k: a.audit, t: `arch:${a.name}`, f: null });
  code.push({ op: "ja", to: `ret:${RET.killProcess}` });
  let uniq = 0;
  const label = (p: string): string => `${p}:${uniq++}`;
  for (const a of arches) {
    code.push({ op: "label", name: `arch:${a.name}` });
    if (a.name !== "SCMP_ARCH_X32") code.push({ op: "ld", offset: 0 });
    if (a.name === "SCMP_ARCH_X86_64")
      code.push({
        op: "jge",
        k: X32_SYSCALL_BIT,
        t: hasX32 ? "arch:SCMP_ARCH_X32" : `ret:${RET.killProcess}`,
        f: null,
      });
    const byNr = new Map<number, Rule[]>();
    for (const r of rules)
      for (const n of r.names) {
        const nr = a.table[n];
        if (nr === undefined || r.action === def) continue;
        const list = byNr.get(nr + a.nrBase) ?? [];
        list.push({ action: r.action, args: r.args });
        byNr.set(nr + a.nrBase, list);
      }
    const blocks: AsmItem[] = [];
    const leaves = [...byNr.entries()]
      .sort((x, y) => x[0] - y[0])
      .map(([nr, list]) => {
        const plain = list.find((r) => r.args.length === 0);
        if (plain) {
          rets.add(plain.action);
          return { nr, target: `ret:${plain.action}` };
        }
        const start = label("blk");
        blocks.push({ op: "label", name: start });
        for (const r of list) {
          rets.add(r.action);
          const fail = label("fail");
          for (const arg of r.args) compare(blocks, a.bits, arg, fail, label);
          blocks.push({ op: "ja", to: `ret:${r.action}` });
          blocks.push({ op: "label", name: fail });
        }
        blocks.push({ op: "ja", to: `ret:${def}` });
        return { nr, target: start };
      });
    searchRanges(code, ranges(leaves, `ret:${def}`), label);
    code.push(...blocks);
  }
  for (const k of rets)
    code.push({ op: "label", name: `ret:${k}` }, { op: "ret", k });
  return assemble(code);
}

/**
 * The number line cut into runs with one target each: `leaves` (sorted by
 * nr) merged where neighbouring numbers share a target, the gaps `miss`.
 * Docker's profile has ≈ 300 numbered leaves per section but only 60–120
 * runs, so the program is ≈ 5 times shorter than one test per number.
 */
function ranges(
  leaves: { nr: number; target: string }[],
  miss: string,
): { from: number; target: string }[] {
  const out: { from: number; target: string }[] = [];
  const cut = (from: number, target: string): void => {
    const last = out.at(-1);
    if (last?.target === target) return; // the run goes on
    if (last?.from === from) {
      out.pop(); // an empty run: the new one replaces it
      cut(from, target);
      return;
    }
    out.push({ from, target });
  };
  cut(0, miss);
  for (const l of leaves) {
    cut(l.nr, l.target);
    cut(l.nr + 1, miss);
  }
  return out;
}

/** Binary search over runs: one unsigned jge per split, leaves jump to their run's target. */
function searchRanges(
  code: AsmItem[],
  runs: { from: number; target: string }[],
  label: (p: string) => string,
): void {
  if (runs.length === 1) {
    code.push({ op: "ja", to: runs[0]!.target });
    return;
  }
  const mid = runs.length >> 1;
  const left = runs.slice(0, mid);
  const right = runs.slice(mid);
  const t = right.length === 1 ? right[0]!.target : label("ge");
  const f = left.length === 1 ? left[0]!.target : null;
  code.push({ op: "jge", k: runs[mid]!.from, t, f });
  if (left.length > 1) searchRanges(code, left, label);
  if (right.length > 1) {
    code.push({ op: "label", name: t });
    searchRanges(code, right, label);
  }
}

/**
 * One argument comparison: falls through when it holds, jumps to `fail`
 * otherwise. 64-bit arches compare the high word first (unsigned, as
 * libseccomp does); 32-bit arches only the low word.
 */
function compare(
  code: AsmItem[],
  bits: 32 | 64,
  arg: SeccompArg,
  fail: string,
  label: (p: string) => string,
): void {
  if (!Number.isInteger(arg.index) || arg.index < 0 || arg.index > 5)
    throw new InvalidArgumentError(
      `seccomp: argument index ${arg.index} is out of range 0-5`,
    );
  const [vhi, vlo] = split(arg.value);
  const [dhi, dlo] = split(arg.valueTwo ?? 0);
  const lo = 16 + 8 * arg.index;
  const hi = lo + 4;
  const pass = label("pass");
  const wide = bits === 64;
  const j = (
    op: "jeq" | "jgt" | "jge",
    k: number,
    t: string | null,
    f: string | null,
  ): AsmItem => ({ op, k, t, f });
  switch (arg.op) {
    case "SCMP_CMP_EQ":
    case "SCMP_CMP_NE": {
      const eq = arg.op === "SCMP_CMP_EQ";
      if (wide)
        code.push(
          { op: "ld", offset: hi },
          j("jeq", vhi, null, eq ? fail : pass),
        );
      code.push(
        { op: "ld", offset: lo },
        j("jeq", vlo, eq ? pass : fail, eq ? fail : pass),
      );
      break;
    }
    case "SCMP_CMP_GT":
    case "SCMP_CMP_GE":
    case "SCMP_CMP_LT":
    case "SCMP_CMP_LE": {
      // LT = !(GE) and LE = !(GT): the same test with outcomes swapped.
      const ok = arg.op === "SCMP_CMP_GT" || arg.op === "SCMP_CMP_GE";
      const [yes, no] = ok ? [pass, fail] : [fail, pass];
      const loOp =
        arg.op === "SCMP_CMP_GT" || arg.op === "SCMP_CMP_LE" ? "jgt" : "jge";
      if (wide)
        code.push(
          { op: "ld", offset: hi },
          j("jgt", vhi, yes, null),
          j("jeq", vhi, null, no),
        );
      code.push({ op: "ld", offset: lo }, j(loOp, vlo, yes, no));
      break;
    }
    case "SCMP_CMP_MASKED_EQ":
      if (wide)
        code.push(
          { op: "ld", offset: hi },
          { op: "and", k: vhi },
          j("jeq", dhi, null, fail),
        );
      code.push(
        { op: "ld", offset: lo },
        { op: "and", k: vlo },
        j("jeq", dlo, pass, fail),
      );
      break;
    default:
      throw new InvalidArgumentError(`unknown seccomp operator: ${arg.op}`);
  }
  code.push({ op: "label", name: pass });
}

function split(v: number): [number, number] {
  if (!Number.isSafeInteger(v) || v < 0)
    throw new InvalidArgumentError(
      `seccomp: argument value ${v} must be an integer from 0 to 2^53-1`,
    );
  return [Math.floor(v / 2 ** 32), v % 2 ** 32];
}

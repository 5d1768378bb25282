import { test } from "node:test";
import assert from "node:assert/strict";
import {
  AUDIT_ARCH_I386,
  AUDIT_ARCH_X86_64,
  X32_SYSCALL_BIT,
  X86_ARCHES,
} from "./arch.ts";
import { MAX_INSNS, assemble, decode, encode, type AsmItem } from "./bpf.ts";
import { runFilter } from "./bpf-vm.ts";
import { RET, actionValue, compileX86 } from "./compile.ts";
import {
  DEFAULT_PROFILE,
  resolveProfile,
  type ResolvedProfile,
  type SeccompArg,
} from "./profile.ts";
import { DEFAULT_CAPS } from "../caps.ts";

const EPERM = (RET.errno | 1) >>> 0;
const ENOSYS = (RET.errno | 38) >>> 0;
const x64 = X86_ARCHES.SCMP_ARCH_X86_64!.table;
const i386 = X86_ARCHES.SCMP_ARCH_X86!.table;
const x32 = X86_ARCHES.SCMP_ARCH_X32!.table;

function program(caps: string[]) {
  const resolved = resolveProfile(DEFAULT_PROFILE, {
    caps,
    nativeArch: "amd64",
    kernel: [6, 18],
  });
  return compileX86(resolved!);
}
const dflt = program([...DEFAULT_CAPS]);
const admin = program([...DEFAULT_CAPS, "CAP_SYS_ADMIN"]);

function call(
  prog: typeof dflt,
  name: string,
  args: bigint[] = [],
  o: { arch?: number; table?: Record<string, number>; base?: number } = {},
): number {
  const nr = (o.table ?? x64)[name];
  assert.ok(nr !== undefined, `no syscall ${name}`);
  return runFilter(prog, {
    nr: nr + (o.base ?? 0),
    arch: o.arch ?? AUDIT_ARCH_X86_64,
    args,
  });
}

test("the default profile allows ordinary syscalls and fits the kernel limit", () => {
  assert.ok(dflt.length < MAX_INSNS, `${dflt.length} instructions`);
  for (const s of [
    "read",
    "write",
    "openat",
    "execve",
    "exit_group",
    "fchmodat2",
  ])
    assert.equal(call(dflt, s), RET.allow, s);
});

test("privileged syscalls, unshare, setns and keyctl get EPERM while ptrace (kernel >= 4.8) is allowed", () => {
  for (const s of [
    "mount",
    "umount2",
    "reboot",
    "kexec_load",
    "init_module",
    "bpf",
    "swapon",
    "unshare",
    "setns",
    "keyctl",
    "add_key",
  ])
    assert.equal(call(dflt, s), EPERM, s);
  assert.equal(call(dflt, "ptrace"), RET.allow);
});

test("personality is allowed only for the listed personas, 0xffffffff included", () => {
  for (const v of [0n, 8n, 0x20000n, 0x20008n, 0xffffffffn])
    assert.equal(
      call(dflt, "personality", [v]),
      RET.allow,
      `0x${v.toString(16)}`,
    );
  for (const v of [1n, 0x0400000n, 0x1ffffffffn, 0xffffffff00000000n])
    assert.equal(call(dflt, "personality", [v]), EPERM, `0x${v.toString(16)}`);
});

test("clone with namespace flags is denied without CAP_SYS_ADMIN and allowed with it", () => {
  const SIGCHLD = 17n;
  const CLONE_NEWUSER = 0x10000000n;
  const CLONE_NEWNS = 0x00020000n;
  const threads = 0x3d0f00n; // CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|...
  assert.equal(call(dflt, "clone", [SIGCHLD]), RET.allow);
  assert.equal(call(dflt, "clone", [threads]), RET.allow);
  assert.equal(call(dflt, "clone", [CLONE_NEWUSER | SIGCHLD]), EPERM);
  assert.equal(call(dflt, "clone", [CLONE_NEWNS | SIGCHLD]), EPERM);
  assert.equal(call(admin, "clone", [CLONE_NEWUSER | SIGCHLD]), RET.allow);
  assert.equal(call(admin, "mount"), RET.allow);
});

test("clone3 gets ENOSYS without CAP_SYS_ADMIN so libc falls back to clone", () => {
  assert.equal(call(dflt, "clone3"), ENOSYS);
  assert.equal(call(admin, "clone3"), RET.allow);
});

test("socket refuses AF_VSOCK (40) only", () => {
  assert.equal(call(dflt, "socket", [2n]), RET.allow);
  assert.equal(call(dflt, "socket", [40n]), EPERM);
  assert.equal(call(dflt, "socket", [40n + (1n << 32n)]), RET.allow);
});

test("i386 and x32 syscalls are filtered with their own numbers", () => {
  const ia = { arch: AUDIT_ARCH_I386, table: i386 };
  assert.equal(call(dflt, "read", [], ia), RET.allow);
  assert.equal(call(dflt, "socketcall", [], ia), RET.allow);
  assert.equal(call(dflt, "mount", [], ia), EPERM);
  assert.equal(call(dflt, "personality", [0xffffffffn], ia), RET.allow);
  const xa = { table: x32, base: X32_SYSCALL_BIT };
  assert.equal(call(dflt, "ioctl", [], xa), RET.allow);
  assert.equal(call(dflt, "mount", [], xa), EPERM);
});

test("a foreign architecture kills the process", () => {
  const AUDIT_ARCH_AARCH64 = 0xc00000b7;
  assert.equal(
    runFilter(dflt, { nr: 0, arch: AUDIT_ARCH_AARCH64 }),
    RET.killProcess,
  );
});

test("x32 numbers are killed when the profile does not list x32", () => {
  const p = compileX86({
    defaultAction: "SCMP_ACT_ALLOW",
    architectures: [],
    syscalls: [],
  });
  assert.equal(
    runFilter(p, { nr: X32_SYSCALL_BIT, arch: AUDIT_ARCH_X86_64 }),
    RET.killProcess,
  );
  assert.equal(runFilter(p, { nr: 0, arch: AUDIT_ARCH_I386 }), RET.killProcess);
  assert.equal(runFilter(p, { nr: 0, arch: AUDIT_ARCH_X86_64 }), RET.allow);
});

test("64-bit comparisons split into high and low words", () => {
  const rule = (
    op: string,
    value: number,
    valueTwo?: number,
  ): ResolvedProfile => ({
    defaultAction: "SCMP_ACT_ERRNO",
    architectures: ["SCMP_ARCH_X86_64"],
    syscalls: [
      {
        names: ["getpid"],
        action: "SCMP_ACT_ALLOW",
        args: [
          valueTwo === undefined
            ? { index: 2, value, op }
            : { index: 2, value, valueTwo, op },
        ],
      },
    ],
  });
  const big = 2 ** 32 + 5;
  const run = (p: ResolvedProfile, a: bigint): boolean =>
    runFilter(compileX86(p), {
      nr: x64.getpid!,
      arch: AUDIT_ARCH_X86_64,
      args: [0n, 0n, a],
    }) === RET.allow;
  const cases: [string, bigint, boolean[]][] = [
    ["SCMP_CMP_EQ", BigInt(big), [false, true, false]],
    ["SCMP_CMP_NE", BigInt(big), [true, false, true]],
    ["SCMP_CMP_LT", BigInt(big), [true, false, false]],
    ["SCMP_CMP_LE", BigInt(big), [true, true, false]],
    ["SCMP_CMP_GT", BigInt(big), [false, false, true]],
    ["SCMP_CMP_GE", BigInt(big), [false, true, true]],
  ];
  const probes = [5n, BigInt(big), BigInt(big) + (1n << 32n) - 10n];
  for (const [op, , want] of cases)
    assert.deepEqual(
      probes.map((v) => run(rule(op, big), v)),
      want,
      op,
    );
  const masked = rule("SCMP_CMP_MASKED_EQ", 2 ** 33 + 0xff, 2 ** 33 + 0x10);
  assert.equal(run(masked, (1n << 33n) | 0x1f10n), true);
  assert.equal(run(masked, 0x10n), false);
  assert.equal(run(masked, (1n << 33n) | 0x11n), false);
});

test("errnoRet, LOG, TRAP and KILL actions are encoded as the kernel expects", () => {
  assert.equal(actionValue("SCMP_ACT_ERRNO"), EPERM);
  assert.equal(actionValue("SCMP_ACT_ERRNO", 38), ENOSYS);
  assert.equal(actionValue("SCMP_ACT_LOG"), RET.log);
  assert.equal(actionValue("SCMP_ACT_TRAP"), RET.trap);
  assert.equal(actionValue("SCMP_ACT_KILL"), RET.killThread);
  assert.equal(actionValue("SCMP_ACT_KILL_PROCESS"), RET.killProcess);
  assert.throws(
    () => actionValue("SCMP_ACT_ALLOW", 1),
    /errno value specified/,
  );
  assert.throws(() => actionValue("SCMP_ACT_BOGUS"), /unknown seccomp action/);
  assert.throws(() => actionValue("SCMP_ACT_NOTIFY"), /not implemented/);
});

test("far targets go through ja trampolines and every jump stays in range", () => {
  // 600 conditional rules make the block section far longer than 255.
  const syscalls = Object.keys(x64)
    .slice(0, 300)
    .map((n) => ({
      names: [n],
      action: "SCMP_ACT_ALLOW",
      args: [{ index: 0, value: 7, op: "SCMP_CMP_EQ" }],
    }));
  const p = compileX86({
    defaultAction: "SCMP_ACT_KILL_PROCESS",
    architectures: [],
    syscalls,
  });
  for (const [name, nr] of Object.entries(x64).slice(0, 300)) {
    const d = { nr, arch: AUDIT_ARCH_X86_64 };
    assert.equal(runFilter(p, { ...d, args: [7n] }), RET.allow, name);
    assert.equal(runFilter(p, { ...d, args: [8n] }), RET.killProcess, name);
  }
  assert.ok(
    p.some((i) => i.code === 0x05),
    "expected ja instructions",
  );
});

test("a jump whose false target sits at the 255 limit keeps it in reach when its true target needs a trampoline", () => {
  const fill = (n: number): AsmItem[] =>
    Array.from({ length: n }, () => ({ op: "ld", offset: 0 }));
  const p = assemble([
    { op: "ld", offset: 0 },
    { op: "jge", k: 10, t: "far", f: "near" },
    ...fill(255),
    { op: "label", name: "near" },
    { op: "ret", k: 1 },
    ...fill(100),
    { op: "label", name: "far" },
    { op: "ret", k: 2 },
  ]);
  encode(p); // throws on a jt/jf above 255
  assert.equal(runFilter(p, { nr: 9, arch: 0 }), 1);
  assert.equal(runFilter(p, { nr: 10, arch: 0 }), 2);
});

test("encode writes 8-byte little-endian sock_filter and decode reads it back", () => {
  const buf = encode(dflt);
  assert.equal(buf.length, dflt.length * 8);
  assert.deepEqual(
    buf.subarray(0, 8),
    Buffer.from([0x20, 0, 0, 0, 4, 0, 0, 0]),
  );
  assert.deepEqual(decode(buf), dflt);
});

/**
 * What `profile` means for one syscall with all arguments 0, read from the
 * profile itself (an unconditional rule wins, else the first argument rule
 * whose comparisons hold, else the default): the reference the compiled
 * program must agree with on every number.
 */
function expected(p: ResolvedProfile, arch: number, nr: number): number {
  const def = actionValue(p.defaultAction, p.defaultErrnoRet);
  const listed = new Set(["SCMP_ARCH_X86_64", ...p.architectures]);
  let a = Object.values(X86_ARCHES).find(
    (x) => x.audit === arch && x.nrBase === 0 && listed.has(x.name),
  );
  if (!a) return RET.killProcess;
  if (a.name === "SCMP_ARCH_X86_64" && nr >>> 0 >= X32_SYSCALL_BIT) {
    if (!listed.has("SCMP_ARCH_X32")) return RET.killProcess;
    a = X86_ARCHES.SCMP_ARCH_X32!;
  }
  const rules = p.syscalls
    .filter((r) => r.names.some((n) => a.table[n]! + a.nrBase === nr >>> 0))
    .map((r) => ({ ...r, action: actionValue(r.action, r.errnoRet) }))
    .filter((r) => r.action !== def);
  const plain = rules.find((r) => r.args.length === 0);
  if (plain) return plain.action;
  const low = (v: number) => (a.bits === 64 ? v : v % 2 ** 32);
  const holds = (c: SeccompArg): boolean => {
    const v = low(c.value);
    switch (c.op) {
      case "SCMP_CMP_EQ":
      case "SCMP_CMP_GE":
        return v === 0;
      case "SCMP_CMP_NE":
      case "SCMP_CMP_LT":
        return v !== 0;
      case "SCMP_CMP_GT":
        return false;
      case "SCMP_CMP_LE":
        return true;
      default: // SCMP_CMP_MASKED_EQ: (0 & mask) == valueTwo
        return low(c.valueTwo ?? 0) === 0;
    }
  };
  return rules.find((r) => r.args.every(holds))?.action ?? def;
}

test("every syscall number of every section gets the profile's verdict (exhaustive, arguments 0)", () => {
  for (const caps of [[...DEFAULT_CAPS], [...DEFAULT_CAPS, "CAP_SYS_ADMIN"]]) {
    const resolved = resolveProfile(DEFAULT_PROFILE, {
      caps,
      nativeArch: "amd64",
      kernel: [6, 18],
    })!;
    const prog = compileX86(resolved);
    for (const [arch, base] of [
      [AUDIT_ARCH_X86_64, 0],
      [AUDIT_ARCH_X86_64, X32_SYSCALL_BIT],
      [AUDIT_ARCH_I386, 0],
      [0xdeadbeef, 0],
    ] as const) {
      const nrs = [...Array(1100).keys()].map((n) => n + base);
      nrs.push(X32_SYSCALL_BIT - 1, 0x7fffffff, 0x80000000, 0xffffffff);
      for (const nr of nrs) {
        const args = [0n, 0n, 0n, 0n, 0n, 0n];
        assert.equal(
          runFilter(prog, { nr, arch, args }) >>> 0,
          expected(resolved, arch, nr) >>> 0,
          `arch ${arch.toString(16)} nr ${nr.toString(16)} (${caps.length} caps)`,
        );
      }
    }
  }
});

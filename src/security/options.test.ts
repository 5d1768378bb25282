import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSecurityOpt } from "./options.ts";
import { SeccompFilters } from "./seccomp/filters.ts";
import {
  DEFAULT_PROFILE,
  parseProfile,
  resolveProfile,
} from "./seccomp/profile.ts";

test("parseSecurityOpt() reads seccomp, no-new-privileges, label and apparmor as Docker does", () => {
  assert.deepEqual(parseSecurityOpt(null).seccomp, { kind: "default" });
  assert.deepEqual(parseSecurityOpt(["seccomp=unconfined"]).seccomp, {
    kind: "unconfined",
  });
  assert.deepEqual(parseSecurityOpt(["seccomp:builtin"]).seccomp, {
    kind: "default",
  });
  assert.deepEqual(parseSecurityOpt(['seccomp={"a":1}']).seccomp, {
    kind: "custom",
    json: '{"a":1}',
  });
  assert.equal(parseSecurityOpt(["no-new-privileges"]).noNewPrivileges, true);
  assert.equal(
    parseSecurityOpt(["no-new-privileges:true"]).noNewPrivileges,
    true,
  );
  assert.equal(
    parseSecurityOpt(["no-new-privileges", "no-new-privileges=false"])
      .noNewPrivileges,
    false,
  );
  const o = parseSecurityOpt([
    "label=disable",
    "disable",
    "apparmor=unconfined",
  ]);
  assert.deepEqual(o.labels, ["disable", "disable"]);
  assert.equal(o.apparmor, "unconfined");
});

test("parseSecurityOpt() refuses what Docker refuses, with Docker's wording", () => {
  assert.throws(() => parseSecurityOpt(["nonsense"]), {
    message: 'invalid --security-opt 1: "nonsense"',
  });
  assert.throws(() => parseSecurityOpt(["foo=bar"]), {
    message: 'invalid --security-opt 2: "foo=bar"',
  });
  assert.throws(
    () => parseSecurityOpt(["no-new-privileges=maybe"]),
    /invalid --security-opt 2/,
  );
  // compat: the CLI consumes systempaths=unconfined; the daemon refuses it.
  assert.throws(
    () => parseSecurityOpt(["systempaths=unconfined"]),
    /invalid --security-opt 2/,
  );
  assert.throws(
    () => parseSecurityOpt(["writable-cgroups=true"]),
    /not implemented/,
  );
});

test("parseProfile() reports undecodable JSON and Docker's exclusive fields", () => {
  assert.throws(
    () => parseProfile("{bad"),
    /^InvalidArgumentError: Decoding seccomp profile failed/,
  );
  assert.throws(
    () =>
      parseProfile(
        '{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86"],"archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":[]}]}',
      ),
    /both 'architectures' and 'archMap'/,
  );
  assert.throws(
    () =>
      parseProfile(
        '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"name":"a","names":["b"],"action":"SCMP_ACT_ALLOW"}]}',
      ),
    /both 'name' and 'names'/,
  );
});

test("resolveProfile() applies includes and excludes by capability, arch and kernel", () => {
  const names = (
    caps: string[],
    kernel: [number, number] = [6, 1],
    arch = "amd64",
  ) =>
    resolveProfile(DEFAULT_PROFILE, {
      caps,
      nativeArch: arch,
      kernel,
    })!.syscalls.flatMap((s) => s.names);
  const base = names([]);
  assert.ok(!base.includes("mount") && !base.includes("reboot"));
  assert.ok(base.includes("arch_prctl"));
  assert.ok(!names([], [6, 1], "arm64").includes("arch_prctl"));
  assert.ok(names(["CAP_SYS_ADMIN"]).includes("mount"));
  assert.ok(names(["CAP_SYS_BOOT"]).includes("reboot"));
  assert.ok(base.includes("ptrace"));
  assert.ok(!names([], [4, 4]).includes("ptrace"));
  const r = resolveProfile(DEFAULT_PROFILE, {
    caps: [],
    nativeArch: "amd64",
    kernel: [6, 1],
  })!;
  assert.deepEqual(r.architectures, [
    "SCMP_ARCH_X86_64",
    "SCMP_ARCH_X86",
    "SCMP_ARCH_X32",
  ]);
  assert.equal(r.defaultErrnoRet, 1);
  assert.equal(
    resolveProfile(
      { defaultAction: "" },
      { caps: [], nativeArch: "amd64", kernel: [6, 1] },
    ),
    undefined,
  );
});

test("SeccompFilters caches per profile and capability set and follows Docker's privileged rule", () => {
  const f = new SeccompFilters({ arch: "amd64", kernel: [6, 1] });
  const a = f.forContainer(
    { kind: "default" },
    { caps: ["CAP_KILL", "CAP_CHOWN"], privileged: false },
  );
  const b = f.forContainer(
    { kind: "default" },
    { caps: ["CAP_CHOWN", "CAP_KILL"], privileged: false },
  );
  assert.equal(a.kind, "bpf");
  assert.equal(a, b);
  assert.equal(f.size, 1);
  f.forContainer(
    { kind: "default" },
    { caps: ["CAP_SYS_ADMIN"], privileged: false },
  );
  assert.equal(f.size, 2);
  assert.deepEqual(
    f.forContainer({ kind: "default" }, { caps: [], privileged: true }),
    { kind: "none" },
  );
  assert.deepEqual(
    f.forContainer({ kind: "unconfined" }, { caps: [], privileged: false }),
    { kind: "none" },
  );
  const custom = {
    kind: "custom" as const,
    json: '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[]}',
  };
  assert.equal(
    f.forContainer(custom, { caps: [], privileged: true }).kind,
    "bpf",
  );
  assert.throws(
    () =>
      f.forContainer(
        { kind: "custom", json: "x" },
        { caps: [], privileged: false },
      ),
    /Decoding seccomp profile failed/,
  );
});

test("SeccompFilters hands the resolved profile to crun on hosts it cannot compile for", () => {
  const f = new SeccompFilters({ arch: "arm64", kernel: [6, 1] });
  const s = f.forContainer(
    { kind: "default" },
    { caps: [], privileged: false },
  );
  assert.equal(s.kind, "oci");
  if (s.kind === "oci")
    assert.deepEqual(s.seccomp.architectures, [
      "SCMP_ARCH_AARCH64",
      "SCMP_ARCH_ARM",
    ]);
});

test("SeccompFilters pairs the program with its profile and explicit flags, so crun adds no SECCOMP_FILTER_FLAG_SPEC_ALLOW (Docker loads without it) and runc enforces the profile", () => {
  const f = new SeccompFilters({ arch: "amd64", kernel: [6, 1] });
  const s = f.forContainer(
    { kind: "default" },
    { caps: [], privileged: false },
  );
  assert.equal(s.kind, "bpf");
  if (s.kind !== "bpf") return;
  assert.deepEqual(s.seccomp.flags, []);
  assert.equal(s.seccomp.defaultAction, "SCMP_ACT_ERRNO");
  assert.ok(s.seccomp.syscalls.some((r) => r.names.includes("read")));
  const own = f.forContainer(
    {
      kind: "custom",
      json: '{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_LOG"],"syscalls":[]}',
    },
    { caps: [], privileged: false },
  );
  assert.equal(own.kind, "bpf");
  if (own.kind === "bpf")
    assert.deepEqual(own.seccomp.flags, ["SECCOMP_FILTER_FLAG_LOG"]);
  const arm = new SeccompFilters({ arch: "arm64", kernel: [6, 1] });
  const o = arm.forContainer(
    { kind: "default" },
    { caps: [], privileged: false },
  );
  if (o.kind === "oci") assert.deepEqual(o.seccomp.flags, []);
  else assert.fail(`arm64 gets the runtime-spec profile, not ${o.kind}`);
});

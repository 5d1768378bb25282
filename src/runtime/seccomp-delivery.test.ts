import { test } from "node:test";
import assert from "node:assert/strict";
import type { OciSpec } from "./oci-spec.ts";
import {
  CRUN_SECCOMP_ANNOTATION,
  isCrun,
  specForRuntime,
} from "./seccomp-delivery.ts";

/** A spec with a two-rule profile and a user annotation. */
function spec(seccomp?: OciSpec["linux"]["seccomp"]): OciSpec {
  return {
    ociVersion: "1.0.2",
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: ["true"],
      env: [],
      cwd: "/",
    },
    root: { path: "/r" },
    mounts: [],
    annotations: { "org.example": "1" },
    linux: { namespaces: [{ type: "mount" }], ...(seccomp ? { seccomp } : {}) },
  };
}
const PROFILE = {
  defaultAction: "SCMP_ACT_ERRNO",
  defaultErrnoRet: 1,
  architectures: ["SCMP_ARCH_X86_64"],
  flags: [],
  syscalls: [{ names: ["read"], action: "SCMP_ACT_ALLOW" }],
};

test("crun gets the precompiled program in its annotation and linux.seccomp without rules, keeping flags [] and the default action", () => {
  const input = spec(PROFILE);
  const before = structuredClone(input);
  const out = specForRuntime(input, "AAAA", true);
  assert.deepEqual(out.annotations, {
    "org.example": "1",
    [CRUN_SECCOMP_ANNOTATION]: "AAAA",
  });
  assert.deepEqual(out.linux.seccomp, {
    defaultAction: "SCMP_ACT_ERRNO",
    defaultErrnoRet: 1,
    flags: [],
  });
  assert.deepEqual(input, before, "the caller's spec is not changed");
  // No flags in the profile stay no flags (crun's own default applies then).
  const { flags: _, ...noFlags } = PROFILE;
  assert.equal(
    specForRuntime(spec(noFlags), "AAAA", true).linux.seccomp?.flags,
    undefined,
  );
});

test("runc and other runtimes get linux.seccomp whole and no annotation; without a program or a profile nothing changes", () => {
  const input = spec(PROFILE);
  const out = specForRuntime(input, "AAAA", false);
  assert.equal(out, input);
  assert.equal(out.annotations?.[CRUN_SECCOMP_ANNOTATION], undefined);
  assert.deepEqual(out.linux.seccomp, PROFILE);
  // A host the compiler does not cover: crun compiles the profile itself.
  assert.equal(specForRuntime(input, undefined, true), input);
  // seccomp=unconfined: no profile, nothing to deliver.
  const bare = spec();
  assert.equal(specForRuntime(bare, "AAAA", true), bare);
});

test("isCrun() goes by the binary's name: a wrapper script counts as another runtime", () => {
  assert.equal(isCrun("/usr/bin/crun"), true);
  assert.equal(isCrun("crun"), true);
  assert.equal(isCrun("/usr/sbin/runc"), false);
  assert.equal(isCrun("/opt/bin/crun-wrapper"), false);
});

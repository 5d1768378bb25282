import assert from "node:assert/strict";
import { test } from "node:test";
import { sysctlNamespace } from "./sysctl.ts";

test("sysctlNamespace sorts IPC, mqueue and net keys; others are not namespaced", () => {
  assert.equal(sysctlNamespace("kernel.shmmax"), "ipc");
  assert.equal(sysctlNamespace("fs.mqueue.msg_max"), "ipc");
  assert.equal(sysctlNamespace("net.ipv4.ip_forward"), "net");
  assert.equal(sysctlNamespace("kernel.hostname"), undefined);
  assert.equal(sysctlNamespace("kernel.shm"), undefined);
  assert.equal(sysctlNamespace("vm.swappiness"), undefined);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { checkSysctls } from "./sysctl.ts";

const own = { hostIpc: false, hostNetwork: false };

test("checkSysctls() takes namespaced sysctls in the container's own namespaces only", () => {
  checkSysctls(
    {
      "net.ipv4.ip_forward": "1",
      "kernel.shmmax": "1",
      "fs.mqueue.msg_max": "20",
    },
    own,
  );
  assert.throws(
    () => checkSysctls({ "kernel.pid_max": "1" }, own),
    /sysctl "kernel.pid_max" is not in a separate kernel namespace/,
  );
  assert.throws(
    () => checkSysctls({ "vm.swappiness": "1" }, own),
    /not in a separate kernel namespace/,
  );
  assert.throws(
    () =>
      checkSysctls(
        { "net.ipv4.ip_forward": "1" },
        { hostIpc: false, hostNetwork: true },
      ),
    /sysctl "net.ipv4.ip_forward" is not allowed in the hosts network namespace/,
  );
  assert.throws(
    () =>
      checkSysctls(
        { "kernel.sem": "1" },
        { hostIpc: true, hostNetwork: false },
      ),
    /hosts ipc namespace/,
  );
  assert.throws(
    () => checkSysctls({ "kernel.hostname": "x" }, own),
    /conflicts with the OCI "hostname" field/,
  );
});

import assert from "node:assert/strict";
import { test } from "node:test";
import type { HostConfig } from "../../api/containers.ts";
import type { OciSpec } from "../../runtime/index.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import type { ContainerRecord } from "./record.ts";
import { applyUserns, containerMappings } from "./userns.ts";

const daemon = {
  uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
  gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
};
const hc = (o: Record<string, unknown> = {}): HostConfig =>
  ({ NetworkMode: "bridge", Privileged: false, ...o }) as unknown as HostConfig;

test("containerMappings() gives the daemon's mapping unless UsernsMode is host or nothing is remapped", () => {
  assert.deepEqual(containerMappings(hc(), daemon), daemon);
  assert.deepEqual(containerMappings(hc({ UsernsMode: "" }), daemon), daemon);
  assert.equal(
    containerMappings(hc({ UsernsMode: "host" }), daemon),
    undefined,
  );
  assert.equal(containerMappings(hc(), undefined), undefined);
  assert.equal(
    containerMappings(hc({ Privileged: true }), undefined),
    undefined,
  );
});

test("containerMappings() refuses privileged, host network and host pid with dockerd's texts unless --userns=host", () => {
  for (const [o, text] of [
    [
      { Privileged: true },
      "privileged mode is incompatible with user namespaces.  You must run the container in the host namespace when running privileged mode",
    ],
    [
      { NetworkMode: "host" },
      "cannot share the host's network namespace when user namespaces are enabled",
    ],
    [
      { PidMode: "host" },
      "cannot share the host PID namespace when user namespaces are enabled",
    ],
  ] as const) {
    assert.throws(
      () => containerMappings(hc(o), daemon),
      (e: unknown) => e instanceof InvalidArgumentError && e.message === text,
    );
    assert.equal(
      containerMappings(hc({ ...o, UsernsMode: "host" }), daemon),
      undefined,
    );
  }
  // IpcMode host is allowed, as in dockerd.
  assert.deepEqual(containerMappings(hc({ IpcMode: "host" }), daemon), daemon);
});

test("applyUserns() adds a user namespace and the OCI mappings, and drops the default ping_group_range", () => {
  const rec = (o: Record<string, unknown> = {}) =>
    ({ hostConfig: hc(o), idMappings: daemon }) as unknown as ContainerRecord;
  const spec = {
    linux: {
      namespaces: [{ type: "mount" }],
      sysctl: {
        "net.ipv4.ping_group_range": "0 2147483647",
        "net.ipv4.ip_unprivileged_port_start": "0",
      },
    },
  } as unknown as OciSpec;
  applyUserns(spec, { hostConfig: hc() } as unknown as ContainerRecord);
  assert.deepEqual(spec.linux.namespaces, [{ type: "mount" }]);
  applyUserns(spec, rec());
  assert.deepEqual(spec.linux.namespaces, [
    { type: "mount" },
    { type: "user" },
  ]);
  assert.deepEqual(spec.linux.uidMappings, daemon.uidMappings);
  assert.deepEqual(spec.linux.gidMappings, daemon.gidMappings);
  assert.deepEqual(spec.linux.sysctl, {
    "net.ipv4.ip_unprivileged_port_start": "0",
  });
  const own = {
    linux: { namespaces: [], sysctl: { "net.ipv4.ping_group_range": "0 0" } },
  } as unknown as OciSpec;
  applyUserns(own, rec({ Sysctls: { "net.ipv4.ping_group_range": "0 0" } }));
  assert.deepEqual(own.linux.sysctl, { "net.ipv4.ping_group_range": "0 0" });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  mappingKey,
  OVERFLOW_ID,
  rootPair,
  shiftOwner,
  toContainerId,
  toHostId,
  unshiftOwner,
  type IdMappings,
} from "./id-mapping.ts";

const m: IdMappings = {
  uidMappings: [
    { containerID: 0, hostID: 100000, size: 65536 },
    { containerID: 65536, hostID: 300000, size: 1000 },
  ],
  gidMappings: [{ containerID: 0, hostID: 200000, size: 65536 }],
};

test("toHostId() and toContainerId() map through every range and refuse ids outside them", () => {
  assert.equal(toHostId(m.uidMappings, 0), 100000);
  assert.equal(toHostId(m.uidMappings, 65535), 165535);
  assert.equal(toHostId(m.uidMappings, 65536), 300000);
  assert.equal(toHostId(m.uidMappings, 66535), 300999);
  assert.equal(toHostId(m.uidMappings, 66536), undefined);
  assert.equal(toContainerId(m.uidMappings, 300001), 65537);
  assert.equal(toContainerId(m.uidMappings, 99999), undefined);
  assert.equal(toContainerId(m.uidMappings, 0), undefined);
});

test("rootPair() and mappingKey() name the host ids of container root", () => {
  assert.deepEqual(rootPair(m), { uid: 100000, gid: 200000 });
  assert.equal(mappingKey(m), "100000.200000");
  assert.throws(() =>
    rootPair({
      uidMappings: [{ containerID: 1, hostID: 5, size: 1 }],
      gidMappings: m.gidMappings,
    }),
  );
});

test("shiftOwner() and unshiftOwner() are inverse inside the mapping and give nobody outside it", () => {
  assert.deepEqual(shiftOwner(m, 0, 0), { uid: 100000, gid: 200000 });
  assert.deepEqual(shiftOwner(m, 1000, 50), { uid: 101000, gid: 200050 });
  assert.deepEqual(unshiftOwner(m, 101000, 200050), { uid: 1000, gid: 50 });
  assert.deepEqual(shiftOwner(m, 70000, 70000), {
    uid: OVERFLOW_ID,
    gid: OVERFLOW_ID,
  });
  assert.deepEqual(unshiftOwner(m, 0, 0), {
    uid: OVERFLOW_ID,
    gid: OVERFLOW_ID,
  });
});

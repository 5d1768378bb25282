import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import {
  KernelProbe,
  builtinHas,
  configValue,
  missingFeature,
} from "./kernel.ts";

const CONFIG = [
  "CONFIG_MACVLAN=y",
  "# CONFIG_IPVLAN is not set",
  "# CONFIG_VLAN_8021Q is not set",
  "CONFIG_DUMMY=m",
].join("\n");

test("config symbols read as y, m, n or unknown", () => {
  assert.equal(configValue(CONFIG, "CONFIG_MACVLAN"), "y");
  assert.equal(configValue(CONFIG, "CONFIG_IPVLAN"), "n");
  assert.equal(configValue(CONFIG, "CONFIG_DUMMY"), "m");
  assert.equal(configValue(CONFIG, "CONFIG_VXLAN"), undefined);
});

test("modules.builtin lists modules by path", () => {
  const text = "kernel/net/8021q/8021q.ko\nkernel/drivers/net/macvlan.ko\n";
  assert.equal(builtinHas(text, "8021q"), true);
  assert.equal(builtinHas(text, "ipvlan"), false);
});

test("the probe answers from /proc/config.gz and names the missing feature", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "wharf-kernel-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "config.gz"), gzipSync(CONFIG));
  const probe = new KernelProbe({
    configPath: join(dir, "config.gz"),
    modulesDir: join(dir, "no-modules"),
    sysModuleDir: join(dir, "no-sys"),
  });
  assert.equal(await probe.has("macvlan"), true);
  assert.equal(await probe.has("ipvlan"), false);
  assert.equal(await probe.has("8021q"), false);
  await probe.require("macvlan", "x");
  await assert.rejects(
    probe.require("ipvlan", "cannot create ipvlan network n1"),
    {
      name: "UnavailableError",
      message:
        "cannot create ipvlan network n1: kernel module ipvlan (CONFIG_IPVLAN) is not available on this host",
    },
  );
  assert.match(
    missingFeature("8021q", "x").message,
    /8021q \(CONFIG_VLAN_8021Q\)/,
  );
});

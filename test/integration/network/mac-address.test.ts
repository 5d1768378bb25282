import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { skipReason, wharfOnly } from "../harness.ts";
import { NetDaemon } from "./net-daemon.ts";

/**
 * --mac-address on the default bridge (a daemon with its own default
 * bridge: the shared harness runs with bridge none) and on a user network,
 * from the CLI (API 1.50: EndpointSettings.MacAddress) and from an old
 * client (API 1.43: Config.MacAddress).
 */
describe(
  "--mac-address",
  {
    skip:
      skipReason() ??
      wharfOnly(
        "the dockerd oracle runs with --bridge=none and no daemon.json",
      ),
  },
  () => {
    const d = new NetDaemon();
    const net = `wtm${d.tag}`;
    before(async () => {
      await d.start();
      await d.importBusybox();
      await d.ok(["network", "create", net]);
    });
    after(() => d.cleanup());

    const eth0 = ["cat", "/sys/class/net/eth0/address"];

    test("is the container's eth0 MAC on the default bridge and on a user network, and inspect says so", async () => {
      for (const [network, mac] of [
        ["bridge", "02:42:ac:11:99:01"],
        [net, "02:42:ac:11:99:02"],
      ] as const) {
        const name = `m-${network === "bridge" ? "b" : "u"}-${d.tag}`;
        await d.ok([
          "run",
          "-d",
          "--name",
          name,
          "--network",
          network,
          "--mac-address",
          mac,
          "busybox",
          "sleep",
          "600",
        ]);
        assert.equal((await d.ok(["exec", name, ...eth0])).trim(), mac);
        const seen = await d.ok([
          "inspect",
          "-f",
          `{{(index .NetworkSettings.Networks "${network}").MacAddress}}`,
          name,
        ]);
        assert.equal(seen.trim(), mac);
        await d.ok(["rm", "-f", name]);
      }
    });

    test("an API 1.43 client's Config.MacAddress is honoured on a user network", async () => {
      const mac = "02:42:ac:11:99:03";
      const r = await d.curl([
        `/v1.43/containers/create?name=m-old-${d.tag}`,
        "-X",
        "POST",
        "-H",
        "Content-Type: application/json",
        "--data-binary",
        JSON.stringify({
          Image: "busybox",
          Cmd: ["sleep", "600"],
          MacAddress: mac,
          HostConfig: { NetworkMode: net },
        }),
      ]);
      assert.match(r.stdout, /"Id"/, r.stdout);
      await d.ok(["start", `m-old-${d.tag}`]);
      assert.equal(
        (await d.ok(["exec", `m-old-${d.tag}`, ...eth0])).trim(),
        mac,
      );
      await d.ok(["rm", "-f", `m-old-${d.tag}`]);
    });
  },
);

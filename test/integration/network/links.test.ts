/**
 * Links through the Docker CLI (#12 point 9): legacy links on the default
 * bridge keep dockerd's names (`/child:/parent/alias`) across renames and
 * go away with `docker rm --link`; on a user-defined network a link is a
 * DNS name only its holder resolves, and every container on the network
 * resolves a container's hostname. Compared by hand with dockerd 20.10 on a
 * private bridge (the harness's dockerd has none, so this file is wharf's).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { skipReason } from "../harness.ts";
import { freeSubnet, NetDaemon } from "./net-daemon.ts";

type Inspect = {
  HostConfig: { Links: string[] | null };
  NetworkSettings: {
    Networks: Record<string, { IPAddress: string; Links: string[] | null }>;
  };
};

describe("links through the Docker CLI", { skip: skipReason() }, () => {
  const d = new NetDaemon();
  const net = `wtl${d.tag}`;
  before(async () => {
    await d.start();
    await d.importBusybox();
    await d.ok([
      "network",
      "create",
      "--subnet",
      await freeSubnet("10.213.90.0/24"),
      net,
    ]);
  });
  after(async () => {
    await d.docker(["rm", "-f", "lk-db2", "lk-web2", "dn-db", "dn-web"]);
    await d.docker(["network", "rm", net]);
    await d.cleanup();
  });

  const inspect = async (name: string): Promise<Inspect> =>
    (JSON.parse(await d.ok(["inspect", name])) as Inspect[])[0]!;
  const del = async (path: string): Promise<[number, string]> => {
    const r = await d.curl([path, "-X", "DELETE", "-w", "\n%{http_code}"]);
    const lines = r.stdout.trimEnd().split("\n");
    const code = Number(lines.pop());
    return [
      code,
      (JSON.parse(lines.join("\n")) as { message: string }).message,
    ];
  };

  test("renames rewrite link names in inspect; rm --link removes one, as dockerd", async () => {
    await d.ok(["run", "-d", "--name", "lk-db", "busybox", "sleep", "300"]);
    await d.ok([
      "run",
      "-d",
      "--name",
      "lk-web",
      "--link",
      "lk-db:dbal",
      "busybox",
      "sleep",
      "300",
    ]);
    assert.deepEqual((await inspect("lk-web")).HostConfig.Links, [
      "/lk-db:/lk-web/dbal",
    ]);
    await d.ok(["rename", "lk-db", "lk-db2"]);
    assert.deepEqual((await inspect("lk-web")).HostConfig.Links, [
      "/lk-db2:/lk-web/dbal",
    ]);
    await d.ok(["rename", "lk-web", "lk-web2"]);
    assert.deepEqual((await inspect("lk-web2")).HostConfig.Links, [
      "/lk-db2:/lk-web2/dbal",
    ]);
    // The renamed link still works: a restart rebuilds /etc/hosts from it.
    await d.ok(["restart", "-t", "0", "lk-web2"]);
    assert.match(
      await d.ok(["exec", "lk-web2", "cat", "/etc/hosts"]),
      /\tdbal /,
    );

    const own = await d.docker(["rm", "--link", "lk-web2"]);
    assert.match(
      own.stderr,
      /Conflict, cannot remove the default link name of the container/,
    );
    assert.deepEqual(await del("/v1.41/containers/lk-web2?link=1"), [
      500,
      "Conflict, cannot remove the default link name of the container",
    ]);
    assert.deepEqual(await del("/v1.41/containers/nope/x?link=1"), [
      404,
      "No such container: nope/x",
    ]);

    assert.equal(
      (await d.ok(["rm", "--link", "lk-web2/dbal"])).trim(),
      "lk-web2/dbal",
    );
    assert.equal((await inspect("lk-web2")).HostConfig.Links, null);
    const again = await d.docker(["rm", "--link", "lk-web2/dbal"]);
    assert.match(again.stderr, /No such container: lk-web2\/dbal/);
    // Both containers are untouched.
    assert.equal(
      (await d.ok(["ps", "-q", "--filter", "name=lk-"])).trim().split("\n")
        .length,
      2,
    );
  });

  test("on a user-defined network a link alias resolves for its holder only; a hostname resolves for all", async () => {
    await d.ok([
      "run",
      "-d",
      "--name",
      "dn-db",
      "--network",
      net,
      "busybox",
      "sleep",
      "300",
    ]);
    await d.ok([
      "run",
      "-d",
      "--name",
      "dn-web",
      "--hostname",
      "myhost",
      "--network",
      net,
      "--link",
      "dn-db:dbal",
      "busybox",
      "sleep",
      "300",
    ]);
    const db = await inspect("dn-db");
    const web = await inspect("dn-web");
    const dbIp = db.NetworkSettings.Networks[net]!.IPAddress;
    const webIp = web.NetworkSettings.Networks[net]!.IPAddress;
    assert.equal(web.HostConfig.Links, null);
    assert.deepEqual(web.NetworkSettings.Networks[net]!.Links, ["dn-db:dbal"]);
    const lookup = async (from: string, name: string): Promise<string> =>
      (await d.docker(["exec", from, "nslookup", name])).stdout;
    const address = (ip: string) =>
      new RegExp(`Address:\\s+${ip.replace(/\./g, "\\.")}\\b`);
    assert.match(await lookup("dn-web", "dbal"), address(dbIp));
    assert.doesNotMatch(await lookup("dn-db", "dbal"), address(dbIp));
    assert.match(await lookup("dn-web", "myhost"), address(webIp));
    assert.match(await lookup("dn-db", "myhost"), address(webIp));
    // No legacy /etc/hosts entry on a user-defined network.
    assert.doesNotMatch(
      await d.ok(["exec", "dn-web", "cat", "/etc/hosts"]),
      /dbal/,
    );
  });
});

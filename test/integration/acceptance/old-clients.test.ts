import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { skipReason, suiteDaemon } from "../harness.ts";

/**
 * Old clients: API versions from 1.12 are accepted, as dockerd 20.10
 * accepts them, with the shapes and behaviours the API reference's version
 * history gives each version. Raw HTTP: the Docker CLI never speaks them.
 */
describe("API versions 1.12 to 1.24", { skip: skipReason() }, () => {
  const d = suiteDaemon();

  const call = async (
    args: string[],
  ): Promise<{ code: string; type: string; body: string }> => {
    const r = await d.curl([...args, "-w", "\n%{http_code} %{content_type}"]);
    const lines = r.stdout.split("\n");
    const [code, type] = lines.pop()!.split(" ");
    return { code: code!, type: type ?? "", body: lines.join("\n") };
  };

  test("1.12 is accepted, 1.11 refused with dockerd's text as text/plain", async () => {
    assert.equal((await call(["/v1.12/version"])).code, "200");
    const r = await call(["/v1.11/info"]);
    assert.equal(r.code, "400");
    assert.match(r.type, /^text\/plain/);
    assert.equal(
      r.body,
      "client version 1.11 is too old. Minimum supported API version is 1.12, please upgrade your client to a newer version\n",
    );
  });

  test("errors are text/plain through 1.23 and JSON from 1.24", async () => {
    const old = await call(["/v1.23/containers/nope/json"]);
    assert.deepEqual(
      [old.code, old.body],
      ["404", "No such container: nope\n"],
    );
    assert.match(old.type, /^text\/plain/);
    const cur = await call(["/v1.24/containers/nope/json"]);
    assert.deepEqual(JSON.parse(cur.body), {
      message: "No such container: nope",
    });
  });

  test("/info has ExecutionDriver and bare security option names before 1.25", async () => {
    const old = JSON.parse((await call(["/v1.20/info"])).body) as {
      ExecutionDriver?: string;
      SecurityOptions: string[];
    };
    assert.equal(old.ExecutionDriver, "<not supported>");
    for (const o of old.SecurityOptions) assert.doesNotMatch(o, /^name=/);
    const cur = JSON.parse((await call(["/v1.25/info"])).body) as object;
    assert.ok(!("ExecutionDriver" in cur));
  });

  test("inspect before 1.20 has resources in Config and Volumes/VolumesRW", async () => {
    await d.ok([
      "create",
      "--name",
      "old-ins",
      "-v",
      "/data",
      "-m",
      "64m",
      "--cpuset-cpus",
      "0",
      "--cpu-shares",
      "512",
      "busybox",
      "true",
    ]);
    const v19 = JSON.parse(
      (await call(["/v1.19/containers/old-ins/json"])).body,
    ) as {
      Config: Record<string, unknown>;
      Volumes: Record<string, string>;
      VolumesRW: Record<string, boolean>;
      Mounts?: unknown;
      NetworkSettings: Record<string, unknown>;
    };
    assert.equal(v19.Config.Memory, 64 * 1024 * 1024);
    assert.equal(v19.Config.CpuShares, 512);
    assert.equal(v19.Config.Cpuset, "0");
    assert.equal(v19.Config.VolumeDriver, "");
    assert.deepEqual(Object.keys(v19.Volumes), ["/data"]);
    assert.deepEqual(v19.VolumesRW, { "/data": true });
    assert.ok(!("Mounts" in v19));
    assert.ok(!("Networks" in v19.NetworkSettings));
    const v20 = JSON.parse(
      (await call(["/v1.20/containers/old-ins/json"])).body,
    ) as {
      Config: Record<string, unknown>;
      Mounts: unknown[];
    };
    assert.ok(!("Memory" in v20.Config));
    assert.ok("VolumeDriver" in v20.Config);
    assert.equal(v20.Mounts.length, 1);
  });

  test("kill of a stopped container succeeds before 1.20 and is 409 from 1.20", async () => {
    await d.ok(["create", "--name", "old-kill", "busybox", "true"]);
    const old = await call(["/v1.19/containers/old-kill/kill", "-X", "POST"]);
    assert.equal(old.code, "204");
    const cur = await call(["/v1.20/containers/old-kill/kill", "-X", "POST"]);
    assert.equal(cur.code, "409");
  });

  test("volume prune removes unused named volumes before 1.42, only anonymous ones from 1.42", async () => {
    await d.ok(["volume", "create", "old-named"]);
    const v42 = JSON.parse(
      (await call(["/v1.42/volumes/prune", "-X", "POST"])).body,
    ) as { VolumesDeleted: string[] | null };
    assert.ok(!(v42.VolumesDeleted ?? []).includes("old-named"));
    const v41 = JSON.parse(
      (await call(["/v1.41/volumes/prune", "-X", "POST"])).body,
    ) as { VolumesDeleted: string[] | null };
    assert.ok((v41.VolumesDeleted ?? []).includes("old-named"));
  });

  test("AutoRemove is the client's job through 1.24", async () => {
    const r = await call([
      "/v1.24/containers/create?name=old-rm",
      "-X",
      "POST",
      "-H",
      "Content-Type: application/json",
      "-d",
      '{"Image":"busybox","Cmd":["true"],"HostConfig":{"AutoRemove":true}}',
    ]);
    assert.equal(r.code, "201", r.body);
    const [info] = JSON.parse(await d.ok(["inspect", "old-rm"])) as {
      HostConfig: { AutoRemove: boolean };
    }[];
    assert.equal(info!.HostConfig.AutoRemove, false);
  });

  test("POST /containers/{id}/copy returns a tar through 1.23", async () => {
    await d.ok(["create", "--name", "old-cp", "busybox", "true"]);
    const post = (v: string, body: string) =>
      call([
        `/v${v}/containers/old-cp/copy`,
        "-X",
        "POST",
        "-H",
        "Content-Type: application/json",
        "-d",
        body,
      ]);
    const r = await post("1.23", '{"Resource":"/bin/busybox"}');
    assert.equal(r.code, "200");
    assert.match(r.type, /x-tar/);
    assert.match(r.body, /^busybox\0/);
    const empty = await post("1.23", '{"Resource":""}');
    assert.deepEqual(
      [empty.code, empty.body],
      ["400", "Path cannot be empty\n"],
    );
    const typed = await post("1.23", '{"Resource":["x"]}');
    assert.equal(
      typed.body,
      "json: cannot unmarshal array into Go struct field CopyConfig.Resource of type string\n",
    );
    assert.equal((await post("1.24", '{"Resource":"/bin"}')).code, "404");
  });
});

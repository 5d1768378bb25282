import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { skipReason, TestDaemon } from "../harness.ts";

type ImageJson = {
  Config: { Env: string[]; Cmd: string[]; ExposedPorts?: object };
  Container?: string;
  ContainerConfig?: { Hostname: string; Image: string; Env: string[] };
};

/**
 * docker commit with --change lines (#12 point 6): the changes apply to the
 * container's own config, as dockerd's CreateImageFromContainer does, and
 * the image keeps the legacy Container/ContainerConfig before API 1.45.
 * Runs unchanged against dockerd 20.10 (TARGET=docker).
 */
describe("commit --change", { skip: skipReason() }, () => {
  const d = new TestDaemon();
  let id = "";
  before(async () => {
    await d.start();
    await d.importBusybox();
    await d.ok(["run", "--name", "cc-base", "busybox", "true"]);
    await d.ok([
      "commit",
      "--change",
      "ENV PATH=/bin:/usr/bin",
      "cc-base",
      "cc-path:1",
    ]);
    id = (
      await d.ok(["run", "-d", "--name", "cc", "-e", "FOO=bar", "cc-path:1"])
    ).trim();
    await d.ok(["wait", "cc"]);
  });
  after(() => d.stop());

  const image = async (ref: string, version = "1.41"): Promise<ImageJson> => {
    const r = await d.curl([`/v${version}/images/${ref}/json`]);
    return JSON.parse(r.stdout) as ImageJson;
  };

  test("EXPOSE and an exec-form CMD together commit (was a 500)", async () => {
    const r = await d.docker([
      "commit",
      "--change",
      "EXPOSE 8000",
      "--change",
      'CMD ["bash"]',
      "cc",
      "cc-out:expose",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const img = await image("cc-out:expose");
    assert.deepEqual(img.Config.Cmd, ["bash"]);
    assert.deepEqual(img.Config.ExposedPorts, { "8000/tcp": {} });
  });

  test("ENV changes expand variables from the container's Env and edit it in place", async () => {
    await d.ok([
      "commit",
      "--change",
      "ENV PATH=/usr/local/bin:$PATH",
      "--change",
      "ENV X=$FOO",
      "cc",
      "cc-out:env",
    ]);
    const img = await image("cc-out:env");
    assert.deepEqual(img.Config.Env, [
      "FOO=bar",
      "PATH=/usr/local/bin:/bin:/usr/bin",
      "X=bar",
    ]);
    const run = await d.ok([
      "run",
      "--rm",
      "cc-out:env",
      "sh",
      "-c",
      "echo $PATH",
    ]);
    assert.equal(run.trim(), "/usr/local/bin:/bin:/usr/bin");
  });

  test("a body that sets a config field is what the changes apply to; the container fills the rest", async () => {
    const r = await d.curl([
      `/v1.41/commit?container=cc&repo=cc-out&tag=body&changes=${encodeURIComponent("ENV Y=$PATH")}`,
      "-X",
      "POST",
      "-H",
      "Content-Type: application/json",
      "--data-binary",
      '{"Env":["A=1"]}',
    ]);
    assert.match(r.stdout, /"Id"/, r.stdout);
    const img = await image("cc-out:body");
    assert.deepEqual(img.Config.Env, [
      "A=1",
      "Y=",
      "FOO=bar",
      "PATH=/bin:/usr/bin",
    ]);
  });

  test("image inspect before API 1.45 has the container's id and config", async () => {
    const img = await image("cc-out:env");
    assert.equal(img.Container, id);
    assert.equal(img.ContainerConfig?.Hostname, id.slice(0, 12));
    assert.equal(img.ContainerConfig?.Image, "cc-path:1");
    assert.deepEqual(img.ContainerConfig?.Env, [
      "FOO=bar",
      "PATH=/bin:/usr/bin",
    ]);
  });

  test(
    "image inspect from API 1.45 on has neither",
    {
      skip:
        process.env.TARGET === "docker"
          ? "dockerd 20.10 stops at API 1.41"
          : undefined,
    },
    async () => {
      const img = (await image("cc-out:env", "1.45")) as Record<
        string,
        unknown
      >;
      assert.ok(!("Container" in img), JSON.stringify(img));
      assert.ok(!("ContainerConfig" in img));
      const old = await image("cc-out:env", "1.44");
      assert.equal(old.Container, id);
    },
  );
});

/**
 * GET /images/search, GET /distribution/{name}/json and pull --all-tags
 * through wharfd, driven by the real Docker CLI (and the wharf CLI) against
 * loopback registries only: wharf-registry (which has a v1 search) and
 * docker-registry 2.8 (which has none).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { EngineClient } from "../../../src/client/index.ts";
import { execFile } from "../../../src/util/exec.ts";
import { skipReason, TestDaemon } from "../harness.ts";
import { registrySkipReason, startRegistry } from "./harness.ts";
import { registryFixture } from "./fixture.ts";
import {
  archImages,
  digestOf,
  layerTar,
  makeImage,
  registrySkip,
  upload,
  uploadIndex,
} from "./registry.ts";

const wharfBin = resolve(import.meta.dirname, "../../../dist/wharf.cjs");
const skip = skipReason() ?? registrySkipReason() ?? registrySkip();

const wharf = (d: TestDaemon, args: string[]) =>
  execFile(process.execPath, [wharfBin, ...args], { env: d.env });

test(
  "docker search and wharf search list a wharf-registry's repositories; docker-registry without search fails as dockerd does",
  { skip },
  async (t) => {
    const reg = await startRegistry();
    t.after(() => reg.stop());
    const { reg: plain, d } = await registryFixture(t);
    const img = makeImage([layerTar("f", Buffer.from("x\n"))]);
    for (const repo of ["team/busybox", "team/alpine", "ops/busy"])
      await upload(reg.host, repo, "1", img);

    const out = await d.ok(["search", `${reg.host}/busy`]);
    assert.equal(
      out,
      "NAME           DESCRIPTION   STARS     OFFICIAL\n" +
        "ops/busy                     0         \n" +
        "team/busybox                 0         \n",
    );
    const limited = await d.ok([
      "search",
      "--limit",
      "1",
      "--format",
      "{{.Name}}",
      `${reg.host}/busy`,
    ]);
    assert.equal(limited, "ops/busy\n");
    const official = await d.ok([
      "search",
      "--filter",
      "is-official=true",
      `${reg.host}/busy`,
    ]);
    assert.equal(official, "NAME      DESCRIPTION   STARS     OFFICIAL\n");
    const badFilter = await d.docker([
      "search",
      "--filter",
      "nope=1",
      `${reg.host}/busy`,
    ]);
    assert.equal(badFilter.code, 1);
    assert.match(
      badFilter.stderr,
      /Error response from daemon: invalid filter 'nope'/,
    );

    const mine = await wharf(d, [
      "search",
      "--format",
      "{{.Name}} {{.StarCount}} {{.IsOfficial}}",
      `${reg.host}/team`,
    ]);
    assert.equal(mine.code, 0, mine.stderr);
    assert.equal(mine.stdout, "team/alpine 0 \nteam/busybox 0 \n");
    const badLimit = await wharf(d, [
      "search",
      "--limit",
      "101",
      `${reg.host}/x`,
    ]);
    assert.equal(badLimit.code, 1);
    assert.equal(
      badLimit.stderr,
      "Error response from daemon: limit 101 is outside the range of [1, 100]\n",
    );

    // compat: distribution 2.8 has no /v1/search; dockerd answers 500 "Unexpected status code 404".
    const none = await d.docker(["search", `${plain.host}/busybox`]);
    assert.equal(none.code, 1);
    assert.equal(
      none.stderr,
      "Error response from daemon: Unexpected status code 404\n",
    );
    const raw = await d.curl([
      `/v1.50/images/search?term=${plain.host}/busybox`,
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
    ]);
    assert.equal(raw.stdout, "500");
  },
);

test(
  "GET /distribution/{name}/json gives the descriptor and platforms of a manifest and of an index, with X-Registry-Auth accepted",
  { skip },
  async (t) => {
    const { reg, d } = await registryFixture(t);
    const { amd, arm } = archImages();
    await upload(reg.host, "dist/one", "1", amd);
    const index = await uploadIndex(reg.host, "dist/multi", "latest", [
      { image: amd, platform: { os: "linux", architecture: "amd64" } },
      {
        image: arm,
        platform: { os: "linux", architecture: "arm64", variant: "v8" },
      },
    ]);
    const mt = "application/vnd.docker.distribution.manifest.v2+json";
    const listType =
      "application/vnd.docker.distribution.manifest.list.v2+json";
    const auth = Buffer.from(JSON.stringify({})).toString("base64url");
    const one = await d.curl([
      `/v1.50/distribution/${reg.host}/dist/one:1/json`,
      "-H",
      `X-Registry-Auth: ${auth}`,
    ]);
    assert.deepEqual(JSON.parse(one.stdout), {
      Descriptor: {
        mediaType: mt,
        digest: digestOf(amd.manifest),
        size: amd.manifest.length,
      },
      Platforms: [{ architecture: "amd64", os: "linux" }],
    });
    // No tag means latest, as the Go client's DistributionInspect sends it.
    const multi = await d.curl([
      `/v1.50/distribution/${reg.host}/dist/multi/json`,
    ]);
    assert.deepEqual(JSON.parse(multi.stdout), {
      Descriptor: {
        mediaType: listType,
        digest: digestOf(index),
        size: index.length,
      },
      Platforms: [
        { architecture: "amd64", os: "linux" },
        { architecture: "arm64", os: "linux", variant: "v8" },
      ],
    });
    const byDigest = await d.curl([
      `/v1.50/distribution/${reg.host}/dist/multi@${digestOf(arm.manifest)}/json`,
    ]);
    assert.deepEqual(
      (JSON.parse(byDigest.stdout) as { Platforms: unknown[] }).Platforms,
      [{ architecture: "arm64", os: "linux" }],
    );
    // The typed client (what wharf's CLI uses), with credentials in X-Registry-Auth.
    const client = new EngineClient(`unix://${d.socket}`);
    try {
      const viaClient = await client.registry.distribution(
        `${reg.host}/dist/one:1`,
        { auth: { username: "nobody", password: "x" } },
      );
      assert.equal(viaClient.Descriptor.digest, digestOf(amd.manifest));
      assert.deepEqual(viaClient.Platforms, [
        { architecture: "amd64", os: "linux" },
      ]);
    } finally {
      client.close();
    }
    const missing = await d.curl([
      `/v1.50/distribution/${reg.host}/dist/one:2/json`,
      "-w",
      "\n%{http_code}",
    ]);
    const lines = missing.stdout.trim().split("\n");
    const code = lines.pop();
    const body = lines.join("\n");
    assert.equal(code, "404");
    assert.match(
      (JSON.parse(body) as { message: string }).message,
      /^manifest for 127\.0\.0\.1:\d+\/dist\/one:2 not found: /,
    );
  },
);

test(
  "docker pull --all-tags and wharf pull -a fetch every tag of a repository (the API's empty tag)",
  { skip },
  async (t) => {
    const { reg, d } = await registryFixture(t);
    const a = makeImage([layerTar("v", Buffer.from("1\n"))]);
    const b = makeImage([layerTar("v", Buffer.from("2\n"))]);
    await upload(reg.host, "tags/app", "1", a);
    await upload(reg.host, "tags/app", "2", b);
    await upload(reg.host, "tags/app", "latest", b);
    const name = `${reg.host}/tags/app`;
    const tagged = await d.docker(["pull", "-a", `${name}:1`]);
    assert.notEqual(tagged.code, 0);
    assert.match(tagged.stderr, /tag can't be used with --all-tags\/-a/);
    const out = await d.ok(["pull", "--all-tags", name]);
    assert.match(out, /Downloaded newer image for /);
    const list = async () =>
      (await d.ok(["images", "--format", "{{.Tag}} {{.ID}}", name]))
        .trim()
        .split("\n")
        .sort();
    const short = (id: string) => id.slice(7, 19);
    assert.deepEqual(await list(), [
      `1 ${short(a.id)}`,
      `2 ${short(b.id)}`,
      `latest ${short(b.id)}`,
    ]);
    for (const t of ["1", "2", "latest"]) await d.ok(["rmi", `${name}:${t}`]);
    const mine = await wharf(d, ["pull", "-a", name]);
    assert.equal(mine.code, 0, mine.stderr);
    assert.doesNotMatch(mine.stdout, /Using default tag/);
    assert.match(mine.stdout, /Pulling from tags\/app/);
    assert.equal((await list()).length, 3);
  },
);

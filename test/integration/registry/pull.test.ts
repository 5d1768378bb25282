import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { busyboxTar, skipReason } from "../harness.ts";
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

const skip = skipReason() ?? registrySkip();

test(
  "docker pull from a registry by tag and by digest: progress, RepoDigests, run, up to date",
  { skip },
  async (t) => {
    const { reg, d } = await registryFixture(t);
    const img = makeImage([
      readFileSync(busyboxTar()),
      layerTar("hello.txt", Buffer.from("hello from the registry\n")),
    ]);
    await upload(reg.host, "team/app", "1", img);
    const name = `${reg.host}/team/app:1`;
    const out = await d.ok(["pull", name]);
    assert.match(out, /1: Pulling from team\/app/);
    assert.match(out, /Pull complete/);
    assert.match(out, new RegExp(`Digest: ${digestOf(img.manifest)}`));
    assert.match(
      out,
      /Status: Downloaded newer image for 127\.0\.0\.1:\d+\/team\/app:1/,
    );
    const inspect = JSON.parse(
      await d.ok(["image", "inspect", name]),
    ) as Array<{
      Id: string;
      RepoDigests: string[];
    }>;
    assert.equal(inspect[0]!.Id, img.id);
    assert.deepEqual(inspect[0]!.RepoDigests, [
      `${reg.host}/team/app@${digestOf(img.manifest)}`,
    ]);
    assert.equal(
      await d.ok(["run", "--rm", name, "cat", "/hello.txt"]),
      "hello from the registry\n",
    );
    assert.match(await d.ok(["pull", name]), /Image is up to date for/);
    // By digest, after removing the tag: as in Docker, the repository's
    // digest reference goes with its last tag, and the layers with it.
    const byDigest = `${reg.host}/team/app@${digestOf(img.manifest)}`;
    const rmi = await d.ok(["rmi", name]);
    assert.match(rmi, new RegExp(`Untagged: ${byDigest}`));
    assert.match(rmi, new RegExp(`Deleted: ${img.id}`));
    const again = await d.ok(["pull", byDigest]);
    assert.match(again, /Pull complete/);
    assert.match(
      await d.ok(["images", "--digests", "--format", "{{.Digest}}"]),
      new RegExp(digestOf(img.manifest)),
    );
    // A missing tag: Docker's message and status.
    const missing = await d.docker(["pull", `${reg.host}/team/app:nope`]);
    assert.notEqual(missing.code, 0);
    assert.match(
      missing.stderr,
      /manifest for 127\.0\.0\.1:\d+\/team\/app:nope not found: manifest unknown/,
    );
  },
);

test(
  "a multi-platform index pulls the host's image by default and arm64 with --platform",
  { skip },
  async (t) => {
    const { reg, d } = await registryFixture(t);
    const { amd, arm } = archImages();
    await uploadIndex(reg.host, "multi", "1", [
      {
        image: arm,
        platform: { os: "linux", architecture: "arm64", variant: "v8" },
      },
      { image: amd, platform: { os: "linux", architecture: "amd64" } },
    ]);
    await d.ok(["pull", `${reg.host}/multi:1`]);
    const id = (
      await d.ok(["image", "inspect", "-f", "{{.Id}}", `${reg.host}/multi:1`])
    ).trim();
    assert.equal(id, amd.id);
    await d.ok(["pull", "--platform", "linux/arm64", `${reg.host}/multi:1`]);
    const armId = (
      await d.ok([
        "image",
        "inspect",
        "-f",
        "{{.Id}} {{.Architecture}}",
        `${reg.host}/multi:1`,
      ])
    ).trim();
    assert.equal(armId, `${arm.id} arm64`);
    const none = await d.docker([
      "pull",
      "--platform",
      "linux/s390x",
      `${reg.host}/multi:1`,
    ]);
    assert.match(
      none.stderr,
      /no matching manifest for linux\/s390x in the manifest list entries/,
    );
  },
);

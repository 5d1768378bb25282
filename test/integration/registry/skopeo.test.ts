import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { registryBin, registrySkipReason, startRegistry } from "./harness.ts";

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", input, timeout: 120_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** Writes an OCI image layout with one image (a one-file layer) tagged `tag`; returns the layer digest. */
function ociLayout(dir: string, tag: string, content: string): string {
  const blobs = join(dir, "blobs/sha256");
  mkdirSync(join(dir, "src"), { recursive: true });
  mkdirSync(blobs, { recursive: true });
  const put = (data: Buffer): { digest: string; size: number } => {
    const hex = createHash("sha256").update(data).digest("hex");
    writeFileSync(join(blobs, hex), data);
    return { digest: `sha256:${hex}`, size: data.length };
  };
  writeFileSync(join(dir, "src/hello.txt"), content);
  run("tar", [
    "-czf",
    join(dir, "layer.tgz"),
    "-C",
    join(dir, "src"),
    "hello.txt",
  ]);
  const gz = readFileSync(join(dir, "layer.tgz"));
  const layer = put(gz);
  const diffId = `sha256:${createHash("sha256").update(gunzipSync(gz)).digest("hex")}`;
  const config = put(
    Buffer.from(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        rootfs: { type: "layers", diff_ids: [diffId] },
        config: {},
      }),
    ),
  );
  const manifest = put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: {
          mediaType: "application/vnd.oci.image.config.v1+json",
          ...config,
        },
        layers: [
          {
            mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
            ...layer,
          },
        ],
      }),
    ),
  );
  writeFileSync(
    join(dir, "oci-layout"),
    JSON.stringify({ imageLayoutVersion: "1.0.0" }),
  );
  const ref = { "org.opencontainers.image.ref.name": tag };
  writeFileSync(
    join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          ...manifest,
          annotations: ref,
        },
      ],
    }),
  );
  return layer.digest;
}

void test("skopeo copies into and out of wharf-registry over TLS with htpasswd, inspects, lists tags and deletes a tag", async (t) => {
  const skip =
    registrySkipReason() ??
    (existsSync("/usr/bin/skopeo")
      ? undefined
      : "skopeo missing (apt-get install skopeo)") ??
    (existsSync("/usr/bin/openssl")
      ? undefined
      : "openssl missing (apt-get install openssl)");
  if (skip) return t.skip(skip);
  const work = join("/tmp", `wharf-skopeo-${process.pid}-${Date.now()}`);
  mkdirSync(join(work, "certs"), { recursive: true });
  writeFileSync(
    join(work, "htpasswd"),
    run(process.execPath, [registryBin, "htpasswd", "alice"], "s3cret\n"),
  );
  const reg = await startRegistry({
    http: "  tls:\n    selfsigned: true\n",
    yaml: `auth:\n  htpasswd:\n    realm: test\n    path: ${join(work, "htpasswd")}\n`,
  });
  t.after(async () => {
    await reg.stop();
    spawnSync("rm", ["-rf", work]);
  });
  // Clients trust the generated CA, never the server certificate itself.
  copyFileSync(join(reg.root, "tls/ca.crt"), join(work, "certs/ca.crt"));
  const tls = [`--cert-dir=${join(work, "certs")}`, "--creds=alice:s3cret"];
  const dest = [
    `--dest-cert-dir=${join(work, "certs")}`,
    "--dest-creds=alice:s3cret",
  ];
  const src = [
    `--src-cert-dir=${join(work, "certs")}`,
    "--src-creds=alice:s3cret",
  ];
  const image = `docker://${reg.host}/test/img`;

  const layer1 = ociLayout(join(work, "one"), "v1", "one\n");
  const layer2 = ociLayout(join(work, "two"), "v2", "two\n");
  run("skopeo", [
    "copy",
    ...dest,
    `oci:${join(work, "one")}:v1`,
    `${image}:v1`,
  ]);
  run("skopeo", [
    "copy",
    ...dest,
    `oci:${join(work, "two")}:v2`,
    `${image}:v2`,
  ]);

  const inspect = JSON.parse(
    run("skopeo", ["inspect", ...tls, `${image}:v1`]),
  ) as {
    Layers: string[];
    Digest: string;
  };
  assert.deepEqual(inspect.Layers, [layer1]);

  run("skopeo", ["copy", ...src, `${image}:v1`, `oci:${join(work, "out")}:v1`]);
  const outIndex = JSON.parse(
    readFileSync(join(work, "out/index.json"), "utf8"),
  ) as {
    manifests: Array<{ digest: string }>;
  };
  assert.equal(outIndex.manifests[0]?.digest, inspect.Digest);
  assert.ok(existsSync(join(work, "out/blobs/sha256", layer1.slice(7))));

  const tags = (): string[] =>
    (
      JSON.parse(run("skopeo", ["list-tags", ...tls, image])) as {
        Tags: string[];
      }
    ).Tags;
  assert.deepEqual(tags(), ["v1", "v2"]);
  run("skopeo", ["delete", ...tls, `${image}:v2`]);
  assert.deepEqual(tags(), ["v1"]);
  assert.notEqual(layer1, layer2);

  // Without credentials the registry asks for them.
  const anon = spawnSync(
    "skopeo",
    [
      "inspect",
      `--cert-dir=${join(work, "certs")}`,
      "--no-creds",
      `${image}:v1`,
    ],
    {
      encoding: "utf8",
    },
  );
  assert.notEqual(anon.status, 0);
  assert.match(anon.stderr, /authentication required|unauthorized/i);
});

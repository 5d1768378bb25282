// Writes an image archive in `docker save`'s format (manifest.json, the config,
// one layer.tar per layer) with LAYERS layers holding one file of random bytes
// each, TOTAL_MB megabytes (10^6) in all, for the push/pull and save/load steps.
// Random bytes do not compress: every engine moves the full size each way.
//
//   image-tar.mjs OUT.tar NAME:TAG LAYERS TOTAL_MB
import { createHash, randomFillSync } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";

const [out, name, layersText, totalText] = process.argv.slice(2);
const layers = Number(layersText);
const total = Number(totalText) * 1e6;
if (!out || !name || !(layers >= 1) || !(total > 0)) {
  console.error("usage: image-tar.mjs OUT.tar NAME:TAG LAYERS TOTAL_MB");
  process.exit(2);
}

/** A ustar header for a regular file or directory. */
function header(path, size, dir = false) {
  const h = Buffer.alloc(512);
  h.write(path, 0);
  h.write(dir ? "0000755\0" : "0000644\0", 100);
  h.write("0000000\0", 108);
  h.write("0000000\0", 116);
  h.write(size.toString(8).padStart(11, "0") + "\0", 124);
  h.write("14000000000\0", 136);
  h.write("        ", 148);
  h.write(dir ? "5" : "0", 156);
  h.write("ustar\0", 257);
  h.write("00", 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  return h;
}
const pad = (n) => Buffer.alloc((512 - (n % 512)) % 512);

/** One layer: a tar holding /bench/layerN with `size` random bytes. */
function layerTar(i, size) {
  const data = randomFillSync(Buffer.allocUnsafe(size));
  return Buffer.concat([
    header("bench/", 0, true),
    header(`bench/layer${i}`, size),
    data,
    pad(size),
    Buffer.alloc(1024),
  ]);
}

const fd = openSync(out, "w");
const put = (path, bytes) => {
  writeSync(fd, header(path, bytes.length));
  writeSync(fd, bytes);
  writeSync(fd, pad(bytes.length));
};
const diffIds = [];
const paths = [];
for (let i = 0; i < layers; i++) {
  const tar = layerTar(i, Math.floor(total / layers));
  const hex = createHash("sha256").update(tar).digest("hex");
  diffIds.push(`sha256:${hex}`);
  paths.push(`${hex}/layer.tar`);
  writeSync(fd, header(`${hex}/`, 0, true));
  put(`${hex}/layer.tar`, tar);
}
const config = Buffer.from(
  JSON.stringify({
    architecture: "amd64",
    os: "linux",
    created: "2026-01-01T00:00:00Z",
    config: { Cmd: ["sh"] },
    rootfs: { type: "layers", diff_ids: diffIds },
    history: diffIds.map(() => ({
      created: "2026-01-01T00:00:00Z",
      created_by: "bench/image-tar.mjs",
    })),
  }),
);
const configName = `${createHash("sha256").update(config).digest("hex")}.json`;
put(configName, config);
put(
  "manifest.json",
  Buffer.from(
    JSON.stringify([{ Config: configName, RepoTags: [name], Layers: paths }]),
  ),
);
writeSync(fd, Buffer.alloc(1024));
closeSync(fd);

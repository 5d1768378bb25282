import { get as httpGet } from "node:http";
import type { Readable } from "node:stream";
import { sha256Digest, type Digest } from "../../oci/digest.ts";
import type { ImageImportOptions } from "../../api/images.ts";
import type { ContainerConfig, ImageConfig } from "../../oci/image.ts";
import { withDefaultTag, type Reference } from "../../oci/reference.ts";
import { hostPlatform } from "../../registry/client/platform.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import type { EventBus } from "../events/index.ts";
import { applyChanges } from "./changes.ts";
import { unpackLayer, type LayerDeps } from "./layers.ts";
import { parseRef } from "./resolve.ts";

/** Options of POST /images/create?fromSrc=… */
export type ImportOptions = ImageImportOptions;

/**
 * Imports a root filesystem tarball as a one-layer image (moby's
 * ImportImage): unpacks it, writes a config with `changes` applied, tags it
 * when repo is given. Returns the image id. Throws InvalidArgumentError for
 * a bad repo, tag, change or archive.
 */
export async function importImage(
  deps: LayerDeps & {
    events: EventBus;
    tag: (ref: Reference, id: Digest) => Promise<void>;
  },
  body: Readable | undefined,
  options: ImportOptions,
): Promise<Digest> {
  let target: Reference | undefined;
  if (options.repo) {
    target = parseRef(options.repo);
    if (target.digest !== undefined)
      throw new InvalidArgumentError("cannot import digest reference");
    if (options.tag) target = { ...target, tag: options.tag };
    target = withDefaultTag(target);
  }
  const config: ContainerConfig = applyChanges({}, options.changes ?? []);
  const source =
    options.fromSrc === "-" ? body : await fetchUrl(options.fromSrc);
  if (!source)
    throw new InvalidArgumentError("import: no body to read the image from");
  const { record } = await unpackLayer(deps, undefined, source);
  const created = new Date().toISOString();
  const comment = options.message || `Imported from ${options.fromSrc}`;
  const image: ImageConfig = {
    architecture: hostPlatform().architecture,
    os: "linux",
    config,
    created,
    comment,
    rootfs: { type: "layers", diff_ids: [record.diffId] },
    history: [{ created, comment }],
  };
  const bytes = Buffer.from(JSON.stringify(image));
  const id = sha256Digest(bytes);
  await deps.store.content.put(bytes, id);
  if (!deps.store.record(id)) await deps.store.add({ id }, image);
  deps.events.publish({
    type: "image",
    action: "import",
    id,
    attributes: { name: id },
  });
  if (target) await deps.tag(target, id);
  return id;
}

/** GETs a URL (http or https; a bare host[:port]/path means http, as moby does). */
async function fetchUrl(src: string): Promise<Readable> {
  const url = new URL(src.includes("://") ? src : `http://${src}`);
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new InvalidArgumentError(
      `import: unsupported URL scheme ${url.protocol}`,
    );
  // node:https (TLS) is loaded only for an https import.
  const get =
    url.protocol === "https:" ? (await import("node:https")).get : httpGet;
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      if ((res.statusCode ?? 500) >= 400) {
        res.resume();
        reject(
          new InvalidArgumentError(
            `import: ${src} answered ${res.statusCode ?? 0} ${res.statusMessage ?? ""}`.trim(),
          ),
        );
      } else resolve(res);
    }).on("error", (err) =>
      reject(new InvalidArgumentError(`import: ${err.message}`)),
    );
  });
}

import type { Digest } from "../../oci/digest.ts";
import { lockHolder, lockRoot } from "./root-lock.ts";
import { BlobStore } from "./storage/blobs.ts";
import { listRepositories } from "./storage/catalog.ts";
import type { StorageDriver } from "./storage/driver.ts";
import { FilesystemDriver } from "./storage/filesystem.ts";
import { parseManifest } from "./storage/manifest-parse.ts";
import { ManifestStore } from "./storage/manifests.ts";
import {
  blobDataPath,
  blobsRoot,
  layerLinkPath,
  revisionsDir,
  uploadsDir,
} from "./storage/paths.ts";

/** What gc removed (or would remove with dryRun), and what it found broken. */
export type GcReport = {
  /** Blob digests no manifest of any repository references. */
  blobs: Digest[];
  /** "<name>@<digest>" manifests dropped by deleteUntagged. */
  manifests: string[];
  /** "<name>/<uuid>" unfinished uploads. */
  uploads: string[];
  /** Links to blobs that do not exist ("<name>@<digest>"): left as they are, reported. */
  dangling: string[];
};

/**
 * Mark and sweep over a filesystem root, as distribution's
 * `garbage-collect`: marks every manifest of every repository (with
 * deleteUntagged only those reachable from a tag, through index children
 * and referrers), their config and layer blobs; sweeps unmarked blobs,
 * unfinished uploads, and with deleteUntagged the unreachable manifests.
 * A dry run changes nothing. Refuses a root another live process serves
 * (its lock file); a dry run is read-only and is allowed alongside.
 */
export async function collectGarbage(
  root: string,
  options: {
    dryRun: boolean;
    deleteUntagged: boolean;
    log?: (line: string) => void;
  },
): Promise<GcReport> {
  const holder = await lockHolder(root);
  if (options.dryRun && holder !== undefined)
    options.log?.(
      `note: ${root} is served by process ${holder}; reporting only`,
    );
  const release = options.dryRun ? async () => {} : await lockRoot(root, "gc");
  try {
    return await markAndSweep(new FilesystemDriver(root), options);
  } finally {
    await release();
  }
}

/** The algorithm over any driver (unit-tested on the memory driver). */
export async function markAndSweep(
  driver: StorageDriver,
  options: {
    dryRun: boolean;
    deleteUntagged: boolean;
    log?: (line: string) => void;
  },
): Promise<GcReport> {
  const log = options.log ?? (() => {});
  const blobs = new BlobStore(driver);
  const manifests = new ManifestStore(driver, blobs);
  const report: GcReport = {
    blobs: [],
    manifests: [],
    uploads: [],
    dangling: [],
  };
  const marked = new Set<Digest>();
  for (const name of await listRepositories(driver)) {
    const revisions = (await driver.list(revisionsDir(name))).map(
      (h) => `sha256:${h}`,
    );
    const parsed = new Map<Digest, ReturnType<typeof parseManifest>>();
    for (const d of revisions) {
      const data = await blobs.read(d).catch(() => undefined);
      if (!data) {
        report.dangling.push(`${name}@${d}`);
        continue;
      }
      parsed.set(d, parseManifest(data, undefined));
    }
    const keep = new Set<Digest>();
    if (options.deleteUntagged) {
      const queue: Digest[] = [];
      for (const tag of await manifests.tags(name)) {
        const t = await manifests.tagTarget(name, tag);
        if (t !== undefined) queue.push(t);
      }
      while (queue.length > 0) {
        const d = queue.pop() as Digest;
        if (keep.has(d)) continue;
        keep.add(d);
        queue.push(...(parsed.get(d)?.manifests ?? []));
        for (const [r, m] of parsed) if (m.subject === d) queue.push(r);
      }
    } else for (const d of parsed.keys()) keep.add(d);
    for (const [d, m] of parsed) {
      if (!keep.has(d)) {
        report.manifests.push(`${name}@${d}`);
        log(
          `${options.dryRun ? "would delete" : "delete"} manifest ${name}@${d}`,
        );
        if (!options.dryRun) await manifests.remove(name, d);
        continue;
      }
      marked.add(d);
      for (const b of m.blobs) {
        marked.add(b);
        if (
          (await driver.stat(layerLinkPath(name, b))) &&
          (await blobs.globalSize(b)) === undefined
        )
          report.dangling.push(`${name}@${b}`);
      }
    }
    for (const { uuid } of await listUploads(driver, name)) {
      report.uploads.push(`${name}/${uuid}`);
      log(
        `${options.dryRun ? "would delete" : "delete"} upload ${name}/${uuid}`,
      );
      if (!options.dryRun) await driver.remove(`${uploadsDir(name)}/${uuid}`);
    }
  }
  for (const prefix of await driver.list(blobsRoot))
    for (const hex of await driver.list(`${blobsRoot}/${prefix}`)) {
      const d = `sha256:${hex}`;
      if (marked.has(d)) continue;
      report.blobs.push(d);
      log(`${options.dryRun ? "would delete" : "delete"} blob ${d}`);
      if (!options.dryRun)
        await driver.remove(blobDataPath(d).replace(/\/data$/, ""));
    }
  return report;
}

async function listUploads(
  driver: StorageDriver,
  name: string,
): Promise<Array<{ uuid: string }>> {
  return (await driver.list(uploadsDir(name))).map((uuid) => ({ uuid }));
}

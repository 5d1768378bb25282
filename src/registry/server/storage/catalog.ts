import type { StorageDriver } from "./driver.ts";
import { repositoriesRoot } from "./paths.ts";

/**
 * Lists every repository name under the storage root, sorted lexically
 * (the order `_catalog` pages in). A repository is a directory holding
 * `_manifests`, `_layers` or `_uploads`; names nest (`a/b` and `a/b/c` may both exist).
 */
export async function listRepositories(
  driver: StorageDriver,
): Promise<string[]> {
  const out: string[] = [];
  const walk = async (prefix: string): Promise<void> => {
    const dir =
      prefix === "" ? repositoriesRoot : `${repositoriesRoot}/${prefix}`;
    const children = await driver.list(dir);
    if (
      children.some(
        (c) => c === "_manifests" || c === "_layers" || c === "_uploads",
      )
    )
      out.push(prefix);
    for (const c of children)
      if (!c.startsWith("_")) await walk(prefix === "" ? c : `${prefix}/${c}`);
  };
  await walk("");
  return out.filter((n) => n !== "").sort();
}

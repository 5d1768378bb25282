import { InvalidArgumentError } from "../../util/errors.ts";
import { publish, type ContainerDeps } from "./deps.ts";
import { renameLinks } from "./links.ts";
import { checkContainerName } from "./record.ts";

/** What rename uses. */
export type RenameDeps = Pick<ContainerDeps, "store" | "lock" | "events">;

/**
 * docker rename; links naming the container follow it. Throws
 * ConflictError for a taken name, InvalidArgumentError for the same name.
 */
export async function rename(
  d: RenameDeps,
  ref: string,
  newName: string,
): Promise<void> {
  const r = d.store.resolve(ref);
  checkContainerName(newName);
  const name = `/${newName.replace(/^\//, "")}`;
  const old = r.name;
  await d.lock.run(r.id, async () => {
    if (name === r.name)
      throw new InvalidArgumentError(
        "Renaming a container with the same name as its current name",
      );
    d.store.reserveName(name, r.id);
    r.name = name;
    try {
      await d.store.save(r);
    } catch (err) {
      r.name = old;
      d.store.releaseName(name, r.id);
      throw err;
    }
    d.store.releaseName(old, r.id);
    publish(d, r, "rename", { oldName: old });
  });
  await renameLinks(d, old, r.name);
}

/**
 * `watch`: fs.watch on every `develop.watch` path of the selected services;
 * changes are collected until things have been quiet for the debounce
 * period, then each service acts on its batch as compose v2 does: `sync`
 * copies the files into its running containers (deletions removed),
 * `sync+restart` then restarts them, `sync+exec` runs the rule's command,
 * `restart` restarts, and `rebuild` builds the image and recreates the
 * service (`up --build --no-deps SERVICE`). Runs until the signal aborts.
 */
import {
  existsSync,
  statSync,
  watch as fsWatch,
  type FSWatcher,
} from "node:fs";
import { join } from "node:path";
import { errorMessage } from "../util/errors.ts";
import { ComposeError } from "./errors.ts";
import { runHook } from "./hooks.ts";
import type { ApplyContext } from "./resources.ts";
import { projectContainers } from "./state.ts";
import { ruleFor, syncPaths, watchRules, type WatchRule } from "./sync.ts";
import { up } from "./up.ts";
import { defaultImage } from "./labels.ts";

/** Options of watchProject. */
export type WatchOptions = {
  signal: AbortSignal;
  /** Quiet period before a batch of changes is acted on (compose v2: 500 ms). */
  debounceMs?: number;
  /** Log lines ("Syncing service …"); stderr in the CLI. */
  log: (line: string) => void;
  /** Remove the image a rebuild replaced once it is dangling (`--prune`, on by default). */
  prune?: boolean;
};

/** Watches until the signal aborts. Throws ComposeError when no selected service has `develop.watch`, or a watched path is missing. */
export async function watchProject(
  ctx: ApplyContext,
  services: string[],
  options: WatchOptions,
): Promise<void> {
  const rules = new Map<string, WatchRule[]>();
  for (const name of services) {
    const s = ctx.project.services[name];
    const r = s ? watchRules(s, ctx.project.workingDir) : [];
    if (r.length) rules.set(name, r);
  }
  if (!rules.size)
    throw new ComposeError(
      "none of the selected services is configured for watch, consider setting a 'develop' section",
    );
  for (const [name, list] of rules)
    for (const r of list) {
      if (!existsSync(r.path))
        throw new ComposeError(
          `service "${name}": watch path ${r.path} does not exist`,
        );
      if (r.initialSync && r.action.startsWith("sync"))
        await act(ctx, name, new Map([[r, [r.path]]]), options);
    }
  const pending = new Map<string, Set<string>>();
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const flush = (): void => {
    const batch = new Map(pending);
    pending.clear();
    running = running.then(async () => {
      for (const [name, paths] of batch) {
        const byRule = new Map<WatchRule, string[]>();
        for (const p of paths) {
          const r = ruleFor(rules.get(name) ?? [], p);
          if (r) byRule.set(r, [...(byRule.get(r) ?? []), p]);
        }
        if (byRule.size)
          await act(ctx, name, byRule, options).catch((err: unknown) =>
            options.log(`Error: ${errorMessage(err)}`),
          );
      }
    });
  };
  const watchers: FSWatcher[] = [];
  const seen = new Set<string>();
  for (const [name, list] of rules)
    for (const r of list) {
      const key = `${name}\0${r.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const dir = statSync(r.path).isDirectory();
      const w = fsWatch(r.path, { recursive: dir }, (_event, file) => {
        const abs = dir && file ? join(r.path, file.toString()) : r.path;
        if (!ruleFor(rules.get(name) ?? [], abs)) return;
        (pending.get(name) ?? pending.set(name, new Set()).get(name))?.add(abs);
        clearTimeout(timer);
        timer = setTimeout(flush, options.debounceMs ?? 500);
      });
      watchers.push(w);
    }
  options.log("Watch enabled");
  await new Promise<void>((ok) => {
    if (options.signal.aborted) ok();
    options.signal.addEventListener("abort", () => ok(), { once: true });
  });
  clearTimeout(timer);
  for (const w of watchers) w.close();
  await running;
}

/**
 * Compose v2's pruneDanglingImagesOnRebuild: the image a rebuild replaced
 * goes when nothing names it any more; an image still tagged or used by a
 * container (the daemon's 409) stays.
 */
async function pruneReplaced(ctx: ApplyContext, id: string): Promise<void> {
  const old = await ctx.client.images.inspect(id).catch(() => undefined);
  if (!old || (old.RepoTags?.length ?? 0) > 0) return;
  await ctx.client.images.remove(id).catch(() => undefined);
}

async function act(
  ctx: ApplyContext,
  name: string,
  byRule: Map<WatchRule, string[]>,
  options: WatchOptions,
): Promise<void> {
  const rules = [...byRule.keys()];
  if (rules.some((r) => r.action === "rebuild")) {
    options.log(
      `Rebuilding service(s) ["${name}"] after changes were detected...`,
    );
    const service = ctx.project.services[name];
    const image = service ? defaultImage(ctx.project.name, service) : "";
    const before = await ctx.client.images.inspect(image).then(
      (i) => i.Id,
      () => undefined,
    );
    await up(ctx, { services: [name], noDeps: true, build: true });
    options.log(`service(s) ["${name}"] successfully built`);
    if (options.prune !== false && before !== undefined)
      await pruneReplaced(ctx, before);
    return;
  }
  const containers = await projectContainers(ctx.client, ctx.project.name, {
    services: [name],
    all: false,
  });
  const count = [...byRule.values()].reduce((n, p) => n + p.length, 0);
  options.log(`Syncing service "${name}" after ${count} changes were detected`);
  for (const c of containers) {
    for (const [r, paths] of byRule)
      if (r.action.startsWith("sync"))
        await syncPaths(ctx.client, c.Id, r, paths);
    if (
      rules.some((r) => r.action === "sync+restart" || r.action === "restart")
    ) {
      options.log(`Restarting service "${name}"`);
      await ctx.client.containers.restart(c.Id);
    }
    for (const r of rules)
      if (r.action === "sync+exec" && r.exec)
        await runHook(ctx.client, c.Id, r.exec, "watch exec");
  }
}

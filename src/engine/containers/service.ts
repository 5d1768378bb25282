import { attach, resize } from "./attachments.ts";
import { archiveGet, archivePut, archiveStat } from "./archive.ts";
import { buildDeps, type ContainerServiceOptions } from "./build-deps.ts";
import { changesOf, layerDiff } from "./changes.ts";
import { commitContainer } from "./commit.ts";
import { createContainer } from "./create.ts";
import type { ContainerDeps } from "./deps.ts";
import { execCreate, execInspect, execStart } from "./exec-verbs.ts";
import { resizeExec } from "./exec.ts";
import { exportContainer } from "./export.ts";
import { removeLink } from "./links.ts";
import * as listing from "./listing.ts";
import { containerLogs } from "./logs.ts";
import { pause, unpause } from "./pause.ts";
import { remove } from "./remove.ts";
import { rename } from "./rename.ts";
import { restart } from "./restart.ts";
import { closeContainers, loadRecords, restoreContainers } from "./restore.ts";
import { start } from "./start.ts";
import { containerStats } from "./stats-stream.ts";
import { kill, stop } from "./stop.ts";
import { containerTop } from "./top.ts";
import { updateContainer } from "./update.ts";
import { idMappingsOf } from "./userns.ts";
import { wait } from "./wait.ts";

export type { WaitCondition } from "./wait.ts";
export type { ContainerServiceOptions } from "./build-deps.ts";

/** fn with its first argument (its dependencies) bound. */
function on<D, A extends unknown[], R>(
  d: D,
  fn: (d: D, ...args: A) => R,
): (...args: A) => R {
  return (...args) => fn(d, ...args);
}

/**
 * The containers engine: Docker's container and exec verbs, each bound to
 * the dependencies it names (deps.ts). A table, no logic: each verb's file
 * documents it. Records live under <root>/containers, bundles under
 * <execRoot>/containers (store.ts). Call init() then restore() once.
 */
export function containerService(options: ContainerServiceOptions) {
  const d: ContainerDeps = buildDeps(options);
  return {
    init: on(d, loadRecords),
    restore: on(d, restoreContainers),
    close: on(d, closeContainers),
    create: on(d, createContainer),
    idMappings: on(d, idMappingsOf),
    start: on(d, start),
    stop: on(d, stop),
    kill: on(d, kill),
    restart: on(d, restart),
    update: on(d, updateContainer),
    pause: on(d, pause),
    unpause: on(d, unpause),
    remove: on(d, remove),
    removeLink: on(d, removeLink),
    rename: on(d, rename),
    wait: on(d, wait),
    list: on(d, listing.listContainers),
    inspect: on(d, listing.inspectContainer),
    prune: on(d, listing.pruneContainers),
    counts: on(d, listing.countContainers),
    logs: on(d, containerLogs),
    attach: on(d, attach),
    resize: on(d, resize),
    top: on(d, containerTop),
    stats: on(d, containerStats),
    execCreate: on(d, execCreate),
    execStart: on(d, execStart),
    execInspect: on(d, execInspect),
    execResize: on(d, resizeExec),
    archiveStat: on(d, archiveStat),
    archiveGet: on(d, archiveGet),
    archivePut: on(d, archivePut),
    changes: on(d, changesOf),
    layerDiff: on(d, layerDiff),
    export: on(d, exportContainer),
    commit: on(d, commitContainer),
  };
}

/** The containers engine's verbs (containerService builds it). */
export type ContainerService = ReturnType<typeof containerService>;

import { mkdir } from "node:fs/promises";
import {
  EventBus,
  matchesEventFilters,
  parseEventTime,
} from "../engine/events/index.ts";
import { ImageService } from "../engine/images/index.ts";
import { SystemService } from "../engine/system/index.ts";
import { imageRoutes } from "../server/routes/images.ts";
import { Router } from "../server/router.ts";
import { systemRoutes } from "../server/routes/system.ts";
import type { Logger } from "../util/log.ts";
import type { DaemonConfig } from "./config.ts";

/** Everything the daemon built, for main.ts to start and stop. */
export type Daemon = {
  router: Router;
  events: EventBus;
  close: () => Promise<void>;
};

/**
 * The composition root: builds stores → services → routes, in order, with
 * constructors only (STYLE.md §9). Nothing else in the tree wires services.
 */
export async function wire(
  config: DaemonConfig,
  log: Logger,
  setupWarnings: string[],
): Promise<Daemon> {
  await mkdir(config.dataRoot, { recursive: true, mode: 0o711 });
  await mkdir(config.execRoot, { recursive: true, mode: 0o711 });
  const events = new EventBus();
  let listeners = 0;
  const images = new ImageService({ root: config.dataRoot, events, log });
  await images.init();

  const system = new SystemService({
    sources: {
      containerCounts: () => ({ total: 0, running: 0, paused: 0, stopped: 0 }),
      imageCount: () => images.count(),
      eventListeners: () => listeners,
    },
    setup: {
      dataRoot: config.dataRoot,
      execRoot: config.execRoot,
      runtime: config.runtime,
      cgroupVersion: "1",
      warnings: setupWarnings,
    },
  });
  await system.init();

  const router = new Router();
  router.add(
    systemRoutes({
      version: () => system.version(),
      info: () => system.info(),
      df: () =>
        Promise.resolve({
          LayersSize: 0,
          Images: [],
          Containers: [],
          Volumes: [],
          BuildCache: [],
        }),
      eventHistory: () => events.history(),
      subscribe: (l) => {
        listeners++;
        const off = events.subscribe(l);
        return () => {
          listeners--;
          off();
        };
      },
      matchesEventFilters,
      parseEventTime: (v) => parseEventTime(v),
    }),
  );
  router.add(imageRoutes(images));
  log.debug("daemon wired", {
    dataRoot: config.dataRoot,
    execRoot: config.execRoot,
  });
  return { router, events, close: () => Promise.resolve() };
}

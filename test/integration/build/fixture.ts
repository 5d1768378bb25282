/**
 * The set-up the build tests share: one wharfd per describe block with
 * busybox imported before the first test, a temp root for build contexts,
 * loopback HTTP servers for remote contexts and ADD URLs, all removed after
 * the last test even when a test or a set-up step failed.
 */
import { after, before } from "node:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { TestDaemon } from "../harness.ts";

/** What buildFixture() gives a describe block. */
export type BuildFixture = {
  /** The daemon: started and holding busybox:latest from before() on. */
  d: TestDaemon;
  /** A temp dir for contexts, unique to this describe block. */
  root: string;
  /**
   * Serves `handler` on a free 127.0.0.1 port until after(); resolves to
   * its base URL (`http://127.0.0.1:PORT`). Call it from a before() hook.
   */
  serve: (handler: RequestListener) => Promise<string>;
};

/**
 * Registers the before() and after() hooks of a build describe block; call
 * it inside the describe callback, before the block's own hooks (they run
 * after the daemon is up). `prefix` names the temp root; `classic` drops
 * DOCKER_BUILDKIT so that plain `docker build` takes the classic builder
 * from the ping header; `beforeStop` runs first in after() (e.g. to kill a
 * build's processes). Each cleanup step runs even when an earlier one threw.
 */
export function buildFixture(options: {
  prefix: string;
  classic?: boolean;
  beforeStop?: () => void | Promise<void>;
}): BuildFixture {
  const d = new TestDaemon();
  const root = mkdtempSync(options.prefix);
  // compat: plain `docker build` must pick the classic builder from the ping header.
  if (options.classic) delete d.env.DOCKER_BUILDKIT;
  const servers: Server[] = [];
  const serve = async (handler: RequestListener): Promise<string> => {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  before(async () => {
    await d.start();
    await d.importBusybox();
  });
  after(async () => {
    try {
      for (const s of servers) s.close();
      await options.beforeStop?.();
    } finally {
      try {
        await d.stop();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }
  });
  return { d, root, serve };
}

/** Writes files (path → content) into the new context dir root/name; returns it. */
export function context(
  root: string,
  name: string,
  files: Record<string, string>,
): string {
  const dir = join(root, name);
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    writeFileSync(join(dir, p), content);
  }
  return dir;
}

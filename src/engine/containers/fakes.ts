/**
 * Fakes of what the containers engine runs on, for unit tests without
 * root: images (a plain directory as every rootfs), networking and mounts.
 * Each records calls in a shared Ledger so a test can check that every
 * resource a start acquired was released exactly once, and can make one
 * acquisition fail. With runtime/fake-runtime.ts they replace crun,
 * overlayfs, netns and volumes.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type {
  ImageProvider,
  ResolvedImage,
  RootfsPaths,
} from "../images/index.ts";
import { EventBus } from "../events/index.ts";
import type { OciMount } from "../../runtime/index.ts";
import { FakeRuntime } from "../../runtime/fake-runtime.ts";
import { Logger } from "../../util/log.ts";
import { NotFoundError, NotImplementedError } from "../../util/errors.ts";
import type {
  ContainerMounts,
  ContainerNetworking,
  PreparedNetwork,
} from "./core.ts";
import type { ContainerRecord } from "./record.ts";
import { ContainerService } from "./service.ts";

/** The fake image's id. */
export const FAKE_IMAGE_ID = `sha256:${"f".repeat(64)}`;

/**
 * Counts acquisitions and releases per "kind id" (e.g. "rootfs c1…") and
 * what is held now; `failOn` makes the named acquisition throw once.
 */
export class Ledger {
  readonly acquired = new Map<string, number>();
  readonly released = new Map<string, number>();
  readonly held = new Set<string>();
  /** Order of acquire/release events, e.g. "+network", "-network". */
  readonly events: string[] = [];
  failOn: string | undefined;

  /** Records an acquisition of kind for id; throws if failOn names kind. */
  acquire(kind: string, id: string): void {
    if (this.failOn === kind) {
      this.failOn = undefined;
      // A failed acquisition may have done half its work: it is held.
      this.held.add(`${kind} ${id}`);
      this.events.push(`+${kind}`);
      throw new Error(`fake: ${kind} failed`);
    }
    const key = `${kind} ${id}`;
    this.acquired.set(key, (this.acquired.get(key) ?? 0) + 1);
    this.held.add(key);
    this.events.push(`+${kind}`);
  }

  /** Records a release (idempotent like the real ones: a no-op when not held). */
  release(kind: string, id: string): void {
    const key = `${kind} ${id}`;
    if (!this.held.delete(key)) return;
    this.released.set(key, (this.released.get(key) ?? 0) + 1);
    this.events.push(`-${kind}`);
  }
}

/** ImageProvider over one directory: "busybox" resolves, mountRootfs returns the directory. */
export class FakeImages implements ImageProvider {
  readonly rootfs: string;
  readonly ledger: Ledger;
  readonly layers = new Set<string>();

  constructor(rootfs: string, ledger: Ledger) {
    this.rootfs = rootfs;
    this.ledger = ledger;
  }

  /** Makes the rootfs directory with an /etc/passwd and /etc/group. */
  async init(): Promise<void> {
    await mkdir(join(this.rootfs, "etc"), { recursive: true });
    await writeFile(
      join(this.rootfs, "etc/passwd"),
      "root:x:0:0::/root:/bin/sh\n",
    );
    await writeFile(join(this.rootfs, "etc/group"), "root:x:0:\n");
  }

  async resolve(ref: string): Promise<ResolvedImage> {
    if (ref !== "busybox" && ref !== FAKE_IMAGE_ID)
      throw new NotFoundError(`No such image: ${ref}`);
    return {
      id: FAKE_IMAGE_ID,
      repoTags: ["busybox:latest"],
      config: { Cmd: ["sh"], Env: ["PATH=/bin"] },
      topChainId: undefined,
    };
  }

  async prepareRootfs(key: string): Promise<RootfsPaths> {
    this.ledger.acquire("layer", key);
    this.layers.add(key);
    return this.#paths();
  }

  async mountRootfs(key: string): Promise<string> {
    this.ledger.acquire("rootfs", key);
    return this.rootfs;
  }

  async unmountRootfs(key: string): Promise<void> {
    this.ledger.release("rootfs", key);
  }

  async removeRootfs(key: string): Promise<void> {
    this.ledger.release("rootfs", key);
    this.ledger.release("layer", key);
    this.layers.delete(key);
  }

  async rootfsUsage(): Promise<number> {
    return 0;
  }

  async rootfsPaths(key: string): Promise<RootfsPaths | undefined> {
    return this.layers.has(key) ? this.#paths() : undefined;
  }

  async rootfsDiff(): Promise<Readable> {
    throw new NotImplementedError("not implemented: diff in the fake images");
  }

  async commit(): Promise<string> {
    throw new NotImplementedError("not implemented: commit in the fake images");
  }

  #paths(): RootfsPaths {
    const d = this.rootfs;
    return { lowerDir: d, upperDir: d, workDir: d, mergedDir: d };
  }
}

/** ContainerNetworking that hands out a made-up netns per container. */
export class FakeNetworking implements ContainerNetworking {
  readonly ledger: Ledger;
  readonly sandboxes = new Set<string>();

  constructor(ledger: Ledger) {
    this.ledger = ledger;
  }

  async create(r: ContainerRecord): Promise<string[]> {
    this.sandboxes.add(r.id);
    return [];
  }

  async prepare(r: ContainerRecord): Promise<PreparedNetwork> {
    this.ledger.acquire("network", r.id);
    return { netns: `/run/netns/fake-${r.id.slice(0, 12)}` };
  }

  async release(r: ContainerRecord): Promise<void> {
    this.ledger.release("network", r.id);
  }

  async remove(r: ContainerRecord): Promise<void> {
    this.ledger.release("network", r.id);
    this.sandboxes.delete(r.id);
  }

  view(): undefined {
    return undefined;
  }
}

/** ContainerMounts that mounts nothing but counts. */
export class FakeMounts implements ContainerMounts {
  readonly ledger: Ledger;

  constructor(ledger: Ledger) {
    this.ledger = ledger;
  }

  async restore(): Promise<void> {}

  async resolve(): Promise<void> {}

  async prepare(r: ContainerRecord): Promise<OciMount[]> {
    this.ledger.acquire("mounts", r.id);
    return [];
  }

  async release(r: ContainerRecord): Promise<void> {
    this.ledger.release("mounts", r.id);
  }

  async remove(r: ContainerRecord): Promise<void> {
    this.ledger.release("mounts", r.id);
  }
}

/** A ContainerService on FakeRuntime and the fakes above, in a temp dir. */
export type FakeEngine = {
  svc: ContainerService;
  runtime: FakeRuntime;
  ledger: Ledger;
  images: FakeImages;
  networking: FakeNetworking;
  events: EventBus;
  dir: string;
  /** Actions of the container events published so far, e.g. ["create", "start"]. */
  actions(id?: string): string[];
  /** A new service over the same directory and runtime (a daemon restart). */
  restart(): Promise<ContainerService>;
  /** Closes the service and removes the temp dir. */
  close(): Promise<void>;
};

/** Builds a FakeEngine; init and restore already ran. */
export async function fakeEngine(): Promise<FakeEngine> {
  const dir = await mkdtemp(join(tmpdir(), "wharf-ctr-"));
  const ledger = new Ledger();
  const images = new FakeImages(join(dir, "rootfs"), ledger);
  await images.init();
  const networking = new FakeNetworking(ledger);
  const runtime = new FakeRuntime();
  const events = new EventBus();
  const build = async (): Promise<ContainerService> => {
    const svc = new ContainerService({
      root: join(dir, "data"),
      execRoot: join(dir, "exec"),
      images,
      runtime,
      events,
      log: new Logger("error"),
      networking,
      mounts: new FakeMounts(ledger),
      initBinary: "",
    });
    await svc.init();
    await svc.restore();
    return svc;
  };
  // The engine's timers (stop timeout, restart back-off) are unref'd, as
  // the daemon's are: hold the test's event loop open meanwhile.
  const keepAlive = setInterval(() => undefined, 60_000);
  const engine: FakeEngine = {
    svc: await build(),
    runtime,
    ledger,
    images,
    networking,
    events,
    dir,
    actions: (id) =>
      events
        .history()
        .filter((e) => e.Type === "container" && (!id || e.Actor.ID === id))
        .map((e) => e.Action),
    restart: async () => {
      engine.svc.close();
      engine.svc = await build();
      return engine.svc;
    },
    close: async () => {
      clearInterval(keepAlive);
      engine.svc.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return engine;
}

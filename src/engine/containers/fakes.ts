/**
 * Fakes of what the containers engine runs on, for unit tests without
 * root: images (a plain directory as every rootfs), networking and mounts.
 * Each records calls in a shared Ledger so a test can check that every
 * resource a start acquired was released exactly once, and can make one
 * acquisition fail. With runtime/fake-runtime.ts they replace crun,
 * overlayfs, netns and volumes.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { HostConfig } from "../../api/containers.ts";
import type {
  ImageProvider,
  ResolvedImage,
  RootfsPaths,
} from "../images/index.ts";
import type { OciMount } from "../../runtime/index.ts";
import { NotFoundError, NotImplementedError } from "../../util/errors.ts";
import type {
  ContainerMounts,
  ContainerNetworking,
  PreparedNetwork,
} from "./deps.ts";
import { createdState, type ContainerRecord } from "./record.ts";

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

/**
 * A created container's record for unit tests: id "c1", name "/web",
 * HostConfig hc (nothing else set); `over` replaces any other field.
 */
export function fakeRecord(
  hc: Partial<HostConfig> = {},
  over: Partial<ContainerRecord> = {},
): ContainerRecord {
  return {
    schema: 1,
    id: "c1",
    name: "/web",
    created: "2026-01-01T00:00:00Z",
    imageId: "sha256:x",
    path: "sh",
    args: [],
    config: {} as ContainerRecord["config"],
    hostConfig: hc as HostConfig,
    state: createdState(),
    restartCount: 0,
    stoppedByUser: false,
    ...over,
  };
}

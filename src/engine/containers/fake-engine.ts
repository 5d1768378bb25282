/**
 * The containers engine on FakeRuntime and the fakes of fakes.ts, in a
 * temp dir, for unit tests without root.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventBus } from "../events/index.ts";
import { FakeRuntime } from "../../runtime/fake-runtime.ts";
import { Logger } from "../../util/log.ts";
import { FakeImages, FakeMounts, FakeNetworking, Ledger } from "./fakes.ts";
import type { ContainerRecord } from "./record.ts";
import { containerService, type ContainerService } from "./service.ts";

/** The containers engine on FakeRuntime and the fakes of fakes.ts, in a temp dir. */
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
  /** Creates "web" (busybox, sleep 1000, body merged in); returns its id. */
  created(body?: Record<string, unknown>): Promise<string>;
  /** created(body), then started. */
  running(body?: Record<string, unknown>): Promise<string>;
  /** Where the record of id is saved. */
  recordPath(id: string): string;
  /** The record of id as saved on disk (out of its RecordStore envelope). */
  onDisk(id: string): Promise<ContainerRecord>;
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
    const svc = containerService({
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
    created: async (body = {}) => {
      const { Id } = await engine.svc.create(
        { Image: "busybox", Cmd: ["sleep", "1000"], ...body },
        { name: "web" },
      );
      return Id;
    },
    running: async (body = {}) => {
      const id = await engine.created(body);
      await engine.svc.start(id);
      return id;
    },
    recordPath: (id) => join(dir, "data/containers", id, "record.json"),
    onDisk: async (id) =>
      (
        JSON.parse(await readFile(engine.recordPath(id), "utf8")) as {
          record: ContainerRecord;
        }
      ).record,
  };
  return engine;
}

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { EventBus } from "../../../src/engine/events/index.ts";
import {
  containerService,
  type ContainerService,
} from "../../../src/engine/containers/index.ts";
import { ConmonRuntime } from "../../../src/runtime/index.ts";
import { Logger } from "../../../src/util/log.ts";
import { FakeImages, busyboxRootfs } from "./fake-images.ts";
import { closePairs, collect, demux, socketPair } from "./client.ts";

const skip =
  process.getuid?.() !== 0
    ? "needs root: crun creates namespaces and cgroups"
    : !existsSync("/usr/bin/crun") || !existsSync("/usr/bin/conmon")
      ? "needs /usr/bin/crun and /usr/bin/conmon"
      : !existsSync("/bin/busybox")
        ? "needs /bin/busybox (busybox-static) for the test root filesystem"
        : false;

const logsAll = {
  follow: false,
  stdout: true,
  stderr: true,
  since: 0n,
  until: 0n,
  tail: "all" as const,
  timestamps: false,
};

describe("ContainerService with crun and conmon", { skip }, () => {
  let dir: string;
  let images: FakeImages;
  let events: EventBus;
  let svc: ContainerService;
  const made: string[] = [];

  const service = async (): Promise<ContainerService> => {
    const s = containerService({
      root: join(dir, "data"),
      execRoot: join(dir, "exec"),
      images,
      runtime: new ConmonRuntime({
        stateDir: join(dir, "exec/runtime"),
        binary: "/usr/bin/crun",
      }),
      events,
      log: new Logger("error"),
    });
    await s.init();
    await s.restore();
    return s;
  };
  const create = async (body: Record<string, unknown>): Promise<string> => {
    const { Id } = await svc.create({ Image: "busybox", ...body });
    made.push(Id);
    return Id;
  };

  // The runtime's exit watcher and conmon children are unref'd (in wharfd
  // the API server keeps the process alive): hold the event loop open here,
  // or a test waiting for an exit can find it empty.
  let keepAlive: NodeJS.Timeout | undefined;
  before(async () => {
    keepAlive = setInterval(() => undefined, 60_000);
    dir = await mkdtemp("/tmp/wct-");
    await busyboxRootfs(join(dir, "rootfs"));
    images = new FakeImages(join(dir, "rootfs"));
    events = new EventBus();
    svc = await service();
  });
  after(async () => {
    for (const id of made)
      await svc.remove(id, { force: true }).catch(() => undefined);
    svc.close();
    closePairs();
    await rm(dir, { recursive: true, force: true });
    clearInterval(keepAlive);
  });

  test("a started container's exit code reaches wait, inspect and the die event", async () => {
    const id = await create({ Cmd: ["sh", "-c", "exit 3"] });
    const { done } = await svc.wait(id, "next-exit");
    await svc.start(id);
    assert.deepEqual(await done, { StatusCode: 3, Error: null });
    const info = await svc.inspect(id);
    assert.equal(info.State.Status, "exited");
    assert.equal(info.State.ExitCode, 3);
    const die = events
      .history()
      .find((e) => e.Action === "die" && e.Actor.ID === id);
    assert.equal(die?.Actor.Attributes.exitCode, "3");
  });

  test("stdin piped through attach reaches the process and its output comes back framed", async () => {
    const id = await create({
      Cmd: ["cat"],
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
    });
    const pair = await socketPair(dir, "stdin");
    const out = collect(pair.client);
    const attached = svc.attach(
      id,
      {
        stream: true,
        stdin: true,
        stdout: true,
        stderr: true,
        logs: false,
        detachKeys: undefined,
      },
      () => pair.server,
    );
    const { done } = await svc.wait(id, "next-exit");
    // As the Docker CLI does with piped stdin: send and close before /start.
    pair.client.end("hello\n");
    await new Promise((r) => setTimeout(r, 50));
    await svc.start(id);
    assert.equal((await done).StatusCode, 0);
    await attached;
    assert.equal(demux(await out).stdout, "hello\n");
  });

  test("a tty container sends raw output through attach", async () => {
    const id = await create({
      Cmd: ["sh", "-c", "echo tty-out; tty"],
      Tty: true,
    });
    const pair = await socketPair(dir, "tty");
    const out = collect(pair.client);
    const attached = svc.attach(
      id,
      {
        stream: true,
        stdin: false,
        stdout: true,
        stderr: true,
        logs: false,
        detachKeys: undefined,
      },
      () => pair.server,
    );
    await svc.start(id);
    await attached;
    const text = (await out).toString();
    assert.match(text, /tty-out\r\n/);
    assert.match(text, /\/dev\/pts\/\d+/);
  });

  test("logs keep stdout and stderr apart", async () => {
    const id = await create({ Cmd: ["sh", "-c", "echo out; echo err >&2"] });
    const { done } = await svc.wait(id, "next-exit");
    await svc.start(id);
    await done;
    const read = async (
      stdout: boolean,
      stderr: boolean,
    ): Promise<{ stdout: string; stderr: string }> => {
      const chunks: Buffer[] = [];
      const l = await svc.logs(id, { ...logsAll, stdout, stderr });
      await l.write(
        { write: (c) => void chunks.push(c) },
        new AbortController().signal,
      );
      return demux(Buffer.concat(chunks));
    };
    assert.deepEqual(await read(true, true), {
      stdout: "out\n",
      stderr: "err\n",
    });
    assert.deepEqual(await read(true, false), { stdout: "out\n", stderr: "" });
    assert.deepEqual(await read(false, true), { stdout: "", stderr: "err\n" });
  });

  test("exec runs in a running container and reports its exit code", async () => {
    const id = await create({ Cmd: ["sleep", "60"] });
    await svc.start(id);
    const { Id: execId } = await svc.execCreate(id, {
      Cmd: ["sh", "-c", "echo hi; exit 7"],
      AttachStdout: true,
      AttachStderr: true,
    });
    const pair = await socketPair(dir, "exec");
    const out = collect(pair.client);
    await svc.execStart(
      execId,
      { detach: false, tty: false },
      () => pair.server,
    );
    assert.equal(demux(await out).stdout, "hi\n");
    const info = await svc.execInspect(execId);
    assert.equal(info.ExitCode, 7);
    assert.equal(info.Running, false);
    assert.ok(
      events
        .history()
        .some((e) => e.Action === "exec_start: sh -c echo hi; exit 7"),
    );
  });

  test("pause and unpause freeze and thaw the container", async () => {
    const id = await create({ Cmd: ["sleep", "60"] });
    await svc.start(id);
    await svc.pause(id);
    assert.equal((await svc.inspect(id)).State.Status, "paused");
    assert.equal((await svc.inspect(id)).State.Paused, true);
    await svc.unpause(id);
    assert.equal((await svc.inspect(id)).State.Status, "running");
  });

  test("stop kills a process that ignores SIGTERM after the timeout", async () => {
    const id = await create({
      Cmd: ["sh", "-c", "trap '' TERM; while true; do sleep 0.1; done"],
    });
    await svc.start(id);
    const t0 = Date.now();
    await svc.stop(id, { timeout: 1 });
    const took = Date.now() - t0;
    const info = await svc.inspect(id);
    assert.equal(info.State.Status, "exited");
    assert.equal(info.State.ExitCode, 137);
    assert.ok(took >= 900 && took < 5000, `stop took ${took} ms`);
    const actions = events
      .history()
      .filter((e) => e.Actor.ID === id)
      .map((e) => e.Action);
    assert.deepEqual(actions.slice(-4), ["kill", "kill", "die", "stop"]);
  });

  test("a new service on the same roots finds running containers attachable and exited ones with their real code", async () => {
    const live = await create({
      Cmd: ["sh", "-c", "while true; do echo tick; sleep 0.2; done"],
    });
    const quits = await create({ Cmd: ["sh", "-c", "sleep 1; exit 5"] });
    await svc.start(live);
    await svc.start(quits);
    svc.close();
    await new Promise((r) => setTimeout(r, 1500));
    svc = await service();
    const a = await svc.inspect(live);
    assert.equal(a.State.Status, "running");
    const b = await svc.inspect(quits);
    assert.equal(b.State.Status, "exited");
    assert.equal(b.State.ExitCode, 5);
    const pair = await socketPair(dir, "reattach");
    const got = new Promise<string>((resolve) =>
      pair.client.on("data", (c: Buffer) => resolve(demux(c).stdout)),
    );
    void svc.attach(
      live,
      {
        stream: true,
        stdin: false,
        stdout: true,
        stderr: true,
        logs: false,
        detachKeys: undefined,
      },
      () => pair.server,
    );
    assert.match(await got, /tick/);
    pair.close();
    await svc.stop(live, { timeout: 0 });
    assert.equal((await svc.inspect(live)).State.Status, "exited");
  });

  test("AutoRemove removes the container after exit and wait(removed) sees it", async () => {
    const { Id } = await svc.create({
      Image: "busybox",
      Cmd: ["true"],
      HostConfig: { AutoRemove: true },
    });
    const { done } = await svc.wait(Id, "removed");
    await svc.start(Id);
    assert.equal((await done).StatusCode, 0);
    await assert.rejects(svc.inspect(Id), /No such container/);
    assert.equal(existsSync(join(dir, "data/containers", Id)), false);
  });
});

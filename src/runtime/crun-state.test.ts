import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { execFile } from "../util/exec.ts";
import { deleteStopped, startCreated } from "./crun-state.ts";

const base = await mkdtemp(join(tmpdir(), "crun-state-"));
after(() => rm(base, { recursive: true, force: true }));
let n = 0;
const fresh = async () => {
  const dir = join(base, String(n++));
  await mkdir(dir, { recursive: true });
  return dir;
};

/** The pid of a process that has exited (and was reaped). */
async function deadPid(): Promise<number> {
  const child = spawn("/bin/true");
  await new Promise((r) => child.on("exit", r));
  return child.pid!;
}

/** A v1-like cgroup root: hierarchies with the container's group, plus a plain file. */
async function cgroupRoot(path: string, hierarchies: string[]) {
  const root = await fresh();
  for (const h of hierarchies)
    await mkdir(join(root, h, path), { recursive: true });
  await writeFile(join(root, "cgroup.procs"), "");
  return root;
}

describe("startCreated (crun start in-process)", () => {
  test("writes one byte to the waiting reader of exec.fifo and unlinks it", async () => {
    const state = await fresh();
    const fifo = join(state, "exec.fifo");
    assert.equal((await execFile("mkfifo", [fifo])).code, 0);
    const reader = spawn("od", ["-An", "-tu1", fifo]);
    let out = "";
    reader.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const closed = new Promise((r) => reader.on("close", r));
    // The reader's open of the fifo may come after the spawn returns.
    let started = false;
    for (let i = 0; i < 100 && !started; i++) {
      started = await startCreated(state);
      if (!started) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(started, true);
    await closed;
    assert.equal(out.trim(), "0");
    assert.equal(existsSync(fifo), false);
  });

  test("answers false without a fifo or without a reader, leaving the fifo", async () => {
    assert.equal(await startCreated(await fresh()), false);
    const state = await fresh();
    const fifo = join(state, "exec.fifo");
    assert.equal((await execFile("mkfifo", [fifo])).code, 0);
    assert.equal(await startCreated(state), false);
    assert.equal(existsSync(fifo), true);
  });
});

describe("deleteStopped (crun delete in-process)", () => {
  const path = "/wharf/c1";

  test("removes the group in every hierarchy and the state once the process is gone", async () => {
    const root = await cgroupRoot(path, ["cpu", "memory", "unified"]);
    const state = await fresh();
    const status = { pid: await deadPid(), "cgroup-path": path };
    await writeFile(join(state, "status"), JSON.stringify(status));
    assert.equal(await deleteStopped(state, root), true);
    for (const h of ["cpu", "memory", "unified"]) {
      assert.equal(existsSync(join(root, h, path)), false, h);
      assert.equal(existsSync(join(root, h, "wharf")), true, `${h} parent`);
    }
    assert.equal(existsSync(state), false);
  });

  test("leaves everything to crun when the process runs, a group is busy, or systemd owns it", async () => {
    const cases = [
      { pid: process.pid, "cgroup-path": path },
      { pid: await deadPid(), "cgroup-path": path, "systemd-cgroup": true },
      { pid: 0, "cgroup-path": path },
    ];
    for (const status of cases) {
      const root = await cgroupRoot(path, ["cpu"]);
      const state = await fresh();
      await writeFile(join(state, "status"), JSON.stringify(status));
      assert.equal(await deleteStopped(state, root), false);
      assert.equal(existsSync(join(state, "status")), true);
      assert.equal(existsSync(join(root, "cpu", path)), true);
    }
    // A group that still holds something (rmdir fails) keeps the state.
    const root = await cgroupRoot(path, ["cpu"]);
    await writeFile(join(root, "cpu", path, "busy"), "");
    const state = await fresh();
    const status = { pid: await deadPid(), "cgroup-path": path };
    await writeFile(join(state, "status"), JSON.stringify(status));
    assert.equal(await deleteStopped(state, root), false);
    assert.equal(existsSync(join(state, "status")), true);
  });

  test("answers false when there is no readable status", async () => {
    const state = await fresh();
    assert.equal(await deleteStopped(state, await fresh()), false);
    await writeFile(join(state, "status"), "{not json");
    assert.equal(await deleteStopped(state, await fresh()), false);
  });
});

import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { OciRuntime } from "./oci-runtime.ts";
import type { OciSpec } from "./oci-spec.ts";

/** What a runtime implementation's test supplies to the conformance suite. */
export type RuntimeFixture = {
  runtime: OciRuntime;
  /** Makes a fresh bundle dir and a spec running `args` (no tty). */
  bundle(
    id: string,
    args: string[],
  ): Promise<{ bundle: string; spec: OciSpec }>;
  /** Removes everything the fixture made; runs even when tests fail. */
  cleanup(): Promise<void>;
};

/**
 * The OciRuntime conformance suite (STYLE.md §7): every implementation runs
 * the same cases through a factory. `skip` names why the suite cannot run
 * here (e.g. "needs root and crun").
 */
export function runtimeConformance(
  name: string,
  factory: () => Promise<RuntimeFixture>,
  options: { skip?: string | false } = {},
): void {
  void describe(
    `OciRuntime conformance: ${name}`,
    { skip: options.skip ?? false },
    () => {
      let f: RuntimeFixture;
      let exits: string[] = [];
      let stop: () => void = () => undefined;
      const waitExit = async (id: string): Promise<void> => {
        for (let i = 0; i < 500 && !exits.includes(id); i++)
          await new Promise((r) => setTimeout(r, 10));
        assert.ok(exits.includes(id), `no exit reported for ${id}`);
      };
      const create = async (id: string, args: string[]) => {
        const { bundle, spec } = await f.bundle(id, args);
        const { pid } = await f.runtime.create(id, {
          bundle,
          spec,
          terminal: false,
          stdin: false,
          stdinOnce: false,
          logPath: `${bundle}/ctr.log`,
        });
        return { bundle, pid };
      };

      before(async () => {
        f = await factory();
        stop = f.runtime.watchExits((id) => exits.push(id));
      });
      after(async () => {
        stop();
        await f.cleanup();
      });

      void test("create() leaves a created process and start() makes it run", async () => {
        exits = [];
        const { pid } = await create("conf-start", ["sleep", "30"]);
        assert.ok(pid > 0);
        assert.equal((await f.runtime.state("conf-start"))?.status, "created");
        await f.runtime.start("conf-start");
        assert.equal((await f.runtime.state("conf-start"))?.status, "running");
        assert.ok((await f.runtime.pids("conf-start")).includes(pid));
        await f.runtime.kill("conf-start", 9);
        await waitExit("conf-start");
        await f.runtime.remove("conf-start");
      });

      void test("a killed process reports 128+signal through watchExits and exitStatus", async () => {
        exits = [];
        await create("conf-kill", ["sleep", "30"]);
        await f.runtime.start("conf-kill");
        await f.runtime.kill("conf-kill", 9);
        await waitExit("conf-kill");
        const status = await f.runtime.exitStatus("conf-kill");
        assert.equal(status?.exitCode, 137);
        assert.ok(status.finishedAt instanceof Date);
        await f.runtime.remove("conf-kill");
        assert.equal(await f.runtime.state("conf-kill"), undefined);
        await f.runtime.clearExitStatus("conf-kill");
        assert.equal(await f.runtime.exitStatus("conf-kill"), undefined);
      });

      void test("pause() and resume() move between paused and running", async () => {
        exits = [];
        await create("conf-pause", ["sleep", "30"]);
        await f.runtime.start("conf-pause");
        await f.runtime.pause("conf-pause");
        assert.equal((await f.runtime.state("conf-pause"))?.status, "paused");
        await f.runtime.resume("conf-pause");
        assert.equal((await f.runtime.state("conf-pause"))?.status, "running");
        await f.runtime.remove("conf-pause", { force: true });
        await waitExit("conf-pause");
      });

      void test("attach() connects to a running container and close() leaves it running", async () => {
        exits = [];
        const { bundle } = await create("conf-attach", ["sleep", "30"]);
        const conn = await f.runtime.attach("conf-attach", {
          bundle,
          onOutput: () => undefined,
          onClose: () => undefined,
        });
        await f.runtime.start("conf-attach");
        conn.close();
        assert.equal((await f.runtime.state("conf-attach"))?.status, "running");
        assert.equal(
          await f.runtime.monitorAlive("conf-attach", { bundle }),
          true,
        );
        await f.runtime.kill("conf-attach", 9);
        await waitExit("conf-attach");
        await f.runtime.remove("conf-attach");
      });

      void test("remove() and state() of an unknown id are quiet", async () => {
        await f.runtime.remove("conf-unknown");
        assert.equal(await f.runtime.state("conf-unknown"), undefined);
        assert.equal(await f.runtime.exitStatus("conf-unknown"), undefined);
      });
    },
  );
}

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { skipReason, TestDaemon, wharfOnly } from "../harness.ts";
import { call, frames, hijack, streamText } from "./hijack.ts";

/**
 * Exec start and attach over raw HTTP, as client libraries use them: the
 * framing follows exec *start*'s Tty, detach keys, stdin written before
 * start. Paths use /v1.41 so the same cases run against dockerd 20.10
 * (TARGET=docker), which announces raw-stream for every hijack there.
 */
describe(
  "exec and attach streams over raw HTTP",
  { skip: skipReason() },
  () => {
    const d = new TestDaemon();
    let id = "";
    before(async () => {
      await d.start();
      await d.importBusybox();
      id = (await d.ok(["run", "-d", "busybox", "sleep", "600"])).trim();
    });
    after(() => d.stop());

    const execCreate = async (body: object): Promise<string> => {
      const r = await call(d.socket, "POST", `/v1.41/containers/${id}/exec`, {
        AttachStdout: true,
        AttachStderr: true,
        ...body,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return (r.body as { Id: string }).Id;
    };
    const execJson = async (eid: string) =>
      (await call(d.socket, "GET", `/v1.41/exec/${eid}/json`)).body as {
        Running: boolean;
        ExitCode: number | null;
      };
    const cmd = ["sh", "-c", "echo out; echo err >&2"];

    test("an exec created with Tty and started without streams stdcopy frames of stdout, first bytes included", async () => {
      for (const start of [{ Tty: false }, {}]) {
        const eid = await execCreate({ Cmd: cmd, Tty: true });
        const r = await hijack(d.socket, `/v1.41/exec/${eid}/start`, start);
        assert.match(r.head, /^HTTP\/1.1 101/);
        const f = frames(r.data);
        assert.ok(
          f.every(([k]) => k === 1),
          JSON.stringify(f),
        );
        assert.equal(streamText(r.data, 1), "out\r\nerr\r\n");
      }
    });

    test("an exec created without Tty and started with Tty streams raw stdout and drops stderr", async () => {
      const eid = await execCreate({ Cmd: cmd });
      const r = await hijack(d.socket, `/v1.41/exec/${eid}/start`, {
        Tty: true,
      });
      assert.equal(r.data.toString(), "out\n");
    });

    test("Tty on both is raw, on neither is stdout and stderr frames", async () => {
      const raw = await hijack(
        d.socket,
        `/v1.41/exec/${await execCreate({ Cmd: cmd, Tty: true })}/start`,
        { Tty: true },
      );
      assert.equal(raw.data.toString(), "out\r\nerr\r\n");
      const mux = await hijack(
        d.socket,
        `/v1.41/exec/${await execCreate({ Cmd: cmd })}/start`,
        { Tty: false },
      );
      assert.equal(streamText(mux.data, 1), "out\n");
      assert.equal(streamText(mux.data, 2), "err\n");
    });

    test(
      "API 1.42+ announces multiplexed-stream for a non-tty start, raw-stream for a tty one",
      { skip: wharfOnly("dockerd 20.10 speaks API 1.41 at most") },
      async () => {
        const eid = await execCreate({ Cmd: cmd, Tty: true });
        const r = await hijack(d.socket, `/v1.50/exec/${eid}/start`, {});
        assert.match(
          r.head,
          /content-type: application\/vnd.docker.multiplexed-stream/i,
        );
        const eid2 = await execCreate({ Cmd: cmd });
        const r2 = await hijack(d.socket, `/v1.50/exec/${eid2}/start`, {
          Tty: true,
        });
        assert.match(
          r2.head,
          /content-type: application\/vnd.docker.raw-stream/i,
        );
      },
    );

    test("detach keys of a tty exec (ctrl-p alone, ctrl-p,ctrl-q, the default) end the stream; without a tty they are input", async () => {
      for (const [keys, input] of [
        ["ctrl-p", "ab\x10"],
        ["ctrl-p,ctrl-q", "ab\x10\x11"],
        [undefined, "ab\x10\x11"],
      ] as const) {
        const eid = await execCreate({
          Cmd: ["cat"],
          Tty: true,
          AttachStdin: true,
          ...(keys ? { DetachKeys: keys } : {}),
        });
        const r = await hijack(
          d.socket,
          `/v1.41/exec/${eid}/start`,
          { Tty: true },
          { input, delayMs: 200 },
        );
        assert.equal(r.how, "end", `${keys}: the daemon closed the stream`);
        assert.match(
          r.data.toString(),
          /exec attach failed: error on attach stdin: read escape sequence\r\n$/,
        );
        assert.deepEqual(await execJson(eid), {
          ...(await execJson(eid)),
          Running: false,
          ExitCode: 126,
        });
      }
      const eid = await execCreate({
        Cmd: ["cat"],
        AttachStdin: true,
        DetachKeys: "ctrl-p",
      });
      const r = await hijack(
        d.socket,
        `/v1.41/exec/${eid}/start`,
        {},
        { input: "ab\x10cd\n", delayMs: 200, timeoutMs: 2000 },
      );
      assert.equal(r.how, "timeout", "no detach without a tty");
      assert.equal(streamText(r.data, 1), "ab\x10cd\n");
    });

    test("invalid detach keys: exec create 500, attach 400, in dockerd's words", async () => {
      for (const keys of ["ctrl-x1", "ctrl-P", "ctrl-p,,", " ctrl-p"]) {
        const r = await call(d.socket, "POST", `/v1.41/containers/${id}/exec`, {
          Cmd: ["true"],
          DetachKeys: keys,
        });
        assert.equal(r.status, 500, keys);
        assert.match(
          JSON.stringify(r.body),
          new RegExp(
            `Invalid escape keys \\(${keys.replace(/[()]/g, "")}\\) provided`,
          ),
        );
        const a = await call(
          d.socket,
          "POST",
          `/v1.41/containers/${id}/attach?stream=1&stdout=1&detachKeys=${encodeURIComponent(keys)}`,
        );
        assert.equal(a.status, 400, keys);
        assert.match(
          JSON.stringify(a.body),
          new RegExp(`Invalid detach keys \\(${keys}\\) provided`),
        );
      }
      const ok = await call(d.socket, "POST", `/v1.41/containers/${id}/exec`, {
        Cmd: ["true"],
        DetachKeys: "DEL,ctrl-@,a",
      });
      assert.equal(ok.status, 201);
    });

    test("starting an exec that ran: detached 409, attached the text in the stream", async () => {
      const eid = await execCreate({ Cmd: ["true"] });
      await hijack(d.socket, `/v1.41/exec/${eid}/start`, {});
      const r = await call(d.socket, "POST", `/v1.41/exec/${eid}/start`, {
        Detach: true,
      });
      assert.equal(r.status, 409);
      assert.match(
        JSON.stringify(r.body),
        /xec command [0-9a-f]{64} has already run/,
      );
      const h = await hijack(d.socket, `/v1.41/exec/${eid}/start`, {});
      assert.match(h.head, /^HTTP\/1.1 101/);
      assert.match(
        streamText(h.data, 1),
        /xec command [0-9a-f]{64} has already run\r\n/,
      );
    });
    const attachThenStart = async (
      body: object,
      input: string,
      endInput: boolean,
    ) => {
      const c = await call(d.socket, "POST", "/v1.41/containers/create", {
        Image: "busybox",
        OpenStdin: true,
        StdinOnce: true,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        ...body,
      });
      assert.equal(c.status, 201, JSON.stringify(c.body));
      const cid = (c.body as { Id: string }).Id;
      const r = await hijack(
        d.socket,
        `/v1.41/containers/${cid}/attach?stream=1&stdin=1&stdout=1&stderr=1`,
        undefined,
        {
          input,
          endInput,
          onHead: async () => {
            const s = await call(
              d.socket,
              "POST",
              `/v1.41/containers/${cid}/start`,
            );
            assert.equal(s.status, 204);
          },
        },
      );
      await call(d.socket, "DELETE", `/v1.41/containers/${cid}?force=1`);
      return r;
    };

    test("attach before start, then 5000 bytes of stdin at once: every byte reaches the process", async () => {
      const r = await attachThenStart(
        { Cmd: ["wc", "-c"] },
        "x".repeat(5000),
        true,
      );
      assert.equal(streamText(r.data, 1).trim(), "5000");
    });

    test("attach before start with a tty: the shell's prompt, the echo of `uptime; exit` and its output come back on stdout", async () => {
      const r = await attachThenStart(
        { Cmd: ["sh"], Tty: true },
        "uptime; exit\n",
        false,
      );
      assert.equal(r.how, "end");
      const text = r.data.toString();
      assert.match(text, /\/ # .*uptime; exit\r\n/s);
      assert.match(text, /load average/);
    });

    test("kill through API 1.19 of a container whose process runs as another user (-u daemon)", async () => {
      const cid = (
        await d.ok(["run", "-d", "-u", "daemon", "busybox", "sleep", "600"])
      ).trim();
      assert.equal((await d.ok(["exec", cid, "id", "-un"])).trim(), "daemon");
      const r = await call(d.socket, "POST", `/v1.19/containers/${cid}/kill`);
      assert.equal(r.status, 204, JSON.stringify(r.body));
      assert.equal((await d.ok(["wait", cid])).trim(), "137");
      await d.ok(["rm", cid]);
    });
  },
);

import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable, Writable } from "node:stream";
import { displayJsonMessages, progressString } from "./json-message.ts";

/** A screen that records what is written to it. */
function screen(tty: boolean, columns = 120) {
  let text = "";
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  }) as Writable & { isTTY?: boolean; columns?: number };
  out.isTTY = tty;
  out.columns = columns;
  return { out, text: () => text };
}

const stream = (msgs: object[]) =>
  Readable.from([msgs.map((m) => JSON.stringify(m)).join("\r\n") + "\r\n"]);

const PULL = [
  { status: "Pulling from team/bb", id: "1" },
  { status: "Pulling fs layer", progressDetail: {}, id: "aaa" },
  { status: "Pulling fs layer", progressDetail: {}, id: "bbb" },
  {
    status: "Downloading",
    progressDetail: { current: 500, total: 1000 },
    id: "aaa",
  },
  { status: "Pull complete", progressDetail: {}, id: "aaa" },
  { status: "Digest: sha256:x" },
];

test("progressString() draws moby's bar on wide terminals and only the counts on narrow ones", () => {
  assert.equal(
    progressString({ current: 500, total: 1000 }, 120),
    `[${"=".repeat(25)}>${" ".repeat(25)}]     500B/1kB`,
  );
  assert.equal(
    progressString({ current: 500, total: 1000 }, 80),
    "    500B/1kB",
  );
  assert.equal(progressString({}, 120), "");
  assert.equal(progressString({ current: 2048 }, 120), " 2.048kB");
});

test("off a terminal each step is a plain line and byte counts are left out", async () => {
  const s = screen(false);
  await displayJsonMessages(stream(PULL), s.out);
  assert.equal(
    s.text(),
    "1: Pulling from team/bb\naaa: Pulling fs layer\nbbb: Pulling fs layer\naaa: Pull complete\nDigest: sha256:x\n",
  );
});

test("on a terminal each layer keeps one line, redrawn in place with cursor movements", async () => {
  const s = screen(true);
  await displayJsonMessages(stream(PULL), s.out);
  const t = s.text();
  // A new id opens a line; an update of "aaa" (line 0 of 2) moves up 2 and back down 2.
  assert.ok(t.includes("\n\x1b[1A\x1b[2K\raaa: Pulling fs layer \r\x1b[1B"));
  assert.ok(t.includes("\x1b[2A\x1b[2K\raaa: Downloading ["));
  assert.ok(t.includes("\x1b[2A\x1b[2K\raaa: Pull complete \r\x1b[2B"));
  assert.ok(t.endsWith("Digest: sha256:x\n"));
});

test("an error message in the stream is thrown with the daemon's text; aux goes to onAux", async () => {
  const aux: unknown[] = [];
  await displayJsonMessages(
    stream([
      { progressDetail: {}, aux: { Tag: "1", Digest: "sha256:d", Size: 9 } },
    ]),
    screen(false).out,
    { onAux: (a) => aux.push(a) },
  );
  assert.deepEqual(aux, [{ Tag: "1", Digest: "sha256:d", Size: 9 }]);
  await assert.rejects(
    displayJsonMessages(
      stream([
        {
          errorDetail: { message: "unauthorized: x" },
          error: "unauthorized: x",
        },
      ]),
      screen(false).out,
    ),
    /^Error: unauthorized: x$/,
  );
});

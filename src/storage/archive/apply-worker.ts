/**
 * The layer apply worker thread (started by apply-file.ts; bundled as
 * dist/apply-worker.cjs): for each "start" message, applies the layer tar
 * in the named file onto root, following the file while "grow" messages
 * say it grows, and answers "done" with the result or "fail" with the
 * error. "abort" (the writer gave up) fails that apply.
 */
import { parentPort } from "node:worker_threads";
import { applyTar } from "./apply.ts";
import { sent, type FromWorker, type ToWorker } from "./apply-file.ts";
import { GcPacer } from "../../util/gc-pacer.ts";
import { FollowedFile } from "./followed-file.ts";

const jobs = new Map<number, FollowedFile>();
// Dead read pieces and tar bodies freed as they go, not 60 MiB at a time.
const pacer = new GcPacer(4 << 20);
const paced = (bytes: number): void => pacer.moved(bytes);
const send = (m: FromWorker): void => parentPort?.postMessage(m);

parentPort?.on("message", (m: ToWorker) => {
  if (m.op === "start") {
    const file = new FollowedFile(m.file, m.bytes, m.complete, paced);
    jobs.set(m.id, file);
    applyTar(file, m.root, { whiteouts: m.whiteouts })
      .then(
        (result) => send({ op: "done", id: m.id, result }),
        (err: unknown) => send({ op: "fail", id: m.id, error: sent(err) }),
      )
      .finally(() => jobs.delete(m.id));
    return;
  }
  const file = jobs.get(m.id);
  if (!file) return; // that apply has ended already (a bad archive)
  if (m.op === "grow") file.grow(m.bytes, m.complete);
  else file.destroy(new Error(m.message));
});

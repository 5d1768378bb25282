import { WharfError } from "../util/errors.ts";
import {
  WHOLE_LOG,
  type ContainerService,
} from "../engine/containers/index.ts";
import {
  BUILD_LABEL,
  type BuildContainers,
  type RunOptions,
  type RunSpec,
} from "../engine/builder/index.ts";

/**
 * Adapts ContainerService's public verbs to the builder's BuildContainers:
 * a RUN step is create → wait(next-exit) → start → follow the logs until
 * the process ends; abort kills it. compat: no TTY, as Docker's builder
 * (a RUN sees `test -t 1` false and writes "\n", not "\r\n"); the logs'
 * stdout/stderr frames are unwrapped into one stream of bytes.
 */
export function buildContainers(containers: ContainerService): BuildContainers {
  return {
    async run(spec: RunSpec, options: RunOptions) {
      const { Id: id } = await containers.create({
        Image: spec.imageId,
        Cmd: spec.cmd,
        Entrypoint: [""],
        Env: spec.env,
        WorkingDir: spec.workingDir,
        User: spec.user,
        Tty: false,
        Labels: spec.labels,
        HostConfig: {
          NetworkMode: spec.network === "default" ? "bridge" : spec.network,
          ExtraHosts: spec.extraHosts,
          Mounts: spec.mounts.map((m) =>
            m.type === "tmpfs"
              ? { Type: "tmpfs", Target: m.target }
              : {
                  Type: "bind",
                  Source: m.source,
                  Target: m.target,
                  ReadOnly: m.readOnly,
                },
          ),
          ...spec.resources,
        },
      });
      options.onCreated(id);
      const { done } = await containers.wait(id, "next-exit");
      const kill = (): void =>
        void containers.kill(id, { signal: "SIGKILL" }).catch(() => undefined);
      options.signal?.addEventListener("abort", kill, { once: true });
      try {
        if (options.signal?.aborted) throw new WharfError("build cancelled");
        await containers.start(id);
        // A cancel that came while the process started: kill it now.
        if (options.signal?.aborted) kill();
        const logs = await containers.logs(id, { ...WHOLE_LOG, follow: true });
        const stop = new AbortController();
        const unframe = deframer(options.onOutput);
        const streaming = logs.write({ write: unframe }, stop.signal);
        const result = await done;
        await streaming.catch(() => undefined);
        return { id, exitCode: result.StatusCode };
      } finally {
        options.signal?.removeEventListener("abort", kill);
      }
    },
    diff: (id) => containers.layerDiff(id),
    async remove(id) {
      await containers.remove(id, { force: true, volumes: true });
    },
    async leftovers() {
      const list = await containers.list({
        all: true,
        filters: { label: [BUILD_LABEL] },
      });
      return list.map((c) => c.Id);
    },
  };
}

/** Unwraps Docker's 8-byte stream frames, passing each payload and its stream on in order. */
function deframer(
  onPayload: (b: Buffer, stream: "stdout" | "stderr") => void,
): (chunk: Buffer) => void {
  let buf: Buffer = Buffer.alloc(0);
  return (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 8) {
      const size = buf.readUInt32BE(4);
      if (buf.length < 8 + size) break;
      if (size > 0)
        onPayload(
          buf.subarray(8, 8 + size),
          buf[0] === 2 ? "stderr" : "stdout",
        );
      buf = buf.subarray(8 + size);
    }
  };
}

import {
  mkdtemp,
  mkdir,
  rm,
  writeFile,
  symlink,
  copyFile,
} from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { ConmonRuntime } from "./conmon-runtime.ts";
import { runtimeConformance } from "./testsuite.ts";
import type { OciSpec } from "./oci-spec.ts";

const skip =
  process.getuid?.() !== 0
    ? "needs root to create namespaces with crun"
    : !existsSync("/usr/bin/crun") || !existsSync("/usr/bin/conmon")
      ? "needs /usr/bin/crun and /usr/bin/conmon"
      : !existsSync("/bin/busybox")
        ? "needs /bin/busybox for a root filesystem"
        : false;

/** A busybox root filesystem: the static binary plus one symlink per applet. */
async function busyboxRootfs(dir: string): Promise<void> {
  await mkdir(join(dir, "bin"), { recursive: true });
  for (const d of ["proc", "sys", "dev", "etc", "tmp"])
    await mkdir(join(dir, d), { recursive: true });
  await copyFile("/bin/busybox", join(dir, "bin/busybox"));
  execFileSync("chmod", ["755", join(dir, "bin/busybox")]);
  const applets = execFileSync("/bin/busybox", ["--list"])
    .toString()
    .split("\n");
  for (const a of applets)
    if (a && a !== "busybox") await symlink("busybox", join(dir, "bin", a));
  await writeFile(join(dir, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
}

function minimalSpec(rootfs: string, args: string[]): OciSpec {
  const caps = ["CAP_KILL", "CAP_CHOWN", "CAP_SETUID", "CAP_SETGID"];
  return {
    ociVersion: "1.0.2",
    process: {
      user: { uid: 0, gid: 0 },
      args,
      env: ["PATH=/bin"],
      cwd: "/",
      capabilities: { bounding: caps, effective: caps, permitted: caps },
    },
    root: { path: rootfs },
    mounts: [
      { destination: "/proc", type: "proc", source: "proc" },
      {
        destination: "/dev",
        type: "tmpfs",
        source: "tmpfs",
        options: ["nosuid", "mode=755"],
      },
    ],
    linux: {
      namespaces: ["pid", "ipc", "uts", "mount", "network"].map((type) => ({
        type,
      })),
    },
  };
}

runtimeConformance(
  "crun via conmon",
  async () => {
    // A short path: the attach socket lives in the bundle (108-byte limit).
    const root = await mkdtemp(join(tmpdir(), "wrt-"));
    const rootfs = join(root, "rootfs");
    await busyboxRootfs(rootfs);
    const runtime = new ConmonRuntime({
      stateDir: join(root, "rt"),
      binary: "/usr/bin/crun",
    });
    const made: string[] = [];
    return {
      runtime,
      bundle: async (id, args) => {
        const bundle = join(root, id);
        await mkdir(bundle);
        made.push(id);
        return { bundle, spec: minimalSpec(rootfs, args) };
      },
      cleanup: async () => {
        for (const id of made)
          await runtime.remove(id, { force: true }).catch(() => undefined);
        await rm(root, { recursive: true, force: true });
      },
    };
  },
  { skip },
);

import { execFileSync } from "node:child_process";
import { copyFile, mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type {
  ImageProvider,
  ResolvedImage,
  RootfsPaths,
} from "../../../src/engine/images/index.ts";
import {
  NotFoundError,
  NotImplementedError,
} from "../../../src/util/errors.ts";

/** A fixed id for the one image the fake serves. */
export const BUSYBOX_ID = `sha256:${"b".repeat(64)}`;

/** Builds a busybox root filesystem at dir: the binary, one symlink per applet, passwd, group. */
export async function busyboxRootfs(dir: string): Promise<void> {
  for (const d of ["bin", "etc", "proc", "sys", "dev", "tmp", "root"])
    await mkdir(join(dir, d), { recursive: true });
  await copyFile("/bin/busybox", join(dir, "bin/busybox"));
  execFileSync("chmod", ["755", join(dir, "bin/busybox")]);
  for (const a of execFileSync("/bin/busybox", ["--list"])
    .toString()
    .split("\n"))
    if (a && a !== "busybox") await symlink("busybox", join(dir, "bin", a));
  await writeFile(
    join(dir, "etc/passwd"),
    "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n",
  );
  await writeFile(join(dir, "etc/group"), "root:x:0:\nnogroup:x:65534:\n");
}

/**
 * An ImageProvider serving one image ("busybox", "busybox:latest" or its id)
 * whose root filesystem is a plain directory shared by every container:
 * mountRootfs returns the directory itself. Records calls for assertions.
 */
export class FakeImages implements ImageProvider {
  readonly rootfs: string;
  readonly prepared = new Set<string>();
  readonly calls: string[] = [];

  constructor(rootfs: string) {
    this.rootfs = rootfs;
  }

  async resolve(ref: string): Promise<ResolvedImage> {
    if (!["busybox", "busybox:latest", BUSYBOX_ID].includes(ref))
      throw new NotFoundError(
        `No such image: ${ref.includes(":") ? ref : `${ref}:latest`}`,
      );
    return {
      id: BUSYBOX_ID,
      repoTags: ["busybox:latest"],
      config: {
        Cmd: ["sh"],
        Env: [
          "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ],
      },
      topChainId: undefined,
    };
  }

  async prepareRootfs(key: string): Promise<RootfsPaths> {
    this.calls.push(`prepare ${key}`);
    this.prepared.add(key);
    return this.#paths();
  }

  async mountRootfs(key: string): Promise<string> {
    this.calls.push(`mount ${key}`);
    return this.rootfs;
  }

  async unmountRootfs(key: string): Promise<void> {
    this.calls.push(`unmount ${key}`);
  }

  async removeRootfs(key: string): Promise<void> {
    this.calls.push(`remove ${key}`);
    this.prepared.delete(key);
  }

  async rootfsUsage(): Promise<number> {
    return 0;
  }

  async rootfsPaths(key: string): Promise<RootfsPaths | undefined> {
    return this.prepared.has(key) ? this.#paths() : undefined;
  }

  async rootfsDiff(): Promise<never> {
    throw new NotImplementedError("not implemented: diff in the fake images");
  }

  async commit(): Promise<never> {
    throw new NotImplementedError("not implemented: commit in the fake images");
  }

  #paths(): RootfsPaths {
    return {
      lowerDir: this.rootfs,
      upperDir: this.rootfs,
      workDir: this.rootfs,
      mergedDir: this.rootfs,
    };
  }
}

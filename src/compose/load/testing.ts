/**
 * Loader tests' entry point: compose projects written as files under one
 * temporary directory, removed together at the end.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Writes test projects under a fresh temporary root named after prefix. */
export class ProjectDirs {
  readonly root: string;

  constructor(prefix: string) {
    this.root = mkdtempSync(join(tmpdir(), prefix));
  }

  /** Writes files (paths relative to the project, text) into directory `name`; returns its path. */
  project(name: string, files: Record<string, string>): string {
    const dir = join(this.root, name);
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      writeFileSync(join(dir, f), text);
    }
    return dir;
  }

  /** Removes the root and every project in it. */
  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

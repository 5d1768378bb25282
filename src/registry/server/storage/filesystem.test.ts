import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { driverTestSuite } from "./testsuite.ts";
import { FilesystemDriver } from "./filesystem.ts";

driverTestSuite("filesystem", async () => {
  const root = await mkdtemp(join(tmpdir(), "wharf-registry-fs-"));
  return {
    driver: new FilesystemDriver(root),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

import { driverTestSuite } from "./testsuite.ts";
import { MemoryDriver } from "./memory.ts";

driverTestSuite("memory", async () => ({
  driver: new MemoryDriver(),
  cleanup: async () => {},
}));

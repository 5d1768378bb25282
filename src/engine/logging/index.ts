/** The log drivers and the service that runs them (the only importable surface of engine/logging). */
export type { LogEntry, LogInfo } from "./driver.ts";
export { DRIVERS, validateLogConfig } from "./drivers.ts";
export type { ReadRequest } from "./reader.ts";
export { LogService, type LogTarget } from "./service.ts";

/**
 * The local driver: `<dir>/local-logs/container.log` in wharf's compact
 * framing (codecs.ts), rotated with moby's local defaults: max-size 20m
 * (binary: 20 MiB), max-file 5, compress true.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { decodeFrames, encodeFrame } from "./codecs.ts";
import { fileDriver, type RotationSettings } from "./file-driver.ts";
import { atoi, fromHumanSize, parseBool } from "./options.ts";

const DEFAULT_MAX_SIZE = 20 * 1024 * 1024;
const DEFAULT_MAX_FILES = 5;

/** local's settings from its options; throws Error with moby's texts. */
export function localSettings(
  config: Record<string, string>,
): RotationSettings {
  let maxSize = DEFAULT_MAX_SIZE;
  let maxFiles = DEFAULT_MAX_FILES;
  let compress = true;
  const v = (k: string) => config[k];
  if (v("max-size") !== undefined)
    try {
      maxSize = fromHumanSize(v("max-size")!);
    } catch (err) {
      throw new Error(
        `invalid value for max-size: ${v("max-size")!}: ${(err as Error).message}`,
      );
    }
  if (v("max-file") !== undefined)
    try {
      maxFiles = atoi(v("max-file")!);
    } catch (err) {
      throw new Error(
        `invalid value for max-file: ${v("max-file")!}: ${(err as Error).message}`,
      );
    }
  if (v("compress") !== undefined)
    try {
      compress = parseBool(v("compress")!);
    } catch (err) {
      throw new Error(
        `invalid boolean value for compress: ${(err as Error).message}`,
      );
    }
  if (maxSize < 0) throw new Error("max-size must not be negative");
  if (maxFiles < 0) throw new Error("max-file must not be negative");
  if (compress && maxFiles <= 1)
    throw new Error("compression cannot be enabled when max file count is 1");
  return { maxSize: maxSize || -1, maxFiles: Math.max(maxFiles, 1), compress };
}

/** The local driver. */
export const local = fileDriver({
  name: "local",
  unknownOption: (k) => `unknown log opt '${k}' for log driver local`,
  settings: localSettings,
  path: (info) => join(info.dir, "local-logs", "container.log"),
  prepare: (info) =>
    mkdirSync(join(info.dir, "local-logs"), { recursive: true, mode: 0o700 }),
  encoding: (attrs) => ({
    encode: encodeFrame,
    withAttrs: (entries) =>
      Object.keys(attrs).length > 0
        ? entries.map((e) => ({ ...e, attrs }))
        : entries,
  }),
  decode: decodeFrames,
});

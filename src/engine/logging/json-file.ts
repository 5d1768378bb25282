/**
 * The json-file driver (Docker's default): `<dir>/<id>-json.log` in
 * Docker's format (codecs.ts), rotated by max-size/max-file, rotated files
 * gzipped with compress. Options and their errors as moby's jsonfilelog.
 */
import { join } from "node:path";
import { decodeJsonLines, encodeJsonLine } from "./codecs.ts";
import type { LogDriver, LogInfo, LogSink } from "./driver.ts";
import {
  ATTR_OPTS,
  atoi,
  checkKnown,
  extraAttributes,
  fromHumanSize,
  logTag,
  parseBool,
} from "./options.ts";
import { RotatingFile } from "./rotating-file.ts";

const OPTS = [...ATTR_OPTS, "max-file", "max-size", "compress"];

/** json-file's settings from its options; throws Error with moby's texts. */
export function jsonFileSettings(config: Record<string, string>): {
  maxSize: number;
  maxFiles: number;
  compress: boolean;
} {
  let maxSize = -1;
  if (config["max-size"] !== undefined) {
    maxSize = fromHumanSize(config["max-size"]);
    if (maxSize <= 0) throw new Error("max-size must be a positive number");
  }
  let maxFiles = 1;
  if (config["max-file"] !== undefined) {
    maxFiles = atoi(config["max-file"]);
    if (maxFiles < 1) throw new Error("max-file cannot be less than 1");
  }
  let compress = false;
  if (config["compress"] !== undefined) {
    compress = parseBool(config["compress"]);
    if (compress && (maxFiles === 1 || maxSize === -1))
      throw new Error(
        "compress cannot be true when max-file is less than 2 or max-size is not set",
      );
  }
  return { maxSize, maxFiles, compress };
}

function path(info: LogInfo): string {
  return join(info.dir, `${info.id}-json.log`);
}

/** The json-file driver. */
export const jsonFile: LogDriver = {
  name: "json-file",
  validate(config) {
    checkKnown(
      config,
      OPTS,
      (k) => `unknown log opt '${k}' for json-file log driver`,
    );
  },
  open(info): Promise<LogSink> {
    const s = jsonFileSettings(info.config);
    const attrs = extraAttributes(info);
    // compat: json-file writes the tag as an attribute only when set.
    if (info.config["tag"]) {
      const tag = logTag(info, "");
      if (tag) attrs["tag"] = tag;
    }
    const extra = Object.keys(attrs).length
      ? `,"attrs":${JSON.stringify(attrs)}`
      : "";
    const file = RotatingFile.open(path(info), {
      ...s,
      encode: (e) => encodeJsonLine(e, extra),
    });
    return Promise.resolve({
      log: (entries) => {
        // The copier's entries are fresh: tagging them in place keeps their lazy text.
        if (extra) for (const e of entries) e.attrs = attrs;
        return file.log(entries);
      },
      close: () => file.close(),
      snapshot: (l) => file.snapshot(l),
    });
  },
  files: {
    path,
    decode: decodeJsonLines,
    maxFiles: (info) =>
      safeMaxFiles(() => jsonFileSettings(info.config).maxFiles),
  },
  showsLogPath: true,
};

/** A setting read for reading back; a bad option (the sink never opened) reads one file. */
export function safeMaxFiles(f: () => number): number {
  try {
    return f();
  } catch {
    return 1;
  }
}

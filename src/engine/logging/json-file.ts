/**
 * The json-file driver (Docker's default): `<dir>/<id>-json.log` in
 * Docker's format (codecs.ts), rotated by max-size/max-file, rotated files
 * gzipped with compress. Options and their errors as moby's jsonfilelog.
 */
import { join } from "node:path";
import { decodeJsonLines, encodeJsonLine } from "./codecs.ts";
import { fileDriver, type RotationSettings } from "./file-driver.ts";
import { atoi, fromHumanSize, parseBool } from "./options.ts";

/** json-file's settings from its options; throws Error with moby's texts. */
export function jsonFileSettings(
  config: Record<string, string>,
): RotationSettings {
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

/** The json-file driver. */
export const jsonFile = fileDriver({
  name: "json-file",
  unknownOption: (k) => `unknown log opt '${k}' for json-file log driver`,
  settings: jsonFileSettings,
  path: (info) => join(info.dir, `${info.id}-json.log`),
  encoding(attrs) {
    // compat: json-file writes the tag as an attribute only when set.
    const extra = Object.keys(attrs).length
      ? `,"attrs":${JSON.stringify(attrs)}`
      : "";
    return {
      encode: (e) => encodeJsonLine(e, extra),
      withAttrs: (entries) => {
        // The copier's entries are fresh: tagging them in place keeps their lazy text.
        if (extra) for (const e of entries) e.attrs = attrs;
        return entries;
      },
    };
  },
  decode: decodeJsonLines,
  showsLogPath: true,
});

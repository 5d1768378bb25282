/**
 * What the two drivers that keep logs in rotated files (json-file, local)
 * share: the option check, the sink over a RotatingFile carrying the
 * attributes with each entry, and the reader's view of the files. Each
 * driver brings its file name, settings and record format.
 */
import type { LogDriver, LogEntry, LogInfo, LogSink } from "./driver.ts";
import { checkKnown, fileAttributes, ROTATION_OPTS } from "./options.ts";
import { RotatingFile, type RotatingFileOptions } from "./rotating-file.ts";

/** The rotation settings a file driver reads from its options. */
export type RotationSettings = Pick<
  RotatingFileOptions,
  "maxSize" | "maxFiles" | "compress"
>;

/** One file driver's own parts. */
export type FileDriverSpec = {
  name: string;
  /** dockerd's text for an option the driver does not know. */
  unknownOption: (key: string) => string;
  /** The settings of the options; throws Error with moby's texts. */
  settings: (config: Record<string, string>) => RotationSettings;
  /** The live file. */
  path: (info: LogInfo) => string;
  /** Runs before the file opens (making a directory of its own). */
  prepare?: (info: LogInfo) => void;
  /**
   * The record encoder, and how entries get the attributes (`attrs` is
   * empty when no option asks for any).
   */
  encoding: (attrs: Record<string, string>) => {
    encode: (e: LogEntry) => Buffer | string;
    withAttrs: (entries: LogEntry[]) => LogEntry[];
  };
  /** Parses whole records back (see LogDriver.files.decode). */
  decode: (data: Buffer) => { entries: LogEntry[]; used: number };
  showsLogPath?: boolean;
};

/** A driver writing rotated files as `spec` says. */
export function fileDriver(spec: FileDriverSpec): LogDriver {
  return {
    name: spec.name,
    validate(config) {
      checkKnown(config, ROTATION_OPTS, spec.unknownOption);
    },
    open(info): Promise<LogSink> {
      const settings = spec.settings(info.config);
      spec.prepare?.(info);
      const { encode, withAttrs } = spec.encoding(fileAttributes(info));
      const file = RotatingFile.open(spec.path(info), { ...settings, encode });
      return Promise.resolve({
        log: (entries) => file.log(withAttrs(entries)),
        close: () => file.close(),
        snapshot: (l) => file.snapshot(l),
      });
    },
    files: {
      path: spec.path,
      decode: spec.decode,
      maxFiles: (info) =>
        safeMaxFiles(() => spec.settings(info.config).maxFiles),
    },
    ...(spec.showsLogPath ? { showsLogPath: true } : {}),
  };
}

/** A setting read for reading back; a bad option (the sink never opened) reads one file. */
function safeMaxFiles(f: () => number): number {
  try {
    return f();
  } catch {
    return 1;
  }
}

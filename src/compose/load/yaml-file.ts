/**
 * One compose file parsed with the `yaml` package (YAML 1.2 core schema plus
 * YAML 1.1 merge keys `<<`, which compose files use with anchors), keeping the
 * document so errors can name the line of any key path.
 */
import { readFileSync } from "node:fs";
import {
  LineCounter,
  parseDocument,
  isNode,
  type Document,
  type ScalarTag,
} from "yaml";
import { errorMessage } from "../../util/errors.ts";
import { ComposeError } from "../errors.ts";
import { collectTags, type MergeTag } from "./tags.ts";

/** A parsed compose file. */
export type YamlFile = {
  /** Absolute path (or "-" for stdin). */
  file: string;
  /** The plain data (anchors resolved, merge keys applied). */
  data: Record<string, unknown>;
  /** The 1-based line of the key path, or of its nearest ancestor that exists. */
  lineOf: (path: (string | number)[]) => number | undefined;
  /** The `!reset` and `!override` nodes (see tags.ts). */
  tags: MergeTag[];
};

/** compat: compose-go (go-yaml v3) reads a leading-zero integer such as a secret's `mode: 0440` as octal. */
const LEGACY_OCTAL: ScalarTag = {
  identify: (v) => typeof v === "number",
  default: true,
  tag: "tag:yaml.org,2002:int",
  test: /^0[0-7]+$/,
  resolve: (s) => parseInt(s, 8),
};

/** Parses YAML text. Throws ComposeError naming the file and line on a syntax error or a non-mapping top level. */
export function parseYaml(text: string, file: string): YamlFile {
  const counter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, {
      lineCounter: counter,
      merge: true,
      uniqueKeys: true,
      prettyErrors: false,
      customTags: (tags) => [LEGACY_OCTAL, ...tags],
    });
  } catch (err) {
    throw new ComposeError(errorMessage(err), { file, path: [] });
  }
  const bad = doc.errors[0];
  if (bad) {
    const line = counter.linePos(bad.pos[0]).line;
    throw new ComposeError(bad.message.split("\n")[0] ?? "invalid YAML", {
      file,
      line,
      path: [],
    });
  }
  const data: unknown = doc.toJS({ maxAliasCount: 10_000 }) ?? {};
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw new ComposeError("Top-level object must be a mapping", {
      file,
      path: [],
    });
  const lineOf = (path: (string | number)[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range)
        return counter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return {
    file,
    data: data as Record<string, unknown>,
    lineOf,
    tags: collectTags(doc),
  };
}

/** Reads and parses a compose file. Throws ComposeError when unreadable. */
export function readYaml(file: string): YamlFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ComposeError(errorMessage(err), { file, path: [] });
  }
  return parseYaml(text, file);
}

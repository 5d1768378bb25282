/**
 * Docker's (pflag's) flag syntax: `--name value`, `--name=value`, short flags
 * bundled (`-it`), a short flag with its value attached (`-eA=1`, `-e=A=1`),
 * repeated flags collecting lists, `--` ending flags, and commands that stop
 * parsing at the first argument (`run IMAGE ARGS…`).
 */

/** How a flag takes its value. */
export type FlagType = "bool" | "string" | "list" | "int";

/** One flag, declared as data. */
export type FlagSpec = {
  name: string;
  short?: string;
  type: FlagType;
  description: string;
  /** Shown in help ("string", "list", "int" by default). */
  valueName?: string;
  default?: string | number | boolean;
  hidden?: boolean;
};

/** A FlagSpec of the given type, with its short letter when there is one. */
export function flagSpec(
  type: FlagType,
  name: string,
  description: string,
  short?: string,
): FlagSpec {
  return { name, type, description, ...(short ? { short } : {}) };
}

/** A flag error the CLI reports with usage and exit code 125. */
export class FlagError extends Error {
  override name = "FlagError";
}

/** The parsed flags of one command; getters return defaults when unset. */
export class ParsedFlags {
  #values = new Map<string, string | boolean | string[]>();
  #specs: Map<string, FlagSpec>;

  constructor(specs: FlagSpec[]) {
    this.#specs = new Map(specs.map((s) => [s.name, s]));
  }

  /** Records one occurrence (lists append). */
  set(name: string, value: string | boolean): void {
    const spec = this.#specs.get(name);
    if (spec?.type === "list") {
      const list = (this.#values.get(name) as string[] | undefined) ?? [];
      list.push(String(value));
      this.#values.set(name, list);
    } else this.#values.set(name, value);
  }

  /** True when the flag was given at all. */
  changed(name: string): boolean {
    return this.#values.has(name);
  }

  /** A bool flag's value. */
  bool(name: string): boolean {
    const v = this.#values.get(name);
    if (v === undefined) return this.#specs.get(name)?.default === true;
    return v === true;
  }

  /** A string flag's value, or its default, or undefined. */
  string(name: string): string | undefined {
    const v = this.#values.get(name);
    if (typeof v === "string") return v;
    const d = this.#specs.get(name)?.default;
    return d === undefined ? undefined : String(d);
  }

  /** An int flag's value, or its default. Throws FlagError when not a number. */
  int(name: string): number | undefined {
    const v = this.string(name);
    if (v === undefined || v === "") return undefined;
    if (!/^-?\d+$/.test(v))
      throw new FlagError(
        `invalid argument "${v}" for "--${name}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`,
      );
    return Number(v);
  }

  /** A list flag's values in order (empty when unset). */
  list(name: string): string[] {
    const v = this.#values.get(name);
    return Array.isArray(v) ? v : [];
  }
}

/** The result of parsing: flags and the remaining positional arguments. */
export type ParseResult = { flags: ParsedFlags; args: string[] };

function parseBool(name: string, value: string): boolean {
  if (/^(1|t|T|TRUE|true|True)$/.test(value)) return true;
  if (/^(0|f|F|FALSE|false|False)$/.test(value)) return false;
  throw new FlagError(
    `invalid argument "${value}" for "--${name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`,
  );
}

/**
 * Parses argv against the specs. With interspersed false, the first
 * positional argument ends flag parsing (Docker's SetInterspersed(false)).
 * Throws FlagError with pflag's wording for unknown flags and missing values.
 */
export function parseFlags(
  specs: FlagSpec[],
  argv: string[],
  options: { interspersed?: boolean } = {},
): ParseResult {
  const interspersed = options.interspersed ?? true;
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(
    specs.filter((s) => s.short).map((s) => [s.short, s]),
  );
  const flags = new ParsedFlags(specs);
  const args: string[] = [];
  let i = 0;
  const take = (what: string): string => {
    if (i + 1 >= argv.length)
      throw new FlagError(`flag needs an argument: ${what}`);
    i++;
    return argv[i] ?? "";
  };
  for (; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--") {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      const spec = byName.get(name);
      if (!spec) throw new FlagError(`unknown flag: --${name}`);
      if (spec.type === "bool")
        flags.set(name, eq >= 0 ? parseBool(name, arg.slice(eq + 1)) : true);
      else flags.set(name, eq >= 0 ? arg.slice(eq + 1) : take(`--${name}`));
      continue;
    }
    if (arg.startsWith("-") && arg !== "-") {
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j] ?? "";
        const spec = byShort.get(c);
        if (!spec)
          throw new FlagError(`unknown shorthand flag: '${c}' in ${arg}`);
        const rest = arg.slice(j + 1);
        if (spec.type === "bool") {
          if (rest.startsWith("=")) {
            flags.set(spec.name, parseBool(spec.name, rest.slice(1)));
            break;
          }
          flags.set(spec.name, true);
          continue;
        }
        if (rest)
          flags.set(spec.name, rest.startsWith("=") ? rest.slice(1) : rest);
        else flags.set(spec.name, take(`'${c}' in -${c}`));
        break;
      }
      continue;
    }
    if (!interspersed) {
      args.push(...argv.slice(i));
      break;
    }
    args.push(arg);
  }
  return { flags, args };
}

/** Help lines for the specs, aligned like Docker's `Options:` block. */
export function flagUsages(specs: FlagSpec[]): string {
  const rows = specs
    .filter((s) => !s.hidden)
    .map((s) => {
      const value = s.type === "bool" ? "" : ` ${s.valueName ?? s.type}`;
      const left = `${s.short ? `-${s.short}, ` : "    "}--${s.name}${value}`;
      const def =
        s.default !== undefined && s.default !== false && s.default !== ""
          ? ` (default ${typeof s.default === "string" ? `"${s.default}"` : String(s.default)})`
          : "";
      return [left, s.description + def] as const;
    })
    .sort((a, b) =>
      a[0]
        .trimStart()
        .replace(/^-., /, "")
        .localeCompare(b[0].trimStart().replace(/^-., /, "")),
    );
  const width = Math.max(0, ...rows.map((r) => r[0].length));
  return rows.map(([l, r]) => `  ${l.padEnd(width)}   ${r}`).join("\n");
}

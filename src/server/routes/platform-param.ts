import { InvalidArgumentError } from "../../util/errors.ts";

/** An OCI platform as clients send it in `platform` query parameters (JSON). */
export type PlatformParam = {
  os: string;
  architecture: string;
  variant?: string;
  "os.version"?: string;
  "os.features"?: string[];
};

/**
 * Decodes one JSON-encoded OCI platform, as moby's httputils.DecodePlatform.
 * Throws InvalidArgumentError with moby's texts: "failed to parse
 * platform: …", "both OS and Architecture must be provided".
 */
export function decodePlatform(json: string): PlatformParam {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    // compat: Go's encoding/json text for the usual mistake (a "linux/arm64" string).
    const first = json.trimStart()[0];
    const go =
      first !== undefined && !/[[{"\-0-9tfn]/.test(first)
        ? `invalid character '${first}' looking for beginning of value`
        : (err as Error).message;
    throw new InvalidArgumentError(`failed to parse platform: ${go}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new InvalidArgumentError(
      "failed to parse platform: json: cannot unmarshal into Go value of type v1.Platform",
    );
  const r = raw as Record<string, unknown>;
  const str = (k: string): string => {
    const v = r[k];
    if (v === undefined || v === null) return "";
    if (typeof v !== "string")
      throw new InvalidArgumentError(
        `failed to parse platform: json: cannot unmarshal ${typeof v} into Go struct field Platform.${k} of type string`,
      );
    return v;
  };
  const p: PlatformParam = { os: str("os"), architecture: str("architecture") };
  const variant = str("variant");
  const osVersion = str("os.version");
  const features = Array.isArray(r["os.features"])
    ? r["os.features"].filter((f): f is string => typeof f === "string")
    : [];
  if (variant) p.variant = variant;
  if (osVersion) p["os.version"] = osVersion;
  if (features.length > 0) p["os.features"] = features;
  const optional = variant !== "" || osVersion !== "" || features.length > 0;
  if (p.os === "" && p.architecture === "" && optional)
    throw new InvalidArgumentError(
      "optional platform fields provided, but OS and Architecture are missing",
    );
  if (p.os === "" || p.architecture === "")
    throw new InvalidArgumentError("both OS and Architecture must be provided");
  return p;
}

/** Decodes every non-empty value of a repeated platform parameter. */
export function decodePlatforms(values: string[]): PlatformParam[] {
  return values.filter((v) => v !== "").map(decodePlatform);
}

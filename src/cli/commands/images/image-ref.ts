/**
 * The little reference handling the CLI does itself before a pull or push
 * (the Docker CLI's reference.ParseNormalizedNamed + TagNameOnly): split
 * name, tag and digest, and the normalized full name for `-q` output.
 */

/** A reference split into its name and optional tag or digest. */
export type ImageRef = { name: string; tag?: string; digest?: string };

/** Splits "host:5000/a/b:tag@sha256:…" into name, tag and digest. */
export function splitImageRef(ref: string): ImageRef {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  let tag: string | undefined;
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return {
    name: rest,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** "busybox" → "docker.io/library/busybox"; names with a registry host stay. */
export function normalizedName(name: string): string {
  const first = name.split("/")[0] ?? "";
  const hasHost =
    name.includes("/") &&
    (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasHost) return name;
  return name.includes("/") ? `docker.io/${name}` : `docker.io/library/${name}`;
}

/** The normalized reference string ("docker.io/library/busybox:latest"). */
export function normalizedString(ref: ImageRef): string {
  return (
    normalizedName(ref.name) +
    (ref.tag !== undefined ? `:${ref.tag}` : "") +
    (ref.digest !== undefined ? `@${ref.digest}` : "")
  );
}

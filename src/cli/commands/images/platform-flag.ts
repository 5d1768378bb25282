/** The `--platform` flag of history, save, load and rmi, sent as OCI platform JSON. */
import { StatusError } from "../../command.ts";

const ARCH: Record<string, string> = {
  x86_64: "amd64",
  "x86-64": "amd64",
  aarch64: "arm64",
  armhf: "arm",
  armel: "arm",
};

/**
 * "os/arch[/variant]" (or a bare arch, meaning linux) as the JSON the
 * Docker CLI sends (containerd's platforms.Parse, normalized). Returns
 * undefined for "". Throws StatusError with containerd's text.
 */
export function platformJson(spec: string | undefined): string | undefined {
  if (!spec) return undefined;
  const parts = spec.toLowerCase().split("/");
  if (parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/.test(p)))
    throw new StatusError(
      `"${spec}": unknown operating system or architecture: invalid argument`,
      1,
    );
  let [os = "", architecture, variant] = parts;
  if (architecture === undefined) [os, architecture] = ["linux", os];
  architecture = ARCH[architecture] ?? architecture;
  if (architecture === "arm64" && variant === "v8") variant = undefined;
  return JSON.stringify({
    architecture,
    os,
    ...(variant ? { variant } : {}),
  });
}

/** The flag, declared once. */
export const PLATFORM_FLAG = {
  name: "platform",
  type: "string",
  description:
    "Select the given platform. Formatted as `os[/arch[/variant]]` (e.g., `linux/amd64`)",
} as const;

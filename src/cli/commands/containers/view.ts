/**
 * The `ps` row context: the fields `--format` templates see, computed the way
 * Docker's ContainerContext does (quoted and truncated command, 12-character
 * ids, names without the leading slash, "5 seconds ago").
 */
import type { ContainerSummary } from "../../../client/index.ts";
import { humanSize } from "../../../conventions/human.ts";
import { goTime, timeAgo } from "../../format/units.ts";

/** Header text per field, Docker's column names; `Label` heads its column with the key's last segment. */
export const PS_HEADERS: Record<string, unknown> = {
  Label: (key: string) => (key.split(".").pop() ?? "").replace(/[-_]/g, " "),
  ID: "CONTAINER ID",
  Image: "IMAGE",
  Command: "COMMAND",
  CreatedAt: "CREATED AT",
  RunningFor: "CREATED",
  Ports: "PORTS",
  State: "STATE",
  Status: "STATUS",
  Size: "SIZE",
  Names: "NAMES",
  Labels: "LABELS",
  Mounts: "MOUNTS",
  Networks: "NETWORKS",
  LocalVolumes: "LOCAL VOLUMES",
  Platform: "PLATFORM",
};

/** Truncates to n characters with a trailing ellipsis, as Docker's formatter.Ellipsis. */
export function ellipsis(s: string, n: number): string {
  const chars = [...s];
  if (chars.length <= n) return s;
  return chars.slice(0, n - 1).join("") + "…";
}

type Port = {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
};

function ports(list: unknown[]): string {
  return (list as Port[])
    .map((p) =>
      p.PublicPort
        ? `${p.IP ? (p.IP.includes(":") ? `[${p.IP}]` : p.IP) + ":" : ""}${p.PublicPort}->${p.PrivatePort}/${p.Type}`
        : `${p.PrivatePort}/${p.Type}`,
    )
    .join(", ");
}

/** Builds the row for one container (trunc false = --no-trunc). */
export function containerRow(
  c: ContainerSummary,
  trunc: boolean,
  now = Date.now(),
): Record<string, unknown> {
  const labels = c.Labels ?? {};
  const names = (c.Names ?? [])
    .map((n) => n.replace(/^\//, ""))
    .filter((n) => !trunc || !n.includes("/"));
  let image = c.Image || "<no image>";
  if (trunc && c.ImageID && image.startsWith("sha256:"))
    image = image.slice(7, 19);
  const row: Record<string, unknown> = {
    Command: JSON.stringify(trunc ? ellipsis(c.Command, 20) : c.Command),
    CreatedAt: goTime(c.Created),
    ID: trunc ? c.Id.slice(0, 12) : c.Id,
    Image: image,
    Labels: Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(","),
    LocalVolumes: String(
      (c.Mounts ?? []).filter(
        (m) => (m as { Driver?: string }).Driver === "local",
      ).length,
    ),
    Mounts: (c.Mounts ?? [])
      .map((m) =>
        ellipsis(
          (m as { Name?: string; Source?: string }).Name ||
            (m as { Source?: string }).Source ||
            "",
          trunc ? 15 : 1 << 30,
        ),
      )
      .join(","),
    Names: names.join(","),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {})
      .sort()
      .join(","),
    Ports: ports(c.Ports ?? []),
    RunningFor: timeAgo(c.Created, now),
    Platform: null,
    Size: `${humanSize(c.SizeRw ?? 0, 3)}${c.SizeRootFs ? ` (virtual ${humanSize(c.SizeRootFs, 3)})` : ""}`,
    State: c.State,
    Status: c.Status,
  };
  // compat: Docker's context has a Label method: {{.Label "com.example.key"}}.
  Object.defineProperty(row, "Label", {
    value: (k: string) => labels[k] ?? "",
    enumerable: false,
  });
  return row;
}

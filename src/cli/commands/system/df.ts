/** `wharf system df [-v] [--format]`. */
import type { DiskUsage } from "../../../client/index.ts";
import type { Command } from "../../command.ts";
import { formatList } from "../../format/formatter.ts";
import { humanSize } from "../../../conventions/human.ts";
import { containerRow } from "../containers/view.ts";
import { imageRows } from "../images/view.ts";
import { LIST_FORMAT_FLAG } from "../each.ts";

const HEADERS = {
  Type: "TYPE",
  TotalCount: "TOTAL",
  Active: "ACTIVE",
  Size: "SIZE",
  Reclaimable: "RECLAIMABLE",
};

function reclaimable(amount: number, total: number): string {
  // compat: Docker shows the share only when the total is not zero, rounded down.
  return total > 0
    ? `${humanSize(amount)} (${Math.trunc((amount * 100) / total)}%)`
    : humanSize(amount);
}

/** The four summary rows of `system df`, as Docker computes them. */
export function summaryRows(du: DiskUsage): Record<string, unknown>[] {
  const images = du.Images ?? [];
  const containers = du.Containers ?? [];
  const volumes = du.Volumes ?? [];
  const cache = du.BuildCache ?? [];
  const usedImages = images
    .filter((i) => i.Containers > 0 && i.SharedSize !== -1)
    .reduce((s, i) => s + i.Size - i.SharedSize, 0);
  const ctrSize = containers.reduce((s, c) => s + (c.SizeRw ?? 0), 0);
  const ctrIdle = containers
    .filter((c) => c.State !== "running")
    .reduce((s, c) => s + (c.SizeRw ?? 0), 0);
  const volSize = volumes.reduce(
    (s, v) => s + Math.max(0, v.UsageData?.Size ?? 0),
    0,
  );
  const volIdle = volumes
    .filter((v) => (v.UsageData?.RefCount ?? 0) === 0)
    .reduce((s, v) => s + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const cacheSize = cache
    .filter((b) => !b.Shared)
    .reduce((s, b) => s + b.Size, 0);
  const cacheIdle = cache
    .filter((b) => !b.Shared && !b.InUse)
    .reduce((s, b) => s + b.Size, 0);
  return [
    {
      Type: "Images",
      TotalCount: String(images.length),
      Active: String(images.filter((i) => i.Containers > 0).length),
      Size: humanSize(du.LayersSize),
      Reclaimable: reclaimable(du.LayersSize - usedImages, du.LayersSize),
    },
    {
      Type: "Containers",
      TotalCount: String(containers.length),
      Active: String(containers.filter((c) => c.State === "running").length),
      Size: humanSize(ctrSize),
      Reclaimable: reclaimable(ctrIdle, ctrSize),
    },
    {
      Type: "Local Volumes",
      TotalCount: String(volumes.length),
      Active: String(
        volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length,
      ),
      Size: humanSize(volSize),
      Reclaimable: reclaimable(volIdle, volSize),
    },
    {
      Type: "Build Cache",
      TotalCount: String(cache.length),
      Active: String(cache.filter((b) => b.InUse).length),
      Size: humanSize(cacheSize),
      Reclaimable: humanSize(cacheIdle),
    },
  ];
}

function verbose(du: DiskUsage): string {
  const images = imageRows(
    (du.Images ?? []).map((i) => ({
      ...i,
      ParentId: "",
      RepoDigests: [],
      Labels: null,
      RepoTags: i.RepoTags ?? [],
    })),
    { trunc: true, digests: false },
  );
  const imageTable = formatList(
    {
      format: undefined,
      defaultFormat:
        "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}",
      headers: {
        Repository: "REPOSITORY",
        Tag: "TAG",
        ID: "IMAGE ID",
        CreatedSince: "CREATED",
        Size: "SIZE",
        SharedSize: "SHARED SIZE",
        UniqueSize: "UNIQUE SIZE",
        Containers: "CONTAINERS",
      },
    },
    images,
  );
  const ctrs = (du.Containers ?? []).map((c) => ({
    ...containerRow(
      {
        ...c,
        ImageID: "",
        Ports: [],
        Labels: {},
        HostConfig: { NetworkMode: "" },
        NetworkSettings: { Networks: {} },
        Mounts: c.Mounts ?? [],
      },
      true,
    ),
    Size: humanSize(c.SizeRw ?? 0),
  }));
  const ctrTable = formatList(
    {
      format: undefined,
      defaultFormat:
        "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}",
      headers: {
        ID: "CONTAINER ID",
        Image: "IMAGE",
        Command: "COMMAND",
        LocalVolumes: "LOCAL VOLUMES",
        Size: "SIZE",
        RunningFor: "CREATED",
        Status: "STATUS",
        Names: "NAMES",
      },
    },
    ctrs,
  );
  const vols = (du.Volumes ?? []).map((v) => ({
    Name: v.Name,
    Links: String(v.UsageData?.RefCount ?? 0),
    Size: humanSize(Math.max(0, v.UsageData?.Size ?? 0)),
  }));
  const volTable = formatList(
    {
      format: undefined,
      defaultFormat: "table {{.Name}}\t{{.Links}}\t{{.Size}}",
      headers: { Name: "VOLUME NAME", Links: "LINKS", Size: "SIZE" },
    },
    vols,
  );
  const cacheSize = (du.BuildCache ?? []).reduce((s, b) => s + b.Size, 0);
  return `Images space usage:\n\n${imageTable}\nContainers space usage:\n\n${ctrTable}\nLocal Volumes space usage:\n\n${volTable}\nBuild cache usage: ${humanSize(cacheSize)}\n\n`;
}

/** Prints disk usage by kind (or per object with -v). */
export const df: Command = {
  usage: "[OPTIONS]",
  short: "Show docker disk usage",
  flags: [
    LIST_FORMAT_FLAG,
    {
      name: "verbose",
      short: "v",
      type: "bool",
      description: "Show detailed information on space usage",
    },
  ],
  args: { max: 0 },
  action: async (ctx) => {
    const du = await ctx.client().system.df();
    if (ctx.flags.bool("verbose") && !ctx.flags.string("format")) {
      ctx.io.stdout.write(verbose(du));
      return;
    }
    ctx.io.stdout.write(
      formatList(
        {
          format: ctx.flags.string("format"),
          defaultFormat:
            "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}",
          headers: HEADERS,
        },
        summaryRows(du),
      ),
    );
  },
};

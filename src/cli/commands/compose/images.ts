/** `compose images`: the images the project's containers use. */
import { projectContainers, nameOf } from "../../../compose/state.ts";
import { alignTabs } from "../../format/table.ts";
import { humanSize } from "../../../conventions/human.ts";
import type { ComposeCommand } from "./context.ts";
import { projectOrName } from "./down.ts";

/** `compose images`. */
export const images: ComposeCommand = {
  usage: "[OPTIONS] [SERVICE...]",
  short: "List images used by the created containers",
  flags: [
    {
      name: "quiet",
      short: "q",
      type: "bool",
      description: "Only display IDs",
    },
    {
      name: "format",
      type: "string",
      description: "Format the output. Values: [table | json]",
      default: "table",
    },
  ],
  action: async (ctx) => {
    const client = ctx.client();
    const list = await projectContainers(client, projectOrName(ctx).name, {
      services: ctx.args,
    });
    const rows = await Promise.all(
      list.map(async (c) => {
        const img = await client.images
          .inspect(c.ImageID)
          .catch(() => undefined);
        const [repo = "<none>", tag = "<none>"] = (
          img?.RepoTags?.[0] ?? c.Image
        ).split(/:(?=[^:/]*$)/);
        return {
          ContainerName: nameOf(c),
          Repository: repo,
          Tag: tag,
          ID: c.ImageID.replace(/^sha256:/, "").slice(0, 12),
          Size: img?.Size ?? 0,
        };
      }),
    );
    const out = ctx.io.stdout;
    if (ctx.flags.bool("quiet"))
      out.write(
        [...new Set(rows.map((r) => r.ID))].map((i) => `${i}\n`).join(""),
      );
    else if (ctx.flags.string("format") === "json")
      out.write(`${JSON.stringify(rows)}\n`);
    else
      out.write(
        alignTabs(
          `CONTAINER\tREPOSITORY\tTAG\tIMAGE ID\tSIZE\n${rows.map((r) => `${r.ContainerName}\t${r.Repository}\t${r.Tag}\t${r.ID}\t${humanSize(r.Size)}\n`).join("")}`,
          { minWidth: 0, padding: 3 },
        ),
      );
  },
};

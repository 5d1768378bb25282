/** `compose build` and `compose pull`: through POST /build and POST /images/create. */
import { buildService, pullService } from "../../../compose/images.ts";
import type { Service } from "../../../compose/model.ts";
import { selectServices } from "../../../compose/up.ts";
import type { ComposeCommand } from "./context.ts";

/** `compose build`. */
export const build: ComposeCommand = {
  usage: "[OPTIONS] [SERVICE...]",
  short: "Build or rebuild services",
  flags: [
    {
      name: "no-cache",
      type: "bool",
      description: "Do not use cache when building the image",
    },
    {
      name: "pull",
      type: "bool",
      description: "Always attempt to pull a newer version of the image",
    },
    {
      name: "quiet",
      short: "q",
      type: "bool",
      description: "Don't print anything to STDOUT",
    },
  ],
  action: async (ctx) => {
    const apply = ctx.apply({ quiet: ctx.flags.bool("quiet") });
    for (const name of selectServices(apply.project, ctx.args, true)) {
      const s = apply.project.services[name] as Service;
      if (s.build)
        await buildService(apply, s, {
          noCache: ctx.flags.bool("no-cache"),
          pull: ctx.flags.bool("pull"),
        });
    }
  },
};

/** `compose pull`. */
export const pull: ComposeCommand = {
  usage: "[OPTIONS] [SERVICE...]",
  short: "Pull service images",
  flags: [
    {
      name: "ignore-buildable",
      type: "bool",
      description: "Ignore images that can be built",
    },
    {
      name: "ignore-pull-failures",
      type: "bool",
      description: "Pull what it can and ignores images with pull failures",
    },
    {
      name: "quiet",
      short: "q",
      type: "bool",
      description: "Pull without printing progress information",
    },
  ],
  action: async (ctx) => {
    const apply = ctx.apply({ quiet: ctx.flags.bool("quiet") });
    const services = selectServices(apply.project, ctx.args, true).map(
      (n) => apply.project.services[n] as Service,
    );
    await Promise.all(
      services
        .filter(
          (s) => s.image && !(ctx.flags.bool("ignore-buildable") && s.build),
        )
        .map((s) =>
          pullService(apply, s).catch((err: unknown) => {
            if (!ctx.flags.bool("ignore-pull-failures")) throw err;
          }),
        ),
    );
  },
};

/**
 * `compose run SERVICE [COMMAND]`: a one-off container
 * (`<project>-<service>-run-<id12>`, label oneoff=True) from the service's
 * definition, its dependencies brought up first unless --no-deps, ports
 * published only with --service-ports; attached like `docker start -a -i`.
 */
import { randomBytes } from "node:crypto";
import { createReplica } from "../../../compose/converge.ts";
import { ComposeError } from "../../../compose/errors.ts";
import type { Service } from "../../../compose/model.ts";
import { ensureImage } from "../../../compose/images.ts";
import { ensureNetwork, ensureVolume } from "../../../compose/resources.ts";
import { up as composeUp } from "../../../compose/up.ts";
import { start as containerStart } from "../containers/start.ts";
import { shellWords } from "../../../compose/load/shell-words.ts";
import { parsePort } from "../../../compose/load/ports.ts";
import { parseVolume } from "../../../compose/load/service-volumes.ts";
import type { ComposeCommand } from "./context.ts";
import { delegate } from "./delegate.ts";

/** `compose run`. */
export const run: ComposeCommand = {
  usage: "[OPTIONS] SERVICE [COMMAND] [ARGS...]",
  short: "Run a one-off command on a service",
  interspersed: false,
  args: { min: 1 },
  flags: [
    {
      name: "detach",
      short: "d",
      type: "bool",
      description: "Run container in background and print container ID",
    },
    {
      name: "rm",
      type: "bool",
      description: "Automatically remove the container when it exits",
    },
    {
      name: "env",
      short: "e",
      type: "list",
      description: "Set environment variables",
    },
    {
      name: "name",
      type: "string",
      description: "Assign a name to the container",
    },
    {
      name: "no-deps",
      type: "bool",
      description: "Don't start linked services",
    },
    {
      name: "service-ports",
      short: "P",
      type: "bool",
      description:
        "Run command with all service's ports enabled and mapped to the host",
    },
    {
      name: "publish",
      short: "p",
      type: "list",
      description: "Publish a container's port(s) to the host",
    },
    {
      name: "no-TTY",
      short: "T",
      type: "bool",
      description: "Disable pseudo-TTY allocation (default: auto-detected)",
    },
    {
      name: "interactive",
      short: "i",
      type: "bool",
      description: "Keep STDIN open even if not attached",
      default: true,
    },
    {
      name: "user",
      short: "u",
      type: "string",
      description: "Run as specified username or uid",
    },
    {
      name: "workdir",
      short: "w",
      type: "string",
      description: "Working directory inside the container",
    },
    {
      name: "entrypoint",
      type: "string",
      description: "Override the entrypoint of the image",
    },
    {
      name: "label",
      short: "l",
      type: "list",
      description: "Add or override a label",
    },
    {
      name: "volume",
      short: "v",
      type: "list",
      description: "Bind mount a volume",
    },
    {
      name: "build",
      type: "bool",
      description: "Build image before starting container",
    },
    {
      name: "use-aliases",
      type: "bool",
      description:
        "Use the service's network useAliases in the network(s) the container connects to",
    },
  ],
  action: async (ctx) => {
    const fl = ctx.flags;
    const [name = "", ...cmd] = ctx.args;
    const apply = ctx.apply();
    const base = apply.project.services[name];
    if (!base) throw new ComposeError(`no such service: ${name}`);
    const deps = Object.keys(base.depends_on ?? {});
    if (!fl.bool("no-deps") && deps.length)
      await composeUp(apply, { services: deps });
    const env: Record<string, string | null> = { ...base.environment };
    for (const e of fl.list("env")) {
      const i = e.indexOf("=");
      env[i < 0 ? e : e.slice(0, i)] =
        i < 0 ? (process.env[e] ?? null) : e.slice(i + 1);
    }
    const service: Service = {
      ...base,
      environment: env,
      ...(cmd.length ? { command: cmd } : {}),
      ...(fl.string("entrypoint") !== undefined
        ? { entrypoint: shellWords(fl.string("entrypoint") ?? "") }
        : {}),
      ...(fl.string("user") ? { user: fl.string("user") } : {}),
      ...(fl.string("workdir") ? { working_dir: fl.string("workdir") } : {}),
      labels: {
        ...(base.labels ?? {}),
        ...Object.fromEntries(
          fl
            .list("label")
            .map((l) => [
              l.split("=")[0] ?? l,
              l.split("=").slice(1).join("="),
            ]),
        ),
      },
      restart: "no",
    };
    if (!fl.bool("service-ports")) delete service.ports;
    // -p adds to (or, without --service-ports, replaces) the published ports
    const published = fl.list("publish").flatMap((p) => {
      try {
        return parsePort(p);
      } catch (err) {
        throw new ComposeError(`invalid port ${p}: ${(err as Error).message}`);
      }
    });
    if (published.length)
      service.ports = [...(service.ports ?? []), ...published];
    // -v: a bind (path source) or a volume, by target over the service's own
    const extra = fl.list("volume").map((v) => {
      try {
        return parseVolume(v, apply.project.workingDir);
      } catch (err) {
        throw new ComposeError((err as Error).message);
      }
    });
    if (extra.length)
      service.volumes = [
        ...(service.volumes ?? []).filter(
          (v) => !extra.some((e) => e.target === v.target),
        ),
        ...extra,
      ];
    for (const n of Object.keys(service.networks ?? {}))
      await ensureNetwork(apply, n);
    for (const v of service.volumes ?? [])
      if (v.type === "volume" && v.source && apply.project.volumes[v.source])
        await ensureVolume(apply, v.source);
    const imageId = await ensureImage(apply, service, {
      build: fl.bool("build"),
    });
    const detach = fl.bool("detach");
    const tty =
      !fl.bool("no-TTY") &&
      !detach &&
      Boolean(ctx.io.stdin.isTTY) &&
      Boolean(ctx.io.stdout.isTTY);
    const interactive = fl.bool("interactive") && !detach;
    const cname =
      fl.string("name") ??
      `${apply.project.name}-${name}-run-${randomBytes(6).toString("hex")}`;
    const id = await createReplica(apply, service, {
      number: 1,
      name: cname,
      oneoff: true,
      imageId,
      // compat: a one-off container has no network aliases unless --use-aliases
      aliases: fl.bool("use-aliases"),
      override: (body) => {
        body.Tty = tty;
        body.OpenStdin = interactive;
        body.StdinOnce = interactive;
        body.AttachStdin = interactive;
        body.AttachStdout = !detach;
        body.AttachStderr = !detach;
        body.HostConfig = { ...body.HostConfig, AutoRemove: fl.bool("rm") };
        if (!fl.bool("use-aliases")) {
          const eps = (
            body.NetworkingConfig as
              | { EndpointsConfig?: Record<string, { Aliases?: string[] }> }
              | undefined
          )?.EndpointsConfig;
          for (const e of Object.values(eps ?? {})) delete e.Aliases;
        }
      },
    });
    if (detach) {
      await ctx.client().containers.start(id);
      ctx.io.stdout.write(`${cname}\n`);
      return 0;
    }
    return delegate(
      ctx,
      containerStart,
      ["-a", ...(interactive ? ["-i"] : []), id],
      ctx.path,
    );
  },
};

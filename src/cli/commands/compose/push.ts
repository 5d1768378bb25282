/** `compose push [SERVICE...]`: pushes the services' images through the engine with the Docker CLI's stored credentials. */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { pushServices } from "../../../compose/push.ts";
import { selectServices } from "../../../compose/up.ts";
import type { ComposeCommand, ComposeContext } from "./context.ts";

/** X-Registry-Auth for a registry from the CLI config's `auths` (base64 user:password), else empty credentials. */
export function registryAuth(
  env: Record<string, string | undefined>,
  registry: string,
): string {
  const dir = env.DOCKER_CONFIG ?? join(homedir(), ".docker");
  let auth: Record<string, string> = {};
  try {
    const cfg = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as {
      auths?: Record<string, { auth?: string }>;
    };
    const key =
      registry === "docker.io" ? "https://index.docker.io/v1/" : registry;
    const entry = cfg.auths?.[key] ?? cfg.auths?.[`https://${key}`];
    if (entry?.auth) {
      const plain = Buffer.from(entry.auth, "base64").toString();
      const i = plain.indexOf(":");
      if (i > 0)
        auth = {
          username: plain.slice(0, i),
          password: plain.slice(i + 1),
          serveraddress: key,
        };
    }
  } catch {
    // no config: push without credentials, as the Docker CLI does
  }
  return Buffer.from(JSON.stringify(auth)).toString("base64url");
}

/** `compose push`. */
export const push: ComposeCommand = {
  usage: "[OPTIONS] [SERVICE...]",
  short: "Push service images",
  flags: [
    {
      name: "ignore-push-failures",
      type: "bool",
      description: "Push what it can and ignores images with push failures",
    },
    {
      name: "include-deps",
      type: "bool",
      description: "Also push images of services declared as dependencies",
    },
    {
      name: "quiet",
      short: "q",
      type: "bool",
      description: "Push without printing progress information",
    },
  ],
  action: async (ctx: ComposeContext) => {
    const apply = ctx.apply({ quiet: ctx.flags.bool("quiet") });
    const names = selectServices(
      apply.project,
      ctx.args,
      !ctx.flags.bool("include-deps"),
    );
    await pushServices(apply, names, {
      auth: (r) => registryAuth(ctx.env, r),
      ignoreFailures: ctx.flags.bool("ignore-push-failures"),
      quiet: ctx.flags.bool("quiet"),
    });
  },
};

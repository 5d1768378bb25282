/** `wharf update [OPTIONS] CONTAINER...`: restart policy and resource limits. */
import type { ContainerUpdateBody } from "../../../client/index.ts";
import { StatusError, type Command } from "../../command.ts";
import type { FlagSpec, ParsedFlags } from "../../flags.ts";
import { forEachName } from "../each.ts";
import { ramInBytes } from "./create-options.ts";
import { restartPolicyOf } from "./create-options-lifecycle.ts";

const FLAGS: FlagSpec[] = [
  {
    name: "blkio-weight",
    type: "int",
    description:
      "Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)",
    valueName: "uint16",
  },
  {
    name: "cpu-period",
    type: "int",
    description: "Limit CPU CFS (Completely Fair Scheduler) period",
  },
  {
    name: "cpu-quota",
    type: "int",
    description: "Limit CPU CFS (Completely Fair Scheduler) quota",
  },
  {
    name: "cpu-shares",
    short: "c",
    type: "int",
    description: "CPU shares (relative weight)",
  },
  {
    name: "cpus",
    type: "string",
    description: "Number of CPUs",
    valueName: "decimal",
  },
  {
    name: "cpuset-cpus",
    type: "string",
    description: "CPUs in which to allow execution (0-3, 0,1)",
  },
  {
    name: "cpuset-mems",
    type: "string",
    description: "MEMs in which to allow execution (0-3, 0,1)",
  },
  {
    name: "memory",
    short: "m",
    type: "string",
    description: "Memory limit",
    valueName: "bytes",
  },
  {
    name: "memory-reservation",
    type: "string",
    description: "Memory soft limit",
    valueName: "bytes",
  },
  {
    name: "memory-swap",
    type: "string",
    description:
      "Swap limit equal to memory plus swap: -1 to enable unlimited swap",
    valueName: "bytes",
  },
  {
    name: "pids-limit",
    type: "int",
    description: "Tune container pids limit (set -1 for unlimited)",
  },
  {
    name: "restart",
    type: "string",
    description: "Restart policy to apply when a container exits",
  },
];

/** The update body from the flags, as the Docker CLI builds it. Throws StatusError (1 or 125). */
export function updateBody(f: ParsedFlags): ContainerUpdateBody {
  if (!FLAGS.some((s) => f.changed(s.name)))
    throw new StatusError(
      "you must provide one or more flags when using this command",
      1,
    );
  const bytes = (name: string): number => {
    const v = f.string(name);
    return v
      ? ramInBytes(v, name === "memory" ? "-m, --memory" : `--${name}`)
      : 0;
  };
  const swap = f.string("memory-swap");
  const cpus = f.string("cpus");
  const nano = cpus ? Number(cpus) * 1e9 : 0;
  if (Number.isNaN(nano))
    throw new StatusError(
      `invalid argument "${cpus}" for "--cpus" flag: failed to parse ${cpus} as a rational number`,
      125,
    );
  const body: ContainerUpdateBody = {
    BlkioWeight: f.int("blkio-weight") ?? 0,
    CpusetCpus: f.string("cpuset-cpus") ?? "",
    CpusetMems: f.string("cpuset-mems") ?? "",
    CpuShares: f.int("cpu-shares") ?? 0,
    Memory: bytes("memory"),
    MemoryReservation: bytes("memory-reservation"),
    MemorySwap: swap === "-1" ? -1 : bytes("memory-swap"),
    CpuPeriod: f.int("cpu-period") ?? 0,
    CpuQuota: f.int("cpu-quota") ?? 0,
    NanoCpus: Math.round(nano),
    RestartPolicy: f.changed("restart")
      ? restartPolicy(f)
      : { Name: "", MaximumRetryCount: 0 },
  };
  const pids = f.int("pids-limit");
  if (pids) body.PidsLimit = pids;
  return body;
}

function restartPolicy(f: ParsedFlags): ReturnType<typeof restartPolicyOf> {
  try {
    return restartPolicyOf(f);
  } catch (err) {
    throw new StatusError(err instanceof Error ? err.message : String(err), 1);
  }
}

/** Updates each container; prints each name, then the daemon's warnings. */
export const update: Command = {
  usage: "[OPTIONS] CONTAINER [CONTAINER...]",
  short: "Update configuration of one or more containers",
  flags: FLAGS,
  args: { min: 1 },
  action: async (ctx) => {
    const body = updateBody(ctx.flags);
    const warnings: string[] = [];
    try {
      await forEachName(ctx, ctx.args, async (n) => {
        const r = await ctx.client().containers.update(n, body);
        warnings.push(...(r.Warnings ?? []));
      });
    } finally {
      if (warnings.length) ctx.io.stdout.write(`${warnings.join("\n")}\n`);
    }
  },
};

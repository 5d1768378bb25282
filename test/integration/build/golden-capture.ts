/**
 * Captures test/fixtures/dockerfiles/<name>/golden.json from the daemon at
 * DOCKER_HOST with Docker's legacy builder (DOCKER_BUILDKIT=0). Run only by
 * scripts/capture-build-golden.sh, which starts a private Docker 20.10 and
 * loads busybox into it first. Arguments: fixture names (default: all).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFile } from "../../../src/util/exec.ts";
import {
  buildFlags,
  corpusDir,
  fixtureNames,
  fixtureOptions,
  listArgs,
  listLines,
  normaliseConfig,
  type Golden,
} from "./golden-corpus.ts";

const docker = process.env.DOCKER_CLI ?? "/usr/bin/docker";
const env = { ...process.env, DOCKER_BUILDKIT: "0" };

async function run(args: string[]): Promise<string> {
  const r = await execFile(docker, args, { env });
  if (r.code !== 0)
    throw new Error(
      `docker ${args.join(" ")} exited ${r.code}:\n${r.stdout}${r.stderr}`,
    );
  return r.stdout;
}

const only = process.argv.slice(2);
for (const name of fixtureNames()) {
  if (only.length && !only.includes(name)) continue;
  const options = fixtureOptions(name);
  const tag = `golden-${name}:capture`;
  await run([
    "build",
    "-t",
    tag,
    ...buildFlags(options),
    join(corpusDir, name),
  ]);
  const config = JSON.parse(
    await run(["image", "inspect", "--format", "{{json .Config}}", tag]),
  ) as Record<string, unknown>;
  const golden: Golden = { config: normaliseConfig(config) };
  if (options.list)
    golden.files = listLines(await run(listArgs(tag, options.list)));
  writeFileSync(
    join(corpusDir, name, "golden.json"),
    JSON.stringify(golden, null, 2) + "\n",
  );
  process.stdout.write(`captured ${name}\n`);
}

import type { ContainerConfig } from "../../oci/image.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import { applyConfig } from "./dockerfile/config.ts";
import { envMap } from "./dockerfile/expand.ts";
import { toInstruction } from "./dockerfile/instructions.ts";
import { parseDockerfile } from "./dockerfile/parser.ts";

/** Instructions `docker import --change` and `docker commit --change` accept (moby's validCommitCommands). */
const allowed = new Set([
  "CMD",
  "ENTRYPOINT",
  "ENV",
  "EXPOSE",
  "LABEL",
  "ONBUILD",
  "STOPSIGNAL",
  "USER",
  "VOLUME",
  "WORKDIR",
]);

/**
 * Applies Dockerfile-style change lines ("CMD [\"sh\"]", "ENV A=1", …) to a
 * copy of config, through the same parser and dispatch as `docker build`
 * (moby's BuildFromConfig): variables expand from the config's Env. Throws
 * InvalidArgumentError with Docker's text for an instruction outside the
 * allowed set or a malformed line.
 */
export function applyChanges(
  config: ContainerConfig,
  changes: string[],
): ContainerConfig {
  const out: ContainerConfig = structuredClone(config);
  for (const line of changes) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const word = /^\S+/.exec(trimmed)![0];
    // compat: moby's error text for `docker import --change "FOO bar"`.
    if (!allowed.has(word.toUpperCase()))
      throw new InvalidArgumentError(`${word} is not a valid change command`);
    const node = parseDockerfile(trimmed, { file: "change" }).nodes[0]!;
    if (node.keyword === "ENTRYPOINT" && node.args === "") {
      out.Entrypoint = null;
      continue;
    }
    const ins = toInstruction("change", node);
    applyConfig(out, ins, {
      vars: envMap(out.Env ?? []),
      escape: "\\",
      cmdSet: true,
    });
  }
  return out;
}

/**
 * The macvlan driver: each container gets its own MAC on a parent interface
 * of the host and sits on the parent's wire directly (options `parent`,
 * `macvlan_mode` bridge|private|vepa|passthru, default bridge).
 */
import { InvalidArgumentError } from "../../util/errors.ts";
import {
  ParentLinkDriver,
  type LinkKind,
  type ParentLinkOptions,
} from "./parent-link.ts";

const MODES = ["bridge", "private", "vepa", "passthru"];

/** macvlan's options and link words. */
export const MACVLAN: LinkKind = {
  name: "macvlan",
  feature: "macvlan",
  tmpPrefix: "mv",
  setMac: true,
  linkType(options) {
    const mode = options.macvlan_mode || "bridge";
    if (!MODES.includes(mode))
      throw new InvalidArgumentError(
        `requested macvlan mode '${mode}' is not valid, 'bridge' mode is the macvlan driver default`,
      );
    return ["macvlan", "mode", mode];
  },
  deviceRoute: () => false,
};

/** Creates the macvlan driver. */
export function macvlanDriver(options: ParentLinkOptions): ParentLinkDriver {
  return new ParentLinkDriver(MACVLAN, options);
}

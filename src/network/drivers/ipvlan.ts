/**
 * The ipvlan driver: containers share the parent's MAC and are told apart by
 * address (options `parent`, `ipvlan_mode` l2|l3|l3s, default l2, and
 * `ipvlan_flag` bridge|private|vepa, default bridge). In l3 and l3s modes the
 * parent routes, so the default route points at the device itself.
 * Kernels without CONFIG_IPVLAN get a clear error from createNetwork.
 */
import { InvalidArgumentError } from "../../util/errors.ts";
import {
  ParentLinkDriver,
  type LinkKind,
  type ParentLinkOptions,
} from "./parent-link.ts";

const MODES = ["l2", "l3", "l3s"];
const FLAGS = ["bridge", "private", "vepa"];

/** ipvlan's options and link words. */
export const IPVLAN: LinkKind = {
  name: "ipvlan",
  feature: "ipvlan",
  tmpPrefix: "iv",
  setMac: false,
  linkType(options) {
    const mode = options.ipvlan_mode || "l2";
    const flag = options.ipvlan_flag || "bridge";
    if (!MODES.includes(mode))
      throw new InvalidArgumentError(
        `requested ipvlan mode '${mode}' is not valid, 'l2' mode is the ipvlan driver default`,
      );
    if (!FLAGS.includes(flag))
      throw new InvalidArgumentError(
        `requested ipvlan flag '${flag}' is not valid, 'bridge' is the ipvlan driver default`,
      );
    return ["ipvlan", "mode", mode, flag];
  },
  deviceRoute: (options) => (options.ipvlan_mode || "l2") !== "l2",
};

/** Creates the ipvlan driver. */
export function ipvlanDriver(options: ParentLinkOptions): ParentLinkDriver {
  return new ParentLinkDriver(IPVLAN, options);
}

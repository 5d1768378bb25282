import type { EventMessage } from "../../api/events.ts";
import { InvalidArgumentError } from "../../util/errors.ts";

const known = new Set([
  "container",
  "image",
  "volume",
  "network",
  "daemon",
  "plugin",
  "event",
  "type",
  "label",
  "scope",
  "node",
  "service",
  "secret",
  "config",
]);

/**
 * True when the event passes Docker's /events filters: values within one key
 * are ORed, keys are ANDed. Throws InvalidArgumentError for an unknown key.
 */
export function matchesEventFilters(
  event: EventMessage,
  filters: Record<string, string[]>,
): boolean {
  for (const [key, values] of Object.entries(filters)) {
    if (!known.has(key))
      throw new InvalidArgumentError(`invalid filter '${key}'`);
    if (values.length === 0) continue;
    const ok = values.some((v) => matchOne(event, key, v));
    if (!ok) return false;
  }
  return true;
}

function matchOne(event: EventMessage, key: string, value: string): boolean {
  const attrs = event.Actor.Attributes;
  switch (key) {
    case "type":
      return event.Type === value;
    case "event":
      // compat: exec events carry the command after a colon ("exec_start: sh"); the filter matches the prefix.
      return event.Action === value || event.Action.startsWith(value + ":");
    case "scope":
      return value === "local";
    case "label": {
      const eq = value.indexOf("=");
      return eq < 0
        ? value in attrs
        : attrs[value.slice(0, eq)] === value.slice(eq + 1);
    }
    case "container":
    case "image":
    case "volume":
    case "network":
    case "plugin":
    case "daemon":
      if (event.Type !== key) return false;
      return (
        event.Actor.ID === value ||
        event.Actor.ID.startsWith(value) ||
        attrs.name === value ||
        (key === "image" && attrs.name?.split(":")[0] === value)
      );
    default:
      return false;
  }
}

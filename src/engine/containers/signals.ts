import { constants } from "node:os";
import { InvalidArgumentError } from "../../util/errors.ts";

const byName = constants.signals as Record<string, number>;

/**
 * Parses a signal as Docker accepts it: a number, "SIGKILL", "KILL", or
 * "kill". Throws InvalidArgumentError("Invalid signal: x").
 */
export function parseSignal(s: string | number): number {
  if (typeof s === "number" || /^\d+$/.test(s)) {
    const n = Number(s);
    if (n >= 1 && n <= 64) return n;
    throw new InvalidArgumentError(`Invalid signal: ${s}`);
  }
  const up = s.toUpperCase();
  const n = byName[up.startsWith("SIG") ? up : `SIG${up}`];
  if (n === undefined) throw new InvalidArgumentError(`Invalid signal: ${s}`);
  return n;
}

/** The SIGxxx name of a signal number, or its decimal string. */
export function signalName(n: number): string {
  return Object.entries(byName).find(([, v]) => v === n)?.[0] ?? String(n);
}

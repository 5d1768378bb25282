/**
 * Compose v2's progress lines in its plain mode, one line per resource and
 * state change, on stderr:
 *
 *    Network wp_default  Creating
 *    Volume "wp_data"  Created
 *    Container wp-db-1  Healthy
 *
 * (Compose quotes volume names.) A quiet progress prints nothing.
 */

/** The kinds of resources progress lines name. */
export type ResourceKind =
  "Container" | "Network" | "Volume" | "Image" | "Service";

/** Writes progress lines. */
export class Progress {
  #out: NodeJS.WritableStream | undefined;
  constructor(out: NodeJS.WritableStream | undefined) {
    this.#out = out;
  }

  /** One state change of one resource. */
  event(kind: ResourceKind, name: string, status: string): void {
    const shown = kind === "Volume" ? JSON.stringify(name) : name;
    this.#out?.write(` ${kind} ${shown}  ${status}\n`);
  }

  /** A free-form line (warnings, build output). */
  line(text: string): void {
    this.#out?.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** Runs fn between two events ("Creating" … "Created"). */
  async step<T>(
    kind: ResourceKind,
    name: string,
    states: [string, string],
    fn: () => Promise<T>,
  ): Promise<T> {
    this.event(kind, name, states[0]);
    const out = await fn();
    this.event(kind, name, states[1]);
    return out;
  }
}

import type { EventMessage } from "../../api/events.ts";

/** What a publisher supplies; the bus stamps time and the legacy fields. */
export type EventInput = {
  type: EventMessage["Type"];
  action: string;
  id: string;
  attributes?: Record<string, string>;
};

/** A listener receives every event published after it subscribed. */
export type EventListener = (event: EventMessage) => void;

/**
 * The in-process event bus behind /events. Keeps the last `capacity` events
 * (dockerd keeps 256) so `since` can replay history, and fans out new events
 * to subscribers synchronously in publish order.
 */
export class EventBus {
  #history: EventMessage[] = [];
  #listeners = new Set<EventListener>();
  #capacity: number;
  #lastNano = 0n;

  constructor(options: { capacity?: number } = {}) {
    this.#capacity = options.capacity ?? 1024;
  }

  /** Publishes one event to history and to every listener; returns it. */
  publish(input: EventInput): EventMessage {
    // Strictly increasing timestamps keep since/until filtering stable.
    let nano =
      BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
    if (nano <= this.#lastNano) nano = this.#lastNano + 1n;
    this.#lastNano = nano;
    const event: EventMessage = {
      Type: input.type,
      Action: input.action,
      Actor: { ID: input.id, Attributes: input.attributes ?? {} },
      scope: "local",
      time: Number(nano / 1_000_000_000n),
      timeNano: Number(nano),
    };
    if (input.type === "container" || input.type === "image") {
      event.status = input.action;
      event.id = input.id;
      const from =
        input.type === "container" ? input.attributes?.image : undefined;
      if (from !== undefined) event.from = from;
    }
    this.#history.push(event);
    if (this.#history.length > this.#capacity)
      this.#history.splice(0, this.#history.length - this.#capacity);
    for (const l of this.#listeners) l(event);
    return event;
  }

  /** Events kept in history, oldest first (a copy). */
  history(): EventMessage[] {
    return [...this.#history];
  }

  /** Adds a listener; returns a function that removes it. */
  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** One event as /events streams it (Docker's events.Message). */
export type EventMessage = {
  Type:
    | "container"
    | "image"
    | "volume"
    | "network"
    | "daemon"
    | "plugin"
    | "builder";
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: "local";
  time: number;
  timeNano: number;
  // compat: API < 1.52 still carries the deprecated status/id/from fields for containers and images.
  status?: string;
  id?: string;
  from?: string;
};

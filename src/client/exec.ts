/** client.exec: the /exec endpoints (create is client.containers.exec). */
import type { Duplex } from "node:stream";
import type { Transport } from "./transport.ts";
import type { ExecCreateBody, ExecInspect } from "./types.ts";

const enc = encodeURIComponent;

/** Options of exec start. */
export type ExecStartOptions = {
  Detach?: boolean;
  Tty?: boolean;
  ConsoleSize?: [number, number] | null;
};

/** The /exec endpoints. */
export class ExecApi {
  #t: Transport;
  constructor(transport: Transport) {
    this.#t = transport;
  }

  /** POST /containers/{id}/exec: creates an exec instance and returns its id. */
  create(container: string, body: ExecCreateBody): Promise<{ Id: string }> {
    return this.#t.json("POST", `/containers/${enc(container)}/exec`, { body });
  }

  /** POST /exec/{id}/start detached: returns once the process runs. */
  async startDetached(
    id: string,
    options: ExecStartOptions = {},
  ): Promise<void> {
    const res = await this.#t.request("POST", `/exec/${enc(id)}/start`, {
      body: { ...options, Detach: true },
    });
    res.resume();
  }

  /** POST /exec/{id}/start attached, hijacked: a raw duplex to the process's stdio. */
  start(id: string, options: ExecStartOptions = {}): Promise<Duplex> {
    return this.#t.hijack("POST", `/exec/${enc(id)}/start`, {
      body: { ...options, Detach: false },
    });
  }

  /** GET /exec/{id}/json. */
  inspect(id: string): Promise<ExecInspect> {
    return this.#t.json("GET", `/exec/${enc(id)}/json`);
  }

  /** POST /exec/{id}/resize: sets the exec tty size (rows h, columns w). */
  async resize(id: string, size: { h: number; w: number }): Promise<void> {
    const res = await this.#t.request("POST", `/exec/${enc(id)}/resize`, {
      query: size,
    });
    res.resume();
  }
}

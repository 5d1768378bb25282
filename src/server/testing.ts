/**
 * Route tests' entry point: an ApiServer over the given route tables whose
 * requests run in memory through the real dispatch (see ApiServer.inject).
 */
import { Logger } from "../util/log.ts";
import { Router, type Route } from "./router.ts";
import { ApiServer, type InjectOptions, type InjectReply } from "./server.ts";

/** Sends one request; same arguments as ApiServer.inject. */
export type Inject = (
  method: string,
  path: string,
  body?: string | Buffer | object,
  options?: InjectOptions,
) => Promise<InjectReply>;

/** An `inject` function over a server built from these route tables, in order; it logs nothing. */
export function injector(...tables: Route[][]): Inject {
  const router = new Router();
  for (const t of tables) router.add(t);
  const server = new ApiServer(router, new Logger("fatal"));
  return (method, path, body, options) =>
    server.inject(method, path, body, options);
}

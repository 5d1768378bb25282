import { request } from "node:http";
import type { PluginAddress } from "./discovery.ts";

/** The media type of Docker's plugin protocol (moby pkg/plugins/client.go). */
export const PLUGIN_MEDIA_TYPE = "application/vnd.docker.plugins.v1.2+json";

/** How long one plugin call may take. */
const CALL_TIMEOUT_MS = 30_000;

/**
 * One call of the legacy plugin protocol: POST /<method> with a JSON body,
 * a JSON answer. Driver errors come back as `{"Err": "…"}` (with 200 or an
 * error status); they are thrown as `<method>: <Err>`, the text Docker
 * shows. Transport failures name the plugin.
 */
export async function callPlugin(
  plugin: { name: string; address: PluginAddress },
  method: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const payload = Buffer.from(JSON.stringify(body ?? {}));
  const a = plugin.address;
  const target =
    a.kind === "unix" ? { socketPath: a.path } : { host: a.host, port: a.port };
  const { status, text } = await new Promise<{ status: number; text: string }>(
    (resolve, reject) => {
      const req = request(
        {
          ...target,
          method: "POST",
          path: `/${method}`,
          headers: {
            Accept: PLUGIN_MEDIA_TYPE,
            "Content-Type": PLUGIN_MEDIA_TYPE,
            "Content-Length": payload.length,
          },
          timeout: CALL_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString("utf8"),
            }),
          );
          res.on("error", reject);
        },
      );
      req.on("timeout", () =>
        req.destroy(new Error(`timed out after ${CALL_TIMEOUT_MS / 1000}s`)),
      );
      req.on("error", reject);
      req.end(payload);
    },
  ).catch((err: unknown) => {
    throw new Error(
      `${method}: error calling plugin ${plugin.name}: ${(err as Error).message}`,
    );
  });
  let out: Record<string, unknown> = {};
  try {
    out = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    if (status === 200)
      throw new Error(`${method}: plugin ${plugin.name} sent invalid JSON`);
  }
  if (typeof out.Err === "string" && out.Err)
    throw new Error(`${method}: ${out.Err}`);
  if (status !== 200)
    throw new Error(`${method}: ${text.trim() || `plugin answered ${status}`}`);
  return out;
}

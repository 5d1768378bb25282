import { test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Router } from "../router.ts";
import { RequestContext } from "../http.ts";
import { statusOf } from "../errors.ts";
import { inactiveSwarmRoutes } from "./swarm.ts";
import { unbuiltRoutes } from "./unbuilt.ts";

async function call(
  method: string,
  url: string,
): Promise<{ status: number; body: string }> {
  const router = new Router();
  router.add(inactiveSwarmRoutes());
  router.add(unbuiltRoutes());
  const u = new URL(url, "http://x");
  const req = Object.assign(new PassThrough(), {
    method,
    headers: {},
    socket: new PassThrough(),
  });
  req.end("");
  let status = 0;
  let body = "";
  const res = Object.assign(new PassThrough(), {
    headersSent: false,
    writeHead(s: number) {
      status = s;
      return res;
    },
  });
  res.on("data", (c: Buffer) => (body += c.toString()));
  try {
    const m = router.match(method, u.pathname);
    await m.handler(
      new RequestContext({
        req: req as unknown as IncomingMessage,
        res: res as unknown as ServerResponse,
        params: m.params,
        query: u.searchParams,
        version: m.version,
      }),
    );
    await new Promise((r) => setImmediate(r));
    return { status, body };
  } catch (err) {
    return { status: statusOf(err), body: (err as Error).message };
  }
}

const NOT_MANAGER =
  'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

test("swarm endpoints answer 503 as an inactive dockerd node does", async () => {
  assert.deepEqual(await call("POST", "/v1.50/swarm/leave"), {
    status: 503,
    body: "This node is not part of a swarm",
  });
  for (const [m, p] of [
    ["GET", "/swarm"],
    ["POST", "/swarm/unlock"],
    ["GET", "/swarm/unlockkey"],
    ["GET", "/nodes"],
    ["GET", "/services"],
    ["GET", "/tasks"],
    ["GET", "/secrets"],
    ["GET", "/configs"],
    ["DELETE", "/services/x"],
    ["POST", "/swarm/update?version=3"],
    ["GET", "/services/x/logs?stdout=1"],
  ] as const)
    assert.deepEqual(await call(m, p), { status: 503, body: NOT_MANAGER }, p);
  assert.deepEqual(await call("POST", "/services/x/update"), {
    status: 400,
    body: `invalid service version '': strconv.ParseUint: parsing "": invalid syntax`,
  });
  assert.equal((await call("POST", "/swarm/init")).status, 501);
});

test("GET /plugins lists none; a named plugin is 404", async () => {
  assert.deepEqual(await call("GET", "/plugins"), {
    status: 200,
    body: "[]\n",
  });
  assert.deepEqual(await call("GET", "/plugins/x/json"), {
    status: 404,
    body: 'plugin "x" not found',
  });
  assert.equal((await call("POST", "/plugins/pull")).status, 501);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { injectOnce as inject } from "../testing.ts";
import {
  authConfig,
  registryRoutes,
  type RegistryBackend,
} from "./registry.ts";

test("authConfig() reads Docker's AuthConfig fields in any case and splits auth", () => {
  assert.deepEqual(
    authConfig({ Username: "u", Password: "p", ServerAddress: "r:5000" }),
    { username: "u", password: "p", serverAddress: "r:5000" },
  );
  assert.deepEqual(
    authConfig({ auth: Buffer.from("me:se:cret").toString("base64") }),
    { username: "me", password: "se:cret" },
  );
  assert.deepEqual(authConfig({ username: "", identitytoken: "tok" }), {
    identityToken: "tok",
  });
});

test("GET /images/search passes term, limit, filters and credentials; a limit that is not a number is 400 with moby's text", async () => {
  const seen: unknown[] = [];
  const backend: RegistryBackend = {
    push: async () => undefined,
    login: async () => undefined,
    search: async (o) => {
      seen.push(o);
      return [
        {
          star_count: 0,
          is_official: false,
          name: "team/bb",
          is_automated: false,
          description: "",
        },
      ];
    },
    distribution: async (name) => ({ name }),
  };
  const auth = Buffer.from(
    JSON.stringify({ username: "u", password: "p" }),
  ).toString("base64url");
  const ok = await inject(
    registryRoutes(backend),
    "GET",
    `/images/search?term=127.0.0.1:5000/bb&limit=7&filters=${encodeURIComponent('{"stars":{"3":true}}')}`,
    undefined,
    { headers: { "x-registry-auth": auth } },
  );
  assert.equal(ok.status, 200);
  assert.equal(JSON.parse(ok.body)[0].name, "team/bb");
  assert.deepEqual(seen[0], {
    term: "127.0.0.1:5000/bb",
    limit: 7,
    filters: { stars: ["3"] },
    credentials: { username: "u", password: "p" },
  });
  const bad = await inject(
    registryRoutes(backend),
    "GET",
    "/images/search?term=x&limit=ten",
  );
  assert.equal(bad.status, 400);
  assert.equal(
    JSON.parse(bad.body).message,
    'invalid limit specified: strconv.Atoi: parsing "ten": invalid syntax',
  );
  const dist = await inject(
    registryRoutes(backend),
    "GET",
    "/distribution/127.0.0.1:5000/team/bb:1/json",
  );
  assert.equal(dist.status, 200);
  assert.deepEqual(JSON.parse(dist.body), { name: "127.0.0.1:5000/team/bb:1" });
});

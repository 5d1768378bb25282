import { test } from "node:test";
import assert from "node:assert/strict";
import { authConfig } from "./registry.ts";

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

import { test } from "node:test";
import assert from "node:assert/strict";
import { RegistryError, responseErrorOf } from "./errors.ts";

test("a server's RegistryError body reads back as distribution's text", () => {
  const body = Buffer.from(
    JSON.stringify(new RegistryError("MANIFEST_UNKNOWN").body()),
  );
  const err = responseErrorOf(404, "Not Found", body);
  assert.equal(err.message, "manifest unknown: manifest unknown to registry");
  assert.deepEqual(err.codes, ["MANIFEST_UNKNOWN"]);
  assert.equal(err.status, 404);
});

test("several errors print as a list; no body gives the status", () => {
  const two = Buffer.from(
    JSON.stringify({
      errors: [
        { code: "DENIED", message: "no" },
        { code: "UNKNOWN", message: "" },
      ],
    }),
  );
  assert.equal(
    responseErrorOf(403, "Forbidden", two).message,
    "errors:\ndenied: no\nunknown: unknown\n",
  );
  assert.equal(
    responseErrorOf(502, "Bad Gateway", Buffer.from("<html>")).message,
    "unexpected status from registry: 502 Bad Gateway",
  );
});

test('a token server\'s {"details": …} maps by status', () => {
  const body = Buffer.from('{"details":"incorrect username or password"}');
  const err = responseErrorOf(401, "Unauthorized", body);
  assert.equal(err.message, "unauthorized: incorrect username or password");
  assert.deepEqual(err.codes, ["UNAUTHORIZED"]);
  assert.equal(
    responseErrorOf(429, "", Buffer.from('{"details":"slow down"}')).message,
    "toomanyrequests: slow down",
  );
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { namedServices } from "./context.ts";

test("the services a command line names follow the command's usage", () => {
  assert.deepEqual(namedServices("[OPTIONS] [SERVICE...]", ["a", "b"]), [
    "a",
    "b",
  ]);
  assert.deepEqual(
    namedServices("[OPTIONS] SERVICE [COMMAND] [ARGS...]", ["a", "sh"]),
    ["a"],
  );
  assert.deepEqual(namedServices("[OPTIONS] SERVICE", ["a"]), ["a"]);
  assert.deepEqual(namedServices("[OPTIONS] COMMAND", ["up"]), []);
  assert.deepEqual(namedServices("[OPTIONS]", []), []);
});

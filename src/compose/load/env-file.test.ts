import { test } from "node:test";
import assert from "node:assert/strict";
import { parseEnvFile } from "./env-file.ts";

test("dotenv lines: export, comments, quotes, escapes, interpolation, bare names", () => {
  const text = [
    "# comment",
    "export A=1",
    "B = two words # trailing comment",
    "C='literal $A'",
    'D="line\\nbreak $A"',
    "E=${A}-${MISSING:-dflt}",
    "FROM_ENV",
    "NOT_IN_ENV",
    'F="multi',
    'line"',
    "",
  ].join("\n");
  const env: Record<string, string> = { FROM_ENV: "outside" };
  assert.deepEqual(
    parseEnvFile(text, { file: ".env", lookup: (n) => env[n] }),
    {
      A: "1",
      B: "two words",
      C: "literal $A",
      D: "line\nbreak 1",
      E: "1-dflt",
      FROM_ENV: "outside",
      F: "multi\nline",
    },
  );
});

test("a malformed line names the file and line", () => {
  assert.throws(() => parseEnvFile("OK=1\n1BAD=2\n", { file: "/p/.env" }), {
    message: '/p/.env:2: unexpected character in variable name "1BAD=2"',
  });
});

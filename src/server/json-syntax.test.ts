import { test } from "node:test";
import assert from "node:assert/strict";
import { goJsonSyntaxError } from "./json-syntax.ts";

test("goJsonSyntaxError() words syntax errors as Go's decoder does", () => {
  assert.equal(
    goJsonSyntaxError("{nope"),
    "invalid character 'n' looking for beginning of object key string",
  );
  assert.equal(goJsonSyntaxError('{"a":1'), "unexpected EOF");
  assert.equal(
    goJsonSyntaxError('{"a" 1}'),
    "invalid character '1' after object key",
  );
  assert.equal(
    goJsonSyntaxError('{"a":1 "b"}'),
    "invalid character '\"' after object key:value pair",
  );
  assert.equal(
    goJsonSyntaxError("[1 2]"),
    "invalid character '2' after array element",
  );
  assert.equal(goJsonSyntaxError("tru"), "unexpected EOF");
  assert.equal(
    goJsonSyntaxError("nul!"),
    "invalid character '!' in literal null (expecting 'l')",
  );
  assert.equal(
    goJsonSyntaxError('{"Image":"b"} x'),
    "unexpected content after JSON",
  );
  assert.equal(goJsonSyntaxError('{"a":[1,{}]}  \n'), undefined);
});

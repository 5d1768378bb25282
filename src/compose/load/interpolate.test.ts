import { test } from "node:test";
import assert from "node:assert/strict";
import { interpolateTree } from "./interpolate.ts";

const vars: Record<string, string> = { SET: "x", EMPTY: "" };
const run = (v: unknown, warn?: (m: string) => void) =>
  interpolateTree(v, {
    lookup: (n) => vars[n],
    file: "compose.yaml",
    ...(warn ? { warn } : {}),
  });

test("every form of the spec substitutes as compose does", () => {
  assert.equal(run("$SET ${SET}"), "x x");
  assert.equal(run("${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} ${UNSET-d}"), "d d  d");
  assert.equal(
    run("${SET:+alt} ${EMPTY:+alt} ${EMPTY+alt} ${UNSET+alt}"),
    "alt  alt ",
  );
  assert.equal(run("$$SET costs $$5"), "$SET costs $5");
  assert.equal(run("${UNSET:-${SET}}"), "x");
  assert.deepEqual(run({ a: ["${SET}", 1, true] }), { a: ["x", 1, true] });
});

test("an unset variable without default warns once and becomes empty", () => {
  const warnings: string[] = [];
  assert.equal(
    run("${NOPE}/$NOPE", (m) => warnings.push(m)),
    "/",
  );
  assert.deepEqual(warnings, [
    'The "NOPE" variable is not set. Defaulting to a blank string.',
  ]);
});

test(":? and ? fail with the message, naming the key", () => {
  assert.throws(
    () => run({ services: { web: { image: "${IMG:?set IMG}" } } }),
    {
      message:
        "compose.yaml: services.web.image: required variable IMG is missing a value: set IMG",
    },
  );
  assert.throws(
    () => run("${EMPTY:?}"),
    /required variable EMPTY is missing a value/,
  );
  assert.equal(run("${EMPTY?}"), "");
});

test("a malformed template is an error naming the key", () => {
  assert.throws(
    () => run({ x: "${SET" }),
    /invalid interpolation format for x: "\$\{SET"/,
  );
  assert.throws(() => run({ x: "${}" }), /invalid interpolation format/);
});

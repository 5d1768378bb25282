import { test } from "node:test";
import assert from "node:assert/strict";
import { checkConflicts, goFormat } from "./flags.ts";

void test("goFormat prints values as Go's %v", () => {
  assert.equal(goFormat(["a", "b"]), "[a b]");
  assert.equal(
    goFormat({ "max-size": "1m", compress: "true" }),
    "map[compress:true max-size:1m]",
  );
  assert.equal(goFormat(3), "3");
  assert.equal(goFormat(false), "false");
  assert.equal(goFormat("x"), "x");
});

void test("checkConflicts names every key set both ways, and passes disjoint ones", () => {
  assert.doesNotThrow(() =>
    checkConflicts({ labels: ["a=1"] }, { debug: true }, "/d.json"),
  );
  assert.throws(
    () =>
      checkConflicts(
        { debug: true, iptables: false },
        { debug: false, iptables: true },
        "/d.json",
      ),
    /with file \/d\.json: the following directives are specified both as a flag and in the configuration file: debug: \(from flag: true, from file: false\), iptables: \(from flag: false, from file: true\)$/,
  );
});

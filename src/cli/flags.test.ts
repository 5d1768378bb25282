import { test } from "node:test";
import assert from "node:assert/strict";
import { FlagError, parseFlags, type FlagSpec } from "./flags.ts";

const specs: FlagSpec[] = [
  { name: "interactive", short: "i", type: "bool", description: "" },
  { name: "tty", short: "t", type: "bool", description: "" },
  { name: "detach", short: "d", type: "bool", description: "" },
  { name: "env", short: "e", type: "list", description: "" },
  { name: "name", type: "string", description: "" },
  { name: "time", type: "int", description: "" },
  { name: "rm", type: "bool", description: "" },
];

test("bundled short flags set each bool", () => {
  const { flags, args } = parseFlags(specs, ["-it", "busybox"]);
  assert.equal(flags.bool("interactive"), true);
  assert.equal(flags.bool("tty"), true);
  assert.equal(flags.bool("detach"), false);
  assert.deepEqual(args, ["busybox"]);
});

test("a short flag takes an attached value, an = value or the next argument", () => {
  const { flags } = parseFlags(specs, [
    "-eA=1",
    "-e=B=2",
    "-e",
    "C=3",
    "-deD=4",
  ]);
  assert.deepEqual(flags.list("env"), ["A=1", "B=2", "C=3", "D=4"]);
  assert.equal(flags.bool("detach"), true);
});

test("long flags take --name=value and --name value, bools take =false", () => {
  const { flags } = parseFlags(specs, [
    "--name=web",
    "--rm=false",
    "--env",
    "X=1",
  ]);
  assert.equal(flags.string("name"), "web");
  assert.equal(flags.bool("rm"), false);
  assert.equal(flags.changed("rm"), true);
  assert.deepEqual(flags.list("env"), ["X=1"]);
});

test("without interspersing, the first argument ends the flags", () => {
  const { flags, args } = parseFlags(specs, ["-d", "busybox", "ls", "-i"], {
    interspersed: false,
  });
  assert.equal(flags.bool("interactive"), false);
  assert.deepEqual(args, ["busybox", "ls", "-i"]);
});

test("interspersed flags may follow arguments and -- ends the flags", () => {
  const { flags, args } = parseFlags(specs, ["a", "-d", "--", "-i", "b"]);
  assert.equal(flags.bool("detach"), true);
  assert.deepEqual(args, ["a", "-i", "b"]);
});

test("a lone dash is an argument", () => {
  assert.deepEqual(parseFlags(specs, ["-"]).args, ["-"]);
});

test("unknown flags and missing values throw pflag's wording", () => {
  assert.throws(
    () => parseFlags(specs, ["--foo"]),
    new FlagError("unknown flag: --foo"),
  );
  assert.throws(
    () => parseFlags(specs, ["-Z"]),
    new FlagError("unknown shorthand flag: 'Z' in -Z"),
  );
  assert.throws(
    () => parseFlags(specs, ["-e"]),
    new FlagError("flag needs an argument: 'e' in -e"),
  );
  assert.throws(
    () => parseFlags(specs, ["--name"]),
    new FlagError("flag needs an argument: --name"),
  );
});

test("int flags reject non-numbers", () => {
  const { flags } = parseFlags(specs, ["--time", "x"]);
  assert.throws(() => flags.int("time"), FlagError);
});

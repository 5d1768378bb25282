import { test } from "node:test";
import assert from "node:assert/strict";
import { fromHumanSize, ramInBytes } from "./size.ts";

const KB = 1000;
const MB = KB * 1000;
const GB = MB * 1000;
const TB = GB * 1000;
const PB = TB * 1000;
const KiB = 1024;
const MiB = KiB * 1024;
const GiB = MiB * 1024;
const TiB = GiB * 1024;
const PiB = TiB * 1024;

// Vectors from docker/go-units size_test.go (TestFromHumanSize).
test("fromHumanSize matches go-units' TestFromHumanSize vectors", () => {
  const ok: [string, number][] = [
    ["0", 0],
    ["0b", 0],
    ["0B", 0],
    ["0 B", 0],
    ["32", 32],
    ["32b", 32],
    ["32B", 32],
    ["32k", 32 * KB],
    ["32K", 32 * KB],
    ["32kb", 32 * KB],
    ["32Kb", 32 * KB],
    ["32Mb", 32 * MB],
    ["32Gb", 32 * GB],
    ["32Tb", 32 * TB],
    ["32Pb", 32 * PB],
    ["32.5kB", 32.5 * KB],
    ["32.5 kB", 32.5 * KB],
    ["32.5 B", 32],
    ["0.3 K", 300],
    [".3kB", 300],
    ["0.", 0],
    ["0. ", 0],
    ["0.b", 0],
    ["0.B", 0],
    ["-0", 0],
    ["-0b", 0],
    ["-0B", 0],
    ["-0 b", 0],
    ["-0 B", 0],
    ["32.", 32],
    ["32.b", 32],
    ["32.B", 32],
    ["32. b", 32],
    ["32. B", 32],
    ["0 ", 0],
  ];
  for (const [input, want] of ok)
    assert.equal(fromHumanSize(input), want, input);
  const bad = [
    " 0",
    " 0b",
    " 0B",
    " 0 B",
    "0b ",
    "0B ",
    "0 B ",
    "",
    "hello",
    ".",
    ". ",
    " ",
    "  ",
    " .",
    " . ",
    "-32",
    "-32b",
    "-32B",
    "-32 b",
    "-32 B",
    "32b.",
    "32B.",
    "32 b.",
    "32 B.",
    "32 bb",
    "32 BB",
    "32 b b",
    "32 B B",
    "32  b",
    "32  B",
    " 32 ",
    "32m b",
    "32bm",
  ];
  for (const input of bad) assert.throws(() => fromHumanSize(input), input);
});

// Vectors from docker/go-units size_test.go (TestRAMInBytes).
test("ramInBytes matches go-units' TestRAMInBytes vectors", () => {
  const ok: [string, number][] = [
    ["32", 32],
    ["32b", 32],
    ["32B", 32],
    ["32k", 32 * KiB],
    ["32K", 32 * KiB],
    ["32kb", 32 * KiB],
    ["32Kb", 32 * KiB],
    ["32Kib", 32 * KiB],
    ["32KIB", 32 * KiB],
    ["32Mb", 32 * MiB],
    ["32Gb", 32 * GiB],
    ["32Tb", 32 * TiB],
    ["32Pb", 32 * PiB],
    ["32PB", 32 * PiB],
    ["32P", 32 * PiB],
    ["32.3", 32],
    ["32.3 mb", Math.trunc(32.3 * MiB)],
    ["0.3MB", Math.trunc(0.3 * MiB)],
  ];
  for (const [input, want] of ok) assert.equal(ramInBytes(input), want, input);
  for (const input of ["", "hello", "-32", " 32 ", "32m b", "32bm"])
    assert.throws(() => ramInBytes(input), input);
});

test("size errors carry go-units' wording", () => {
  assert.throws(() => ramInBytes("hello"), {
    message: "invalid size: 'hello'",
  });
  assert.throws(() => ramInBytes("32bm"), { message: "invalid suffix: 'bm'" });
  assert.throws(() => ramInBytes("-32"), { message: "invalid size: '-32'" });
});

/**
 * Docker's size parsers (go-units): `ramInBytes` for --memory, --shm-size,
 * tmpfs-size (binary: "1k" = 1024) and `fromHumanSize` (decimal: "1kB" =
 * 1000). A number, then optionally one space, then a unit letter k m g t p
 * (any case) with an optional "b" or "ib"; "b" alone means bytes. Fractions
 * are allowed and the result is truncated to whole bytes.
 */
import { InvalidArgumentError } from "../util/errors.ts";

const LETTERS = ["k", "m", "g", "t", "p"];
/** What Go's strconv.ParseFloat accepts in decimal (signs, fractions, exponents). */
const GO_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Go's int64(x) for the sizes here; `+ 0` turns -0 (from "-0") into 0. */
function whole(x: number): number {
  return Math.trunc(x) + 0;
}

function parseSize(value: string, base: number): number {
  let num: string;
  let suffix: string;
  const space = value.indexOf(" ");
  if (space >= 0) {
    num = value.slice(0, space);
    suffix = value.slice(space + 1);
  } else {
    const sep = Math.max(
      ...[..."0123456789."].map((c) => value.lastIndexOf(c)),
    );
    if (sep < 0) throw new InvalidArgumentError(`invalid size: '${value}'`);
    num = value.slice(0, sep + 1);
    suffix = value.slice(sep + 1);
  }
  if (!GO_FLOAT.test(num))
    throw new InvalidArgumentError(
      `strconv.ParseFloat: parsing ${JSON.stringify(num)}: invalid syntax`,
    );
  let size = Number(num);
  // compat: go-units rejects negative sizes, but "-0" is zero and passes.
  if (size < 0) throw new InvalidArgumentError(`invalid size: '${value}'`);
  if (suffix === "") return whole(size);
  const sfx = suffix.toLowerCase();
  const bad = (): InvalidArgumentError =>
    new InvalidArgumentError(`invalid suffix: '${sfx}'`);
  if (sfx.length > 3) throw bad();
  if (sfx[0] === "b") {
    if (sfx.length > 1) throw bad();
    return whole(size);
  }
  const power = LETTERS.indexOf(sfx[0] ?? "");
  if (power < 0) throw bad();
  size *= base ** (power + 1);
  if (sfx.length === 2 && sfx[1] !== "b") throw bad();
  if (sfx.length === 3 && sfx.slice(1) !== "ib") throw bad();
  return whole(size);
}

/**
 * Bytes of a binary size ("512m", "1.5g", "64KiB", "100"), as go-units
 * RAMInBytes. Throws InvalidArgumentError with go-units' message
 * ("invalid size: 'x'", "invalid suffix: 'x'").
 */
export function ramInBytes(value: string): number {
  return parseSize(value, 1024);
}

/** Bytes of a decimal size ("32kB" = 32000), as go-units FromHumanSize. Throws InvalidArgumentError. */
export function fromHumanSize(value: string): number {
  return parseSize(value, 1000);
}

import { randomBytes } from "node:crypto";

/** Returns a new random 64-hex id, as Docker uses for containers and execs. */
export function newId(): string {
  // compat: Docker re-rolls ids that are all digits (they look like numbers in shells).
  for (;;) {
    const id = randomBytes(32).toString("hex");
    if (!/^\d+$/.test(id.slice(0, 12))) return id;
  }
}

/** Returns the 12-character short form of a 64-hex id. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, "").slice(0, 12);
}

/** True for a full 64-hex id. */
export function isFullId(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}

const adjectives = [
  "admiring",
  "agitated",
  "amazing",
  "angry",
  "awesome",
  "blissful",
  "bold",
  "brave",
  "busy",
  "charming",
  "clever",
  "cool",
  "dazzling",
  "eager",
  "ecstatic",
  "elegant",
  "festive",
  "focused",
  "friendly",
  "gallant",
  "gifted",
  "happy",
  "hopeful",
  "jolly",
  "keen",
  "kind",
  "loving",
  "lucid",
  "modest",
  "nifty",
  "peaceful",
  "quirky",
  "relaxed",
  "serene",
  "sharp",
  "stoic",
  "tender",
  "trusting",
  "vibrant",
  "zealous",
];
const surnames = [
  "archimedes",
  "babbage",
  "bohr",
  "curie",
  "darwin",
  "dijkstra",
  "einstein",
  "euler",
  "fermat",
  "feynman",
  "galileo",
  "gauss",
  "hopper",
  "hypatia",
  "johnson",
  "kepler",
  "knuth",
  "lamarr",
  "lovelace",
  "meitner",
  "newton",
  "noether",
  "pascal",
  "ritchie",
  "shannon",
  "thompson",
  "torvalds",
  "turing",
  "wozniak",
  "yalow",
];

/** Returns a random adjective_surname name, as Docker gives unnamed containers. */
export function randomName(): string {
  const pick = (list: string[]): string =>
    list[randomBytes(1)[0]! % list.length]!;
  return `${pick(adjectives)}_${pick(surnames)}`;
}

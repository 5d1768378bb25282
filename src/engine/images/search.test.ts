import { test } from "node:test";
import assert from "node:assert/strict";
import type { RegistryClient } from "../../registry/client/registry-client.ts";
import type { SearchResult } from "../../registry/client/search.ts";
import { InvalidArgumentError } from "../../util/errors.ts";
import { searchImages, splitTerm } from "./search.ts";

/** A registry client that records searches and answers with fixed results. */
function fakeRegistry(results: SearchResult[]) {
  const calls: { domain: string; term: string; limit: number }[] = [];
  const registry = {
    search: async (domain: string, o: { term: string; limit: number }) => {
      calls.push({ domain, term: o.term, limit: o.limit });
      return results;
    },
  } as unknown as RegistryClient;
  return { registry, calls };
}

const row = (name: string, stars: number, official = false): SearchResult => ({
  name,
  description: "",
  star_count: stars,
  is_official: official,
  is_automated: true,
});

test("splitTerm() reads a registry host only when the first part has a dot, a colon or is localhost", () => {
  assert.deepEqual(splitTerm("busybox"), {
    index: "docker.io",
    remote: "busybox",
  });
  assert.deepEqual(splitTerm("team/bb"), {
    index: "docker.io",
    remote: "team/bb",
  });
  assert.deepEqual(splitTerm("127.0.0.1:5000/team/bb"), {
    index: "127.0.0.1:5000",
    remote: "team/bb",
  });
  assert.deepEqual(splitTerm("localhost/bb"), {
    index: "localhost",
    remote: "bb",
  });
});

test("searchImages() sends the remote part with limit 25 by default and filters by stars and is-official; is_automated is always false", async () => {
  const { registry, calls } = fakeRegistry([
    row("a", 1),
    row("b", 5, true),
    row("c", 9),
  ]);
  const out = await searchImages(registry, {
    term: "127.0.0.1:5000/te",
    limit: 0,
    filters: { stars: ["2", "4"], "is-official": ["false"] },
    credentials: {},
  });
  assert.deepEqual(calls, [
    { domain: "127.0.0.1:5000", term: "te", limit: 25 },
  ]);
  assert.deepEqual(
    out.map((r) => [r.name, r.is_automated]),
    [["c", false]],
  );
  const automated = await searchImages(registry, {
    term: "127.0.0.1:5000/te",
    limit: 10,
    filters: { "is-automated": ["true"] },
    credentials: {},
  });
  assert.deepEqual(automated, []);
  assert.equal(calls.length, 1, "is-automated=true asks no registry");
});

test("searchImages() refuses bad filters, limits and terms with moby's texts before asking any registry", async () => {
  const { registry, calls } = fakeRegistry([]);
  const cases: [Parameters<typeof searchImages>[1], string][] = [
    [
      { term: "x/y:1/z", limit: 0, filters: { nope: ["1"] }, credentials: {} },
      "invalid filter 'nope'",
    ],
    [
      {
        term: "h:1/z",
        limit: 0,
        filters: { "is-official": ["maybe"] },
        credentials: {},
      },
      "invalid filter 'is-official=[maybe]'",
    ],
    [
      {
        term: "h:1/z",
        limit: 0,
        filters: { stars: ["many"] },
        credentials: {},
      },
      `invalid filter 'stars=many': strconv.Atoi: parsing "many": invalid syntax`,
    ],
    [
      { term: "h:1/z", limit: 101, filters: {}, credentials: {} },
      "limit 101 is outside the range of [1, 100]",
    ],
    [
      { term: "h:1/z", limit: -1, filters: {}, credentials: {} },
      "limit -1 is outside the range of [1, 100]",
    ],
    [
      { term: "http://h:1/z", limit: 0, filters: {}, credentials: {} },
      "invalid repository name: repository name (http://h:1/z) should not have a scheme",
    ],
  ];
  for (const [o, message] of cases)
    await assert.rejects(searchImages(registry, o), (err: Error) => {
      assert.ok(err instanceof InvalidArgumentError, message);
      assert.equal(err.message, message);
      return true;
    });
  assert.equal(calls.length, 0);
});

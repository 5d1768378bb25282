import { test } from "node:test";
import assert from "node:assert/strict";
import { parseChallenges, repositoryScope } from "./challenge.ts";

test("parseChallenges() reads a bearer challenge with quoted params", () => {
  assert.deepEqual(
    parseChallenges(
      'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"',
    ),
    [
      {
        scheme: "bearer",
        params: {
          realm: "https://auth.example/token",
          service: "registry.example",
          scope: "repository:a/b:pull,push",
        },
      },
    ],
  );
});

test("parseChallenges() splits several challenges and unquoted values", () => {
  const c = parseChallenges(
    'Basic realm="Registry Realm", Bearer realm=x,service=y',
  );
  assert.deepEqual(c, [
    { scheme: "basic", params: { realm: "Registry Realm" } },
    { scheme: "bearer", params: { realm: "x", service: "y" } },
  ]);
});

test("parseChallenges() unescapes quoted pairs and tolerates garbage", () => {
  assert.deepEqual(parseChallenges('Basic realm="a\\"b"'), [
    { scheme: "basic", params: { realm: 'a"b' } },
  ]);
  assert.deepEqual(parseChallenges(""), []);
  assert.deepEqual(parseChallenges("Basic"), [{ scheme: "basic", params: {} }]);
});

test("repositoryScope() joins actions with commas", () => {
  assert.equal(
    repositoryScope("team/bb", ["pull", "push"]),
    "repository:team/bb:pull,push",
  );
});

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  familiarString,
  parseNormalizedReference,
  parseReference,
  referenceString,
  withDefaultTag,
} from "./reference.ts";

const norm = (s: string): string =>
  referenceString(withDefaultTag(parseNormalizedReference(s)));
const familiar = (s: string): string =>
  familiarString(withDefaultTag(parseNormalizedReference(s)));

test("parseNormalizedReference() adds docker.io, library/ and latest as Docker does", () => {
  assert.equal(norm("busybox"), "docker.io/library/busybox:latest");
  assert.equal(norm("user/app:1.0"), "docker.io/user/app:1.0");
  assert.equal(
    norm("index.docker.io/busybox"),
    "docker.io/library/busybox:latest",
  );
  assert.equal(norm("localhost/app"), "localhost/app:latest");
  assert.equal(norm("localhost:5000/a/b:tag"), "localhost:5000/a/b:tag");
  assert.equal(norm("[::1]:5000/a"), "[::1]:5000/a:latest");
});

test("familiarString() gives the short display form", () => {
  assert.equal(familiar("docker.io/library/busybox"), "busybox:latest");
  assert.equal(familiar("docker.io/user/app:2"), "user/app:2");
  assert.equal(familiar("localhost:5000/a/b:tag"), "localhost:5000/a/b:tag");
  assert.equal(familiar("docker.io/library/a/b"), "library/a/b:latest");
});

test("a digest reference keeps its digest and gets no default tag", () => {
  const d = "sha256:" + "a".repeat(64);
  const ref = parseNormalizedReference(`busybox@${d}`);
  assert.equal(ref.digest, d);
  assert.equal(familiarString(withDefaultTag(ref)), `busybox@${d}`);
  assert.equal(
    familiarString(parseNormalizedReference(`busybox:1@${d}`)),
    `busybox:1@${d}`,
  );
});

test("uppercase repository names give Docker's message with the normalized path", () => {
  assert.throws(
    () => parseNormalizedReference("Busybox"),
    /^InvalidReferenceError: invalid reference format: repository name \(library\/Busybox\) must be lowercase$/,
  );
});

test("malformed references give invalid reference format", () => {
  for (const bad of [
    "busybox:",
    "a//b",
    ":tag",
    "busybox@sha256:abc",
    "-a",
    "a:b:c",
    "A:B/c",
  ])
    assert.throws(
      () => parseNormalizedReference(bad),
      /invalid reference format/,
      bad,
    );
  assert.throws(
    () => parseNormalizedReference("a".repeat(64)),
    /cannot specify 64-byte hexadecimal strings/,
  );
  assert.throws(() => parseReference(""), /at least one component/);
  assert.throws(
    () => parseReference("a/" + "b".repeat(260)),
    /not be more than 255/,
  );
});

test("tags may hold dots, dashes and underscores but not start with them", () => {
  assert.equal(parseNormalizedReference("a:v1.2-rc_3").tag, "v1.2-rc_3");
  assert.throws(
    () => parseNormalizedReference("a:.x"),
    /invalid reference format/,
  );
});

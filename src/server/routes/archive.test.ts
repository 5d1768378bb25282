import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { ForbiddenError, NotFoundError } from "../../util/errors.ts";
import { injector } from "../testing.ts";
import {
  archiveRoutes,
  type ArchiveBackend,
  type ContainerPathStat,
} from "./archive.ts";

const stat: ContainerPathStat = {
  name: "etc",
  size: 4096,
  mode: 2147484141,
  mtime: "2024-01-02T03:04:05Z",
  linkTarget: "",
};

function fake(): ArchiveBackend & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    archiveStat: async (ref, path) => {
      if (path === "/nope")
        throw new NotFoundError(
          `Could not find the file ${path} in container ${ref}`,
        );
      return stat;
    },
    archiveGet: async () => ({
      stat,
      tar: Readable.from([Buffer.from("TAR")]),
    }),
    archivePut: async (ref, body, o) => {
      if (o.path === "/ro")
        throw new ForbiddenError("container rootfs is marked read-only");
      let text = "";
      for await (const c of body) text += String(c);
      calls.push(["put", ref, text, o]);
    },
    changes: async (ref) =>
      ref === "clean" ? [] : [{ Path: "/tmp", Kind: 0 }],
    export: async () => Readable.from([Buffer.from("ROOTFS")]),
    commit: async (ref, o) => (calls.push(["commit", ref, o]), "sha256:img"),
  };
}

test("HEAD /containers/{id}/archive sends the stat header only; no path is 400", async () => {
  const inject = injector(archiveRoutes(fake()));
  const r = await inject("HEAD", "/v1.50/containers/c/archive?path=/etc");
  assert.equal(r.status, 200);
  const header = r.headers["x-docker-container-path-stat"] as string;
  assert.deepEqual(JSON.parse(Buffer.from(header, "base64").toString()), stat);
  const none = await inject("GET", "/containers/c/archive");
  assert.equal(none.status, 400);
  assert.deepEqual(none.json(), {
    message: "bad parameter: path cannot be empty",
  });
  assert.equal(
    (await inject("HEAD", "/containers/c/archive?path=/nope")).status,
    404,
  );
});

test("GET /containers/{id}/archive streams the tar with the stat header", async () => {
  const r = await injector(archiveRoutes(fake()))(
    "GET",
    "/containers/c/archive?path=/etc",
  );
  assert.equal(r.status, 200);
  assert.equal(r.headers["content-type"], "application/x-tar");
  assert.ok(r.headers["x-docker-container-path-stat"]);
  assert.equal(r.body, "TAR");
});

test("PUT /containers/{id}/archive hands the body over and answers 200; read-only is 403", async () => {
  const b = fake();
  const inject = injector(archiveRoutes(b));
  const r = await inject(
    "PUT",
    "/containers/c/archive?path=/tmp&copyUIDGID=1",
    "TARBODY",
  );
  assert.equal(r.status, 200);
  assert.deepEqual(b.calls[0], [
    "put",
    "c",
    "TARBODY",
    { path: "/tmp", noOverwriteDirNonDir: false, copyUIDGID: true },
  ]);
  assert.equal(
    (await inject("PUT", "/containers/c/archive?path=/ro", "x")).status,
    403,
  );
});

test("GET /containers/{id}/changes sends null when nothing changed", async () => {
  const inject = injector(archiveRoutes(fake()));
  assert.equal(
    (await inject("GET", "/containers/clean/changes")).body.trim(),
    "null",
  );
  assert.deepEqual((await inject("GET", "/containers/c/changes")).json(), [
    { Path: "/tmp", Kind: 0 },
  ]);
});

test("GET /containers/{id}/export streams the root filesystem tar", async () => {
  const r = await injector(archiveRoutes(fake()))(
    "GET",
    "/containers/c/export",
  );
  assert.equal(r.status, 200);
  assert.equal(r.headers["content-type"], "application/x-tar");
  assert.equal(r.body, "ROOTFS");
});

test("POST /commit answers 201 with Id, pauses by default, and 404 without a container", async () => {
  const b = fake();
  const inject = injector(archiveRoutes(b));
  const r = await inject(
    "POST",
    "/v1.50/commit?container=c&repo=img&tag=1&changes=CMD%20sh",
    {
      Env: ["A=1"],
    },
  );
  assert.equal(r.status, 201);
  assert.deepEqual(r.json(), { Id: "sha256:img" });
  assert.deepEqual(b.calls[0], [
    "commit",
    "c",
    {
      pause: true,
      changes: ["CMD sh"],
      config: { Env: ["A=1"] },
      repo: "img",
      tag: "1",
    },
  ]);
  const none = await inject("POST", "/commit");
  assert.equal(none.status, 404);
  assert.deepEqual(none.json(), { message: "No such container: " });
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { ConflictError, NotFoundError } from "../../util/errors.ts";
import { injectOnce as inject } from "../testing.ts";
import { imageRoutes, type ImagesBackend } from "./images.ts";
import { unbuiltRoutes } from "./unbuilt.ts";

const calls: string[] = [];
const fake: ImagesBackend = {
  list: async (o) => (
    calls.push(`list all=${o.all} ${JSON.stringify(o.filters)}`),
    []
  ),
  inspect: async (name) => {
    throw new NotFoundError(`No such image: ${name}:latest`);
  },
  history: async () => [],
  tag: async (name, o) =>
    void calls.push(`tag ${name} ${o.repo} ${o.tag ?? ""}`),
  remove: async (name, o) => {
    if (o.force)
      return [{ Untagged: `${name}:latest` }, { Deleted: "sha256:x" }];
    throw new ConflictError(
      "conflict: unable to delete abc (must be forced) - image is being used by stopped container def",
    );
  },
  prune: async () => ({ ImagesDeleted: null, SpaceReclaimed: 0 }),
  import: async (_b, o) => (
    calls.push(
      `import ${o.fromSrc} ${o.repo ?? ""} ${JSON.stringify(o.changes)}`,
    ),
    "sha256:abc"
  ),
  save: (names) => Readable.from([Buffer.from(`tar of ${names.join(",")}`)]),
  load: async () => ["Loaded image: busybox:latest\n"],
  pull: async (name, o) => {
    calls.push(`pull ${name} ${o.tag ?? ""} ${o.platform ?? ""}`);
    if (name === "nope")
      throw new NotFoundError("manifest for nope:latest not found");
    o.progress({ status: "Pulling from library/busybox", id: "latest" });
    if (name === "half") throw new Error("unexpected EOF");
  },
};
const router = imageRoutes(fake);

test("GET /images/{name}/json answers 404 with Docker's message", async () => {
  const r = await inject(router, "GET", "/v1.50/images/nope/json");
  assert.equal(r.status, 404);
  assert.deepEqual(JSON.parse(r.body), {
    message: "No such image: nope:latest",
  });
});

test("GET /images/json passes all and filters to the backend", async () => {
  const r = await inject(
    router,
    "GET",
    `/images/json?all=1&filters=${encodeURIComponent('{"dangling":["true"]}')}`,
  );
  assert.equal(r.status, 200);
  assert.equal(r.body.trim(), "[]");
  assert.equal(calls.at(-1), 'list all=true {"dangling":["true"]}');
});

test("POST /images/{name}/tag keeps slashes in the name and answers 201", async () => {
  const r = await inject(
    router,
    "POST",
    "/v1.44/images/localhost:5000/a/b:1/tag?repo=x&tag=2",
  );
  assert.equal(r.status, 201);
  assert.equal(calls.at(-1), "tag localhost:5000/a/b:1 x 2");
});

test("DELETE /images/{name} answers 409 on conflict and the item list when forced", async () => {
  assert.equal((await inject(router, "DELETE", "/images/busybox")).status, 409);
  const r = await inject(router, "DELETE", "/images/busybox?force=1");
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body), [
    { Untagged: "busybox:latest" },
    { Deleted: "sha256:x" },
  ]);
});

test("POST /images/create imports from the body and streams the id", async () => {
  const r = await inject(
    router,
    "POST",
    "/images/create?fromSrc=-&repo=busybox&changes=CMD%20sh",
    "tar",
  );
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body), { status: "sha256:abc" });
  assert.equal(calls.at(-1), 'import - busybox ["CMD sh"]');
});

test("POST /images/create?fromImage= pulls: early failures keep their status, later ones go in-stream", async () => {
  const ok = await inject(
    router,
    "POST",
    "/images/create?fromImage=busybox&tag=latest&platform=linux%2Farm64",
  );
  assert.equal(ok.status, 200);
  assert.deepEqual(JSON.parse(ok.body), {
    status: "Pulling from library/busybox",
    id: "latest",
  });
  assert.equal(calls.at(-1), "pull busybox latest linux/arm64");
  const missing = await inject(router, "POST", "/images/create?fromImage=nope");
  assert.equal(missing.status, 404);
  assert.match(JSON.parse(missing.body).message, /manifest for nope/);
  const half = await inject(router, "POST", "/images/create?fromImage=half");
  assert.equal(half.status, 200);
  const lines = half.body
    .trim()
    .split("\r\n")
    .map((l) => JSON.parse(l) as unknown);
  assert.deepEqual(lines.at(-1), {
    errorDetail: { message: "unexpected EOF" },
    error: "unexpected EOF",
  });
});

test("POST /images/load streams JSON lines and GET /images/get streams a tar", async () => {
  const load = await inject(router, "POST", "/images/load?quiet=1", "x");
  assert.deepEqual(JSON.parse(load.body), {
    stream: "Loaded image: busybox:latest\n",
  });
  const save = await inject(router, "GET", "/images/get?names=a&names=b");
  assert.equal(save.headers["content-type"], "application/x-tar");
  assert.equal(save.body, "tar of a,b");
});

test("POST /images/prune sends null ImagesDeleted", async () => {
  const r = await inject(router, "POST", "/images/prune");
  assert.deepEqual(JSON.parse(r.body), {
    ImagesDeleted: null,
    SpaceReclaimed: 0,
  });
});

test("image query parameters wharf does not act on (manifests, import platform) answer 501 only when set", async () => {
  for (const [m, p] of [
    ["GET", "/images/json?manifests=1"],
    ["GET", "/images/busybox/json?manifests=true"],
    ["POST", "/images/create?fromSrc=-&platform=linux%2Farm64"],
  ] as const) {
    const r = await inject(router, m, p);
    assert.equal(r.status, 501, p);
    assert.match(JSON.parse(r.body).message, /^not implemented: .*/, p);
  }
  assert.equal(
    (await inject(router, "GET", "/images/json?manifests=0")).status,
    200,
  );
  assert.equal(
    (await inject(router, "GET", "/images/busybox/history")).status,
    200,
  );
});

test("Docker endpoints wharf lacks answer 501 naming the feature, after the real routes", async () => {
  const r = [...imageRoutes(fake), ...unbuiltRoutes()];
  for (const [m, p, what] of [
    ["GET", "/plugins/privileges?remote=x", "plugins"],
    ["POST", "/swarm/init", "swarm"],
  ] as const) {
    const res = await inject(r, m, p);
    assert.equal(res.status, 501, p);
    assert.match(
      JSON.parse(res.body).message,
      new RegExp(`^not implemented: .*${what}`),
    );
  }
  assert.equal((await inject(r, "GET", "/images/json")).status, 200);
  assert.equal((await inject(r, "GET", "/nope")).status, 404);
});

test("platform parameters of history, save, load and rmi are decoded (API 1.48+, rmi 1.50+) and passed on; bad ones are 400 with moby's texts", async () => {
  const seen: unknown[] = [];
  const r = imageRoutes({
    ...fake,
    history: async (_n, o) => (seen.push(["history", o]), []),
    save: (names, o) => (
      seen.push(["save", o]),
      Readable.from([Buffer.from(names.join(","))])
    ),
    load: async (_b, o) => (seen.push(["load", o]), []),
    remove: async (_n, o) => (seen.push(["rmi", o.platforms]), []),
  });
  const arm = encodeURIComponent('{"os":"linux","architecture":"arm64"}');
  const amd = encodeURIComponent('{"os":"linux","architecture":"amd64"}');
  for (const [m, p] of [
    ["GET", `/v1.50/images/bb/history?platform=${arm}`],
    ["GET", `/v1.50/images/get?names=bb&platform=${arm}`],
    ["POST", `/v1.50/images/load?platform=${arm}&platform=${amd}`],
    ["DELETE", `/v1.50/images/bb?platforms=${arm}`],
    ["GET", `/v1.47/images/bb/history?platform=garbage`],
    ["DELETE", `/v1.49/images/bb?platforms=garbage`],
  ] as const)
    assert.equal((await inject(r, m, p)).status, 200, p);
  const a = { os: "linux", architecture: "arm64" };
  assert.deepEqual(seen, [
    ["history", { platform: a }],
    ["save", { platform: a }],
    ["load", { platforms: [a, { os: "linux", architecture: "amd64" }] }],
    ["rmi", [a]],
    ["history", {}],
    ["rmi", []],
  ]);
  const bad: [string, string, string][] = [
    [
      "GET",
      `/v1.50/images/bb/history?platform=linux%2Farm64`,
      "failed to parse platform: ",
    ],
    [
      "GET",
      `/v1.50/images/bb/history?platform=${encodeURIComponent('{"os":"linux"}')}`,
      "both OS and Architecture must be provided",
    ],
    [
      "GET",
      `/v1.50/images/get?names=bb&platform=${arm}&platform=${amd}`,
      "multiple platform parameters not supported",
    ],
  ];
  for (const [m, p, text] of bad) {
    const res = await inject(r, m, p);
    assert.equal(res.status, 400, p);
    assert.ok(
      (JSON.parse(res.body) as { message: string }).message.startsWith(text),
      p,
    );
  }
});

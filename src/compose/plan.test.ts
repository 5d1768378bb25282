import { test } from "node:test";
import assert from "node:assert/strict";
import type { ContainerSummary } from "../client/index.ts";
import { planService } from "./plan.ts";

const c = (
  n: number,
  hash: string,
  state = "running",
  image = "sha256:i",
): ContainerSummary =>
  ({
    Id: `id${n}`,
    Names: [`/p-web-${n}`],
    ImageID: image,
    State: state,
    Labels: {
      "com.docker.compose.container-number": String(n),
      "com.docker.compose.config-hash": hash,
    },
  }) as unknown as ContainerSummary;

const kinds = (a: ReturnType<typeof planService>) =>
  a.map(
    (x) =>
      `${x.kind}${"number" in x ? x.number : "container" in x ? x.container.Id.slice(2) : ""}`,
  );

test("current containers are kept, stopped ones started, missing replicas created", () => {
  const plan = planService({
    hash: "h",
    imageId: "sha256:i",
    existing: [c(1, "h"), c(2, "h", "exited")],
    replicas: 3,
  });
  assert.deepEqual(kinds(plan), ["keep1", "keep2", "create3"]);
  assert.equal(plan[1]?.kind === "keep" && plan[1].running, false);
});

test("a changed hash or image recreates; --no-recreate keeps; --force-recreate recreates all", () => {
  assert.deepEqual(
    kinds(planService({ hash: "h2", existing: [c(1, "h")], replicas: 1 })),
    ["recreate1"],
  );
  assert.deepEqual(
    kinds(
      planService({
        hash: "h",
        imageId: "sha256:new",
        existing: [c(1, "h")],
        replicas: 1,
      }),
    ),
    ["recreate1"],
  );
  assert.deepEqual(
    kinds(
      planService({
        hash: "h2",
        existing: [c(1, "h")],
        replicas: 1,
        noRecreate: true,
      }),
    ),
    ["keep1"],
  );
  assert.deepEqual(
    kinds(
      planService({
        hash: "h",
        existing: [c(1, "h")],
        replicas: 1,
        forceRecreate: true,
      }),
    ),
    ["recreate1"],
  );
});

test("scaling down removes the highest numbers first", () => {
  assert.deepEqual(
    kinds(
      planService({
        hash: "h",
        existing: [c(3, "h"), c(1, "h"), c(2, "h")],
        replicas: 1,
      }),
    ),
    ["remove3", "remove2", "keep1"],
  );
});

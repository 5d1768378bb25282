import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { skipReason, TestDaemon, wharfOnly } from "../harness.ts";
import { shapeDiff } from "./shape-diff.ts";

const fixtures = join(import.meta.dirname, "../../fixtures/dockerd");
const steps = JSON.parse(
  readFileSync(join(fixtures, "steps.json"), "utf8"),
) as {
  setup: string[][];
  exec: unknown;
  capture: Record<string, string>;
};

/** Objects whose keys are data (names, ids, paths), compared by type only. */
const dataKeyed = [
  ".Config.Labels",
  ".Config.Volumes",
  ".Config.ExposedPorts",
  ".ContainerConfig.Labels",
  ".ContainerConfig.Volumes",
  ".ContainerConfig.ExposedPorts",
  ".NetworkSettings.Networks",
  ".NetworkSettings.Ports",
  ".Containers",
  ".Labels",
  ".Options",
  ".Plugins",
  ".Runtimes",
  ".GraphDriver.Data",
  ".RegistryConfig.IndexConfigs",
  ".DriverStatus",
  ".SystemStatus",
];

/**
 * Differences that remain, each justified in docs/compat.md ("Shapes
 * against dockerd 20.10"): fixture name → paths.
 */
const accepted: Record<string, string[]> = {
  container: [],
  network: [],
  volume: [],
  image: [],
  "image-committed": [],
  exec: [],
  info: [
    ".RegistryConfig.AllowNondistributableArtifactsCIDRs",
    ".RegistryConfig.AllowNondistributableArtifactsHostnames",
    ".ContainerdCommit.Expected",
    ".RuncCommit.Expected",
    ".InitCommit.Expected",
  ].map((p) => `${p}: missing in wharf`),
};

describe(
  "JSON shapes match dockerd 20.10's (test/fixtures/dockerd)",
  { skip: skipReason() ?? wharfOnly("compares wharf with the fixtures") },
  () => {
    const d = new TestDaemon();
    const got: Record<string, unknown> = {};
    before(async () => {
      await d.start();
      await d.importBusybox();
      for (const args of steps.setup) await d.ok(args);
      const exec = JSON.parse(
        (
          await d.curl([
            "/v1.41/containers/fx-c/exec",
            "-X",
            "POST",
            "-H",
            "Content-Type: application/json",
            "-d",
            JSON.stringify(steps.exec),
          ])
        ).stdout,
      ) as { Id: string };
      for (const [name, path] of Object.entries(steps.capture))
        got[name] = JSON.parse(
          (await d.curl([path.replace("{exec}", exec.Id)])).stdout,
        );
    });
    after(async () => {
      await d.docker(["network", "rm", "fx-net"]).catch(() => undefined);
      await d.stop();
    });

    for (const name of Object.keys(steps.capture))
      test(`${name}: every key dockerd sends is there with the same type`, () => {
        const docker = JSON.parse(
          readFileSync(join(fixtures, `${name}.json`), "utf8"),
        ) as unknown;
        const diff = shapeDiff(docker, got[name], { dataKeyed });
        assert.deepEqual(
          diff.filter((p) => !accepted[name]!.includes(p)),
          [],
        );
      });
  },
);

import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { execFile } from "../../../src/util/exec.ts";
import { skipReason, suiteDaemon } from "../harness.ts";
import {
  buildFlags,
  corpusDir,
  fixtureNames,
  fixtureOptions,
  listArgs,
  listLines,
  normaliseConfig,
  readGolden,
} from "./golden-corpus.ts";

const cli = resolve(import.meta.dirname, "../../../dist/wharf.cjs");

type Seen = { config: Record<string, unknown>; files?: string[] };
type Observed = { docker: Seen; wharf: Seen };

describe(
  "the Dockerfile corpus builds as Docker 20.10's legacy builder built it (golden configs)",
  { skip: skipReason() },
  () => {
    const d = suiteDaemon();
    // compat: plain `docker build` picks the classic builder from the ping header.
    delete d.env.DOCKER_BUILDKIT;

    /** The golden fields of an image and, when asked, its listed files. */
    async function observe(
      tag: string,
      list: string | undefined,
    ): Promise<Seen> {
      // The API's own answer: Docker 28's CLI re-encodes the config and
      // drops empty lists (`CMD []` would read as no Cmd at all).
      const r = await d.curl([`/images/${tag}/json`]);
      const inspect = JSON.parse(r.stdout) as {
        Config: Record<string, unknown>;
      };
      const config = normaliseConfig(inspect.Config);
      return list
        ? { config, files: listLines(await d.ok(listArgs(tag, list))) }
        : { config };
    }

    /** Builds a fixture through the Docker CLI and through wharf build (no cache: a build of its own). */
    async function buildBoth(name: string): Promise<Observed> {
      const options = fixtureOptions(name);
      const dir = join(corpusDir, name);
      const flags = buildFlags(options);
      const viaDocker = `golden-docker-${name}`;
      const viaWharf = `golden-wharf-${name}`;
      const [, wharf] = await Promise.all([
        d.ok(["build", "-t", viaDocker, ...flags, dir]),
        execFile(
          process.execPath,
          [cli, "build", "--no-cache", "-t", viaWharf, ...flags, dir],
          { env: d.env },
        ),
      ]);
      if (wharf.code !== 0)
        throw new Error(`wharf build ${name}: ${wharf.stderr}`);
      return {
        docker: await observe(viaDocker, options.list),
        wharf: await observe(viaWharf, options.list),
      };
    }

    // The fixtures build three at a time (their steps mostly wait on the
    // disk); each test awaits its own fixture's result.
    const names = fixtureNames();
    const results = new Map<string, Promise<Observed>>();
    before(() => {
      let running = 0;
      const waiting: (() => void)[] = [];
      const slot = async (): Promise<void> => {
        if (running++ >= 3) await new Promise<void>((ok) => waiting.push(ok));
      };
      const release = (): void => {
        running--;
        waiting.shift()?.();
      };
      for (const name of names) {
        const p = slot().then(() => buildBoth(name).finally(release));
        p.catch(() => undefined);
        results.set(name, p);
      }
    });

    for (const name of names)
      test(name, async () => {
        const expected = readGolden(name);
        const got = await results.get(name)!;
        assert.deepEqual(got.docker, expected, "built through the Docker CLI");
        assert.deepEqual(got.wharf, expected, "built through wharf build");
      });
  },
);

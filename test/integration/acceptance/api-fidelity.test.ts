import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { skipReason, suiteDaemon, wharfOnly } from "../harness.ts";

/**
 * What client libraries (docker-py, dockerode, the Go client at old API
 * versions) see over raw HTTP: body validation, size limits, records read
 * back from disk. The Docker CLI never sends these bodies, so curl does.
 */
describe(
  "request bodies are checked as dockerd's decoder checks them",
  { skip: skipReason() },
  () => {
    const d = suiteDaemon();

    const post = async (
      path: string,
      body: string,
      extra: string[] = [],
    ): Promise<{ code: string; body: string }> => {
      const r = await d.curl([
        path,
        "-X",
        "POST",
        "-H",
        "Content-Type: application/json",
        "--data-binary",
        body,
        "-w",
        "\n%{http_code}",
        ...extra,
      ]);
      const lines = r.stdout.trimEnd().split("\n");
      return { code: lines.pop()!, body: lines.join("\n") };
    };
    const count = async (): Promise<number> =>
      (await d.ok(["ps", "-aq"])).split("\n").filter(Boolean).length;

    test(
      "wrongly typed create fields are 400 naming the field, and nothing is created",
      {
        skip: wharfOnly(
          "dockerd 28's texts; dockerd 20.10 answers 500 with Go 1.19 paths",
        ),
      },
      async () => {
        const before = await count();
        const cases: [string, string][] = [
          [
            '{"Image":["busybox"]}',
            "CreateRequest.Config.Image of type string",
          ],
          [
            '{"Image":"busybox","Cmd":{"a":1}}',
            "CreateRequest.Config.Cmd of type string",
          ],
          [
            '{"Image":"busybox","Env":"A=1"}',
            "CreateRequest.Config.Env of type []string",
          ],
          [
            '{"Image":"busybox","HostConfig":{"Memory":"lots"}}',
            "HostConfig.HostConfig.Resources.Memory of type int64",
          ],
          [
            '{"Image":"busybox","HostConfig":{"Privileged":"true"}}',
            "HostConfig.HostConfig.Privileged of type bool",
          ],
          [
            '{"Image":"busybox","HostConfig":{"Binds":"/:/host"}}',
            "HostConfig.HostConfig.Binds of type []string",
          ],
        ];
        for (const [body, field] of cases) {
          const r = await post("/v1.50/containers/create", body);
          assert.equal(r.code, "400", body);
          assert.match(
            JSON.parse(r.body).message as string,
            new RegExp(
              `^invalid JSON: json: cannot unmarshal \\w+ into Go struct field ${field.replace(/[[\]]/g, "\\$&")}$`,
            ),
          );
        }
        assert.equal(await count(), before);
      },
    );

    test(
      "invalid JSON is 400 on every body-taking endpoint",
      {
        skip: wharfOnly(
          "dockerd 28's texts; dockerd 20.10 answers some with 500",
        ),
      },
      async () => {
        await d.ok(["create", "--name", "fid-c", "busybox", "sleep", "60"]);
        const paths = [
          "/containers/create",
          "/containers/fid-c/update",
          "/containers/fid-c/exec",
          "/networks/create",
          "/networks/bridge/connect",
          "/networks/bridge/disconnect",
          "/volumes/create",
          "/commit?container=fid-c",
        ];
        for (const p of paths) {
          const r = await post(p, "{nope");
          assert.equal(r.code, "400", p);
          assert.equal(
            JSON.parse(r.body).message,
            "invalid JSON: invalid character 'n' looking for beginning of object key string",
            p,
          );
        }
        const typed = await post("/volumes/create", '{"Name":["v"]}');
        assert.equal(typed.code, "400");
        assert.equal((await d.ok(["volume", "ls", "-q"])).trim(), "");
      },
    );

    test("null means absent, field by field (a Python client's health check)", async () => {
      const r = await post(
        "/containers/create?name=fid-null",
        JSON.stringify({
          Image: "busybox",
          Cmd: null,
          Env: null,
          Healthcheck: {
            Test: ["CMD", "true"],
            Interval: null,
            Timeout: null,
            StartPeriod: null,
            Retries: null,
          },
          HostConfig: { Binds: null, LogConfig: null, RestartPolicy: null },
          NetworkingConfig: null,
        }),
      );
      assert.equal(r.code, "201", r.body);
      const [info] = JSON.parse(await d.ok(["inspect", "fid-null"])) as {
        Config: { Cmd: string[] };
      }[];
      assert.deepEqual(info!.Config.Cmd, ["sh"]);
    });

    test(
      "a 64 MiB body is refused early; memory stays flat and ps answers",
      {
        skip: wharfOnly("dockerd has no body limit"),
      },
      async () => {
        const file = join(d.dir, "big.json");
        writeFileSync(
          file,
          `{"Image":"busybox","Labels":{"a":"${"x".repeat(64 * 1024 * 1024)}"}}`,
        );
        const rss = (): number =>
          Number(
            /VmRSS:\s+(\d+)/.exec(
              readFileSync(`/proc/${d.pid}/status`, "utf8"),
            )?.[1] ?? 0,
          );
        const before = rss();
        const [r, ps] = await Promise.all([
          post("/containers/create", `@${file}`),
          d.docker(["ps"]),
        ]);
        assert.equal(r.code, "400");
        assert.match(JSON.parse(r.body).message as string, /too large/);
        assert.equal(ps.code, 0);
        // The body was never buffered: far less than its 64 MiB was added.
        assert.ok(rss() - before < 32 * 1024, `RSS grew ${rss() - before} KiB`);
        assert.equal((await d.docker(["ps"])).code, 0);
      },
    );

    test(
      "a record with a wrongly typed field read back from disk never breaks a listing",
      { skip: wharfOnly("wharf's own record files") },
      async () => {
        const id = (
          await d.ok(["create", "--name", "fid-rec", "busybox", "true"])
        ).trim();
        await d.halt();
        const path = join(d.dir, "data/containers", id, "record.json");
        const rec = JSON.parse(readFileSync(path, "utf8")) as {
          record: { config: Record<string, unknown> };
        };
        rec.record.config.Image = ["busybox"];
        writeFileSync(path, JSON.stringify(rec));
        await d.start();
        const ps = await d.docker(["ps", "-a", "--format", "{{.Names}}"]);
        assert.equal(ps.code, 0, ps.stderr);
        assert.match(ps.stdout, /fid-rec/);
        await d.ok(["rm", id]);
      },
    );

    test("the old /containers/{id}/copy is gone from API 1.24 on", async () => {
      const r = await post(
        "/v1.24/containers/fid-c/copy",
        '{"Resource":"/etc/hostname"}',
      );
      assert.equal(r.code, "404");
    });

    test("swarm commands on a node without a swarm fail as on an inactive dockerd; plugin ls is empty", async () => {
      const leave = await d.docker(["swarm", "leave"]);
      assert.notEqual(leave.code, 0);
      assert.match(leave.stderr, /This node is not part of a swarm/);
      for (const args of [
        ["node", "ls"],
        ["service", "ls"],
        ["secret", "ls"],
        ["config", "ls"],
      ]) {
        const r = await d.docker(args);
        assert.notEqual(r.code, 0, args.join(" "));
        assert.match(r.stderr, /This node is not a swarm manager/);
      }
      const plugins = await d.docker(["plugin", "ls", "-q"]);
      assert.equal(plugins.code, 0, plugins.stderr);
      assert.equal(plugins.stdout.trim(), "");
    });

    test(
      "tag with an invalid reference is 400 with Docker 28's text and changes nothing",
      {
        skip: wharfOnly(
          "dockerd 28's texts and order; dockerd 20.10 answers 500",
        ),
      },
      async () => {
        const before = await d.ok([
          "images",
          "--format",
          "{{.Repository}}:{{.Tag}}",
        ]);
        const hex = "a".repeat(64);
        const cases: [string, string, string][] = [
          [
            "busybox",
            "repo=Bad",
            "invalid reference format: repository name (library/Bad) must be lowercase",
          ],
          ["busybox", "repo=ok&tag=-x", "invalid tag format"],
          ["busybox", `repo=a@sha256:${hex}`, "cannot import digest reference"],
          [
            "busybox",
            "repo=sha256",
            "refusing to create an ambiguous tag using digest algorithm as name",
          ],
          [
            "nope",
            "repo=Bad",
            "invalid reference format: repository name (library/Bad) must be lowercase",
          ],
        ];
        for (const [src, q, text] of cases) {
          const r = await post(`/v1.50/images/${src}/tag?${q}`, "");
          assert.equal(r.code, "400", q);
          assert.equal(JSON.parse(r.body).message, text, q);
        }
        assert.equal(
          await d.ok(["images", "--format", "{{.Repository}}:{{.Tag}}"]),
          before,
        );
      },
    );

    test("create refuses what dockerd refuses and creates nothing", async () => {
      const before = await count();
      const cases: [string, string, string][] = [
        [
          '{"Image":"busybox","Env":["=x"]}',
          "400",
          "invalid environment variable: =x",
        ],
        [
          '{"Image":"busybox","HostConfig":{"Links":["nope:a"]}}',
          "400",
          "could not get container for nope: No such container: nope",
        ],
        [
          '{"Image":"busybox","HostConfig":{"VolumesFrom":["nope"]}}',
          "400",
          "No such container: nope",
        ],
      ];
      for (const [body, code, text] of cases) {
        const r = await post("/v1.50/containers/create", body);
        assert.deepEqual(
          [r.code, JSON.parse(r.body).message],
          [code, text],
          body,
        );
      }
      const arm = await post(
        "/v1.50/containers/create?platform=linux/arm64",
        '{"Image":"busybox"}',
      );
      assert.equal(arm.code, "404");
      assert.match(
        JSON.parse(arm.body).message as string,
        /^image with reference busybox was found but .*does not match the specified platform/,
      );
      assert.equal(await count(), before);
      const cmd = await post(
        "/v1.50/containers/create?name=fid-strslice",
        '{"Image":"busybox","Cmd":"true"}',
      );
      assert.equal(cmd.code, "201", cmd.body);
      const [info] = JSON.parse(await d.ok(["inspect", "fid-strslice"])) as {
        Config: { Cmd: string[] };
      }[];
      assert.deepEqual(info!.Config.Cmd, ["true"]);
    });
  },
);

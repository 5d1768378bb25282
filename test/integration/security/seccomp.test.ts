import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { skipReason, TestDaemon } from "../harness.ts";

/** Runs a shell script in a fresh busybox container; returns its output. */
async function sh(
  d: TestDaemon,
  script: string,
  opts: string[] = [],
): Promise<string> {
  const r = await d.docker([
    "run",
    "--rm",
    ...opts,
    "busybox",
    "sh",
    "-c",
    script,
  ]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

describe(
  "seccomp and --security-opt through the Docker CLI",
  { skip: skipReason() },
  () => {
    const d = new TestDaemon();
    before(async () => {
      await d.start();
      await d.importBusybox();
    });
    after(() => d.stop());

    test("the default profile is loaded: mount and unshare fail with EPERM, ordinary commands work", async () => {
      const out = await sh(
        d,
        [
          "grep '^Seccomp:' /proc/self/status",
          "mkdir -p /mnt/t; mount -t tmpfs none /mnt/t 2>&1; echo mount=$?",
          "unshare -m true 2>&1; echo unshare=$?",
          "ls / >/dev/null && echo ls=ok",
          "ps >/dev/null && echo ps=ok",
        ].join("; "),
      );
      assert.match(out, /^Seccomp:\s+2$/m);
      assert.match(out, /mount=[1-9]/);
      assert.match(out, /unshare: unshare\(0x20000\): Operation not permitted/);
      assert.match(out, /unshare=[1-9]/);
      assert.match(out, /ls=ok/);
      assert.match(out, /ps=ok/);
    });

    test("execs get the container's filter; httpd keeps serving", async () => {
      await d.ok([
        "run",
        "-d",
        "--name",
        "sec-web",
        "busybox",
        "httpd",
        "-f",
        "-p",
        "8080",
      ]);
      try {
        const r = await d.docker([
          "exec",
          "sec-web",
          "sh",
          "-c",
          "grep '^Seccomp:' /proc/self/status; mount -t tmpfs none /tmp 2>&1; echo mount=$?; ps",
        ]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^Seccomp:\s+2$/m);
        assert.match(r.stdout, /mount=[1-9]/);
        assert.match(r.stdout, /httpd -f -p 8080/);
      } finally {
        await d.docker(["rm", "-f", "sec-web"]);
      }
    });

    test("CAP_SYS_ADMIN unlocks mount and seccomp=unconfined runs without a filter", async () => {
      const admin = await sh(
        d,
        "mkdir -p /mnt/t && mount -t tmpfs none /mnt/t && echo mounted",
        ["--cap-add", "SYS_ADMIN"],
      );
      assert.equal(admin, "mounted\n");
      const free = await sh(d, "grep '^Seccomp:' /proc/self/status", [
        "--security-opt",
        "seccomp=unconfined",
      ]);
      assert.match(free, /^Seccomp:\s+0$/m);
    });

    test("a profile file is read by the CLI and applied, errnoRet included; inspect shows the option as sent", async () => {
      const file = join(d.dir, "deny-mkdir.json");
      writeFileSync(
        file,
        JSON.stringify({
          defaultAction: "SCMP_ACT_ALLOW",
          syscalls: [
            {
              names: ["mkdir", "mkdirat"],
              action: "SCMP_ACT_ERRNO",
              errnoRet: 13,
            },
          ],
        }),
      );
      const id = (
        await d.ok([
          "create",
          "--security-opt",
          `seccomp=${file}`,
          "--security-opt",
          "no-new-privileges",
          "busybox",
          "sh",
          "-c",
          "mkdir /x; grep NoNewPrivs /proc/self/status",
        ])
      ).trim();
      try {
        const opts = JSON.parse(
          await d.ok([
            "inspect",
            "--format",
            "{{json .HostConfig.SecurityOpt}}",
            id,
          ]),
        ) as string[];
        assert.equal(opts[1], "no-new-privileges");
        assert.deepEqual(JSON.parse(opts[0]!.slice("seccomp=".length)), {
          defaultAction: "SCMP_ACT_ALLOW",
          syscalls: [
            {
              names: ["mkdir", "mkdirat"],
              action: "SCMP_ACT_ERRNO",
              errnoRet: 13,
            },
          ],
        });
        const r = await d.docker(["start", "-a", id]);
        assert.match(
          r.stderr,
          /can't create directory '\/x': Permission denied/,
        );
        assert.match(r.stdout, /NoNewPrivs:\s+1/);
      } finally {
        await d.docker(["rm", "-f", id]);
      }
    });

    test("--runtime runc gets the same default profile through linux.seccomp; crun gets the precompiled program and a rule-less linux.seccomp whose flags [] keep SECCOMP_FILTER_FLAG_SPEC_ALLOW out", async (t) => {
      if (!existsSync("/usr/sbin/runc"))
        return t.skip("needs runc (apt-get install runc)");
      const out = await sh(
        d,
        "grep '^Seccomp:' /proc/self/status; unshare -m true 2>&1; echo unshare=$?",
        ["--runtime", "runc"],
      );
      assert.match(out, /^Seccomp:\s+2$/m);
      assert.match(out, /Operation not permitted/);
      assert.match(out, /unshare=[1-9]/);
      type Spec = {
        annotations?: Record<string, string>;
        linux: {
          seccomp?: {
            flags?: string[];
            defaultAction: string;
            syscalls?: { names: string[] }[];
          };
        };
      };
      const specOf = async (opts: string[]): Promise<Spec> => {
        const id = (
          await d.ok(["run", "-d", ...opts, "busybox", "sleep", "60"])
        ).trim();
        try {
          const path = join(d.dir, "run/containers", id, "config.json");
          return JSON.parse(readFileSync(path, "utf8")) as Spec;
        } finally {
          await d.docker(["rm", "-f", id]);
        }
      };
      const crun = await specOf([]);
      assert.ok(crun.annotations?.["run.oci.seccomp_bpf_data"]);
      assert.deepEqual(crun.linux.seccomp, {
        defaultAction: "SCMP_ACT_ERRNO",
        defaultErrnoRet: 1,
        flags: [],
      });
      const runc = await specOf(["--runtime", "runc"]);
      assert.equal(runc.annotations?.["run.oci.seccomp_bpf_data"], undefined);
      assert.deepEqual(runc.linux.seccomp?.flags, []);
      assert.equal(runc.linux.seccomp?.defaultAction, "SCMP_ACT_ERRNO");
      const rules = runc.linux.seccomp?.syscalls ?? [];
      assert.ok(rules.some((r) => r.names.includes("read")));
    });

    test("bad options fail as in Docker and /info lists the builtin profile", async () => {
      const bad = await d.docker([
        "run",
        "--rm",
        "--security-opt",
        "foo=bar",
        "busybox",
        "true",
      ]);
      assert.equal(bad.code, 125);
      assert.match(bad.stderr, /invalid --security-opt 2: "foo=bar"/);
      const cli = await d.docker([
        "run",
        "--rm",
        "--security-opt",
        "nonsense",
        "busybox",
        "true",
      ]);
      assert.equal(cli.code, 125);
      assert.match(cli.stderr, /Invalid --security-opt: "nonsense"/);
      assert.equal((await d.ok(["ps", "-aq"])).trim(), "");
      const info = await d.ok([
        "info",
        "--format",
        "{{json .SecurityOptions}}",
      ]);
      assert.ok(
        (JSON.parse(info) as string[]).includes("name=seccomp,profile=builtin"),
        info,
      );
    });
  },
);

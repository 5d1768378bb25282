/**
 * daemon.json `userns-remap` (issue #13): with a user this test creates
 * (a unique name, its own subuid/subgid lines, all removed afterwards even
 * on failure), container root is the first subordinate id on the host;
 * --userns=host opts out; named volumes belong to the remapped root;
 * --privileged, --network host and --pid host are refused without
 * --userns=host. Both ways of owning image layers are run: idmapped mounts
 * (this kernel) and chown'd copies (WHARF_USERNS_LAYERS=copy).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { execFile } from "../../../src/util/exec.ts";
import { dockerBin, skipReason, TestDaemon, wharfOnly } from "../harness.ts";

/** A throwaway host user with one 65536-id range in /etc/subuid and /etc/subgid. */
class RemapUser {
  readonly name = `wxns${randomBytes(5).toString("hex")}`;
  start = 0;

  async create(): Promise<void> {
    const r = await execFile("useradd", [
      "-r",
      "-U",
      "-s",
      "/bin/false",
      this.name,
    ]);
    if (r.code !== 0) throw new Error(`useradd: ${r.stderr}`);
    let end = 100000;
    for (const f of ["/etc/subuid", "/etc/subgid"])
      for (const l of readOr(f).split("\n")) {
        const [, s, c] = l.split(":");
        if (s && c) end = Math.max(end, Number(s) + Number(c));
      }
    // A start far above the others, so parallel sessions' ranges never meet ours.
    this.start = end + 65536;
    for (const f of ["/etc/subuid", "/etc/subgid"]) {
      const text = readOr(f);
      const sep = text && !text.endsWith("\n") ? "\n" : "";
      writeFileSync(f, `${text}${sep}${this.name}:${this.start}:65536\n`);
    }
  }

  /** Removes the user, its group and its subid lines; safe to call twice. */
  async remove(): Promise<void> {
    for (const f of ["/etc/subuid", "/etc/subgid"]) {
      const text = readOr(f);
      const kept = text
        .split("\n")
        .filter((l) => !l.startsWith(`${this.name}:`))
        .join("\n");
      if (kept !== text) writeFileSync(f, kept);
    }
    await execFile("userdel", [this.name]);
    await execFile("groupdel", [this.name]);
  }
}

function readOr(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

for (const mode of ["idmap", "copy"] as const)
  describe(
    `userns-remap (${mode === "idmap" ? "idmapped layers" : "chown'd layer copies"})`,
    {
      skip:
        skipReason() ?? wharfOnly("the harness gives dockerd no daemon.json"),
    },
    () => {
      const user = new RemapUser();
      const d = new TestDaemon();
      let bind = "";
      before(async () => {
        await user.create();
        // The remapped root must be able to search down to the data root (dockerd checks this too).
        chmodSync(d.dir, 0o711);
        // The copy variant gives the keys as dockerd's flags instead.
        const keys = {
          bridge: "none",
          iptables: false,
          "userns-remap": user.name,
        };
        writeFileSync(
          join(d.dir, "daemon.json"),
          JSON.stringify(mode === "idmap" ? keys : {}),
        );
        const flags =
          mode === "idmap"
            ? []
            : ["-b", "none", "--iptables=false", "--userns-remap", user.name];
        bind = join(d.dir, "bind");
        mkdirSync(bind, { mode: 0o777 });
        chmodSync(bind, 0o777);
        if (mode === "copy") process.env.WHARF_USERNS_LAYERS = "copy";
        try {
          await d.start(flags);
        } finally {
          delete process.env.WHARF_USERNS_LAYERS;
        }
        await d.importBusybox();
      });
      after(async () => {
        try {
          await d.stop();
        } finally {
          await user.remove();
        }
      });

      test("a file container root makes in a bind mount is owned by the first subordinate id", async () => {
        const out = await d.ok([
          "run",
          "--rm",
          "--network",
          "none",
          "-v",
          `${bind}:/b`,
          "busybox",
          "sh",
          "-c",
          "id -u; touch /b/remapped; cat /proc/self/uid_map",
        ]);
        assert.match(out, /^0\n/);
        assert.match(out, new RegExp(`\\s0\\s+${user.start}\\s+65536`));
        const st = statSync(join(bind, "remapped"));
        assert.equal(st.uid, user.start);
        assert.equal(st.gid, user.start);
      });

      test("image files are root's in the container and root may write /, /etc/hosts and /dev/shm", async () => {
        const out = await d.ok([
          "run",
          "--rm",
          "--network",
          "none",
          "busybox",
          "sh",
          "-c",
          "stat -c '%u:%g' /bin/busybox /etc; touch /new && echo x >> /etc/hosts && touch /dev/shm/s && echo writable",
        ]);
        assert.equal(out, "0:0\n0:0\nwritable\n");
      });

      test("--userns=host opts out: the file is owned by host root", async () => {
        await d.ok([
          "run",
          "--rm",
          "--network",
          "none",
          "--userns=host",
          "-v",
          `${bind}:/b`,
          "busybox",
          "touch",
          "/b/host",
        ]);
        assert.equal(statSync(join(bind, "host")).uid, 0);
      });

      test("a named volume belongs to the remapped root and container root writes it", async () => {
        await d.ok(["volume", "create", "vol"]);
        const out = await d.ok([
          "run",
          "--rm",
          "--network",
          "none",
          "-v",
          "vol:/data",
          "busybox",
          "sh",
          "-c",
          "echo hi > /data/f && stat -c '%u' /data /data/f",
        ]);
        assert.equal(out, "0\n0\n");
        const mp = (
          await d.ok(["volume", "inspect", "-f", "{{.Mountpoint}}", "vol"])
        ).trim();
        assert.equal(statSync(join(mp, "f")).uid, user.start);
      });

      test("--privileged, --network host and --pid host are refused unless --userns=host", async () => {
        for (const [flag, text] of [
          [
            "--privileged",
            "privileged mode is incompatible with user namespaces.  You must run the container in the host namespace when running privileged mode",
          ],
          [
            "--network=host",
            "cannot share the host's network namespace when user namespaces are enabled",
          ],
          [
            "--pid=host",
            "cannot share the host PID namespace when user namespaces are enabled",
          ],
        ]) {
          // --network host replaces the --network none the others use.
          const net = flag === "--network=host" ? [] : ["--network", "none"];
          const r = await d.docker([
            "run",
            "--rm",
            ...net,
            flag!,
            "busybox",
            "true",
          ]);
          assert.notEqual(r.code, 0, flag);
          assert.ok(r.stderr.includes(text!), r.stderr);
        }
        assert.equal((await d.ok(["ps", "-aq"])).trim(), "");
        await d.ok([
          "run",
          "--rm",
          "--network",
          "none",
          "--privileged",
          "--userns=host",
          "busybox",
          "true",
        ]);
      });

      test("a commit of a remapped container holds the container's own ids", async () => {
        await d.ok([
          "run",
          "--name",
          "committed",
          "--network",
          "none",
          "busybox",
          "sh",
          "-c",
          "mkdir /made && touch /made/f",
        ]);
        await d.ok(["commit", "committed", "made:1"]);
        // export and cp out give the container's ids too (tar -n: numeric owners).
        for (const args of [
          ["export", "committed"],
          ["cp", "committed:/made", "-"],
        ]) {
          const tarFile = join(d.dir, "out.tar");
          const r = await execFile(
            "sh",
            [
              "-c",
              `"$0" "$@" > ${tarFile} && tar -tvnf ${tarFile} | grep 'made/f'`,
              dockerBin,
              ...args,
            ],
            { env: d.env },
          );
          assert.equal(r.code, 0, r.stderr);
          assert.match(r.stdout, /^\S+ 0\/0 /, args.join(" "));
        }
        const out = await d.ok([
          "run",
          "--rm",
          "--network",
          "none",
          "--userns=host",
          "made:1",
          "stat",
          "-c",
          "%u:%g",
          "/made",
          "/made/f",
        ]);
        assert.equal(out, "0:0\n0:0\n");
      });

      test("a remapped container on a user-defined bridge network runs and reaches its gateway's network", async () => {
        const net = `wxns${randomBytes(4).toString("hex")}`;
        await d.ok([
          "network",
          "create",
          "-o",
          `com.docker.network.bridge.name=${net}`,
          net,
        ]);
        try {
          const out = await d.ok([
            "run",
            "--rm",
            "--network",
            net,
            "--sysctl",
            "net.ipv4.ip_unprivileged_port_start=0",
            "busybox",
            "sh",
            "-c",
            "id -u; ip -4 addr show eth0 | grep -c inet; cat /proc/sys/net/ipv4/ip_unprivileged_port_start; ls /sys/class/net",
          ]);
          assert.match(out, /^0\n1\n0\n/);
        } finally {
          await d.docker(["network", "rm", net]);
        }
      });

      test("a remapped container joins another's network namespace and so its user namespace", async () => {
        await d.ok([
          "run",
          "-d",
          "--name",
          "donor",
          "--network",
          "none",
          "busybox",
          "sleep",
          "60",
        ]);
        const own = await d.ok([
          "exec",
          "donor",
          "readlink",
          "/proc/self/ns/user",
        ]);
        const out = await d.ok([
          "run",
          "--rm",
          "--network",
          "container:donor",
          "busybox",
          "sh",
          "-c",
          "readlink /proc/self/ns/user; touch /x && id -u",
        ]);
        assert.equal(out, `${own.trim()}\n0\n`);
        await d.ok(["rm", "-f", "donor"]);
      });

      test("/info lists name=userns and inspect shows UsernsMode as sent", async () => {
        const info = await d.ok([
          "info",
          "--format",
          "{{json .SecurityOptions}}",
        ]);
        assert.ok((JSON.parse(info) as string[]).includes("name=userns"), info);
        await d.ok([
          "create",
          "--name",
          "opted-out",
          "--network",
          "none",
          "--userns=host",
          "busybox",
        ]);
        await d.ok([
          "create",
          "--name",
          "remapped",
          "--network",
          "none",
          "busybox",
        ]);
        assert.equal(
          (
            await d.ok([
              "inspect",
              "-f",
              "{{.HostConfig.UsernsMode}}",
              "opted-out",
            ])
          ).trim(),
          "host",
        );
        assert.equal(
          (
            await d.ok([
              "inspect",
              "-f",
              "{{.HostConfig.UsernsMode}}",
              "remapped",
            ])
          ).trim(),
          "",
        );
      });
    },
  );

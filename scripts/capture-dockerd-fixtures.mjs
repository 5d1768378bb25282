// Recaptures test/fixtures/dockerd/*.json: the JSON dockerd 20.10 (Debian's
// docker.io, /usr/sbin/dockerd) answers for the objects that
// test/fixtures/dockerd/steps.json makes. A private dockerd on temporary
// roots and socket, no bridge, no iptables; stopped (by its pid) at the end.
// Needs root. Run: node scripts/capture-dockerd-fixtures.mjs
import { spawn, spawnSync, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as prettier from "prettier";

const repo = join(import.meta.dirname, "..");
const fixtures = join(repo, "test/fixtures/dockerd");
const steps = JSON.parse(readFileSync(join(fixtures, "steps.json"), "utf8"));
const dir = mkdtempSync("/tmp/wharf-capture-");
const socket = join(dir, "docker.sock");
const env = { ...process.env, DOCKER_HOST: `unix://${socket}` };
const daemon = spawn(
  "/usr/sbin/dockerd",
  [
    "--data-root",
    join(dir, "data"),
    "--exec-root",
    join(dir, "run"),
    "--pidfile",
    join(dir, "docker.pid"),
    "-H",
    `unix://${socket}`,
    "--bridge=none",
    "--iptables=false",
    "--ip-masq=false",
  ],
  { stdio: "ignore" },
);

const docker = (args, input) =>
  execFileSync("docker", args, { env, encoding: "utf8", input });
const api = (path, ...args) =>
  execFileSync(
    "curl",
    ["-sf", "--unix-socket", socket, ...args, `http://docker${path}`],
    { encoding: "utf8" },
  );

try {
  for (let i = 0; ; i++) {
    if (
      spawnSync("curl", ["-sf", "--unix-socket", socket, "http://d/_ping"])
        .status === 0
    )
      break;
    if (i > 150) throw new Error("dockerd did not answer within 30 s");
    await new Promise((ok) => setTimeout(ok, 200));
  }
  const tar = join(dir, "busybox.tar");
  execFileSync(join(repo, "scripts/busybox-rootfs.sh"), [tar]);
  docker(["import", "--change", 'CMD ["sh"]', tar, "busybox:latest"]);
  for (const args of steps.setup) docker(args);
  const exec = JSON.parse(
    api(
      "/v1.41/containers/fx-c/exec",
      "-X",
      "POST",
      "-H",
      "Content-Type: application/json",
      "-d",
      JSON.stringify(steps.exec),
    ),
  ).Id;
  for (const [name, path] of Object.entries(steps.capture)) {
    const value = JSON.parse(api(path.replace("{exec}", exec)));
    // Formatted as npm run check wants it (prettier --check covers test/).
    writeFileSync(
      join(fixtures, `${name}.json`),
      await prettier.format(JSON.stringify(value), { parser: "json" }),
    );
  }
  for (const args of steps.teardown) docker(args);
} finally {
  daemon.kill("SIGTERM");
  await new Promise((ok) => daemon.once("exit", ok));
  for (const m of readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[4] ?? "")
    .filter((m) => m.startsWith(dir + "/"))
    .reverse())
    spawnSync("umount", ["-l", m]);
  rmSync(dir, { recursive: true, force: true });
}

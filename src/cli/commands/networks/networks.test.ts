import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../../main.ts";

type Seen = {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
};
const seen: Seen[] = [];
const dir = mkdtempSync(join(tmpdir(), "wharf-netcli-"));
const socket = join(dir, "d.sock");

const NETS = [
  {
    Name: "net10",
    Id: "b".repeat(64),
    Driver: "bridge",
    Scope: "local",
    Created: "2024-05-01T10:00:00.123Z",
    EnableIPv6: false,
    Internal: false,
    Labels: { "com.example.tier": "web" },
  },
  {
    Name: "bridge",
    Id: "a".repeat(64),
    Driver: "bridge",
    Scope: "local",
    Created: "2024-05-01T10:00:00Z",
    EnableIPv6: false,
    Internal: false,
    Labels: {},
  },
  {
    Name: "net9",
    Id: "c".repeat(64),
    Driver: "macvlan",
    Scope: "local",
    Created: "2024-05-01T10:00:00Z",
    EnableIPv6: true,
    Internal: true,
    Labels: {},
  },
];

/** A fake daemon: records each request and answers from a small table. */
const server = http.createServer((req, res) => {
  let raw = "";
  req.on("data", (c: Buffer) => (raw += c.toString()));
  req.on("end", () => {
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname.replace(/^\/v1\.\d+/, "");
    if (req.method === "HEAD" && path === "/_ping") {
      res.writeHead(200, { "API-Version": "1.50" }).end();
      return;
    }
    seen.push({
      method: req.method ?? "",
      path,
      query: url.searchParams,
      body: raw ? JSON.parse(raw) : undefined,
    });
    const json = (status: number, v: unknown): void => {
      res
        .writeHead(status, { "Content-Type": "application/json" })
        .end(JSON.stringify(v));
    };
    if (path === "/networks") return json(200, NETS);
    if (path === "/networks/create")
      return json(201, { Id: "d".repeat(64), Warning: "" });
    if (path === "/networks/prune")
      return json(200, { NetworksDeleted: ["net9", "net10"] });
    if (/^\/networks\/(missing|gone)/.test(path))
      return json(404, { message: `network ${path.split("/")[2]} not found` });
    if (req.method === "DELETE") return void res.writeHead(204).end();
    if (req.method === "GET")
      return json(
        200,
        NETS.find((n) => n.Name === path.split("/")[2]),
      );
    res.writeHead(200).end();
  });
});
before(() => new Promise<void>((ok) => server.listen(socket, ok)));
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(
  args: string[],
  stdin = "",
): Promise<{ code: number; out: string; err: string }> {
  seen.length = 0;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const io = { stdin: new PassThrough(), stdout, stderr };
  io.stdin.end(stdin);
  const got = { out: "", err: "" };
  stdout.on("data", (c: Buffer) => (got.out += c.toString()));
  stderr.on("data", (c: Buffer) => (got.err += c.toString()));
  const code = await main(args, io, { WHARF_HOST: `unix://${socket}` });
  return { code, ...got };
}

test("network create translates flags into Docker's create body and prints the id", async () => {
  const r = await cli([
    "network",
    "create",
    "-d",
    "macvlan",
    "--subnet",
    "172.25.0.0/24",
    "--gateway",
    "172.25.0.1",
    "--ip-range",
    "172.25.0.128/25",
    "--subnet",
    "fd00:25::/64",
    "--internal",
    "--attachable",
    "--label",
    "tier=web",
    "-o",
    "parent=eth1",
    "--opt",
    "macvlan_mode=bridge",
    "--ipv6",
    "front",
  ]);
  assert.equal(r.err, "");
  assert.equal(r.code, 0);
  assert.equal(r.out, `${"d".repeat(64)}\n`);
  assert.deepEqual(seen[0]?.body, {
    Name: "front",
    Driver: "macvlan",
    Options: { parent: "eth1", macvlan_mode: "bridge" },
    IPAM: {
      Driver: "default",
      Config: [
        {
          Subnet: "172.25.0.0/24",
          IPRange: "172.25.0.128/25",
          Gateway: "172.25.0.1",
        },
        { Subnet: "fd00:25::/64" },
      ],
      Options: {},
    },
    Internal: true,
    Attachable: true,
    Ingress: false,
    ConfigOnly: false,
    Labels: { tier: "web" },
    EnableIPv6: true,
  });
});

test("network create refuses IPAM flags that do not pair up, in the Docker CLI's words", async () => {
  const cases: [string[], string][] = [
    [
      ["--gateway", "10.0.0.1"],
      "every ip-range or gateway must have a corresponding subnet",
    ],
    [
      ["--subnet", "10.0.0.0/16", "--subnet", "10.0.1.0/24"],
      "multiple overlapping subnet configuration is not supported",
    ],
    [
      ["--subnet", "10.0.0.0/24", "--gateway", "10.9.0.1"],
      "no matching subnet for gateway 10.9.0.1",
    ],
    [
      ["--subnet", "10.0.0.0/24", "--ip-range", "10.1.0.0/25"],
      "no matching subnet for range 10.1.0.0/25",
    ],
    // compat: like the Docker CLI, a lone bad subnet is left to the daemon; a second one makes the CLI compare them.
    [
      ["--subnet", "10.0.0.0/24", "--subnet", "10.0.0/24"],
      "invalid subnet: invalid CIDR address: 10.0.0/24",
    ],
  ];
  for (const [flags, message] of cases) {
    const r = await cli(["network", "create", ...flags, "n"]);
    assert.equal(r.code, 1);
    assert.equal(r.err, `${message}\n`);
    assert.equal(seen.length, 0, "nothing is sent");
  }
});

test("network ls prints Docker's table sorted by name, -q, --no-trunc and --format", async () => {
  const r = await cli(["network", "ls", "--filter", "driver=bridge"]);
  assert.equal(
    r.out,
    [
      "NETWORK ID     NAME      DRIVER    SCOPE",
      "aaaaaaaaaaaa   bridge    bridge    local",
      "cccccccccccc   net9      macvlan   local",
      "bbbbbbbbbbbb   net10     bridge    local",
      "",
    ].join("\n"),
  );
  assert.equal(seen[0]?.query.get("filters"), '{"driver":["bridge"]}');
  assert.equal(
    (await cli(["network", "ls", "-q"])).out,
    "aaaaaaaaaaaa\ncccccccccccc\nbbbbbbbbbbbb\n",
  );
  assert.equal(
    (await cli(["network", "ls", "-q", "--no-trunc"])).out.split("\n")[0],
    "a".repeat(64),
  );
  const f = await cli([
    "network",
    "ls",
    "--format",
    '{{.Name}} {{.IPv6}} {{.Internal}} {{.Label "com.example.tier"}} {{.CreatedAt}}',
  ]);
  assert.equal(
    f.out.split("\n")[2],
    "net10 false false web 2024-05-01 10:00:00.123 +0000 UTC",
  );
});

test("network inspect prints JSON or --format; a missing one exits 1 with the daemon's message", async () => {
  const r = await cli([
    "network",
    "inspect",
    "-f",
    "{{.Driver}}",
    "net9",
    "missing",
  ]);
  assert.equal(r.code, 1);
  assert.equal(r.out, "macvlan\n");
  assert.equal(
    r.err,
    "Error response from daemon: network missing not found\n",
  );
  const j = await cli(["network", "inspect", "bridge"]);
  assert.equal((JSON.parse(j.out) as { Id: string }[])[0]?.Id, "a".repeat(64));
});

test("network rm removes each, reports failures and exits 1; -f skips missing ones", async () => {
  const r = await cli(["network", "rm", "net9", "missing", "net10"]);
  assert.equal(r.code, 1);
  assert.equal(r.out, "net9\nnet10\n");
  assert.equal(
    r.err,
    "Error response from daemon: network missing not found\n",
  );
  assert.deepEqual(
    seen.map((s) => `${s.method} ${s.path}`),
    [
      "DELETE /networks/net9",
      "DELETE /networks/missing",
      "DELETE /networks/net10",
    ],
  );
  const f = await cli(["network", "remove", "-f", "gone", "net9"]);
  assert.equal(f.code, 0);
  assert.equal(f.out, "net9\n");
});

test("network prune asks first, -f skips the question, and lists what went", async () => {
  const no = await cli(["network", "prune"], "n\n");
  assert.match(
    no.out,
    /WARNING! This will remove all custom networks not used by at least one container\.\nAre you sure you want to continue\? \[y\/N\] $/,
  );
  assert.equal(seen.length, 0);
  const r = await cli(["network", "prune", "-f", "--filter", "until=24h"]);
  assert.equal(r.out, "Deleted Networks:\nnet9\nnet10\n");
  assert.equal(seen[0]?.query.get("filters"), '{"until":["24h"]}');
});

test("network connect and disconnect send the container and endpoint settings", async () => {
  const c = await cli([
    "network",
    "connect",
    "--ip",
    "172.25.0.10",
    "--alias",
    "db",
    "--alias",
    "pg",
    "front",
    "web",
  ]);
  assert.equal(c.code, 0);
  assert.deepEqual(seen[0], {
    method: "POST",
    path: "/networks/front/connect",
    query: new URLSearchParams(),
    body: {
      Container: "web",
      EndpointConfig: {
        IPAMConfig: { IPv4Address: "172.25.0.10" },
        Aliases: ["db", "pg"],
      },
    },
  });
  await cli(["network", "disconnect", "-f", "front", "web"]);
  assert.deepEqual(seen[0]?.body, { Container: "web", Force: true });
  assert.equal(seen[0]?.path, "/networks/front/disconnect");
  const bad = await cli(["network", "connect", "front"]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /'wharf network connect' requires 2 arguments/);
});

// A stand-in daemon for bench/build.sh's "floor" engine: it answers /_ping
// as wharfd does (Builder-Version: 1, so the Docker CLI picks the classic
// builder), reads and drops a POST /build body as fast as Node can, and
// answers a minimal build stream (the aux image id). A build against it
// times the Docker CLI's own side alone (walking, tarring and sending the
// context): the floor of any daemon's cached rebuild.
// Usage: node floor-server.mjs SOCKET
import { createServer } from "node:http";
import { rmSync } from "node:fs";

const socket = process.argv[2];
const ID = `sha256:${"0".repeat(64)}`;
rmSync(socket, { force: true });
createServer((req, res) => {
  res.setHeader("Api-Version", "1.50");
  res.setHeader("Builder-Version", "1");
  res.setHeader("Ostype", "linux");
  const path = (req.url ?? "").split("?")[0];
  if (path.endsWith("/_ping")) return res.end("OK");
  if (req.method === "POST" && path.endsWith("/build")) {
    req.on("data", () => undefined);
    req.on("end", () => {
      res.setHeader("Content-Type", "application/json");
      res.end(`{"aux":{"ID":"${ID}"}}\n{"stream":"${ID}\\n"}\n`);
    });
    return;
  }
  res.statusCode = 404;
  res.setHeader("Content-Type", "application/json");
  res.end(`{"message":"page not found"}\n`);
}).listen(socket);
process.on("SIGTERM", () => process.exit(0));

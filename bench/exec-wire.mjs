// The daemon's side of `docker exec C true`, without the CLI's start-up:
// exec create, exec start (hijacked, read to the end of the stream) and exec
// inspect over the Engine API, for several daemons in turn (interleaved, the
// order reversed every other round, so a changing machine load and the work
// a daemon leaves running after an exec weigh on each alike). Prints the median and the
// 10th percentile of the whole sequence per daemon, in ms.
//
//   node bench/exec-wire.mjs ROUNDS CONTAINER NAME=SOCKET...
import http from "node:http";

const [rounds = "50", container, ...targets] = process.argv.slice(2);
if (!container || targets.length === 0) {
  console.error("usage: exec-wire.mjs ROUNDS CONTAINER NAME=SOCKET...");
  process.exit(2);
}

/** One JSON request; resolves with the parsed body (or null). */
function call(socketPath, method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        socketPath,
        method,
        path,
        headers: data ? { "Content-Type": "application/json" } : {},
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode >= 300)
            reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
          else resolve(text ? JSON.parse(text) : null);
        });
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

/** POST /exec/{id}/start hijacked; resolves when the daemon ends the stream. */
function start(socketPath, id) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      socketPath,
      method: "POST",
      path: `/v1.41/exec/${id}/start`,
      headers: {
        "Content-Type": "application/json",
        Connection: "Upgrade",
        Upgrade: "tcp",
      },
    });
    req.on("upgrade", (_res, socket) => {
      socket.resume();
      socket.on("end", () => {
        socket.destroy();
        resolve();
      });
      socket.on("error", reject);
    });
    req.on("response", (res) =>
      reject(new Error(`exec start: ${res.statusCode}`)),
    );
    req.on("error", reject);
    req.end(JSON.stringify({ Detach: false, Tty: false }));
  });
}

async function once(socketPath) {
  const t0 = performance.now();
  const { Id } = await call(
    socketPath,
    "POST",
    `/v1.41/containers/${container}/exec`,
    { Cmd: ["true"], AttachStdout: true, AttachStderr: true },
  );
  await start(socketPath, Id);
  const inspect = await call(socketPath, "GET", `/v1.41/exec/${Id}/json`);
  if (inspect.ExitCode !== 0) throw new Error(`exit code ${inspect.ExitCode}`);
  return performance.now() - t0;
}

const engines = targets.map((t) => {
  const [name, socket] = t.split("=");
  return { name, socket, times: [] };
});
for (const e of engines) for (let i = 0; i < 3; i++) await once(e.socket);
for (let i = 0; i < Number(rounds); i++)
  for (const e of i % 2 ? [...engines].reverse() : engines)
    e.times.push(await once(e.socket));
for (const e of engines) {
  const t = e.times.sort((a, b) => a - b);
  const at = (q) => t[Math.min(t.length - 1, Math.floor(q * t.length))];
  console.log(
    `${e.name}: median ${at(0.5).toFixed(1)} ms, p10 ${at(0.1).toFixed(1)} ms (${t.length} execs)`,
  );
}

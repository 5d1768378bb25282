/** A --link as HostConfig.Links holds it: "name:alias", "name", or Docker's "/name:/ctr/alias". */
export function parseLink(spec: string): { name: string; alias: string } {
  const [name = "", alias] = spec.split(":") as [string, string | undefined];
  const clean = (s: string): string => s.replace(/^.*\//, "");
  return { name: name.replace(/^\//, ""), alias: clean(alias ?? name) };
}

/**
 * Docker's link environment (moby daemon/links): for alias "db" to a
 * container at 172.17.0.2 exposing 80/tcp, DB_NAME=/web/db,
 * DB_PORT=tcp://172.17.0.2:80, DB_PORT_80_TCP(_ADDR|_PORT|_PROTO)=… and
 * DB_ENV_<var> for the linked container's own environment.
 */
export function linkEnv(o: {
  alias: string;
  parentName: string;
  ip: string;
  exposed: string[];
  env: string[];
}): string[] {
  const prefix = o.alias.toUpperCase().replace(/-/g, "_");
  const out = [`${prefix}_NAME=/${o.parentName.replace(/^\//, "")}/${o.alias}`];
  const ports = o.exposed
    .map((k) => {
      const [port = "", proto = "tcp"] = k.split("/");
      return { port: Number(port), proto };
    })
    .filter((p) => Number.isInteger(p.port))
    .sort((a, b) => a.port - b.port || a.proto.localeCompare(b.proto));
  const first = ports[0];
  if (first) out.push(`${prefix}_PORT=${first.proto}://${o.ip}:${first.port}`);
  for (const p of ports) {
    const base = `${prefix}_PORT_${p.port}_${p.proto.toUpperCase()}`;
    out.push(
      `${base}=${p.proto}://${o.ip}:${p.port}`,
      `${base}_ADDR=${o.ip}`,
      `${base}_PORT=${p.port}`,
      `${base}_PROTO=${p.proto}`,
    );
  }
  // compat: moby skips the variables every container gets anyway.
  const skip = new Set(["HOME", "PATH", "HOSTNAME"]);
  for (const e of o.env) {
    const i = e.indexOf("=");
    const key = i < 0 ? e : e.slice(0, i);
    if (!skip.has(key))
      out.push(`${prefix}_ENV_${key}=${i < 0 ? "" : e.slice(i + 1)}`);
  }
  return out;
}

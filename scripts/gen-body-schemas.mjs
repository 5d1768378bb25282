// Regenerates src/api/body-schemas.ts: the Go types dockerd decodes each JSON
// request body into, field by field, taken from the Engine API definition
// (swagger 2.0 YAML) plus the Go types the definition does not spell out
// (strslice.StrSlice, time.Duration, uint16, nat.PortMap …, listed below).
// server/body.ts checks bodies against the table and words refusals as Go's
// encoding/json decoder does.
//
// Run: node scripts/gen-body-schemas.mjs <docker-engine-api-v1.50.yaml>
//      node scripts/gen-body-schemas.mjs --check <spec>  (exits 1 on drift)
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse } from "yaml";

const args = process.argv.slice(2);
const check = args[0] === "--check";
const specPath = check ? args[1] : args[0];
if (!specPath) {
  console.error("usage: gen-body-schemas.mjs [--check] <engine-api.yaml>");
  process.exit(2);
}
const text = readFileSync(specPath, "utf8");
const spec = parse(text);
const defs = spec.definitions;
const out = join(import.meta.dirname, "../src/api/body-schemas.ts");

/** Go type of one definition property, from its swagger type and format. */
function goType(p, ctx) {
  if (p.$ref) {
    const name = p.$ref.split("/").pop();
    const go = GO_NAMES[name];
    if (!go) throw new Error(`${ctx}: no Go name for definition ${name}`);
    return go;
  }
  if (p.allOf && p.allOf.length === 1) return goType(p.allOf[0], ctx);
  switch (p.type) {
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "integer":
      return p.format === "int64" ? "int64" : "int";
    case "number":
      return "float64";
    case "array":
      return `[]${goType(p.items ?? {}, ctx)}`;
    case "object":
      if (p.additionalProperties && typeof p.additionalProperties === "object")
        return `map[string]${goType(p.additionalProperties, ctx)}`;
      if (p.properties)
        throw new Error(`${ctx}: inline object needs a Go name`);
      return "map[string]string";
    default:
      return "any";
  }
}

/** Definition name in the API document → Go type dockerd 28 decodes it into. */
const GO_NAMES = {
  ContainerConfig: "container.Config",
  HostConfig: "container.HostConfig",
  Resources: "container.Resources",
  HealthConfig: "container.HealthConfig",
  RestartPolicy: "container.RestartPolicy",
  NetworkingConfig: "network.NetworkingConfig",
  EndpointSettings: "network.EndpointSettings",
  EndpointIPAMConfig: "network.EndpointIPAMConfig",
  IPAM: "network.IPAM",
  IPAMConfig: "network.IPAMConfig",
  ConfigReference: "network.ConfigReference",
  Mount: "mount.Mount",
  PortBinding: "nat.PortBinding",
  PortMap: "nat.PortMap",
  DeviceMapping: "container.DeviceMapping",
  DeviceRequest: "container.DeviceRequest",
  ThrottleDevice: "blkiodev.ThrottleDevice",
  ClusterVolumeSpec: "any",
};

/**
 * Each Go struct: where its fields come from in the definition (a
 * definition name, or an operation's body), the structs it embeds (Go's
 * error paths name them), and fields whose Go type differs from what the
 * swagger type says.
 */
const STRUCTS = {
  "container.CreateRequest": {
    embeds: ["container.Config"],
    fields: {
      HostConfig: "container.HostConfig",
      NetworkingConfig: "network.NetworkingConfig",
    },
  },
  "container.Config": {
    from: "ContainerConfig",
    types: {
      Cmd: "strslice.StrSlice",
      Entrypoint: "strslice.StrSlice",
      Shell: "strslice.StrSlice",
      ExposedPorts: "nat.PortSet",
      Volumes: "map[string]struct {}",
      StopTimeout: "int",
    },
  },
  "container.HostConfig": {
    from: "HostConfig",
    embeds: ["container.Resources"],
    types: {
      LogConfig: "container.LogConfig",
      CapAdd: "strslice.StrSlice",
      CapDrop: "strslice.StrSlice",
      ConsoleSize: "[2]uint",
    },
  },
  "container.LogConfig": {
    fields: { Type: "string", Config: "map[string]string" },
  },
  "container.Resources": {
    from: "Resources",
    types: {
      CpuShares: "int64",
      BlkioWeight: "uint16",
      BlkioWeightDevice: "[]blkiodev.WeightDevice",
      Ulimits: "[]units.Ulimit",
      IOMaximumIOps: "uint64",
      IOMaximumBandwidth: "uint64",
    },
    // compat: deprecated fields dockerd 28 still decodes.
    fields: { KernelMemory: "int64" },
  },
  "blkiodev.WeightDevice": { fields: { Path: "string", Weight: "uint16" } },
  "blkiodev.ThrottleDevice": {
    from: "ThrottleDevice",
    types: { Rate: "uint64" },
  },
  "units.Ulimit": { fields: { Name: "string", Hard: "int64", Soft: "int64" } },
  "container.DeviceMapping": { from: "DeviceMapping" },
  "container.DeviceRequest": {
    from: "DeviceRequest",
    types: { Capabilities: "[][]string" },
  },
  "container.HealthConfig": {
    from: "HealthConfig",
    types: {
      Interval: "time.Duration",
      Timeout: "time.Duration",
      StartPeriod: "time.Duration",
      StartInterval: "time.Duration",
    },
  },
  "container.RestartPolicy": { from: "RestartPolicy" },
  "container.UpdateConfig": {
    embeds: ["container.Resources"],
    fields: { RestartPolicy: "container.RestartPolicy" },
  },
  "container.ExecOptions": {
    from: ["/containers/{id}/exec", "post"],
    types: { ConsoleSize: "[2]uint" },
    fields: { Detach: "bool" },
  },
  "container.ExecStartOptions": {
    from: ["/exec/{id}/start", "post"],
    types: { ConsoleSize: "[2]uint" },
  },
  "mount.Mount": {
    from: "Mount",
    types: {
      BindOptions: "mount.BindOptions",
      VolumeOptions: "mount.VolumeOptions",
      ImageOptions: "mount.ImageOptions",
      TmpfsOptions: "mount.TmpfsOptions",
    },
  },
  "mount.BindOptions": { from: ["Mount", "BindOptions"] },
  "mount.VolumeOptions": {
    from: ["Mount", "VolumeOptions"],
    types: { DriverConfig: "mount.Driver" },
  },
  "mount.Driver": {
    fields: { Name: "string", Options: "map[string]string" },
  },
  "mount.ImageOptions": { from: ["Mount", "ImageOptions"] },
  "mount.TmpfsOptions": {
    from: ["Mount", "TmpfsOptions"],
    types: { Mode: "uint32", Options: "[][]string" },
  },
  "nat.PortBinding": { from: "PortBinding" },
  "network.NetworkingConfig": { from: "NetworkingConfig" },
  "network.EndpointSettings": { from: "EndpointSettings" },
  "network.EndpointIPAMConfig": { from: "EndpointIPAMConfig" },
  "network.CreateRequest": {
    embeds: ["network.CreateOptions"],
    fields: { Name: "string", CheckDuplicate: "bool" },
  },
  "network.CreateOptions": {
    from: ["/networks/create", "post"],
    omit: ["Name"],
  },
  "network.IPAM": { from: "IPAM" },
  "network.IPAMConfig": { from: "IPAMConfig" },
  "network.ConfigReference": { from: "ConfigReference" },
  "network.ConnectOptions": { from: ["/networks/{id}/connect", "post"] },
  "network.DisconnectOptions": { from: ["/networks/{id}/disconnect", "post"] },
  "volume.CreateOptions": { from: "VolumeCreateOptions" },
  // compat: POST /containers/{id}/copy (API < 1.24) is not in the v1.50 definition.
  "types.CopyConfig": { fields: { Resource: "string" } },
};

/** Named Go types that stand for another type; error texts use the name. */
const ALIASES = {
  "nat.PortMap": "map[string][]nat.PortBinding",
  "nat.PortSet": "map[string]struct {}",
};

/** Body name (what a route asks for) → the Go value dockerd decodes it into. */
const BODIES = {
  containerCreate: "container.CreateRequest",
  containerUpdate: "container.UpdateConfig",
  commit: "container.CreateRequest",
  execCreate: "container.ExecOptions",
  execStart: "container.ExecStartOptions",
  networkCreate: "network.CreateRequest",
  networkConnect: "network.ConnectOptions",
  networkDisconnect: "network.DisconnectOptions",
  volumeCreate: "volume.CreateOptions",
  containerCopy: "types.CopyConfig",
};

/** The properties a `from` names: a definition, an inline object in one, or a body. */
function propertiesOf(from, ctx) {
  let schema;
  if (typeof from === "string") schema = defs[from];
  else if (from[0].startsWith("/")) {
    const op = spec.paths[from[0]][from[1]];
    schema = op.parameters.find((p) => p.in === "body").schema;
  } else schema = defs[from[0]].properties[from[1]];
  if (!schema) throw new Error(`${ctx}: ${JSON.stringify(from)} not found`);
  const props = { ...(schema.properties ?? {}) };
  for (const part of schema.allOf ?? [])
    if (part.properties) Object.assign(props, part.properties);
  return props;
}

const structs = {};
for (const [name, s] of Object.entries(STRUCTS)) {
  const fields = {};
  const inherited = new Set();
  for (const e of s.embeds ?? [])
    for (const f of Object.keys(structs[e]?.fields ?? {})) inherited.add(f);
  if (s.from)
    for (const [field, p] of Object.entries(propertiesOf(s.from, name))) {
      if (s.omit?.includes(field)) continue;
      // An allOf definition repeats its embedded struct's fields: Go finds them there.
      if (s.embeds?.some((e) => STRUCTS[e] && embeddedHas(e, field))) continue;
      fields[field] = s.types?.[field] ?? goType(p, `${name}.${field}`);
    }
  Object.assign(fields, s.fields ?? {});
  structs[name] = { ...(s.embeds ? { embeds: s.embeds } : {}), fields };
}

function embeddedHas(struct, field) {
  const s = STRUCTS[struct];
  if (s.fields?.[field] || s.types?.[field]) return true;
  return s.from ? field in propertiesOf(s.from, struct) : false;
}

const source = `// Generated by scripts/gen-body-schemas.mjs from ${basename(specPath)} (${spec.info?.version ?? "?"}, sha256 ${createHash("sha256").update(text).digest("hex").slice(0, 16)}). Do not edit.
// Regenerate: node scripts/gen-body-schemas.mjs <engine-api.yaml>

/** A Go struct as encoding/json sees it: embedded structs (searched after its own fields) and field → Go type. */
export type GoStruct = { embeds?: string[]; fields: Record<string, string> };

/** Each Go struct a request body decodes into, by package-qualified name. */
export const GO_STRUCTS: Record<string, GoStruct> = ${JSON.stringify(structs, null, 2)};

/** Named Go types that stand for another type (error texts use the name). */
export const GO_ALIASES: Record<string, string> = ${JSON.stringify(ALIASES, null, 2)};

/** The JSON request bodies wharfd reads, each with the Go value dockerd decodes it into. */
export const GO_BODIES = ${JSON.stringify(BODIES, null, 2)} as const;

/** The name of a request body in GO_BODIES. */
export type BodyName = keyof typeof GO_BODIES;
`;

const prettier = await import("prettier");
const formatted = await prettier.format(source, { parser: "typescript" });
if (check) {
  const current = readFileSync(out, "utf8");
  if (current !== formatted) {
    console.error(
      "src/api/body-schemas.ts drifted from the generator: run node scripts/gen-body-schemas.mjs <spec>",
    );
    process.exit(1);
  }
} else writeFileSync(out, formatted);

import { test } from "node:test";
import assert from "node:assert/strict";
import { Template, TemplateError } from "./template.ts";

const run = (src: string, data: unknown): string =>
  new Template(src).execute(data);
const c = {
  Name: "/web",
  State: { ExitCode: 3, Running: false },
  Config: { Labels: { b: "2", a: "1" }, Env: ["A=1", "B=2"], Entrypoint: null },
  Tags: ["x", "y"],
};

test("fields, nested fields and missing fields", () => {
  assert.equal(run("{{.Name}} {{.State.ExitCode}}", c), "/web 3");
  assert.equal(run("{{.Nope}}", c), "<no value>");
  assert.equal(run("{{.Config.Entrypoint}}", c), "[]");
});

test("json of the whole value and of a field", () => {
  assert.equal(run("{{json .State}}", c), '{"ExitCode":3,"Running":false}');
  assert.equal(run("{{json .Tags}}", { Tags: ["<a>"] }), '["<a>"]');
  assert.equal(run("{{.State | json}}", c), '{"ExitCode":3,"Running":false}');
});

test("index, join, lower, upper, printf", () => {
  assert.equal(run('{{index .Config.Labels "a"}}', c), "1");
  assert.equal(run('{{join .Tags ","}}', c), "x,y");
  assert.equal(run("{{lower .Name}} {{upper .Name}}", c), "/web /WEB");
  assert.equal(run('{{printf "%s=%d" .Name .State.ExitCode}}', c), "/web=3");
  assert.equal(run('{{printf "%-5s|" "ab"}}', c), "ab   |");
});

test("range over slices and maps, with variables", () => {
  assert.equal(run("{{range .Config.Env}}[{{.}}]{{end}}", c), "[A=1][B=2]");
  assert.equal(
    run("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}", c),
    "a=1;b=2;",
  );
  assert.equal(run("{{range .Nope}}x{{else}}none{{end}}", c), "none");
});

test("if, else if and else", () => {
  const t =
    "{{if .State.Running}}up{{else if eq .State.ExitCode 3}}three{{else}}down{{end}}";
  assert.equal(run(t, c), "three");
  assert.equal(run(t, { State: { Running: true } }), "up");
  assert.equal(run(t, { State: { ExitCode: 1 } }), "down");
  assert.equal(run("{{if not .State.Running}}stopped{{end}}", c), "stopped");
});

test("with rebinds dot and trim markers eat spaces", () => {
  assert.equal(run("{{with .State}}{{.ExitCode}}{{end}}", c), "3");
  assert.equal(run("a  {{- .Name -}}  b", c), "a/webb");
});

test("Go's %v printing of maps and slices", () => {
  assert.equal(run("{{.Config.Labels}} {{.Tags}}", c), "map[a:1 b:2] [x y]");
});

test("methods with arguments are called", () => {
  assert.equal(run('{{.Label "a"}}', { Label: (k: string) => `L${k}` }), "La");
});

test("unknown functions and unbalanced blocks are errors", () => {
  assert.throws(() => new Template("{{foo .X}}"), TemplateError);
  assert.throws(() => new Template("{{if .X}}"), TemplateError);
  assert.throws(() => new Template("{{end}}"), TemplateError);
});

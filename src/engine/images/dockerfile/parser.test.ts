import assert from "node:assert/strict";
import { test } from "node:test";
import { applyChanges } from "../changes.ts";
import { applyConfig, parseDuration, portSpecs } from "./config.ts";
import { envMap, expandWord, expandWords } from "./expand.ts";
import { toInstruction, type Instruction } from "./instructions.ts";
import { parseDockerfile } from "./parser.ts";

const vars = envMap(["A=a", "EMPTY=", "SP=x y"]);
const one = (text: string): Instruction => {
  const df = parseDockerfile(text);
  return toInstruction(df.file, df.nodes[0]!);
};

test("parseDockerfile() skips comments and blank lines and joins continuations", () => {
  const df = parseDockerfile(
    "# a comment\n\nFROM busybox\nRUN echo a \\\n  # inner comment\n\n    b\nrun echo c\n",
  );
  assert.deepEqual(
    df.nodes.map((n) => [n.keyword, n.args, n.line, n.endLine]),
    [
      ["FROM", "busybox", 3, 3],
      ["RUN", "echo a     b", 4, 7],
      ["RUN", "echo c", 8, 8],
    ],
  );
});

test("parseDockerfile() reads parser directives only at the top", () => {
  const df = parseDockerfile(
    "# syntax=docker/dockerfile:1\n# escape=`\nFROM x\nRUN a `\n b\n# escape=\\\n",
  );
  assert.equal(df.escape, "`");
  assert.deepEqual(df.directives, {
    syntax: "docker/dockerfile:1",
    escape: "`",
  });
  assert.equal(df.nodes[1]!.args, "a  b");
  // After a comment, a directive-looking line is just a comment.
  const late = parseDockerfile("# hello\n# escape=`\nFROM x\n");
  assert.equal(late.escape, "\\");
});

test("parseDockerfile() refuses duplicate and invalid directives, naming the line", () => {
  assert.throws(
    () => parseDockerfile("# escape=\\\n# escape=`\nFROM x"),
    /Dockerfile: dockerfile parse error line 2: only one escape parser directive can be used/,
  );
  assert.throws(
    () => parseDockerfile("# escape=x\nFROM x"),
    /invalid escape token 'x' does not match ` or \\/,
  );
});

test("parseDockerfile() names the file and line of an unknown instruction", () => {
  assert.throws(
    () =>
      parseDockerfile("FROM x\n\nFOO bar\n", { file: "sub/Dockerfile.dev" }),
    {
      message:
        "sub/Dockerfile.dev: dockerfile parse error line 3: unknown instruction: FOO",
    },
  );
});

test("parseDockerfile() reads heredocs for RUN and COPY, with <<- and quoted names", () => {
  const df = parseDockerfile(
    'FROM x\nRUN <<EOF\necho $A\nEOF\nCOPY <<-"CONF" /etc/c\n\tkey=$v\n\tCONF\nRUN echo done\n',
  );
  const [, run, copy, last] = df.nodes;
  assert.deepEqual(run!.heredocs, [
    { name: "EOF", content: "echo $A\n", expand: true },
  ]);
  assert.deepEqual(copy!.heredocs, [
    { name: "CONF", content: "key=$v\n", expand: false },
  ]);
  assert.equal(last!.line, 8);
  assert.throws(
    () => parseDockerfile("FROM x\nRUN <<EOF\necho\n"),
    /line 2: unterminated heredoc EOF in RUN/,
  );
});

test("toInstruction() tells exec form from shell form", () => {
  assert.deepEqual(one('CMD ["a", "b"]'), {
    kind: "CMD",
    command: { json: true, args: ["a", "b"] },
  });
  assert.deepEqual(one("CMD [a, b]"), {
    kind: "CMD",
    command: { json: false, text: "[a, b]" },
  });
  assert.throws(
    () => one("SHELL /bin/bash"),
    /SHELL requires the arguments to be in JSON form/,
  );
});

test("toInstruction() reads FROM, flags, ENV/LABEL forms and errors", () => {
  assert.deepEqual(one("FROM --platform=linux/amd64 busybox AS Build"), {
    kind: "FROM",
    image: "busybox",
    name: "build",
    platform: "linux/amd64",
  });
  assert.throws(
    () => one("FROM a b"),
    /line 1: FROM requires either one or three arguments/,
  );
  assert.deepEqual(one("ENV A=1 B=\"x y\" C='$z'"), {
    kind: "ENV",
    pairs: [
      ["A", "1"],
      ["B", '"x y"'],
      ["C", "'$z'"],
    ],
  });
  assert.deepEqual(one("ENV A x y"), { kind: "ENV", pairs: [["A", "x y"]] });
  assert.throws(() => one("ENV A=1 B"), /can't find = in "B"/);
  assert.throws(() => one("COPY --frm=a x y"), /unknown flag: frm/);
  assert.throws(() => one("COPY x"), /COPY requires at least two arguments/);
  assert.throws(() => one("ONBUILD ONBUILD RUN x"), /Chaining ONBUILD/);
  assert.throws(
    () => one("HEALTHCHECK FOO x"),
    /Unknown type "FOO" in HEALTHCHECK/,
  );
  const run = one("RUN --mount=type=cache,target=/c --network=none make");
  assert.deepEqual(run, {
    kind: "RUN",
    command: { json: false, text: "make" },
    mounts: ["type=cache,target=/c"],
    network: "none",
    heredocs: [],
  });
});

test("expandWord() follows Docker's substitution rules", () => {
  assert.equal(expandWord("$A-${A}-${NOPE}", vars), "a-a-");
  assert.equal(expandWord("${EMPTY:-d}|${EMPTY-d}|${NOPE-d}", vars), "d||d");
  assert.equal(expandWord("${A:+y}|${EMPTY:+y}|${EMPTY+y}", vars), "y||y");
  assert.equal(expandWord("'$A' \"$A\" \\$A", vars), "$A a $A");
  assert.equal(expandWord("${A:-${B:-nested}}x", vars), "ax");
  assert.equal(expandWord("`$A", vars, "`"), "$A");
  assert.throws(
    () => expandWord("${NOPE:?must be set}", vars),
    /NOPE: must be set/,
  );
  assert.throws(() => expandWord("${A", vars), /missing '}'/);
  assert.deepEqual(expandWords("80 $SP '1 2' $EMPTY", vars), [
    "80",
    "x",
    "y",
    "1 2",
  ]);
});

test("applyConfig() follows Docker's CMD/ENTRYPOINT, WORKDIR and EXPOSE rules", () => {
  const c = { Cmd: ["old"], Shell: ["/bin/bash", "-c"] };
  const ctx = { vars, escape: "\\", cmdSet: false };
  applyConfig(c, one("ENTRYPOINT run $A"), ctx);
  assert.deepEqual(c, {
    Cmd: null,
    Entrypoint: ["/bin/bash", "-c", "run $A"],
    Shell: ["/bin/bash", "-c"],
  });
  const w = {};
  applyConfig(w, one("WORKDIR /a"), ctx);
  applyConfig(w, one("WORKDIR b/$A"), ctx);
  applyConfig(w, one("EXPOSE 80 53/UDP 8000-8001"), ctx);
  applyConfig(w, one("HEALTHCHECK --interval=1m30s --retries=3 CMD true"), ctx);
  assert.deepEqual(w, {
    WorkingDir: "/a/b/a",
    ExposedPorts: {
      "80/tcp": {},
      "53/udp": {},
      "8000/tcp": {},
      "8001/tcp": {},
    },
    Healthcheck: { Test: ["CMD-SHELL", "true"], Interval: 90e9, Retries: 3 },
  });
  assert.throws(() => portSpecs("http"), /invalid containerPort: http/);
  assert.equal(parseDuration("500ms"), 5e8);
  assert.throws(() => parseDuration("5"), /invalid duration/);
});

test("applyChanges() keeps commit --change behaviour on the shared parser", () => {
  const c = applyChanges({ Env: ["P=/bin"] }, [
    'CMD ["sh"]',
    "ENV P=$P:/x Q=1",
    "expose 80",
    "ENTRYPOINT",
    "ONBUILD run echo hi",
  ]);
  assert.deepEqual(c, {
    Env: ["P=/bin:/x", "Q=1"],
    Cmd: ["sh"],
    ExposedPorts: { "80/tcp": {} },
    Entrypoint: null,
    OnBuild: ["RUN echo hi"],
  });
  assert.throws(() => applyChanges({}, ["RUN x"]), {
    message: "RUN is not a valid change command",
  });
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { containerPath, ruleFor, watchRules } from "./sync.ts";

test("watch rules: first matching path wins, ignore patterns and editor files are skipped, targets map paths", () => {
  const rules = watchRules(
    {
      name: "web",
      environment: {},
      develop: {
        watch: [
          {
            path: "./src",
            action: "sync",
            target: "/app/src",
            ignore: ["*.tmp", "cache/"],
          },
          { path: "package.json", action: "rebuild" },
          { path: "./", action: "sync+restart", target: "/app" },
        ],
      },
    },
    "/w",
  );
  const [src, pkg, all] = rules;
  assert.equal(ruleFor(rules, "/w/src/a/b.js"), src);
  assert.equal(containerPath(src!, "/w/src/a/b.js"), "/app/src/a/b.js");
  assert.equal(ruleFor(rules, "/w/src/x.tmp"), undefined);
  assert.equal(ruleFor(rules, "/w/src/cache/x"), undefined);
  assert.equal(ruleFor(rules, "/w/src/.b.js.swp"), undefined);
  assert.equal(ruleFor(rules, "/w/src/b.js~"), undefined);
  assert.equal(ruleFor(rules, "/w/package.json"), pkg);
  assert.equal(ruleFor(rules, "/w/README"), all);
  assert.equal(ruleFor(rules, "/w/.git/HEAD"), undefined);
  assert.equal(ruleFor(rules, "/elsewhere/x"), undefined);
  assert.equal(containerPath(all!, "/w/README"), "/app/README");
});

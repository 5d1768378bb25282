import { test } from "node:test";
import assert from "node:assert/strict";
import { formatList } from "./formatter.ts";

const list = {
  defaultFormat: "table {{.ID}}\t{{.Name}}",
  headers: { ID: "CONTAINER ID", Name: "NAMES" },
};
const rows = [
  { ID: "abc", Name: "web" },
  { ID: "defdefdefdefdef", Name: "db" },
];

test("the default table has a header and aligned columns", () => {
  assert.equal(
    formatList({ ...list, format: undefined }, rows),
    "CONTAINER ID      NAMES\nabc               web\ndefdefdefdefdef   db\n",
  );
});

test("a table prints its header even without rows", () => {
  assert.equal(
    formatList({ ...list, format: "table" }, []),
    "CONTAINER ID   NAMES\n",
  );
});

test("a plain template prints one line per row and turns \\t into a tab", () => {
  assert.equal(
    formatList({ ...list, format: "{{.ID}}\\t{{.Name}}" }, rows),
    "abc\tweb\ndefdefdefdefdef\tdb\n",
  );
});

test("json prints each row as JSON", () => {
  assert.equal(
    formatList({ ...list, format: "json" }, [rows[0]]),
    '{"ID":"abc","Name":"web"}\n',
  );
});

test("headers ignore text functions, as Docker renders them", () => {
  const out = formatList(
    { ...list, format: "table {{json .ID}}\t{{upper .Name}}" },
    [rows[0]],
  );
  assert.equal(out, 'CONTAINER ID   NAMES\n"abc"          WEB\n');
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { alignTabs } from "./table.ts";

test("columns get the widest cell plus 3 spaces, at least 10", () => {
  const text = "CONTAINER ID\tIMAGE\tCOMMAND\tCREATED\tSTATUS\tPORTS\tNAMES\n";
  assert.equal(
    alignTabs(text),
    "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n",
  );
});

test("the text after the last tab is not padded", () => {
  assert.equal(
    alignTabs("a\tb\nlonger-cell\tc"),
    "a             b\nlonger-cell   c",
  );
});

test("a line without the column ends the block", () => {
  assert.equal(
    alignTabs("a\tb\nplain\nabcdefghijkl\tc"),
    "a         b\nplain\nabcdefghijkl   c",
  );
});

test("widths count characters, not bytes", () => {
  assert.equal(alignTabs("é…\tx\nab\ty"), "é…        x\nab        y");
});

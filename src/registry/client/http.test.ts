import { test } from "node:test";
import assert from "node:assert/strict";
import { tlsAlert } from "./http.ts";

void test("tlsAlert names a peer's TLS alert in Go's words", () => {
  assert.equal(
    tlsAlert("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"),
    "certificate required",
  );
  assert.equal(
    tlsAlert("ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE"),
    "bad certificate",
  );
  assert.equal(
    tlsAlert("ERR_SSL_TLSV1_ALERT_UNKNOWN_CA"),
    "unknown certificate authority",
  );
  assert.equal(tlsAlert("ERR_SSL_WRONG_VERSION_NUMBER"), undefined);
  assert.equal(tlsAlert("ECONNRESET"), undefined);
});

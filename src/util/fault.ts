/**
 * Test-only crash points. When the environment variable WHARF_TEST_FAULT
 * names a point (e.g. "start:created"), the process kills itself with
 * SIGKILL on reaching it, so an integration test can check what the next
 * daemon start recovers after a crash at exactly that step. Unset (always,
 * outside tests) every call is a no-op. Never set it in production: the
 * daemon dies on purpose.
 */
const armed = process.env.WHARF_TEST_FAULT;

/** Dies with SIGKILL when WHARF_TEST_FAULT equals name; otherwise nothing. */
export function fault(name: string): void {
  if (armed === undefined || armed !== name) return;
  process.kill(process.pid, "SIGKILL");
}

/** Helpers the lifecycle tests share: polling inspect and reading events. */
import type { TestDaemon } from "../harness.ts";

/** Polls `check` until it returns true; throws with `what` and the last value after 60 s. */
export async function until(
  what: string,
  check: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for: ${what}`);
}

/** `docker inspect --format f name`, trimmed. */
export async function inspect(
  d: TestDaemon,
  name: string,
  format: string,
): Promise<string> {
  return (await d.ok(["inspect", "--format", format, name])).trim();
}

/** Container events of `name` between since and now, as "action" lines. */
export async function eventsOf(
  d: TestDaemon,
  name: string,
  since: string,
): Promise<string[]> {
  const out = await d.ok([
    "events",
    "--since",
    since,
    "--until",
    String(Math.ceil(Date.now() / 1000) + 1),
    "--filter",
    `container=${name}`,
    "--format",
    "{{.Action}}",
  ]);
  return out.split("\n").filter(Boolean);
}

/** Unix seconds now, for --since. */
export function nowSeconds(): string {
  return String(Math.floor(Date.now() / 1000) - 1);
}

/** Waits ms milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}

/**
 * --sig-proxy for run, start -a and attach: signals the CLI receives are
 * sent to the container through POST /containers/{id}/kill, as the Docker
 * CLI does when the container has no tty.
 */

/**
 * Signals forwarded. SIGKILL and SIGSTOP cannot be caught; SIGCHLD, SIGPIPE,
 * SIGWINCH and SIGURG are the CLI's own business, as in the Docker CLI.
 */
export const PROXIED_SIGNALS: readonly NodeJS.Signals[] = [
  "SIGHUP",
  "SIGINT",
  "SIGQUIT",
  "SIGTERM",
  "SIGUSR1",
  "SIGUSR2",
  "SIGALRM",
  "SIGCONT",
  "SIGTSTP",
  "SIGTTIN",
  "SIGTTOU",
  "SIGVTALRM",
  "SIGPROF",
  "SIGXCPU",
  "SIGXFSZ",
  "SIGIO",
  "SIGPWR",
  "SIGSYS",
];

/** Process-like object whose signal handlers are installed (for tests). */
export type SignalSource = Pick<NodeJS.Process, "on" | "off">;

/**
 * Forwards each proxied signal received by source to kill(name) until the
 * returned function is called. Errors of kill (container already gone) are
 * ignored: the session's end reports the outcome.
 */
export function proxySignals(
  kill: (signal: string) => Promise<void>,
  source: SignalSource = process,
): () => void {
  const handlers = PROXIED_SIGNALS.map((sig) => {
    const handler = (): void => {
      kill(sig).catch(() => undefined);
    };
    source.on(sig, handler);
    return [sig, handler] as const;
  });
  return () => {
    for (const [sig, handler] of handlers) source.off(sig, handler);
  };
}

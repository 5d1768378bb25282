/**
 * The resource names a ulimit may take (go-units ParseUlimit's table), shared
 * by the CLI's --ulimit and daemon.json's default-ulimits.
 */
export const ULIMIT_NAMES: readonly string[] = [
  "core",
  "cpu",
  "data",
  "fsize",
  "locks",
  "memlock",
  "msgqueue",
  "nice",
  "nofile",
  "nproc",
  "rss",
  "rtprio",
  "rttime",
  "sigpending",
  "stack",
];

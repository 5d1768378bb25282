/**
 * Docker's built-in logging driver names: any other name is unknown, for a
 * container's LogConfig and daemon.json's log-driver alike.
 */
export const LOG_DRIVERS: readonly string[] = [
  "awslogs",
  "etwlogs",
  "fluentd",
  "gcplogs",
  "gelf",
  "journald",
  "json-file",
  "local",
  "logentries",
  "splunk",
  "syslog",
  "none",
];

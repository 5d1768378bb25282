# Measurement steps for bench/run.sh (sourced, not run). Each step records
# exactly one result per metric through record.mjs: a number, "failed: <first
# error line>" or "skipped: <reason>". A failing step never stops the run.
#
# Metrics (see report.mjs for labels and targets):
#   idle_rss         daemon RSS after start + image import, no containers (KiB)
#   run_rm           `run --rm busybox true` (hyperfine, ms)
#   run_d            `run -d busybox sleep 3600` × N, total wall time (ms)
#   exec             `exec <c> true` (hyperfine, ms)
#   ps_a             `ps -a` with N containers (hyperfine, ms)
#   supervisor_pss   average PSS of the per-container supervisors (KiB)
#   daemon_growth    daemon RSS after N containers minus before (KiB)
#   mem_per_ctr      supervisor_pss + daemon_growth / N (KiB)
#   rm_f             `rm -f` of the N containers, total wall time (ms)
#   version          `version` (hyperfine, ms): the CLI's own floor: start-up, /_ping, /version
#   http_rps         wrk against busybox httpd through a port published on 127.0.0.1 (req/s)

ALL_METRICS="version idle_rss run_rm http_rps run_d exec ps_a supervisor_pss daemon_growth mem_per_ctr rm_f compose_up compose_down build_cold build_cached build_parallel"

rec() { node "$BENCH_DIR/record.mjs" "$RESULTS" "$@"; }

# first_error FILE: the first non-empty line of a command's output, for the table.
first_error() { grep -m1 -v '^[[:space:]]*$' "$1" 2>/dev/null || echo "exit status without output"; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# skip_rest ENGINE STATUS MESSAGE METRIC...: records the same outcome for each metric.
skip_rest() {
  local engine=$1 status=$2 message=$3 metric
  shift 3
  for metric in "$@"; do rec "$engine" "$metric" "$status" "$message"; done
}

# timed_hyperfine ENGINE METRIC COMMAND: one checked run first (its first error
# line is what the table shows if it fails), then hyperfine without a shell.
timed_hyperfine() {
  local engine=$1 metric=$2 command=$3 out=$T/logs/$1-$2
  if ! timeout --foreground 60 $command >"$out.try" 2>&1; then
    rec "$engine" "$metric" failed "$(first_error "$out.try")"
    return 1
  fi
  if timeout --foreground 300 hyperfine -N --style basic --warmup "$BENCH_WARMUP" --runs "$BENCH_RUNS" \
    --export-json "$out.json" "$command" >"$out.log" 2>&1; then
    rec "$engine" "$metric" hyperfine "$out.json"
  else
    rec "$engine" "$metric" failed "hyperfine: $(grep -m1 -i error "$out.log" || first_error "$out.log")"
    return 1
  fi
}

daemon_rss() { node "$BENCH_DIR/mem.mjs" rss $(engine_daemon_pids_"$1"); }

# bench_engine ENGINE: every step for one engine, start to stop.
bench_engine() {
  local engine=$1 reason net="--pull never --network $BENCH_NETWORK" n=$BENCH_CONTAINERS
  # Podman's bridge rewrites the host's firewall rules: it always runs without network.
  [ "$engine" = podman ] && net="--pull never --network none"
  echo "==> $engine"
  # --pull never: a missing image must fail here, not reach for a registry.
  # Not in $(...): start and check set pids and flags the EXIT trap needs.
  if ! engine_check_"$engine" >"$T/logs/$engine-check" 2>&1; then
    reason=$(first_error "$T/logs/$engine-check")
    echo "    skipped: $reason"
    skip_rest "$engine" skipped "$reason" $ALL_METRICS
    return
  fi
  if ! engine_start_"$engine" >"$T/logs/$engine-start" 2>&1; then
    reason="start: $(first_error "$T/logs/$engine-start")"
    echo "    $reason"
    skip_rest "$engine" failed "$reason" $ALL_METRICS
    engine_stop_"$engine"
    return
  fi
  engine_use_"$engine"
  local imported=1
  timeout --foreground 60 $CLI import --change 'CMD ["sh"]' "$T/busybox.tar" busybox:latest >"$T/logs/$engine-import" 2>&1 ||
    imported=""

  sleep "$BENCH_IDLE_SECONDS" # let the daemon settle after start and import
  if [ "$engine" = podman ]; then
    rec podman idle_rss skipped "n/a: daemonless"
  else
    rec "$engine" idle_rss value "$(daemon_rss "$engine")" KiB "$(engine_daemon_pids_"$engine" | wc -w) process(es)"
  fi
  if [ -z "$imported" ]; then
    reason="import: $(first_error "$T/logs/$engine-import")"
    echo "    $reason"
    skip_rest "$engine" failed "$reason" ${ALL_METRICS/idle_rss/}
    engine_stop_"$engine"
    return
  fi

  echo "    version"
  timed_hyperfine "$engine" version "$CLI version"
  echo "    run --rm"
  timed_hyperfine "$engine" run_rm "$CLI run --rm $net busybox true"

  echo "    http (wrk)"
  measure_http "$engine"

  echo "    run -d x$n"
  local before start i ok=0
  before=$(daemon_rss "$engine")
  start=$(now_ms)
  for i in $(seq "$n"); do
    if ! timeout --foreground 30 $CLI run -d $net --name "bench-$i" busybox sleep 3600 >/dev/null 2>"$T/logs/$engine-run-d"; then
      break
    fi
    ok=$i
  done
  if [ "$ok" -eq "$n" ]; then
    rec "$engine" run_d value "$(($(now_ms) - start))" ms "$n containers"
  else
    rec "$engine" run_d failed "container $((ok + 1)): $(first_error "$T/logs/$engine-run-d")"
  fi

  if [ "$ok" -ge 1 ]; then
    echo "    exec"
    timed_hyperfine "$engine" exec "$CLI exec bench-1 true"
    echo "    ps -a"
    timed_hyperfine "$engine" ps_a "$CLI ps -a"
    measure_memory "$engine" "$before" "$ok"
  else
    skip_rest "$engine" skipped "no running containers" exec ps_a supervisor_pss daemon_growth mem_per_ctr
  fi

  bench_compose "$engine"
  bench_build "$engine"

  echo "    rm -f x$ok"
  start=$(now_ms)
  if [ "$ok" -ge 1 ] && timeout --foreground 120 $CLI $RM $(seq -f 'bench-%g' "$ok") >/dev/null 2>"$T/logs/$engine-rm"; then
    rec "$engine" rm_f value "$(($(now_ms) - start))" ms "$ok containers"
  elif [ "$ok" -ge 1 ]; then
    rec "$engine" rm_f failed "$(first_error "$T/logs/$engine-rm")"
  else
    rec "$engine" rm_f skipped "no containers"
  fi
  # push/pull and save/load (lib/transfer.sh), with no containers left running
  if [ "${BENCH_TRANSFER:-1}" = 1 ]; then
    bench_transfer "$engine"
  else
    skip_rest "$engine" skipped "BENCH_TRANSFER=0" $TRANSFER_METRICS
  fi
  engine_stop_"$engine"
}

# measure_memory ENGINE RSS_BEFORE COUNT: supervisor PSS and daemon growth with COUNT running.
measure_memory() {
  local engine=$1 before=$2 count=$3 supervisor found pss growth=0 after
  supervisor=SUPERVISOR_$engine
  sleep 1 # exec sessions from the step before have ended
  read -r found pss < <(node "$BENCH_DIR/mem.mjs" pss "${!supervisor}" "$T/")
  if [ "$found" -eq 0 ]; then
    rec "$engine" supervisor_pss failed "no ${!supervisor} process found for $count containers"
  else
    rec "$engine" supervisor_pss value "$pss" KiB "${!supervisor} ×$found"
  fi
  if [ "$engine" = podman ]; then
    rec podman daemon_growth skipped "n/a: daemonless"
  else
    after=$(daemon_rss "$engine")
    growth=$((after - before))
    rec "$engine" daemon_growth value "$growth" KiB "$count containers"
  fi
  if [ "$found" -gt 0 ]; then
    rec "$engine" mem_per_ctr value "$(node -e "console.log(($pss + $growth / $count).toFixed(1))")" KiB \
      "PSS + daemon growth / $count"
  else
    rec "$engine" mem_per_ctr skipped "no supervisor PSS"
  fi
}

# measure_http ENGINE: requests per second of wrk against busybox httpd in a
# container whose port 80 is published on 127.0.0.1 (a random host port), so
# the engine's port forwarding (Docker's docker-proxy, wharf's) is what differs.
measure_http() {
  local engine=$1 out=$T/logs/$1-http port rps
  if [ "$engine" = podman ] || [ "$BENCH_NETWORK" != bridge ]; then
    rec "$engine" http_rps skipped "n/a: needs --network bridge"
    return
  fi
  command -v wrk >/dev/null || { rec "$engine" http_rps skipped "wrk missing (apt-get install wrk)"; return; }
  if ! timeout --foreground 30 $CLI run -d --pull never --network bridge --name bench-http -p 127.0.0.1::80 \
    busybox sh -c 'echo hello >/var/www/index.html && exec httpd -f -p 80 -h /var/www' >"$out.run" 2>&1; then
    rec "$engine" http_rps failed "run: $(first_error "$out.run")"
    return
  fi
  port=$($CLI port bench-http 80/tcp 2>"$out.port" | head -1 | sed 's/.*://')
  if [ -z "$port" ] || ! wait_for 10 curl -fsS -o /dev/null "http://127.0.0.1:$port/"; then
    rec "$engine" http_rps failed "no answer on 127.0.0.1:${port:-?} $(first_error "$out.port")"
  elif timeout --foreground 60 wrk -t2 -c32 -d"${BENCH_HTTP_SECONDS:-5}"s "http://127.0.0.1:$port/" >"$out.log" 2>&1 &&
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out.log") && [ -n "$rps" ]; then
    rec "$engine" http_rps value "$rps" req/s "wrk -t2 -c32 -d${BENCH_HTTP_SECONDS:-5}s"
  else
    rec "$engine" http_rps failed "wrk: $(first_error "$out.log")"
  fi
  timeout --foreground 30 $CLI $RM bench-http >/dev/null 2>&1
}

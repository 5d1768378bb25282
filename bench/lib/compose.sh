# The compose step of bench/run.sh (sourced, not run): `up -d` and `down -v`
# of a 6-service project (2 networks, 3 volumes), wharf compose against
# wharfd and Debian's docker-compose 1.29 against dockerd, BENCH_COMPOSE_RUNS
# times each (default 3); records the median wall time of each.
#
# Metrics:
#   compose_up     `up -d` of the project, all 6 containers running (ms)
#   compose_down   `down -v`: containers, networks and volumes removed (ms)

COMPOSE_METRICS="compose_up compose_down"

write_bench_project() {
  mkdir -p "$T/compose-project"
  cat >"$T/compose-project/docker-compose.yml" <<'YAML'
version: "3.7"
# every service exits on SIGTERM at once, so down measures compose, not the 10 s stop timeout
x-idle: &idle ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
services:
  proxy:
    image: busybox
    command: *idle
    networks: [front]
    depends_on: [web, api]
  web:
    image: busybox
    command: *idle
    networks: [front, back]
    volumes: [static:/static]
  api:
    image: busybox
    command: *idle
    networks: [front, back]
    depends_on: [db, cache]
  worker:
    image: busybox
    command: *idle
    networks: [back]
    depends_on: [db, cache]
  db:
    image: busybox
    command: *idle
    networks: [back]
    volumes: [dbdata:/data]
  cache:
    image: busybox
    command: *idle
    networks: [back]
    volumes: [cachedata:/data]
networks:
  front: {}
  back: {}
volumes:
  static: {}
  dbdata: {}
  cachedata: {}
YAML
}

# median of numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]}'; }

# bench_compose ENGINE: wharf → `wharf compose`, docker → docker-compose 1.29; others skip.
bench_compose() {
  local engine=$1 tool runs=${BENCH_COMPOSE_RUNS:-3} i start ups="" downs="" log=$T/logs/$1-compose
  case $engine in
  wharf) tool="node $REPO/dist/wharf.cjs compose" ;;
  docker)
    command -v docker-compose >/dev/null || {
      skip_rest "$engine" skipped "docker-compose not installed (apt-get install docker-compose)" $COMPOSE_METRICS
      return
    }
    tool="docker-compose"
    ;;
  *)
    skip_rest "$engine" skipped "n/a: compared as wharf compose vs docker-compose" $COMPOSE_METRICS
    return
    ;;
  esac
  echo "    compose up -d / down -v x$runs"
  write_bench_project
  for i in $(seq "$runs"); do
    start=$(now_ms)
    if ! (cd "$T/compose-project" && timeout --foreground 120 $tool -p benchc up -d) >"$log" 2>&1; then
      skip_rest "$engine" failed "up: $(grep -m1 -i error "$log" || first_error "$log")" $COMPOSE_METRICS
      (cd "$T/compose-project" && timeout --foreground 120 $tool -p benchc down -v) >/dev/null 2>&1
      return
    fi
    ups="$ups $(($(now_ms) - start))"
    start=$(now_ms)
    if ! (cd "$T/compose-project" && timeout --foreground 120 $tool -p benchc down -v) >"$log" 2>&1; then
      rec "$engine" compose_up value "$(echo $ups | tr ' ' '\n' | median)" ms "median of $i"
      rec "$engine" compose_down failed "$(grep -m1 -i error "$log" || first_error "$log")"
      return
    fi
    downs="$downs $(($(now_ms) - start))"
  done
  rec "$engine" compose_up value "$(echo $ups | tr ' ' '\n' | median)" ms "median of $runs, 6 services"
  rec "$engine" compose_down value "$(echo $downs | tr ' ' '\n' | median)" ms "median of $runs, 2 networks, 3 volumes"
}

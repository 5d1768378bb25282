#!/usr/bin/env bash
# Builds the OCI distribution-spec conformance suite (its own Go tests,
# pinned to a tag) offline and runs it against wharf-registry, or against
# Debian's docker-registry (distribution 2.8) for comparison.
#
#   scripts/conformance.sh [wharf|distribution]      (default: wharf)
#
# Offline build, no Go proxy: the suite is built in GOPATH mode
# (GO111MODULE=off) from
#   - Debian's golang-*-dev packages under /usr/share/gocode (go-digest,
#     resty, uuid, logr, go-cmp, pprof, x/net, x/sys, x/text, x/tools, yaml.v3, …;
#     scripts/install-deps.sh installs them with WHARF_TEST_DEPS=1), and
#   - git checkouts of what Debian 12 does not package at the versions the
#     suite needs: distribution-spec itself, ginkgo v2 (Debian has only
#     ginkgo v1.16), gomega >= 1.27 (Debian has 1.10), bloodorangeio/reggie
#     and go-task/slim-sprig (not packaged at all). These are read from git
#     directories `$WHARF_CONFORMANCE_MIRRORS/<owner>+<name>/repo`
#     (default /work/.mirror). Without them the script says which is
#     missing and exits 77 (skipped). Nothing of theirs enters this repository:
#     everything is unpacked into a temp dir that is removed at exit.
#
# Prints the suite's tally line and exits with its status.
set -euo pipefail

SPEC_TAG=v1.1.1 GINKGO_TAG=v2.11.0 GOMEGA_TAG=v1.27.8 REGGIE_TAG=v0.6.1
SLIMSPRIG_REV=52ccab3ef572 # go.mod of the suite at $SPEC_TAG pins these
target=${1:-wharf}
mirrors=${WHARF_CONFORMANCE_MIRRORS:-/work/.mirror}
here=$(cd "$(dirname "$0")/.." && pwd)

missing=()
for repo in opencontainers+distribution-spec onsi+ginkgo onsi+gomega bloodorangeio+reggie go-task+slim-sprig; do
  [ -d "$mirrors/$repo/repo" ] || missing+=("$repo")
done
command -v go >/dev/null || missing+=("golang-go (apt)")
[ -d /usr/share/gocode/src/github.com/go-resty/resty ] || missing+=("golang-github-go-resty-resty-dev (apt)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "conformance: skipped, missing: ${missing[*]}" >&2
  echo "conformance: git dirs are looked up as \$WHARF_CONFORMANCE_MIRRORS/<owner>+<name>/repo" >&2
  exit 77
fi

work=$(mktemp -d /tmp/wharf-conformance-XXXXXX)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

src=$work/gopath/src/github.com
unpack() { # git-dir rev dest
  mkdir -p "$3"
  git -C "$1" archive "$2" | tar -x -C "$3"
}
unpack "$mirrors/opencontainers+distribution-spec/repo" "$SPEC_TAG" "$work/spec"
unpack "$mirrors/onsi+ginkgo/repo" "$GINKGO_TAG" "$src/onsi/ginkgo/v2"
unpack "$mirrors/onsi+gomega/repo" "$GOMEGA_TAG" "$src/onsi/gomega"
unpack "$mirrors/bloodorangeio+reggie/repo" "$REGGIE_TAG" "$src/bloodorangeio/reggie"
unpack "$mirrors/go-task+slim-sprig/repo" "$SLIMSPRIG_REV" "$src/go-task/slim-sprig"
# Debian installs resty v2 without the /v2 directory GOPATH mode needs.
mkdir -p "$src/go-resty/resty"
ln -s /usr/share/gocode/src/github.com/go-resty/resty "$src/go-resty/resty/v2"

echo "==> building the conformance suite $SPEC_TAG (GOPATH mode, offline)" >&2
(cd "$work/spec/conformance" &&
  GO111MODULE=off GOFLAGS= GOPROXY=off GOPATH="$work/gopath:/usr/share/gocode" \
    GOCACHE=${WHARF_GOCACHE:-$work/gocache} go test -c -o "$work/conformance.test" .)

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
root=$work/root
case "$target" in
  wharf)
    cat >"$work/config.yml" <<YAML
http: { addr: "127.0.0.1:$port" }
storage: { filesystem: { rootdirectory: "$root" }, delete: { enabled: true } }
log: { accesslog: { disabled: true } }
YAML
    node "$here/dist/wharf-registry.cjs" serve "$work/config.yml" >"$work/server.log" 2>&1 &
    ;;
  distribution)
    cat >"$work/config.yml" <<YAML
version: 0.1
log: { level: error, accesslog: { disabled: true } }
http: { addr: "127.0.0.1:$port" }
storage: { filesystem: { rootdirectory: "$root" }, delete: { enabled: true } }
YAML
    docker-registry serve "$work/config.yml" >"$work/server.log" 2>&1 &
    ;;
  *) echo "usage: $0 [wharf|distribution]" >&2; exit 2 ;;
esac
pid=$!
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break
  sleep 0.1
done

echo "==> running against $target on 127.0.0.1:$port" >&2
status=0
# The crossmount cases are exclusive by design: with OCI_AUTOMATIC_CROSSMOUNT=0
# a registry that mounts (201) runs 75 of the 79 specs; the other 4 are the
# "no push" setup twins and the 202-mount and discovery-enabled variants.
OCI_ROOT_URL="http://127.0.0.1:$port" OCI_NAMESPACE=conformance/repo \
  OCI_CROSSMOUNT_NAMESPACE=conformance/other OCI_AUTOMATIC_CROSSMOUNT=0 \
  OCI_TEST_PULL=1 OCI_TEST_PUSH=1 OCI_TEST_CONTENT_DISCOVERY=1 OCI_TEST_CONTENT_MANAGEMENT=1 \
  OCI_HIDE_SKIPPED_WORKFLOWS=0 OCI_DEBUG=0 OCI_REPORT_DIR=none \
  "$work/conformance.test" -ginkgo.no-color >"$work/out.txt" 2>&1 || status=$?
grep -E '^\s*\[FAIL\]' "$work/out.txt" || true
grep -E 'Ran [0-9]+ of [0-9]+ Specs|Passed \|' "$work/out.txt"
exit "$status"

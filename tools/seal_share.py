#!/usr/bin/python3
"""How much seal work adds to the OCR of the pages it happens on, from the product's own
span timings (issue 6: "seal work adds <= 10% to a page's OCR time").

Reads the stderr of a run made with span timings on, for example over the corpus:

    DOSSIER_VERIFY_LOG_TIMINGS=1 OMP_THREAD_LIMIT=1 \
    DOSSIER_VERIFY_LOG=warn,dossier_verify=info,dossier_verify::extract::pdf=debug,dossier_verify::extract::ocr=debug,dossier_verify::seals=debug \
    target/release/dossier-verify batch fixtures/corpus/*.zip --out /tmp/batch --jobs 1 2> /tmp/timings.log
    python3 tools/seal_share.py /tmp/timings.log

Per page it joins three spans: `ocr` (the page's OCR: straightening, Tesseract, re-reads),
`seals` (detection on that page) and `seal` (judging one seal: letter shapes, the ring's
OCR where needed), keyed by dossier, file and page. Pages read from their text layer have
no OCR; their seal work is counted apart.
"""
import re
import sys
from collections import defaultdict

ANSI = re.compile(r"\x1b\[[0-9;]*m")
CLOSE = re.compile(r"^(?P<spans>.*?): (?P<target>[\w:]+): close time\.busy=(?P<busy>[\d.]+)(?P<unit>ns|µs|us|ms|s) ")
SPAN = re.compile(r"(\w+)\{(.*?)\}(?=:|$)")
FIELD = re.compile(r"(\w+)=(.*?)(?= \w+=|$)")
TO_MS = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1000.0}


def spans_of(chain):
    """[(name, {field: value})] from `dossier{filename=..}:file{path=..}:ocr{..}`."""
    out = []
    for name, fields in SPAN.findall(chain):
        out.append((name, dict(FIELD.findall(fields))))
    # A span without fields prints as its bare name (`seal_issuers`).
    tail = chain.rsplit(":", 1)[-1]
    if "{" not in tail:
        out.append((tail.split()[-1], {}))
    return out


def main(path):
    ocr = defaultdict(float)       # (dossier, file, page) -> ms
    detect = defaultdict(float)
    judge = defaultdict(float)
    checked = defaultdict(bool)
    seals = defaultdict(int)
    for raw in open(path, encoding="utf-8", errors="replace"):
        m = CLOSE.match(ANSI.sub("", raw).strip())
        if not m:
            continue
        ms = float(m["busy"]) * TO_MS[m["unit"]]
        chain = spans_of(m["spans"])
        names = {name: fields for name, fields in chain}
        leaf = chain[-1][0] if chain else ""
        dossier = names.get("dossier", {}).get("filename", "")
        if leaf == "ocr" and "file" in names:
            page = names.get("page", {}).get("number", "1")
            ocr[(dossier, names["file"]["path"], page)] += ms
        elif leaf == "seals" and "file" in names:
            detect[(dossier, names["file"]["path"], names["seals"]["page"])] += ms
        elif leaf == "seal":
            f = names["seal"]
            key = (dossier, f["path"], f["page"])
            judge[key] += ms
            seals[key] += 1
            checked[key] |= f.get("checked") == "true"
    if not ocr:
        sys.exit("no `ocr` span timings found: was the run made with DOSSIER_VERIFY_LOG_TIMINGS=1 and the filter above?")
    pages = sorted(set(ocr) | set(detect) | set(judge))
    ocr_pages = [p for p in pages if p in ocr]
    stamped = [p for p in ocr_pages if seals[p]]
    share = lambda p: (detect[p] + judge[p]) / ocr[p]
    total_ocr = sum(ocr[p] for p in ocr_pages)
    total_seal = sum(detect[p] + judge[p] for p in ocr_pages)
    print(f"OCRed pages {len(ocr_pages)}: OCR {total_ocr / 1000:.1f} s, seal work on them {total_seal / 1000:.2f} s = {100 * total_seal / total_ocr:.1f}% "
          f"(detection {100 * sum(detect[p] for p in ocr_pages) / total_ocr:.1f}%, judging {100 * sum(judge[p] for p in ocr_pages) / total_ocr:.1f}%)")
    for label, group in (("stamped pages", stamped), ("  on documents whose stamper is checked", [p for p in stamped if checked[p]]), ("  on other documents (ring OCRed for the report)", [p for p in stamped if not checked[p]])):
        if not group:
            continue
        shares = sorted(share(p) for p in group)
        g_ocr, g_seal = sum(ocr[p] for p in group), sum(detect[p] + judge[p] for p in group)
        print(f"{label} {len(group)}: seal work {100 * g_seal / g_ocr:.1f}% of their OCR; per page median {100 * shares[len(shares) // 2]:.1f}%, "
              f"90th percentile {100 * shares[int(0.9 * (len(shares) - 1))]:.1f}%, max {100 * shares[-1]:.1f}%; over 10%: {sum(s > 0.10 for s in shares)}")
    worst = sorted(stamped, key=share, reverse=True)[:5]
    for p in worst:
        print(f"  {100 * share(p):5.1f}%  OCR {ocr[p]:6.0f} ms, detection {detect[p]:5.1f} ms, judging {judge[p]:5.1f} ms ({seals[p]} seal(s){', checked' if checked[p] else ''})  {p[0]} {p[1]} p{p[2]}")
    unread = [p for p in pages if p not in ocr and seals[p]]
    if unread:
        print(f"seals on pages read from their text layer (no OCR to compare with): {len(unread)}, judging {sum(judge[p] for p in unread):.0f} ms in all")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/dev/stdin")

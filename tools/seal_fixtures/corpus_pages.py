#!/usr/bin/env python3
"""Turns the dossier corpus (zips + truth files) into page images for measuring the seal
detector on it (`tests/seals.rs::corpus_quality`, ignored by default: it needs this step).

Scanned PDFs are rendered at 200 dpi (the OCR render resolution of config/default.toml)
with poppler's `pdftoppm`; PDFs with a text layer give their embedded pictures
(`pdfimages`), as extraction hands those to `seals::detect`; JPG/PNG files are copied.
The manifest lists every image with the truth of its file (`stamped_by`, `stamp_page`).

Usage:
    python3 tools/seal_fixtures/corpus_pages.py [--corpus /work/corpus-preview] [--out /tmp/corpus-pages]
    SEAL_CORPUS_PAGES=/tmp/corpus-pages OMP_THREAD_LIMIT=1 cargo test --test seals -- --ignored corpus_quality --nocapture
"""

import argparse
import glob
import json
import os
import subprocess
import tempfile
import zipfile


def has_text(pdf):
    out = subprocess.run(["pdftotext", "-l", "2", pdf, "-"], capture_output=True, text=True).stdout
    return len("".join(out.split())) > 20


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="/work/corpus-preview")
    ap.add_argument("--out", default="/tmp/corpus-pages")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    manifest = []
    for truth_path in sorted(glob.glob(os.path.join(args.corpus, "*.truth.json"))):
        dossier = os.path.basename(truth_path)[: -len(".truth.json")]
        zpath = os.path.join(args.corpus, dossier + ".zip")
        truth = json.load(open(truth_path, encoding="utf-8"))
        files = {f["path"]: f for f in truth.get("files", [])}
        try:
            zf = zipfile.ZipFile(zpath)
        except (zipfile.BadZipFile, FileNotFoundError):
            continue
        for idx, info in enumerate(zf.infolist()):
            name = info.filename
            # Names stored in GBK without the UTF-8 flag come out as CP437.
            if not info.flag_bits & 0x800:
                try:
                    name = name.encode("cp437").decode("gbk")
                except (UnicodeEncodeError, UnicodeDecodeError):
                    pass
            low = name.lower()
            if not low.endswith((".pdf", ".jpg", ".jpeg", ".png")):
                continue
            f = files.get(name, {})
            try:
                data = zf.read(info)
            except Exception:
                continue
            target = os.path.join(args.out, dossier, f"{idx:03d}")
            os.makedirs(target, exist_ok=True)
            images = []
            if low.endswith(".pdf"):
                with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
                    tmp.write(data)
                    tmp.flush()
                    if has_text(tmp.name):
                        subprocess.run(["pdfimages", "-png", tmp.name, os.path.join(target, "img")], capture_output=True)
                        images = [(None, p) for p in sorted(glob.glob(os.path.join(target, "img-*.png")))]
                    else:
                        subprocess.run(["pdftoppm", "-r", "200", "-jpeg", "-jpegopt", "quality=90", tmp.name, os.path.join(target, "page")], capture_output=True)
                        pages = sorted(glob.glob(os.path.join(target, "page-*.jpg")))
                        images = [(int(p.rsplit("-", 1)[1].split(".")[0]), p) for p in pages]
            else:
                p = os.path.join(target, "page-1" + os.path.splitext(low)[1])
                open(p, "wb").write(data)
                images = [(1, p)]
            for page, p in images:
                manifest.append({
                    "dossier": dossier,
                    "path": name,
                    "kind": f.get("kind", ""),
                    "page": page,
                    "image": p,
                    "stamped_by": f.get("stamped_by"),
                    "stamp_page": f.get("stamp_page"),
                })
    planted = []
    for truth_path in sorted(glob.glob(os.path.join(args.corpus, "*.truth.json"))):
        truth = json.load(open(truth_path, encoding="utf-8"))
        for e in truth.get("expected_findings", []):
            if e.get("code") == "STAMP_DUPLICATED_IMAGE":
                planted.append(os.path.basename(truth_path)[: -len(".truth.json")])
    json.dump({"images": manifest, "pasted_seal_dossiers": planted}, open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8"), ensure_ascii=False, indent=1)
    print(len(manifest), "images;", "pasted-seal dossiers:", planted)


if __name__ == "__main__":
    main()

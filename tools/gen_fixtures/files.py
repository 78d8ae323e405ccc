"""Writers for the dossier's file formats, all byte-deterministic: image-only PDFs (as a
scanner writes them, with an optional incremental update by an editor), text PDFs with
an embedded seal picture (reportlab, invariant mode), Word/Excel files (python-docx,
openpyxl, xlwt) re-packed with fixed timestamps, and the dossier zip itself (UTF-8 or
GBK entry names, the latter without the UTF-8 flag, as Windows' zip tools write them).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from PIL import Image

FIXED_ZIP_TIME = (2024, 1, 18, 9, 30, 0)


# ------------------------------------------------------------------ image-only PDF

def _pdf_date(t: dt.datetime) -> str:
    return t.strftime("D:%Y%m%d%H%M%S+08'00'")


def image_pdf(pages: list[tuple[bytes, int, int, int]], producer: str, created: dt.datetime,
              edited: tuple[str, dt.datetime] | None = None) -> bytes:
    """A PDF whose pages are JPEG images: `pages` = (jpeg bytes, width px, height px, dpi).

    `edited` = (producer, time): appends an incremental update that rewrites the Info
    dictionary, the way an editor saves a scanned file (PDF_EDITED_AFTER_CREATION)."""
    objs: list[bytes] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    catalog = add(b"")  # filled below
    pages_id = add(b"")
    kids = []
    for jpeg, w, h, dpi in pages:
        pw, ph = w * 72.0 / dpi, h * 72.0 / dpi
        img = add(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
                  b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n" % (w, h, len(jpeg))
                  + jpeg + b"\nendstream")
        content = b"q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q" % (pw, ph)
        cid = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << /Im0 %d 0 R >> >> "
                        b"/Contents %d 0 R >>" % (pages_id, pw, ph, img, cid)))
    objs[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objs[pages_id - 1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                          + b"] /Count %d >>" % len(kids))
    date = _pdf_date(created).encode()
    info = add(b"<< /Producer (" + producer.encode("latin-1") + b") /Creator (" + producer.encode("latin-1")
               + b") /CreationDate (" + date + b") /ModDate (" + date + b") >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    doc_id = b"%032x" % (abs(hash_bytes(b"".join(p[0][:64] for p in pages))) % (1 << 128))
    out.write(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objs) + 1, catalog, info, doc_id, doc_id, xref))
    if edited:
        ed_producer, ed_time = edited
        new_info_off = out.tell()
        n = len(objs) + 1
        out.write(b"%d 0 obj\n<< /Producer (" % n + ed_producer.encode("latin-1") + b") /Creator (" +
                  ed_producer.encode("latin-1") + b") /CreationDate (" + date + b") /ModDate (" +
                  _pdf_date(ed_time).encode() + b") >>\nendobj\n")
        xref2 = out.tell()
        out.write(b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n" % (n, new_info_off))
        out.write(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /Prev %d /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
                  % (n + 1, catalog, n, xref, doc_id, doc_id, xref2))
    return out.getvalue()


def hash_bytes(data: bytes) -> int:
    import hashlib
    return int.from_bytes(hashlib.sha256(data).digest()[:16], "big")


# --------------------------------------------------------------------- text PDF

def text_pdf(title: str, paragraphs: list[str], signer: str, date_text: str, seal_png: bytes | None,
             face: str = "song") -> bytes:
    """A unit's narrative as its office software exports it: a real text layer, and the
    seal as an embedded picture over the signature (how many units 'stamp' electronically)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font_name = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font_name))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setCreator("WPS 文字")
    c.setProducer("WPS 文字")
    c.setTitle(title)
    width, height = A4
    left, right = 80, width - 72
    y = height - 90

    def line_break(text: str, size: float) -> list[str]:
        lines, cur = [], ""
        for ch in text:
            if pdfmetrics.stringWidth(cur + ch, font_name, size) > right - left:
                lines.append(cur)
                cur = ch
            else:
                cur += ch
        return lines + ([cur] if cur else [])

    c.setFont(font_name, 17)
    c.drawCentredString(width / 2, y, title)
    y -= 42
    for para in paragraphs:
        for line in line_break("\u3000\u3000" + para, 12):
            if y < 80:
                c.showPage()
                y = height - 80
            c.setFont(font_name, 12)
            c.drawString(left, y, line)
            y -= 22
        y -= 4
    if y < 200:
        c.showPage()
        y = height - 120
    y -= 40
    c.setFont(font_name, 12)
    c.drawString(right - 200, y, signer)
    c.drawString(right - 160, y - 24, date_text)
    if seal_png:
        img = ImageReader(io.BytesIO(seal_png))
        c.drawImage(img, right - 190, y - 90, width=118, height=118, mask="auto")
    c.showPage()
    c.save()
    return buf.getvalue()


# --------------------------------------------------------- OOXML / zip determinism

def repack_ooxml(data: bytes) -> bytes:
    """Rewrites a .docx/.xlsx zip with fixed entry times and attributes, same entry order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 10, 8, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zi.create_system = 0
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps "modified" with the current time on save: pin both dates
                body = re.sub(rb"(<dcterms:created[^>]*>)[^<]*", rb"\g<1>2024-01-15T09:00:00Z", body)
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-16T17:20:00Z", body)
            dst.writestr(zi, body)
    return out.getvalue()


class _GbkZipInfo(zipfile.ZipInfo):
    """An entry whose name is stored in GBK with the UTF-8 flag (bit 11) clear — what
    Windows' built-in zip and older WinRAR/360压缩 write on a Chinese system."""

    def _encodeFilenameFlags(self):  # noqa: N802 (zipfile's own name)
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def write_dossier_zip(entries: list[tuple[str, bytes]], gbk_names: bool, extra_raw: list[tuple[str, bytes]] | None = None) -> bytes:
    """The dossier archive. Entries keep the order given (a bureau's zip tool adds files
    folder by folder); folders get their own entries as Windows tools write them."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        seen_dirs: set[str] = set()
        for name, data in entries + (extra_raw or []):
            parts = name.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                d = "/".join(parts[:i]) + "/"
                if d not in seen_dirs and not d.startswith(".."):
                    seen_dirs.add(d)
                    zi = (_GbkZipInfo if gbk_names else zipfile.ZipInfo)(d, date_time=FIXED_ZIP_TIME)
                    zi.external_attr = 0x10
                    zi.create_system = 0 if gbk_names else 3
                    zf.writestr(zi, b"")
            zi = (_GbkZipInfo if gbk_names else zipfile.ZipInfo)(name, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 0 if gbk_names else 3
            zi.external_attr = 0x20 if gbk_names else (0o644 << 16)
            zf.writestr(zi, data)
    return out.getvalue()


def jpeg_size(jpeg: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(jpeg)) as im:
        return im.size

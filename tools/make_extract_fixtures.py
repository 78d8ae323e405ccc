#!/usr/bin/env python3
"""Makes the PDF/image fixtures of tests/extract_pdf.rs and tests/ocr.rs (fixtures/extract/).

Needs: Python 3 with reportlab and Pillow, LibreOffice (`soffice`), tesseract (for the
captured TSV only), the WenQuanYi Zen Hei font (fonts-wqy-zenhei). The outputs are
committed; run this again only to change them:

    python3 tools/make_extract_fixtures.py
    python3 tools/make_extract_fixtures.py scan_roster   # only the scanned roster

Texts are sentences of the notice (辽人社函〔2024〕5号) and invented figures. Every page
image is drawn here, so the source text of each scan is known exactly (*.txt beside it).
"""
import io
import os
import subprocess
import sys
import tempfile
import zlib

from PIL import Image, ImageChops, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "extract")
FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

TEXT_LINES = [
    "关于做好辽宁省职业技能培训品牌创建培育工作的通知",
    "各市人力资源和社会保障局，沈抚示范区党建工作部：",
    "到2025年底，建立培训品牌创建培育和动态调整工作机制，",
    "各市均培育形成至少1个具有鲜明特色的培训品牌。",
    "2022年培训人数2150人，培训合格率91.2%，就业率61.5%。",
    "2023年培训人数1830人，培训合格率88.6%，就业率64.0%。",
]

SCAN_LINES = [
    "辽宁省职业技能培训品牌申报表",
    "申报单位：大连市人力资源和社会保障局",
    "品牌名称：大连月嫂",
    "2022年培训人数 2150人",
    "2022年培训合格率 91.2%",
    "2023年培训人数 1830人",
    "2023年培训后就业率 64.0%",
    "依托单位：大连市家政服务职业培训学校",
]


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def cjk_text_pdf():
    pdfmetrics.registerFont(TTFont("wqy", FONT, subfontIndex=0))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setAuthor("fixture")
    c.setFont("wqy", 14)
    y = 780
    for line in TEXT_LINES:
        c.drawString(60, y, line)
        y -= 28
    c.showPage()
    c.setFont("wqy", 14)
    c.drawString(60, 780, "第二页：培训品牌效应")
    c.showPage()
    c.save()
    write("cjk_text.pdf", buf.getvalue())
    write("cjk_text.txt", ("\n".join(TEXT_LINES) + "\n").encode())
    return buf.getvalue()


def no_tounicode_pdf(pdf):
    # Same-length key rename keeps every xref offset valid: the fonts lose their
    # ToUnicode maps, so the text layer decodes to garbage as with Identity-H fonts.
    write("no_tounicode.pdf", pdf.replace(b"/ToUnicode", b"/ToUnicodX"))


def seal_text_pdf():
    """A text page carrying an electronic seal: a red ring image drawn over the text."""
    pdfmetrics.registerFont(TTFont("wqy", FONT, subfontIndex=0))
    seal = Image.new("RGB", (300, 300), "white")
    d = ImageDraw.Draw(seal)
    d.ellipse([10, 10, 290, 290], outline=(220, 30, 30), width=14)
    d.regular_polygon((150, 150, 50), 5, fill=(220, 30, 30))
    path = os.path.join(tempfile.gettempdir(), "fixture-seal.png")
    seal.save(path)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("wqy", 14)
    c.drawString(60, 780, "大连市人力资源和社会保障局")
    c.drawString(60, 750, "2024年1月18日")
    c.drawImage(path, 300, 700, width=120, height=120)
    c.showPage()
    c.save()
    write("seal_text.pdf", buf.getvalue())


def encrypted_pdf():
    pdfmetrics.registerFont(TTFont("wqy", FONT, subfontIndex=0))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt="secret")
    c.setFont("wqy", 14)
    c.drawString(60, 780, "加密文件")
    c.showPage()
    c.save()
    write("encrypted.pdf", buf.getvalue())


def incremental_pdf():
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica", 14)
    c.drawString(60, 780, "Original text 2150")
    c.showPage()
    c.save()
    base = buf.getvalue()
    # Append an incremental update: a new Info dictionary written by an editor.
    import re
    size = int(re.findall(rb"/Size (\d+)", base)[-1])
    root = re.findall(rb"/Root (\d+ 0 R)", base)[-1]
    startxref = int(re.findall(rb"startxref\s+(\d+)", base)[-1])
    obj_num = size
    offset = len(base)
    obj = (f"{obj_num} 0 obj\n<< /Producer (Adobe Acrobat Pro 2020) /Creator (Microsoft Word) "
           f"/CreationDate (D:20240110093000+08'00') /ModDate (D:20240305141516+08'00') >>\nendobj\n").encode()
    xref_pos = offset + len(obj)
    xref = f"xref\n0 1\n0000000000 65535 f \n{obj_num} 1\n{offset:010d} 00000 n \n".encode()
    trailer = (f"trailer\n<< /Size {obj_num + 1} /Root ".encode() + root +
               f" /Info {obj_num} 0 R /Prev {startxref} >>\nstartxref\n{xref_pos}\n%%EOF\n".encode())
    write("incremental.pdf", base + obj + xref + trailer)


LO_LINES = [
    ("申报单位：", "大连市", "人力资源和社会保障局"),
    ("2022年培训人数", "2150", "人，合格率91.2%。"),
    ("Brand ", "Dalian", " Yuesao 2023"),
]


def libreoffice_pdf():
    """A Writer document whose lines mix styles, so LibreOffice writes one run per style."""
    paras = "".join(
        f'<text:p text:style-name="P1">{a}<text:span text:style-name="B">{b}</text:span>'
        f'<text:span text:style-name="I">{c}</text:span></text:p>' for a, b, c in LO_LINES)
    fodt = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls><style:font-face style:name="WenQuanYi Zen Hei" svg:font-family="WenQuanYi Zen Hei"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"/></office:font-face-decls>
<office:automatic-styles>
<style:style style:name="P1" style:family="paragraph"><style:text-properties style:font-name="WenQuanYi Zen Hei"
 style:font-name-asian="WenQuanYi Zen Hei" fo:font-size="14pt" style:font-size-asian="14pt"/></style:style>
<style:style style:name="B" style:family="text"><style:text-properties fo:font-weight="bold" style:font-weight-asian="bold"/></style:style>
<style:style style:name="I" style:family="text"><style:text-properties fo:font-style="italic" style:font-style-asian="italic" fo:color="#204080"/></style:style>
</office:automatic-styles>
<office:body><office:text>{paras}</office:text></office:body></office:document>"""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "libreoffice.fodt")
        with open(src, "w", encoding="utf-8") as f:
            f.write(fodt)
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, src],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(os.path.join(tmp, "libreoffice.pdf"), "rb") as f:
            write("libreoffice.pdf", f.read())
    write("libreoffice.txt", ("\n".join("".join(l) for l in LO_LINES) + "\n").encode())


def scan_image(lines, seal_on=None, size=(1654, 1300)):
    """A 200 dpi page image of `lines`; a red seal drawn over the line containing `seal_on`."""
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 44)
    y = 80
    for line in lines:
        draw.text((120, y), line, font=font, fill=(20, 20, 20))
        if seal_on and seal_on in line:
            x0 = 120 + draw.textlength(line[: line.index(seal_on)], font=font)
            cx, cy = x0 + 60, y + 22
            r = 130
            seal = Image.new("RGBA", size, (0, 0, 0, 0))
            sd = ImageDraw.Draw(seal)
            red = (225, 30, 35, 255)
            sd.ellipse([cx - r, cy - r, cx + r, cy + r], outline=red, width=10)
            sd.regular_polygon((cx, cy, 38), 5, fill=red)
            small = ImageFont.truetype(FONT, 30)
            sd.text((cx - 105, cy + 45), "大连市人力资源", font=small, fill=red)
            # Ink multiplies with what is under it (black text stays black under a seal).
            layer = Image.new("RGB", size, "white")
            layer.paste(seal, (0, 0), seal)
            img = ImageChops.multiply(img, layer)
            draw = ImageDraw.Draw(img)
        y += 110
    return img


def jpeg_bytes(img, quality=85):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def image_pdf(streams, rotate=0, page_size=None, cm=None):
    """A one-page PDF drawing one image XObject over the page.

    streams: (dict_entries, data) of the image; cm: the placement matrix (default: fill the page).
    """
    w_pt, h_pt = page_size
    if cm is None:
        cm = f"{w_pt} 0 0 {h_pt} 0 0"
    content = f"q {cm} cm /Im0 Do Q".encode()
    img_dict, img_data = streams
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w_pt} {h_pt}] /Rotate {rotate} "
        f"/Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>".encode(),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        f"<< /Type /XObject /Subtype /Image {img_dict} /Length {len(img_data)} >>\nstream\n".encode()
        + img_data + b"\nendstream",
        b"<< /Producer (fixture scanner) >>",
    ]
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def two_image_pdf(first, second, page_size):
    """A one-page PDF whose upper and lower halves are two image XObjects."""
    pdf = image_pdf(first, page_size=page_size, cm=f"{page_size[0]} 0 0 {page_size[1] / 2} 0 {page_size[1] / 2}")
    # Re-assemble with a second image object appended (simplest: rebuild by hand).
    w_pt, h_pt = page_size
    half = h_pt / 2
    content = f"q {w_pt} 0 0 {half} 0 {half} cm /Im0 Do Q q {w_pt} 0 0 {half} 0 0 cm /Im1 Do Q".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w_pt} {h_pt}] "
        f"/Resources << /XObject << /Im0 5 0 R /Im1 6 0 R >> >> /Contents 4 0 R >>".encode(),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    for img_dict, img_data in (first, second):
        objects.append(f"<< /Type /XObject /Subtype /Image {img_dict} /Length {len(img_data)} >>\nstream\n".encode()
                       + img_data + b"\nendstream")
    out = bytearray(b"%PDF-1.5\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    del pdf
    return bytes(out)


def dct(img):
    w, h = img.size
    return (f"/Width {w} /Height {h} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode", jpeg_bytes(img))


def pts(img):
    # 200 dpi pixels to points.
    return (round(img.size[0] * 72 / 200, 2), round(img.size[1] * 72 / 200, 2))


def scans():
    img = scan_image(SCAN_LINES, seal_on="91.2%")
    write("scan_seal.pdf", image_pdf(dct(img), page_size=pts(img)))
    write("scan_seal.txt", ("\n".join(SCAN_LINES) + "\n").encode())
    img.save(os.path.join(OUT, "scan_seal.jpg"), "JPEG", quality=85)

    plain = scan_image(SCAN_LINES[:5])
    # Stored sideways, shown upright by /Rotate 90: the image is the page turned 90°
    # counter-clockwise, the viewer turns it back clockwise.
    sideways = plain.rotate(90, expand=True)
    w, h = pts(sideways)
    write("scan_rotate90.pdf", image_pdf(dct(sideways), rotate=90, page_size=(w, h)))
    # Scanned upside down, no /Rotate: only the OCR can tell.
    write("scan_upside_down.pdf", image_pdf(dct(plain.rotate(180)), page_size=pts(plain)))
    write("scan_short.txt", ("\n".join(SCAN_LINES[:5]) + "\n").encode())

    # Fed crooked into the scanner: 2.5° off.
    skewed = plain.rotate(2.5, resample=Image.BICUBIC, expand=False, fillcolor="white")
    write("scan_skewed.pdf", image_pdf(dct(skewed), page_size=pts(plain)))

    # One page drawn as two image strips (some scanners write bands): rendered, not decoded.
    top = plain.crop((0, 0, plain.size[0], plain.size[1] // 2))
    bottom = plain.crop((0, plain.size[1] // 2, plain.size[0], plain.size[1]))
    w_pt, h_pt = pts(plain)
    write("scan_two_strips.pdf", two_image_pdf(dct(top), dct(bottom), (w_pt, h_pt)))

    # A 72 dpi page image (a screenshot saved as PDF): letters a dozen pixels high.
    low = plain.resize((plain.size[0] * 72 // 200, plain.size[1] * 72 // 200), Image.LANCZOS)
    w, h = low.size
    write("scan_72dpi.pdf", image_pdf(dct(low), page_size=(w, h)))

    # Bilevel FlateDecode with the PNG Up predictor (as img2pdf writes bilevel scans).
    bw = plain.convert("L").point(lambda v: 255 if v > 128 else 0).convert("1")
    w, h = bw.size
    row = (w + 7) // 8
    raw = bw.tobytes()
    predicted = b"".join(b"\x02" + bytes(
        (raw[y * row + i] - (raw[(y - 1) * row + i] if y else 0)) & 0xFF for i in range(row)) for y in range(h))
    flate = (f"/Width {w} /Height {h} /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode "
             f"/DecodeParms << /Predictor 15 /Colors 1 /BitsPerComponent 1 /Columns {w} >>", zlib.compress(predicted))
    write("scan_flate1bit.pdf", image_pdf(flate, page_size=pts(plain)))

    # CCITT Group 4 (office scanners' default), the strip taken out of a Pillow TIFF; Pillow writes
    # MinIsBlack, so the codec's "black" runs are paper: BlackIs1 true.
    tif = io.BytesIO()
    bw.save(tif, "TIFF", compression="group4", tiffinfo={278: h}, strip_size=10**9)
    tif.seek(0)
    t = Image.open(tif)
    offsets, counts = t.tag_v2[273], t.tag_v2[279]
    data = b"".join(tif.getvalue()[o:o + c] for o, c in zip(offsets, counts))
    assert len(offsets) == 1, "one strip expected"
    ccitt = (f"/Width {w} /Height {h} /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode "
             f"/DecodeParms << /K -1 /Columns {w} /Rows {h} /BlackIs1 true >>", data)
    write("scan_ccitt.pdf", image_pdf(ccitt, page_size=pts(plain)))

    # A JPEG photo with EXIF orientation 6 (rotate 90° clockwise to view) and Software.
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x0131] = "Adobe Photoshop 25.0"
    plain.rotate(90, expand=True).save(os.path.join(OUT, "photo_exif6.jpg"), "JPEG", quality=85, exif=exif.tobytes())


def retouched_scan_pdf():
    """A scan whose JPEG says it was last saved by GIMP (EXIF Software)."""
    plain = scan_image(SCAN_LINES[:5])
    exif = Image.Exif()
    exif[0x0131] = "GIMP 2.10.34"
    buf = io.BytesIO()
    plain.save(buf, "JPEG", quality=85, exif=exif.tobytes())
    w, h = plain.size
    img = (f"/Width {w} /Height {h} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode", buf.getvalue())
    write("scan_retouched.pdf", image_pdf(img, page_size=pts(plain)))


def tsv():
    img = scan_image(SCAN_LINES)
    with tempfile.TemporaryDirectory() as tmp:
        p = os.path.join(tmp, "page.png")
        img.save(p)
        out = subprocess.run(["tesseract", p, "-", "-l", "chi_sim", "--psm", "3", "tsv"],
                             check=True, capture_output=True, env=dict(os.environ, OMP_THREAD_LIMIT="1")).stdout
    write("notice_page.tsv", out)


ROSTER_HEADER = ["序号", "姓名", "性别", "身份证号码", "联系电话", "培训工种", "考核结果"]
ROSTER_WIDTHS = [110, 170, 110, 480, 300, 220, 180]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高"
GIVEN = "秀英桂兰玉梅凤霞丽华淑芳红艳建国志强海燕春雪晓东"


def id_number(rng, area, birth):
    """A GB 11643 number: area code, birth date, sequence, MOD 11-2 check digit."""
    body = f"{area}{birth}{rng.randrange(100, 999)}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    return body + check


def roster_rows(count=22):
    import random
    rng = random.Random(20230)
    rows = []
    for i in range(1, count + 1):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
        birth = f"{rng.randrange(1965, 2002)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
        number = id_number(rng, rng.choice(["210102", "210211", "210302", "211002"]), birth)
        gender = "男" if int(number[16]) % 2 else "女"
        phone = f"13{rng.randrange(0, 10)}{rng.randrange(10**7, 10**8)}"
        result = "合格" if rng.random() < 0.9 else "不合格"
        rows.append([str(i), name, gender, number, phone, "育婴员", result])
    return rows


def scan_roster():
    """A 200 dpi scanned roster page (a ruled table, slightly turned, JPEG) and its truth."""
    rows = roster_rows()
    size = (1654, 2339)
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    title = ImageFont.truetype(FONT, 52)
    font = ImageFont.truetype(FONT, 34)
    draw.text((420, 110), "2023年培训人员名单", font=title, fill=(15, 15, 15))
    draw.text((90, 200), "依托单位：大连市家政服务职业培训学校", font=font, fill=(15, 15, 15))
    left, top, row_h = 60, 270, 72
    xs = [left]
    for w in ROSTER_WIDTHS:
        xs.append(xs[-1] + w)
    table = [ROSTER_HEADER] + rows
    for r, cells in enumerate(table):
        y = top + r * row_h
        for c, text in enumerate(cells):
            draw.text((xs[c] + 12, y + 16), text, font=font, fill=(15, 15, 15))
    bottom = top + len(table) * row_h
    for r in range(len(table) + 1):
        draw.line([(left, top + r * row_h), (xs[-1], top + r * row_h)], fill=(40, 40, 40), width=2)
    for x in xs:
        draw.line([(x, top), (x, bottom)], fill=(40, 40, 40), width=2)
    draw.text((90, bottom + 40), "填表人：李明    审核：王芳", font=font, fill=(15, 15, 15))
    img = img.rotate(0.6, resample=Image.BICUBIC, fillcolor="white")
    write("scan_roster.pdf", image_pdf(dct(img), page_size=pts(img)))
    write("scan_roster.tsv", ("\t".join(ROSTER_HEADER) + "\n" + "".join("\t".join(r) + "\n" for r in rows)).encode())


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    scan_roster()
    if sys.argv[1:] == ["scan_roster"]:
        sys.exit(0)
    pdf = cjk_text_pdf()
    no_tounicode_pdf(pdf)
    encrypted_pdf()
    seal_text_pdf()
    incremental_pdf()
    libreoffice_pdf()
    scans()
    retouched_scan_pdf()
    tsv()
    print("fixtures written to", os.path.normpath(OUT), file=sys.stderr)

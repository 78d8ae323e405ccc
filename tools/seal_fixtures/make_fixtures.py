#!/usr/bin/env python3
"""Renders the seal fixtures of fixtures/seals/ (page scans with and without official seals).

Why: the seal detector, reader and copy finder (src/seals/) need page images whose truth
is known exactly — where each seal is, whose name it carries, which impressions are
copy-pasted from one another and which are genuine re-inkings of the same stamp — and
real dossiers cannot be committed. Everything here is synthetic, drawn with Pillow from
the system CJK fonts (Noto CJK, WenQuanYi Zen Hei, AR PL UMing and SungtiL GB), so the fixtures carry no
third-party content.

What it draws (A4 at 150 dpi, JPEG quality ~75, like a desk scanner):
  * seals: a red ring, a five-pointed star and the body's name running clockwise along the
    upper arc (round 42 mm for government bodies, 32-40 mm and 45x30 mm ovals for units);
  * each *impression* of a stamp differs as real inking does: rotation, position, ink
    pressure (alpha, stroke spread), ink dropout (smooth random blobs plus grain), colour;
  * a *copy* is one impression's ink pasted again (as an editor's copy-paste would),
    exactly or slightly rotated/scaled, then scanned with the page;
  * seal-free pages with red that is not a seal: a red-headed title (红头) with its red rule,
    a red round logo, red table lines, red check marks.
  * an electronic seal: a clean PNG of a seal alone, as embedded in a text PDF.

Truth goes to fixtures/seals/truth.json: per file, each seal's bbox [x, y, w, h] in
pixels, its issuer text, its stamp id and impression id (same impression id on two
files = a planted copy; same stamp id, different impression = a genuine pair).

Usage:
    python3 tools/seal_fixtures/make_fixtures.py [--out fixtures/seals] [--extra N --seed S]
--extra N adds N random pages (for measuring on a bigger set; not committed).
--seal-faces path#index,... draws the extra pages' seals in those faces instead (a set in
faces the product's letter shapes do not use: how it fares on seals cut in other faces).
Needs python3-pil and python3-numpy (Debian packages).
"""

import argparse
import json
import math
import os
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

DPI = 150
A4_MM = (210, 297)
PX_PER_MM = DPI / 25.4
PAGE_W, PAGE_H = round(A4_MM[0] * PX_PER_MM), round(A4_MM[1] * PX_PER_MM)

FONTS = {
    "serif_bold": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2),
    "sans_bold": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    "zenhei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    "uming": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    "serif": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    # A thin Song (fonts-arphic-gbsn00lp), as many real seals are cut: not among the
    # product's letter faces.
    "sungti": ("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", 0),
}
SEAL_FONTS = ["serif_bold", "sans_bold", "zenhei"]

BODY_TEXT = (
    "根据《关于做好辽宁省职业技能培训品牌创建培育工作的通知》要求，我局组织开展了职业技能培训品牌的"
    "推荐工作。经单位申报、实地核查和集体研究，现将有关情况报告如下。该品牌依托单位近两年累计开展"
    "家政服务、养老护理、育婴员等职业技能培训，培训合格率和培训后就业率均达到通知规定的条件。"
    "培训采取理论与实操相结合的方式，建立了学员就业跟踪回访制度，形成了较好的社会影响和示范作用。"
    "请予审核。特此报告。"
)

RED = (200, 28, 36)


def font(name, size):
    path, index = FONTS[name]
    return ImageFont.truetype(path, size, index=index)


def mm(v):
    return v * PX_PER_MM


# ---------------------------------------------------------------- seal design (ink alpha)

def seal_design(text, width_mm, height_mm, font_name, star=True, ss=3):
    """The stamp itself: an alpha mask (float32, 0..1) at ss x page resolution, text at 0 deg."""
    w, h = mm(width_mm) * ss, mm(height_mm) * ss
    pad = int(4 * ss)
    size = (int(w) + 2 * pad, int(h) + 2 * pad)
    img = Image.new("L", size, 0)
    d = ImageDraw.Draw(img)
    cx, cy = size[0] / 2, size[1] / 2
    a, b = w / 2, h / 2
    stroke = mm(1.2 if width_mm >= 38 else 1.0) * ss
    d.ellipse([cx - a, cy - b, cx + a, cy + b], outline=255, width=int(stroke))
    # Text along the upper arc, clockwise, tops outward.
    n = len(text)
    char_h = min(a, b) * (0.30 if width_mm == height_mm else 0.34)
    f = font(font_name, int(char_h))
    span = math.radians(250 if n > 8 else 200) if width_mm == height_mm else math.radians(170)
    for i, ch in enumerate(text):
        t = -span / 2 + span * i / max(n - 1, 1)  # angle from top, clockwise
        # Point on an ellipse inset from the ring.
        ra = a - stroke - char_h * 0.62
        rb = b - stroke - char_h * 0.62
        px, py = cx + ra * math.sin(t), cy - rb * math.cos(t)
        # Glyph tangent angle on the ellipse.
        tx, ty = ra * math.cos(t), rb * math.sin(t)
        ang = math.degrees(math.atan2(ty, tx))
        glyph = Image.new("L", (int(char_h * 1.6), int(char_h * 1.6)), 0)
        gd = ImageDraw.Draw(glyph)
        gd.text((glyph.size[0] / 2, glyph.size[1] / 2), ch, fill=255, font=f, anchor="mm")
        # Narrow the glyph like seal lettering, then turn it so its top points outward.
        glyph = glyph.resize((int(glyph.size[0] * 0.78), glyph.size[1]), Image.BICUBIC)
        glyph = glyph.rotate(-ang, resample=Image.BICUBIC, expand=True)
        img.paste(255, (int(px - glyph.size[0] / 2), int(py - glyph.size[1] / 2)), glyph)
    if star:
        r = min(a, b) * 0.30
        pts = []
        for k in range(10):
            rr = r if k % 2 == 0 else r * 0.382
            th = -math.pi / 2 + k * math.pi / 5
            pts.append((cx + rr * math.cos(th), cy + rr * math.sin(th)))
        d.polygon(pts, fill=255)
    else:
        # Ovals of units carry a line of text in the middle instead of a star.
        f2 = font(font_name, int(char_h * 0.8))
        d.text((cx, cy + b * 0.15), "培训专用章", fill=255, font=f2, anchor="mm")
    return np.asarray(img, dtype=np.float32) / 255.0


def smooth_noise(shape, rng, cell):
    """Low-frequency noise in [0, 1] (blobs about `cell` pixels wide)."""
    gh, gw = max(2, shape[0] // cell + 2), max(2, shape[1] // cell + 2)
    small = Image.fromarray((rng.random((gh, gw)) * 255).astype(np.uint8))
    big = small.resize((shape[1], shape[0]), Image.BICUBIC)
    return np.asarray(big, dtype=np.float32) / 255.0


def impression(design, rng, rotation, pressure, dropout, spread, ss=3):
    """One inking of the stamp: rotated, pressed, with dropout; alpha at page resolution."""
    img = Image.fromarray((design * 255).astype(np.uint8))
    if spread > 0:
        img = img.filter(ImageFilter.MaxFilter(3))
    elif spread < 0:
        img = img.filter(ImageFilter.MinFilter(3))
    img = img.rotate(rotation, resample=Image.BICUBIC, expand=True)
    alpha = np.asarray(img, dtype=np.float32) / 255.0
    blobs = smooth_noise(alpha.shape, rng, cell=int(9 * ss))
    grain = rng.random(alpha.shape).astype(np.float32)
    keep = np.clip((blobs - dropout) * 4.0, 0.0, 1.0) * (0.75 + 0.25 * grain)
    alpha = alpha * keep * pressure
    out = Image.fromarray((np.clip(alpha, 0, 1) * 255).astype(np.uint8))
    out = out.resize((out.size[0] // ss, out.size[1] // ss), Image.LANCZOS)
    return np.asarray(out, dtype=np.float32) / 255.0


# ---------------------------------------------------------------- pages

def blank_page():
    return np.full((PAGE_H, PAGE_W, 3), 250.0, dtype=np.float32)


def draw_text_page(page, rng, title, signer, lines=10, red_title=False, date="2024年1月15日"):
    img = Image.fromarray(page.astype(np.uint8))
    d = ImageDraw.Draw(img)
    y = int(mm(30))
    if red_title:
        ft = font("serif_bold", int(mm(11)))
        d.text((PAGE_W / 2, y), "辽宁省人力资源和社会保障厅文件", fill=RED, font=ft, anchor="mm")
        y += int(mm(14))
        d.line([mm(20), y, PAGE_W - mm(20), y], fill=RED, width=int(mm(0.8)))
        y += int(mm(10))
    ft = font("serif_bold", int(mm(6)))
    d.text((PAGE_W / 2, y), title, fill=(20, 20, 20), font=ft, anchor="mm")
    y += int(mm(14))
    fb = font("serif", int(mm(4.2)))
    per_line = 36
    text = BODY_TEXT * 3
    start = int(rng.integers(0, 40))
    for i in range(lines):
        chunk = text[start + i * per_line:start + (i + 1) * per_line]
        d.text((mm(25), y), chunk, fill=(25, 25, 25), font=fb)
        y += int(mm(8))
    # Signature block, bottom right: the seal is pressed over it.
    sig_y = int(mm(235))
    d.text((mm(185), sig_y), signer, fill=(25, 25, 25), font=fb, anchor="rm")
    d.text((mm(185), sig_y + mm(9)), date, fill=(25, 25, 25), font=fb, anchor="rm")
    return np.asarray(img, dtype=np.float32), (mm(185) - mm(30), sig_y + mm(4))


def ink_color(rng, kind):
    if kind == "orange":
        return np.array([225, 95, 45], dtype=np.float32)
    if kind == "magenta":
        return np.array([195, 30, 95], dtype=np.float32)
    if kind == "faded":
        return np.array([235, 120, 125], dtype=np.float32)
    base = np.array(RED, dtype=np.float32)
    return np.clip(base + rng.normal(0, 8, 3), 0, 255)


def stamp_on(page, alpha, color, centre):
    """Multiplies ink into the page; returns the bbox [x, y, w, h] of the ink."""
    h, w = alpha.shape
    x0, y0 = int(round(centre[0] - w / 2)), int(round(centre[1] - h / 2))
    region = page[y0:y0 + h, x0:x0 + w]
    a = alpha[: region.shape[0], : region.shape[1], None]
    transmit = color / 255.0
    region *= 1.0 - a * (1.0 - transmit)
    ys, xs = np.nonzero(alpha > 0.25)
    return [int(x0 + xs.min()), int(y0 + ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)]


def scan(page, rng, path, quality=75, blur=0.6):
    noisy = page + rng.normal(0, 3.0, page.shape).astype(np.float32)
    img = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    if blur > 0:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    img.save(path, "JPEG", quality=quality, optimize=True)


# ---------------------------------------------------------------- the fixture set

class Stamp:
    def __init__(self, sid, text, w_mm, h_mm, font_name, star=True):
        self.id, self.text = sid, text
        self.design = seal_design(text, w_mm, h_mm, font_name, star=star)


def new_impression(stamp, rng, dropout=None, pressure=None, rotation=None):
    return impression(
        stamp.design,
        rng,
        rotation=float(rng.uniform(-25, 25)) if rotation is None else rotation,
        pressure=float(rng.uniform(0.8, 1.0)) if pressure is None else pressure,
        dropout=float(rng.uniform(0.05, 0.25)) if dropout is None else dropout,
        spread=int(rng.integers(-1, 2)),
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="fixtures/seals")
    ap.add_argument("--seed", type=int, default=20240122)
    ap.add_argument("--extra", type=int, default=0, help="random extra pages (measurement sets)")
    ap.add_argument("--seal-faces", default="", help="path#index,... : faces the extra pages' seals are drawn in")
    args = ap.parse_args()
    extra_fonts = SEAL_FONTS
    if args.seal_faces:
        extra_fonts = []
        for k, face in enumerate(args.seal_faces.split(",")):
            path, index = face.rsplit("#", 1)
            FONTS[f"given{k}"] = (path, int(index))
            extra_fonts.append(f"given{k}")
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    truth = {"dpi": DPI, "files": {}}
    imp_counter = [0]

    def page_with(name, title, signer, seals, lines=10, red_title=False, note=""):
        """seals: list of (stamp, alpha, color_kind, centre offset, impression id)."""
        page, sig = draw_text_page(blank_page(), rng, title, signer, lines=lines, red_title=red_title)
        entries = []
        for stamp, alpha, color_kind, centre, imp in seals:
            c = centre if centre is not None else (sig[0] + rng.uniform(-15, 15), sig[1] + rng.uniform(-15, 15))
            bbox = stamp_on(page, alpha, ink_color(rng, color_kind), c)
            entries.append({"bbox": bbox, "issuer": stamp.text, "stamp": stamp.id, "impression": imp, "ink": color_kind})
        scan(page, rng, os.path.join(args.out, name))
        truth["files"][name] = {"seals": entries, "note": note}

    def imp_id():
        imp_counter[0] += 1
        return f"imp{imp_counter[0]}"

    shenyang = Stamp("shenyang", "沈阳市人力资源和社会保障局", 42, 42, "serif_bold")
    anshan = Stamp("anshan", "鞍山市人力资源和社会保障局", 42, 42, "sans_bold")
    dalian = Stamp("dalian", "大连市人力资源和社会保障局", 42, 42, "zenhei")
    yingkou = Stamp("yingkou", "营口市人力资源和社会保障局", 40, 40, "serif_bold")
    shenfu = Stamp("shenfu", "沈抚示范区党建工作部", 42, 42, "sans_bold")
    dandong = Stamp("dandong", "丹东市人力资源和社会保障局", 42, 42, "serif_bold")
    oval = Stamp("oval_unit", "大连阳光家政服务职业培训学校", 45, 30, "sans_bold", star=False)
    small = Stamp("small_unit", "锦州市职业技能培训中心", 32, 32, "zenhei")
    tieling = Stamp("tieling", "铁岭市人力资源和社会保障局", 42, 42, "sans_bold")
    unit2 = Stamp("unit_benxi", "本溪市钢城技工学校", 38, 38, "serif_bold")

    report = "关于推荐职业技能培训品牌的报告"
    page_with("seal_body_over_text.jpg", report, "沈阳市人力资源和社会保障局",
              [(shenyang, new_impression(shenyang, rng, rotation=8.0), "red", None, imp_id())],
              note="42 mm body seal pressed over the signature and date")
    page_with("seal_body_faded.jpg", report, "鞍山市人力资源和社会保障局",
              [(anshan, new_impression(anshan, rng, dropout=0.35, pressure=0.55), "faded", None, imp_id())],
              note="faded, pink ink with heavy dropout")
    page_with("seal_body_orange.jpg", report, "大连市人力资源和社会保障局",
              [(dalian, new_impression(dalian, rng), "orange", None, imp_id())],
              note="hue shifted towards orange")
    page_with("seal_body_magenta.jpg", report, "营口市人力资源和社会保障局",
              [(yingkou, new_impression(yingkou, rng, rotation=-30.0), "magenta", None, imp_id())],
              note="hue shifted towards magenta, 40 mm")
    page_with("seal_shenfu.jpg", report, "沈抚示范区党建工作部",
              [(shenfu, new_impression(shenfu, rng), "red", None, imp_id())],
              note="the 沈抚示范区 body named in the notice")
    page_with("seal_unit_oval.jpg", "依托单位培训就业情况报告", "大连阳光家政服务职业培训学校",
              [(oval, new_impression(oval, rng, rotation=3.0), "red", None, imp_id())],
              note="45 x 30 mm oval unit seal")
    page_with("seal_unit_small.jpg", "依托单位培训就业情况报告", "锦州市职业技能培训中心",
              [(small, new_impression(small, rng), "red", None, imp_id())],
              note="32 mm unit seal")
    page_with("seal_two_on_page.jpg", "辽宁省职业技能培训品牌申报表", "铁岭市人力资源和社会保障局",
              [(tieling, new_impression(tieling, rng), "red", None, imp_id()),
               (unit2, new_impression(unit2, rng), "red", (mm(60), mm(240)), imp_id())],
              note="a bureau seal and a unit seal on one page")

    # Genuine impressions of one stamp: must never be called copies.
    for k in range(3):
        page_with(f"genuine_dandong_{k + 1}.jpg", report if k == 0 else "辽宁省职业技能培训品牌申报表",
                  "丹东市人力资源和社会保障局",
                  [(dandong, new_impression(dandong, rng), "red", None, imp_id())],
                  note="genuine impression %d of the same 丹东 stamp" % (k + 1))

    # Planted copies: one impression pasted into three pages (exact, and rotated/scaled).
    copied = new_impression(tieling, rng, rotation=12.0)
    cid = imp_id()
    page_with("copy_tieling_1.jpg", report, "铁岭市人力资源和社会保障局",
              [(tieling, copied, "red", None, cid)], note="the original of the pasted seal")
    page_with("copy_tieling_2.jpg", "辽宁省职业技能培训品牌申报表", "铁岭市人力资源和社会保障局",
              [(tieling, copied, "red", (mm(140), mm(250)), cid)], note="the same ink pasted elsewhere")
    img = Image.fromarray((copied * 255).astype(np.uint8)).rotate(2.5, resample=Image.BICUBIC, expand=True)
    img = img.resize((int(img.size[0] * 1.015), int(img.size[1] * 1.015)), Image.BICUBIC)
    page_with("copy_tieling_3.jpg", "依托单位培训就业情况报告", "铁岭市人力资源和社会保障局",
              [(tieling, np.asarray(img, dtype=np.float32) / 255.0, "red", None, cid)],
              note="pasted again, turned 2.5 degrees and scaled 1.5%")

    # Red that is not a seal.
    page_with("noseal_red_title.jpg", "关于开展职业技能培训工作的通知", "辽宁省人力资源和社会保障厅", [],
              red_title=True, note="红头: red title and red rule, no seal")
    page, _ = draw_text_page(blank_page(), rng, "依托单位简介", "", lines=8)
    img = Image.fromarray(page.astype(np.uint8))
    d = ImageDraw.Draw(img)
    # A round red logo (20 mm) with a letter, a square logo, a red underline of a heading.
    d.ellipse([mm(20), mm(12), mm(40), mm(32)], fill=RED)
    d.text((mm(30), mm(22)), "职", fill=(250, 250, 250), font=font("sans_bold", int(mm(11))), anchor="mm")
    d.rectangle([mm(170), mm(12), mm(190), mm(28)], outline=RED, width=int(mm(1.5)))
    d.text((mm(180), mm(20)), "培", fill=RED, font=font("sans_bold", int(mm(10))), anchor="mm")
    d.ellipse([mm(60), mm(150), mm(88), mm(178)], outline=RED, width=int(mm(1.2)))
    d.text((mm(74), mm(164)), "优", fill=RED, font=font("serif_bold", int(mm(14))), anchor="mm")
    scan(np.asarray(img, dtype=np.float32), rng, os.path.join(args.out, "noseal_red_logo.jpg"))
    truth["files"]["noseal_red_logo.jpg"] = {"seals": [], "note": "red logos (round 20 mm, square, ringed 28 mm character), no seal"}

    page, _ = draw_text_page(blank_page(), rng, "培训人员名单", "", lines=2)
    img = Image.fromarray(page.astype(np.uint8))
    d = ImageDraw.Draw(img)
    x0, y0, x1 = mm(20), mm(70), mm(190)
    for r in range(16):
        y = y0 + r * mm(9)
        d.line([x0, y, x1, y], fill=RED, width=2)
    for c in [x0, mm(35), mm(60), mm(80), mm(130), mm(160), x1]:
        d.line([c, y0, c, y0 + 15 * mm(9)], fill=RED, width=2)
    fb = font("serif", int(mm(4)))
    for r in range(1, 15):
        d.text((mm(23), y0 + r * mm(9) + mm(2)), str(r), fill=(20, 20, 20), font=fb)
        d.text((mm(38), y0 + r * mm(9) + mm(2)), "张某某", fill=(20, 20, 20), font=fb)
        d.text((mm(83), y0 + r * mm(9) + mm(2)), "2102**********%04d" % r, fill=(20, 20, 20), font=fb)
    scan(np.asarray(img, dtype=np.float32), rng, os.path.join(args.out, "noseal_red_table.jpg"))
    truth["files"]["noseal_red_table.jpg"] = {"seals": [], "note": "a table ruled in red, no seal"}

    page, _ = draw_text_page(blank_page(), rng, "培训合格学员审核表", "", lines=12)
    img = Image.fromarray(page.astype(np.uint8))
    d = ImageDraw.Draw(img)
    for k in range(10):
        x, y = mm(175), mm(62 + 8 * k)
        d.line([x, y, x + mm(2.5), y + mm(3)], fill=RED, width=int(mm(0.7)))
        d.line([x + mm(2.5), y + mm(3), x + mm(8), y - mm(4)], fill=RED, width=int(mm(0.7)))
    # A hand-drawn red circle around a figure (a reviewer's mark).
    d.ellipse([mm(120), mm(150), mm(150), mm(168)], outline=RED, width=int(mm(0.6)))
    scan(np.asarray(img, dtype=np.float32), rng, os.path.join(args.out, "noseal_checkmarks.jpg"))
    truth["files"]["noseal_checkmarks.jpg"] = {"seals": [], "note": "red check marks and a hand-drawn red oval"}

    page, _ = draw_text_page(blank_page(), rng, "就业跟踪情况说明", "大连阳光家政服务职业培训学校", lines=14)
    scan(page, rng, os.path.join(args.out, "noseal_plain.jpg"))
    truth["files"]["noseal_plain.jpg"] = {"seals": [], "note": "black text only, signature without a seal"}

    # An electronic seal as embedded in a text PDF: clean ink on white, no page around it.
    e = impression(shenyang.design, rng, rotation=0.0, pressure=1.0, dropout=-1.0, spread=0)
    pad = 10
    canvas = np.full((e.shape[0] + 2 * pad, e.shape[1] + 2 * pad, 3), 255.0, dtype=np.float32)
    bbox = stamp_on(canvas, e, np.array([230, 0, 18], dtype=np.float32), (canvas.shape[1] / 2, canvas.shape[0] / 2))
    Image.fromarray(canvas.astype(np.uint8)).save(os.path.join(args.out, "esign_shenyang.png"), optimize=True)
    truth["files"]["esign_shenyang.png"] = {
        "seals": [{"bbox": bbox, "issuer": shenyang.text, "stamp": "shenyang_e", "impression": imp_id(), "ink": "red"}],
        "note": "electronic seal image alone (as embedded in a text PDF)",
    }

    # Optional measurement set: random bodies, inks and layouts.
    cities = ["沈阳市", "大连市", "鞍山市", "抚顺市", "本溪市", "丹东市", "锦州市", "营口市", "阜新市", "辽阳市", "盘锦市", "铁岭市", "朝阳市", "葫芦岛市"]
    units = ["阜新市阳光职业培训学校", "朝阳市家政服务协会", "盘锦市技师学院", "抚顺市东方职业技能培训学校", "辽阳市巧手家政服务有限公司"]
    for k in range(args.extra):
        kind = rng.random()
        name = f"extra_{k:03d}.jpg"
        if kind < 0.15:
            page, _ = draw_text_page(blank_page(), rng, "情况说明", "", lines=int(rng.integers(6, 16)), red_title=bool(rng.random() < 0.5))
            scan(page, rng, os.path.join(args.out, name))
            truth["files"][name] = {"seals": [], "note": "extra seal-free page"}
            continue
        if kind < 0.75:
            text = str(rng.choice(cities)) + "人力资源和社会保障局"
            st = Stamp(f"x{k}", text, 42, 42, str(rng.choice(extra_fonts)))
        elif kind < 0.9:
            d_mm = float(rng.choice([32, 36, 40]))
            st = Stamp(f"x{k}", str(rng.choice(units)), d_mm, d_mm, str(rng.choice(extra_fonts)))
        else:
            st = Stamp(f"x{k}", str(rng.choice(units)), 45, 30, str(rng.choice(extra_fonts)), star=False)
        ink = str(rng.choice(["red", "red", "red", "orange", "magenta", "faded"]))
        alpha = new_impression(st, rng, dropout=float(rng.uniform(0.05, 0.35)))
        page_with(name, report, st.text, [(st, alpha, ink, None, imp_id())], note="extra")

    # Drawn last, from a random stream of its own, so that every page above stays as it was.
    rng = np.random.default_rng(args.seed + 1)
    chaoyang = Stamp("chaoyang", "朝阳市人力资源和社会保障局", 42, 42, "sungti")
    page_with("seal_thin_song.jpg", report, chaoyang.text,
              [(chaoyang, impression(chaoyang.design, rng, rotation=-12.0, pressure=0.9, dropout=0.15, spread=-1), "red", None, imp_id())],
              note="a thin Song face the product does not draw letters in, pressed lightly: hairline strokes")

    with open(os.path.join(args.out, "truth.json"), "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()

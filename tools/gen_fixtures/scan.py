"""Paper pages as a scanner sees them: A4 pages drawn with CJK fonts, red round seals
stamped on them, then skew, uneven paper, noise and JPEG artefacts.

A genuine seal is stamped *before* scanning (so it is skewed and noised with the page
and every impression is drawn anew: ink, ellipse, rotation, position differ). A
copy-pasted seal (`paste_seal_digitally`) goes on *after* scanning, identical each time —
the sign STAMP_DUPLICATED_IMAGE looks for.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

FONT_FILES = {
    "song": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    "song_bold": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2),
    "hei": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    "hei_bold": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    "kai": ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    "ming": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    "wqy": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
}
# Body-text faces a bureau's printer might use; titles use a bold face.
BODY_FACES = ["song", "kai", "ming", "hei", "wqy", "song"]

_font_cache: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}


def font(face: str, px: int) -> ImageFont.FreeTypeFont:
    key = (face, px)
    if key not in _font_cache:
        path, index = FONT_FILES[face]
        _font_cache[key] = ImageFont.truetype(path, px, index=index)
    return _font_cache[key]


def mm(dpi: int, value: float) -> int:
    return int(round(value * dpi / 25.4))


def pt(dpi: int, value: float) -> int:
    return int(round(value * dpi / 72))


class Page:
    """One A4 page being typeset: a cursor, a body face, and helpers for the forms."""

    def __init__(self, dpi: int, face: str):
        self.dpi = dpi
        self.face = face
        self.w, self.h = mm(dpi, 210), mm(dpi, 297)
        self.img = Image.new("RGB", (self.w, self.h), (255, 255, 255))
        self.draw = ImageDraw.Draw(self.img)
        self.left, self.right = mm(dpi, 28), self.w - mm(dpi, 26)
        self.y = mm(dpi, 30)
        self.bottom = self.h - mm(dpi, 25)

    def font(self, size_pt: float, face: str | None = None) -> ImageFont.FreeTypeFont:
        return font(face or self.face, pt(self.dpi, size_pt))

    def text(self, x: int, y: int, s: str, size_pt: float = 12, face: str | None = None, fill=(20, 20, 20)) -> int:
        f = self.font(size_pt, face)
        self.draw.text((x, y), s, font=f, fill=fill)
        return int(f.getlength(s))

    def centered(self, s: str, size_pt: float, face: str | None = None, gap: float = 1.8) -> None:
        f = self.font(size_pt, face)
        width = f.getlength(s)
        self.draw.text(((self.w - width) / 2, self.y), s, font=f, fill=(15, 15, 15))
        self.y += int(pt(self.dpi, size_pt) * gap)

    def fits(self, lines: int, size_pt: float) -> bool:
        return self.y + lines * pt(self.dpi, size_pt) * 1.75 < self.bottom

    def wrap(self, s: str, size_pt: float, width: int, face: str | None = None) -> list[str]:
        f = self.font(size_pt, face)
        lines, cur = [], ""
        for ch in s:
            if f.getlength(cur + ch) > width:
                lines.append(cur)
                cur = ch
            else:
                cur += ch
        if cur:
            lines.append(cur)
        return lines

    def paragraph(self, s: str, size_pt: float = 12, indent: bool = True, face: str | None = None) -> list[str]:
        """Typesets a paragraph; returns the lines that did not fit on this page."""
        px = pt(self.dpi, size_pt)
        text = ("\u3000\u3000" if indent else "") + s
        lines = self.wrap(text, size_pt, self.right - self.left, face)
        for i, line in enumerate(lines):
            if self.y + px > self.bottom:
                return lines[i:]
            self.text(self.left, self.y, line, size_pt, face)
            self.y += int(px * 1.75)
        return []

    def box(self, x0: int, y0: int, x1: int, y1: int, width: int = 2) -> None:
        self.draw.rectangle([x0, y0, x1, y1], outline=(25, 25, 25), width=width)

    def checkbox(self, x: int, y: int, size: int, mark: str) -> None:
        """A printed ☐, ticked the way bureaus do: ☑ (tick in box), ■ (filled), √ (tick over the box)."""
        self.draw.rectangle([x, y, x + size, y + size], outline=(25, 25, 25), width=max(1, size // 12))
        if mark == "filled":
            self.draw.rectangle([x + 2, y + 2, x + size - 2, y + size - 2], fill=(25, 25, 25))
        elif mark in ("tick", "check"):
            w = max(2, size // 7)
            pts = [(x + size * 0.18, y + size * 0.52), (x + size * 0.42, y + size * 0.8), (x + size * 0.85, y + size * 0.15)]
            if mark == "check":  # a hand tick overshooting the box
                pts = [(x - size * 0.05, y + size * 0.45), (x + size * 0.4, y + size * 0.95), (x + size * 1.25, y - size * 0.35)]
            self.draw.line(pts, fill=(25, 25, 25) if mark == "tick" else (30, 40, 90), width=w, joint="curve")


# ------------------------------------------------------------------------------ seals

@dataclass
class SealStyle:
    """What a seal-maker fixed once: the same for every impression of one seal."""
    name: str
    diameter_mm: float = 42.0
    code: str = ""          # the 13-digit number some seals carry along the lower arc
    bottom_text: str = ""   # e.g. 培训专用章


def _seal_mask(style: SealStyle, dpi: int, rng: random.Random) -> Image.Image:
    """The seal's shape as an 'L' mask (255 = ink), drawn at 2x then reduced."""
    ss = 2
    d = mm(dpi, style.diameter_mm) * ss
    img = Image.new("L", (d + 8, d + 8), 0)
    dr = ImageDraw.Draw(img)
    c = (d + 8) / 2
    r = d / 2
    ring = max(3, int(d * 0.035))
    dr.ellipse([c - r, c - r, c + r, c + r], outline=255, width=ring)
    # five-pointed star
    rs = r * 0.30
    pts = []
    for k in range(10):
        ang = -math.pi / 2 + k * math.pi / 5
        rad = rs if k % 2 == 0 else rs * 0.382
        pts.append((c + rad * math.cos(ang), c + rad * math.sin(ang)))
    dr.polygon(pts, fill=255)
    # the body's name along the upper arc, characters upright towards the centre
    name = style.name
    span = min(250.0, 20.0 + 17.5 * len(name))
    # long names get smaller characters so they still fit the arc without touching
    per_char = (r * 0.78) * math.radians(span) / len(name)
    ch_px = int(min(r * 0.30, per_char / 0.78))
    f = font("song_bold" if rng.random() < 0.5 else "hei_bold", ch_px)
    text_r = r - ring - ch_px * 0.62
    for i, ch in enumerate(name):
        ang_deg = -90 - span / 2 + span * (i + 0.5) / len(name)
        ang = math.radians(ang_deg)
        glyph = Image.new("L", (ch_px * 2, ch_px * 2), 0)
        ImageDraw.Draw(glyph).text((ch_px, ch_px), ch, font=f, fill=255, anchor="mm")
        glyph = glyph.resize((int(ch_px * 2 * 0.72), ch_px * 2), Image.LANCZOS)  # seal script is narrow
        glyph = glyph.rotate(-(ang_deg + 90), resample=Image.BICUBIC, expand=True)
        gx = c + text_r * math.cos(ang) - glyph.width / 2
        gy = c + text_r * math.sin(ang) - glyph.height / 2
        img.paste(255, (int(gx), int(gy)), glyph)
    if style.bottom_text:
        fb = font("song_bold", int(r * 0.17))
        dr.text((c, c + r * 0.52), style.bottom_text, font=fb, fill=255, anchor="mm")
    if style.code:
        fc = font("hei", int(r * 0.10))
        span_c = 70.0
        for i, ch in enumerate(style.code):
            ang_deg = 90 + span_c / 2 - span_c * (i + 0.5) / len(style.code)
            ang = math.radians(ang_deg)
            glyph = Image.new("L", (int(r * 0.2), int(r * 0.2)), 0)
            ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, font=fc, fill=255, anchor="mm")
            glyph = glyph.rotate(-(ang_deg - 90), resample=Image.BICUBIC)
            tr = r - ring - r * 0.09
            img.paste(255, (int(c + tr * math.cos(ang) - glyph.width / 2), int(c + tr * math.sin(ang) - glyph.height / 2)), glyph)
    return img.resize((img.width // ss, img.height // ss), Image.LANCZOS)


def seal_impression(style: SealStyle, dpi: int, rng: random.Random) -> Image.Image:
    """One impression: RGBA, red ink with uneven pressure, dropouts, a slight ellipse and
    a rotation of its own."""
    mask = _seal_mask(style, dpi, rng)
    nrng = np.random.default_rng(rng.randrange(2**32))
    w, h = mask.size
    a = np.asarray(mask, dtype=np.float32) / 255.0
    # uneven pressure: a tilted plane plus blotchy low-frequency noise
    yy, xx = np.mgrid[0:h, 0:w]
    tilt = rng.uniform(0, 2 * math.pi)
    plane = 0.78 + 0.22 * (np.cos(tilt) * (xx / w - 0.5) + np.sin(tilt) * (yy / h - 0.5)) * 2
    coarse = nrng.random((max(2, h // 18), max(2, w // 18))).astype(np.float32)
    coarse_img = Image.fromarray((coarse * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC)
    blotch = np.asarray(coarse_img, dtype=np.float32) / 255.0
    ink = plane * (0.55 + 0.6 * blotch)
    # ink dropouts: a few pale patches, and fine speckle where the paper did not take ink
    for _ in range(rng.randint(2, 5)):
        cx, cy, rad = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(w * 0.05, w * 0.16)
        d2 = ((xx - cx) ** 2 + (yy - cy) ** 2) / (rad * rad)
        ink *= 1 - 0.75 * np.exp(-d2 * 2)
    speckle = nrng.random((h, w)) < rng.uniform(0.04, 0.12)
    ink[speckle] *= 0.25
    alpha = np.clip(a * np.clip(ink, 0, 1) * 1.15, 0, 1)
    alpha_img = Image.fromarray((alpha * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.6))
    color = (rng.randint(196, 232), rng.randint(18, 55), rng.randint(30, 66))
    rgba = Image.new("RGBA", (w, h), color + (0,))
    rgba.putalpha(alpha_img)
    # slight ellipse (paper and rubber give) and a hand's rotation
    sx, sy = rng.uniform(0.965, 1.035), rng.uniform(0.965, 1.035)
    rgba = rgba.resize((int(w * sx), int(h * sy)), Image.BICUBIC)
    return rgba.rotate(rng.uniform(-25, 25), resample=Image.BICUBIC, expand=True)


def worn_on_one_side(impression: Image.Image, left: float = 0.6) -> Image.Image:
    """The impression of a stamp pressed down unevenly: the ink thins out towards its
    left side, where the ring's name begins (the city), until only a trace is left over
    the leftmost `left` of it. Deterministic (no draws), so the rest of a dossier keeps
    its bytes."""
    w, h = impression.size
    xx = np.arange(w, dtype=np.float32)[None, :] / w
    ramp = np.clip((xx - left) / 0.25, 0.0, 1.0) * 0.9 + 0.1
    alpha = np.asarray(impression.getchannel("A"), dtype=np.float32) * ramp
    out = impression.copy()
    out.putalpha(Image.fromarray(np.clip(alpha, 0, 255).astype(np.uint8)))
    return out


def stamp(page_img: Image.Image, impression: Image.Image, cx: int, cy: int) -> tuple[int, int, int, int]:
    """Multiplies the ink onto the page (ink over black text stays dark, as on paper).
    Returns the bbox (x, y, w, h)."""
    x0, y0 = cx - impression.width // 2, cy - impression.height // 2
    region = page_img.crop((x0, y0, x0 + impression.width, y0 + impression.height)).convert("RGB")
    ink = Image.new("RGB", impression.size, (255, 255, 255))
    ink.paste(impression.convert("RGB"), (0, 0), impression.getchannel("A"))
    page_img.paste(ImageChops.multiply(region, ink), (x0, y0))
    return (x0, y0, impression.width, impression.height)


# --------------------------------------------------------------------------- scanning

@dataclass
class ScanProfile:
    """A scanner and its operator: resolution, JPEG quality, how crooked and dirty."""
    dpi: int = 150
    quality: int = 70
    skew_deg: float = 0.6
    noise: float = 4.0
    blur: float = 0.5
    grey: bool = False

    @staticmethod
    def random(rng: random.Random, dpi: int | None = None) -> "ScanProfile":
        return ScanProfile(
            dpi=dpi or rng.choice([150, 150, 150, 200, 200, 300]),
            quality=rng.randint(45, 68),
            skew_deg=rng.uniform(-2.0, 2.0),
            noise=rng.uniform(2.0, 5.0),
            blur=rng.uniform(0.4, 0.9),
            grey=False,
        )


def scan(page_img: Image.Image, profile: ScanProfile, rng: random.Random, bad: bool = False) -> Image.Image:
    """Paper → scanner: tint, uneven light, skew, blur, noise, dust. `bad` is a poor copy
    (a fax of a photocopy): low contrast, heavy blur and noise."""
    nrng = np.random.default_rng(rng.randrange(2**32))
    img = page_img
    w, h = img.size
    if bad:
        img = img.resize((w // 5, h // 5), Image.BILINEAR).resize((w, h), Image.BILINEAR)
    # skew: the sheet was not square on the glass
    paper = (rng.randint(236, 250), rng.randint(234, 247), rng.randint(226, 240))
    img = img.rotate(profile.skew_deg, resample=Image.BILINEAR, expand=False, fillcolor=(255, 255, 255))
    arr = np.asarray(img, dtype=np.float32)
    # paper tint, and ink never quite black
    arr = 28 + arr * (np.array(paper, dtype=np.float32) - 28) / 255.0
    if bad:
        arr = 150 + arr * 0.38
    # uneven lighting across the glass (low frequency)
    yy = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    xx = np.linspace(0, 1, w, dtype=np.float32)[None, :]
    light = 1.0 - rng.uniform(0.02, 0.07) * ((xx - rng.random()) ** 2 + (yy - rng.random()) ** 2)
    arr *= light[..., None]
    # a grey shadow along one edge where the lid did not close
    if rng.random() < 0.4:
        edge = int(w * rng.uniform(0.01, 0.025))
        arr[:, :edge] *= np.linspace(0.55, 1.0, edge, dtype=np.float32)[None, :, None]
    # sensor noise, mostly shared across channels
    sigma = profile.noise * (7 if bad else 1)
    mono = nrng.normal(0, sigma, (h, w)).astype(np.float32)
    arr += mono[..., None]
    # dust specks
    for _ in range(rng.randint(8, 40)):
        y, x = rng.randrange(h), rng.randrange(w)
        s = rng.randint(1, 3)
        arr[y:y + s, x:x + s] *= rng.uniform(0.3, 0.8)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    # optics: a box blur is close enough to the lens' softness, and cheap
    out = out.filter(ImageFilter.BoxBlur(profile.blur * (3.5 if bad else 1)))
    if profile.grey:
        out = out.convert("L").convert("RGB")
    return out


def paste_seal_digitally(scanned: Image.Image, impression: Image.Image, cx: int, cy: int) -> None:
    """What a forger does in an editor: the same seal picture pasted on a finished scan."""
    stamp(scanned, impression, cx, cy)


def to_jpeg(img: Image.Image, quality: int, dpi: int, exif: bytes | None = None) -> bytes:
    buf = io.BytesIO()
    kwargs = dict(format="JPEG", quality=quality, subsampling=2, optimize=False, dpi=(dpi, dpi))
    if exif:
        kwargs["exif"] = exif
    img.save(buf, **kwargs)
    return buf.getvalue()


def to_png_scan(img: Image.Image, colors: int = 32) -> bytes:
    """A scan saved as an 8-bit palette PNG, as some scanner software does."""
    buf = io.BytesIO()
    # octree keeps the seal's red (median cut folds it into the greys)
    img.quantize(colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
        buf, format="PNG", optimize=False)
    return buf.getvalue()


def to_png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    return buf.getvalue()

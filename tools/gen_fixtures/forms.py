"""The 附件1 申报表 in the seed's layout — as an editable .docx (a real Word table) or
.xlsx, and drawn on a page for the stamped scan — plus the typeset pages of the
recommendation report, the units' narratives and the other evidence.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field

import openpyxl
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl.styles import Alignment, Border, Font, Side

from files import repack_ooxml
from scan import Page, mm, pt

SCOPES = ["重点产业人才", "生活服务人才", "乡村振兴人才", "新职业新业态人才"]
TYPES = ["行政区域", "行业", "企业", "院校", "其他"]
# How a bureau marks a box in Word: (marked glyph, unmarked glyph).
MARKS = {"☑": ("☑", "☐"), "■": ("■", "□"), "√": ("√", "□"), "☒": ("☒", "☐")}


@dataclass
class FormData:
    """What the form says (after any planted defect): None/"" = left blank."""
    applicant: str
    brand_name: str
    scopes: list[str]            # marked scopes (normally one)
    types: list[str]             # marked types (normally one)
    occupations: list[str]
    units: list[str]
    years: dict[int, tuple[str, str, str]]  # year → (trainees, pass rate, employment rate) as printed
    summary: str
    mark: str = "☑"
    date_text: str = "2024年1月18日"
    extra: dict = field(default_factory=dict)


def _box_line(options: list[str], marked: list[str], mark: str) -> list[str]:
    on, off = MARKS[mark]
    return [(on if o in marked else off) + o for o in options]


# ----------------------------------------------------------------------------- docx

def form_docx(f: FormData) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(12)
    doc.add_paragraph("附件1")
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("辽宁省职业能力建设品牌申报表")
    run.bold = True
    run.font.size = Pt(18)
    doc.add_paragraph(f"申报单位：{f.applicant}（公章）")
    n_units = max(5, len(f.units))
    rows = 1 + 2 + 2 + 1 + n_units + 4 + 1 + 1
    t = doc.add_table(rows=rows, cols=5)
    t.style = "Table Grid"

    def put(r: int, c: int, text: str, span_to: int | None = None) -> None:
        cell = t.cell(r, c)
        if span_to is not None and span_to != c:
            cell = cell.merge(t.cell(r, span_to))
        cell.text = text

    def label(r0: int, r1: int, text: str, two_cols: bool = True) -> None:
        cell = t.cell(r0, 0)
        end = t.cell(r1, 1 if two_cols else 0)
        if end is not cell:
            cell = cell.merge(end)
        cell.text = text

    r = 0
    label(r, r, "品牌名称")
    put(r, 2, f.brand_name, 4)
    r += 1
    label(r, r + 1, "品牌范围")
    line = _box_line(SCOPES, f.scopes, f.mark)
    put(r, 2, line[0]); put(r, 3, line[1], 4)
    put(r + 1, 2, line[2]); put(r + 1, 3, line[3], 4)
    r += 2
    label(r, r + 1, "品牌类型")
    line = _box_line(TYPES, f.types, f.mark)
    put(r, 2, line[0]); put(r, 3, line[1]); put(r, 4, line[2])
    put(r + 1, 2, line[3]); put(r + 1, 3, line[4], 4)
    r += 2
    label(r, r, "品牌行业或职业(工种)")
    put(r, 2, "、".join(f.occupations), 4)
    r += 1
    label(r, r + n_units - 1, "依托单位")
    for i in range(n_units):
        put(r + i, 2, f"{i + 1}.{f.units[i] if i < len(f.units) else ''}", 4)
    r += n_units
    label(r, r + 3, "培训情况", two_cols=False)
    put(r, 1, "年份")
    years = sorted(f.years)
    put(r, 2, f"{years[0]}年"); put(r, 3, f"{years[1]}年", 4)
    for k, lab in enumerate(["培训人数", "培训合格率", "培训后就业率"], start=1):
        put(r + k, 1, lab)
        put(r + k, 2, f.years[years[0]][k - 1])
        put(r + k, 3, f.years[years[1]][k - 1], 4)
    r += 4
    label(r, r, "培训品牌\n总体情况简介")
    put(r, 2, f.summary, 4)
    r += 1
    label(r, r, "市人社部门\n推荐意见")
    put(r, 2, f"同意推荐。\n\n（盖章）\n{f.date_text if f.date_text else '年  月  日'}", 4)
    from docx.shared import Cm
    for row in t.rows:
        for cell, width in zip(row.cells, (Cm(2.2), Cm(2.6), Cm(3.8), Cm(3.8), Cm(3.6))):
            cell.width = width
    doc.core_properties.author = "Administrator"
    doc.core_properties.last_modified_by = "Administrator"
    doc.core_properties.created = dt.datetime(2024, 1, 15, 9, 0, 0)
    doc.core_properties.modified = dt.datetime(2024, 1, 16, 17, 20, 0)
    doc.core_properties.revision = 3
    buf = io.BytesIO()
    doc.save(buf)
    return repack_ooxml(buf.getvalue())


def form_xlsx(f: FormData) -> bytes:
    """The same form typed into a spreadsheet (some bureaus keep every annex in Excel)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "申报表"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    def put(r: int, c: int, v, c2: int | None = None, r2: int | None = None, bold: bool = False) -> None:
        if (c2 and c2 != c) or (r2 and r2 != r):
            ws.merge_cells(start_row=r, start_column=c, end_row=r2 or r, end_column=c2 or c)
        cell = ws.cell(row=r, column=c, value=v)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = border
        if bold:
            cell.font = Font(bold=True, size=16)

    ws.cell(row=1, column=1, value="附件1")
    ws.merge_cells("A2:E2")
    ws["A2"] = "辽宁省职业能力建设品牌申报表"
    ws["A2"].font = Font(bold=True, size=16)
    ws["A2"].alignment = Alignment(horizontal="center")
    ws["A3"] = f"申报单位：{f.applicant}（公章）"
    r = 4
    put(r, 1, "品牌名称", 2); put(r, 3, f.brand_name, 5); r += 1
    line = _box_line(SCOPES, f.scopes, f.mark)
    put(r, 1, "品牌范围", 2, r + 1); put(r, 3, line[0]); put(r, 4, line[1], 5)
    put(r + 1, 3, line[2]); put(r + 1, 4, line[3], 5); r += 2
    line = _box_line(TYPES, f.types, f.mark)
    put(r, 1, "品牌类型", 2, r + 1); put(r, 3, line[0]); put(r, 4, line[1]); put(r, 5, line[2])
    put(r + 1, 3, line[3]); put(r + 1, 4, line[4], 5); r += 2
    put(r, 1, "品牌行业或职业(工种)", 2); put(r, 3, "、".join(f.occupations), 5); r += 1
    n = max(5, len(f.units))
    put(r, 1, "依托单位", 2, r + n - 1)
    for i in range(n):
        put(r + i, 3, f"{i + 1}.{f.units[i] if i < len(f.units) else ''}", 5)
    r += n
    years = sorted(f.years)
    put(r, 1, "培训情况", 1, r + 3); put(r, 2, "年份"); put(r, 3, f"{years[0]}年"); put(r, 4, f"{years[1]}年", 5)
    for k, lab in enumerate(["培训人数", "培训合格率", "培训后就业率"], start=1):
        put(r + k, 2, lab); put(r + k, 3, f.years[years[0]][k - 1]); put(r + k, 4, f.years[years[1]][k - 1], 5)
    r += 4
    put(r, 1, "培训品牌总体情况简介", 2); put(r, 3, f.summary, 5); r += 1
    put(r, 1, "市人社部门推荐意见", 2); put(r, 3, f"同意推荐。（盖章） {f.date_text}", 5)
    for col, w in zip("ABCDE", [10, 12, 24, 24, 20]):
        ws.column_dimensions[col].width = w
    wb.properties.creator = "Administrator"
    wb.properties.lastModifiedBy = "Administrator"
    wb.properties.created = dt.datetime(2024, 1, 15, 9, 0, 0)
    wb.properties.modified = dt.datetime(2024, 1, 16, 17, 20, 0)
    buf = io.BytesIO()
    wb.save(buf)
    return repack_ooxml(buf.getvalue())


# ------------------------------------------------------------------------ scanned form

MARK_STYLE = {"☑": "tick", "■": "filled", "√": "check", "☒": "tick"}


def form_pages(f: FormData, dpi: int, face: str) -> tuple[list[Page], tuple[int, int, int]]:
    """Draws the form on paper. Returns the pages and where the seal goes:
    (page index, x, y) — on the 市人社部门推荐意见 cell, over the date line."""
    p = Page(dpi, face)
    pages = [p]
    p.text(p.left, p.y, "附件1", 14, "hei")
    p.y += pt(dpi, 28)
    p.centered("辽宁省职业能力建设品牌申报表", 20, "song_bold", gap=2.2)
    p.text(p.left, p.y, f"申报单位：{f.applicant}（公章）", 13)
    p.y += pt(dpi, 24)
    x0, x1 = p.left - mm(dpi, 6), p.right + mm(dpi, 4)
    c1 = x0 + mm(dpi, 16)       # end of the first label column (培训情况 only)
    c2 = x0 + mm(dpi, 46)       # end of the label columns
    c3 = c2 + (x1 - c2) // 3
    c4 = c2 + 2 * (x1 - c2) // 3
    row_h = mm(dpi, 11)
    size = 12
    box = pt(dpi, 11)

    def label(y0: int, y1: int, text: str, xa: int = x0, xb: int = c2) -> None:
        p.box(xa, y0, xb, y1)
        lines = text.split("\n")
        f_ = p.font(size)
        for k, line in enumerate(lines):
            w = f_.getlength(line)
            ty = (y0 + y1) // 2 - len(lines) * pt(dpi, size) * 0.65 + k * pt(dpi, size) * 1.3
            p.text(int((xa + xb - w) / 2), int(ty), line, size)

    def value(y0: int, y1: int, xa: int, xb: int, text: str, center: bool = False) -> None:
        p.box(xa, y0, xb, y1)
        f_ = p.font(size)
        w = f_.getlength(text)
        tx = (xa + xb - w) / 2 if center else xa + mm(dpi, 2)
        p.text(int(tx), int((y0 + y1) / 2 - pt(dpi, size) * 0.65), text, size)

    def boxes(y0: int, y1: int, cells: list[tuple[int, int, str]], marked: list[str]) -> None:
        for xa, xb, opt in cells:
            p.box(xa, y0, xb, y1)
            bx, by = xa + mm(dpi, 2), (y0 + y1) // 2 - box // 2
            p.checkbox(bx, by, box, MARK_STYLE[f.mark] if opt in marked else "none")
            p.text(bx + box + mm(dpi, 1.5), int((y0 + y1) / 2 - pt(dpi, size) * 0.65), opt, size)

    y = p.y
    label(y, y + row_h, "品牌名称"); value(y, y + row_h, c2, x1, f.brand_name); y += row_h
    label(y, y + 2 * row_h, "品牌范围")
    boxes(y, y + row_h, [(c2, c3 + (x1 - c3) // 4, SCOPES[0]), (c3 + (x1 - c3) // 4, x1, SCOPES[1])], f.scopes)
    boxes(y + row_h, y + 2 * row_h, [(c2, c3 + (x1 - c3) // 4, SCOPES[2]), (c3 + (x1 - c3) // 4, x1, SCOPES[3])], f.scopes)
    y += 2 * row_h
    label(y, y + 2 * row_h, "品牌类型")
    boxes(y, y + row_h, [(c2, c3, TYPES[0]), (c3, c4, TYPES[1]), (c4, x1, TYPES[2])], f.types)
    boxes(y + row_h, y + 2 * row_h, [(c2, c3, TYPES[3]), (c3, x1, TYPES[4])], f.types)
    y += 2 * row_h
    label(y, y + row_h, "品牌行业或\n职业(工种)"); value(y, y + row_h, c2, x1, "、".join(f.occupations)); y += row_h
    n = max(5, len(f.units))
    label(y, y + n * row_h, "依托单位")
    for i in range(n):
        value(y, y + row_h, c2, x1, f"{i + 1}.{f.units[i] if i < len(f.units) else ''}")
        y += row_h
    years = sorted(f.years)
    label(y, y + 4 * row_h, "培训\n情况", x0, c1)
    label(y, y + row_h, "年份", c1, c2)
    value(y, y + row_h, c2, c3 + (x1 - c3) // 4, f"{years[0]}年", True)
    value(y, y + row_h, c3 + (x1 - c3) // 4, x1, f"{years[1]}年", True)
    for k, lab in enumerate(["培训人数", "培训合格率", "培训后就业率"], start=1):
        yy = y + k * row_h
        label(yy, yy + row_h, lab, c1, c2)
        value(yy, yy + row_h, c2, c3 + (x1 - c3) // 4, f.years[years[0]][k - 1], True)
        value(yy, yy + row_h, c3 + (x1 - c3) // 4, x1, f.years[years[1]][k - 1], True)
    y += 4 * row_h
    # the summary runs on; the recommendation cell often lands on page 2
    summary_lines = p.wrap(f.summary, size, x1 - c2 - mm(dpi, 4))
    avail = (p.bottom - y) // int(pt(dpi, size) * 1.6) - 1
    first = summary_lines[: max(2, avail)]
    rest = summary_lines[len(first):]
    h = int(len(first) * pt(dpi, size) * 1.6) + mm(dpi, 6)
    label(y, y + h, "培训品牌\n总体情况简介")
    p.box(c2, y, x1, y + h)
    for k, line in enumerate(first):
        p.text(c2 + mm(dpi, 2), y + mm(dpi, 3) + int(k * pt(dpi, size) * 1.6), line, size)
    y += h
    if rest or y + mm(dpi, 55) > p.bottom:
        p = Page(dpi, p.face)
        pages.append(p)
        y = p.y
        if rest:
            h = int(len(rest) * pt(dpi, size) * 1.6) + mm(dpi, 6)
            p.box(x0, y, c2, y + h)
            p.box(c2, y, x1, y + h)
            for k, line in enumerate(rest):
                p.text(c2 + mm(dpi, 2), y + mm(dpi, 3) + int(k * pt(dpi, size) * 1.6), line, size)
            y += h
    h = mm(dpi, 55)
    label(y, y + h, "市人社部门\n推荐意见")
    p.box(c2, y, x1, y + h)
    p.text(c2 + mm(dpi, 6), y + mm(dpi, 8), "同意推荐。", size)
    date_y = y + h - mm(dpi, 14)
    p.text(x1 - mm(dpi, 70), date_y - mm(dpi, 12), "（盖章）", size)
    p.text(x1 - mm(dpi, 52), date_y, f.date_text or "年    月    日", size)
    return pages, (len(pages) - 1, x1 - mm(dpi, 38), date_y - mm(dpi, 4))


def prose_pages(title_lines: list[str], salutation: str, paragraphs: list[str], signer: str, date_text: str,
                dpi: int, face: str) -> tuple[list[Page], tuple[int, int, int]]:
    """A letter typeset over as many pages as needed; the seal goes over the signature
    and date on the last page."""
    p = Page(dpi, face)
    pages = [p]
    p.y += pt(dpi, 10)
    for i, line in enumerate(title_lines):
        p.centered(line, 18 if i == len(title_lines) - 1 else 16, "song_bold", gap=1.7)
    p.y += pt(dpi, 10)
    if salutation:
        p.paragraph(salutation, 14, indent=False)
    for para in paragraphs:
        rest = p.paragraph(para, 14)
        while rest:
            p = Page(dpi, face)
            pages.append(p)
            for line in rest:
                if p.y + pt(dpi, 14) > p.bottom:
                    break
                p.text(p.left, p.y, line, 14)
                p.y += int(pt(dpi, 14) * 1.75)
            rest = []
    if p.y + mm(dpi, 45) > p.bottom:
        p = Page(dpi, face)
        pages.append(p)
        p.paragraph("（此页无正文）", 14)  # what bureaus print on a signature-only page
    p.y += mm(dpi, 14)
    f_ = p.font(14)
    sx = p.right - int(f_.getlength(signer)) - mm(dpi, 6)
    p.text(sx, p.y, signer, 14)
    p.y += int(pt(dpi, 14) * 1.9)
    dx = sx + int((f_.getlength(signer) - f_.getlength(date_text)) / 2)
    p.text(dx, p.y, date_text, 14)
    cx = sx + int(f_.getlength(signer) / 2)
    return pages, (len(pages) - 1, cx, p.y)


def certificate_page(rng: random.Random, holder: str, honour: str, issuer: str, date_text: str, dpi: int) -> tuple[Page, tuple[int, int]]:
    """A 荣誉证书 scan: landscape-ish border, big title, the issuer's seal over the date."""
    p = Page(dpi, "kai")
    d = p.draw
    color = (160, 30, 30) if rng.random() < 0.5 else (150, 110, 30)
    for k in range(3):
        inset = mm(dpi, 12 + k * 3)
        d.rectangle([inset, inset, p.w - inset, p.h - inset], outline=color, width=max(2, dpi // 60))
    p.y = mm(dpi, 60)
    p.centered("荣 誉 证 书", 40, "song_bold", gap=2.5)
    p.y += mm(dpi, 20)
    p.paragraph(f"{holder}：", 20, indent=False)
    p.paragraph(honour, 20)
    p.y += mm(dpi, 50)
    f_ = p.font(18)
    sx = p.right - int(f_.getlength(issuer)) - mm(dpi, 5)
    p.text(sx, p.y, issuer, 18)
    p.y += pt(dpi, 34)
    p.text(sx + mm(dpi, 10), p.y, date_text, 18)
    return p, (sx + int(f_.getlength(issuer) / 2), p.y)

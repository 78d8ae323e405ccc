"""Rosters (培训人员名单) and employment tracking tables (就业跟踪情况表) as bureaus'
staff type them: a merged title row, header synonyms in varying order, 序号, dates as
Excel dates or as strings, stray blank rows, 合计 and 填表人 footers; .xlsx (openpyxl)
or .xls (xlwt). Returns, besides the bytes, the Excel row of every person so the truth
file can point at a planted defect's row.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field

import openpyxl
import xlwt
from openpyxl.styles import Alignment, Border, Font, Side

from files import repack_ooxml
from people import Person

# Synonyms from config/rules/liaoning-2024.toml [roster.headers]: each table picks one.
HEADERS = {
    "serial": ["序号", "序号", "编号"],
    "name": ["姓名", "姓名", "学员姓名"],
    "gender": ["性别"],
    "id_number": ["身份证号", "身份证号码", "公民身份号码", "身份证件号码"],
    "phone": ["联系电话", "手机号码", "手机号", "联系方式"],
    "occupation": ["培训工种", "培训职业", "职业（工种）", "培训专业", "工种"],
    "period": ["培训时间", "培训起止时间", "培训起止日期"],
    "start": ["培训开始时间", "开班时间", "开班日期", "培训开始日期"],
    "end": ["培训结束时间", "结业时间", "结业日期", "培训结束日期"],
    "result": ["考核结果", "是否合格", "鉴定结果", "结业情况"],
    "certificate": ["证书编号", "证书号", "职业技能等级证书编号"],
    "employed": ["就业情况", "是否就业", "就业状态"],
    "employer": ["就业单位", "工作单位", "就业单位名称", "就业去向"],
    "employment_date": ["就业时间", "就业日期", "入职时间", "上岗时间"],
}


@dataclass
class TableStyle:
    """How one unit's staff lay out their tables (kept for both years and both tables)."""
    roster_fields: list[str]
    tracking_fields: list[str]
    headers: dict[str, str]
    date_mode: str            # "excel" | "cn" (2022年3月5日) | "dot" (2022.03.05) | "slash" (2022/3/5)
    title_rows: int           # 1 or 2
    footer: list[str]         # subset of ["合计", "填表人"]
    blank_every: int          # a stray blank row after roughly this many persons (0 = none)
    ids_as_numbers: bool = False
    xls: bool = False
    one_workbook: bool = False  # one file, a sheet per year
    sheet_names: dict[int, str] = field(default_factory=dict)

    @staticmethod
    def random(rng: random.Random) -> "TableStyle":
        period = rng.random() < 0.45
        results = rng.choice([["result"], ["certificate"], ["result", "certificate"]])
        roster = ["serial", "name", "gender", "id_number", "phone", "occupation"]
        if rng.random() < 0.3:
            roster = ["serial", "name", "id_number", "gender", "occupation", "phone"]
        if rng.random() < 0.15:
            roster = [f for f in roster if f != "serial"]
        roster += (["period"] if period else ["start", "end"]) + results
        tracking = ["serial", "name", "id_number", "phone", "occupation", "end", "employed", "employer", "employment_date"]
        if rng.random() < 0.4:
            tracking = ["serial", "name", "gender", "id_number", "end", "employer", "employment_date", "employed", "phone"]
        headers = {k: rng.choice(v) for k, v in HEADERS.items()}
        one_wb = rng.random() < 0.3
        return TableStyle(
            roster_fields=roster,
            tracking_fields=tracking,
            headers=headers,
            date_mode=rng.choice(["excel", "excel", "cn", "dot", "slash"]),
            title_rows=rng.choice([1, 1, 2]),
            footer=rng.choice([["合计", "填表人"], ["填表人"], ["合计"], []]),
            blank_every=rng.choice([0, 0, 150, 400]),
            xls=rng.random() < 0.25,
            one_workbook=one_wb,
            sheet_names={2022: rng.choice(["2022年", "2022年培训名单", "2022"]),
                         2023: rng.choice(["2023年", "2023年培训名单", "2023"])} if one_wb else {},
        )


def _fmt_date(d: dt.date | None, mode: str):
    if d is None:
        return ""
    if mode == "excel":
        return d
    if mode == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if mode == "dot":
        return f"{d:%Y.%m.%d}"
    return f"{d.year}/{d.month}/{d.day}"


def _cell(p: Person, key: str, i: int, style: TableStyle, unit_phone: str):
    if key == "serial":
        return i
    if key == "name":
        return p.name
    if key == "gender":
        return p.gender
    if key == "id_number":
        if style.ids_as_numbers:
            return int(p.id_number[:15]) * 1000 if p.id_number[:17].isdigit() else p.id_number
        return p.id_number
    if key == "phone":
        return p.phone
    if key == "occupation":
        return p.occupation
    if key == "period":
        return f"{p.start:%Y.%m.%d}-{p.end:%Y.%m.%d}"
    if key == "start":
        return _fmt_date(p.start, style.date_mode)
    if key == "end":
        return _fmt_date(p.end, style.date_mode)
    if key == "result":
        return "合格" if p.passed else "不合格"
    if key == "certificate":
        return p.certificate
    if key == "employed":
        return p.employed_status
    if key == "employer":
        return p.employer
    if key == "employment_date":
        return _fmt_date(p.employment_date, style.date_mode)
    raise KeyError(key)


@dataclass
class TableOut:
    sheet: str
    rows: dict[int, int]  # person index → Excel row (1-based)


_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TITLE_FONT = Font(bold=True, size=16)
_BOLD = Font(bold=True)
_CENTER = Alignment(horizontal="center")
_CENTER_WRAP = Alignment(horizontal="center", wrap_text=True)


class _Book:
    """The few operations both openpyxl and xlwt need here, over either."""

    def __init__(self, xls: bool):
        self.xls = xls
        self.wb = xlwt.Workbook(encoding="utf-8") if xls else openpyxl.Workbook()
        self.first = True
        if xls:
            self.st_title = xlwt.easyxf("font: bold on, height 320; align: horiz center")
            self.st_head = xlwt.easyxf("font: bold on; borders: left thin, right thin, top thin, bottom thin; align: horiz center, wrap on")
            self.st_cell = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin")
            self.st_date = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin", num_format_str="YYYY-MM-DD")
            self.st_num = xlwt.easyxf("borders: left thin, right thin, top thin, bottom thin", num_format_str="0")

    def sheet(self, name: str):
        if self.xls:
            self.ws = self.wb.add_sheet(name)
        else:
            if self.first:
                self.ws = self.wb.active
                self.ws.title = name
            else:
                self.ws = self.wb.create_sheet(name)
        self.first = False

    def put(self, row: int, col: int, value, kind: str = "cell") -> None:
        """row/col 1-based as a person sees them."""
        if self.xls:
            st = {"title": self.st_title, "head": self.st_head}.get(kind, self.st_cell)
            if isinstance(value, dt.date):
                st = self.st_date
            elif isinstance(value, int) and kind == "cell" and value > 10**9:
                st = self.st_num
            self.ws.write(row - 1, col - 1, value, st)
            return
        c = self.ws.cell(row=row, column=col, value=value)
        # Data cells stay unstyled (openpyxl styling per cell is slow, and many rosters are plain).
        if kind == "title":
            c.font = _TITLE_FONT
            c.alignment = _CENTER
        elif kind == "head":
            c.border = _BORDER
            c.font = _BOLD
            c.alignment = _CENTER_WRAP
        if isinstance(value, dt.date):
            c.number_format = "yyyy-mm-dd"
        elif isinstance(value, int) and value > 10**9:
            c.number_format = "0"

    def merge_title(self, row: int, ncols: int, text: str) -> None:
        if self.xls:
            self.ws.write_merge(row - 1, row - 1, 0, ncols - 1, text, self.st_title)
        else:
            self.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
            self.put(row, 1, text, "title")

    def widths(self, fields: list[str]) -> None:
        wide = {"id_number": 22, "period": 24, "employer": 28, "certificate": 24, "phone": 14}
        for i, f in enumerate(fields):
            w = wide.get(f, 11 if f not in ("serial", "gender") else 6)
            if self.xls:
                self.ws.col(i).width = 256 * w
            else:
                self.ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width = w

    def save(self) -> bytes:
        buf = io.BytesIO()
        if self.xls:
            self.wb.save(buf)
            return buf.getvalue()
        props = self.wb.properties
        props.creator = "Administrator"
        props.lastModifiedBy = "Administrator"
        props.created = dt.datetime(2024, 1, 10, 8, 0, 0)
        props.modified = dt.datetime(2024, 1, 10, 8, 0, 0)
        self.wb.save(buf)
        return repack_ooxml(buf.getvalue())


def write_table(book: _Book, sheet: str, title: str, subtitle: str, fields: list[str], people: list[Person],
                style: TableStyle, rng: random.Random, filler: str) -> TableOut:
    book.sheet(sheet)
    ncols = len(fields)
    row = 1
    book.merge_title(row, ncols, title)
    row += 1
    if style.title_rows == 2:
        book.put(row, 1, subtitle, "plain")
        row += 1
    for c, f in enumerate(fields, start=1):
        book.put(row, c, style.headers[f], "head")
    row += 1
    rows: dict[int, int] = {}
    for i, p in enumerate(people):
        if style.blank_every and i and i % style.blank_every == 0:
            row += 1  # a stray blank row left by a deleted person
        for c, f in enumerate(fields, start=1):
            book.put(row, c, _cell(p, f, i + 1, style, ""))
        rows[i] = row
        row += 1
    if "合计" in style.footer:
        book.put(row, 1, "合计")
        book.put(row, 2, f"{len(people)}人")
        row += 1
    if "填表人" in style.footer:
        row += 1
        book.put(row, 1, f"填表人：{filler}")
        if ncols > 4:
            book.put(row, 4, "审核人：")
            book.put(row, 6 if ncols > 6 else ncols, "填表日期：2024年1月10日")
    book.widths(fields)
    return TableOut(sheet, rows)


def roster_workbooks(unit: str, kind: str, by_year: dict[int, list[Person]], style: TableStyle,
                     rng: random.Random, filler: str) -> list[tuple[int | None, bytes, dict[int, TableOut]]]:
    """One file per year, or one workbook with a sheet per year. kind: "roster" | "tracking".
    Returns (year or None for a combined book, bytes, year → TableOut)."""
    fields = style.roster_fields if kind == "roster" else style.tracking_fields
    label = "培训人员名单" if kind == "roster" else "就业跟踪情况表"
    out = []
    if style.one_workbook:
        book = _Book(style.xls)
        tables = {}
        for year, people in sorted(by_year.items()):
            name = style.sheet_names.get(year, f"{year}年") + ("" if kind == "roster" else "就业")
            tables[year] = write_table(book, name[:31], f"{unit}{year}年{label}", f"填报单位：{unit}", fields,
                                       people, style, rng, filler)
        out.append((None, book.save(), tables))
    else:
        for year, people in sorted(by_year.items()):
            book = _Book(style.xls)
            sheet = "Sheet1" if rng.random() < 0.6 else f"{year}年"
            t = write_table(book, sheet, f"{unit}{year}年{label}", f"填报单位：{unit}", fields, people, style, rng, filler)
            out.append((year, book.save(), {year: t}))
    return out

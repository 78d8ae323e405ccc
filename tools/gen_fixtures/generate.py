#!/usr/bin/env python3
"""Generates the dossier corpus: one zip per planned dossier and its truth file.

    python3 tools/gen_fixtures/generate.py --out fixtures/corpus --seed 2024

Same seed, same package versions (requirements.txt) → byte-identical files. See
fixtures/corpus/README.md for what varies and the planted defects.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
from concurrent.futures import ProcessPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from files import image_pdf, text_pdf, write_dossier_zip  # noqa: E402
from forms import FormData, certificate_page, form_docx, form_pages, form_xlsx, prose_pages  # noqa: E402
from people import Person, employed_within, fill_year, id_check_digit, random_person  # noqa: E402
from plan import DEFECTS, DossierPlan, corpus  # noqa: E402
from scan import BODY_FACES, ScanProfile, SealStyle, scan, seal_impression, stamp, to_jpeg, to_png, to_png_scan, worn_on_one_side  # noqa: E402
from sheets import TableStyle, roster_workbooks  # noqa: E402
from truth import ALL_CODES, YEARS, build_truth  # noqa: E402

SCANNERS = ["Canon iR-ADV C5535 PDF", "KONICA MINOLTA bizhub C364e", "HP Digital Sending Device", "EPSON Scan",
            "RICOH MP C3004ex", "Kyocera TASKalfa 3253ci", "Lenovo M7400 Scanner"]


def pct(rate: float, decimals: int) -> str:
    return f"{rate * 100:.{decimals}f}%"


def bureau_of(city: str) -> str:
    return "沈抚示范区党建工作部" if city == "沈抚示范区" else f"{city}人力资源和社会保障局"


class Builder:
    """Builds one dossier from its plan: people, figures, documents, defects, archive, truth."""

    def __init__(self, plan: DossierPlan, seed: int, slot: int = 0, slots: int = 1):
        self.p = plan
        # digits 15–16 of this dossier's ID numbers (disjoint between dossiers)
        self.seqs = [v for v in range(100) if v % slots == slot]
        self.seed = seed
        self.rng = random.Random(f"{seed}:{plan.name}")
        self.d = set(plan.defects)
        self.entries: list[tuple[str, bytes]] = []
        self.files: list[dict] = []
        self.rosters_truth: list[dict] = []
        self.bureau = bureau_of(plan.city)
        self.form_units = [u.name for u in plan.units]
        self.pasted_seal = None

    # ----------------------------------------------------------------- people
    def make_people(self) -> None:
        rng, p = self.rng, self.p
        used: set[str] = set()
        female = {"家政": 0.9, "制造": 0.08, "农业": 0.45, "电商": 0.6, "手工": 0.8, "企业": 0.15}[p.employer_kind]
        self.people: dict[tuple[int, int], list[Person]] = {}
        for yi, year in enumerate(YEARS):
            total = p.trainees[yi]
            left = total
            for ui, unit in enumerate(p.units):
                n = left if ui == len(p.units) - 1 else round(total * unit.share)
                left -= n
                people = [random_person(rng, p.city, year, female, used, self.seqs) for _ in range(n)]
                if p.batch and year == 2023 and ui == 0:
                    shared = batch_shared_people(self.seed, p.batch, p.city, year, female, self.batch_seqs)
                    people[5:5 + len(shared)] = shared
                    people = people[:n]
                late = 0.25 if ("late_employment_2023" in self.d and year == 2023) else 0.0
                fill_year(rng, people, year, p.occupations, p.pass_rate[yi], p.employment_rate[yi], p.employer_kind, p.city,
                          unit.name, late_share=late)
                self.people[(ui, year)] = people
        if p.decimals == 0:
            for year in YEARS:
                self._nudge_for_integer_percent(year)

    def _all(self, year: int) -> list[Person]:
        return [x for ui in range(len(self.p.units)) for x in self.people[(ui, year)]]

    def _nudge_for_integer_percent(self, year: int) -> None:
        """Rates printed without decimals must still be within the rules' tolerance:
        flip a few results so the true rate is within 0.3 points of a whole percent."""
        people = self._all(year)
        n = len(people)
        for attr in ("passed", "employed"):
            for _ in range(n):
                k = sum(1 for x in people if (employed_within(x) if attr == "employed" else x.passed))
                frac = k * 100 / n - round(k * 100 / n)
                if abs(frac) <= 0.3:
                    break
                want = frac < 0  # below the whole percent: add one
                cands = [x for x in people if (employed_within(x) if attr == "employed" else x.passed) != want]
                x = cands[len(cands) // 2]
                if attr == "passed":
                    x.passed = want
                    x.certificate = (f"Y{year % 100}{abs(hash_str(x.id_number)) % 10**12:012d}" if want else "")
                else:
                    x.employed = want
                    if want:
                        x.employment_date = min(x.end + dt.timedelta(days=40), dt.date(2024, 1, 12))
                        x.employer, x.employed_status = "个人雇主", "灵活就业"
                    else:
                        x.employment_date, x.employer, x.employed_status = None, "", "未就业"

    # --------------------------------------------------------------- evidence
    def evidence(self) -> dict[int, dict]:
        out = {}
        for year in YEARS:
            seen: dict[str, Person] = {}
            for x in self._all(year):
                seen.setdefault(x.id_number, x)
            persons = list(seen.values())
            n = len(persons)
            passed = sum(1 for x in persons if x.passed)
            employed = sum(1 for x in persons if employed_within(x))
            out[year] = {"year": year, "persons": n, "passed": passed, "employed_within_6_months": employed,
                         "pass_rate": round(passed / n, 4), "employment_rate": round(employed / n, 4),
                         "employed_any_time": sum(1 for x in persons if x.employed)}
        return out

    # ---------------------------------------------------------------- run
    def build(self) -> tuple[bytes, dict]:
        p, rng = self.p, self.rng
        if "pasted_seal" in self.d:
            # the forger's one seal picture, pasted on the report and the scanned form alike
            p.dpi = p.dpi or 150
            self.pasted_seal = seal_impression(self.bureau_seal(), p.dpi, rng)
        self.make_people()
        self.plant_roster_defects()
        ev = self.evidence()
        # the figures the bureau reports
        reported = {}
        for year in YEARS:
            e = ev[year]
            trainees = e["persons"]
            pass_rate = e["passed"] / trainees
            emp_rate = e["employed_within_6_months"] / trainees
            if "inflated_count_2022" in self.d and year == 2022:
                trainees += 37
            if "inflated_pass_2023" in self.d and year == 2023:
                pass_rate = min(0.99, pass_rate + 0.09)
            if "inflated_employment_2022" in self.d and year == 2022:
                emp_rate += 0.12
            if "late_employment_2023" in self.d and year == 2023:
                emp_rate = e["employed_any_time"] / e["persons"]
            reported[year] = (trainees, round(pass_rate, 2 + p.decimals), round(emp_rate, 2 + p.decimals))
        self.reported = reported
        printed = {y: (str(t), pct(pr, p.decimals), pct(er, p.decimals)) for y, (t, pr, er) in reported.items()}
        if "blank_employment_2023" in self.d:
            printed[2023] = (printed[2023][0], printed[2023][1], "")
        self.layout_paths()
        self.make_form(printed)
        self.make_report(printed)
        self.make_units()
        self.make_evidence()
        self.plant_file_defects()
        data = write_dossier_zip(self.entries, p.gbk, self.extra_raw)
        if "archive_truncated" in self.d:
            data = data[: len(data) * 3 // 5]
        return data, build_truth(self, ev, printed)

    # ---------------------------------------------------------------- paths
    def layout_paths(self) -> None:
        p = self.p
        self.extra_raw: list[tuple[str, bytes]] = []
        ext = "xlsx" if p.editable == "xlsx" else "docx"
        if p.layout == "numbered":
            self.path = {"report": "1.推荐报告.pdf", "form": f"2.申报表.{ext}", "form_scan": "2.申报表（盖章扫描件）.pdf",
                         "units": "3.依托单位材料", "evidence": "4.其他佐证材料"}
        elif p.layout == "folder":
            top = f"{p.city}{p.brand}申报材料/"
            self.path = {"report": top + f"{p.city.rstrip('市')}市人社局推荐报告.pdf", "form": top + f"附件1申报表.{ext}",
                         "form_scan": top + "附件1申报表（盖章）.pdf", "units": top.rstrip("/"), "evidence": top + "佐证材料"}
        else:
            self.path = {"report": "scan0001.pdf", "form": f"申报表.{ext}", "form_scan": "scan0002.pdf", "units": "",
                         "evidence": "其他"}

    def unit_dir(self, ui: int, name: str) -> str:
        base = self.path["units"]
        sub = f"{ui + 1}.{name}" if self.p.layout == "numbered" else name
        return f"{base}/{sub}" if base else sub

    def add(self, path: str, data: bytes, kind: str, fmt: str, **extra) -> None:
        self.entries.append((path, data))
        self.files.append({"path": path, "kind": kind, "format": fmt, **extra})

    # ------------------------------------------------------------------ scans
    def scanned_pdf(self, pages, seal_at, seal_style: SealStyle | None, *, bad_first: bool = False,
                    dpi: int | None = None, edited=None, pasted=False, worn=False) -> tuple[bytes, list[bytes]]:
        """Stamps (unless None), scans and writes pages as an image-only PDF; returns
        (pdf bytes, the page JPEGs)."""
        rng = self.rng
        prof = ScanProfile.random(rng, dpi or pages[0].dpi)
        page_idx, sx, sy = seal_at
        if seal_style is not None and not pasted:
            imp = seal_impression(seal_style, prof.dpi, rng)
            if worn:
                imp = worn_on_one_side(imp)
            stamp(pages[page_idx].img, imp, sx + rng.randint(-15, 15), sy + rng.randint(-10, 10))
        jpegs, meta = [], []
        for i, pg in enumerate(pages):
            img = scan(pg.img, prof, rng, bad=(bad_first and i == 0))
            if pasted and i == page_idx and self.pasted_seal is not None:
                stamp(img, self.pasted_seal, sx, sy)
            q = 22 if bad_first and i == 0 else prof.quality
            j = to_jpeg(img, q, prof.dpi)
            jpegs.append(j)
            meta.append((j, img.width, img.height, prof.dpi))
        created = dt.datetime(2024, 1, 18, 15, rng.randint(0, 59), rng.randint(0, 59))
        return image_pdf(meta, rng.choice(SCANNERS), created, edited), jpegs

    def dpi(self) -> int:
        return self.p.dpi or self.rng.choice([150, 150, 150, 200])

    # -------------------------------------------------------------------- form
    def make_form(self, printed) -> None:
        p, rng = self.p, self.rng
        scopes = [] if "no_scope" in self.d else [p.scope]
        types = [p.type] + (["行业"] if "two_types" in self.d else [])
        occupations = [] if "blank_occupation" in self.d else p.occupations
        brand = self.brand_name()
        units = list(self.form_units)
        if "unit_without_materials" in self.d:
            units.append("大连长兴岛船舶技工学校")
        self.form_units_printed = units
        form = FormData(self.bureau, brand, scopes, types, occupations, units, printed, self.summary(), mark=p.mark)
        self.form_data = form
        if "no_form" in self.d:
            return
        if "no_editable_form" not in self.d:
            data = form_docx(form) if p.editable == "docx" else form_xlsx(form)
            self.add(self.path["form"], data, "application_form", p.editable, version="editable")
        if "no_scanned_form" not in self.d:
            scan_form = form
            if "scan_differs" in self.d:
                years = dict(printed)
                years[2023] = (str(int(printed[2023][0]) + 43), printed[2023][1], printed[2023][2])
                scan_form = FormData(**{**form.__dict__, "years": years})
                self.scan_form_years = years
            pages, seal_at = form_pages(scan_form, self.dpi(), rng.choice(BODY_FACES))
            pdf, _ = self.scanned_pdf(pages, seal_at, self.bureau_seal(), pasted="pasted_seal" in self.d)
            self.add(self.path["form_scan"], pdf, "application_form", "pdf", version="scan", stamped_by=self.bureau,
                     stamp_page=seal_at[0] + 1)

    def brand_name(self) -> str:
        return "聚力启航" if "bad_name" in self.d else self.p.brand

    def bureau_seal(self) -> SealStyle:
        code = f"21{abs(hash_str(self.p.city)) % 10**11:011d}"
        return SealStyle(self.bureau, 42.0, code=code)

    def unit_seal(self, name: str) -> SealStyle:
        return SealStyle(name, 40.0, code=f"21{abs(hash_str(name)) % 10**11:011d}" if len(name) < 14 else "")

    def summary(self) -> str:
        p = self.p
        occ = "、".join(p.occupations)
        return (f"“{self.brand_name()}”培训品牌依托{'、'.join(self.form_units)}创建，围绕{occ}等职业（工种）开展培训，"
                f"已形成“培训—鉴定—就业”一体化服务模式，具备完善的教学组织、学员考核、经费管理和就业跟踪制度，"
                f"师资队伍稳定，培训场所和设施设备满足需要，近两年未发生骗取套取补贴等违规行为。")

    # ------------------------------------------------------------------ report
    def make_report(self, printed) -> None:
        p, rng = self.p, self.rng
        if "no_report" in self.d:
            return
        y1, y2 = YEARS
        fig = dict(printed)
        if "report_figure_differs" in self.d:
            t = int(printed[y1][0])
            fig[y1] = (str(t + 180 if t < 1000 else t + 1800), printed[y1][1], printed[y1][2])
        emp2 = f"培训后就业率{fig[y2][2]}" if fig[y2][2] else "培训后就业率正在统计中"
        grad = (f"院校学生毕业就业率{pct(p.graduate_employment, 1)}。" if p.graduate_employment is not None else "")
        paragraphs = [
            f"根据《关于做好辽宁省职业技能培训品牌创建培育工作的通知》（辽人社函〔2024〕5号）要求，我局组织开展了培训品牌"
            f"创建推荐工作。经单位申报、市局审核，现推荐“{self.brand_name()}”为{p.type}培训品牌（品牌范围：{p.scope}），"
            f"有关情况报告如下。",
            f"一、品牌基本情况。“{self.brand_name()}”培训品牌依托{'、'.join(self.form_units)}创建，"
            f"主要培训{'、'.join(p.occupations)}等职业（工种）。",
            f"二、培训就业情况。经市局审核确认，{y1}年培训{fig[y1][0]}人，培训合格率{fig[y1][1]}，培训后就业率{fig[y1][2]}；"
            f"{y2}年培训{fig[y2][0]}人，培训合格率{fig[y2][1]}，{emp2}。{grad}",
            "三、主要优势。该品牌培训规模较大、培训质量稳定，培训内容紧贴市场需求，与本地用人单位建立了长期稳定的"
            "订单式培训合作关系，学员结业后可通过合作单位推荐就业，在行业内具有较高的认可度和良好的社会口碑。",
            "四、就业跟踪机制。依托单位建立了学员就业跟踪回访制度，结业后1个月、3个月、6个月分别进行电话或上门回访，"
            "建立就业跟踪台账，及时掌握学员就业状况，对未就业学员提供岗位推荐等后续服务。",
            "五、支持保障措施。我局将该品牌纳入全市职业技能提升行动重点支持项目，在培训补贴、师资培训、宣传推广等方面"
            "给予倾斜支持，并协调人力资源服务机构与依托单位对接，拓宽学员就业渠道。",
            "六、下一步培育工作安排。我局将进一步加强对依托单位的指导和监督，完善培训质量评价和就业跟踪机制，"
            "持续扩大培训规模，提升品牌知名度和影响力，力争将其打造成为全省知名的职业技能培训品牌。",
            "特此报告。",
        ]
        face = rng.choice(BODY_FACES)
        title = [f"{self.bureau}", f"关于推荐“{self.brand_name()}”培训品牌的报告"]
        pages, seal_at = prose_pages(title, "省人力资源和社会保障厅：", paragraphs, self.bureau, "2024年1月18日",
                                     self.dpi(), face)
        seal: SealStyle | None = self.bureau_seal()
        issuer = self.bureau
        if "report_unstamped" in self.d:
            seal, issuer = None, None
        elif "report_wrong_seal" in self.d:
            seal = self.unit_seal(self.form_units[0])
            issuer = self.form_units[0]
        edited = None
        if "pdf_edited" in self.d:
            edited = ("Adobe Acrobat Pro DC 21.1.20145", dt.datetime(2024, 2, 27, 10, 12, 5))
        pdf, _ = self.scanned_pdf(pages, seal_at, seal, bad_first="bad_scan_report" in self.d, edited=edited,
                                  pasted="pasted_seal" in self.d, worn="report_seal_worn" in self.d)
        self.add(self.path["report"], pdf, "recommendation_report", "pdf", stamped_by=issuer, stamp_page=seal_at[0] + 1,
                 pages=len(pages))
        self.report_pages = len(pages)

    # ------------------------------------------------------------------- units
    def make_units(self) -> None:
        p, rng = self.p, self.rng
        self.roster_paths: dict[int, list[str]] = {y: [] for y in YEARS}
        self.tracking_paths: dict[int, list[str]] = {y: [] for y in YEARS}
        self.roster_locs: dict[tuple[int, int, str], tuple[str, str, dict[int, int]]] = {}
        for ui, unit in enumerate(p.units):
            folder = self.unit_dir(ui, unit.name)
            style = TableStyle.random(rng)
            if "ids_as_numbers" in self.d:
                style.ids_as_numbers = True
                style.xls = False
            self.unit_narrative(folder, unit.name, unit.narrative, ui)
            filler = rng.choice(["王丽", "李娜", "张敏", "刘洋", "陈静", "赵雪"])
            for kind in ("roster", "tracking"):
                by_year = {y: self.people[(ui, y)] for y in YEARS}
                if kind == "roster" and "no_roster_2023" in self.d:
                    by_year.pop(2023)
                if kind == "tracking" and "no_tracking_2022" in self.d:
                    by_year.pop(2022)
                for year, data, tables in roster_workbooks(unit.name, kind, by_year, style, rng, filler):
                    path = self.table_path(folder, kind, year, style)
                    fmt = "xls" if style.xls else "xlsx"
                    self.add(path, data, "training_roster" if kind == "roster" else "employment_tracking", fmt)
                    for y, t in tables.items():
                        (self.roster_paths if kind == "roster" else self.tracking_paths)[y].append(path)
                        self.roster_locs[(ui, y, kind)] = (path, t.sheet, t.rows)
                        persons = self.people[(ui, y)]
                        self.rosters_truth.append({
                            "path": path, "sheet": t.sheet, "kind": "training_roster" if kind == "roster" else "employment_tracking",
                            "year": y, "rows": len(persons), "persons": len({x.id_number for x in persons}),
                            "passed": sum(1 for x in {x.id_number: x for x in persons}.values() if x.passed) if kind == "roster" else None,
                            "employed_within_6_months": sum(1 for x in {x.id_number: x for x in persons}.values() if employed_within(x)) if kind == "tracking" else None,
                            "header_row": 3 if style.title_rows == 2 else 2,
                            "ids_as_numbers": style.ids_as_numbers,
                        })
        if "unit_not_in_form" in self.d:
            extra = "丹东市振兴区阳光职业培训学校"
            self.extra_unit = extra
            self.unit_narrative(self.unit_dir(len(p.units), extra), extra, "scan", None)

    def table_path(self, folder: str, kind: str, year: int | None, style: TableStyle) -> str:
        ext = "xls" if style.xls else "xlsx"
        label = "培训人员名单" if kind == "roster" else "就业跟踪情况表"
        if self.p.layout == "scan":
            short = "名单" if kind == "roster" else "跟踪"
            return f"{folder}/{short}{year or '2022-2023'}.{ext}"
        if year is None:
            return f"{folder}/{label}（2022-2023年）.{ext}"
        if self.p.layout == "folder":
            return f"{folder}/{label}{year}.{ext}"
        return f"{folder}/{year}年{label}.{ext}"

    def unit_narrative(self, folder: str, name: str, mode: str, ui: int | None) -> None:
        p, rng = self.p, self.rng
        paras = [f"{name}是经人力资源社会保障部门批准设立的职业培训机构，现有专兼职教师{rng.randint(18, 60)}名，"
                 f"教学场地{rng.randint(800, 5000)}平方米，建有实训室{rng.randint(4, 16)}个，具备完善的教学组织管理、"
                 f"学员考核管理、培训经费管理、后勤和安全保障管理以及培训效果跟踪反馈等制度。"]
        if ui is not None:
            for year in YEARS:
                people = self.people[(ui, year)]
                n = len({x.id_number for x in people})
                k = sum(1 for x in people if x.passed)
                m = sum(1 for x in people if employed_within(x))
                paras.append(f"{year}年，本单位共培训{n}人，培训合格{k}人，合格率{pct(k / n, 1)}；"
                             f"培训后6个月内实现就业{m}人，就业率{pct(m / n, 1)}。")
            if p.graduate_employment is not None:
                paras.append(f"学院近两年毕业生就业率保持较高水平，{YEARS[1]}届院校学生毕业就业率{pct(p.graduate_employment, 1)}。")
        else:
            paras.append("本单位积极参与品牌创建工作，协助开展招生宣传、实训指导和就业推荐等工作。")
        paras.append("下一步，本单位将继续加强师资队伍建设，完善实训条件，提升培训质量，做好学员就业跟踪服务。")
        title = f"{name}培训就业情况报告"
        base = f"{folder}/{'scan0003' if p.layout == 'scan' else title}"
        seal_style = self.unit_seal(name)
        if mode == "text":
            imp = seal_impression(seal_style, 200, rng)
            pdf = text_pdf(title, paras, name, "2024年1月10日", to_png(imp))
            self.add(base + ".pdf", pdf, "unit_material", "pdf", stamped_by=name, text_layer=True)
            return
        pages, seal_at = prose_pages([title], "", paras, name, "2024年1月10日", self.dpi(), rng.choice(BODY_FACES))
        if mode == "scan":
            pdf, _ = self.scanned_pdf(pages, seal_at, seal_style)
            self.add(base + ".pdf", pdf, "unit_material", "pdf", stamped_by=name, stamp_page=seal_at[0] + 1)
            return
        # bare page images, as a phone or a scanner's "save as JPEG/PNG" gives them
        prof = ScanProfile.random(rng, pages[0].dpi)
        imp = seal_impression(seal_style, prof.dpi, rng)
        stamp(pages[seal_at[0]].img, imp, seal_at[1], seal_at[2])
        edited_page = "photoshopped_page" in self.d and ui == 0
        for i, pg in enumerate(pages):
            img = scan(pg.img, prof, rng)
            exif = None
            if edited_page and i == seal_at[0]:
                ex = img.getexif()
                ex[0x0131] = "Adobe Photoshop 24.1 (Windows)"
                ex[0x0132] = "2024:01:19 21:14:02"
                exif = ex.tobytes()
            ext = "png" if mode == "png" else "jpg"
            path = f"{folder}/{'IMG_2024011' if p.layout == 'scan' else title + '-'}{i + 1}.{ext}"
            data = to_png_scan(img) if mode == "png" else to_jpeg(img, prof.quality, prof.dpi, exif)
            self.add(path, data, "unit_material", "image", stamped_by=name if i == seal_at[0] else None, page_of=title)
            if edited_page and i == seal_at[0]:
                self.photoshopped_path = path

    # ---------------------------------------------------------------- evidence
    def make_evidence(self) -> None:
        p, rng = self.p, self.rng
        if not p.other_evidence:
            return
        honour = f"{self.form_units[0]}在{YEARS[1]}年度职业技能培训工作中成绩突出，被评为“职业技能培训工作先进单位”。特发此证，以资鼓励。"
        page, (cx, cy) = certificate_page(rng, self.form_units[0], honour, self.bureau, "二〇二三年十二月", 150)
        stamp(page.img, seal_impression(self.bureau_seal(), 150, rng), cx, cy)
        img = scan(page.img, ScanProfile.random(rng, 150), rng)
        if p.png_evidence:
            self.add(f"{self.path['evidence']}/证书扫描.png", to_png_scan(img), "other_evidence", "image")
        else:
            name = "IMG_20240112_101503.jpg" if p.layout == "scan" else "荣誉证书.jpg"
            self.add(f"{self.path['evidence']}/{name}", to_jpeg(img, 60, 150), "other_evidence", "image")

    # ----------------------------------------------------------- roster defects
    def plant_roster_defects(self) -> None:
        rng = self.rng
        self.roster_marks: list[tuple[str, int, int, str, int]] = []  # (code, unit, year, kind, person index)
        people22 = self.people[(0, 2022)]
        people23 = self.people[(0, 2023)]
        if "duplicate_person" in self.d:
            src = people22[40]
            dup = Person(**{**src.__dict__, "marks": ["duplicate"]})
            people22.insert(300, dup)
            self.roster_marks.append(("DUPLICATE_PERSON", 0, 2022, "roster", 300))
        if "bad_check_digits" in self.d:
            for i in (120, 555, 1001):
                x = people23[i]
                good = x.id_number[17]
                x.id_number = x.id_number[:17] + ("0" if good != "0" else "1")
                self.roster_marks.append(("INVALID_ID_NUMBER", 0, 2023, "roster", i))
        if "gender_flip" in self.d:
            for i in (77, 612):
                people22[i].male = not people22[i].male  # the 性别 column follows .male; the ID keeps its digit
                self.roster_marks.append(("ID_GENDER_MISMATCH", 0, 2022, "roster", i))
        if "child_trainee" in self.d:
            x = people23[210]
            birth = dt.date(2010, 5, 14)
            first17 = x.id_number[:6] + birth.strftime("%Y%m%d") + x.id_number[14:17]
            x.id_number, x.birth = first17 + id_check_digit(first17), birth
            self.roster_marks.append(("IMPLAUSIBLE_AGE", 0, 2023, "roster", 210))
        if "shared_phone" in self.d:
            phone = people22[10].phone
            for i in (10, 57, 133, 201, 288, 402):
                people22[i].phone = phone
            self.roster_marks.append(("SHARED_PHONE", 0, 2022, "roster", 57))
        if "sequential_phones" in self.d:
            base = 13904151200 + rng.randint(1, 80)
            for k in range(10):
                people23[330 + k].phone = str(base + k)
            self.roster_marks.append(("SEQUENTIAL_IDENTIFIERS", 0, 2023, "roster", 330))
        if "dates_reversed" in self.d:
            x = people22[150]
            x.start, x.end = x.end, x.start
            x.employed, x.employment_date, x.employer, x.employed_status = False, None, "", "未就业"
            self.roster_marks.append(("DATE_INCONSISTENT", 0, 2022, "roster", 150))
            y = next(z for z in people23[400:] if z.employed)
            y.employment_date = y.start - dt.timedelta(days=12)
            self.roster_marks.append(("DATE_INCONSISTENT", 0, 2023, "tracking", people23.index(y)))
        if "ids_as_numbers" in self.d:
            # Excel keeps 15 significant digits: keep the 15-digit prefixes distinct, as they were in the source
            for year in YEARS:
                seen = set()
                for x in self.people[(0, year)]:
                    while x.id_number[:15] in seen:
                        x.birth += dt.timedelta(days=1)
                        first17 = x.id_number[:6] + x.birth.strftime("%Y%m%d") + x.id_number[14:17]
                        x.id_number = first17 + id_check_digit(first17)
                    seen.add(x.id_number[:15])

    def plant_file_defects(self) -> None:
        if "archive_traversal" in self.d:
            self.extra_raw.append(("../../说明.txt", "请审核。".encode("gbk" if self.p.gbk else "utf-8")))
        if "corrupt_evidence_pdf" in self.d:
            pages, seal_at = prose_pages(["培训现场照片说明"], "", ["（略）"] * 3, self.bureau, "2024年1月", 150, "song")
            pdf, _ = self.scanned_pdf(pages, seal_at, None)
            self.add(f"{self.path['evidence']}/培训现场照片.pdf", pdf[: len(pdf) // 3], "other_evidence", "pdf", corrupt=True)
        if "rar_inside" in self.d:
            r = random.Random(f"{self.seed}:rar")
            blob = b"Rar!\x1a\x07\x01\x00" + bytes(r.getrandbits(8) for _ in range(4000))
            self.add(f"{self.path['evidence']}/培训现场照片.rar", blob, "unknown", "other")

    # ------------------------------------------------------------------- truth
def hash_str(s: str) -> int:
    import hashlib
    return int.from_bytes(hashlib.sha256(s.encode()).digest()[:8], "big")


def batch_shared_people(seed: int, group: str, city: str, year: int, female: float, seqs: list[int]) -> list[Person]:
    """The 40 trainees both dossiers of a batch group count (same names, IDs, phones)."""
    r = random.Random(f"{seed}:batch:{group}")
    used: set[str] = set()
    return [random_person(r, city, year, female, used, seqs) for _ in range(40)]


def build_one(args: tuple[DossierPlan, int, str, int, int]) -> tuple[str, int, dict[int, set[str]]]:
    plan, seed, out, slot, slots = args
    builder = Builder(plan, seed, slot, slots)
    builder.batch_seqs = [v for v in range(100) if v % slots == slots - 1]
    data, truth = builder.build()
    ids = {y: {x.id_number for x in builder._all(y)} for y in YEARS}
    with open(os.path.join(out, f"{plan.name}.zip"), "wb") as fh:
        fh.write(data)
    with open(os.path.join(out, f"{plan.name}.truth.json"), "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=2, sort_keys=False)
        fh.write("\n")
    return plan.name, len(data), ids


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--only", default="", help="comma-separated dossier names (for development)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    plans = corpus()
    if a.only:
        wanted = set(a.only.split(","))
        plans = [p for p in plans if p.name in wanted]
    codes = {c for p in corpus() for t in p.defects for c in DEFECTS[t][0]}
    missing = [c for c in ALL_CODES if c not in codes and c != "MISSING_OTHER_EVIDENCE"]
    if missing:
        print("plan does not cover:", missing, file=sys.stderr)
        return 1
    # ID slots follow the full plan's order, so --only builds the same files; the last
    # slot is the batch groups' shared trainees.
    order = {p.name: i for i, p in enumerate(corpus())}
    slots = len(order) + 1
    jobs = [(p, a.seed, a.out, order[p.name], slots) for p in plans]
    if a.jobs > 1:
        with ProcessPoolExecutor(a.jobs) as pool:
            results = list(pool.map(build_one, jobs))
    else:
        results = [build_one(j) for j in jobs]
    # Only a batch group may share trainees: a chance collision of random IDs between two
    # other dossiers would plant a CROSS_DOSSIER_PERSON no truth file expects.
    group = {p.name: p.batch for p in plans}
    for i, (a, _, ids_a) in enumerate(results):
        for b, _, ids_b in results[i + 1:]:
            if group[a] and group[a] == group[b]:
                continue
            for y in YEARS:
                if ids_a[y] & ids_b[y]:
                    print(f"unplanned shared trainees between {a} and {b} in {y}", file=sys.stderr)
                    return 1
    total = sum(n for _, n, _ in results)
    for name, n, _ in results:
        print(f"{name}.zip\t{n / 1e6:.2f} MB")
    print(f"{len(results)} dossiers, {total / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

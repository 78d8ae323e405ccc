"""Truth files: what a correct reader and checker must find in a generated dossier —
the application as the form states it, the rosters' real figures, the findings each
planted defect must produce (code, path, page/sheet/row) and the codes that must not
appear. The schema is described in fixtures/corpus/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plan import DEFECTS, TOLERATED

YEARS = (2022, 2023)
RECEIVED_AT = "2024-01-20T09:30:00+08:00"
ALL_CODES = [
    "ARCHIVE_INVALID", "ARCHIVE_UNSAFE", "FILE_UNREADABLE", "FILE_UNSUPPORTED", "LOW_OCR_CONFIDENCE",
    "MISSING_RECOMMENDATION_REPORT", "MISSING_APPLICATION_FORM", "MISSING_EDITABLE_VERSION", "MISSING_SCANNED_VERSION",
    "MISSING_UNIT_MATERIALS", "MISSING_ROSTER", "MISSING_EMPLOYMENT_TRACKING", "MISSING_FORM_FIELD", "MISSING_OTHER_EVIDENCE",
    "MISSING_STAMP", "STAMP_ISSUER_MISMATCH", "STAMP_ISSUER_UNCONFIRMED", "STAMP_DUPLICATED_IMAGE",
    "ROSTER_COUNT_MISMATCH", "PASS_RATE_MISMATCH", "EMPLOYMENT_RATE_MISMATCH", "FORM_VERSION_MISMATCH",
    "NARRATIVE_FIGURE_MISMATCH", "UNIT_LIST_MISMATCH",
    "CATEGORY_INVALID", "BELOW_MIN_TRAINEES", "BELOW_MIN_PASS_RATE", "BELOW_MIN_EMPLOYMENT_RATE",
    "BELOW_MIN_GRADUATE_EMPLOYMENT", "NAMING_RULE", "CITY_DUPLICATE_TYPE",
    "DUPLICATE_PERSON", "INVALID_ID_NUMBER", "ID_GENDER_MISMATCH", "IMPLAUSIBLE_AGE", "SHARED_PHONE",
    "SEQUENTIAL_IDENTIFIERS", "DATE_INCONSISTENT", "CROSS_DOSSIER_PERSON", "PDF_EDITED_AFTER_CREATION", "IMAGE_EDIT_TRACES",
]
COMPLETENESS = [c for c in ALL_CODES if c.startswith("MISSING_")] + ["UNIT_LIST_MISMATCH"]
BATCH_CODES = {"CITY_DUPLICATE_TYPE", "CROSS_DOSSIER_PERSON"}


@dataclass
class Expect:
    code: str
    paths: list[str] = field(default_factory=list)  # any of them (empty: path not pinned)
    page: int | None = None
    sheet: str | None = None
    row: int | None = None
    note: str = ""

    def to_json(self) -> dict:
        out: dict = {"code": self.code, "path": self.paths[0] if self.paths else None}
        if len(self.paths) > 1:
            out["also_accept_paths"] = self.paths[1:]
        for k in ("page", "sheet", "row"):
            if getattr(self, k) is not None:
                out[k] = getattr(self, k)
        if self.code in BATCH_CODES:
            out["batch"] = True
        if self.note:
            out["note"] = self.note
        return out


def build_truth(self, ev, printed) -> dict:
    """The truth file of one built dossier (`self` is the generate.Builder that built it)."""
    p = self.p
    ex: list[Expect] = []
    form_paths = [f["path"] for f in self.files if f["kind"] == "application_form"]
    editable = self.path["form"] if "no_form" not in self.d and "no_editable_form" not in self.d else None
    form_primary = [editable] if editable else []
    form_any = form_primary + [x for x in form_paths if x not in form_primary]
    report = self.path["report"]
    d = self.d
    if "archive_truncated" in d:
        ex.append(Expect("ARCHIVE_INVALID"))
    if "archive_traversal" in d:
        ex.append(Expect("ARCHIVE_UNSAFE", ["../../说明.txt"]))
    if "corrupt_evidence_pdf" in d:
        ex.append(Expect("FILE_UNREADABLE", [f"{self.path['evidence']}/培训现场照片.pdf"]))
    if "rar_inside" in d:
        ex.append(Expect("FILE_UNSUPPORTED", [f"{self.path['evidence']}/培训现场照片.rar"]))
    if "bad_scan_report" in d:
        ex.append(Expect("LOW_OCR_CONFIDENCE", [report], page=1))
    if "no_report" in d:
        ex.append(Expect("MISSING_RECOMMENDATION_REPORT"))
    if "no_form" in d:
        ex.append(Expect("MISSING_APPLICATION_FORM"))
    if "no_editable_form" in d:
        ex.append(Expect("MISSING_EDITABLE_VERSION"))
    if "no_scanned_form" in d:
        ex.append(Expect("MISSING_SCANNED_VERSION"))
    if "unit_without_materials" in d:
        ex.append(Expect("MISSING_UNIT_MATERIALS", note="大连长兴岛船舶技工学校"))
    if "unit_not_in_form" in d:
        ex.append(Expect("UNIT_LIST_MISMATCH", [], note=self.extra_unit))
    if "no_roster_2023" in d:
        ex.append(Expect("MISSING_ROSTER", note="2023"))
    if "no_tracking_2022" in d:
        ex.append(Expect("MISSING_EMPLOYMENT_TRACKING", note="2022"))
    if "blank_occupation" in d:
        ex.append(Expect("MISSING_FORM_FIELD", form_any, note="品牌行业或职业(工种)"))
    if "blank_employment_2023" in d:
        ex.append(Expect("MISSING_FORM_FIELD", form_any, note="2023年培训后就业率"))
    if not p.other_evidence and "archive_truncated" not in d:
        ex.append(Expect("MISSING_OTHER_EVIDENCE"))
    if "report_unstamped" in d:
        ex.append(Expect("MISSING_STAMP", [report], page=self.report_pages))
    if "report_wrong_seal" in d:
        ex.append(Expect("STAMP_ISSUER_MISMATCH", [report], page=self.report_pages))
    if "report_seal_worn" in d:
        ex.append(Expect("STAMP_ISSUER_UNCONFIRMED", [report], page=self.report_pages))
    if "pasted_seal" in d:
        ex.append(Expect("STAMP_DUPLICATED_IMAGE", [report, self.path["form_scan"]]))
    if "inflated_count_2022" in d:
        ex.append(Expect("ROSTER_COUNT_MISMATCH", self.roster_paths[2022] + form_any, note="2022"))
    if "inflated_pass_2023" in d:
        ex.append(Expect("PASS_RATE_MISMATCH", self.roster_paths[2023] + form_any, note="2023"))
    if "inflated_employment_2022" in d:
        ex.append(Expect("EMPLOYMENT_RATE_MISMATCH", self.tracking_paths[2022] + form_any, note="2022"))
    if "late_employment_2023" in d:
        ex.append(Expect("EMPLOYMENT_RATE_MISMATCH", self.tracking_paths[2023] + form_any, note="2023"))
    if "scan_differs" in d:
        ex.append(Expect("FORM_VERSION_MISMATCH", [self.path["form_scan"], self.path["form"]], note="2023年培训人数"))
    if "report_figure_differs" in d:
        ex.append(Expect("NARRATIVE_FIGURE_MISMATCH", [report], page=1, note="2022年培训人数"))
    if "two_types" in d or "no_scope" in d:
        ex.append(Expect("CATEGORY_INVALID", form_any))
    if "few_trainees" in d:
        ex.append(Expect("BELOW_MIN_TRAINEES", form_any, note="2023"))
    if "low_pass" in d:
        ex.append(Expect("BELOW_MIN_PASS_RATE", form_any))
    if "low_employment" in d:
        ex.append(Expect("BELOW_MIN_EMPLOYMENT_RATE", form_any))
    if "low_graduate_employment" in d:
        unit_docs = [f["path"] for f in self.files if f["kind"] == "unit_material"]
        ex.append(Expect("BELOW_MIN_GRADUATE_EMPLOYMENT", [report] + unit_docs + form_any))
    if "bad_name" in d:
        ex.append(Expect("NAMING_RULE", form_any))
    if "pdf_edited" in d:
        ex.append(Expect("PDF_EDITED_AFTER_CREATION", [report]))
    if "photoshopped_page" in d:
        ex.append(Expect("IMAGE_EDIT_TRACES", [self.photoshopped_path]))
    if "ids_as_numbers" in d:
        for year in YEARS:
            path, sheet, rows = self.roster_locs[(0, year, "roster")]
            ex.append(Expect("INVALID_ID_NUMBER", [path], sheet=sheet, row=rows[0], note="all rows: 15 digits + 000"))
    if "batch_same_type" in d:
        ex.append(Expect("CITY_DUPLICATE_TYPE", note="铁岭市: two 行业 brands"))
        ex.append(Expect("CROSS_DOSSIER_PERSON", self.roster_paths[2023], note="2023: 40 persons shared"))
    for code, ui, year, kind, idx in self.roster_marks:
        path, sheet, rows = self.roster_locs[(ui, year, kind)]
        ex.append(Expect(code, [path], sheet=sheet, row=rows[idx]))
    expected_codes = {e.code for e in ex}
    allowed: set[str] = set(TOLERATED)
    for tag in p.defects:
        must, may, _ = DEFECTS[tag]
        for c in may:
            allowed.update(COMPLETENESS if c == "*completeness" else [c])
    if "archive_truncated" in d:
        must_not = ["ARCHIVE_UNSAFE"]
    else:
        must_not = [c for c in ALL_CODES if c not in expected_codes and c not in allowed]
    app = None
    if "archive_truncated" not in d and "no_form" not in d:
        f = self.form_data
        app = {
            "brand_name": f.brand_name, "city": p.city,
            "scope": f.scopes[0] if len(f.scopes) == 1 else None,
            "type": f.types[0] if len(f.types) == 1 else None,
            "occupations": f.occupations, "units": f.units,
            "years": [{"year": y, "trainees": int(printed[y][0]) if printed[y][0] else None,
                       "pass_rate": parse_pct(printed[y][1]), "employment_rate": parse_pct(printed[y][2])}
                      for y in YEARS],
            "source": editable or self.path["form_scan"],
        }
    truth = {
        "schema": "dossier-verify/corpus-truth/v1",
        "dossier": f"{p.name}.zip",
        "received_at": RECEIVED_AT,
        "clean": not p.defects,
        "expected_verdict": verdict_of([e.code for e in ex]),
        "layout": {"style": p.layout, "gbk_names_without_utf8_flag": p.gbk, "editable_form": p.editable,
                   "rates_printed_with_decimals": p.decimals, "checkbox_mark": p.mark},
        "defects": [{"tag": t, "description": DEFECTS[t][2]} for t in p.defects],
        "application": app,
        "evidence": [ev[y] for y in YEARS],
        "graduate_employment_rate": p.graduate_employment,
        "expected_findings": [e.to_json() for e in ex],
        "must_not": must_not,
        "batch_group": p.batch or None,
        "files": sorted(self.files, key=lambda f: f["path"]),
        "rosters": sorted(self.rosters_truth, key=lambda r: (r["path"], r["sheet"], r["year"])),
    }
    if hasattr(self, "scan_form_years"):
        truth["scanned_form_years"] = {str(y): list(v) for y, v in self.scan_form_years.items()}
    return truth


SEVERITY_ERROR = {"ARCHIVE_INVALID", "ARCHIVE_UNSAFE", "MISSING_RECOMMENDATION_REPORT", "MISSING_APPLICATION_FORM",
                  "MISSING_EDITABLE_VERSION", "MISSING_SCANNED_VERSION", "MISSING_UNIT_MATERIALS", "MISSING_ROSTER",
                  "MISSING_EMPLOYMENT_TRACKING", "MISSING_FORM_FIELD", "MISSING_STAMP", "ROSTER_COUNT_MISMATCH",
                  "PASS_RATE_MISMATCH", "EMPLOYMENT_RATE_MISMATCH", "FORM_VERSION_MISMATCH", "CATEGORY_INVALID",
                  "BELOW_MIN_TRAINEES", "BELOW_MIN_PASS_RATE", "BELOW_MIN_EMPLOYMENT_RATE", "BELOW_MIN_GRADUATE_EMPLOYMENT"}
SEVERITY_INFO = {"FILE_UNSUPPORTED", "MISSING_OTHER_EVIDENCE"}


def verdict_of(codes: list[str]) -> str:
    """findings.md: reject if any error; else needs_review if any warning; else pass."""
    if any(c in SEVERITY_ERROR for c in codes):
        return "reject"
    if any(c not in SEVERITY_INFO for c in codes):
        return "needs_review"
    return "pass"


def parse_pct(s: str) -> float | None:
    if not s:
        return None
    return round(float(s.rstrip("%")) / 100, 4)

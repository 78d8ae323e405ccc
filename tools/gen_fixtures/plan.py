"""The corpus plan: which dossiers exist, the brand each recommends, and the defects
planted in it. Clean dossiers cover every brand type and both city classes; defective
ones carry 1–3 defects and together cover every code of findings.md.

Each defect is a tag the builder (generate.py) knows how to plant; DEFECTS documents
them and says which finding codes the defect must produce and which other codes it may
reasonably bring along (so they are not listed as must-not).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class UnitPlan:
    name: str
    share: float = 1.0          # share of the brand's trainees trained by this unit
    narrative: str = "scan"     # "scan" (scanned PDF) | "text" (text PDF + seal picture) | "jpg"/"png" (bare page images)


@dataclass
class DossierPlan:
    name: str                   # the zip's stem (ASCII, for tools and CI logs)
    city: str
    brand: str
    scope: str
    type: str
    occupations: list[str]
    units: list[UnitPlan]
    trainees: tuple[int, int]   # distinct trainees per year (2022, 2023) in the rosters
    pass_rate: tuple[float, float]
    employment_rate: tuple[float, float]
    employer_kind: str
    layout: str = "numbered"    # "numbered" | "folder" | "scan"
    gbk: bool = False
    editable: str = "docx"      # "docx" | "xlsx"
    decimals: int = 1           # rates printed with 1 or 0 decimals
    mark: str = "☑"
    other_evidence: bool = True
    png_evidence: bool = False  # the certificate as a palette PNG instead of a JPEG
    graduate_employment: float | None = None  # 院校 only: stated in report and narrative
    defects: list[str] = field(default_factory=list)
    batch: str = ""             # batch group for the cross-dossier codes
    dpi: int | None = None      # force scan resolution (else per document at random)


# defect tag → (codes it must produce, codes it may bring along)
DEFECTS: dict[str, tuple[list[str], list[str], str]] = {
    "archive_truncated": (["ARCHIVE_INVALID"], [], "the zip is cut off in the middle (upload interrupted)"),
    "archive_traversal": (["ARCHIVE_UNSAFE"], ["*completeness"], "an entry named ../../… escapes the archive root"),
    "corrupt_evidence_pdf": (["FILE_UNREADABLE"], ["MISSING_OTHER_EVIDENCE"], "a PDF among the other evidence is truncated"),
    "rar_inside": (["FILE_UNSUPPORTED"], [], "a .rar archive of photos inside the zip"),
    "bad_scan_report": (["LOW_OCR_CONFIDENCE"], ["NARRATIVE_FIGURE_MISMATCH"], "page 1 of the recommendation report is a faint, blurred copy"),
    "no_report": (["MISSING_RECOMMENDATION_REPORT"], [], "the recommendation report is missing"),
    "no_form": (["MISSING_APPLICATION_FORM"], ["MISSING_EDITABLE_VERSION", "MISSING_SCANNED_VERSION", "MISSING_FORM_FIELD",
                "UNIT_LIST_MISMATCH", "MISSING_UNIT_MATERIALS"], "neither version of the 申报表 is included"),
    "no_editable_form": (["MISSING_EDITABLE_VERSION"], [], "the 申报表 is only a stamped scan"),
    "no_scanned_form": (["MISSING_SCANNED_VERSION"], [], "the 申报表 is only an editable file, no stamped scan"),
    "unit_without_materials": (["MISSING_UNIT_MATERIALS"], ["UNIT_LIST_MISMATCH"], "the form names a unit that submitted nothing"),
    "unit_not_in_form": (["UNIT_LIST_MISMATCH"], [], "materials of a unit the form does not name"),
    "no_roster_2023": (["MISSING_ROSTER"], ["ROSTER_COUNT_MISMATCH", "PASS_RATE_MISMATCH", "EMPLOYMENT_RATE_MISMATCH"], "no 2023 培训人员名单"),
    "no_tracking_2022": (["MISSING_EMPLOYMENT_TRACKING"], ["EMPLOYMENT_RATE_MISMATCH"], "no 2022 就业跟踪情况表"),
    "blank_occupation": (["MISSING_FORM_FIELD"], ["NAMING_RULE"], "品牌行业或职业(工种) left blank in both versions"),
    "blank_employment_2023": (["MISSING_FORM_FIELD"], ["EMPLOYMENT_RATE_MISMATCH", "BELOW_MIN_EMPLOYMENT_RATE", "NARRATIVE_FIGURE_MISMATCH"],
                              "2023 培训后就业率 left blank in both versions"),
    "no_evidence": (["MISSING_OTHER_EVIDENCE"], [], "no 其他佐证材料"),
    "report_unstamped": (["MISSING_STAMP"], [], "the recommendation report carries no seal"),
    "report_wrong_seal": (["STAMP_ISSUER_MISMATCH"], [], "the recommendation report is stamped by the training school, not the bureau"),
    "report_seal_worn": (["STAMP_ISSUER_UNCONFIRMED"], [], "the report's seal was pressed down unevenly: its left side, where the city's name is, left only a trace"),
    "pasted_seal": (["STAMP_DUPLICATED_IMAGE"], ["IMAGE_EDIT_TRACES"], "one seal picture pasted on the report and on the scanned form"),
    "inflated_count_2022": (["ROSTER_COUNT_MISMATCH"], ["NARRATIVE_FIGURE_MISMATCH"], "2022 培训人数 reported above the roster's persons"),
    "inflated_pass_2023": (["PASS_RATE_MISMATCH"], [], "2023 培训合格率 reported above the roster's share passed"),
    "inflated_employment_2022": (["EMPLOYMENT_RATE_MISMATCH"], [], "2022 培训后就业率 reported above the tracking table's share"),
    "late_employment_2023": (["EMPLOYMENT_RATE_MISMATCH"], ["DATE_INCONSISTENT"],
                             "2023: a quarter of the '已就业' found work 8–10 months after training; the report counts them"),
    "scan_differs": (["FORM_VERSION_MISMATCH"], ["NARRATIVE_FIGURE_MISMATCH", "ROSTER_COUNT_MISMATCH"], "the scanned form's 2023 培训人数 differs from the editable form"),
    "report_figure_differs": (["NARRATIVE_FIGURE_MISMATCH"], [], "the recommendation report states another 2022 培训人数 than the form"),
    "two_types": (["CATEGORY_INVALID"], ["BELOW_MIN_TRAINEES", "BELOW_MIN_PASS_RATE", "BELOW_MIN_EMPLOYMENT_RATE"], "two 品牌类型 boxes marked"),
    "no_scope": (["CATEGORY_INVALID"], ["MISSING_FORM_FIELD"], "no 品牌范围 box marked"),
    "few_trainees": (["BELOW_MIN_TRAINEES"], [], "2023 trainees below the type's minimum (figures honest)"),
    "low_pass": (["BELOW_MIN_PASS_RATE"], [], "pass rate below the type's minimum (figures honest)"),
    "low_employment": (["BELOW_MIN_EMPLOYMENT_RATE"], [], "employment rate below 50% (figures honest)"),
    "low_graduate_employment": (["BELOW_MIN_GRADUATE_EMPLOYMENT"], [], "院校: graduates' employment rate stated as below 95%"),
    "bad_name": (["NAMING_RULE"], [], "the brand name has neither region/enterprise/school nor occupation"),
    "duplicate_person": (["DUPLICATE_PERSON"], [], "one person listed twice in the 2022 roster"),
    "bad_check_digits": (["INVALID_ID_NUMBER"], [], "three ID numbers with a wrong check digit"),
    "ids_as_numbers": (["INVALID_ID_NUMBER"], [], "ID numbers stored as numbers: Excel kept 15 digits, the last three are 000"),
    "gender_flip": (["ID_GENDER_MISMATCH"], [], "性别 contradicts the ID number for two trainees"),
    "child_trainee": (["IMPLAUSIBLE_AGE"], [], "a 13-year-old in the roster"),
    "shared_phone": (["SHARED_PHONE"], [], "one phone number for six trainees"),
    "sequential_phones": (["SEQUENTIAL_IDENTIFIERS"], [], "ten consecutive rows with phone numbers +1 each"),
    "dates_reversed": (["DATE_INCONSISTENT"], [], "a training that ends before it starts, and an employment before training ended"),
    "pdf_edited": (["PDF_EDITED_AFTER_CREATION"], [], "the report PDF was re-saved by Acrobat 40 days after the scan"),
    "photoshopped_page": (["IMAGE_EDIT_TRACES"], [], "a unit's narrative page saved by Photoshop (software tag)"),
    "batch_same_type": (["CITY_DUPLICATE_TYPE", "CROSS_DOSSIER_PERSON"], [], "batch: same city, same type, 40 shared 2023 trainees"),
}

# Codes that a faithful reader may emit on any dossier without being wrong about it (a
# genuine seal's worn ring may be left unconfirmed, as a page may be read with low confidence).
TOLERATED = ["LOW_OCR_CONFIDENCE", "FILE_UNSUPPORTED", "STAMP_ISSUER_UNCONFIRMED"]


def U(name: str, share: float = 1.0, narrative: str = "scan") -> UnitPlan:
    return UnitPlan(name, share, narrative)


def corpus() -> list[DossierPlan]:
    P = DossierPlan
    clean = [
        P("clean-01-shenyang-region", "沈阳市", "沈阳巧嫂", "生活服务人才", "行政区域", ["家政服务员", "养老护理员"],
          [U("沈阳市和平区巧嫂职业培训学校", 0.55), U("沈阳市皇姑区康乐家政职业培训学校", 0.45, "text")],
          (2150, 2236), (0.862, 0.874), (0.615, 0.633), "家政", layout="numbered"),
        P("clean-02-dalian-industry", "大连市", "大连船舶焊工", "重点产业人才", "行业", ["焊工", "电焊工"],
          [U("大连市焊接行业协会职业技能培训中心", 1.0)],
          (1560, 1612), (0.851, 0.866), (0.702, 0.718), "制造", layout="folder", gbk=True, decimals=0, mark="■"),
        P("clean-03-anshan-enterprise", "鞍山市", "鞍钢轧钢工", "重点产业人才", "企业", ["轧钢工", "炼钢工"],
          [U("鞍钢集团有限公司职工培训中心", 1.0, "text")],
          (1530, 1544), (0.934, 0.941), (0.953, 0.962), "企业", layout="numbered", mark="√"),
        P("clean-04-jinzhou-school", "锦州市", "锦州职院网络营销师", "新职业新业态人才", "院校", ["网络营销师", "互联网营销师"],
          [U("锦州职业技术学院", 1.0)],
          (560, 612), (0.884, 0.902), (0.672, 0.705), "电商", layout="scan", gbk=True, graduate_employment=0.968,
          png_evidence=True),
        P("clean-05-chaoyang-rural", "朝阳市", "朝阳果树师傅", "乡村振兴人才", "其他", ["果树栽培工", "农艺工"],
          [U("朝阳市现代农业职业培训学校", 1.0, "jpg")],
          (310, 336), (0.835, 0.851), (0.592, 0.611), "农业", layout="numbered", decimals=0),
        P("clean-06-dandong-region", "丹东市", "丹东草莓师傅", "乡村振兴人才", "行政区域", ["农艺工", "农产品电商"],
          [U("东港市草莓种植职业技能培训学校", 0.6), U("丹东市农业广播电视学校", 0.4, "text")],
          (850, 884), (0.842, 0.858), (0.566, 0.584), "农业", layout="folder", editable="xlsx"),
        P("clean-07-yingkou-industry", "营口市", "营口家政大姐", "生活服务人才", "行业", ["家政服务员", "育婴员"],
          [U("营口市家庭服务业协会培训中心", 1.0, "text")],
          (520, 548), (0.873, 0.889), (0.652, 0.671), "家政", layout="scan", mark="■"),
        P("clean-08-dalian-region", "大连市", "大连电商直播员", "新职业新业态人才", "行政区域", ["互联网营销师", "电子商务师"],
          [U("大连市电子商务职业培训学校", 0.5), U("大连金普新区创业职业培训学校", 0.5, "png")],
          (2020, 2055), (0.846, 0.857), (0.641, 0.652), "电商", layout="numbered", gbk=True, decimals=0, mark="√"),
        P("clean-09-fuxin-heritage", "阜新市", "阜新玛瑙雕刻匠", "乡村振兴人才", "其他", ["玛瑙雕刻工"],
          [U("阜新市十家子玛瑙雕刻职业培训学校", 1.0)],
          (305, 318), (0.811, 0.826), (0.702, 0.715), "手工", layout="folder", other_evidence=False),
        P("clean-10-shenyang-school", "沈阳市", "沈职数控车工", "重点产业人才", "院校", ["数控车工", "数控铣工"],
          [U("沈阳职业技术学院", 1.0, "text")],
          (540, 566), (0.891, 0.905), (0.714, 0.728), "制造", layout="numbered", editable="xlsx", graduate_employment=0.972,
          dpi=300),
    ]
    d = [
        P("defect-01-archive-truncated", "本溪市", "本溪药都护理员", "生活服务人才", "行政区域", ["养老护理员"],
          [U("本溪市康养职业培训学校", 1.0)], (820, 845), (0.84, 0.85), (0.58, 0.6), "家政",
          defects=["archive_truncated"]),
        P("defect-02-archive-traversal", "盘锦市", "盘锦石化操作工", "重点产业人才", "行业", ["化工总控工"],
          [U("盘锦市石油化工行业协会培训中心", 1.0, "text")], (515, 530), (0.86, 0.88), (0.7, 0.72), "制造",
          defects=["archive_traversal"]),
        P("defect-03-unreadable-unsupported", "辽阳市", "辽阳芳烃操作工", "重点产业人才", "行业", ["化工总控工", "化学检验员"],
          [U("辽阳石化职业技能培训中心", 1.0, "text")], (512, 540), (0.87, 0.88), (0.68, 0.7), "制造",
          defects=["corrupt_evidence_pdf", "rar_inside"], gbk=True),
        P("defect-04-bad-scan", "葫芦岛市", "葫芦岛泳装缝纫工", "重点产业人才", "行政区域", ["缝纫工", "服装制版师"],
          [U("兴城市泳装职业技能培训学校", 1.0)], (812, 830), (0.85, 0.86), (0.62, 0.64), "制造",
          defects=["bad_scan_report"]),
        P("defect-05-no-report", "抚顺市", "抚顺月嫂", "生活服务人才", "行政区域", ["母婴护理员", "育婴员"],
          [U("抚顺市爱心家政职业培训学校", 1.0)], (805, 822), (0.86, 0.87), (0.6, 0.62), "家政",
          defects=["no_report", "no_evidence"], other_evidence=False),
        P("defect-06-no-form", "铁岭市", "铁岭农机手", "乡村振兴人才", "其他", ["农机修理工", "拖拉机驾驶员"],
          [U("铁岭市农业机械化职业培训学校", 1.0)], (302, 315), (0.82, 0.84), (0.6, 0.62), "农业",
          defects=["no_form"], layout="folder"),
        P("defect-07-scan-only-form", "锦州市", "锦州汽修工", "重点产业人才", "行业", ["汽车维修工"],
          [U("锦州市汽车维修行业协会培训中心", 1.0)], (520, 536), (0.85, 0.86), (0.7, 0.71), "制造",
          defects=["no_editable_form", "report_unstamped"], layout="scan"),
        P("defect-08-docx-only-form", "鞍山市", "鞍山育婴员", "生活服务人才", "行政区域", ["育婴员", "保育师"],
          [U("鞍山市铁东区育才职业培训学校", 1.0)], (810, 826), (0.87, 0.88), (0.61, 0.63), "家政",
          defects=["no_scanned_form"], gbk=True),
        P("defect-09-unit-lists", "大连市", "大连海员", "重点产业人才", "行业", ["船员", "水手"],
          [U("大连海事职业培训中心", 0.6), U("大连港湾船员职业技能培训学校", 0.4)], (1530, 1560), (0.88, 0.89), (0.73, 0.74),
          "制造", defects=["unit_without_materials"]),
        P("defect-10-extra-unit", "丹东市", "丹东面点师", "生活服务人才", "行业", ["中式面点师", "中式烹调师"],
          [U("丹东市烹饪协会职业技能培训学校", 1.0, "text")], (520, 548), (0.86, 0.87), (0.66, 0.68), "家政",
          defects=["unit_not_in_form"], layout="folder"),
        P("defect-11-no-roster", "营口市", "营口电工", "重点产业人才", "行政区域", ["电工", "维修电工"],
          [U("营口市技师学院", 1.0)], (806, 830), (0.85, 0.86), (0.64, 0.65), "制造",
          defects=["no_roster_2023", "no_tracking_2022"]),
        P("defect-12-blank-fields", "阜新市", "阜新家政嫂", "生活服务人才", "行政区域", ["家政服务员"],
          [U("阜新市巾帼家政职业培训学校", 1.0)], (808, 822), (0.85, 0.86), (0.6, 0.61), "家政",
          defects=["blank_occupation", "blank_employment_2023"], editable="xlsx"),
        P("defect-13-wrong-seal", "本溪市", "本溪中药调剂员", "重点产业人才", "行业", ["中药调剂员"],
          [U("本溪市医药行业协会培训中心", 1.0)], (510, 522), (0.87, 0.88), (0.66, 0.67), "制造",
          defects=["report_wrong_seal", "pdf_edited"]),
        P("defect-14-pasted-seal", "盘锦市", "盘锦稻农", "乡村振兴人才", "其他", ["农艺工", "农业经理人"],
          [U("盘锦市大洼区农民职业培训学校", 1.0, "jpg")], (320, 335), (0.84, 0.85), (0.64, 0.66), "农业",
          defects=["pasted_seal", "photoshopped_page"], gbk=True),
        P("defect-15-inflated-count", "沈阳市", "沈阳厨师", "生活服务人才", "行政区域", ["中式烹调师", "中式面点师"],
          [U("沈阳市烹饪职业培训学校", 1.0)], (2040, 2105), (0.86, 0.87), (0.62, 0.63), "家政",
          defects=["inflated_count_2022"]),
        P("defect-16-inflated-rates", "葫芦岛市", "葫芦岛快递员", "新职业新业态人才", "行业", ["快递员", "快件处理员"],
          [U("葫芦岛市快递行业协会培训中心", 1.0, "text")], (512, 530), (0.82, 0.83), (0.61, 0.62), "电商",
          defects=["inflated_pass_2023", "inflated_employment_2022"], decimals=0),
        P("defect-17-late-employment", "辽阳市", "辽阳保安员", "生活服务人才", "行政区域", ["保安员"],
          [U("辽阳市安保职业技能培训学校", 1.0)], (812, 830), (0.88, 0.89), (0.72, 0.74), "家政",
          defects=["late_employment_2023"]),
        P("defect-18-scan-differs", "抚顺市", "抚顺焊工", "重点产业人才", "行业", ["焊工"],
          [U("抚顺市焊接技术职业培训学校", 1.0)], (520, 536), (0.86, 0.87), (0.7, 0.71), "制造",
          defects=["scan_differs", "report_figure_differs"]),
        P("defect-19-category", "鞍山市", "鞍山数控工", "重点产业人才", "企业", ["数控车工"],
          [U("鞍山重型机械有限公司职工培训中心", 1.0, "text")], (1510, 1522), (0.92, 0.93), (0.93, 0.94), "企业",
          defects=["two_types", "report_seal_worn"]),
        P("defect-20-no-scope", "朝阳市", "朝阳电商员", "新职业新业态人才", "行政区域", ["电子商务师"],
          [U("朝阳市电子商务职业培训学校", 1.0)], (805, 818), (0.84, 0.85), (0.6, 0.61), "电商",
          defects=["no_scope", "bad_name"], layout="scan"),
        P("defect-21-below-minimums", "铁岭市", "铁岭育婴员", "生活服务人才", "行业", ["育婴员"],
          [U("铁岭市母婴护理职业培训学校", 1.0)], (520, 430), (0.85, 0.86), (0.62, 0.63), "家政",
          defects=["few_trainees"]),
        P("defect-22-enterprise-low-pass", "大连市", "大连港吊装工", "重点产业人才", "企业", ["起重装卸机械操作工"],
          [U("大连港集团有限公司职工教育培训中心", 1.0, "text")], (1505, 1518), (0.87, 0.88), (0.93, 0.94), "企业",
          defects=["low_pass"], gbk=True),
        P("defect-23-low-employment", "葫芦岛市", "葫芦岛果农", "乡村振兴人才", "行政区域", ["果树栽培工"],
          [U("绥中县农民职业技能培训学校", 1.0)], (806, 818), (0.85, 0.86), (0.46, 0.47), "农业",
          defects=["low_employment"]),
        P("defect-24-school-graduates", "营口市", "营口职院汽修工", "重点产业人才", "院校", ["汽车维修工"],
          [U("营口职业技术学院", 1.0)], (530, 545), (0.88, 0.89), (0.7, 0.71), "制造",
          defects=["low_graduate_employment"], graduate_employment=0.926),
        P("defect-25-roster-ids", "沈阳市", "沈阳养老护理员", "生活服务人才", "行业", ["养老护理员"],
          [U("沈阳市颐康养老护理职业培训学校", 1.0)], (1520, 1536), (0.86, 0.87), (0.64, 0.65), "家政",
          defects=["duplicate_person", "bad_check_digits", "gender_flip"]),
        P("defect-26-roster-fakes", "锦州市", "锦州保育员", "生活服务人才", "行业", ["保育师"],
          [U("锦州市太和区保育职业培训学校", 1.0)], (515, 522), (0.86, 0.87), (0.63, 0.64), "家政",
          defects=["child_trainee", "shared_phone", "sequential_phones"]),
        P("defect-27-dates", "本溪市", "本溪导游员", "新职业新业态人才", "行政区域", ["导游", "讲解员"],
          [U("本溪市旅游职业培训学校", 1.0)], (810, 820), (0.85, 0.86), (0.62, 0.63), "家政",
          defects=["dates_reversed"], layout="folder"),
        P("defect-28-ids-as-numbers", "丹东市", "丹东满绣娘", "乡村振兴人才", "其他", ["刺绣工"],
          [U("丹东市满族刺绣非遗传承职业培训学校", 1.0)], (305, 312), (0.82, 0.83), (0.6, 0.61), "手工",
          defects=["ids_as_numbers"]),
        P("batch-tieling-a", "铁岭市", "铁岭家政大姐", "生活服务人才", "行业", ["家政服务员"],
          [U("铁岭市家庭服务业协会培训中心", 1.0)], (530, 548), (0.86, 0.87), (0.64, 0.65), "家政",
          defects=["batch_same_type"], batch="tieling"),
        P("batch-tieling-b", "铁岭市", "铁岭养老护理员", "生活服务人才", "行业", ["养老护理员"],
          [U("铁岭市养老服务行业协会培训中心", 1.0, "text")], (522, 541), (0.87, 0.88), (0.63, 0.64), "家政",
          defects=["batch_same_type"], batch="tieling", layout="folder", gbk=True),
    ]
    return clean + d

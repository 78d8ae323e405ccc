//! Office readers on the fixtures of `fixtures/office/` (made by `make_fixtures.py`
//! there): the 申报表 from DOCX and XLSX, rosters and tracking tables from XLSX, XLS and a
//! GBK CSV, hostile workbooks, and narratives. Expected values are the ones the
//! generator wrote.

use std::path::Path;

use dossier_verify::config::Config;
use dossier_verify::extract::{docx, form, roster, sheet, Content, ExtractedFile, IdCell, TableKind};
use dossier_verify::intake::{DocKind, Format};

fn config() -> Config {
    Config::builtin().expect("built-in config")
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/office").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn file(path: &str, format: Format, kind: DocKind, content: Content) -> ExtractedFile {
    ExtractedFile { pages: content.pages, sheets: content.sheets, ..ExtractedFile::new(path, format, kind) }
}

fn read_sheet(name: &str, format: Format) -> Content {
    let config = config();
    let sheets = sheet::read_bytes(&fixture(name), name, format, &config.settings.limits).unwrap_or_else(|e| panic!("{name}: {e}"));
    Content { sheets, ..Content::default() }
}

// ---------------------------------------------------------------- the form

#[test]
fn form_from_docx_every_field() {
    let config = config();
    let content = docx::read_bytes(&fixture("form.docx"), &config.settings.limits).expect("form.docx");
    let f = file("2.申报表.docx", Format::Docx, DocKind::ApplicationForm, content);
    let form = form::from_editable(&f, &config.rules).expect("form read");
    assert_eq!(form.applicant.as_ref().map(|f| f.text.as_str()), Some("沈阳市人力资源和社会保障局"));
    let brand = form.brand_name.as_ref().expect("brand");
    assert_eq!(brand.text, "沈阳巧嫂");
    assert_eq!(brand.location.sheet.as_deref(), Some("表格1"));
    assert_eq!(brand.location.cell.as_deref(), Some("B1"));
    assert_eq!(form.checked_scopes(), vec!["生活服务人才"]);
    assert_eq!(form.scopes.len(), 4, "{:?}", form.scopes);
    assert_eq!(form.checked_types(), vec!["行政区域"]);
    assert_eq!(form.types.len(), 5, "{:?}", form.types);
    let occupations: Vec<&str> = form.occupations.iter().map(|o| o.text.as_str()).collect();
    assert_eq!(occupations, vec!["家政服务员", "养老护理员", "育婴员"]);
    let units: Vec<&str> = form.units.iter().map(|o| o.text.as_str()).collect();
    assert_eq!(units, vec!["沈阳市巧嫂职业培训学校", "沈阳市和平区家政服务中心"]);
    assert_eq!(form.units[1].location.row, Some(8));
    let y22 = form.year(2022).expect("2022");
    assert_eq!(y22.trainees.as_ref().and_then(|f| f.value), Some(2150.0));
    assert_eq!(y22.trainees.as_ref().map(|f| f.text.as_str()), Some("2,150人"));
    assert_eq!(y22.trainees.as_ref().and_then(|f| f.location.cell.clone()).as_deref(), Some("C13"));
    assert_eq!(y22.pass_rate.as_ref().and_then(|f| f.value), Some(0.865));
    assert_eq!(y22.employment_rate.as_ref().and_then(|f| f.value), Some(0.61));
    let y23 = form.year(2023).expect("2023");
    assert_eq!(y23.trainees.as_ref().and_then(|f| f.value), Some(2240.0));
    assert_eq!(y23.pass_rate.as_ref().and_then(|f| f.value), Some(0.88));
    assert_eq!(y23.employment_rate.as_ref().and_then(|f| f.value), Some(0.63));
    assert!(form.summary.as_ref().is_some_and(|s| s.text.starts_with("沈阳巧嫂品牌创建于2015年")));
}

#[test]
fn form_from_xlsx_every_field() {
    let config = config();
    let f = file("2.申报表.xlsx", Format::Xlsx, DocKind::ApplicationForm, read_sheet("form.xlsx", Format::Xlsx));
    let form = form::from_editable(&f, &config.rules).expect("form read");
    assert_eq!(form.applicant.as_ref().map(|f| f.text.as_str()), Some("大连市人力资源和社会保障局"));
    assert_eq!(form.brand_name.as_ref().map(|f| f.text.as_str()), Some("大连月嫂"));
    assert_eq!(form.brand_name.as_ref().and_then(|f| f.location.cell.clone()).as_deref(), Some("B3"));
    assert_eq!(form.checked_scopes(), vec!["生活服务人才"]);
    assert_eq!(form.checked_types(), vec!["行业"]);
    assert_eq!(form.types.len(), 5);
    let occupations: Vec<&str> = form.occupations.iter().map(|o| o.text.as_str()).collect();
    assert_eq!(occupations, vec!["母婴护理员", "育婴员", "家政服务员"]);
    let units: Vec<&str> = form.units.iter().map(|o| o.text.as_str()).collect();
    assert_eq!(units, vec!["大连市母婴护理职业培训学校", "大连金州区职业技能培训中心"]);
    let y22 = form.year(2022).expect("2022");
    assert_eq!(y22.trainees.as_ref().and_then(|f| f.value), Some(2010.0));
    assert_eq!(y22.pass_rate.as_ref().and_then(|f| f.value), Some(0.912));
    assert_eq!(y22.employment_rate.as_ref().and_then(|f| f.value), Some(0.555));
    assert_eq!(y22.employment_rate.as_ref().and_then(|f| f.location.cell.clone()).as_deref(), Some("C13"));
    let y23 = form.year(2023).expect("2023");
    assert_eq!(y23.trainees.as_ref().and_then(|f| f.value), Some(2105.0));
    assert_eq!(y23.pass_rate.as_ref().and_then(|f| f.value), Some(0.93));
    assert_eq!(y23.employment_rate.as_ref().and_then(|f| f.value), Some(0.57));
}

// ---------------------------------------------------------------- rosters

#[test]
fn roster_xlsx_rows_ids_dates_and_footer() {
    let config = config();
    let f = file("3.依托单位材料/培训人员名单.xlsx", Format::Xlsx, DocKind::TrainingRoster, read_sheet("roster-2022.xlsx", Format::Xlsx));
    let tables = roster::tables(&f, &config);
    assert_eq!(tables.len(), 1);
    let t = &tables[0];
    assert_eq!(t.kind, TableKind::TrainingRoster);
    assert_eq!((t.year, t.year_source.as_deref()), (Some(2022), Some("标题")));
    assert_eq!(t.header_row, 3);
    assert_eq!(t.columns.get("id_number").map(String::as_str), Some("D"), "{:?}", t.columns);
    assert_eq!(t.columns.get("name").map(String::as_str), Some("B"));
    assert_eq!(t.records.len(), 5, "blank row skipped, 合计/填表人 not persons");
    let rows: Vec<u32> = t.records.iter().map(|r| r.row).collect();
    assert_eq!(rows, vec![4, 5, 7, 8, 9]);
    let r1 = &t.records[0];
    assert_eq!(r1.name.as_deref(), Some("张三"));
    assert_eq!(r1.id, Some(IdCell::Text("210102199001011234".into())));
    assert_eq!(r1.phone.as_deref(), Some("13800000001"), "phone stored as a number");
    assert_eq!(r1.training_start.map(|d| d.to_string()).as_deref(), Some("2022-03-01"));
    assert_eq!(r1.training_end.map(|d| d.to_string()).as_deref(), Some("2022-03-20"));
    assert_eq!(r1.passed, Some(true));
    assert_eq!(t.records[1].training_end.map(|d| d.to_string()).as_deref(), Some("2022-03-20"), "年月日至月日");
    assert_eq!(t.records[2].training_start.map(|d| d.to_string()).as_deref(), Some("2022-05-10"), "a date cell");
    match &t.records[3].id {
        Some(IdCell::NumberLostDigits(d)) => assert!(d.starts_with("210104199512315") && d.len() == 18, "{d}"),
        other => panic!("ID stored as a number: {other:?}"),
    }
    assert_eq!(t.records[4].passed, Some(false), "不合格");
}

#[test]
fn tracking_xls_year_from_sheet_name() {
    let config = config();
    let f = file("3.依托单位材料/跟踪.xls", Format::Xls, DocKind::UnitMaterial, read_sheet("tracking.xls", Format::Xls));
    let tables = roster::tables(&f, &config);
    assert_eq!(tables.len(), 1);
    let t = &tables[0];
    assert_eq!(t.kind, TableKind::EmploymentTracking);
    assert_eq!((t.year, t.year_source.as_deref()), (Some(2023), Some("工作表名")));
    assert_eq!(t.header_row, 2);
    assert_eq!(t.records.len(), 3);
    assert_eq!(t.records.iter().map(|r| r.employed).collect::<Vec<_>>(), vec![Some(true), Some(false), Some(true)]);
    assert_eq!(t.records[0].employment_date.map(|d| d.to_string()).as_deref(), Some("2023-05-06"));
    assert_eq!(t.records[2].employment_date.map(|d| d.to_string()).as_deref(), Some("2023-06-01"));
    assert_eq!(t.records[0].training_end.map(|d| d.to_string()).as_deref(), Some("2023-04-01"));
    assert_eq!(t.records[2].row, 5);
}

#[test]
fn roster_csv_in_gbk() {
    let config = config();
    let f = file("名单.csv", Format::Csv, DocKind::TrainingRoster, read_sheet("roster-gbk.csv", Format::Csv));
    let tables = roster::tables(&f, &config);
    assert_eq!(tables.len(), 1);
    let t = &tables[0];
    assert_eq!(t.sheet, None);
    assert_eq!((t.year, t.year_source.as_deref()), (Some(2023), Some("标题")));
    assert_eq!(t.records.len(), 3);
    assert_eq!(t.records[1].name.as_deref(), Some("李四"));
    assert_eq!(t.records[1].passed, Some(false));
    assert_eq!(t.records[2].row, 5);
}

// ---------------------------------------------------------------- hostile workbooks

/// Regression: calamine 0.38 reserves `uniqueCount` strings up front; 10^12 aborted the
/// process ("memory allocation of 24000000000000 bytes failed"). Source: make_fixtures.py.
#[test]
fn hostile_shared_string_count_is_refused_not_allocated() {
    let config = config();
    let err = sheet::read_bytes(&fixture("hostile-shared-strings.xlsx"), "x.xlsx", Format::Xlsx, &config.settings.limits).unwrap_err();
    assert!(matches!(err, dossier_verify::extract::ReadError::TooLarge(_)), "{err}");
}

/// Regression: cells in A1 and XFD1048576 made calamine's `worksheet_range` allocate a
/// dense 17-billion-cell range (abort). Cells are now streamed and kept sparse.
#[test]
fn far_apart_cells_stay_sparse() {
    let config = config();
    let sheets = sheet::read_bytes(&fixture("far-corners.xlsx"), "x.xlsx", Format::Xlsx, &config.settings.limits).expect("read");
    assert_eq!(sheets.len(), 1);
    let s = &sheets[0];
    assert_eq!(s.first_row, 1);
    assert_eq!(s.rows.len(), 1_048_576);
    assert_eq!(s.rows[0].len(), 1, "rows are ragged: row 1 holds only A1");
    assert_eq!(s.rows[1_048_575].len(), 16384);
}

// ---------------------------------------------------------------- the stamped scan

/// A word as Tesseract's TSV gives it: x, y, width, height at 200 dpi.
fn word(text: &str, x: u32, y: u32, width: u32) -> dossier_verify::extract::Word {
    dossier_verify::extract::Word { text: text.into(), bbox: [x, y, width, 30], confidence: 0.88, line: 0 }
}

/// The form page as Tesseract (chi_sim, PSM 3) returns it: labels centred in merged
/// cells on rows of their own, spaces between Han characters and digits ("2 150 人"),
/// full-width digits, an empty box read as 口 and glued to its option ("口院校"),
/// two-line labels split into two rows.
fn scanned_page() -> dossier_verify::extract::Page {
    let words = vec![
        word("申报单位:", 150, 200, 180), word("沈阳市人力资源和社会保障局", 340, 200, 560), word("(公章)", 910, 200, 90),
        word("品牌", 150, 300, 60), word("名称", 215, 300, 60), word("沈阳", 500, 302, 60), word("巧嫂", 565, 302, 60),
        word("口", 500, 380, 20), word("重点产业人才", 525, 380, 175), word("☑", 800, 381, 20), word("生活服务人才", 825, 380, 175),
        word("品牌范围", 150, 410, 150),
        word("口", 500, 440, 20), word("乡村振兴人才", 525, 440, 175), word("口", 800, 440, 20), word("新职业新业态人才", 825, 440, 230),
        word("■", 500, 500, 20), word("行政区域", 525, 500, 125), word("口", 700, 500, 20), word("行业", 725, 500, 55), word("口", 850, 500, 20), word("企业", 875, 500, 55),
        word("品牌类型", 150, 530, 150),
        word("口院校", 500, 560, 100), word("口", 700, 560, 20), word("其他", 725, 560, 55),
        word("品牌行业或职业", 150, 620, 250), word("家政服务员、养老护理员", 500, 625, 400),
        word("(工种)", 150, 652, 100),
        word("1.", 500, 700, 20), word("沈阳市巧嫂职业培训学校", 525, 700, 375),
        word("2.沈阳市和平区家政服务中心", 500, 740, 400),
        word("依托单位", 150, 780, 150), word("3.", 500, 780, 20),
        word("4.", 500, 820, 20),
        word("5.", 500, 860, 20), word("填写不下的可自行增加行数", 525, 860, 400),
        word("年份", 500, 920, 60), word("2022", 800, 920, 80), word("年", 885, 920, 25), word("2023", 1100, 920, 80), word("年", 1185, 920, 25),
        word("培训人数", 500, 952, 120), word("2", 800, 952, 15), word("150", 818, 952, 52), word("人", 875, 952, 25), word("2240", 1100, 952, 70),
        word("培训情况", 150, 982, 150), word("培训合格率", 500, 982, 150), word("86.5%", 800, 982, 90), word("８８％", 1100, 982, 70),
        word("培训后就业率", 500, 1012, 180), word("61", 800, 1012, 40), word("%", 842, 1012, 18), word("0.63", 1100, 1012, 60),
        word("培训品牌", 150, 1100, 130), word("沈阳巧嫂品牌创建于2015年", 500, 1100, 700),
        word("总体情况简介", 150, 1132, 180),
        word("市人社部门", 150, 1300, 150), word("(盖章)", 800, 1310, 90),
        word("推荐意见", 150, 1332, 120),
    ];
    let text = words.iter().map(|w| w.text.clone()).collect::<Vec<_>>().join(" ");
    dossier_verify::extract::Page {
        number: 1,
        text,
        source: dossier_verify::extract::TextSource::Ocr,
        confidence: Some(0.88),
        words,
        width: 1654,
        height: 2339,
        seals: Vec::new(),
    }
}

#[test]
fn form_from_scan_word_boxes() {
    let config = config();
    let content = Content { pages: vec![scanned_page()], ..Content::default() };
    let f = file("2.申报表（盖章）.pdf", Format::Pdf, DocKind::ApplicationForm, content);
    let form = form::from_scanned(&f, &config.rules).expect("scan read");
    assert_eq!(form.applicant.as_ref().map(|f| f.text.as_str()), Some("沈阳市人力资源和社会保障局"));
    assert_eq!(form.brand_name.as_ref().map(|f| f.text.as_str()), Some("沈阳巧嫂"));
    assert_eq!(form.brand_name.as_ref().and_then(|f| f.location.page), Some(1));
    assert_eq!(form.checked_scopes(), vec!["生活服务人才"]);
    assert_eq!(form.scopes.len(), 4, "{:?}", form.scopes);
    assert_eq!(form.checked_types(), vec!["行政区域"]);
    assert_eq!(form.types.len(), 5, "{:?}", form.types);
    let occupations: Vec<&str> = form.occupations.iter().map(|o| o.text.as_str()).collect();
    assert_eq!(occupations, vec!["家政服务员", "养老护理员"]);
    let units: Vec<&str> = form.units.iter().map(|o| o.text.as_str()).collect();
    assert_eq!(units, vec!["沈阳市巧嫂职业培训学校", "沈阳市和平区家政服务中心"]);
    let y22 = form.year(2022).expect("2022");
    assert_eq!(y22.trainees.as_ref().and_then(|f| f.value), Some(2150.0));
    assert_eq!(y22.pass_rate.as_ref().and_then(|f| f.value), Some(0.865));
    assert_eq!(y22.employment_rate.as_ref().and_then(|f| f.value), Some(0.61));
    let y23 = form.year(2023).expect("2023");
    assert_eq!(y23.trainees.as_ref().and_then(|f| f.value), Some(2240.0));
    assert_eq!(y23.pass_rate.as_ref().and_then(|f| f.value), Some(0.88));
    assert_eq!(y23.employment_rate.as_ref().and_then(|f| f.value), Some(0.63));
    assert_eq!(form.summary.as_ref().map(|s| s.text.as_str()), Some("沈阳巧嫂品牌创建于2015年"));
}

// ---------------------------------------------------------------- third-party workbooks

/// Every workbook of `fixtures/office/thirdparty` (calamine's and xlrd's test files, fuzzer
/// finds included) is read or refused with a reason — never a panic, abort or hang.
/// Expected outcomes: the encrypted ones say so; the DoS ones are refused as too large or
/// corrupt; the rest read.
#[test]
fn thirdparty_workbooks_read_or_refuse_cleanly() {
    use dossier_verify::extract::ReadError;
    let config = config();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/office/thirdparty");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("thirdparty dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let bytes = std::fs::read(&path).expect("read");
        // Inside a dossier a file reaches the sheet reader only when sniffing calls it a
        // spreadsheet: every one of these must, but for the two no workbook reader takes
        // (a bare BIFF4 stream, a file too small to hold a compound document).
        let sniffed = dossier_verify::intake::sniff::sniff(&bytes, &name);
        let readable_kind = !matches!(name.as_str(), "calamine__too_small.xls" | "xlrd__biff4_no_format_no_window2.xls");
        assert_eq!(sniffed.is_spreadsheet(), readable_kind, "{name} sniffed as {sniffed:?}");
        let result = sheet::read_bytes(&bytes, &name, Format::Xlsx, &config.settings.limits);
        seen += 1;
        match name.as_str() {
            n if n.contains("pass_protected") || n.contains("issue_385") => {
                assert!(matches!(result, Err(ReadError::Encrypted)), "{n}: {result:?}")
            }
            "calamine__issue_594_dos.ods" => assert!(matches!(result, Err(ReadError::TooLarge(_))), "{name}: {result:?}"),
            "calamine__OOM_alloc3.xls" | "xlrd__biff4_no_format_no_window2.xls" => assert!(matches!(result, Err(ReadError::Corrupt(_))), "{name}: {result:?}"),
            _ => {
                let sheets = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(!sheets.is_empty(), "{name}: no sheet");
            }
        }
    }
    assert_eq!(seen, 19);
}

#[test]
fn merged_regions_keep_excel_coordinates() {
    let config = config();
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/office/thirdparty/calamine__merged_range.xls")).expect("file");
    let sheets = sheet::read_bytes(&bytes, "m.xls", Format::Xls, &config.settings.limits).expect("read");
    assert!(!sheets[0].merged.is_empty());
    // Sheet1 has A1:A2 merged (calamine's 0-based (0,0)-(1,0)): rows are 1-based here.
    assert!(sheets[0].merged.contains(&(1, 0, 2, 0)), "{:?}", sheets[0].merged);
}

// ---------------------------------------------------------------- through the pipeline

fn entry(path: &str, name: &str, format: Format) -> dossier_verify::intake::Entry {
    let bytes = fixture(name);
    dossier_verify::intake::Entry { path: path.into(), sha256: dossier_verify::intake::sha256_hex(&bytes), bytes, format }
}

#[test]
fn pipeline_reads_form_rosters_and_narratives() {
    let config = config();
    let dossier = dossier_verify::intake::Dossier {
        sha256: String::new(),
        filename: "沈阳市-家政服务.zip".into(),
        entries: vec![
            entry("2.申报表.docx", "form.docx", Format::Docx),
            entry("3.依托单位材料/2022年培训人员名单.xlsx", "roster-2022.xlsx", Format::Xlsx),
            entry("3.依托单位材料/就业跟踪情况表.xls", "tracking.xls", Format::Xls),
            entry("3.依托单位材料/2023年培训名单.csv", "roster-gbk.csv", Format::Csv),
        ],
        findings: Vec::new(),
    };
    let extracted = dossier_verify::extract::extract(&dossier, &config, &Default::default());
    assert!(extracted.findings.is_empty(), "{:?}", extracted.findings);
    let form = extracted.form_editable.as_ref().expect("editable form");
    assert_eq!(form.brand_name.as_ref().map(|f| f.text.as_str()), Some("沈阳巧嫂"));
    let summary: Vec<(i32, usize)> = extracted.tables.iter().map(|t| (t.year.unwrap_or(0), t.records.len())).collect();
    assert_eq!(summary, vec![(2022, 5), (2023, 3), (2023, 3)]);
    assert_eq!(extracted.tables[1].kind, TableKind::EmploymentTracking);
}

#[test]
fn scanned_roster_page_is_read_like_a_sheet() {
    use dossier_verify::extract::{Page, TextSource, Word};
    let w = |text: &str, x: u32, y: u32, width: u32| Word { text: text.into(), bbox: [x, y, width, 30], confidence: 0.9, line: 0 };
    let words = vec![
        w("2023年就业跟踪情况表", 300, 40, 400),
        w("姓名", 200, 100, 60), w("身份证号", 400, 100, 120), w("就业情况", 800, 100, 120),
        w("张三", 200, 150, 60), w("210102199001011234", 400, 150, 300), w("已就业", 810, 150, 90),
        w("李四", 200, 200, 60), w("21010219850505123X", 400, 200, 300), w("未就业", 810, 200, 90),
        w("填表人：王某", 50, 260, 200),
    ];
    let page = Page { number: 1, text: String::new(), source: TextSource::Ocr, confidence: Some(0.9), words, width: 1000, height: 400, seals: Vec::new() };
    let f = file("3.依托单位材料/跟踪表扫描件.pdf", Format::Pdf, DocKind::EmploymentTracking, Content { pages: vec![page], ..Content::default() });
    let tables = roster::tables(&f, &config());
    assert_eq!(tables.len(), 1);
    let t = &tables[0];
    assert_eq!(t.source, TextSource::Ocr);
    assert_eq!(t.sheet.as_deref(), Some("第1页"));
    assert_eq!((t.kind, t.year), (TableKind::EmploymentTracking, Some(2023)));
    assert_eq!(t.records.iter().map(|r| r.employed).collect::<Vec<_>>(), vec![Some(true), Some(false)]);
    assert_eq!(t.records[1].id, Some(IdCell::Text("21010219850505123X".into())));
}

/// Regression: byte-mutated workbooks that made calamine 0.38 panic — a BoundSheet
/// position past the stream (`xls.rs:633` slice), a reversed DIMENSIONS record
/// (`xls.rs:665` subtraction overflow; in release a rows×cols reservation), a truncated
/// MergeCells record (`utils.rs:48`). The first two are refused by the BIFF guard, the
/// last by the panic boundary around calamine: all three are `Corrupt`, none a crash.
#[test]
fn mutated_xls_files_are_corrupt_not_crashes() {
    use dossier_verify::extract::ReadError;
    let config = config();
    for name in ["fuzz/tracking-merge-record-truncated.xls", "fuzz/tracking-dimensions-reversed.xls", "fuzz/xlrd-ragged-sheet-position-past-end.xls"] {
        let result = sheet::read_bytes(&fixture(name), name, Format::Xls, &config.settings.limits);
        assert!(matches!(result, Err(ReadError::Corrupt(_))), "{name}: {result:?}");
    }
}

/// Web systems export "XLS" files that are HTML tables (often in GBK): read as sheets.
#[test]
fn html_table_saved_as_xls_is_a_roster() {
    let config = config();
    let html = "<html><head><meta charset=gb2312></head><body><table><tr><td colspan=3>2023年培训人员名单</td></tr>\
        <tr><td>姓名</td><td>身份证号码</td><td>考核结果</td></tr>\
        <tr><td>张三</td><td>210102199001011234</td><td>合格</td></tr>\
        <tr><td>李四</td><td>21010219850505123X</td><td>不合格</td></tr>\
        <tr><td>合计</td><td>2人</td><td></td></tr></table></body></html>";
    let (gbk, _, _) = encoding_rs::GBK.encode(html);
    let sheets = sheet::read_bytes(&gbk, "名单.xls", Format::Xls, &config.settings.limits).expect("html xls");
    let f = file("名单.xls", Format::Xls, DocKind::TrainingRoster, Content { sheets, ..Content::default() });
    let tables = roster::tables(&f, &config);
    assert_eq!(tables.len(), 1);
    assert_eq!((tables[0].year, tables[0].header_row, tables[0].records.len()), (Some(2023), 2, 2));
    assert_eq!(tables[0].records[1].passed, Some(false));
}

/// A bureau's reformatted form with the 培训情况 years down a column.
#[test]
fn form_with_years_down_a_column() {
    use dossier_verify::extract::{CellValue, Sheet};
    let config = config();
    let t = |s: &str| if s.is_empty() { CellValue::Empty } else { CellValue::Text(s.into()) };
    let rows = vec![
        vec![t("品牌名称"), t("锦州焊工"), t(""), t("")],
        vec![t("品牌类型"), t("□行政区域 ☑行业 □企业 □院校 □其他"), t(""), t("")],
        vec![t("年份"), t("培训人数"), t("培训合格率"), t("培训后就业率")],
        vec![t("2022年"), t("1,530"), t("88%"), t("73%")],
        vec![t("2023年"), t("1560人"), t("0.89"), t("74")],
        vec![t("培训品牌总体情况简介"), t("……"), t(""), t("")],
    ];
    let sheet = Sheet { name: "表格1".into(), first_row: 1, first_col: 0, rows, merged: vec![(1, 1, 1, 3), (2, 1, 2, 3)] };
    let f = file("申报表.docx", Format::Docx, DocKind::ApplicationForm, Content { sheets: vec![sheet], ..Content::default() });
    let form = form::from_editable(&f, &config.rules).expect("form");
    assert_eq!(form.checked_types(), vec!["行业"]);
    // (year, trainees, pass rate, employment rate)
    type Year = (i32, Option<f64>, Option<f64>, Option<f64>);
    let got: Vec<Year> = form
        .years
        .iter()
        .map(|y| (y.year, y.trainees.as_ref().and_then(|f| f.value), y.pass_rate.as_ref().and_then(|f| f.value), y.employment_rate.as_ref().and_then(|f| f.value)))
        .collect();
    assert_eq!(got, vec![(2022, Some(1530.0), Some(0.88), Some(0.73)), (2023, Some(1560.0), Some(0.89), Some(0.74))]);
    assert_eq!(form.years[1].trainees.as_ref().and_then(|f| f.location.cell.clone()).as_deref(), Some("B5"));
}

/// A two-row header: 培训时间 merged over 开始 | 结束 on the row below.
#[test]
fn roster_with_a_two_row_header() {
    use dossier_verify::extract::{CellValue, Sheet};
    let config = config();
    let t = |s: &str| if s.is_empty() { CellValue::Empty } else { CellValue::Text(s.into()) };
    let rows = vec![
        vec![t("2022年培训人员名单"), t(""), t(""), t("")],
        vec![t("姓名"), t("身份证号"), t("培训时间"), t("")],
        vec![t(""), t(""), t("开始"), t("结束")],
        vec![t("张三"), t("210102199001011234"), t("2022.3.1"), t("2022.3.20")],
        vec![t("李四"), t("21010219850505123X"), t("2022.4.1"), t("2022.4.20")],
    ];
    let sheet = Sheet { name: "Sheet1".into(), first_row: 1, first_col: 0, rows, merged: vec![(1, 0, 1, 3), (2, 0, 3, 0), (2, 1, 3, 1), (2, 2, 2, 3)] };
    let f = file("名单.xlsx", Format::Xlsx, DocKind::TrainingRoster, Content { sheets: vec![sheet], ..Content::default() });
    let tables = roster::tables(&f, &config);
    let t = &tables[0];
    assert_eq!(t.records.len(), 2);
    assert_eq!(t.records[0].row, 4);
    assert_eq!(t.records[1].training_end.map(|d| d.to_string()).as_deref(), Some("2022-04-20"));
    assert!(!t.columns.contains_key("training_period"), "{:?}", t.columns);
}

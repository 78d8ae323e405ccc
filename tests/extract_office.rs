//! Office readers on the fixtures of `fixtures/office/` (made by `make_fixtures.py`
//! there): the 申报表 from DOCX and XLSX, rosters and tracking tables from XLSX, XLS and a
//! GBK CSV, hostile workbooks, and narratives. Expected values are the ones the
//! generator wrote.

use std::path::Path;

use dossier_verify::config::Config;
use dossier_verify::extract::{docx, form, roster, sheet, Content, ExtractedFile, FileMetadata, IdCell, TableKind};
use dossier_verify::intake::{DocKind, Format};

fn config() -> Config {
    Config::builtin().expect("built-in config")
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/office").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn file(path: &str, format: Format, kind: DocKind, content: Content) -> ExtractedFile {
    ExtractedFile {
        path: path.to_string(),
        sha256: String::new(),
        format,
        kind,
        classified_by: Vec::new(),
        pages: content.pages,
        sheets: content.sheets,
        metadata: FileMetadata::default(),
        unreadable: None,
    }
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

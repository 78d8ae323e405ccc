//! Small hand-built dossiers for the checks' tests: a clean dossier ([`Kit::clean`]) whose
//! form agrees with its rosters, and builders for files, forms, tables and persons that a
//! test then spoils in one place. Identifiers are generated valid and non-sequential so
//! that only what a test plants is found.

use chrono::NaiveDate;

use crate::config::Config;
use crate::domain::id_number::check_char;
use crate::extract::*;
use crate::intake::{DocKind, Format};
use crate::report::{Finding, Location};

use super::CheckContext;

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("test date")
}

/// A valid ID number from its first 17 digits.
pub fn with_check(body: &str) -> String {
    let mut b = [0u8; 17];
    b.copy_from_slice(body.as_bytes());
    format!("{body}{}", check_char(&b))
}

/// The n-th generated person's ID: a Liaoning district, a birth date between 1965 and
/// 2004, gender alternating (n even → male); valid, and never a fixed step from the previous one.
pub fn id_of(n: u32) -> String {
    const REGIONS: [&str; 5] = ["210102", "210203", "210302", "210404", "211002"];
    let days = (u64::from(n) * u64::from(n) * 31 + u64::from(n) * 7) % 14000;
    let birth = day(1966, 1, 1) + chrono::Duration::days(days as i64);
    let order = (u64::from(n) * 37 + u64::from(n) * u64::from(n) * 11) % 99;
    let gender_digit = if n.is_multiple_of(2) { 1 } else { 2 };
    with_check(&format!("{}{}{order:02}{gender_digit}", REGIONS[n as usize % 5], birth.format("%Y%m%d")))
}

pub fn phone_of(n: u32) -> String {
    let n = u64::from(n);
    format!("139{:08}", (n * n * 7919 + n * 104_729 + 1_234_567) % 100_000_000)
}

/// A trainee of `year`: valid ID and phone, gender matching the ID, trained in March,
/// passed with a certificate number that does not run in sequence.
pub fn person(row: u32, n: u32, year: i32) -> PersonRecord {
    PersonRecord {
        row,
        name: Some(format!("学员{n}")),
        id: Some(IdCell::Text(id_of(n))),
        gender: Some(if n.is_multiple_of(2) { "男" } else { "女" }.to_string()),
        phone: Some(phone_of(n)),
        occupation: Some("家政服务员".into()),
        training_start: Some(day(year, 3, 1)),
        training_end: Some(day(year, 3, 20)),
        passed: Some(true),
        certificate: Some(format!("Z{year}{:06}", (n * n * 13 + 7) % 1_000_000)),
        ..PersonRecord::default()
    }
}

/// The tracking row of a trainee: employed 30 days after training end.
pub fn tracked(row: u32, n: u32, year: i32, employed: bool) -> PersonRecord {
    let mut record = person(row, n, year);
    record.passed = None;
    record.certificate = None;
    record.employed = Some(employed);
    if employed {
        record.employer = Some("某家政公司".into());
        record.employment_date = Some(day(year, 4, 19));
    }
    record
}

pub fn table(path: &str, sheet: Option<&str>, kind: TableKind, year: Option<i32>, records: Vec<PersonRecord>) -> PersonTable {
    PersonTable {
        path: path.into(),
        sheet: sheet.map(str::to_string),
        kind,
        year,
        year_source: Some("标题".into()),
        source: TextSource::Text,
        header_row: 2,
        columns: Default::default(),
        records,
    }
}

pub fn file(path: &str, format: Format, kind: DocKind) -> ExtractedFile {
    ExtractedFile::new(path, format, kind)
}

pub fn with_text(mut file: ExtractedFile, text: &str) -> ExtractedFile {
    file.pages.push(Page {
        number: file.pages.len() as u32 + 1,
        text: text.into(),
        source: TextSource::Text,
        confidence: None,
        words: Vec::new(),
        width: 0,
        height: 0,
        seals: Vec::new(),
    });
    file
}

pub fn field(text: &str, path: &str, cell: &str) -> Field {
    Field { text: text.into(), location: Location { path: Some(path.into()), cell: Some(cell.into()), ..Location::default() } }
}

pub fn figure(text: &str, value: Option<f64>, path: &str, cell: &str) -> Figure {
    Figure { text: text.into(), value, location: Location { path: Some(path.into()), cell: Some(cell.into()), ..Location::default() }, confidence: None }
}

fn boxes(labels: &[String], checked: &str, path: &str) -> Vec<Checkbox> {
    labels
        .iter()
        .map(|label| Checkbox { label: label.clone(), checked: label == checked, location: Location::file(path) })
        .collect()
}

/// A year of the 培训情况 table; rates as fractions.
pub fn form_year(year: i32, trainees: u32, pass_rate: f64, employment_rate: f64, path: &str) -> FormYear {
    let col = if year % 2 == 0 { "C" } else { "D" };
    FormYear {
        year,
        trainees: Some(figure(&format!("{trainees}人"), Some(f64::from(trainees)), path, &format!("{col}10"))),
        pass_rate: Some(figure(&super::common::percent(pass_rate), Some(pass_rate), path, &format!("{col}11"))),
        employment_rate: Some(figure(&super::common::percent(employment_rate), Some(employment_rate), path, &format!("{col}12"))),
    }
}

/// The 沈阳巧嫂 form: 生活服务人才 / 行政区域, one unit, both years 10 trainees, 90% passed, 60% employed.
pub fn form(version: FormVersion, path: &str, config: &Config) -> FormData {
    FormData {
        path: path.into(),
        version,
        applicant: Some(field("沈阳市人力资源和社会保障局", path, "B2")),
        brand_name: Some(field("沈阳巧嫂", path, "B3")),
        scopes: boxes(&config.rules.form.scopes, "生活服务人才", path),
        types: boxes(&config.rules.form.types, "行政区域", path),
        occupations: vec![field("家政服务员", path, "B6")],
        units: vec![field("沈阳市巧嫂家政服务有限公司", path, "B7")],
        years: vec![form_year(2022, 10, 0.9, 0.6, path), form_year(2023, 10, 0.9, 0.6, path)],
        summary: Some(field("沈阳巧嫂品牌依托沈阳市巧嫂家政服务有限公司创建。", path, "B14")),
    }
}

pub const FORM_DOCX: &str = "2.申报表.docx";
pub const FORM_PDF: &str = "2.申报表（盖章扫描）.pdf";
pub const UNIT_DIR: &str = "3.依托单位材料/沈阳市巧嫂家政服务有限公司";

pub fn roster_path(year: i32) -> String {
    format!("{UNIT_DIR}/{year}年培训人员名单.xlsx")
}

pub fn tracking_path(year: i32) -> String {
    format!("{UNIT_DIR}/{year}年就业跟踪情况表.xlsx")
}

/// A dossier under test, with the built-in configuration.
pub struct Kit {
    pub extracted: Extracted,
    pub config: Config,
    pub received_on: NaiveDate,
}

impl Kit {
    pub fn empty() -> Kit {
        Kit { extracted: Extracted::default(), config: Config::builtin().expect("built-in config"), received_on: day(2024, 1, 20) }
    }

    /// Every catalogue item present, the form in both versions, and for 2022 and 2023 a
    /// roster of 10 (9 passed) and a tracking table (6 employed) matching the form.
    pub fn clean() -> Kit {
        let mut kit = Kit::empty();
        let x = &mut kit.extracted;
        x.files.push(with_text(file("1.推荐报告.pdf", Format::Pdf, DocKind::RecommendationReport), "关于推荐沈阳巧嫂培训品牌的报告"));
        x.files.push(file(FORM_DOCX, Format::Docx, DocKind::ApplicationForm));
        x.files.push(file(FORM_PDF, Format::Pdf, DocKind::ApplicationForm));
        x.files.push(with_text(
            file(&format!("{UNIT_DIR}/单位情况报告.pdf"), Format::Pdf, DocKind::UnitMaterial),
            "沈阳市巧嫂家政服务有限公司培训就业情况报告",
        ));
        x.files.push(file("4.其他佐证材料/获奖证书.jpg", Format::Jpeg, DocKind::OtherEvidence));
        x.form_editable = Some(form(FormVersion::Editable, FORM_DOCX, &kit.config));
        x.form_scanned = Some(form(FormVersion::Scanned, FORM_PDF, &kit.config));
        for year in [2022, 2023] {
            let base = (year as u32 - 2022) * 100;
            x.files.push(file(&roster_path(year), Format::Xlsx, DocKind::TrainingRoster));
            x.files.push(file(&tracking_path(year), Format::Xlsx, DocKind::EmploymentTracking));
            let mut roster: Vec<PersonRecord> = (0..10).map(|i| person(3 + i, base + i, year)).collect();
            roster[9].passed = Some(false);
            roster[9].certificate = None;
            x.tables.push(table(&roster_path(year), Some("Sheet1"), TableKind::TrainingRoster, Some(year), roster));
            let tracking = (0..10).map(|i| tracked(3 + i, base + i, year, i < 6)).collect();
            x.tables.push(table(&tracking_path(year), Some("Sheet1"), TableKind::EmploymentTracking, Some(year), tracking));
        }
        kit
    }

    pub fn ctx(&self) -> CheckContext<'_> {
        CheckContext { extracted: &self.extracted, config: &self.config, received_on: self.received_on }
    }

    pub fn run(&self, check: fn(&CheckContext) -> Vec<Finding>) -> Vec<Finding> {
        check(&self.ctx())
    }

    pub fn form_mut(&mut self) -> &mut FormData {
        self.extracted.form_editable.as_mut().expect("kit has an editable form")
    }

    pub fn scan_mut(&mut self) -> &mut FormData {
        self.extracted.form_scanned.as_mut().expect("kit has a scanned form")
    }

    /// The first table of that kind and year.
    pub fn table_mut(&mut self, kind: TableKind, year: i32) -> &mut PersonTable {
        self.extracted.tables.iter_mut().find(|t| t.kind == kind && t.year == Some(year)).expect("kit has the table")
    }
}

/// The codes of findings, in order, for short assertions.
pub fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code.as_str()).collect()
}

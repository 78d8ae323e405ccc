//! The extracted model: everything read from a dossier, with provenance for every value
//! (file, page and word box, or sheet/row/cell, and how it was read). Checks read only
//! this; extractors only fill it.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::intake::classify::Classification;
use crate::intake::{DocKind, Entry, Format};
use crate::report::{Finding, Location};
use crate::seals::Seal;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Extracted {
    pub files: Vec<ExtractedFile>,
    /// The 申报表 read from its editable file (DOCX/XLSX).
    pub form_editable: Option<FormData>,
    /// The 申报表 read from its stamped scan (OCR).
    pub form_scanned: Option<FormData>,
    /// Rosters and employment-tracking tables, one per sheet (or scanned table).
    pub tables: Vec<PersonTable>,
    /// Figures stated in narratives (report, unit materials), with their sentence.
    pub narrative_figures: Vec<NarrativeFigure>,
    /// What extraction itself found (FILE_UNREADABLE, LOW_OCR_CONFIDENCE, …).
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExtractedFile {
    pub path: String,
    pub sha256: String,
    pub format: Format,
    pub kind: DocKind,
    pub classified_by: Vec<String>,
    pub pages: Vec<Page>,
    pub sheets: Vec<Sheet>,
    pub metadata: FileMetadata,
    /// Set when the file could not be read; the reason, in Chinese.
    pub unreadable: Option<String>,
}

impl ExtractedFile {
    /// A file known by its path, format and kind, with nothing read from it yet.
    pub fn new(path: &str, format: Format, kind: DocKind) -> ExtractedFile {
        ExtractedFile {
            path: path.into(),
            sha256: String::new(),
            format,
            kind,
            classified_by: Vec::new(),
            pages: Vec::new(),
            sheets: Vec::new(),
            metadata: FileMetadata::default(),
            unreadable: None,
        }
    }

    /// What was read from one entry of the dossier, as it was classified.
    pub fn from_content(entry: &Entry, content: super::Content, classification: Classification, unreadable: Option<String>) -> ExtractedFile {
        ExtractedFile {
            path: entry.path.clone(),
            sha256: entry.sha256.clone(),
            format: entry.format,
            kind: classification.kind,
            classified_by: classification.why,
            pages: content.pages,
            sheets: content.sheets,
            metadata: content.metadata,
            unreadable,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextSource {
    /// A PDF text layer, or an office file's own text.
    Text,
    Ocr,
    None,
}

#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// 1-based.
    pub number: u32,
    /// Text in reading order, lines separated by '\n'.
    pub text: String,
    pub source: TextSource,
    /// Mean OCR word confidence in [0, 1]; `None` for a text layer.
    pub confidence: Option<f64>,
    pub words: Vec<Word>,
    /// Size of the page image the boxes refer to (pixels); 0 when no image.
    pub width: u32,
    pub height: u32,
    pub seals: Vec<Seal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub text: String,
    /// x, y, width, height in pixels of the page image.
    pub bbox: [u32; 4],
    /// In [0, 1].
    pub confidence: f64,
    /// Tesseract's block/paragraph/line numbers folded into one line index.
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CellValue {
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    DateTime(NaiveDateTime),
    Error(String),
}

impl CellValue {
    /// The value as a person reads it in the cell (numbers without a trailing ".0").
    pub fn display(&self) -> String {
        match self {
            CellValue::Empty => String::new(),
            CellValue::Text(s) => s.clone(),
            CellValue::Int(i) => i.to_string(),
            CellValue::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            CellValue::Float(f) => f.to_string(),
            CellValue::Bool(b) => b.to_string(),
            CellValue::DateTime(d) => d.format("%Y-%m-%d").to_string(),
            CellValue::Error(e) => format!("#{e}"),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            CellValue::Empty => true,
            CellValue::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// A spreadsheet sheet, a CSV, or a table of a DOCX ("表格1").
#[derive(Debug, Clone, Serialize)]
pub struct Sheet {
    pub name: String,
    /// 1-based spreadsheet row of `rows[0]` (as Excel shows it).
    pub first_row: u32,
    /// 0-based column of each row's first cell.
    pub first_col: u32,
    pub rows: Vec<Vec<CellValue>>,
    /// Merged ranges as (first_row, first_col, last_row, last_col), 1-based rows, 0-based columns.
    pub merged: Vec<(u32, u32, u32, u32)>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FileMetadata {
    pub pdf: Option<PdfMetadata>,
    /// Software named by an image's EXIF/XMP (the file itself, or images inside a PDF), with where.
    pub image_software: Vec<(Location, String)>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PdfMetadata {
    pub producer: Option<String>,
    pub creator: Option<String>,
    pub creation_date: Option<NaiveDateTime>,
    pub mod_date: Option<NaiveDateTime>,
    /// Number of xref sections (1 for a file written once).
    pub xref_sections: u32,
    /// Number of `%%EOF` markers.
    pub eof_markers: u32,
    /// The file is linearized ("fast web view": a `/Linearized` dictionary first), which
    /// legitimately has two xref sections and two `%%EOF` without any edit.
    pub linearized: bool,
    /// XMP `xmpMM:History` entries (softwareAgent / action), in order.
    pub xmp_history: Vec<String>,
    pub encrypted: bool,
}

// ---------------------------------------------------------------- the application form

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormVersion {
    Editable,
    Scanned,
}

/// A value read from a document, with where it was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// As written (NFKC-normalised, trimmed).
    pub text: String,
    pub location: Location,
}

/// One box of the form (a 品牌范围 or 品牌类型 option).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkbox {
    pub label: String,
    pub checked: bool,
    pub location: Location,
}

/// A figure of the 培训情况 table: the text as written and its parsed value
/// (a count, or a rate as a fraction), `None` when the text does not parse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub text: String,
    pub value: Option<f64>,
    pub location: Location,
    /// How sure OCR is of the figure's digits, in [0, 1]: the least confident word of
    /// the cell, after the figure re-read (a figure the figure language read as other
    /// digits is `ocr::DISPUTED`). `None` for a typed figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormYear {
    pub year: i32,
    pub trainees: Option<Figure>,
    pub pass_rate: Option<Figure>,
    pub employment_rate: Option<Figure>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormData {
    pub path: String,
    pub version: FormVersion,
    /// 申报单位
    pub applicant: Option<Field>,
    pub brand_name: Option<Field>,
    /// Every 品牌范围 option found, checked or not.
    pub scopes: Vec<Checkbox>,
    /// Every 品牌类型 option found, checked or not.
    pub types: Vec<Checkbox>,
    /// 品牌行业或职业(工种), split into occupations.
    pub occupations: Vec<Field>,
    /// 依托单位 1..n, blanks dropped.
    pub units: Vec<Field>,
    pub years: Vec<FormYear>,
    pub summary: Option<Field>,
}

impl FormData {
    pub fn checked_scopes(&self) -> Vec<&str> {
        self.scopes.iter().filter(|c| c.checked).map(|c| c.label.as_str()).collect()
    }

    pub fn checked_types(&self) -> Vec<&str> {
        self.types.iter().filter(|c| c.checked).map(|c| c.label.as_str()).collect()
    }

    pub fn year(&self, year: i32) -> Option<&FormYear> {
        self.years.iter().find(|y| y.year == year)
    }
}

// ---------------------------------------------------------------- rosters and tracking tables

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    TrainingRoster,
    EmploymentTracking,
}

impl TableKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TableKind::TrainingRoster => "training_roster",
            TableKind::EmploymentTracking => "employment_tracking",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonTable {
    pub path: String,
    /// Sheet name; `None` for a CSV or a scanned table.
    pub sheet: Option<String>,
    pub kind: TableKind,
    pub year: Option<i32>,
    /// Where the year came from ("标题", "工作表名", "文件名", "日期").
    pub year_source: Option<String>,
    pub source: TextSource,
    /// Excel row of the header.
    pub header_row: u32,
    /// Field → column letter (A, B, …) of the header row.
    pub columns: BTreeMap<String, String>,
    pub records: Vec<PersonRecord>,
}

/// The ID number cell as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdCell {
    /// Stored as text: verifiable.
    Text(String),
    /// Stored as a number: Excel keeps 15 significant digits, the rest are lost.
    /// The digits as stored (e.g. "210102199001011000").
    NumberLostDigits(String),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PersonRecord {
    /// Excel row number.
    pub row: u32,
    pub name: Option<String>,
    pub id: Option<IdCell>,
    pub gender: Option<String>,
    pub phone: Option<String>,
    pub occupation: Option<String>,
    pub training_start: Option<NaiveDate>,
    pub training_end: Option<NaiveDate>,
    /// `Some(true)` passed / certified, `Some(false)` failed, `None` not stated.
    pub passed: Option<bool>,
    pub certificate: Option<String>,
    pub employed: Option<bool>,
    pub employer: Option<String>,
    pub employment_date: Option<NaiveDate>,
    /// Cells that held something but did not parse (field → text), for DATE_INCONSISTENT etc.
    pub unparsed: BTreeMap<String, String>,
}

// ---------------------------------------------------------------- narratives

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Trainees,
    PassRate,
    EmploymentRate,
}

impl Metric {
    pub fn label_zh(self) -> &'static str {
        match self {
            Metric::Trainees => "培训人数",
            Metric::PassRate => "培训合格率",
            Metric::EmploymentRate => "培训后就业率",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NarrativeFigure {
    pub year: i32,
    pub metric: Metric,
    /// A count, or a rate as a fraction.
    pub value: f64,
    /// The sentence it was read from.
    pub sentence: String,
    pub location: Location,
}

impl Extracted {
    pub fn files_of(&self, kind: DocKind) -> impl Iterator<Item = &ExtractedFile> {
        self.files.iter().filter(move |f| f.kind == kind)
    }

    /// The form the report's `application` comes from: editable first, else the scan.
    pub fn form(&self) -> Option<&FormData> {
        self.form_editable.as_ref().or(self.form_scanned.as_ref())
    }

    pub fn tables_for(&self, kind: TableKind, year: i32) -> impl Iterator<Item = &PersonTable> {
        self.tables.iter().filter(move |t| t.kind == kind && t.year == Some(year))
    }
}

//! The verification report: the contract's types (`docs/spec/report.md`), the verdict rule
//! of `findings.md`, and a stable order so two runs over the same dossier give
//! byte-identical JSON. Rendering for people (HTML) lives beside it in `html.rs`.

pub mod build;
pub mod codes;
pub mod html;

use serde::{Deserialize, Serialize};

pub use codes::{Code, Severity};

pub const SCHEMA: &str = "dossier-verify/report/v1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub dossier: DossierInfo,
    pub verdict: Verdict,
    /// What the dossier claims, from the editable form (else the scan); absent when no
    /// form could be read.
    pub application: Option<Application>,
    pub documents: Vec<DocumentSummary>,
    pub rosters: Vec<RosterSummary>,
    /// Figures the narratives (report, unit materials) state, each with its sentence:
    /// what the dossier claims in prose, beside the form's table.
    #[serde(default)]
    pub narratives: Vec<NarrativeStatement>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DossierInfo {
    pub sha256: String,
    pub filename: String,
    /// RFC 3339 with offset.
    pub received_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    NeedsReview,
    Reject,
}

impl Verdict {
    /// findings.md: "`reject` if any `error`; else `needs_review` if any `warning`; else `pass`."
    pub fn of(findings: &[Finding]) -> Verdict {
        if findings.iter().any(|f| f.severity == Severity::Error) {
            Verdict::Reject
        } else if findings.iter().any(|f| f.severity == Severity::Warning) {
            Verdict::NeedsReview
        } else {
            Verdict::Pass
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::NeedsReview => "needs_review",
            Verdict::Reject => "reject",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Verdict::Pass => "通过",
            Verdict::NeedsReview => "需人工复核",
            Verdict::Reject => "不予受理",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    pub brand_name: Option<String>,
    pub city: Option<String>,
    pub scope: Option<String>,
    #[serde(rename = "type")]
    pub brand_type: Option<String>,
    pub occupations: Vec<String>,
    pub units: Vec<String>,
    pub years: Vec<YearFigures>,
    /// Path of the file the values come from.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearFigures {
    pub year: i32,
    pub trainees: Option<u32>,
    pub pass_rate: Option<f64>,
    pub employment_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentSummary {
    pub path: String,
    pub sha256: String,
    pub kind: String,
    pub format: String,
    pub pages: Option<u32>,
    pub text_source: String,
    pub ocr_confidence: Option<f64>,
    pub stamps: Vec<StampSummary>,
    /// Extension: the words that decided `kind`, so a reviewer can see why.
    pub classified_by: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StampSummary {
    pub page: u32,
    /// x, y, width, height in pixels of that page's image.
    pub bbox: [u32; 4],
    pub text: Option<String>,
    /// Extension: detection confidence in [0, 1].
    pub confidence: f64,
    /// Extension: how `text` was read: `letter_shapes` (the ring's letters compared by
    /// shape with the names of the bodies that may have stamped, and this one's fitting
    /// clearly best) or `ocr`. Absent when nothing was read, and in reports stored before
    /// the field existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_by: Option<String>,
    /// Extension: for a `text` read by OCR, Tesseract's mean confidence in it, in [0, 1] (a
    /// worn ring reads as garbage at 0.2–0.4). Absent for a name read by its letter shapes,
    /// when nothing was read, and in reports stored before the field existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_confidence: Option<f64>,
    /// Extension: whether this is the seal its document must carry: `confirmed`,
    /// `other_body` (`STAMP_ISSUER_MISMATCH`) or `unconfirmed` (`STAMP_ISSUER_UNCONFIRMED`).
    /// Absent on documents that need no seal, and in reports stored before the field existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_check: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterSummary {
    pub path: String,
    pub sheet: Option<String>,
    pub kind: String,
    pub year: Option<i32>,
    pub rows: u32,
    pub persons: u32,
    pub passed: Option<u32>,
    pub employed_within_6_months: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NarrativeStatement {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    pub year: i32,
    /// `trainees`, `pass_rate` or `employment_rate`.
    pub metric: crate::extract::Metric,
    /// A count, or a rate as a fraction.
    pub value: f64,
    pub sentence: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

impl Location {
    pub fn file(path: impl Into<String>) -> Location {
        Location { path: Some(path.into()), ..Location::default() }
    }

    pub fn page(path: impl Into<String>, page: u32) -> Location {
        Location { path: Some(path.into()), page: Some(page), ..Location::default() }
    }

    pub fn row(path: impl Into<String>, sheet: Option<String>, row: u32) -> Location {
        Location { path: Some(path.into()), sheet, row: Some(row), ..Location::default() }
    }

    /// "文件 X 第3页 / 工作表 Sheet1 第12行", for messages.
    pub fn describe_zh(&self) -> String {
        let mut parts = Vec::new();
        if let Some(path) = &self.path {
            parts.push(format!("文件“{path}”"));
        }
        if let Some(page) = self.page {
            parts.push(format!("第{page}页"));
        }
        if let Some(sheet) = &self.sheet {
            parts.push(format!("工作表“{sheet}”"));
        }
        if let Some(row) = self.row {
            parts.push(format!("第{row}行"));
        }
        if let Some(cell) = &self.cell {
            parts.push(format!("单元格{cell}"));
        }
        parts.join(" ")
    }
}

impl Finding {
    /// A finding whose severity is the code's own.
    pub fn new(code: Code, message: impl Into<String>, location: Location) -> Finding {
        Finding { code, severity: code.severity(), message: message.into(), location, expected: None, actual: None }
    }

    pub fn expected(mut self, expected: impl ToString) -> Finding {
        self.expected = Some(expected.to_string());
        self
    }

    pub fn actual(mut self, actual: impl ToString) -> Finding {
        self.actual = Some(actual.to_string());
        self
    }

    fn sort_key(&self) -> (Severity, &Location, Code, &str) {
        (self.severity, &self.location, self.code, &self.message)
    }
}

/// Severity, then path, then location, then code: the contract's stable order.
pub fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
}

impl Report {
    /// Orders findings and documents and sets the verdict; call once all findings are in.
    pub fn finalize(mut self) -> Report {
        sort_findings(&mut self.findings);
        self.documents.sort_by(|a, b| a.path.cmp(&b.path));
        self.rosters.sort_by(|a, b| (&a.path, &a.sheet, a.year).cmp(&(&b.path, &b.sheet, b.year)));
        self.verdict = Verdict::of(&self.findings);
        self
    }

    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(code: Code, path: &str, page: Option<u32>) -> Finding {
        Finding::new(code, "m", Location { path: Some(path.into()), page, ..Location::default() })
    }

    #[test]
    fn verdict_follows_the_worst_severity() {
        assert_eq!(Verdict::of(&[]), Verdict::Pass);
        assert_eq!(Verdict::of(&[finding(Code::MissingOtherEvidence, "a", None)]), Verdict::Pass);
        assert_eq!(Verdict::of(&[finding(Code::SharedPhone, "a", None)]), Verdict::NeedsReview);
        assert_eq!(
            Verdict::of(&[finding(Code::SharedPhone, "a", None), finding(Code::MissingRoster, "a", None)]),
            Verdict::Reject
        );
    }

    #[test]
    fn findings_sort_by_severity_then_path_then_page() {
        let mut findings = vec![
            finding(Code::SharedPhone, "a.xlsx", None),
            finding(Code::MissingStamp, "b.pdf", Some(3)),
            finding(Code::MissingStamp, "b.pdf", Some(1)),
            finding(Code::MissingOtherEvidence, "a.pdf", None),
            finding(Code::MissingRoster, "a.pdf", None),
        ];
        sort_findings(&mut findings);
        let order: Vec<_> = findings.iter().map(|f| (f.code.as_str(), f.location.page)).collect();
        assert_eq!(
            order,
            vec![
                ("MISSING_ROSTER", None),
                ("MISSING_STAMP", Some(1)),
                ("MISSING_STAMP", Some(3)),
                ("SHARED_PHONE", None),
                ("MISSING_OTHER_EVIDENCE", None)
            ]
        );
    }

    #[test]
    fn finding_serialises_as_the_contract() {
        let f = Finding::new(Code::RosterCountMismatch, "x", Location::file("r.xlsx")).expected(2150).actual(2149);
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["code"], "ROSTER_COUNT_MISMATCH");
        assert_eq!(json["severity"], "error");
        assert_eq!(json["location"], serde_json::json!({"path": "r.xlsx"}));
        assert_eq!(json["expected"], "2150");
    }
}

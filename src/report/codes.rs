//! The finding codes of `findings.md`, each with its severity.
//!
//! Severity is metadata of the code, never decided inside a check: a check says *what* it
//! saw, this table says how much it weighs. Adding a code means adding one line here and
//! one row to the spec (docs/spec/findings.md).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    /// The word a reviewer reads.
    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警示",
            Severity::Info => "提示",
        }
    }
}

macro_rules! codes {
    ($($variant:ident => $text:literal, $severity:ident;)*) => {
        /// A finding code; serialised as the spec's SCREAMING_SNAKE_CASE text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum Code {
            $(#[serde(rename = $text)] $variant,)*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $text,)* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            pub fn parse(text: &str) -> Option<Code> {
                match text { $($text => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    // Intake
    ArchiveInvalid => "ARCHIVE_INVALID", Error;
    ArchiveUnsafe => "ARCHIVE_UNSAFE", Error;
    FileUnreadable => "FILE_UNREADABLE", Warning;
    FileUnsupported => "FILE_UNSUPPORTED", Info;
    LowOcrConfidence => "LOW_OCR_CONFIDENCE", Warning;
    // Completeness (附件2)
    MissingRecommendationReport => "MISSING_RECOMMENDATION_REPORT", Error;
    MissingApplicationForm => "MISSING_APPLICATION_FORM", Error;
    MissingEditableVersion => "MISSING_EDITABLE_VERSION", Error;
    MissingScannedVersion => "MISSING_SCANNED_VERSION", Error;
    MissingUnitMaterials => "MISSING_UNIT_MATERIALS", Error;
    MissingRoster => "MISSING_ROSTER", Error;
    MissingEmploymentTracking => "MISSING_EMPLOYMENT_TRACKING", Error;
    MissingFormField => "MISSING_FORM_FIELD", Error;
    MissingOtherEvidence => "MISSING_OTHER_EVIDENCE", Info;
    // Stamps
    MissingStamp => "MISSING_STAMP", Error;
    StampIssuerMismatch => "STAMP_ISSUER_MISMATCH", Warning;
    StampIssuerUnconfirmed => "STAMP_ISSUER_UNCONFIRMED", Info;
    StampDuplicatedImage => "STAMP_DUPLICATED_IMAGE", Warning;
    // Consistency
    RosterCountMismatch => "ROSTER_COUNT_MISMATCH", Error;
    PassRateMismatch => "PASS_RATE_MISMATCH", Error;
    EmploymentRateMismatch => "EMPLOYMENT_RATE_MISMATCH", Error;
    FormVersionMismatch => "FORM_VERSION_MISMATCH", Error;
    NarrativeFigureMismatch => "NARRATIVE_FIGURE_MISMATCH", Warning;
    UnitListMismatch => "UNIT_LIST_MISMATCH", Warning;
    // Eligibility
    CategoryInvalid => "CATEGORY_INVALID", Error;
    BelowMinTrainees => "BELOW_MIN_TRAINEES", Error;
    BelowMinPassRate => "BELOW_MIN_PASS_RATE", Error;
    BelowMinEmploymentRate => "BELOW_MIN_EMPLOYMENT_RATE", Error;
    BelowMinGraduateEmployment => "BELOW_MIN_GRADUATE_EMPLOYMENT", Error;
    NamingRule => "NAMING_RULE", Warning;
    CityDuplicateType => "CITY_DUPLICATE_TYPE", Warning;
    // Signs of falsification
    DuplicatePerson => "DUPLICATE_PERSON", Warning;
    InvalidIdNumber => "INVALID_ID_NUMBER", Warning;
    IdGenderMismatch => "ID_GENDER_MISMATCH", Warning;
    ImplausibleAge => "IMPLAUSIBLE_AGE", Warning;
    SharedPhone => "SHARED_PHONE", Warning;
    SequentialIdentifiers => "SEQUENTIAL_IDENTIFIERS", Warning;
    DateInconsistent => "DATE_INCONSISTENT", Warning;
    CrossDossierPerson => "CROSS_DOSSIER_PERSON", Warning;
    PdfEditedAfterCreation => "PDF_EDITED_AFTER_CREATION", Warning;
    ImageEditTraces => "IMAGE_EDIT_TRACES", Warning;
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code of the spec table is here with the spec's severity, and nothing else.
    #[test]
    fn codes_match_the_spec_table() {
        let spec = include_str!("../../docs/spec/findings.md");
        let mut in_spec = Vec::new();
        for line in spec.lines() {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            if cells.len() >= 4 && cells[1].chars().all(|c| c.is_ascii_uppercase() || c == '_') && cells[1].contains('_') {
                in_spec.push((cells[1].to_string(), cells[2].to_string()));
            }
        }
        assert_eq!(in_spec.len(), Code::ALL.len(), "spec rows vs Code::ALL");
        for (code, severity) in in_spec {
            let parsed = Code::parse(&code).unwrap_or_else(|| panic!("{code} missing from Code"));
            assert_eq!(parsed.severity().as_str(), severity, "{code}");
        }
    }
}

//! The table of checks. Adding a rule: one file in `src/checks/`, one line here, one row
//! in `docs/spec/findings.md` if it brings a new code.

use super::*;
use crate::report::Code;

pub static CHECKS: &[Check] = &[
    // Completeness (附件2)
    Check {
        name: "completeness",
        codes: &[Code::MissingRecommendationReport, Code::MissingApplicationForm, Code::MissingEditableVersion, Code::MissingScannedVersion, Code::MissingOtherEvidence],
        run: completeness::run,
    },
    Check { name: "unit_materials", codes: &[Code::MissingUnitMaterials, Code::UnitListMismatch], run: unit_materials::run },
    Check { name: "coverage", codes: &[Code::MissingRoster, Code::MissingEmploymentTracking], run: coverage::run },
    Check { name: "form_fields", codes: &[Code::MissingFormField], run: form_fields::run },
    // Consistency (figures against evidence)
    Check { name: "roster_count", codes: &[Code::RosterCountMismatch], run: roster_count::run },
    Check { name: "pass_rate", codes: &[Code::PassRateMismatch], run: pass_rate::run },
    Check { name: "employment_rate", codes: &[Code::EmploymentRateMismatch], run: employment_rate::run },
    Check { name: "form_versions", codes: &[Code::FormVersionMismatch], run: form_versions::run },
    Check { name: "narrative", codes: &[Code::NarrativeFigureMismatch], run: narrative::run },
    // Eligibility (notice §四, §五)
    Check { name: "category", codes: &[Code::CategoryInvalid], run: category::run },
    Check {
        name: "thresholds",
        codes: &[Code::BelowMinTrainees, Code::BelowMinPassRate, Code::BelowMinEmploymentRate, Code::BelowMinGraduateEmployment],
        run: thresholds::run,
    },
    Check { name: "naming", codes: &[Code::NamingRule], run: naming::run },
    // Signs of falsification (rosters and files)
    Check { name: "id_numbers", codes: &[Code::InvalidIdNumber], run: id_numbers::run },
    Check { name: "id_gender", codes: &[Code::IdGenderMismatch], run: id_gender::run },
    Check { name: "age", codes: &[Code::ImplausibleAge], run: age::run },
    Check { name: "duplicate_person", codes: &[Code::DuplicatePerson], run: duplicate_person::run },
    Check { name: "shared_phone", codes: &[Code::SharedPhone], run: shared_phone::run },
    Check { name: "sequential", codes: &[Code::SequentialIdentifiers], run: sequential::run },
    Check { name: "dates", codes: &[Code::DateInconsistent], run: dates::run },
    Check { name: "pdf_edits", codes: &[Code::PdfEditedAfterCreation], run: pdf_edits::run },
    Check { name: "image_edits", codes: &[Code::ImageEditTraces], run: image_edits::run },
];

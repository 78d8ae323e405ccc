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
    // Stamps (公章)
    Check { name: "stamps", codes: &[Code::MissingStamp, Code::StampIssuerMismatch, Code::StampIssuerUnconfirmed, Code::StampDuplicatedImage], run: stamps::check },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;

    /// Codes produced elsewhere: intake/extraction and the batch checks.
    const NOT_PER_DOSSIER_CHECKS: &[Code] = &[
        Code::ArchiveInvalid,
        Code::ArchiveUnsafe,
        Code::FileUnreadable,
        Code::FileUnsupported,
        Code::LowOcrConfidence,
        Code::CityDuplicateType,
        Code::CrossDossierPerson,
    ];

    #[test]
    fn every_check_code_has_exactly_one_check() {
        for code in Code::ALL {
            let owners: Vec<&str> = CHECKS.iter().filter(|c| c.codes.contains(code)).map(|c| c.name).collect();
            let expected = usize::from(!NOT_PER_DOSSIER_CHECKS.contains(code));
            assert_eq!(owners.len(), expected, "{code}: {owners:?}");
        }
    }

    #[test]
    fn names_are_unique_files() {
        let mut names: Vec<&str> = CHECKS.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CHECKS.len());
    }

    #[test]
    fn checks_emit_only_their_own_codes() {
        // A dossier that trips many rules at once.
        let mut kit = Kit::clean();
        kit.form_mut().brand_name.as_mut().unwrap().text = "幸福万家".into();
        kit.scan_mut().years[0].trainees.as_mut().unwrap().value = Some(11.0);
        let table = kit.table_mut(crate::extract::TableKind::TrainingRoster, 2022);
        for r in table.records.iter_mut() {
            r.phone = Some("13800000000".into());
        }
        table.records[0].id = Some(crate::extract::IdCell::Text("123".into()));
        table.records[1].training_end = Some(day(2021, 1, 1));
        let ctx = kit.ctx();
        for check in CHECKS {
            for finding in (check.run)(&ctx) {
                assert!(check.codes.contains(&finding.code), "{} emitted {}", check.name, finding.code);
            }
        }
    }

    #[test]
    fn run_all_over_the_clean_dossier_finds_only_its_small_size() {
        let kit = Kit::clean();
        let findings = run_all(&kit.ctx());
        // 10 trainees a year is far below 沈阳's 2000: the only rule the kit breaks.
        assert_eq!(codes(&findings), ["BELOW_MIN_TRAINEES", "BELOW_MIN_TRAINEES"]);
    }
}
/// Every message a reviewer reads for one dossier that breaks many rules at once, as a
/// reviewed snapshot (`snapshots/`): wording, masking and locations in one place.
#[cfg(test)]
mod messages {
    use super::*;
    use crate::checks::testkit::*;
    use crate::extract::{IdCell, PersonRecord, TableKind};

    #[test]
    fn messages_of_a_dossier_with_many_defects() {
        let mut kit = Kit::clean();
        kit.form_mut().brand_name.as_mut().unwrap().text = "幸福万家".into();
        kit.scan_mut().years[0].trainees.as_mut().unwrap().value = Some(53.0);
        kit.form_mut().years[1].pass_rate.as_mut().unwrap().value = Some(0.95);
        kit.form_mut().years[1].employment_rate.as_mut().unwrap().value = Some(0.7);
        for b in kit.form_mut().types.iter_mut() {
            b.checked = b.label == "行政区域" || b.label == "行业";
        }
        kit.extracted.files.retain(|f| f.kind != crate::intake::DocKind::OtherEvidence);
        let table = kit.table_mut(TableKind::TrainingRoster, 2022);
        for (field, column) in [("id_number", "C"), ("gender", "D"), ("phone", "E"), ("training_end", "G")] {
            table.columns.insert(field.into(), column.into());
        }
        for r in table.records.iter_mut() {
            r.phone = Some("13800000000".into());
        }
        table.records[0].id = Some(IdCell::Text("210102199001011233".into()));
        table.records[2].id = Some(IdCell::NumberLostDigits("210102199001011000".into()));
        table.records[1].training_end = Some(day(2021, 1, 1));
        table.records[3].gender = Some("男".into());
        table.records[5].id = Some(IdCell::Text(with_check("21010219450101002")));
        let again = table.records[4].clone();
        table.records.push(PersonRecord { row: 30, ..again });
        let lines: Vec<String> = run_all(&kit.ctx())
            .iter()
            .map(|f| {
                format!(
                    "{} [{}] {}\n    at: {}\n    expected: {} / actual: {}",
                    f.code,
                    f.severity.as_str(),
                    f.message,
                    f.location.describe_zh(),
                    f.expected.as_deref().unwrap_or("-"),
                    f.actual.as_deref().unwrap_or("-")
                )
            })
            .collect();
        insta::assert_snapshot!(lines.join("\n"));
    }
}

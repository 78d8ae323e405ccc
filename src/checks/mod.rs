//! Checks: each rule of `findings.md` (but intake's own) as one file with its code, the
//! clause of the notice it enforces, its logic and its tests. [`registry`] lists them;
//! [`run_all`] runs every one over the extracted model and never stops at the first
//! finding. A check never reads files and never decides severity (the code does).

pub mod common;
pub mod cross_dossier;
pub mod registry;
#[cfg(test)]
pub mod testkit;

// One file per check (registered in `registry`).
pub mod age;
pub mod category;
pub mod completeness;
pub mod coverage;
pub mod dates;
pub mod duplicate_person;
pub mod employment_rate;
pub mod form_fields;
pub mod form_versions;
pub mod id_gender;
pub mod id_numbers;
pub mod image_edits;
pub mod naming;
pub mod narrative;
pub mod pass_rate;
pub mod pdf_edits;
pub mod population;
pub mod roster_count;
pub mod sequential;
pub mod shared_phone;
pub mod thresholds;
pub mod unit_materials;
pub mod stamps;

use chrono::NaiveDate;

use crate::config::Config;
use crate::extract::Extracted;
use crate::report::Finding;

/// What a check may look at.
pub struct CheckContext<'a> {
    pub extracted: &'a Extracted,
    pub config: &'a Config,
    /// The day the dossier was received (dates after it are impossible).
    pub received_on: NaiveDate,
}

/// One registered check.
pub struct Check {
    /// A stable name (the file's name).
    pub name: &'static str,
    pub codes: &'static [crate::report::Code],
    pub run: fn(&CheckContext) -> Vec<Finding>,
}

impl CheckContext<'_> {
    /// Whether the dossier yielded no file at all (the archive was unreadable or unsafe:
    /// intake's ARCHIVE_* finding says so). Completeness checks then have nothing to
    /// judge and stay silent rather than list every item as missing.
    pub fn nothing_unpacked(&self) -> bool {
        self.extracted.files.is_empty()
    }
}

/// Runs every registered check.
pub fn run_all(ctx: &CheckContext) -> Vec<Finding> {
    let mut findings = Vec::new();
    for check in registry::CHECKS {
        let _span = tracing::debug_span!("check", name = check.name).entered();
        findings.extend((check.run)(ctx));
    }
    findings
}

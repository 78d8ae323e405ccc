//! The table of checks. Adding a rule: one file in `src/checks/`, one line here, one row
//! in `docs/spec/findings.md` if it brings a new code.

use super::Check;

pub static CHECKS: &[Check] = &[
    Check { name: "stamps", codes: &[crate::report::Code::MissingStamp, crate::report::Code::StampIssuerMismatch, crate::report::Code::StampDuplicatedImage], run: super::stamps::check },
];

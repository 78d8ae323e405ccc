//! A 培训人员名单 (`MISSING_ROSTER`) and a 就业跟踪情况表 (`MISSING_EMPLOYMENT_TRACKING`)
//! covering each year of the round.
//!
//! 附件2 三: "重点写明前 2 个自然年度工作开展情况，列明主要数据，附培训人员名单和就业跟踪情况表";
//! 四: "前 2 个自然年度" (`[round].years`).
//!
//! A year is covered by a table of that kind and year; a roster whose rows carry the
//! employment columns also covers tracking. A file classified as a roster or tracking
//! table that could not be read as a table (a scan, a broken file) still covers the year
//! its name states: it was submitted, and its own finding (FILE_UNREADABLE) says the rest.

use crate::extract::{Extracted, TableKind};
use crate::intake::DocKind;
use crate::report::{Code, Finding, Location};

use super::CheckContext;

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    if ctx.nothing_unpacked() {
        return Vec::new();
    }
    let x = ctx.extracted;
    let mut findings = Vec::new();
    for &year in &ctx.config.rules.round.years {
        if !covers(x, TableKind::TrainingRoster, year) {
            findings.push(
                Finding::new(
                    Code::MissingRoster,
                    format!("未找到{year}年度的培训人员名单（附件2第3项：附培训人员名单；通知四：前2个自然年度）"),
                    Location::default(),
                )
                .expected(format!("{year}年培训人员名单"))
                .actual("未提交"),
            );
        }
        let roster_has_tracking =
            x.tables_for(TableKind::TrainingRoster, year).any(|t| t.records.iter().any(|r| r.employed.is_some()));
        if !roster_has_tracking && !covers(x, TableKind::EmploymentTracking, year) {
            findings.push(
                Finding::new(
                    Code::MissingEmploymentTracking,
                    format!("未找到{year}年度的就业跟踪情况表（附件2第3项：附就业跟踪情况表；通知四：前2个自然年度）"),
                    Location::default(),
                )
                .expected(format!("{year}年就业跟踪情况表"))
                .actual("未提交"),
            );
        }
    }
    findings
}

fn covers(x: &Extracted, kind: TableKind, year: i32) -> bool {
    if x.tables_for(kind, year).next().is_some() {
        return true;
    }
    let doc_kind = match kind {
        TableKind::TrainingRoster => DocKind::TrainingRoster,
        TableKind::EmploymentTracking => DocKind::EmploymentTracking,
    };
    let year_text = year.to_string();
    x.files_of(doc_kind).any(|file| {
        let read_as_table = x.tables.iter().any(|t| t.path == file.path);
        !read_as_table && file.path.contains(&year_text)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::intake::Format;

    #[test]
    fn clean_dossier_covers_both_years() {
        assert!(Kit::clean().run(run).is_empty());
    }

    #[test]
    fn missing_year_of_roster() {
        let mut kit = Kit::clean();
        kit.extracted.tables.retain(|t| !(t.kind == TableKind::TrainingRoster && t.year == Some(2023)));
        kit.extracted.files.retain(|f| f.path != roster_path(2023));
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["MISSING_ROSTER"]);
        assert!(findings[0].message.contains("2023年"));
    }

    #[test]
    fn roster_with_employment_columns_covers_tracking() {
        let mut kit = Kit::clean();
        kit.extracted.tables.retain(|t| t.kind != TableKind::EmploymentTracking);
        kit.extracted.files.retain(|f| f.kind != DocKind::EmploymentTracking);
        assert_eq!(codes(&kit.run(run)), ["MISSING_EMPLOYMENT_TRACKING", "MISSING_EMPLOYMENT_TRACKING"]);
        kit.table_mut(TableKind::TrainingRoster, 2022).records[0].employed = Some(true);
        assert_eq!(codes(&kit.run(run)), ["MISSING_EMPLOYMENT_TRACKING"]);
    }

    #[test]
    fn unreadable_tracking_file_named_for_its_year_still_covers_it() {
        let mut kit = Kit::clean();
        kit.extracted.tables.retain(|t| t.kind != TableKind::EmploymentTracking);
        kit.extracted.files.retain(|f| f.kind != DocKind::EmploymentTracking);
        kit.extracted.files.push(file("2022年就业跟踪情况表.pdf", Format::Pdf, DocKind::EmploymentTracking));
        kit.extracted.files.push(file("2023年就业跟踪情况表.pdf", Format::Pdf, DocKind::EmploymentTracking));
        assert!(kit.run(run).is_empty());
    }

    #[test]
    fn a_table_of_another_year_does_not_cover() {
        let mut kit = Kit::clean();
        kit.table_mut(TableKind::TrainingRoster, 2022).year = Some(2021);
        assert_eq!(codes(&kit.run(run)), ["MISSING_ROSTER"]);
    }
}

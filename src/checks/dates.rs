//! Dates in rosters and tracking tables are possible (`DATE_INCONSISTENT`): a training
//! end before its start, employment before the training ended, training outside the year
//! the table is listed under, any date after the dossier was received, or a date cell
//! that is no date at all (2月30日).
//!
//! 四: "前 2 个自然年度培训人数…培训后（6 个月内）就业创业率" — training belongs to its year
//! and employment follows training; 七(三): "情况不实…取消推荐资格". For the 企业 type
//! (a type with its own `employment_window_days`, 四(三) "本企业职工培训后2年内稳定就业率")
//! the trainees are the enterprise's staff, employed before training: employment before
//! the training end is normal there and not reported.
//!
//! A tracking row of a person a roster lists is checked for its employment date only:
//! the training dates are the roster's, reported there.

use foldhash::HashMap;

use chrono::{Datelike, NaiveDate};

use crate::extract::{person_key, PersonRecord, PersonTable, TableKind};
use crate::report::{Code, Finding};

use super::common::{cell_location, RowFindings};
use super::population::Listed;
use super::CheckContext;

/// `unparsed` keys that hold dates.
const DATE_FIELDS: [(&str, &str); 4] =
    [("training_start", "培训开始日期"), ("training_end", "培训结束日期"), ("training_period", "培训时间"), ("employment_date", "就业日期")];

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    let staff_type = {
        let window = super::employment_rate::window_days(ctx);
        window != ctx.config.settings.tolerances.employment_window_days
    };
    let rosters = || ctx.extracted.tables.iter().filter(|t| t.kind == TableKind::TrainingRoster).flat_map(|t| &t.records);
    let listed = Listed::new(rosters());
    // Training ends by person, built only if a tracking row needs the roster's.
    let mut roster_ends: Option<HashMap<String, NaiveDate>> = None;

    let mut out = RowFindings::new(Code::DateInconsistent, ctx.config.settings.tolerances.max_row_findings, "日期不合理");
    for table in &ctx.extracted.tables {
        for record in &table.records {
            let training_checked = table.kind == TableKind::TrainingRoster || !listed.contains(record);
            let end = match (record.training_end, record.employment_date) {
                (Some(end), _) => Some(end),
                (None, Some(_)) => {
                    let ends = roster_ends.get_or_insert_with(|| {
                        let mut ends = HashMap::default();
                        for r in rosters() {
                            if let Some(end) = r.training_end {
                                let slot = ends.entry(person_key(r)).or_insert(end);
                                *slot = (*slot).max(end);
                            }
                        }
                        ends
                    });
                    ends.get(&person_key(record)).copied()
                }
                (None, None) => None,
            };
            let mut problem = |field: &str, what: String, expected: String, actual: String| {
                let location = cell_location(table, record, field);
                out.push(
                    table,
                    Finding::new(Code::DateInconsistent, format!("{}{what}", location.describe_zh()), location).expected(expected).actual(actual),
                );
            };
            if training_checked {
                training_dates(table, record, ctx.received_on, &mut problem);
            }
            if let Some(employed) = record.employment_date {
                if let Some(end) = end.filter(|end| employed < *end && !staff_type) {
                    problem(
                        "employment_date",
                        format!("就业日期{}早于培训结束日期{}", ymd(employed), ymd(end)),
                        format!("不早于{}", ymd(end)),
                        ymd(employed),
                    );
                }
                if employed > ctx.received_on {
                    problem(
                        "employment_date",
                        format!("就业日期{}晚于材料报送（受理）日期{}", ymd(employed), ymd(ctx.received_on)),
                        format!("不晚于{}", ymd(ctx.received_on)),
                        ymd(employed),
                    );
                }
            }
            for (field, label) in DATE_FIELDS {
                if field == "employment_date" || training_checked {
                    if let Some(text) = record.unparsed.get(field) {
                        problem(field, format!("{label}“{}”不是有效日期", text.trim()), "有效日期".into(), text.trim().to_string());
                    }
                }
            }
        }
    }
    out.finish()
}

fn training_dates(table: &PersonTable, record: &PersonRecord, received_on: NaiveDate, problem: &mut impl FnMut(&str, String, String, String)) {
    if let (Some(start), Some(end)) = (record.training_start, record.training_end) {
        if end < start {
            problem("training_end", format!("培训结束日期{}早于开始日期{}", ymd(end), ymd(start)), format!("不早于{}", ymd(start)), ymd(end));
        }
    }
    if let Some(year) = table.year {
        let dates: Vec<(&str, NaiveDate)> =
            [("training_start", record.training_start), ("training_end", record.training_end)].into_iter().filter_map(|(f, d)| d.map(|d| (f, d))).collect();
        if let Some((field, date)) = dates.first().filter(|_| dates.iter().all(|(_, d)| d.year() != year)) {
            problem(
                field,
                format!("培训日期{}不在其所列的{year}年度内", ymd(*date)),
                format!("{year}年内"),
                ymd(*date),
            );
        }
    }
    for (field, label, date) in [("training_start", "培训开始日期", record.training_start), ("training_end", "培训结束日期", record.training_end)] {
        if let Some(date) = date.filter(|d| *d > received_on) {
            problem(field, format!("{label}{}晚于材料报送（受理）日期{}", ymd(date), ymd(received_on)), format!("不晚于{}", ymd(received_on)), ymd(date));
        }
    }
}

fn ymd(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;

    fn roster(kit: &mut Kit) -> &mut PersonTable {
        kit.table_mut(TableKind::TrainingRoster, 2022)
    }

    #[test]
    fn clean_dates_pass() {
        assert!(Kit::clean().run(run).is_empty());
    }

    #[test]
    fn end_before_start() {
        let mut kit = Kit::clean();
        roster(&mut kit).columns.insert("training_end".into(), "G".into());
        roster(&mut kit).records[1].training_end = Some(day(2022, 2, 28));
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["DATE_INCONSISTENT"]);
        assert_eq!(findings[0].location.cell.as_deref(), Some("G4"));
        assert!(findings[0].message.contains("早于开始日期2022-03-01"), "{}", findings[0].message);
    }

    #[test]
    fn training_outside_its_year_but_spanning_new_year_is_fine() {
        let mut kit = Kit::clean();
        roster(&mut kit).records[0].training_start = Some(day(2022, 12, 20));
        roster(&mut kit).records[0].training_end = Some(day(2023, 1, 10));
        assert!(kit.run(run).is_empty());
        roster(&mut kit).records[0].training_start = Some(day(2021, 5, 3));
        roster(&mut kit).records[0].training_end = Some(day(2021, 5, 20));
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["DATE_INCONSISTENT"]);
        assert!(findings[0].message.contains("不在其所列的2022年度内"));
    }

    #[test]
    fn employment_before_training_end_from_the_roster() {
        let mut kit = Kit::clean();
        let tracking = kit.table_mut(TableKind::EmploymentTracking, 2022);
        tracking.records[0].training_end = None;
        tracking.records[0].employment_date = Some(day(2022, 3, 19));
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["DATE_INCONSISTENT"]);
        assert_eq!(findings[0].location.path.as_deref(), Some(tracking_path(2022).as_str()));
        // Enterprise staff were employed before their training.
        for b in kit.form_mut().types.iter_mut() {
            b.checked = b.label == "企业";
        }
        assert!(kit.run(run).is_empty());
    }

    #[test]
    fn dates_after_receipt() {
        let mut kit = Kit::clean();
        kit.received_on = day(2024, 1, 20);
        kit.table_mut(TableKind::EmploymentTracking, 2023).records[0].employment_date = Some(day(2024, 1, 21));
        assert_eq!(codes(&kit.run(run)), ["DATE_INCONSISTENT"]);
        kit.table_mut(TableKind::EmploymentTracking, 2023).records[0].employment_date = Some(day(2024, 1, 20));
        assert!(kit.run(run).is_empty(), "the day of receipt itself is possible");
    }

    #[test]
    fn impossible_date_text() {
        let mut kit = Kit::clean();
        let record = &mut roster(&mut kit).records[0];
        record.training_start = None;
        record.unparsed.insert("training_start".into(), "2022年2月30日".into());
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["DATE_INCONSISTENT"]);
        assert!(findings[0].message.contains("2022年2月30日"));
    }

    #[test]
    fn training_dates_of_listed_persons_are_reported_once() {
        let mut kit = Kit::clean();
        roster(&mut kit).records[0].training_end = Some(day(2022, 2, 1));
        kit.table_mut(TableKind::EmploymentTracking, 2022).records[0].training_end = Some(day(2022, 2, 1));
        assert_eq!(kit.run(run).len(), 1);
    }
}

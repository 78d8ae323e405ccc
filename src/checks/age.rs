//! Trainees are of working age at training time (`IMPLAUSIBLE_AGE`): younger than
//! `tolerances.min_age` (16) or older than `tolerances.max_age` (75), in completed years
//! on the training start (else its end, else 1 July of the table's year).
//!
//! 《劳动法》第十五条 forbids employing minors under 16, and a trainee of 80 counted
//! toward 就业创业率 is a sign of a padded roster — 七(三) "情况不实、弄虚作假…取消推荐资格".
//! The birth date is the ID number's; only valid IDs are judged.

use chrono::{Datelike, NaiveDate};

use crate::domain::id_number::IdNumber;
use crate::extract::IdCell;
use crate::report::{Code, Finding};

use super::common::{cell_location, RowFindings};
use super::population::identity_rows;
use super::CheckContext;

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    let tolerances = &ctx.config.settings.tolerances;
    let (min, max) = (tolerances.min_age as i32, tolerances.max_age as i32);
    let mut out = RowFindings::new(Code::ImplausibleAge, tolerances.max_row_findings, "年龄不合常理");
    for (table, record) in identity_rows(ctx.extracted) {
        let Some(IdCell::Text(text)) = &record.id else { continue };
        let Ok(id) = IdNumber::parse(text, ctx.received_on) else { continue };
        let Some(on) = record.training_start.or(record.training_end).or_else(|| table.year.and_then(|y| NaiveDate::from_ymd_opt(y, 7, 1)))
        else {
            continue;
        };
        let age = id.age_on(on);
        if age < min || age > max {
            let location = cell_location(table, record, "id_number");
            let birth = id.birth_date();
            out.push(
                table,
                Finding::new(
                    Code::ImplausibleAge,
                    format!(
                        "{}学员（身份证号{}，{}年{}月出生）在培训时（{}）为{age}周岁，不在{min}至{max}周岁之间",
                        location.describe_zh(),
                        id.masked(),
                        birth.year(),
                        birth.month(),
                        on.format("%Y-%m-%d")
                    ),
                    location,
                )
                .expected(format!("{min}至{max}周岁"))
                .actual(format!("{age}周岁")),
            );
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::extract::TableKind;

    fn aged(birth: &str, start: NaiveDate) -> Vec<Finding> {
        let mut kit = Kit::clean();
        let record = &mut kit.table_mut(TableKind::TrainingRoster, 2022).records[0];
        record.id = Some(IdCell::Text(with_check(&format!("210102{birth}001"))));
        record.gender = None;
        record.training_start = Some(start);
        kit.run(run)
    }

    #[test]
    fn generated_trainees_are_of_working_age() {
        assert!(Kit::clean().run(run).is_empty());
    }

    #[test]
    fn sixteenth_birthday_is_the_boundary() {
        assert_eq!(codes(&aged("20060302", day(2022, 3, 1))), ["IMPLAUSIBLE_AGE"], "15 the day before");
        assert!(aged("20060301", day(2022, 3, 1)).is_empty(), "16 on the day");
    }

    #[test]
    fn seventy_five_is_allowed_seventy_six_is_not() {
        assert!(aged("19460302", day(2022, 3, 1)).is_empty(), "75 the day before the 76th birthday");
        assert_eq!(codes(&aged("19460302", day(2022, 3, 2))), ["IMPLAUSIBLE_AGE"], "76 on the day");
        let findings = aged("19450301", day(2022, 3, 1));
        assert_eq!(findings[0].actual.as_deref(), Some("77周岁"));
        assert!(findings[0].message.contains("1945年3月出生") && !findings[0].message.contains("19450301"));
    }

    #[test]
    fn without_dates_the_tables_year_is_used() {
        let mut kit = Kit::clean();
        let record = &mut kit.table_mut(TableKind::TrainingRoster, 2022).records[0];
        record.id = Some(IdCell::Text(with_check("21010220080101001")));
        record.training_start = None;
        record.training_end = None;
        assert_eq!(codes(&kit.run(run)), ["IMPLAUSIBLE_AGE"], "14 on 2022-07-01");
    }
}

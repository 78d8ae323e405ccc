//! The 性别 column agrees with the ID number's 17th digit, odd for men and even for women
//! (`ID_GENDER_MISMATCH`).
//!
//! GB 11643-1999 4.3: "顺序码的奇数分配给男性，偶数分配给女性"; 七(三): "情况不实、弄虚作假…
//! 将取消推荐资格" — a roster filled with invented people often gets this wrong. The words
//! read as 男 / 女 are `[roster.headers] male_words / female_words`. Only valid IDs are
//! compared (an invalid one is `INVALID_ID_NUMBER`).

use crate::domain::id_number::{Gender, IdNumber};
use crate::extract::IdCell;
use crate::report::{Code, Finding};

use super::common::{cell_location, RowFindings};
use super::population::identity_rows;
use super::CheckContext;

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    let rules = &ctx.config.rules;
    let read = |text: &str| {
        let text = text.trim();
        if rules.roster_words("male_words").iter().any(|w| w.eq_ignore_ascii_case(text)) {
            Some(Gender::Male)
        } else if rules.roster_words("female_words").iter().any(|w| w.eq_ignore_ascii_case(text)) {
            Some(Gender::Female)
        } else {
            None
        }
    };
    let mut out = RowFindings::new(Code::IdGenderMismatch, ctx.config.settings.tolerances.max_row_findings, "性别与身份证号不符");
    for (table, record) in identity_rows(ctx.extracted) {
        let (Some(IdCell::Text(text)), Some(stated)) = (&record.id, record.gender.as_deref()) else { continue };
        let Ok(id) = IdNumber::parse(text, ctx.received_on) else { continue };
        let Some(stated_gender) = read(stated) else { continue };
        if stated_gender != id.gender() {
            let location = cell_location(table, record, "gender");
            out.push(
                table,
                Finding::new(
                    Code::IdGenderMismatch,
                    format!(
                        "{}性别填写为“{}”，但身份证号{}的第17位表示{}性",
                        location.describe_zh(),
                        stated.trim(),
                        id.masked(),
                        id.gender().label_zh()
                    ),
                    location,
                )
                .expected(id.gender().label_zh())
                .actual(stated.trim()),
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

    #[test]
    fn matching_genders_pass() {
        assert!(Kit::clean().run(run).is_empty());
    }

    #[test]
    fn woman_listed_as_man() {
        let mut kit = Kit::clean();
        let table = kit.table_mut(TableKind::TrainingRoster, 2023);
        table.columns.insert("gender".into(), "D".into());
        // id_of(odd) is a woman's number.
        let record = table.records.iter_mut().find(|r| r.gender.as_deref() == Some("女")).unwrap();
        record.gender = Some("男".into());
        let row = record.row;
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["ID_GENDER_MISMATCH"]);
        assert_eq!(findings[0].location.cell, Some(format!("D{row}")));
        assert_eq!((findings[0].expected.as_deref(), findings[0].actual.as_deref()), (Some("女"), Some("男")));
    }

    #[test]
    fn unknown_gender_words_and_invalid_ids_are_skipped() {
        let mut kit = Kit::clean();
        let table = kit.table_mut(TableKind::TrainingRoster, 2023);
        table.records[0].gender = Some("未知".into());
        table.records[1].id = Some(IdCell::Text("123456".into()));
        table.records[1].gender = Some("男".into());
        table.records[2].gender = Some(" f ".into());
        let findings = kit.run(run);
        // records[2] is id_of(102), a man's number, listed as F.
        assert_eq!(codes(&findings), ["ID_GENDER_MISMATCH"]);
        assert_eq!(findings[0].location.row, Some(5));
    }
}

//! One phone number is given for at most `tolerances.shared_phone_max_persons` persons
//! (`SHARED_PHONE`).
//!
//! 七(三): "情况不实、弄虚作假…取消推荐资格" and 四 "培训效果跟踪反馈等制度" — a tracking
//! system needs each trainee's own contact; one number for many "trainees" is how rosters
//! are padded. Numbers are compared on their digits; persons are counted once (the same
//! trainee in a roster and a tracking table, or in two years, is one person).

use foldhash::{HashMap, HashSet};

use crate::domain::mask;
use crate::extract::{person_key, PersonRecord, PersonTable};
use crate::report::{Code, Finding};

use super::common::cell_location;
use super::CheckContext;

/// Shorter digit strings are not phone numbers (extension numbers, "无", "1").
const MIN_PHONE_DIGITS: usize = 7;
/// Longer ones are not phone numbers either (an ID number typed in the phone column).
const MAX_PHONE_DIGITS: usize = 20;
/// Rows listed in a message before "等".
const ROWS_LISTED: usize = 5;

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    let max = ctx.config.settings.tolerances.shared_phone_max_persons;
    // Phone → the rows (in table order) giving it. Persons are only counted for phones
    // given on more rows than the limit: one person's rows never exceed it alone.
    // Keyed by (digit count, value): no string per row, and 024… keeps its leading zero.
    let mut phones: HashMap<(usize, u128), Vec<(&PersonTable, &PersonRecord)>> = HashMap::default();
    for table in &ctx.extracted.tables {
        for record in &table.records {
            let Some(phone) = record.phone.as_deref() else { continue };
            let digits = phone.bytes().filter(u8::is_ascii_digit);
            let count = digits.clone().count();
            if !(MIN_PHONE_DIGITS..=MAX_PHONE_DIGITS).contains(&count) {
                continue;
            }
            let value = digits.fold(0u128, |n, d| n * 10 + u128::from(d - b'0'));
            phones.entry((count, value)).or_default().push((table, record));
        }
    }
    let mut crowded: Vec<_> = phones.into_iter().filter(|(_, rows)| rows.len() > max).collect();
    crowded.sort_by_key(|(key, _)| *key);
    let mut findings = Vec::new();
    for ((count, value), rows) in crowded {
        let phone = format!("{value:0count$}");
        let persons: HashSet<String> = rows.iter().map(|(_, r)| person_key(r)).collect();
        if persons.len() <= max {
            continue;
        }
        let (table, record) = rows[0];
        let listed = rows_zh(&rows);
        let more = if rows.len() > ROWS_LISTED { format!("等共{}行", rows.len()) } else { String::new() };
        findings.push(
            Finding::new(
                Code::SharedPhone,
                format!(
                    "联系电话{}被{}个不同人员共用（超过{max}人的上限），见{listed}{more}",
                    mask::phone(&phone),
                    persons.len(),
                ),
                cell_location(table, record, "phone"),
            )
            .expected(format!("同一电话不超过{max}人"))
            .actual(format!("{}人", persons.len())),
        );
    }
    findings
}

/// "文件“a.xlsx” 工作表“Sheet1” 第3、4、5行" — the first rows, grouped by table.
fn rows_zh(rows: &[(&PersonTable, &PersonRecord)]) -> String {
    let mut groups: Vec<(&PersonTable, Vec<String>)> = Vec::new();
    for (table, record) in rows.iter().take(ROWS_LISTED) {
        match groups.iter_mut().find(|(t, _)| std::ptr::eq(*t, *table)) {
            Some((_, numbers)) => numbers.push(record.row.to_string()),
            None => groups.push((table, vec![record.row.to_string()])),
        }
    }
    groups
        .iter()
        .map(|(table, numbers)| format!("{} 第{}行", super::common::table_label(table), numbers.join("、")))
        .collect::<Vec<_>>()
        .join("；")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::extract::TableKind;

    fn sharing(n: usize) -> Vec<Finding> {
        let mut kit = Kit::clean();
        for r in kit.table_mut(TableKind::TrainingRoster, 2022).records.iter_mut().take(n) {
            r.phone = Some("138-1234-5678".into());
        }
        kit.run(run)
    }

    #[test]
    fn own_phones_pass() {
        assert!(Kit::clean().run(run).is_empty(), "roster and tracking rows of one person are one person");
    }

    #[test]
    fn limit_is_inclusive() {
        assert!(sharing(3).is_empty(), "3 persons is the limit");
        let findings = sharing(4);
        assert_eq!(codes(&findings), ["SHARED_PHONE"]);
        assert!(findings[0].message.contains("138****5678") && !findings[0].message.contains("13812345678"));
        assert_eq!(findings[0].actual.as_deref(), Some("4人"));
        assert_eq!(findings[0].location.row, Some(3));
        assert!(findings[0].message.contains("第3、4、5、6行"), "{}", findings[0].message);
    }

    #[test]
    fn placeholder_phones_are_ignored() {
        let mut kit = Kit::clean();
        for r in kit.table_mut(TableKind::TrainingRoster, 2022).records.iter_mut() {
            r.phone = Some("无".into());
        }
        assert!(kit.run(run).is_empty());
    }
}

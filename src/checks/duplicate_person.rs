//! One ID number appears at most once in a year's rosters (`DUPLICATE_PERSON`).
//!
//! 四: "前 2 个自然年度每年培训人数…" counts persons, and 七(三) "情况不实、弄虚作假…取消推荐
//! 资格" — a person listed twice inflates the count. All rosters of one year are one list
//! (two units listing the same trainee is the same double count). IDs are compared
//! upper-cased without spaces; an ID stored as a number has lost digits and could match
//! another person's, so it is not compared (`INVALID_ID_NUMBER` reports it).

use std::collections::BTreeMap;

use foldhash::HashMap;

use crate::domain::mask;
use crate::extract::{PersonRecord, PersonTable, TableKind};
use crate::report::{Code, Finding};

use super::common::{cell_location, row_location, RowFindings};
use super::population::{key, Key};
use super::CheckContext;


pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    let mut by_year: BTreeMap<Option<i32>, Vec<&PersonTable>> = BTreeMap::new();
    for table in ctx.extracted.tables.iter().filter(|t| t.kind == TableKind::TrainingRoster) {
        by_year.entry(table.year).or_default().push(table);
    }
    let mut out = RowFindings::new(Code::DuplicatePerson, ctx.config.settings.tolerances.max_row_findings, "身份证号重复");
    for (year, tables) in by_year {
        let mut first: HashMap<Key, (&PersonTable, &PersonRecord)> = HashMap::default();
        for table in tables {
            for record in &table.records {
                // Only ID numbers: two rows without one are not known to be one person.
                let key = key(record);
                if matches!(key, Key::Other(_)) {
                    continue;
                }
                match first.get(&key) {
                    None => {
                        first.insert(key, (table, record));
                    }
                    Some((first_table, first_record)) => {
                        let location = cell_location(table, record, "id_number");
                        let year_label = year.map_or_else(|| "同一".to_string(), |y| format!("{y}年"));
                        out.push(
                            table,
                            Finding::new(
                                Code::DuplicatePerson,
                                format!(
                                    "身份证号{}在{year_label}培训人员名单中重复出现：首次见于{}（{}），又见于{}（{}）",
                                    key.id_text().map(|id| mask::id(&id)).unwrap_or_default(),
                                    row_location(first_table, first_record).describe_zh(),
                                    first_record.name.as_deref().unwrap_or("未填姓名"),
                                    row_location(table, record).describe_zh(),
                                    record.name.as_deref().unwrap_or("未填姓名"),
                                ),
                                location,
                            )
                            .expected("每人在同一年度名单中只出现一次")
                            .actual(format!("与第{}行重复", first_record.row)),
                        );
                    }
                }
            }
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::extract::IdCell;

    #[test]
    fn distinct_persons_pass() {
        assert!(Kit::clean().run(run).is_empty());
    }

    #[test]
    fn same_id_twice_in_one_roster() {
        let mut kit = Kit::clean();
        let table = kit.table_mut(TableKind::TrainingRoster, 2022);
        let mut copy = table.records[2].clone();
        copy.row = 40;
        copy.id = copy.id.map(|id| match id {
            IdCell::Text(t) => IdCell::Text(format!("{} ", t.to_lowercase())),
            other => other,
        });
        table.records.push(copy);
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["DUPLICATE_PERSON"]);
        assert_eq!(findings[0].location.row, Some(40));
        assert!(findings[0].message.contains("第5行") && findings[0].message.contains("第40行"), "{}", findings[0].message);
        assert!(!findings[0].message.contains(&id_of(2)));
    }

    #[test]
    fn same_id_in_two_rosters_of_one_year() {
        let mut kit = Kit::clean();
        let record = kit.table_mut(TableKind::TrainingRoster, 2022).records[0].clone();
        kit.extracted.tables.push(table("B/2022名单.xlsx", Some("名单"), TableKind::TrainingRoster, Some(2022), vec![record]));
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["DUPLICATE_PERSON"]);
        assert_eq!(findings[0].location.path.as_deref(), Some("B/2022名单.xlsx"));
    }

    #[test]
    fn same_person_in_two_years_is_no_duplicate() {
        let mut kit = Kit::clean();
        let record = kit.table_mut(TableKind::TrainingRoster, 2022).records[0].clone();
        kit.table_mut(TableKind::TrainingRoster, 2023).records.push(record);
        assert!(kit.run(run).is_empty());
    }

    #[test]
    fn truncated_numbers_are_not_compared() {
        let mut kit = Kit::clean();
        let table = kit.table_mut(TableKind::TrainingRoster, 2022);
        table.records[0].id = Some(IdCell::NumberLostDigits("210102199001011000".into()));
        table.records[1].id = Some(IdCell::NumberLostDigits("210102199001011000".into()));
        assert!(kit.run(run).is_empty());
    }
}

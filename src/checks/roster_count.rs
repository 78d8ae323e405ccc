//! A year's reported 培训人数 equals the number of distinct persons in that year's rosters
//! (`ROSTER_COUNT_MISMATCH`).
//!
//! 附件2 三: "列明主要数据，附培训人员名单"; 四: "前 2 个自然年度培训人数…" — the figure the
//! thresholds are judged on must be the one the rosters support. Persons are counted once
//! (by ID number; by name + phone when the ID is unusable) across all of the year's rosters.

use crate::report::{Code, Finding};

use super::common::count_of;
use super::population::Population;
use super::CheckContext;

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    let Some(form) = ctx.extracted.form() else { return Vec::new() };
    let mut findings = Vec::new();
    for &year in &ctx.config.rules.round.years {
        let figure = form.year(year).and_then(|y| y.trainees.as_ref());
        let Some(reported) = count_of(figure) else { continue };
        let population = Population::of(ctx.extracted, year);
        if population.is_empty() {
            continue;
        }
        let counted = population.persons.len() as u64;
        if counted != reported {
            let rows: usize = population.tables.iter().map(|t| t.records.len()).sum();
            findings.push(
                Finding::new(
                    Code::RosterCountMismatch,
                    format!(
                        "{year}年申报培训人数为{reported}人（申报表“{}”），{}中共{rows}行、不重复人员为{counted}人，两者不一致",
                        form.path,
                        population.tables_zh()
                    ),
                    population.location(figure.map(|f| super::common::in_file(&f.location, &form.path)).as_ref()),
                )
                .expected(reported)
                .actual(counted),
            );
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::extract::{IdCell, TableKind};

    #[test]
    fn clean_counts_agree() {
        assert!(Kit::clean().run(run).is_empty());
    }

    #[test]
    fn one_person_fewer_than_reported() {
        let mut kit = Kit::clean();
        kit.table_mut(TableKind::TrainingRoster, 2022).records.pop();
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["ROSTER_COUNT_MISMATCH"]);
        assert_eq!((findings[0].expected.as_deref(), findings[0].actual.as_deref()), (Some("10"), Some("9")));
        assert_eq!(findings[0].location.path.as_deref(), Some(roster_path(2022).as_str()));
        assert_eq!(findings[0].location.sheet.as_deref(), Some("Sheet1"));
    }

    #[test]
    fn a_person_listed_twice_counts_once() {
        let mut kit = Kit::clean();
        let roster = kit.table_mut(TableKind::TrainingRoster, 2023);
        let mut again = roster.records[0].clone();
        again.row = 20;
        // Same ID in lower case `x` or with spaces is the same person.
        if let Some(IdCell::Text(id)) = &mut again.id {
            *id = format!(" {} ", id.to_lowercase());
        }
        roster.records.push(again);
        assert!(kit.run(run).is_empty());
    }

    #[test]
    fn persons_are_counted_across_several_rosters_of_the_year() {
        let mut kit = Kit::clean();
        let roster = kit.table_mut(TableKind::TrainingRoster, 2022);
        let moved = roster.records.split_off(5);
        kit.extracted.tables.push(table("3.依托单位材料/B/2022名单.xlsx", None, TableKind::TrainingRoster, Some(2022), moved));
        assert!(kit.run(run).is_empty());
        kit.form_mut().years[0].trainees.as_mut().unwrap().value = Some(2150.0);
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["ROSTER_COUNT_MISMATCH"]);
        // Spread over two rosters: the finding points at the form's figure.
        assert_eq!(findings[0].location.cell.as_deref(), Some("C10"));
        assert!(findings[0].message.contains("2022名单.xlsx"));
    }

    #[test]
    fn persons_without_id_count_by_name_and_phone() {
        let mut kit = Kit::clean();
        let roster = kit.table_mut(TableKind::TrainingRoster, 2022);
        for r in roster.records.iter_mut() {
            r.id = None;
        }
        let mut twin = roster.records[1].clone();
        twin.row = 30;
        roster.records.push(twin);
        assert!(kit.run(run).is_empty(), "same name and phone is the same person");
    }

    #[test]
    fn count_written_with_separators_is_compared_by_value() {
        // "2,150人" parses to 2150 in the extractor; the check compares values, not text.
        let mut kit = Kit::clean();
        let fig = kit.form_mut().years[0].trainees.as_mut().unwrap();
        fig.text = "1,0人".into();
        fig.value = Some(10.0);
        assert!(kit.run(run).is_empty());
        kit.form_mut().years[0].trainees.as_mut().unwrap().value = None;
        assert!(kit.run(run).is_empty(), "an unreadable count is not compared");
    }
}

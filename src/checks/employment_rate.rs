//! A year's reported 培训后就业率 agrees with the share of that year's trainees recorded as
//! employed or self-employed within the window after their own training end
//! (`EMPLOYMENT_RATE_MISMATCH`), within `tolerances.rate_points`.
//!
//! 四(一): "培训后（6个月内）就业创业率不低于50%" — the window is
//! `tolerances.employment_window_days` (183), or the brand type's own
//! `employment_window_days` (企业, 四(三): "本企业职工培训后2年内稳定就业率").
//!
//! The tracking table is joined to the year's rosters by person (ID number, else name +
//! phone); a tracking row whose ID is not in the roster (lost digits or a typo on one side)
//! is joined by name and phone, else by a name only one trainee has. The denominator is
//! the year's distinct trainees. A tracking row without an
//! employment date counts as employed when it says so: its window cannot be checked.
//! A roster that carries the employment columns itself is its own tracking table.

use foldhash::HashMap;

use chrono::{Duration, NaiveDate};

use crate::extract::{PersonRecord, PersonTable, TableKind};
use crate::report::{Code, Finding, Location};

use super::common::{beyond, percent, rate_of};
use super::population::{key, Aliases, Key, Population};
use super::CheckContext;

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    let Some(form) = ctx.extracted.form() else { return Vec::new() };
    let tolerance = ctx.config.settings.tolerances.rate_points;
    let window = window_days(ctx);
    let mut findings = Vec::new();
    for &year in &ctx.config.rules.round.years {
        let figure = form.year(year).and_then(|y| y.employment_rate.as_ref());
        let Some(reported) = rate_of(figure) else { continue };
        let population = Population::of(ctx.extracted, year);
        let Some(evidence) = employed_share(ctx, &population, window) else { continue };
        let computed = evidence.employed as f64 / evidence.total as f64;
        if beyond(reported, computed, tolerance) {
            let tracking = &evidence.tracking_tables;
            let location = match tracking.as_slice() {
                [one] if one.year == Some(year) => super::common::table_location(one),
                _ => figure.map_or_else(|| Location::file(&form.path), |f| super::common::in_file(&f.location, &form.path)),
            };
            let source: Vec<String> = tracking.iter().map(|t| super::common::table_label(t)).collect();
            findings.push(
                Finding::new(
                    Code::EmploymentRateMismatch,
                    format!(
                        "{year}年申报培训后就业率为{}（申报表“{}”），按就业跟踪情况表（{}）与培训人员名单核对，培训结束后{window}天内就业创业{}人，占培训人员{}人的{}，相差超过±{}个百分点",
                        percent(reported),
                        form.path,
                        if source.is_empty() { "名单中的就业情况".to_string() } else { source.join("、") },
                        evidence.employed,
                        evidence.total,
                        percent(computed),
                        tolerance * 100.0
                    ),
                    location,
                )
                .expected(percent(reported))
                .actual(percent(computed)),
            );
        }
    }
    findings
}

/// What the tracking tables say of one year's trainees.
pub struct Employed<'a> {
    pub employed: usize,
    pub total: usize,
    pub tracking_tables: Vec<&'a PersonTable>,
}

/// The year's trainees employed within `window` days of their training end, from the
/// tracking tables (of the year, or of no stated year) and roster rows with employment
/// columns; `None` when no row states employment at all.
pub fn employed_share<'a>(ctx: &CheckContext<'a>, population: &Population<'a>, window: i64) -> Option<Employed<'a>> {
    let year = population.year;
    let tracking_tables: Vec<&PersonTable> = ctx
        .extracted
        .tables
        .iter()
        .filter(|t| t.kind == TableKind::EmploymentTracking && (t.year == Some(year) || t.year.is_none()))
        .collect();
    let mut outcome: HashMap<Key, bool> = HashMap::default();
    let rows = tracking_tables
        .iter()
        .flat_map(|t| &t.records)
        .chain(population.tables.iter().flat_map(|t| &t.records))
        .filter(|r| r.employed.is_some());
    let mut stated = 0usize;
    let mut aliases: Option<Aliases> = None;
    for record in rows {
        let mut person = key(record);
        if !population.persons.contains_key(&person) && !population.persons.is_empty() {
            let aliases = aliases.get_or_insert_with(|| Aliases::of(population));
            if let Some(found) = aliases.find(record) {
                person = found.clone();
            }
        }
        let end = population.persons.get(&person).and_then(|p| p.training_end).or(record.training_end);
        let in_time = employed_in_time(record, end, window);
        stated += 1;
        let entry = outcome.entry(person).or_insert(false);
        *entry |= in_time;
    }
    if stated == 0 {
        return None;
    }
    let (employed, total) = if population.persons.is_empty() {
        (outcome.values().filter(|e| **e).count(), outcome.len())
    } else {
        let employed = population.persons.keys().filter(|k| outcome.get(*k).copied().unwrap_or(false)).count();
        (employed, population.persons.len())
    };
    Some(Employed { employed, total, tracking_tables })
}

/// The window of the form's brand type, else the default one.
pub fn window_days(ctx: &CheckContext) -> i64 {
    let default = ctx.config.settings.tolerances.employment_window_days;
    let Some(form) = ctx.extracted.form() else { return default };
    match form.checked_types().as_slice() {
        [brand_type] => ctx
            .config
            .rules
            .eligibility
            .iter()
            .filter(|e| e.brand_type == *brand_type)
            .find_map(|e| e.employment_window_days)
            .unwrap_or(default),
        _ => default,
    }
}

fn employed_in_time(record: &PersonRecord, training_end: Option<NaiveDate>, window: i64) -> bool {
    if record.employed != Some(true) {
        return false;
    }
    match (record.employment_date, training_end) {
        (Some(date), Some(end)) => date <= end + Duration::days(window),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;

    fn reported(kit: &mut Kit, rate: f64) {
        kit.form_mut().years[0].employment_rate.as_mut().unwrap().value = Some(rate);
    }

    #[test]
    fn clean_rate_agrees() {
        assert!(Kit::clean().run(run).is_empty());
    }

    #[test]
    fn tolerance_boundary() {
        let mut kit = Kit::clean();
        reported(&mut kit, 0.605);
        assert!(kit.run(run).is_empty(), "exactly 0.5 points off");
        reported(&mut kit, 0.6051);
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["EMPLOYMENT_RATE_MISMATCH"]);
        assert_eq!(findings[0].location.path.as_deref(), Some(tracking_path(2022).as_str()));
        assert_eq!(findings[0].actual.as_deref(), Some("60%"));
    }

    #[test]
    fn employment_after_the_window_does_not_count() {
        let mut kit = Kit::clean();
        // Training ends 2022-03-20: day 183 after is 2022-09-19.
        let tracking = kit.table_mut(TableKind::EmploymentTracking, 2022);
        tracking.records[0].employment_date = Some(day(2022, 9, 19));
        assert!(kit.run(run).is_empty(), "day 183 is inside the window");
        kit.table_mut(TableKind::EmploymentTracking, 2022).records[0].employment_date = Some(day(2022, 9, 20));
        let findings = kit.run(run);
        assert_eq!(findings[0].actual.as_deref(), Some("50%"));
    }

    #[test]
    fn enterprise_type_uses_its_own_window() {
        let mut kit = Kit::clean();
        for b in kit.form_mut().types.iter_mut() {
            b.checked = b.label == "企业";
        }
        kit.table_mut(TableKind::EmploymentTracking, 2022).records[0].employment_date = Some(day(2023, 6, 1));
        assert!(kit.run(run).is_empty(), "within 730 days");
    }

    #[test]
    fn tracking_rows_of_persons_not_in_the_roster_do_not_count() {
        let mut kit = Kit::clean();
        let tracking = kit.table_mut(TableKind::EmploymentTracking, 2022);
        for (i, r) in tracking.records.iter_mut().enumerate() {
            // Ten employed, but four of them are not trainees of the year.
            r.employed = Some(true);
            r.employment_date = Some(day(2022, 4, 1));
            if i >= 6 {
                r.id = Some(crate::extract::IdCell::Text(id_of(900 + i as u32)));
                r.name = Some(format!("外人{i}"));
            }
        }
        assert!(kit.run(run).is_empty());
    }

    #[test]
    fn tracking_joins_by_name_when_the_rosters_id_lost_its_digits() {
        let mut kit = Kit::clean();
        for r in kit.table_mut(TableKind::TrainingRoster, 2022).records.iter_mut() {
            r.id = Some(crate::extract::IdCell::NumberLostDigits("210102199001011000".into()));
        }
        assert!(kit.run(run).is_empty(), "joined by name and phone");
        for r in kit.table_mut(TableKind::EmploymentTracking, 2022).records.iter_mut() {
            r.phone = None;
        }
        assert!(kit.run(run).is_empty(), "joined by unique name");
    }

    #[test]
    fn roster_with_employment_columns_is_its_own_tracking() {
        let mut kit = Kit::clean();
        kit.extracted.tables.retain(|t| t.kind != TableKind::EmploymentTracking);
        assert!(kit.run(run).is_empty(), "no tracking at all: nothing to compare");
        for (i, r) in kit.table_mut(TableKind::TrainingRoster, 2022).records.iter_mut().enumerate() {
            r.employed = Some(i < 3);
        }
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["EMPLOYMENT_RATE_MISMATCH"]);
        assert_eq!(findings[0].actual.as_deref(), Some("30%"));
    }
}

//! A year's reported 培训合格率 agrees with the share of that year's distinct trainees the
//! rosters record as passed or certified (`PASS_RATE_MISMATCH`), within
//! `tolerances.rate_points`.
//!
//! 四(一): "培训合格率超过80%（考取职业资格证书、职业技能等级证书、专项职业能力证书或培训合格证书，
//! 下同）" — passed means a 考核结果 of passed, or a certificate number.

use crate::report::{Code, Finding};

use super::common::{beyond, percent, rate_of};
use super::population::Population;
use super::CheckContext;

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    let Some(form) = ctx.extracted.form() else { return Vec::new() };
    let tolerance = ctx.config.settings.tolerances.rate_points;
    let mut findings = Vec::new();
    for &year in &ctx.config.rules.round.years {
        let figure = form.year(year).and_then(|y| y.pass_rate.as_ref());
        let Some(reported) = rate_of(figure) else { continue };
        let population = Population::of(ctx.extracted, year);
        // Rosters that state no result at all cannot confirm or contradict the rate.
        if population.persons.is_empty() || !population.states_results() {
            continue;
        }
        let passed = population.passed();
        let total = population.persons.len();
        let computed = passed as f64 / total as f64;
        if beyond(reported, computed, tolerance) {
            findings.push(
                Finding::new(
                    Code::PassRateMismatch,
                    format!(
                        "{year}年申报培训合格率为{}（申报表“{}”），{}中合格/取证人员{passed}人，占不重复人员{total}人的{}，相差超过±{}个百分点",
                        percent(reported),
                        form.path,
                        population.tables_zh(),
                        percent(computed),
                        tolerance * 100.0
                    ),
                    population.location(figure.map(|f| super::common::in_file(&f.location, &form.path)).as_ref()),
                )
                .expected(percent(reported))
                .actual(percent(computed)),
            );
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::extract::TableKind;

    fn with_reported(rate: f64) -> Vec<Finding> {
        let mut kit = Kit::clean();
        kit.form_mut().years[0].pass_rate.as_mut().unwrap().value = Some(rate);
        kit.run(run)
    }

    #[test]
    fn clean_rate_agrees() {
        assert!(Kit::clean().run(run).is_empty());
    }

    #[test]
    fn tolerance_boundary() {
        // Rosters give 9/10 = 90%; tolerance ±0.5 points.
        assert!(with_reported(0.905).is_empty(), "exactly 0.5 points off is within tolerance");
        assert!(with_reported(0.895).is_empty());
        assert_eq!(codes(&with_reported(0.9051)), ["PASS_RATE_MISMATCH"]);
        let findings = with_reported(0.95);
        assert_eq!((findings[0].expected.as_deref(), findings[0].actual.as_deref()), (Some("95%"), Some("90%")));
        assert!(findings[0].message.contains("合格/取证人员9人"), "{}", findings[0].message);
    }

    #[test]
    fn certificate_number_counts_as_passed() {
        let mut kit = Kit::clean();
        let roster = kit.table_mut(TableKind::TrainingRoster, 2022);
        for r in roster.records.iter_mut() {
            r.passed = None;
        }
        // Nine carry a certificate number, the tenth none.
        assert!(kit.run(run).is_empty());
    }

    #[test]
    fn rosters_without_results_are_not_judged() {
        let mut kit = Kit::clean();
        for r in kit.table_mut(TableKind::TrainingRoster, 2022).records.iter_mut() {
            r.passed = None;
            r.certificate = None;
        }
        assert!(kit.run(run).is_empty());
    }

    #[test]
    fn a_rate_that_did_not_parse_is_not_compared() {
        let mut kit = Kit::clean();
        let fig = kit.form_mut().years[0].pass_rate.as_mut().unwrap();
        fig.text = "八成".into();
        fig.value = None;
        assert!(kit.run(run).is_empty());
    }
}

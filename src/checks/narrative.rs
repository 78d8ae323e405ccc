//! Figures stated in the narratives agree with the form (`NARRATIVE_FIGURE_MISMATCH`):
//! "2022年培训2150人，合格率86.5%" in the recommendation report or a unit's report must be
//! what the 申报表 says for that year.
//!
//! 附件2 一: the report states "经市局审核确认的培训情况、就业率"; 附件2 三: units "列明主要数据".
//! Counts must be equal; rates may differ by `tolerances.rate_points` (a narrative rounds).
//! A unit's own report is compared only when the form names a single unit: with several,
//! each unit states its own share, not the brand's total. And a unit's figure that agrees
//! with what its rosters give is evidence, not a claim: the form contradicting it is
//! already ROSTER_COUNT_MISMATCH / PASS_RATE_MISMATCH / EMPLOYMENT_RATE_MISMATCH.
//! A sentence that states the form's figure too is no contradiction (the reader took
//! another of its numbers). A figure read by OCR that differs from the form in exactly one digit (61.5% read as
//! 91.5%) is taken for a misread, not reported: narratives are scanned prose, read without
//! the form reader's second look at each figure.

use crate::extract::Metric;
use crate::intake::DocKind;
use crate::report::{Code, Finding};

use super::common::{beyond, count_of, one_digit_apart, percent, rate_of};
use super::population::Population;
use super::CheckContext;

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    let Some(form) = ctx.extracted.form() else { return Vec::new() };
    let tolerance = ctx.config.settings.tolerances.rate_points;
    let single_unit = form.units.len() <= 1;
    let window = super::employment_rate::window_days(ctx);
    let mut findings = Vec::new();
    for figure in &ctx.extracted.narrative_figures {
        let kind = ctx.extracted.files.iter().find(|f| figure.location.path.as_deref() == Some(f.path.as_str())).map(|f| f.kind);
        if kind == Some(DocKind::UnitMaterial) && !single_unit {
            continue;
        }
        let Some(row) = form.year(figure.year) else { continue };
        let (reported, stated, differs) = match figure.metric {
            Metric::Trainees => {
                let Some(reported) = count_of(row.trainees.as_ref()) else { continue };
                (reported.to_string(), format!("{}", figure.value.round()), figure.value.round() as u64 != reported)
            }
            Metric::PassRate | Metric::EmploymentRate => {
                let pick = if figure.metric == Metric::PassRate { row.pass_rate.as_ref() } else { row.employment_rate.as_ref() };
                let Some(reported) = rate_of(pick) else { continue };
                (percent(reported), percent(figure.value), beyond(figure.value, reported, tolerance))
            }
        };
        if differs && kind == Some(DocKind::UnitMaterial) && agrees_with_rosters(ctx, figure, window, tolerance, read_by_ocr(ctx, figure)) {
            continue;
        }
        if differs && states_the_form_figure(&figure.sentence, reported_value(row, figure.metric), figure.metric) {
            tracing::debug!(year = figure.year, metric = ?figure.metric, "the sentence also states the form's figure: another number was taken");
            continue;
        }
        if differs && read_by_ocr(ctx, figure) && one_digit_apart(figure.value, reported_value(row, figure.metric), figure.metric != Metric::Trainees) {
            tracing::debug!(year = figure.year, metric = ?figure.metric, "one digit apart on an OCR page: taken for a misread");
            continue;
        }
        if differs {
            let unit = if figure.metric == Metric::Trainees { "人" } else { "" };
            findings.push(
                Finding::new(
                    Code::NarrativeFigureMismatch,
                    format!(
                        "{}写明“{}”，即{}年{}为{stated}{unit}，与申报表“{}”填报的{reported}{unit}不一致",
                        figure.location.describe_zh(),
                        figure.sentence.trim(),
                        figure.year,
                        figure.metric.label_zh(),
                        form.path
                    ),
                    figure.location.clone(),
                )
                .expected(format!("{reported}{unit}"))
                .actual(format!("{stated}{unit}")),
            );
        }
    }
    findings
}

/// The form's value of the figure's metric (the caller has checked it parses).
fn reported_value(row: &crate::extract::FormYear, metric: Metric) -> f64 {
    let figure = match metric {
        Metric::Trainees => row.trainees.as_ref(),
        Metric::PassRate => row.pass_rate.as_ref(),
        Metric::EmploymentRate => row.employment_rate.as_ref(),
    };
    figure.and_then(|f| f.value).unwrap_or_default()
}

/// Whether the sentence states the form's own figure among its numbers: then the
/// differing number read from it belongs to something else ("共培训522人，培训合格459人"
/// read as 459 trainees: corpus defect-13), and the narrative does not contradict the form.
fn states_the_form_figure(sentence: &str, reported: f64, metric: Metric) -> bool {
    let mut numbers = Vec::new();
    let mut current = String::new();
    for c in sentence.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || (c == '.' && !current.is_empty()) {
            current.push(c);
        } else if !current.is_empty() {
            numbers.push(std::mem::take(&mut current));
        }
    }
    numbers.iter().filter_map(|n| n.trim_end_matches('.').parse::<f64>().ok()).any(|n| match metric {
        Metric::Trainees => n == reported.round(),
        Metric::PassRate | Metric::EmploymentRate => (n / 100.0 - reported).abs() < 0.0005,
    })
}

/// Whether the page the figure was read from was read by OCR.
fn read_by_ocr(ctx: &CheckContext, figure: &crate::extract::NarrativeFigure) -> bool {
    let Some(path) = figure.location.path.as_deref() else { return false };
    ctx.extracted
        .files
        .iter()
        .filter(|f| f.path == path)
        .flat_map(|f| &f.pages)
        .any(|p| figure.location.page.is_none_or(|n| n == p.number) && p.source == crate::extract::TextSource::Ocr)
}

/// Whether a figure is what the year's rosters (and tracking tables) give.
/// On an OCR page, one digit apart from the rosters' figure counts as agreeing (86.7% read
/// as 36.7%: corpus clean-02).
fn agrees_with_rosters(ctx: &CheckContext, figure: &crate::extract::NarrativeFigure, window: i64, tolerance: f64, ocr: bool) -> bool {
    let population = Population::of(ctx.extracted, figure.year);
    if population.persons.is_empty() {
        return false;
    }
    let total = population.persons.len() as f64;
    let is_rate = figure.metric != Metric::Trainees;
    let computed = match figure.metric {
        Metric::Trainees => Some(total),
        Metric::PassRate => population.states_results().then(|| population.passed() as f64 / total),
        Metric::EmploymentRate => {
            super::employment_rate::employed_share(ctx, &population, window).map(|e| e.employed as f64 / e.total as f64)
        }
    };
    computed.is_some_and(|computed| {
        let close = if is_rate { !beyond(figure.value, computed, tolerance) } else { figure.value.round() == computed };
        close || (ocr && one_digit_apart(figure.value, computed, is_rate))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::extract::NarrativeFigure;
    use crate::report::Location;

    fn stated(kit: &mut Kit, path: &str, metric: Metric, value: f64) {
        kit.extracted.narrative_figures.push(NarrativeFigure {
            year: 2022,
            metric,
            value,
            // The sentence states only the figure itself, as "2022年培训2150人".
            sentence: match metric {
                Metric::Trainees => format!("2022年培训{value}人"),
                _ => format!("2022年{}{}%", metric.label_zh(), value * 100.0),
            },
            location: Location::page(path, 2),
        });
    }

    #[test]
    fn agreeing_figures() {
        let mut kit = Kit::clean();
        stated(&mut kit, "1.推荐报告.pdf", Metric::Trainees, 10.0);
        stated(&mut kit, "1.推荐报告.pdf", Metric::PassRate, 0.9);
        stated(&mut kit, "1.推荐报告.pdf", Metric::EmploymentRate, 0.605);
        assert!(kit.run(run).is_empty());
    }

    #[test]
    fn report_states_another_count() {
        let mut kit = Kit::clean();
        stated(&mut kit, "1.推荐报告.pdf", Metric::Trainees, 2150.0);
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["NARRATIVE_FIGURE_MISMATCH"]);
        assert_eq!(findings[0].location, Location::page("1.推荐报告.pdf", 2));
        assert_eq!((findings[0].expected.as_deref(), findings[0].actual.as_deref()), (Some("10人"), Some("2150人")));
    }

    #[test]
    fn rate_beyond_tolerance() {
        let mut kit = Kit::clean();
        stated(&mut kit, "1.推荐报告.pdf", Metric::PassRate, 0.865);
        assert_eq!(kit.run(run)[0].actual.as_deref(), Some("86.5%"));
    }

    #[test]
    fn a_unit_report_agreeing_with_its_rosters_is_left_to_the_consistency_checks() {
        // The form inflates the pass rate; the unit's report states the rosters' 90%.
        let mut kit = Kit::clean();
        kit.form_mut().years[0].pass_rate.as_mut().unwrap().value = Some(0.99);
        let path = format!("{UNIT_DIR}/单位情况报告.pdf");
        stated(&mut kit, &path, Metric::PassRate, 0.9);
        stated(&mut kit, &path, Metric::Trainees, 10.0);
        stated(&mut kit, &path, Metric::EmploymentRate, 0.6);
        assert!(kit.run(run).is_empty());
        // The same statement in the bureau's report is a claim that contradicts the form.
        stated(&mut kit, "1.推荐报告.pdf", Metric::PassRate, 0.9);
        assert_eq!(codes(&kit.run(run)), ["NARRATIVE_FIGURE_MISMATCH"]);
    }

    #[test]
    fn a_misread_of_the_rosters_figure_on_a_scanned_unit_report() {
        // Corpus clean-02: the unit's "合格率86.7%" read as "36.7%"; the form prints 87%.
        let mut kit = Kit::clean();
        let path = format!("{UNIT_DIR}/单位情况报告.pdf");
        stated(&mut kit, &path, Metric::PassRate, 0.4);
        assert_eq!(codes(&kit.run(run)), ["NARRATIVE_FIGURE_MISMATCH"], "a text layer: 40% is what it says");
        let report = kit.extracted.files.iter_mut().find(|f| f.path == path).unwrap();
        report.pages[0].source = crate::extract::TextSource::Ocr;
        report.pages.push(crate::extract::Page { number: 2, ..report.pages[0].clone() });
        assert!(kit.run(run).is_empty(), "rosters give 90%: one digit from 40%");
    }

    #[test]
    fn a_sentence_stating_the_forms_figure_does_not_contradict_it() {
        let mut kit = Kit::clean();
        kit.extracted.narrative_figures.push(NarrativeFigure {
            year: 2022,
            metric: Metric::Trainees,
            value: 9.0,
            sentence: "2022年,本单位共培训10人,培训人台格9人,侣格率90%".into(),
            location: Location::page("1.推荐报告.pdf", 1),
        });
        assert!(kit.run(run).is_empty());
        assert!(states_the_form_figure("合格率86.2%，就业率61.5%", 0.615, Metric::EmploymentRate));
        assert!(!states_the_form_figure("共培训2150人", 2151.0, Metric::Trainees));
        assert!(!states_the_form_figure("共培训21500人", 2150.0, Metric::Trainees), "a longer number is another number");
    }

    #[test]
    fn one_digit_apart_on_an_ocr_page_is_a_misread() {
        // Corpus clean-01: the report's "61.5%" read as "91.5%".
        let mut kit = Kit::clean();
        kit.form_mut().years[0].employment_rate.as_mut().unwrap().value = Some(0.615);
        stated(&mut kit, "1.推荐报告.pdf", Metric::EmploymentRate, 0.915);
        assert_eq!(codes(&kit.run(run)), ["NARRATIVE_FIGURE_MISMATCH"], "a text layer is not misread");
        let report = kit.extracted.files.iter_mut().find(|f| f.path == "1.推荐报告.pdf").unwrap();
        report.pages[0].source = crate::extract::TextSource::Ocr;
        report.pages.push(crate::extract::Page { number: 2, ..report.pages[0].clone() });
        assert!(kit.run(run).is_empty());
        stated(&mut kit, "1.推荐报告.pdf", Metric::Trainees, 190.0);
        assert_eq!(codes(&kit.run(run)), ["NARRATIVE_FIGURE_MISMATCH"], "10 → 190: two digits more");
    }

    #[test]
    fn unit_reports_are_not_compared_when_several_units_share_the_brand() {
        let mut kit = Kit::clean();
        let path = format!("{UNIT_DIR}/单位情况报告.pdf");
        stated(&mut kit, &path, Metric::Trainees, 6.0);
        assert_eq!(codes(&kit.run(run)), ["NARRATIVE_FIGURE_MISMATCH"], "single unit: its figures are the brand's");
        let second = kit.form_mut().units[0].clone();
        kit.form_mut().units.push(second);
        assert!(kit.run(run).is_empty());
    }
}

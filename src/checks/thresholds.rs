//! The minimums of notice §四 by brand type and city, every year of the round:
//! `BELOW_MIN_TRAINEES`, `BELOW_MIN_PASS_RATE`, `BELOW_MIN_EMPLOYMENT_RATE` (企业: the
//! 2-year stable employment rate) and `BELOW_MIN_GRADUATE_EMPLOYMENT` (院校).
//!
//! 四: "此外，还应具备以下条件之一：(一) 行政区域培训品牌…前 2 个自然年度培训人数沈阳、大连两市
//! 每年不少于 2000 人、其他市每年不少于 800 人，培训合格率超过 80%…培训后（6 个月内）就业创业率
//! 不低于 50%" and (二)–(五) likewise. Every number and its bound (不少于/不低于 → ≥, 超过/以上 →
//! `>`) is the rules file's `[[eligibility]]`, quoted in its `clause`. 其他 is split by
//! `subtype_keywords` found in the brand name, occupations and summary: 乡村振兴重点产业 has
//! minimums, 非遗传统技艺 none (judged on transmission by reviewers).
//!
//! The city class (`major`: 沈阳、大连) comes from the city named in the applicant or the
//! brand name; when none is named, the other cities' minimum applies (the lower one), so
//! a finding is never due to a guess.

use crate::config::{Bound, Eligibility, RateMinimum};
use crate::domain::Rate;
use crate::extract::{Figure, FormData};
use crate::intake::DocKind;
use crate::report::{Code, Finding, Location};

use super::common::{count_of, percent, rate_of, round9};
use super::CheckContext;

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    let Some(form) = ctx.extracted.form() else { return Vec::new() };
    let types = form.checked_types();
    let [brand_type] = types.as_slice() else { return Vec::new() };
    let Some(rule) = rule_for(ctx, form, brand_type) else { return Vec::new() };
    let city = form
        .applicant
        .as_ref()
        .and_then(|f| ctx.config.rules.city_named_in(&f.text))
        .or_else(|| form.brand_name.as_ref().and_then(|f| ctx.config.rules.city_named_in(&f.text)));
    let major = city.is_some_and(|c| c.major);
    let city_label = match city {
        Some(c) if c.major => format!("{}（适用沈阳、大连两市标准）", c.name),
        Some(c) => format!("{}（适用其他市标准）", c.name),
        None => "申报表未写明所属城市（按其他市标准）".to_string(),
    };
    let type_label = match &rule.subtype {
        Some(sub) => format!("{brand_type}（{sub}）"),
        None => brand_type.to_string(),
    };
    let employment_label = if rule.employment_window_days.is_some() { "培训后稳定就业率" } else { "培训后就业率" };

    let mut findings = Vec::new();
    for &year in &ctx.config.rules.round.years {
        let Some(row) = form.year(year) else { continue };
        if let (Some(min), Some(reported)) = (&rule.trainees, count_of(row.trainees.as_ref())) {
            let needed = if major { min.major } else { min.other };
            if !min.bound.satisfied(reported as f64, f64::from(needed)) {
                findings.push(below(
                    Code::BelowMinTrainees,
                    format!(
                        "品牌类型为“{type_label}”，{city_label}，{year}年培训人数为{reported}人，应每年{}{needed}人。依据：{}",
                        words(min.bound, true),
                        rule.clause
                    ),
                    location(row.trainees.as_ref(), form),
                    format!("{}{needed}人", symbol(min.bound)),
                    format!("{reported}人"),
                ));
            }
        }
        for (code, label, minimum, figure) in [
            (Code::BelowMinPassRate, "培训合格率", &rule.pass_rate, row.pass_rate.as_ref()),
            (Code::BelowMinEmploymentRate, employment_label, &rule.employment_rate, row.employment_rate.as_ref()),
        ] {
            if let (Some(min), Some(reported)) = (minimum, rate_of(figure)) {
                if !rate_ok(min, reported) {
                    findings.push(below(
                        code,
                        format!(
                            "品牌类型为“{type_label}”，{year}年{label}为{}，应{}{}。依据：{}",
                            percent(reported),
                            words(min.bound, false),
                            percent(min.min),
                            rule.clause
                        ),
                        location(figure, form),
                        format!("{}{}", symbol(min.bound), percent(min.min)),
                        percent(reported),
                    ));
                }
            }
        }
    }
    if let Some(min) = &rule.graduate_employment_rate {
        if let Some((reported, location, sentence)) = graduate_rate(ctx, form) {
            if !rate_ok(min, reported) {
                findings.push(below(
                    Code::BelowMinGraduateEmployment,
                    format!(
                        "品牌类型为“{type_label}”，{}写明“{sentence}”，院校学生毕业就业率为{}，应{}{}。依据：{}",
                        location.describe_zh(),
                        percent(reported),
                        words(min.bound, false),
                        percent(min.min),
                        rule.clause
                    ),
                    location,
                    format!("{}{}", symbol(min.bound), percent(min.min)),
                    percent(reported),
                ));
            }
        }
    }
    findings
}

/// The eligibility entry of the type; for a type with subtypes, the one whose keywords
/// the brand's own words name most (ties: the first in the rules file).
fn rule_for<'a>(ctx: &'a CheckContext, form: &FormData, brand_type: &str) -> Option<&'a Eligibility> {
    let entries: Vec<&Eligibility> = ctx.config.rules.eligibility.iter().filter(|e| e.brand_type == brand_type).collect();
    if entries.len() <= 1 {
        return entries.first().copied();
    }
    let mut text = String::new();
    for field in form.brand_name.iter().chain(&form.occupations).chain(&form.summary) {
        text.push_str(&field.text);
        text.push(' ');
    }
    let mut best: Option<(&Eligibility, usize)> = None;
    for entry in entries {
        let hits = entry.subtype_keywords.iter().filter(|k| text.contains(k.as_str())).count();
        if hits > 0 && best.is_none_or(|(_, h)| hits > h) {
            best = Some((entry, hits));
        }
    }
    if best.is_none() {
        tracing::debug!(brand_type, "no subtype keyword in the brand's words: minimums not applied");
    }
    best.map(|(e, _)| e)
}

fn rate_ok(min: &RateMinimum, value: f64) -> bool {
    min.bound.satisfied(round9(value), round9(min.min))
}

fn words(bound: Bound, count: bool) -> &'static str {
    match (bound, count) {
        (Bound::AtLeast, true) => "不少于",
        (Bound::AtLeast, false) => "不低于",
        (Bound::MoreThan, _) => "超过",
    }
}

fn symbol(bound: Bound) -> &'static str {
    match bound {
        Bound::AtLeast => "≥",
        Bound::MoreThan => ">",
    }
}

fn location(figure: Option<&Figure>, form: &FormData) -> Location {
    figure.map_or_else(|| Location::file(&form.path), |f| super::common::in_file(&f.location, &form.path))
}

fn below(code: Code, message: String, location: Location, expected: String, actual: String) -> Finding {
    Finding::new(code, message, location).expected(expected).actual(actual)
}

/// The graduates' employment rate as the dossier states it: a `[form.labels]
/// graduate_employment_rate` label followed closely by a percentage, in the form's summary,
/// else the recommendation report and the units' materials.
fn graduate_rate(ctx: &CheckContext, form: &FormData) -> Option<(f64, Location, String)> {
    let labels = ctx.config.rules.form.labels.get("graduate_employment_rate")?;
    if let Some(summary) = &form.summary {
        if let Some((rate, sentence)) = rate_after_label(&summary.text, labels) {
            return Some((rate, super::common::in_file(&summary.location, &form.path), sentence));
        }
    }
    for file in ctx.extracted.files.iter().filter(|f| matches!(f.kind, DocKind::RecommendationReport | DocKind::UnitMaterial)) {
        for page in &file.pages {
            if let Some((rate, sentence)) = rate_after_label(&page.text, labels) {
                return Some((rate, Location::page(&file.path, page.number), sentence));
            }
        }
    }
    None
}

/// How far after its label a percentage may stand ("毕业生就业率达到了98.6%").
const LABEL_REACH: usize = 12;

/// The first "label … NN.N%" in `text`, as a fraction, with the words read.
// Only the graduates' rate needs this (it is no cell of the form); figures of the form and
// the narratives are parsed by the extractor.
fn rate_after_label(text: &str, labels: &[String]) -> Option<(f64, String)> {
    // OCR puts spaces and line breaks anywhere ("毕业就\n业率 92.6 %").
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for label in labels {
        for (start, _) in text.match_indices(label.as_str()) {
            let chars: Vec<char> = text[start + label.len()..].chars().take(LABEL_REACH + 8).collect();
            let Some(digit_at) = chars.iter().take(LABEL_REACH).position(|c| c.is_ascii_digit()) else { continue };
            let digits = chars[digit_at..].iter().take_while(|c| c.is_ascii_digit() || **c == '.').count();
            let end = digit_at + digits;
            // Only a written percentage: a bare number after the label is a year or a count.
            if !matches!(chars.get(end), Some('%') | Some('％')) {
                continue;
            }
            let written: String = chars[digit_at..=end].iter().collect();
            if let Ok(rate) = Rate::parse(&written) {
                let sentence: String = chars[..=end].iter().collect();
                return Some((rate.value(), format!("{label}{sentence}")));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;

    fn dossier(brand_type: &str, applicant: &str, trainees: f64, pass: f64, employment: f64) -> Kit {
        let mut kit = Kit::clean();
        let form = kit.form_mut();
        for b in form.types.iter_mut() {
            b.checked = b.label == brand_type;
        }
        form.applicant.as_mut().unwrap().text = applicant.into();
        form.brand_name.as_mut().unwrap().text = format!("{}巧嫂", &applicant[..6]);
        for y in form.years.iter_mut() {
            y.trainees.as_mut().unwrap().value = Some(trainees);
            y.pass_rate.as_mut().unwrap().value = Some(pass);
            y.employment_rate.as_mut().unwrap().value = Some(employment);
        }
        kit
    }

    #[test]
    fn regional_brand_in_shenyang_at_the_minimums() {
        // ≥2000 (inclusive), pass rate >80% (strict), employment ≥50% (inclusive).
        assert!(dossier("行政区域", "沈阳市人力资源和社会保障局", 2000.0, 0.8001, 0.5).run(run).is_empty());
        let findings = dossier("行政区域", "沈阳市人力资源和社会保障局", 1999.0, 0.80, 0.4999).run(run);
        assert_eq!(
            codes(&findings),
            ["BELOW_MIN_TRAINEES", "BELOW_MIN_PASS_RATE", "BELOW_MIN_EMPLOYMENT_RATE"].repeat(2),
            "both years"
        );
        assert_eq!(findings[0].expected.as_deref(), Some("≥2000人"));
        assert_eq!(findings[1].expected.as_deref(), Some(">80%"));
        assert_eq!(findings[1].actual.as_deref(), Some("80%"));
        assert_eq!(findings[0].location.cell.as_deref(), Some("C10"));
    }

    #[test]
    fn exactly_80_percent_however_written() {
        // "80%", "80.0%" and "0.8" all parse to 0.8: not more than 80%.
        for value in [0.8, 80.0 / 100.0, 0.800_000_000_01] {
            let findings = dossier("行政区域", "鞍山市人力资源和社会保障局", 800.0, value, 0.5).run(run);
            assert_eq!(codes(&findings), ["BELOW_MIN_PASS_RATE"; 2], "{value}");
        }
        // 行业: "不低于80%" — exactly 80% passes.
        assert!(dossier("行业", "鞍山市人力资源和社会保障局", 500.0, 0.8, 0.5).run(run).is_empty());
    }

    #[test]
    fn other_cities_have_the_lower_minimum() {
        assert!(dossier("行政区域", "锦州市人力资源和社会保障局", 800.0, 0.9, 0.6).run(run).is_empty());
        assert_eq!(codes(&dossier("行政区域", "锦州市人力资源和社会保障局", 799.0, 0.9, 0.6).run(run)), ["BELOW_MIN_TRAINEES"; 2]);
        assert_eq!(codes(&dossier("行政区域", "大连市人力资源和社会保障局", 1500.0, 0.9, 0.6).run(run)), ["BELOW_MIN_TRAINEES"; 2]);
    }

    #[test]
    fn institution_needs_more_than_500() {
        assert_eq!(codes(&dossier("院校", "营口市人力资源和社会保障局", 500.0, 0.9, 0.6).run(run)), ["BELOW_MIN_TRAINEES"; 2]);
        assert!(dossier("院校", "营口市人力资源和社会保障局", 501.0, 0.9, 0.6).run(run).is_empty());
    }

    #[test]
    fn enterprise_stable_employment_more_than_90() {
        let findings = dossier("企业", "盘锦市人力资源和社会保障局", 1500.0, 0.9, 0.9).run(run);
        assert_eq!(codes(&findings), ["BELOW_MIN_EMPLOYMENT_RATE"; 2]);
        assert!(findings[0].message.contains("稳定就业率"));
        assert!(dossier("企业", "盘锦市人力资源和社会保障局", 1500.0, 0.9, 0.901).run(run).is_empty());
    }

    #[test]
    fn graduate_employment_from_the_summary() {
        let mut kit = dossier("院校", "营口市人力资源和社会保障局", 600.0, 0.9, 0.6);
        kit.form_mut().summary.as_mut().unwrap().text = "学院近两年毕业生就业率为94.5%，培训后就业率60%".into();
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["BELOW_MIN_GRADUATE_EMPLOYMENT"]);
        assert_eq!(findings[0].actual.as_deref(), Some("94.5%"));
        assert_eq!(findings[0].location.cell.as_deref(), Some("B14"));
        kit.form_mut().summary.as_mut().unwrap().text = "毕业生就业率达到95%".into();
        assert!(kit.run(run).is_empty(), "不低于95%: exactly 95% passes");
    }

    #[test]
    fn other_type_by_subtype() {
        let mut kit = dossier("其他", "朝阳市人力资源和社会保障局", 150.0, 0.5, 0.4);
        kit.form_mut().brand_name.as_mut().unwrap().text = "朝阳果树技工".into();
        kit.form_mut().occupations[0].text = "果树种植工".into();
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["BELOW_MIN_TRAINEES", "BELOW_MIN_EMPLOYMENT_RATE"].repeat(2), "乡村振兴: no pass-rate minimum");
        kit.form_mut().brand_name.as_mut().unwrap().text = "朝阳剪纸传承人".into();
        kit.form_mut().occupations[0].text = "剪纸".into();
        assert!(kit.run(run).is_empty(), "非遗: no numeric minimum");
    }

    #[test]
    fn unreadable_or_ambiguous_inputs_are_not_judged() {
        let mut kit = dossier("行政区域", "沈阳市人力资源和社会保障局", 100.0, 0.1, 0.1);
        for b in kit.form_mut().types.iter_mut() {
            b.checked = true;
        }
        assert!(kit.run(run).is_empty(), "type ambiguous: CATEGORY_INVALID says so");
        let mut kit = dossier("行政区域", "沈阳市人力资源和社会保障局", 2000.0, 0.9, 0.6);
        kit.form_mut().years[0].pass_rate.as_mut().unwrap().value = None;
        assert!(kit.run(run).is_empty());
    }

    #[test]
    fn rate_after_label_reads_percentages_only() {
        let labels = vec!["毕业生就业率".to_string()];
        assert_eq!(rate_after_label("毕业生就业率达到了98.6%。", &labels).map(|r| r.0), Some(0.986));
        assert_eq!(rate_after_label("毕业生就业率逐年提高，2023年共500人", &labels), None);
        // The corpus' wording, as OCR reads it: the first label is followed by a year, not a rate.
        let labels: Vec<String> = ["毕业生就业率", "毕业就业率"].map(String::from).to_vec();
        let text = "学院近两年毕业生就业率保持较高水平，2023届院校学生毕业就\n业率 92.6 %。";
        assert_eq!(rate_after_label(text, &labels).map(|r| r.0), Some(0.926));
    }
}

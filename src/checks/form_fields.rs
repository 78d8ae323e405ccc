//! Every required field of the 申报表 is filled (`MISSING_FORM_FIELD`): 品牌名称, 品牌范围,
//! 品牌类型, 品牌行业或职业(工种), 依托单位, and for each year of the round 培训人数,
//! 培训合格率 and 培训后就业率.
//!
//! 附件1 辽宁省职业技能培训品牌申报表 (its rows, as printed); 附件2 二: "辽宁省职业技能培训品牌
//! 申报表（附件1）". Field names in messages are the form's own labels (`[form.labels]`).
//!
//! The form read is the editable one: OCR not finding a field on a scan does not prove the
//! paper blank, and a dossier with only the scan is already rejected for lacking the
//! editable version. 品牌范围 / 品牌类型 are blank here only when the form has no such row at all; a row with no box (or two) checked is
//! `CATEGORY_INVALID` (`category.rs`). A figure written in words that did not parse
//! ("八成") is filled, not blank.

use crate::report::{Code, Finding, Location};

use super::common::{in_file, is_blank};
use super::CheckContext;

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    let Some(form) = ctx.extracted.form_editable.as_ref() else { return Vec::new() };
    let label = |key: &str, fallback: &str| {
        ctx.config.rules.form.labels.get(key).and_then(|words| words.first()).cloned().unwrap_or_else(|| fallback.to_string())
    };
    let mut findings = Vec::new();
    let mut blank = |what: String, location: Location| {
        findings.push(
            Finding::new(
                Code::MissingFormField,
                format!("申报表“{}”中“{what}”未填写（{}）", form.path, location.describe_zh()),
                location,
            )
            .expected(format!("填写{what}"))
            .actual("空白"),
        );
    };
    let whole = || Location::file(&form.path);

    if form.brand_name.as_ref().is_none_or(|f| f.text.trim().is_empty()) {
        blank(label("brand_name", "品牌名称"), form.brand_name.as_ref().map_or_else(whole, |f| in_file(&f.location, &form.path)));
    }
    if form.scopes.is_empty() {
        blank(label("scope", "品牌范围"), whole());
    }
    if form.types.is_empty() {
        blank(label("type", "品牌类型"), whole());
    }
    if form.occupations.iter().all(|f| f.text.trim().is_empty()) {
        blank(label("occupations", "品牌行业或职业(工种)"), form.occupations.first().map_or_else(whole, |f| in_file(&f.location, &form.path)));
    }
    if form.units.iter().all(|f| f.text.trim().is_empty()) {
        blank(label("units", "依托单位"), whole());
    }
    for &year in &ctx.config.rules.round.years {
        for (key, fallback, pick) in figures() {
            let figure = form.year(year).and_then(|y| pick(y).as_ref());
            if is_blank(figure) {
                let location = figure.map_or_else(whole, |f| in_file(&f.location, &form.path));
                blank(format!("{year}年{}", label(key, fallback)), location);
            }
        }
    }
    findings
}

type Pick = fn(&crate::extract::FormYear) -> &Option<crate::extract::Figure>;

fn figures() -> [(&'static str, &'static str, Pick); 3] {
    [
        ("trainees", "培训人数", |y| &y.trainees),
        ("pass_rate", "培训合格率", |y| &y.pass_rate),
        ("employment_rate", "培训后就业率", |y| &y.employment_rate),
    ]
}


#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;

    #[test]
    fn clean_form_is_complete() {
        assert!(Kit::clean().run(run).is_empty());
    }

    #[test]
    fn blank_brand_name_is_reported_at_its_cell() {
        let mut kit = Kit::clean();
        kit.form_mut().brand_name.as_mut().unwrap().text = "  ".into();
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["MISSING_FORM_FIELD"]);
        assert_eq!(findings[0].location.cell.as_deref(), Some("B3"));
        assert!(findings[0].message.contains("品牌名称"));
    }

    #[test]
    fn each_missing_year_figure_is_its_own_finding() {
        let mut kit = Kit::clean();
        kit.form_mut().years.retain(|y| y.year != 2023);
        kit.form_mut().years[0].pass_rate = None;
        let findings = kit.run(run);
        assert_eq!(findings.len(), 4, "2022 pass rate + three 2023 figures");
        assert!(findings.iter().any(|f| f.message.contains("2022年培训合格率")));
        assert!(findings.iter().any(|f| f.message.contains("2023年培训后就业率")));
    }

    #[test]
    fn unparsed_words_are_not_blank() {
        let mut kit = Kit::clean();
        let fig = kit.form_mut().years[0].pass_rate.as_mut().unwrap();
        fig.text = "八成".into();
        fig.value = None;
        assert!(kit.run(run).is_empty());
    }

    #[test]
    fn no_units_and_no_occupation() {
        let mut kit = Kit::clean();
        kit.form_mut().units.clear();
        kit.form_mut().occupations.clear();
        let findings = kit.run(run);
        assert_eq!(findings.len(), 2);
        assert!(findings.iter().all(|f| f.location.path.as_deref() == Some(FORM_DOCX)));
    }

    #[test]
    fn missing_type_row_on_the_editable_form_but_not_on_a_scan() {
        let mut kit = Kit::clean();
        kit.form_mut().types.clear();
        assert_eq!(codes(&kit.run(run)), ["MISSING_FORM_FIELD"]);
        kit.extracted.form_editable = None;
        kit.scan_mut().types.clear();
        kit.scan_mut().brand_name = None;
        assert!(kit.run(run).is_empty(), "OCR not finding a field does not prove it blank");
    }
}

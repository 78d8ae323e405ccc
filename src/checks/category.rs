//! Exactly one 品牌范围 and one 品牌类型 are checked (`CATEGORY_INVALID`).
//!
//! 附件1: "品牌范围 □重点产业人才 □生活服务人才 □乡村振兴人才 □新职业新业态人才" and "品牌类型
//! □行政区域 □行业 □企业 □院校 □其他"; 三 "主要分为四个方向", 四 "培训品牌类型…具备以下条件之一"
//! — a brand is of one scope and one type; thresholds depend on the type. The options are
//! `[form].scopes` / `[form].types`.
//!
//! The form judged is the editable one. Ticks on a scan are read by OCR and misread too
//! often to reject a dossier on; a dossier with only the scan is already rejected for
//! lacking the editable version (MISSING_EDITABLE_VERSION). A form with no such row is
//! `MISSING_FORM_FIELD` (`form_fields.rs`), not this.

use crate::extract::{Checkbox, FormData};
use crate::report::{Code, Finding, Location};

use super::CheckContext;

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    let Some(form) = ctx.extracted.form_editable.as_ref() else { return Vec::new() };
    let mut findings = Vec::new();
    for (what, boxes, options) in [
        ("品牌范围", &form.scopes, &ctx.config.rules.form.scopes),
        ("品牌类型", &form.types, &ctx.config.rules.form.types),
    ] {
        if boxes.is_empty() {
            continue;
        }
        let checked: Vec<&Checkbox> = boxes.iter().filter(|b| b.checked && options.contains(&b.label)).collect();
        if checked.len() != 1 {
            findings.push(finding(form, what, &checked, options));
        }
    }
    findings
}

fn finding(form: &FormData, what: &str, checked: &[&Checkbox], options: &[String]) -> Finding {
    let labels: Vec<&str> = checked.iter().map(|b| b.label.as_str()).collect();
    let found = if labels.is_empty() { "未勾选任何一项".to_string() } else { format!("勾选了{}项：{}", labels.len(), labels.join("、")) };
    let location = checked.get(1).or(checked.first()).map_or_else(|| Location::file(&form.path), |b| super::common::in_file(&b.location, &form.path));
    Finding::new(
        Code::CategoryInvalid,
        format!("申报表“{}”的“{what}”应在（{}）中勾选且只勾选一项，实际{found}", form.path, options.join("、")),
        location,
    )
    .expected("勾选1项")
    .actual(if labels.is_empty() { "未勾选".to_string() } else { labels.join("、") })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;

    fn check(kit: &mut Kit, scope: &[&str], types: &[&str]) {
        for b in kit.form_mut().scopes.iter_mut() {
            b.checked = scope.contains(&b.label.as_str());
        }
        for b in kit.form_mut().types.iter_mut() {
            b.checked = types.contains(&b.label.as_str());
        }
    }

    #[test]
    fn one_scope_and_one_type() {
        assert!(Kit::clean().run(run).is_empty());
    }

    #[test]
    fn two_types_checked() {
        let mut kit = Kit::clean();
        check(&mut kit, &["生活服务人才"], &["行政区域", "行业"]);
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["CATEGORY_INVALID"]);
        assert_eq!(findings[0].actual.as_deref(), Some("行政区域、行业"));
        assert!(findings[0].message.contains("品牌类型"));
    }

    #[test]
    fn no_scope_checked() {
        let mut kit = Kit::clean();
        check(&mut kit, &[], &["企业"]);
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["CATEGORY_INVALID"]);
        assert_eq!(findings[0].actual.as_deref(), Some("未勾选"));
        assert_eq!(findings[0].location.path.as_deref(), Some(FORM_DOCX));
    }

    #[test]
    fn ticks_read_from_a_scan_are_not_judged() {
        let mut kit = Kit::clean();
        kit.extracted.form_editable = None;
        for b in kit.scan_mut().types.iter_mut() {
            b.checked = true;
        }
        assert!(kit.run(run).is_empty());
    }
}

//! Completeness of the catalogue (附件2 申报材料参考目录): the recommendation report
//! (item 1), the 申报表 (item 2) in both its editable and its stamped scanned version, and
//! other evidence (item 4, optional, noted as info). Item 3 (each unit's materials) is
//! `unit_materials.rs`; rosters and tracking tables per year are `coverage.rs`.
//!
//! 附件2: "一、各市人力资源社会保障局…推荐报告…加盖市局公章。二、辽宁省职业技能培训品牌申报表
//! （附件1），加盖市局公章。…四、其他可作为佐证的材料。" and 七(三): "可编辑电子版及扫描 PDF
//! 版一并报送至指定邮箱". Which items exist and which are required is the rules file's
//! `[[catalogue]]`, so a later round changes data, not this file.

use crate::config::CatalogueItem;
use crate::intake::DocKind;
use crate::report::{Code, Finding, Location};

use super::CheckContext;

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    if ctx.nothing_unpacked() {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for item in &ctx.config.rules.catalogue {
        let Some(kind) = DocKind::parse(&item.kind) else { continue };
        match kind {
            DocKind::RecommendationReport if item.required && ctx.extracted.files_of(kind).next().is_none() => {
                findings.push(missing(Code::MissingRecommendationReport, item));
            }
            DocKind::ApplicationForm => findings.extend(form_versions(ctx, item)),
            DocKind::OtherEvidence if ctx.extracted.files_of(kind).next().is_none() => {
                findings.push(missing(Code::MissingOtherEvidence, item));
            }
            _ => {}
        }
    }
    findings
}

fn missing(code: Code, item: &CatalogueItem) -> Finding {
    let need = if item.required { "为必备材料" } else { "为可选材料" };
    Finding::new(
        code,
        format!("申报材料中未找到“{}”（附件2第{}项，{need}）。依据：{}", item.title, item.item, item.clause),
        Location::default(),
    )
    .expected(&item.title)
    .actual("未提交")
}

/// The 申报表: present at all, then present as an editable file and as a scan.
fn form_versions(ctx: &CheckContext, item: &CatalogueItem) -> Vec<Finding> {
    let forms: Vec<_> = ctx.extracted.files_of(DocKind::ApplicationForm).collect();
    let editable = forms.iter().find(|f| f.format.is_editable()).map(|f| f.path.as_str());
    let scanned = forms.iter().find(|f| f.format == crate::intake::Format::Pdf || f.format.is_image()).map(|f| f.path.as_str());
    let editable = editable.or(ctx.extracted.form_editable.as_ref().map(|f| f.path.as_str()));
    let scanned = scanned.or(ctx.extracted.form_scanned.as_ref().map(|f| f.path.as_str()));
    match (editable, scanned) {
        (None, None) if item.required => vec![missing(Code::MissingApplicationForm, item)],
        (None, None) => Vec::new(),
        (None, Some(scan)) => vec![Finding::new(
            Code::MissingEditableVersion,
            format!(
                "申报表仅有扫描件“{scan}”，未提交可编辑电子版（Word/Excel/WPS）。依据：七(三) 可编辑电子版及扫描PDF版一并报送"
            ),
            Location::file(scan),
        )
        .expected("可编辑电子版（.docx/.doc/.xlsx/.xls/.wps/.et）")
        .actual("仅有扫描件")],
        (Some(editable), None) => vec![Finding::new(
            Code::MissingScannedVersion,
            format!(
                "申报表仅有可编辑文件“{editable}”，未提交加盖市局公章的扫描PDF版。依据：七(三) 可编辑电子版及扫描PDF版一并报送；附件2 二、申报表加盖市局公章"
            ),
            Location::file(editable),
        )
        .expected("加盖公章的扫描版（PDF或图片）")
        .actual("仅有可编辑文件")],
        (Some(_), Some(_)) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::intake::Format;

    #[test]
    fn clean_dossier_has_nothing_missing() {
        assert_eq!(codes(&Kit::clean().run(run)), Vec::<&str>::new());
    }

    #[test]
    fn missing_report_is_an_error_naming_the_item() {
        let mut kit = Kit::clean();
        kit.extracted.files.retain(|f| f.kind != DocKind::RecommendationReport);
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["MISSING_RECOMMENDATION_REPORT"]);
        assert!(findings[0].message.contains("市局推荐报告") && findings[0].message.contains("第1项"), "{}", findings[0].message);
    }

    #[test]
    fn no_form_at_all_is_one_finding_not_three() {
        let mut kit = Kit::clean();
        kit.extracted.files.retain(|f| f.kind != DocKind::ApplicationForm);
        kit.extracted.form_editable = None;
        kit.extracted.form_scanned = None;
        assert_eq!(codes(&kit.run(run)), ["MISSING_APPLICATION_FORM"]);
    }

    #[test]
    fn scan_only_form_lacks_the_editable_version() {
        let mut kit = Kit::clean();
        kit.extracted.files.retain(|f| !(f.kind == DocKind::ApplicationForm && f.format.is_editable()));
        kit.extracted.form_editable = None;
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["MISSING_EDITABLE_VERSION"]);
        assert_eq!(findings[0].location.path.as_deref(), Some(FORM_PDF));
    }

    #[test]
    fn editable_only_form_lacks_the_scan_even_as_wps() {
        let mut kit = Kit::clean();
        kit.extracted.files.retain(|f| f.kind != DocKind::ApplicationForm);
        kit.extracted.form_editable = None;
        kit.extracted.form_scanned = None;
        // A .wps the product cannot read still is the editable version.
        kit.extracted.files.push(file("2.申报表.wps", Format::Wps, DocKind::ApplicationForm));
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["MISSING_SCANNED_VERSION"]);
        assert_eq!(findings[0].location.path.as_deref(), Some("2.申报表.wps"));
    }

    #[test]
    fn image_scan_counts_as_the_scanned_version() {
        let mut kit = Kit::clean();
        kit.extracted.files.retain(|f| !(f.kind == DocKind::ApplicationForm && f.format == Format::Pdf));
        kit.extracted.form_scanned = None;
        kit.extracted.files.push(file("2.申报表.jpg", Format::Jpeg, DocKind::ApplicationForm));
        assert!(kit.run(run).is_empty());
    }

    #[test]
    fn an_archive_that_yielded_nothing_is_not_listed_item_by_item() {
        assert!(Kit::empty().run(run).is_empty());
        assert!(Kit::empty().run(crate::checks::coverage::run).is_empty());
        assert!(Kit::empty().run(crate::checks::unit_materials::run).is_empty());
    }

    #[test]
    fn missing_other_evidence_is_info_only() {
        let mut kit = Kit::clean();
        kit.extracted.files.retain(|f| f.kind != DocKind::OtherEvidence);
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["MISSING_OTHER_EVIDENCE"]);
        assert_eq!(findings[0].severity, crate::report::Severity::Info);
    }
}

//! Each 依托单位 named in the form has materials of its own (`MISSING_UNIT_MATERIALS`), and
//! no unit submitted materials without being named in the form (`UNIT_LIST_MISMATCH`).
//!
//! 附件2 三: "各依托单位培训、就业、人才培养、工作特色等情况，重点写明前 2 个自然年度工作开展
//! 情况，列明主要数据，附培训人员名单和就业跟踪情况表等…加盖依托单位公章。"
//!
//! A unit's materials are the `unit_material` files whose path names it, else whose seals
//! name it, else whose first page's head (the title) names it. Names are compared on their distinctive part: the unit name without the
//! city and without the generic words of `[matching].unit_generic_words` (有限公司, 培训学校…),
//! found as a run of at least `tolerances.unit_match_min_similarity` of its characters —
//! so "巧嫂家政/" names 沈阳市巧嫂家政服务有限公司, and one OCR error does not hide a unit.

use crate::domain::names::{normalize, title, UnitName};
use crate::extract::ExtractedFile;
use crate::intake::DocKind;
use crate::report::{Code, Finding, Location};

use super::CheckContext;

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    if ctx.nothing_unpacked() {
        return Vec::new();
    }
    let materials: Vec<&ExtractedFile> = ctx.extracted.files_of(DocKind::UnitMaterial).collect();
    let required = ctx.config.rules.catalogue.iter().any(|item| item.kind == "unit_material" && item.required);
    let units = ctx.extracted.form().map(|form| form.units.as_slice()).unwrap_or_default();
    let form_path = ctx.extracted.form().map(|form| form.path.as_str()).unwrap_or_default();
    let units: Vec<_> = units.iter().filter(|u| !u.text.trim().is_empty()).collect();

    if materials.is_empty() && required {
        let named: Vec<&str> = units.iter().map(|u| u.text.as_str()).collect();
        let mut findings = Vec::new();
        if named.is_empty() {
            findings.push(
                Finding::new(
                    Code::MissingUnitMaterials,
                    "申报材料中未找到任何依托单位材料（附件2第3项：各依托单位培训、就业等情况，加盖依托单位公章）",
                    Location::default(),
                )
                .expected("依托单位材料")
                .actual("未提交"),
            );
        }
        for unit in units {
            findings.push(missing(unit, form_path));
        }
        return findings;
    }

    let keys: Vec<UnitName> = units.iter().map(|u| UnitName::new(&u.text, &ctx.config.rules)).collect();
    let threshold = ctx.config.settings.tolerances.unit_match_min_similarity;
    // Whose materials each file is.
    let owners: Vec<(&ExtractedFile, Vec<usize>)> = materials.iter().map(|f| (*f, owners_of(f, &keys, threshold))).collect();

    let mut findings = Vec::new();
    for (index, unit) in units.iter().enumerate() {
        if !owners.iter().any(|(_, owners)| owners.contains(&index)) {
            findings.push(missing(unit, form_path));
        }
    }
    if keys.is_empty() {
        return findings;
    }
    let listed: Vec<&str> = units.iter().map(|u| u.text.as_str()).collect();
    for (file, owners) in &owners {
        // An unreadable file says nothing about whose it is: FILE_UNREADABLE covers it.
        if !owners.is_empty() || file.unreadable.is_some() || (file.pages.iter().all(|p| p.text.trim().is_empty()) && !has_folder(&file.path)) {
            continue;
        }
        let sealed_by: Vec<&str> = file.pages.iter().flat_map(|p| &p.seals).filter_map(|s| s.text.as_deref()).collect();
        let seal_note = if sealed_by.is_empty() { String::new() } else { format!("（材料所盖印章：{}）", sealed_by.join("、")) };
        findings.push(
            Finding::new(
                Code::UnitListMismatch,
                format!(
                    "依托单位材料“{}”未对应申报表所列的任何依托单位{seal_note}；申报表所列依托单位为：{}",
                    file.path,
                    listed.join("、")
                ),
                Location::file(&file.path),
            )
            .expected(listed.join("、"))
            .actual(if sealed_by.is_empty() { file.path.clone() } else { sealed_by.join("、") }),
        );
    }
    findings
}

/// The units (indexes into `keys`) a file belongs to: those its path names; else those
/// its seals name; else those the head of its first page (the title) names. The path
/// decides first because a unit's report may well mention the other units in its text.
fn owners_of(file: &ExtractedFile, keys: &[UnitName], threshold: f64) -> Vec<usize> {
    let by = |haystack: &str| -> Vec<usize> { (0..keys.len()).filter(|&i| keys[i].found_in(haystack, threshold)).collect() };
    let from_path = by(&normalize(&file.path));
    if !from_path.is_empty() {
        return from_path;
    }
    let seals: String = file.pages.iter().flat_map(|p| &p.seals).filter_map(|s| s.text.as_deref()).collect::<Vec<_>>().join(" ");
    let from_seals = by(&normalize(&seals));
    if !from_seals.is_empty() {
        return from_seals;
    }
    let head = file.pages.first().map(|p| title(&p.text)).unwrap_or_default();
    by(&normalize(head))
}

fn missing(unit: &crate::extract::Field, form_path: &str) -> Finding {
    let location = super::common::in_file(&unit.location, form_path);
    Finding::new(
        Code::MissingUnitMaterials,
        format!(
            "申报表所列依托单位“{}”（{}）没有自己的材料：未找到文件名、内容或印章提及该单位的依托单位材料（附件2第3项，应加盖依托单位公章）",
            unit.text,
            location.describe_zh()
        ),
        location.clone(),
    )
    .expected(format!("“{}”的依托单位材料", unit.text))
    .actual("未找到")
}

fn has_folder(path: &str) -> bool {
    path.contains('/')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::intake::Format;

    fn second_unit(kit: &mut Kit, name: &str) {
        let location = kit.form_mut().units[0].location.clone();
        kit.form_mut().units.push(crate::extract::Field { text: name.into(), location: Location { cell: Some("B8".into()), ..location } });
    }

    #[test]
    fn clean_dossier_has_materials_for_its_unit() {
        assert!(Kit::clean().run(run).is_empty());
    }

    #[test]
    fn unit_without_materials_is_reported_at_its_form_cell() {
        let mut kit = Kit::clean();
        second_unit(&mut kit, "沈阳市金牌职业培训学校");
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["MISSING_UNIT_MATERIALS"]);
        assert_eq!(findings[0].location.cell.as_deref(), Some("B8"));
        assert!(findings[0].message.contains("沈阳市金牌职业培训学校"));
    }

    #[test]
    fn folder_with_short_name_counts_as_the_units_materials() {
        let mut kit = Kit::clean();
        second_unit(&mut kit, "沈阳市金牌职业培训学校");
        kit.extracted.files.push(file("3.依托单位材料/金牌培训/情况.pdf", Format::Pdf, DocKind::UnitMaterial));
        assert!(kit.run(run).is_empty());
    }

    #[test]
    fn ocr_error_in_the_text_does_not_hide_the_unit() {
        let mut kit = Kit::clean();
        kit.extracted.files.retain(|f| f.kind != DocKind::UnitMaterial);
        kit.extracted.files.push(with_text(file("scan0003.pdf", Format::Pdf, DocKind::UnitMaterial), "沈阳市巧螋家政服务有限公司工作情况"));
        assert!(kit.run(run).is_empty());
    }

    #[test]
    fn materials_of_an_unlisted_unit_are_a_list_mismatch() {
        let mut kit = Kit::clean();
        kit.extracted.files.push(with_text(
            file("3.依托单位材料/大连海韵职业技能培训学校/情况.pdf", Format::Pdf, DocKind::UnitMaterial),
            "大连海韵职业技能培训学校2022年培训工作情况",
        ));
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["UNIT_LIST_MISMATCH"]);
        assert_eq!(findings[0].location.path.as_deref(), Some("3.依托单位材料/大连海韵职业技能培训学校/情况.pdf"));
    }

    #[test]
    fn no_unit_materials_at_all() {
        let mut kit = Kit::clean();
        kit.extracted.files.retain(|f| f.kind != DocKind::UnitMaterial);
        assert_eq!(codes(&kit.run(run)), ["MISSING_UNIT_MATERIALS"]);
        kit.extracted.form_editable = None;
        kit.extracted.form_scanned = None;
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["MISSING_UNIT_MATERIALS"]);
        assert!(findings[0].location.path.is_none());
    }

    #[test]
    fn a_report_mentioning_another_unit_is_still_only_its_own() {
        let mut kit = Kit::clean();
        second_unit(&mut kit, "沈阳市金牌职业培训学校");
        // The listed unit's report names its partner, which submitted nothing itself.
        let unit_report = kit.extracted.files.iter_mut().find(|f| f.kind == DocKind::UnitMaterial).unwrap();
        unit_report.pages[0].text.push_str("，与沈阳市金牌职业培训学校联合开展培训");
        assert_eq!(codes(&kit.run(run)), ["MISSING_UNIT_MATERIALS"]);
    }

    #[test]
    fn seal_text_names_the_unit_of_a_scan_with_no_name() {
        let mut kit = Kit::clean();
        kit.extracted.files.retain(|f| f.kind != DocKind::UnitMaterial);
        let mut scan = with_text(file("scan0005.pdf", Format::Pdf, DocKind::UnitMaterial), "培训就业情况报告");
        scan.pages[0].seals.push(crate::seals::Seal {
            page: 1,
            bbox: [0, 0, 10, 10],
            confidence: 0.9,
            text: Some("沈阳市巧嫂家政服务有限公司".into()),
            read_by: Some(crate::seals::ReadBy::Ocr),
            text_confidence: 0.9,
            readings: Vec::new(),
            verdicts: Vec::new(),
            issuer_check: None,
            ring: None,
            strip: None,
            crop_png: Vec::new(),
            signature: Vec::new(),
            centre: [5.0, 5.0],
            radii: [5.0, 5.0],
        });
        kit.extracted.files.push(scan);
        assert!(kit.run(run).is_empty());
    }
}

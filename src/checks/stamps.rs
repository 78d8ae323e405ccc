//! Official seals on the documents that must carry them: `MISSING_STAMP`,
//! `STAMP_ISSUER_MISMATCH`, `STAMP_ISSUER_UNCONFIRMED` and `STAMP_DUPLICATED_IMAGE`.
//!
//! 附件2: "一、…推荐报告…加盖市局公章"; "二、辽宁省职业技能培训品牌申报表（附件1），加盖市局公章";
//! "三、各依托单位…情况…加盖依托单位公章". Whose seal each document kind needs is the
//! rules file's `[[catalogue]] stamp`; whose seal each impression is was judged before
//! the checks (`seals::whose`). Only documents that have page images are judged: an
//! editable DOCX/XLSX is never stamped (七(三) asks for it next to the stamped scan).
//!
//! Copies: every two impressions of the dossier are compared (`seals::copies`); real
//! inkings always differ, so two that are the same image after alignment are flagged.
//! Two byte-identical files (the same scan put in two folders) are one document, not a
//! copy, and are not compared with each other; nor are two electronic seals (pictures
//! on text PDF pages), one picture by design.

use crate::config::Config;
use crate::extract::{Extracted, ExtractedFile, TextSource};
use crate::report::{Code, Finding, Location};
use crate::seals::whose::{self, Bodies, Whose};
use crate::seals::{copies, read, IssuerCheck, Seal};

use super::CheckContext;

pub fn check(ctx: &CheckContext) -> Vec<Finding> {
    let mut findings = Vec::new();
    let bodies = Bodies::of(ctx.extracted, ctx.config);
    for file in &ctx.extracted.files {
        let Some((whose, title)) = Whose::of(file, ctx.config) else { continue };
        let Some(last_page) = file.pages.iter().filter(|p| p.width > 0 && p.height > 0).map(|p| p.number).max() else {
            continue;
        };
        let seals: Vec<&Seal> = file.pages.iter().flat_map(|p| p.seals.iter()).collect();
        if seals.is_empty() {
            findings.push(missing(file, title, whose, &bodies, last_page));
            continue;
        }
        if let Some(finding) = issuer(file, &seals, whose, &bodies, ctx.config) {
            findings.push(finding);
        }
    }
    findings.extend(duplicates(ctx.extracted, ctx.config.settings.seals.duplicate_similarity));
    findings
}

fn missing(file: &ExtractedFile, title: &str, whose: Whose, bodies: &Bodies, page: u32) -> Finding {
    let label = bodies.label(whose);
    Finding::new(
        Code::MissingStamp,
        format!("文件“{}”（{title}）应加盖{label}，但在各页图像上均未发现公章；应盖章处为第{page}页落款处", file.path),
        Location::page(&file.path, page),
    )
    .expected(format!("加盖{label}"))
    .actual("未发现公章")
}

/// The finding, if any, on whose seals a document carries: none when any seal was
/// recognised as a wanted body's (`seal.issuer_check`, judged by `seals::whose`); a
/// mismatch when one is another body's; else, when a seal was judged but could not be
/// told, a note that a reviewer must compare it by eye.
fn issuer(file: &ExtractedFile, seals: &[&Seal], whose: Whose, bodies: &Bodies, config: &Config) -> Option<Finding> {
    let wanted = bodies.wanted(whose);
    if wanted.is_empty() || seals.iter().any(|s| s.issuer_check == Some(IssuerCheck::Confirmed)) {
        return None;
    }
    let label = bodies.label(whose);
    // `seals::whose` judged which seals are another body's; only the wording is made here.
    let mut others = seals.iter().filter(|s| s.issuer_check == Some(IssuerCheck::OtherBody));
    if let Some((seal, accused)) = others.find_map(|s| whose::accusation(s, &wanted, &config.settings.seals).map(|a| (s, a))) {
        return Some(mismatch(file, seal, &accused, label));
    }
    let mut unsure: Vec<u32> = seals.iter().filter(|s| s.issuer_check == Some(IssuerCheck::Unconfirmed)).map(|s| s.page).collect();
    unsure.dedup();
    let first = *unsure.first()?;
    let pages = unsure.iter().map(|p| format!("第{p}页")).collect::<Vec<_>>().join("、");
    Some(
        Finding::new(
            Code::StampIssuerUnconfirmed,
            format!(
                "文件“{}”{pages}有公章，但印文模糊、残缺或被遮挡，未能确认是{label}（也未发现是其他单位的公章）；请对照报告中的印章截图人工核对盖章单位",
                file.path
            ),
            Location::page(&file.path, first),
        )
        .expected(format!("可辨认为{label}"))
        .actual("印文无法辨认"),
    )
}

fn mismatch(file: &ExtractedFile, seal: &Seal, accused: &whose::Accusation, label: String) -> Finding {
    let read = if accused.text.is_empty() { "未能识别出文字".to_string() } else { format!("识别为“{}”", accused.text) };
    let (named, actual) = match &accused.other {
        Some((other, read::Basis::Reading)) => (format!("，其中可辨认出“{other}”特有的文字，而无应盖单位特有的文字"), format!("{other}公章（印文{read}）")),
        Some((other, read::Basis::Shape)) => (format!("；逐字比对字形，印文明显更像“{other}”，而不像应盖单位的名称"), format!("{other}公章（字形比对；印文{read}）")),
        None => (String::new(), format!("印文{read}")),
    };
    Finding::new(
        Code::StampIssuerMismatch,
        format!("文件“{}”第{}页的公章印文{read}{named}，与应盖的{label}不符，请人工核对盖章单位", file.path, seal.page),
        Location::page(&file.path, seal.page),
    )
    .expected(label)
    .actual(actual)
}

/// Pairs of impressions that are one image. Two seals both on text pages of electronic
/// documents (embedded pictures, not scans) are not compared: an electronic seal (电子公章)
/// is one picture by design, and its reuse is no sign of a copy (docs/spec/findings.md).
fn duplicates(extracted: &Extracted, threshold: f64) -> Vec<Finding> {
    let all: Vec<(&ExtractedFile, &Seal, bool)> = extracted
        .files
        .iter()
        .flat_map(|f| f.pages.iter().flat_map(move |p| p.seals.iter().map(move |s| (f, s, p.source == TextSource::Text))))
        .filter(|(_, s, _)| !s.signature.is_empty())
        .collect();
    let prepared: Vec<Option<copies::Prepared>> = all.iter().map(|(_, s, _)| copies::prepare(&s.signature)).collect();
    let mut findings = Vec::new();
    for i in 0..all.len() {
        for j in i + 1..all.len() {
            let ((fa, a, electronic_a), (fb, b, electronic_b)) = (all[i], all[j]);
            if fa.path != fb.path && fa.sha256 == fb.sha256 {
                continue;
            }
            if electronic_a && electronic_b {
                continue;
            }
            let (Some(pa), Some(pb)) = (&prepared[i], &prepared[j]) else { continue };
            let score = copies::similarity_prepared(pa, pb);
            if score < threshold {
                continue;
            }
            let (la, lb) = (Location::page(&fa.path, a.page), Location::page(&fb.path, b.page));
            findings.push(
                Finding::new(
                    Code::StampDuplicatedImage,
                    format!(
                        "{}的公章与{}的公章印迹几乎完全一致（相似度{:.3}）。同一枚公章每次盖印的墨迹都会不同，两处一致说明其中至少一处是复制粘贴的印章图像",
                        la.describe_zh(),
                        lb.describe_zh(),
                        score
                    ),
                    la,
                )
                .expected("每次盖章的印迹各不相同")
                .actual(format!("与{}的印迹一致", lb.describe_zh())),
            );
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{Field, FileMetadata, FormData, FormVersion, Page, TextSource};
    use crate::intake::{DocKind, Format};

    fn config() -> Config {
        Config::builtin().expect("built-in config")
    }

    /// A ring-like signature with pseudo-random ink blotches (`seed` = one inking).
    fn signature(seed: u64) -> Vec<u8> {
        let side = copies::SIDE;
        let c = side as f64 / 2.0;
        let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let mut out = vec![0u8; side * side];
        for y in 0..side {
            for x in 0..side {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let r = ((x as f64 - c).powi(2) + (y as f64 - c).powi(2)).sqrt();
                let ink = (52.0..58.0).contains(&r) || (r < 40.0 && (x / 6 + y / 9) % 3 == 0);
                if ink && !(state >> 33).is_multiple_of(4) {
                    out[y * side + x] = 180;
                }
            }
        }
        out
    }

    fn seal(page: u32, text: Option<&str>, sig: Vec<u8>) -> Seal {
        Seal {
            page,
            bbox: [800, 1300, 250, 250],
            confidence: 0.95,
            text: text.map(str::to_string),
            read_by: text.map(|_| crate::seals::ReadBy::Ocr),
            text_confidence: if text.is_some() { 0.9 } else { 0.0 },
            readings: text.map(str::to_string).into_iter().collect(),
            verdicts: Vec::new(),
            issuer_check: None,
            ring: None,
            strip: None,
            crop_png: Vec::new(),
            signature: sig,
            centre: [925.0, 1425.0],
            radii: [125.0, 125.0],
        }
    }

    fn page(number: u32, width: u32, seals: Vec<Seal>) -> Page {
        Page { number, text: String::new(), source: TextSource::Ocr, confidence: Some(0.9), words: Vec::new(), width, height: width * 1414 / 1000, seals }
    }

    fn file(path: &str, kind: DocKind, format: Format, pages: Vec<Page>) -> ExtractedFile {
        ExtractedFile {
            path: path.to_string(),
            sha256: crate::intake::sha256_hex(path.as_bytes()),
            format,
            kind,
            classified_by: Vec::new(),
            pages,
            sheets: Vec::new(),
            metadata: FileMetadata::default(),
            unreadable: None,
        }
    }

    fn field(text: &str) -> Field {
        Field { text: text.to_string(), location: Location::file("申报表.docx") }
    }

    fn form() -> FormData {
        FormData {
            path: "申报表.docx".into(),
            version: FormVersion::Editable,
            applicant: Some(field("沈阳市人力资源和社会保障局")),
            brand_name: Some(field("沈阳月嫂")),
            scopes: Vec::new(),
            types: Vec::new(),
            occupations: Vec::new(),
            units: vec![field("沈阳阳光家政服务职业培训学校")],
            years: Vec::new(),
            summary: None,
        }
    }

    fn run(files: Vec<ExtractedFile>) -> Vec<Finding> {
        run_with(files, form())
    }

    /// The seals judged (`seals::whose`, on their given readings: these have no ring to
    /// OCR and no strip to compare) and then checked, as `verify` does.
    fn run_with(files: Vec<ExtractedFile>, form: FormData) -> Vec<Finding> {
        let mut extracted = Extracted { files, form_editable: Some(form), ..Extracted::default() };
        let config = config();
        crate::seals::whose::attribute(&mut extracted, &config);
        let ctx = CheckContext { extracted: &extracted, config: &config, received_on: chrono::NaiveDate::from_ymd_opt(2024, 1, 22).unwrap() };
        check(&ctx)
    }

    #[test]
    fn unstamped_scanned_report_is_missing_its_stamp_on_the_last_page() {
        let findings = run(vec![file("推荐报告.pdf", DocKind::RecommendationReport, Format::Pdf, vec![page(1, 1654, vec![]), page(2, 1654, vec![])])]);
        insta::assert_json_snapshot!(findings);
    }

    #[test]
    fn editable_form_is_never_expected_to_carry_a_seal() {
        let findings = run(vec![file("申报表.docx", DocKind::ApplicationForm, Format::Docx, vec![page(1, 0, vec![])])]);
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn roster_needs_no_seal() {
        let findings = run(vec![file("名单.pdf", DocKind::TrainingRoster, Format::Pdf, vec![page(1, 1654, vec![])])]);
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn the_right_bureau_read_with_ocr_noise_passes() {
        let pages = vec![page(1, 1654, vec![seal(1, Some("口沈阳市人力资漂和社会保障局"), signature(1))])];
        let findings = run(vec![file("推荐报告.pdf", DocKind::RecommendationReport, Format::Pdf, pages)]);
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn a_neighbouring_citys_bureau_is_a_mismatch() {
        let pages = vec![page(1, 1654, vec![seal(1, Some("大连市人力资源和社会保障局"), signature(1))])];
        let findings = run(vec![file("推荐报告.pdf", DocKind::RecommendationReport, Format::Pdf, pages)]);
        insta::assert_json_snapshot!(findings);
    }

    #[test]
    fn a_training_school_stamping_the_report_is_a_mismatch() {
        let pages = vec![page(1, 1654, vec![seal(1, Some("沈阳阳光家政服务职业培训学校"), signature(1))])];
        let findings = run(vec![file("推荐报告.pdf", DocKind::RecommendationReport, Format::Pdf, pages)]);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].code, Code::StampIssuerMismatch);
    }

    fn codes(findings: &[Finding]) -> Vec<Code> {
        findings.iter().map(|f| f.code).collect()
    }

    /// Unreadable rings accuse nobody; the reviewer is told which page's seals could not
    /// be confirmed, to compare them by eye.
    #[test]
    fn an_unreadable_ring_is_not_called_a_mismatch_but_left_to_the_reviewer() {
        let pages = vec![page(1, 1654, vec![]), page(2, 1654, vec![seal(2, Some("口人"), signature(1)), seal(2, None, signature(2))])];
        let findings = run(vec![file("推荐报告.pdf", DocKind::RecommendationReport, Format::Pdf, pages)]);
        assert_eq!(codes(&findings), vec![Code::StampIssuerUnconfirmed], "{findings:?}");
        let finding = &findings[0];
        assert_eq!(finding.location, Location::page("推荐报告.pdf", 2));
        assert!(finding.message.contains("文件“推荐报告.pdf”第2页有公章") && finding.message.contains("未能确认是沈阳市人力资源和社会保障局公章"), "{}", finding.message);
        assert_eq!((finding.expected.as_deref(), finding.actual.as_deref()), (Some("可辨认为沈阳市人力资源和社会保障局公章"), Some("印文无法辨认")));
    }

    /// One confirmed seal is enough: a second, illegible impression on the document is
    /// not noted.
    #[test]
    fn an_illegible_second_seal_beside_a_confirmed_one_is_not_noted() {
        let pages = vec![page(1, 1654, vec![seal(1, None, signature(1)), seal(1, Some("沈阳市人力资源和社会保障局"), signature(2))])];
        let findings = run(vec![file("推荐报告.pdf", DocKind::RecommendationReport, Format::Pdf, pages)]);
        assert!(findings.is_empty(), "{findings:?}");
    }

    /// Each judged seal carries its check for the report; seals on documents that need
    /// none carry no check.
    #[test]
    fn each_judged_seal_says_whether_it_is_the_wanted_bodys() {
        let mut garbled = seal(1, Some("这中产估力忠市稳夫会充员"), signature(3));
        garbled.text_confidence = 0.25;
        let report = vec![page(1, 1654, vec![seal(1, Some("沈阳市人力资源和社会保障局"), signature(1)), seal(1, Some("大连市人力资源和社会保障局"), signature(2)), garbled])];
        let roster = vec![page(1, 1654, vec![seal(1, Some("沈阳市人力资源和社会保障局"), signature(4))])];
        let mut extracted = Extracted {
            files: vec![file("推荐报告.pdf", DocKind::RecommendationReport, Format::Pdf, report), file("名单.pdf", DocKind::TrainingRoster, Format::Pdf, roster)],
            form_editable: Some(form()),
            ..Extracted::default()
        };
        crate::seals::whose::attribute(&mut extracted, &config());
        let checks: Vec<Vec<Option<IssuerCheck>>> = extracted.files.iter().map(|f| f.pages[0].seals.iter().map(|s| s.issuer_check).collect()).collect();
        assert_eq!(checks, vec![vec![Some(IssuerCheck::Confirmed), Some(IssuerCheck::OtherBody), Some(IssuerCheck::Unconfirmed)], vec![None]]);
    }

    #[test]
    fn a_garbled_low_confidence_reading_is_not_called_a_mismatch() {
        let mut worn = seal(1, Some("这中产估力忠市稳夫会充员"), signature(1));
        worn.text_confidence = 0.25;
        let findings = run(vec![file("推荐报告.pdf", DocKind::RecommendationReport, Format::Pdf, vec![page(1, 1654, vec![worn])])]);
        assert_eq!(codes(&findings), vec![Code::StampIssuerUnconfirmed], "{findings:?}");
    }

    /// A unit's seal on the report, worn: only a few letters read, at low confidence, but
    /// two of them are the unit's own (中心 in no bureau's name) and none the bureau's.
    #[test]
    fn a_worn_unit_seal_on_the_report_is_named_by_its_own_letters() {
        let mut worn = seal(1, Some("章基阅本相助六着中心一"), signature(1));
        worn.text_confidence = 0.3;
        let mut extracted_form = form();
        extracted_form.units = vec![field("沈阳市医药行业协会培训中心")];
        let findings = run_with(vec![file("推荐报告.pdf", DocKind::RecommendationReport, Format::Pdf, vec![page(1, 1654, vec![worn])])], extracted_form);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].code, Code::StampIssuerMismatch);
        assert!(findings[0].message.contains("沈阳市医药行业协会培训中心") && findings[0].message.contains("沈阳市人力资源和社会保障局"), "{}", findings[0].message);
    }

    /// One misread letter of a neighbour city (人 worn into 大) accuses nobody.
    #[test]
    fn one_letter_of_another_city_is_not_a_mismatch() {
        let mut worn = seal(1, Some("名信访大福需涡汪会全全局"), signature(1));
        worn.text_confidence = 0.3;
        let findings = run(vec![file("推荐报告.pdf", DocKind::RecommendationReport, Format::Pdf, vec![page(1, 1654, vec![worn])])]);
        assert_eq!(codes(&findings), vec![Code::StampIssuerUnconfirmed], "{findings:?}");
    }

    #[test]
    fn any_of_the_readings_may_match() {
        let mut s = seal(1, Some("这时产人力贵宙克让会所多届"), signature(1));
        s.readings = vec![s.text.clone().unwrap(), "沈阳市人力资源和社会保障局".into()];
        let findings = run(vec![file("推荐报告.pdf", DocKind::RecommendationReport, Format::Pdf, vec![page(1, 1654, vec![s])])]);
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn unit_materials_are_matched_against_the_forms_units() {
        let good = vec![page(1, 1654, vec![seal(1, Some("沈阳阳光家政服务职业培训学挍"), signature(1))])];
        let bad = vec![page(1, 1654, vec![seal(1, Some("锦州市职业技能培训中心"), signature(2))])];
        let findings = run(vec![
            file("依托单位/阳光.pdf", DocKind::UnitMaterial, Format::Pdf, good),
            file("依托单位/其他.pdf", DocKind::UnitMaterial, Format::Pdf, bad),
        ]);
        assert_eq!(findings.iter().map(|f| (f.code, f.location.path.as_deref())).collect::<Vec<_>>(), vec![(Code::StampIssuerMismatch, Some("依托单位/其他.pdf"))]);
    }

    #[test]
    fn a_pasted_seal_is_flagged_with_both_places_and_re_inkings_are_not() {
        let sig = signature(7);
        let files = vec![
            file("推荐报告.pdf", DocKind::RecommendationReport, Format::Pdf, vec![page(1, 1654, vec![seal(1, Some("沈阳市人力资源和社会保障局"), sig.clone())])]),
            file("申报表.pdf", DocKind::ApplicationForm, Format::Pdf, vec![page(1, 1654, vec![]), page(2, 1654, vec![seal(2, Some("沈阳市人力资源和社会保障局"), sig)])]),
            file("附件.pdf", DocKind::OtherEvidence, Format::Pdf, vec![page(1, 1654, vec![seal(1, Some("沈阳市人力资源和社会保障局"), signature(8))])]),
        ];
        let findings = run(files);
        insta::assert_json_snapshot!(findings);
    }

    /// One electronic seal picture on two text PDFs is how electronic seals work, not a
    /// copy; the same picture on a scanned page and a text page is a copy.
    #[test]
    fn an_electronic_seal_reused_on_text_pdfs_is_not_a_copy() {
        let sig = signature(7);
        let text_page = |n: u32, s: Seal| Page { source: TextSource::Text, ..page(n, 1654, vec![s]) };
        let files = vec![
            file("推荐报告.pdf", DocKind::RecommendationReport, Format::Pdf, vec![text_page(1, seal(1, Some("沈阳市人力资源和社会保障局"), sig.clone()))]),
            file("申报表.pdf", DocKind::ApplicationForm, Format::Pdf, vec![text_page(1, seal(1, Some("沈阳市人力资源和社会保障局"), sig.clone()))]),
        ];
        let findings = run(files);
        assert!(findings.is_empty(), "{findings:?}");
        let files = vec![
            file("推荐报告.pdf", DocKind::RecommendationReport, Format::Pdf, vec![text_page(1, seal(1, Some("沈阳市人力资源和社会保障局"), sig.clone()))]),
            file("申报表.pdf", DocKind::ApplicationForm, Format::Pdf, vec![page(1, 1654, vec![seal(1, Some("沈阳市人力资源和社会保障局"), sig)])]),
        ];
        let codes: Vec<Code> = run(files).iter().map(|f| f.code).collect();
        assert_eq!(codes, vec![Code::StampDuplicatedImage]);
    }

    #[test]
    fn one_scan_filed_twice_is_not_a_copy() {
        let sig = signature(7);
        let mut a = file("推荐报告.pdf", DocKind::RecommendationReport, Format::Pdf, vec![page(1, 1654, vec![seal(1, Some("沈阳市人力资源和社会保障局"), sig.clone())])]);
        let mut b = file("备份/推荐报告.pdf", DocKind::RecommendationReport, Format::Pdf, vec![page(1, 1654, vec![seal(1, Some("沈阳市人力资源和社会保障局"), sig)])]);
        a.sha256 = "same".into();
        b.sha256 = "same".into();
        assert!(run(vec![a, b]).is_empty());
    }
}

//! The editable 申报表 and its stamped scan say the same thing (`FORM_VERSION_MISMATCH`):
//! brand name, 品牌行业或职业(工种), each 依托单位, the checked 品牌范围 / 品牌类型 boxes and
//! every figure of the 培训情况 table.
//!
//! 七(三): "将推荐报告、附件表格及相关佐证材料加盖公章后…报送…可编辑电子版及扫描 PDF 版一并报送"
//! — the two are one document; a scan that differs means the stamped paper is not what
//! was typed.
//!
//! The scan is read by OCR, and its reader misplaces and misreads cells, so a typed name
//! (brand, each occupation, each unit) must appear somewhere in the scan's OCR text to
//! `tolerances.text_match_min_similarity` (approximate search: noise and one misread
//! character are always forgiven, a different name is not, and a character of a word OCR
//! itself doubted — confidence under `ocr::UNSURE_WORD` — matches any: a guess is no
//! evidence); field is compared with field only when the scan's text is not at hand.
//! Figures must be equal, read at the precision the editable form prints (OCR adds
//! digits: 62.9% read as 62.99%), ignoring digits added or lost around a count ("818" read
//! as "81810", "548" as "520548"). A figure OCR doubts — chi_sim unsure of it, or the
//! figure language (eng) not reading the same digits (`Figure::confidence` under
//! `ocr::UNSURE_WORD`) — is not compared: "46%" read as "40%" (corpus defect-23), "87.3%"
//! as "7" (clean-07) are no evidence. A figure both readers read alike that differs in a
//! single digit is a changed figure (defect-18); with no confidence at all (no second
//! reader) a single differing digit is still forgiven. A figure the OCR did not find is not compared. Ticked boxes are compared only
//! with `tolerances.compare_scanned_checkboxes` (off: tick marks are misread on clean
//! scans), and never when the scan shows none ticked in a row.

use crate::domain::names::normalize;
use crate::extract::{Figure, FormData, FormYear};
use crate::report::{Code, Finding, Location};

use crate::extract::ocr::UNSURE_WORD;

use super::common::{best_substring_similarity_read, in_file, ocr_similarity, one_digit_apart, percent, round9};
use super::CheckContext;

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    let (Some(editable), Some(scanned)) = (&ctx.extracted.form_editable, &ctx.extracted.form_scanned) else {
        return Vec::new();
    };
    let min = ctx.config.settings.tolerances.text_match_min_similarity;
    let mut out = Differences { editable, scanned, findings: Vec::new() };

    // The scan's whole OCR text: a typed name must be on the stamped paper, wherever the
    // form reader placed (or misplaced) it in the scan's fields.
    let page_text: Vec<(char, bool)> = ctx
        .extracted
        .files
        .iter()
        .filter(|f| f.path == scanned.path)
        .flat_map(|f| &f.pages)
        .flat_map(|p| -> Vec<(char, bool)> {
            if p.words.is_empty() {
                normalize(&p.text).chars().map(|c| (c, true)).collect()
            } else {
                p.words.iter().flat_map(|w| normalize(&w.text).chars().map(|c| (c, w.confidence >= UNSURE_WORD)).collect::<Vec<_>>()).collect()
            }
        })
        .collect();
    if page_text.is_empty() {
        fields_against_fields(editable, scanned, min, &mut out);
    } else {
        let mut typed: Vec<(&str, &str, Option<&Location>)> = Vec::new();
        typed.extend(editable.brand_name.iter().map(|f| ("品牌名称", f.text.as_str(), scanned.brand_name.as_ref().map(|s| &s.location))));
        typed.extend(editable.occupations.iter().map(|f| ("品牌行业或职业(工种)", f.text.as_str(), scanned.occupations.first().map(|s| &s.location))));
        typed.extend(editable.units.iter().map(|f| ("依托单位", f.text.as_str(), None)));
        for (what, text, location) in typed {
            let wanted = normalize(text);
            // One misread character is always forgiven: in a 4-character brand name it is 25%.
            let needed = min.min(1.0 - 1.0 / wanted.chars().count().max(1) as f64);
            if !wanted.is_empty() && best_substring_similarity_read(&wanted, &page_text) < needed {
                let location = location.cloned().unwrap_or_else(|| Location::file(&scanned.path));
                out.push(what, text, "盖章扫描件中未见此内容", &location);
            }
        }
    }

    let groups = [("品牌范围", editable.checked_scopes(), scanned.checked_scopes()), ("品牌类型", editable.checked_types(), scanned.checked_types())];
    for (what, a, b) in groups.into_iter().filter(|_| ctx.config.settings.tolerances.compare_scanned_checkboxes) {
        if b.is_empty() {
            continue;
        }
        let (mut a_sorted, mut b_sorted) = (a.clone(), b.clone());
        a_sorted.sort_unstable();
        b_sorted.sort_unstable();
        if a_sorted != b_sorted {
            let boxes = if what == "品牌范围" { &scanned.scopes } else { &scanned.types };
            let location = boxes.iter().find(|c| c.checked).map_or_else(|| Location::file(&scanned.path), |c| in_file(&c.location, &scanned.path));
            out.push(&format!("{what}勾选项"), &a.join("、"), &b.join("、"), &location);
        }
    }

    for &year in &ctx.config.rules.round.years {
        let (Some(a), Some(b)) = (editable.year(year), scanned.year(year)) else { continue };
        for (label, is_rate, pick) in FIGURES {
            if let (Some(fa), Some(fb)) = (pick(a), pick(b)) {
                if let (Some(va), Some(vb)) = (fa.value, fb.value) {
                    let vb = precision_of(&fa.text, vb, is_rate);
                    // A figure OCR doubts (chi_sim unsure, or eng not reading the same
                    // digits) proves nothing either way: not compared. One both readers
                    // read alike is: a single digit that differs is then a changed figure.
                    // Without a confidence (no second reader) one digit is forgiven.
                    if fb.confidence.is_some_and(|c| c < UNSURE_WORD) {
                        tracing::debug!(year, label, "scanned figure doubted by OCR: not compared");
                        continue;
                    }
                    let forgiven = fb.confidence.is_none() && one_digit_apart(va, vb, is_rate);
                    if round9(va) != round9(vb) && !digits_added_or_lost(va, vb, is_rate) && !forgiven {
                        let show = |v: f64| if is_rate { percent(v) } else { format!("{}人", round9(v)) };
                        out.push(&format!("{year}年{label}"), &show(va), &show(vb), &fb.location);
                    }
                }
            }
        }
    }
    out.findings
}

/// Field against field, when the scan's text is not at hand.
fn fields_against_fields(editable: &FormData, scanned: &FormData, min: f64, out: &mut Differences) {
    if let (Some(a), Some(b)) = (&editable.brand_name, &scanned.brand_name) {
        if read(&a.text, &b.text) && !same_text(&a.text, &b.text, min) {
            out.push("品牌名称", &a.text, &b.text, &b.location);
        }
    }
    let joined = |form: &FormData| form.occupations.iter().map(|f| f.text.as_str()).collect::<Vec<_>>().join("、");
    let (typed, scan) = (joined(editable), joined(scanned));
    if !editable.occupations.is_empty() && read(&typed, &scan) && !same_text(&typed, &scan, min) {
        out.push("品牌行业或职业(工种)", &typed, &scan, &scanned.occupations[0].location);
    }
    if scanned.units.iter().any(|u| editable.units.iter().any(|e| read(&e.text, &u.text))) {
        for unit in &editable.units {
            if !scanned.units.iter().any(|s| same_text(&unit.text, &s.text, min)) {
                out.push("依托单位", &unit.text, "扫描件中无此单位", &Location::file(&scanned.path));
            }
        }
    }
}

type Pick = fn(&FormYear) -> Option<&Figure>;

const FIGURES: [(&str, bool, Pick); 3] = [
    ("培训人数", false, |y| y.trainees.as_ref()),
    ("培训合格率", true, |y| y.pass_rate.as_ref()),
    ("培训后就业率", true, |y| y.employment_rate.as_ref()),
];

/// Whether OCR read the field at all: a reading under half the typed length is a fragment
/// (a label's "或" for 品牌行业或职业), not a different value.
fn read(typed: &str, scanned: &str) -> bool {
    let (typed, scanned) = (normalize(typed).chars().count(), normalize(scanned).chars().count());
    scanned > 0 && scanned * 2 >= typed
}

/// The scan's rate at the precision the editable form prints: OCR adds digits ("62.9%"
/// read as "62.99%"), so the extra ones are cut, never rounded into the compared ones.
fn precision_of(typed: &str, scanned: f64, is_rate: bool) -> f64 {
    if !is_rate {
        return scanned;
    }
    let decimals = typed.split_once('.').map_or(0, |(_, rest)| rest.chars().take_while(char::is_ascii_digit).count()) as i32;
    // Percent points with `decimals` decimals = fraction with `decimals + 2`.
    let scale = 10f64.powi(decimals + 2);
    (round9(scanned * scale)).trunc() / scale
}

/// A count whose digits on the scan hold the typed ones with others around them, or the
/// other way round ("818" read as "81810", "548" as "520548" with the neighbouring cell's
/// digits): OCR noise around the cell, not a changed figure (a changed count differs
/// within its digits).
fn digits_added_or_lost(typed: f64, scanned: f64, is_rate: bool) -> bool {
    if is_rate {
        return false;
    }
    let (a, b) = (format!("{}", typed.round() as i64), format!("{}", scanned.round() as i64));
    a != b && (a.contains(&b) || b.contains(&a))
}

/// `typed` from the editable form, `read` from the scan.
fn same_text(typed: &str, read: &str, min: f64) -> bool {
    ocr_similarity(&normalize(typed), &normalize(read)) >= min
}

struct Differences<'a> {
    editable: &'a FormData,
    scanned: &'a FormData,
    findings: Vec<Finding>,
}

impl Differences<'_> {
    fn push(&mut self, what: &str, editable: &str, scanned: &str, location: &Location) {
        let location = &in_file(location, &self.scanned.path);
        self.findings.push(
            Finding::new(
                Code::FormVersionMismatch,
                format!(
                    "申报表可编辑版“{}”与盖章扫描版“{}”的“{what}”不一致：可编辑版为“{editable}”，扫描版为“{scanned}”（{}）",
                    self.editable.path,
                    self.scanned.path,
                    location.describe_zh()
                ),
                location.clone(),
            )
            .expected(editable)
            .actual(scanned),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;

    #[test]
    fn identical_versions_agree() {
        assert!(Kit::clean().run(run).is_empty());
    }

    #[test]
    fn a_figure_differs() {
        let mut kit = Kit::clean();
        let fig = kit.scan_mut().years[1].trainees.as_mut().unwrap();
        fig.text = "2150人".into();
        fig.value = Some(2150.0);
        // (10 → 2150: more than one digit apart, and "10" is not within "2150".)
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["FORM_VERSION_MISMATCH"]);
        assert_eq!(findings[0].location.path.as_deref(), Some(FORM_PDF));
        assert_eq!((findings[0].expected.as_deref(), findings[0].actual.as_deref()), (Some("10人"), Some("2150人")));
        assert!(findings[0].message.contains("2023年培训人数"));
    }

    #[test]
    fn same_rate_written_differently_agrees() {
        let mut kit = Kit::clean();
        kit.scan_mut().years[0].pass_rate.as_mut().unwrap().text = "90.0%".into();
        assert!(kit.run(run).is_empty());
        kit.scan_mut().years[0].pass_rate.as_mut().unwrap().value = Some(0.85);
        assert_eq!(kit.run(run)[0].actual.as_deref(), Some("85%"));
    }

    #[test]
    fn ocr_noise_in_a_unit_name_is_tolerated_but_another_unit_is_not() {
        let mut kit = Kit::clean();
        kit.scan_mut().units[0].text = "沈阳市巧螋家政服务有限公司".into();
        assert!(kit.run(run).is_empty());
        kit.scan_mut().units[0].text = "大连市海韵家政服务有限公司".into();
        // The typed unit is not on the scan (a unit only the scan's reader saw is not
        // reported: OCR puts other cells' text into the unit rows).
        assert_eq!(codes(&kit.run(run)), ["FORM_VERSION_MISMATCH"]);
    }

    #[test]
    fn brand_name_changed() {
        let mut kit = Kit::clean();
        kit.scan_mut().brand_name.as_mut().unwrap().text = "沈阳金嫂".into();
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["FORM_VERSION_MISMATCH"]);
        assert_eq!(findings[0].location.cell.as_deref(), Some("B3"));
    }

    #[test]
    fn ticks_are_not_compared_unless_configured() {
        let mut kit = Kit::clean();
        for b in kit.scan_mut().scopes.iter_mut() {
            b.checked = b.label == "乡村振兴人才";
        }
        assert!(kit.run(run).is_empty(), "a misread tick on a clean scan (corpus clean-01)");
    }

    /// The scan file with its OCR text, as the form reader saw it.
    fn scan_text(kit: &mut Kit, text: &str) {
        let page = with_text(file(FORM_PDF, crate::intake::Format::Pdf, crate::intake::DocKind::ApplicationForm), text).pages;
        kit.extracted.files.iter_mut().find(|f| f.path == FORM_PDF).unwrap().pages = page;
    }

    #[test]
    fn typed_names_are_looked_for_in_the_whole_scan() {
        // Corpus defect-15: the brand cell read "沈阳司师", the unit rows got the occupations,
        // the occupation cell a dash; the page itself shows every typed name.
        let mut kit = Kit::clean();
        kit.scan_mut().brand_name.as_mut().unwrap().text = "沈阳司师".into();
        kit.scan_mut().units[0].text = "家政服务员".into();
        kit.scan_mut().occupations = vec![field("一", FORM_PDF, "B6")];
        scan_text(&mut kit, "申报单位 沈阳市人力资源和社会保障局 品牌名称 沈阳司师 工种 家政服务員 依托单位 1.沈阳市巧嫂家政服务有限公司 简介：沈阳巧嫂品牌依托…");
        assert!(kit.run(run).is_empty());
        // Corpus defect-15: the 4-character brand read with one wrong character everywhere.
        scan_text(&mut kit, "品牌名称 沈阳巧螋 工种 家政服务员 依托单位 1.沈阳市巧嫂家政服务有限公司");
        assert!(kit.run(run).is_empty());
        // A unit the stamped paper does not show at all.
        scan_text(&mut kit, "品牌名称 沈阳巧嫂 工种 家政服务员 依托单位 1.大连海韵职业培训学校");
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["FORM_VERSION_MISMATCH"]);
        assert!(findings[0].message.contains("依托单位") && findings[0].message.contains("沈阳市巧嫂家政服务有限公司"));
    }

    #[test]
    fn a_single_misread_digit_is_noise() {
        // Corpus defect-23: "46%" read as "40%", "46.9%" as "40.99%".
        let mut kit = Kit::clean();
        let typed = kit.form_mut().years[0].employment_rate.as_mut().unwrap();
        typed.text = "46.9%".into();
        typed.value = Some(0.469);
        kit.scan_mut().years[0].employment_rate.as_mut().unwrap().value = Some(0.4099);
        assert!(kit.run(run).is_empty());
        kit.scan_mut().years[0].employment_rate.as_mut().unwrap().value = Some(0.519);
        assert_eq!(codes(&kit.run(run)), ["FORM_VERSION_MISMATCH"], "46.9 → 51.9: two digits");
    }

    #[test]
    fn a_single_digit_two_readers_agree_on_is_a_change() {
        // Corpus defect-18 style: chi_sim and eng both read the scan's figure; a digit
        // that differs from the typed one is then on the paper, not in the reading.
        let mut kit = Kit::clean();
        let read = kit.scan_mut().years[1].trainees.as_mut().unwrap();
        read.value = Some(11.0);
        read.confidence = Some(0.91);
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["FORM_VERSION_MISMATCH"]);
        assert_eq!((findings[0].expected.as_deref(), findings[0].actual.as_deref()), (Some("10人"), Some("11人")));
        // The same reading disputed by eng (or doubted by chi_sim) is taken for a misread.
        kit.scan_mut().years[1].trainees.as_mut().unwrap().confidence = Some(crate::extract::ocr::DISPUTED);
        assert!(kit.run(run).is_empty());
    }

    #[test]
    fn characters_ocr_doubted_are_no_evidence_of_another_name() {
        // Corpus defect-04: "葫芦岛泳装缝纫工" read "戎芦岛泳装缝纠工", 芦 and 纠 at 0%.
        let mut kit = Kit::clean();
        kit.form_mut().brand_name.as_mut().unwrap().text = "葫芦岛泳装缝纫工".into();
        kit.scan_mut().brand_name.as_mut().unwrap().text = "戎芦岛泳装缝纠工".into();
        let word = |text: &str, confidence: f64| crate::extract::Word { text: text.into(), bbox: [0, 0, 10, 10], confidence, line: 0 };
        let page = &mut kit.extracted.files.iter_mut().find(|f| f.path == FORM_PDF).unwrap().pages;
        *page = with_text(file(FORM_PDF, crate::intake::Format::Pdf, crate::intake::DocKind::ApplicationForm), "x").pages;
        page[0].words = vec![word("品牌名称", 0.95), word("戎", 0.69), word("芦", 0.0), word("岛", 0.93), word("泳装", 0.93), word("缝", 0.25), word("纠", 0.0), word("工", 0.91)];
        let others = ["家政服务员", "沈阳市巧嫂家政服务有限公司"].map(|t| word(t, 0.95));
        page[0].words.extend(others.clone());
        assert!(kit.run(run).is_empty(), "{:?}", kit.run(run));
        // The same misreadings read with confidence are another name.
        let page = &mut kit.extracted.files.iter_mut().find(|f| f.path == FORM_PDF).unwrap().pages;
        page[0].words = vec![word("品牌名称", 0.95), word("戎芦岛泳装缝纠工", 0.93)];
        page[0].words.extend(others);
        assert_eq!(codes(&kit.run(run)), ["FORM_VERSION_MISMATCH"]);
    }

    #[test]
    fn digits_added_around_a_count_are_noise() {
        // Corpus defect-20: "818人" read as "81810人".
        let mut kit = Kit::clean();
        kit.scan_mut().years[0].trainees.as_mut().unwrap().value = Some(1010.0);
        assert!(kit.run(run).is_empty());
        kit.scan_mut().years[0].trainees.as_mut().unwrap().value = Some(1.0);
        assert!(kit.run(run).is_empty(), "a digit lost at the end");
        // Corpus clean-06/-07: "850" read as "85850", "548" as "520548".
        kit.scan_mut().years[0].trainees.as_mut().unwrap().value = Some(20010.0);
        assert!(kit.run(run).is_empty());
    }

    #[test]
    fn ocr_noise_of_corpus_defect_26_is_not_a_mismatch() {
        let mut kit = Kit::clean();
        let typed = kit.form_mut().years[0].employment_rate.as_mut().unwrap();
        typed.text = "62.9%".into();
        typed.value = Some(0.629);
        let read = kit.scan_mut().years[0].employment_rate.as_mut().unwrap();
        read.text = "62.99%".into();
        read.value = Some(0.6299);
        kit.form_mut().occupations = vec![field("保育师", FORM_DOCX, "B6")];
        kit.scan_mut().occupations = vec![field("或", FORM_PDF, "B6")];
        assert!(kit.run(run).is_empty());
        // A changed rate within the printed precision is still one.
        kit.scan_mut().years[0].employment_rate.as_mut().unwrap().value = Some(0.719);
        assert_eq!(codes(&kit.run(run)), ["FORM_VERSION_MISMATCH"]);
    }

    #[test]
    fn doubled_strokes_in_the_scan_are_noise() {
        let mut kit = Kit::clean();
        kit.form_mut().occupations = vec![field("家政服务员", FORM_DOCX, "B6"), field("养老护理员", FORM_DOCX, "C6")];
        kit.scan_mut().occupations = vec![field("家家政政服务服务员员", FORM_PDF, "B6"), field("养攻老护理员", FORM_PDF, "C6")];
        assert!(kit.run(run).is_empty());
    }

    #[test]
    fn checked_type_differs_but_unseen_boxes_are_not_compared() {
        let mut kit = Kit::clean();
        kit.config.settings.tolerances.compare_scanned_checkboxes = true;
        for b in kit.scan_mut().types.iter_mut() {
            b.checked = b.label == "行业";
        }
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["FORM_VERSION_MISMATCH"]);
        assert_eq!((findings[0].expected.as_deref(), findings[0].actual.as_deref()), (Some("行政区域"), Some("行业")));
        for b in kit.scan_mut().types.iter_mut() {
            b.checked = false;
        }
        assert!(kit.run(run).is_empty());
    }

    #[test]
    fn unread_scan_figure_is_not_compared() {
        let mut kit = Kit::clean();
        kit.scan_mut().years[0].employment_rate.as_mut().unwrap().value = None;
        kit.scan_mut().brand_name = None;
        assert!(kit.run(run).is_empty());
    }
}

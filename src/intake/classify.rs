//! Classification of a file into a report `kind` from its name and the text of its first
//! page, with the words that decided it kept as evidence for the reviewer.
//!
//! The keyword lists are data (`[classify]` of the rules file); this module owns how they
//! are weighed. Name, first-page text and folders are NFKC-normalised (full-width
//! digits and letters, ideographic spaces) and stripped of whitespace (OCR spaces out
//! Chinese characters), and so are the keywords. Then the evidence is judged in levels,
//! the file name first: a file named 推荐报告 is one even if its text quotes the 申报表.
//! Only when the name says nothing (`scan0001.pdf`) does the first page decide, and the
//! folder only when both are silent. Within a level the kind with the most distinct
//! matched words wins (words in the title, the first characters of the page, count
//! twice); a tie goes to the more specific kind ([`PRECEDENCE`]). A tracking table lists
//! the trainees too, so 就业跟踪 beats 名单 whenever both are seen at the deciding level.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    RecommendationReport,
    ApplicationForm,
    UnitMaterial,
    TrainingRoster,
    EmploymentTracking,
    OtherEvidence,
    Unknown,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::RecommendationReport => "recommendation_report",
            DocKind::ApplicationForm => "application_form",
            DocKind::UnitMaterial => "unit_material",
            DocKind::TrainingRoster => "training_roster",
            DocKind::EmploymentTracking => "employment_tracking",
            DocKind::OtherEvidence => "other_evidence",
            DocKind::Unknown => "unknown",
        }
    }

    pub fn parse(text: &str) -> Option<DocKind> {
        [
            DocKind::RecommendationReport,
            DocKind::ApplicationForm,
            DocKind::UnitMaterial,
            DocKind::TrainingRoster,
            DocKind::EmploymentTracking,
            DocKind::OtherEvidence,
            DocKind::Unknown,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            DocKind::RecommendationReport => "市局推荐报告",
            DocKind::ApplicationForm => "申报表",
            DocKind::UnitMaterial => "依托单位材料",
            DocKind::TrainingRoster => "培训人员名单",
            DocKind::EmploymentTracking => "就业跟踪情况表",
            DocKind::OtherEvidence => "其他佐证材料",
            DocKind::Unknown => "未识别",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    pub kind: DocKind,
    /// The matched words, prefixed with where they were seen ("文件名:推荐报告",
    /// "标题:申报表", "内容:品牌名称", "目录:依托单位").
    pub why: Vec<String>,
}

/// Tie-break order, most specific first: a 推荐报告 often names the 申报表 it recommends,
/// a tracking table is also a list of trainees, and a roster is also a unit's material.
pub const PRECEDENCE: [DocKind; 6] = [
    DocKind::RecommendationReport,
    DocKind::ApplicationForm,
    DocKind::EmploymentTracking,
    DocKind::TrainingRoster,
    DocKind::UnitMaterial,
    DocKind::OtherEvidence,
];

/// How much of the first page is read: the heading and opening paragraph say what a
/// document is; deeper text quotes other documents.
const TEXT_CHARS: usize = 1500;
/// The title area at the top of the first page, where a match counts twice.
const TITLE_CHARS: usize = 40;

/// NFKC, whitespace removed, ASCII lower-cased: the form names, texts and keywords are
/// compared in.
pub fn normalise(text: &str) -> String {
    text.nfkc().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// What one kind matched at each level.
#[derive(Default)]
struct Hits {
    name: Vec<String>,
    title: Vec<String>,
    text: Vec<String>,
    folder: Vec<String>,
}

impl Hits {
    /// The score at each level, in the order levels are judged.
    fn levels(&self) -> [usize; 3] {
        [self.name.len(), self.text.len() + self.title.len(), self.folder.len()]
    }

    fn why(self) -> Vec<String> {
        let tagged = |tag: &str, words: Vec<String>| words.into_iter().map(move |w| format!("{tag}:{w}")).collect::<Vec<_>>();
        // A title word is also in the text: say it once, where it weighed most.
        let text: Vec<String> = self.text.into_iter().filter(|w| !self.title.contains(w)).collect();
        let mut why = tagged("文件名", self.name);
        why.extend(tagged("标题", self.title));
        why.extend(tagged("内容", text));
        why.extend(tagged("目录", self.folder));
        why
    }
}

/// Classifies a file from its path and, where available, the text of its first page.
pub fn classify(path: &str, first_page_text: Option<&str>, rules: &crate::config::Rules) -> Classification {
    let file = path.rsplit('/').next().unwrap_or(path);
    let folder = normalise(&path[..path.len() - file.len()]);
    // The extension is the format's business, not the kind's.
    let stem = match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.chars().count() <= 5 => stem,
        _ => file,
    };
    let name = normalise(stem);
    let text: String = normalise(first_page_text.unwrap_or("")).chars().take(TEXT_CHARS).collect();
    let title: String = text.chars().take(TITLE_CHARS).collect();

    let mut candidates: Vec<(DocKind, Hits)> = Vec::new();
    for kind in PRECEDENCE {
        let Some(words) = rules.classify.get(kind.as_str()) else { continue };
        let mut hits = Hits::default();
        for word in words {
            let key = normalise(word);
            if key.is_empty() {
                continue;
            }
            let record = |list: &mut Vec<String>, haystack: &str| {
                if haystack.contains(&key) && !list.contains(word) {
                    list.push(word.clone());
                }
            };
            record(&mut hits.name, &name);
            record(&mut hits.text, &text);
            record(&mut hits.title, &title);
            record(&mut hits.folder, &folder);
        }
        candidates.push((kind, hits));
    }

    for level in 0..3 {
        // `max_by_key` keeps the last maximum; scan in reverse so ties go to precedence.
        let Some(best) = candidates.iter().rev().filter(|(_, h)| h.levels()[level] > 0).max_by_key(|(_, h)| h.levels()[level]).map(|(k, _)| *k) else {
            continue;
        };
        let tracking_seen = candidates.iter().any(|(k, h)| *k == DocKind::EmploymentTracking && h.levels()[level] > 0);
        let kind = if best == DocKind::TrainingRoster && tracking_seen { DocKind::EmploymentTracking } else { best };
        let hits = candidates.into_iter().find(|(k, _)| *k == kind).map(|(_, h)| h).unwrap_or_default();
        return Classification { kind, why: hits.why() };
    }
    Classification { kind: DocKind::Unknown, why: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn rules() -> crate::config::Rules {
        Config::builtin().expect("built-in config").rules
    }

    fn kind(path: &str, text: Option<&str>) -> DocKind {
        classify(path, text, &rules()).kind
    }

    #[test]
    fn names_decide_each_kind() {
        assert_eq!(kind("1.市人社局推荐报告.pdf", None), DocKind::RecommendationReport);
        assert_eq!(kind("2.辽宁省职业技能培训品牌申报表.docx", None), DocKind::ApplicationForm);
        assert_eq!(kind("3.依托单位材料/2022年培训人员名单.xlsx", None), DocKind::TrainingRoster);
        assert_eq!(kind("3.依托单位材料/2023年就业跟踪情况表.xlsx", None), DocKind::EmploymentTracking);
        assert_eq!(kind("3.依托单位材料/XX学校工作开展情况.pdf", None), DocKind::UnitMaterial);
        assert_eq!(kind("4.其他/获奖证书.jpg", None), DocKind::OtherEvidence);
        assert_eq!(kind("XX学校2022年结业名单.xls", None), DocKind::TrainingRoster);
        assert_eq!(kind("IMG_0001.jpg", None), DocKind::Unknown);
    }

    #[test]
    fn name_words_outweigh_content_words() {
        let text = "辽宁省职业技能培训品牌申报表 品牌名称 品牌范围 品牌类型";
        let c = classify("推荐报告.pdf", Some(text), &rules());
        assert_eq!(c.kind, DocKind::RecommendationReport);
        assert_eq!(c.why, ["文件名:推荐报告"]);
    }

    #[test]
    fn unhelpful_name_is_classified_from_content_with_the_words_recorded() {
        let c = classify("scan0001.pdf", Some("关于推荐“大连月嫂”为辽宁省职业技能培训品牌的推荐报告\n省人社厅："), &rules());
        assert_eq!(c.kind, DocKind::RecommendationReport);
        assert!(c.why.contains(&"标题:推荐报告".to_string()), "{:?}", c.why);
        assert!(c.why.contains(&"标题:关于推荐".to_string()), "{:?}", c.why);
        assert!(c.why.iter().all(|w| !w.starts_with("内容:推荐报告")), "said once: {:?}", c.why);
    }

    #[test]
    fn spaces_and_full_width_characters_do_not_hide_words() {
        // OCR spaces characters out; full-width digits and an ideographic space.
        let c = classify("扫描件.pdf", Some("推 荐 报 告\n"), &rules());
        assert_eq!(c.kind, DocKind::RecommendationReport);
        assert_eq!(kind("附件１　申报表.pdf", None), DocKind::ApplicationForm);
        assert_eq!(kind("培训 人员 名单.xlsx", None), DocKind::TrainingRoster);
    }

    #[test]
    fn tracking_wins_over_roster_when_both_are_named() {
        assert_eq!(kind("2022年培训人员名单及就业跟踪情况.xlsx", None), DocKind::EmploymentTracking);
        assert_eq!(kind("学员名单（花名册）就业跟踪.xlsx", None), DocKind::EmploymentTracking, "even with more roster words");
        assert_eq!(kind("2022年培训就业情况表.xlsx", None), DocKind::EmploymentTracking);
        assert_eq!(kind("sheet1.xlsx", Some("2022年参训人员就业跟踪情况表 序号 姓名")), DocKind::EmploymentTracking);
        assert_eq!(kind("sheet1.xlsx", Some("2022年培训人员名单 序号 姓名 身份证号 证书编号")), DocKind::TrainingRoster);
    }

    #[test]
    fn content_outweighs_folder_and_folder_decides_last() {
        assert_eq!(kind("3.依托单位材料/scan0001.pdf", Some("关于推荐的报告 推荐报告")), DocKind::RecommendationReport);
        let c = classify("3.依托单位材料/scan0002.pdf", None, &rules());
        assert_eq!(c.kind, DocKind::UnitMaterial);
        assert_eq!(c.why, ["目录:依托单位"]);
    }

    #[test]
    fn ties_go_to_the_more_specific_kind() {
        // One word each: 推荐报告 (recommendation) and 附件1 (form).
        assert_eq!(kind("附件1：推荐报告.pdf", None), DocKind::RecommendationReport);
        // 依托单位 (unit) and 培训人员名单 (roster).
        assert_eq!(kind("依托单位培训人员名单.xlsx", None), DocKind::TrainingRoster);
    }

    #[test]
    fn extension_is_not_a_keyword_source() {
        assert_eq!(normalise("Ａ　Ｂ c"), "abc");
        assert_eq!(kind("照片.申报表", None), DocKind::OtherEvidence);
    }
}

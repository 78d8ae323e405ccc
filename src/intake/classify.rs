//! Classification of a file into a report `kind` from its name and the text of its first
//! page, with the words that decided it kept as evidence for the reviewer.

use serde::{Deserialize, Serialize};

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
    /// The matched words, prefixed with where they were seen ("文件名:推荐报告", "内容:申报表").
    pub why: Vec<String>,
}

/// Classifies a file from its path and, where available, the text of its first page.
/// Name words weigh double: a file named 推荐报告 is one even if it quotes the 申报表.
pub fn classify(path: &str, first_page_text: Option<&str>, rules: &crate::config::Rules) -> Classification {
    let name = path.rsplit('/').next().unwrap_or(path);
    let folder = &path[..path.len() - name.len()];
    let text: String = first_page_text.unwrap_or("").chars().filter(|c| !c.is_whitespace()).take(1500).collect();
    let mut best: Option<(DocKind, u32, Vec<String>)> = None;
    for (kind_name, words) in &rules.classify {
        let Some(kind) = DocKind::parse(kind_name) else { continue };
        let mut score = 0;
        let mut why = Vec::new();
        for word in words {
            if name.contains(word.as_str()) {
                score += 4;
                why.push(format!("文件名:{word}"));
            } else if folder.contains(word.as_str()) {
                score += 1;
                why.push(format!("目录:{word}"));
            }
            if text.contains(word.as_str()) {
                score += 2;
                why.push(format!("内容:{word}"));
            }
        }
        if score > 0 && best.as_ref().is_none_or(|(_, s, _)| score > *s) {
            best = Some((kind, score, why));
        }
    }
    match best {
        Some((kind, _, why)) => Classification { kind, why },
        None => Classification { kind: DocKind::Unknown, why: Vec::new() },
    }
}

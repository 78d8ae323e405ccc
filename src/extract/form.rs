//! The application form (附件1 申报表), read from its editable file ([`editable`]: the
//! DOCX table or the XLSX sheet) and from its stamped scan ([`scanned`]: the OCR word
//! boxes of the page). Both produce a [`FormData`] with a [`Location`] for every value.
//!
//! What the two readers share lives here: label matching against `[form.labels]`
//! (NFKC, whitespace-insensitive), checkbox reading from glyphs, splitting occupations and
//! units, and parsing the 培训情况 figures through [`crate::domain`].

pub mod boxes;
pub mod editable;
pub mod scanned;

use crate::config::Rules;
use crate::domain::{compact, normalise, Count, Rate};
use crate::report::Location;

use super::{Checkbox, ExtractedFile, Field, Figure, FormData};

/// Glyphs that mean a box is ticked: typed (☑ ☒ ■ √ ✓), mapped from Wingdings, or
/// rendered from a content control by the DOCX reader.
pub const CHECKED_MARKS: &[char] = &['☑', '☒', '■', '√', '✓', '✔', '▣', '◼', '⊠', '●', '✅'];
/// Glyphs of an empty box. `口` is how Tesseract reads an empty printed box.
pub const UNCHECKED_MARKS: &[char] = &['☐', '□', '▢', '○'];

pub fn from_editable(file: &ExtractedFile, rules: &Rules) -> Option<FormData> {
    editable::read(file, rules)
}

pub fn from_scanned(file: &ExtractedFile, rules: &Rules) -> Option<FormData> {
    scanned::read(file, rules).map(|s| s.form)
}

/// The labels of one field, compacted.
pub(crate) fn labels(rules: &Rules, field: &str) -> Vec<String> {
    let mut out: Vec<String> = rules.form.labels.get(field).map(|v| v.iter().map(|l| compact(l)).collect()).unwrap_or_default();
    // Longest first: "培训后就业率" before "就业率".
    out.sort_by_key(|l| std::cmp::Reverse(l.chars().count()));
    out
}

/// How `text` relates to a field's labels: `Exact` when it is the label (maybe with a
/// colon), `Prefix(rest)` when it starts with one and goes on with a value.
#[derive(Debug, PartialEq)]
pub(crate) enum LabelMatch {
    Exact,
    Prefix(String),
}

pub(crate) fn match_label(text: &str, labels: &[String]) -> Option<LabelMatch> {
    let c = compact(text);
    for label in labels {
        if let Some(rest) = c.strip_prefix(label.as_str()) {
            let rest = rest.trim_start_matches([':', '：']);
            return Some(if rest.is_empty() { LabelMatch::Exact } else { LabelMatch::Prefix(rest.to_string()) });
        }
    }
    None
}

/// Removes the blank form's printed instructions from a value.
pub(crate) fn strip_hints(text: &str, rules: &Rules) -> String {
    let mut out = normalise(text);
    let mut hints: Vec<String> = rules.form.hints.iter().map(|h| normalise(h)).collect();
    hints.sort_by_key(|h| std::cmp::Reverse(h.len()));
    for hint in hints {
        if !hint.is_empty() {
            out = out.replace(&hint, "");
        }
    }
    out.trim().to_string()
}

/// The applicant after its label: "沈阳市人力资源和社会保障局（公章）" → without the seal note.
pub(crate) fn clean_applicant(text: &str) -> String {
    let t = normalise(text);
    let t = t.replace("(公章)", "").replace("(盖章)", "").replace("公章", "").replace("盖章", "");
    t.trim_matches(|c: char| matches!(c, '_' | ':' | '(' | ')' | '〈' | '〉') || c.is_whitespace()).to_string()
}

/// Occupations split on the separators people use: 、，,;；/ and line breaks or spaces.
pub(crate) fn split_occupations(text: &str) -> Vec<String> {
    normalise(text)
        .split(['、', ',', '，', ';', '；', '/', '／', '\n', ' ', '\t'])
        .map(|s| s.trim().trim_end_matches('。').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// One unit line without its number ("1." "2、" "（3）"); `None` if nothing is left.
pub(crate) fn unit_name(line: &str) -> Option<String> {
    // Circled numbers first: NFKC would turn ① into a bare 1.
    let line = line.trim_start().trim_start_matches(|c: char| ('①'..='⑳').contains(&c));
    let t = normalise(line);
    let mut s = t.trim();
    // A leading number with its punctuation: 1.  1、  1．  (1)  （1）  ①
    let open = s.starts_with(['(', '（']);
    if open {
        s = &s[s.chars().next().map_or(0, char::len_utf8)..];
    }
    let digits = s.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && digits <= 2 {
        let rest = &s[digits..];
        let rest2 = rest.trim_start_matches(['.', '、', '．', ':', '：', ')', '）', ' ']);
        if rest2.len() < rest.len() || open || rest.is_empty() {
            s = rest2;
        }
    }
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// How Tesseract (chi_sim) reads printed boxes, seen on scans of the form: an empty box
/// as 口, a ticked one (☑ ■) as 回, 四, 加, 国, 团 or 図. Only a glyph right before an option
/// counts. Deciding from the pixels would be surer; the page image is not kept.
pub const OCR_UNCHECKED: &[char] = &['口'];
pub const OCR_CHECKED: &[char] = &['回', '四', '团', '図', '田', '加', '国'];

/// Reads option boxes from text: each option is ticked by the glyph run just before it.
/// When the text has no glyph at all, the options that are present count as chosen (the
/// applicant deleted the others) — that case is rare and flagged by the checks if wrong.
/// With `ocr`, Tesseract's box readings count as glyphs and an option right after a box
/// may differ by one character ("院术" for 院校).
pub(crate) fn read_boxes(texts: &[(String, Location)], options: &[String], ocr: bool) -> Vec<Checkbox> {
    let is_checked = |c: char| CHECKED_MARKS.contains(&c) || (ocr && OCR_CHECKED.contains(&c));
    let is_unchecked = |c: char| UNCHECKED_MARKS.contains(&c) || (ocr && OCR_UNCHECKED.contains(&c));
    let any_glyph = texts.iter().any(|(t, _)| t.chars().any(|c| is_checked(c) || is_unchecked(c)));
    let mut forward: Vec<(Vec<char>, &String)> = options.iter().map(|o| (compact(o).chars().collect(), o)).collect();
    forward.sort_by_key(|(c, _)| std::cmp::Reverse(c.len()));
    let backward: Vec<(Vec<char>, &String)> = forward.iter().map(|(c, o)| (c.iter().rev().copied().collect(), *o)).collect();
    let mut found: Vec<Checkbox> = Vec::new();
    for (text, location) in texts {
        let mut chars: Vec<char> = compact(text).chars().collect();
        // "重点产业人才☐ 生活服务人才☑": boxes after their options. Read backwards, the
        // box is again before its option.
        let after = chars.first().is_some_and(|c| !is_checked(*c) && !is_unchecked(*c)) && chars.last().is_some_and(|c| is_checked(*c) || is_unchecked(*c));
        let options_sorted = if after {
            chars.reverse();
            &backward
        } else {
            &forward
        };
        let mut i = 0;
        let mut mark: Option<bool> = None;
        while i < chars.len() {
            let c = chars[i];
            if is_checked(c) || is_unchecked(c) {
                // A run of glyphs ("□√") is ticked if any of them is a tick.
                mark = Some(mark.unwrap_or(false) || is_checked(c));
                i += 1;
                continue;
            }
            let rest = &chars[i..];
            let exact = options_sorted.iter().find(|(o, _)| rest.starts_with(o));
            let near = || {
                options_sorted.iter().find(|(o, label)| {
                    o.len() >= 2
                        && rest.len() >= o.len()
                        && rest[0] == o[0]
                        && rest[..o.len()].iter().zip(o.iter()).filter(|(a, b)| a != b).count() <= 1
                        && !found.iter().any(|b| &b.label == *label)
                })
            };
            let hit = exact.or_else(|| if ocr && mark.is_some() { near() } else { None });
            if let Some((opt, label)) = hit {
                let checked = if any_glyph { mark.unwrap_or(false) } else { true };
                if !found.iter().any(|b| &b.label == *label) {
                    found.push(Checkbox { label: (*label).clone(), checked, location: location.clone() });
                }
                i += opt.len();
                mark = None;
                continue;
            }
            mark = None;
            i += 1;
        }
    }
    // Keep the order of the rules.
    found.sort_by_key(|b| options.iter().position(|o| o == &b.label));
    found
}

pub(crate) fn count_figure(text: &str, location: Location) -> Figure {
    let text = normalise(text);
    let value = Count::parse(&text).ok().map(|c| c.value() as f64);
    Figure { text, value, location, confidence: None }
}

pub(crate) fn rate_figure(text: &str, location: Location) -> Figure {
    let text = normalise(text);
    let value = Rate::parse(&text).ok().map(|r| r.value());
    Figure { text, value, location, confidence: None }
}

pub(crate) fn field(text: &str, location: Location) -> Option<Field> {
    let text = normalise(text);
    (!text.is_empty()).then_some(Field { text, location })
}

/// A four-digit year in 2000–2099 inside a header cell ("2022 年", "2022年度").
pub(crate) fn year_in(text: &str) -> Option<i32> {
    let c = compact(text);
    let bytes = c.as_bytes();
    (0..bytes.len().saturating_sub(3)).find_map(|i| {
        let w = &c.get(i..i + 4)?;
        let before_ok = i == 0 || !bytes[i - 1].is_ascii_digit();
        let after_ok = bytes.get(i + 4).is_none_or(|b| !b.is_ascii_digit());
        (w.starts_with("20") && w.bytes().all(|b| b.is_ascii_digit()) && before_ok && after_ok).then(|| w.parse().ok()).flatten()
    })
}

/// An empty form for `file`, filled by the readers.
pub(crate) fn empty_form(file: &ExtractedFile, version: super::FormVersion) -> FormData {
    FormData {
        path: file.path.clone(),
        version,
        applicant: None,
        brand_name: None,
        scopes: Vec::new(),
        types: Vec::new(),
        occupations: Vec::new(),
        units: Vec::new(),
        years: Vec::new(),
        summary: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc() -> Location {
        Location::file("f")
    }

    #[test]
    fn boxes_from_glyphs() {
        let options: Vec<String> = ["行政区域", "行业", "企业", "院校", "其他"].iter().map(|s| s.to_string()).collect();
        let boxes = read_boxes(&[("☑行政区域 ☐行业 □企业".into(), loc()), ("□ √院校 ☐ 其他".into(), loc())], &options, false);
        let got: Vec<(&str, bool)> = boxes.iter().map(|b| (b.label.as_str(), b.checked)).collect();
        assert_eq!(got, vec![("行政区域", true), ("行业", false), ("企业", false), ("院校", true), ("其他", false)]);
    }

    #[test]
    fn boxes_after_their_options() {
        let options: Vec<String> = ["重点产业人才", "生活服务人才"].iter().map(|s| s.to_string()).collect();
        let boxes = read_boxes(&[("重点产业人才☐ 生活服务人才☑".into(), loc())], &options, false);
        let got: Vec<(&str, bool)> = boxes.iter().map(|b| (b.label.as_str(), b.checked)).collect();
        assert_eq!(got, vec![("重点产业人才", false), ("生活服务人才", true)]);
    }

    #[test]
    fn boxes_without_any_glyph_count_what_is_left() {
        let options: Vec<String> = ["重点产业人才", "生活服务人才"].iter().map(|s| s.to_string()).collect();
        let boxes = read_boxes(&[("生活服务人才".into(), loc())], &options, false);
        assert_eq!(boxes.len(), 1);
        assert!(boxes[0].checked);
    }

    #[test]
    fn ocr_boxes_and_near_options() {
        let options: Vec<String> = ["行政区域", "行业", "企业", "院校", "其他"].iter().map(|s| s.to_string()).collect();
        let boxes = read_boxes(&[("回行政区域口行业口企业".into(), loc()), ("口院术口其他".into(), loc())], &options, true);
        let got: Vec<(&str, bool)> = boxes.iter().map(|b| (b.label.as_str(), b.checked)).collect();
        assert_eq!(got, vec![("行政区域", true), ("行业", false), ("企业", false), ("院校", false), ("其他", false)]);
        // Without a box before it, a near miss is not an option.
        assert!(read_boxes(&[("院术".into(), loc())], &options, true).is_empty());
    }

    #[test]
    fn units_lose_their_numbers() {
        assert_eq!(unit_name("1.沈阳市巧嫂职业培训学校").as_deref(), Some("沈阳市巧嫂职业培训学校"));
        assert_eq!(unit_name("2、 某中心").as_deref(), Some("某中心"));
        assert_eq!(unit_name("（3）某学校").as_deref(), Some("某学校"));
        assert_eq!(unit_name("１．某学校").as_deref(), Some("某学校"));
        assert_eq!(unit_name("4."), None);
        assert_eq!(unit_name("5"), None);
        assert_eq!(unit_name("①某公司").as_deref(), Some("某公司"));
        assert_eq!(unit_name("51job培训中心").as_deref(), Some("51job培训中心"));
    }

    #[test]
    fn occupations_split_on_every_separator() {
        assert_eq!(split_occupations("家政服务员、养老护理员；育婴员/保育师,厨师"), vec!["家政服务员", "养老护理员", "育婴员", "保育师", "厨师"]);
    }

    #[test]
    fn years_in_headers() {
        assert_eq!(year_in("2022 年"), Some(2022));
        assert_eq!(year_in("２０２３年度"), Some(2023));
        assert_eq!(year_in("年份"), None);
        assert_eq!(year_in("120225"), None);
    }

    #[test]
    fn labels_match_with_spaces_and_colons() {
        let labels = vec![compact("培训品牌总体情况简介")];
        assert_eq!(match_label("培训品牌\n总体情况简介", &labels), Some(LabelMatch::Exact));
        assert_eq!(match_label("申报单位：某局", &[compact("申报单位")]), Some(LabelMatch::Prefix("某局".into())));
    }
}

//! Helpers every check shares: where a row is, the form's figures read safely, comparing
//! names despite OCR noise, and a cap on row-level findings so a roster of 2,500 bad
//! rows gives a readable report (the first N rows, then one finding that sums up the rest).

use crate::extract::{Figure, PersonRecord, PersonTable};
use crate::report::{Code, Finding, Location};

/// The spreadsheet location of one record: path, sheet and the row as Excel shows it.
pub fn row_location(table: &PersonTable, record: &PersonRecord) -> Location {
    Location::row(&table.path, table.sheet.clone(), record.row)
}

/// The cell of one field of a record ("C12"), when the table's header mapped that field
/// (`field` is a key of `[roster.headers]`: "id_number", "gender", "phone"…).
pub fn cell_location(table: &PersonTable, record: &PersonRecord, field: &str) -> Location {
    let mut location = row_location(table, record);
    if let Some(column) = table.columns.get(field) {
        location.cell = Some(format!("{column}{}", record.row));
    }
    location
}

/// A location read from a document (a form field, a checkbox), with the document's path
/// filled in when the reader left it out: every finding about one file names the file.
pub fn in_file(location: &Location, path: &str) -> Location {
    let mut location = location.clone();
    if location.path.is_none() {
        location.path = Some(path.to_string());
    }
    location
}

/// The table itself (path and sheet).
pub fn table_location(table: &PersonTable) -> Location {
    Location { path: Some(table.path.clone()), sheet: table.sheet.clone(), ..Location::default() }
}

/// "文件“a.xlsx” 工作表“2022年”" — how a table is named in messages.
pub fn table_label(table: &PersonTable) -> String {
    table_location(table).describe_zh()
}

/// A count from the form: a non-negative whole number, else `None` (unreadable).
pub fn count_of(figure: Option<&Figure>) -> Option<u64> {
    let value = figure?.value?;
    (value.is_finite() && value >= 0.0 && (value - value.round()).abs() < 1e-6).then(|| value.round() as u64)
}

/// A rate from the form as a fraction in [0, 1], else `None`. The extractor's parser
/// turns "85%", "85", "0.85" into fractions; anything outside [0, 1] was not read as one.
pub fn rate_of(figure: Option<&Figure>) -> Option<f64> {
    let value = figure?.value?;
    (value.is_finite() && (0.0..=1.0).contains(&value)).then_some(value)
}

/// Whether a figure is blank: absent, or written as nothing at all.
pub fn is_blank(figure: Option<&Figure>) -> bool {
    figure.is_none_or(|f| f.text.trim().is_empty() && f.value.is_none())
}

/// `0.865` → "86.5%", `0.8` → "80%" (at most two decimals, no trailing zeros).
pub fn percent(rate: f64) -> String {
    let text = format!("{:.2}", rate * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

/// Whether two rates differ by more than `tolerance` (exactly the tolerance is within it).
/// Rounded to 1e-9 first so 0.865 − 0.86 is not 0.005000000000000004.
pub fn beyond(a: f64, b: f64, tolerance: f64) -> bool {
    round9((a - b).abs()) > round9(tolerance)
}

/// Rounds to nine decimals: the precision at which two written figures are the same number.
pub fn round9(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

/// 1 − Levenshtein distance / longer length, over characters; 1.0 for two empty strings.
pub fn similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    1.0 - previous[b.len()] as f64 / longest as f64
}

/// How much of `typed` an OCR reading of it contains, in order (longest common
/// subsequence / length of `typed`): OCR adds noise characters and doubles strokes
/// ("家家政政服务服务员员") but a changed name loses characters of the typed one. A reading
/// more than twice as long proves nothing and scores by [`similarity`] instead.
pub fn ocr_similarity(typed: &str, read: &str) -> f64 {
    let a: Vec<char> = typed.chars().collect();
    let b: Vec<char> = read.chars().collect();
    if a.is_empty() || b.len() > 2 * a.len() + 4 {
        return similarity(typed, read);
    }
    let mut previous = vec![0usize; b.len() + 1];
    let mut current = vec![0usize; b.len() + 1];
    for ca in &a {
        for (j, cb) in b.iter().enumerate() {
            current[j + 1] = if ca == cb { previous[j] + 1 } else { previous[j + 1].max(current[j]) };
        }
        std::mem::swap(&mut previous, &mut current);
    }
    let covered = previous[b.len()] as f64 / a.len() as f64;
    covered.max(similarity(typed, read))
}

/// How well `needle` appears anywhere in `haystack`: 1 − (fewest edits turning `needle`
/// into some run of `haystack`) / its length (approximate substring search).
pub fn best_substring_similarity(needle: &str, haystack: &str) -> f64 {
    let sure: Vec<(char, bool)> = haystack.chars().map(|c| (c, true)).collect();
    best_substring_similarity_read(needle, &sure)
}

/// [`best_substring_similarity`] over an OCR reading whose characters carry whether OCR
/// was sure of them: a character OCR itself doubted matches any typed one (a guess is no
/// evidence either way: chi_sim read "葫芦岛" as "戎芦岛" with 芦 at 0%). Missing and extra
/// characters still count.
pub fn best_substring_similarity_read(needle: &str, haystack: &[(char, bool)]) -> f64 {
    let n: Vec<char> = needle.chars().collect();
    if n.is_empty() {
        return 1.0;
    }
    let mut previous = vec![0usize; haystack.len() + 1];
    let mut current = vec![0usize; haystack.len() + 1];
    for (i, cn) in n.iter().enumerate() {
        current[0] = i + 1;
        for (j, (ch, sure)) in haystack.iter().enumerate() {
            let substitution = usize::from(*sure && cn != ch);
            current[j + 1] = (previous[j] + substitution).min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    let best = previous.iter().copied().min().unwrap_or(n.len());
    1.0 - best as f64 / n.len() as f64
}

/// Whether a figure read by OCR differs from the typed one in exactly one digit (same
/// number of digits): 61.5 read as 91.5. Such a difference is more likely a misread than a
/// contradiction; a changed figure (2150 → 2330) differs in more than one digit.
pub fn one_digit_apart(a: f64, b: f64, is_rate: bool) -> bool {
    let digits = |v: f64| if is_rate { format!("{}", (v * 1000.0).round() as i64) } else { format!("{}", v.round() as i64) };
    let (a, b) = (digits(a), digits(b));
    a.len() == b.len() && a.chars().zip(b.chars()).filter(|(x, y)| x != y).count() == 1
}

/// Collects row-level findings of one check, keeping the first `cap` of each table and
/// summing up the rest of that table in one finding on the table.
pub struct RowFindings<'a> {
    code: Code,
    cap: usize,
    what: &'static str,
    kept: Vec<Finding>,
    /// Per table (by address): the table, findings kept, findings dropped.
    counts: Vec<(&'a PersonTable, usize, usize)>,
}

impl<'a> RowFindings<'a> {
    /// `what` names the problem for the summary ("身份证号不合规").
    pub fn new(code: Code, cap: usize, what: &'static str) -> Self {
        RowFindings { code, cap, what, kept: Vec::new(), counts: Vec::new() }
    }

    pub fn push(&mut self, table: &'a PersonTable, finding: Finding) {
        let index = match self.counts.iter().position(|(t, _, _)| std::ptr::eq(*t, table)) {
            Some(i) => i,
            None => {
                self.counts.push((table, 0, 0));
                self.counts.len() - 1
            }
        };
        let entry = &mut self.counts[index];
        if entry.1 < self.cap {
            entry.1 += 1;
            self.kept.push(finding);
        } else {
            entry.2 += 1;
        }
    }

    pub fn finish(mut self) -> Vec<Finding> {
        for (table, kept, dropped) in self.counts {
            if dropped > 0 {
                self.kept.push(
                    Finding::new(
                        self.code,
                        format!("{}中另有{dropped}行{}，未逐行列出（已列出前{kept}行）", table_label(table), self.what),
                        table_location(table),
                    )
                    .actual(format!("另有{dropped}行")),
                );
            }
        }
        self.kept
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn doubted_characters_match_anything_missing_ones_do_not() {
        let read = |t: &str, sure: &[bool]| t.chars().zip(sure.iter().copied()).collect::<Vec<_>>();
        let page = read("名称戎芦岛泳装", &[true, true, true, false, true, true, true]);
        assert!((best_substring_similarity_read("葫芦岛泳装", &page) - 0.8).abs() < 1e-9, "戎 is sure: one substitution");
        let page = read("名称戎芦岛泳装", &[true, true, false, false, true, true, true]);
        assert_eq!(best_substring_similarity_read("葫芦岛泳装", &page), 1.0);
        let page = read("名称芦岛", &[true, true, false, false]);
        assert!(best_substring_similarity_read("葫芦岛泳装", &page) < 0.7, "characters not read at all still count");
        assert_eq!(best_substring_similarity_read("", &page), 1.0);
    }

    use super::*;

    #[test]
    fn tolerance_boundary_is_inclusive() {
        assert!(!beyond(0.865, 0.86, 0.005), "exactly 0.5 points is within tolerance");
        assert!(beyond(0.8651, 0.86, 0.005));
        assert!(!beyond(0.86, 0.86, 0.0));
    }

    #[test]
    fn percent_reads_like_the_form() {
        assert_eq!(percent(0.865), "86.5%");
        assert_eq!(percent(0.8), "80%");
        assert_eq!(percent(0.8123), "81.23%");
    }

    #[test]
    fn similarity_tolerates_one_ocr_error_in_a_long_name() {
        assert_eq!(similarity("沈阳巧嫂", "沈阳巧嫂"), 1.0);
        assert!(similarity("沈阳市巧嫂家政服务有限公司", "沈阳市巧螋家政服务有限公司") > 0.9);
        assert!(similarity("沈阳巧嫂", "大连月嫂") < 0.8);
        assert_eq!(similarity("沈阳巧嫂", "沈阳金嫂"), 0.75);
        assert_eq!(similarity("", ""), 1.0);
    }

    #[test]
    fn ocr_similarity_forgives_added_noise_not_lost_characters() {
        assert_eq!(ocr_similarity("家政服务员、养老护理员", "家家政政服务服务员员、养攻老护理员"), 1.0);
        assert_eq!(ocr_similarity("沈阳巧嫂", "沈阳金嫂"), 0.75);
        assert!(ocr_similarity("沈阳市巧嫂家政服务有限公司", "大连市海韵家政服务有限公司") < 0.8);
        assert!(ocr_similarity("巧嫂", "巧一二三四五六七八九十嫂") < 0.8, "a reading far longer proves nothing");
    }

    #[test]
    fn approximate_substring() {
        assert_eq!(best_substring_similarity("沈阳厨师", "品牌名称沈阳司师品牌范围……“沈阳厨师”培训品牌依托"), 1.0);
        assert_eq!(best_substring_similarity("中式烹调师", "工种中式豪调师、中式面点师"), 0.8);
        assert!(best_substring_similarity("沈阳巧嫂", "品牌名称大连月嫂") < 0.8);
        assert_eq!(best_substring_similarity("", "x"), 1.0);
        assert_eq!(best_substring_similarity("ab", ""), 0.0);
    }

    #[test]
    fn one_digit_misreads() {
        assert!(one_digit_apart(0.615, 0.915, true));
        assert!(one_digit_apart(2150.0, 2750.0, false));
        assert!(!one_digit_apart(2150.0, 2330.0, false), "+180");
        assert!(!one_digit_apart(1574.0, 1617.0, false), "+43");
        assert!(!one_digit_apart(950.0, 1130.0, false), "lengths differ");
        assert!(!one_digit_apart(0.862, 0.862, true));
    }

    #[test]
    fn counts_and_rates_are_read_safely() {
        let fig = |v: Option<f64>| Figure { text: "x".into(), value: v, location: Location::default(), confidence: None };
        assert_eq!(count_of(Some(&fig(Some(2150.0)))), Some(2150));
        assert_eq!(count_of(Some(&fig(Some(2150.5)))), None);
        assert_eq!(count_of(Some(&fig(None))), None, "a count written 八百余人 that did not parse");
        assert_eq!(rate_of(Some(&fig(Some(0.85)))), Some(0.85));
        assert_eq!(rate_of(Some(&fig(Some(85.0)))), None, "85 not turned into a fraction is not a rate");
        assert!(is_blank(None));
        assert!(is_blank(Some(&Figure { text: " ".into(), value: None, location: Location::default(), confidence: None })));
        assert!(!is_blank(Some(&Figure { text: "八成".into(), value: None, location: Location::default(), confidence: None })));
    }
}

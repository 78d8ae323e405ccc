//! Figures stated in narratives (the recommendation report, unit materials): per year,
//! the number of trainees, the pass rate and the employment rate, each with the sentence
//! it was read from as evidence and its page.
//!
//! Text is NFKC-normalised and matched without whitespace (OCR puts spaces between Han
//! characters and digits). A page is cut into sentences (。；！？), sentences into clauses
//! (，、). A count "N人/名" is a number of trainees when its clause holds a training word
//! and no outcome word (`[narrative]` in the rules: 培训2150人 yes, 合格1860人 no); a rate
//! belongs to the metric named just before it. A figure's year is the last year named
//! before it in the sentence; "2022年、2023年分别培训2150人、2240人" pairs years and
//! figures in order; a span "2022年至2023年共培训4390人" is a total and is skipped.

use std::sync::LazyLock;

use regex::Regex;

use crate::config::Rules;
use crate::domain::{compact, Count, Rate};
use crate::report::Location;

use super::{ExtractedFile, Metric, NarrativeFigure};

static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(20\d{2})年").expect("year pattern"));
static COUNT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d{1,3}(?:,\d{3})+|\d+)(?:余|多)?(人次|人|名)").expect("count pattern"));
static RATE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d{1,3}(?:\.\d+)?)%").expect("rate pattern"));
static SPAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"20\d{2}年?(?:度)?(?:至|到|-|~|—|–)20\d{2}年").expect("span pattern"));

/// Longest text kept as evidence.
const MAX_EVIDENCE_CHARS: usize = 240;

pub fn figures(file: &ExtractedFile, rules: &Rules) -> Vec<NarrativeFigure> {
    let mut out = Vec::new();
    for page in &file.pages {
        for paragraph in paragraphs(&page.text) {
            // A sentence without a year of its own ("培训后就业率61%。") speaks of the
            // paragraph's year, when the paragraph has named exactly one so far.
            let mut seen: Vec<i32> = Vec::new();
            for sentence in sentences(&paragraph) {
                for (_, y) in years(&sentence) {
                    if !seen.contains(&y) {
                        seen.push(y);
                    }
                }
                let context = (seen.len() == 1).then(|| seen[0]);
                for (year, metric, value) in sentence_figures(&sentence, rules, context) {
                    let evidence: String = sentence.chars().take(MAX_EVIDENCE_CHARS).collect();
                    out.push(NarrativeFigure { year, metric, value, sentence: evidence, location: Location::page(&file.path, page.number) });
                }
            }
        }
    }
    out
}

/// Paragraphs of a page: runs of lines between blank lines. Lines holding tabs are table
/// rows (the DOCX reader writes cells tab-separated): tables are read as tables, not here.
fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.contains('\t') {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        current.push_str(line);
        current.push('\n');
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Sentences of a paragraph, compacted (line breaks inside a sentence are layout).
fn sentences(text: &str) -> Vec<String> {
    compact(text).split(['。', ';', '!', '?', '！', '？', '；']).map(str::to_string).filter(|s| !s.is_empty()).collect()
}

/// (position, year) of every "20xx年" in a compacted sentence.
fn years(s: &str) -> Vec<(usize, i32)> {
    YEAR.captures_iter(s).filter_map(|c| Some((c.get(0)?.start(), c[1].parse().ok()?))).collect()
}

fn sentence_figures(s: &str, rules: &Rules, context: Option<i32>) -> Vec<(i32, Metric, f64)> {
    let ys = years(s);
    if ys.is_empty() && context.is_none() {
        return Vec::new();
    }
    let words = |list: &[String]| list.iter().map(|w| compact(w)).collect::<Vec<_>>();
    let trainee = words(&rules.narrative.trainee_words);
    let not_trainee = words(&rules.narrative.not_trainee_words);
    let pass = words(&rules.narrative.pass_rate_words);
    let employment = words(&rules.narrative.employment_rate_words);
    let spans: Vec<(usize, usize)> = SPAN.find_iter(s).map(|m| (m.start(), m.end())).collect();

    // Every candidate figure: (position, metric, value).
    let mut found: Vec<(usize, Metric, f64)> = Vec::new();
    for m in COUNT.captures_iter(s) {
        let (Some(all), Some(num)) = (m.get(0), m.get(1)) else { continue };
        // A year is not a count ("2022年" never matches: 年 is no unit), nor is a
        // count inside a span; the clause decides what was counted.
        let clause = clause_before(s, all.start());
        let names_training = trainee.iter().any(|w| clause.contains(w.as_str()));
        let names_other = not_trainee.iter().any(|w| clause.contains(w.as_str()));
        if !names_training || names_other {
            continue;
        }
        if let Ok(count) = Count::parse(num.as_str()) {
            found.push((all.start(), Metric::Trainees, count.value() as f64));
        }
    }
    for m in RATE.captures_iter(s) {
        let Some(all) = m.get(0) else { continue };
        // The tail of a garbled figure ("46.%8%": OCR scattered a percent sign through
        // 46.8%) is no figure: a rate stands after no digit, point or percent sign.
        if s[..all.start()].chars().next_back().is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | '%' | '．' | '％')) {
            continue;
        }
        let clause = clause_before(s, all.start());
        // The metric named last before the rate, within its clause.
        let last = |list: &[String]| list.iter().filter_map(|w| clause.rfind(w.as_str())).max();
        let metric = match (last(&pass), last(&employment)) {
            (Some(p), Some(e)) if p > e => Metric::PassRate,
            (Some(_), Some(_)) => Metric::EmploymentRate,
            (Some(_), None) => Metric::PassRate,
            (None, Some(_)) => Metric::EmploymentRate,
            (None, None) => continue,
        };
        if let Ok(rate) = Rate::parse(all.as_str()) {
            found.push((all.start(), metric, rate.value()));
        }
    }
    found.sort_by_key(|f| f.0);

    let mut out = Vec::new();
    let respectively = s.contains("分别");
    for metric in [Metric::Trainees, Metric::PassRate, Metric::EmploymentRate] {
        let of_metric: Vec<&(usize, Metric, f64)> = found.iter().filter(|f| f.1 == metric).collect();
        if of_metric.is_empty() {
            continue;
        }
        // "2022年、2023年分别…2150人、2240人": years and figures in order.
        let distinct_years: Vec<i32> = ys.iter().map(|y| y.1).fold(Vec::new(), |mut v, y| {
            if !v.contains(&y) {
                v.push(y);
            }
            v
        });
        if respectively && distinct_years.len() > 1 && of_metric.len() == distinct_years.len() {
            for (year, f) in distinct_years.iter().zip(&of_metric) {
                out.push((*year, metric, f.2));
            }
            continue;
        }
        for f in of_metric {
            // A figure right after a span of years is a total over the span.
            if spans.iter().any(|(a, b)| *a < f.0 && ys.iter().filter(|y| y.0 > *b && y.0 < f.0).count() == 0) {
                continue;
            }
            if let Some(year) = ys.iter().rev().find(|y| y.0 < f.0).map(|y| y.1).or(if ys.is_empty() { context } else { None }) {
                out.push((year, metric, f.2));
            }
        }
    }
    out
}

/// The clause a figure at `pos` belongs to: back to the previous comma or colon (a
/// comma between digits is a thousands separator; 、 lists within one clause).
fn clause_before(s: &str, pos: usize) -> &str {
    let head = &s[..pos];
    let chars: Vec<(usize, char)> = head.char_indices().collect();
    for i in (0..chars.len()).rev() {
        let (at, c) = chars[i];
        let separator = match c {
            ',' => !(i > 0 && chars[i - 1].1.is_ascii_digit() && chars.get(i + 1).is_some_and(|n| n.1.is_ascii_digit())),
            ':' => true,
            _ => false,
        };
        if separator {
            return &s[at + c.len_utf8()..pos];
        }
    }
    head
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn figs(text: &str) -> Vec<(i32, Metric, f64)> {
        let config = Config::builtin().expect("config");
        sentences(text).iter().flat_map(|s| sentence_figures(s, &config.rules, None)).collect()
    }

    #[test]
    fn one_year_all_three_figures() {
        let got = figs("2022年培训家政服务人员2150人，其中考核合格1860人，合格率86.5%，培训后就业率61%。");
        assert_eq!(got, vec![(2022, Metric::Trainees, 2150.0), (2022, Metric::PassRate, 0.865), (2022, Metric::EmploymentRate, 0.61)]);
    }

    #[test]
    fn ocr_spacing_and_full_width() {
        let got = figs("2023 年 共 培 训 2 2 4 0 人 ， 培训合格率 ８８％");
        assert_eq!(got, vec![(2023, Metric::Trainees, 2240.0), (2023, Metric::PassRate, 0.88)]);
    }

    #[test]
    fn both_years_respectively() {
        let got = figs("2022年、2023年分别培训2,150人、2240人，合格率分别为86.5%和88%。");
        assert_eq!(
            got,
            vec![(2022, Metric::Trainees, 2150.0), (2023, Metric::Trainees, 2240.0), (2022, Metric::PassRate, 0.865), (2023, Metric::PassRate, 0.88)]
        );
    }

    #[test]
    fn both_years_in_sequence() {
        let got = figs("2022年培训2150人，2023年培训2240人。");
        assert_eq!(got, vec![(2022, Metric::Trainees, 2150.0), (2023, Metric::Trainees, 2240.0)]);
    }

    #[test]
    fn totals_over_a_span_and_outcome_counts_are_not_trainees() {
        assert!(figs("2022年至2023年共培训4390人。").is_empty());
        assert!(figs("2022年就业1310人，取证1800人。").is_empty());
        assert!(figs("学校现有教师120人。").is_empty(), "no year");
    }

    #[test]
    fn paragraphs_skip_table_rows_and_carry_their_one_year() {
        let config = Config::builtin().expect("config");
        let file = ExtractedFile {
            path: "u.docx".into(),
            sha256: String::new(),
            format: crate::intake::Format::Docx,
            kind: crate::intake::DocKind::UnitMaterial,
            classified_by: Vec::new(),
            pages: vec![crate::extract::Page {
                number: 2,
                text: "2022年，我校共培训家政服务人员2,150人，\n其中考核合格1860人，合格率86.5%。培训后就业率61%。\n年份\t2022年\t2023年\n培训人数\t2150\t2240\n\n2023年培训2240人，2022年培训2150人。就业率60%。".into(),
                source: crate::extract::TextSource::Text,
                confidence: None,
                words: Vec::new(),
                width: 0,
                height: 0,
                seals: Vec::new(),
            }],
            sheets: Vec::new(),
            metadata: Default::default(),
            unreadable: None,
        };
        let got: Vec<(i32, Metric, f64)> = figures(&file, &config.rules).iter().map(|f| (f.year, f.metric, f.value)).collect();
        assert_eq!(
            got,
            vec![
                (2022, Metric::Trainees, 2150.0),
                (2022, Metric::PassRate, 0.865),
                (2022, Metric::EmploymentRate, 0.61),
                (2023, Metric::Trainees, 2240.0),
                (2022, Metric::Trainees, 2150.0),
            ],
            "the last paragraph names two years: its yearless 就业率 is not attributed"
        );
    }

    #[test]
    fn the_tail_of_a_garbled_figure_is_no_rate() {
        let got = figs("2023年培训818人，培训合格率85.9%，培训后就业率46.%8%。");
        assert!(got.iter().all(|(_, metric, _)| *metric != Metric::EmploymentRate), "{got:?}");
        assert!(got.contains(&(2023, Metric::PassRate, 0.859)), "{got:?}");
    }
}

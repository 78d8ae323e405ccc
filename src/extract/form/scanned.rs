//! The 申报表 from its stamped scan: the OCR word boxes of the page (`Page.words`).
//!
//! Words are grouped into visual rows by vertical overlap (Tesseract's own line numbers
//! split one table row into several blocks), each row read left to right without
//! spaces. Labels are found in rows by `[form.labels]`; a value is what follows its label
//! in the row; the label column's right edge bounds the content of rows without a label
//! (a label centred in a merged cell shares its row with only one of its value rows).
//! Option rows are read for checkbox glyphs (☑ ■ √ ticked, ☐ □ 口 empty); the 培训情况
//! figures are assigned to the year column whose header is nearest horizontally.
//!
//! Not done here: deciding a box from the pixels (the page image is not kept in the
//! extracted model). A box Tesseract reads as neither glyph falls back to "not ticked".

use crate::config::Rules;
use crate::domain::compact;
use crate::extract::{ExtractedFile, Figure, FormData, FormVersion, FormYear, Page, Word};
use crate::report::Location;

use super::{
    clean_applicant, count_figure, empty_form, field, labels, rate_figure, read_boxes, split_occupations, strip_hints, unit_name, year_in,
};

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) text: String,
    pub(crate) x0: u32,
    pub(crate) x1: u32,
    /// The OCR confidence of the word.
    pub(crate) confidence: f64,
    /// Vertical centre of the word's box.
    pub(crate) centre_y: u32,
}

impl Token {
    pub(crate) fn centre(&self) -> u32 {
        ((self.x0 as u64 + self.x1 as u64) / 2) as u32
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) y0: u32,
    pub(crate) y1: u32,
    pub(crate) tokens: Vec<Token>,
}

impl Row {
    fn text(&self) -> String {
        self.tokens.iter().map(|t| t.text.as_str()).collect()
    }

    fn text_right_of(&self, x: u32) -> String {
        self.tokens.iter().filter(|t| t.centre() > x).map(|t| t.text.as_str()).collect()
    }

    /// Where a label starts and ends in the row: (byte end in `text()`, x of its right edge).
    fn find(&self, label: &str) -> Option<(usize, u32)> {
        let text = self.text();
        let start = text.find(label)?;
        let end = start + label.len();
        // The right edge of the last token the label reaches into.
        let mut offset = 0;
        let mut x = 0;
        for t in &self.tokens {
            if offset < end {
                x = t.x1;
            }
            offset += t.text.len();
        }
        Some((end, x))
    }
}

/// Groups words into visual rows: a word joins the row it overlaps vertically by at
/// least half of the smaller height.
pub(crate) fn rows(words: &[Word]) -> Vec<Row> {
    let mut sorted: Vec<&Word> = words.iter().filter(|w| !w.text.trim().is_empty()).collect();
    sorted.sort_by_key(|w| w.bbox[1].saturating_add(w.bbox[3] / 2));
    let mut rows: Vec<Row> = Vec::new();
    for w in sorted {
        let (y0, y1) = (w.bbox[1], w.bbox[1].saturating_add(w.bbox[3]));
        let centre_y = w.bbox[1].saturating_add(w.bbox[3] / 2);
        let token = Token { text: compact(&w.text), x0: w.bbox[0], x1: w.bbox[0].saturating_add(w.bbox[2]), confidence: w.confidence, centre_y };
        // A word that sits on top of a word already in the row belongs to another line
        // of the same cell (two lines Tesseract boxed as overlapping): joining them would
        // interleave their characters ("家政服务员" twice → "家家政政服务服务员员").
        let joined = rows.iter_mut().rev().take(3).find(|r| {
            let overlap = r.y1.min(y1) as i64 - r.y0.max(y0) as i64;
            // Side by side on one line, Tesseract's boxes of neighbouring Han characters
            // may overlap too ("锦州" boxed over "汽"): stacked words have centres a good
            // part of a line apart.
            let stacked = r.tokens.iter().any(|t| {
                let shared = t.x1.min(token.x1) as i64 - t.x0.max(token.x0) as i64;
                let apart = u64::from(t.centre_y.abs_diff(centre_y)) * 3 > u64::from((y1 - y0).min(r.y1 - r.y0));
                shared * 2 > (t.x1 - t.x0).min(token.x1 - token.x0) as i64 && apart
            });
            overlap * 2 >= (r.y1 - r.y0).min(y1 - y0) as i64 && !stacked
        });
        match joined {
            Some(r) => {
                r.y0 = r.y0.min(y0);
                r.y1 = r.y1.max(y1);
                r.tokens.push(token);
            }
            None => rows.push(Row { y0, y1, tokens: vec![token] }),
        }
    }
    for r in &mut rows {
        r.tokens.sort_by_key(|t| t.x0);
    }
    rows.sort_by_key(|r| r.y0);
    rows
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

fn han_count(text: &str) -> usize {
    text.chars().filter(|c| is_han(*c)).count()
}

/// How many of `label`'s characters `text` holds (each character of `text` used once, in
/// any order: OCR drops and swaps characters of a label), and that count's share of the label.
fn label_share(text: &str, label: &str) -> (usize, f64) {
    let mut pool: Vec<char> = text.chars().collect();
    let mut hits = 0;
    for c in label.chars() {
        if let Some(k) = pool.iter().position(|p| *p == c) {
            pool.remove(k);
            hits += 1;
        }
    }
    (hits, hits as f64 / label.chars().count().max(1) as f64)
}

/// The row whose label-column text shares most characters with one of `labels` (at
/// least 60% of the label's characters and three of them), for labels OCR garbled.
fn fuzzy_find(rows: &[Row], labels: &[String], label_edge: u32) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, row) in rows.iter().enumerate() {
        let text: String = row.tokens.iter().filter(|t| t.centre() <= label_edge).map(|t| t.text.as_str()).collect();
        if text.is_empty() {
            continue;
        }
        for label in labels {
            let (hits, score) = label_share(&text, label);
            if hits >= 3 && score >= 0.6 && best.is_none_or(|(_, b)| score > b) {
                best = Some((i, score));
            }
        }
    }
    best.map(|(i, _)| i)
}

/// The first row of a two-line label OCR garbled ("草厢行亚或" over "职业(工种)"), among
/// `rows[within]` only: each row's label-column text is joined with that of the next row
/// holding any (the value may sit on a row between the label's lines), since one garbled
/// line alone shares too few characters with the label. Bounded because the label's
/// second line alone recurs in the summary ("开展职业（工种）培训").
fn fuzzy_find_two_lines(rows: &[Row], labels: &[String], label_edge: u32, within: std::ops::Range<usize>) -> Option<usize> {
    let column = |i: usize| -> String { rows[i].tokens.iter().filter(|t| t.centre() <= label_edge).map(|t| t.text.as_str()).collect() };
    let end = within.end.min(rows.len());
    let mut best: Option<(usize, f64)> = None;
    for i in within.start..end {
        let first = column(i);
        if han_count(&first) == 0 {
            continue;
        }
        let second = (i + 1..end).map(column).find(|t| !t.is_empty()).unwrap_or_default();
        let text = first + &second;
        for label in labels {
            let (hits, score) = label_share(&text, label);
            if hits >= 3 && score >= 0.6 && best.is_none_or(|(_, b)| score > b) {
                best = Some((i, score));
            }
        }
    }
    best.map(|(i, _)| i)
}

/// The first row holding one of `labels`, with the label's end and right edge.
fn find(rows: &[Row], labels: &[String]) -> Option<(usize, usize, u32)> {
    rows.iter().enumerate().find_map(|(i, r)| labels.iter().find_map(|l| r.find(l)).map(|(end, x)| (i, end, x)))
}

fn after(row: &Row, end: usize) -> String {
    row.text().get(end..).unwrap_or("").trim_start_matches([':', '：']).to_string()
}

/// The page's skew as dy/dx, from the year headers ("2022 年 … 2023 年" lie on one
/// printed line): a scanner feeds paper a little askew, and over a table's width a few
/// pixels per hundred move a figure into the next row.
fn skew(words: &[Word]) -> f64 {
    let years: Vec<&Word> = words.iter().filter(|w| compact(&w.text).chars().count() <= 6 && year_in(&w.text).is_some()).collect();
    let mut slopes = Vec::new();
    for a in &years {
        for b in &years {
            let dx = b.bbox[0] as f64 - a.bbox[0] as f64;
            let dy = b.bbox[1].saturating_add(b.bbox[3] / 2) as f64 - a.bbox[1].saturating_add(a.bbox[3] / 2) as f64;
            if dx > 200.0 && dy.abs() < 2.0 * a.bbox[3].max(b.bbox[3]) as f64 {
                slopes.push(dy / dx);
            }
        }
    }
    slopes.sort_by(f64::total_cmp);
    slopes.get(slopes.len() / 2).copied().filter(|s| s.abs() < 0.1).unwrap_or(0.0)
}

/// Words with their y moved by the skew, so that a printed line has one y.
pub(crate) fn deskewed(words: &[Word]) -> Vec<Word> {
    let slope = skew(words);
    if slope == 0.0 {
        return words.to_vec();
    }
    words
        .iter()
        .map(|w| {
            let mut w = w.clone();
            let y = w.bbox[1] as f64 - slope * w.bbox[0] as f64;
            w.bbox[1] = y.max(0.0).round() as u32;
            w
        })
        .collect()
}

/// A value's place on the page and how sure the page reading was of it.
#[derive(Debug, Clone, Copy)]
pub struct Cell {
    /// [x, y, width, height] in page pixels.
    pub bbox: [u32; 4],
    /// The least OCR confidence among the value's words.
    pub confidence: f64,
}

/// The form read from its scan, with where its occupation value lies: that value sits
/// between its label's two lines, and Tesseract's page layout often reads it as parts of
/// both ("狼老,员" over "护理员"), so it is worth a reading of its own. (The brand name
/// read on its own crop came out no better on the corpus: the same 师传, 皇新.)
pub struct Scanned {
    pub form: FormData,
    pub occupations: Option<Cell>,
}

pub fn read(file: &ExtractedFile, rules: &Rules) -> Option<Scanned> {
    let main_labels = ["brand_name", "scope", "type", "occupations", "units", "training", "trainees", "pass_rate", "employment_rate"];
    // The page with the most labels is the form's first page.
    let (page, page_rows) = file
        .pages
        .iter()
        .map(|p| (p, rows(&deskewed(&p.words))))
        .max_by_key(|(_, rs)| main_labels.iter().filter(|f| find(rs, &labels(rules, f)).is_some()).count())?;
    let hits = main_labels.iter().filter(|f| find(&page_rows, &labels(rules, f)).is_some()).count();
    if hits < 2 {
        return None;
    }
    Some(read_page(file, page, &page_rows, rules))
}

fn read_page(file: &ExtractedFile, page: &Page, rows: &[Row], rules: &Rules) -> Scanned {
    let loc = || Location::page(&file.path, page.number);
    let mut form = empty_form(file, FormVersion::Scanned);
    let exact = |field: &str| find(rows, &labels(rules, field));

    // The label column's right edge: the widest of the first-column labels found.
    let column_labels = ["brand_name", "scope", "type", "occupations", "units", "training", "summary"];
    let label_edge = column_labels.iter().filter_map(|f| exact(f).map(|(_, _, x)| x)).max().unwrap_or(0);
    // A first-column label OCR garbled or interleaved with its second line
    // ("品牌取业(行业工种或") is found by the characters it shares with the label.
    let mut fuzzy: Vec<(&str, usize)> = if label_edge > 0 {
        column_labels
            .iter()
            .filter(|f| **f != "occupations" && exact(f).is_none())
            .filter_map(|f| fuzzy_find(rows, &labels(rules, f), label_edge).map(|i| (*f, i)))
            .collect()
    } else {
        Vec::new()
    };
    // A row with Han text in the label column: a label's line.
    let label_line = |i: usize| rows[i].tokens.iter().any(|t| t.centre() <= label_edge && han_count(&t.text) > 0);
    // The occupation label lies between the 品牌类型 label and the 依托单位 label.
    if label_edge > 0 && exact("occupations").is_none() {
        let row_of = |field: &str| exact(field).map(|(i, _, _)| i).or_else(|| fuzzy.iter().find(|(f, _)| *f == field).map(|&(_, i)| i));
        let (type_row, units_row) = (row_of("type"), row_of("units"));
        let within = type_row.map_or(0, |i| i + 1)..units_row.unwrap_or(rows.len());
        // Between those two labels the label column holds the occupation label alone: a
        // label OCR read as one wide glyph ("本") is still the label.
        let alone = || {
            let (Some(_), Some(_)) = (type_row, units_row) else { return None };
            within.clone().find(|&i| label_line(i))
        };
        if let Some(i) = fuzzy_find_two_lines(rows, &labels(rules, "occupations"), label_edge, within.clone()).or_else(alone) {
            fuzzy.push(("occupations", i));
        }
    }
    let at = |field: &str| exact(field).or_else(|| fuzzy.iter().find(|(f, _)| *f == field).map(|&(_, i)| (i, 0, label_edge)));

    if let Some((i, end, _)) = at("applicant") {
        form.applicant = field(&clean_applicant(&after(&rows[i], end)), loc());
    }
    // A value is what lies right of the label column (OCR scatters a two-line label's
    // words over the value's row); without a column edge, what follows the label.
    let label_rows: Vec<usize> = ["brand_name", "scope", "type", "occupations", "units", "training", "summary", "recommendation"].iter().filter_map(|f| at(f).map(|(i, _, _)| i)).collect();
    // Rows holding the form's options are nobody's value.
    let option_row = |j: usize| {
        let t = rows[j].text();
        rules.form.scopes.iter().chain(&rules.form.types).filter(|o| t.contains(&compact(o))).count() >= 2
    };
    // A line starting with a number is one of the 依托单位 list ("1.营口市技师学院"), never
    // the other line of a label above it whose own value OCR lost.
    let numbered = |j: usize| rows[j].tokens.iter().find(|t| t.centre() > label_edge).is_some_and(|t| t.text.starts_with(|c: char| c.is_ascii_digit()));
    // The value and the row it was read on.
    let value_at = |i: usize, end: usize| -> (String, usize) {
        let own = if label_edge > 0 { rows[i].text_right_of(label_edge) } else { after(&rows[i], end) };
        // Specks right of a label ("ee", "_") are no value.
        if han_count(&own) >= 2 || label_edge == 0 {
            return (own, i);
        }
        // A two-line label: the value sits on the row of the label's other line.
        [i + 1, i.wrapping_sub(1)]
            .into_iter()
            .filter(|&j| j < rows.len() && !label_rows.contains(&j) && !option_row(j) && !numbered(j))
            .map(|j| (rows[j].text_right_of(label_edge), j))
            .find(|(t, _)| han_count(t) >= 2)
            .unwrap_or((String::new(), i))
    };
    let slope = skew(&page.words);
    if let Some((i, end, _)) = at("brand_name") {
        // Specks OCR reads at the cell's edges ("、沈阳巧嫂", ".|本溪导游员").
        let value = strip_hints(&value_at(i, end).0, rules);
        form.brand_name = field(value.trim_matches(|c: char| !is_han(c) && !c.is_alphanumeric()), loc());
    }

    let occupation_row = at("occupations").map(|(i, _, _)| i);
    let header_row = rows.iter().position(|r| {
        let t = r.text();
        t.contains("年份") || r.tokens.iter().filter(|tok| year_in(&tok.text).is_some()).count() >= 2
    });

    // Options: scope rows hold a scope option; type rows lie between the scopes and the
    // occupation row (行业/企业/其他 also appear elsewhere on the form).
    let scope_rows: Vec<usize> = (0..rows.len()).filter(|&i| rules.form.scopes.iter().any(|o| rows[i].text().contains(&compact(o)))).collect();
    let scope_texts: Vec<(String, Location)> = scope_rows.iter().map(|&i| (rows[i].text_right_of(label_edge), loc())).collect();
    form.scopes = read_boxes(&scope_texts, &rules.form.scopes, true);
    let type_from = scope_rows.last().map_or(0, |i| i + 1);
    let type_to = occupation_row.or(header_row).unwrap_or(rows.len());
    let type_texts: Vec<(String, Location)> = (type_from..type_to.max(type_from))
        .map(|i| (rows[i].text_right_of(label_edge), loc()))
        .filter(|(t, _)| rules.form.types.iter().any(|o| t.contains(&compact(o))))
        .collect();
    form.types = read_boxes(&type_texts, &rules.form.types, true);

    // Without an occupation row, units start after the option rows.
    let mut units_from = occupation_row.or_else(|| (type_from..type_to.max(type_from)).rev().find(|&j| option_row(j)).or(scope_rows.last().copied()));
    let mut occupation_cell = None;
    if let Some(i) = occupation_row {
        let (_, end, _) = at("occupations").unwrap_or((i, 0, 0));
        let (value, used) = value_at(i, end);
        form.occupations = occupations(&value, rules, &loc());
        // The cell's rows: the label's lines and the value's; a second reading of the
        // value on the label's second line ("网师、电子商师") is no unit.
        let units_label = exact("units").map(|(i, _, _)| i);
        let mut last = i.max(used);
        for j in i + 1..header_row.unwrap_or(rows.len()) {
            // A piece of the value Tesseract put on a line of its own ("果树" of 果树栽培工)
            // lies within the cell's height.
            let centre = (rows[j].y0 / 2).saturating_add(rows[j].y1 / 2);
            let within = rows[i..=last].iter().any(|r| (r.y0..=r.y1).contains(&centre));
            if j > used && (!(label_line(j) || within) || Some(j) == units_label || numbered(j)) {
                break;
            }
            last = j;
        }
        units_from = Some(last);
        occupation_cell = cell(&rows[i..=last], label_edge, slope);
    }

    // Units: the numbered rows between the occupation row and the year header.
    if let (Some(from), Some(to)) = (units_from, header_row) {
        let unit_labels = labels(rules, "units");
        for row in &rows[from + 1..to.max(from + 1)] {
            // OCR often drops the dot after a unit's number: a leading token of digits
            // alone is the number.
            let number = row.tokens.iter().find(|t| t.centre() > label_edge).filter(|t| t.text.chars().count() <= 3 && t.text.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '、' | ',')));
            let mut text: String = row.tokens.iter().filter(|t| t.centre() > label_edge && !number.is_some_and(|n| std::ptr::eq(n, *t))).map(|t| t.text.as_str()).collect();
            for l in &unit_labels {
                text = text.replacen(l.as_str(), "", 1);
            }
            let text = strip_hints(&text, rules);
            let text = text.trim_start_matches(['.', ',', '、', ';', ':', '。']);
            // An organisation's name has at least four characters; shorter is OCR noise
            // from an empty numbered line ("3;", "主").
            if let Some(name) = unit_name(text).filter(|n| n.chars().count() >= 4) {
                form.units.extend(field(&city_mended(&name, rules), loc()));
            }
        }
    }

    if let Some(h) = header_row {
        form.years = years(rows, h, rules, &loc);
    }

    let recommendation = at("recommendation").map(|(i, _, _)| i).unwrap_or(rows.len());
    if let Some((i, end, _)) = at("summary") {
        let after_metrics = at("employment_rate").map_or(i, |(e, _, _)| e + 1).min(i);
        let mut text = after(&rows[i], end);
        for row in rows.iter().take(recommendation).skip(after_metrics) {
            if !std::ptr::eq(row, &rows[i]) {
                text.push_str(&row.text_right_of(label_edge));
            }
        }
        form.summary = field(&strip_hints(&text, rules), loc());
    }
    Scanned { form, occupations: occupation_cell }
}

/// The cell of the Han words right of the label column in `rows`: their box, padded a
/// little, in the page's own (skewed) frame (rows were read deskewed by `slope`).
fn cell(rows: &[Row], label_edge: u32, slope: f64) -> Option<Cell> {
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let mut confidence: f64 = 1.0;
    for row in rows {
        // A word reaching into the label column is the label's ("和" for 或) or a rule's.
        for t in row.tokens.iter().filter(|t| t.x0 > label_edge) {
            // A punctuation mark read sure of nothing is a misread as much as a character
            // ("数控、车工" for 数控车工), but only Han words place the box.
            confidence = confidence.min(t.confidence);
            if han_count(&t.text) == 0 {
                continue;
            }
            let (x0, y0, x1, y1) = bounds.unwrap_or((t.x0, row.y0, t.x1, row.y1));
            bounds = Some((x0.min(t.x0), y0.min(row.y0), x1.max(t.x1), y1.max(row.y1)));
        }
    }
    let (x0, y0, x1, y1) = bounds?;
    // Undo the deskew at both ends of the box, and leave a margin of a fifth of a line.
    let lift = |x: u32| slope * f64::from(x);
    let top = f64::from(y0) + lift(x0).min(lift(x1));
    let bottom = f64::from(y1) + lift(x0).max(lift(x1));
    let pad = f64::from(y1 - y0) / 5.0;
    let (top, bottom) = ((top - pad).max(0.0) as u32, (bottom + pad).max(0.0) as u32);
    let pad = pad as u32;
    let left = x0.saturating_sub(pad);
    Some(Cell { bbox: [left, top, x1.saturating_add(pad) - left, bottom.saturating_sub(top)], confidence })
}

/// A unit's name with its city mended where OCR misread one character of it ("皇新市"
/// for 阜新市, "戎芦岛市" for 葫芦岛市): a name starting with a city's full name (with its
/// 市) but one character is in that city; a name starting with any city is left alone.
fn city_mended(name: &str, rules: &Rules) -> String {
    let chars: Vec<char> = name.chars().collect();
    if rules.cities.iter().any(|c| name.starts_with(c.name.as_str())) {
        return name.to_string();
    }
    let near: Vec<&str> = rules
        .cities
        .iter()
        .map(|c| c.name.as_str())
        .filter(|city| {
            let city: Vec<char> = city.chars().collect();
            city.len() >= 3 && chars.len() > city.len() && chars[city.len() - 1] == city[city.len() - 1] && chars.iter().zip(&city).filter(|(a, b)| a != b).count() == 1
        })
        .collect();
    match near[..] {
        [city] => format!("{city}{}", chars[city.chars().count()..].iter().collect::<String>()),
        _ => name.to_string(),
    }
}

/// The occupations of the 品牌行业或职业(工种) value as OCR read it.
pub(crate) fn occupations(value: &str, rules: &Rules, location: &Location) -> Vec<crate::extract::Field> {
    // Remnants of the label's second line ("或)", "(工种)") and specks before the value.
    let value = value.trim_start_matches(|c: char| "或职业(工种)（）|_.,:;。".contains(c));
    // An occupation is written in Han characters (and maybe Latin letters): anything
    // else inside it is a speck ("数。控铣工", "母婴护理=员").
    split_occupations(&strip_hints(value, rules))
        .iter()
        .map(|o| o.chars().filter(|c| is_han(*c) || c.is_ascii_alphabetic()).collect::<String>())
        .filter(|clean| han_count(clean) >= 2)
        .filter_map(|clean| field(&clean, location.clone()))
        .collect()
}

/// The row after the header whose text left of the year columns holds at least three
/// quarters of a label's characters; with the label's right edge.
fn fuzzy_metric(rows: &[Row], header: usize, labels: &[String], first_column: u32) -> Option<(usize, usize, u32)> {
    let mut best: Option<(usize, u32, f64)> = None;
    for (i, row) in rows.iter().enumerate().skip(header + 1) {
        let left: Vec<&Token> = row.tokens.iter().filter(|t| t.x1 < first_column.saturating_sub(40)).collect();
        let text: String = left.iter().map(|t| t.text.as_str()).collect();
        for label in labels {
            let (hits, score) = label_share(&text, label);
            if hits >= 3 && score >= 0.75 && best.is_none_or(|b| score > b.2) {
                best = Some((i, left.iter().map(|t| t.x1).max().unwrap_or(0), score));
            }
        }
    }
    best.map(|(i, x, _)| (i, 0, x))
}

/// Tesseract reads a printed % after decimals as g/o/x/° ("87.0g"): a figure with
/// decimals in a rate cell ending so is a percentage.
fn ocr_percent(text: &str) -> String {
    let c = compact(text);
    // Specks after the sign ("93.0%0"): the figure ends at its %.
    let c = match c.find('%') {
        Some(i) => c[..=i].to_string(),
        None => c,
    };
    // "89.196" is 89.1 followed by a % read as 96: rates are printed with one or two
    // decimals, so three or more ending in 96 are a garbled sign.
    let decimals = |s: &str| s.split_once('.').map_or(0, |(_, d)| d.len());
    if let Some(number) = c.strip_suffix("96") {
        if decimals(&c) >= 3 && (1..=2).contains(&decimals(number)) && number.parse::<f64>().is_ok_and(|v| v <= 100.0) && v_gt_1(number) {
            return format!("{number}%");
        }
    }
    if let Some(number) = c.strip_suffix(['g', 'o', '°', 'G', 'x', 'X']) {
        if number.contains('.') && number.parse::<f64>().is_ok_and(|v| v <= 100.0) {
            return format!("{number}%");
        }
    }
    c
}

/// Tesseract drops the point of a rate printed with one decimal ("671%" for 67.1%): three
/// digits over 100% are read with the point before the last.
fn dropped_point(text: &str) -> Option<String> {
    let digits = text.strip_suffix('%')?;
    let over = digits.len() == 3 && digits.chars().all(|c| c.is_ascii_digit()) && digits.parse::<u32>().is_ok_and(|v| v > 100);
    over.then(|| format!("{}.{}%", &digits[..2], &digits[2..]))
}

fn v_gt_1(number: &str) -> bool {
    number.parse::<f64>().is_ok_and(|v| v > 1.0)
}

/// Year columns from the header row; each metric row's tokens go to the nearest column.
fn years(rows: &[Row], header: usize, rules: &Rules, loc: &dyn Fn() -> Location) -> Vec<FormYear> {
    // The header's tokens, with those of a row OCR split off it (a year read a line lower).
    let h = &rows[header];
    let band = h.y1 - h.y0;
    let tokens: Vec<&Token> = rows
        .iter()
        .filter(|r| (r.y0 as u64 + r.y1 as u64).abs_diff(h.y0 as u64 + h.y1 as u64) <= 2 * band as u64)
        .flat_map(|r| r.tokens.iter())
        .collect();
    // Year columns: a readable year, or digits OCR garbled ("2&023") before a 年.
    let mut candidates: Vec<(Option<i32>, u32)> = Vec::new();
    for (k, t) in tokens.iter().enumerate() {
        let xc = t.centre();
        if let Some(y) = year_in(&t.text) {
            candidates.push((Some(y), xc));
        } else if t.text.chars().filter(char::is_ascii_digit).count() >= 3
            && (t.text.ends_with('年') || tokens.get(k + 1).is_some_and(|n| n.text.starts_with('年') && !n.text.starts_with("年份")))
        {
            candidates.push((None, xc));
        }
    }
    candidates.sort_by_key(|c| c.1);
    candidates.dedup_by_key(|c| c.0.map_or(c.1 as i32, |y| -y));
    let round = &rules.round.years;
    let columns: Vec<(i32, u32)> = if candidates.iter().any(|c| c.0.is_none()) && candidates.len() == round.len() {
        // A garbled year: the columns are the round's years, left to right.
        round.iter().copied().zip(candidates.iter().map(|c| c.1)).collect()
    } else {
        candidates.iter().filter_map(|c| c.0.map(|y| (y, c.1))).collect()
    };
    if columns.is_empty() {
        return Vec::new();
    }
    let first_column = columns.iter().map(|c| c.1).min().unwrap_or(0);
    let mut out: Vec<FormYear> = columns.iter().map(|(y, _)| FormYear { year: *y, trainees: None, pass_rate: None, employment_rate: None }).collect();
    for metric in ["trainees", "pass_rate", "employment_rate"] {
        let ls = labels(rules, metric);
        let exact = rows.iter().enumerate().skip(header + 1).find_map(|(i, r)| ls.iter().find_map(|l| r.find(l)).map(|(e, x)| (i, e, x)));
        // A label with a stray character in it ("培训人和人数"): by shared characters,
        // among the tokens left of the first year column.
        let Some((i, _, label_x)) = exact.or_else(|| fuzzy_metric(rows, header, &ls, first_column)) else {
            continue;
        };
        // The row's figures, with those of a row split off it: a label glyph boxed
        // taller than its neighbours ("数" over "人") starts a row of its own, and the
        // figures may join that one. A token lying over one of the row's own is the same
        // cell read twice (what split the rows), not another figure.
        let row = &rows[i];
        let centre = |r: &Row| (r.y0 as u64 + r.y1 as u64) / 2;
        let over = |a: &Token, b: &Token| {
            let shared = a.x1.min(b.x1) as i64 - a.x0.max(b.x0) as i64;
            // The same figure boxed twice, once a digit short ("540" at 1220-1232 and
            // at 1227-1266), overlaps its twin by little.
            shared * 2 > (a.x1 - a.x0).min(b.x1 - b.x0) as i64 || (shared > 0 && a.text == b.text)
        };
        let mut tokens: Vec<&Token> = row.tokens.iter().filter(|t| t.x0 >= label_x).collect();
        let split_off: Vec<&Token> = rows
            .iter()
            .enumerate()
            .filter(|(j, r)| *j != i && *j > header && (row.y0 as u64..=row.y1 as u64).contains(&centre(r)) && (r.y0 as u64..=r.y1 as u64).contains(&centre(row)))
            .flat_map(|(_, r)| r.tokens.iter())
            .filter(|t| t.x0 >= label_x && !row.tokens.iter().any(|own| over(own, t)))
            .collect();
        tokens.extend(split_off);
        tokens.sort_by_key(|t| t.x0);
        let mut texts: Vec<String> = vec![String::new(); columns.len()];
        let mut sure: Vec<f64> = vec![1.0; columns.len()];
        for t in tokens {
            let xc = t.centre();
            if let Some((k, _)) = columns.iter().enumerate().min_by_key(|(_, (_, cx))| cx.abs_diff(xc)) {
                texts[k].push_str(&t.text);
                sure[k] = sure[k].min(t.confidence);
            }
        }
        for (k, text) in texts.into_iter().enumerate() {
            // Specks OCR reads around a figure (",2020", "|86.2%").
            let text = text.trim_matches(|c: char| !c.is_ascii_digit() && c != '%').to_string();
            if text.is_empty() {
                continue;
            }
            let read = |mut figure: Figure, sure: f64| {
                figure.confidence = Some(sure);
                Some(figure)
            };
            // A rate with its point put back is a guess: a reading, not evidence.
            let rate = |text: &str| match dropped_point(&ocr_percent(text)) {
                Some(guess) => read(rate_figure(&guess, loc()), sure[k].min(crate::extract::ocr::DISPUTED)),
                None => read(rate_figure(&ocr_percent(text), loc()), sure[k]),
            };
            match metric {
                "trainees" => out[k].trainees = read(count_figure(&text, loc()), sure[k]),
                "pass_rate" => out[k].pass_rate = rate(&text),
                _ => out[k].employment_rate = rate(&text),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(text: &str, x: u32, y: u32, width: u32) -> Word {
        Word { text: text.into(), bbox: [x, y, width, 30], confidence: 0.9, line: 0 }
    }

    #[test]
    fn hostile_boxes_do_not_overflow() {
        let words = vec![
            Word { text: "品牌名称".into(), bbox: [u32::MAX - 5, u32::MAX - 5, u32::MAX, u32::MAX], confidence: 0.5, line: 0 },
            Word { text: "品牌范围".into(), bbox: [u32::MAX, 0, u32::MAX, 30], confidence: 0.5, line: 0 },
        ];
        let rs = rows(&deskewed(&words));
        assert!(!rs.is_empty());
        assert!(rs.iter().all(|r| r.tokens.iter().all(|t| t.centre() >= t.x0.min(t.x1) / 2)));
    }

    #[test]
    fn ocr_percent_signs() {
        assert_eq!(ocr_percent("87.0g"), "87.0%");
        assert_eq!(ocr_percent("94.0%0"), "94.0%");
        assert_eq!(ocr_percent("89.196"), "89.1%");
        assert_eq!(ocr_percent("0.896"), "0.896");
        assert_eq!(ocr_percent("86.2%"), "86.2%");
        assert_eq!(ocr_percent("2150"), "2150");
    }

    #[test]
    fn a_figure_boxed_twice_on_a_split_row_is_read_once() {
        // Regression (corpus defect-03): the 2023 count "540" boxed at 1220-1232 on the
        // metric's row and at 1227-1266 on a row split off it read as 540540.
        let t = |text: &str, x0: u32, x1: u32| Token { text: text.into(), x0, x1, confidence: 0.9, centre_y: 1578 };
        let rows = vec![
            Row { y0: 1477, y1: 1507, tokens: vec![t("年份", 387, 449), t("2022年", 722, 818), t("2023年", 1194, 1290)] },
            Row { y0: 1564, y1: 1593, tokens: vec![t("培训人数", 353, 481), t("512", 748, 794), t("540", 1220, 1232)] },
            Row { y0: 1564, y1: 1593, tokens: vec![t("音", 365, 394), t("512", 769, 793), t("540", 1227, 1266)] },
        ];
        let config = crate::config::Config::builtin().expect("config");
        let years = years(&rows, 0, &config.rules, &|| Location::file("附件1.pdf"));
        let trainees: Vec<Option<f64>> = years.iter().map(|y| y.trainees.as_ref().and_then(|f| f.value)).collect();
        assert_eq!(trainees, [Some(512.0), Some(540.0)]);
    }

    #[test]
    fn a_rate_over_100_percent_lost_its_point() {
        assert_eq!(dropped_point("671%").as_deref(), Some("67.1%"));
        assert_eq!(dropped_point("100%"), None);
        assert_eq!(dropped_point("67.1%"), None);
        assert_eq!(dropped_point("671"), None);
        assert_eq!(dropped_point("1671%"), None);
    }

    #[test]
    fn words_stacked_in_one_cell_stay_on_their_own_lines() {
        // Regression (corpus clean-01): two lines of the 职业(工种) cell boxed with a vertical
        // overlap came out as "家家政政服务服务员员".
        let words = [w("家政", 300, 100, 60), w("服务员", 360, 100, 90), w("家政", 302, 112, 60), w("服务员", 362, 112, 90)];
        let texts: Vec<String> = rows(&words).iter().map(|r| r.text()).collect();
        assert_eq!(texts, ["家政服务员", "家政服务员"]);
    }

    /// A form page from (text, x, y, width) words: the labels of the first column end at
    /// x ≈ 420, values start at x ≈ 555.
    fn form_page(occupation_label: &[(&str, u32, u32, u32)], units: &[(&str, u32, u32, u32)]) -> FormData {
        let mut words = vec![
            w("品牌名称", 290, 520, 128),
            w("铁岭家政大姐", 554, 520, 198),
            w("品牌范围", 290, 655, 127),
            w("品牌类型", 291, 824, 131),
            w("口院校", 551, 867, 113),
            w("口其他", 866, 867, 108),
            w("依托单位", 293, 1217, 127),
            w("年份", 389, 1476, 60),
            w("2022年", 723, 1476, 96),
            w("2023年", 1195, 1476, 95),
            w("培训人数", 353, 1564, 129),
            w("530", 749, 1564, 46),
            w("548", 1221, 1564, 46),
            w("总体情况简介", 258, 1960, 195),
            w("围绕家政服务员等职业(工种)开展培训", 555, 1960, 600),
        ];
        words.extend(occupation_label.iter().chain(units).map(|&(t, x, y, width)| w(t, x, y, width)));
        let mut file = ExtractedFile::new("附件1.pdf", crate::intake::Format::Pdf, crate::intake::DocKind::ApplicationForm);
        file.pages.push(Page { number: 1, text: String::new(), source: crate::extract::TextSource::Ocr, confidence: Some(0.9), words, width: 1600, height: 2200, seals: Vec::new() });
        let config = crate::config::Config::builtin().expect("config");
        read(&file, &config.rules).expect("a form").form
    }

    fn texts(fields: &[crate::extract::Field]) -> Vec<&str> {
        fields.iter().map(|f| f.text.as_str()).collect()
    }

    #[test]
    fn garbled_occupation_label_is_found_between_type_and_units() {
        // Regression (corpus batch-tieling-a): "品牌行业或" read as "草厢行亚或" shares two
        // characters with the label; with its second line it shares eight of eleven. The
        // occupation was read as the first unit.
        let unit = [("1.铁岭市家庭服务业协会培训中心", 557, 1039, 493)];
        let form = form_page(&[("草厢行亚或", 274, 929, 164), ("家政服务员", 555, 929, 160), ("职业(工种)", 273, 990, 161)], &unit);
        assert_eq!(texts(&form.occupations), ["家政服务员"]);
        assert_eq!(texts(&form.units), ["铁岭市家庭服务业协会培训中心"]);

        // The whole two-line label read as one wide glyph: still the only label there.
        let form = form_page(&[("本", 271, 960, 163), ("果树栽培工、农艺工", 552, 960, 298)], &unit);
        assert_eq!(texts(&form.occupations), ["果树栽培工", "农艺工"]);
        assert_eq!(texts(&form.units), ["铁岭市家庭服务业协会培训中心"]);
    }

    #[test]
    fn a_numbered_unit_is_not_the_value_of_the_occupation_label() {
        // Regression (corpus defect-11): OCR lost the occupation value; the first unit
        // line below the label was taken for it and the units came out empty.
        let form = form_page(&[("品牌行业或", 273, 930, 163)], &[("1.营口市技师学院", 551, 1039, 264)]);
        assert!(form.occupations.is_empty());
        assert_eq!(texts(&form.units), ["营口市技师学院"]);
    }

    #[test]
    fn a_city_misread_by_one_character_is_mended_in_unit_names() {
        let config = crate::config::Config::builtin().expect("config");
        let rules = &config.rules;
        assert_eq!(city_mended("皇新市十家子玛瑙雕刻职业培训学校", rules), "阜新市十家子玛瑙雕刻职业培训学校");
        assert_eq!(city_mended("戎芦岛市快递行业协会培训中心", rules), "葫芦岛市快递行业协会培训中心");
        // Two characters off, no 市, or a city already: not a misread city.
        assert_eq!(city_mended("皇旧市家政学校", rules), "皇旧市家政学校");
        assert_eq!(city_mended("阜兴县家政学校", rules), "阜兴县家政学校");
        assert_eq!(city_mended("大连市电子商务职业培训学校", rules), "大连市电子商务职业培训学校");
    }

    #[test]
    fn rows_group_by_overlap_and_read_left_to_right() {
        let words = vec![w("名称", 160, 102, 60), w("品牌", 100, 100, 60), w("沈阳", 400, 98, 60), w("下一行", 100, 200, 90)];
        let rs = rows(&words);
        assert_eq!(rs.len(), 2);
        assert_eq!(rs[0].text(), "品牌名称沈阳");
        assert_eq!(rs[0].find("品牌名称"), Some(("品牌名称".len(), 220)));
    }
}

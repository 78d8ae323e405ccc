//! Rosters (培训人员名单) and employment-tracking tables (就业跟踪情况表): every sheet of a
//! spreadsheet (or table of a DOCX) that holds a person table becomes a [`PersonTable`].
//!
//! The header row is looked for among the first `roster.header_search_rows` rows by the
//! synonyms of `[roster.headers]` (whitespace-insensitive; "身份证\n号码" is 身份证号码);
//! it must name at least two fields, one of them the name or the ID number. Data rows
//! follow until a footer (`footer_markers`: 合计, 填表人 …); blank rows, repeated headers
//! and rows with neither a name nor an ID are skipped. A value merged over several rows
//! (a training period shared by a class) is read from the merged region's top cell.
//! Every record keeps its Excel row number. Values are parsed once, through
//! [`crate::domain`]; what does not parse is kept in `unparsed` for the checks.
//!
//! An ID number is kept as text when stored as text; stored as a number it is
//! [`IdCell::NumberLostDigits`] (Excel keeps 15 significant digits: an 18-digit ID has
//! lost its last three), and so is a text in scientific notation ("2.10102E+17", what a
//! CSV exported from such a sheet holds).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use crate::config::{Config, Rules};
use crate::domain::{compact, normalise, Date, DateRange};
use crate::intake::{DocKind, Format};

use super::sheet::column_letter;
use super::{CellValue, ExtractedFile, IdCell, PersonRecord, PersonTable, Sheet, TableKind, TextSource};

pub mod scan;

pub fn tables(file: &ExtractedFile, config: &Config) -> Vec<PersonTable> {
    if matches!(file.kind, DocKind::ApplicationForm | DocKind::RecommendationReport) {
        return Vec::new();
    }
    let _span = tracing::debug_span!("roster", path = %file.path).entered();
    let mut out: Vec<PersonTable> = file.sheets.iter().filter_map(|sheet| table(file, sheet, &config.rules)).collect();
    // A scanned roster: each OCR page laid out as a sheet, read the same way.
    for page in file.pages.iter().filter(|p| p.source == TextSource::Ocr && !p.words.is_empty()) {
        let sheet = scan::page_sheet(page);
        if let Some(mut t) = table(file, &sheet, &config.rules) {
            t.source = TextSource::Ocr;
            out.push(t);
        }
    }
    out
}

/// A header synonym list, compacted, longest first.
struct Headers {
    fields: Vec<(String, Vec<String>)>,
}

impl Headers {
    fn new(rules: &Rules) -> Headers {
        let mut fields = Vec::new();
        for field in crate::config::ROSTER_FIELDS {
            let mut words: Vec<String> = rules.roster_words(field).iter().map(|w| compact(w)).collect();
            words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
            fields.push((field.to_string(), words));
        }
        Headers { fields }
    }

    /// The field a header cell names: exact synonym first, then the cell without a
    /// bracketed note or marks ("身份证号码（必填）", "*姓名").
    fn field_of(&self, text: &str) -> Option<&str> {
        let c = compact(text);
        if c.is_empty() || c.chars().count() > 24 {
            return None;
        }
        let stripped = strip_note(&c);
        for candidate in [c.as_str(), stripped.as_str()] {
            let mut best: Option<(&str, usize)> = None;
            for (field, words) in &self.fields {
                for w in words {
                    if candidate == w && best.is_none_or(|(_, len)| w.len() > len) {
                        best = Some((field.as_str(), w.len()));
                    }
                }
            }
            if let Some((f, _)) = best {
                return Some(f);
            }
        }
        None
    }
}

/// "身份证号码(必填)" → "身份证号码"; "*姓名" → "姓名".
fn strip_note(c: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for ch in c.chars() {
        match ch {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = (depth - 1).max(0),
            '*' | '★' | ':' | '：' => {}
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    out
}

fn table(file: &ExtractedFile, sheet: &Sheet, rules: &Rules) -> Option<PersonTable> {
    let headers = Headers::new(rules);
    let search = rules.roster.header_search_rows.min(sheet.rows.len());
    let mut found: Option<(usize, BTreeMap<String, usize>)> = None;
    for (r, row) in sheet.rows.iter().take(search).enumerate() {
        let map = header_map(&headers, row);
        if map.len() >= 2 && (map.contains_key("name") || map.contains_key("id_number")) {
            found = Some((r, map));
            break;
        }
    }
    let (header_idx, mut columns) = found?;
    // A two-row header: "培训时间" merged over "开始时间 | 结束时间" on the row below.
    let mut data_from = header_idx + 1;
    if let Some(next) = sheet.rows.get(header_idx + 1) {
        let sub = header_map(&headers, next);
        let holds_person = ["name", "id_number"].iter().any(|f| columns.get(*f).and_then(|&c| next.get(c)).is_some_and(|v| !v.is_empty()));
        if !sub.is_empty() && !holds_person {
            for (field, c) in sub {
                columns.retain(|f, col| *col != c || f == &field);
                columns.insert(field, c);
            }
            if columns.contains_key("training_start") || columns.contains_key("training_end") {
                columns.remove("training_period");
            }
            data_from = header_idx + 2;
        }
    }
    let merged_above = vertical_merges(sheet, data_from - 1);
    let footers: Vec<String> = rules.roster.footer_markers.iter().map(|m| compact(m)).collect();
    let words = Words::new(rules);
    let mut records = Vec::new();
    for (r, row) in sheet.rows.iter().enumerate().skip(data_from) {
        if row.iter().all(CellValue::is_empty) {
            continue;
        }
        if is_footer(row, &footers) {
            break;
        }
        if repeats_header(&headers, row, &columns) {
            continue; // the header again (a printout repeats it on every page)
        }
        let excel_row = sheet.first_row + r as u32;
        let cell = |field: &str| -> Option<CellValue> {
            let &c = columns.get(field)?;
            let value = row.get(c).cloned().unwrap_or(CellValue::Empty);
            if value.is_empty() {
                // A class's shared value merged over its rows sits in the top cell.
                let (ar, ac) = merged_above.get(&(r, c)).copied()?;
                return sheet.rows.get(ar).and_then(|row| row.get(ac)).cloned().filter(|v| !v.is_empty());
            }
            Some(value)
        };
        let has_column = |field: &str| columns.contains_key(field);
        let record = record(excel_row, &cell, &has_column, &words);
        if record.name.is_none() && record.id.is_none() {
            continue;
        }
        records.push(record);
    }
    let column_letters = columns.iter().map(|(f, c)| (f.clone(), column_letter(sheet.first_col + *c as u32))).collect();
    let title: String = sheet.rows.iter().take(header_idx).flat_map(|row| row.iter().map(CellValue::display)).collect::<Vec<_>>().join(" ");
    let is_csv = file.format == Format::Csv;
    let (year, year_source) = table_year(&title, (!is_csv && !sheet.name.starts_with("表格")).then_some(sheet.name.as_str()), &file.path, &records);
    let kind = table_kind(file, sheet, &title, &columns, rules);
    Some(PersonTable {
        path: file.path.clone(),
        sheet: (!is_csv).then(|| sheet.name.clone()),
        kind,
        year,
        year_source,
        source: TextSource::Text,
        header_row: sheet.first_row + header_idx as u32,
        columns: column_letters,
        records,
    })
}

fn header_map(headers: &Headers, row: &[CellValue]) -> BTreeMap<String, usize> {
    let mut map = BTreeMap::new();
    for (c, value) in row.iter().enumerate() {
        if let CellValue::Text(t) = value {
            if let Some(field) = headers.field_of(t) {
                map.entry(field.to_string()).or_insert(c);
            }
        }
    }
    map
}

/// Whether the name (or ID) cell of a data row holds its own header word again.
fn repeats_header(headers: &Headers, row: &[CellValue], columns: &BTreeMap<String, usize>) -> bool {
    ["name", "id_number"].iter().any(|field| {
        columns.get(*field).and_then(|&c| row.get(c)).is_some_and(|v| matches!(v, CellValue::Text(t) if headers.field_of(t) == Some(*field)))
    })
}

fn is_footer(row: &[CellValue], footers: &[String]) -> bool {
    let first = row.iter().find(|c| !c.is_empty()).map(|c| compact(&c.display())).unwrap_or_default();
    if footers.iter().any(|f| first.starts_with(f.as_str())) {
        return true;
    }
    row.iter().any(|c| {
        let t = compact(&c.display());
        footers.iter().any(|f| t.strip_prefix(f.as_str()).is_some_and(|rest| rest.starts_with([':', '：'])))
    })
}

/// Most data cells that vertical merges may cover in one sheet.
const MAX_MERGED_CELLS: u64 = 1_000_000;

/// Data cells covered by a vertical merge → the merge's top-left cell (grid indices).
fn vertical_merges(sheet: &Sheet, header_idx: usize) -> HashMap<(usize, usize), (usize, usize)> {
    let mut map = HashMap::new();
    for &(r0, c0, r1, c1) in &sheet.merged {
        if r1 <= r0 || r0 < sheet.first_row || c0 < sheet.first_col {
            continue;
        }
        let (ar, ac) = ((r0 - sheet.first_row) as usize, (c0 - sheet.first_col) as usize);
        // A merge covering more than a sheet's worth of cells is hostile, not a class.
        let area = (r1 - r0 + 1) as u64 * (c1.saturating_sub(c0) + 1) as u64;
        if ar <= header_idx || area > MAX_MERGED_CELLS || map.len() as u64 + area > MAX_MERGED_CELLS {
            continue;
        }
        for r in ar + 1..=(r1 - sheet.first_row) as usize {
            for c in ac..=(c1 - sheet.first_col) as usize {
                map.insert((r, c), (ar, ac));
            }
        }
    }
    map
}

/// The outcome word lists, compacted (negative words are tried first: 不合格 holds 合格).
struct Words {
    passed: Vec<String>,
    failed: Vec<String>,
    employed: Vec<String>,
    unemployed: Vec<String>,
}

impl Words {
    fn new(rules: &Rules) -> Words {
        let list = |k: &str| rules.roster_words(k).iter().map(|w| compact(w)).collect();
        Words { passed: list("passed_words"), failed: list("failed_words"), employed: list("employed_words"), unemployed: list("unemployed_words") }
    }
}

/// `Some(false)` for a negative word, `Some(true)` for a positive one: exact first, then contained.
fn outcome(text: &str, yes: &[String], no: &[String]) -> Option<bool> {
    let t = compact(text);
    if no.contains(&t) {
        return Some(false);
    }
    if yes.contains(&t) {
        return Some(true);
    }
    if no.iter().any(|w| w.chars().count() >= 2 && t.contains(w.as_str())) {
        return Some(false);
    }
    if yes.iter().any(|w| w.chars().count() >= 2 && t.contains(w.as_str())) {
        return Some(true);
    }
    None
}

fn record(row: u32, cell: &dyn Fn(&str) -> Option<CellValue>, has_column: &dyn Fn(&str) -> bool, words: &Words) -> PersonRecord {
    let mut rec = PersonRecord { row, ..PersonRecord::default() };
    let text = |field: &str| cell(field).map(|v| normalise(&v.display())).filter(|s| !s.is_empty());
    rec.name = text("name").map(|n| if n.chars().all(|c| !c.is_ascii()) { compact(&n) } else { n });
    rec.id = cell("id_number").and_then(id_cell);
    rec.gender = text("gender");
    rec.phone = cell("phone").map(|v| match v {
        CellValue::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        other => compact(&other.display()),
    });
    rec.occupation = text("occupation");
    rec.certificate = text("certificate");
    rec.employer = text("employer");
    if let Some(v) = cell("training_period") {
        match period(&v) {
            Some((start, end)) => {
                rec.training_start = Some(start);
                rec.training_end = Some(end);
            }
            None => {
                rec.unparsed.insert("training_period".into(), v.display());
            }
        }
    }
    for (field, slot) in [("training_start", &mut rec.training_start), ("training_end", &mut rec.training_end), ("employment_date", &mut rec.employment_date)] {
        if let Some(v) = cell(field) {
            match day(&v) {
                Some(d) => *slot = Some(d),
                None => {
                    rec.unparsed.insert(field.into(), v.display());
                }
            }
        }
    }
    if let Some(v) = cell("result") {
        rec.passed = outcome(&v.display(), &words.passed, &words.failed);
        if rec.passed.is_none() {
            rec.unparsed.insert("result".into(), v.display());
        }
    } else if has_column("certificate") && !has_column("result") {
        // No result column: a roster that lists certificates counts the certified as passed.
        rec.passed = Some(rec.certificate.is_some());
    }
    if let Some(v) = cell("employed") {
        rec.employed = outcome(&v.display(), &words.employed, &words.unemployed);
        if rec.employed.is_none() {
            rec.unparsed.insert("employed".into(), v.display());
        }
    }
    rec
}

/// The ID cell as stored (see the module note).
pub fn id_cell(value: CellValue) -> Option<IdCell> {
    match value {
        CellValue::Float(f) if f.is_finite() && f >= 0.0 => Some(number_id(f)),
        CellValue::Int(i) if i >= 0 => Some(number_id(i as f64)),
        CellValue::Text(t) => {
            let c = compact(&t).to_uppercase();
            if c.is_empty() {
                return None;
            }
            // "2.10102199001011E+17": a number pasted as text, digits already gone.
            if let Some((mantissa, exp)) = c.split_once("E+") {
                if mantissa.chars().all(|ch| ch.is_ascii_digit() || ch == '.') && exp.chars().all(|ch| ch.is_ascii_digit()) {
                    if let Ok(f) = c.parse::<f64>() {
                        return Some(IdCell::NumberLostDigits(format!("{f:.0}")));
                    }
                }
            }
            Some(IdCell::Text(c))
        }
        CellValue::Empty => None,
        other => Some(IdCell::Text(other.display())),
    }
}

/// A number cell: 15 significant digits survive; more than that means digits were lost.
fn number_id(f: f64) -> IdCell {
    let digits = format!("{f:.0}");
    if f >= 1e15 {
        IdCell::NumberLostDigits(digits)
    } else {
        IdCell::Text(digits)
    }
}

/// A plausible Excel serial of a date cell that lost its format (1954–2119).
fn serial(f: f64) -> Option<NaiveDate> {
    (20_000.0..80_000.0).contains(&f).then(|| Date::from_serial(f)).flatten().map(Date::naive)
}

fn day(v: &CellValue) -> Option<NaiveDate> {
    match v {
        CellValue::DateTime(d) => Date::from_naive(d.date()).map(Date::naive),
        CellValue::Float(f) => serial(*f),
        CellValue::Int(i) => serial(*i as f64),
        CellValue::Text(t) => Date::parse(t).ok().map(Date::naive),
        _ => None,
    }
}

fn period(v: &CellValue) -> Option<(NaiveDate, NaiveDate)> {
    match v {
        CellValue::Text(t) => DateRange::parse(t).ok().map(|r| (r.start().naive(), r.end().naive())),
        other => day(other).map(|d| (d, d)),
    }
}

/// The table's year: from its title rows, its sheet name, its file path, else the most
/// common year of its training (or employment) dates.
fn table_year(title: &str, sheet_name: Option<&str>, path: &str, records: &[PersonRecord]) -> (Option<i32>, Option<String>) {
    // A text naming two years ("培训人员名单（2022-2023年）") does not say which one
    // this table is: the next source decides.
    if let Some(y) = single_year(title) {
        return (Some(y), Some("标题".into()));
    }
    if let Some(y) = sheet_name.and_then(single_year) {
        return (Some(y), Some("工作表名".into()));
    }
    let mut parts: Vec<&str> = path.rsplit('/').collect();
    if let Some(first) = parts.first_mut() {
        *first = first.rsplit_once('.').map_or(*first, |(stem, _)| stem);
    }
    if let Some(y) = parts.iter().find_map(|p| single_year(p)) {
        return (Some(y), Some("文件名".into()));
    }
    let mut counts: BTreeMap<i32, usize> = BTreeMap::new();
    for r in records {
        if let Some(d) = r.training_end.or(r.training_start).or(r.employment_date) {
            use chrono::Datelike;
            *counts.entry(d.year()).or_default() += 1;
        }
    }
    match counts.into_iter().max_by_key(|(y, n)| (*n, std::cmp::Reverse(*y))) {
        Some((y, _)) => (Some(y), Some("日期".into())),
        None => (None, None),
    }
}

/// The one year (20xx, not inside a longer number) a text names; `None` for none or several.
fn single_year(text: &str) -> Option<i32> {
    let c = compact(text);
    let bytes = c.as_bytes();
    let mut years: Vec<i32> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 4 && bytes[start] == b'2' && bytes[start + 1] == b'0' {
                if let Ok(y) = c[start..i].parse::<i32>() {
                    if !years.contains(&y) {
                        years.push(y);
                    }
                }
            }
        } else {
            i += 1;
        }
    }
    match years.as_slice() {
        [y] => Some(*y),
        _ => None,
    }
}

fn table_kind(file: &ExtractedFile, sheet: &Sheet, title: &str, columns: &BTreeMap<String, usize>, rules: &Rules) -> TableKind {
    let words = |k: &str| rules.classify.get(k).map(|v| v.iter().map(|w| compact(w)).collect::<Vec<_>>()).unwrap_or_default();
    let tracking = words("employment_tracking");
    let roster = words("training_roster");
    let own = compact(&format!("{title}{}", sheet.name));
    if tracking.iter().any(|w| own.contains(w.as_str())) || own.contains("跟踪") {
        return TableKind::EmploymentTracking;
    }
    if roster.iter().any(|w| own.contains(w.as_str())) || own.contains("名单") {
        return TableKind::TrainingRoster;
    }
    match file.kind {
        DocKind::EmploymentTracking => TableKind::EmploymentTracking,
        DocKind::TrainingRoster => TableKind::TrainingRoster,
        _ => {
            let name = compact(&file.path);
            if name.contains("跟踪") || (columns.contains_key("employed") && !columns.contains_key("result")) {
                TableKind::EmploymentTracking
            } else {
                TableKind::TrainingRoster
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_stored_as_numbers_lose_digits() {
        match id_cell(CellValue::Float(2.101041995123156e17)) {
            Some(IdCell::NumberLostDigits(d)) => assert!(d.starts_with("210104199512315") && d.len() == 18, "{d}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(id_cell(CellValue::Text(" 21010219850505123x ".into())), Some(IdCell::Text("21010219850505123X".into())));
        assert_eq!(id_cell(CellValue::Text("2.10102E+17".into())), Some(IdCell::NumberLostDigits("210102000000000000".into())));
        assert_eq!(id_cell(CellValue::Float(210102900101123.0)), Some(IdCell::Text("210102900101123".into())));
        assert_eq!(id_cell(CellValue::Empty), None);
    }

    #[test]
    fn outcomes_try_negatives_first() {
        let yes = vec!["合格".to_string(), "是".to_string()];
        let no = vec!["不合格".to_string(), "否".to_string()];
        assert_eq!(outcome("不合格", &yes, &no), Some(false));
        assert_eq!(outcome("合格", &yes, &no), Some(true));
        assert_eq!(outcome("考核合格", &yes, &no), Some(true));
        assert_eq!(outcome("是", &yes, &no), Some(true));
        assert_eq!(outcome("待定", &yes, &no), None);
    }

    #[test]
    fn a_text_naming_two_years_names_none() {
        assert_eq!(single_year("培训人员名单（2022-2023年）"), None);
        assert_eq!(single_year("2022年培训人员名单（2022年3月—2022年5月）"), Some(2022));
        assert_eq!(single_year("Sheet1"), None);
        assert_eq!(single_year("名单 电话13820221234"), None);
        assert_eq!(single_year("2023"), Some(2023));
    }

    #[test]
    fn titles_give_years() {
        assert_eq!(single_year("沈阳巧嫂2022年家政服务培训人员名单"), Some(2022));
        assert_eq!(single_year("2023年度"), Some(2023));
        assert_eq!(single_year("名单 2022"), Some(2022));
        assert_eq!(single_year("名单"), None);
    }

    #[test]
    fn header_notes_are_ignored() {
        assert_eq!(strip_note("身份证号码(必填)"), "身份证号码");
        assert_eq!(strip_note("*姓名"), "姓名");
    }
}

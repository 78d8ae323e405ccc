//! The 申报表 from its editable file: the DOCX table ("表格1") or an XLSX sheet laid out
//! like the printed form. Labels are found in cells by `[form.labels]`; a value is what
//! stands to the right of its label across the rows the label's merged cell spans;
//! the 培训情况 figures sit under their year header columns.

use crate::config::Rules;
use crate::domain::{compact, normalise};
use crate::extract::sheet::column_letter;
use crate::extract::{ExtractedFile, FormData, FormVersion, FormYear, Sheet};
use crate::report::Location;

use super::{
    clean_applicant, count_figure, empty_form, field, labels, match_label, rate_figure, read_boxes, split_occupations, strip_hints, unit_name,
    year_in, LabelMatch,
};

/// A field's label cell (row, column) and its values with their locations.
type Labelled = (usize, usize, Vec<(String, Location)>);

/// A sheet seen as a grid of trimmed texts with merged regions resolved.
struct Grid<'a> {
    sheet: &'a Sheet,
    path: &'a str,
    cells: Vec<Vec<String>>,
}

impl<'a> Grid<'a> {
    fn new(sheet: &'a Sheet, path: &'a str) -> Grid<'a> {
        let cells = sheet.rows.iter().map(|row| row.iter().map(|c| normalise(&c.display())).collect()).collect();
        Grid { sheet, path, cells }
    }

    fn text(&self, r: usize, c: usize) -> &str {
        self.cells.get(r).and_then(|row| row.get(c)).map_or("", String::as_str)
    }

    /// The merged region holding (r, c) as 0-based (r0, c0, r1, c1) of this grid.
    fn region(&self, r: usize, c: usize) -> (usize, usize, usize, usize) {
        let first_row = self.sheet.first_row as usize;
        let first_col = self.sheet.first_col as usize;
        let (er, ec) = (r + first_row, c + first_col);
        for &(r0, c0, r1, c1) in &self.sheet.merged {
            let (r0, c0, r1, c1) = (r0 as usize, c0 as usize, r1 as usize, c1 as usize);
            if (r0..=r1).contains(&er) && (c0..=c1).contains(&ec) && r0 >= first_row && c0 >= first_col {
                return (r0 - first_row, c0 - first_col, r1 - first_row, c1 - first_col);
            }
        }
        (r, c, r, c)
    }

    /// Whether (r, c) is a merged region's top-left cell or not merged at all.
    fn is_anchor(&self, r: usize, c: usize) -> bool {
        let (r0, c0, _, _) = self.region(r, c);
        r0 == r && c0 == c
    }

    fn location(&self, r: usize, c: usize) -> Location {
        let row = self.sheet.first_row + r as u32;
        Location {
            path: Some(self.path.to_string()),
            sheet: Some(self.sheet.name.clone()),
            row: Some(row),
            cell: Some(format!("{}{}", column_letter(self.sheet.first_col + c as u32), row)),
            page: None,
        }
    }

    /// The first cell (top-down, left-right) whose text is one of the labels.
    fn find(&self, labels: &[String]) -> Option<(usize, usize, LabelMatch)> {
        // Exact label cells first: a long text that merely starts with a label word
        // (the summary) is not a label.
        let mut prefix = None;
        for (r, row) in self.cells.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                if text.is_empty() || !self.is_anchor(r, c) {
                    continue;
                }
                match match_label(text, labels) {
                    Some(LabelMatch::Exact) => return Some((r, c, LabelMatch::Exact)),
                    Some(m) if prefix.is_none() => prefix = Some((r, c, m)),
                    _ => {}
                }
            }
        }
        prefix
    }

    /// The value cells right of the label at (r, c), over the rows its region spans:
    /// one entry per row (cells of a row joined by a space), with the first cell's location.
    fn values_right(&self, r: usize, c: usize) -> Vec<(String, Location)> {
        let (r0, _, r1, c1) = self.region(r, c);
        let mut out = Vec::new();
        for row in r0..=r1 {
            let mut parts = Vec::new();
            let mut loc = None;
            let width = self.cells.get(row).map_or(0, Vec::len);
            for col in c1 + 1..width {
                if !self.is_anchor(row, col) {
                    continue;
                }
                let t = self.text(row, col);
                if !t.is_empty() {
                    loc.get_or_insert_with(|| self.location(row, col));
                    parts.push(t.to_string());
                }
            }
            if let Some(loc) = loc {
                out.push((parts.join(" "), loc));
            }
        }
        out
    }

    /// The value of a field: same-cell remainder after the label, else the cells right of it.
    fn value(&self, labels: &[String]) -> Option<Labelled> {
        let (r, c, m) = self.find(labels)?;
        let values = match m {
            LabelMatch::Prefix(rest) => vec![(rest, self.location(r, c))],
            LabelMatch::Exact => self.values_right(r, c),
        };
        Some((r, c, values))
    }
}

/// How many of the form's labels a sheet carries: the form is the sheet with most.
fn score(grid: &Grid, rules: &Rules) -> usize {
    ["brand_name", "scope", "type", "occupations", "units", "training", "trainees", "pass_rate"]
        .iter()
        .filter(|f| grid.find(&labels(rules, f)).is_some())
        .count()
}

pub fn read(file: &ExtractedFile, rules: &Rules) -> Option<FormData> {
    let grids: Vec<Grid> = file.sheets.iter().map(|s| Grid::new(s, &file.path)).collect();
    let (best, best_score) = grids.iter().enumerate().map(|(i, g)| (i, score(g, rules))).max_by_key(|(i, s)| (*s, std::cmp::Reverse(*i)))?;
    if best_score < 2 {
        return None;
    }
    let grid = &grids[best];
    let mut form = empty_form(file, FormVersion::Editable);

    // 申报单位 sits above the table in the DOCX (a paragraph), or in a cell of an XLSX.
    let applicant_labels = labels(rules, "applicant");
    if let Some((_, _, values)) = grid.value(&applicant_labels) {
        form.applicant = values.into_iter().next().and_then(|(t, l)| field(&clean_applicant(&t), l));
    }
    if form.applicant.is_none() {
        for page in &file.pages {
            for line in page.text.lines() {
                if let Some(LabelMatch::Prefix(rest)) = match_label(line, &applicant_labels) {
                    form.applicant = field(&clean_applicant(&rest), Location::page(&file.path, page.number));
                    break;
                }
            }
            if form.applicant.is_some() {
                break;
            }
        }
    }

    if let Some((_, _, values)) = grid.value(&labels(rules, "brand_name")) {
        form.brand_name = values.into_iter().next().and_then(|(t, l)| field(&strip_hints(&t, rules), l));
    }
    if let Some((_, _, values)) = grid.value(&labels(rules, "scope")) {
        form.scopes = read_boxes(&values, &rules.form.scopes, false);
    }
    if let Some((_, _, values)) = grid.value(&labels(rules, "type")) {
        form.types = read_boxes(&values, &rules.form.types, false);
    }
    if let Some((_, _, values)) = grid.value(&labels(rules, "occupations")) {
        for (text, loc) in values {
            for occupation in split_occupations(&strip_hints(&text, rules)) {
                form.occupations.extend(field(&occupation, loc.clone()));
            }
        }
    }
    if let Some((_, _, values)) = grid.value(&labels(rules, "units")) {
        for (text, loc) in values {
            for line in text.split('\n') {
                if let Some(name) = unit_name(&strip_hints(line, rules)) {
                    form.units.extend(field(&name, loc.clone()));
                }
            }
        }
    }
    form.years = years(grid, rules);
    if let Some((_, _, values)) = grid.value(&labels(rules, "summary")) {
        let text = values.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>().join("\n");
        form.summary = values.first().and_then(|(_, l)| field(&strip_hints(&text, rules), l.clone()));
    }
    Some(form)
}

/// A reformatted 培训情况 table with the years down a column: the header row holds
/// 年份 and the metric labels, each following row a year and its figures.
fn years_by_row(grid: &Grid, header_row: usize, rules: &Rules) -> Option<Vec<FormYear>> {
    let header = &grid.cells[header_row];
    let metric_col = |m: &str| {
        let ls = labels(rules, m);
        header.iter().position(|t| match_label(t, &ls) == Some(LabelMatch::Exact))
    };
    let (trainees, pass, employment) = (metric_col("trainees"), metric_col("pass_rate"), metric_col("employment_rate"));
    if trainees.is_none() && pass.is_none() && employment.is_none() {
        return None;
    }
    let mut out = Vec::new();
    for r in header_row + 1..grid.cells.len() {
        let Some(year) = grid.cells[r].iter().take(trainees.or(pass).or(employment).unwrap_or(0)).find_map(|t| year_in(t).filter(|_| compact(t).chars().count() <= 8)) else {
            if out.is_empty() {
                continue;
            }
            break;
        };
        let figure = |col: Option<usize>| col.map(|c| grid.region(r, c)).map(|(ar, ac, _, _)| (grid.text(ar, ac).to_string(), grid.location(ar, ac))).filter(|(t, _)| !t.is_empty());
        out.push(FormYear {
            year,
            trainees: figure(trainees).map(|(t, l)| count_figure(&t, l)),
            pass_rate: figure(pass).map(|(t, l)| rate_figure(&t, l)),
            employment_rate: figure(employment).map(|(t, l)| rate_figure(&t, l)),
        });
    }
    Some(out)
}

/// The 培训情况 table: the header row holds the years (or "年份" and blank year cells,
/// then the round's years in order); each metric row's value is under its year's column.
fn years(grid: &Grid, rules: &Rules) -> Vec<FormYear> {
    let header_row = grid
        .cells
        .iter()
        .enumerate()
        .find(|(_, row)| row.iter().any(|t| compact(t) == "年份") || row.iter().filter(|t| year_in(t).is_some() && compact(t).chars().count() <= 8).count() >= 2)
        .map(|(r, _)| r)
        .or_else(|| grid.find(&labels(rules, "training")).map(|(r, _, _)| r));
    let Some(header_row) = header_row else { return Vec::new() };
    if let Some(transposed) = years_by_row(grid, header_row, rules) {
        return transposed;
    }
    let mut columns: Vec<(usize, i32)> = grid.cells[header_row]
        .iter()
        .enumerate()
        .filter(|(c, t)| grid.is_anchor(header_row, *c) && compact(t).chars().count() <= 8)
        .filter_map(|(c, t)| year_in(t).map(|y| (c, y)))
        .collect();
    if columns.is_empty() {
        // "年份 | 年 | 年": the columns after 年份 are the round's years, in order.
        if let Some(c) = grid.cells[header_row].iter().position(|t| compact(t) == "年份") {
            let (_, _, _, c1) = grid.region(header_row, c);
            columns = (c1 + 1..grid.cells[header_row].len()).filter(|col| grid.is_anchor(header_row, *col)).zip(rules.round.years.iter().copied()).collect();
        }
    }
    let metric_rows: Vec<(&str, Option<(usize, usize)>)> = ["trainees", "pass_rate", "employment_rate"]
        .into_iter()
        .map(|m| {
            let ls = labels(rules, m);
            // Metric labels are searched below the header only (the summary may quote them).
            let found = grid.cells.iter().enumerate().skip(header_row + 1).find_map(|(r, row)| {
                row.iter().enumerate().find(|(c, t)| grid.is_anchor(r, *c) && match_label(t, &ls) == Some(LabelMatch::Exact)).map(|(c, _)| (r, c))
            });
            (m, found)
        })
        .collect();
    let mut out = Vec::new();
    for (col, year) in columns {
        let mut fy = FormYear { year, trainees: None, pass_rate: None, employment_rate: None };
        for (metric, at) in &metric_rows {
            let Some((r, _)) = at else { continue };
            let (ar, ac, _, _) = grid.region(*r, col);
            let text = grid.text(ar, ac);
            if text.is_empty() {
                continue;
            }
            let loc = grid.location(ar, ac);
            match *metric {
                "trainees" => fy.trainees = Some(count_figure(text, loc)),
                "pass_rate" => fy.pass_rate = Some(rate_figure(text, loc)),
                _ => fy.employment_rate = Some(rate_figure(text, loc)),
            }
        }
        out.push(fy);
    }
    out
}

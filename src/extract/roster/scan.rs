//! A scanned roster page (OCR word boxes) laid out as a [`Sheet`], so that the roster
//! reader treats it like a spreadsheet. Words are grouped into visual rows by their
//! vertical centre (a table row is one printed line; Tesseract's boxes of neighbouring
//! Han characters overlap and vary in height, so boxes are not compared with each other),
//! each row into cells at word gaps wider than a character and at the table's vertical
//! rules — which Tesseract reads as glyphs ("|", "“", "，") and which are dropped from the
//! text — and cells are placed in the column whose header cell they overlap most (the
//! header row is the row with most cells among the first rows). The sheet is named
//! "第N页"; its row numbers are the page's visual rows, counted from the top.

use crate::extract::form::scanned::deskewed;
use crate::extract::{CellValue, Page, Sheet, Word};

/// A cell of a visual row: its text and horizontal extent.
struct Cell {
    text: String,
    x0: u32,
    x1: u32,
}

/// A printed line of the page: its words left to right, and where rules cross it.
struct VisualRow {
    centre: u32,
    words: Vec<Word>,
    rules: Vec<u32>,
}

/// What Tesseract makes of a vertical table rule: a bar, a quote, a comma — never the
/// whole of a roster cell's content.
fn is_rule_glyph(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty() && text.chars().count() <= 3 && text.chars().all(|c| "|｜丨¦“”\"'‘’`[]!！,，、.:;".contains(c))
}

fn centre_y(w: &Word) -> u32 {
    w.bbox[1].saturating_add(w.bbox[3] / 2)
}

/// Words grouped into printed lines: a word joins the line whose centre is within half a
/// text height of its own. Rule glyphs mark where a rule crosses the nearest line.
fn visual_rows(words: &[Word]) -> Vec<VisualRow> {
    let (glyphs, mut text): (Vec<&Word>, Vec<&Word>) = words.iter().filter(|w| !w.text.trim().is_empty()).partition(|w| is_rule_glyph(&w.text));
    let mut heights: Vec<u32> = text.iter().map(|w| w.bbox[3]).collect();
    heights.sort_unstable();
    let reach = heights.get(heights.len() / 2).copied().unwrap_or(30).max(4) / 2;
    text.sort_by_key(|w| centre_y(w));
    let mut rows: Vec<VisualRow> = Vec::new();
    for w in text {
        let c = centre_y(w);
        match rows.last_mut() {
            Some(row) if c <= row.centre.saturating_add(reach) => row.words.push(w.clone()),
            _ => rows.push(VisualRow { centre: c, words: vec![w.clone()], rules: Vec::new() }),
        }
    }
    for row in &mut rows {
        // The line's centre is its typical word's, not its first word's.
        let mut centres: Vec<u32> = row.words.iter().map(centre_y).collect();
        centres.sort_unstable();
        row.centre = centres[centres.len() / 2];
        row.words.sort_by_key(|w| w.bbox[0]);
    }
    for g in glyphs {
        let c = centre_y(g);
        if let Some(row) = rows.iter_mut().filter(|r| r.centre.abs_diff(c) <= 2 * reach).min_by_key(|r| r.centre.abs_diff(c)) {
            row.rules.push(g.bbox[0].saturating_add(g.bbox[2] / 2));
        }
    }
    rows
}

/// Cells of a row: words joined while the gap between them is under a character width
/// and no rule runs between them.
fn cells(row: &VisualRow, char_width: u32) -> Vec<Cell> {
    let mut out: Vec<Cell> = Vec::new();
    for w in &row.words {
        let (x0, x1) = (w.bbox[0], w.bbox[0].saturating_add(w.bbox[2]));
        let text: String = w.text.split_whitespace().collect();
        match out.last_mut() {
            Some(c) if x0 <= c.x1.saturating_add(char_width) && !row.rules.iter().any(|&r| r.saturating_add(char_width / 2) >= c.x1 && r <= x0.saturating_add(char_width / 2) && r > c.x0) => {
                c.text.push_str(&text);
                c.x1 = c.x1.max(x1);
            }
            _ => out.push(Cell { text, x0, x1 }),
        }
    }
    out
}

/// The page's character width: the median width per character of its words.
fn char_width(page: &Page) -> u32 {
    let mut widths: Vec<u32> = page.words.iter().filter(|w| !is_rule_glyph(&w.text)).filter_map(|w| {
        let n = w.text.chars().count() as u32;
        (n > 0).then(|| w.bbox[2] / n)
    }).collect();
    widths.sort_unstable();
    widths.get(widths.len() / 2).copied().unwrap_or(20).max(4)
}

pub fn page_sheet(page: &Page) -> Sheet {
    let width = char_width(page);
    let visual: Vec<Vec<Cell>> = visual_rows(&deskewed(&page.words)).iter().map(|r| cells(r, width)).collect();
    // Columns from the widest of the first rows (the header has a cell per column).
    let header = visual.iter().take(15).max_by_key(|cs| cs.len());
    let columns: Vec<(u32, u32)> = header.map(|cs| cs.iter().map(|c| (c.x0, c.x1)).collect()).unwrap_or_default();
    let rows_out = visual
        .iter()
        .map(|cs| {
            let mut row = vec![CellValue::Empty; columns.len().max(1)];
            for c in cs {
                // The column this cell overlaps most, else the nearest.
                let k = columns
                    .iter()
                    .enumerate()
                    .max_by_key(|(_, (a, b))| {
                        let overlap = (c.x1.min(*b) as i64 - c.x0.max(*a) as i64).max(0);
                        let centre = (c.x0 as i64 + c.x1 as i64) / 2 - (*a as i64 + *b as i64) / 2;
                        (overlap, -centre.abs())
                    })
                    .map_or(0, |(k, _)| k);
                row[k] = match &row[k] {
                    CellValue::Text(t) => CellValue::Text(format!("{t}{}", c.text)),
                    _ => CellValue::Text(c.text.clone()),
                };
            }
            row
        })
        .collect();
    Sheet { name: format!("第{}页", page.number), first_row: 1, first_col: 0, rows: rows_out, merged: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{TextSource, Word};

    fn w(text: &str, x: u32, y: u32, width: u32) -> Word {
        Word { text: text.into(), bbox: [x, y, width, 30], confidence: 0.9, line: 0 }
    }

    #[test]
    fn ocr_roster_page_becomes_columns() {
        // Header words split by OCR ("身份证" "号码") and a date split in two.
        let words = vec![
            w("2022年培训人员名单", 300, 40, 400),
            w("序号", 50, 100, 60), w("姓名", 200, 100, 60), w("身份证", 400, 100, 90), w("号码", 492, 100, 60), w("考核结果", 800, 100, 120),
            w("1", 60, 150, 15), w("张三", 200, 150, 60), w("210102199001011234", 400, 150, 300), w("合格", 820, 150, 60),
            w("2", 60, 200, 15), w("李", 200, 200, 30), w("四", 232, 200, 30), w("21010219850505123X", 400, 200, 300), w("不合格", 810, 200, 90),
            w("合计", 50, 250, 60), w("2人", 200, 250, 40),
        ];
        let page = Page { number: 3, text: String::new(), source: TextSource::Ocr, confidence: Some(0.9), words, width: 1000, height: 400, seals: Vec::new() };
        let sheet = page_sheet(&page);
        assert_eq!(sheet.name, "第3页");
        let texts: Vec<Vec<String>> = sheet.rows.iter().map(|r| r.iter().map(CellValue::display).collect()).collect();
        assert_eq!(texts[1], vec!["序号", "姓名", "身份证号码", "考核结果"]);
        assert_eq!(texts[3], vec!["2", "李四", "21010219850505123X", "不合格"]);
    }

    #[test]
    fn rules_read_as_glyphs_split_cells_and_leave_the_text() {
        let tall = |text: &str, x: u32, y: u32, width: u32, height: u32| Word { text: text.into(), bbox: [x, y, width, height], confidence: 0.5, line: 0 };
        // As Tesseract boxed a ruled row: rules as "|" and "，" boxes of the row's full
        // height, Han characters with overlapping boxes of uneven height.
        let words = vec![
            w("序号", 70, 290, 65), tall("|", 160, 280, 30, 50), w("姓名", 180, 290, 60), tall("|", 300, 280, 30, 50), w("性别", 350, 290, 60),
            w("1", 75, 367, 16), tall("，", 128, 351, 11, 54), tall("|", 155, 351, 35, 54), w("胡", 189, 363, 24), tall("兰", 229, 363, 19, 30),
            tall("雪", 266, 364, 16, 17), tall("|", 327, 351, 41, 54), w("女", 353, 364, 31),
        ];
        let page = Page { number: 1, text: String::new(), source: TextSource::Ocr, confidence: Some(0.8), words, width: 1000, height: 600, seals: Vec::new() };
        let texts: Vec<Vec<String>> = page_sheet(&page).rows.iter().map(|r| r.iter().map(CellValue::display).collect()).collect();
        assert_eq!(texts, vec![vec!["序号", "姓名", "性别"], vec!["1", "胡兰雪", "女"]]);
    }

    #[test]
    fn hostile_boxes_do_not_overflow() {
        let big = |text: &str, x: u32| Word { text: text.into(), bbox: [x, 10, u32::MAX, 30], confidence: 0.5, line: 0 };
        let words = vec![big("姓名", 0), big("|", u32::MAX - 1), big("张三", u32::MAX)];
        let page = Page { number: 1, text: String::new(), source: TextSource::Ocr, confidence: Some(0.5), words, width: 10, height: 10, seals: Vec::new() };
        assert_eq!(page_sheet(&page).rows.len(), 1);
    }
}

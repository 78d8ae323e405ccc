//! A scanned roster page (OCR word boxes) laid out as a [`Sheet`], so that the roster
//! reader treats it like a spreadsheet: words are grouped into visual rows (the form
//! reader's row grouping, deskewed), each row into cells at word gaps wider than a
//! character, and cells placed in the column whose header cell they overlap most (the
//! header row is the row with most cells among the first rows). The sheet is named
//! "第N页"; its row numbers are the page's visual rows, counted from the top.

use crate::extract::form::scanned::{deskewed, rows, Token};
use crate::extract::{CellValue, Page, Sheet};

/// A cell of a visual row: its text and horizontal extent.
struct Cell {
    text: String,
    x0: u32,
    x1: u32,
}

/// Cells of a row: tokens joined while the gap between them is under a character width.
fn cells(tokens: &[Token], char_width: u32) -> Vec<Cell> {
    let mut out: Vec<Cell> = Vec::new();
    for t in tokens {
        match out.last_mut() {
            Some(c) if t.x0 <= c.x1.saturating_add(char_width) => {
                c.text.push_str(&t.text);
                c.x1 = c.x1.max(t.x1);
            }
            _ => out.push(Cell { text: t.text.clone(), x0: t.x0, x1: t.x1 }),
        }
    }
    out
}

/// The page's character width: the median width per character of its words.
fn char_width(page: &Page) -> u32 {
    let mut widths: Vec<u32> = page.words.iter().filter_map(|w| {
        let n = w.text.chars().count() as u32;
        (n > 0).then(|| w.bbox[2] / n)
    }).collect();
    widths.sort_unstable();
    widths.get(widths.len() / 2).copied().unwrap_or(20).max(4)
}

pub fn page_sheet(page: &Page) -> Sheet {
    let width = char_width(page);
    let visual: Vec<Vec<Cell>> = rows(&deskewed(&page.words)).iter().map(|r| cells(&r.tokens, width)).collect();
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
}

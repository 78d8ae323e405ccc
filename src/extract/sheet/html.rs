//! An "XLS" that is an HTML table: what many web systems export and name `.xls` (Excel
//! opens it without complaint). Every `<table>` becomes a sheet; cells are `<td>`/`<th>`
//! texts with tags removed and entities decoded; `colspan`/`rowspan` are laid out as
//! merged regions, the value staying in the top-left cell.

use std::sync::LazyLock;

use regex::Regex;

use crate::config::Limits;
use crate::extract::{CellValue, ReadError, Sheet};

static TABLE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?is)<table\b.*?</table\s*>").expect("table"));
// Rows and cells are cut at their opening tags (closing tags are optional in HTML).
static ROW: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<tr\b").expect("tr"));
static CELL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<t[dh]\b").expect("td"));
static END: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)</t[dhr]\s*>|</table\s*>").expect("end"));
static SPAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"(?i)(colspan|rowspan)\s*=\s*["']?(\d+)"#).expect("span"));
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<[^>]*>").expect("tag"));
static BREAK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<br\s*/?>").expect("br"));

/// Whether decoded text is an HTML document holding a table.
pub fn is_html_table(text: &str) -> bool {
    let head: String = text.chars().take(4096).collect::<String>().to_lowercase();
    (head.contains("<html") || head.contains("<table")) && text.to_lowercase().contains("<td")
}

fn decode_entities(text: &str) -> String {
    text.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

pub fn read(text: &str, limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    let mut sheets = Vec::new();
    let mut total: u64 = 0;
    for (t, table) in TABLE.find_iter(text).enumerate() {
        let mut rows: Vec<Vec<CellValue>> = Vec::new();
        let mut merged = Vec::new();
        // Cells still covered by a rowspan from above: (row, col).
        let mut covered: std::collections::HashSet<(usize, usize)> = std::collections::HashSet::new();
        for (r, row) in ROW.split(table.as_str()).skip(1).enumerate() {
            let mut out: Vec<CellValue> = Vec::new();
            let mut col = 0usize;
            for cell in CELL.split(row).skip(1) {
                // `cell` is: attributes>content[</td>…]
                let (attributes, content) = cell.split_once('>').unwrap_or((cell, ""));
                let content = END.split(content).next().unwrap_or("");
                while covered.contains(&(r, col)) {
                    out.push(CellValue::Empty);
                    col += 1;
                }
                let (mut colspan, mut rowspan) = (1usize, 1usize);
                for span in SPAN.captures_iter(attributes) {
                    let n = span[2].parse::<usize>().unwrap_or(1).clamp(1, 256);
                    if span[1].eq_ignore_ascii_case("colspan") {
                        colspan = n;
                    } else {
                        rowspan = n;
                    }
                }
                let value = decode_entities(&TAG.replace_all(&BREAK.replace_all(content, "\n"), ""));
                let value = value.trim();
                total += (colspan * rowspan) as u64;
                if total > limits.max_sheet_cells {
                    return Err(ReadError::TooLarge(format!("超过 {} 个单元格", limits.max_sheet_cells)));
                }
                out.push(if value.is_empty() { CellValue::Empty } else { CellValue::Text(value.to_string()) });
                out.extend(std::iter::repeat_n(CellValue::Empty, colspan - 1));
                if colspan > 1 || rowspan > 1 {
                    merged.push((r as u32 + 1, col as u32, (r + rowspan) as u32, (col + colspan - 1) as u32));
                    for dr in 1..rowspan {
                        for dc in 0..colspan {
                            covered.insert((r + dr, col + dc));
                        }
                    }
                }
                col += colspan;
            }
            rows.push(out);
        }
        sheets.push(Sheet { name: format!("表格{}", t + 1), first_row: 1, first_col: 0, rows, merged });
    }
    Ok(sheets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn html_table_exported_as_xls() {
        let html = r#"<html><body><table border=1>
            <tr><td colspan="3">2022年培训人员名单</td></tr>
            <tr><th>姓名</th><th>身份证号</th><th>培训时间</th></tr>
            <tr><td>张&nbsp;三</td><td style="mso-number-format:'\@'">210102199001011234</td><td rowspan=2>2022.03.01-2022.03.20</td></tr>
            <tr><td>李四<td>21010219850505123X</tr>
            </table></body></html>"#;
        assert!(is_html_table(html));
        let config = Config::builtin().expect("config");
        let sheets = read(html, &config.settings.limits).expect("read");
        let s = &sheets[0];
        assert_eq!(s.merged, vec![(1, 0, 1, 2), (3, 2, 4, 2)]);
        assert_eq!(s.rows[2][0], CellValue::Text("张 三".into()));
        assert_eq!(s.rows[3], vec![CellValue::Text("李四".into()), CellValue::Text("21010219850505123X".into())]);
    }
}

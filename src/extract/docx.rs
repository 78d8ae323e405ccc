//! DOCX → one text [`Page`] and one [`Sheet`] per top-level table ("表格1", "表格2", …).
//!
//! `word/document.xml` is walked with quick-xml in document order. Paragraphs become
//! lines; a table becomes a sheet whose cells sit at their grid columns, with horizontal
//! (`w:gridSpan`) and vertical (`w:vMerge`) merges recorded as merged regions (the value
//! stays in the top-left cell, as in a spreadsheet) and its rows also written into the
//! page text (cells separated by tabs), so classification and narratives see them.
//!
//! Checkboxes are kept as glyphs, because the 申报表's 品牌范围/品牌类型 are read from
//! them: typed glyphs (☑ ☒ ■ √ ☐ □) as they are; Wingdings/Wingdings 2 symbols
//! (`w:sym`, or a run in that font whose text is the symbol's byte) mapped to ☑/☒/☐;
//! Word content-control checkboxes (`w14:checkbox`, state in `w14:checked`) and legacy
//! form-field checkboxes (`w:ffData/w:checkBox`) rendered as ☑/☐ from their state, not
//! from whatever glyph the file shows. Text in `mc:Fallback` is skipped (it repeats the
//! `mc:Choice` content), as are deleted runs and field instructions.

use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::config::{Config, Limits};
use crate::intake::Entry;

use super::sheet::guard;
use super::{CellValue, Content, Page, ReadError, Sheet, TextSource};

/// Widest table grid accepted (Word itself stops at 63 columns).
const MAX_GRID_COLUMNS: u32 = 1024;

pub const CHECKED: char = '☑';
pub const UNCHECKED: char = '☐';

pub fn read(entry: &Entry, config: &Config) -> Result<Content, ReadError> {
    read_bytes(&entry.bytes, &config.settings.limits)
}

/// The reader behind [`read`], on bytes.
pub fn read_bytes(bytes: &[u8], limits: &Limits) -> Result<Content, ReadError> {
    let _span = tracing::debug_span!("docx", bytes = bytes.len()).entered();
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // An encrypted DOCX is an OLE file holding the encrypted package.
        let compound = guard::Compound::parse(bytes)?;
        if compound.has("EncryptedPackage") {
            return Err(ReadError::Encrypted);
        }
        return Err(ReadError::Corrupt("这是 Word 97-2003 (.doc) 文件，不是 DOCX".into()));
    }
    let names = guard::check_zip(bytes, limits)?;
    let main = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("word/document.xml"))
        .or_else(|| names.iter().find(|n| n.to_ascii_lowercase().ends_with("document.xml")))
        .cloned()
        .ok_or_else(|| ReadError::Corrupt("压缩包内没有 word/document.xml，不是 DOCX".into()))?;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::Corrupt(e.to_string()))?;
    let mut xml = Vec::new();
    archive
        .by_name(&main)
        .map_err(|e| ReadError::Corrupt(e.to_string()))?
        .read_to_end(&mut xml)
        .map_err(|e| ReadError::Corrupt(format!("word/document.xml 解压失败（{e}）")))?;
    let (text, sheets) = parse_document(&xml, limits)?;
    let page = Page {
        number: 1,
        text,
        source: TextSource::Text,
        confidence: None,
        words: Vec::new(),
        width: 0,
        height: 0,
        seals: Vec::new(),
    };
    Ok(Content { pages: vec![page], sheets, ..Content::default() })
}

#[derive(Default)]
struct CellBuild {
    col: u32,
    span: u32,
    /// `Some(true)` restart, `Some(false)` continue.
    vmerge: Option<bool>,
    text: String,
}

#[derive(Default)]
struct TableBuild {
    rows: Vec<Vec<CellBuild>>,
    grid_pos: u32,
    cell: Option<CellBuild>,
}

#[derive(Default)]
struct Sdt {
    checkbox: Option<bool>,
}

#[derive(Default)]
struct Walker {
    lines: Vec<String>,
    sheets: Vec<Sheet>,
    paragraph: String,
    tables: Vec<TableBuild>,
    sdts: Vec<Sdt>,
    /// Depth inside checkbox content controls' content (their glyph is replaced).
    suppress: u32,
    /// Depth inside `mc:Fallback`.
    fallback: u32,
    in_text: bool,
    symbol_font: Option<SymbolFont>,
    legacy_checkbox: Option<bool>,
    cells: u64,
}

#[derive(Clone, Copy, PartialEq)]
enum SymbolFont {
    Wingdings,
    Wingdings2,
}

fn parse_document(xml: &[u8], limits: &Limits) -> Result<(String, Vec<Sheet>), ReadError> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut w = Walker::default();
    let mut stack: Vec<Vec<u8>> = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| ReadError::Corrupt(format!("word/document.xml 格式错误（{e}）")))?;
        match event {
            Event::Start(e) => {
                let name = e.name().as_ref().to_vec();
                w.start(&e, &name, stack.last().map(Vec::as_slice), false, limits)?;
                stack.push(name);
            }
            Event::Empty(e) => {
                let name = e.name().as_ref().to_vec();
                w.start(&e, &name, stack.last().map(Vec::as_slice), true, limits)?;
                w.end(&name);
            }
            Event::End(e) => {
                stack.pop();
                w.end(e.name().as_ref());
            }
            Event::Text(t) if w.in_text => {
                let text = t.xml_content().map_err(|e| ReadError::Corrupt(e.to_string()))?;
                w.push_text(&text);
            }
            Event::CData(t) if w.in_text => {
                let text = String::from_utf8_lossy(&t).into_owned();
                w.push_text(&text);
            }
            Event::GeneralRef(r) if w.in_text => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => match &r[..] {
                        b"amp" => Some("&".into()),
                        b"lt" => Some("<".into()),
                        b"gt" => Some(">".into()),
                        b"quot" => Some("\"".into()),
                        b"apos" => Some("'".into()),
                        _ => None,
                    },
                };
                if let Some(s) = resolved {
                    w.push_text(&s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok((w.lines.join("\n"), w.sheets))
}

fn attr(e: &BytesStart, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| a.unescape_value().map(|v| v.into_owned()).unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned()))
}

fn truthy(value: Option<String>) -> bool {
    // An on/off element without a value means on (ECMA-376 ST_OnOff).
    value.is_none_or(|v| matches!(v.as_str(), "1" | "true" | "on"))
}

impl Walker {
    fn start(&mut self, e: &BytesStart, name: &[u8], parent: Option<&[u8]>, empty: bool, limits: &Limits) -> Result<(), ReadError> {
        if name == b"mc:Fallback" {
            self.fallback += 1;
            return Ok(());
        }
        if self.fallback > 0 {
            return Ok(());
        }
        match name {
            b"w:t" if !empty => self.in_text = true,
            b"w:r" => self.symbol_font = None,
            b"w:rFonts" => {
                let fonts = [b"w:ascii".as_slice(), b"w:hAnsi", b"w:eastAsia", b"w:cs"].iter().filter_map(|k| attr(e, k)).collect::<Vec<_>>();
                self.symbol_font = if fonts.iter().any(|f| f.eq_ignore_ascii_case("Wingdings 2")) {
                    Some(SymbolFont::Wingdings2)
                } else if fonts.iter().any(|f| f.eq_ignore_ascii_case("Wingdings")) {
                    Some(SymbolFont::Wingdings)
                } else {
                    None
                };
            }
            b"w:tab" if parent == Some(b"w:r") => self.push_raw("\t"),
            b"w:br" | b"w:cr" if parent == Some(b"w:r") => self.push_raw("\n"),
            b"w:sym" => {
                let font = attr(e, b"w:font").unwrap_or_default();
                let code = attr(e, b"w:char").and_then(|c| u32::from_str_radix(&c, 16).ok()).unwrap_or(0);
                let font = if font.eq_ignore_ascii_case("Wingdings 2") { SymbolFont::Wingdings2 } else { SymbolFont::Wingdings };
                if let Some(glyph) = symbol_glyph(font, code) {
                    self.push_raw(&glyph.to_string());
                }
            }
            b"w:sdt" => self.sdts.push(Sdt::default()),
            b"w14:checkbox" => {
                if let Some(sdt) = self.sdts.last_mut() {
                    sdt.checkbox = Some(false);
                }
            }
            b"w14:checked" => {
                if let Some(sdt) = self.sdts.last_mut() {
                    sdt.checkbox = Some(truthy(attr(e, b"w14:val")));
                }
            }
            b"w:sdtContent" if self.sdts.last().is_some_and(|s| s.checkbox.is_some()) => self.suppress += 1,
            b"w:checkBox" => self.legacy_checkbox = Some(false),
            b"w:default" if self.legacy_checkbox.is_some() => self.legacy_checkbox = Some(truthy(attr(e, b"w:val"))),
            b"w:checked" if self.legacy_checkbox.is_some() => self.legacy_checkbox = Some(truthy(attr(e, b"w:val"))),
            b"w:tbl" => self.tables.push(TableBuild::default()),
            b"w:tr" => {
                if let Some(t) = self.tables.last_mut() {
                    t.rows.push(Vec::new());
                    t.grid_pos = 0;
                }
            }
            b"w:gridBefore" => {
                if let Some(t) = self.tables.last_mut() {
                    t.grid_pos += attr(e, b"w:val").and_then(|v| v.parse::<u32>().ok()).unwrap_or(0).min(64);
                }
            }
            b"w:tc" => {
                self.cells += 1;
                if self.cells > limits.max_sheet_cells {
                    return Err(ReadError::TooLarge(format!("表格超过 {} 个单元格", limits.max_sheet_cells)));
                }
                if let Some(t) = self.tables.last_mut() {
                    // Word tables have at most 63 columns; a grid far wider is hostile
                    // (every row would be padded to it).
                    if t.grid_pos > MAX_GRID_COLUMNS {
                        return Err(ReadError::TooLarge(format!("表格超过 {MAX_GRID_COLUMNS} 列")));
                    }
                    t.cell = Some(CellBuild { col: t.grid_pos, span: 1, ..CellBuild::default() });
                }
            }
            b"w:gridSpan" => {
                if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    cell.span = attr(e, b"w:val").and_then(|v| v.parse::<u32>().ok()).unwrap_or(1).clamp(1, 64);
                }
            }
            b"w:vMerge" => {
                if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    cell.vmerge = Some(attr(e, b"w:val").as_deref() == Some("restart"));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, name: &[u8]) {
        if name == b"mc:Fallback" {
            self.fallback = self.fallback.saturating_sub(1);
            return;
        }
        if self.fallback > 0 {
            return;
        }
        match name {
            b"w:t" => self.in_text = false,
            b"w:sdtContent" if self.sdts.last().is_some_and(|s| s.checkbox.is_some()) => self.suppress = self.suppress.saturating_sub(1),
            b"w:sdt" => {
                if let Some(Sdt { checkbox: Some(checked) }) = self.sdts.pop() {
                    self.push_raw(if checked { "☑" } else { "☐" });
                }
            }
            b"w:checkBox" => {
                if let Some(checked) = self.legacy_checkbox.take() {
                    self.push_raw(if checked { "☑" } else { "☐" });
                }
            }
            b"w:p" => {
                let text = std::mem::take(&mut self.paragraph);
                match self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    Some(cell) => {
                        if !cell.text.is_empty() {
                            cell.text.push('\n');
                        }
                        cell.text.push_str(&text);
                    }
                    None => self.lines.push(text),
                }
            }
            b"w:tc" => {
                if let Some(t) = self.tables.last_mut() {
                    if let Some(cell) = t.cell.take() {
                        t.grid_pos += cell.span;
                        if let Some(row) = t.rows.last_mut() {
                            row.push(cell);
                        }
                    }
                }
            }
            b"w:tbl" => {
                if let Some(table) = self.tables.pop() {
                    let (sheet, lines) = finish_table(table, self.sheets.len() + 1);
                    match self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                        // A table inside a cell: its text joins the cell.
                        Some(cell) => {
                            if !cell.text.is_empty() {
                                cell.text.push('\n');
                            }
                            cell.text.push_str(&lines.join("\n"));
                        }
                        None => {
                            self.lines.extend(lines);
                            self.sheets.push(sheet);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn push_text(&mut self, text: &str) {
        if self.suppress > 0 || self.fallback > 0 {
            return;
        }
        let mapped: String = text
            .chars()
            .map(|c| match self.symbol_font {
                Some(font) => symbol_glyph(font, c as u32).unwrap_or(c),
                None => symbol_glyph(SymbolFont::Wingdings, c as u32).filter(|_| (c as u32) >= 0xF000).unwrap_or(c),
            })
            .collect();
        self.push_raw(&mapped);
    }

    fn push_raw(&mut self, text: &str) {
        if self.suppress == 0 && self.fallback == 0 {
            self.paragraph.push_str(text);
        }
    }
}

/// The glyph a Wingdings / Wingdings 2 symbol shows, for the boxes forms use. Symbol
/// fonts are addressed either as U+F0xx (private use) or as the plain byte.
fn symbol_glyph(font: SymbolFont, code: u32) -> Option<char> {
    let byte = if (0xF000..=0xF0FF).contains(&code) { code - 0xF000 } else { code };
    match (font, byte) {
        (SymbolFont::Wingdings, 0xFE) => Some('☑'),
        (SymbolFont::Wingdings, 0xFD) | (SymbolFont::Wingdings, 0xFB) => Some('☒'),
        (SymbolFont::Wingdings, 0xA8) | (SymbolFont::Wingdings, 0x6F) | (SymbolFont::Wingdings, 0x71) => Some('☐'),
        (SymbolFont::Wingdings, 0xFC) => Some('✓'),
        (SymbolFont::Wingdings2, 0x52) => Some('☑'),
        (SymbolFont::Wingdings2, 0x53) | (SymbolFont::Wingdings2, 0x54) => Some('☒'),
        (SymbolFont::Wingdings2, 0xA3) | (SymbolFont::Wingdings2, 0x2A) => Some('☐'),
        (SymbolFont::Wingdings2, 0x50) => Some('✓'),
        // Office writes Wingdings 2's boxed check as F052 even under a Wingdings font name.
        (SymbolFont::Wingdings, 0x52) if code >= 0xF000 => Some('☑'),
        _ => None,
    }
}

/// Lays a table out on its grid: values at their grid columns, merges as regions.
fn finish_table(table: TableBuild, index: usize) -> (Sheet, Vec<String>) {
    let mut rows: Vec<Vec<CellValue>> = Vec::with_capacity(table.rows.len());
    let mut merged: Vec<(u32, u32, u32, u32)> = Vec::new();
    // Open vertical merges: grid column → index into `merged`.
    let mut open: std::collections::BTreeMap<u32, usize> = std::collections::BTreeMap::new();
    let mut lines = Vec::new();
    for (r, cells) in table.rows.into_iter().enumerate() {
        let row_no = r as u32 + 1;
        let mut row: Vec<CellValue> = Vec::new();
        let mut line: Vec<String> = Vec::new();
        for cell in cells {
            let last_col = cell.col + cell.span - 1;
            if cell.vmerge == Some(false) {
                if let Some(&i) = open.get(&cell.col) {
                    merged[i].2 = row_no;
                    continue;
                }
            }
            open.remove(&cell.col);
            let at = cell.col as usize;
            if row.len() <= last_col as usize {
                row.resize(last_col as usize + 1, CellValue::Empty);
            }
            let text = cell.text.trim().to_string();
            line.push(text.replace('\n', " "));
            row[at] = if text.is_empty() { CellValue::Empty } else { CellValue::Text(text) };
            if cell.span > 1 || cell.vmerge == Some(true) {
                merged.push((row_no, cell.col, row_no, last_col));
                if cell.vmerge == Some(true) {
                    open.insert(cell.col, merged.len() - 1);
                }
            }
        }
        lines.push(line.join("\t"));
        rows.push(row);
    }
    // A restart that nothing continued is no merge unless it also spans columns.
    merged.retain(|(r0, c0, r1, c1)| r1 > r0 || c1 > c0);
    (Sheet { name: format!("表格{index}"), first_row: 1, first_col: 0, rows, merged }, lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

    fn parse(body: &str) -> (String, Vec<Sheet>) {
        let xml = format!(r#"<?xml version="1.0"?><w:document {NS}><w:body>{body}</w:body></w:document>"#);
        let config = Config::builtin().expect("config");
        parse_document(xml.as_bytes(), &config.settings.limits).expect("parse")
    }

    #[test]
    fn content_control_checkboxes_follow_their_state_not_their_glyph() {
        // The glyph inside says ☐ but the control is checked (Word updates both; a
        // script may not): the state wins.
        let (text, _) = parse(
            r#"<w:p><w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="1"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>☐</w:t></w:r></w:sdtContent></w:sdt><w:r><w:t>行业</w:t></w:r>
               <w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="0"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>☒</w:t></w:r></w:sdtContent></w:sdt><w:r><w:t>企业</w:t></w:r></w:p>"#,
        );
        assert_eq!(text, "☑行业☐企业");
    }

    #[test]
    fn legacy_form_field_checkboxes() {
        let (text, _) = parse(
            r#"<w:p><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:sizeAuto/><w:default w:val="0"/><w:checked/></w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText>FORMCHECKBOX</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>院校</w:t></w:r></w:p>"#,
        );
        assert_eq!(text, "☑院校");
    }

    #[test]
    fn wingdings_symbols_and_runs() {
        let (text, _) = parse(
            r#"<w:p><w:r><w:sym w:font="Wingdings" w:char="F0FE"/></w:r><w:r><w:t>A</w:t></w:r>
               <w:r><w:rPr><w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings"/></w:rPr><w:t>¨</w:t></w:r><w:r><w:t>B</w:t></w:r>
               <w:r><w:rPr><w:rFonts w:ascii="Wingdings 2" w:hAnsi="Wingdings 2"/></w:rPr><w:t>R</w:t></w:r><w:r><w:t>C</w:t></w:r>
               <w:r><w:sym w:font="Wingdings" w:char="F0A8"/></w:r><w:r><w:t>D</w:t></w:r></w:p>"#,
        );
        assert_eq!(text, "☑A☐B☑C☐D");
    }

    #[test]
    fn fallback_content_is_not_read_twice_and_entities_are_decoded() {
        let (text, _) = parse(
            r#"<w:p><mc:AlternateContent><mc:Choice Requires="wps"><w:r><w:t>框内</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>框内</w:t></w:r></mc:Fallback></mc:AlternateContent><w:r><w:t xml:space="preserve">A &amp; B&#x4E2D;</w:t></w:r></w:p>"#,
        );
        assert_eq!(text, "框内A & B中");
    }

    #[test]
    fn absurdly_wide_tables_are_refused() {
        let cells = r#"<w:tc><w:tcPr><w:gridSpan w:val="64"/></w:tcPr><w:p/></w:tc>"#.repeat(40);
        let xml = format!(r#"<?xml version="1.0"?><w:document {NS}><w:body><w:tbl><w:tr>{cells}</w:tr></w:tbl></w:body></w:document>"#);
        let config = Config::builtin().expect("config");
        assert!(matches!(parse_document(xml.as_bytes(), &config.settings.limits), Err(ReadError::TooLarge(_))));
    }

    #[test]
    fn grid_spans_and_vertical_merges() {
        let (text, sheets) = parse(
            r#"<w:tbl>
              <w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>依托单位</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>1.甲</w:t></w:r></w:p></w:tc></w:tr>
              <w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>2.乙</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>
              <w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:p><w:r><w:t>右</w:t></w:r></w:p></w:tc></w:tr>
            </w:tbl>"#,
        );
        let s = &sheets[0];
        assert_eq!(s.name, "表格1");
        assert_eq!(s.merged, vec![(1, 0, 2, 0), (1, 1, 1, 2)]);
        assert_eq!(s.rows[0], vec![CellValue::Text("依托单位".into()), CellValue::Text("1.甲".into()), CellValue::Empty]);
        assert_eq!(s.rows[1], vec![CellValue::Empty, CellValue::Text("2.乙".into()), CellValue::Text("x".into())]);
        assert_eq!(s.rows[2], vec![CellValue::Empty, CellValue::Text("右".into())]);
        assert_eq!(text, "依托单位\t1.甲\n2.乙\tx\n右");
    }
}

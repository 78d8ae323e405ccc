//! Spreadsheets → [`Sheet`]s: XLSX/XLSM/XLSB, XLS (and WPS .et) and ODS through calamine,
//! CSV/TSV in UTF-8, UTF-16 or GBK ([`text`]), and HTML tables named .xls ([`html`]). Every sheet keeps its Excel row numbers
//! (`first_row` is the 1-based row of the first used cell, as Excel shows it), its merged
//! regions, dates as dates, and numbers as numbers — an ID number stored as a number stays
//! a `Float` here so that the roster reader can say its digits were lost.
//!
//! The container is recognised from the bytes, not the name. Before calamine sees a file,
//! [`guard`] checks what calamine would trust (zip member sizes, shared-string counts, OLE
//! chains, BIFF sheet extents). XLSX/XLSB cells are streamed and kept sparse, so a sheet
//! with one cell in A1 and one in XFD1048576 costs two cells, not seventeen billion.

pub mod guard;
pub mod html;
pub mod text;

use std::io::Cursor;

use calamine::{Data, DataRef, Dimensions, Ods, Reader, SheetType, Xls, XlsError, Xlsb, XlsbError, Xlsx, XlsxError};

use crate::config::{Config, Limits};
use crate::intake::{Entry, Format};

use super::{CellValue, Content, ReadError, Sheet};

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads every sheet of a spreadsheet entry.
pub fn read(entry: &Entry, config: &Config) -> Result<Content, ReadError> {
    let limits = &config.settings.limits;
    let sheets = read_bytes(&entry.bytes, &entry.path, entry.format, limits)?;
    Ok(Content { sheets, ..Content::default() })
}

/// The reader behind [`read`], on bytes (tests and benches call it directly).
pub fn read_bytes(bytes: &[u8], path: &str, format: Format, limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    let _span = tracing::debug_span!("sheet", path, bytes = bytes.len()).entered();
    if bytes.starts_with(b"PK") {
        let names = guard::check_zip(bytes, limits)?;
        let has = |n: &str| names.iter().any(|m| m.eq_ignore_ascii_case(n));
        if has("xl/workbook.bin") {
            contained(|| read_xlsb(bytes, limits))
        } else if has("content.xml") && has("mimetype") {
            contained(|| read_ods(bytes, limits))
        } else if has("[Content_Types].xml") {
            // calamine finds the workbook through the package relationships, wherever
            // it is (some writers put it at the root, or use backslashes).
            contained(|| read_xlsx(bytes, limits))
        } else {
            Err(ReadError::Corrupt("不是电子表格文件（压缩包内没有工作簿）".into()))
        }
    } else if bytes.starts_with(&OLE_MAGIC) {
        let compound = guard::Compound::parse(bytes)?;
        if compound.has("EncryptedPackage") || compound.has("EncryptionInfo") {
            return Err(ReadError::Encrypted);
        }
        let stream = match compound.big_stream("Workbook")? {
            Some(s) => s,
            None => compound.big_stream("Book")?.ok_or_else(|| ReadError::Corrupt("OLE 文件中没有工作簿流".into()))?,
        };
        guard::check_biff(&stream, limits.max_sheet_cells)?;
        contained(|| read_xls(bytes, limits))
    } else if looks_like_text(bytes) && html::is_html_table(&text::decode(bytes)) {
        // An HTML table saved as .xls by a web system.
        html::read(&text::decode(bytes), limits)
    } else if format == Format::Csv || looks_like_text(bytes) {
        let stem = path.rsplit('/').next().unwrap_or(path);
        let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
        Ok(vec![text::read(bytes, stem, limits)?])
    } else {
        Err(ReadError::Corrupt("无法识别的电子表格格式".into()))
    }
}

/// Runs a calamine read so that a panic inside it on a malformed file (fuzzing found
/// index and overflow panics the guards did not foresee) is the file's fault, a
/// `Corrupt` error, not a crash of the service.
fn contained(read: impl FnOnce() -> Result<Vec<Sheet>, ReadError>) -> Result<Vec<Sheet>, ReadError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
        tracing::warn!("spreadsheet parser panicked on a malformed file");
        Err(ReadError::Corrupt("电子表格结构异常，解析失败".into()))
    })
}

/// No NUL bytes in the first KiB (or a UTF-16 BOM): a text file.
fn looks_like_text(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || !bytes.iter().take(1024).any(|b| *b == 0)
}

/// Spreadsheet column letters: 0 → "A", 25 → "Z", 26 → "AA".
pub fn column_letter(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Cells collected sparsely (0-based row, col), laid out into ragged rows.
struct SparseSheet {
    cells: Vec<(u32, u32, CellValue)>,
}

impl SparseSheet {
    /// Keeps one non-empty cell, counting it against the workbook's cell limit.
    fn add(&mut self, (row, col): (u32, u32), value: &DataRef, total: &mut u64, limits: &Limits) -> Result<(), ReadError> {
        let value = from_ref(value);
        if value.is_empty() {
            return Ok(());
        }
        *total += 1;
        if *total > limits.max_sheet_cells {
            return Err(too_many(limits));
        }
        self.cells.push((row, col, value));
        Ok(())
    }

    /// Lays the cells out; refuses a layout whose padded rows would pass `max_cells`
    /// (a million cells each alone in column XFD would pad to 16 billion).
    fn into_sheet(mut self, name: String, merged: Vec<Dimensions>, max_cells: u64) -> Result<Sheet, ReadError> {
        let merged = merged.into_iter().map(|d| (d.start.0 + 1, d.start.1, d.end.0 + 1, d.end.1)).collect();
        if self.cells.is_empty() {
            return Ok(Sheet { name, first_row: 1, first_col: 0, rows: Vec::new(), merged });
        }
        self.cells.sort_by_key(|(r, c, _)| (*r, *c));
        let first_row = self.cells.first().map_or(0, |c| c.0);
        let last_row = self.cells.last().map_or(0, |c| c.0);
        let first_col = self.cells.iter().map(|c| c.1).min().unwrap_or(0);
        let mut padded: u64 = (last_row - first_row + 1) as u64;
        let mut i = 0;
        while i < self.cells.len() {
            let r = self.cells[i].0;
            let mut last = self.cells[i].1;
            while i < self.cells.len() && self.cells[i].0 == r {
                last = last.max(self.cells[i].1);
                i += 1;
            }
            padded += (last - first_col + 1) as u64;
        }
        if padded > max_cells {
            return Err(ReadError::TooLarge(format!("工作表展开后超过 {max_cells} 个单元格")));
        }
        let mut rows: Vec<Vec<CellValue>> = vec![Vec::new(); (last_row - first_row + 1) as usize];
        for (r, c, value) in self.cells {
            let row = &mut rows[(r - first_row) as usize];
            let at = (c - first_col) as usize;
            if row.len() <= at {
                row.resize(at + 1, CellValue::Empty);
            }
            row[at] = value;
        }
        Ok(Sheet { name, first_row: first_row + 1, first_col, rows, merged })
    }
}

/// The names of the worksheets (chart, dialog and macro sheets hold no table).
fn worksheets(sheets: &[calamine::Sheet]) -> Vec<String> {
    sheets.iter().filter(|s| s.typ == SheetType::WorkSheet).map(|s| s.name.clone()).collect()
}

fn too_many(limits: &Limits) -> ReadError {
    ReadError::TooLarge(format!("工作表超过 {} 个单元格", limits.max_sheet_cells))
}

fn xlsx_error(e: XlsxError) -> ReadError {
    match e {
        XlsxError::Password => ReadError::Encrypted,
        other => ReadError::Corrupt(format!("XLSX 无法解析（{other}）")),
    }
}

fn xlsb_error(e: XlsbError) -> ReadError {
    match e {
        XlsbError::Password => ReadError::Encrypted,
        other => ReadError::Corrupt(format!("XLSB 无法解析（{other}）")),
    }
}

fn xls_error(e: XlsError) -> ReadError {
    match e {
        XlsError::Password => ReadError::Encrypted,
        other => ReadError::Corrupt(format!("XLS 无法解析（{other}）")),
    }
}

fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    let mut sheets = Vec::new();
    let mut total: u64 = 0;
    for name in worksheets(workbook.sheets_metadata()) {
        let mut sparse = SparseSheet { cells: Vec::new() };
        {
            let mut reader = match workbook.worksheet_cells_reader(&name) {
                Ok(reader) => reader,
                // A chart sheet or a dialog sheet has no cells.
                Err(XlsxError::NotAWorksheet(_)) => continue,
                Err(e) => return Err(xlsx_error(e)),
            };
            while let Some(cell) = reader.next_cell().map_err(xlsx_error)? {
                sparse.add(cell.get_position(), cell.get_value(), &mut total, limits)?;
            }
        }
        let merged = workbook.merge_cells_by_sheet_name(&name).unwrap_or_default();
        sheets.push(sparse.into_sheet(name, merged, limits.max_sheet_cells)?);
    }
    Ok(sheets)
}

fn read_xlsb(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    let mut workbook: Xlsb<_> = Xlsb::new(Cursor::new(bytes)).map_err(xlsb_error)?;
    let mut sheets = Vec::new();
    let mut total: u64 = 0;
    for name in worksheets(workbook.sheets_metadata()) {
        let mut sparse = SparseSheet { cells: Vec::new() };
        let mut reader = match workbook.worksheet_cells_reader(&name) {
            Ok(reader) => reader,
            Err(XlsbError::WorksheetNotFound(_)) => continue,
            Err(e) => return Err(xlsb_error(e)),
        };
        while let Some(cell) = reader.next_cell().map_err(xlsb_error)? {
            sparse.add(cell.get_position(), cell.get_value(), &mut total, limits)?;
        }
        drop(reader);
        sheets.push(sparse.into_sheet(name, Vec::new(), limits.max_sheet_cells)?);
    }
    Ok(sheets)
}

fn read_xls(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    let mut workbook: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(xls_error)?;
    let mut sheets = Vec::new();
    for name in worksheets(workbook.sheets_metadata()) {
        let range = match workbook.worksheet_range(&name) {
            Ok(range) => range,
            Err(e) => return Err(xls_error(e)),
        };
        let merged = workbook.merge_cells_by_sheet_name(&name).unwrap_or_default();
        sheets.push(from_range(name, &range, merged, limits.max_sheet_cells)?);
    }
    Ok(sheets)
}

fn read_ods(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    let mut workbook: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::OdsError::Password => ReadError::Encrypted,
        calamine::OdsError::CellLimitExceeded { requested, .. } => ReadError::TooLarge(format!("工作表声明 {requested} 个单元格")),
        other => ReadError::Corrupt(format!("ODS 无法解析（{other}）")),
    })?;
    let mut sheets = Vec::new();
    for name in worksheets(workbook.sheets_metadata()) {
        let range = workbook.worksheet_range(&name).map_err(|e| ReadError::Corrupt(format!("ODS 工作表无法读取（{e}）")))?;
        if range.get_size().0 as u64 * range.get_size().1 as u64 > limits.max_sheet_cells {
            return Err(too_many(limits));
        }
        // calamine 0.38 does not expose ODS merged regions.
        sheets.push(from_range(name, &range, Vec::new(), limits.max_sheet_cells)?);
    }
    Ok(sheets)
}

fn from_range(name: String, range: &calamine::Range<Data>, merged: Vec<Dimensions>, max_cells: u64) -> Result<Sheet, ReadError> {
    let mut sparse = SparseSheet { cells: Vec::new() };
    for (r, c, value) in range.used_cells() {
        let value = from_data(value);
        if !value.is_empty() {
            let (r0, c0) = range.start().unwrap_or((0, 0));
            sparse.cells.push((r0 + r as u32, c0 + c as u32, value));
        }
    }
    sparse.into_sheet(name, merged, max_cells)
}

fn from_data(value: &Data) -> CellValue {
    match value {
        Data::Empty => CellValue::Empty,
        Data::Int(i) => CellValue::Int(*i),
        Data::Float(f) => CellValue::Float(*f),
        Data::String(s) => CellValue::Text(s.clone()),
        Data::Bool(b) => CellValue::Bool(*b),
        Data::DateTime(dt) => date_time(dt),
        Data::DateTimeIso(s) => iso(s),
        Data::DurationIso(s) => CellValue::Text(s.clone()),
        Data::Error(e) => CellValue::Error(e.to_string()),
    }
}

fn from_ref(value: &DataRef) -> CellValue {
    match value {
        DataRef::Empty => CellValue::Empty,
        DataRef::Int(i) => CellValue::Int(*i),
        DataRef::Float(f) => CellValue::Float(*f),
        DataRef::String(s) => CellValue::Text(s.clone()),
        DataRef::SharedString(s) => CellValue::Text(s.to_string()),
        DataRef::Bool(b) => CellValue::Bool(*b),
        DataRef::DateTime(dt) => date_time(dt),
        DataRef::DateTimeIso(s) => iso(s),
        DataRef::DurationIso(s) => CellValue::Text(s.clone()),
        DataRef::Error(e) => CellValue::Error(e.to_string()),
    }
}

/// A date-formatted number: a date when it is one, else the number (a duration).
fn date_time(dt: &calamine::ExcelDateTime) -> CellValue {
    if dt.is_datetime() {
        if let Some(d) = dt.as_datetime() {
            return CellValue::DateTime(d);
        }
    }
    CellValue::Float(dt.as_f64())
}

fn iso(s: &str) -> CellValue {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map(|d| d.and_time(chrono::NaiveTime::MIN)))
        .map(CellValue::DateTime)
        .unwrap_or_else(|_| CellValue::Text(s.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_far_right_cells_is_refused() {
        let sparse = SparseSheet { cells: (0..400).map(|r| (r, 16383, CellValue::Int(1))).chain([(0, 0, CellValue::Int(1))]).collect() };
        assert!(matches!(sparse.into_sheet("s".into(), Vec::new(), 1_000_000), Err(ReadError::TooLarge(_))));
        let ok = SparseSheet { cells: vec![(2, 3, CellValue::Int(1)), (4, 1, CellValue::Text("x".into()))] };
        let sheet = ok.into_sheet("s".into(), Vec::new(), 1_000_000).expect("small");
        assert_eq!((sheet.first_row, sheet.first_col, sheet.rows.len()), (3, 1, 3));
        assert_eq!(sheet.rows[0], vec![CellValue::Empty, CellValue::Empty, CellValue::Int(1)]);
        assert!(sheet.rows[1].is_empty());
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(16383), "XFD");
    }
}

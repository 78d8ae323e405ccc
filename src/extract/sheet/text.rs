//! CSV (and tab-separated text) into one [`Sheet`]: the encoding is decided from the
//! bytes — a UTF-8 or UTF-16 byte-order mark, else valid UTF-8, else GB18030 (a superset
//! of GBK, which is what Excel on a Chinese Windows writes) — and the separator from the
//! first line (tabs or commas, whichever is more frequent).

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

use crate::config::Limits;
use crate::extract::{CellValue, ReadError, Sheet};

/// Decodes text bytes to UTF-8 by BOM, validity, or GB18030.
pub fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return UTF_16LE.decode_without_bom_handling(rest).0.into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return UTF_16BE.decode_without_bom_handling(rest).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => GB18030.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

pub fn read(bytes: &[u8], name: &str, limits: &Limits) -> Result<Sheet, ReadError> {
    let text = decode(bytes);
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches('\t').count() > first_line.matches(',').count() { b'\t' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut cells: u64 = 0;
    for record in reader.records() {
        let record = record.map_err(|e| ReadError::Corrupt(format!("CSV 无法解析（{e}）")))?;
        cells += record.len() as u64;
        if cells > limits.max_sheet_cells {
            return Err(ReadError::TooLarge(format!("超过 {} 个单元格", limits.max_sheet_cells)));
        }
        rows.push(record.iter().map(|f| if f.trim().is_empty() { CellValue::Empty } else { CellValue::Text(f.to_string()) }).collect());
    }
    Ok(Sheet { name: name.to_string(), first_row: 1, first_col: 0, rows, merged: Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_detected() {
        let s = "姓名,身份证号\n张三,210102199001011234\n";
        assert_eq!(decode(s.as_bytes()), s);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(s.as_bytes());
        assert_eq!(decode(&bom), s);
        let (gbk, _, _) = encoding_rs::GBK.encode(s);
        assert_eq!(decode(&gbk), s);
        let mut utf16 = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&utf16), s);
        let mut utf16be = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            utf16be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode(&utf16be), s);
    }
}

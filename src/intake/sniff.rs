//! Format sniffing from a file's leading bytes (and, for containers, their member
//! names). The extension is never trusted: a `.pdf` that is a JPEG is a JPEG.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Pdf,
    Jpeg,
    Png,
    Tiff,
    Bmp,
    Docx,
    Xlsx,
    /// OLE2 compound file holding a Word document (.doc, WPS .wps).
    Doc,
    /// OLE2 compound file holding a workbook (.xls, WPS .et).
    Xls,
    Wps,
    Et,
    Ods,
    Odt,
    Ofd,
    Csv,
    Zip,
    Rar,
    SevenZip,
    Other,
}

impl Format {
    /// The report's `format` field (report.md): images collapse to `image`.
    pub fn report_name(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Jpeg | Format::Png | Format::Tiff | Format::Bmp => "image",
            Format::Docx => "docx",
            Format::Doc => "doc",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Csv => "csv",
            Format::Wps => "wps",
            Format::Et => "et",
            Format::Ofd => "ofd",
            Format::Odt | Format::Zip | Format::Rar | Format::SevenZip | Format::Other => "other",
        }
    }

    pub fn is_image(self) -> bool {
        matches!(self, Format::Jpeg | Format::Png | Format::Tiff | Format::Bmp)
    }

    pub fn is_spreadsheet(self) -> bool {
        matches!(self, Format::Xlsx | Format::Xls | Format::Ods | Format::Csv | Format::Et)
    }

    /// An editable office file (the 申报表's "可编辑电子版").
    pub fn is_editable(self) -> bool {
        matches!(self, Format::Docx | Format::Doc | Format::Xlsx | Format::Xls | Format::Wps | Format::Et | Format::Odt | Format::Ods)
    }
}

/// The format of a file from its bytes; the name only breaks ties the bytes cannot
/// (CSV is text, WPS/ET are OLE2 like .doc/.xls). Minimal version for `extract`; the
/// intake issue owns the full one.
pub fn sniff(bytes: &[u8], name: &str) -> Format {
    let lower = name.to_lowercase();
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    if bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        return Format::Pdf;
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Format::Jpeg;
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Format::Png;
    }
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        return Format::Tiff;
    }
    if bytes.starts_with(b"BM") && bytes.len() > 26 {
        return Format::Bmp;
    }
    if bytes.starts_with(b"Rar!\x1a\x07") {
        return Format::Rar;
    }
    if bytes.starts_with(b"7z\xbc\xaf\x27\x1c") {
        return Format::SevenZip;
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        if has(b"word/document.xml") {
            return Format::Docx;
        }
        if has(b"xl/workbook.xml") || has(b"xl/workbook.bin") {
            return Format::Xlsx;
        }
        if has(b"application/vnd.oasis.opendocument.spreadsheet") {
            return Format::Ods;
        }
        if has(b"application/vnd.oasis.opendocument.text") {
            return Format::Odt;
        }
        if has(b"OFD.xml") {
            return Format::Ofd;
        }
        return Format::Zip;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        let utf16 = |s: &str| s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect::<Vec<u8>>();
        if has(&utf16("WordDocument")) {
            return if lower.ends_with(".wps") { Format::Wps } else { Format::Doc };
        }
        if has(&utf16("Workbook")) || has(&utf16("Book")) {
            return if lower.ends_with(".et") { Format::Et } else { Format::Xls };
        }
        return Format::Other;
    }
    if lower.ends_with(".csv") {
        return Format::Csv;
    }
    Format::Other
}

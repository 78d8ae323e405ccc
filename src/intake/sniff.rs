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

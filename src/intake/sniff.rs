//! Format sniffing from a file's leading bytes (and, for containers, their member
//! names). The extension is never trusted: a `.pdf` that is a JPEG is a JPEG. The one
//! exception is CSV, which has no magic at all: bytes that decode as text and look like
//! delimited rows are called CSV only when the name also says `.csv` or `.txt`, so a
//! plain letter saved as text is not taken for a table.
//!
//! Containers are told apart by what they hold: a ZIP with `word/document.xml` is a
//! DOCX, with `xl/workbook.xml` an XLSX, with an ODF `mimetype` an ODT/ODS, with
//! `OFD.xml` an OFD; an OLE2 compound file by the UTF-16LE stream names in its
//! directory (`WordDocument`, `Workbook`/`Book`, WPS's own streams). Only a ZIP that is
//! none of these is [`Format::Zip`], the one format intake unpacks as a nested archive.

use std::io::{Cursor, Read};

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

/// How far into a file `%PDF-` may start: Acrobat accepts the header within the first
/// 1024 bytes, and scanners that prepend junk rely on it.
const PDF_HEADER_WINDOW: usize = 1024;
/// How much of a text file is looked at to decide whether it is CSV.
const CSV_SAMPLE_BYTES: usize = 16 * 1024;
/// How many leading lines must agree on their delimiter count.
const CSV_SAMPLE_LINES: usize = 5;
/// An ODF `mimetype` member is a few dozen bytes; never read more than this of it.
/// `[Content_Types].xml` is a short list; a longer one is not read further.
const CONTENT_TYPES_MAX_BYTES: u64 = 64 * 1024;
const MIMETYPE_MAX_BYTES: u64 = 128;

/// Identifies a file's format from its bytes; `name` only breaks the CSV/text tie.
pub fn sniff(bytes: &[u8], name: &str) -> Format {
    if bytes.starts_with(b"%PDF-") {
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
    if is_bmp(bytes) {
        return Format::Bmp;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return sniff_ole2(bytes, name);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") || bytes.starts_with(b"PK\x07\x08") {
        return sniff_zip(bytes);
    }
    if bytes.starts_with(b"Rar!\x1a\x07") {
        return Format::Rar;
    }
    if bytes.starts_with(&[0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) {
        return Format::SevenZip;
    }
    // Only after every magic at offset 0 failed: a stored PDF inside a ZIP also has
    // `%PDF-` in its first kilobyte.
    let head_len = bytes.len().min(PDF_HEADER_WINDOW);
    if find(&bytes[..head_len], b"%PDF-").is_some() {
        return Format::Pdf;
    }
    if has_text_table_name(name) && looks_like_csv(bytes) {
        return Format::Csv;
    }
    Format::Other
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// "BM" alone is too weak (a text may start with it): the reserved words must be zero
/// and the DIB header size one of the sizes Windows defines.
fn is_bmp(bytes: &[u8]) -> bool {
    if bytes.len() < 18 || !bytes.starts_with(b"BM") {
        return false;
    }
    let reserved_zero = bytes[6..10].iter().all(|&b| b == 0);
    let dib = u32::from_le_bytes([bytes[14], bytes[15], bytes[16], bytes[17]]);
    reserved_zero && matches!(dib, 12 | 16 | 40 | 52 | 56 | 64 | 108 | 124)
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// Tells the OLE2 kinds apart by the stream names in the directory. A byte search of
/// the UTF-16LE names is enough: directory entries store them that way, and the
/// document streams themselves are not UTF-16 text of these exact words.
fn sniff_ole2(bytes: &[u8], name: &str) -> Format {
    // Stream names compare case-insensitively in OLE2 (calamine's corpus has "WORKBOOK").
    let has = |stream: &str| [stream.to_string(), stream.to_uppercase(), stream.to_lowercase()].iter().any(|s| find(bytes, &utf16le(s)).is_some());
    // WPS Office writes its own streams beside the Word/Excel ones.
    let wps_marked = has("WpsCustomData") || has("KSOProductBuildVer") || has("WPS Office");
    if has("WordDocument") {
        return if wps_marked { Format::Wps } else { Format::Doc };
    }
    if has("Workbook") || has("Book") {
        return if wps_marked || has("ETExtData") { Format::Et } else { Format::Xls };
    }
    if has("EncryptedPackage") {
        // A password-protected DOCX/XLSX: an OLE2 file around the encrypted package. Its
        // reader says it is encrypted; which reader, only the name can tell.
        return if extension_is(name, &["docx", "docm"]) { Format::Docx } else { Format::Xlsx };
    }
    if wps_marked {
        return Format::Wps;
    }
    Format::Other
}

fn extension_is(name: &str, extensions: &[&str]) -> bool {
    name.rsplit_once('.').is_some_and(|(_, ext)| extensions.iter().any(|e| ext.eq_ignore_ascii_case(e)))
}

/// Looks at the member names of a ZIP container. Reading the central directory is
/// cheap and bounded by the archive's own size; only `mimetype` is read, and only its
/// first bytes.
fn sniff_zip(bytes: &[u8]) -> Format {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        // Broken, but still a ZIP by its magic: intake reports what is wrong with it.
        return Format::Zip;
    };
    // Some writers use backslashes or other letter cases in member names.
    let names: Vec<Vec<u8>> = archive.file_names_raw().map(|n| n.iter().map(|&b| if b == b'\\' { b'/' } else { b.to_ascii_lowercase() }).collect()).collect();
    let has = |member: &str| names.iter().any(|n| n.as_slice() == member.to_ascii_lowercase().as_bytes());
    if has("word/document.xml") {
        return Format::Docx;
    }
    if has("xl/workbook.xml") || has("xl/workbook.bin") {
        return Format::Xlsx;
    }
    if has("OFD.xml") {
        return Format::Ofd;
    }
    if has("mimetype") {
        let mut mimetype = Vec::new();
        if let Ok(file) = archive.by_name("mimetype") {
            // A read error leaves `mimetype` short, which simply matches nothing below.
            let _ = file.take(MIMETYPE_MAX_BYTES).read_to_end(&mut mimetype);
        }
        let mimetype = String::from_utf8_lossy(&mimetype);
        let mimetype = mimetype.trim();
        if mimetype == "application/vnd.oasis.opendocument.text" {
            return Format::Odt;
        }
        if mimetype == "application/vnd.oasis.opendocument.spreadsheet" {
            return Format::Ods;
        }
        return Format::Other;
    }
    // A package whose main part is elsewhere than usual: its content types name it.
    if has("[Content_Types].xml") {
        let mut types = Vec::new();
        if let Some(index) = names.iter().position(|n| n.as_slice() == b"[content_types].xml") {
            if let Ok(file) = archive.by_index(index) {
                // A read error leaves `types` short, which simply matches nothing below.
                let _ = file.take(CONTENT_TYPES_MAX_BYTES).read_to_end(&mut types);
            }
        }
        if find(&types, b"spreadsheetml.sheet.main").is_some() || find(&types, b"ms-excel.sheet.binary").is_some() {
            return Format::Xlsx;
        }
        if find(&types, b"wordprocessingml.document.main").is_some() {
            return Format::Docx;
        }
    }
    // Other packaged documents (pptx, epub, jar…) are files, not folders of the
    // dossier: they must not be unpacked as nested archives.
    if has("[Content_Types].xml") || has("META-INF/manifest.xml") || has("META-INF/MANIFEST.MF") {
        return Format::Other;
    }
    Format::Zip
}

fn has_text_table_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.ends_with(".csv") || lower.ends_with(".txt")
}

/// Decodes a text sample: UTF-8 (BOM optional), UTF-16 with a BOM, or GBK. `None`
/// when it is none of these, or holds NUL bytes (a binary file).
fn decode_text(bytes: &[u8]) -> Option<String> {
    let sample = &bytes[..bytes.len().min(CSV_SAMPLE_BYTES)];
    let truncated = sample.len() < bytes.len();
    if let Some(rest) = sample.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, truncated, u16::from_le_bytes);
    }
    if let Some(rest) = sample.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, truncated, u16::from_be_bytes);
    }
    if sample.contains(&0) {
        return None;
    }
    let sample = sample.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(sample);
    match std::str::from_utf8(sample) {
        Ok(text) => return Some(text.to_string()),
        // A sample cut inside a multi-byte character is still UTF-8 up to the cut.
        Err(e) if truncated && e.error_len().is_none() => return Some(String::from_utf8_lossy(&sample[..e.valid_up_to()]).into_owned()),
        Err(_) => {}
    }
    // GBK: strict decoding; a cut sample may end inside a two-byte character, so
    // decode only up to the last line break.
    let cut = if truncated { sample.iter().rposition(|&b| b == b'\n').map_or(sample.len(), |p| p + 1) } else { sample.len() };
    encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(&sample[..cut]).map(|c| c.into_owned())
}

fn decode_utf16(bytes: &[u8], truncated: bool, unit: fn([u8; 2]) -> u16) -> Option<String> {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]])).collect();
    let mut text = String::new();
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok('\0') => return None,
            Ok(c) => text.push(c),
            // A surrogate pair cut at the sample's end is not a sign of binary data.
            Err(_) if truncated => break,
            Err(_) => return None,
        }
    }
    Some(text)
}

/// Counts a delimiter outside double quotes, the way CSV writers quote fields.
fn count_outside_quotes(line: &str, delimiter: char) -> usize {
    let mut quoted = false;
    let mut count = 0;
    for c in line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if c == delimiter && !quoted {
            count += 1;
        }
    }
    count
}

/// Text whose first lines all carry the same (non-zero) number of commas, or of tabs.
fn looks_like_csv(bytes: &[u8]) -> bool {
    let Some(text) = decode_text(bytes) else { return false };
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return false;
    }
    let complete = if bytes.len() > CSV_SAMPLE_BYTES { text.rfind('\n').map_or("", |p| &text[..p]) } else { text.as_str() };
    let lines: Vec<&str> = complete.lines().filter(|l| !l.trim().is_empty()).take(CSV_SAMPLE_LINES).collect();
    if lines.is_empty() {
        return false;
    }
    [',', '\t', '，'].into_iter().any(|delimiter| {
        let first = count_outside_quotes(lines[0], delimiter);
        first > 0 && lines.iter().all(|l| count_outside_quotes(l, delimiter) == first)
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn zip_with(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for (name, data) in members {
            writer.start_file(*name, options).unwrap();
            writer.write_all(data).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    fn ole2_with(streams: &[&str]) -> Vec<u8> {
        let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        bytes.resize(512, 0);
        for s in streams {
            let mut entry = utf16le(s);
            entry.resize(128, 0);
            bytes.extend(entry);
        }
        bytes
    }

    #[test]
    fn magic_bytes_win_over_the_extension() {
        assert_eq!(sniff(b"%PDF-1.7\n...", "photo.jpg"), Format::Pdf);
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], "scan.pdf"), Format::Jpeg);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "a.xlsx"), Format::Png);
        assert_eq!(sniff(b"II*\0\x08\0\0\0", "a"), Format::Tiff);
        assert_eq!(sniff(b"MM\0*\0\0\0\x08", "a"), Format::Tiff);
        assert_eq!(sniff(b"Rar!\x1a\x07\x01\0", "a.zip"), Format::Rar);
        assert_eq!(sniff(&[0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, 0, 4], "a.zip"), Format::SevenZip);
        assert_eq!(sniff(b"hello", "a.pdf"), Format::Other);
        assert_eq!(sniff(b"", "a.pdf"), Format::Other);
    }

    #[test]
    fn pdf_header_may_follow_junk_within_1024_bytes() {
        let mut bytes = vec![b' '; 600];
        bytes.extend_from_slice(b"%PDF-1.4\n");
        assert_eq!(sniff(&bytes, "x"), Format::Pdf);
        let mut late = vec![b' '; 1100];
        late.extend_from_slice(b"%PDF-1.4\n");
        assert_eq!(sniff(&late, "x.pdf"), Format::Other);
    }

    #[test]
    fn bmp_needs_a_plausible_header() {
        let mut bmp = b"BM".to_vec();
        bmp.extend_from_slice(&[0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0]);
        assert_eq!(sniff(&bmp, "x"), Format::Bmp);
        assert_eq!(sniff(b"BMW owners list, 2023, etc", "x"), Format::Other);
    }

    #[test]
    fn ole2_is_told_apart_by_stream_names() {
        assert_eq!(sniff(&ole2_with(&["Root Entry", "WordDocument", "1Table"]), "a.xls"), Format::Doc);
        assert_eq!(sniff(&ole2_with(&["Root Entry", "Workbook"]), "a.doc"), Format::Xls);
        assert_eq!(sniff(&ole2_with(&["Root Entry", "Book"]), "a"), Format::Xls);
        assert_eq!(sniff(&ole2_with(&["Root Entry", "WordDocument", "WpsCustomData"]), "a.doc"), Format::Wps);
        assert_eq!(sniff(&ole2_with(&["Root Entry", "Workbook", "ETExtData"]), "a.xls"), Format::Et);
        assert_eq!(sniff(&ole2_with(&["Root Entry", "PowerPoint Document"]), "a.doc"), Format::Other);
    }

    /// Variants met in real files (calamine's test corpus): an upper-case stream name, and
    /// password-protected OOXML, which is an OLE2 file around the encrypted package.
    #[test]
    fn ole2_variants_of_real_files() {
        assert_eq!(sniff(&ole2_with(&["Root Entry", "WORKBOOK"]), "a.xls"), Format::Xls);
        assert_eq!(sniff(&ole2_with(&["Root Entry", "EncryptionInfo", "EncryptedPackage"]), "名单.xlsx"), Format::Xlsx);
        assert_eq!(sniff(&ole2_with(&["Root Entry", "EncryptionInfo", "EncryptedPackage"]), "申报表.DOCX"), Format::Docx);
    }

    #[test]
    fn zip_containers_are_told_apart_by_members() {
        assert_eq!(sniff(&zip_with(&[("[Content_Types].xml", b"<x/>"), ("word/document.xml", b"<w/>")]), "a.zip"), Format::Docx);
        assert_eq!(sniff(&zip_with(&[("[Content_Types].xml", b"<x/>"), ("xl/workbook.xml", b"<w/>")]), "a.docx"), Format::Xlsx);
        assert_eq!(sniff(&zip_with(&[("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<x/>")]), "a"), Format::Odt);
        assert_eq!(sniff(&zip_with(&[("mimetype", b"application/vnd.oasis.opendocument.spreadsheet")]), "a"), Format::Ods);
        assert_eq!(sniff(&zip_with(&[("OFD.xml", b"<ofd:OFD/>"), ("Doc_0/Document.xml", b"<x/>")]), "a.pdf"), Format::Ofd);
        assert_eq!(sniff(&zip_with(&[("[Content_Types].xml", b"<x/>"), ("ppt/presentation.xml", b"<p/>")]), "a.zip"), Format::Other);
        assert_eq!(sniff(&zip_with(&[("a/b.pdf", b"%PDF-1.4")]), "a.docx"), Format::Zip);
        assert_eq!(sniff(b"PK\x03\x04 truncated", "a.docx"), Format::Zip);
    }

    /// Workbooks whose parts are not where Excel puts them: binary (xlsb), backslashes in
    /// member names, the workbook at the package root (found through its content type).
    #[test]
    fn workbook_packages_of_every_shape_are_spreadsheets() {
        assert_eq!(sniff(&zip_with(&[("[Content_Types].xml", b"<x/>"), ("xl/workbook.bin", b"\x83\x01")]), "a.xlsb"), Format::Xlsx);
        assert_eq!(sniff(&zip_with(&[("[Content_Types].xml", b"<x/>"), ("xl\\workbook.xml", b"<w/>")]), "a.xlsx"), Format::Xlsx);
        let types: &[u8] = b"<Types><Override PartName=\"/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/></Types>";
        assert_eq!(sniff(&zip_with(&[("[Content_Types].xml", types), ("workbook.xml", b"<w/>")]), "a.xlsx"), Format::Xlsx);
    }

    #[test]
    fn csv_needs_text_consistent_delimiters_and_a_table_name() {
        let utf8 = "序号,姓名,身份证号\n1,张三,210102199001011234\n2,李四,210102199001011235\n";
        assert_eq!(sniff(utf8.as_bytes(), "名单.csv"), Format::Csv);
        assert_eq!(sniff(utf8.as_bytes(), "名单.TXT"), Format::Csv);
        assert_eq!(sniff(utf8.as_bytes(), "名单.dat"), Format::Other, "no table name: not trusted as CSV");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(utf8.as_bytes());
        assert_eq!(sniff(&bom, "a.csv"), Format::Csv);
        let (gbk, _, _) = encoding_rs::GBK.encode(utf8);
        assert_eq!(sniff(&gbk, "a.csv"), Format::Csv);
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(utf16le("姓名\t性别\n张三\t男\n"));
        assert_eq!(sniff(&utf16, "a.txt"), Format::Csv);
        assert_eq!(sniff("\"a,b\",c\nd,e\n".as_bytes(), "a.csv"), Format::Csv, "quoted commas do not count");
        assert_eq!(sniff("这是一封信。\n没有表格。\n".as_bytes(), "a.txt"), Format::Other);
        assert_eq!(sniff("a,b,c\nd,e\n".as_bytes(), "a.csv"), Format::Other, "inconsistent counts");
        assert_eq!(sniff(b"a,b\0,c\n", "a.csv"), Format::Other, "binary");
    }
}

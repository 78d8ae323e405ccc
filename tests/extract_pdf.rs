//! PDF reading without OCR: text layers (CJK through ToUnicode, LibreOffice runs rebuilt
//! into lines), metadata of an incrementally updated file, and damaged or protected
//! files that must become errors, never panics. Fixtures: fixtures/extract/, made by
//! tools/make_extract_fixtures.py.

use std::path::Path;

use dossier_verify::extract::{pdf, ReadError, TextSource};
use dossier_verify::intake::{Entry, Format};
use dossier_verify::Config;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/extract").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn entry(name: &str, bytes: Vec<u8>) -> Entry {
    Entry { path: name.to_string(), sha256: String::new(), bytes, format: Format::Pdf }
}

fn read(name: &str) -> Result<dossier_verify::extract::Content, ReadError> {
    let config = Config::builtin().unwrap();
    pdf::read(&entry(name, fixture(name)), &config, &Default::default())
}

fn squeeze(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn cjk_text_layer_is_exactly_the_source_text() {
    let content = read("cjk_text.pdf").unwrap();
    assert_eq!(content.pages.len(), 2);
    let page = &content.pages[0];
    assert_eq!(page.source, TextSource::Text);
    assert_eq!(page.confidence, None);
    let source = String::from_utf8(fixture("cjk_text.txt")).unwrap();
    assert_eq!(page.text, source.trim_end());
    assert_eq!(content.pages[1].text, "第二页：培训品牌效应");
}

#[test]
fn libreoffice_runs_are_rebuilt_into_lines() {
    let content = read("libreoffice.pdf").unwrap();
    let source = String::from_utf8(fixture("libreoffice.txt")).unwrap();
    let lines: Vec<&str> = content.pages[0].text.lines().collect();
    let expected: Vec<&str> = source.lines().collect();
    assert_eq!(lines.len(), expected.len(), "{:?}", content.pages[0].text);
    for (got, want) in lines.iter().zip(&expected) {
        // LibreOffice adds visual space between Han and Latin text; words stay whole.
        assert_eq!(squeeze(got), squeeze(want));
    }
    assert!(lines[2].contains("Brand Dalian Yuesao 2023"), "{}", lines[2]);
}

#[test]
fn password_protected_pdf_is_encrypted_error() {
    assert!(matches!(read("encrypted.pdf"), Err(ReadError::Encrypted)));
}

#[test]
fn truncated_pdf_is_corrupt_never_a_panic() {
    let config = Config::builtin().unwrap();
    let bytes = fixture("cjk_text.pdf");
    // Every cut must come back as a result; a cut before the first object is Corrupt.
    for cut in (0..bytes.len()).step_by(997) {
        let _ = pdf::read(&entry("cut.pdf", bytes[..cut].to_vec()), &config, &Default::default());
    }
    let early = pdf::read(&entry("cut.pdf", bytes[..300].to_vec()), &config, &Default::default());
    assert!(matches!(early, Err(ReadError::Corrupt(_))), "{early:?}");
    let not_pdf = pdf::read(&entry("x.pdf", b"PK\x03\x04 not a pdf".to_vec()), &config, &Default::default());
    assert!(matches!(not_pdf, Err(ReadError::Corrupt(_))));
}

#[test]
fn page_count_over_the_limit_is_too_large() {
    let mut config = Config::builtin().unwrap();
    config.settings.limits.max_pdf_pages = 1;
    let result = pdf::read(&entry("cjk_text.pdf", fixture("cjk_text.pdf")), &config, &Default::default());
    assert!(matches!(result, Err(ReadError::TooLarge(_))), "{result:?}");
}

#[test]
fn incrementally_updated_pdf_metadata() {
    let content = read("incremental.pdf").unwrap();
    let meta = content.metadata.pdf.expect("pdf metadata");
    assert_eq!(meta.xref_sections, 2);
    assert_eq!(meta.eof_markers, 2);
    assert_eq!(meta.producer.as_deref(), Some("Adobe Acrobat Pro 2020"));
    assert_eq!(meta.creator.as_deref(), Some("Microsoft Word"));
    assert_eq!(meta.mod_date.map(|d| d.to_string()).as_deref(), Some("2024-03-05 14:15:16"));
    assert_eq!(meta.creation_date.map(|d| d.to_string()).as_deref(), Some("2024-01-10 09:30:00"));
    assert!(!meta.encrypted);
    assert_eq!(content.pages[0].text, "Original text 2150");
}

#[test]
fn file_written_once_has_one_xref_section() {
    let meta = read("cjk_text.pdf").unwrap().metadata.pdf.unwrap();
    assert_eq!(meta.xref_sections, 1);
    assert_eq!(meta.eof_markers, 1);
}

#[test]
fn extract_command_prints_pages_with_form_feeds_and_json() {
    let exe = env!("CARGO_BIN_EXE_dossier-verify");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/extract/cjk_text.pdf");
    let out = std::process::Command::new(exe).arg("extract").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let pages: Vec<&str> = text.split('\u{c}').collect();
    assert_eq!(pages.len(), 3, "two pages, each ended by a form feed: {text:?}");
    assert!(pages[0].starts_with("关于做好辽宁省职业技能培训品牌创建培育工作的通知\n"));
    assert_eq!(pages[1], "第二页：培训品牌效应\n");

    let out = std::process::Command::new(exe).args(["extract", "--format", "json"]).arg(&path).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["format"], "pdf");
    assert_eq!(json["pages"][0]["source"], "text");
    assert_eq!(json["metadata"]["pdf"]["xref_sections"], 1);

    let encrypted = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/extract/encrypted.pdf");
    let out = std::process::Command::new(exe).arg("extract").arg(&encrypted).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("加密"));
}

/// Regression (pdf.js bug1020226, issue15590, issue21436: PDFs under 1 KiB): the header
/// check looked at the first 1024 bytes only when there were that many, so a tiny PDF was
/// "not a PDF".
#[test]
fn pdf_smaller_than_one_kibibyte_is_read() {
    let content = b"BT /F1 12 Tf 72 720 Td (Hi 2150) Tj ET";
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_string(),
        format!("<< /Length {} >>\nstream\n{}\nendstream", content.len(), String::from_utf8_lossy(content)),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n{}\nendobj\n", i + 1, body).bytes());
    }
    let xref = pdf.len();
    pdf.extend("xref\n0 6\n0000000000 65535 f \n".bytes());
    for off in offsets {
        pdf.extend(format!("{off:010} 00000 n \n").bytes());
    }
    pdf.extend(format!("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").bytes());
    assert!(pdf.len() < 1024, "{}", pdf.len());
    assert_eq!(dossier_verify::intake::sniff::sniff(&pdf, "tiny.pdf"), Format::Pdf);
    let config = Config::builtin().unwrap();
    let content = pdf::read(&entry("tiny.pdf", pdf), &config, &Default::default()).unwrap();
    assert_eq!(content.pages[0].text, "Hi 2150");
}

#[test]
fn text_page_with_a_red_picture_is_rendered_for_seals_and_plain_text_page_is_not() {
    let content = read("seal_text.pdf").unwrap();
    let page = &content.pages[0];
    assert_eq!(page.source, TextSource::Text);
    assert_eq!(page.text, "大连市人力资源和社会保障局\n2024年1月18日");
    assert!(page.width > 1000 && page.height > 1500, "rendered at the OCR resolution: {}x{}", page.width, page.height);
    let plain = read("cjk_text.pdf").unwrap();
    assert_eq!((plain.pages[0].width, plain.pages[0].height), (0, 0));
}

//! OCR of scanned pages and image files, measured against the text each fixture was
//! drawn from (character error rate after NFKC, whitespace ignored): a figure under a
//! red seal, pages turned by /Rotate or scanned upside down, bilevel Flate and CCITT G4
//! scans, a CJK font without ToUnicode (rendered, then OCR'd), a photo with EXIF
//! orientation, LOW_OCR_CONFIDENCE and the OCR cache.
//! Fixtures: fixtures/extract/, made by tools/make_extract_fixtures.py.
//! Run with OMP_THREAD_LIMIT=1 (3–4× faster with Debian's libtesseract).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use dossier_verify::extract::{image, pdf, Content, Hooks, OcrCache, TextSource};
use dossier_verify::intake::{Entry, Format};
use dossier_verify::report::Code;
use dossier_verify::Config;
use unicode_normalization::UnicodeNormalization;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/extract").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_with(name: &str, config: &Config, hooks: &Hooks) -> Content {
    let format = if name.ends_with(".jpg") { Format::Jpeg } else { Format::Pdf };
    let entry = Entry { path: name.to_string(), sha256: String::new(), bytes: fixture(name), format };
    let result = if format == Format::Pdf { pdf::read(&entry, config, hooks) } else { image::read(&entry, config, hooks) };
    result.unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn read(name: &str) -> Content {
    read_with(name, &Config::builtin().unwrap(), &Hooks::default())
}

fn squeeze(s: &str) -> Vec<char> {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// Character error rate: edit distance / reference length, NFKC, whitespace ignored.
fn cer(reference: &str, hypothesis: &str) -> f64 {
    let r = squeeze(reference);
    let h = squeeze(hypothesis);
    let mut prev: Vec<usize> = (0..=h.len()).collect();
    for (i, rc) in r.iter().enumerate() {
        let mut cur = vec![i + 1; h.len() + 1];
        for (j, hc) in h.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(rc != hc)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[h.len()] as f64 / r.len().max(1) as f64
}

fn source(name: &str) -> String {
    String::from_utf8(fixture(name)).unwrap()
}

fn assert_ocr_page(content: &Content, reference: &str, max_cer: f64) {
    assert_eq!(content.pages.len(), 1);
    let page = &content.pages[0];
    assert_eq!(page.source, TextSource::Ocr);
    let rate = cer(reference, &page.text);
    assert!(rate <= max_cer, "CER {rate:.3} > {max_cer}\n--- read:\n{}\n--- source:\n{reference}", page.text);
    assert!(page.confidence.is_some_and(|c| c > 0.6), "confidence {:?}", page.confidence);
    assert!(!page.words.is_empty());
    for word in &page.words {
        assert!(word.bbox[0] + word.bbox[2] <= page.width && word.bbox[1] + word.bbox[3] <= page.height, "{word:?}");
    }
}

fn has_figure(text: &str, figure: &str) -> bool {
    let text: String = squeeze(text).into_iter().collect();
    text.contains(figure)
}

#[test]
fn figures_under_a_red_seal_are_read() {
    let content = read("scan_seal.pdf");
    assert_ocr_page(&content, &source("scan_seal.txt"), 0.05);
    let text = &content.pages[0].text;
    assert!(has_figure(text, "合格率91.2%"), "{text}");
    assert!(has_figure(text, "2150人"), "{text}");
    assert!(has_figure(text, "1830人"), "{text}");
    assert!(content.findings.is_empty(), "{:?}", content.findings);
    assert_eq!(content.metadata.pdf.as_ref().and_then(|m| m.producer.as_deref()), Some("fixture scanner"));
}

#[test]
fn page_rotated_by_rotate_90_reads_upright() {
    let content = read("scan_rotate90.pdf");
    assert_ocr_page(&content, &source("scan_short.txt"), 0.05);
    assert!(content.pages[0].width > content.pages[0].height, "landscape after /Rotate 90");
}

#[test]
fn page_scanned_upside_down_is_turned() {
    let content = read("scan_upside_down.pdf");
    assert_ocr_page(&content, &source("scan_short.txt"), 0.05);
}

#[test]
fn skewed_scan_is_straightened() {
    assert_ocr_page(&read("scan_skewed.pdf"), &source("scan_short.txt"), 0.05);
}

#[test]
fn page_made_of_two_image_strips_is_rendered() {
    assert_ocr_page(&read("scan_two_strips.pdf"), &source("scan_short.txt"), 0.05);
}

/// Regression (rapidocrpdf image.pdf, a 72 dpi page): Tesseract called it an empty page
/// until low-resolution images were enlarged to the OCR resolution.
#[test]
fn low_resolution_page_is_enlarged_before_ocr() {
    assert_ocr_page(&read("scan_72dpi.pdf"), &source("scan_short.txt"), 0.10);
}

#[test]
fn bilevel_flate_with_png_predictor_is_decoded() {
    assert_ocr_page(&read("scan_flate1bit.pdf"), &source("scan_short.txt"), 0.05);
}

#[test]
fn ccitt_group4_scan_is_decoded() {
    assert_ocr_page(&read("scan_ccitt.pdf"), &source("scan_short.txt"), 0.05);
}

#[test]
fn cjk_font_without_tounicode_is_rendered_and_ocrd() {
    let content = read("no_tounicode.pdf");
    assert_eq!(content.pages.len(), 2);
    let page = &content.pages[0];
    assert_eq!(page.source, TextSource::Ocr, "garbage text layer must not be used: {}", page.text);
    let rate = cer(&source("cjk_text.txt"), &page.text);
    assert!(rate <= 0.05, "CER {rate:.3}: {}", page.text);
}

#[test]
fn photo_with_exif_orientation_is_turned_and_its_software_kept() {
    let content = read("photo_exif6.jpg");
    assert_ocr_page(&content, &source("scan_short.txt"), 0.05);
    let software: Vec<&str> = content.metadata.image_software.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(software, vec!["Adobe Photoshop 25.0"]);
}

#[test]
fn low_confidence_page_with_figures_is_flagged() {
    let mut config = Config::builtin().unwrap();
    config.settings.ocr.min_page_confidence = 0.999;
    let content = read_with("scan_seal.pdf", &config, &Hooks::default());
    assert_eq!(content.findings.len(), 1, "{:?}", content.findings);
    let finding = &content.findings[0];
    assert_eq!(finding.code, Code::LowOcrConfidence);
    assert_eq!(finding.location.page, Some(1));
    assert!(finding.message.contains("scan_seal.pdf") && finding.message.contains("第1页"), "{}", finding.message);
}

#[derive(Default)]
struct MemoryCache {
    map: Mutex<HashMap<String, Vec<u8>>>,
    hits: Mutex<u32>,
}

impl OcrCache for MemoryCache {
    fn get(&self, key: &str) -> Option<Vec<u8>> {
        let value = self.map.lock().unwrap().get(key).cloned();
        if value.is_some() {
            *self.hits.lock().unwrap() += 1;
        }
        value
    }
    fn put(&self, key: &str, value: &[u8]) {
        self.map.lock().unwrap().insert(key.to_string(), value.to_vec());
    }
}

#[test]
fn second_read_comes_from_the_cache_and_reports_progress() {
    let cache = MemoryCache::default();
    let seen = Mutex::new(Vec::new());
    let progress = |p: dossier_verify::extract::Progress| seen.lock().unwrap().push((p.stage, p.pages_done, p.pages_total));
    let hooks = Hooks { progress: Some(&progress), ocr_cache: Some(&cache) };
    let config = Config::builtin().unwrap();
    let first = read_with("scan_ccitt.pdf", &config, &hooks);
    assert_eq!(*cache.hits.lock().unwrap(), 0);
    assert_eq!(cache.map.lock().unwrap().len(), 1);
    let second = read_with("scan_ccitt.pdf", &config, &hooks);
    assert_eq!(*cache.hits.lock().unwrap(), 1);
    assert_eq!(first.pages[0].text, second.pages[0].text);
    assert_eq!(first.pages[0].words.len(), second.pages[0].words.len());
    for (a, b) in first.pages[0].words.iter().zip(&second.pages[0].words) {
        assert_eq!((&a.text, a.bbox, a.line), (&b.text, b.bbox, b.line));
        assert!((a.confidence - b.confidence).abs() < 1e-9);
    }
    assert!(seen.lock().unwrap().contains(&("ocr", 1, 1)));
}

#[test]
fn software_named_by_a_scan_image_inside_a_pdf_is_kept() {
    let content = read("scan_retouched.pdf");
    assert_eq!(content.pages[0].source, TextSource::Ocr);
    let software: Vec<(Option<u32>, &str)> = content.metadata.image_software.iter().map(|(l, s)| (l.page, s.as_str())).collect();
    assert_eq!(software, vec![(Some(1), "GIMP 2.10.34")]);
}

#[test]
fn tesseract_gives_up_at_its_deadline() {
    use dossier_verify::extract::tesseract::{Engine, EngineError, SegMode};
    use std::time::Duration;
    let grey = ::image::load_from_memory(&fixture("scan_seal.jpg")).expect("fixture decodes").to_luma8();
    let mut engine = Engine::new("chi_sim").expect("chi_sim installed");
    // A full A4 page cannot be laid out and read in a millisecond.
    let outcome = engine.recognise(&grey, 200, SegMode::AUTO, Duration::from_millis(1));
    assert!(matches!(outcome, Err(EngineError::DeadlineExceeded(_))), "{outcome:?}");
    // The same engine, given time, reads the page.
    engine.recognise(&grey, 200, SegMode::AUTO, Duration::from_secs(120)).expect("reads with time");
    assert!(engine.text().expect("text").chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count() > 50);
}

#[test]
fn a_page_past_its_time_limit_is_reported_and_not_read() {
    let mut config = Config::builtin().unwrap();
    config.settings.ocr.page_timeout_seconds = 0;
    let content = read_with("scan_seal.pdf", &config, &Hooks::default());
    assert_eq!(content.pages.len(), 1);
    assert!(content.pages[0].text.is_empty());
    let finding = content.findings.iter().find(|f| f.code == Code::FileUnreadable).expect("the page is reported");
    assert_eq!(finding.location.page, Some(1));
    assert!(finding.message.contains("超过每页时限") && finding.message.contains("第1页"), "{}", finding.message);
}

/// A scanned roster (a ruled table, turned 0.6°, JPEG; `scan_roster.tsv` holds what was
/// drawn): read through OCR like a spreadsheet, every row found, the IDs, names and
/// results read, each record on its page's visual row.
#[test]
fn scanned_roster_table_is_read_row_for_row() {
    use dossier_verify::extract::{roster, ExtractedFile, IdCell, TableKind};
    use dossier_verify::intake::DocKind;
    let config = Config::builtin().unwrap();
    let content = read("scan_roster.pdf");
    assert_eq!(content.pages[0].source, TextSource::Ocr);
    let mut file = ExtractedFile::new("3.依托单位材料/培训人员名单（扫描件）.pdf", Format::Pdf, DocKind::TrainingRoster);
    file.pages = content.pages;
    let tables = roster::tables(&file, &config);
    assert_eq!(tables.len(), 1, "{tables:?}");
    let table = &tables[0];
    assert_eq!((table.kind, table.year, table.source), (TableKind::TrainingRoster, Some(2023), TextSource::Ocr));
    assert_eq!(table.sheet.as_deref(), Some("第1页"));

    let truth = String::from_utf8(fixture("scan_roster.tsv")).unwrap();
    let expected: Vec<Vec<&str>> = truth.lines().skip(1).map(|l| l.split('\t').collect()).collect();
    assert_eq!(table.records.len(), expected.len(), "every drawn row is one record, the footer none");
    let ids = expected.iter().zip(&table.records).filter(|(e, r)| r.id == Some(IdCell::Text(e[3].to_string()))).count();
    let names = expected.iter().zip(&table.records).filter(|(e, r)| r.name.as_deref() == Some(e[1])).count();
    let results = expected.iter().zip(&table.records).filter(|(e, r)| r.passed == Some(e[6] == "合格")).count();
    let n = expected.len();
    // Measured 2026-11-28 (Tesseract 5.3 chi_sim): IDs 21/22, names 15/22, results 14/22.
    assert!(ids * 10 >= n * 9, "ID numbers read exactly: {ids}/{n}");
    eprintln!("scanned roster: IDs {ids}/{n}, names {names}/{n}, results {results}/{n}");
    // Names are Han characters in a small font: OCR errs on some (周→同); the IDs are what the checks key on.
    assert!(names * 10 >= n * 6, "names read exactly: {names}/{n}");
    // Tesseract drops the 格 of some "合格" cells; an unread result stays unknown, and a
    // result is never read as its opposite.
    assert!(results * 10 >= n * 6, "results read: {results}/{n}");
    let opposite = expected.iter().zip(&table.records).filter(|(e, r)| r.passed == Some(e[6] != "合格")).count();
    assert_eq!(opposite, 0, "results read as their opposite");
    let rows: Vec<u32> = table.records.iter().map(|r| r.row).collect();
    assert!(rows.windows(2).all(|w| w[0] < w[1]), "records keep their visual row order: {rows:?}");
}

/// The stderr of `dossier-verify extract path`, with `envs` set (and any log filter of the
/// calling environment removed first).
fn extract_stderr(path: &Path, envs: &[(&str, &str)]) -> String {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_dossier-verify"));
    command.arg("extract").arg(path).env("OMP_THREAD_LIMIT", "1").env_remove("DOSSIER_VERIFY_LOG").env_remove("DOSSIER_VERIFY_LOG_TIMINGS");
    command.envs(envs.iter().copied());
    let out = command.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Leptonica, under Tesseract, prints its own messages to stderr: laying out defect-04's
/// blurred report, "Error in boxClipToRectangle: box outside rectangle". They belong in
/// the log (debug, target `leptonica`), not as raw lines amid the structured ones.
#[test]
fn leptonica_messages_reach_the_log_not_raw_stderr() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus/defect-04-bad-scan.zip");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&corpus).unwrap()).unwrap();
    let name = archive.file_names().filter_map(Result::ok).find(|n| n.ends_with("推荐报告.pdf")).expect("defect-04 has its report").into_owned();
    let mut report = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name(&name).unwrap(), &mut report).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, report).unwrap();
    let quiet = extract_stderr(&path, &[]);
    assert!(!quiet.contains("boxClipToRectangle"), "nothing of Leptonica's on stderr by default: {quiet}");
    let logged = extract_stderr(&path, &[("DOSSIER_VERIFY_LOG", "leptonica=debug")]);
    let line = logged.lines().find(|l| l.contains("boxClipToRectangle")).unwrap_or_else(|| panic!("Leptonica's message logged: {logged}"));
    assert!(line.contains("DEBUG") && line.contains("leptonica"), "a debug event of target leptonica: {line}");
}

/// `DOSSIER_VERIFY_LOG_TIMINGS` logs each enabled span's time as it closes: a page's OCR
/// and its seal detection (what `tools/seal_share.py` adds up); without it, no timings.
/// Into a pipe the lines are plain text (colour codes would split `close time.busy=`).
#[test]
fn span_timings_are_logged_on_request() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/extract/scan_seal.pdf");
    let filter = ("DOSSIER_VERIFY_LOG", "warn,dossier_verify::extract::ocr=debug,dossier_verify::seals=debug");
    let timed = extract_stderr(&path, &[filter, ("DOSSIER_VERIFY_LOG_TIMINGS", "1")]);
    for span in ["ocr{", "seals{page=1}"] {
        assert!(timed.lines().any(|l| l.contains(span) && l.contains("close time.busy=")), "{span} timed: {timed}");
    }
    let untimed = extract_stderr(&path, &[filter]);
    assert!(!untimed.contains("time.busy"), "no timings unless asked: {untimed}");
}

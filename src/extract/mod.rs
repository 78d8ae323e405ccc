//! Extraction: [`Dossier`] → [`Extracted`]. Each file is read by the reader of its
//! format (PDF text layer or page images through OCR, image files, DOCX, spreadsheets),
//! classified from its name and first page, then interpreted: the application form in
//! both versions, rosters and tracking tables, and figures stated in narratives.
//!
//! A file that cannot be read becomes a `FILE_UNREADABLE` finding and the rest goes on.

pub mod docx;
pub mod dump;
pub mod form;
pub mod image;
pub mod model;
pub mod narrative;
pub mod ocr;
pub mod pdf;
pub mod pdf_images;
pub mod pdf_text;
pub mod raster;
pub mod roster;
pub mod sheet;
pub mod tesseract;

use crate::config::{self, Config};
use crate::intake::{classify, DocKind, Dossier, Entry, Format};
use crate::report::{Code, Finding, Location};

pub use model::*;

/// Where the pipeline is, for the service's progress display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub stage: &'static str,
    pub pages_done: u32,
    pub pages_total: u32,
}

/// Hooks a caller may give extraction: progress reports and an OCR result cache keyed
/// by page-image hash and engine settings (so a re-check with new rules does not OCR again).
#[derive(Default)]
pub struct Hooks<'a> {
    pub progress: Option<&'a (dyn Fn(Progress) + Sync)>,
    pub ocr_cache: Option<&'a (dyn OcrCache + Sync)>,
}

/// Stored OCR results of page images.
pub trait OcrCache {
    fn get(&self, key: &str) -> Option<Vec<u8>>;
    fn put(&self, key: &str, value: &[u8]);
}

impl Hooks<'_> {
    pub fn report(&self, stage: &'static str, pages_done: u32, pages_total: u32) {
        if let Some(progress) = self.progress {
            progress(Progress { stage, pages_done, pages_total });
        }
    }
}

/// What a reader got out of one file.
#[derive(Debug, Default)]
pub struct Content {
    pub pages: Vec<Page>,
    pub sheets: Vec<Sheet>,
    pub metadata: FileMetadata,
    /// What the reader found about the file itself (LOW_OCR_CONFIDENCE, an unreadable page).
    pub findings: Vec<Finding>,
    /// The first page's grey image as OCR read it (the frame of its words' boxes), kept
    /// until the file is classified: a scanned 申报表's checkboxes are decided from these
    /// pixels, then the image is dropped.
    pub first_page_frame: Option<::image::GrayImage>,
}

/// Why a file could not be read: the file's fault, so a `FILE_UNREADABLE` finding, never a crash.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("文件已加密（设有密码），无法读取")]
    Encrypted,
    #[error("文件已损坏或格式不正确：{0}")]
    Corrupt(String),
    #[error("文件超出处理上限：{0}")]
    TooLarge(String),
    #[error("OCR 引擎不可用：{0}")]
    Engine(String),
    /// The page's OCR ran past `[ocr] page_timeout_seconds`: the page is not read, the
    /// worker is free for the rest of the dossier.
    #[error("文字识别（OCR）超过每页时限，已中止")]
    TimedOut,
}

/// Reads every file of the dossier, classifies it, then interprets the form, the rosters
/// and the narratives.
pub fn extract(dossier: &Dossier, config: &Config, hooks: &Hooks) -> Extracted {
    let mut extracted = Extracted::default();
    let total = dossier.entries.len() as u32;
    for (done, entry) in dossier.entries.iter().enumerate() {
        hooks.report("extract", done as u32, total);
        let _span = tracing::info_span!("file", path = %entry.path, format = ?entry.format).entered();
        let (mut content, unreadable) = match read_entry(entry, config, hooks) {
            Some(Ok(mut content)) => {
                extracted.findings.append(&mut content.findings);
                (content, None)
            }
            Some(Err(error)) => {
                extracted.findings.push(Finding::new(
                    Code::FileUnreadable,
                    format!("文件“{}”无法读取：{error}。其余材料照常核验", entry.path),
                    Location::file(&entry.path),
                ));
                (Content::default(), Some(error.to_string()))
            }
            None => {
                extracted.findings.push(Finding::new(
                    Code::FileUnsupported,
                    format!("文件“{}”的格式（{}）暂不支持读取，未纳入核验；如为申报材料，请提供 PDF、DOCX 或 XLSX 版本", entry.path, format_label(entry.format)),
                    Location::file(&entry.path),
                ));
                (Content::default(), None)
            }
        };
        let first_page = first_page_text(&content);
        let classification = classify::classify(&entry.path, first_page.as_deref(), &config.rules);
        let first_page_frame = content.first_page_frame.take();
        let file = ExtractedFile::from_content(entry, content, classification, unreadable);
        // The scanned form is read while its first page's pixels are still at hand: the
        // checkboxes are decided from the ink in each box, not only from OCR glyphs.
        if file.kind == DocKind::ApplicationForm && !file.format.is_editable() && extracted.form_scanned.is_none() {
            if let Some(form::scanned::Scanned { mut form, occupations }) = form::scanned::read(&file, &config.rules) {
                if let Some(frame) = first_page_frame.as_ref() {
                    if let Some(second) = reread_form_page(&file, &form, frame, config, hooks) {
                        fill_figures(&mut form, second);
                    }
                    if let Some(text) = occupations.and_then(|cell| reread_cell(cell, frame, config)) {
                        let location = form.occupations.first().map_or_else(|| Location::file(&form.path), |o| o.location.clone());
                        let read = form::scanned::occupations(&text, &config.rules, &location);
                        if !read.is_empty() {
                            form.occupations = read;
                        }
                    }
                }
                if let (Some(page), Some(frame)) = (file.pages.first(), first_page_frame.as_ref()) {
                    form::boxes::refine_with_image(&mut form, page, frame, &config.rules);
                }
                extracted.form_scanned = Some(form);
            }
        }
        extracted.files.push(file);
    }
    hooks.report("interpret", total, total);
    interpret(&mut extracted, config);
    extracted
}

/// The figures of the 培训情况 table a form's reading left unread.
fn missing_figures(form: &FormData, years: &[i32]) -> usize {
    years
        .iter()
        .map(|&y| form.year(y).map_or(3, |row| [&row.trainees, &row.pass_rate, &row.employment_rate].iter().filter(|f| f.as_ref().is_none_or(|f| f.value.is_none())).count()))
        .sum()
}

/// Takes the rows of the 培训情况 table `first` did not find at all from a second reading
/// of the page; everything else stays the first reading's (PSM 4 reads the table rows
/// PSM 3 dropped, but reads names and boxes worse, and a cell the first reading found
/// but could not parse ("87" for "87.3%") is no better read by it: "7%").
fn fill_figures(first: &mut FormData, second: FormData) {
    let picks: [fn(&mut FormYear) -> &mut Option<Figure>; 3] = [|y| &mut y.trainees, |y| &mut y.pass_rate, |y| &mut y.employment_rate];
    for pick in picks {
        if first.years.iter_mut().any(|row| pick(row).is_some()) {
            continue;
        }
        for mut row in second.years.clone() {
            let Some(mut figure) = pick(&mut row).take() else { continue };
            // Read by the second reading alone: a reading, not evidence to compare.
            figure.confidence = Some(figure.confidence.unwrap_or(1.0).min(ocr::DISPUTED));
            match first.years.iter_mut().find(|r| r.year == row.year) {
                Some(target) => *pick(target) = Some(figure),
                None => {
                    let mut new = FormYear { year: row.year, trainees: None, pass_rate: None, employment_rate: None };
                    *pick(&mut new) = Some(figure);
                    first.years.push(new);
                }
            }
        }
    }
}

/// A second reading of a scanned form's first page (`ocr.form_retry_page_segmentation_mode`)
/// when the first left figures of the 培训情况 table unread: the form that reading gives,
/// when it has figures the first lacks. Tesseract's page layout (PSM 3) drops whole table
/// rows on some clean scans.
fn reread_form_page(file: &ExtractedFile, form: &FormData, frame: &::image::GrayImage, config: &Config, hooks: &Hooks) -> Option<FormData> {
    let settings = &config.settings.ocr;
    let psm = settings.form_retry_page_segmentation_mode?;
    let years = &config.rules.round.years;
    let before = missing_figures(form, years);
    let first = file.pages.first()?;
    if before == 0 || first.source != TextSource::Ocr {
        return None;
    }
    let retry = config::OcrSettings { page_segmentation_mode: psm, ..settings.clone() };
    let result = match ocr::read_page(frame, settings.render_dpi as f32, &retry, hooks) {
        Ok(result) if result.quarter_turns == 0 => result,
        Ok(_) => return None,
        Err(error) => {
            tracing::warn!(%error, "second reading of the scanned form failed");
            return None;
        }
    };
    let mut second = file.clone();
    second.pages[0] = Page { text: result.text, confidence: Some(result.confidence), words: result.words, ..first.clone() };
    let again = form::from_scanned(&second, &config.rules)?;
    let after = missing_figures(&again, years);
    tracing::debug!(before, after, "scanned form's table read again");
    (after < before).then_some(again)
}

/// The text of a crop of `cell` read alone (`ocr.form_cell_page_segmentation_mode`),
/// when that reading is surer of its words than the page's.
fn reread_cell(cell: form::scanned::Cell, frame: &::image::GrayImage, config: &Config) -> Option<String> {
    let settings = &config.settings.ocr;
    let psm = settings.form_cell_page_segmentation_mode?;
    let [x, y, w, h] = cell.bbox;
    let (width, height) = frame.dimensions();
    let (w, h) = (w.min(width.saturating_sub(x)), h.min(height.saturating_sub(y)));
    if w == 0 || h == 0 {
        return None;
    }
    let crop = between_rules(&::image::imageops::crop_imm(frame, x, y, w, h).to_image());
    // Figures are no part of these values: no second reading of them in eng.
    let alone = config::OcrSettings { page_segmentation_mode: psm, figure_language: None, ..settings.clone() };
    let result = match ocr::recognise(&crop, settings.render_dpi as f32, &alone) {
        Ok(result) => result,
        Err(error) => {
            tracing::warn!(%error, "reading of a scanned form's cell failed");
            return None;
        }
    };
    // Each reading is as good as its least sure word: the page's garbles a value where
    // a label's lines cut through it, the crop's where it caught a stroke of the table
    // or a seal ("二工，电旭工" for 焊工、电焊工, read sure of nothing).
    let least = result.words.iter().map(|w| w.confidence).reduce(f64::min)?;
    tracing::debug!(bbox = ?cell.bbox, text = %result.text, least, page = cell.confidence, "form cell read again");
    (least > cell.confidence).then_some(result.text)
}

/// The inkiest band of `crop` between the table's horizontal rules, on a white margin:
/// a cell's crop catches the rule under it (and the next row's text beyond), and
/// Tesseract's single-line mode reads nothing at all from such a crop.
fn between_rules(crop: &::image::GrayImage) -> ::image::GrayImage {
    let (w, h) = crop.dimensions();
    let ink = |y: u32| (0..w).filter(|&x| crop.get_pixel(x, y).0[0] < 128).count() as u32;
    let mut best = (0, 0, 0);
    let mut start = 0;
    for y in 0..=h {
        // A rule: a row inked over half the crop's width.
        if y == h || ink(y) * 2 > w {
            let band: u32 = (start..y).map(ink).sum();
            if band > best.2 {
                best = (start, y, band);
            }
            start = y + 1;
        }
    }
    let (top, bottom, _) = best;
    let margin = 10;
    let mut out = ::image::GrayImage::from_pixel(w + 2 * margin, bottom - top + 2 * margin, ::image::Luma([255]));
    ::image::imageops::replace(&mut out, &::image::imageops::crop_imm(crop, 0, top, w, bottom - top).to_image(), i64::from(margin), i64::from(margin));
    out
}

/// The reader of each format; `None` for formats the product does not read.
pub fn read_entry(entry: &Entry, config: &Config, hooks: &Hooks) -> Option<Result<Content, ReadError>> {
    Some(match entry.format {
        Format::Pdf => pdf::read(entry, config, hooks),
        Format::Jpeg | Format::Png | Format::Tiff | Format::Bmp => image::read(entry, config, hooks),
        Format::Docx => docx::read(entry, config),
        Format::Xlsx | Format::Xls | Format::Ods | Format::Et | Format::Csv => sheet::read(entry, config),
        _ => return None,
    })
}

fn format_label(format: Format) -> &'static str {
    match format {
        Format::Doc => "Word 97-2003 .doc",
        Format::Wps => "WPS 文字 .wps",
        Format::Ofd => "OFD 版式文件",
        Format::Rar => "RAR 压缩包",
        Format::SevenZip => "7z 压缩包",
        Format::Odt => "ODF 文本 .odt",
        _ => "未知格式",
    }
}

/// The text classification looks at: the first page, or the first sheet's first rows.
pub(super) fn first_page_text(content: &Content) -> Option<String> {
    if let Some(page) = content.pages.first() {
        return Some(page.text.clone());
    }
    content.sheets.first().map(|sheet| {
        let mut text = sheet.name.clone();
        for row in sheet.rows.iter().take(8) {
            for cell in row {
                text.push(' ');
                text.push_str(&cell.display());
            }
        }
        text
    })
}

/// The second pass over classified files: the form in both versions, person tables and
/// narrative figures.
fn interpret(extracted: &mut Extracted, config: &Config) {
    let rules = &config.rules;
    for file in &extracted.files {
        match file.kind {
            DocKind::ApplicationForm if file.format.is_editable() => {
                extracted.form_editable = extracted.form_editable.take().or_else(|| form::from_editable(file, rules));
            }
            DocKind::ApplicationForm => {
                extracted.form_scanned = extracted.form_scanned.take().or_else(|| form::from_scanned(file, rules));
            }
            _ => {}
        }
        extracted.tables.extend(roster::tables(file, config));
        if matches!(file.kind, DocKind::RecommendationReport | DocKind::UnitMaterial) {
            extracted.narrative_figures.extend(narrative::figures(file, rules));
        }
    }
}

/// Distinct persons among records: by ID number where one is usable, else by name + phone
/// (findings.md: "distinct persons (by ID number; by name+phone when an ID is unusable)").
pub fn distinct_persons(records: &[PersonRecord]) -> usize {
    let mut keys = std::collections::BTreeSet::new();
    for record in records {
        keys.insert(person_key(record));
    }
    keys.len()
}

/// The key a person is counted by.
pub fn person_key(record: &PersonRecord) -> String {
    match &record.id {
        Some(IdCell::Text(id)) if !id.trim().is_empty() => format!("id:{}", id.trim().to_uppercase()),
        _ => format!(
            "np:{}|{}|{}",
            record.name.as_deref().unwrap_or("").trim(),
            record.phone.as_deref().unwrap_or("").trim(),
            if record.name.is_none() && record.phone.is_none() { record.row.to_string() } else { String::new() }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::image::{GrayImage, Luma};

    #[test]
    fn a_cell_crop_keeps_its_text_band_without_the_rule_under_it() {
        // Text (a dark block) on rows 5..25, the table's rule on row 40, the next row's
        // text on 45..55: only the first band is kept, on a white margin.
        let mut crop = GrayImage::from_pixel(100, 60, Luma([255]));
        for y in (5..25).chain(45..55) {
            for x in 10..60 {
                crop.put_pixel(x, y, Luma([0]));
            }
        }
        for x in 0..100 {
            crop.put_pixel(x, 40, Luma([0]));
        }
        let band = between_rules(&crop);
        assert_eq!(band.dimensions(), (120, 40 + 20));
        let dark_rows = (0..band.height()).filter(|&y| (0..band.width()).any(|x| band.get_pixel(x, y).0[0] < 128)).count();
        assert_eq!(dark_rows, 20);
    }
}

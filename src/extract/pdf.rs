//! PDF files: per page the text layer where there is a usable one, else the page image
//! through OCR; and the document's metadata (Info, XMP history, incremental updates).
//!
//! A page is read from its text layer when that text is plausible (lines rebuilt from
//! run positions by [`pdf_text::layout`]). It is OCR'd when it has no text but images,
//! when a full-page image carries almost no text (a scan with a stray header), or when
//! the text is garbage (a CJK font without ToUnicode). The page image is the page's own
//! image stream when one image covers the page and this crate can decode it (turned by
//! /Rotate and the image's matrix); otherwise poppler's `pdftoppm` renders the page.

use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use image::{DynamicImage, GrayImage, RgbImage};
use lopdf::{Document, Object, ObjectId};

use crate::config::Config;
use crate::intake::Entry;
use crate::report::{Code, Finding, Location};

use super::pdf_images::{self, ImageError};
use super::pdf_text::{self, ImageRef, Placed, Placement};
use super::{image as image_file, ocr, raster};
use super::{Content, FileMetadata, Hooks, Page, PdfMetadata, ReadError, TextSource};

/// Decompression ceiling for one content stream, font program or CMap.
const STREAM_LIMIT: usize = 64 << 20;
/// A page with fewer plausible characters than this over a page-covering image is a scan
/// (scanners stamp a date or a file name as text).
const SCAN_MAX_TEXT_CHARS: usize = 40;
/// An image covering at least this share of the page is "the page".
const FULL_PAGE_SHARE: f32 = 0.5;
/// Text whose plausible share is below this is garbage (measured: Identity-H without
/// ToUnicode gives under 0.3; real Chinese or English pages are above 0.95).
const MIN_PLAUSIBLE_SHARE: f64 = 0.6;

pub fn read(entry: &Entry, config: &Config, hooks: &Hooks) -> Result<Content, ReadError> {
    let bytes = &entry.bytes;
    let doc = load(bytes)?;
    let mut metadata = metadata(&doc, bytes);
    let pages = doc.get_pages();
    let limits = &config.settings.limits;
    if pages.len() as u64 > limits.max_pdf_pages as u64 {
        return Err(ReadError::TooLarge(format!("共 {} 页，超过上限 {} 页", pages.len(), limits.max_pdf_pages)));
    }
    if pages.is_empty() {
        return Err(ReadError::Corrupt("文件中没有页面".into()));
    }
    let mut content = Content::default();
    if is_truncated(bytes) {
        // lopdf rebuilds what it can of a cut-off file; what was cut off is lost, and the
        // reviewer must know the file is not whole even when some pages still read.
        content.findings.push(Finding::new(
            Code::FileUnreadable,
            format!("文件“{}”不完整：末尾缺少 PDF 结束标记（%%EOF），文件可能在传输或拷贝中被截断，部分页面或内容无法读取。请重新提供完整文件", entry.path),
            Location::file(&entry.path),
        ));
    }
    let total = pages.len() as u32;
    for (done, (&number, &page_id)) in pages.iter().enumerate() {
        hooks.report("ocr", done as u32, total);
        let _span = tracing::debug_span!("page", number).entered();
        let reader = PageReader { doc: &doc, entry, config, hooks, number, page_id };
        // A panic in a decoder on hostile data costs this page, not the file or the worker.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reader.read(&mut metadata)))
            .unwrap_or_else(|_| Err(PageError::Page("页面内容无法解析".into())));
        match outcome {
            Ok((page, frame)) => {
                if let Some(frame) = frame.filter(|_| number == 1) {
                    content.first_page_frame = Some(frame);
                }
                if let Some(finding) = low_confidence_finding(&entry.path, &page, config) {
                    content.findings.push(finding);
                }
                content.pages.push(page);
            }
            Err(PageError::Engine(e)) => return Err(ReadError::Engine(e)),
            Err(PageError::Page(reason)) => {
                content.findings.push(Finding::new(
                    Code::FileUnreadable,
                    format!("文件“{}”第{}页无法读取：{}。该页内容未纳入核验，请提供清晰的扫描件或电子版", entry.path, number, reason),
                    Location::page(&entry.path, number),
                ));
                content.pages.push(empty_page(number));
            }
        }
    }
    hooks.report("ocr", total, total);
    content.metadata = metadata;
    Ok(content)
}

fn load(bytes: &[u8]) -> Result<Document, ReadError> {
    if !bytes.starts_with(b"%PDF") && !bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        return Err(ReadError::Corrupt("不是 PDF 文件（缺少 %PDF 文件头）".into()));
    }
    // lopdf recovers from many damaged files; a panic inside it must not take the
    // service down, so it is contained and reported as a damaged file.
    let loaded = std::panic::catch_unwind(|| Document::load_mem(bytes));
    let doc = match loaded {
        Ok(Ok(doc)) => doc,
        Ok(Err(error)) => {
            if has_encrypt(bytes) && matches!(error, lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword | lopdf::Error::UnsupportedSecurityHandler(_)) {
                return Err(ReadError::Encrypted);
            }
            return Err(ReadError::Corrupt(describe_lopdf_error(&error)));
        }
        Err(_) => return Err(ReadError::Corrupt("PDF 结构无法解析".into())),
    };
    if doc.is_encrypted() {
        // Still encrypted after load: the empty user password did not open it.
        return Err(ReadError::Encrypted);
    }
    Ok(doc)
}

fn has_encrypt(bytes: &[u8]) -> bool {
    bytes.windows(8).any(|w| w == b"/Encrypt")
}

fn describe_lopdf_error(error: &lopdf::Error) -> String {
    let text = error.to_string();
    let short: String = text.chars().take(120).collect();
    format!("PDF 结构无法解析（{short}）")
}

enum PageError {
    /// The OCR engine itself failed: the file cannot be read at all.
    Engine(String),
    /// This page cannot be read; the others may.
    Page(String),
}

fn empty_page(number: u32) -> Page {
    Page { number, text: String::new(), source: TextSource::None, confidence: None, words: Vec::new(), width: 0, height: 0, seals: Vec::new() }
}

struct PageReader<'a> {
    doc: &'a Document,
    entry: &'a Entry,
    config: &'a Config,
    hooks: &'a Hooks<'a>,
    number: u32,
    page_id: ObjectId,
}

/// Geometry of a page as displayed.
#[derive(Clone, Copy)]
struct PageBox {
    rotate: u32,
    bbox: [f32; 4],
}

impl PageBox {
    fn display_size(&self) -> (f32, f32) {
        let w = (self.bbox[2] - self.bbox[0]).abs().max(1.0);
        let h = (self.bbox[3] - self.bbox[1]).abs().max(1.0);
        if self.rotate % 180 == 90 { (h, w) } else { (w, h) }
    }

    fn display(&self, p: (f32, f32)) -> (f32, f32) {
        pdf_text::to_display(self.rotate, self.bbox, p.0, p.1)
    }
}

impl PageReader<'_> {
    fn read(&self, metadata: &mut FileMetadata) -> Result<(Page, Option<GrayImage>), PageError> {
        let page_box = self.page_box();
        let scan = pdf_text::scan_page(self.doc, self.page_id, STREAM_LIMIT).unwrap_or_default();
        let placed: Vec<Placed> = scan
            .fragments
            .iter()
            .map(|f| {
                let (sx, sy) = page_box.display(f.start);
                let (ex, _) = page_box.display(f.end);
                Placed { text: f.text.clone(), x0: sx.min(ex), x1: sx.max(ex), y: sy, size: f.size.abs() }
            })
            .collect();
        let text = pdf_text::layout(placed);
        let (chars, share) = pdf_text::plausible_share(&text);
        let unmapped_share = if scan.codes_shown == 0 { 0.0 } else { scan.codes_unmapped as f64 / scan.codes_shown as f64 };
        let garbage = chars >= 5 && (share < MIN_PLAUSIBLE_SHARE || unmapped_share > 0.3);
        let (page_w, page_h) = page_box.display_size();
        let coverage: Vec<f32> = scan.images.iter().map(|p| coverage(p, &page_box, page_w, page_h)).collect();
        let best_image = coverage.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map(|(i, c)| (i, *c));
        let full_page_image = best_image.is_some_and(|(_, c)| c >= FULL_PAGE_SHARE);
        self.note_image_software(&scan.images, metadata);

        let needs_ocr = garbage || (chars < SCAN_MAX_TEXT_CHARS && full_page_image) || (chars == 0 && !scan.images.is_empty());
        if !needs_ocr {
            let source = if chars > 0 { TextSource::Text } else { TextSource::None };
            let mut page = Page { number: self.number, text, source, confidence: None, words: Vec::new(), width: 0, height: 0, seals: Vec::new() };
            if scan.images.iter().zip(&coverage).any(|(p, &c)| c > 0.002 && self.may_be_seal(p)) {
                // A text page with a red picture may carry an electronic seal (电子公章):
                // the seal detector needs the page's pixels, so the page is rendered.
                let settings = &self.config.settings.ocr;
                match raster::render_pdf_page(&self.entry.bytes, self.number, settings.render_dpi, Duration::from_secs(settings.page_timeout_seconds)) {
                    Ok(rgb) => {
                        page.width = rgb.width();
                        page.height = rgb.height();
                        page.seals = crate::seals::detect(self.number, &rgb);
                    }
                    Err(e) => tracing::warn!(error = %e, "page with images not rendered: seals not looked for"),
                }
            }
            return Ok((page, None));
        }
        tracing::debug!(garbage, chars, full_page_image, "page goes to OCR");
        // The page's own image when one image is the page and nothing else is drawn
        // over it; otherwise the rendered page (several strips, JBIG2, garbage text).
        let significant = coverage.iter().filter(|&&c| c > 0.05).count();
        let native = match best_image {
            Some((i, c)) if !garbage && c >= FULL_PAGE_SHARE && significant == 1 => self.native_image(&scan.images[i], &page_box),
            _ => Err(ImageError::NotSingleImage("页面由多幅图像或图文叠加组成".into())),
        };
        let rgb = match native {
            Ok(rgb) => rgb,
            Err(ImageError::TooLarge(px, max)) => {
                return Err(PageError::Page(format!("页面图像 {px} 像素，超过上限 {max}")));
            }
            Err(why) => {
                tracing::debug!(%why, "rendering the page instead");
                let settings = &self.config.settings.ocr;
                raster::render_pdf_page(&self.entry.bytes, self.number, settings.render_dpi, Duration::from_secs(settings.page_timeout_seconds))
                    .map_err(|e| PageError::Page(format!("{e}（{why}）")))?
            }
        };
        let dpi = rgb.width() as f32 / (page_w / 72.0);
        ocr_rgb(rgb, dpi, self.number, self.config, self.hooks).map(|(page, frame)| (page, Some(frame))).map_err(|e| match e {
            ReadError::Engine(e) => PageError::Engine(e),
            other => PageError::Page(other.to_string()),
        })
    }

    fn page_box(&self) -> PageBox {
        let rotate = self.inherited(b"Rotate").and_then(|o| o.as_i64().ok()).unwrap_or(0).rem_euclid(360);
        let rotate = ((rotate + 45) / 90 * 90 % 360) as u32;
        let rect = |key: &[u8]| -> Option<[f32; 4]> {
            let arr = self.inherited(key)?.as_array().ok()?;
            let v: Vec<f32> = arr.iter().filter_map(|o| self.doc.dereference(o).ok().and_then(|(_, o)| o.as_float().ok())).collect();
            if v.len() != 4 || v.iter().any(|x| !x.is_finite()) {
                return None;
            }
            let b = [v[0].min(v[2]), v[1].min(v[3]), v[0].max(v[2]), v[1].max(v[3])];
            (b[2] - b[0] > 1.0 && b[3] - b[1] > 1.0).then_some(b)
        };
        let bbox = rect(b"CropBox").or_else(|| rect(b"MediaBox")).unwrap_or([0.0, 0.0, 595.0, 842.0]);
        PageBox { rotate, bbox }
    }

    /// A page attribute, looked up the page tree (Rotate, MediaBox, CropBox are inheritable).
    fn inherited(&self, key: &[u8]) -> Option<&Object> {
        let mut node = self.doc.get_dictionary(self.page_id).ok()?;
        for _ in 0..32 {
            if let Ok(value) = node.get(key) {
                return self.doc.dereference(value).ok().map(|(_, o)| o);
            }
            let parent = node.get(b"Parent").ok()?.as_reference().ok()?;
            node = self.doc.get_dictionary(parent).ok()?;
        }
        None
    }

    fn stream_of<'s>(&'s self, image: &'s ImageRef) -> Option<&'s lopdf::Stream> {
        match image {
            ImageRef::Object(id) => self.doc.get_object(*id).ok()?.as_stream().ok(),
            ImageRef::Inline(stream) => Some(stream),
        }
    }

    fn native_image(&self, placement: &Placement, page_box: &PageBox) -> Result<RgbImage, ImageError> {
        let stream = self.stream_of(&placement.image).ok_or_else(|| ImageError::Corrupt("图像对象缺失".into()))?;
        if matches!(placement.image, ImageRef::Inline(_)) {
            // Inline images use abbreviated keys (/W /H /F); the renderer knows them all.
            return Err(ImageError::Unsupported("内嵌图像".into()));
        }
        let img = pdf_images::decode(self.doc, stream, self.config.settings.limits.max_image_pixels)?;
        Ok(orient(img, placement, page_box))
    }

    /// Whether an image drawn on a text page could be a seal: it has red ink (or cannot
    /// be decoded here, so only the rendered page can tell).
    fn may_be_seal(&self, placement: &Placement) -> bool {
        let Some(stream) = self.stream_of(&placement.image) else { return false };
        let img = match pdf_images::decode(self.doc, stream, self.config.settings.limits.max_image_pixels) {
            Ok(img) => img,
            Err(ImageError::TooLarge(..)) => return false,
            Err(_) => return true,
        };
        let DynamicImage::ImageRgb8(rgb) = img else { return false };
        let red = rgb.pixels().filter(|p| p.0[0] > 150 && p.0[0] as i32 - p.0[1] as i32 > 60 && p.0[0] as i32 - p.0[2] as i32 > 60).count();
        red * 50 >= rgb.pixels().len()
    }

    /// EXIF/XMP software of JPEG images on the page (a scan retouched in Photoshop).
    fn note_image_software(&self, images: &[Placement], metadata: &mut FileMetadata) {
        for placement in images {
            let Some(stream) = self.stream_of(&placement.image) else { continue };
            let is_jpeg = stream.filters().map(|f| f.last().is_some_and(|n| *n == b"DCTDecode")).unwrap_or(false);
            let mut names = if is_jpeg { image_file::embedded_software(&stream.content) } else { Vec::new() };
            if let Some(xmp) = stream.dict.get(b"Metadata").ok().and_then(|o| self.doc.dereference(o).ok()).and_then(|(_, o)| o.as_stream().ok()) {
                if let Ok(bytes) = xmp.decompressed_content_with_limit(1 << 20).or_else(|_| Ok::<_, lopdf::Error>(xmp.content.clone())) {
                    names.extend(xmp_creator_tools(&String::from_utf8_lossy(&bytes)));
                }
            }
            for name in names {
                let location = Location::page(&self.entry.path, self.number);
                if !metadata.image_software.iter().any(|(l, n)| l == &location && n == &name) {
                    metadata.image_software.push((location, name));
                }
            }
        }
    }
}

/// Share of the displayed page the image's bounding box covers.
fn coverage(p: &Placement, page_box: &PageBox, page_w: f32, page_h: f32) -> f32 {
    let corners = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)].map(|(x, y)| page_box.display(pdf_text::apply(&p.ctm, x, y)));
    let x0 = corners.iter().map(|c| c.0).fold(f32::MAX, f32::min).max(0.0);
    let x1 = corners.iter().map(|c| c.0).fold(f32::MIN, f32::max).min(page_w);
    let y0 = corners.iter().map(|c| c.1).fold(f32::MAX, f32::min).max(0.0);
    let y1 = corners.iter().map(|c| c.1).fold(f32::MIN, f32::max).min(page_h);
    if x1 <= x0 || y1 <= y0 {
        return 0.0;
    }
    let share = (x1 - x0) * (y1 - y0) / (page_w * page_h);
    if share.is_finite() { share } else { 0.0 }
}

/// Turns a decoded image the way it is shown: the image's first row is the top of the
/// unit square (y = 1), mapped by the placement matrix and then the page's /Rotate.
fn orient(img: DynamicImage, placement: &Placement, page_box: &PageBox) -> RgbImage {
    let rgb = img.into_rgb8();
    let at = |x: f32, y: f32| page_box.display(pdf_text::apply(&placement.ctm, x, y));
    let tl = at(0.0, 1.0);
    let tr = at(1.0, 1.0);
    let bl = at(0.0, 0.0);
    let right = (tr.0 - tl.0, tr.1 - tl.1);
    let down = (bl.0 - tl.0, bl.1 - tl.1);
    // The dominant axis of each vector, as a sign pair.
    let axis = |v: (f32, f32)| if v.0.abs() >= v.1.abs() { (v.0.signum() as i32, 0) } else { (0, v.1.signum() as i32) };
    use image::imageops::{flip_horizontal, flip_vertical, rotate180, rotate270, rotate90};
    match (axis(right), axis(down)) {
        ((1, 0), (0, 1)) => rgb,
        ((0, 1), (-1, 0)) => rotate90(&rgb),
        ((-1, 0), (0, -1)) => rotate180(&rgb),
        ((0, -1), (1, 0)) => rotate270(&rgb),
        ((-1, 0), (0, 1)) => flip_horizontal(&rgb),
        ((1, 0), (0, -1)) => flip_vertical(&rgb),
        ((0, 1), (1, 0)) => flip_horizontal(&rotate90(&rgb)),
        ((0, -1), (-1, 0)) => flip_horizontal(&rotate270(&rgb)),
        _ => rgb,
    }
}

/// OCR of one colour page image: seals looked for in colour, text read from the red
/// channel. Shared by PDF pages and image files. Also returns the grey image in the frame
/// the words' boxes refer to (turned and straightened as OCR read it), for readers that
/// look at pixels under the words (the scanned form's checkboxes).
pub(crate) fn ocr_rgb(rgb: RgbImage, dpi: f32, number: u32, config: &Config, hooks: &Hooks) -> Result<(Page, GrayImage), ReadError> {
    let settings = &config.settings.ocr;
    let (rgb, dpi) = raster::to_ocr_resolution(rgb, dpi, settings.render_dpi);
    let grey = raster::ocr_grey(&rgb, settings.white_point);
    let result = ocr::read_page(&grey, dpi, settings, hooks)?;
    let frame = ocr::words_frame(grey, result.quarter_turns, result.skew);
    // Seals are looked for in the orientation the words were read in, so their boxes
    // and the words' share one frame.
    let seals = if result.quarter_turns == 0 {
        crate::seals::detect(number, &rgb)
    } else {
        let turned = raster::quarter_turn(&rgb, result.quarter_turns);
        drop(rgb);
        crate::seals::detect(number, &turned)
    };
    let page = Page {
        number,
        text: result.text,
        source: TextSource::Ocr,
        confidence: Some(result.confidence),
        words: result.words,
        width: result.width,
        height: result.height,
        seals,
    };
    Ok((page, frame))
}

/// LOW_OCR_CONFIDENCE for an OCR'd page that carries figures (digits) and read below the
/// configured floor.
pub(crate) fn low_confidence_finding(path: &str, page: &Page, config: &Config) -> Option<Finding> {
    let floor = config.settings.ocr.min_page_confidence;
    if page.source != TextSource::Ocr || page.confidence.is_none() {
        return None;
    }
    // Words inside a seal are its ring and star read as text: garbage by nature, they say
    // nothing of how well the page's own text was read (a signature page is mostly seal).
    let inside_seal = |w: &&super::Word| {
        let [x, y, bw, bh] = w.bbox;
        let (cx, cy) = (x + bw / 2, y + bh / 2);
        page.seals.iter().any(|s| cx >= s.bbox[0] && cx < s.bbox[0] + s.bbox[2] && cy >= s.bbox[1] && cy < s.bbox[1] + s.bbox[3])
    };
    let text: Vec<&super::Word> = page.words.iter().filter(|w| !inside_seal(w)).collect();
    if text.is_empty() || !text.iter().any(|w| w.text.chars().any(|c| c.is_ascii_digit())) {
        return None;
    }
    let confidence = text.iter().map(|w| w.confidence).sum::<f64>() / text.len() as f64;
    if confidence >= floor {
        return None;
    }
    Some(
        Finding::new(
            Code::LowOcrConfidence,
            format!(
                "文件“{path}”第{}页为图像，文字识别的平均置信度为 {:.0}%，低于设定下限 {:.0}%；该页上的数字可能识别有误，请人工核对或提供更清晰的扫描件",
                page.number,
                confidence * 100.0,
                floor * 100.0
            ),
            Location::page(path, page.number),
        )
        .expected(format!("≥{:.0}%", floor * 100.0))
        .actual(format!("{:.0}%", confidence * 100.0)),
    )
}

// ---------------------------------------------------------------- metadata

fn metadata(doc: &Document, bytes: &[u8]) -> FileMetadata {
    let mut pdf = PdfMetadata {
        xref_sections: doc.revision_count() as u32,
        eof_markers: count(bytes, b"%%EOF") as u32,
        encrypted: doc.was_encrypted() || doc.is_encrypted(),
        linearized: is_linearized(bytes),
        ..PdfMetadata::default()
    };
    let info = doc.trailer.get(b"Info").ok().and_then(|o| doc.dereference(o).ok()).and_then(|(_, o)| o.as_dict().ok());
    if let Some(info) = info {
        let text = |key: &[u8]| {
            info.get(key)
                .ok()
                .and_then(|o| doc.dereference(o).ok())
                .and_then(|(_, o)| lopdf::decode_text_string(o).ok())
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        pdf.producer = text(b"Producer");
        pdf.creator = text(b"Creator");
        pdf.creation_date = text(b"CreationDate").as_deref().and_then(parse_pdf_date);
        pdf.mod_date = text(b"ModDate").as_deref().and_then(parse_pdf_date);
    }
    let xmp = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Metadata").ok())
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_stream().ok())
        .and_then(|s| s.decompressed_content_with_limit(4 << 20).ok().or_else(|| Some(s.content.clone())))
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    if let Some(xmp) = xmp {
        pdf.xmp_history = xmp_history(&xmp);
        if pdf.producer.is_none() {
            pdf.producer = xmp_tag(&xmp, "pdf:Producer");
        }
        if pdf.creator.is_none() {
            pdf.creator = xmp_tag(&xmp, "xmp:CreatorTool");
        }
    }
    FileMetadata { pdf: Some(pdf), image_software: Vec::new() }
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).filter(|w| *w == needle).count()
}

/// Parses a PDF date `D:YYYYMMDDHHmmSS+08'00'` (every part after the year optional).
/// The time is kept as written (local time of the writer): the dossier's other dates
/// are local too.
pub fn parse_pdf_date(text: &str) -> Option<NaiveDateTime> {
    let s = text.trim().trim_start_matches("D:");
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.len() < 4 {
        return None;
    }
    let part = |from: usize, len: usize, default: u32| -> u32 { digits.get(from..from + len).and_then(|p| p.parse().ok()).unwrap_or(default) };
    let year: i32 = digits[..4].parse().ok()?;
    let date = NaiveDate::from_ymd_opt(year, part(4, 2, 1), part(6, 2, 1))?;
    date.and_hms_opt(part(8, 2, 0), part(10, 2, 0), part(12, 2, 0).min(59))
}

fn xmp_tag(xmp: &str, tag: &str) -> Option<String> {
    let re = regex::Regex::new(&format!(r#"(?s)<{tag}>(.*?)</{tag}>|{tag}="([^"]*)""#)).ok()?;
    let caps = re.captures(xmp)?;
    let value = caps.get(1).or_else(|| caps.get(2))?.as_str();
    let value = strip_tags(value);
    (!value.is_empty()).then_some(value)
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// `xmpMM:History` entries as "action: softwareAgent" (either part may be missing), in order.
pub fn xmp_history(xmp: &str) -> Vec<String> {
    let Some(start) = xmp.find("xmpMM:History") else { return Vec::new() };
    let rest = &xmp[start..];
    let end = rest[1..].find("xmpMM:History").map(|e| e + 1).unwrap_or(rest.len());
    let block = &rest[..end];
    let Ok(li) = regex::Regex::new(r"(?s)<rdf:li\b([^>]*?)(/>|>(.*?)</rdf:li>)") else { return Vec::new() };
    let mut out = Vec::new();
    for caps in li.captures_iter(block) {
        let attrs = caps.get(1).map(|m| m.as_str()).unwrap_or("");
        let body = caps.get(3).map(|m| m.as_str()).unwrap_or("");
        let item = format!("{attrs} {body}");
        let action = xmp_tag(&item, "stEvt:action");
        let agent = xmp_tag(&item, "stEvt:softwareAgent");
        let entry = match (action, agent) {
            (Some(a), Some(s)) => format!("{a}: {s}"),
            (Some(a), None) => a,
            (None, Some(s)) => s,
            (None, None) => continue,
        };
        out.push(entry);
    }
    out
}

/// Creator tools named in an image's XMP packet.
pub fn xmp_creator_tools(xmp: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(tool) = xmp_tag(xmp, "xmp:CreatorTool") {
        out.push(tool);
    }
    for entry in xmp_history(xmp) {
        let agent = entry.split_once(": ").map(|(_, a)| a.to_string()).unwrap_or(entry);
        if !out.contains(&agent) {
            out.push(agent);
        }
    }
    out
}

/// A PDF ends with `%%EOF` (readers accept it within the last 1024 bytes); one without it
/// was cut off.
fn is_truncated(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    !tail.windows(5).any(|w| w == b"%%EOF")
}

/// A linearized ("fast web view") file opens with its linearization dictionary, the first
/// object after the header: it is written with two xref sections without being edited.
fn is_linearized(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(b"/Linearized".len()).any(|w| w == b"/Linearized")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (corpus defect-03): a PDF cut off mid-stream was rebuilt by lopdf into an
    /// empty page and reported nothing.
    #[test]
    fn a_file_cut_off_before_its_eof_marker_is_truncated() {
        let whole = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec();
        assert!(!is_truncated(&whole));
        assert!(is_truncated(&whole[..whole.len() - 8]));
        let mut trailing_junk = whole.clone();
        trailing_junk.extend_from_slice(&[0u8; 600]);
        assert!(!is_truncated(&trailing_junk), "readers accept %%EOF within the last 1024 bytes");
    }

    #[test]
    fn pdf_dates_parse_with_and_without_parts() {
        let d = parse_pdf_date("D:20240305141516+08'00'").unwrap();
        assert_eq!(d.to_string(), "2024-03-05 14:15:16");
        assert_eq!(parse_pdf_date("D:2023").unwrap().to_string(), "2023-01-01 00:00:00");
        assert!(parse_pdf_date("D:20231340").is_none());
        assert!(parse_pdf_date("garbage").is_none());
    }

    #[test]
    fn xmp_history_both_notations() {
        let xmp = r#"<xmpMM:History><rdf:Seq>
            <rdf:li stEvt:action="created" stEvt:softwareAgent="Adobe Photoshop 25.0"/>
            <rdf:li rdf:parseType="Resource"><stEvt:action>saved</stEvt:action><stEvt:softwareAgent>Adobe Acrobat Pro 2020</stEvt:softwareAgent></rdf:li>
            </rdf:Seq></xmpMM:History>"#;
        assert_eq!(xmp_history(xmp), vec!["created: Adobe Photoshop 25.0", "saved: Adobe Acrobat Pro 2020"]);
        assert_eq!(xmp_creator_tools(xmp), vec!["Adobe Photoshop 25.0", "Adobe Acrobat Pro 2020"]);
    }
}


//! OCR through Tesseract (chi_sim) via the `tesseract` crate over Debian's libtesseract.
//!
//! One engine per thread, loaded once (chi_sim costs ~120 ms to load) and reused; the
//! crate's methods consume the engine, so a failed call loses it and the next call loads
//! a fresh one. Words, boxes and confidences come from Tesseract's TSV output, parsed by
//! the pure [`parse_tsv`]. Before OCR a page is straightened ([`raster::estimate_skew`])
//! and, when the upright reading is weak, turned by the quarter turn that reads best.
//! Results are cached by the hash of the grey image and the engine settings.

use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

use image::GrayImage;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::config::OcrSettings;
use crate::domain::mask;

use super::raster;
use super::tesseract::{Engine, EngineError, SegMode};
use super::{Hooks, ReadError, Word};

/// What OCR read from one page image.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OcrResult {
    /// Lines in reading order, '\n' between lines.
    pub text: String,
    pub words: Vec<Word>,
    /// Mean word confidence in [0, 1] (0 when no word was read).
    pub confidence: f64,
    /// Size of the image the boxes refer to (after turning).
    pub width: u32,
    pub height: u32,
    /// Quarter turns clockwise applied before reading (0..=3).
    pub quarter_turns: u8,
    /// Skew corrected, in degrees.
    pub skew: f32,
}

/// Below this mean confidence the upright reading is doubted and the other quarter turns
/// are tried. Upright printed pages read at 0.85–0.95; a page on its side reads below 0.5.
const DOUBT_CONFIDENCE: f64 = 0.70;
/// A word read with less confidence than this is chi_sim's guess: a figure re-read in
/// the figure language replaces it more freely, and the form comparison takes none of
/// its characters for evidence.
pub const UNSURE_WORD: f64 = 0.5;
/// The confidence left to a figure the figure language did not read as chi_sim did
/// (other digits, or nothing clean): below [`UNSURE_WORD`], so whoever compares it knows
/// a digit of it may be misread.
pub const DISPUTED: f64 = 0.2;
/// A prose line with a word holding digits read with less confidence than this is read
/// again as one line. The misreadings measured in scanned narratives ("96: 2010。" for
/// "96.2%。" at 17%, "20，" for "1%，" at 73%) were all below it; chi_sim reads clean
/// figures in prose at 0.88–0.95.
const LINE_DOUBT: f64 = 0.85;
/// A line read again on its own must keep this share of its Han text to replace the page
/// reading (chi_sim reads a single line's Han as the page did, give or take a character
/// or two; less means the crop caught another line or a stamp).
const SAME_LINE_HAN: f64 = 0.8;
/// Skew under this (degrees) is left alone: resampling costs more than it gains.
const MIN_SKEW: f32 = 0.3;
/// Cache format version, part of the key so a change of the result type or of how a page
/// is read (v3: prose lines and figures re-read, unconfirmed figures capped) invalidates it.
const CACHE_VERSION: &str = "ocr-v3";

thread_local! {
    /// This thread's engines by language (the page language, and the figure language).
    static ENGINES: RefCell<Vec<(String, Engine)>> = const { RefCell::new(Vec::new()) };
    /// When the page being read must be done. Set where a page starts ([`read_page`])
    /// and consulted by every engine call of that page — orientation trials and figure
    /// re-reads included — so the page as a whole, not each call, has the time limit.
    static PAGE_DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Engine calls outside a page (none today) get this long each.
const CALL_LIMIT: Duration = Duration::from_secs(60);

/// The page deadline of this thread while it lives; the previous one is restored after.
struct PageDeadline(Option<Instant>);

impl PageDeadline {
    fn start(limit: Duration) -> PageDeadline {
        PageDeadline(PAGE_DEADLINE.replace(Some(Instant::now() + limit)))
    }
}

impl Drop for PageDeadline {
    fn drop(&mut self) {
        PAGE_DEADLINE.set(self.0);
    }
}

/// Reads one grey image (already red-suppressed) as a page: deskew, orientation, OCR,
/// with the cache of `hooks` consulted first.
pub fn read_page(grey: &GrayImage, dpi: f32, settings: &OcrSettings, hooks: &Hooks) -> Result<OcrResult, ReadError> {
    let key = cache_key(grey, dpi, settings);
    if let Some(cache) = hooks.ocr_cache {
        if let Some(bytes) = cache.get(&key) {
            if let Ok(result) = serde_json::from_slice::<OcrResult>(&bytes) {
                return Ok(result);
            }
        }
    }
    let result = read_page_uncached(grey, dpi, settings)?;
    if let Some(cache) = hooks.ocr_cache {
        if let Ok(bytes) = serde_json::to_vec(&result) {
            cache.put(&key, &bytes);
        }
    }
    Ok(result)
}

fn cache_key(grey: &GrayImage, dpi: f32, settings: &OcrSettings) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(grey.width().to_le_bytes());
    hasher.update(grey.height().to_le_bytes());
    hasher.update(grey.as_raw());
    let figures = settings.figure_language.as_deref().unwrap_or("");
    hasher.update(format!("|{CACHE_VERSION}|{}|{figures}|{}|{}", settings.language, settings.page_segmentation_mode, dpi.round()).as_bytes());
    hex::encode(hasher.finalize())
}

fn read_page_uncached(grey: &GrayImage, dpi: f32, settings: &OcrSettings) -> Result<OcrResult, ReadError> {
    let _span = tracing::debug_span!("ocr", w = grey.width(), h = grey.height()).entered();
    let _deadline = PageDeadline::start(Duration::from_secs(settings.page_timeout_seconds));
    let (straight, skew) = straighten(grey.clone());
    let first = recognise(&straight, dpi, settings)?;
    let first = OcrResult { skew, ..first };
    tracing::debug!(confidence = first.confidence, words = first.words.len(), skew, "upright reading");
    if first.confidence >= DOUBT_CONFIDENCE && first.words.len() >= 3 {
        return Ok(first);
    }
    // Doubtful: compare the four quarter turns on a half-size copy (cheap), and re-read
    // the full page only when another turn reads clearly better.
    let turns = best_quarter_turn(grey, dpi, settings)?;
    if turns == 0 {
        return Ok(first);
    }
    let turned = raster::quarter_turn(grey, turns);
    let (straight, skew) = straighten(turned);
    let second = recognise(&straight, dpi, settings)?;
    if score(&second) > score(&first) {
        Ok(OcrResult { quarter_turns: turns, skew, ..second })
    } else {
        Ok(first)
    }
}

/// The image the words of a reading refer to: `grey` turned and straightened the way
/// [`read_page`] read it (also when the reading came from the cache).
pub fn words_frame(grey: GrayImage, quarter_turns: u8, skew: f32) -> GrayImage {
    let turned = if quarter_turns == 0 { grey } else { raster::quarter_turn(&grey, quarter_turns) };
    if skew == 0.0 {
        turned
    } else {
        raster::deskew(&turned, skew)
    }
}

fn straighten(grey: GrayImage) -> (GrayImage, f32) {
    let skew = raster::estimate_skew(&grey);
    if skew.abs() < MIN_SKEW {
        (grey, 0.0)
    } else {
        (raster::deskew(&grey, skew), skew)
    }
}

/// How well a reading went: confidence weighted by how much was read (an upside-down
/// page yields few, unsure "words").
fn score(result: &OcrResult) -> f64 {
    let chars: usize = result.words.iter().map(|w| w.text.chars().filter(|c| c.is_alphanumeric()).count()).sum();
    result.confidence * (1.0 + chars as f64).ln()
}

/// The quarter turn (0..=3, clockwise) under which a half-size copy reads best.
fn best_quarter_turn(grey: &GrayImage, dpi: f32, settings: &OcrSettings) -> Result<u8, ReadError> {
    // The middle of the page at half size: enough lines to tell, a sixteenth of the work.
    let (w, h) = grey.dimensions();
    let middle = image::imageops::crop_imm(grey, w / 4, h / 4, (w / 2).max(1), (h / 2).max(1)).to_image();
    let small = image::imageops::thumbnail(&middle, (w / 4).max(1), (h / 4).max(1));
    let mut best = (0u8, f64::MIN);
    for turns in 0..4u8 {
        let turned = raster::quarter_turn(&small, turns);
        // Orientation trials only compare confidences: no figure re-reading.
        let result = recognise_with(&turned, dpi / 2.0, settings, false)?;
        let s = score(&result);
        tracing::debug!(turns, score = s, "orientation trial");
        // The upright reading wins ties: a turn must be clearly better.
        if s > best.1 * 1.15 || (turns == 0 && s > best.1) {
            best = (turns, s);
        }
    }
    Ok(best.0)
}

/// One Tesseract pass over a grey image, on this thread's engine, figures re-read.
pub fn recognise(grey: &GrayImage, dpi: f32, settings: &OcrSettings) -> Result<OcrResult, ReadError> {
    recognise_with(grey, dpi, settings, true)
}

fn recognise_with(grey: &GrayImage, dpi: f32, settings: &OcrSettings, reread: bool) -> Result<OcrResult, ReadError> {
    let (w, h) = grey.dimensions();
    if w < 8 || h < 8 {
        return Ok(OcrResult { text: String::new(), words: Vec::new(), confidence: 0.0, width: w, height: h, quarter_turns: 0, skew: 0.0 });
    }
    let tsv = run_engine(grey, dpi, &settings.language, SegMode::from_number(settings.page_segmentation_mode))?;
    let mut words = parse_tsv(&tsv);
    let figure_language = settings.figure_language.as_deref().filter(|l| reread && !l.is_empty());
    if let Some(language) = figure_language {
        reread_prose_lines(grey, dpi, &settings.language, language, &mut words)?;
    }
    let mut words = merge_split_figures(words);
    // The page's confidence is how well OCR read it: a figure marked as unconfirmed by
    // the figure language counts with what chi_sim said of it.
    let mut unconfirmed = Vec::new();
    if let Some(language) = figure_language {
        unconfirmed = reread_figures(grey, dpi, language, &mut words)?;
    }
    let confidence = if words.is_empty() {
        0.0
    } else {
        let capped: f64 = unconfirmed.iter().map(|(i, read)| read - words[*i].confidence).sum();
        (words.iter().map(|w| w.confidence).sum::<f64>() + capped) / words.len() as f64
    };
    Ok(OcrResult { text: words_to_text(&words), words, confidence, width: w, height: h, quarter_turns: 0, skew: 0.0 })
}

/// Runs Tesseract in `language` over a grey image and returns its TSV, within what is
/// left of the page's time.
fn run_engine(grey: &GrayImage, dpi: f32, language: &str, mode: SegMode) -> Result<String, ReadError> {
    let limit = match PAGE_DEADLINE.get() {
        Some(deadline) => deadline.saturating_duration_since(Instant::now()),
        None => CALL_LIMIT,
    };
    if limit.is_zero() {
        return Err(ReadError::TimedOut);
    }
    ENGINES.with(|cell| -> Result<String, ReadError> {
        let mut engines = cell.borrow_mut();
        let mut engine = match engines.iter().position(|(l, _)| l == language) {
            Some(i) => engines.swap_remove(i).1,
            None => Engine::new(language).map_err(|e| ReadError::Engine(e.to_string()))?,
        };
        let tsv = engine.recognise(grey, dpi.round().max(70.0) as i32, mode, limit).and_then(|()| engine.tsv());
        // An engine that timed out or failed is dropped: the next call loads a fresh one
        // rather than trusting whatever state the failure left.
        match tsv {
            Ok(tsv) => {
                engines.push((language.to_string(), engine));
                Ok(tsv)
            }
            Err(EngineError::DeadlineExceeded(_)) => Err(ReadError::TimedOut),
            Err(e) => Err(ReadError::Engine(e.to_string())),
        }
    })
}

/// A figure as a table cell holds it: digits with separators, an optional percent sign.
fn is_clean_figure(text: &str) -> bool {
    let t: String = text.nfkc().collect();
    let body = t.strip_suffix('%').unwrap_or(&t);
    !body.is_empty()
        && body.chars().next().is_some_and(|c| c.is_ascii_digit())
        && body.chars().last().is_some_and(|c| c.is_ascii_digit())
        && body.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && body.matches('.').count() <= 1
}

/// A word that is a figure or a garbled one: it has digits and no Han character.
/// chi_sim misreads the serif "%" of table cells in many ways ("85o", "720%6", "87.080",
/// "64.000"), some of which look like clean numbers, so every such word is read again.
fn doubtful_figure(text: &str) -> bool {
    let t: String = text.nfkc().collect();
    // "1." "2." number a list, they are not figures.
    let list_marker = t.strip_suffix('.').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    // Single digits are list numbers and footnotes more often than figures.
    !list_marker && t.chars().filter(|c| c.is_ascii_digit()).count() >= 2 && !t.chars().any(is_cjk)
}

/// Joins the pieces of a figure chi_sim split into words ("96" ".2" for "96.2%"): two
/// neighbours on one line, neither with a Han character, one with a digit, closer than
/// half their height.
fn merge_split_figures(words: Vec<Word>) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::with_capacity(words.len());
    for word in words {
        if let Some(prev) = out.last_mut() {
            let [px, py, pw, ph] = prev.bbox;
            let [x, y, w, h] = word.bbox;
            let figure_like = |t: &str| !t.chars().any(is_cjk);
            let gap = x as i64 - (px + pw) as i64;
            let height = ph.max(h) as i64;
            if prev.line == word.line
                && figure_like(&prev.text)
                && figure_like(&word.text)
                && (prev.text.chars().any(|c| c.is_ascii_digit()) || word.text.chars().any(|c| c.is_ascii_digit()))
                && gap >= -2
                && gap * 2 < height
            {
                let left = px.min(x);
                let top = py.min(y);
                let right = (px + pw).max(x + w);
                let bottom = (py + ph).max(y + h);
                prev.text.push_str(&word.text);
                prev.bbox = [left, top, right - left, bottom - top];
                prev.confidence = prev.confidence.min(word.confidence);
                continue;
            }
        }
        out.push(word);
    }
    out
}

/// Re-reads figures with the figure language (eng), one line each, keeping the new
/// reading only when it is a clean figure. Measured on a stamped form scan: chi_sim
/// read "85%" as "85o" and "72%" as "720%6"; eng on the word's box read both right.
///
/// Returns the figures it marked unconfirmed (confidence capped at [`DISPUTED`]), each
/// with the confidence chi_sim gave it.
fn reread_figures(grey: &GrayImage, dpi: f32, language: &str, words: &mut [Word]) -> Result<Vec<(usize, f64)>, ReadError> {
    let (w, h) = grey.dimensions();
    let mut unconfirmed = Vec::new();
    for i in 0..words.len() {
        let unsure = words[i].confidence < UNSURE_WORD;
        let single_digit_unsure = unsure && words[i].text.chars().filter(|c| c.is_ascii_digit()).count() == 1 && !words[i].text.chars().any(is_cjk);
        if !doubtful_figure(&words[i].text) && !single_digit_unsure {
            continue;
        }
        let [x, y, bw, bh] = words[i].bbox;
        let pad_y = (bh / 3).max(4);
        let top = y.saturating_sub(pad_y);
        let bottom = (y + bh + pad_y).min(h);
        // First the word's own box (a little margin); only when that does not read as a
        // figure, up to a character's width either side (chi_sim's box sometimes cuts a
        // digit off), never into the neighbouring word of the line. Widening first was
        // measured worse: eng read the "年" after "2022" as a "4".
        let margin = (bh / 6).max(2);
        let tight = (x.saturating_sub(margin), (x + bw + margin).min(w));
        let pad_x = bh.max(6);
        let mut left = x.saturating_sub(pad_x);
        let mut right = (x + bw + pad_x).min(w);
        for other in words.iter().filter(|o| o.line == words[i].line) {
            let [ox, _, ow, _] = other.bbox;
            if ox + ow <= x && ox + ow > left {
                left = ox + ow;
            }
            if ox >= x + bw && ox < right {
                right = ox;
            }
        }
        let mut found = None;
        let mut disputed = false;
        // eng read chi_sim's very digits: two readers agree.
        let mut witnessed = false;
        for (wide, (l, r)) in [(false, tight), (true, (left, right))] {
            if r <= l + 8 || bottom <= top + 8 {
                continue;
            }
            let crop = image::imageops::crop_imm(grey, l, top, r - l, bottom - top).to_image();
            let reread = parse_tsv(&run_engine(&crop, dpi, language, SegMode::SINGLE_LINE)?);
            let text: String = reread.iter().map(|w| w.text.as_str()).collect::<String>();
            let text = text.trim_matches(|c: char| matches!(c, '|' | '[' | ']' | '(' | ')' | '_' | '-' | '—' | '\'' | '"' | ':' | ';'));
            let digits = |s: &str| s.chars().filter(|c| c.is_ascii_digit()).collect::<String>();
            let (old_digits, new_digits) = (digits(&words[i].text), digits(text));
            // The same digits count: a misread "%" or "." corrected. One digit more, in
            // front, from the widened box: a digit chi_sim's box cut off ("48" → "548").
            // A digit more at the end is a Han neighbour read as a digit ("2024年" →
            // "20244", "18日" → "188"), and a digit from the tight box is a cut glyph.
            // Other digits of the same count only replace a reading chi_sim doubted: on a
            // confident one eng is no better a witness ("85.1" read "35.1" by eng), and the
            // figure is marked disputed instead.
            let same = new_digits == old_digits || (unsure && new_digits.len() == old_digits.len());
            if !same && new_digits.len() == old_digits.len() && is_clean_figure(text) {
                disputed = true;
            }
            witnessed |= new_digits == old_digits;
            // A "%" chi_sim read as one or two digits ("94.19", "87.080"): the eng reading
            // ends in "%" and its digits begin the old ones.
            let percent = text.ends_with('%') && old_digits.starts_with(&new_digits) && old_digits.len() <= new_digits.len() + 2;
            let leading = wide && new_digits.len() == old_digits.len() + 1 && new_digits.ends_with(&old_digits);
            // A tight reading that only repeats chi_sim's may still miss what the box cut
            // off ("87.0" for "87.0%"): then the widened box decides.
            if !wide && text == words[i].text {
                continue;
            }
            // A word chi_sim itself doubted ("6" at 0% for "64%"): eng's clean reading wins.
            // Not when eng read fewer digits than chi_sim's figure has (the glyphs glued
            // behind its "%" aside): the box cut some off ("95.3%6" read "5.3%",
            // "64.1%0;" read "1.1%").
            let figure_digits = figure_runs(&words[i].text).first().map(|r| digits(r)).unwrap_or_default();
            let replaces_guess = unsure && new_digits.len() >= figure_digits.len().max(2) && new_digits.len() <= old_digits.len() + 2;
            if !reread.is_empty() && is_clean_figure(text) && (same || leading || percent || replaces_guess) {
                found = Some((text.to_string(), mean_confidence(&reread)));
                break;
            }
        }
        let word = &mut words[i];
        if let Some((text, confidence)) = found.filter(|(t, _)| *t != word.text) {
            // A re-read word may be an ID or phone number of a scanned roster: never in full.
            tracing::debug!(from = %mask::identifier(&word.text), to = %mask::identifier(&text), "figure re-read");
            word.confidence = confidence;
            word.text = text;
        } else if disputed || !witnessed {
            // A figure only chi_sim read this way is one witness: however sure it says it
            // is, a digit of it may be wrong ("85.1" and eng's "35.1": one of them is).
            tracing::debug!(figure = %word.text, disputed, "figure not confirmed by the figure language");
            unconfirmed.push((i, word.confidence));
            word.confidence = word.confidence.min(DISPUTED);
        }
    }
    Ok(unconfirmed)
}

/// The figures of a text in reading order: digit runs with their decimal point and "%"
/// ("2022", "93.4%"). A "." or "%" with no digit before it is punctuation, and digits
/// glued behind a "%" are chi_sim's reading of the serif "%" itself ("93.4%6").
fn figure_runs(text: &str) -> Vec<String> {
    let t: String = text.nfkc().collect();
    let mut runs = Vec::new();
    let mut current = String::new();
    let mut after_percent = false;
    for c in t.chars() {
        if after_percent && c.is_ascii_digit() {
            continue;
        }
        // A stray quote inside a figure is a speck read as a glyph ("84.1\"%").
        if !current.is_empty() && matches!(c, '"' | '\'' | '‘' | '’' | '“' | '”') {
            continue;
        }
        after_percent = false;
        if c.is_ascii_digit() || (!current.is_empty() && (c == '.' || c == '%')) {
            current.push(c);
            if c == '%' {
                after_percent = true;
                runs.push(std::mem::take(&mut current));
            }
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs.into_iter().map(|r| r.trim_end_matches('.').to_string()).filter(|r| r.chars().any(|c| c.is_ascii_digit())).collect()
}

/// How well a line's figures agree with a second reading of it in the figure language:
/// the digits of the figures found in `witness`, less those not found. eng garbles Han
/// text but reads the figures within it ("率95.3%;" as "RGR495.3%:").
fn witnessed(runs: &[String], witness: &str) -> i64 {
    runs.iter()
        .map(|run| {
            let body = run.trim_end_matches('%');
            let digits = body.chars().filter(|c| c.is_ascii_digit()).count() as i64;
            if witness.contains(body) { digits } else { -digits }
        })
        .sum()
}

/// A line of prose that states figures: a word with digits has a Han character, or a
/// Han word close beside it (closer than the word's height; table cells are farther).
fn prose_with_figures(line: &[&Word]) -> bool {
    line.iter().enumerate().any(|(i, word)| {
        if !word.text.chars().any(|c| c.is_ascii_digit()) {
            return false;
        }
        if word.text.chars().any(is_cjk) {
            return true;
        }
        let [x, _, w, h] = word.bbox;
        let near = |other: &Word| {
            let [ox, _, ow, _] = other.bbox;
            let gap = if ox >= x + w { ox - (x + w) } else { x.saturating_sub(ox + ow) };
            other.text.chars().any(is_cjk) && gap < h
        };
        (i > 0 && near(line[i - 1])) || line.get(i + 1).is_some_and(|next| near(next))
    })
}

/// Re-reads lines of prose that state figures, each as one line (PSM 7) in the page
/// language, and takes that reading when it keeps the line's Han text and every figure
/// it changes is confirmed by the figure language reading the same line. Measured on
/// scanned recommendation reports: the page reading (PSM 3) of "培训后就业率95.3%" lost the
/// "9" ("5.3%") and read "64.1%" as "1.1%"; the same line on its own read both right, and
/// eng on the line, garbling the Han, still read "95.3%". A figure inside Han text is no
/// word of its own, so [`reread_figures`] never sees it.
fn reread_prose_lines(grey: &GrayImage, dpi: f32, language: &str, figure_language: &str, words: &mut Vec<Word>) -> Result<(), ReadError> {
    let (w, h) = grey.dimensions();
    let lines: Vec<u32> = {
        let mut l: Vec<u32> = words.iter().map(|w| w.line).collect();
        l.dedup();
        l
    };
    let mut replacements: Vec<(u32, Vec<Word>)> = Vec::new();
    for line in lines {
        let on_line: Vec<&Word> = words.iter().filter(|w| w.line == line).collect();
        // Only where chi_sim doubted a word with digits: a line read surely is not worth
        // a second Tesseract pass (it costs a quarter of the page's time when every
        // prose line with figures is read again).
        let doubted = on_line.iter().any(|w| w.confidence < LINE_DOUBT && w.text.chars().any(|c| c.is_ascii_digit()));
        if !doubted || !prose_with_figures(&on_line) {
            continue;
        }
        let left = on_line.iter().map(|w| w.bbox[0]).min().unwrap_or(0);
        let right = on_line.iter().map(|w| w.bbox[0] + w.bbox[2]).max().unwrap_or(0);
        // The line's height from its median word: one tall box (a word spanning two
        // lines) must not pull in the neighbouring lines.
        let mut heights: Vec<u32> = on_line.iter().map(|w| w.bbox[3]).collect();
        heights.sort_unstable();
        let height = heights[heights.len() / 2].max(8);
        let mut centres: Vec<u32> = on_line.iter().map(|w| w.bbox[1] + w.bbox[3] / 2).collect();
        centres.sort_unstable();
        let centre = centres[centres.len() / 2];
        let pad_x = height / 2;
        let (x0, x1) = (left.saturating_sub(pad_x), (right + pad_x).min(w));
        let (y0, y1) = (centre.saturating_sub(height * 7 / 10), (centre + height * 7 / 10).min(h));
        if x1 <= x0 + 8 || y1 <= y0 + 8 {
            continue;
        }
        let crop = image::imageops::crop_imm(grey, x0, y0, x1 - x0, y1 - y0).to_image();
        let again = parse_tsv(&run_engine(&crop, dpi, language, SegMode::SINGLE_LINE)?);
        let old_text = on_line.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ");
        let new_text = again.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ");
        let (old_runs, new_runs) = (figure_runs(&old_text), figure_runs(&new_text));
        tracing::debug!(line, ?old_runs, ?new_runs, "line re-read: figures");
        if old_runs == new_runs || new_runs.is_empty() {
            continue;
        }
        let han = |t: &str| t.chars().filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c)).collect::<String>();
        if crate::checks::common::similarity(&han(&old_text), &han(&new_text)) < SAME_LINE_HAN {
            tracing::debug!(line, "line re-read: the Han text differs, page reading kept");
            continue;
        }
        let eng = parse_tsv(&run_engine(&crop, dpi, figure_language, SegMode::SINGLE_LINE)?);
        let witness: String = eng.iter().flat_map(|w| w.text.nfkc()).collect();
        // The two readings disagree: the one whose figures eng also reads wins, and a
        // tie keeps the page reading.
        let (old_score, new_score) = (witnessed(&old_runs, &witness), witnessed(&new_runs, &witness));
        if new_score <= old_score {
            tracing::debug!(line, old_score, new_score, "line re-read: no better witnessed, page reading kept");
            continue;
        }
        tracing::debug!(line, from = %old_text, to = %new_text, "prose line re-read");
        let moved = again
            .into_iter()
            .map(|word| {
                let [bx, by, bw, bh] = word.bbox;
                Word { bbox: [bx + x0, by + y0, bw, bh], line, ..word }
            })
            .collect();
        replacements.push((line, moved));
    }
    for (line, new_words) in replacements {
        let Some(start) = words.iter().position(|w| w.line == line) else { continue };
        words.retain(|w| w.line != line);
        let at = start.min(words.len());
        words.splice(at..at, new_words);
    }
    Ok(())
}

/// Words of Tesseract's TSV output (level 5 rows with text), with confidence scaled to
/// [0, 1] and block/paragraph/line folded into one running line index.
pub fn parse_tsv(tsv: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut last_line_key: Option<(u32, u32, u32, u32)> = None;
    let mut line_index = 0u32;
    for row in tsv.lines() {
        let cols: Vec<&str> = row.split('\t').collect();
        if cols.len() < 12 || cols[0] != "5" {
            continue;
        }
        let num = |i: usize| cols[i].trim().parse::<i64>().ok();
        let (Some(page), Some(block), Some(par), Some(line)) = (num(1), num(2), num(3), num(4)) else { continue };
        let (Some(left), Some(top), Some(width), Some(height)) = (num(6), num(7), num(8), num(9)) else { continue };
        let Ok(conf) = cols[10].trim().parse::<f64>() else { continue };
        let text = cols[11..].join("\t").trim().to_string();
        if text.is_empty() || conf < 0.0 {
            continue;
        }
        let key = (page as u32, block as u32, par as u32, line as u32);
        if let Some(last) = last_line_key {
            if last != key {
                line_index += 1;
            }
        }
        last_line_key = Some(key);
        let clamp = |v: i64| v.clamp(0, u32::MAX as i64) as u32;
        words.push(Word {
            text,
            bbox: [clamp(left), clamp(top), clamp(width), clamp(height)],
            // Four decimals: more is noise, and it keeps JSON output short.
            confidence: ((conf / 100.0).clamp(0.0, 1.0) * 10_000.0).round() / 10_000.0,
            line: line_index,
        });
    }
    words
}

/// Mean word confidence, 0 for no words.
pub fn mean_confidence(words: &[Word]) -> f64 {
    if words.is_empty() {
        0.0
    } else {
        words.iter().map(|w| w.confidence).sum::<f64>() / words.len() as f64
    }
}

/// The text of words, one line per line index; a space between words unless both sides
/// are Han characters (Tesseract splits Chinese into "words" arbitrarily).
pub fn words_to_text(words: &[Word]) -> String {
    let mut text = String::new();
    let mut current_line: Option<u32> = None;
    for word in words {
        match current_line {
            Some(line) if line == word.line => {
                let prev = text.chars().last();
                let next = word.text.chars().next();
                if !(prev.is_some_and(is_cjk) && next.is_some_and(is_cjk)) {
                    text.push(' ');
                }
            }
            Some(_) => text.push('\n'),
            None => {}
        }
        text.push_str(&word.text);
        current_line = Some(word.line);
    }
    text
}

/// A CJK ideograph or CJK punctuation / full-width form.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Captured from `tesseract page.png - -l chi_sim --psm 3 tsv` on a notice page.
    const TSV: &str = include_str!("../../fixtures/extract/notice_page.tsv");

    #[test]
    fn tsv_words_boxes_and_lines() {
        let words = parse_tsv(TSV);
        assert!(words.len() > 20, "{} words", words.len());
        assert!(words.iter().all(|w| (0.0..=1.0).contains(&w.confidence)));
        assert!(words.iter().all(|w| w.bbox[2] > 0 && w.bbox[3] > 0));
        let lines = words.iter().map(|w| w.line).max().unwrap_or(0);
        assert!(lines >= 3, "lines {lines}");
        let text = words_to_text(&words);
        assert!(text.contains('\n'));
    }

    #[test]
    fn tsv_rows_without_text_and_headers_are_skipped() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t10\t20\t30\t40\t96.5\t培训\n\
                   5\t1\t1\t1\t1\t2\t45\t20\t30\t40\t90\t人数\n\
                   5\t1\t1\t1\t2\t1\t10\t70\t30\t40\t80\t2150\n\
                   5\t1\t1\t1\t2\t2\t45\t70\t30\t40\t95\t   \n";
        let words = parse_tsv(tsv);
        assert_eq!(words.len(), 3);
        assert_eq!(words[0].bbox, [10, 20, 30, 40]);
        assert!((words[0].confidence - 0.965).abs() < 1e-9);
        assert_eq!(words[0].confidence.to_string(), "0.965");
        assert_eq!(words_to_text(&words), "培训人数\n2150");
        assert!((mean_confidence(&words) - (0.965 + 0.9 + 0.8) / 3.0).abs() < 1e-9);
    }

    #[test]
    fn garbled_figures_are_doubted_clean_ones_not() {
        for figure in ["85o", "720%6", "859%", "70o%", "87.080", "1560"] {
            assert!(doubtful_figure(figure), "{figure}");
        }
        for other in ["培训2150人", "年份", "1.", "12.", "2)"] {
            assert!(!doubtful_figure(other), "{other}");
        }
        assert!(is_clean_figure("85%") && is_clean_figure("91.2%") && is_clean_figure("2,150"));
        assert!(!is_clean_figure("85o") && !is_clean_figure("%") && !is_clean_figure("1.2.3"));
    }

    #[test]
    fn figure_runs_of_prose() {
        assert_eq!(figure_runs("格率93.4%6，培训后就业率95.3%; 2023年培训1544人，合格率94."), ["93.4%", "95.3%", "2023", "1544", "94"]);
        assert_eq!(figure_runs("率84.1\"%0，就业率 64.1% 2023"), ["84.1%", "64.1%", "2023"]);
        assert!(figure_runs("品牌。%，.").is_empty());
    }

    #[test]
    fn the_reading_eng_witnesses_wins() {
        // Corpus clean-03, line "…就业率95.3%…": page reading, line reading, eng's reading.
        let witness = "£893.40,BGR495.3%:2O2Z3ZtEHFUIS44A";
        let page = figure_runs("格率93.4%6，培训后就业率5.3% 2023年培训1544人");
        let line = figure_runs("格率93.4%0，培训后就业率95.3%6;2023年培训1544人");
        assert!(witnessed(&line, witness) > witnessed(&page, witness));
        assert_eq!(witnessed(&["2023".to_string()], witness), -4);
    }

    #[test]
    fn prose_lines_are_told_from_table_rows() {
        let w = |t: &str, x: u32, width: u32| Word { text: t.into(), bbox: [x, 10, width, 30], confidence: 0.9, line: 1 };
        let prose = [w("就业率", 100, 90), w("95.3%", 195, 80)];
        assert!(prose_with_figures(&prose.iter().collect::<Vec<_>>()));
        let table = [w("培训人数", 100, 120), w("2150", 500, 60), w("2236", 900, 60)];
        assert!(!prose_with_figures(&table.iter().collect::<Vec<_>>()));
        let mixed = [w("2022年培训2158人", 100, 300)];
        assert!(prose_with_figures(&mixed.iter().collect::<Vec<_>>()));
    }

    #[test]
    fn split_figure_pieces_are_joined() {
        let w = |t: &str, x: u32, width: u32, line: u32| Word { text: t.into(), bbox: [x, 10, width, 20], confidence: 0.9, line };
        let merged = merge_split_figures(vec![w("96", 100, 30, 1), w(".2", 139, 40, 1), w("培训", 300, 40, 1), w("7", 400, 10, 2)]);
        let texts: Vec<&str> = merged.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, vec!["96.2", "培训", "7"]);
        assert_eq!(merged[0].bbox, [100, 10, 79, 20]);
    }

    #[test]
    fn garbage_tsv_yields_nothing() {
        assert!(parse_tsv("5\tx\n\n\t\t\t").is_empty());
        assert!(parse_tsv("5\t1\t1\t1\t1\t1\t-5\t0\t1\t1\tnan?\tx").is_empty());
    }
}

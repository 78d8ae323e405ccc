//! Reading a seal: OCR of the unwrapped ring strip (chi_sim, one text line) and the
//! OCR-noise tolerant comparison of what was read with the body that must have stamped.
//!
//! [`ocr_line`] keeps its own single-line chi_sim engine per thread (initialising chi_sim
//! costs far more than reading a strip; the page engines of `extract/ocr.rs` run in page
//! segmentation mode).

use std::cell::RefCell;

use std::time::Duration;

use image::GrayImage;

use crate::extract::tesseract::{Engine, SegMode};

/// Why a strip could not be read. Never the dossier's fault: the seal stays, unread.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    #[error("Tesseract (chi_sim) could not start: {0}")]
    Init(String),
    #[error("Tesseract refused the strip: {0}")]
    Image(String),
    #[error("Tesseract failed to recognise: {0}")]
    Recognise(String),
}

thread_local! {
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
}

/// A strip is one short line: a reading that takes longer is stuck, not slow.
const STRIP_LIMIT: Duration = Duration::from_secs(10);

/// White margin around a strip (Tesseract misses letters touching the border).
const PAD: u32 = 16;

/// What Tesseract read on a strip, with its mean word confidence in [0, 1].
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    pub confidence: f64,
}

/// Reads one line of Chinese from a strip (ink dark on white).
pub fn ocr_line(strip: &GrayImage) -> Result<Line, OcrError> {
    let (w, h) = strip.dimensions();
    let (pw, ph) = (w + 2 * PAD, h + 2 * PAD);
    let mut frame = vec![255u8; (pw * ph) as usize];
    for (x, y, p) in strip.enumerate_pixels() {
        frame[((y + PAD) * pw + x + PAD) as usize] = p.0[0];
    }
    let frame = GrayImage::from_raw(pw, ph, frame).ok_or_else(|| OcrError::Image("strip size".into()))?;
    ENGINE.with(|slot| {
        let mut slot = slot.borrow_mut();
        let mut engine = match slot.take() {
            Some(engine) => engine,
            None => Engine::new("chi_sim").map_err(|e| OcrError::Init(e.to_string()))?,
        };
        engine.recognise(&frame, 300, SegMode::SINGLE_LINE, STRIP_LIMIT).map_err(|e| OcrError::Recognise(e.to_string()))?;
        let text = engine.text().map_err(|e| OcrError::Recognise(e.to_string()))?;
        let confidence = (engine.mean_confidence() as f64 / 100.0).clamp(0.0, 1.0);
        *slot = Some(engine);
        Ok(Line { text, confidence })
    })
}

/// The Chinese letters of an OCR result (a seal's name has no Latin, digits or spaces;
/// Tesseract's stray marks around the star and the ring go).
pub fn cjk_only(text: &str) -> String {
    text.chars().filter(|c| is_cjk(*c)).collect()
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF)
}

/// How well `expected` appears in `read`, in [0, 1]: one minus the edit distance of
/// `expected` to its best-matching stretch of `read`, over the length of `expected`.
/// Extra letters before or after (a serial number, the star read as a letter) cost
/// nothing; a misread letter costs one.
pub fn issuer_score(read: &str, expected: &str) -> f64 {
    let e: Vec<char> = cjk_only(expected).chars().collect();
    let r: Vec<char> = cjk_only(read).chars().collect();
    if e.is_empty() {
        return 0.0;
    }
    // Semi-global alignment: a free start and end in `read`.
    let mut prev: Vec<usize> = vec![0; r.len() + 1];
    let mut cur = vec![0usize; r.len() + 1];
    for (i, ec) in e.iter().enumerate() {
        cur[0] = i + 1;
        for j in 0..r.len() {
            let sub = prev[j] + usize::from(*ec != r[j]);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let best = prev.iter().copied().min().unwrap_or(e.len());
    1.0 - best as f64 / e.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_name_inside_noise_scores_one() {
        assert_eq!(issuer_score("口沈阳市人力资源和社会保障局丨", "沈阳市人力资源和社会保障局"), 1.0);
    }

    #[test]
    fn two_misread_letters_still_match_well() {
        let s = issuer_score("沈阳市入力资源和社会保獐局", "沈阳市人力资源和社会保障局");
        assert!(s > 0.8 && s < 1.0, "{s}");
    }

    #[test]
    fn another_city_scores_lower_than_the_right_one() {
        let read = "大连市人力资源和社会保障局";
        assert!(issuer_score(read, "大连市人力资源和社会保障局") > issuer_score(read, "沈阳市人力资源和社会保障局"));
        assert!(issuer_score("大连阳光家政服务职业培训学校", "沈阳市人力资源和社会保障局") < 0.4);
    }

    #[test]
    fn empty_reading_scores_zero() {
        assert_eq!(issuer_score("", "沈阳市人力资源和社会保障局"), 0.0);
    }
}

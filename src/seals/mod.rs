//! Official seals (公章): detection on page images, reading the ring text, and finding
//! copy-pasted impressions. Extraction calls [`detect`] on every page image while it has
//! the colour pixels; [`whose::attribute`] then judges whose seal each is, and the checks
//! (`checks/stamps.rs`) turn the verdicts and the copies into findings.
//!
//! The stages, one submodule each: [`detect`] finds red rings that are seals (and not
//! red titles, logos, table rules or check marks); [`unwrap`] turns the ring's text band
//! into a straight strip; [`read`] OCRs the strip and scores it against the expected
//! body; [`letters`] compares its letters by shape with the names that could have
//! stamped; [`whose`] decides, once the whole dossier is extracted, whose seal each
//! impression is (shapes first, the ring's OCR only when they leave it open);
//! [`copies`] normalises impressions and tells a pasted copy from a re-inking.

pub mod copies;
pub mod detect;
pub mod letters;
pub mod read;
pub mod unwrap;
pub mod whose;

use serde::Serialize;

use detect::Found;
use unwrap::Direction;

/// One seal impression found on a page.
#[derive(Debug, Clone, Serialize)]
pub struct Seal {
    /// 1-based page of the document.
    pub page: u32,
    /// x, y, width, height in pixels of the page image.
    pub bbox: [u32; 4],
    /// Detection confidence in [0, 1].
    pub confidence: f64,
    /// Text of the ring, if known: the name its letters were recognised as by shape, or
    /// else what the ring's OCR read ([`whose`] decides which; `read_by` says).
    pub text: Option<String>,
    /// How `text` was read; none when the ring was not read.
    pub read_by: Option<ReadBy>,
    /// Tesseract's confidence in its reading, in [0, 1] (0 when the ring was not OCRed).
    pub text_confidence: f64,
    /// Every OCR reading of the ring (strip variants), best first: matching against the
    /// expected body takes the best of them. One, today (see [`Seal::read_ring`]); none
    /// until the ring is OCRed.
    pub readings: Vec<String>,
    /// The verdict of [`whose`] for each body that may have stamped the seal's
    /// document (empty on documents that need no seal).
    #[serde(skip)]
    pub verdicts: Vec<(String, read::Identified)>,
    /// Whether this is the seal its document must carry, as [`whose`] judged it; none on
    /// documents that need no seal, or when no body that must stamp is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer_check: Option<IssuerCheck>,
    /// The fitted ring, for OCRing it later from `crop_png` (none on seals made by hand
    /// in tests, whose readings are given).
    #[serde(skip)]
    pub ring: Option<Found>,
    /// The upper arc unwrapped by [`unwrap::shape_strip`] (ink dark on white), for
    /// comparing its letters with the bodies that could have stamped (`letters`), which
    /// are known once the whole dossier is extracted ([`whose`]).
    #[serde(skip)]
    pub strip: Option<image::GrayImage>,
    /// PNG crop of the impression, for the HTML report.
    #[serde(skip)]
    pub crop_png: Vec<u8>,
    /// Normalised impression (centred, scaled, rotation-searched) for copy detection.
    #[serde(skip)]
    pub signature: Vec<u8>,
    /// Centre of the fitted ring, page-image pixels.
    pub centre: [f64; 2],
    /// Horizontal and vertical semi-axes of the fitted ring (equal for a round seal).
    pub radii: [f64; 2],
}

/// Whether a seal is the one its document must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IssuerCheck {
    /// Recognised as the seal of a body that must stamp the document.
    Confirmed,
    /// Another body's seal (`STAMP_ISSUER_MISMATCH`).
    OtherBody,
    /// Judged, but too worn, faded or covered to tell whose: the crop is for a reviewer's
    /// eyes (`STAMP_ISSUER_UNCONFIRMED`).
    Unconfirmed,
}

impl IssuerCheck {
    pub fn as_str(self) -> &'static str {
        match self {
            IssuerCheck::Confirmed => "confirmed",
            IssuerCheck::OtherBody => "other_body",
            IssuerCheck::Unconfirmed => "unconfirmed",
        }
    }
}

/// How a seal's `text` was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadBy {
    /// Its letters compared by shape with the names of the bodies that may have stamped
    /// (closed set: the name that fits clearly better than every other candidate's).
    LetterShapes,
    /// Tesseract (chi_sim) on the unwrapped ring.
    Ocr,
}

impl ReadBy {
    pub fn as_str(self) -> &'static str {
        match self {
            ReadBy::LetterShapes => "letter_shapes",
            ReadBy::Ocr => "ocr",
        }
    }
}

/// Finds seals on one page image and keeps of each a crop, a signature for copies and
/// the strip its letters are compared on. The ring is not OCRed here: [`whose`] reads
/// it only where it is needed (the OCR is most of a seal's cost, and identified 1 of 258
/// measured seals that the shapes could not).
pub fn detect(page: u32, image: &image::RgbImage) -> Vec<Seal> {
    let _span = tracing::debug_span!("seals", page).entered();
    detect::find(image, &detect::Params::default())
        .into_iter()
        .map(|found| Seal {
            page,
            bbox: found.bbox,
            confidence: found.confidence,
            text: None,
            read_by: None,
            text_confidence: 0.0,
            readings: Vec::new(),
            verdicts: Vec::new(),
            issuer_check: None,
            strip: Some(unwrap::shape_strip(image, &found)),
            crop_png: crop_png(image, found.bbox),
            signature: copies::signature(image, &found),
            centre: [found.cx, found.cy],
            radii: [found.rx, found.ry],
            ring: Some(found),
        })
        .collect()
}

impl Seal {
    /// OCRs the ring from the seal's crop (decoded again: only the few seals whose shapes
    /// leave them open come here) and keeps the readings; `text` becomes the best one.
    /// A seal without a ring or a crop keeps what it has.
    pub fn read_ring(&mut self) {
        let Some(ring) = &self.ring else { return };
        let crop = match image::load_from_memory_with_format(&self.crop_png, image::ImageFormat::Png) {
            Ok(crop) => crop.to_rgb8(),
            Err(error) => {
                tracing::warn!(%error, "seal crop not decoded; ring not read");
                return;
            }
        };
        // The ring in the crop's pixels.
        let (dx, dy) = (f64::from(ring.bbox[0]), f64::from(ring.bbox[1]));
        let in_crop = Found { cx: ring.cx - dx, cy: ring.cy - dy, bbox: [0, 0, ring.bbox[2], ring.bbox[3]], ..ring.clone() };
        let readings = read_text(&crop, &in_crop);
        self.text = readings.first().map(|l| l.text.clone());
        self.read_by = self.text.as_ref().map(|_| ReadBy::Ocr);
        self.text_confidence = readings.first().map_or(0.0, |l| l.confidence);
        self.readings = readings.into_iter().map(|l| l.text).collect();
    }
}

/// Letters a reading needs before it is believed (fewer: the next strip variant is tried).
const MIN_LETTERS: usize = 4;

/// The ring text of a seal: the upper arc clockwise at the first contrast, and only if
/// that reads next to nothing the next contrast, then the lower arc. One Tesseract call
/// for most seals: a second reading of the same arc at another contrast added one
/// identification in 140 seals of fixtures/seals and the seed-11 set (closed-set
/// identification looks at the few letters that tell bodies apart, which a second
/// reading rarely adds) and cost as much as the first. Empty when nothing reads (or
/// the OCR engine is unavailable: logged, the seal itself still counts).
fn read_text(image: &image::RgbImage, found: &Found) -> Vec<read::Line> {
    for direction in [Direction::Clockwise, Direction::CounterClockwise] {
        for contrast in unwrap::CONTRASTS {
            let strip = unwrap::strip(image, found, direction, contrast);
            match read::ocr_line(&strip) {
                Ok(line) => {
                    let text = read::cjk_only(&line.text);
                    if text.chars().count() >= MIN_LETTERS {
                        return vec![read::Line { text, confidence: line.confidence }];
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "seal text not read");
                    return Vec::new();
                }
            }
        }
    }
    Vec::new()
}

/// The seal's box of the page as PNG bytes (for the HTML report's crop).
fn crop_png(image: &image::RgbImage, bbox: [u32; 4]) -> Vec<u8> {
    let (w, h) = image.dimensions();
    let x = bbox[0].min(w.saturating_sub(1));
    let y = bbox[1].min(h.saturating_sub(1));
    let cw = bbox[2].min(w - x).max(1);
    let ch = bbox[3].min(h - y).max(1);
    let crop = image::imageops::crop_imm(image, x, y, cw, ch).to_image();
    // Fast compression: the crop is shown once in a report; encoding time counts per page.
    let mut out = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new_with_quality(&mut out, image::codecs::png::CompressionType::Fast, image::codecs::png::FilterType::Sub);
    match image::ImageEncoder::write_image(encoder, crop.as_raw(), crop.width(), crop.height(), image::ExtendedColorType::Rgb8) {
        Ok(()) => out,
        Err(error) => {
            tracing::warn!(%error, "seal crop not encoded");
            Vec::new()
        }
    }
}

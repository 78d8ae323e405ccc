//! Official seals (公章): detection on page images, reading the ring text, and finding
//! copy-pasted impressions. Extraction calls [`detect`] on every page image while it has
//! the colour pixels; checks compare the [`Seal`]s it returns.

use serde::Serialize;

/// One seal impression found on a page.
#[derive(Debug, Clone, Serialize)]
pub struct Seal {
    /// 1-based page of the document.
    pub page: u32,
    /// x, y, width, height in pixels of the page image.
    pub bbox: [u32; 4],
    /// Detection confidence in [0, 1].
    pub confidence: f64,
    /// Text read along the ring, if any.
    pub text: Option<String>,
    /// PNG crop of the impression, for the HTML report.
    #[serde(skip)]
    pub crop_png: Vec<u8>,
    /// Normalised impression (centred, scaled, rotation-searched) for copy detection.
    #[serde(skip)]
    pub signature: Vec<u8>,
}

/// Finds seals on one page image. (Being built: see issue 6.)
pub fn detect(_page: u32, _image: &image::RgbImage) -> Vec<Seal> {
    Vec::new()
}

//! Unwrapping a seal's text band into a straight strip: a polar transform around the
//! fitted centre (along the ring's normals for ovals), so the curved lettering becomes one line
//! that an ordinary line recogniser reads.
//!
//! The body's name runs clockwise along the upper arc with the letters' tops pointing
//! outward ([`Direction::Clockwise`]): sweeping the angle clockwise with the outer radius
//! at the top row gives upright letters left to right. Some seals carry a second line
//! along the lower arc, read counter-clockwise with tops inward ([`Direction::CounterClockwise`]).

use image::{GrayImage, Luma, RgbImage};

use super::detect::{redness, Found};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Upper arc, clockwise, tops outward (the body's name).
    Clockwise,
    /// Lower arc, counter-clockwise, tops inward.
    CounterClockwise,
}

/// Geometry of the band, as fractions of the outer ring's radius.
const INNER: f64 = 0.45;
const OUTER: f64 = 0.9;
/// Angular extent unwrapped, centred on the top (or the bottom), in degrees.
const SPAN_DEG: f64 = 300.0;
/// Axis ratio from which a ring is an oval seal (cut 40×30 mm, 45×30 mm and the like)
/// rather than a round one a scan or a press stretched (the corpus' scans: up to 1.05).
const OVAL_RATIO: f64 = 1.15;
/// Height in pixels the letters get in the strip (what Tesseract reads best).
const LETTER_PX: f64 = 44.0;
/// Letters take about this share of the radius on a seal.
const LETTER_SHARE: f64 = 0.3;

/// How redness becomes darkness in a strip: (white below, black above) as multiples of
/// the segmentation threshold. The reader tries the next only when a strip reads next
/// to nothing (each try is a Tesseract call, about 17 ms).
pub const CONTRASTS: [(f64, f64); 2] = [(0.5, 2.0), (1.0, 3.0)];

/// The strip letters are compared by shape on (`letters`): nearly linear in redness, so
/// strokes keep their cores and their halo (OCR wants solid ink; shapes want strokes that
/// have not run together). Measured: shapes alone identified 107 of 124 seeded seals,
/// against 100 at the OCR's first contrast.
pub const SHAPE_CONTRAST: (f64, f64) = (0.0, 8.0);

/// The text band of `seal` as a strip, ink black on white, centred opposite the band's
/// widest gap (what the OCR reads).
pub fn strip(image: &RgbImage, seal: &Found, direction: Direction, contrast: (f64, f64)) -> GrayImage {
    strip_around(image, seal, direction, contrast, seal.threshold, text_centre(image, seal))
}

/// The upper arc at [`SHAPE_CONTRAST`], centred on the seal's axis of symmetry
/// ([`symmetry_centre`]), for comparing letters by shape. Measured on the corpus, whose
/// seals carry a serial number and a lower line that split the band's gap: shapes
/// identified 38 of 118 seals on the gap-centred strip and 78 on this one. The OCR keeps
/// the gap-centred strip: its readings were calibrated on it (defect-13's wrong seal is
/// named by its reading, not on the symmetric strip).
pub fn shape_strip(image: &RgbImage, seal: &Found) -> GrayImage {
    strip_around(image, seal, Direction::Clockwise, SHAPE_CONTRAST, seal.letters_threshold, symmetry_centre(image, seal))
}

/// `contrast` is in multiples of `threshold`, a redness.
fn strip_around(image: &RgbImage, seal: &Found, direction: Direction, contrast: (f64, f64), threshold: f64, centre: f64) -> GrayImage {
    let (rx, ry) = (seal.rx.max(1.0), seal.ry.max(1.0));
    let r = rx.min(ry);
    let is_oval = rx.max(ry) / r >= OVAL_RATIO;
    let scale = LETTER_PX / (LETTER_SHARE * r);
    let mid = (INNER + OUTER) / 2.0 * (seal.rx + seal.ry) / 2.0;
    let span = SPAN_DEG.to_radians();
    let width = (span * mid * scale).round().clamp(16.0, 4000.0) as u32;
    let height = ((OUTER - INNER) * r * scale).round().clamp(8.0, 400.0) as u32;
    // Angles are in the seal's own frame with v down, so a growing angle turns clockwise
    // on the page; `centre` is the text's middle (a stamp may be pressed at any turn).
    let (start, step, rho_top, rho_bottom) = match direction {
        Direction::Clockwise => (centre - span / 2.0, span / width as f64, OUTER, INNER),
        Direction::CounterClockwise => (centre + std::f64::consts::PI + span / 2.0, -span / width as f64, INNER, OUTER),
    };
    // Map redness to darkness: the threshold is light grey, strong ink black.
    let t = threshold.max(1.0);
    let mut out = GrayImage::new(width, height);
    for col in 0..width {
        let phi = start + step * (col as f64 + 0.5);
        let (c, s) = (phi.cos(), phi.sin());
        // An oval's rows step inward along the ring's normal by a depth in proportion to
        // the short radius: its letters are as tall at its ends as at its top (scaling the
        // ring squashed them where it is wide). A round seal that a scan stretched a little
        // is stretched letters and all, so its rows scale with the ring.
        let (nx, ny) = (c / rx, s / ry);
        let norm = nx.hypot(ny).max(f64::EPSILON);
        let (nx, ny) = (nx / norm, ny / norm);
        for row in 0..height {
            let rho = rho_top + (rho_bottom - rho_top) * (row as f64 + 0.5) / height as f64;
            let (u, v) = if is_oval {
                let depth = (1.0 - rho) * r;
                (c - depth * nx / rx, s - depth * ny / ry)
            } else {
                (rho * c, rho * s)
            };
            let (x, y) = seal.point(u, v);
            let redness = sample_redness(image, x, y);
            let dark = ((redness - contrast.0 * t) / ((contrast.1 - contrast.0) * t)).clamp(0.0, 1.0);
            out.put_pixel(col, row, Luma([(255.0 * (1.0 - dark)) as u8]));
        }
    }
    out
}

/// Distance from the centre, as a fraction of the ring's radius, that row `row` of a
/// clockwise strip `height` rows high shows (its top row is the band's outer edge).
pub fn radius_at(row: f64, height: u32) -> f64 {
    OUTER + (INNER - OUTER) * (row + 0.5) / f64::from(height.max(1))
}

/// Sectors of the text band examined for the gap.
const GAP_SECTORS: usize = 72;

/// Inked samples (of 24) per sector of the text band.
fn band_ink(image: &RgbImage, seal: &Found) -> [f64; GAP_SECTORS] {
    let mut ink = [0.0f64; GAP_SECTORS];
    for (k, slot) in ink.iter_mut().enumerate() {
        let phi = (k as f64 + 0.5) / GAP_SECTORS as f64 * std::f64::consts::TAU;
        let mut hits = 0;
        for step in 0..8 {
            let rho = 0.55 + 0.27 * step as f64 / 7.0;
            for dphi in [-0.3, 0.0, 0.3] {
                let a = phi + dphi * std::f64::consts::TAU / GAP_SECTORS as f64;
                let (x, y) = seal.point(rho * a.cos(), rho * a.sin());
                if sample_redness(image, x, y) >= seal.letters_threshold {
                    hits += 1;
                }
            }
        }
        *slot = f64::from(hits);
    }
    ink
}

/// Angle (seal frame, radians) of the middle of the ring text: opposite the longest run
/// of sectors without ink in the text band. The top (−π/2) when there is no gap.
pub fn text_centre(image: &RgbImage, seal: &Found) -> f64 {
    let ink = band_ink(image, seal);
    let inked: Vec<bool> = ink.iter().map(|hits| *hits >= 2.0).collect();
    // Longest circular run of empty sectors.
    let mut best = (0usize, 0usize); // (length, start)
    for start in 0..GAP_SECTORS {
        if inked[start] || !inked[(start + GAP_SECTORS - 1) % GAP_SECTORS] {
            continue;
        }
        let len = (0..GAP_SECTORS).take_while(|&i| !inked[(start + i) % GAP_SECTORS]).count();
        if len > best.0 {
            best = (len, start);
        }
    }
    if best.0 < 3 {
        return -std::f64::consts::FRAC_PI_2;
    }
    let gap_mid = (best.1 as f64 + best.0 as f64 / 2.0) / GAP_SECTORS as f64 * std::f64::consts::TAU;
    gap_mid + std::f64::consts::PI
}

/// Angle (seal frame, radians) of the middle of the ring text, for the strip letters are
/// compared on by shape. A seal is cut mirror-symmetric about the middle of its name (name, star, serial number and lower line all
/// centred on one axis), so the middle is found as the axis about which the band's ink
/// is most symmetric, on the side that holds more ink (the name, not the lower line).
/// The widest empty run of the band is no guide when a lower line or a serial number
/// splits it in two. The top (−π/2) when the band holds too little ink to tell.
pub fn symmetry_centre(image: &RgbImage, seal: &Found) -> f64 {
    let ink = band_ink(image, seal);
    let total: f64 = ink.iter().sum();
    if total < 4.0 {
        return -std::f64::consts::FRAC_PI_2;
    }
    let at = |k: isize| ink[k.rem_euclid(GAP_SECTORS as isize) as usize];
    // Axes every half sector: through a sector's middle (odd) or between two (even).
    let half_steps = 2 * GAP_SECTORS as isize;
    let symmetry = |h: isize| -> f64 {
        (0..GAP_SECTORS as isize / 2)
            .map(|d| {
                // Sectors mirrored about the axis at half-step h.
                let (left, right) = if h % 2 == 0 { (h / 2 - 1 - d, h / 2 + d) } else { ((h - 1) / 2 - d, (h - 1) / 2 + d) };
                at(left) * at(right)
            })
            .sum()
    };
    let Some((axis, _)) = (0..half_steps).map(|h| (h, symmetry(h))).max_by(|a, b| a.1.total_cmp(&b.1)) else { return -std::f64::consts::FRAC_PI_2 };
    // The axis in sectors, and the ink within a quarter turn of each of its two ends.
    let axis_sectors = axis as f64 / 2.0;
    let side = |centre: f64| -> f64 { (-(GAP_SECTORS as isize) / 4..GAP_SECTORS as isize / 4).map(|d| at((centre + d as f64).floor() as isize)).sum() };
    let (one, other) = (axis_sectors, axis_sectors + GAP_SECTORS as f64 / 2.0);
    let middle = if side(one) >= side(other) { one } else { other };
    middle / GAP_SECTORS as f64 * std::f64::consts::TAU
}

/// Bilinear redness at a sub-pixel position; 0 outside the image.
pub(super) fn sample_redness(image: &RgbImage, x: f64, y: f64) -> f64 {
    let (w, h) = image.dimensions();
    if x < 0.0 || y < 0.0 || x >= (w - 1) as f64 || y >= (h - 1) as f64 {
        return 0.0;
    }
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (fx, fy) = (x - x0 as f64, y - y0 as f64);
    let at = |xx: u32, yy: u32| redness(&image.get_pixel(xx, yy).0);
    let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1, y0) * fx;
    let bottom = at(x0, y0 + 1) * (1.0 - fx) + at(x0 + 1, y0 + 1) * fx;
    top * (1.0 - fy) + bottom * fy
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seals::detect::Evidence;

    /// A red dot at the top of the ring lands in the middle of the strip's upper half;
    /// one at the left (start of the text) lands left of centre.
    #[test]
    fn top_of_the_ring_maps_to_the_middle_of_the_strip() {
        let mut img = RgbImage::from_pixel(300, 300, image::Rgb([255, 255, 255]));
        for dy in 0..6 {
            for dx in 0..6 {
                img.put_pixel(148 + dx, 150 - 75 + dy, image::Rgb([220, 20, 20]));
            }
        }
        let seal = Found { cx: 150.0, cy: 150.0, rx: 100.0, ry: 100.0, angle: 0.0, bbox: [50, 50, 200, 200], confidence: 1.0, threshold: 40.0, letters_threshold: 40.0, evidence: Evidence::default() };
        let s = strip(&img, &seal, Direction::Clockwise, CONTRASTS[0]);
        let (mut sx, mut sy, mut n) = (0.0, 0.0, 0.0);
        for (x, y, p) in s.enumerate_pixels() {
            if p.0[0] < 128 {
                sx += x as f64;
                sy += y as f64;
                n += 1.0;
            }
        }
        assert!(n > 0.0, "dot not in strip");
        let (mx, my) = (sx / n, sy / n);
        assert!((mx - s.width() as f64 / 2.0).abs() < s.width() as f64 * 0.03, "x {mx} of {}", s.width());
        assert!(my > s.height() as f64 * 0.15 && my < s.height() as f64 * 0.6, "y {my} of {}", s.height());
    }

    /// Rows of a strip column that hold ink.
    fn inked_rows(strip: &GrayImage, col: u32) -> Vec<u32> {
        (0..strip.height()).filter(|&row| strip.get_pixel(col, row).0[0] < 128).collect()
    }

    /// An oval's letters stand as deep in its ring at its ends as at its top, so a band of
    /// ink at one depth along the upper arc fills the same rows of the strip everywhere.
    #[test]
    fn an_oval_band_of_one_depth_fills_the_same_rows_at_the_top_and_the_ends() {
        let (cx, cy, rx, ry) = (200.0f64, 150.0f64, 150.0f64, 100.0f64);
        let mut img = RgbImage::from_pixel(400, 300, image::Rgb([255, 255, 255]));
        let mut phi = -170f64.to_radians();
        while phi < -10f64.to_radians() {
            let (c, s) = (phi.cos(), phi.sin());
            let (nx, ny) = (c / rx, s / ry);
            let norm = nx.hypot(ny);
            let mut depth = 20.0;
            while depth <= 40.0 {
                let (x, y) = (cx + rx * c - depth * nx / norm, cy + ry * s - depth * ny / norm);
                img.put_pixel(x.round() as u32, y.round() as u32, image::Rgb([220, 20, 20]));
                depth += 0.5;
            }
            phi += 0.002;
        }
        let seal = Found { cx, cy, rx, ry, angle: 0.0, bbox: [50, 50, 300, 200], confidence: 1.0, threshold: 40.0, letters_threshold: 40.0, evidence: Evidence::default() };
        let s = strip(&img, &seal, Direction::Clockwise, CONTRASTS[0]);
        let column_at = |degrees_from_top: f64| ((0.5 + degrees_from_top / SPAN_DEG) * f64::from(s.width())) as u32;
        let top = inked_rows(&s, column_at(0.0));
        assert!(!top.is_empty(), "no ink at the top");
        for end in [-65.0, 65.0] {
            let rows = inked_rows(&s, column_at(end));
            assert!(!rows.is_empty(), "no ink at {end}°");
            for (a, b) in [(top[0], rows[0]), (top[top.len() - 1], rows[rows.len() - 1])] {
                assert!(a.abs_diff(b) <= 2, "band rows {:?} at the top, {:?} at {end}°", (top[0], top[top.len() - 1]), (rows[0], rows[rows.len() - 1]));
            }
        }
    }
}

//! Finding seal impressions on a colour page image: red-ink segmentation, connected
//! regions, an ellipse fit of the outer ring, and the evidence that makes a red shape a
//! seal rather than a red title, logo, table rule or check mark.
//!
//! The pipeline is deliberately cheap (the page's OCR costs ~1.3 s; this must stay under
//! a tenth of it): redness `R − max(G, B)` is averaged over small blocks of a downscaled
//! page (≈ 2.5 px per mm), thresholded adaptively, grouped by a union-find, and only the
//! regions whose size fits a seal are refitted at full resolution. Redness, not hue, is
//! the measure: it stays positive for orange-red, magenta-red and faded pink ink, is
//! near zero for black text and paper, and negative for blue ink.

use image::RgbImage;

/// Tuning of the detector, calibrated on `fixtures/seals/` (see `tests/seals.rs`).
/// These are properties of ink and seals, not of the notice, so they live here and not
/// in the rules file.
#[derive(Debug, Clone)]
pub struct Params {
    /// Smallest and largest outer diameter of a seal, in mm (GB: 38–45 mm bodies, units
    /// down to ~30 mm; margins for scan scaling and 45×30 mm ovals' short axis).
    pub min_diameter_mm: f64,
    pub max_diameter_mm: f64,
    /// Page width assumed when the image carries no resolution (A4 portrait).
    pub page_short_side_mm: f64,
    /// Resolution the page is reduced to before segmentation.
    pub work_px_per_mm: f64,
    /// Redness floor (R − max(G,B), 0–255) below which nothing is ink.
    pub redness_floor: f64,
    /// Fraction of the page's typical ink redness used as threshold (adapts to fading).
    pub redness_relative: f64,
    /// Ovals are at most this elongated (minor / major axis).
    pub min_axis_ratio: f64,
    /// Share of angular sectors in which the outer ring must show ink.
    pub min_ring_coverage: f64,
    /// Share of angular sectors in which the text band must show ink.
    pub min_text_coverage: f64,
    /// Share of the redness threshold at which the text band is looked at again where the
    /// ring is clear but the band looks empty: letters cut in a thin face (a light Song,
    /// 宋体 as GA 241-2000 sets it) and pressed lightly scan as hairlines whose redness the
    /// blur and the JPEG cut to a third, below the threshold that cuts a ring clean of its
    /// halo.
    pub faint_text_relative: f64,
    /// Share of angular sectors whose outermost ink lies on the fitted ring (a rectangle's
    /// corners and a check mark's tails do not).
    pub min_roundness: f64,
    /// Ink share of the disk above which the shape is a filled logo.
    pub max_fill: f64,
    /// Confidence below which a candidate is dropped.
    pub min_confidence: f64,
    /// The same for a seal found only on a second look, pressed against another.
    pub min_pressed_confidence: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            min_diameter_mm: 22.0,
            max_diameter_mm: 52.0,
            page_short_side_mm: 210.0,
            work_px_per_mm: 2.5,
            redness_floor: 20.0,
            redness_relative: 0.35,
            min_axis_ratio: 0.5,
            min_ring_coverage: 0.55,
            min_text_coverage: 0.2,
            faint_text_relative: 0.35,
            min_roundness: 0.75,
            max_fill: 0.55,
            min_confidence: 0.5,
            min_pressed_confidence: 0.8,
        }
    }
}

/// A seal found on the page, in full-resolution pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Centre of the fitted ellipse.
    pub cx: f64,
    pub cy: f64,
    /// Horizontal and vertical semi-axes of the outer ring.
    pub rx: f64,
    pub ry: f64,
    /// Turn of the `rx` axis from the image's x axis, radians (0 for round seals).
    pub angle: f64,
    pub bbox: [u32; 4],
    pub confidence: f64,
    /// The redness threshold the seal was segmented with.
    pub threshold: f64,
    /// The redness its letters showed at: `threshold`, or [`Params::faint_text_relative`]
    /// of it where they are hairlines. Where the letters lie and the strip their shapes are
    /// compared on are read against it (`unwrap`); the OCR's strip keeps `threshold`, whose
    /// contrast its readings were calibrated on.
    pub letters_threshold: f64,
    pub evidence: Evidence,
}

impl Found {
    fn ellipse(&self) -> Ellipse {
        Ellipse { cx: self.cx, cy: self.cy, rx: self.rx, ry: self.ry, cos: self.angle.cos(), sin: self.angle.sin() }
    }

    /// Image position of the point at normalised ellipse coordinates (u, v): (±1, 0) and
    /// (0, ±1) are on the outer ring, v grows downwards.
    pub fn point(&self, u: f64, v: f64) -> (f64, f64) {
        self.ellipse().point(u, v)
    }
}

/// A fitted ring: centre, semi-axes, and the turn of its `rx` axis (as cos, sin).
#[derive(Debug, Clone, Copy)]
struct Ellipse {
    cx: f64,
    cy: f64,
    rx: f64,
    ry: f64,
    cos: f64,
    sin: f64,
}

impl Ellipse {
    /// Normalised coordinates of an image point (the ring is the unit circle).
    #[inline]
    fn normalise(&self, x: f64, y: f64) -> (f64, f64) {
        let (dx, dy) = (x - self.cx, y - self.cy);
        ((dx * self.cos + dy * self.sin) / self.rx, (-dx * self.sin + dy * self.cos) / self.ry)
    }

    #[inline]
    fn rho(&self, x: f64, y: f64) -> f64 {
        let (u, v) = self.normalise(x, y);
        (u * u + v * v).sqrt()
    }

    #[inline]
    fn point(&self, u: f64, v: f64) -> (f64, f64) {
        let (a, b) = (u * self.rx, v * self.ry);
        (self.cx + a * self.cos - b * self.sin, self.cy + a * self.sin + b * self.cos)
    }
}

/// Why a region was taken for a seal, each in [0, 1].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Evidence {
    pub ring: f64,
    pub text: f64,
    pub centre: f64,
    pub fill: f64,
    pub fit: f64,
}

/// Redness of one pixel: how much red exceeds the stronger of green and blue.
#[inline]
pub fn redness(p: &[u8]) -> f64 {
    (p[0] as f64 - (p[1].max(p[2])) as f64).max(0.0)
}

/// Finds the seals of one page image.
pub fn find(image: &RgbImage, params: &Params) -> Vec<Found> {
    let (w, h) = image.dimensions();
    if w < 16 || h < 16 {
        return Vec::new();
    }
    let short = w.min(h) as f64;
    let long = w.max(h) as f64;
    // A page (A4-like proportions) gives the scale; anything else (an electronic seal
    // embedded alone, a photo crop) is judged relative to its own size.
    let aspect = long / short;
    let page_like = (1.25..=1.6).contains(&aspect);
    let (min_d, max_d, ppm) = if page_like {
        let ppm = short / params.page_short_side_mm;
        (params.min_diameter_mm * ppm, params.max_diameter_mm * ppm, ppm)
    } else {
        (short * 0.12, short * 1.02, short / 60.0)
    };
    let factor = ((ppm / params.work_px_per_mm).round() as u32).max(1);
    let small = reduce(image, factor);
    let threshold = adaptive_threshold(&small.data, params);
    let mask: Vec<bool> = small.data.iter().map(|&v| v as f64 >= threshold).collect();
    let mask = dilate(&mask, small.w, small.h);
    let regions = regions(&mask, small.w, small.h);
    let f = factor as f64;
    // Two groupings: tight (a clean ring is one region already) and loose (a faded
    // ring broken by dropout into arcs a few mm apart). Overlapping results are resolved
    // by `suppress_overlaps`.
    let mut merged = merge_regions(regions.clone(), max_d / f * 1.1, 2);
    for r in merge_regions(regions, max_d / f * 1.1, 6) {
        if !merged.iter().any(|m| (m.x0, m.y0, m.x1, m.y1) == (r.x0, r.y0, r.x1, r.y1)) {
            merged.push(r);
        }
    }

    let mut found = Vec::new();
    let mut second_chance = Vec::new();
    for r in merged {
        let (rw, rh) = ((r.x1 - r.x0 + 1) as f64 * f, (r.y1 - r.y0 + 1) as f64 * f);
        let (lo, hi) = (rw.min(rh), rw.max(rh));
        let bbox = [r.x0 as f64 * f, r.y0 as f64 * f, rw, rh];
        if hi > max_d * 1.15 && hi <= max_d * 2.3 && (min_d * 0.8..=max_d * 1.15).contains(&lo) {
            second_chance.extend(pair_ends(bbox));
            continue;
        }
        if hi < min_d * 0.8 || hi > max_d * 1.15 || lo / hi < params.min_axis_ratio * 0.85 || lo < min_d * 0.5 {
            continue;
        }
        match fit_and_judge(image, bbox, threshold, params, (min_d, max_d), Reach::ALONE) {
            Some(seal) => found.push(seal),
            None => {
                second_chance.push(bbox);
                // One seal and a piece of its neighbour's ring: the seal lies at an end.
                if hi > lo * 1.1 {
                    second_chance.extend(pair_ends(bbox));
                }
            }
        }
    }
    let mut found = suppress_overlaps(found);
    // Seals pressed against or over another (two bodies stamping side by side): their
    // rings make one region two seals long, or the neighbour's ring, inside the margin
    // around a candidate, pulls its fit outward. Such candidates are fitted again within
    // the ring's own reach. Fitted this close to other ink, a piece of a seal (its band,
    // part of its ring) can pass for a ring: a seal found so must be clearly one and lie
    // outside the ring of every seal found (a neighbour's centre does), and it is kept only
    // where no seal was found already, so every seal found alone is found as before.
    let again: Vec<Found> = second_chance
        .into_iter()
        .filter_map(|bbox| fit_and_judge(image, bbox, threshold, params, (min_d, max_d), Reach::PRESSED))
        .filter(|seal| seal.confidence >= params.min_pressed_confidence)
        .collect();
    for seal in suppress_overlaps(again) {
        if !found.iter().any(|k| apart(k, &seal) < 1.0) {
            found.push(seal);
        }
    }
    in_reading_order(&mut found);
    found
}

/// The two ends of a region one seal wide and up to two long, each a square of the region's
/// width: where two seals pressed side by side (or one above the other) would lie.
fn pair_ends(bbox: [f64; 4]) -> [[f64; 4]; 2] {
    let [x, y, w, h] = bbox;
    if w >= h {
        [[x, y, h, h], [x + w - h, y, h, h]]
    } else {
        [[x, y, w, w], [x, y + h - w, w, w]]
    }
}

/// How far out, in radii of the ellipse being fitted, ink counts as the ring's edge.
#[derive(Debug, Clone, Copy)]
struct Reach {
    /// Where the outermost ink of each sector is looked for while fitting.
    fit: f64,
    /// Where the outermost ink must lie on the ring for the shape to be round.
    round: f64,
}

impl Reach {
    /// A seal alone: a region's box may fall short of a ring that dropped out at its
    /// edge, and ink beyond the ring in many directions means a logo or a drawing.
    const ALONE: Reach = Reach { fit: 1.25, round: 1.5 };
    /// A seal against another: the neighbour's ring lies just beyond this one's.
    const PRESSED: Reach = Reach { fit: 1.08, round: 1.08 };
}

/// The page reduced by block means of redness.
struct Reduced {
    w: usize,
    h: usize,
    data: Vec<f32>,
}

fn reduce(image: &RgbImage, factor: u32) -> Reduced {
    let (w, h) = image.dimensions();
    let (sw, sh) = ((w / factor) as usize, (h / factor) as usize);
    let raw = image.as_raw();
    let stride = w as usize * 3;
    let f = factor as usize;
    let mut data = vec![0f32; sw * sh];
    let norm = 1.0 / (f * f) as f32;
    // Each block row sums its pixels' redness column by column first, then block by
    // block: two plain loops the compiler vectorises (a block's pixels one by one did not,
    // and this pass reads every pixel of every page).
    let mut columns = vec![0u32; sw * f];
    for by in 0..sh {
        columns.iter_mut().for_each(|c| *c = 0);
        for dy in 0..f {
            let start = (by * f + dy) * stride;
            let row = &raw[start..start + sw * f * 3];
            for (column, p) in columns.iter_mut().zip(row.chunks_exact(3)) {
                *column += u32::from(p[0].saturating_sub(p[1].max(p[2])));
            }
        }
        for (acc, block) in data[by * sw..(by + 1) * sw].iter_mut().zip(columns.chunks_exact(f)) {
            *acc = block.iter().sum::<u32>() as f32 * norm;
        }
    }
    Reduced { w: sw, h: sh, data }
}

/// Threshold between paper/JPEG colour noise and ink: a fixed floor, raised to a share
/// of the median redness of clearly red pixels, so a strong seal is cut clean of its
/// chroma halo while a faded one keeps its strokes.
fn adaptive_threshold(data: &[f32], params: &Params) -> f64 {
    let mut hist = [0u32; 256];
    let mut strong = 0u32;
    for &v in data {
        if v as f64 >= params.redness_floor {
            hist[(v as usize).min(255)] += 1;
            strong += 1;
        }
    }
    if strong == 0 {
        return params.redness_floor;
    }
    let mut seen = 0;
    let mut median = params.redness_floor;
    for (i, &c) in hist.iter().enumerate() {
        seen += c;
        if seen * 2 >= strong {
            median = i as f64;
            break;
        }
    }
    (median * params.redness_relative).max(params.redness_floor)
}

/// 3×3 dilation: bridges the gaps ink dropout leaves in a ring.
fn dilate(mask: &[bool], w: usize, h: usize) -> Vec<bool> {
    let mut rows = vec![false; w * h];
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            rows[i] = mask[i] || (x > 0 && mask[i - 1]) || (x + 1 < w && mask[i + 1]);
        }
    }
    let mut out = vec![false; w * h];
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            out[i] = rows[i] || (y > 0 && rows[i - w]) || (y + 1 < h && rows[i + w]);
        }
    }
    out
}

#[derive(Debug, Clone, Copy)]
struct Region {
    x0: usize,
    y0: usize,
    x1: usize,
    y1: usize,
    count: usize,
}

fn find_root(parent: &mut [u32], mut i: u32) -> u32 {
    while parent[i as usize] != i {
        let p = parent[i as usize];
        parent[i as usize] = parent[p as usize];
        i = p;
    }
    i
}

/// 8-connected regions of the mask, by union-find over pixel indices.
fn regions(mask: &[bool], w: usize, h: usize) -> Vec<Region> {
    let mut parent: Vec<u32> = (0..(w * h) as u32).collect();
    let union = |parent: &mut Vec<u32>, a: usize, b: usize| {
        let (ra, rb) = (find_root(parent, a as u32), find_root(parent, b as u32));
        if ra != rb {
            parent[ra.max(rb) as usize] = ra.min(rb);
        }
    };
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if !mask[i] {
                continue;
            }
            if x > 0 && mask[i - 1] {
                union(&mut parent, i, i - 1);
            }
            if y > 0 {
                if mask[i - w] {
                    union(&mut parent, i, i - w);
                }
                if x > 0 && mask[i - w - 1] {
                    union(&mut parent, i, i - w - 1);
                }
                if x + 1 < w && mask[i - w + 1] {
                    union(&mut parent, i, i - w + 1);
                }
            }
        }
    }
    let mut index: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    let mut out: Vec<Region> = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if !mask[i] {
                continue;
            }
            let root = find_root(&mut parent, i as u32);
            let k = *index.entry(root).or_insert_with(|| {
                out.push(Region { x0: x, y0: y, x1: x, y1: y, count: 0 });
                out.len() - 1
            });
            let r = &mut out[k];
            r.x0 = r.x0.min(x);
            r.x1 = r.x1.max(x);
            r.y0 = r.y0.min(y);
            r.y1 = r.y1.max(y);
            r.count += 1;
        }
    }
    out
}

/// Joins regions whose boxes overlap or touch while the union stays seal-sized: a ring
/// broken by dropout, and the star and letters inside it, become one region.
fn merge_regions(mut regions: Vec<Region>, max_side: f64, gap: usize) -> Vec<Region> {
    regions.retain(|r| r.count >= 4);
    regions.sort_by_key(|r| std::cmp::Reverse(r.count));
    let mut changed = true;
    while changed {
        changed = false;
        let mut i = 0;
        while i < regions.len() {
            let mut j = i + 1;
            while j < regions.len() {
                let (a, b) = (regions[i], regions[j]);
                let touch = a.x0 <= b.x1 + gap && b.x0 <= a.x1 + gap && a.y0 <= b.y1 + gap && b.y0 <= a.y1 + gap;
                if touch {
                    let u = Region {
                        x0: a.x0.min(b.x0),
                        y0: a.y0.min(b.y0),
                        x1: a.x1.max(b.x1),
                        y1: a.y1.max(b.y1),
                        count: a.count + b.count,
                    };
                    if ((u.x1 - u.x0 + 1).max(u.y1 - u.y0 + 1)) as f64 <= max_side {
                        regions[i] = u;
                        regions.swap_remove(j);
                        changed = true;
                        continue;
                    }
                }
                j += 1;
            }
            i += 1;
        }
    }
    regions
}

/// Ink pixels of a crop at full resolution, relative to the crop's origin.
struct Ink {
    x0: f64,
    y0: f64,
    points: Vec<(f32, f32)>,
}

fn ink_in(image: &RgbImage, bbox: [f64; 4], threshold: f64) -> Ink {
    let (w, h) = image.dimensions();
    let x0 = bbox[0].max(0.0) as u32;
    let y0 = bbox[1].max(0.0) as u32;
    let x1 = ((bbox[0] + bbox[2]).ceil() as u32).min(w);
    let y1 = ((bbox[1] + bbox[3]).ceil() as u32).min(h);
    let raw = image.as_raw();
    let mut points = Vec::new();
    for y in y0..y1 {
        let row = &raw[(y as usize * w as usize) * 3..(y as usize * w as usize + w as usize) * 3];
        for x in x0..x1 {
            let p = &row[x as usize * 3..x as usize * 3 + 3];
            if redness(p) >= threshold {
                points.push(((x - x0) as f32, (y - y0) as f32));
            }
        }
    }
    Ink { x0: x0 as f64, y0: y0 as f64, points }
}

/// Least-squares ellipse `A x² + B xy + C y² + D x + E y = 1` through `pts` (any turn).
fn fit_ellipse(pts: &[(f64, f64)]) -> Option<Ellipse> {
    if pts.len() < 8 {
        return None;
    }
    // Centre the coordinates for numerical conditioning.
    let (mx, my) = pts.iter().fold((0.0, 0.0), |(a, b), p| (a + p.0, b + p.1));
    let (mx, my) = (mx / pts.len() as f64, my / pts.len() as f64);
    let mut m = [[0f64; 5]; 5];
    let mut v = [0f64; 5];
    for &(x, y) in pts {
        let (x, y) = (x - mx, y - my);
        let row = [x * x, x * y, y * y, x, y];
        for i in 0..5 {
            for j in 0..5 {
                m[i][j] += row[i] * row[j];
            }
            v[i] += row[i];
        }
    }
    let [a, b, c, d, e] = solve(m, v)?;
    // Centre: gradient of the quadratic form is zero.
    let det = 4.0 * a * c - b * b;
    if det <= 0.0 {
        return None; // a hyperbola or parabola, not a ring
    }
    let x0 = (b * e - 2.0 * c * d) / det;
    let y0 = (b * d - 2.0 * a * e) / det;
    let k = 1.0 + a * x0 * x0 + b * x0 * y0 + c * y0 * y0;
    let theta = 0.5 * b.atan2(a - c);
    let (ct, st) = (theta.cos(), theta.sin());
    let l1 = a * ct * ct + b * st * ct + c * st * st;
    let l2 = a * st * st - b * st * ct + c * ct * ct;
    if k <= 0.0 || l1 <= 0.0 || l2 <= 0.0 {
        return None;
    }
    let (mut rx, mut ry, mut theta) = ((k / l1).sqrt(), (k / l2).sqrt(), theta);
    // Keep the rx axis within 45° of horizontal, so an upright oval stays upright.
    if theta.abs() > std::f64::consts::FRAC_PI_4 {
        std::mem::swap(&mut rx, &mut ry);
        theta -= std::f64::consts::FRAC_PI_2 * theta.signum();
    }
    // A round seal has no axis: its turn is noise.
    if (rx - ry).abs() < 0.04 * rx.max(ry) {
        theta = 0.0;
        let r = (rx + ry) / 2.0;
        (rx, ry) = (r, r);
    }
    Some(Ellipse { cx: mx + x0, cy: my + y0, rx, ry, cos: theta.cos(), sin: theta.sin() })
}

/// Gaussian elimination with partial pivoting on a 5×5 system.
fn solve(mut m: [[f64; 5]; 5], mut v: [f64; 5]) -> Option<[f64; 5]> {
    const N: usize = 5;
    for col in 0..N {
        let pivot = (col..N).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[pivot][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        v.swap(col, pivot);
        for row in col + 1..N {
            let k = m[row][col] / m[col][col];
            let pivot_row = m[col];
            for (cell, above) in m[row].iter_mut().zip(pivot_row).skip(col) {
                *cell -= k * above;
            }
            v[row] -= k * v[col];
        }
    }
    let mut x = [0f64; N];
    for row in (0..N).rev() {
        let mut s = v[row];
        for j in row + 1..N {
            s -= m[row][j] * x[j];
        }
        x[row] = s / m[row][row];
    }
    Some(x)
}

const SECTORS: usize = 72;
/// The letters' outer half, in normalised radius: a big glyph inside a ring (a logo)
/// barely reaches it.
const TEXT_BAND: std::ops::Range<f64> = 0.6..0.85;

/// Outer boundary points: in each angular sector of `e`, the ink pixel with the largest
/// normalised radius (≤ `limit`).
fn outer_points(ink: &Ink, e: &Ellipse, limit: f64) -> Vec<(f64, f64)> {
    let mut best: [Option<(f64, f64, f64)>; SECTORS] = [None; SECTORS];
    for &(px, py) in &ink.points {
        let (u, v) = e.normalise(px as f64, py as f64);
        let rho = (u * u + v * v).sqrt();
        if rho > limit {
            continue;
        }
        let s = sector(u, v);
        if best[s].is_none_or(|(r, _, _)| rho > r) {
            best[s] = Some((rho, px as f64, py as f64));
        }
    }
    best.iter().flatten().map(|&(_, x, y)| (x, y)).collect()
}

/// Tangents of the sector boundaries within the first octant (5°, 10°, … 45°).
const BOUNDARY_TANGENTS: [f64; SECTORS / 8] = [
    0.087_488_663_525_924_01,
    0.176_326_980_708_464_97,
    0.267_949_192_431_122_7,
    0.363_970_234_266_202_4,
    0.466_307_658_154_998_6,
    0.577_350_269_189_625_8,
    0.700_207_538_209_709_9,
    0.839_099_631_177_280_1,
    1.0,
];

/// The sector of direction (dx, dy): sector k spans [5k°, 5k° + 5°) of the angle of
/// (−dx, −dy), i.e. of atan2(dy, dx) + π. Found by comparing tangents within the
/// direction's quadrant instead of by atan2, which took a seventh of detection's time:
/// every ink pixel of a candidate is placed in a sector six times.
#[inline]
fn sector(dx: f64, dy: f64) -> usize {
    let (x, y) = (-dx, -dy);
    // Turned into the first quadrant, [0°, 90°).
    let (quadrant, x, y) = if x > 0.0 && y >= 0.0 {
        (0, x, y)
    } else if x <= 0.0 && y > 0.0 {
        (1, y, -x)
    } else if x < 0.0 && y <= 0.0 {
        (2, -x, -y)
    } else {
        (3, -y, x)
    };
    let per_quadrant = SECTORS / 4;
    let within = if y < x {
        let t = y / x;
        BOUNDARY_TANGENTS[..per_quadrant / 2 - 1].iter().filter(|&&b| t >= b).count()
    } else if y > 0.0 {
        // 90° less the angle lies in (0°, 45°]: counted from the quadrant's far end.
        let t = x / y;
        per_quadrant - 1 - BOUNDARY_TANGENTS.iter().filter(|&&b| t > b).count()
    } else {
        0
    };
    (quadrant * per_quadrant + within).min(SECTORS - 1)
}

/// Fits the ring of a candidate region and weighs the evidence; `None` when it is not a seal.
fn fit_and_judge(image: &RgbImage, bbox: [f64; 4], threshold: f64, params: &Params, size: (f64, f64), reach: Reach) -> Option<Found> {
    let margin = bbox[2].max(bbox[3]) * 0.12;
    let crop = [bbox[0] - margin, bbox[1] - margin, bbox[2] + 2.0 * margin, bbox[3] + 2.0 * margin];
    let ink = ink_in(image, crop, threshold);
    if ink.points.len() < 50 {
        tracing::debug!(?bbox, points = ink.points.len(), "seal candidate: too little ink");
        return None;
    }
    // Start from the region's box, then refit on the outer boundary, dropping boundary
    // points that sit well inside the ring (sectors where the ring dropped out).
    let mut e = Ellipse {
        cx: bbox[0] - ink.x0 + bbox[2] / 2.0,
        cy: bbox[1] - ink.y0 + bbox[3] / 2.0,
        rx: bbox[2] / 2.0,
        ry: bbox[3] / 2.0,
        cos: 1.0,
        sin: 0.0,
    };
    let mut residual = 1.0;
    for round in 0..4 {
        let pts = outer_points(&ink, &e, reach.fit);
        let keep: Vec<(f64, f64)> = if round == 0 {
            pts
        } else {
            pts.into_iter().filter(|&(x, y)| (e.rho(x, y) - 1.0).abs() < 0.08).collect()
        };
        if keep.len() < SECTORS / 3 {
            tracing::debug!(?bbox, kept = keep.len(), "seal candidate: no ring to fit");
            return None;
        }
        let next = fit_ellipse(&keep)?;
        residual = keep.iter().map(|&(x, y)| (next.rho(x, y) - 1.0).abs()).sum::<f64>() / keep.len() as f64;
        e = next;
    }
    let (lo, hi) = (e.rx.min(e.ry) * 2.0, e.rx.max(e.ry) * 2.0);
    if hi < size.0 || hi > size.1 || lo / hi < params.min_axis_ratio || lo < size.0 * 0.6 {
        tracing::debug!(?bbox, rx = e.rx, ry = e.ry, "seal candidate: fitted ring of the wrong size or shape");
        return None;
    }
    // Round: in most directions the outermost ink sits on the fitted ring.
    let outer = outer_points(&ink, &e, reach.round);
    let on_ring = outer.iter().filter(|&&(x, y)| (0.9..=1.08).contains(&e.rho(x, y))).count();
    let roundness = on_ring as f64 / SECTORS as f64;
    if roundness < params.min_roundness {
        tracing::debug!(?bbox, roundness, "seal candidate: not round");
        return None;
    }

    // Evidence in rings of normalised radius.
    let mut ring_sector = [false; SECTORS];
    let mut text_sector = [0u32; SECTORS];
    let (mut n_centre, mut n_inside, mut n_outside) = (0usize, 0usize, 0usize);
    for &(px, py) in &ink.points {
        let (u, v) = e.normalise(px as f64, py as f64);
        let rho = (u * u + v * v).sqrt();
        let s = sector(u, v);
        if (0.86..=1.03).contains(&rho) {
            ring_sector[s] = true;
        }
        if TEXT_BAND.contains(&rho) {
            text_sector[s] += 1;
        }
        if rho < 0.3 {
            n_centre += 1;
        }
        if rho < 0.86 {
            n_inside += 1;
        }
        if (1.1..1.25).contains(&rho) {
            n_outside += 1;
        }
    }
    let area = std::f64::consts::PI * e.rx * e.ry;
    let ring = ring_sector.iter().filter(|&&b| b).count() as f64 / SECTORS as f64;
    // A sector "has text" when its ink covers a few percent of the band's area there.
    let band_area = area * (TEXT_BAND.end.powi(2) - TEXT_BAND.start.powi(2)) / SECTORS as f64;
    let has_text = |n: &&u32| **n as f64 > band_area * 0.02;
    let mut text = text_sector.iter().filter(has_text).count() as f64 / SECTORS as f64;
    let mut letters_threshold = threshold;
    if text < params.min_text_coverage && ring >= params.min_ring_coverage {
        // Measured (session 12) on seals cut in AR PL SungtiL GB, Noto Serif/Sans CJK Black
        // and WenQuanYi Micro Hei (fixtures/seals/README.md): 40 of 123 cut in SungtiL alone
        // had been missed, their band 0.0-0.13 at the threshold; at half of it a short and an
        // oval name still showed 0.17-0.19, at 0.35 of it 0.36-0.39. A ringed logo shows
        // 0.06 there, a hand-drawn oval 0.07; no seal-free page of any set, nor a real-world
        // PDF, gained a seal.
        letters_threshold = threshold * params.faint_text_relative;
        let mut faint_sector = [0u32; SECTORS];
        for &(px, py) in &ink_in(image, crop, letters_threshold).points {
            let (u, v) = e.normalise(px as f64, py as f64);
            if TEXT_BAND.contains(&(u * u + v * v).sqrt()) {
                faint_sector[sector(u, v)] += 1;
            }
        }
        text = faint_sector.iter().filter(has_text).count() as f64 / SECTORS as f64;
    }
    let centre_fill = n_centre as f64 / (area * 0.09);
    let fill = n_inside as f64 / (area * 0.86 * 0.86);
    let outside = n_outside as f64 / (area * (1.25f64.powi(2) - 1.1f64.powi(2)));
    if ring < params.min_ring_coverage || text < params.min_text_coverage || fill > params.max_fill {
        tracing::debug!(?bbox, ring, text, fill, "seal candidate: no ring, no text band, or filled");
        return None;
    }
    // The star (or, on ovals, a line of text) fills part of the centre, never all of it.
    let centre = if (0.06..0.75).contains(&centre_fill) { 1.0 } else { 0.3 };
    let fit = (1.0 - residual / 0.05).clamp(0.0, 1.0);
    let clean = (1.0 - outside / 0.2).clamp(0.0, 1.0);
    let confidence = (0.35 * ring + 0.25 * (text / 0.7).min(1.0) + 0.15 * centre + 0.15 * fit + 0.10 * clean).clamp(0.0, 1.0);
    if confidence < params.min_confidence {
        tracing::debug!(?bbox, confidence, "seal candidate: low confidence");
        return None;
    }
    let (gx, gy) = (ink.x0 + e.cx, ink.y0 + e.cy);
    // Box of the turned ellipse.
    let hw = ((e.rx * e.cos).powi(2) + (e.ry * e.sin).powi(2)).sqrt();
    let hh = ((e.rx * e.sin).powi(2) + (e.ry * e.cos).powi(2)).sqrt();
    let (w, h) = image.dimensions();
    let bx0 = (gx - hw).max(0.0).floor();
    let by0 = (gy - hh).max(0.0).floor();
    let bx1 = (gx + hw).min(w as f64).ceil();
    let by1 = (gy + hh).min(h as f64).ceil();
    Some(Found {
        cx: gx,
        cy: gy,
        rx: e.rx,
        ry: e.ry,
        angle: e.sin.atan2(e.cos),
        bbox: [bx0 as u32, by0 as u32, (bx1 - bx0) as u32, (by1 - by0) as u32],
        confidence,
        threshold,
        letters_threshold,
        evidence: Evidence { ring, text, centre: centre_fill, fill, fit },
    })
}

/// One seal per place: when two candidates' centres fall inside each other, keep the
/// more confident.
fn suppress_overlaps(mut found: Vec<Found>) -> Vec<Found> {
    found.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    let mut kept: Vec<Found> = Vec::new();
    for f in found {
        if !kept.iter().any(|k| clash(k, &f)) {
            kept.push(f);
        }
    }
    in_reading_order(&mut kept);
    kept
}

/// Top to bottom, then left to right, by the boxes' corners.
fn in_reading_order(found: &mut [Found]) {
    found.sort_by(|a, b| (a.bbox[1], a.bbox[0]).cmp(&(b.bbox[1], b.bbox[0])));
}

/// Whether two candidates are one seal: either's centre within half the larger of their
/// short radii of the other's.
fn clash(a: &Found, b: &Found) -> bool {
    apart(a, b) < 0.5
}

/// The distance between two candidates' centres, in the larger of their short radii.
fn apart(a: &Found, b: &Found) -> f64 {
    ((a.cx - b.cx).powi(2) + (a.cy - b.cy).powi(2)).sqrt() / a.rx.min(a.ry).max(b.rx.min(b.ry)).max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tangent comparison places every direction in the sector atan2 puts it in.
    #[test]
    fn sectors_are_those_of_the_angle() {
        for k in 0..3600 {
            let theta = (k as f64 + 0.37) / 3600.0 * std::f64::consts::TAU;
            for r in [0.5, 1.0, 87.0] {
                let (dx, dy) = (r * theta.cos(), r * theta.sin());
                let by_angle = (((dy.atan2(dx) + std::f64::consts::PI) / std::f64::consts::TAU * SECTORS as f64) as usize).min(SECTORS - 1);
                assert_eq!(sector(dx, dy), by_angle, "direction ({dx}, {dy})");
            }
        }
    }

    #[test]
    fn ellipse_fit_recovers_a_known_oval() {
        let pts: Vec<(f64, f64)> = (0..60)
            .map(|k| {
                let t = k as f64 / 60.0 * std::f64::consts::TAU;
                (100.0 + 40.0 * t.cos(), 80.0 + 25.0 * t.sin())
            })
            .collect();
        let e = fit_ellipse(&pts).expect("fit");
        assert!((e.cx - 100.0).abs() < 0.01 && (e.cy - 80.0).abs() < 0.01, "{e:?}");
        assert!((e.rx - 40.0).abs() < 0.01 && (e.ry - 25.0).abs() < 0.01, "{e:?}");
    }

    #[test]
    fn ellipse_fit_recovers_a_turned_oval() {
        let turn = 0.4f64;
        let pts: Vec<(f64, f64)> = (0..60)
            .map(|k| {
                let t = k as f64 / 60.0 * std::f64::consts::TAU;
                let (u, v) = (40.0 * t.cos(), 25.0 * t.sin());
                (100.0 + u * turn.cos() - v * turn.sin(), 80.0 + u * turn.sin() + v * turn.cos())
            })
            .collect();
        let e = fit_ellipse(&pts).expect("fit");
        assert!((e.rx - 40.0).abs() < 0.01 && (e.ry - 25.0).abs() < 0.01, "{e:?}");
        assert!((e.sin.atan2(e.cos) - turn).abs() < 1e-6, "{e:?}");
        assert!(e.rho(100.0 + 40.0 * turn.cos(), 80.0 + 40.0 * turn.sin()) - 1.0 < 1e-6);
    }

    #[test]
    fn union_find_separates_two_blobs() {
        let (w, h) = (10, 5);
        let mut mask = vec![false; w * h];
        for (x, y) in [(1, 1), (2, 2), (7, 1), (8, 1), (8, 2)] {
            mask[y * w + x] = true;
        }
        let mut rs = regions(&mask, w, h);
        rs.sort_by_key(|r| r.x0);
        assert_eq!(rs.len(), 2);
        assert_eq!((rs[0].count, rs[1].count), (2, 3));
    }

    #[test]
    fn redness_is_high_for_red_and_zero_for_black_and_blue() {
        assert!(redness(&[200, 30, 40]) > 150.0);
        assert!(redness(&[235, 120, 125]) > 100.0, "faded pink");
        assert_eq!(redness(&[20, 20, 20]), 0.0);
        assert_eq!(redness(&[30, 40, 200]), 0.0);
    }

    #[test]
    fn blank_page_has_no_seal() {
        let img = RgbImage::from_pixel(1240, 1754, image::Rgb([250, 250, 250]));
        assert!(find(&img, &Params::default()).is_empty());
    }
}

//! Closed-set reading of a seal's ring by letter shapes: each body that could have stamped
//! is drawn letter by letter in a Song and a Hei face and compared with the letters of the
//! unwrapped strip. Tesseract reads worn, thick seal lettering poorly (铁岭 as 和行); the
//! question a reviewer asks is narrower — is this 铁岭's seal or 沈阳's? — and a letter's
//! overall shape answers it even where its strokes have run together.
//!
//! A seal spreads its name evenly along the arc (GA 241-2000 sets official seal names in
//! 宋体), so a name of N letters puts N letter boxes evenly over the strip's inked extent.
//! Each drawn letter, thickened to the seal's stroke weight, is correlated with the strip
//! in its box, give or take a few columns: 1 is the same shape, 0 unrelated. Two names are
//! compared on the letters that tell them apart (see [`evidence`]).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use ab_glyph::{Font, FontVec, PxScale, ScaleFont};
use image::{GrayImage, ImageBuffer, Luma};

/// Size letters are drawn at before scaling to the seal's letter box.
const DRAW_PX: f32 = 96.0;
/// Smoothing of the strip and of the drawn letters (strip pixels): the seal's letters are
/// worn and their edges ragged, the drawn ones crisp.
const BLUR: f32 = 1.0;
/// The strip's ink is stretched between these quantiles of its pixels: the median is
/// paper (or the ink's faint halo), the top few per cent the strokes' cores.
const PAPER_QUANTILE: f32 = 0.5;
const STROKE_QUANTILE: f32 = 0.97;
/// Share of the strip's ink left out at each end when finding the text's extent (stray
/// specks of the ring or of a neighbouring seal).
const EXTENT_TAIL: f32 = 0.005;
/// Rows whose ink reaches this share of the inkiest row's are the letters' band.
const BAND_ROW: f32 = 0.25;
/// A letter's box is at most this share of the pitch wide (the rest is the gap)…
const WIDTH_OF_PITCH: f64 = 0.9;
/// …and at most this share of its height (seal lettering is narrowed; a short name
/// spread over the arc leaves wide gaps, not wide letters).
const WIDTH_OF_HEIGHT: f64 = 0.8;
/// Stretches of the even step tried when laying a name out.
const STRETCHES: [f64; 5] = [0.95, 0.975, 1.0, 1.025, 1.05];
/// Columns a letter may sit off its place. Measured on fixtures/seals and the seed-11 set:
/// freer placement (or any vertical freedom) lets wrong letters find a fitting spot as
/// often as it helps right ones.
const NUDGE: i64 = 7;
/// Every other column: a letter box 25-40 columns wide, smoothed, changes little in one.
const NUDGE_STEP: usize = 2;
/// Letters two names must share in place for the shared ones to lay out both.
const MIN_SHARED: usize = 3;
/// Stroke weights tried (thickened by 0..WEIGHTS pixels): seal letters are bolder than any
/// face and ink spreads; a drawn letter is compared at the weight whose mean ink is
/// nearest the seal's at that place.
const WEIGHTS: u32 = 5;
/// Drawn boxes kept (about 60 KB each); the cache is emptied when full. Strips are scaled
/// to one letter height, so a dossier's seals reuse a few box sizes.
const CACHE_BOXES: usize = 512;

type Ink = ImageBuffer<Luma<f32>, Vec<f32>>;

/// A drawn letter in the seal's letter box at one stroke weight: its mean ink, and its
/// smoothed ink less that mean, with norm 1.
#[derive(Debug, Clone)]
struct Drawn {
    coverage: f32,
    v: Vec<f32>,
}

/// One face to draw letters with: a font file and its index in a collection (.ttc).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
pub struct Face {
    pub path: PathBuf,
    #[serde(default)]
    pub index: u32,
}

/// Why letters cannot be drawn.
#[derive(Debug, thiserror::Error)]
pub enum FaceError {
    #[error("font {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("font {path} (index {index}) is not a font ab_glyph can read")]
    Parse { path: String, index: u32 },
    #[error("no font configured for seal letters")]
    None,
}

/// Every weight of one letter in one box, per face that has the letter.
type DrawnBox = Arc<Vec<Vec<Drawn>>>;

/// Where a letter's box lies on a strip: its size, and its top row and the strip's height,
/// which tell the radius each row of the box lies at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Place {
    w: u32,
    h: u32,
    top: u32,
    strip_height: u32,
}

/// The faces letters are drawn in, and the letters drawn so far.
pub struct Alphabet {
    fonts: Vec<FontVec>,
    drawn: Mutex<HashMap<(char, Place), DrawnBox>>,
}

impl Alphabet {
    pub fn load(faces: &[Face]) -> Result<Alphabet, FaceError> {
        if faces.is_empty() {
            return Err(FaceError::None);
        }
        let fonts = faces
            .iter()
            .map(|face| {
                let path = face.path.display().to_string();
                let bytes = std::fs::read(&face.path).map_err(|source| FaceError::Read { path: path.clone(), source })?;
                FontVec::try_from_vec_and_index(bytes, face.index).map_err(|_| FaceError::Parse { path, index: face.index })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Alphabet { fonts, drawn: Mutex::new(HashMap::new()) })
    }

    /// The alphabet of `faces`, loaded once per process (a CJK face is 20-30 MB). `None`,
    /// logged once, when a face cannot be loaded: seals are then identified by their OCR
    /// reading alone.
    pub fn shared(faces: &[Face]) -> Option<&'static Alphabet> {
        static SHARED: OnceLock<Mutex<HashMap<Vec<Face>, Option<&'static Alphabet>>>> = OnceLock::new();
        let mut loaded = SHARED.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
        *loaded.entry(faces.to_vec()).or_insert_with(|| match Alphabet::load(faces) {
            Ok(alphabet) => Some(Box::leak(Box::new(alphabet))),
            Err(error) => {
                tracing::warn!(%error, "seal letters will not be compared by shape");
                None
            }
        })
    }

    /// `letter` drawn in its box at every weight, in every face that has it. Drawn
    /// outside the cache's lock: workers checking several dossiers share the alphabet.
    fn drawn(&self, letter: char, place: Place) -> DrawnBox {
        if let Some(drawn) = self.drawn.lock().unwrap_or_else(|e| e.into_inner()).get(&(letter, place)) {
            return drawn.clone();
        }
        let drawn: DrawnBox = Arc::new(self.fonts.iter().filter_map(|font| draw(font, letter, place)).collect());
        let mut cache = self.drawn.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= CACHE_BOXES {
            cache.clear();
        }
        cache.entry((letter, place)).or_insert(drawn).clone()
    }
}

/// `letter` drawn in its em box scaled to the letter's box, at every weight, and narrowed
/// toward the ring as unwrapping narrows the seal's letters: an upright letter u wide at
/// radius ρ spans u/ρ of angle, so its outer rows come out narrower than its inner ones.
fn draw(font: &FontVec, letter: char, place: Place) -> Option<Vec<Drawn>> {
    let Place { w, h, top, strip_height } = place;
    let id = font.glyph_id(letter);
    if id.0 == 0 || w == 0 || h == 0 {
        return None;
    }
    let scaled = font.as_scaled(PxScale::from(DRAW_PX));
    let ascent = scaled.ascent();
    let em_w = scaled.h_advance(id).ceil().max(1.0) as u32;
    let em_h = (ascent - scaled.descent()).ceil().max(1.0) as u32;
    let outline = font.outline_glyph(id.with_scale_and_position(PxScale::from(DRAW_PX), ab_glyph::point(0.0, ascent)))?;
    let bounds = outline.px_bounds();
    let mut em = Ink::new(em_w, em_h);
    outline.draw(|x, y, coverage| {
        let (ex, ey) = (bounds.min.x as i64 + i64::from(x), bounds.min.y as i64 + i64::from(y));
        if (0..i64::from(em_w)).contains(&ex) && (0..i64::from(em_h)).contains(&ey) {
            em.put_pixel(ex as u32, ey as u32, Luma([coverage]));
        }
    });
    let boxed = image::imageops::resize(&em, w, h, image::imageops::FilterType::Triangle);
    let centre = super::unwrap::radius_at(f64::from(top) + f64::from(h) / 2.0, strip_height);
    let half = f64::from(w) / 2.0;
    let narrowed = ImageBuffer::from_fn(w, h, |x, y| {
        let narrowing = super::unwrap::radius_at(f64::from(top + y), strip_height) / centre;
        Luma([sample_row(&boxed, half + (f64::from(x) + 0.5 - half) * narrowing - 0.5, y)])
    });
    let mut weights = Vec::with_capacity(WEIGHTS as usize);
    let mut ink = narrowed;
    for _ in 0..WEIGHTS {
        weights.push(drawn(&ink));
        ink = thicken(&ink);
    }
    Some(weights)
}

/// The ink at fractional column `x` of row `y` (none off the image).
fn sample_row(ink: &Ink, x: f64, y: u32) -> f32 {
    let left = x.floor();
    let t = (x - left) as f32;
    let at = |c: f64| if c >= 0.0 && c < f64::from(ink.width()) { ink.get_pixel(c as u32, y).0[0] } else { 0.0 };
    at(left) * (1.0 - t) + at(left + 1.0) * t
}

/// One pixel thicker strokes: each pixel the most ink of its 3×3 neighbourhood (rows,
/// then columns).
fn thicken(ink: &Ink) -> Ink {
    let (w, h) = (ink.width() as usize, ink.height() as usize);
    let src = ink.as_raw();
    let mut across = vec![0.0f32; w * h];
    for y in 0..h {
        let row = &src[y * w..(y + 1) * w];
        for x in 0..w {
            across[y * w + x] = row[x.saturating_sub(1)..(x + 2).min(w)].iter().copied().fold(0.0, f32::max);
        }
    }
    let mut out = vec![0.0f32; w * h];
    for y in 0..h {
        for x in 0..w {
            out[y * w + x] = (y.saturating_sub(1)..(y + 2).min(h)).map(|sy| across[sy * w + x]).fold(0.0, f32::max);
        }
    }
    Ink::from_raw(ink.width(), ink.height(), out).unwrap_or_else(|| ink.clone())
}

fn drawn(ink: &Ink) -> Drawn {
    let mut v: Vec<f32> = image::imageops::blur(ink, BLUR).into_raw();
    let coverage = v.iter().sum::<f32>() / v.len().max(1) as f32;
    v.iter_mut().for_each(|x| *x -= coverage);
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    Drawn { coverage, v }
}

/// The ink of a strip (ink dark on white), stretched between two of its quantiles.
fn ink_of(strip: &GrayImage) -> Ink {
    let mut levels: Vec<u8> = strip.pixels().map(|p| p.0[0]).collect();
    levels.sort_unstable();
    // Ink is 1 − grey: the paper quantile is a high grey, the strokes' a low one.
    let at = |q: f32| levels.get(((levels.len().saturating_sub(1)) as f32 * (1.0 - q)) as usize).map_or(0.0, |g| 1.0 - f32::from(*g) / 255.0);
    let (paper, stroke) = (at(PAPER_QUANTILE), at(STROKE_QUANTILE));
    let span = if stroke > paper { stroke - paper } else { 1.0 };
    let base = if stroke > paper { paper } else { 0.0 };
    ImageBuffer::from_fn(strip.width(), strip.height(), |x, y| Luma([((1.0 - f32::from(strip.get_pixel(x, y).0[0]) / 255.0 - base) / span).clamp(0.0, 1.0)]))
}

/// Columns of the strip between which its text lies (the ink's extent without its tails).
fn extent(columns: &[f32]) -> Option<(u32, u32)> {
    let total: f32 = columns.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let mut seen = 0.0;
    let (mut from, mut to) = (None, None);
    for (x, c) in columns.iter().enumerate() {
        seen += c;
        if from.is_none() && seen > EXTENT_TAIL * total {
            from = Some(x as u32);
        }
        if to.is_none() && seen >= (1.0 - EXTENT_TAIL) * total {
            to = Some(x as u32 + 1);
        }
    }
    Some((from?, to?)).filter(|(a, b)| b > a)
}

/// Rows of the letters between columns `from` and `to`: those with a good share of the
/// inkiest row's ink (the ring's edge and stray specks are fainter rows above or below).
fn band(ink: &Ink, from: u32, to: u32) -> (u32, u32) {
    let rows: Vec<f32> = (0..ink.height()).map(|y| (from..to).map(|x| ink.get_pixel(x, y).0[0]).sum()).collect();
    let most = rows.iter().copied().fold(0.0, f32::max);
    let inked: Vec<u32> = rows.iter().enumerate().filter(|(_, r)| most > 0.0 && **r >= BAND_ROW * most).map(|(y, _)| y as u32).collect();
    match (inked.first(), inked.last()) {
        (Some(&top), Some(&bottom)) => (top, bottom + 1),
        _ => (0, ink.height()),
    }
}

/// Where the letters of a name lie on the strip: the first box's left column, the step
/// from one box to the next, and the boxes' width.
#[derive(Debug, Clone, Copy)]
struct Layout {
    left: f64,
    step: f64,
    width: u32,
}

impl Layout {
    fn at(&self, place: usize) -> i64 {
        (self.left + self.step * place as f64).round() as i64
    }
}

/// A strip's letters, compared with drawn ones where a name of so many letters puts them.
pub struct Letters {
    /// The strip's ink, smoothed as the drawn letters are.
    ink: Ink,
    /// Columns the text spans and rows the letters' band spans.
    extent: Option<(u32, u32)>,
    band: (u32, u32),
    /// (letter, box width, left column) → likeness of the letter in the box there.
    likeness: HashMap<(char, u32, i64), f32>,
}

impl Letters {
    pub fn new(strip: &GrayImage) -> Letters {
        let raw = ink_of(strip);
        let columns: Vec<f32> = (0..raw.width()).map(|x| (0..raw.height()).map(|y| raw.get_pixel(x, y).0[0]).sum()).collect();
        let extent = extent(&columns);
        let band = extent.map_or((0, raw.height()), |(from, to)| band(&raw, from, to));
        Letters { ink: image::imageops::blur(&raw, BLUR), extent, band, likeness: HashMap::new() }
    }

    /// The even layout of `count` letters over the text's extent: the first box starts at
    /// its left end, the last ends at its right end.
    fn even(&self, count: usize) -> Option<Layout> {
        let (from, to) = self.extent?;
        let span = f64::from(to - from);
        let h = self.band.1.saturating_sub(self.band.0);
        let pitch = span / count.max(1) as f64;
        let width = (pitch * WIDTH_OF_PITCH).min(f64::from(h) * WIDTH_OF_HEIGHT).round().max(1.0) as u32;
        let step = if count > 1 { (span - f64::from(width)) / (count - 1) as f64 } else { 0.0 };
        Some(Layout { left: f64::from(from), step, width })
    }

    /// The layout, the even one stretched a little, under which `letters` (`None` for
    /// places not to fit on) look most like themselves: the text's ends are known to a few
    /// pixels only, and the letters two names share lay out both.
    fn fit(&mut self, letters: &[Option<char>], alphabet: &Alphabet) -> Option<Layout> {
        let even = self.even(letters.len())?;
        let mut best: Option<(f32, Layout)> = None;
        for stretch in STRETCHES {
            let layout = Layout { step: even.step * stretch, ..even };
            let total: f32 = letters.iter().enumerate().filter_map(|(place, l)| l.map(|l| self.near(l, &layout, place, alphabet))).sum();
            if best.is_none_or(|(t, _)| total > t) {
                best = Some((total, layout));
            }
        }
        best.map(|(_, layout)| layout)
    }

    /// Likeness of `letter` in its place under `layout`, give or take [`NUDGE`] columns.
    fn near(&mut self, letter: char, layout: &Layout, place: usize, alphabet: &Alphabet) -> f32 {
        let x = layout.at(place);
        (-NUDGE..=NUDGE).step_by(NUDGE_STEP).map(|dx| self.likeness_at(letter, layout.width, x + dx, alphabet)).fold(0.0, f32::max)
    }

    fn likeness_at(&mut self, letter: char, width: u32, left: i64, alphabet: &Alphabet) -> f32 {
        if let Some(l) = self.likeness.get(&(letter, width, left)) {
            return *l;
        }
        let (top, bottom) = self.band;
        let h = bottom.saturating_sub(top);
        let drawn = alphabet.drawn(letter, Place { w: width, h, top, strip_height: self.ink.height() });
        let best = self.window(left, top, width, h).map_or(0.0, |window| drawn.iter().map(|weights| likeness(&window, weights)).fold(0.0, f32::max));
        self.likeness.insert((letter, width, left), best);
        best
    }

    /// How much each letter of `name` looks like the strip's letter in its place, in
    /// [0, 1], under the layout that suits `name` best.
    pub fn scores(&mut self, name: &str, alphabet: &Alphabet) -> Vec<f64> {
        let letters: Vec<char> = super::read::cjk_only(name).chars().collect();
        let fit_on: Vec<Option<char>> = letters.iter().copied().map(Some).collect();
        self.scores_under(&letters, &fit_on, alphabet)
    }

    /// Scores of `letters` under the layout fitted on `fit_on`.
    fn scores_under(&mut self, letters: &[char], fit_on: &[Option<char>], alphabet: &Alphabet) -> Vec<f64> {
        let Some(layout) = self.fit(fit_on, alphabet) else { return vec![0.0; letters.len()] };
        letters.iter().enumerate().map(|(place, &l)| f64::from(self.near(l, &layout, place, alphabet))).collect()
    }

    /// The smoothed ink in the `w`×`h` box at column `x0`, row `y0` (`None` off the strip
    /// or without ink).
    fn window(&self, x0: i64, y0: u32, w: u32, h: u32) -> Option<Window> {
        let x0 = u32::try_from(x0).ok()?;
        if x0.checked_add(w)? > self.ink.width() || y0.checked_add(h)? > self.ink.height() {
            return None;
        }
        let (stride, raw) = (self.ink.width() as usize, self.ink.as_raw());
        let mut v = Vec::with_capacity((w * h) as usize);
        for y in y0 as usize..(y0 + h) as usize {
            let start = y * stride + x0 as usize;
            v.extend_from_slice(&raw[start..start + w as usize]);
        }
        let mean = v.iter().sum::<f32>() / v.len().max(1) as f32;
        let norm = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f32>().sqrt();
        (norm > 0.0).then_some(Window { v, mean, norm })
    }
}

struct Window {
    v: Vec<f32>,
    mean: f32,
    norm: f32,
}

/// Correlation of a window of the strip with a drawn letter at the stroke weight whose
/// mean ink is nearest the window's.
fn likeness(window: &Window, weights: &[Drawn]) -> f32 {
    let Some(d) = weights.iter().min_by(|a, b| (a.coverage - window.mean).abs().total_cmp(&(b.coverage - window.mean).abs())) else { return 0.0 };
    // `d.v` has mean 0: the window's mean drops out of the product.
    window.v.iter().zip(&d.v).map(|(x, y)| x * y).sum::<f32>() / window.norm
}

/// How much better the strip looks like `name` than like `other`, in [-1, 1]: the mean
/// likeness of the letters of `name` that `other` lacks, less that of the letters of
/// `other` that `name` lacks. Two names as long as each other (the bureaus share
/// 市人力资源和社会保障局 letter for letter) are laid out by their shared letters and
/// compared on the others. Names of other lengths are each laid out on their own and
/// compared on what lies between their common beginning and ending (沈阳 against 葫芦岛):
/// letters both names carry fit the strip under either layout and would only dilute
/// the difference.
pub fn evidence(letters: &mut Letters, alphabet: &Alphabet, name: &str, other: &str) -> f64 {
    let a: Vec<char> = super::read::cjk_only(name).chars().collect();
    let b: Vec<char> = super::read::cjk_only(other).chars().collect();
    if a.len() == b.len() {
        let shared: Vec<Option<char>> = a.iter().zip(&b).map(|(x, y)| (x == y).then_some(*x)).collect();
        if shared.iter().flatten().count() >= MIN_SHARED {
            let (sa, sb) = (letters.scores_under(&a, &shared, alphabet), letters.scores_under(&b, &shared, alphabet));
            let own = |place: usize| shared.get(place).is_some_and(Option::is_none);
            return mean_where(&sa, own) - mean_where(&sb, own);
        }
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count().min(a.len().min(b.len()) - prefix);
    let (sa, sb) = (letters.scores(name, alphabet), letters.scores(other, alphabet));
    let common = prefix + suffix >= MIN_SHARED;
    let own = |len: usize| move |place: usize| !common || (place >= prefix && place < len - suffix);
    mean_where(&sa, own(a.len())) - mean_where(&sb, own(b.len()))
}

fn mean_where(scores: &[f64], keep: impl Fn(usize) -> bool) -> f64 {
    let kept: Vec<f64> = scores.iter().enumerate().filter(|(i, _)| keep(*i)).map(|(_, s)| *s).collect();
    if kept.is_empty() {
        0.0
    } else {
        kept.iter().sum::<f64>() / kept.len() as f64
    }
}

/// The shape evidence for `expected` against each of `others` (see [`evidence`]).
pub fn margins<'o>(letters: &mut Letters, alphabet: &Alphabet, expected: &str, others: &[&'o str]) -> Vec<(&'o str, f64)> {
    others.iter().filter(|o| super::read::cjk_only(o) != super::read::cjk_only(expected)).map(|o| (*o, evidence(letters, alphabet, expected, o))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIELING: &str = "铁岭市人力资源和社会保障局";
    const PANJIN: &str = "盘锦市人力资源和社会保障局";
    const UNIT: &str = "本溪市钢城技工学校";

    fn alphabet() -> &'static Alphabet {
        let faces = crate::config::SealSettings::default().letter_faces;
        Alphabet::shared(&faces).expect("the default letter faces load (install fonts-noto-cjk, fonts-arphic-uming, fonts-wqy-zenhei)")
    }

    /// `name` set evenly along a strip as the unwrapping gives it (44-pixel letters, ink
    /// dark on white), in `face`, optionally smeared as worn ink is.
    fn strip(name: &str, face: &Face, smear: u32) -> GrayImage {
        let bytes = std::fs::read(&face.path).expect("face file");
        let font = FontVec::try_from_vec_and_index(bytes, face.index).expect("face parses");
        let letters: Vec<char> = name.chars().collect();
        let (height, pitch, left) = (66u32, 40.0f32, 30.0f32);
        let width = (left * 2.0 + pitch * letters.len() as f32) as u32;
        let mut ink = Ink::new(width, height);
        for (i, c) in letters.iter().enumerate() {
            let glyph = font.glyph_id(*c).with_scale_and_position(PxScale::from(44.0), ab_glyph::point(left + pitch * i as f32, 48.0));
            let Some(outline) = font.outline_glyph(glyph) else { continue };
            let b = outline.px_bounds();
            outline.draw(|x, y, v| {
                let (px, py) = (b.min.x as i64 + i64::from(x), b.min.y as i64 + i64::from(y));
                if (0..i64::from(width)).contains(&px) && (0..i64::from(height)).contains(&py) {
                    let p = ink.get_pixel_mut(px as u32, py as u32);
                    p.0[0] = p.0[0].max(v);
                }
            });
        }
        for _ in 0..smear {
            ink = thicken(&ink);
        }
        ImageBuffer::from_fn(width, height, |x, y| Luma([(255.0 * (1.0 - ink.get_pixel(x, y).0[0])) as u8]))
    }

    fn serif() -> Face {
        Face { path: "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc".into(), index: 2 }
    }

    #[test]
    fn a_bureau_is_told_from_another_by_its_city_letters() {
        let a = alphabet();
        for smear in [0, 2] {
            let mut letters = Letters::new(&strip(TIELING, &serif(), smear));
            let margin = evidence(&mut letters, a, TIELING, PANJIN);
            assert!(margin > 0.1, "smear {smear}: 铁岭 over 盘锦 by {margin:.3}");
            let reverse = evidence(&mut letters, a, PANJIN, TIELING);
            assert!(reverse < -0.1, "smear {smear}: 盘锦 over 铁岭 by {reverse:.3}");
        }
    }

    #[test]
    fn names_of_other_lengths_are_compared_under_their_own_layout() {
        let a = alphabet();
        let mut letters = Letters::new(&strip(UNIT, &serif(), 1));
        for (other, margin) in margins(&mut letters, a, UNIT, &[TIELING, PANJIN, UNIT, "沈抚示范区党建工作部"]) {
            assert!(margin > 0.1, "{UNIT} over {other} by {margin:.3}");
        }
        let mut letters = Letters::new(&strip(TIELING, &serif(), 1));
        assert!(evidence(&mut letters, a, UNIT, TIELING) < 0.0);
    }

    #[test]
    fn a_face_not_among_the_templates_still_names_the_bureau() {
        // AR PL UKai (楷体) is not one of the configured faces.
        let kai = Face { path: "/usr/share/fonts/truetype/arphic/ukai.ttc".into(), index: 0 };
        let mut letters = Letters::new(&strip(TIELING, &kai, 1));
        let margin = evidence(&mut letters, alphabet(), TIELING, PANJIN);
        assert!(margin > 0.0, "铁岭 over 盘锦 by {margin:.3} in 楷体");
    }

    #[test]
    fn a_blank_strip_favours_nobody() {
        let blank = GrayImage::from_pixel(400, 66, Luma([255]));
        let mut letters = Letters::new(&blank);
        assert_eq!(evidence(&mut letters, alphabet(), TIELING, PANJIN), 0.0);
        assert_eq!(evidence(&mut letters, alphabet(), UNIT, PANJIN), 0.0);
    }

    #[test]
    fn a_missing_face_is_an_error_not_a_panic() {
        let missing = Face { path: "/nonexistent/face.ttc".into(), index: 0 };
        assert!(matches!(Alphabet::load(&[missing]), Err(FaceError::Read { .. })));
        assert!(matches!(Alphabet::load(&[]), Err(FaceError::None)));
    }
}

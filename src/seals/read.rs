//! Reading a seal: OCR of the unwrapped ring strip (chi_sim, one text line) and the
//! OCR-noise tolerant comparison of what was read with the body that must have stamped.
//!
//! [`ocr_line`] keeps its own single-line chi_sim engine per thread (initialising chi_sim
//! costs far more than reading a strip; the page engines of `extract/ocr.rs` run in page
//! segmentation mode).

use std::cell::RefCell;

use std::time::Duration;

use image::GrayImage;

use crate::domain::names::place_letters;
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

/// A strip's pixel this dark or darker is ink, for finding where the line begins and ends.
const INK_LEVEL: u8 = 128;

/// Reads one line of Chinese from a strip (ink dark on white). Blank columns beyond a
/// strip's height of white at either end of the ink are left out: Tesseract's time grows
/// with the line's length, and a ring's strip spans 300° around a name that fills less.
/// Cut flush with the ink, the strip read worse (the corpus' readings named 41 seals,
/// not 43, and missed defect-13's wrong seal); with that margin the readings of all three
/// seal sets are unchanged.
pub fn ocr_line(strip: &GrayImage) -> Result<Line, OcrError> {
    let (w, h) = strip.dimensions();
    let inked = |x: &u32| (0..h).any(|y| strip.get_pixel(*x, y).0[0] <= INK_LEVEL);
    let first = (0..w).find(inked).unwrap_or(0).saturating_sub(h);
    let end = (first..w).rev().find(inked).map_or(w, |x| (x + 1 + h).min(w));
    let (pw, ph) = (end - first + 2 * PAD, h + 2 * PAD);
    let mut frame = vec![255u8; (pw * ph) as usize];
    for y in 0..h {
        for x in first..end {
            frame[((y + PAD) * pw + x - first + PAD) as usize] = strip.get_pixel(x, y).0[0];
        }
    }
    let frame = GrayImage::from_raw(pw, ph, frame).ok_or_else(|| OcrError::Image("strip size".into()))?;
    ENGINE.with(|slot| {
        let mut slot = slot.borrow_mut();
        let mut engine = match slot.take() {
            Some(engine) => engine,
            None => strip_engine()?,
        };
        engine.recognise(&frame, 300, SegMode::SINGLE_LINE, STRIP_LIMIT).map_err(|e| OcrError::Recognise(e.to_string()))?;
        let text = engine.text().map_err(|e| OcrError::Recognise(e.to_string()))?;
        let confidence = (engine.mean_confidence() as f64 / 100.0).clamp(0.0, 1.0);
        *slot = Some(engine);
        Ok(Line { text, confidence })
    })
}

/// An engine for strips. A line Tesseract reads with low confidence is read a second time
/// inverted (light ink on dark), and a worn ring always reads with low confidence: that
/// second reading doubled the cost of most rings and can read nothing a strip does not
/// already show the right way round (the strip is drawn dark on white).
fn strip_engine() -> Result<Engine, OcrError> {
    let mut engine = Engine::new("chi_sim").map_err(|e| OcrError::Init(e.to_string()))?;
    engine.set_variable("tessedit_do_invert", "0").map_err(|e| OcrError::Init(e.to_string()))?;
    Ok(engine)
}

/// The Chinese letters of an OCR result (a seal's name has no Latin, digits or spaces;
/// Tesseract's stray marks around the star and the ring go).
pub fn cjk_only(text: &str) -> String {
    text.chars().filter(|c| is_cjk(*c)).collect()
}

pub fn is_cjk(c: char) -> bool {
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

/// Letters of `name` that a best semi-global alignment with `read` pairs with the same
/// letter (the letters of the name actually read, in their place), as (position in
/// `name`, position in `read`), last first.
fn matched_letters(read: &[char], name: &[char]) -> Vec<(usize, usize)> {
    let (n, m) = (name.len(), read.len());
    // d[i][j]: edit cost of name[..i] against read[..j] with a free start in `read`.
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for i in 1..=n {
        for j in 1..=m {
            let sub = d[i - 1][j - 1] + usize::from(name[i - 1] != read[j - 1]);
            d[i][j] = sub.min(d[i - 1][j] + 1).min(d[i][j - 1] + 1);
        }
    }
    let Some(mut j) = (0..=m).min_by_key(|&j| d[n][j]) else { return Vec::new() };
    let mut i = n;
    let mut matched = Vec::new();
    while i > 0 && j > 0 {
        let same = name[i - 1] == read[j - 1];
        if d[i][j] == d[i - 1][j - 1] + usize::from(!same) {
            if same {
                matched.push((i - 1, j - 1));
            }
            i -= 1;
            j -= 1;
        } else if d[i][j] == d[i - 1][j] + 1 {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    matched
}

/// How many letters of `name` that `other` lacks are read in their place, best over the
/// readings: the evidence for `name` against `other`. The letters both share (the
/// bureaus' common 市人力资源和社会保障局, or 本溪 for two bodies of one city) tell
/// nothing about which of the two stamped.
pub fn distinct_hits(readings: &[String], name: &str, other: &str) -> usize {
    distinct(readings, name, other).0
}

/// (letters, longest run): [`distinct_hits`], and the longest run of them read one after
/// the other as they stand in `name` (大连 read as 大连, 中心 as 中心).
fn distinct(readings: &[String], name: &str, other: &str) -> (usize, usize) {
    let name: Vec<char> = cjk_only(name).chars().collect();
    let other: Vec<char> = cjk_only(other).chars().collect();
    let mut best = (0, 0);
    for r in readings {
        let read: Vec<char> = cjk_only(r).chars().collect();
        let hits: Vec<(usize, usize)> = matched_letters(&read, &name).into_iter().filter(|&(i, _)| !other.contains(&name[i])).collect();
        // `hits` runs backwards: a run is a chain of (i, j) → (i − 1, j − 1).
        let (mut run, mut longest) = (0, 0);
        for (k, &(i, j)) in hits.iter().enumerate() {
            let chained = k > 0 && hits[k - 1] == (i + 1, j + 1);
            run = if chained { run + 1 } else { 1 };
            longest = longest.max(run);
        }
        best = (best.0.max(hits.len()), best.1.max(longest));
    }
    best
}

/// Whose seal a ring is, among the bodies that could have stamped.
#[derive(Debug, Clone, PartialEq)]
pub enum Identified {
    /// The expected body: its name read well, its letters' shapes favoured over every
    /// other known body's, or its own letters read where every other body's are not.
    Expected,
    /// Another known body, clearly, and on what evidence.
    Other(String, Basis),
    /// Too little read to tell (worn ink, letters under a signature).
    Unsure,
}

/// What named another body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Its own letters read side by side, none of the expected body's.
    Reading,
    /// The ring's letters look clearly more like its name than the expected body's.
    Shape,
}

/// How sure [`identify`] must be.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Fuzzy score ([`issuer_score`]) at which a reading names the expected body outright.
    pub name_score: f64,
    /// Letters of another body, absent from the expected one, that must be read one
    /// after the other, as they stand in its name, before the seal is said to be that
    /// body's.
    pub other_letters: usize,
    /// Letters a reading needs before it may name another body.
    pub min_letters: usize,
    /// Letter-shape evidence ([`super::letters::evidence`]) by which the expected body
    /// must beat every other candidate to be recognised by shape.
    pub shape_margin: f64,
    /// Letter-shape evidence by which another body must beat the expected one to be named
    /// by shape; the same margin for the expected body overrules a reading naming another.
    pub shape_accuse: f64,
    /// Letters other bodies' names are made of, and the share of a bureau's places where
    /// its own letters must look more like the strip than these for its shapes to
    /// recognise its seal (`whose::identify`).
    pub background: Vec<char>,
    pub own_letters_share: f64,
}

impl Rules {
    /// The rules of the `[seals]` settings.
    pub fn of(settings: &crate::config::SealSettings) -> Rules {
        Rules {
            name_score: settings.issuer_match,
            other_letters: settings.issuer_other_letters,
            min_letters: settings.min_read_letters,
            shape_margin: settings.shape_margin,
            shape_accuse: settings.shape_accuse,
            background: settings.background_letters.chars().collect(),
            own_letters_share: settings.own_letters_share,
        }
    }
}

/// Closed-set identification of a seal from its readings and, when the letters could be
/// compared by shape, its shape margins (`(other, evidence for the expected body against
/// it)` per other candidate): the body that stamped is one of `candidates` (the bureaus
/// of the rules file and the units on the form), so a seal is judged by what tells
/// `expected` from each of them, not by how much of the whole name survived the ink.
///
/// Every way of recognising the expected body is tried before any accusation: a reading
/// that names it, shapes that favour it over every other candidate, or more of its own
/// letters read than any other candidate has against it; a reading recognises it only
/// where it also shows a letter of the body's place ([`reads_place`]). Another body is
/// named on two of its own letters read side by side as in its name (大连, 中心) and none
/// of the expected body's, unless the shapes clearly favour the expected body: one letter is too
/// often a misreading (人 read as 大 makes a 大连 out of any bureau), and two scattered
/// ones happen by chance in garbage (本…和 in a worn unit seal is no 本溪 bureau). The
/// shapes alone name another body only by a clear margin.
pub fn identify(readings: &[String], expected: &str, candidates: &[&str], rules: &Rules, shapes: Option<&[(&str, f64)]>) -> Identified {
    let others = others_than(expected, candidates);
    let shape_margin = |other: &str| shapes.and_then(|m| m.iter().find(|(o, _)| cjk_only(o) == cjk_only(other)).map(|(_, v)| *v));
    let letters = readings.iter().map(|r| cjk_only(r).chars().count()).max().unwrap_or(0);
    let read_accused = if letters >= rules.min_letters {
        others
            .iter()
            .map(|o| (distinct(readings, o, expected), distinct_hits(readings, expected, o), *o))
            .filter(|&((_, run), ours, o)| run >= rules.other_letters && ours == 0 && shape_margin(o).is_none_or(|m| m < rules.shape_accuse))
            .max_by_key(|&((theirs, _), _, _)| theirs)
            .map(|(_, _, o)| o)
    } else {
        None
    };
    if let Some(other) = read_accused {
        return Identified::Other(other.to_string(), Basis::Reading);
    }
    // Checked after the accusation: a neighbour's seal read well still scores about 0.6
    // against the expected bureau, whose 11 shared letters it carries.
    // The rest of a name is what other bodies' names are made of too (市人力资源和社会保障局
    // for every bureau, 职业技能培训 for many units): without its place, a reading
    // recognises nobody (the seed-11 set: 11 of 280 unlisted units' seals on a listed
    // unit's materials were taken for the listed unit's on such readings).
    let place = place_of(expected, candidates);
    let place_read = readings.iter().any(|r| reads_place(r, expected, &place));
    if place_read && readings.iter().any(|r| issuer_score(r, expected) >= rules.name_score) {
        return Identified::Expected;
    }
    if shapes.is_some_and(|m| shapes_recognise(expected, candidates, rules, m)) {
        return Identified::Expected;
    }
    if place_read && !others.is_empty() && others.iter().all(|o| distinct_hits(readings, expected, o) > distinct_hits(readings, o, expected)) {
        return Identified::Expected;
    }
    let shape_accused = others.iter().filter_map(|o| shape_margin(o).map(|m| (*o, m))).filter(|(_, m)| *m <= -rules.shape_accuse).min_by(|a, b| a.1.total_cmp(&b.1));
    match shape_accused {
        Some((other, _)) => Identified::Other(other.to_string(), Basis::Shape),
        None => Identified::Unsure,
    }
}

/// Whether `read` shows a letter of `name`'s `place` ([`place_of`]) in its place (沈阳 of
/// 沈阳市…): the rest of a name (市人力资源和社会保障局, 职业技能培训学校) is what every
/// bureau's, or many units', is made of. A name without a place passes.
fn reads_place(read: &str, name: &str, place: &[(usize, char)]) -> bool {
    let name: Vec<char> = cjk_only(name).chars().collect();
    let read: Vec<char> = cjk_only(read).chars().collect();
    place.is_empty() || matched_letters(&read, &name).iter().any(|(i, _)| place.iter().any(|(p, _)| p == i))
}

/// The letters of `name`'s place: up to its 市, 区 or the like, or, for a name whose place
/// has none (大连阳光家政服务职业培训学校), the longest place of a candidate it begins
/// with (大连 of the 大连 bureau's name).
fn place_of(name: &str, candidates: &[&str]) -> Vec<(usize, char)> {
    let name = cjk_only(name);
    let own = place_letters(&name);
    if !own.is_empty() {
        return own;
    }
    let letters: Vec<char> = name.chars().collect();
    candidates
        .iter()
        .map(|c| place_letters(&cjk_only(c)))
        .filter(|place| !place.is_empty() && place.iter().all(|&(i, letter)| letters.get(i) == Some(&letter)))
        .max_by_key(Vec::len)
        .unwrap_or_default()
}

/// The candidates other than `expected`.
fn others_than<'c>(expected: &str, candidates: &[&'c str]) -> Vec<&'c str> {
    candidates.iter().copied().filter(|c| cjk_only(c) != cjk_only(expected) && !c.is_empty()).collect()
}

/// Whether the letters' shapes recognise `expected`: it looks more like the strip than
/// every other candidate does, by more than `shape_margin` (`margins` from
/// [`super::letters::margins`]).
pub fn shapes_recognise(expected: &str, candidates: &[&str], rules: &Rules, margins: &[(&str, f64)]) -> bool {
    let others = others_than(expected, candidates);
    !others.is_empty()
        && others.iter().all(|o| margins.iter().find(|(m, _)| cjk_only(m) == cjk_only(o)).is_some_and(|(_, margin)| *margin > rules.shape_margin))
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


    fn rules() -> Rules {
        Rules { name_score: 0.6, other_letters: 2, min_letters: 6, shape_margin: 0.0, shape_accuse: 0.15, background: Vec::new(), own_letters_share: 0.2 }
    }

    const BUREAUS: [&str; 3] = ["沈阳市人力资源和社会保障局", "大连市人力资源和社会保障局", "丹东市人力资源和社会保障局"];

    #[test]
    fn one_city_letter_read_in_place_identifies_the_bureau() {
        let read = vec!["月东市人为资源机社会保不风".to_string()];
        assert_eq!(identify(&read, "丹东市人力资源和社会保障局", &BUREAUS, &rules(), None), Identified::Expected);
    }

    #[test]
    fn another_citys_two_letters_name_that_city() {
        let read = vec!["大连市人尹资源和会保税局".to_string()];
        assert_eq!(identify(&read, "沈阳市人力资源和社会保障局", &BUREAUS, &rules(), None), Identified::Other("大连市人力资源和社会保障局".into(), Basis::Reading));
    }

    #[test]
    fn a_single_misread_letter_accuses_nobody() {
        // 人 misread as 大: one letter of 大连, not enough.
        let read = vec!["名信访大福需涡汪会全全局".to_string()];
        assert_eq!(identify(&read, "沈阳市人力资源和社会保障局", &BUREAUS, &rules(), None), Identified::Unsure);
    }

    #[test]
    fn a_unit_seal_on_a_bureau_document_is_named() {
        let candidates = ["本溪市人力资源和社会保障局", "沈阳市人力资源和社会保障局", "本溪市医药行业协会培训中心"];
        let read = vec!["章基阅本相助六着中心一".to_string()];
        assert_eq!(identify(&read, "本溪市人力资源和社会保障局", &candidates, &rules(), None), Identified::Other("本溪市医药行业协会培训中心".into(), Basis::Reading));
    }

    #[test]
    fn two_scattered_letters_name_nobody() {
        // A worn seal of a unit the form does not name: 本 and 和 of a bureau, apart.
        let candidates = ["本溪市人力资源和社会保障局", "丹东市人力资源和社会保障局", "丹东市烹饪协会职业技能培训学校"];
        let read = vec!["髓条本六兴区击光如和起说胜投".to_string()];
        assert_eq!(identify(&read, "丹东市烹饪协会职业技能培训学校", &candidates, &rules(), None), Identified::Unsure);
    }

    #[test]
    fn too_short_a_reading_names_nobody_else() {
        assert_eq!(identify(&["大连".to_string()], "沈阳市人力资源和社会保障局", &BUREAUS, &rules(), None), Identified::Unsure);
    }

    #[test]
    fn shapes_favouring_the_expected_body_over_every_other_recognise_it() {
        let garbage = vec!["匆叭人人力记醒环计社保司属".to_string()];
        let shapes = [(BUREAUS[1], 0.04), (BUREAUS[2], 0.11)];
        assert_eq!(identify(&garbage, BUREAUS[0], &BUREAUS, &rules(), Some(&shapes)), Identified::Expected);
        // One other body the shapes could not be compared with: no recognition by shape.
        assert_eq!(identify(&garbage, BUREAUS[0], &BUREAUS, &rules(), Some(&shapes[..1])), Identified::Unsure);
        // Nor when one other body looks as much like it.
        assert_eq!(identify(&garbage, BUREAUS[0], &BUREAUS, &rules(), Some(&[(BUREAUS[1], 0.0), (BUREAUS[2], 0.11)])), Identified::Unsure);
    }

    #[test]
    fn shapes_name_another_body_only_by_a_clear_margin() {
        let garbage = vec!["匆叭人人力记醒环计社保司属".to_string()];
        let unsure = [(BUREAUS[1], -0.08), (BUREAUS[2], 0.05)];
        assert_eq!(identify(&garbage, BUREAUS[0], &BUREAUS, &rules(), Some(&unsure)), Identified::Unsure);
        let clear = [(BUREAUS[1], -0.2), (BUREAUS[2], 0.05)];
        assert_eq!(identify(&garbage, BUREAUS[0], &BUREAUS, &rules(), Some(&clear)), Identified::Other(BUREAUS[1].to_string(), Basis::Shape));
    }

    #[test]
    fn shapes_clearly_for_the_expected_body_overrule_a_reading_naming_another() {
        let read = vec!["大连市人尹资源和会保税局".to_string()];
        let shapes = [(BUREAUS[1], 0.2), (BUREAUS[2], 0.2)];
        assert_eq!(identify(&read, BUREAUS[0], &BUREAUS, &rules(), Some(&shapes)), Identified::Expected);
    }

    /// The letters every bureau's name carries name no bureau: 市人力资源和社会保障局 read
    /// in full, the city unread, scores 0.85 against any of them.
    #[test]
    fn a_reading_without_the_place_recognises_no_bureau() {
        let cityless = vec!["口冈市人力资源和社会保障局".to_string()];
        assert!(issuer_score(&cityless[0], BUREAUS[0]) > 0.8);
        assert_eq!(identify(&cityless, BUREAUS[0], &BUREAUS, &rules(), None), Identified::Unsure);
        let one_letter = vec!["口阳市人力资源和社会保障局".to_string()];
        assert_eq!(identify(&one_letter, BUREAUS[0], &BUREAUS, &rules(), None), Identified::Expected);
    }

    /// Another unit's seal read well, on a listed unit's materials: more of the listed
    /// unit's letters (市职业技能培训) are read against every other candidate than that
    /// candidate's against it, but its place is not the listed unit's.
    #[test]
    fn another_units_reading_sharing_its_trade_is_not_the_listed_units() {
        let listed = "锦州市职业技能培训中心";
        let candidates = [BUREAUS[0], BUREAUS[1], "抚顺市人力资源和社会保障局", listed];
        let read = vec!["抚顺市东方职业技能培训学校".to_string()];
        for other in others_than(listed, &candidates) {
            assert!(distinct_hits(&read, listed, other) > distinct_hits(&read, other, listed), "{other}");
        }
        assert_eq!(identify(&read, listed, &candidates, &rules(), None), Identified::Unsure);
        let own = vec!["锦州市职业技能培训中心".to_string()];
        assert_eq!(identify(&own, listed, &candidates, &rules(), None), Identified::Expected);
    }

    /// A name whose place has no 市: its place is the bureau's it begins with.
    #[test]
    fn a_place_without_its_city_word_is_the_bureaus_it_begins_with() {
        let listed = "大连阳光家政服务职业培训学校";
        let candidates = [BUREAUS[0], BUREAUS[1], "抚顺市人力资源和社会保障局", listed];
        assert_eq!(place_of(listed, &candidates), vec![(0, '大'), (1, '连')]);
        let other_unit = vec!["抚顺市东方职业技能培训学校".to_string()];
        assert!(distinct_hits(&other_unit, listed, BUREAUS[0]) > distinct_hits(&other_unit, BUREAUS[0], listed));
        assert_eq!(identify(&other_unit, listed, &candidates, &rules(), None), Identified::Unsure);
        let own = vec!["大连阳光家政服务职业培训学校".to_string()];
        assert_eq!(identify(&own, listed, &candidates, &rules(), None), Identified::Expected);
    }

    #[test]
    fn empty_reading_scores_zero() {
        assert_eq!(issuer_score("", "沈阳市人力资源和社会保障局"), 0.0);
    }
}

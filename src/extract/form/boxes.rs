//! Checkbox states from the pixels of the scanned form, where OCR glyphs cannot be
//! trusted: on the corpus's scans Tesseract read an empty box as 口, 回, 加, 器 or 品 and a
//! ticked one as 回, 加, 四, 国 or 研 — the same glyph meaning either state.
//!
//! For each option found in the OCR words, the box is looked for just left of the
//! option's text, in a window about two text heights wide; the dark pixels' bounding
//! box there is the box, and the share of dark pixels in its inner half decides: an
//! empty box has ink only on its border, a ticked (☑ √) or filled (■) one has ink inside.
//! The image should be the one OCR read (the red channel when seals were suppressed,
//! so that red seal ink over a box does not count as a tick).

use image::GrayImage;

use crate::domain::compact;
use crate::extract::{Checkbox, Word};

/// Least difference between paper and the darkest pixel for a window to hold ink.
const MIN_CONTRAST: u8 = 50;
/// Share of ink in the box's inner half above which the box is ticked.
const TICKED: f64 = 0.06;

/// The state of each option's box, from the image: (option, ticked, box x, y, w, h).
pub fn box_states(words: &[Word], image: &GrayImage, options: &[String]) -> Vec<(String, bool, [u32; 4])> {
    let h = text_height(words);
    let mut out = Vec::new();
    for option in options {
        let want = compact(option);
        // The option's words may also occur elsewhere (行业 in 品牌行业或职业): the
        // occurrence with a box before it is the option.
        let judged = option_starts(words, &want).into_iter().find_map(|(x, yc)| judge(image, x, yc, h));
        if let Some((ticked, bbox)) = judged {
            out.push((option.clone(), ticked, bbox));
        }
    }
    out
}

/// Overrides the glyph-read states of `boxes` with the image's verdicts (boxes the image
/// could not judge keep their glyph state).
pub fn apply(boxes: &mut [Checkbox], states: &[(String, bool, [u32; 4])]) {
    for b in boxes.iter_mut() {
        if let Some((_, ticked, _)) = states.iter().find(|(o, _, _)| *o == b.label) {
            b.checked = *ticked;
        }
    }
}

/// The page's text height: the median width per character of its Han words (a Han
/// character is square; word heights vary with what Tesseract groups).
fn text_height(words: &[Word]) -> u32 {
    let mut widths: Vec<u32> = words
        .iter()
        .filter_map(|w| {
            let n = w.text.chars().count() as u32;
            (n > 0 && w.text.chars().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))).then(|| w.bbox[2] / n)
        })
        .collect();
    widths.sort_unstable();
    widths.get(widths.len() / 2).copied().unwrap_or(30).clamp(10, 120)
}

/// Where an option's text starts, at each occurrence: the x of its first character and
/// its vertical centre. An option may start inside a token ("口院校"): the x is then
/// interpolated over the token's characters.
fn option_starts(words: &[Word], option: &str) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let text = compact(&w.text);
        // The option is this token, or starts in it and goes on in the next tokens.
        let mut joined = text.clone();
        for next in words.iter().skip(i + 1).take(6) {
            if joined.chars().count() >= option.chars().count() + 2 {
                break;
            }
            joined.push_str(&compact(&next.text));
        }
        let Some(at) = joined.find(option) else { continue };
        let chars_before = joined[..at].chars().count();
        let n = text.chars().count().max(1);
        if chars_before >= n {
            continue; // starts in a later token: that token's own turn
        }
        let x = w.bbox[0].saturating_add((w.bbox[2] as u64 * chars_before as u64 / n as u64) as u32);
        out.push((x, w.bbox[1].saturating_add(w.bbox[3] / 2)));
    }
    out
}

/// The box left of (x, yc) found by its frame — two vertical lines about a text height
/// apart — and whether its inner half holds ink. `None` when no frame is there.
fn judge(image: &GrayImage, x: u32, yc: u32, h: u32) -> Option<(bool, [u32; 4])> {
    let (width, height) = image.dimensions();
    let x0 = x.saturating_sub(h * 3);
    let x1 = x.min(width);
    let y0 = yc.saturating_sub(h);
    let y1 = yc.saturating_add(h).min(height);
    if x1 <= x0 + 2 || y1 <= y0 + 2 {
        return None;
    }
    // Ink relative to the window: scans differ in contrast (thin box lines in a light
    // JPEG scan are grey, not black), so the threshold sits between the darkest
    // pixel and the paper, nearer the paper.
    let mut values: Vec<u8> = (y0..y1).flat_map(|cy| (x0..x1).map(move |cx| (cx, cy))).map(|(cx, cy)| image.get_pixel(cx, cy).0[0]).collect();
    values.sort_unstable();
    let darkest = values[0];
    let paper = values[values.len() * 3 / 4];
    if paper.saturating_sub(darkest) < MIN_CONTRAST {
        return None;
    }
    let ink = (darkest as u32 + 3 * paper as u32).div_ceil(4) as u8;
    let dark = |px: u32, py: u32| image.get_pixel(px, py).0[0] < ink;
    // The longest vertical run of ink in each column (1-px gaps bridged): (start, len).
    let run = |cx: u32| -> (u32, u32) {
        let (mut best, mut best_start, mut cur, mut cur_start, mut gap) = (0, y0, 0, y0, 0);
        for cy in y0..y1 {
            if dark(cx, cy) {
                if cur == 0 {
                    cur_start = cy;
                }
                cur += 1 + gap;
                gap = 0;
            } else if cur > 0 && gap == 0 {
                gap = 1;
            } else {
                cur = 0;
                gap = 0;
            }
            if cur > best {
                best = cur;
                best_start = cur_start;
            }
        }
        (best_start, best)
    };
    let is_line = |cx: u32| run(cx).1 * 10 >= h * 6;
    // Share of the columns left..=right inked on row r (±1 row, for skew).
    let coverage = |left: u32, right: u32, r: u32| -> f64 {
        let rows = r.saturating_sub(1)..=(r + 1).min(height - 1);
        let hit = (left..=right).filter(|&cx| rows.clone().any(|cy| dark(cx, cy))).count();
        hit as f64 / (right - left + 1) as f64
    };
    // A frame: two vertical sides and, near their ends, a top and a bottom edge. Tried
    // from the right (the box nearest the text); a character's strokes fail the edges.
    let lines: Vec<u32> = (x0..x1).filter(|&cx| is_line(cx)).collect();
    let mut frame = None;
    'search: for &right in lines.iter().rev() {
        // The nearest left side first: a table border further left is not the box's.
        for &left in lines.iter().rev().filter(|&&l| l + h * 6 / 10 <= right && l + h * 16 / 10 >= right) {
            let (ls, ll) = run(left);
            let (rs, rl) = run(right);
            let (top, bottom) = (ls.max(rs), (ls + ll).min(rs + rl).saturating_sub(1));
            if bottom <= top + h / 2 || bottom > top + h * 2 {
                continue;
            }
            // A printed box is square and a little larger than a character; smaller
            // "frames" are strokes of a character (重, 回), wider ones a box and a border.
            let side_ok = |side: u32| side * 100 >= h * 85 && side * 100 <= h * 150;
            let (bw, bh) = (right - left + 1, bottom - top + 1);
            if !side_ok(bw) || !side_ok(bh) || bw.abs_diff(bh) * 4 > bw.max(bh) {
                continue;
            }
            let edge = |r: u32| (r.saturating_sub(3)..=r + 3).map(|rr| coverage(left, right, rr)).fold(0.0, f64::max) >= 0.7;
            if edge(top) && edge(bottom) {
                frame = Some((left, right, top, bottom));
                break 'search;
            }
        }
    }
    let (left, right, by0, by1) = frame?;
    let (bw, bh) = (right - left + 1, by1 - by0 + 1);
    let (ix0, ix1) = (left + bw / 4, right - bw / 4);
    let (iy0, iy1) = (by0 + bh / 4, by1 - bh / 4);
    let mut ink = 0u32;
    let mut all = 0u32;
    for cy in iy0..=iy1 {
        for cx in ix0..=ix1 {
            all += 1;
            if dark(cx, cy) {
                ink += 1;
            }
        }
    }
    let share = ink as f64 / all.max(1) as f64;
    Some((share > TICKED, [left, by0, bw, bh]))
}

/// Decides the scanned form's 品牌范围 and 品牌类型 boxes from the page image OCR read
/// (call where the image is still at hand: the page's `words` refer to its pixels).
/// An option the glyph reading missed but the image found is added.
pub fn refine_with_image(form: &mut crate::extract::FormData, page: &crate::extract::Page, image: &GrayImage, rules: &crate::config::Rules) {
    let location = crate::report::Location::page(&form.path, page.number);
    for (boxes, options) in [(&mut form.scopes, &rules.form.scopes), (&mut form.types, &rules.form.types)] {
        let states = box_states(&page.words, image, options);
        apply(boxes, &states);
        for (option, ticked, _) in &states {
            if !boxes.iter().any(|b| &b.label == option) {
                boxes.push(Checkbox { label: option.clone(), checked: *ticked, location: location.clone() });
            }
        }
        boxes.sort_by_key(|b| options.iter().position(|o| o == &b.label));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    fn square(img: &mut GrayImage, x: u32, y: u32, s: u32, fill: bool, tick: bool) {
        for dy in 0..s {
            for dx in 0..s {
                let border = dx < 2 || dy < 2 || dx >= s - 2 || dy >= s - 2;
                let inside_tick = tick && (dy as i32 - (s as i32 - dx as i32 / 2 - 8)).abs() <= 1 && dx > 4 && dx < s - 4;
                if border || fill || inside_tick {
                    img.put_pixel(x + dx, y + dy, Luma([0]));
                }
            }
        }
    }

    fn word(text: &str, x: u32, y: u32, w: u32) -> Word {
        Word { text: text.into(), bbox: [x, y, w, 30], confidence: 0.5, line: 0 }
    }

    #[test]
    fn empty_filled_and_ticked_boxes() {
        let mut img = GrayImage::from_pixel(1200, 200, Luma([255]));
        // Boxes 30 px wide, 10 px left of their option's text (text 30 px per character).
        square(&mut img, 60, 50, 30, false, false); // 行政区域: empty
        square(&mut img, 360, 50, 30, true, false); // 行业: ■
        square(&mut img, 660, 50, 30, false, true); // 企业: ☑
        let words = vec![
            word("口", 60, 50, 30),
            word("行政区域", 100, 50, 120),
            word("加", 360, 50, 30),
            word("行业", 400, 50, 60),
            word("口企业", 660, 50, 90), // glyph glued to the option
        ];
        let options: Vec<String> = ["行政区域", "行业", "企业", "院校"].iter().map(|s| s.to_string()).collect();
        let states: Vec<(String, bool)> = box_states(&words, &img, &options).into_iter().map(|(o, t, _)| (o, t)).collect();
        assert_eq!(states, vec![("行政区域".to_string(), false), ("行业".to_string(), true), ("企业".to_string(), true)]);
    }
}

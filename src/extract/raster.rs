//! Page rasters before OCR: red-ink suppression, skew estimation and correction, quarter
//! turns, scaling to the OCR resolution, and rendering a PDF page through poppler's
//! `pdftoppm` when the page cannot be taken from its own image streams.
//!
//! Everything here is pure pixel work except [`render_pdf_page`], which runs an external
//! tool under a time limit and turns every way it can fail into a sentence.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use image::{GrayImage, Luma, RgbImage};

/// The grey image OCR reads: the red channel, with levels stretched between the ink and
/// the paper so that `white_point` of the way to the paper (`[ocr] white_point`) is
/// already white. Black ink
/// is dark in every channel, but a red seal is bright in red, so it turns (nearly) white
/// and stops corrupting the figures it covers (measured: "91.2%" under a seal read as
/// "91.20" from luma, right from red). The stretch removes the seal's remaining pale
/// ring (R ≈ 225 on paper at 255, and JPEG fringes) that still turned "人" into "估"
/// where the ring crossed it, and it darkens faded scans (grey ink on grey paper) instead
/// of whitening them: the levels are the page's own, not fixed.
pub fn ocr_grey(rgb: &RgbImage, white_point: f64) -> GrayImage {
    let (w, h) = rgb.dimensions();
    let mut histogram = [0u64; 256];
    for p in rgb.pixels() {
        histogram[p.0[0] as usize] += 1;
    }
    let total = (w as u64 * h as u64).max(1);
    let percentile = |pct: u64| -> u32 {
        let mut seen = 0;
        for (v, n) in histogram.iter().enumerate() {
            seen += n;
            if seen * 1000 >= total * pct {
                return v as u32;
            }
        }
        255
    };
    // Ink: the darkest half percent, but no lighter than a mid grey: on a nearly blank
    // page (a signature page with a seal) the darkest half percent is the seal itself,
    // and stretching from there would darken the seal instead of removing it.
    let ink = percentile(5).min(110);
    let paper = percentile(950);
    let lut: Vec<u8> = if paper <= ink + 40 {
        // A blank or uniform page: nothing to stretch.
        (0..256u32).map(|v| v as u8).collect()
    } else {
        let span = (f64::from(paper - ink) * white_point.clamp(0.5, 1.0)).max(1.0);
        (0..256u32).map(|v| (f64::from(v.saturating_sub(ink)) * 255.0 / span).min(255.0) as u8).collect()
    };
    let mut out = GrayImage::new(w, h);
    for (o, p) in out.pixels_mut().zip(rgb.pixels()) {
        o.0[0] = lut[p.0[0] as usize];
    }
    out
}

/// Brings an image to about `target_dpi`: shrinks 300 dpi scans (measured slower and no
/// more accurate than 200 dpi) and enlarges low-resolution ones (a 72 dpi page image has
/// letters a few pixels high, which Tesseract reads as an empty page). Returns the image
/// and the dpi it now has.
pub fn to_ocr_resolution<P>(image: image::ImageBuffer<P, Vec<u8>>, dpi: f32, target_dpi: u32) -> (image::ImageBuffer<P, Vec<u8>>, f32)
where
    P: image::Pixel<Subpixel = u8> + 'static,
{
    let target = target_dpi as f32;
    if target <= 0.0 || !dpi.is_finite() || dpi <= 0.0 || (dpi >= target * 0.9 && dpi <= target * 1.2) {
        return (image, dpi);
    }
    // Enlarging more than 3× invents nothing more.
    let scale = (target / dpi).min(3.0);
    let (w, h) = image.dimensions();
    let nw = ((w as f32 * scale).round() as u32).max(1);
    let nh = ((h as f32 * scale).round() as u32).max(1);
    let filter = if scale < 1.0 { image::imageops::FilterType::Triangle } else { image::imageops::FilterType::CatmullRom };
    (image::imageops::resize(&image, nw, nh, filter), dpi * scale)
}

/// Rotates by a multiple of 90° clockwise.
pub fn quarter_turn<I>(image: &I, turns: u8) -> image::ImageBuffer<I::Pixel, Vec<<I::Pixel as image::Pixel>::Subpixel>>
where
    I: image::GenericImageView,
    I::Pixel: 'static,
{
    match turns % 4 {
        1 => image::imageops::rotate90(image),
        2 => image::imageops::rotate180(image),
        3 => image::imageops::rotate270(image),
        _ => {
            let mut out = image::ImageBuffer::new(image.width(), image.height());
            // Copying a view of the same size into a fresh buffer cannot fail.
            let _ = image::GenericImage::copy_from(&mut out, image, 0, 0);
            out
        }
    }
}

/// Skew of the text lines in degrees (positive: lines rise to the right, in image
/// coordinates with y downwards they go up), found by the projection profile: the angle
/// at which the row sums of dark pixels are most peaked.
pub fn estimate_skew(grey: &GrayImage) -> f32 {
    let (w, h) = grey.dimensions();
    if w < 50 || h < 50 {
        return 0.0;
    }
    let scale = (800.0 / w.max(h) as f32).min(1.0);
    let small = if scale < 1.0 {
        image::imageops::thumbnail(grey, ((w as f32 * scale) as u32).max(1), ((h as f32 * scale) as u32).max(1))
    } else {
        grey.clone()
    };
    let threshold = dark_threshold(&small);
    let mut points: Vec<(f32, f32)> = Vec::new();
    for (x, y, p) in small.enumerate_pixels() {
        if p.0[0] < threshold {
            points.push((x as f32, y as f32));
        }
    }
    // A blank page or a page that is all ink has no lines to align.
    let total = (small.width() * small.height()) as usize;
    if points.len() < 200 || points.len() > total / 2 {
        return 0.0;
    }
    let height = small.height() as f32;
    let width = small.width() as f32;
    let score = |deg: f32| -> f64 {
        let (s, c) = deg.to_radians().sin_cos();
        let offset = width * s.abs() + 2.0;
        let bins = (height + 2.0 * offset) as usize + 2;
        let mut hist = vec![0u32; bins];
        for &(x, y) in &points {
            let yr = y * c - x * s + offset;
            if yr >= 0.0 {
                if let Some(b) = hist.get_mut(yr as usize) {
                    *b += 1;
                }
            }
        }
        hist.windows(2).map(|pair| (pair[1] as f64 - pair[0] as f64).powi(2)).sum()
    };
    let mut best = (0.0f32, score(0.0));
    let mut a = -5.0f32;
    while a <= 5.0 {
        let s = score(a);
        if s > best.1 * 1.0001 {
            best = (a, s);
        }
        a += 0.5;
    }
    let coarse = best.0;
    let mut a = coarse - 0.5;
    while a <= coarse + 0.5 {
        let s = score(a);
        if s > best.1 * 1.0001 {
            best = (a, s);
        }
        a += 0.1;
    }
    best.0
}

/// Grey level below which a pixel counts as ink: midway between the page's mean and black,
/// so light-grey backgrounds of phone photos are not ink.
fn dark_threshold(grey: &GrayImage) -> u8 {
    let n = grey.pixels().len().max(1) as u64;
    let mean = grey.pixels().map(|p| p.0[0] as u64).sum::<u64>() / n;
    (mean as f32 * 0.6).clamp(40.0, 180.0) as u8
}

/// Rotates by `degrees` (the value [`estimate_skew`] returned) so the text lines become
/// horizontal; the uncovered corners are white.
pub fn deskew(grey: &GrayImage, degrees: f32) -> GrayImage {
    let (w, h) = grey.dimensions();
    let (s, c) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let mut out = GrayImage::from_pixel(w, h, Luma([255]));
    for y in 0..h {
        for x in 0..w {
            // Destination (x, y) comes from the source rotated the other way.
            let dx = x as f32 - cx;
            let dy = y as f32 - cy;
            let sx = dx * c - dy * s + cx;
            let sy = dx * s + dy * c + cy;
            if sx < 0.0 || sy < 0.0 || sx >= (w - 1) as f32 || sy >= (h - 1) as f32 {
                continue;
            }
            let (x0, y0) = (sx as u32, sy as u32);
            let (fx, fy) = (sx - x0 as f32, sy - y0 as f32);
            let p = |xx: u32, yy: u32| grey.get_pixel(xx, yy).0[0] as f32;
            let v = p(x0, y0) * (1.0 - fx) * (1.0 - fy)
                + p(x0 + 1, y0) * fx * (1.0 - fy)
                + p(x0, y0 + 1) * (1.0 - fx) * fy
                + p(x0 + 1, y0 + 1) * fx * fy;
            out.put_pixel(x, y, Luma([v.round().clamp(0.0, 255.0) as u8]));
        }
    }
    out
}

/// Why a page could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("页面渲染工具 pdftoppm 不可用（{0}）")]
    Missing(String),
    #[error("页面渲染超时（超过 {0} 秒）")]
    Timeout(u64),
    #[error("页面渲染失败：{0}")]
    Failed(String),
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A temporary file removed when dropped.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Renders one page (1-based) of a PDF to colour pixels with poppler's `pdftoppm` (a
/// runtime dependency: poppler-utils), killed after `timeout`. Used for pages whose text
/// layer is garbage and for images this crate cannot decode (JBIG2, JPX, inline images,
/// several images composing one page).
pub fn render_pdf_page(pdf: &[u8], page: u32, dpi: u32, timeout: Duration) -> Result<RgbImage, RenderError> {
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("dossier-verify-{}-{}.pdf", std::process::id(), n));
    std::fs::write(&path, pdf).map_err(|e| RenderError::Failed(format!("无法写入临时文件：{e}")))?;
    let temp = TempFile(path);
    let mut child = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-f", &page.to_string(), "-l", &page.to_string(), "-singlefile"])
        .arg(&temp.0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| RenderError::Missing(e.to_string()))?;
    // Read stdout on a thread so a full pipe cannot stall the child while we wait.
    let mut stdout = child.stdout.take().ok_or_else(|| RenderError::Failed("no stdout".into()))?;
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = reader.join();
                return Err(RenderError::Timeout(timeout.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(RenderError::Failed(e.to_string())),
        }
    };
    let bytes = reader.join().map_err(|_| RenderError::Failed("读取输出失败".into()))?;
    if !status.success() {
        let mut err = String::new();
        if let Some(mut stderr) = child.stderr.take() {
            let _ = stderr.read_to_string(&mut err);
        }
        return Err(RenderError::Failed(format!("pdftoppm 退出码 {:?}：{}", status.code(), err.lines().next().unwrap_or(""))));
    }
    parse_ppm(&bytes).ok_or_else(|| RenderError::Failed("pdftoppm 输出无法解析".into()))
}

/// Parses a binary PPM (P6, maxval 255), the format `pdftoppm` writes by default.
pub fn parse_ppm(bytes: &[u8]) -> Option<RgbImage> {
    let mut fields = Vec::new();
    let mut pos = 0;
    while fields.len() < 4 {
        while pos < bytes.len() && (bytes[pos].is_ascii_whitespace() || bytes[pos] == b'#') {
            if bytes[pos] == b'#' {
                while pos < bytes.len() && bytes[pos] != b'\n' {
                    pos += 1;
                }
            } else {
                pos += 1;
            }
        }
        let start = pos;
        while pos < bytes.len() && !bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if start == pos {
            return None;
        }
        fields.push(std::str::from_utf8(&bytes[start..pos]).ok()?.to_string());
    }
    if fields[0] != "P6" || fields[3] != "255" {
        return None;
    }
    let w: u32 = fields[1].parse().ok()?;
    let h: u32 = fields[2].parse().ok()?;
    let data = bytes.get(pos + 1..)?;
    let len = (w as usize).checked_mul(h as usize)?.checked_mul(3)?;
    RgbImage::from_raw(w, h, data.get(..len)?.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Horizontal bars drawn with a known slope.
    fn striped(slope_deg: f32) -> GrayImage {
        let (w, h) = (600u32, 600u32);
        let t = slope_deg.to_radians().tan();
        GrayImage::from_fn(w, h, |x, y| {
            let yy = y as f32 + x as f32 * t;
            let line = (yy as i32).rem_euclid(40);
            if line < 6 && x > 50 && x < 550 { Luma([0]) } else { Luma([255]) }
        })
    }

    #[test]
    fn skew_of_straight_lines_is_zero() {
        assert!(estimate_skew(&striped(0.0)).abs() < 0.15);
    }

    #[test]
    fn deskew_straightens_a_tilted_page() {
        let tilted = striped(2.0);
        let angle = estimate_skew(&tilted);
        assert!(angle.abs() > 1.5 && angle.abs() < 2.5, "angle {angle}");
        let fixed = deskew(&tilted, angle);
        assert!(estimate_skew(&fixed).abs() < 0.3, "after {}", estimate_skew(&fixed));
    }

    #[test]
    fn red_seal_ink_turns_white() {
        let mut rgb = RgbImage::from_pixel(4, 1, image::Rgb([255, 255, 255]));
        rgb.put_pixel(0, 0, image::Rgb([0, 0, 0]));
        rgb.put_pixel(1, 0, image::Rgb([220, 30, 40]));
        let grey = ocr_grey(&rgb, 0.9);
        assert!(grey.get_pixel(0, 0).0[0] < 10);
        assert!(grey.get_pixel(1, 0).0[0] > 200);
    }

    #[test]
    fn faded_ink_is_darkened_not_whitened() {
        // Grey ink (150) on grey paper (225), as an old copier leaves it.
        let mut rgb = RgbImage::from_pixel(100, 100, image::Rgb([225, 225, 225]));
        for x in 0..100 {
            rgb.put_pixel(x, 50, image::Rgb([150, 150, 150]));
        }
        let grey = ocr_grey(&rgb, 0.9);
        // Contrast between ink and paper grows from 75 to over 125 levels.
        assert!(grey.get_pixel(0, 50).0[0] < 130, "{}", grey.get_pixel(0, 50).0[0]);
        assert_eq!(grey.get_pixel(0, 0).0[0], 255);
    }

    #[test]
    fn ppm_is_parsed_and_truncation_refused() {
        let mut ppm = b"P6\n2 1\n255\n".to_vec();
        ppm.extend_from_slice(&[1, 2, 3, 4, 5, 6]);
        let img = parse_ppm(&ppm).expect("ppm");
        assert_eq!(img.get_pixel(1, 0).0, [4, 5, 6]);
        assert!(parse_ppm(&ppm[..ppm.len() - 1]).is_none());
    }
}

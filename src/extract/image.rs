//! Image files (JPEG, PNG, TIFF, BMP): a photographed or scanned page, read as a
//! one-page document through OCR after the EXIF orientation is applied. The software
//! named in EXIF (tag 0x0131) or XMP (CreatorTool, history) is kept for the checks: a
//! "scan" last saved by Photoshop was edited.
//!
//! EXIF is parsed here (a few dozen lines for the two tags we need) rather than pulling
//! in a crate.

use image::ImageFormat;

use crate::config::Config;
use crate::intake::{Entry, Format};
use crate::report::Location;

use super::{Content, FileMetadata, Hooks, ReadError};

/// Assumed resolution of an image file when its page size cannot be inferred.
const DEFAULT_DPI: f32 = 200.0;

pub fn read(entry: &Entry, config: &Config, hooks: &Hooks) -> Result<Content, ReadError> {
    let bytes = &entry.bytes;
    let format = match entry.format {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
        Format::Tiff => ImageFormat::Tiff,
        Format::Bmp => ImageFormat::Bmp,
        _ => image::guess_format(bytes).map_err(|e| ReadError::Corrupt(format!("无法识别的图像格式：{e}")))?,
    };
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(&bytes[..]), format);
    let (w, h) = reader.into_dimensions().map_err(|e| ReadError::Corrupt(format!("图像无法解析：{e}")))?;
    let max = config.settings.limits.max_image_pixels;
    let pixels = w as u64 * h as u64;
    if pixels > max {
        return Err(ReadError::TooLarge(format!("图像 {w}×{h} 共 {pixels} 像素，超过上限 {max}")));
    }
    reader = image::ImageReader::with_format(std::io::Cursor::new(&bytes[..]), format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(max.saturating_mul(8));
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| ReadError::Corrupt(format!("图像无法解码：{e}")))?;
    let exif = find_exif(bytes, format);
    let orientation = exif.as_deref().and_then(|e| exif_tag(e, TAG_ORIENTATION)).and_then(|v| v.as_u32()).unwrap_or(1);
    let rgb = apply_orientation(decoded.into_rgb8(), orientation);
    // The inferred resolution is a guess (the photo may not show a whole A4 sheet): only
    // a clearly low one leads to enlarging before OCR.
    let target = config.settings.ocr.render_dpi as f32;
    let inferred = infer_dpi(rgb.width(), rgb.height());
    let dpi = if inferred >= target * 0.6 { inferred.max(target) } else { inferred };

    let mut metadata = FileMetadata::default();
    for name in embedded_software(bytes) {
        metadata.image_software.push((Location::file(&entry.path), name));
    }
    hooks.report("ocr", 0, 1);
    let (page, frame) = super::pdf::ocr_rgb(rgb, dpi, 1, config, hooks)?;
    hooks.report("ocr", 1, 1);
    let mut content = Content { metadata, first_page_frame: Some(frame), ..Content::default() };
    if let Some(finding) = super::pdf::low_confidence_finding(&entry.path, &page, config) {
        content.findings.push(finding);
    }
    content.pages.push(page);
    Ok(content)
}

/// The resolution of a photographed or scanned page, assuming it shows an A4 sheet
/// (the dossier's documents are A4): the short side is 8.27 in.
fn infer_dpi(w: u32, h: u32) -> f32 {
    let short = w.min(h) as f32;
    let long = w.max(h) as f32;
    let ratio = long / short.max(1.0);
    if (1.2..1.6).contains(&ratio) {
        (short / 8.27).clamp(50.0, 1200.0)
    } else {
        DEFAULT_DPI
    }
}

/// Turns an image as EXIF Orientation (1–8) says it must be viewed.
pub fn apply_orientation(rgb: image::RgbImage, orientation: u32) -> image::RgbImage {
    use image::imageops::{flip_horizontal, flip_vertical, rotate180, rotate270, rotate90};
    match orientation {
        2 => flip_horizontal(&rgb),
        3 => rotate180(&rgb),
        4 => flip_vertical(&rgb),
        5 => flip_horizontal(&rotate90(&rgb)),
        6 => rotate90(&rgb),
        7 => flip_horizontal(&rotate270(&rgb)),
        8 => rotate270(&rgb),
        _ => rgb,
    }
}

const TAG_ORIENTATION: u16 = 0x0112;
const TAG_SOFTWARE: u16 = 0x0131;

/// Software names an image file carries: EXIF Software and XMP creator tools.
pub fn embedded_software(bytes: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    let format = image::guess_format(bytes).ok();
    if let Some(format) = format {
        if let Some(exif) = find_exif(bytes, format) {
            if let Some(ExifValue::Text(s)) = exif_tag(&exif, TAG_SOFTWARE) {
                let s = s.trim().to_string();
                if !s.is_empty() {
                    names.push(s);
                }
            }
        }
    }
    if let Some(xmp) = find_xmp(bytes) {
        for tool in super::pdf::xmp_creator_tools(&xmp) {
            if !names.contains(&tool) {
                names.push(tool);
            }
        }
    }
    names
}

/// The TIFF-structured EXIF block of a JPEG (APP1 "Exif\0\0") or a TIFF file itself.
fn find_exif(bytes: &[u8], format: ImageFormat) -> Option<Vec<u8>> {
    match format {
        ImageFormat::Tiff => Some(bytes.to_vec()),
        ImageFormat::Jpeg => jpeg_segments(bytes).into_iter().find(|s| s.starts_with(b"Exif\0\0")).map(|s| s[6..].to_vec()),
        ImageFormat::Png => {
            // PNG eXIf chunk.
            let mut pos = 8;
            while pos + 8 <= bytes.len() {
                let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().ok()?) as usize;
                let kind = &bytes[pos + 4..pos + 8];
                let data = bytes.get(pos + 8..pos + 8 + len)?;
                if kind == b"eXIf" {
                    return Some(data.to_vec());
                }
                pos += 12 + len;
            }
            None
        }
        _ => None,
    }
}

/// An XMP packet anywhere in the file (JPEG APP1, PNG iTXt, TIFF tag 700 all embed it verbatim).
fn find_xmp(bytes: &[u8]) -> Option<String> {
    let start = bytes.windows(9).position(|w| w == b"<x:xmpmeta")?;
    let end = bytes[start..].windows(12).position(|w| w == b"</x:xmpmeta>")?;
    Some(String::from_utf8_lossy(&bytes[start..start + end + 12]).into_owned())
}

/// APP segments of a JPEG, up to the start of scan.
fn jpeg_segments(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut pos = 2;
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return out;
    }
    while pos + 4 <= bytes.len() && bytes[pos] == 0xFF {
        let marker = bytes[pos + 1];
        if marker == 0xDA || marker == 0xD9 {
            break;
        }
        let len = u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]) as usize;
        if len < 2 {
            break;
        }
        if let Some(data) = bytes.get(pos + 4..pos + 2 + len) {
            if (0xE0..=0xEF).contains(&marker) {
                out.push(data);
            }
        }
        pos += 2 + len;
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExifValue {
    Number(u32),
    Text(String),
}

impl ExifValue {
    fn as_u32(&self) -> Option<u32> {
        match self {
            ExifValue::Number(n) => Some(*n),
            ExifValue::Text(_) => None,
        }
    }
}

/// Reads one tag of IFD0 of a TIFF-structured block (SHORT, LONG or ASCII).
pub fn exif_tag(tiff: &[u8], tag: u16) -> Option<ExifValue> {
    let little = match tiff.get(..2)? {
        b"II" => true,
        b"MM" => false,
        _ => return None,
    };
    let u16_at = |p: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(p..p + 2)?.try_into().ok()?;
        Some(if little { u16::from_le_bytes(b) } else { u16::from_be_bytes(b) })
    };
    let u32_at = |p: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(p..p + 4)?.try_into().ok()?;
        Some(if little { u32::from_le_bytes(b) } else { u32::from_be_bytes(b) })
    };
    let ifd = u32_at(4)? as usize;
    let count = u16_at(ifd)? as usize;
    for i in 0..count.min(1000) {
        let e = ifd + 2 + i * 12;
        if u16_at(e)? != tag {
            continue;
        }
        let kind = u16_at(e + 2)?;
        let n = u32_at(e + 4)? as usize;
        return match kind {
            3 => Some(ExifValue::Number(u16_at(e + 8)? as u32)),
            4 => Some(ExifValue::Number(u32_at(e + 8)?)),
            2 => {
                let data = if n <= 4 { tiff.get(e + 8..e + 8 + n)? } else { tiff.get(u32_at(e + 8)? as usize..)?.get(..n)? };
                let text = String::from_utf8_lossy(data).trim_end_matches('\0').to_string();
                Some(ExifValue::Text(text))
            }
            _ => None,
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiff_block(little: bool) -> Vec<u8> {
        // IFD0 with Orientation = 6 and Software = "GIMP 2.10".
        let mut v = Vec::new();
        let w16 = |v: &mut Vec<u8>, x: u16| v.extend(if little { x.to_le_bytes() } else { x.to_be_bytes() });
        let w32 = |v: &mut Vec<u8>, x: u32| v.extend(if little { x.to_le_bytes() } else { x.to_be_bytes() });
        v.extend(if little { b"II" } else { b"MM" });
        w16(&mut v, 42);
        w32(&mut v, 8);
        w16(&mut v, 2);
        w16(&mut v, TAG_ORIENTATION);
        w16(&mut v, 3);
        w32(&mut v, 1);
        w16(&mut v, 6);
        w16(&mut v, 0);
        w16(&mut v, TAG_SOFTWARE);
        w16(&mut v, 2);
        w32(&mut v, 10);
        w32(&mut v, 8 + 2 + 24 + 4);
        w32(&mut v, 0);
        v.extend(b"GIMP 2.10\0");
        v
    }

    #[test]
    fn exif_tags_both_byte_orders() {
        for little in [true, false] {
            let t = tiff_block(little);
            assert_eq!(exif_tag(&t, TAG_ORIENTATION), Some(ExifValue::Number(6)));
            assert_eq!(exif_tag(&t, TAG_SOFTWARE), Some(ExifValue::Text("GIMP 2.10".into())));
        }
    }

    #[test]
    fn truncated_exif_is_none_not_panic() {
        let t = tiff_block(true);
        for cut in 0..t.len() {
            let _ = exif_tag(&t[..cut], TAG_SOFTWARE);
        }
        assert_eq!(exif_tag(b"XX", 1), None);
    }

    #[test]
    fn orientation_six_turns_clockwise() {
        let mut img = image::RgbImage::new(2, 1);
        img.put_pixel(0, 0, image::Rgb([1, 1, 1]));
        let out = apply_orientation(img, 6);
        assert_eq!(out.dimensions(), (1, 2));
        assert_eq!(out.get_pixel(0, 0).0, [1, 1, 1]);
    }
}

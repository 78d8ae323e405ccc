//! Image XObjects of a PDF decoded to pixels: DCTDecode (the stream is a JPEG file),
//! CCITT Group 3/4 (office scanners' default, through the `fax` crate), and everything
//! lopdf can decompress (Flate/LZW/ASCII85/RunLength with PNG or TIFF predictors) at any
//! bit depth in Gray, RGB, CMYK, ICCBased, Indexed, Separation and Lab colour spaces.
//! JBIG2 and JPX are recognised and refused with a reason; the caller then renders the
//! page with poppler instead.

use image::{DynamicImage, GrayImage, RgbImage};
use lopdf::{Dictionary, Document, Object, Stream};

/// Why an image could not be decoded here.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImageError {
    #[error("图像编码 {0} 暂不支持直接解码")]
    Unsupported(String),
    #[error("图像过大：{0} 像素，超过上限 {1}")]
    TooLarge(u64, u64),
    #[error("图像数据损坏：{0}")]
    Corrupt(String),
    /// The page is not one decodable image (several strips, text drawn over it).
    #[error("{0}")]
    NotSingleImage(String),
}

/// Facts of an image stream known without decoding it.
#[derive(Debug, Clone)]
pub struct ImageInfo {
    pub width: u32,
    pub height: u32,
    /// The last filter (the one that yields pixels), e.g. "DCTDecode".
    pub filter: Option<String>,
}

pub fn info(stream: &Stream) -> Option<ImageInfo> {
    let dict = &stream.dict;
    let width = dict.get(b"Width").ok()?.as_i64().ok()?;
    let height = dict.get(b"Height").ok()?.as_i64().ok()?;
    if width <= 0 || height <= 0 || width > u32::MAX as i64 || height > u32::MAX as i64 {
        return None;
    }
    let filter = stream.filters().ok().and_then(|f| f.last().map(|n| String::from_utf8_lossy(n).into_owned()));
    Some(ImageInfo { width: width as u32, height: height as u32, filter })
}

/// Decodes one image XObject. `max_pixels` guards the allocation before anything is decoded.
pub fn decode(doc: &Document, stream: &Stream, max_pixels: u64) -> Result<DynamicImage, ImageError> {
    let info = info(stream).ok_or_else(|| ImageError::Corrupt("缺少宽度或高度".into()))?;
    let pixels = info.width as u64 * info.height as u64;
    if pixels > max_pixels {
        return Err(ImageError::TooLarge(pixels, max_pixels));
    }
    let dict = &stream.dict;
    let filters: Vec<String> = stream.filters().unwrap_or_default().iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
    let image_mask = dict.get(b"ImageMask").and_then(Object::as_bool).unwrap_or(false);
    let invert = decode_inverted(doc, dict);
    match filters.last().map(String::as_str) {
        Some("DCTDecode" | "DCT") => {
            let bytes = if filters.len() > 1 { pre_decode(stream, &filters)? } else { stream.content.clone() };
            let mut img = decode_jpeg(&bytes, max_pixels)?;
            if invert {
                img.invert();
            }
            Ok(img)
        }
        Some("JPXDecode") => Err(ImageError::Unsupported("JPEG 2000 (JPXDecode)".into())),
        Some("JBIG2Decode") => Err(ImageError::Unsupported("JBIG2".into())),
        Some("CCITTFaxDecode" | "CCF") => {
            let bytes = if filters.len() > 1 { pre_decode(stream, &filters)? } else { stream.content.clone() };
            let params = decode_params(doc, dict, filters.len() - 1);
            let mut grey = decode_ccitt(&bytes, info.width, info.height, params.as_ref())?;
            if invert {
                image::imageops::invert(&mut grey);
            }
            Ok(DynamicImage::ImageLuma8(grey))
        }
        _ => {
            let limit = raw_size_limit(&info, 4, 16).ok_or(ImageError::TooLarge(pixels, max_pixels))?;
            let data = if filters.is_empty() {
                stream.content.clone()
            } else {
                stream.decompressed_content_with_limit(limit).map_err(|e| ImageError::Corrupt(e.to_string()))?
            };
            if image_mask {
                let mut grey = unpack_gray(&data, info.width, info.height, 1)?;
                if invert {
                    image::imageops::invert(&mut grey);
                }
                return Ok(DynamicImage::ImageLuma8(grey));
            }
            let bpc = dict.get(b"BitsPerComponent").and_then(Object::as_i64).unwrap_or(8);
            if !matches!(bpc, 1 | 2 | 4 | 8 | 16) {
                return Err(ImageError::Corrupt(format!("每分量位数 {bpc} 无效")));
            }
            let space = color_space(doc, dict.get(b"ColorSpace").ok());
            let mut img = samples_to_image(&data, info.width, info.height, bpc as u32, &space)?;
            if invert {
                img.invert();
            }
            Ok(img)
        }
    }
}

/// Bytes a raw image may decompress to: width × height × components × 2 (16 bit), with slack.
fn raw_size_limit(info: &ImageInfo, comps: u64, bits: u64) -> Option<usize> {
    let bytes = (info.width as u64).checked_mul(info.height as u64)?.checked_mul(comps)?.checked_mul(bits)? / 8;
    usize::try_from(bytes + 65_536 + info.height as u64).ok()
}

/// Runs the filters before the pixel filter (e.g. ASCII85 before DCT).
fn pre_decode(stream: &Stream, filters: &[String]) -> Result<Vec<u8>, ImageError> {
    let mut copy = stream.clone();
    let kept: Vec<Object> = filters[..filters.len() - 1].iter().map(|f| Object::Name(f.as_bytes().to_vec())).collect();
    copy.dict.set("Filter", Object::Array(kept));
    copy.dict.remove(b"DecodeParms");
    copy.decompressed_content_with_limit(256 << 20).map_err(|e| ImageError::Corrupt(e.to_string()))
}

/// The JPEG inside a DCTDecode stream, decoded to grey or RGB as it is stored.
pub fn decode_jpeg(bytes: &[u8], max_pixels: u64) -> Result<DynamicImage, ImageError> {
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), image::ImageFormat::Jpeg);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(max_pixels.saturating_mul(4));
    reader.limits(limits);
    reader.decode().map_err(|e| ImageError::Corrupt(format!("JPEG：{e}")))
}

/// Whether the /Decode array inverts a one-component image ([1 0]).
fn decode_inverted(doc: &Document, dict: &Dictionary) -> bool {
    let Ok(obj) = dict.get(b"Decode") else { return false };
    let obj = doc.dereference(obj).map(|(_, o)| o).unwrap_or(obj);
    let Ok(arr) = obj.as_array() else { return false };
    let first = arr.first().and_then(|o| o.as_float().ok());
    let second = arr.get(1).and_then(|o| o.as_float().ok());
    matches!((first, second), (Some(a), Some(b)) if a > b)
}

fn decode_params(doc: &Document, dict: &Dictionary, index: usize) -> Option<Dictionary> {
    let obj = dict.get(b"DecodeParms").or_else(|_| dict.get(b"DP")).ok()?;
    let obj = doc.dereference(obj).map(|(_, o)| o).ok()?;
    match obj {
        Object::Dictionary(d) => Some(d.clone()),
        Object::Array(items) => {
            let item = items.get(index)?;
            doc.dereference(item).ok()?.1.as_dict().ok().cloned()
        }
        _ => None,
    }
}

/// CCITT fax data to grey pixels (0 black, 255 white).
pub fn decode_ccitt(data: &[u8], width: u32, height: u32, params: Option<&Dictionary>) -> Result<GrayImage, ImageError> {
    let get = |key: &[u8]| params.and_then(|p| p.get(key).ok());
    let k = get(b"K").and_then(|o| o.as_i64().ok()).unwrap_or(0);
    let columns = get(b"Columns").and_then(|o| o.as_i64().ok()).unwrap_or(width as i64);
    let black_is_1 = get(b"BlackIs1").and_then(|o| o.as_bool().ok()).unwrap_or(false);
    let columns = u16::try_from(columns).map_err(|_| ImageError::Unsupported(format!("传真图像宽度 {columns}")))?;
    let rows = u16::try_from(height).map_err(|_| ImageError::Unsupported(format!("传真图像高度 {height}")))?;
    let mut lines: Vec<Vec<u8>> = Vec::with_capacity(height as usize);
    let mut on_line = |transitions: &[u16]| {
        if lines.len() < height as usize {
            let line: Vec<u8> = fax::decoder::pels(transitions, columns)
                .map(|c| {
                    // BlackIs1 false (default): the filter writes 0 for black, which DeviceGray
                    // shows black; true: 1 for black, which DeviceGray shows white.
                    let bit_one = (c == fax::Color::Black) == black_is_1;
                    if bit_one { 255 } else { 0 }
                })
                .collect();
            lines.push(line);
        }
    };
    let ok = if k < 0 {
        fax::decoder::decode_g4(data.iter().copied(), columns, Some(rows), &mut on_line)
    } else {
        fax::decoder::decode_g3(data.iter().copied(), &mut on_line)
    };
    if ok.is_none() && lines.is_empty() {
        return Err(ImageError::Corrupt("CCITT 数据无法解码".into()));
    }
    let mut img = GrayImage::from_pixel(width, height, image::Luma([255]));
    for (y, line) in lines.iter().enumerate() {
        for (x, &v) in line.iter().enumerate().take(width as usize) {
            img.put_pixel(x as u32, y as u32, image::Luma([v]));
        }
    }
    Ok(img)
}

/// A colour space reduced to what pixel conversion needs.
#[derive(Debug, Clone)]
pub enum Space {
    Gray,
    Rgb,
    Cmyk,
    Lab,
    /// One tint component: 0 = no ink (white), 1 = full ink (dark).
    Tint,
    /// base space, palette bytes (each entry `base.components()` bytes).
    Indexed(Box<Space>, Vec<u8>),
    /// Components unknown to us; shown as the grey of the first component.
    Other(u32),
}

impl Space {
    pub fn components(&self) -> u32 {
        match self {
            Space::Gray | Space::Tint | Space::Indexed(..) => 1,
            Space::Rgb | Space::Lab => 3,
            Space::Cmyk => 4,
            Space::Other(n) => (*n).max(1),
        }
    }
}

pub fn color_space(doc: &Document, obj: Option<&Object>) -> Space {
    color_space_depth(doc, obj, 0)
}

fn color_space_depth(doc: &Document, obj: Option<&Object>, depth: u32) -> Space {
    let Some(obj) = obj else { return Space::Gray };
    if depth > 4 {
        return Space::Gray;
    }
    let obj = doc.dereference(obj).map(|(_, o)| o).unwrap_or(obj);
    match obj {
        Object::Name(name) => match name.as_slice() {
            b"DeviceGray" | b"G" | b"CalGray" => Space::Gray,
            b"DeviceRGB" | b"RGB" | b"CalRGB" => Space::Rgb,
            b"DeviceCMYK" | b"CMYK" => Space::Cmyk,
            b"Lab" => Space::Lab,
            _ => Space::Gray,
        },
        Object::Array(items) => {
            let family = items.first().and_then(|o| o.as_name().ok()).unwrap_or(b"");
            match family {
                b"ICCBased" => {
                    let n = items
                        .get(1)
                        .and_then(|o| doc.dereference(o).ok())
                        .and_then(|(_, o)| o.as_stream().ok())
                        .and_then(|s| s.dict.get(b"N").ok().and_then(|n| n.as_i64().ok()))
                        .unwrap_or(3);
                    match n {
                        1 => Space::Gray,
                        4 => Space::Cmyk,
                        _ => Space::Rgb,
                    }
                }
                b"CalGray" => Space::Gray,
                b"CalRGB" => Space::Rgb,
                b"Lab" => Space::Lab,
                b"Separation" => Space::Tint,
                b"DeviceN" => {
                    let n = items.get(1).and_then(|o| doc.dereference(o).ok()).and_then(|(_, o)| o.as_array().ok()).map(|a| a.len() as u32).unwrap_or(1);
                    if n == 1 { Space::Tint } else { Space::Other(n) }
                }
                b"Indexed" | b"I" => {
                    let base = color_space_depth(doc, items.get(1), depth + 1);
                    let lookup = items
                        .get(3)
                        .and_then(|o| doc.dereference(o).ok())
                        .map(|(_, o)| match o {
                            Object::String(bytes, _) => bytes.clone(),
                            Object::Stream(s) => s.decompressed_content_with_limit(1 << 20).unwrap_or_else(|_| s.content.clone()),
                            _ => Vec::new(),
                        })
                        .unwrap_or_default();
                    Space::Indexed(Box::new(base), lookup)
                }
                b"Pattern" => Space::Gray,
                _ => color_space_depth(doc, items.first(), depth + 1),
            }
        }
        _ => Space::Gray,
    }
}

/// Unpacks `bpc`-bit samples, row by row (rows start on a byte boundary).
fn samples(data: &[u8], width: u32, height: u32, comps: u32, bpc: u32) -> Result<Vec<u16>, ImageError> {
    let row_bits = width as u64 * comps as u64 * bpc as u64;
    let row_bytes = row_bits.div_ceil(8) as usize;
    let needed = row_bytes * height as usize;
    // A short stream (a truncated scan) is padded with zeros rather than refused: the
    // rows that are there are still worth reading.
    let padded;
    let data = if data.len() < needed {
        if data.len() < row_bytes {
            return Err(ImageError::Corrupt("图像数据不足一行".into()));
        }
        let mut v = data.to_vec();
        v.resize(needed, 0);
        padded = v;
        &padded[..]
    } else {
        data
    };
    let per_row = (width * comps) as usize;
    let mut out = Vec::with_capacity(per_row * height as usize);
    let max = (1u32 << bpc) - 1;
    for y in 0..height as usize {
        let row = &data[y * row_bytes..(y + 1) * row_bytes];
        match bpc {
            8 => out.extend(row[..per_row].iter().map(|&b| b as u16)),
            16 => out.extend(row.chunks_exact(2).take(per_row).map(|c| u16::from_be_bytes([c[0], c[1]]) >> 8)),
            _ => {
                for i in 0..per_row {
                    let bit = i * bpc as usize;
                    let byte = row[bit / 8];
                    let shift = 8 - bpc as usize - (bit % 8);
                    let v = (byte >> shift) as u32 & max;
                    // Scale to 0..255 so every depth converts alike.
                    out.push((v * 255 / max) as u16);
                }
            }
        }
    }
    Ok(out)
}

fn unpack_gray(data: &[u8], width: u32, height: u32, bpc: u32) -> Result<GrayImage, ImageError> {
    let s = samples(data, width, height, 1, bpc)?;
    GrayImage::from_raw(width, height, s.into_iter().map(|v| v as u8).collect()).ok_or_else(|| ImageError::Corrupt("尺寸不符".into()))
}

fn samples_to_image(data: &[u8], width: u32, height: u32, bpc: u32, space: &Space) -> Result<DynamicImage, ImageError> {
    let comps = space.components();
    match space {
        Space::Indexed(base, lookup) => {
            // Indices are raw values, not scaled.
            let raw = samples(data, width, height, 1, bpc)?;
            let max = ((1u32 << bpc) - 1).max(1);
            let base_comps = base.components() as usize;
            let mut rgb = RgbImage::new(width, height);
            for (p, v) in rgb.pixels_mut().zip(raw) {
                let index = if bpc < 8 { (v as u32 * max).div_ceil(255) } else { v as u32 } as usize;
                let entry: Vec<u8> = (0..base_comps).map(|c| lookup.get(index * base_comps + c).copied().unwrap_or(0)).collect();
                p.0 = to_rgb(base, &entry);
            }
            Ok(DynamicImage::ImageRgb8(rgb))
        }
        Space::Gray | Space::Tint | Space::Other(1) => {
            let s = samples(data, width, height, 1, bpc)?;
            let tint = matches!(space, Space::Tint);
            let bytes = s.into_iter().map(|v| if tint { 255 - v as u8 } else { v as u8 }).collect();
            GrayImage::from_raw(width, height, bytes).map(DynamicImage::ImageLuma8).ok_or_else(|| ImageError::Corrupt("尺寸不符".into()))
        }
        _ => {
            let s = samples(data, width, height, comps, bpc)?;
            let mut rgb = RgbImage::new(width, height);
            for (p, px) in rgb.pixels_mut().zip(s.chunks_exact(comps as usize)) {
                let bytes: Vec<u8> = px.iter().map(|&v| v as u8).collect();
                p.0 = to_rgb(space, &bytes);
            }
            Ok(DynamicImage::ImageRgb8(rgb))
        }
    }
}

fn to_rgb(space: &Space, c: &[u8]) -> [u8; 3] {
    let at = |i: usize| c.get(i).copied().unwrap_or(0);
    match space {
        Space::Rgb => [at(0), at(1), at(2)],
        Space::Cmyk => {
            let k = at(3) as u32;
            let f = |v: u8| (255 - ((v as u32 + k).min(255))) as u8;
            [f(at(0)), f(at(1)), f(at(2))]
        }
        Space::Lab => {
            // L* alone is enough for reading text; colour would need the white point.
            let l = at(0);
            [l, l, l]
        }
        Space::Tint => {
            let v = 255 - at(0);
            [v, v, v]
        }
        _ => [at(0), at(0), at(0)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_byte_samples_scale_to_full_range() {
        // 4 pixels at 2 bits: 0, 1, 2, 3.
        let s = samples(&[0b00_01_10_11], 4, 1, 1, 2).unwrap();
        assert_eq!(s, vec![0, 85, 170, 255]);
    }

    #[test]
    fn short_data_is_padded_not_panicking() {
        let img = samples_to_image(&[255, 255, 255], 3, 4, 8, &Space::Gray).unwrap();
        assert_eq!(img.width(), 3);
        assert!(samples_to_image(&[1], 3, 4, 8, &Space::Gray).is_err());
    }

    #[test]
    fn cmyk_black_is_black() {
        assert_eq!(to_rgb(&Space::Cmyk, &[0, 0, 0, 255]), [0, 0, 0]);
        assert_eq!(to_rgb(&Space::Cmyk, &[0, 0, 0, 0]), [255, 255, 255]);
    }

    #[test]
    fn indexed_palette_lookup() {
        let space = Space::Indexed(Box::new(Space::Rgb), vec![0, 0, 0, 200, 10, 20]);
        let img = samples_to_image(&[0b0100_0000], 2, 1, 1, &space).unwrap().to_rgb8();
        assert_eq!(img.get_pixel(0, 0).0, [0, 0, 0]);
        assert_eq!(img.get_pixel(1, 0).0, [200, 10, 20]);
    }
}

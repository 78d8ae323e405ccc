//! Size guards run before a workbook is handed to calamine. calamine trusts what a file
//! declares — a `uniqueCount` in sharedStrings is reserved up front, an XLS FAT chain is
//! followed to its end, a sheet's range is allocated densely from its extreme cells — so
//! a small hostile file can make it allocate gigabytes or loop. Each guard here reads
//! only what it must and refuses the file with [`ReadError::TooLarge`] /
//! [`ReadError::Corrupt`] / [`ReadError::Encrypted`] before calamine sees it.

use std::io::{Cursor, Read};

use crate::config::Limits;
use crate::extract::ReadError;

/// The members of a zip container (XLSX/XLSB/ODS/DOCX): decompresses every member to
/// nowhere, counting real bytes (a declared size can lie), and refuses the file when one
/// member or their sum passes the limits, or when an XLSX shared-string table declares
/// more strings than a sheet may hold cells.
pub fn check_zip(bytes: &[u8], limits: &Limits) -> Result<Vec<String>, ReadError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::Corrupt(format!("压缩结构无法解析（{e}）")))?;
    if archive.len() as u64 > limits.max_entries {
        return Err(ReadError::TooLarge(format!("包含 {} 个内部部件", archive.len())));
    }
    let mut names = Vec::with_capacity(archive.len());
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut member = archive.by_index(i).map_err(|e| ReadError::Corrupt(format!("内部部件无法读取（{e}）")))?;
        let name = member.name().map(|n| n.to_string()).unwrap_or_else(|_| format!("#{i}"));
        if member.encrypted() {
            return Err(ReadError::Encrypted);
        }
        let budget = limits.max_entry_bytes.min(limits.max_total_unpacked_bytes.saturating_sub(total));
        let mut head = [0u8; 4096];
        let mut head_len = 0;
        let mut size: u64 = 0;
        let mut buf = [0u8; 64 * 1024];
        loop {
            let n = member.read(&mut buf).map_err(|e| ReadError::Corrupt(format!("部件“{name}”解压失败（{e}）")))?;
            if n == 0 {
                break;
            }
            if head_len < head.len() {
                let take = n.min(head.len() - head_len);
                head[head_len..head_len + take].copy_from_slice(&buf[..take]);
                head_len += take;
            }
            size += n as u64;
            if size > budget {
                return Err(ReadError::TooLarge(format!("部件“{name}”解压后超过 {} MB", budget / 1_048_576)));
            }
        }
        total += size;
        if name.ends_with("sharedStrings.xml") || name.ends_with("sharedStrings.bin") {
            if let Some(count) = declared_count(&head[..head_len]) {
                if count > limits.max_sheet_cells {
                    return Err(ReadError::TooLarge(format!("共享字符串表声明 {count} 项，超过单表 {} 个单元格的上限", limits.max_sheet_cells)));
                }
            }
        }
        names.push(name);
    }
    Ok(names)
}

/// `uniqueCount="N"` / `count="N"` of an `<sst>` element, the larger one.
fn declared_count(head: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    let mut best = None;
    for key in ["uniqueCount=\"", "count=\""] {
        if let Some(start) = text.find(key) {
            let rest = &text[start + key.len()..];
            let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            // A count too long for u64 is hostile too.
            let n = digits.parse::<u64>().unwrap_or(if digits.is_empty() { 0 } else { u64::MAX });
            best = Some(best.map_or(n, |b: u64| b.max(n)));
        }
    }
    best
}

const ENDOFCHAIN_MIN: u32 = 0xFFFF_FFFA;

/// An OLE2 compound file (XLS, encrypted OOXML), checked: every FAT/DIFAT/directory chain
/// stays inside the file and ends, and no stream declares more bytes than the file has.
pub struct Compound<'a> {
    bytes: &'a [u8],
    sector_size: usize,
    fat: Vec<u32>,
    /// Streams smaller than this live in the mini stream (64-byte sectors).
    cutoff: u64,
    minifat: Vec<u32>,
    ministream: Vec<u8>,
    pub streams: Vec<(String, u32, u64)>,
}

impl<'a> Compound<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<Compound<'a>, ReadError> {
        let corrupt = |why: &str| ReadError::Corrupt(format!("OLE 复合文件结构错误：{why}"));
        if bytes.len() < 512 || bytes[..8] != [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] {
            return Err(corrupt("文件头无效"));
        }
        let u16_at = |o: usize| u16::from_le_bytes([bytes[o], bytes[o + 1]]);
        let u32_at = |o: usize| u32::from_le_bytes([bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]]);
        let shift = u16_at(0x1E);
        if shift != 9 && shift != 12 {
            return Err(corrupt("扇区大小无效"));
        }
        let sector_size = 1usize << shift;
        let sectors = (bytes.len().saturating_sub(sector_size)).div_ceil(sector_size) as u64;
        let fat_sectors = u32_at(0x2C) as u64;
        let difat_sectors = u32_at(0x48) as u64;
        if fat_sectors > sectors || difat_sectors > sectors {
            return Err(corrupt("FAT 扇区数超过文件大小"));
        }
        let sector = |id: u32| -> Result<&[u8], ReadError> {
            let start = (id as usize + 1).checked_mul(sector_size).ok_or_else(|| corrupt("扇区号越界"))?;
            if (id as u64) >= sectors || start >= bytes.len() {
                return Err(corrupt("扇区号越界"));
            }
            Ok(&bytes[start..(start + sector_size).min(bytes.len())])
        };
        // DIFAT: 109 entries in the header, then a chain of DIFAT sectors.
        let mut difat: Vec<u32> = (0..109).map(|i| u32_at(0x4C + 4 * i)).collect();
        let mut next = u32_at(0x44);
        let mut steps = 0u64;
        while next < ENDOFCHAIN_MIN {
            steps += 1;
            if steps > difat_sectors + 1 {
                return Err(corrupt("DIFAT 链循环"));
            }
            let s = sector(next)?;
            let ids: Vec<u32> = s.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
            let (last, rest) = ids.split_last().ok_or_else(|| corrupt("DIFAT 扇区为空"))?;
            difat.extend_from_slice(rest);
            next = *last;
        }
        let mut fat = Vec::new();
        for id in difat.into_iter().filter(|id| *id < ENDOFCHAIN_MIN) {
            if fat.len() as u64 >= (sectors + 1) * (sector_size as u64 / 4) {
                return Err(corrupt("FAT 过长"));
            }
            fat.extend(sector(id)?.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])));
        }
        let mut compound = Compound { bytes, sector_size, fat, cutoff: 4096, minifat: Vec::new(), ministream: Vec::new(), streams: Vec::new() };
        let dir = compound.chain(u32_at(0x30))?;
        let major = u16_at(0x1A);
        for id in dir {
            let s = sector(id)?;
            for entry in s.chunks_exact(128) {
                let kind = entry[66];
                if kind == 0 {
                    continue;
                }
                let name_len = (u16::from_le_bytes([entry[64], entry[65]]) as usize).min(64);
                let units: Vec<u16> = entry[..name_len].chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).take_while(|u| *u != 0).collect();
                let name = String::from_utf16_lossy(&units);
                let start = u32::from_le_bytes([entry[116], entry[117], entry[118], entry[119]]);
                let mut size = u64::from_le_bytes(entry[120..128].try_into().map_err(|_| corrupt("目录项"))?);
                if major == 3 {
                    size &= 0xFFFF_FFFF;
                }
                if size > bytes.len() as u64 {
                    return Err(corrupt(&format!("流“{name}”声明 {size} 字节，超过文件大小")));
                }
                compound.streams.push((name, start, size));
            }
        }
        // Every big stream's chain must end; mini streams live inside the root's.
        let cutoff = u32_at(0x38) as u64;
        for (i, (_, start, size)) in compound.streams.clone().into_iter().enumerate() {
            if i == 0 || size >= cutoff {
                compound.chain(start)?;
            }
        }
        compound.cutoff = cutoff;
        if u32_at(0x40) > 0 {
            let minifat = compound.read_chain(u32_at(0x3C), u64::MAX)?;
            compound.minifat = minifat.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
            if let Some(&(_, root_start, root_size)) = compound.streams.first() {
                compound.ministream = compound.read_chain(root_start, root_size)?;
            }
        }
        Ok(compound)
    }

    /// The sectors of a chain; refuses a loop or a sector outside the file.
    fn chain(&self, start: u32) -> Result<Vec<u32>, ReadError> {
        let mut ids = Vec::new();
        let mut id = start;
        let max = self.bytes.len() / self.sector_size + 1;
        while id < ENDOFCHAIN_MIN {
            if ids.len() > max {
                return Err(ReadError::Corrupt("OLE 复合文件结构错误：扇区链循环".into()));
            }
            ids.push(id);
            id = *self.fat.get(id as usize).ok_or_else(|| ReadError::Corrupt("OLE 复合文件结构错误：扇区链越界".into()))?;
        }
        Ok(ids)
    }

    pub fn has(&self, name: &str) -> bool {
        self.streams.iter().any(|(n, _, _)| n.eq_ignore_ascii_case(name))
    }

    /// The bytes of a big-sector chain, cut to `size`.
    fn read_chain(&self, start: u32, size: u64) -> Result<Vec<u8>, ReadError> {
        let mut out = Vec::new();
        for id in self.chain(start)? {
            let from = (id as usize + 1) * self.sector_size;
            let to = (from + self.sector_size).min(self.bytes.len());
            if from < to {
                out.extend_from_slice(&self.bytes[from..to]);
            }
            if out.len() as u64 >= size {
                break;
            }
        }
        out.truncate(size.min(out.len() as u64) as usize);
        Ok(out)
    }

    /// A stream's bytes: from the big sectors, or from the mini stream when it is
    /// smaller than the cutoff (a small workbook's).
    pub fn big_stream(&self, name: &str) -> Result<Option<Vec<u8>>, ReadError> {
        let Some(&(_, start, size)) = self.streams.iter().find(|(n, _, _)| n.eq_ignore_ascii_case(name)) else {
            return Ok(None);
        };
        if size >= self.cutoff || self.ministream.is_empty() {
            return self.read_chain(start, size).map(Some);
        }
        let mut out = Vec::new();
        let mut id = start;
        let mut steps = 0usize;
        while id < ENDOFCHAIN_MIN && (out.len() as u64) < size {
            steps += 1;
            if steps > self.minifat.len() + 1 {
                return Err(ReadError::Corrupt("OLE 复合文件结构错误：迷你扇区链循环".into()));
            }
            let from = id as usize * 64;
            let chunk = self.ministream.get(from..(from + 64).min(self.ministream.len())).ok_or_else(|| ReadError::Corrupt("OLE 复合文件结构错误：迷你扇区越界".into()))?;
            out.extend_from_slice(chunk);
            id = *self.minifat.get(id as usize).ok_or_else(|| ReadError::Corrupt("OLE 复合文件结构错误：迷你扇区链越界".into()))?;
        }
        out.truncate(size.min(out.len() as u64) as usize);
        Ok(Some(out))
    }
}

/// Scans an XLS workbook stream's BIFF records: refuses an encrypted workbook (FILEPASS)
/// and a sheet whose extreme cells span more than `max_cells` (calamine would allocate
/// the whole rectangle).
pub fn check_biff(stream: &[u8], max_cells: u64) -> Result<(), ReadError> {
    let mut pos = 0usize;
    let mut dims: Option<(u32, u32, u32, u32)> = None;
    let mut in_sheet = false;
    while pos + 4 <= stream.len() {
        let id = u16::from_le_bytes([stream[pos], stream[pos + 1]]);
        let len = u16::from_le_bytes([stream[pos + 2], stream[pos + 3]]) as usize;
        let data = &stream[pos + 4..(pos + 4 + len).min(stream.len())];
        pos += 4 + len;
        match id {
            0x002F => return Err(ReadError::Encrypted),
            // BoundSheet8: where a sheet's substream starts; calamine slices the stream
            // there without checking (a position past the end panicked).
            0x0085 if data.len() >= 4 => {
                let at = u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as usize;
                if at >= stream.len() {
                    return Err(ReadError::Corrupt("XLS 工作表位置超出文件范围".into()));
                }
            }
            // Dimensions: calamine subtracts the bounds unchecked and reserves rows × cols
            // cells up front — a reversed or huge range panics or allocates gigabytes.
            0x0200 => check_dimensions(data, max_cells)?,
            0x0809 => {
                in_sheet = data.len() >= 4 && u16::from_le_bytes([data[2], data[3]]) == 0x0010;
                dims = None;
            }
            0x000A => {
                if let Some((r0, c0, r1, c1)) = dims.take() {
                    let area = (r1 - r0 + 1) as u64 * (c1 - c0 + 1) as u64;
                    if area > max_cells {
                        return Err(ReadError::TooLarge(format!("工作表范围达 {area} 个单元格，超过上限 {max_cells}")));
                    }
                }
                in_sheet = false;
            }
            0x0203 | 0x027E | 0x00BD | 0x00FD | 0x0204 | 0x0006 | 0x0205 | 0x0201 | 0x00BE | 0x00D6 if in_sheet && data.len() >= 4 => {
                let row = u16::from_le_bytes([data[0], data[1]]) as u32;
                let col = u16::from_le_bytes([data[2], data[3]]) as u32;
                let last_col = if matches!(id, 0x00BD | 0x00BE) && data.len() >= 6 {
                    u16::from_le_bytes([data[data.len() - 2], data[data.len() - 1]]) as u32
                } else {
                    col
                };
                let (lo, hi) = (col.min(last_col), col.max(last_col));
                dims = Some(match dims {
                    None => (row, lo, row, hi),
                    Some((r0, c0, r1, c1)) => (r0.min(row), c0.min(lo), r1.max(row), c1.max(hi)),
                });
            }
            _ => {}
        }
    }
    if let Some((r0, c0, r1, c1)) = dims {
        let area = (r1 - r0 + 1) as u64 * (c1 - c0 + 1) as u64;
        if area > max_cells {
            return Err(ReadError::TooLarge(format!("工作表范围达 {area} 个单元格，超过上限 {max_cells}")));
        }
    }
    Ok(())
}

/// A DIMENSIONS record read as calamine reads it (MS-XLS 2.4.90; BIFF5 10 bytes, BIFF8 14).
fn check_dimensions(data: &[u8], max_cells: u64) -> Result<(), ReadError> {
    let u16_at = |o: usize| u16::from_le_bytes([data[o], data[o + 1]]) as u64;
    let u32_at = |o: usize| u32::from_le_bytes([data[o], data[o + 1], data[o + 2], data[o + 3]]) as u64;
    let (rf, rl, mut cf, cl) = match data.len() {
        10 => (u16_at(0), u16_at(2), u16_at(4), u16_at(6)),
        14 | 16 => (u32_at(0), u32_at(4), u16_at(8), u16_at(10)),
        _ => return Ok(()), // calamine refuses other lengths itself
    };
    if cf > 0xFF || cl < cf {
        cf = 0;
    }
    if rl == 0 || cl == 0 {
        return Ok(());
    }
    if rl - 1 < rf || cl - 1 < cf {
        return Err(ReadError::Corrupt("XLS 工作表尺寸记录无效".into()));
    }
    let cells = (rl - rf).saturating_mul(cl - cf);
    if cells > max_cells {
        return Err(ReadError::TooLarge(format!("XLS 工作表声明 {cells} 个单元格，超过上限 {max_cells}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_count_reads_the_larger() {
        assert_eq!(declared_count(br#"<sst xmlns="x" count="12" uniqueCount="10">"#), Some(12));
        assert_eq!(declared_count(br#"<sst uniqueCount="99999999999999999999999">"#), Some(u64::MAX));
        assert_eq!(declared_count(b"<sst>"), None);
    }

    #[test]
    fn biff_dimensions_reversed_or_huge_are_refused() {
        let record = |rf: u32, rl: u32, cf: u16, cl: u16| {
            let mut s = vec![0x00, 0x02, 14, 0x00];
            s.extend_from_slice(&rf.to_le_bytes());
            s.extend_from_slice(&rl.to_le_bytes());
            s.extend_from_slice(&cf.to_le_bytes());
            s.extend_from_slice(&cl.to_le_bytes());
            s.extend_from_slice(&[0, 0]);
            s
        };
        assert!(matches!(check_biff(&record(10, 5, 0, 3), 1000), Err(ReadError::Corrupt(_))));
        assert!(matches!(check_biff(&record(0, 3, 5, 5), 1000), Err(ReadError::Corrupt(_))));
        assert!(matches!(check_biff(&record(0, u32::MAX, 0, 200), 1000), Err(ReadError::TooLarge(_))));
        assert!(check_biff(&record(0, 10, 0, 5), 1000).is_ok());
    }

    #[test]
    fn biff_sheet_position_past_the_end_is_refused() {
        let s = [0x85, 0x00, 0x08, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0, 0, 1, 0x41];
        assert!(matches!(check_biff(&s, 1000), Err(ReadError::Corrupt(_))));
    }

    #[test]
    fn biff_filepass_is_encrypted() {
        let stream = [0x2F, 0x00, 0x02, 0x00, 0x01, 0x00];
        assert!(matches!(check_biff(&stream, 10), Err(ReadError::Encrypted)));
    }

    #[test]
    fn biff_sheet_spanning_too_far_is_refused() {
        let mut s = vec![0x09, 0x08, 0x04, 0x00, 0x00, 0x06, 0x10, 0x00];
        for (row, col) in [(0u16, 0u16), (60000, 200)] {
            s.extend_from_slice(&[0x01, 0x02, 0x06, 0x00]);
            s.extend_from_slice(&row.to_le_bytes());
            s.extend_from_slice(&col.to_le_bytes());
            s.extend_from_slice(&[0, 0]);
        }
        s.extend_from_slice(&[0x0A, 0x00, 0x00, 0x00]);
        assert!(matches!(check_biff(&s, 1_000_000), Err(ReadError::TooLarge(_))));
        assert!(check_biff(&s, 100_000_000).is_ok());
    }

    #[test]
    fn compound_with_looping_fat_is_refused() {
        // Header with one FAT sector (sector 0) whose entry 1 points to itself: the
        // directory chain starting at 1 never ends.
        let mut f = vec![0u8; 512 * 3];
        f[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        f[0x1A] = 3;
        f[0x1E] = 9;
        f[0x2C] = 1; // one FAT sector
        f[0x30] = 1; // directory starts at sector 1
        f[0x44..0x48].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        f[0x4C..0x50].copy_from_slice(&0u32.to_le_bytes()); // FAT in sector 0
        for i in 1..109 {
            f[0x4C + 4 * i..0x50 + 4 * i].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        }
        let fat = 512;
        f[fat..fat + 4].copy_from_slice(&0xFFFF_FFFDu32.to_le_bytes());
        f[fat + 4..fat + 8].copy_from_slice(&1u32.to_le_bytes()); // 1 → 1
        assert!(matches!(Compound::parse(&f), Err(ReadError::Corrupt(_))));
    }
}

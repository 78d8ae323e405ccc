//! Safe unzip, entirely in memory: nothing a dossier contains is ever written to disk.
//!
//! The `zip` crate parses the archive and decompresses entries; everything that decides
//! whether an entry is trusted is done here, on the raw bytes, because the crate's own
//! helpers guess instead of refusing (`name()` decodes GBK as CP437 mojibake,
//! `enclosed_name()` silently turns `/etc/x` into `etc/x`, duplicate names collapse).
//! So this module walks the central directory itself ([`CentralRecord`]) to see every
//! record as stored, decodes each name (UTF-8 flag → Info-ZIP Unicode Path field 0x7075
//! → strict UTF-8 → GBK/GB18030, the order Windows, WPS and Info-ZIP tools write them),
//! applies its own path rule, and compares each local file header with its central
//! record, since two unzip tools reading different headers would see two different
//! dossiers.
//!
//! What each problem costs: an unsafe entry (`..`, absolute path, drive letter, symlink,
//! nesting too deep) is skipped with `ARCHIVE_UNSAFE` and the rest is read; a bomb (entry
//! count, unpacked bytes, compression ratio) stops the whole unpack with `ARCHIVE_UNSAFE`,
//! keeping what was read before it; an archive that cannot be read as one dossier
//! (corrupt, truncated, empty, wholly encrypted, duplicate names, headers that disagree)
//! gives `ARCHIVE_INVALID`; one encrypted or corrupt file gives `FILE_UNREADABLE` for
//! that file only. Limits are checked on declared sizes first, then again while
//! streaming, so a lying header cannot make us hold more than the limit plus one chunk.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Cursor, Read};

use unicode_normalization::UnicodeNormalization;

use crate::config::Limits;
use crate::report::{Code, Finding, Location};

use super::{sniff, Dossier, Entry, Format};

const CENTRAL_SIGNATURE: u32 = 0x0201_4b50;
const LOCAL_SIGNATURE: u32 = 0x0403_4b50;
const CENTRAL_FIXED_LEN: usize = 46;
const LOCAL_FIXED_LEN: usize = 30;
/// Info-ZIP Unicode Path extra field (APPNOTE 4.6.9).
const UNICODE_PATH_FIELD: u16 = 0x7075;
const FLAG_ENCRYPTED: u16 = 1;
const FLAG_DATA_DESCRIPTOR: u16 = 1 << 3;
const FLAG_STRONG_ENCRYPTION: u16 = 1 << 6;
/// General purpose bit 11: the name is UTF-8.
const FLAG_UTF8: u16 = 1 << 11;
/// WinZip AES entries use method 99 (and also set bit 0, but not every writer does).
const METHOD_AES: u16 = 99;
/// A zip64 placeholder: the real value is in the zip64 extra field.
const ZIP64_PLACEHOLDER: u32 = 0xFFFF_FFFF;
/// Stored and Deflate: what the `zip` crate is built with here, and what every common
/// packer (Windows, WPS, 7-Zip, macOS) writes by default.
const SUPPORTED_METHODS: [u16; 2] = [0, 8];
const S_IFMT: u32 = 0o170_000;
const S_IFLNK: u32 = 0o120_000;
const READ_CHUNK: usize = 64 * 1024;
/// Never reserve more than this up front on a declared size (which may lie).
const MAX_PREALLOC: u64 = 16 * 1024 * 1024;

/// Unpacks a dossier archive held in memory. Never fails and never panics: whatever is
/// wrong with the archive becomes a finding.
pub fn unpack(bytes: &[u8], filename: &str, limits: &Limits) -> Dossier {
    let span = tracing::info_span!("unzip", filename = %filename, bytes = bytes.len());
    let _entered = span.enter();
    let mut run = Run {
        limits,
        filename,
        entries: Vec::new(),
        seen: HashSet::new(),
        findings: Vec::new(),
        entry_count: 0,
        total_bytes: 0,
        stopped: false,
    };
    if let Err(problem) = run.archive(bytes, "", 1) {
        tracing::info!(problem = %problem.what, "archive refused");
        let mut finding = Finding::new(
            Code::ArchiveInvalid,
            format!("上传的文件“{filename}”无法作为申报材料压缩包读取：{}。请重新用ZIP格式打包（不设密码）后提交。", problem.what),
            Location::file(filename),
        )
        .expected("可正常解压的ZIP压缩包");
        if let Some(detail) = problem.detail {
            finding = finding.actual(detail);
        }
        run.findings.push(finding);
    }
    Dossier { sha256: super::sha256_hex(bytes), filename: filename.to_string(), entries: run.entries, findings: run.findings }
}

/// Why an archive (the upload, or a zip inside it) cannot be read as a whole.
struct Unreadable {
    /// For the reviewer, in Chinese.
    what: String,
    /// The technical detail (the `zip` crate's error), for `actual`.
    detail: Option<String>,
}

impl Unreadable {
    fn new(what: impl Into<String>) -> Unreadable {
        Unreadable { what: what.into(), detail: None }
    }
}

/// State of one unpack across nesting levels: the limits count everything together.
struct Run<'l> {
    limits: &'l Limits,
    /// The upload's name: where archive-wide findings point.
    filename: &'l str,
    entries: Vec<Entry>,
    /// [`duplicate_key`] of every entry kept, across nesting levels.
    seen: HashSet<String>,
    findings: Vec<Finding>,
    entry_count: u64,
    total_bytes: u64,
    /// Set by a bomb: nothing more is read, at any level.
    stopped: bool,
}

/// One central directory record, as stored.
#[derive(Debug, Clone)]
struct CentralRecord {
    /// Offset of the central header in the buffer; the key that links it to the `zip`
    /// crate's view of the same entry.
    offset: u64,
    flags: u16,
    method: u16,
    crc: u32,
    compressed: u32,
    uncompressed: u32,
    external_attributes: u32,
    name: Vec<u8>,
    extra: Vec<u8>,
}

impl CentralRecord {
    fn encrypted(&self) -> bool {
        self.flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION) != 0 || self.method == METHOD_AES
    }

    fn is_symlink(&self) -> bool {
        (self.external_attributes >> 16) & S_IFMT == S_IFLNK
    }
}

/// What the first pass decided for one record.
enum Plan {
    /// A directory, or OS junk: skipped silently.
    Skip,
    /// Refused: the name as decoded (with its archive prefix) and why, in Chinese.
    Unsafe { shown: String, reason: String },
    File { path: String, record: CentralRecord },
}

impl Run<'_> {
    /// Reads one archive (the upload at depth 1, a nested zip deeper), pushing its files
    /// as entries with `prefix` before their paths.
    fn archive(&mut self, bytes: &[u8], prefix: &str, depth: u32) -> Result<(), Unreadable> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| Unreadable {
            what: "不是有效的ZIP压缩包，或文件已损坏、不完整（可能上传时被截断）".to_string(),
            detail: Some(e.to_string()),
        })?;
        let records = central_records(bytes, &archive);
        if records.len() < archive.len() {
            return Err(Unreadable::new("压缩包目录（中央目录）已损坏"));
        }
        // The zip crate's index of each record, by central header offset.
        let mut index_of: HashMap<u64, usize> = HashMap::new();
        for i in 0..archive.len() {
            if let Ok(entry) = archive.by_index_data(i) {
                index_of.insert(entry.central_header_start(), i);
            }
        }

        // Bomb by count, judged on the directory before any name is decoded or byte read.
        let declared_count = self.entry_count.saturating_add(records.len() as u64);
        if declared_count > self.limits.max_entries {
            let shown = if prefix.is_empty() { self.filename.to_string() } else { prefix.trim_end_matches('/').to_string() };
            let subject = format!("压缩包“{shown}”中的文件数量（至少{declared_count}个）");
            self.bomb(shown, subject, format!("超过上限{}个", self.limits.max_entries));
            return Ok(());
        }

        let plans: Vec<Plan> = records.into_iter().map(|r| plan(r, prefix)).collect();
        let files: Vec<&CentralRecord> = plans.iter().filter_map(|p| if let Plan::File { record, .. } = p { Some(record) } else { None }).collect();
        let unsafe_count = plans.iter().filter(|p| matches!(p, Plan::Unsafe { .. })).count();
        if files.is_empty() && unsafe_count == 0 {
            return Err(Unreadable::new("压缩包里没有任何文件"));
        }
        if !files.is_empty() && files.iter().all(|r| r.encrypted()) {
            return Err(Unreadable::new("整个压缩包设有密码（已加密），无法读取其中任何文件"));
        }

        let duplicates = self.report_duplicates(&plans);

        for plan in plans {
            if self.stopped {
                break;
            }
            match plan {
                Plan::Skip => {}
                Plan::Unsafe { shown, reason } => self.refuse(&shown, &reason),
                Plan::File { path, record } => {
                    if duplicates.contains_key(&duplicate_key(&path)) {
                        continue;
                    }
                    self.entry_count += 1;
                    let Some(&index) = index_of.get(&record.offset) else {
                        self.unreadable(&path, "压缩包目录中找不到该文件的数据", None);
                        continue;
                    };
                    self.file(bytes, &mut archive, index, &record, path, depth);
                }
            }
        }
        Ok(())
    }

    /// Reads one file entry: header cross-check, encryption, limits, streaming, sniffing,
    /// and recursion into a nested zip.
    fn file(&mut self, bytes: &[u8], archive: &mut zip::ZipArchive<Cursor<&[u8]>>, index: usize, record: &CentralRecord, path: String, depth: u32) {
        let Ok(meta) = archive.by_index_data(index) else {
            self.unreadable(&path, "压缩包目录中找不到该文件的数据", None);
            return;
        };
        let (header_start, declared, compressed) = (meta.header_start(), meta.size(), meta.compressed_size());
        if let Some(problem) = local_header_mismatch(bytes, header_start, record) {
            self.findings.push(
                Finding::new(
                    Code::ArchiveInvalid,
                    format!("压缩包中“{path}”的本地文件头与压缩包目录记录不一致（{problem}）：不同的解压软件会解出不同的内容，无法确定申报材料的真实内容，该文件未读取。"),
                    Location::file(&path),
                )
                .expected("本地文件头与中央目录一致")
                .actual(problem),
            );
            return;
        }
        if record.encrypted() {
            self.unreadable(&path, "该文件设有密码（已加密），无法读取", None);
            return;
        }

        if !SUPPORTED_METHODS.contains(&record.method) {
            self.unreadable(
                &path,
                &format!("该文件使用了不支持的压缩方式（编号{}），请用常规ZIP“Deflate”方式重新打包", record.method),
                None,
            );
            return;
        }

        let limits = self.limits;
        // Declared sizes first: refuse before decompressing a single byte.
        if declared > limits.max_entry_bytes {
            self.bomb(path.clone(), format!("压缩包中的“{path}”"), format!("声明的解压后大小{}超过单个文件上限{}", human_bytes(declared), human_bytes(limits.max_entry_bytes)));
            return;
        }
        if self.total_bytes.saturating_add(declared) > limits.max_total_unpacked_bytes {
            self.bomb(path.clone(), format!("压缩包中的“{path}”"), format!("解压后总大小超过上限{}", human_bytes(limits.max_total_unpacked_bytes)));
            return;
        }
        if declared > limits.min_ratio_checked_bytes && declared / compressed.max(1) > limits.max_compression_ratio {
            self.bomb(path.clone(), format!("压缩包中的“{path}”"), format!("压缩比约{}:1，超过上限{}:1", declared / compressed.max(1), limits.max_compression_ratio));
            return;
        }

        let mut file = match archive.by_index(index) {
            Ok(file) => file,
            Err(e) => {
                let what = match e {
                    zip::result::ZipError::UnsupportedArchive(_) => "该文件使用了不支持的压缩方式（请用常规ZIP“Deflate”方式重新打包）",
                    _ => "该文件已损坏，无法读取",
                };
                self.unreadable(&path, what, Some(e.to_string()));
                return;
            }
        };
        let data = match read_limited(&mut file, declared, compressed, self.total_bytes, limits) {
            Ok(data) => data,
            Err(Stop::Limit(over)) => {
                drop(file);
                self.bomb(path.clone(), format!("压缩包中的“{path}”"), over);
                return;
            }
            Err(Stop::Corrupt(e)) => {
                drop(file);
                self.unreadable(&path, "该文件已损坏（解压出错或校验值不符），无法读取", Some(e.to_string()));
                return;
            }
        };
        drop(file);
        self.total_bytes += data.len() as u64;

        let name = path.rsplit('/').next().unwrap_or(&path);
        let format = sniff::sniff(&data, name);
        if format == Format::Zip {
            if depth >= limits.max_nesting_depth {
                self.refuse(&path, &format!("是第{}层嵌套的压缩包，超过允许的{}层", depth + 1, limits.max_nesting_depth));
                return;
            }
            let span = tracing::info_span!("nested", path = %path, depth = depth + 1);
            let _entered = span.enter();
            if let Err(problem) = self.archive(&data, &format!("{path}/"), depth + 1) {
                self.unreadable(&path, &format!("这是压缩包里的压缩包，但{}", problem.what), problem.detail);
            }
            return;
        }
        // A nested archive's `a.zip/x.pdf` may meet a real folder named `a.zip`.
        if !self.seen.insert(duplicate_key(&path)) {
            self.findings.push(
                Finding::new(
                    Code::ArchiveInvalid,
                    format!("压缩包中有两个文件都解出为“{path}”（其中一个来自压缩包里的压缩包），无法确定哪个是申报材料，后一个未读取。"),
                    Location::file(&path),
                )
                .expected("文件名不重复")
                .actual("同名文件"),
            );
            return;
        }
        self.entries.push(Entry { sha256: super::sha256_hex(&data), path, bytes: data, format });
    }

    /// One `ARCHIVE_INVALID` per name that appears more than once (after decoding and
    /// normalisation); every copy is left unread. Returns the duplicated keys.
    fn report_duplicates(&mut self, plans: &[Plan]) -> BTreeMap<String, (String, usize)> {
        let mut seen: BTreeMap<String, (String, usize)> = BTreeMap::new();
        for plan in plans {
            if let Plan::File { path, .. } = plan {
                seen.entry(duplicate_key(path)).or_insert_with(|| (path.clone(), 0)).1 += 1;
            }
        }
        seen.retain(|_, (_, count)| *count > 1);
        for (path, count) in seen.values() {
            self.findings.push(
                Finding::new(
                    Code::ArchiveInvalid,
                    format!("压缩包中有{count}个同名文件“{path}”：解压时会互相覆盖，不同的解压软件会得到不同的材料，这些同名文件均未读取。"),
                    Location::file(path),
                )
                .expected("文件名不重复")
                .actual(format!("{count}个同名文件")),
            );
        }
        seen
    }

    fn refuse(&mut self, shown: &str, reason: &str) {
        tracing::warn!(path = %shown, reason, "unsafe entry skipped");
        self.findings.push(Finding::new(
            Code::ArchiveUnsafe,
            format!("压缩包中的“{shown}”{reason}，存在安全风险，已跳过该文件（未解压到任何位置）。"),
            Location::file(shown),
        ));
    }

    /// Stops the unpack. `subject` names what was too big ("压缩包中的“x.pdf”"), `what`
    /// says which limit it passed.
    fn bomb(&mut self, path: String, subject: String, what: String) {
        tracing::warn!(path = %path, what = %what, "archive bomb: unpack stopped");
        self.findings.push(
            Finding::new(
                Code::ArchiveUnsafe,
                format!("{subject}{what}，疑似“压缩炸弹”，已停止解压；此前已解出的{}个文件仍会检查，其余文件未读取。", self.entries.len()),
                Location::file(path),
            )
            .actual(what),
        );
        self.stopped = true;
    }

    fn unreadable(&mut self, path: &str, what: &str, detail: Option<String>) {
        let mut finding = Finding::new(Code::FileUnreadable, format!("压缩包中的“{path}”无法读取：{what}。其余文件照常检查。"), Location::file(path));
        if let Some(detail) = detail {
            finding = finding.actual(detail);
        }
        self.findings.push(finding);
    }
}

/// Why streaming an entry stopped early.
#[derive(Debug)]
enum Stop {
    /// A bomb limit was passed (which one, in Chinese).
    Limit(String),
    /// Decompression failed (bad deflate, CRC mismatch, truncated data).
    Corrupt(std::io::Error),
}

/// Reads one entry's decompressed bytes, checking the limits after every chunk, so a
/// stream that never ends (or lies about its size) is stopped one chunk past the limit.
/// `total_before` is what the unpack already holds; `compressed` is the entry's
/// compressed size, the base of the ratio.
fn read_limited(source: impl Read, declared: u64, compressed: u64, total_before: u64, limits: &Limits) -> Result<Vec<u8>, Stop> {
    let mut data: Vec<u8> = Vec::with_capacity(declared.min(MAX_PREALLOC) as usize);
    let mut chunk = vec![0u8; READ_CHUNK];
    // `take(limit + 1)`: reading one byte past the limit is how we know it was passed.
    let mut reader = source.take(limits.max_entry_bytes.saturating_add(1));
    loop {
        match reader.read(&mut chunk) {
            Ok(0) => return Ok(data),
            Ok(n) => {
                data.extend_from_slice(&chunk[..n]);
                let read = data.len() as u64;
                if read > limits.max_entry_bytes {
                    return Err(Stop::Limit(format!("解压后大小超过单个文件上限{}", human_bytes(limits.max_entry_bytes))));
                }
                if total_before.saturating_add(read) > limits.max_total_unpacked_bytes {
                    return Err(Stop::Limit(format!("解压后总大小超过上限{}", human_bytes(limits.max_total_unpacked_bytes))));
                }
                if read > limits.min_ratio_checked_bytes && read / compressed.max(1) > limits.max_compression_ratio {
                    return Err(Stop::Limit(format!(
                        "压缩比超过上限{}:1（{}压缩数据已解出{}以上）",
                        limits.max_compression_ratio,
                        human_bytes(compressed),
                        human_bytes(read)
                    )));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Stop::Corrupt(e)),
        }
    }
}

/// Decides what to do with one record, from its name and attributes alone.
fn plan(record: CentralRecord, prefix: &str) -> Plan {
    let decoded = decode_name(&record);
    let shown = if decoded.is_empty() { format!("{prefix}（无文件名）") } else { format!("{prefix}{}", printable(&decoded)) };
    let normalised = match safe_path(&decoded) {
        Err(reason) => return Plan::Unsafe { shown, reason: reason.to_string() },
        Ok(None) => return Plan::Skip,
        Ok(Some(path)) => path,
    };
    if record.is_symlink() {
        return Plan::Unsafe { shown, reason: "是符号链接（指向压缩包以外的位置）".to_string() };
    }
    if is_os_junk(&normalised) {
        return Plan::Skip;
    }
    Plan::File { path: format!("{prefix}{normalised}"), record }
}

/// The name as a reviewer can read it: control characters (a NUL that truncates the
/// name in C tools, line breaks that forge log lines) written as escapes.
fn printable(name: &str) -> String {
    name.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

/// Decodes a stored name: the UTF-8 flag, else a Unicode Path field whose CRC matches
/// the stored name, else strict UTF-8, else GBK/GB18030 (what Chinese Windows and WPS
/// write without setting the flag), else UTF-8 with replacement characters.
fn decode_name(record: &CentralRecord) -> String {
    if record.flags & FLAG_UTF8 != 0 {
        return String::from_utf8_lossy(&record.name).into_owned();
    }
    if let Some(name) = unicode_path_field(&record.extra, &record.name) {
        return name;
    }
    if let Ok(name) = std::str::from_utf8(&record.name) {
        return name.to_string();
    }
    if let Some(name) = encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(&record.name) {
        return name.into_owned();
    }
    String::from_utf8_lossy(&record.name).into_owned()
}

/// The Info-ZIP Unicode Path extra field (0x7075): version 1, CRC-32 of the stored
/// name, UTF-8 name. Ignored when the CRC does not match: the name was changed by a
/// tool that did not update the field, and the stored name is the current one.
fn unicode_path_field(extra: &[u8], stored_name: &[u8]) -> Option<String> {
    let mut rest = extra;
    while rest.len() >= 4 {
        let id = u16::from_le_bytes([rest[0], rest[1]]);
        let len = usize::from(u16::from_le_bytes([rest[2], rest[3]]));
        let data = rest.get(4..4 + len)?;
        if id == UNICODE_PATH_FIELD && data.len() > 5 && data[0] == 1 {
            let crc = u32::from_le_bytes([data[1], data[2], data[3], data[4]]);
            if crc == crc32fast::hash(stored_name) {
                return std::str::from_utf8(&data[5..]).ok().map(str::to_string);
            }
        }
        rest = &rest[4 + len..];
    }
    None
}

/// The path rule, applied to the decoded name: `Ok(None)` for a directory, the
/// normalised path (`/`-separated, no empty or `.` parts) for a file, or why it is
/// refused. It refuses instead of rewriting: `/etc/x` is not quietly made `etc/x`.
fn safe_path(name: &str) -> Result<Option<String>, &'static str> {
    if name.is_empty() {
        return Err("的文件名为空");
    }
    if name.chars().any(char::is_control) {
        return Err("的文件名含有控制字符");
    }
    // Windows tools write `\`; an archive read on Windows treats it as a separator.
    let slashed = name.replace('\\', "/");
    if slashed.starts_with('/') {
        return Err("使用了绝对路径");
    }
    let mut chars = slashed.chars();
    if let (Some(drive), Some(':')) = (chars.next(), chars.next()) {
        if drive.is_ascii_alphabetic() {
            return Err("带有盘符（如“C:”），指向压缩包以外的位置");
        }
    }
    let mut parts = Vec::new();
    for part in slashed.split('/') {
        match part {
            ".." => return Err("含有“..”，会跳出解压目录"),
            "" | "." => {}
            _ => parts.push(part),
        }
    }
    if parts.is_empty() || slashed.ends_with('/') {
        return Ok(None);
    }
    Ok(Some(parts.join("/")))
}

/// Files operating systems leave behind: never part of a dossier, never worth a finding.
fn is_os_junk(path: &str) -> bool {
    if path.split('/').any(|part| part == "__MACOSX") {
        return true;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    name.starts_with("._") || [".DS_Store", "Thumbs.db", "desktop.ini"].iter().any(|junk| name.eq_ignore_ascii_case(junk))
}

/// Names that one file system would store as the same file: same text after Unicode
/// composition (macOS decomposes) and case folding (Windows ignores case).
fn duplicate_key(path: &str) -> String {
    path.nfc().collect::<String>().to_lowercase()
}

/// Walks the central directory as stored, duplicates included (the `zip` crate keeps
/// one entry per name). Stops at the first record that is not one.
fn central_records(bytes: &[u8], archive: &zip::ZipArchive<Cursor<&[u8]>>) -> Vec<CentralRecord> {
    // Depending on how the archive was found (data prepended, self-extractor), the
    // directory start is either absolute or relative to the archive's offset.
    let start = archive.central_directory_start();
    let candidates = [start, start.saturating_add(archive.offset())];
    let mut best = Vec::new();
    for candidate in candidates {
        let records = walk_central(bytes, candidate);
        if records.len() > best.len() {
            best = records;
        }
    }
    best
}

fn walk_central(bytes: &[u8], start: u64) -> Vec<CentralRecord> {
    let mut records = Vec::new();
    let Ok(mut pos) = usize::try_from(start) else { return records };
    while let Some(fixed) = bytes.get(pos..pos.saturating_add(CENTRAL_FIXED_LEN)) {
        if u32_at(fixed, 0) != CENTRAL_SIGNATURE {
            break;
        }
        let name_len = usize::from(u16_at(fixed, 28));
        let extra_len = usize::from(u16_at(fixed, 30));
        let comment_len = usize::from(u16_at(fixed, 32));
        let name_start = pos + CENTRAL_FIXED_LEN;
        let (Some(name), Some(extra)) = (bytes.get(name_start..name_start + name_len), bytes.get(name_start + name_len..name_start + name_len + extra_len)) else {
            break;
        };
        records.push(CentralRecord {
            offset: pos as u64,
            flags: u16_at(fixed, 8),
            method: u16_at(fixed, 10),
            crc: u32_at(fixed, 16),
            compressed: u32_at(fixed, 20),
            uncompressed: u32_at(fixed, 24),
            external_attributes: u32_at(fixed, 38),
            name: name.to_vec(),
            extra: extra.to_vec(),
        });
        pos = name_start + name_len + extra_len + comment_len;
    }
    records
}

/// Compares the local file header at `header_start` with its central record; the
/// difference, in Chinese, when they disagree.
fn local_header_mismatch(bytes: &[u8], header_start: u64, record: &CentralRecord) -> Option<String> {
    let start = usize::try_from(header_start).ok()?;
    let Some(fixed) = bytes.get(start..start.saturating_add(LOCAL_FIXED_LEN)) else {
        return Some("本地文件头缺失".to_string());
    };
    if u32_at(fixed, 0) != LOCAL_SIGNATURE {
        return Some("本地文件头缺失或已损坏".to_string());
    }
    let flags = u16_at(fixed, 6);
    let name_len = usize::from(u16_at(fixed, 26));
    let name_start = start + LOCAL_FIXED_LEN;
    let Some(name) = bytes.get(name_start..name_start + name_len) else {
        return Some("本地文件头被截断".to_string());
    };
    if name != record.name.as_slice() {
        return Some(format!("文件名不同：本地文件头为“{}”", String::from_utf8_lossy(name)));
    }
    if u16_at(fixed, 8) != record.method {
        return Some("压缩方式不同".to_string());
    }
    if (flags ^ record.flags) & (FLAG_ENCRYPTED | FLAG_DATA_DESCRIPTOR) != 0 {
        return Some("加密或数据描述符标志不同".to_string());
    }
    if flags & FLAG_DATA_DESCRIPTOR == 0 {
        if u32_at(fixed, 14) != record.crc {
            return Some("CRC校验值不同".to_string());
        }
        let differs = |local: u32, central: u32| local != central && local != ZIP64_PLACEHOLDER && central != ZIP64_PLACEHOLDER;
        if differs(u32_at(fixed, 18), record.compressed) || differs(u32_at(fixed, 22), record.uncompressed) {
            return Some("文件大小不同".to_string());
        }
    }
    None
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// "256 MiB", for messages.
fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        crate::config::Config::builtin().expect("built-in config").settings.limits
    }

    /// An endless stream (a decompressor fed a lying header) is cut one chunk past
    /// each limit, never read to the end.
    #[test]
    fn streaming_stops_one_chunk_past_each_limit() {
        let mut l = limits();
        l.max_entry_bytes = 200_000;
        l.min_ratio_checked_bytes = u64::MAX;
        match read_limited(std::io::repeat(0), 10, 1_000_000, 0, &l) {
            Err(Stop::Limit(what)) => assert!(what.contains("单个文件上限"), "{what}"),
            other => panic!("{other:?}"),
        }

        let mut l = limits();
        l.max_total_unpacked_bytes = 1_000_000;
        match read_limited(std::io::repeat(0), 10, 1_000_000, 900_000, &l) {
            Err(Stop::Limit(what)) => assert!(what.contains("总大小"), "{what}"),
            other => panic!("{other:?}"),
        }

        let mut l = limits();
        l.min_ratio_checked_bytes = 100_000;
        l.max_compression_ratio = 10;
        match read_limited(std::io::repeat(0), 10, 1000, 0, &l) {
            Err(Stop::Limit(what)) => assert!(what.contains("压缩比"), "{what}"),
            other => panic!("{other:?}"),
        }
        // Below min_ratio_checked_bytes a high ratio is normal (a blank form page).
        let data = read_limited(&[0u8; 50_000][..], 50_000, 10, 0, &l).expect("small entries are not judged by ratio");
        assert_eq!(data.len(), 50_000);
    }

    #[test]
    fn streaming_reports_a_broken_stream_as_corrupt() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "corrupt deflate stream"))
            }
        }
        assert!(matches!(read_limited(Broken, 10, 10, 0, &limits()), Err(Stop::Corrupt(_))));
    }

    #[test]
    fn path_rule_refuses_instead_of_rewriting() {
        assert!(safe_path("../x").is_err());
        assert!(safe_path("a/../../x").is_err());
        assert!(safe_path("a\\..\\..\\x").is_err());
        assert!(safe_path("/etc/x").is_err());
        assert!(safe_path("\\\\server\\share\\x").is_err());
        assert!(safe_path("C:\\x").is_err());
        assert!(safe_path("c:x").is_err());
        assert!(safe_path("").is_err());
        assert!(safe_path("a\0b.pdf").is_err());
        assert_eq!(safe_path("a\\b.pdf"), Ok(Some("a/b.pdf".to_string())));
        assert_eq!(safe_path("./a//b.pdf"), Ok(Some("a/b.pdf".to_string())));
        assert_eq!(safe_path("材料/"), Ok(None));
        assert_eq!(safe_path("1.推荐报告.pdf"), Ok(Some("1.推荐报告.pdf".to_string())));
    }

    #[test]
    fn os_junk_is_recognised() {
        assert!(is_os_junk("__MACOSX/a/._b.pdf"));
        assert!(is_os_junk("a/._b.pdf"));
        assert!(is_os_junk("a/.DS_Store"));
        assert!(is_os_junk("THUMBS.DB"));
        assert!(is_os_junk("desktop.ini"));
        assert!(!is_os_junk("a/b.pdf"));
    }

    #[test]
    fn unicode_path_field_needs_a_matching_crc() {
        let stored = b"old.pdf";
        let mut field = vec![1];
        field.extend_from_slice(&crc32fast::hash(stored).to_le_bytes());
        field.extend_from_slice("推荐报告.pdf".as_bytes());
        let mut extra = UNICODE_PATH_FIELD.to_le_bytes().to_vec();
        extra.extend_from_slice(&(field.len() as u16).to_le_bytes());
        extra.extend_from_slice(&field);
        assert_eq!(unicode_path_field(&extra, stored).as_deref(), Some("推荐报告.pdf"));
        assert_eq!(unicode_path_field(&extra, b"renamed.pdf"), None);
        assert_eq!(unicode_path_field(&extra[..6], stored), None, "truncated field");
    }

    #[test]
    fn duplicate_key_folds_case_and_composition() {
        assert_eq!(duplicate_key("A.PDF"), duplicate_key("a.pdf"));
        assert_eq!(duplicate_key("e\u{301}.pdf"), duplicate_key("\u{e9}.pdf"));
    }
}

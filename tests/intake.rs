//! Intake on hostile and broken archives, all built inside the tests: GBK names without
//! the UTF-8 flag, the Unicode Path extra field, mixed encodings, path traversal, symlinks,
//! bombs by ratio, count, size and nesting, truncated/corrupt/empty/encrypted archives,
//! duplicate names, local headers that disagree with the central directory, OS junk.
//! Hand-assembled archives ([`Raw`]) cover what `ZipWriter` refuses to write.

use std::io::{Cursor, Write};

use dossier_verify::config::{Config, Limits};
use dossier_verify::intake::{self, Dossier, Format};
use dossier_verify::report::Code;

fn limits() -> Limits {
    Config::builtin().expect("built-in config").settings.limits
}

fn unpack(bytes: &[u8]) -> Dossier {
    intake::unpack(bytes, "申报材料.zip", &limits())
}

fn paths(d: &Dossier) -> Vec<&str> {
    d.entries.iter().map(|e| e.path.as_str()).collect()
}

fn codes(d: &Dossier) -> Vec<(Code, Option<&str>)> {
    d.findings.iter().map(|f| (f.code, f.location.path.as_deref())).collect()
}

fn entry<'d>(d: &'d Dossier, path: &str) -> &'d intake::Entry {
    d.entries.iter().find(|e| e.path == path).unwrap_or_else(|| panic!("no entry {path} in {:?}", paths(d)))
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/// A zip written by the `zip` crate (deflate, UTF-8 names).
fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in members {
        if name.ends_with('/') {
            writer.add_directory(*name, options).unwrap();
        } else {
            writer.start_file(*name, options).unwrap();
            writer.write_all(data).unwrap();
        }
    }
    writer.finish().unwrap().into_inner()
}

/// One hand-assembled entry (stored unless `method` says otherwise).
#[derive(Clone)]
struct Raw {
    name: Vec<u8>,
    data: Vec<u8>,
    flags: u16,
    method: u16,
    extra: Vec<u8>,
    external: u32,
    made_by: u16,
    local_name: Option<Vec<u8>>,
    crc: Option<u32>,
    local_crc: Option<u32>,
    uncompressed: Option<u32>,
}

impl Raw {
    fn new(name: impl AsRef<[u8]>, data: &[u8]) -> Raw {
        Raw {
            name: name.as_ref().to_vec(),
            data: data.to_vec(),
            flags: 0,
            method: 0,
            extra: Vec::new(),
            external: 0,
            made_by: 20,
            local_name: None,
            crc: None,
            local_crc: None,
            uncompressed: None,
        }
    }

    fn gbk(name: &str, data: &[u8]) -> Raw {
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(name);
        assert!(!unmappable);
        Raw::new(bytes, data)
    }

    fn utf8_flag(mut self) -> Raw {
        self.flags |= 1 << 11;
        self
    }
}

fn raw_zip(entries: &[Raw]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let crc = e.crc.unwrap_or_else(|| crc32fast::hash(&e.data));
        let size = e.data.len() as u32;
        let uncompressed = e.uncompressed.unwrap_or(size);
        let local_name = e.local_name.clone().unwrap_or_else(|| e.name.clone());
        let mut local = Vec::new();
        local.extend(0x0403_4b50u32.to_le_bytes());
        local.extend(20u16.to_le_bytes());
        local.extend(e.flags.to_le_bytes());
        local.extend(e.method.to_le_bytes());
        local.extend(0u16.to_le_bytes());
        local.extend(0x21u16.to_le_bytes());
        local.extend(e.local_crc.unwrap_or(crc).to_le_bytes());
        local.extend(size.to_le_bytes());
        local.extend(uncompressed.to_le_bytes());
        local.extend((local_name.len() as u16).to_le_bytes());
        local.extend((e.extra.len() as u16).to_le_bytes());
        local.extend(&local_name);
        local.extend(&e.extra);
        local.extend(&e.data);
        out.extend(local);

        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(e.made_by.to_le_bytes());
        central.extend(20u16.to_le_bytes());
        central.extend(e.flags.to_le_bytes());
        central.extend(e.method.to_le_bytes());
        central.extend(0u16.to_le_bytes());
        central.extend(0x21u16.to_le_bytes());
        central.extend(crc.to_le_bytes());
        central.extend(size.to_le_bytes());
        central.extend(uncompressed.to_le_bytes());
        central.extend((e.name.len() as u16).to_le_bytes());
        central.extend((e.extra.len() as u16).to_le_bytes());
        central.extend(0u16.to_le_bytes()); // comment
        central.extend(0u16.to_le_bytes()); // disk
        central.extend(0u16.to_le_bytes()); // internal attributes
        central.extend(e.external.to_le_bytes());
        central.extend(offset.to_le_bytes());
        central.extend(&e.name);
        central.extend(&e.extra);
    }
    let cd_offset = out.len() as u32;
    let cd_size = central.len() as u32;
    out.extend(central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend(cd_size.to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// The Info-ZIP Unicode Path extra field (0x7075) for `stored` naming `unicode`.
fn unicode_path(stored: &[u8], unicode: &str) -> Vec<u8> {
    let mut data = vec![1u8];
    data.extend(crc32fast::hash(stored).to_le_bytes());
    data.extend(unicode.as_bytes());
    let mut field = 0x7075u16.to_le_bytes().to_vec();
    field.extend((data.len() as u16).to_le_bytes());
    field.extend(data);
    field
}

// ---------------------------------------------------------------- names

#[test]
fn utf8_names_from_zip_writer_are_read_with_their_contents() {
    let bytes = zip_of(&[("1.推荐报告.pdf", PDF), ("3.依托单位材料/", b""), ("3.依托单位材料/2022年培训人员名单.csv", "序号,姓名\n1,张三\n".as_bytes())]);
    let d = unpack(&bytes);
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    assert_eq!(paths(&d), ["1.推荐报告.pdf", "3.依托单位材料/2022年培训人员名单.csv"]);
    assert_eq!(entry(&d, "1.推荐报告.pdf").bytes, PDF);
    assert_eq!(entry(&d, "1.推荐报告.pdf").format, Format::Pdf);
    assert_eq!(entry(&d, "3.依托单位材料/2022年培训人员名单.csv").format, Format::Csv);
    assert_eq!(entry(&d, "1.推荐报告.pdf").sha256, intake::sha256_hex(PDF));
    assert_eq!(d.sha256, intake::sha256_hex(&bytes));
    assert_eq!(d.filename, "申报材料.zip");
}

#[test]
fn gbk_name_without_utf8_flag_is_decoded_as_chinese() {
    let d = unpack(&raw_zip(&[Raw::gbk("2.申报表\\辽宁省职业技能培训品牌申报表.pdf", PDF)]));
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    assert_eq!(paths(&d), ["2.申报表/辽宁省职业技能培训品牌申报表.pdf"]);
    assert_eq!(d.entries[0].bytes, PDF);
}

#[test]
fn unicode_path_extra_field_gives_the_name() {
    let stored = b"????.pdf";
    let mut raw = Raw::new(stored, PDF);
    raw.extra = unicode_path(stored, "推荐报告.pdf");
    let d = unpack(&raw_zip(&[raw]));
    assert_eq!(paths(&d), ["推荐报告.pdf"]);
}

#[test]
fn unicode_path_field_with_a_stale_crc_is_ignored() {
    let (gbk, _, _) = encoding_rs::GBK.encode("新名称.pdf");
    let mut raw = Raw::new(gbk.as_ref(), PDF);
    raw.extra = unicode_path(b"old-name.pdf", "旧名称.pdf");
    let d = unpack(&raw_zip(&[raw]));
    assert_eq!(paths(&d), ["新名称.pdf"]);
}

#[test]
fn mixed_encodings_in_one_archive() {
    let stored = b"_.xlsx";
    let mut upath = Raw::new(stored, PDF);
    upath.extra = unicode_path(stored, "就业跟踪情况表.xlsx");
    let d = unpack(&raw_zip(&[
        Raw::new("1.推荐报告.pdf", PDF).utf8_flag(),
        Raw::gbk("2.申报表.pdf", PDF),
        upath,
        Raw::new("readme.pdf", PDF),
        Raw::new("无标志UTF8.pdf", PDF),
    ]));
    let mut got = paths(&d);
    got.sort();
    assert_eq!(got, ["1.推荐报告.pdf", "2.申报表.pdf", "readme.pdf", "就业跟踪情况表.xlsx", "无标志UTF8.pdf"], "{:?}", d.findings);
}

// ---------------------------------------------------------------- unsafe paths

#[test]
fn traversal_absolute_and_drive_paths_are_refused_and_the_rest_read() {
    let hostile = ["../x.pdf", "/etc/x.pdf", "C:\\x.pdf", "a\\..\\..\\x.pdf", "a/../b.pdf"];
    let mut entries: Vec<Raw> = hostile.iter().map(|n| Raw::new(n, PDF)).collect();
    entries.push(Raw::new("ok.pdf", PDF));
    let d = unpack(&raw_zip(&entries));
    assert_eq!(paths(&d), ["ok.pdf"]);
    for name in hostile {
        assert!(codes(&d).contains(&(Code::ArchiveUnsafe, Some(name))), "{name}: {:?}", codes(&d));
    }
    assert_eq!(d.findings.len(), hostile.len());
    assert!(d.findings.iter().all(|f| f.message.contains("已跳过")), "messages say what happened");
}

#[test]
fn backslashes_that_stay_inside_are_folders() {
    let d = unpack(&raw_zip(&[Raw::new("材料\\子目录\\a.pdf", PDF).utf8_flag()]));
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    assert_eq!(paths(&d), ["材料/子目录/a.pdf"]);
}

#[test]
fn symlink_entries_are_refused() {
    let mut link = Raw::new("link.pdf", b"/etc/passwd");
    link.made_by = 3 << 8 | 20;
    link.external = 0o120_777 << 16;
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    writer.add_symlink("written-link", "../../etc/passwd", zip::write::SimpleFileOptions::default()).unwrap();
    let written = writer.finish().unwrap().into_inner();

    let d = unpack(&raw_zip(&[link, Raw::new("ok.pdf", PDF)]));
    assert_eq!(paths(&d), ["ok.pdf"]);
    assert_eq!(codes(&d), [(Code::ArchiveUnsafe, Some("link.pdf"))]);
    assert!(d.findings[0].message.contains("符号链接"));

    let d = unpack(&written);
    assert!(d.entries.is_empty());
    assert_eq!(codes(&d), [(Code::ArchiveUnsafe, Some("written-link"))]);
}

#[test]
fn nothing_is_ever_written_to_disk() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("written.pdf");
    let absolute = target.to_string_lossy().to_string();
    let relative = format!("{}{}", "../".repeat(30), absolute.trim_start_matches('/'));
    let d = unpack(&raw_zip(&[Raw::new(&absolute, PDF), Raw::new(&relative, PDF), Raw::new("ok.pdf", PDF)]));
    assert_eq!(paths(&d), ["ok.pdf"]);
    assert_eq!(d.findings.iter().filter(|f| f.code == Code::ArchiveUnsafe).count(), 2);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "intake wrote a file");
    assert!(!target.exists());
}

// ---------------------------------------------------------------- bombs

#[test]
fn ratio_bomb_stops_the_unpack_keeping_what_was_read() {
    let zeros = vec![0u8; 50 * 1024 * 1024];
    let bytes = zip_of(&[("a.pdf", PDF), ("bomb.pdf", &zeros), ("z.pdf", PDF)]);
    assert!(bytes.len() < 1024 * 1024, "50 MB of zeros deflate to {} bytes", bytes.len());
    let d = unpack(&bytes);
    assert_eq!(paths(&d), ["a.pdf"], "stops at the bomb");
    assert_eq!(codes(&d), [(Code::ArchiveUnsafe, Some("bomb.pdf"))]);
    assert!(d.findings[0].message.contains("压缩炸弹"), "{}", d.findings[0].message);
}

#[test]
fn ratio_bomb_with_lying_declared_sizes_is_caught_while_streaming() {
    let zeros = vec![0u8; 8 * 1024 * 1024];
    let honest = zip_of(&[("bomb.pdf", &zeros)]);
    // Rewrite both declared uncompressed sizes to 100 bytes: the declared check passes.
    let mut lying = honest.clone();
    let patch = |bytes: &mut Vec<u8>, sig: u32, at: usize| {
        let sig = sig.to_le_bytes();
        let pos = bytes.windows(4).position(|w| w == sig).unwrap();
        bytes[pos + at..pos + at + 4].copy_from_slice(&100u32.to_le_bytes());
    };
    patch(&mut lying, 0x0403_4b50, 22);
    patch(&mut lying, 0x0201_4b50, 24);
    let mut small = limits();
    small.min_ratio_checked_bytes = 1024;
    let d = intake::unpack(&lying, "x.zip", &small);
    assert!(d.entries.is_empty(), "{:?}", paths(&d));
    assert_eq!(d.findings.len(), 1, "{:?}", d.findings);
    assert!(matches!(d.findings[0].code, Code::ArchiveUnsafe | Code::FileUnreadable), "{:?}", d.findings);
    assert_eq!(d.findings[0].location.path.as_deref(), Some("bomb.pdf"));
}

#[test]
fn entry_too_large_for_the_limit_is_a_bomb_even_when_compressible_honestly() {
    let mut small = limits();
    small.max_entry_bytes = 1000;
    let d = intake::unpack(&zip_of(&[("big.pdf", &[b'x'; 5000]), ("after.pdf", PDF)]), "x.zip", &small);
    assert!(d.entries.is_empty());
    assert_eq!(codes(&d), [(Code::ArchiveUnsafe, Some("big.pdf"))]);
}

#[test]
fn total_unpacked_bytes_limit_counts_every_entry() {
    let mut small = limits();
    small.max_total_unpacked_bytes = 2500;
    let chunk = [b'x'; 1000];
    let d = intake::unpack(&zip_of(&[("1.pdf", &chunk), ("2.pdf", &chunk), ("3.pdf", &chunk), ("4.pdf", &chunk)]), "x.zip", &small);
    assert_eq!(paths(&d), ["1.pdf", "2.pdf"]);
    assert_eq!(codes(&d), [(Code::ArchiveUnsafe, Some("3.pdf"))]);
}

#[test]
fn count_bomb_is_refused_before_reading() {
    let mut small = limits();
    small.max_entries = 10;
    let names: Vec<String> = (0..50).map(|i| format!("f{i}.pdf")).collect();
    let members: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), PDF)).collect();
    let d = intake::unpack(&zip_of(&members), "x.zip", &small);
    assert!(d.entries.is_empty());
    assert_eq!(d.findings.len(), 1);
    assert_eq!(d.findings[0].code, Code::ArchiveUnsafe);
    assert!(d.findings[0].message.contains("文件数量"), "{}", d.findings[0].message);
    assert_eq!(d.findings[0].location.path.as_deref(), Some("x.zip"));
}

#[test]
fn count_limit_includes_nested_archives() {
    let mut small = limits();
    small.max_entries = 5;
    let inner = zip_of(&[("1.pdf", PDF), ("2.pdf", PDF), ("3.pdf", PDF), ("4.pdf", PDF)]);
    let d = intake::unpack(&zip_of(&[("a.pdf", PDF), ("b.pdf", PDF), ("inner.zip", &inner)]), "x.zip", &small);
    assert_eq!(paths(&d), ["a.pdf", "b.pdf"]);
    assert_eq!(codes(&d), [(Code::ArchiveUnsafe, Some("inner.zip"))]);
}

// ---------------------------------------------------------------- nesting

#[test]
fn nested_zip_is_unpacked_with_prefixed_paths() {
    let inner = zip_of(&[("docs/x.pdf", PDF)]);
    let d = unpack(&zip_of(&[("outer.zip", &inner), ("top.pdf", PDF)]));
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    assert_eq!(paths(&d), ["outer.zip/docs/x.pdf", "top.pdf"]);
    assert_eq!(entry(&d, "outer.zip/docs/x.pdf").bytes, PDF);
}

#[test]
fn nesting_four_deep_is_refused_at_the_fourth_level() {
    let z4 = zip_of(&[("d.pdf", PDF)]);
    let z3 = zip_of(&[("c.pdf", PDF), ("z4.zip", &z4)]);
    let z2 = zip_of(&[("b.pdf", PDF), ("z3.zip", &z3)]);
    let d = unpack(&zip_of(&[("a.pdf", PDF), ("z2.zip", &z2)]));
    assert_eq!(paths(&d), ["a.pdf", "z2.zip/b.pdf", "z2.zip/z3.zip/c.pdf"]);
    assert_eq!(codes(&d), [(Code::ArchiveUnsafe, Some("z2.zip/z3.zip/z4.zip"))]);
}

#[test]
fn nested_path_meeting_a_real_folder_of_the_same_name_is_invalid() {
    let inner = zip_of(&[("x.pdf", PDF)]);
    let d = unpack(&zip_of(&[("a.zip", &inner), ("a.zip/x.pdf", b"%PDF-1.4 other")]));
    assert_eq!(paths(&d), ["a.zip/x.pdf"]);
    assert_eq!(entry(&d, "a.zip/x.pdf").bytes, PDF, "the first one read is kept");
    assert_eq!(codes(&d), [(Code::ArchiveInvalid, Some("a.zip/x.pdf"))]);
}

#[test]
fn office_files_are_not_unpacked_as_nested_archives() {
    let docx = zip_of(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")]);
    let d = unpack(&zip_of(&[("申报表.docx", &docx)]));
    assert_eq!(paths(&d), ["申报表.docx"]);
    assert_eq!(d.entries[0].format, Format::Docx);
}

#[test]
fn broken_nested_zip_is_one_unreadable_file() {
    let mut inner = zip_of(&[("x.pdf", PDF)]);
    inner.truncate(inner.len() - 10);
    let d = unpack(&zip_of(&[("inner.zip", &inner), ("ok.pdf", PDF)]));
    assert_eq!(paths(&d), ["ok.pdf"]);
    assert_eq!(codes(&d), [(Code::FileUnreadable, Some("inner.zip"))]);
}

// ---------------------------------------------------------------- invalid archives

fn assert_invalid(d: &Dossier) {
    assert!(d.entries.is_empty(), "{:?}", paths(d));
    assert_eq!(codes(d), [(Code::ArchiveInvalid, Some("申报材料.zip"))]);
    assert!(d.findings[0].message.contains("申报材料.zip"));
}

#[test]
fn not_a_zip_is_invalid() {
    assert_invalid(&unpack(b"this is not a zip at all"));
    assert_invalid(&unpack(b""));
    assert_invalid(&unpack(PDF));
}

#[test]
fn truncated_archive_is_invalid() {
    let bytes = zip_of(&[("a.pdf", PDF), ("b.pdf", PDF)]);
    assert_invalid(&unpack(&bytes[..bytes.len() / 2]));
    assert_invalid(&unpack(&bytes[..bytes.len() - 5]));
}

#[test]
fn corrupt_central_directory_is_invalid() {
    let mut bytes = zip_of(&[("a.pdf", PDF), ("b.pdf", PDF)]);
    let cd = bytes.windows(4).position(|w| w == 0x0201_4b50u32.to_le_bytes()).unwrap();
    for b in &mut bytes[cd..cd + 40] {
        *b = 0xA5;
    }
    assert_invalid(&unpack(&bytes));
}

#[test]
fn empty_archive_is_invalid() {
    assert_invalid(&unpack(&zip_of(&[])));
    assert_invalid(&unpack(&zip_of(&[("folder/", b""), ("__MACOSX/._x.pdf", b"junk"), (".DS_Store", b"junk")])));
}

#[test]
fn wholly_encrypted_archive_is_invalid() {
    let mut a = Raw::new("a.pdf", PDF);
    a.flags |= 1;
    let mut b = Raw::new("b.pdf", PDF);
    b.flags |= 1;
    let d = unpack(&raw_zip(&[a, b]));
    assert_invalid(&d);
    assert!(d.findings[0].message.contains("密码"));
}

#[test]
fn one_encrypted_entry_is_unreadable_and_the_rest_read() {
    let mut secret = Raw::new("secret.pdf", PDF);
    secret.flags |= 1;
    // WinZip AES: method 99, even if a writer forgets bit 0.
    let mut aes = Raw::new("aes.pdf", PDF);
    aes.method = 99;
    let d = unpack(&raw_zip(&[secret, aes, Raw::new("ok.pdf", PDF)]));
    assert_eq!(paths(&d), ["ok.pdf"]);
    assert_eq!(codes(&d), [(Code::FileUnreadable, Some("secret.pdf")), (Code::FileUnreadable, Some("aes.pdf"))]);
    assert!(d.findings[0].message.contains("密码"), "{}", d.findings[0].message);
    assert_eq!(d.findings[0].severity, dossier_verify::report::Severity::Warning);
}

#[test]
fn crc_error_and_bad_deflate_are_unreadable_files() {
    let mut bad_crc = Raw::new("bad-crc.pdf", PDF);
    bad_crc.crc = Some(0xDEAD_BEEF);
    let mut bad_deflate = Raw::new("bad-deflate.pdf", &[0xFF; 64]);
    bad_deflate.method = 8;
    bad_deflate.uncompressed = Some(1000);
    let mut deflate64 = Raw::new("deflate64.pdf", &[0x00; 16]);
    deflate64.method = 9;
    let d = unpack(&raw_zip(&[bad_crc, bad_deflate, deflate64, Raw::new("ok.pdf", PDF)]));
    assert_eq!(paths(&d), ["ok.pdf"]);
    assert_eq!(
        codes(&d),
        [(Code::FileUnreadable, Some("bad-crc.pdf")), (Code::FileUnreadable, Some("bad-deflate.pdf")), (Code::FileUnreadable, Some("deflate64.pdf"))]
    );
    assert!(d.findings[0].message.contains("已损坏"));
    assert!(d.findings[2].message.contains("不支持的压缩方式"));
}

#[test]
fn duplicate_names_are_invalid_and_neither_copy_is_read() {
    let d = unpack(&raw_zip(&[Raw::new("a.pdf", PDF), Raw::new("a.pdf", b"%PDF-1.4 other"), Raw::new("ok.pdf", PDF)]));
    assert_eq!(paths(&d), ["ok.pdf"]);
    assert_eq!(codes(&d), [(Code::ArchiveInvalid, Some("a.pdf"))]);

    // Same file after decoding (GBK vs UTF-8) and after case folding.
    let d = unpack(&raw_zip(&[Raw::gbk("申报表.pdf", PDF), Raw::new("申报表.pdf", PDF).utf8_flag(), Raw::new("B.PDF", PDF), Raw::new("b.pdf", PDF)]));
    assert!(d.entries.is_empty());
    assert_eq!(d.findings.len(), 2, "{:?}", d.findings);
    assert!(d.findings.iter().all(|f| f.code == Code::ArchiveInvalid));
    assert!(codes(&d).contains(&(Code::ArchiveInvalid, Some("申报表.pdf"))));
}

#[test]
fn local_header_disagreeing_with_central_directory_is_invalid() {
    let mut renamed = Raw::new("report.pdf", PDF);
    renamed.local_name = Some(b"evil.exe.pdf".to_vec());
    let mut recrc = Raw::new("form.pdf", PDF);
    recrc.local_crc = Some(0x1234_5678);
    let d = unpack(&raw_zip(&[renamed, recrc, Raw::new("ok.pdf", PDF)]));
    assert_eq!(paths(&d), ["ok.pdf"]);
    assert_eq!(codes(&d), [(Code::ArchiveInvalid, Some("report.pdf")), (Code::ArchiveInvalid, Some("form.pdf"))]);
    assert!(d.findings[0].message.contains("本地文件头"));
}

#[test]
fn os_junk_and_directories_are_skipped_silently() {
    let d = unpack(&zip_of(&[
        ("材料/", b""),
        ("材料/a.pdf", PDF),
        ("__MACOSX/材料/._a.pdf", b"\0\x05\x16\x07"),
        ("材料/._a.pdf", b"\0\x05\x16\x07"),
        ("材料/.DS_Store", b"\0\0\0\x01Bud1"),
        ("材料/Thumbs.db", b"\xD0\xCF\x11\xE0"),
        ("desktop.ini", b"[.ShellClassInfo]"),
    ]));
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    assert_eq!(paths(&d), ["材料/a.pdf"]);
}

#[test]
fn formats_are_sniffed_not_taken_from_extensions() {
    let d = unpack(&zip_of(&[("photo.pdf", b"\xFF\xD8\xFF\xE0\0\x10JFIF"), ("scan.jpg", PDF), ("archive.zip", b"Rar!\x1a\x07\0")]));
    assert_eq!(entry(&d, "photo.pdf").format, Format::Jpeg);
    assert_eq!(entry(&d, "scan.jpg").format, Format::Pdf);
    assert_eq!(entry(&d, "archive.zip").format, Format::Rar);
}

/// Every truncation and many single-byte corruptions of a small archive: never a panic,
/// and every outcome is either entries or a finding.
#[test]
fn mangled_archives_never_panic() {
    let inner = zip_of(&[("x.pdf", PDF)]);
    let bytes = zip_of(&[("1.推荐报告.pdf", PDF), ("in.zip", &inner), ("b.csv", b"a,b\n1,2\n")]);
    for cut in 0..bytes.len() {
        let d = unpack(&bytes[..cut]);
        assert!(!d.findings.is_empty() || !d.entries.is_empty());
    }
    for at in 0..bytes.len() {
        for value in [0x00, 0xFF, 0x7F] {
            let mut mangled = bytes.clone();
            mangled[at] = value;
            let _ = unpack(&mangled);
        }
    }
}

// ---------------------------------------------------------------- real-world regressions
// Files from public zip test suites (fixtures/intake/SOURCES.md), tried by hand with every
// zip of /work/shared/realworld/zip; none panicked, these are the ones that changed code.

fn fixture(name: &str) -> Dossier {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/intake").join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    intake::unpack(&bytes, name, &limits())
}

/// dotnet badzipfiles/LZMA.zip: method 14 was reported as a corrupt file; it is an
/// unsupported compression method, and the message must say so.
#[test]
fn regression_lzma_entry_is_unsupported_method_not_corruption() {
    let d = fixture("dotnet__badzipfiles_LZMA.zip");
    assert!(d.entries.is_empty());
    assert_eq!(codes(&d), [(Code::FileUnreadable, Some("text.txt"))]);
    assert!(d.findings[0].message.contains("不支持的压缩方式"), "{}", d.findings[0].message);
}

/// dotnet compat/InvalidWindowsFileNameChars.zip and NullCharFileName_FromWindows.zip:
/// names with control characters (NUL, line breaks) went raw into messages.
#[test]
fn regression_control_characters_in_names_are_refused_and_escaped() {
    for name in ["dotnet__compat_InvalidWindowsFileNameChars.zip", "dotnet__compat_NullCharFileName_FromWindows.zip"] {
        let d = fixture(name);
        let unsafe_findings: Vec<_> = d.findings.iter().filter(|f| f.code == Code::ArchiveUnsafe).collect();
        assert!(!unsafe_findings.is_empty(), "{name}: {:?}", d.findings);
        for f in unsafe_findings {
            assert!(!f.message.chars().any(char::is_control), "{name}: {:?}", f.message);
            assert!(!f.location.path.as_deref().unwrap_or("").chars().any(char::is_control), "{name}");
        }
    }
    assert_eq!(paths(&fixture("dotnet__compat_InvalidWindowsFileNameChars.zip")), ["Test/normalText.txt"]);
}

/// dotnet StrangeZipFiles/filenameTimeAndSizesDifferentInLH.zip: the local header names
/// another file than the central directory.
#[test]
fn regression_local_header_with_another_name() {
    let d = fixture("dotnet__StrangeZipFiles_filenameTimeAndSizesDifferentInLH.zip");
    assert!(d.entries.is_empty());
    assert_eq!(codes(&d), [(Code::ArchiveInvalid, Some("small.txt"))]);
}

/// dotnet refzipfiles/prepended.zip: data before the archive shifts every offset; the
/// central directory walk must follow the archive, not the buffer start.
#[test]
fn regression_prepended_data_still_reads() {
    let d = fixture("dotnet__refzipfiles_prepended.zip");
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    assert_eq!(paths(&d), ["text.txt"]);
    assert_eq!(d.entries[0].bytes.len(), 1277);
}

#[test]
fn regression_real_duplicates_symlinks_and_encrypted_entries() {
    let d = fixture("dotnet__badzipfiles_nameDuplicates.zip");
    assert!(codes(&d).contains(&(Code::ArchiveInvalid, Some("text.txt"))), "{:?}", d.findings);

    let d = fixture("zip2__symlink.zip");
    assert_eq!(codes(&d), [(Code::ArchiveUnsafe, Some("bar"))]);

    let d = fixture("dotnet__refzipfiles_encrypted_entries_mixed.zip");
    assert_eq!(paths(&d), ["file2-unencrypted.txt", "file4-unencrypted.txt"]);
    assert_eq!(codes(&d), [(Code::FileUnreadable, Some("file1-encrypted.txt")), (Code::FileUnreadable, Some("file3-encrypted.txt"))]);
}

//! `dossier-verify extract FILE`: what the product read from one file, for a reviewer
//! or an operator to see why a figure came out as it did. Text: the pages in reading
//! order separated by form feeds, as `pdftotext` prints them (sheets as tab-separated
//! rows). JSON: per page its source, confidence and word boxes, per sheet its rows and
//! the person tables mapped from it, the file's metadata and the reader's findings.

use serde::Serialize;

use crate::config::Config;
use crate::intake::{self, DocKind, Entry, Format};
use crate::report::Finding;

use super::{ExtractedFile, FileMetadata, Hooks, Page, PersonTable, ReadError, Sheet};

/// Everything read from one file.
#[derive(Debug, Serialize)]
pub struct Dump {
    pub path: String,
    pub format: Format,
    pub pages: Vec<Page>,
    pub sheets: Vec<Sheet>,
    /// Rosters / tracking tables found in the sheets (header mapping and records).
    pub tables: Vec<PersonTable>,
    pub metadata: FileMetadata,
    pub findings: Vec<Finding>,
}

/// Why `extract` printed nothing.
#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    #[error(transparent)]
    Unreadable(#[from] ReadError),
    #[error("格式 {0:?} 不在可读取的格式之列（PDF、图像、DOCX、XLSX/XLS/ODS/CSV）")]
    Unsupported(Format),
}

/// Reads one file as extraction would inside a dossier.
pub fn read(name: &str, bytes: Vec<u8>, config: &Config) -> Result<Dump, DumpError> {
    let format = intake::sniff::sniff(&bytes, name);
    let entry = Entry { path: name.to_string(), sha256: intake::sha256_hex(&bytes), bytes, format };
    let mut content = match super::read_entry(&entry, config, &Hooks::default()) {
        None => return Err(DumpError::Unsupported(format)),
        Some(result) => result?,
    };
    let first_page = super::first_page_text(&content);
    let classification = intake::classify::classify(&entry.path, first_page.as_deref(), &config.rules);
    let findings = std::mem::take(&mut content.findings);
    let mut file = ExtractedFile::from_content(&entry, content, classification, None);
    // One file has no form to name the bodies that may have stamped it: every ring is read.
    for seal in file.pages.iter_mut().flat_map(|p| p.seals.iter_mut()) {
        seal.read_ring();
    }
    let mut tables = super::roster::tables(&file, config);
    if tables.is_empty() && !file.sheets.is_empty() {
        // Tables are only mapped from files classified as rosters; try both kinds so the
        // operator sees the mapping whatever the file's name.
        for kind in [DocKind::TrainingRoster, DocKind::EmploymentTracking] {
            let as_kind = ExtractedFile { kind, ..file.clone() };
            tables.extend(super::roster::tables(&as_kind, config));
            if !tables.is_empty() {
                break;
            }
        }
    }
    Ok(Dump { path: file.path, format, pages: file.pages, sheets: file.sheets, tables, metadata: file.metadata, findings })
}

/// Plain text: pages separated by '\f' (each page ends with one, as pdftotext does);
/// sheets as tab-separated rows, one sheet per form feed.
pub fn to_text(dump: &Dump) -> String {
    let mut out = String::new();
    for page in &dump.pages {
        out.push_str(&page.text);
        if !page.text.is_empty() && !page.text.ends_with('\n') {
            out.push('\n');
        }
        out.push('\u{c}');
    }
    for sheet in &dump.sheets {
        for row in &sheet.rows {
            let cells: Vec<String> = row.iter().map(|c| c.display()).collect();
            out.push_str(cells.join("\t").trim_end());
            out.push('\n');
        }
        out.push('\u{c}');
    }
    out
}

pub fn to_json(dump: &Dump) -> String {
    // Plain data with string keys: serialisation cannot fail.
    serde_json::to_string_pretty(dump).unwrap_or_default()
}

//! Intake: archive bytes → [`Dossier`]. Safe unzip (names decoded from GBK/CP936, the
//! Info-ZIP Unicode Path field or UTF-8; traversal refused; bomb limits enforced while
//! streaming; nested zips to the configured depth), format sniffing from bytes
//! ([`sniff`]), and classification of each file into a report `kind` ([`classify`]).
//!
//! Intake never reads a document's content beyond its magic bytes: classification by
//! content is handed the first page's text by the pipeline once extraction has run.

pub mod classify;
pub mod sniff;
pub mod unzip;

use serde::Serialize;

use crate::config::Limits;
use crate::report::Finding;

pub use classify::{Classification, DocKind};
pub use sniff::Format;

/// One dossier as unpacked: its files, and what intake found wrong with the archive.
#[derive(Debug, Clone, Serialize)]
pub struct Dossier {
    pub sha256: String,
    pub filename: String,
    pub entries: Vec<Entry>,
    pub findings: Vec<Finding>,
}

/// One file of the dossier. `path` is the entry name decoded to UTF-8 and normalised
/// (`/` separators, no empty or `.` parts), with a nested archive's entries written
/// `outer.zip/inner/name.pdf`; the nested archive itself is not an entry. Directories
/// and OS junk (`__MACOSX/`, `._*`, `.DS_Store`, `Thumbs.db`, `desktop.ini`) never are.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub path: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub format: Format,
}

/// Unpacks a dossier archive. Never fails: an unreadable archive is a dossier with no
/// entries and an `ARCHIVE_INVALID` finding.
pub fn unpack(bytes: &[u8], filename: &str, limits: &Limits) -> Dossier {
    unzip::unpack(bytes, filename, limits)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

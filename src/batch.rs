//! `dossier-verify batch DIR_OR_ZIPS… [--out DIR] [--jobs N]`: checks many dossiers in
//! parallel (within the core count), writes one report per dossier (JSON and HTML), then
//! the batch-only findings of `findings.md` over all of them and a summary (`summary.json`,
//! `summary.csv`). A progress bar shows on a terminal. The caller exits with the number
//! of dossiers that could not be checked (unreadable file, crashed pipeline), so a script
//! can tell "all checked" (0) from "some missing".

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;

use crate::checks::cross_dossier::{self, DossierDigest};
use crate::config::Config;
use crate::report::{Finding, Severity};
use crate::DossierMeta;

#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("no dossiers (.zip) found in the inputs")]
    NoInputs,
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot start {0} worker threads: {1}")]
    Threads(usize, String),
}

/// One dossier's line of the summary.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryLine {
    pub file: String,
    pub report: Option<String>,
    pub verdict: Option<String>,
    pub city: Option<String>,
    pub brand_name: Option<String>,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Why it could not be checked.
    pub error: Option<String>,
}

/// A batch finding and the archive it is reported on.
#[derive(Debug, Clone, Serialize)]
pub struct CrossFinding {
    pub file: String,
    #[serde(flatten)]
    pub finding: Finding,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub dossiers: Vec<SummaryLine>,
    /// `CITY_DUPLICATE_TYPE`, `CROSS_DOSSIER_PERSON` over the whole batch, each with its file.
    pub cross_dossier_findings: Vec<CrossFinding>,
    pub checked: usize,
    pub not_checked: usize,
}

/// The dossier archives named by the inputs: files as given, folders searched for `.zip`.
pub fn collect_inputs(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found = Vec::new();
            walk(input, &mut found);
            found.sort();
            out.extend(found);
        } else {
            // A missing file is kept: it is reported as not checked, not silently dropped.
            out.push(input.clone());
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) {
            out.push(path);
        }
    }
}

/// Checks every dossier and writes the reports and the summary under `out`.
pub fn run(inputs: &[PathBuf], out: &Path, jobs: Option<usize>, config: &Config) -> Result<Summary, BatchError> {
    let files = collect_inputs(inputs);
    if files.is_empty() {
        return Err(BatchError::NoInputs);
    }
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BatchError::Write { path, source }
    };
    std::fs::create_dir_all(out).map_err(write_err(out))?;
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let threads = jobs.unwrap_or(cores).clamp(1, cores.max(1));
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| BatchError::Threads(threads, e.to_string()))?;

    // indicatif draws on stderr only when it is a terminal; in a pipe it stays silent.
    let bar = indicatif::ProgressBar::new(files.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let names = Mutex::new(std::collections::BTreeSet::new());
    let results: Vec<(SummaryLine, Option<DossierDigest>)> = pool.install(|| {
        files
            .par_iter()
            .map(|file| {
                let result = check_one(file, out, config, &names);
                bar.inc(1);
                bar.set_message(file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
                result
            })
            .collect()
    });
    bar.finish_and_clear();

    let digests: Vec<DossierDigest> = results.iter().filter_map(|(_, d)| d.clone()).collect();
    // Digests name dossiers by sha256; the summary names them by file.
    let files_by_sha: std::collections::BTreeMap<&str, &str> =
        results.iter().filter_map(|(line, d)| d.as_ref().map(|d| (d.dossier.as_str(), line.file.as_str()))).collect();
    let mut cross: Vec<CrossFinding> = cross_dossier::check_batch(&digests, config)
        .into_iter()
        .map(|(sha, finding)| CrossFinding { file: files_by_sha.get(sha.as_str()).map(|f| f.to_string()).unwrap_or(sha), finding })
        .collect();
    cross.sort_by(|a, b| (a.finding.code, &a.file, &a.finding.message).cmp(&(b.finding.code, &b.file, &b.finding.message)));
    let dossiers: Vec<SummaryLine> = results.into_iter().map(|(line, _)| line).collect();
    let not_checked = dossiers.iter().filter(|d| d.error.is_some()).count();
    let summary = Summary { checked: dossiers.len() - not_checked, not_checked, dossiers, cross_dossier_findings: cross };

    let json_path = out.join("summary.json");
    let json = serde_json::to_string_pretty(&summary).map_err(|e| BatchError::Write { path: json_path.clone(), source: std::io::Error::other(e) })?;
    std::fs::write(&json_path, json).map_err(write_err(&json_path))?;
    let csv_path = out.join("summary.csv");
    write_csv(&csv_path, &summary).map_err(write_err(&csv_path))?;
    Ok(summary)
}

fn write_csv(path: &Path, summary: &Summary) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_path(path).map_err(std::io::Error::other)?;
    writer.write_record(["file", "verdict", "city", "brand_name", "errors", "warnings", "infos", "report", "error"]).map_err(std::io::Error::other)?;
    for d in &summary.dossiers {
        writer
            .write_record([
                d.file.as_str(),
                d.verdict.as_deref().unwrap_or(""),
                d.city.as_deref().unwrap_or(""),
                d.brand_name.as_deref().unwrap_or(""),
                &d.errors.to_string(),
                &d.warnings.to_string(),
                &d.infos.to_string(),
                d.report.as_deref().unwrap_or(""),
                d.error.as_deref().unwrap_or(""),
            ])
            .map_err(std::io::Error::other)?;
    }
    writer.flush()
}

/// A report file name from the archive's stem, unique within the batch.
fn report_stem(file: &Path, sha256: &str, names: &Mutex<std::collections::BTreeSet<String>>) -> String {
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "dossier".into());
    let mut names = names.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let name = if names.contains(&stem) { format!("{stem}-{}", sha256.get(..8).unwrap_or(sha256)) } else { stem };
    names.insert(name.clone());
    name
}

fn check_one(file: &Path, out: &Path, config: &Config, names: &Mutex<std::collections::BTreeSet<String>>) -> (SummaryLine, Option<DossierDigest>) {
    let mut line = SummaryLine {
        file: file.display().to_string(),
        report: None,
        verdict: None,
        city: None,
        brand_name: None,
        errors: 0,
        warnings: 0,
        infos: 0,
        error: None,
    };
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(error) => {
            line.error = Some(format!("无法读取文件：{error}"));
            return (line, None);
        }
    };
    let meta = DossierMeta {
        filename: file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        received_at: crate::server::china_now(),
    };
    let span = tracing::info_span!("batch_dossier", file = %file.display());
    let _entered = span.enter();
    let verified = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| crate::verify(&bytes, &meta, config, &Default::default()))) {
        Ok(verified) => verified,
        Err(_) => {
            line.error = Some("核验过程出现内部错误".into());
            return (line, None);
        }
    };
    let report = &verified.report;
    let stem = report_stem(file, &report.dossier.sha256, names);
    let json_path = out.join(format!("{stem}.json"));
    let html_path = out.join(format!("{stem}.html"));
    let written = std::fs::write(&json_path, report.to_json())
        .and_then(|()| std::fs::write(&html_path, crate::report::html::render(report, &crate::report::html::Extras { seals: verified.seal_images.clone(), nav_html: None })));
    if let Err(error) = written {
        line.error = Some(format!("报告无法写入 {}：{error}", json_path.display()));
        return (line, None);
    }
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    line.report = Some(json_path.display().to_string());
    line.verdict = Some(report.verdict.as_str().to_string());
    line.city = report.application.as_ref().and_then(|a| a.city.clone()).or_else(|| verified.digest.city.clone());
    line.brand_name = report.application.as_ref().and_then(|a| a.brand_name.clone());
    line.errors = count(Severity::Error);
    line.warnings = count(Severity::Warning);
    line.infos = count(Severity::Info);
    (line, Some(verified.digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_bytes(text: &str) -> Vec<u8> {
        use std::io::Write;
        let mut cursor = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut cursor);
        zip.start_file("1.推荐报告.txt", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
        zip.finish().unwrap();
        cursor.into_inner()
    }

    #[test]
    fn a_batch_writes_one_report_per_dossier_and_counts_what_it_could_not_check() {
        let dir = tempfile::tempdir().unwrap();
        let inputs = dir.path().join("in");
        std::fs::create_dir_all(inputs.join("sub")).unwrap();
        std::fs::write(inputs.join("沈阳市.zip"), zip_bytes("a")).unwrap();
        std::fs::write(inputs.join("sub/大连市.zip"), zip_bytes("b")).unwrap();
        std::fs::write(inputs.join("notes.txt"), "not a dossier").unwrap();
        let out = dir.path().join("out");
        let config = Config::builtin().unwrap();
        let summary = run(&[inputs.clone(), dir.path().join("missing.zip")], &out, Some(2), &config).unwrap();
        assert_eq!((summary.checked, summary.not_checked), (2, 1));
        assert!(out.join("沈阳市.json").exists() && out.join("大连市.json").exists() && out.join("沈阳市.html").exists());
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
        assert_eq!(json["dossiers"].as_array().unwrap().len(), 3);
        assert!(json["cross_dossier_findings"].is_array());
        let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
        assert_eq!(csv.lines().count(), 4, "header and three dossiers: {csv}");
        assert!(csv.contains("missing.zip") && csv.contains("无法读取文件"));
    }

    #[test]
    fn no_inputs_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(run(&[dir.path().to_path_buf()], &dir.path().join("o"), None, &Config::builtin().unwrap()), Err(BatchError::NoInputs)));
    }
}

//! dossier-verify: checks the application dossiers of Liaoning's vocational-training brand
//! round (辽人社函〔2024〕5号) and produces a verification report.
//!
//! The pipeline, the way the data flows: [`intake`] (archive → files) → [`extract`]
//! (files → what they say) → [`checks`] (rules → findings) → [`report`] (the contract's
//! JSON). [`verify`] is the one call the CLI and the service both use; around it,
//! [`store`], [`jobs`] and [`server`] make the HTTP service and [`batch`] the batch command.

pub mod batch;
pub mod checks;
pub mod config;
pub mod domain;
pub mod extract;
pub mod intake;
pub mod jobs;
pub mod report;
pub mod seals;
pub mod server;
pub mod store;

use chrono::{DateTime, FixedOffset};

pub use config::Config;
pub use report::Report;

use checks::cross_dossier::DossierDigest;
use extract::Hooks;

/// What is known of an upload besides its bytes.
#[derive(Debug, Clone)]
pub struct DossierMeta {
    pub filename: String,
    pub received_at: DateTime<FixedOffset>,
}

/// The result of verifying one dossier: the report, and the digest batch checks need.
#[derive(Debug, Clone)]
pub struct Verified {
    pub report: Report,
    pub digest: DossierDigest,
    /// Seal crops and page thumbnails for the HTML report (the JSON carries none).
    pub seal_images: Vec<report::html::SealImage>,
}

/// Verifies one dossier archive. Never fails on bad input — a broken archive or file is
/// a finding in the report; an `Err` would mean the service itself is broken.
pub fn verify(bytes: &[u8], meta: &DossierMeta, config: &Config, hooks: &Hooks) -> Verified {
    let span = tracing::info_span!("dossier", filename = %meta.filename, bytes = bytes.len());
    let _entered = span.enter();

    hooks.report("intake", 0, 0);
    let dossier = intake::unpack(bytes, &meta.filename, &config.settings.limits);
    tracing::info!(entries = dossier.entries.len(), sha256 = %dossier.sha256, "unpacked");

    let mut extracted = extract::extract(&dossier, config, hooks);
    hooks.report("seals", 0, 0);
    seals::whose::attribute(&mut extracted, config);

    hooks.report("checks", 0, 0);
    let ctx = checks::CheckContext { extracted: &extracted, config, received_on: meta.received_at.date_naive() };
    let mut findings = dossier.findings.clone();
    findings.extend(extracted.findings.iter().cloned());
    findings.extend(checks::run_all(&ctx));

    let report = report::build::build(&dossier, &extracted, findings, &meta.received_at.to_rfc3339(), &config.rules);
    let digest = checks::cross_dossier::digest(&dossier.sha256, &extracted, config);
    let seal_images = report::html::seal_images(&dossier, &extracted, config);
    tracing::info!(verdict = report.verdict.as_str(), findings = report.findings.len(), "verified");
    Verified { report, digest, seal_images }
}

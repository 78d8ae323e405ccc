//! Jobs: one verification run of one stored dossier, kept as a row of the store (its
//! lifecycle is data: `enqueued → processing → succeeded | failed`, with times, progress
//! and the error). A [`Worker`] claims the oldest runnable job under a lease, renews the
//! lease by heartbeat while `dossier_verify::verify` runs on a blocking thread, and
//! completes the job only if the lease is still its own — so a job whose worker died
//! (kill -9) is taken up again once its lease runs out, and is done exactly once.
//!
//! Each job runs inside a tracing span and a panic boundary: a dossier that crashes the
//! pipeline fails its own job with a reason, and the worker goes on.
//! [`Worker::try_execute_one`] is public so tests drive the queue step by step.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::DateTime;
use tracing::Instrument;

use crate::config::Config;
use crate::extract::{Hooks, OcrCache, Progress};
use crate::store::blobs::Blobs;
use crate::store::{Claimed, Outcome, Store, StoreError};
use crate::DossierMeta;

/// Claims and runs jobs.
pub struct Worker {
    pub store: Arc<Store>,
    pub blobs: Blobs,
    pub config: Arc<Config>,
    /// Unique per worker and process: the lease owner.
    pub name: String,
    pub lease: Duration,
    /// Claims after which an abandoned job is failed rather than retried.
    pub max_attempts: i64,
    /// Holds every job at least this long (kill-and-resume tests, demos); zero in production.
    pub min_job_time: Duration,
}

/// What one step of the worker did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// No runnable job.
    Idle,
    /// Ran a job; `recorded` is false when the lease was lost and the result dropped.
    Ran { job_id: String, succeeded: bool, recorded: bool },
}

/// The default number of workers in one process: the pipeline is CPU-bound (OCR).
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 4)
}

impl Worker {
    pub fn new(store: Arc<Store>, blobs: Blobs, config: Arc<Config>, lease: Duration) -> Worker {
        Worker {
            store,
            blobs,
            config,
            name: format!("{}-{}", std::process::id(), &uuid::Uuid::new_v4().to_string()[..8]),
            lease,
            max_attempts: 3,
            min_job_time: Duration::ZERO,
        }
    }

    /// Claims one job and runs it to the end; `Idle` when there is nothing to do.
    pub async fn try_execute_one(&self) -> Result<Step, StoreError> {
        let Some(job) = self.store.claim(&self.name, self.lease, self.max_attempts).await? else {
            return Ok(Step::Idle);
        };
        let span = tracing::info_span!("job", job_id = %job.job_id, dossier = %job.dossier_id, attempt = job.attempts, worker = %self.name);
        self.execute(job).instrument(span).await
    }

    async fn execute(&self, job: Claimed) -> Result<Step, StoreError> {
        tracing::info!("claimed");
        let progress: Arc<Mutex<Option<Progress>>> = Arc::new(Mutex::new(None));
        let cache = Arc::new(StoreOcrCache { store: self.store.clone(), handle: tokio::runtime::Handle::current(), pages_ocr: AtomicI64::new(0) });

        // Heartbeat: renews the lease and writes progress until the run ends.
        let heartbeat = {
            let store = self.store.clone();
            let progress = progress.clone();
            let cache = cache.clone();
            let (job_id, worker, lease) = (job.job_id.clone(), self.name.clone(), self.lease);
            // Often enough for a live progress display, and well inside the lease.
            let every = (lease / 3).clamp(Duration::from_millis(100), Duration::from_secs(1));
            AbortOnDrop(tokio::spawn(async move {
                loop {
                    let snapshot = progress.lock().ok().and_then(|p| p.clone());
                    match store.heartbeat(&job_id, &worker, lease, snapshot.as_ref(), cache.pages_ocr.load(Ordering::Relaxed)).await {
                        Ok(true) => {}
                        Ok(false) => {
                            tracing::warn!("lease lost: another worker took the job over");
                            return;
                        }
                        Err(error) => tracing::warn!(%error, "heartbeat failed"),
                    }
                    tokio::time::sleep(every).await;
                }
            }))
        };

        let started = std::time::Instant::now();
        let outcome = match self.blobs.read(&job.sha256).await {
            Err(error) => {
                tracing::error!(%error, "stored archive unreadable");
                Outcome::Failed { error: format!("存储的材料文件无法读取（{}）", error.kind()) }
            }
            Ok(bytes) => {
                let meta = DossierMeta {
                    filename: job.filename.clone(),
                    received_at: DateTime::parse_from_rfc3339(&job.received_at).unwrap_or_else(|_| crate::server::china_now()),
                };
                let config = self.config.clone();
                let progress = progress.clone();
                let cache = cache.clone();
                let span = tracing::Span::current();
                let run = tokio::task::spawn_blocking(move || {
                    let _entered = span.enter();
                    let on_progress = move |p: Progress| {
                        if let Ok(mut slot) = progress.lock() {
                            *slot = Some(p);
                        }
                    };
                    let hooks = Hooks { progress: Some(&on_progress), ocr_cache: Some(&*cache) };
                    // The panic boundary: a dossier that crashes the pipeline fails its own job.
                    std::panic::catch_unwind(AssertUnwindSafe(|| crate::verify(&bytes, &meta, &config, &hooks)))
                })
                .await;
                match run {
                    Ok(Ok(verified)) => {
                        // The owner city by its rules name: the report may give the applicant
                        // ("沈阳市人力资源和社会保障局"); a bureau token names "沈阳市".
                        let rules = &self.config.rules;
                        let city = verified
                            .digest
                            .city
                            .clone()
                            .or_else(|| verified.report.application.as_ref().and_then(|a| a.city.as_deref()).and_then(|c| rules.city_named_in(c)).map(|c| c.name.clone()))
                            // Bureaus name their archives after the city ("沈阳市-家政服务.zip").
                            .or_else(|| rules.city_named_in(&job.filename).map(|c| c.name.clone()));
                        match (serde_json::to_string(&verified.report), serde_json::to_string(&verified.digest)) {
                            (Ok(report_json), Ok(digest_json)) => {
                                Outcome::Succeeded {
                                    verdict: verified.report.verdict.as_str().to_string(),
                                    report_json,
                                    digest_json,
                                    city,
                                    seal_images: verified.seal_images,
                                }
                            }
                            _ => Outcome::Failed { error: "核验报告无法保存（序列化失败）".into() },
                        }
                    }
                    Ok(Err(panic)) => {
                        let what = panic_text(&panic);
                        tracing::error!(panic = %what, "pipeline panicked");
                        Outcome::Failed { error: format!("核验过程出现内部错误，已中止：{what}") }
                    }
                    Err(join) => {
                        tracing::error!(error = %join, "worker thread lost");
                        Outcome::Failed { error: "核验线程异常结束".into() }
                    }
                }
            }
        };
        if let Some(rest) = self.min_job_time.checked_sub(started.elapsed()) {
            tokio::time::sleep(rest).await;
        }
        drop(heartbeat);
        let succeeded = matches!(outcome, Outcome::Succeeded { .. });
        let recorded = self.store.complete(&job.job_id, &self.name, &outcome, cache.pages_ocr.load(Ordering::Relaxed)).await?;
        match (&outcome, recorded) {
            (_, false) => tracing::warn!("result dropped: the lease had passed to another worker"),
            (Outcome::Succeeded { verdict, .. }, true) => tracing::info!(%verdict, ms = started.elapsed().as_millis() as u64, "succeeded"),
            (Outcome::Failed { error }, true) => tracing::warn!(%error, "failed"),
        }
        Ok(Step::Ran { job_id: job.job_id, succeeded, recorded })
    }

    /// Runs jobs until the process ends; sleeps when idle until woken or the poll interval passes
    /// (other processes enqueue too, and leases of dead workers run out on their own).
    pub async fn run(self: Arc<Self>, wake: Arc<tokio::sync::Notify>, poll: Duration) {
        loop {
            match self.try_execute_one().await {
                Ok(Step::Ran { .. }) => continue,
                Ok(Step::Idle) => {}
                Err(error) => tracing::error!(%error, worker = %self.name, "claim failed"),
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(poll) => {}
            }
        }
    }
}

/// Stops the heartbeat however the run ends, also when its future is dropped (shutdown).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "未知错误".into()
    }
}

/// The OCR cache in the store's `ocr_cache` table. Extraction calls it from the blocking
/// thread, so it waits on the runtime; every `put` is one page that was actually OCR'd.
struct StoreOcrCache {
    store: Arc<Store>,
    handle: tokio::runtime::Handle,
    pages_ocr: AtomicI64,
}

impl OcrCache for StoreOcrCache {
    fn get(&self, key: &str) -> Option<Vec<u8>> {
        match self.handle.block_on(self.store.ocr_get(key)) {
            Ok(value) => value,
            Err(error) => {
                tracing::warn!(%error, "OCR cache read failed; OCR runs again");
                None
            }
        }
    }

    fn put(&self, key: &str, value: &[u8]) {
        self.pages_ocr.fetch_add(1, Ordering::Relaxed);
        if let Err(error) = self.handle.block_on(self.store.ocr_put(key, value)) {
            tracing::warn!(%error, "OCR cache write failed");
        }
    }
}

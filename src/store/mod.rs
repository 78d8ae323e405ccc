//! The service's durable state: dossiers (one row per distinct archive, keyed by its
//! sha256), jobs (one row per verification run, the queue itself), batches and the OCR
//! cache. Two backends share one schema (`migrations/sqlite`, `migrations/postgres`) and
//! the same SQL: [`sqlite`] is the embedded default (a file in the data directory, no
//! set-up), [`postgres`] lets several `serve` processes share the work. The only
//! dialect-specific statement is the job claim, which each backend module owns.
//!
//! [`Store`] is the one type the rest of the service sees; rows come back as plain data
//! ([`DossierRow`], [`JobRow`], [`BatchRow`]) that the HTTP layer turns into its own views.
//! The archive bytes themselves are not in the database: they live in the content-addressed
//! [`blobs`] directory, and a dossier row only names its sha256.

pub mod blobs;
pub mod postgres;
pub mod sqlite;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::Row;

/// Why the store could not answer: always ours (a 5xx), never the client's.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database url (expected sqlite:// or postgres://): {0}")]
    UnsupportedUrl(String),
    #[error("stored value is corrupt: {0}")]
    Corrupt(String),
}

pub(crate) enum Db {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Runs `$body` with `$pool` bound to whichever pool the store has: the SQL is the same.
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.db {
            Db::Sqlite($pool) => $body,
            Db::Postgres($pool) => $body,
        }
    };
}

macro_rules! dossier_from_row {
    ($row:expr) => {
        DossierRow {
            id: $row.try_get("id")?,
            sha256: $row.try_get("sha256")?,
            filename: $row.try_get("filename")?,
            size_bytes: $row.try_get("size_bytes")?,
            city: $row.try_get("city")?,
            uploaded_by: $row.try_get("uploaded_by")?,
            received_at: $row.try_get("received_at")?,
            created_ms: $row.try_get("created_ms")?,
            verdict: $row.try_get("verdict")?,
            job: JobRow {
                id: $row.try_get("job_id")?,
                dossier_id: $row.try_get("id")?,
                status: JobStatus::parse(&$row.try_get::<String, _>("status")?),
                stage: $row.try_get("stage")?,
                pages_done: $row.try_get("pages_done")?,
                pages_total: $row.try_get("pages_total")?,
                enqueued_ms: $row.try_get("enqueued_ms")?,
                started_ms: $row.try_get("started_ms")?,
                finished_ms: $row.try_get("finished_ms")?,
                attempts: $row.try_get("attempts")?,
                completions: $row.try_get("completions")?,
                worker: $row.try_get("worker")?,
                error: $row.try_get("error")?,
            },
        }
    };
}

/// A job's lifecycle, as data (meilisearch's task statuses, minus cancel).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Enqueued,
    Processing,
    Succeeded,
    Failed,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Enqueued => "enqueued",
            JobStatus::Processing => "processing",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
        }
    }

    /// Unknown text reads as `failed`: a row we cannot interpret must not look healthy.
    pub fn parse(text: &str) -> JobStatus {
        match text {
            "enqueued" => JobStatus::Enqueued,
            "processing" => JobStatus::Processing,
            "succeeded" => JobStatus::Succeeded,
            _ => JobStatus::Failed,
        }
    }

    pub const ALL: [JobStatus; 4] = [JobStatus::Enqueued, JobStatus::Processing, JobStatus::Succeeded, JobStatus::Failed];
}

/// One verification run as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRow {
    pub id: String,
    pub dossier_id: String,
    pub status: JobStatus,
    pub stage: Option<String>,
    pub pages_done: i64,
    pub pages_total: i64,
    pub enqueued_ms: i64,
    pub started_ms: Option<i64>,
    pub finished_ms: Option<i64>,
    /// How many times a worker claimed it (more than 1 only after a worker died).
    pub attempts: i64,
    /// How many times a worker completed it (exactly 1 once done).
    pub completions: i64,
    /// The worker that claimed it last.
    pub worker: Option<String>,
    pub error: Option<String>,
}

/// A dossier with its latest job.
#[derive(Debug, Clone, PartialEq)]
pub struct DossierRow {
    pub id: String,
    pub sha256: String,
    pub filename: String,
    pub size_bytes: i64,
    pub city: Option<String>,
    pub uploaded_by: String,
    pub received_at: String,
    pub created_ms: i64,
    pub verdict: Option<String>,
    pub job: JobRow,
}

/// What registering an upload needs.
#[derive(Debug, Clone)]
pub struct NewDossier {
    pub sha256: String,
    pub filename: String,
    pub size_bytes: i64,
    pub city: Option<String>,
    pub uploaded_by: String,
    pub received_at: String,
}

/// Whether an upload made a new dossier or found the same bytes already registered.
#[derive(Debug, Clone, PartialEq)]
pub enum Registered {
    New(DossierRow),
    Existing(DossierRow),
}

/// Filters of `GET /api/v1/dossiers`.
#[derive(Debug, Clone, Default)]
pub struct DossierFilter {
    pub city: Option<String>,
    pub verdict: Option<String>,
    pub status: Option<String>,
    /// 0-based page.
    pub page: u32,
    pub per_page: u32,
}

/// A job a worker has claimed: it holds the lease until `lease_until_ms`.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub job_id: String,
    pub dossier_id: String,
    pub sha256: String,
    pub filename: String,
    pub received_at: String,
    pub city: Option<String>,
    pub attempts: i64,
}

/// How a job ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    Succeeded { verdict: String, report_json: String, digest_json: String, city: Option<String>, seal_images: Vec<crate::report::html::SealImage> },
    Failed { error: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct BatchRow {
    pub id: String,
    pub created_ms: i64,
    pub created_by: String,
    /// (dossier id, job id) pairs.
    pub items: Vec<BatchItem>,
    pub finished_ms: Option<i64>,
    pub findings_json: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchItem {
    pub dossier: String,
    pub job: String,
}

/// Job figures for `/metrics`, summed over every process sharing the database.
#[derive(Debug, Clone, Default)]
pub struct JobStats {
    pub by_status: Vec<(JobStatus, i64)>,
    /// Durations (seconds) of finished jobs.
    pub durations: Vec<f64>,
    pub pages_ocr: i64,
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

const DOSSIER_SELECT: &str = "SELECT d.id, d.sha256, d.filename, d.size_bytes, d.city, d.uploaded_by, d.received_at, \
     d.created_ms, d.verdict, j.id AS job_id, j.status, j.stage, j.pages_done, j.pages_total, j.enqueued_ms, \
     j.started_ms, j.finished_ms, j.attempts, j.completions, j.worker, j.error \
     FROM dossiers d JOIN jobs j ON j.id = d.latest_job";

/// The service's database.
pub struct Store {
    pub(crate) db: Db,
}

impl Store {
    /// Opens (and for SQLite creates) the database and brings its schema up to date.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let store = if url.starts_with("sqlite:") {
            Store { db: Db::Sqlite(sqlite::connect(url).await?) }
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Store { db: Db::Postgres(postgres::connect(url).await?) }
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        store.migrate().await?;
        Ok(store)
    }

    pub fn backend(&self) -> &'static str {
        match self.db {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        match &self.db {
            Db::Sqlite(pool) => migrator(&SQLITE_MIGRATIONS).run(pool).await?,
            Db::Postgres(pool) => migrator(&POSTGRES_MIGRATIONS).run(pool).await?,
        }
        Ok(())
    }

    /// For `/healthz`: one round trip.
    pub async fn ping(&self) -> Result<(), StoreError> {
        with_pool!(self, pool => { sqlx::query("SELECT 1").execute(pool).await?; });
        Ok(())
    }

    /// Registers an upload and its first job in one transaction; the same sha256 again
    /// returns the existing dossier (also when two uploads of it race).
    pub async fn register(&self, new: &NewDossier) -> Result<Registered, StoreError> {
        if let Some(existing) = self.dossier_by_sha(&new.sha256).await? {
            return Ok(Registered::Existing(existing));
        }
        let id = new_id();
        let job_id = new_id();
        let now = now_ms();
        let inserted: Result<(), sqlx::Error> = with_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO dossiers (id, sha256, filename, size_bytes, city, uploaded_by, received_at, created_ms, latest_job) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(&id).bind(&new.sha256).bind(&new.filename).bind(new.size_bytes).bind(&new.city)
                .bind(&new.uploaded_by).bind(&new.received_at).bind(now).bind(&job_id)
                .execute(&mut *tx).await?;
            sqlx::query("INSERT INTO jobs (id, dossier_id, status, enqueued_ms) VALUES ($1, $2, 'enqueued', $3)")
                .bind(&job_id).bind(&id).bind(now)
                .execute(&mut *tx).await?;
            tx.commit().await
        }.await);
        match inserted {
            Ok(()) => {}
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                // Another upload of the same bytes won the race.
                if let Some(existing) = self.dossier_by_sha(&new.sha256).await? {
                    return Ok(Registered::Existing(existing));
                }
                return Err(StoreError::Corrupt("unique sha256 conflict without a row".into()));
            }
            Err(e) => return Err(e.into()),
        }
        let row = self.dossier(&id).await?.ok_or_else(|| StoreError::Corrupt("dossier vanished after insert".into()))?;
        Ok(Registered::New(row))
    }

    pub async fn dossier(&self, id: &str) -> Result<Option<DossierRow>, StoreError> {
        self.dossier_where("d.id", id).await
    }

    pub async fn dossier_by_sha(&self, sha256: &str) -> Result<Option<DossierRow>, StoreError> {
        self.dossier_where("d.sha256", sha256).await
    }

    /// The one dossier whose `column` (a unique key, never input) equals `value`.
    async fn dossier_where(&self, column: &'static str, value: &str) -> Result<Option<DossierRow>, StoreError> {
        let sql = format!("{DOSSIER_SELECT} WHERE {column} = $1");
        with_pool!(self, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(value).fetch_optional(pool).await?;
            match row {
                Some(row) => Ok(Some(dossier_from_row!(row))),
                None => Ok(None),
            }
        })
    }

    /// Dossiers matching the filter, newest first, and the total count.
    pub async fn list(&self, filter: &DossierFilter) -> Result<(Vec<DossierRow>, i64), StoreError> {
        // Filters are bound as parameters; an absent filter binds NULL and matches all.
        let cond = "WHERE ($1 IS NULL OR d.city = $1) AND ($2 IS NULL OR d.verdict = $2) AND ($3 IS NULL OR j.status = $3)";
        let sql = format!("{DOSSIER_SELECT} {cond} ORDER BY d.created_ms DESC, d.id LIMIT $4 OFFSET $5");
        let count_sql = format!("SELECT COUNT(*) AS n FROM dossiers d JOIN jobs j ON j.id = d.latest_job {cond}");
        let per_page = i64::from(filter.per_page.max(1));
        let offset = i64::from(filter.page) * per_page;
        with_pool!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(&filter.city).bind(&filter.verdict).bind(&filter.status).bind(per_page).bind(offset)
                .fetch_all(pool).await?;
            let total: i64 = sqlx::query(sqlx::AssertSqlSafe(count_sql.as_str()))
                .bind(&filter.city).bind(&filter.verdict).bind(&filter.status)
                .fetch_one(pool).await?.try_get("n")?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                out.push(dossier_from_row!(row));
            }
            Ok((out, total))
        })
    }

    /// Ids of every dossier of a city (for a batch over a city).
    pub async fn dossier_ids_of_city(&self, city: &str) -> Result<Vec<String>, StoreError> {
        with_pool!(self, pool => {
            let rows = sqlx::query("SELECT id FROM dossiers WHERE city = $1 ORDER BY created_ms").bind(city).fetch_all(pool).await?;
            let mut out = Vec::new();
            for row in rows {
                out.push(row.try_get("id")?);
            }
            Ok(out)
        })
    }

    /// The stored report and digest of a dossier (from its last successful run).
    pub async fn report_of(&self, id: &str) -> Result<Option<(String, Option<String>)>, StoreError> {
        with_pool!(self, pool => {
            let row = sqlx::query("SELECT report_json, digest_json FROM dossiers WHERE id = $1").bind(id).fetch_optional(pool).await?;
            match row {
                Some(row) => {
                    let report: Option<String> = row.try_get("report_json")?;
                    Ok(report.map(|r| (r, row.try_get("digest_json").ok().flatten())))
                }
                None => Ok(None),
            }
        })
    }

    /// Queues a new run of an existing dossier (a re-check with the current rules).
    pub async fn enqueue(&self, dossier_id: &str) -> Result<String, StoreError> {
        let job_id = new_id();
        let now = now_ms();
        with_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO jobs (id, dossier_id, status, enqueued_ms) VALUES ($1, $2, 'enqueued', $3)")
                .bind(&job_id).bind(dossier_id).bind(now).execute(&mut *tx).await?;
            sqlx::query("UPDATE dossiers SET latest_job = $1 WHERE id = $2").bind(&job_id).bind(dossier_id).execute(&mut *tx).await?;
            tx.commit().await
        }.await)?;
        Ok(job_id)
    }

    pub async fn job(&self, id: &str) -> Result<Option<JobRow>, StoreError> {
        with_pool!(self, pool => {
            let row = sqlx::query("SELECT * FROM jobs WHERE id = $1").bind(id).fetch_optional(pool).await?;
            match row {
                Some(row) => Ok(Some(JobRow {
                    id: row.try_get("id")?,
                    dossier_id: row.try_get("dossier_id")?,
                    status: JobStatus::parse(&row.try_get::<String, _>("status")?),
                    stage: row.try_get("stage")?,
                    pages_done: row.try_get("pages_done")?,
                    pages_total: row.try_get("pages_total")?,
                    enqueued_ms: row.try_get("enqueued_ms")?,
                    started_ms: row.try_get("started_ms")?,
                    finished_ms: row.try_get("finished_ms")?,
                    attempts: row.try_get("attempts")?,
                    completions: row.try_get("completions")?,
                    worker: row.try_get("worker")?,
                    error: row.try_get("error")?,
                })),
                None => Ok(None),
            }
        })
    }

    /// Every job, for tests and operators (exactly-once accounting).
    pub async fn all_jobs(&self) -> Result<Vec<JobRow>, StoreError> {
        let ids: Vec<String> = with_pool!(self, pool => {
            let rows = sqlx::query("SELECT id FROM jobs ORDER BY enqueued_ms").fetch_all(pool).await?;
            rows.iter().map(|r| r.try_get("id")).collect::<Result<Vec<String>, _>>()?
        });
        let mut out = Vec::new();
        for id in ids {
            if let Some(job) = self.job(&id).await? {
                out.push(job);
            }
        }
        Ok(out)
    }

    /// Takes the oldest runnable job: an enqueued one, or one whose worker stopped
    /// renewing its lease (it died). Jobs already claimed `max_attempts` times and
    /// abandoned again are failed instead of retried forever (a dossier that kills its worker).
    pub async fn claim(&self, worker: &str, lease: Duration, max_attempts: i64) -> Result<Option<Claimed>, StoreError> {
        let now = now_ms();
        let lease_until = now + lease.as_millis() as i64;
        with_pool!(self, pool => {
            sqlx::query("UPDATE jobs SET status = 'failed', finished_ms = $1, \
                         error = '处理此材料的进程多次中断（可能是材料导致崩溃），已停止重试' \
                         WHERE status = 'processing' AND lease_until_ms < $1 AND attempts >= $2")
                .bind(now).bind(max_attempts).execute(pool).await?;
        });
        let claimed = match &self.db {
            Db::Sqlite(pool) => sqlite::claim(pool, worker, now, lease_until).await?,
            Db::Postgres(pool) => postgres::claim(pool, worker, now, lease_until).await?,
        };
        let Some((job_id, dossier_id, attempts)) = claimed else { return Ok(None) };
        let dossier = self.dossier(&dossier_id).await?.ok_or_else(|| StoreError::Corrupt(format!("job {job_id} names a missing dossier")))?;
        Ok(Some(Claimed {
            job_id,
            dossier_id,
            sha256: dossier.sha256,
            filename: dossier.filename,
            received_at: dossier.received_at,
            city: dossier.city,
            attempts,
        }))
    }

    /// Renews the lease and records progress; `false` when the job is no longer ours
    /// (the lease ran out and another worker took it).
    pub async fn heartbeat(&self, job_id: &str, worker: &str, lease: Duration, progress: Option<&crate::extract::Progress>, pages_ocr: i64) -> Result<bool, StoreError> {
        let lease_until = now_ms() + lease.as_millis() as i64;
        let (stage, done, total) = match progress {
            Some(p) => (Some(p.stage.to_string()), i64::from(p.pages_done), i64::from(p.pages_total)),
            None => (None, 0, 0),
        };
        with_pool!(self, pool => {
            let result = sqlx::query("UPDATE jobs SET lease_until_ms = $1, stage = COALESCE($2, stage), \
                                      pages_done = CASE WHEN $2 IS NULL THEN pages_done ELSE $3 END, \
                                      pages_total = CASE WHEN $2 IS NULL THEN pages_total ELSE $4 END, pages_ocr = $5 \
                                      WHERE id = $6 AND worker = $7 AND status = 'processing'")
                .bind(lease_until).bind(&stage).bind(done).bind(total).bind(pages_ocr).bind(job_id).bind(worker)
                .execute(pool).await?;
            Ok(result.rows_affected() == 1)
        })
    }

    /// Records how a job ended, if it is still ours; `false` means another worker took it
    /// over after our lease ran out, and our result is dropped (the job is done once).
    pub async fn complete(&self, job_id: &str, worker: &str, outcome: &Outcome, pages_ocr: i64) -> Result<bool, StoreError> {
        let now = now_ms();
        with_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            let (status, error) = match outcome {
                Outcome::Succeeded { .. } => ("succeeded", None),
                Outcome::Failed { error } => ("failed", Some(error.clone())),
            };
            let result = sqlx::query("UPDATE jobs SET status = $1, error = $2, finished_ms = $3, completions = completions + 1, \
                                      pages_ocr = $4, stage = 'done' \
                                      WHERE id = $5 AND worker = $6 AND status = 'processing'")
                .bind(status).bind(&error).bind(now).bind(pages_ocr).bind(job_id).bind(worker)
                .execute(&mut *tx).await?;
            if result.rows_affected() != 1 {
                tx.rollback().await?;
                return Ok::<bool, sqlx::Error>(false);
            }
            if let Outcome::Succeeded { verdict, report_json, digest_json, city, seal_images } = outcome {
                // A bureau's upload keeps the bureau's city; otherwise the report's says whose it is.
                // Only the dossier's latest run writes its report (a re-check supersedes older runs).
                sqlx::query("UPDATE dossiers SET verdict = $1, report_json = $2, digest_json = $3, city = COALESCE(city, $4) \
                             WHERE latest_job = $5")
                    .bind(verdict).bind(report_json).bind(digest_json).bind(city).bind(job_id)
                    .execute(&mut *tx).await?;
                sqlx::query("DELETE FROM seal_images WHERE dossier_id = (SELECT id FROM dossiers WHERE latest_job = $1)")
                    .bind(job_id).execute(&mut *tx).await?;
                for (idx, image) in seal_images.iter().enumerate() {
                    let bbox = format!("{},{},{},{}", image.bbox[0], image.bbox[1], image.bbox[2], image.bbox[3]);
                    sqlx::query("INSERT INTO seal_images (dossier_id, idx, path, page, bbox, crop_png, thumb_png) \
                                 SELECT id, $2, $3, $4, $5, $6, $7 FROM dossiers WHERE latest_job = $1")
                        .bind(job_id).bind(idx as i64).bind(&image.path).bind(i64::from(image.page)).bind(&bbox)
                        .bind(&image.crop_png).bind(&image.page_thumbnail_png)
                        .execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
            Ok(true)
        }.await).map_err(StoreError::from)
    }

    /// Seal crops and thumbnails stored with a dossier's report.
    pub async fn seal_images(&self, dossier_id: &str) -> Result<Vec<crate::report::html::SealImage>, StoreError> {
        with_pool!(self, pool => {
            let rows = sqlx::query("SELECT path, page, bbox, crop_png, thumb_png FROM seal_images WHERE dossier_id = $1 ORDER BY idx")
                .bind(dossier_id).fetch_all(pool).await?;
            let mut out = Vec::new();
            for row in rows {
                let bbox: String = row.try_get("bbox")?;
                let mut parts = bbox.split(',').map(|p| p.parse::<u32>().unwrap_or(0));
                let bbox = [(); 4].map(|_| parts.next().unwrap_or(0));
                out.push(crate::report::html::SealImage {
                    path: row.try_get("path")?,
                    page: u32::try_from(row.try_get::<i64, _>("page")?).unwrap_or(0),
                    bbox,
                    crop_png: row.try_get("crop_png")?,
                    page_thumbnail_png: row.try_get("thumb_png")?,
                });
            }
            Ok(out)
        })
    }

    /// Gives a worker's claimed jobs back to the queue (a graceful shutdown), so another
    /// process takes them at once instead of after the lease.
    pub async fn release(&self, worker: &str) -> Result<u64, StoreError> {
        with_pool!(self, pool => {
            let result = sqlx::query("UPDATE jobs SET status = 'enqueued', worker = NULL, lease_until_ms = NULL, stage = NULL \
                                      WHERE status = 'processing' AND worker = $1")
                .bind(worker).execute(pool).await?;
            Ok(result.rows_affected())
        })
    }

    pub async fn ocr_get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        with_pool!(self, pool => {
            let row = sqlx::query("SELECT value FROM ocr_cache WHERE key = $1").bind(key).fetch_optional(pool).await?;
            match row {
                Some(row) => Ok(Some(row.try_get("value")?)),
                None => Ok(None),
            }
        })
    }

    pub async fn ocr_put(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            sqlx::query("INSERT INTO ocr_cache (key, value, created_ms) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING")
                .bind(key).bind(value).bind(now_ms()).execute(pool).await?;
        });
        Ok(())
    }

    pub async fn create_batch(&self, created_by: &str, items: &[BatchItem]) -> Result<String, StoreError> {
        let id = new_id();
        let items_json = serde_json::to_string(items).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        with_pool!(self, pool => {
            sqlx::query("INSERT INTO batches (id, created_ms, created_by, items_json) VALUES ($1, $2, $3, $4)")
                .bind(&id).bind(now_ms()).bind(created_by).bind(&items_json).execute(pool).await?;
        });
        Ok(id)
    }

    pub async fn batch(&self, id: &str) -> Result<Option<BatchRow>, StoreError> {
        with_pool!(self, pool => {
            let row = sqlx::query("SELECT * FROM batches WHERE id = $1").bind(id).fetch_optional(pool).await?;
            match row {
                Some(row) => {
                    let items_json: String = row.try_get("items_json")?;
                    let items = serde_json::from_str(&items_json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    Ok(Some(BatchRow {
                        id: row.try_get("id")?,
                        created_ms: row.try_get("created_ms")?,
                        created_by: row.try_get("created_by")?,
                        items,
                        finished_ms: row.try_get("finished_ms")?,
                        findings_json: row.try_get("findings_json")?,
                    }))
                }
                None => Ok(None),
            }
        })
    }

    pub async fn finish_batch(&self, id: &str, findings_json: &str) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            sqlx::query("UPDATE batches SET finished_ms = $1, findings_json = $2 WHERE id = $3 AND finished_ms IS NULL")
                .bind(now_ms()).bind(findings_json).bind(id).execute(pool).await?;
        });
        Ok(())
    }

    pub async fn job_stats(&self) -> Result<JobStats, StoreError> {
        with_pool!(self, pool => {
            let mut stats = JobStats::default();
            let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status").fetch_all(pool).await?;
            for status in JobStatus::ALL {
                let mut n = 0;
                for row in &rows {
                    if row.try_get::<String, _>("status")? == status.as_str() {
                        n = row.try_get("n")?;
                    }
                }
                stats.by_status.push((status, n));
            }
            let rows = sqlx::query("SELECT finished_ms - started_ms AS ms FROM jobs WHERE finished_ms IS NOT NULL AND started_ms IS NOT NULL")
                .fetch_all(pool).await?;
            for row in rows {
                let ms: i64 = row.try_get("ms")?;
                stats.durations.push(ms as f64 / 1000.0);
            }
            // SUM of BIGINT is NUMERIC on PostgreSQL: cast back so both backends give an i64.
            let row = sqlx::query("SELECT CAST(COALESCE(SUM(pages_ocr), 0) AS BIGINT) AS n FROM jobs").fetch_one(pool).await?;
            stats.pages_ocr = row.try_get("n")?;
            Ok(stats)
        })
    }
}

/// The schema's migrations per backend (`migrations/`), embedded in the binary: file name
/// and text. Listed here rather than embedded by `sqlx::migrate!`, whose proc-macro
/// builds both database drivers, SQLite's C library included, a second time for the
/// build host (three and a half CPU-minutes of a clean test build, by `cargo --timings`).
/// A test checks the lists against the directories.
const SQLITE_MIGRATIONS: [(&str, &str); 2] = [
    ("0001_init.sql", include_str!("../../migrations/sqlite/0001_init.sql")),
    ("0002_seal_images.sql", include_str!("../../migrations/sqlite/0002_seal_images.sql")),
];
const POSTGRES_MIGRATIONS: [(&str, &str); 2] = [
    ("0001_init.sql", include_str!("../../migrations/postgres/0001_init.sql")),
    ("0002_seal_images.sql", include_str!("../../migrations/postgres/0002_seal_images.sql")),
];

/// The migrator `sqlx::migrate!` would build from these files: version and description
/// from the name (`0002_seal_images.sql`: 2, "seal images"), the checksum of the text, so
/// databases it migrated are recognised as up to date.
fn migrator(files: &[(&str, &'static str)]) -> sqlx::migrate::Migrator {
    use sqlx::migrate::{Migration, MigrationType, Migrator};
    let migrations = files
        .iter()
        .filter_map(|(name, sql)| {
            let (version, rest) = name.split_once('_')?;
            let description = rest.strip_suffix(".sql")?.replace('_', " ");
            let no_tx = sql.starts_with("-- no-transaction");
            Some(Migration::new(version.parse().ok()?, description.into(), MigrationType::Simple, sqlx::SqlStr::from_static(sql), no_tx))
        })
        .collect();
    Migrator::with_migrations(migrations)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of `migrations/<backend>` is listed, with its text, and becomes a migration.
    #[test]
    fn the_embedded_migrations_are_the_directories_files() {
        for (backend, embedded) in [("sqlite", &SQLITE_MIGRATIONS), ("postgres", &POSTGRES_MIGRATIONS)] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend);
            let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
                .expect("the migrations directory")
                .map(|entry| {
                    let path = entry.expect("a directory entry").path();
                    (path.file_name().expect("a file name").to_string_lossy().into_owned(), std::fs::read_to_string(&path).expect("a migration's text"))
                })
                .collect();
            files.sort();
            let listed: Vec<(String, String)> = embedded.iter().map(|(name, sql)| (name.to_string(), sql.to_string())).collect();
            assert_eq!(listed, files, "{backend}");
            let migrator = migrator(embedded);
            let versions: Vec<(i64, &str)> = migrator.iter().map(|m| (m.version, m.description.as_ref())).collect();
            assert_eq!(versions, vec![(1, "init"), (2, "seal images")], "{backend}");
        }
    }
}

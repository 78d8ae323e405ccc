//! The embedded default: one SQLite file in the data directory, created on first start.
//! WAL mode so readers (the API) never wait for the writer (a worker); the claim runs in
//! a `BEGIN IMMEDIATE` transaction, SQLite's equivalent of `FOR UPDATE SKIP LOCKED`:
//! the write lock is taken before the candidate row is read, so two claimers serialise
//! instead of both reading the same row.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

pub(crate) async fn connect(url: &str) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a registered upload survives a power cut, not only a crash.
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(30))
        .foreign_keys(true);
    SqlitePoolOptions::new().max_connections(8).connect_with(options).await
}

pub(crate) async fn claim(pool: &SqlitePool, worker: &str, now: i64, lease_until: i64) -> Result<Option<(String, String, i64)>, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let row = sqlx::query(
        "UPDATE jobs SET status = 'processing', worker = $1, lease_until_ms = $2, started_ms = $3, attempts = attempts + 1, \
         stage = 'queued', pages_done = 0, pages_total = 0 \
         WHERE id = (SELECT id FROM jobs WHERE status = 'enqueued' OR (status = 'processing' AND lease_until_ms < $3) \
                     ORDER BY enqueued_ms, id LIMIT 1) \
         RETURNING id, dossier_id, attempts",
    )
    .bind(worker)
    .bind(lease_until)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    match row {
        Some(row) => Ok(Some((row.try_get("id")?, row.try_get("dossier_id")?, row.try_get("attempts")?))),
        None => Ok(None),
    }
}

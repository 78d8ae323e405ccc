//! The HTTP service (`docs/spec/service.md`): axum routes that store uploads durably,
//! register jobs and read back what the workers wrote. The HTTP layer never processes a
//! dossier itself — [`crate::jobs`] does, in the same process or another one sharing the
//! database. [`startup`] builds the application (port 0 in tests), [`auth`] maps tokens to
//! callers, [`error`] is the one JSON error shape, [`routes`] holds the handlers.

pub mod auth;
pub mod error;
pub mod routes;
pub mod startup;

use std::sync::Arc;

use crate::config::Config;
use crate::store::blobs::Blobs;
use crate::store::Store;

pub use startup::{Application, ServeOptions, StartError};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub blobs: Blobs,
    pub config: Arc<Config>,
    pub tokens: Arc<auth::Tokens>,
    pub max_upload_bytes: u64,
    /// Wakes this process's idle workers when a job is enqueued.
    pub wake: Arc<tokio::sync::Notify>,
}

/// Now in China Standard Time (UTC+8), the bureaus' clock, for `received_at`.
pub fn china_now() -> chrono::DateTime<chrono::FixedOffset> {
    // UTC+8 is a valid offset; the fallback only satisfies the type.
    let offset = chrono::FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("zero offset"));
    chrono::Utc::now().with_timezone(&offset)
}

/// Milliseconds since the epoch → RFC 3339 in UTC+8.
pub fn rfc3339(ms: i64) -> String {
    let offset = chrono::FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("zero offset"));
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&offset).to_rfc3339_opts(chrono::SecondsFormat::Millis, false)).unwrap_or_default()
}

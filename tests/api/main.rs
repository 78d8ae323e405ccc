//! The service's API tests, all in one binary (one link, shared helpers): every endpoint,
//! every role boundary, idempotent upload, 413, lease expiry and restart, `serve` killed
//! with SIGKILL mid-job, and two `serve` processes sharing PostgreSQL.

mod batches;
mod dossiers;
mod helpers;
mod jobs;
mod load;
mod ops;
mod processes;
mod roles;

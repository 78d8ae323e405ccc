//! Building and running the service: resolve the options (flags over the config file
//! over defaults), open the data directory and the database, bind the port (port 0 in
//! tests, so each test gets its own), start this process's workers, then serve.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use super::auth::Tokens;
use super::AppState;
use crate::config::{Config, ServerSettings};
use crate::jobs::Worker;
use crate::store::blobs::Blobs;
use crate::store::{Store, StoreError};

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "./data";
/// 200 MiB: the largest dossiers seen are scans of a few hundred pages.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 200 * 1024 * 1024;
pub const DEFAULT_LEASE_SECONDS: u64 = 60;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("data directory {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("cannot bind {addr}: {source}")]
    Bind { addr: String, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("serving: {0}")]
    Serve(std::io::Error),
}

/// How to run the service.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub bind: String,
    pub data_dir: PathBuf,
    /// `None`: the embedded SQLite file inside `data_dir`.
    pub database_url: Option<String>,
    /// Workers in this process (0: serve only, another process does the work).
    pub workers: usize,
    pub lease: Duration,
    /// How often an idle worker looks for work enqueued by other processes.
    pub poll: Duration,
    pub max_upload_bytes: u64,
    pub metrics_bind: Option<String>,
    pub admin_token: Option<String>,
    pub min_job_time: Duration,
}

impl ServeOptions {
    /// Command-line flags override the config file, which overrides built-in defaults.
    pub fn resolve(settings: &ServerSettings, bind: Option<String>, data_dir: Option<PathBuf>, database_url: Option<String>) -> ServeOptions {
        ServeOptions {
            bind: bind.or_else(|| settings.bind.clone()).unwrap_or_else(|| DEFAULT_BIND.into()),
            data_dir: data_dir.or_else(|| settings.data_dir.clone()).unwrap_or_else(|| DEFAULT_DATA_DIR.into()),
            database_url: database_url.or_else(|| settings.database_url.clone()).filter(|u| !u.is_empty()),
            workers: settings.workers.unwrap_or_else(crate::jobs::default_workers),
            lease: Duration::from_secs(settings.lease_seconds.unwrap_or(DEFAULT_LEASE_SECONDS).max(1)),
            poll: Duration::from_millis(500),
            max_upload_bytes: settings.max_upload_bytes.unwrap_or(DEFAULT_MAX_UPLOAD_BYTES),
            metrics_bind: settings.metrics_bind.clone(),
            admin_token: std::env::var(super::auth::ADMIN_TOKEN_ENV).ok(),
            min_job_time: Duration::from_millis(settings.min_job_millis.unwrap_or(0)),
        }
    }
}

/// A built, bound, not yet running service.
pub struct Application {
    port: u16,
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    state: AppState,
    workers: Vec<Arc<Worker>>,
    poll: Duration,
}

impl Application {
    pub async fn build(config: Config, options: ServeOptions) -> Result<Application, StartError> {
        let data_err = |source| StartError::DataDir { path: options.data_dir.clone(), source };
        std::fs::create_dir_all(&options.data_dir).map_err(data_err)?;
        let data_dir = options.data_dir.canonicalize().map_err(data_err)?;
        let blobs = Blobs::open(&data_dir).map_err(|source| StartError::DataDir { path: data_dir.clone(), source })?;
        let url = match &options.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", data_dir.join("dossier-verify.sqlite").display()),
        };
        let store = Arc::new(Store::connect(&url).await?);
        let config = Arc::new(config);
        let tokens = Tokens::from_settings(&config.settings.auth, options.admin_token.as_deref());
        if tokens.is_empty() {
            tracing::warn!("no API tokens configured: set {} or [[auth.tokens]]", super::auth::ADMIN_TOKEN_ENV);
        }
        let state = AppState {
            store: store.clone(),
            blobs: blobs.clone(),
            config: config.clone(),
            tokens: Arc::new(tokens),
            max_upload_bytes: options.max_upload_bytes,
            wake: Arc::new(tokio::sync::Notify::new()),
        };
        let listener = TcpListener::bind(&options.bind).await.map_err(|source| StartError::Bind { addr: options.bind.clone(), source })?;
        let port = listener.local_addr().map_err(|source| StartError::Bind { addr: options.bind.clone(), source })?.port();
        let metrics_listener = match &options.metrics_bind {
            Some(addr) => Some(TcpListener::bind(addr).await.map_err(|source| StartError::Bind { addr: addr.clone(), source })?),
            None => None,
        };
        for path in &config.settings.server.preload {
            preload(&store, &blobs, path).await;
        }
        let workers = (0..options.workers)
            .map(|_| {
                let mut worker = Worker::new(store.clone(), blobs.clone(), config.clone(), options.lease);
                worker.min_job_time = options.min_job_time;
                Arc::new(worker)
            })
            .collect();
        tracing::info!(port, backend = store.backend(), data_dir = %data_dir.display(), workers = options.workers, "service built");
        Ok(Application { port, listener, metrics_listener, state, workers, poll: options.poll })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port the metrics listener got (`metrics_bind` may ask for port 0), if there is one.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_listener.as_ref().and_then(|listener| listener.local_addr().ok()).map(|addr| addr.port())
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until the process is told to stop (Ctrl-C or SIGTERM), then gives this
    /// process's running jobs back to the queue.
    pub async fn run_until_stopped(self) -> Result<(), StartError> {
        let names: Vec<String> = self.workers.iter().map(|w| w.name.clone()).collect();
        let mut running = Vec::new();
        for worker in self.workers {
            running.push(tokio::spawn(worker.run(self.state.wake.clone(), self.poll)));
        }
        if let Some(listener) = self.metrics_listener {
            let router = super::routes::metrics_router(self.state.clone());
            tokio::spawn(async move {
                if let Err(error) = axum::serve(listener, router).await {
                    tracing::error!(%error, "metrics listener stopped");
                }
            });
        }
        let router = super::routes::router(self.state.clone());
        let served = axum::serve(self.listener, router).with_graceful_shutdown(shutdown_signal()).await.map_err(StartError::Serve);
        for task in running {
            task.abort();
        }
        for name in names {
            match self.state.store.release(&name).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(worker = %name, jobs = n, "running jobs given back to the queue"),
                Err(error) => tracing::warn!(worker = %name, %error, "could not give jobs back; they are retaken after their lease"),
            }
        }
        served
    }
}

/// Registers one archive as if an admin had uploaded it; a missing or unreadable file is
/// logged and skipped (the service starts anyway).
async fn preload(store: &Store, blobs: &Blobs, path: &std::path::Path) {
    let result: Result<(), String> = async {
        let bytes = tokio::fs::read(path).await.map_err(|e| e.to_string())?;
        let mut incoming = blobs.begin().await.map_err(|e| e.to_string())?;
        incoming.write(&bytes).await.map_err(|e| e.to_string())?;
        let stored = incoming.finish(blobs).await.map_err(|e| e.to_string())?;
        let new = crate::store::NewDossier {
            sha256: stored.sha256,
            filename: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            size_bytes: stored.size as i64,
            city: None,
            uploaded_by: "preload".into(),
            received_at: super::china_now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        };
        store.register(&new).await.map_err(|e| e.to_string())?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => tracing::info!(path = %path.display(), "preloaded dossier registered"),
        Err(error) => tracing::warn!(path = %path.display(), %error, "preloaded dossier skipped"),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_config_file_which_overrides_defaults() {
        let defaults = ServeOptions::resolve(&ServerSettings::default(), None, None, None);
        assert_eq!(defaults.bind, DEFAULT_BIND);
        assert_eq!(defaults.data_dir, PathBuf::from(DEFAULT_DATA_DIR));
        assert_eq!(defaults.database_url, None, "embedded SQLite by default");
        assert_eq!(defaults.max_upload_bytes, DEFAULT_MAX_UPLOAD_BYTES);
        let file = ServerSettings {
            bind: Some("0.0.0.0:9000".into()),
            data_dir: Some("/srv/dv".into()),
            database_url: Some("postgres://db/dv".into()),
            lease_seconds: Some(5),
            workers: Some(0),
            ..ServerSettings::default()
        };
        let from_file = ServeOptions::resolve(&file, None, None, None);
        assert_eq!((from_file.bind.as_str(), from_file.workers, from_file.lease), ("0.0.0.0:9000", 0, Duration::from_secs(5)));
        let flags = ServeOptions::resolve(&file, Some("127.0.0.1:1".into()), Some("/tmp/x".into()), Some("postgres://other/db".into()));
        assert_eq!(flags.bind, "127.0.0.1:1");
        assert_eq!(flags.data_dir, PathBuf::from("/tmp/x"));
        assert_eq!(flags.database_url.as_deref(), Some("postgres://other/db"));
    }

    #[test]
    fn the_demo_config_is_the_default_config_plus_a_server_section() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let demo = std::fs::read_to_string(root.join("config/demo.toml")).expect("config/demo.toml");
        assert!(demo.starts_with(crate::config::BUILTIN_SETTINGS), "config/demo.toml must begin with config/default.toml verbatim");
        let config = Config::load(&root.join("config/demo.toml")).expect("demo config loads");
        assert!(config.settings.server.preload.iter().all(|p| root.join(p).exists()), "the demo's sample dossier exists");
    }
}

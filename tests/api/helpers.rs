//! `spawn_app()` and typed request helpers (the zero2prod pattern): every test gets its
//! own service on port 0, its own data directory and a fresh database (a new SQLite file,
//! or a new PostgreSQL database on 127.0.0.1:5432), and talks to it over real HTTP.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dossier_verify::config::TokenEntry;
use dossier_verify::server::auth::token_hash;
use dossier_verify::server::{AppState, Application, ServeOptions};
use dossier_verify::store::Store;
use dossier_verify::Config;
use serde_json::Value;

pub const ADMIN: &str = "test-admin-token";
pub const REVIEWER: &str = "test-reviewer-token";
pub const SHENYANG: &str = "test-shenyang-bureau-token";
pub const DALIAN: &str = "test-dalian-bureau-token";

/// The PostgreSQL server the tests create their databases on.
pub const PG_BASE: &str = "postgres://postgres@127.0.0.1:5432/test";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct AppOptions {
    pub db: Db,
    pub workers: usize,
    pub max_upload_bytes: u64,
    pub lease: Duration,
    /// Reuse this data directory (restart tests) instead of a fresh one.
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub metrics_bind: Option<String>,
    pub preload: Vec<PathBuf>,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            db: Db::Sqlite,
            workers: 1,
            max_upload_bytes: 10 * 1024 * 1024,
            lease: Duration::from_secs(30),
            data_dir: None,
            database_url: None,
            metrics_bind: None,
            preload: Vec::new(),
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub port: u16,
    /// The metrics listener's port, when `metrics_bind` was given.
    pub metrics_port: Option<u16>,
    pub client: reqwest::Client,
    pub state: AppState,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    /// Keeps the temporary directory alive for the test's duration.
    pub _temp: Option<Arc<tempfile::TempDir>>,
    pub server: tokio::task::JoinHandle<()>,
    /// Dropped (with its database) after the app: fields drop in order.
    pub _db: Option<FreshDb>,
}

/// The test tokens: two bureaus (沈阳市, 大连市) and a reviewer; the admin comes like
/// `DOSSIER_VERIFY_ADMIN_TOKEN` does.
pub fn test_config() -> Config {
    let mut config = Config::builtin().expect("built-in config");
    let entry = |name: &str, role: &str, city: Option<&str>, token: &str| TokenEntry {
        name: name.into(),
        role: role.into(),
        city: city.map(str::to_string),
        sha256: token_hash(token),
    };
    config.settings.auth.tokens = vec![
        entry("shenyang-bureau", "bureau", Some("沈阳市"), SHENYANG),
        entry("dalian-bureau", "bureau", Some("大连市"), DALIAN),
        entry("reviewer", "reviewer", None, REVIEWER),
    ];
    config
}

/// A database created for one test and dropped when the test ends.
pub struct FreshDb {
    pub url: String,
    name: String,
}

impl Drop for FreshDb {
    fn drop(&mut self) {
        // Drop runs outside any runtime's async context only on a thread of its own.
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            runtime.block_on(async {
                use sqlx::Connection;
                if let Ok(mut conn) = sqlx::PgConnection::connect(PG_BASE).await {
                    let statement = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(statement)).execute(&mut conn).await;
                }
            });
        })
        .join();
    }
}

pub async fn fresh_postgres_db() -> FreshDb {
    let name = format!("dv_test_{}", uuid::Uuid::new_v4().simple());
    let url = dossier_verify::store::postgres::create_fresh_database(PG_BASE, &name).await.expect("PostgreSQL on 127.0.0.1:5432 must be running for these tests");
    FreshDb { url, name }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(AppOptions::default()).await
}

pub async fn spawn_app_with(options: AppOptions) -> TestApp {
    let (temp, data_dir) = match &options.data_dir {
        Some(dir) => (None, dir.clone()),
        None => {
            let temp = tempfile::tempdir().expect("temp dir");
            let dir = temp.path().to_path_buf();
            (Some(Arc::new(temp)), dir)
        }
    };
    let fresh_db = match (&options.database_url, options.db) {
        (None, Db::Postgres) => Some(fresh_postgres_db().await),
        _ => None,
    };
    let database_url = options.database_url.clone().or_else(|| fresh_db.as_ref().map(|db| db.url.clone()));
    let serve = ServeOptions {
        bind: "127.0.0.1:0".into(),
        data_dir: data_dir.clone(),
        database_url: database_url.clone(),
        workers: options.workers,
        lease: options.lease,
        poll: Duration::from_millis(100),
        max_upload_bytes: options.max_upload_bytes,
        metrics_bind: options.metrics_bind.clone(),
        admin_token: Some(ADMIN.into()),
        min_job_time: Duration::ZERO,
    };
    let mut config = test_config();
    config.settings.server.preload = options.preload.clone();
    let app = Application::build(config, serve).await.expect("service builds");
    let port = app.port();
    let metrics_port = app.metrics_port();
    let state = app.state().clone();
    let server = tokio::spawn(async move {
        let _ = app.run_until_stopped().await;
    });
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        metrics_port,
        client: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client"),
        state,
        data_dir,
        database_url,
        _temp: temp,
        server,
        _db: fresh_db,
    }
}

/// A small zip with the given entries.
pub fn make_zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut cursor = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut cursor);
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in files {
            zip.start_file(*name, options).expect("zip entry");
            zip.write_all(bytes).expect("zip write");
        }
        zip.finish().expect("zip finish");
    }
    cursor.into_inner()
}

/// A dossier zip whose bytes are unique to `tag`.
pub fn dossier_zip(tag: &str) -> Vec<u8> {
    make_zip(&[
        ("1.推荐报告.txt", format!("沈阳市人力资源和社会保障局推荐报告 {tag}").as_bytes()),
        ("2.申报表.txt", "辽宁省职业技能培训品牌申报表".as_bytes()),
    ])
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn upload(&self, token: &str, filename: &str, bytes: Vec<u8>) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/dossiers"))
            .bearer_auth(token)
            .header("content-type", "application/zip")
            .header("x-filename", percent_encode(filename))
            .body(bytes)
            .send()
            .await
            .expect("upload request")
    }

    pub async fn upload_multipart(&self, token: &str, filename: &str, bytes: Vec<u8>) -> reqwest::Response {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(filename.to_string()).mime_str("application/zip").expect("mime");
        let form = reqwest::multipart::Form::new().text("note", "x").part("file", part);
        self.client.post(self.url("/api/v1/dossiers")).bearer_auth(token).multipart(form).send().await.expect("multipart request")
    }

    /// Uploads and returns the new id (asserting 202).
    pub async fn upload_ok(&self, token: &str, filename: &str, bytes: Vec<u8>) -> String {
        let response = self.upload(token, filename, bytes).await;
        assert_eq!(response.status().as_u16(), 202, "upload answered {}", response.status());
        let body: Value = response.json().await.expect("json");
        body["id"].as_str().expect("id").to_string()
    }

    pub async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).bearer_auth(token).send().await.expect("GET")
    }

    pub async fn get_json(&self, token: &str, path: &str) -> (u16, Value) {
        let response = self.get(token, path).await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn post_json(&self, token: &str, path: &str, body: &Value) -> (u16, Value) {
        let response = self.client.post(self.url(path)).bearer_auth(token).json(body).send().await.expect("POST");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Polls the dossier until its run has ended; returns its view.
    pub async fn wait_done(&self, token: &str, id: &str) -> Value {
        self.wait_done_within(token, id, Duration::from_secs(120)).await
    }

    pub async fn wait_done_within(&self, token: &str, id: &str, limit: Duration) -> Value {
        let deadline = Instant::now() + limit;
        loop {
            let (status, body) = self.get_json(token, &format!("/api/v1/dossiers/{id}")).await;
            assert_eq!(status, 200, "{body}");
            if matches!(body["status"].as_str(), Some("succeeded" | "failed")) {
                return body;
            }
            assert!(Instant::now() < deadline, "dossier {id} not done in time: {body}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn store(&self) -> &Store {
        &self.state.store
    }
}

pub fn percent_encode(text: &str) -> String {
    text.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// Files under a directory, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

// ------------------------------------------------------------- `serve` as a real process

/// A `dossier-verify serve` child process.
pub struct ServeProcess {
    pub child: std::process::Child,
    pub port: u16,
}

impl ServeProcess {
    pub fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A settings file for child processes: the built-in settings, rules by absolute path,
/// the test tokens, and `[server]` extras.
pub fn write_settings(dir: &Path, server_extra: &str) -> PathBuf {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/rules/liaoning-2024.toml");
    let mut text = dossier_verify::config::BUILTIN_SETTINGS.replace("rules = \"rules/liaoning-2024.toml\"", &format!("rules = {:?}", rules.display().to_string()));
    text.push_str(&format!("\n[server]\n{server_extra}\n"));
    for (name, role, city, token) in [("shenyang-bureau", "bureau", Some("沈阳市"), SHENYANG), ("reviewer", "reviewer", None, REVIEWER)] {
        text.push_str(&format!("\n[[auth.tokens]]\nname = {name:?}\nrole = {role:?}\nsha256 = {:?}\n", token_hash(token)));
        if let Some(city) = city {
            text.push_str(&format!("city = {city:?}\n"));
        }
    }
    let path = dir.join("settings.toml");
    std::fs::write(&path, text).expect("write settings");
    path
}

/// Starts `dossier-verify serve` on port 0 and waits for the port it prints.
pub fn spawn_serve(settings: &Path, data_dir: &Path, database_url: Option<&str>) -> ServeProcess {
    use std::io::BufRead;
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_dossier-verify"));
    command
        .arg("serve")
        .arg("--config")
        .arg(settings)
        .arg("--bind")
        .arg("127.0.0.1:0")
        .arg("--data-dir")
        .arg(data_dir)
        .env("DOSSIER_VERIFY_ADMIN_TOKEN", ADMIN)
        .env("OMP_THREAD_LIMIT", "1")
        .env_remove("DATABASE_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    let mut child = command.spawn().expect("spawn dossier-verify serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = std::io::BufReader::new(stderr).lines();
    let port = loop {
        let line = lines.next().expect("serve exited before printing its port").expect("stderr line");
        if let Some(port) = line.strip_prefix("dossier-verify: serving on port ") {
            break port.trim().parse().expect("port");
        }
    };
    // Keep draining stderr so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    ServeProcess { child, port }
}

//! Load test for BENCHMARKS.md (ignored by default; run it alone):
//!
//!     OMP_THREAD_LIMIT=1 cargo test --test api load -- --ignored --nocapture
//!
//! 50 concurrent uploads of a 20 MB dossier to a `serve` process on loopback: every upload
//! must be acknowledged (202) and registered (none lost); it prints the acknowledgement
//! times (p50, p99, max) and the server's peak RSS (VmHWM) — memory stays bounded because
//! uploads are streamed to disk, never held whole.

use std::io::Write;
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::Value;

use crate::helpers::*;

const UPLOADS: usize = 50;
const DOSSIER_BYTES: usize = 20 * 1024 * 1024;
/// Every upload ends with its own zip comment, so the 50 archives differ (no idempotent short cut).
const TAG_LEN: usize = 16;

fn base_zip() -> Vec<u8> {
    let mut cursor = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut cursor);
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("3.依托单位材料/扫描件.bin", stored).unwrap();
    // Incompressible bytes (xorshift), as scans are.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut data = vec![0u8; DOSSIER_BYTES];
    for chunk in data.chunks_mut(8) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let bytes = state.to_le_bytes();
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
    zip.write_all(&data).unwrap();
    zip.set_comment("0".repeat(TAG_LEN)).unwrap();
    zip.finish().unwrap();
    cursor.into_inner()
}

fn vm_hwm_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "load test: run alone with --ignored --nocapture"]
async fn load_50_concurrent_uploads_of_a_20_mb_dossier() {
    let temp = tempfile::tempdir().unwrap();
    let settings = write_settings(temp.path(), &std::env::var("LOAD_SERVER_SETTINGS").unwrap_or_default());
    let server = spawn_serve(&settings, &temp.path().join("data"), None);
    let address = server.address();
    let pid = server.child.id();
    let rss_before = vm_hwm_kib(pid);

    let base = Bytes::from(base_zip());
    let head = base.slice(..base.len() - TAG_LEN);
    let client = reqwest::Client::new();
    let started = Instant::now();
    let tasks: Vec<_> = (0..UPLOADS)
        .map(|i| {
            let client = client.clone();
            let address = address.clone();
            let head = head.clone();
            tokio::spawn(async move {
                let tail = Bytes::from(format!("{i:0width$}", width = TAG_LEN));
                let length = head.len() + tail.len();
                let chunks: Vec<Result<Bytes, std::io::Error>> =
                    (0..head.len()).step_by(256 * 1024).map(|at| Ok(head.slice(at..(at + 256 * 1024).min(head.len())))).chain([Ok(tail)]).collect();
                let t0 = Instant::now();
                let response = client
                    .post(format!("{address}/api/v1/dossiers"))
                    .bearer_auth(ADMIN)
                    .header("content-type", "application/zip")
                    .header("content-length", length)
                    .header("x-filename", format!("load-{i}.zip"))
                    .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
                    .send()
                    .await
                    .expect("upload");
                let status = response.status().as_u16();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                (status, body["id"].as_str().map(str::to_string), t0.elapsed())
            })
        })
        .collect();
    let mut times = Vec::new();
    let mut ids = Vec::new();
    for task in tasks {
        let (status, id, took) = task.await.unwrap();
        assert_eq!(status, 202, "every upload acknowledged");
        ids.push(id.expect("id"));
        times.push(took);
    }
    let wall = started.elapsed();
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1];
    let peak_upload = vm_hwm_kib(pid);

    // None lost: every id is registered, and its blob is on disk.
    let list: Value = client.get(format!("{address}/api/v1/dossiers?per_page=200")).bearer_auth(ADMIN).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["total"], UPLOADS as u64);
    for id in &ids {
        let view: Value = client.get(format!("{address}/api/v1/dossiers/{id}")).bearer_auth(ADMIN).send().await.unwrap().json().await.unwrap();
        assert_eq!(view["size_bytes"], base.len() as u64);
    }
    println!(
        "LOAD uploads: ack p50 {:?} p99 {:?} max {:?}; all acked in {:?}; server peak RSS {} MiB (start {} MiB)",
        pct(0.50),
        pct(0.99),
        times[times.len() - 1],
        wall,
        peak_upload / 1024,
        rss_before / 1024
    );
    if std::env::var("LOAD_SERVER_SETTINGS").is_ok_and(|s| s.contains("workers = 0")) {
        return;
    }
    // And the workers get through them.
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let done: Value = client.get(format!("{address}/api/v1/dossiers?status=succeeded&per_page=1")).bearer_auth(ADMIN).send().await.unwrap().json().await.unwrap();
        if done["total"] == UPLOADS as u64 {
            break;
        }
        assert!(Instant::now() < deadline, "not all processed");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let processed = started.elapsed();
    let peak_all = vm_hwm_kib(pid);
    println!(
        "LOAD: {UPLOADS} uploads x {:.1} MB: all 202, none lost; ack p50 {:?} p99 {:?} max {:?}; all acked in {:?}; all processed in {:?}; \
         server peak RSS {} MiB after uploads, {} MiB after processing (start {} MiB)",
        base.len() as f64 / 1048576.0,
        pct(0.50),
        pct(0.99),
        times[times.len() - 1],
        wall,
        processed,
        peak_upload / 1024,
        peak_all / 1024,
        rss_before / 1024
    );
}

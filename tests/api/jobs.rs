//! The queue: leases, dead workers, restarts, failing dossiers, the OCR cache.

use std::sync::Arc;
use std::time::Duration;

use dossier_verify::jobs::{Step, Worker};
use dossier_verify::store::JobStatus;

use crate::helpers::*;

fn worker(app: &TestApp, lease: Duration) -> Worker {
    Worker::new(app.state.store.clone(), app.state.blobs.clone(), app.state.config.clone(), lease)
}

#[tokio::test]
async fn a_job_whose_worker_died_is_taken_again_after_its_lease() {
    let app = spawn_app_with(AppOptions { workers: 0, ..Default::default() }).await;
    let id = app.upload_ok(SHENYANG, "lease.zip", dossier_zip("lease")).await;
    // A worker claims the job and dies: it never heartbeats nor completes.
    let lease = Duration::from_millis(300);
    let dead = app.store().claim("dead-worker", lease, 3).await.unwrap().expect("claimable");
    let (_, view) = app.get_json(SHENYANG, &format!("/api/v1/dossiers/{id}")).await;
    assert_eq!(view["status"], "processing");
    // While the lease runs, nobody else takes it.
    let live = worker(&app, Duration::from_secs(30));
    assert_eq!(live.try_execute_one().await.unwrap(), Step::Idle);
    tokio::time::sleep(Duration::from_millis(400)).await;
    match live.try_execute_one().await.unwrap() {
        Step::Ran { job_id, succeeded, recorded } => {
            assert_eq!(job_id, dead.job_id);
            assert!(succeeded && recorded);
        }
        Step::Idle => panic!("the expired lease was not taken over"),
    }
    // The dead worker "wakes up" and tries to complete: its result is dropped.
    let late = dossier_verify::store::Outcome::Failed { error: "late".into() };
    assert!(!app.store().complete(&dead.job_id, "dead-worker", &late, 0).await.unwrap());
    let job = app.store().job(&dead.job_id).await.unwrap().unwrap();
    assert_eq!((job.status, job.attempts, job.completions), (JobStatus::Succeeded, 2, 1));
    assert_eq!(app.wait_done(SHENYANG, &id).await["status"], "succeeded");
}

#[tokio::test]
async fn a_job_abandoned_too_often_is_failed_not_retried_forever() {
    let app = spawn_app_with(AppOptions { workers: 0, ..Default::default() }).await;
    let id = app.upload_ok(SHENYANG, "poison.zip", dossier_zip("poison")).await;
    let lease = Duration::from_millis(50);
    for _ in 0..3 {
        assert!(app.store().claim("crashing", lease, 3).await.unwrap().is_some());
        tokio::time::sleep(Duration::from_millis(80)).await;
    }
    assert_eq!(worker(&app, lease).try_execute_one().await.unwrap(), Step::Idle);
    let view = app.wait_done(SHENYANG, &id).await;
    assert_eq!(view["status"], "failed");
    assert!(view["error"].as_str().unwrap().contains("多次中断"));
}

#[tokio::test]
async fn a_restart_resumes_queued_work() {
    let first = spawn_app_with(AppOptions { workers: 0, ..Default::default() }).await;
    let ids = [
        first.upload_ok(SHENYANG, "1.zip", dossier_zip("restart-1")).await,
        first.upload_ok(SHENYANG, "2.zip", dossier_zip("restart-2")).await,
    ];
    first.server.abort();
    let data_dir = first.data_dir.clone();
    let keep = first._temp.clone();
    drop(first);
    let second = spawn_app_with(AppOptions { data_dir: Some(data_dir), ..Default::default() }).await;
    for id in &ids {
        assert_eq!(second.wait_done(SHENYANG, id).await["status"], "succeeded");
    }
    drop(keep);
}

#[tokio::test]
async fn a_dossier_that_cannot_be_processed_fails_its_job_with_the_reason() {
    let app = spawn_app_with(AppOptions { workers: 0, ..Default::default() }).await;
    let bytes = dossier_zip("broken");
    let sha = dossier_verify::intake::sha256_hex(&bytes);
    let id = app.upload_ok(SHENYANG, "broken.zip", bytes).await;
    std::fs::remove_file(app.data_dir.join("blobs").join(&sha[..2]).join(&sha)).unwrap();
    let worker = worker(&app, Duration::from_secs(30));
    assert!(matches!(worker.try_execute_one().await.unwrap(), Step::Ran { succeeded: false, recorded: true, .. }));
    let view = app.wait_done(SHENYANG, &id).await;
    assert_eq!(view["status"], "failed");
    assert!(view["error"].as_str().unwrap().contains("无法读取"), "{view}");
    let (status, body) = app.get_json(SHENYANG, &format!("/api/v1/dossiers/{id}/report")).await;
    assert_eq!(status, 409);
    assert!(body["message"].as_str().unwrap().contains("核验失败"));
    // The service goes on: the next dossier succeeds.
    let next = app.upload_ok(SHENYANG, "ok.zip", dossier_zip("after-broken")).await;
    assert!(matches!(worker.try_execute_one().await.unwrap(), Step::Ran { succeeded: true, .. }));
    assert_eq!(app.wait_done(SHENYANG, &next).await["status"], "succeeded");
}

#[tokio::test]
async fn a_non_zip_upload_is_checked_and_reported_as_an_invalid_archive() {
    let app = spawn_app().await;
    let id = app.upload_ok(SHENYANG, "沈阳市.zip", b"this is not a zip".to_vec()).await;
    let view = app.wait_done(SHENYANG, &id).await;
    assert_eq!(view["status"], "succeeded", "a bad archive is a finding, not a failed job");
    let (_, report) = app.get_json(SHENYANG, &format!("/api/v1/dossiers/{id}/report")).await;
    assert_eq!(report["verdict"], "reject");
}

#[tokio::test]
async fn the_ocr_cache_keeps_results_by_key() {
    let app = spawn_app_with(AppOptions { workers: 0, ..Default::default() }).await;
    assert_eq!(app.store().ocr_get("page-hash|chi_sim|3|200").await.unwrap(), None);
    app.store().ocr_put("page-hash|chi_sim|3|200", b"{\"text\":\"x\"}").await.unwrap();
    app.store().ocr_put("page-hash|chi_sim|3|200", b"other").await.unwrap();
    assert_eq!(app.store().ocr_get("page-hash|chi_sim|3|200").await.unwrap().as_deref(), Some(&b"{\"text\":\"x\"}"[..]));
}

#[tokio::test]
async fn two_workers_in_one_process_never_run_the_same_job() {
    let app = spawn_app_with(AppOptions { workers: 0, ..Default::default() }).await;
    for i in 0..10 {
        app.upload_ok(SHENYANG, &format!("{i}.zip"), dossier_zip(&format!("pair-{i}"))).await;
    }
    let a = Arc::new(worker(&app, Duration::from_secs(30)));
    let b = Arc::new(worker(&app, Duration::from_secs(30)));
    let run = |w: Arc<Worker>| async move {
        let mut n = 0;
        while let Step::Ran { .. } = w.try_execute_one().await.unwrap() {
            n += 1;
        }
        n
    };
    let (na, nb) = tokio::join!(run(a), run(b));
    assert_eq!(na + nb, 10);
    let jobs = app.store().all_jobs().await.unwrap();
    assert!(jobs.iter().all(|j| j.attempts == 1 && j.completions == 1 && j.status == JobStatus::Succeeded));
}

#[tokio::test]
async fn preloaded_dossiers_are_registered_once_and_checked_at_start() {
    let temp = tempfile::tempdir().unwrap();
    let sample = temp.path().join("沈阳市-示例.zip");
    std::fs::write(&sample, dossier_zip("preload")).unwrap();
    let missing = temp.path().join("missing.zip");
    let app = spawn_app_with(AppOptions { preload: vec![sample.clone(), missing], ..Default::default() }).await;
    let (_, list) = app.get_json(REVIEWER, "/api/v1/dossiers").await;
    assert_eq!(list["total"], 1, "the missing file is skipped: {list}");
    let id = list["items"][0]["id"].as_str().unwrap().to_string();
    let view = app.wait_done(REVIEWER, &id).await;
    assert_eq!((view["status"].as_str(), view["city"].as_str()), (Some("succeeded"), Some("沈阳市")));
    // A restart on the same data does not register it again.
    let again = spawn_app_with(AppOptions { preload: vec![sample], data_dir: Some(app.data_dir.clone()), workers: 0, ..Default::default() }).await;
    let (_, list) = again.get_json(REVIEWER, "/api/v1/dossiers").await;
    assert_eq!(list["total"], 1);
}

//! `dossier-verify serve` as real processes: killed with SIGKILL mid-job and resumed by
//! another process; two processes sharing PostgreSQL and a data directory.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use dossier_verify::store::{JobStatus, Store};
use serde_json::Value;

use crate::helpers::*;

async fn status_of(client: &reqwest::Client, address: &str, id: &str) -> Value {
    client.get(format!("{address}/api/v1/dossiers/{id}")).bearer_auth(ADMIN).send().await.unwrap().json().await.unwrap()
}

async fn upload_to(client: &reqwest::Client, address: &str, tag: &str) -> String {
    let response = client
        .post(format!("{address}/api/v1/dossiers"))
        .bearer_auth(ADMIN)
        .header("content-type", "application/zip")
        .body(dossier_zip(tag))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 202);
    response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn serve_killed_mid_job_is_finished_by_the_next_process() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    // Each job takes at least 3 s, so the kill lands mid-job; a 1 s lease expires soon after.
    let settings = write_settings(temp.path(), "min_job_millis = 3000\nlease_seconds = 1\nworkers = 1");
    let client = reqwest::Client::new();
    let first = spawn_serve(&settings, &data, None);
    let id = upload_to(&client, &first.address(), "kill-9").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while status_of(&client, &first.address(), &id).await["status"] != "processing" {
        assert!(Instant::now() < deadline, "job never started");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut first = first;
    first.child.kill().unwrap(); // SIGKILL: no cleanup, the lease is left behind
    first.child.wait().unwrap();

    let second = spawn_serve(&settings, &data, None);
    let deadline = Instant::now() + Duration::from_secs(60);
    let view = loop {
        let view = status_of(&client, &second.address(), &id).await;
        if matches!(view["status"].as_str(), Some("succeeded" | "failed")) {
            break view;
        }
        assert!(Instant::now() < deadline, "not resumed: {view}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(view["status"], "succeeded", "{view}");
    drop(second);
    let store = Store::connect(&format!("sqlite://{}", data.canonicalize().unwrap().join("dossier-verify.sqlite").display())).await.unwrap();
    let jobs = store.all_jobs().await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!((jobs[0].attempts, jobs[0].completions), (2, 1), "claimed twice, completed once");
}

#[tokio::test]
async fn two_serve_processes_on_postgres_do_each_of_20_jobs_exactly_once() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("shared-data");
    let db = fresh_postgres_db().await;
    let url = db.url.clone();
    let settings = write_settings(temp.path(), "min_job_millis = 300\nlease_seconds = 2\nworkers = 1");
    let client = reqwest::Client::new();
    let a = spawn_serve(&settings, &data, Some(&url));
    let b = spawn_serve(&settings, &data, Some(&url));
    let mut ids = Vec::new();
    for i in 0..20 {
        // Uploads go to both processes: either may register, either may run.
        let address = if i % 2 == 0 { a.address() } else { b.address() };
        ids.push(upload_to(&client, &address, &format!("pg-two-{i}")).await);
    }
    // Kill one process mid-way: the other finishes its work after the lease.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut done = 0;
        for id in &ids {
            if status_of(&client, &b.address(), id).await["status"] == "succeeded" {
                done += 1;
            }
        }
        if done >= 4 {
            break;
        }
        assert!(Instant::now() < deadline, "no progress");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut a = a;
    a.child.kill().unwrap();
    a.child.wait().unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    for id in &ids {
        loop {
            let view = status_of(&client, &b.address(), id).await;
            if view["status"] == "succeeded" {
                break;
            }
            assert_ne!(view["status"], "failed", "{view}");
            assert!(Instant::now() < deadline, "not all done: {view}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let store = Store::connect(&url).await.unwrap();
    let jobs = store.all_jobs().await.unwrap();
    assert_eq!(jobs.len(), 20);
    for job in &jobs {
        assert_eq!(job.status, JobStatus::Succeeded);
        assert_eq!(job.completions, 1, "job {} completed {} times", job.id, job.completions);
    }
    // Jobs claimed more than once are only those the killed process held.
    assert!(jobs.iter().filter(|j| j.attempts > 1).count() <= 1);
    let mut by_pid: BTreeMap<String, usize> = BTreeMap::new();
    for job in &jobs {
        let pid = job.worker.as_deref().unwrap_or("").split('-').next().unwrap_or("").to_string();
        *by_pid.entry(pid).or_default() += 1;
    }
    assert_eq!(by_pid.len(), 2, "both processes did work: {by_pid:?}");
}

#[tokio::test]
async fn sigterm_gives_the_running_job_back_at_once() {
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("data");
    // A long lease: the next process must not need to wait for it.
    let settings = write_settings(temp.path(), "min_job_millis = 4000\nlease_seconds = 600\nworkers = 1");
    let client = reqwest::Client::new();
    let mut first = spawn_serve(&settings, &data, None);
    let id = upload_to(&client, &first.address(), "sigterm").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while status_of(&client, &first.address(), &id).await["status"] != "processing" {
        assert!(Instant::now() < deadline, "job never started");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let pid = first.child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let exit = first.child.wait().unwrap();
    assert!(exit.success(), "graceful exit: {exit:?}");
    let second = spawn_serve(&settings, &data, None);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let view = status_of(&client, &second.address(), &id).await;
        if view["status"] == "succeeded" {
            break;
        }
        assert!(Instant::now() < deadline, "the released job was not taken at once: {view}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

//! Batches: re-check many dossiers and compute the cross-dossier findings.

use serde_json::json;

use crate::helpers::*;

async fn wait_batch(app: &TestApp, id: &str) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let (status, body) = app.get_json(REVIEWER, &format!("/api/v1/batches/{id}")).await;
        assert_eq!(status, 200, "{body}");
        if body["status"] == "succeeded" {
            return body;
        }
        assert!(std::time::Instant::now() < deadline, "batch not done: {body}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_batch_of_ids_rechecks_each_and_reports_cross_dossier_findings() {
    let app = spawn_app().await;
    let a = app.upload_ok(SHENYANG, "a.zip", dossier_zip("batch-a")).await;
    let b = app.upload_ok(SHENYANG, "b.zip", dossier_zip("batch-b")).await;
    for id in [&a, &b] {
        app.wait_done(ADMIN, id).await;
    }
    let (status, body) = app.post_json(REVIEWER, "/api/v1/batches", &json!({"dossiers": [a, b]})).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["dossiers"], 2);
    let batch_id = body["id"].as_str().unwrap().to_string();
    assert_eq!(body["links"]["self"], format!("/api/v1/batches/{batch_id}"));
    let done = wait_batch(&app, &batch_id).await;
    assert_eq!(done["dossiers"].as_array().unwrap().len(), 2);
    assert!(done["dossiers"].as_array().unwrap().iter().all(|d| d["status"] == "succeeded"));
    assert!(done["findings"].is_array(), "findings computed once all runs ended: {done}");
    assert!(done["finished_at"].is_string());
    // Each dossier ran twice: its upload and the batch's re-check.
    assert_eq!(app.store().all_jobs().await.unwrap().len(), 4);
}

#[tokio::test]
async fn a_batch_over_a_city_takes_every_dossier_of_that_city() {
    let app = spawn_app().await;
    let s1 = app.upload_ok(SHENYANG, "s1.zip", dossier_zip("city-1")).await;
    let s2 = app.upload_ok(SHENYANG, "s2.zip", dossier_zip("city-2")).await;
    let d1 = app.upload_ok(DALIAN, "d1.zip", dossier_zip("city-3")).await;
    for id in [&s1, &s2, &d1] {
        app.wait_done(ADMIN, id).await;
    }
    let (status, body) = app.post_json(ADMIN, "/api/v1/batches", &json!({"city": "沈阳市"})).await;
    assert_eq!(status, 202);
    assert_eq!(body["dossiers"], 2);
    let done = wait_batch(&app, body["id"].as_str().unwrap()).await;
    let ids: Vec<&str> = done["dossiers"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&s1.as_str()) && ids.contains(&s2.as_str()) && !ids.contains(&d1.as_str()));
}

#[tokio::test]
async fn a_batch_request_must_name_existing_dossiers() {
    let app = spawn_app().await;
    let (status, body) = app.post_json(ADMIN, "/api/v1/batches", &json!({})).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")));
    let (status, _) = app.post_json(ADMIN, "/api/v1/batches", &json!({"dossiers": ["nope"]})).await;
    assert_eq!(status, 404);
    let (status, _) = app.post_json(ADMIN, "/api/v1/batches", &json!({"city": "铁岭市"})).await;
    assert_eq!(status, 400, "a city without dossiers gives an empty batch");
    let (status, _) = app.get_json(ADMIN, "/api/v1/batches/nope").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn batch_findings_name_the_dossier_they_concern() {
    use dossier_verify::store::Outcome;
    let app = spawn_app_with(AppOptions { workers: 0, ..Default::default() }).await;
    let a = app.upload_ok(SHENYANG, "a.zip", dossier_zip("digest-a")).await;
    let b = app.upload_ok(SHENYANG, "b.zip", dossier_zip("digest-b")).await;
    let (status, body) = app.post_json(ADMIN, "/api/v1/batches", &json!({"dossiers": [a, b]})).await;
    assert_eq!(status, 202);
    let batch = body["id"].as_str().unwrap().to_string();
    let (_, pending) = app.get_json(ADMIN, &format!("/api/v1/batches/{batch}")).await;
    assert_eq!(pending["status"], "enqueued");
    assert!(pending["findings"].is_null());
    // Run every queued job by hand, storing what a full extraction would digest: two
    // brands of one type in one city, sharing one trainee in 2022.
    while let Some(job) = app.store().claim("w", std::time::Duration::from_secs(30), 3).await.unwrap() {
        let (_, view) = app.get_json(ADMIN, &format!("/api/v1/dossiers/{}", job.dossier_id)).await;
        let report = app.get_json(ADMIN, &format!("/api/v1/dossiers/{}/report", job.dossier_id)).await.1;
        let report = if report.is_null() || report.get("schema").is_none() {
            json!({"schema": "dossier-verify/report/v1", "dossier": {"sha256": job.sha256, "filename": view["filename"], "received_at": job.received_at},
                   "verdict": "pass", "application": null, "documents": [], "rosters": [], "findings": []})
        } else {
            report
        };
        let digest = json!({"dossier": job.sha256, "city": "沈阳市", "brand_type": "行政区域", "brand_name": format!("品牌{}", &job.dossier_id[..4]),
                            "persons_by_year": {"2022": ["shared-person", format!("own-{}", job.dossier_id)]}});
        let outcome = Outcome::Succeeded { verdict: "pass".into(), report_json: report.to_string(), digest_json: digest.to_string(), city: None, seal_images: vec![] };
        assert!(app.store().complete(&job.job_id, "w", &outcome, 0).await.unwrap());
    }
    let (_, done) = app.get_json(ADMIN, &format!("/api/v1/batches/{batch}")).await;
    assert_eq!(done["status"], "succeeded");
    let findings = done["findings"].as_array().unwrap();
    let mut seen: Vec<(String, String)> = findings.iter().map(|f| (f["code"].as_str().unwrap().to_string(), f["dossier"].as_str().unwrap().to_string())).collect();
    seen.sort();
    let mut expected = vec![
        ("CITY_DUPLICATE_TYPE".to_string(), a.clone()),
        ("CITY_DUPLICATE_TYPE".to_string(), b.clone()),
        ("CROSS_DOSSIER_PERSON".to_string(), a.clone()),
        ("CROSS_DOSSIER_PERSON".to_string(), b.clone()),
    ];
    expected.sort();
    assert_eq!(seen, expected);
    assert!(findings.iter().all(|f| f["severity"] == "warning" && f["message"].as_str().unwrap().contains("沈阳市") || f["code"] == "CROSS_DOSSIER_PERSON"));
}

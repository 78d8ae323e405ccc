//! Upload, status, report, list and re-check.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn raw_zip_upload_is_accepted_then_checked() {
    let app = spawn_app().await;
    let response = app.upload(SHENYANG, "沈阳市-家政服务.zip", dossier_zip("raw")).await;
    assert_eq!(response.status().as_u16(), 202);
    assert!(response.headers().get("location").is_some());
    let body: serde_json::Value = response.json().await.unwrap();
    let id = body["id"].as_str().unwrap();
    assert_eq!(body["status"], "enqueued");
    assert_eq!(body["links"]["self"], format!("/api/v1/dossiers/{id}"));
    assert_eq!(body["links"]["report"], format!("/api/v1/dossiers/{id}/report"));
    assert_eq!(body["links"]["report_html"], format!("/api/v1/dossiers/{id}/report.html"));

    let done = app.wait_done(SHENYANG, id).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["city"], "沈阳市");
    assert_eq!(done["filename"], "沈阳市-家政服务.zip");
    for key in ["enqueued_at", "started_at", "finished_at"] {
        assert!(done[key].as_str().is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok()), "{key}: {done}");
    }
    assert!(done["verdict"].is_string());
    assert!(done["progress"]["stage"].is_string());

    let (status, report) = app.get_json(SHENYANG, &format!("/api/v1/dossiers/{id}/report")).await;
    assert_eq!(status, 200);
    assert_eq!(report["schema"], "dossier-verify/report/v1");
    assert_eq!(report["dossier"]["filename"], "沈阳市-家政服务.zip");
    assert_eq!(report["verdict"], done["verdict"]);

    let html = app.get(SHENYANG, &format!("/api/v1/dossiers/{id}/report.html")).await;
    assert_eq!(html.status().as_u16(), 200);
    assert!(html.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let text = html.text().await.unwrap();
    assert!(text.contains("核验结论") && text.contains("文件分类"), "{text}");
}

#[tokio::test]
async fn multipart_upload_keeps_its_filename_and_stores_the_blob_by_hash() {
    let app = spawn_app().await;
    let bytes = dossier_zip("multipart");
    let sha = dossier_verify::intake::sha256_hex(&bytes);
    let response = app.upload_multipart(SHENYANG, "沈阳巧嫂.zip", bytes.clone()).await;
    assert_eq!(response.status().as_u16(), 202);
    let id = response.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let (_, view) = app.get_json(SHENYANG, &format!("/api/v1/dossiers/{id}")).await;
    assert_eq!(view["filename"], "沈阳巧嫂.zip");
    assert_eq!(view["sha256"], sha);
    let blob = app.data_dir.join("blobs").join(&sha[..2]).join(&sha);
    assert_eq!(std::fs::read(blob).expect("blob stored under its hash"), bytes);
    assert!(files_under(&app.data_dir.join("tmp")).is_empty(), "no temp file left");
}

#[tokio::test]
async fn the_same_bytes_again_return_200_with_the_same_id_and_no_second_job() {
    let app = spawn_app().await;
    let bytes = dossier_zip("twice");
    let first = app.upload_ok(SHENYANG, "a.zip", bytes.clone()).await;
    let again = app.upload(SHENYANG, "b.zip", bytes.clone()).await;
    assert_eq!(again.status().as_u16(), 200);
    assert_eq!(again.json::<serde_json::Value>().await.unwrap()["id"], first);
    let multipart = app.upload_multipart(SHENYANG, "c.zip", bytes).await;
    assert_eq!(multipart.status().as_u16(), 200);
    assert_eq!(app.store().all_jobs().await.unwrap().len(), 1);
}

#[tokio::test]
async fn concurrent_uploads_of_the_same_bytes_make_one_dossier() {
    let app = spawn_app_with(AppOptions { workers: 0, ..Default::default() }).await;
    let bytes = dossier_zip("race");
    let uploads = (0..8).map(|_| app.upload(SHENYANG, "r.zip", bytes.clone()));
    let responses = futures_util::future::join_all(uploads).await;
    let mut ids = std::collections::BTreeSet::new();
    let mut created = 0;
    for response in responses {
        if response.status().as_u16() == 202 {
            created += 1;
        } else {
            assert_eq!(response.status().as_u16(), 200);
        }
        ids.insert(response.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_string());
    }
    assert_eq!((created, ids.len()), (1, 1));
}

#[tokio::test]
async fn an_oversized_upload_is_413_and_leaves_nothing_on_disk() {
    let app = spawn_app_with(AppOptions { max_upload_bytes: 4096, ..Default::default() }).await;
    // Declared too large: refused before the body is read.
    let response = app.upload(ADMIN, "big.zip", vec![7u8; 50_000]).await;
    assert_eq!(response.status().as_u16(), 413);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "payload_too_large");
    // No length announced (chunked): refused once the stream passes the limit.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..20).map(|_| Ok(vec![1u8; 1024])).collect();
    let response = app
        .client
        .post(app.url("/api/v1/dossiers"))
        .bearer_auth(ADMIN)
        .header("content-type", "application/zip")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
        .send()
        .await;
    // The server may close the connection while the client still sends; either way no 2xx.
    if let Ok(response) = response {
        assert_eq!(response.status().as_u16(), 413);
    }
    // Multipart over the limit, too.
    let response = app.upload_multipart(ADMIN, "big.zip", vec![3u8; 50_000]).await;
    assert_eq!(response.status().as_u16(), 413);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(files_under(&app.data_dir.join("tmp")).is_empty(), "temp files removed");
    assert!(files_under(&app.data_dir.join("blobs")).is_empty(), "nothing stored");
    let (_, list) = app.get_json(ADMIN, "/api/v1/dossiers").await;
    assert_eq!(list["total"], 0);
}

#[tokio::test]
async fn an_empty_or_non_zip_body_is_refused_with_a_json_error() {
    let app = spawn_app().await;
    let response = app.upload(ADMIN, "empty.zip", Vec::new()).await;
    assert_eq!(response.status().as_u16(), 400);
    let response = app.client.post(app.url("/api/v1/dossiers")).bearer_auth(ADMIN).header("content-type", "text/plain").body("hello").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 415);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "unsupported_media_type");
    assert!(body["message"].is_string());
}

#[tokio::test]
async fn the_report_is_409_while_the_run_is_not_done() {
    let app = spawn_app_with(AppOptions { workers: 0, ..Default::default() }).await;
    let id = app.upload_ok(SHENYANG, "wait.zip", dossier_zip("409")).await;
    let (status, view) = app.get_json(SHENYANG, &format!("/api/v1/dossiers/{id}")).await;
    assert_eq!((status, view["status"].as_str()), (200, Some("enqueued")));
    assert!(view["started_at"].is_null() && view["verdict"].is_null());
    let (status, body) = app.get_json(SHENYANG, &format!("/api/v1/dossiers/{id}/report")).await;
    assert_eq!(status, 409);
    assert_eq!(body["code"], "report_not_ready");
    let html = app.get(SHENYANG, &format!("/api/v1/dossiers/{id}/report.html")).await;
    assert_eq!(html.status().as_u16(), 409);
}

#[tokio::test]
async fn the_list_filters_by_status_verdict_and_city_and_pages() {
    let app = spawn_app().await;
    let a = app.upload_ok(SHENYANG, "a.zip", dossier_zip("list-a")).await;
    let b = app.upload_ok(DALIAN, "b.zip", dossier_zip("list-b")).await;
    let c = app.upload_ok(DALIAN, "c.zip", dossier_zip("list-c")).await;
    for id in [&a, &b, &c] {
        app.wait_done(ADMIN, id).await;
    }
    let (status, all) = app.get_json(REVIEWER, "/api/v1/dossiers").await;
    assert_eq!(status, 200);
    assert_eq!(all["total"], 3);
    let (_, dalian) = app.get_json(REVIEWER, &format!("/api/v1/dossiers?city={}", percent_encode("大连市"))).await;
    assert_eq!(dalian["total"], 2);
    assert!(dalian["items"].as_array().unwrap().iter().all(|d| d["city"] == "大连市"));
    let (_, succeeded) = app.get_json(REVIEWER, "/api/v1/dossiers?status=succeeded").await;
    assert_eq!(succeeded["total"], 3);
    let (_, enqueued) = app.get_json(REVIEWER, "/api/v1/dossiers?status=enqueued").await;
    assert_eq!(enqueued["total"], 0);
    let verdict = all["items"][0]["verdict"].as_str().unwrap().to_string();
    let (_, by_verdict) = app.get_json(REVIEWER, &format!("/api/v1/dossiers?verdict={verdict}")).await;
    assert!(by_verdict["total"].as_i64().unwrap() >= 1);
    assert!(by_verdict["items"].as_array().unwrap().iter().all(|d| d["verdict"] == verdict.as_str()));
    let (_, page2) = app.get_json(REVIEWER, "/api/v1/dossiers?per_page=2&page=2").await;
    assert_eq!(page2["items"].as_array().unwrap().len(), 1);
    assert_eq!(page2["page"], 2);
    let (status, body) = app.get_json(REVIEWER, "/api/v1/dossiers?status=bogus").await;
    assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")));
    let (status, _) = app.get_json(REVIEWER, "/api/v1/dossiers?page=minus").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_recheck_runs_a_new_job_with_the_current_rules() {
    let app = spawn_app().await;
    let id = app.upload_ok(SHENYANG, "r.zip", dossier_zip("recheck")).await;
    let first = app.wait_done(REVIEWER, &id).await;
    let (status, body) = app.post_json(REVIEWER, &format!("/api/v1/dossiers/{id}/recheck"), &json!({})).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["id"], id.as_str());
    assert_eq!(body["status"], "enqueued");
    let second = app.wait_done(REVIEWER, &id).await;
    assert_eq!(second["status"], "succeeded");
    assert_ne!(first["finished_at"], second["finished_at"]);
    let jobs = app.store().all_jobs().await.unwrap();
    assert_eq!(jobs.len(), 2);
    assert!(jobs.iter().all(|j| j.completions == 1));
    let (status, _) = app.post_json(ADMIN, "/api/v1/dossiers/no-such-id/recheck", &json!({})).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn an_admin_upload_takes_its_city_from_the_dossier() {
    let app = spawn_app().await;
    // Today's extraction reads little; the city then comes from the file name.
    let id = app.upload_ok(ADMIN, "大连市-月嫂.zip", dossier_zip("admin-city")).await;
    let done = app.wait_done(ADMIN, &id).await;
    assert_eq!(done["city"], "大连市", "{done}");
    let (status, _) = app.get_json(DALIAN, &format!("/api/v1/dossiers/{id}")).await;
    assert_eq!(status, 200, "the city's bureau sees it once its city is known");
}

#[tokio::test]
async fn the_service_runs_the_same_on_postgres() {
    let app = spawn_app_with(AppOptions { db: Db::Postgres, ..Default::default() }).await;
    let bytes = dossier_zip("pg");
    let id = app.upload_ok(SHENYANG, "pg.zip", bytes.clone()).await;
    assert_eq!(app.upload(SHENYANG, "pg.zip", bytes).await.status().as_u16(), 200);
    let done = app.wait_done(SHENYANG, &id).await;
    assert_eq!(done["status"], "succeeded");
    let (status, report) = app.get_json(SHENYANG, &format!("/api/v1/dossiers/{id}/report")).await;
    assert_eq!((status, report["schema"].as_str()), (200, Some("dossier-verify/report/v1")));
    let (_, list) = app.get_json(DALIAN, "/api/v1/dossiers").await;
    assert_eq!(list["total"], 0);
    let (status, _) = app.get_json(DALIAN, &format!("/api/v1/dossiers/{id}")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_report_page_shows_each_seal_crop_beside_its_page_thumbnail() {
    use dossier_verify::report::html::SealImage;
    use dossier_verify::report::{DocumentSummary, DossierInfo, Report, StampSummary, Verdict, SCHEMA};
    let app = spawn_app_with(AppOptions { workers: 0, ..Default::default() }).await;
    let id = app.upload_ok(SHENYANG, "seal.zip", dossier_zip("seal")).await;
    let job = app.store().claim("test-worker", std::time::Duration::from_secs(30), 3).await.unwrap().unwrap();
    // What a worker stores once seal detection exists: a stamp in the report, its crop aside.
    let report = Report {
        schema: SCHEMA.into(),
        dossier: DossierInfo { sha256: job.sha256.clone(), filename: "seal.zip".into(), received_at: job.received_at.clone() },
        verdict: Verdict::Pass,
        application: None,
        documents: vec![DocumentSummary {
            path: "1.推荐报告.png".into(),
            sha256: "00".into(),
            kind: "recommendation_report".into(),
            format: "image".into(),
            pages: Some(1),
            text_source: "ocr".into(),
            ocr_confidence: Some(0.9),
            stamps: vec![StampSummary { page: 1, bbox: [10, 20, 30, 40], text: Some("沈阳市人力资源和社会保障局".into()), confidence: 0.9, read_by: Some("letter_shapes".into()), text_confidence: None, issuer_check: Some("confirmed".into()) }],
            classified_by: vec!["文件名:推荐报告".into()],
        }],
        rosters: vec![],
        narratives: vec![],
        findings: vec![],
    };
    let png = b"\x89PNG\r\n\x1a\nfake-crop".to_vec();
    let outcome = dossier_verify::store::Outcome::Succeeded {
        verdict: "pass".into(),
        report_json: serde_json::to_string(&report).unwrap(),
        digest_json: "{}".into(),
        city: None,
        seal_images: vec![SealImage { path: "1.推荐报告.png".into(), page: 1, bbox: [10, 20, 30, 40], crop_png: png.clone(), page_thumbnail_png: png }],
    };
    assert!(app.store().complete(&job.job_id, "test-worker", &outcome, 0).await.unwrap());
    let html = app.get(REVIEWER, &format!("/api/v1/dossiers/{id}/report.html")).await.text().await.unwrap();
    assert!(html.contains("沈阳市人力资源和社会保障局"));
    assert_eq!(html.matches("src=\"data:image/png;base64,iVBORw0KGgpmYWtlLWNyb3A=\"").count(), 2, "crop and thumbnail: {html}");
    assert!(html.contains("alt=\"印章截图\"") && html.contains("alt=\"所在页缩略图\""));
    assert!(html.contains("（逐字比对字形确认）</td><td>是</td>"), "the seal is shown as the one its document must carry: {html}");
}

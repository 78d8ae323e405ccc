//! Health, metrics, the OpenAPI document, error shapes, the web pages.

use crate::helpers::*;

#[tokio::test]
async fn healthz_answers_without_a_token() {
    let app = spawn_app().await;
    let (status, body) = {
        let r = app.client.get(app.url("/healthz")).send().await.unwrap();
        (r.status().as_u16(), r.json::<serde_json::Value>().await.unwrap())
    };
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["store"], "sqlite");
}

#[tokio::test]
async fn metrics_count_jobs_by_status_and_durations() {
    let app = spawn_app().await;
    let id = app.upload_ok(ADMIN, "m.zip", dossier_zip("metrics")).await;
    app.wait_done(ADMIN, &id).await;
    let response = app.get(ADMIN, "/metrics").await;
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = response.text().await.unwrap();
    assert!(text.contains("dossier_verify_jobs{status=\"succeeded\"} 1"), "{text}");
    assert!(text.contains("dossier_verify_jobs{status=\"enqueued\"} 0"), "{text}");
    assert!(text.contains("dossier_verify_job_duration_seconds_count 1"), "{text}");
    assert!(text.contains("# TYPE dossier_verify_pages_ocr_total counter"));
    assert!(text.contains("dossier_verify_pages_ocr_total 0"));
}

#[tokio::test]
async fn the_openapi_document_covers_every_endpoint() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app.client.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/healthz", "get"),
        ("/metrics", "get"),
        ("/api/openapi.json", "get"),
        ("/api/v1/dossiers", "post"),
        ("/api/v1/dossiers", "get"),
        ("/api/v1/dossiers/{id}", "get"),
        ("/api/v1/dossiers/{id}/report", "get"),
        ("/api/v1/dossiers/{id}/report.html", "get"),
        ("/api/v1/dossiers/{id}/recheck", "post"),
        ("/api/v1/batches", "post"),
        ("/api/v1/batches/{id}", "get"),
    ] {
        assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path} missing");
    }
    assert!(paths["/api/v1/dossiers"]["post"]["responses"].get("413").is_some());
}

#[tokio::test]
async fn unknown_routes_and_bad_bodies_answer_json_errors() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/api/v1/nothing")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
    let response = app.client.post(app.url("/api/v1/batches")).bearer_auth(ADMIN).header("content-type", "application/json").body("{not json").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "bad_request");
    assert!(!body["message"].as_str().unwrap().contains("panicked"));
}

#[tokio::test]
async fn the_web_pages_sign_in_list_and_show_a_report() {
    let app = spawn_app().await;
    let id = app.upload_ok(SHENYANG, "沈阳市-网页.zip", dossier_zip("web")).await;
    app.wait_done(ADMIN, &id).await;
    // Not signed in: to the login page.
    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/login");
    let form = app.client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("访问令牌"));
    // Signing in sets an HttpOnly cookie.
    let response = app.client.post(app.url("/login")).form(&[("token", REVIEWER), ("next", "/")]).send().await.unwrap();
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.starts_with("dv_token="));
    let cookie = cookie.split(';').next().unwrap().to_string();
    let list = app.client.get(app.url("/")).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("沈阳市-网页.zip") && list.contains("已完成"), "{list}");
    assert!(!list.contains("id=\"upload\""), "reviewers do not upload");
    let page = app.client.get(app.url(&format!("/dossiers/{id}"))).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("核验结论"));
    // A bureau gets the upload form; a wrong token goes back to the login page.
    let bureau = app.client.get(app.url(&format!("/login?token={SHENYANG}"))).send().await.unwrap();
    let cookie = bureau.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let list = app.client.get(app.url("/")).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("id=\"upload\""));
    let wrong = app.client.post(app.url("/login")).form(&[("token", "nope")]).send().await.unwrap();
    assert_eq!(wrong.headers()["location"], "/login?error=1");
}

#[tokio::test]
async fn the_metrics_bind_serves_metrics_without_a_token() {
    // Port 0: a port picked beforehand and let go could be taken by a parallel test first.
    let app = spawn_app_with(AppOptions { metrics_bind: Some("127.0.0.1:0".into()), ..Default::default() }).await;
    let port = app.metrics_port.expect("a metrics listener");
    assert_ne!(port, app.port);
    let mut text = String::new();
    for _ in 0..50 {
        if let Ok(response) = app.client.get(format!("http://127.0.0.1:{port}/metrics")).send().await {
            assert_eq!(response.status().as_u16(), 200);
            text = response.text().await.unwrap();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(text.contains("dossier_verify_jobs{status=\"enqueued\"}"), "{text}");
    // The main port still wants the admin token.
    assert_eq!(app.client.get(app.url("/metrics")).send().await.unwrap().status().as_u16(), 401);
}

#[tokio::test]
async fn progress_is_written_to_the_job_while_it_runs() {
    let app = spawn_app_with(AppOptions { workers: 0, ..Default::default() }).await;
    let id = app.upload_ok(SHENYANG, "p.zip", dossier_zip("progress")).await;
    let job = app.store().claim("w", std::time::Duration::from_secs(30), 3).await.unwrap().unwrap();
    let progress = dossier_verify::extract::Progress { stage: "extract", pages_done: 3, pages_total: 12 };
    assert!(app.store().heartbeat(&job.job_id, "w", std::time::Duration::from_secs(30), Some(&progress), 2).await.unwrap());
    let (_, view) = app.get_json(SHENYANG, &format!("/api/v1/dossiers/{id}")).await;
    assert_eq!(view["status"], "processing");
    assert_eq!(view["progress"], serde_json::json!({"stage": "extract", "pages_done": 3, "pages_total": 12}));
    assert!(!app.store().heartbeat(&job.job_id, "someone-else", std::time::Duration::from_secs(30), None, 0).await.unwrap());
}

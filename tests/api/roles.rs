//! Who may do what (`docs/spec/service.md`): tokens, roles, cities, masking.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn every_api_route_but_healthz_and_openapi_needs_a_token() {
    let app = spawn_app().await;
    for (method, path) in [
        ("GET", "/api/v1/dossiers"),
        ("POST", "/api/v1/dossiers"),
        ("GET", "/api/v1/dossiers/x"),
        ("GET", "/api/v1/dossiers/x/report"),
        ("GET", "/api/v1/dossiers/x/report.html"),
        ("POST", "/api/v1/dossiers/x/recheck"),
        ("POST", "/api/v1/batches"),
        ("GET", "/api/v1/batches/x"),
        ("GET", "/metrics"),
    ] {
        let request = app.client.request(method.parse().unwrap(), app.url(path));
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), 401, "{method} {path} without a token");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "unauthorized");
        let response = app.client.request(method.parse().unwrap(), app.url(path)).bearer_auth("wrong-token").send().await.unwrap();
        assert_eq!(response.status().as_u16(), 401, "{method} {path} with a wrong token");
    }
    assert_eq!(app.client.get(app.url("/healthz")).send().await.unwrap().status().as_u16(), 200);
    assert_eq!(app.client.get(app.url("/api/openapi.json")).send().await.unwrap().status().as_u16(), 200);
}

#[tokio::test]
async fn a_bureau_sees_only_its_own_city_and_another_citys_id_is_404() {
    let app = spawn_app().await;
    let shenyang = app.upload_ok(SHENYANG, "s.zip", dossier_zip("own-s")).await;
    let dalian = app.upload_ok(DALIAN, "d.zip", dossier_zip("own-d")).await;
    app.wait_done(ADMIN, &shenyang).await;
    app.wait_done(ADMIN, &dalian).await;
    for path in ["", "/report", "/report.html"] {
        let (status, body) = app.get_json(SHENYANG, &format!("/api/v1/dossiers/{dalian}{path}")).await;
        assert_eq!(status, 404, "another city's dossier{path} must look absent");
        if path != "/report.html" {
            assert_eq!(body["code"], "not_found");
        }
        let (status, _) = app.get_json(SHENYANG, &format!("/api/v1/dossiers/{shenyang}{path}")).await;
        assert_eq!(status, 200, "own dossier{path}");
    }
    let (_, list) = app.get_json(SHENYANG, "/api/v1/dossiers").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], shenyang.as_str());
    let (_, list) = app.get_json(SHENYANG, &format!("/api/v1/dossiers?city={}", percent_encode("大连市"))).await;
    assert_eq!(list["total"], 0, "asking for another city gives nothing");
    // The same bytes as another city's dossier do not reveal it.
    let response = app.upload(SHENYANG, "copy.zip", dossier_zip("own-d")).await;
    assert_eq!(response.status().as_u16(), 409);
}

#[tokio::test]
async fn reviewer_reads_all_and_rechecks_but_cannot_upload() {
    let app = spawn_app().await;
    let id = app.upload_ok(DALIAN, "d.zip", dossier_zip("reviewer")).await;
    app.wait_done(REVIEWER, &id).await;
    let (status, _) = app.get_json(REVIEWER, &format!("/api/v1/dossiers/{id}/report")).await;
    assert_eq!(status, 200);
    let response = app.upload(REVIEWER, "x.zip", dossier_zip("reviewer-upload")).await;
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(response.json::<serde_json::Value>().await.unwrap()["code"], "forbidden");
    let (status, _) = app.post_json(REVIEWER, &format!("/api/v1/dossiers/{id}/recheck"), &json!({})).await;
    assert_eq!(status, 202);
    let (status, _) = app.get_json(REVIEWER, "/metrics").await;
    assert_eq!(status, 403, "metrics are for admins");
}

#[tokio::test]
async fn a_bureau_may_not_recheck_batch_or_read_metrics() {
    let app = spawn_app().await;
    let id = app.upload_ok(SHENYANG, "s.zip", dossier_zip("bureau-limits")).await;
    let (status, _) = app.post_json(SHENYANG, &format!("/api/v1/dossiers/{id}/recheck"), &json!({})).await;
    assert_eq!(status, 403);
    let (status, _) = app.post_json(SHENYANG, "/api/v1/batches", &json!({"dossiers": [id]})).await;
    assert_eq!(status, 403);
    let (status, _) = app.get_json(SHENYANG, "/api/v1/batches/anything").await;
    assert_eq!(status, 403);
    let (status, _) = app.get_json(SHENYANG, "/metrics").await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn bureau_views_mask_id_and_phone_numbers_reviewers_see_them() {
    let app = spawn_app().await;
    // The file name is in the report: it carries the identifiers here.
    let name = "沈阳市-210102199001011234-13912345678.zip";
    let id = app.upload_ok(SHENYANG, name, dossier_zip("mask")).await;
    app.wait_done(ADMIN, &id).await;
    let (_, bureau) = app.get_json(SHENYANG, &format!("/api/v1/dossiers/{id}/report")).await;
    let shown = bureau["dossier"]["filename"].as_str().unwrap();
    assert_eq!(shown, "沈阳市-210102********1234-139****5678.zip");
    let html = app.get(SHENYANG, &format!("/api/v1/dossiers/{id}/report.html")).await.text().await.unwrap();
    assert!(!html.contains("210102199001011234") && !html.contains("13912345678"));
    let (_, reviewer) = app.get_json(REVIEWER, &format!("/api/v1/dossiers/{id}/report")).await;
    assert_eq!(reviewer["dossier"]["filename"], name);
    let html = app.get(ADMIN, &format!("/api/v1/dossiers/{id}/report.html")).await.text().await.unwrap();
    assert!(html.contains("210102199001011234"));
}

#[tokio::test]
async fn the_admin_token_from_the_environment_uploads_and_reads_metrics() {
    let app = spawn_app().await;
    let id = app.upload_ok(ADMIN, "a.zip", dossier_zip("admin")).await;
    app.wait_done(ADMIN, &id).await;
    let response = app.get(ADMIN, "/metrics").await;
    assert_eq!(response.status().as_u16(), 200);
}

//! Operations: `/healthz` (the store answers), `/metrics` (Prometheus text, admin token or
//! the separate metrics bind) and `/api/openapi.json` (the hand-written OpenAPI 3
//! document of the API; `tests/api` checks that it names every route).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::server::auth::{Caller, Role};
use crate::server::error::ApiError;
use crate::server::AppState;

/// `GET /healthz`: `200` when the store is reachable, `503` otherwise.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({"status": "ok", "store": state.store.backend()}))).into_response(),
        Err(error) => {
            tracing::error!(%error, "health check: store unreachable");
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "store_unavailable", "数据库不可用").into_response()
        }
    }
}

/// `GET /metrics` with an admin token.
pub async fn metrics(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    if caller.role != Role::Admin {
        return Err(ApiError::forbidden("查看运行指标"));
    }
    metrics_text(&state).await
}

/// `GET /metrics` on the metrics bind: no token (that port is the operators' network).
pub async fn metrics_open(State(state): State<AppState>) -> Result<Response, ApiError> {
    metrics_text(&state).await
}

/// Upper bounds of the duration histogram, in seconds: OCR'd dossiers take minutes.
const BUCKETS: &[f64] = &[1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0];

async fn metrics_text(state: &AppState) -> Result<Response, ApiError> {
    use std::fmt::Write;
    let stats = state.store.job_stats().await?;
    let mut out = String::new();
    let _ = writeln!(out, "# HELP dossier_verify_jobs Verification jobs by status (all processes sharing the store).");
    let _ = writeln!(out, "# TYPE dossier_verify_jobs gauge");
    for (status, n) in &stats.by_status {
        let _ = writeln!(out, "dossier_verify_jobs{{status=\"{}\"}} {n}", status.as_str());
    }
    let _ = writeln!(out, "# HELP dossier_verify_job_duration_seconds Time from claim to completion of finished jobs.");
    let _ = writeln!(out, "# TYPE dossier_verify_job_duration_seconds histogram");
    for bound in BUCKETS {
        let n = stats.durations.iter().filter(|d| **d <= *bound).count();
        let _ = writeln!(out, "dossier_verify_job_duration_seconds_bucket{{le=\"{bound}\"}} {n}");
    }
    let _ = writeln!(out, "dossier_verify_job_duration_seconds_bucket{{le=\"+Inf\"}} {}", stats.durations.len());
    let _ = writeln!(out, "dossier_verify_job_duration_seconds_sum {}", stats.durations.iter().sum::<f64>());
    let _ = writeln!(out, "dossier_verify_job_duration_seconds_count {}", stats.durations.len());
    let _ = writeln!(out, "# HELP dossier_verify_pages_ocr_total Pages read by OCR (cache misses).");
    let _ = writeln!(out, "# TYPE dossier_verify_pages_ocr_total counter");
    let _ = writeln!(out, "dossier_verify_pages_ocr_total {}", stats.pages_ocr);
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], out).into_response())
}

/// `GET /api/openapi.json`.
pub async fn openapi() -> Json<serde_json::Value> {
    Json(openapi_document())
}

/// The OpenAPI 3 document, written by hand from `docs/spec/service.md`.
pub fn openapi_document() -> serde_json::Value {
    use serde_json::json;
    let error = json!({"$ref": "#/components/responses/Error"});
    let id_param = json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]);
    json!({
        "openapi": "3.0.3",
        "info": {"title": "dossier-verify", "version": env!("CARGO_PKG_VERSION"),
                 "description": "核验辽宁省职业技能培训品牌申报材料（辽人社函〔2024〕5号）"},
        "security": [{"bearer": []}],
        "paths": {
            "/healthz": {"get": {"summary": "store reachable", "security": [],
                "responses": {"200": {"description": "ok"}, "503": error}}},
            "/metrics": {"get": {"summary": "Prometheus text (admin)",
                "responses": {"200": {"description": "metrics", "content": {"text/plain": {}}}, "401": error, "403": error}}},
            "/api/openapi.json": {"get": {"summary": "this document", "security": [], "responses": {"200": {"description": "OpenAPI 3"}}}},
            "/api/v1/dossiers": {
                "post": {"summary": "upload a dossier (bureau: own city; admin)",
                    "requestBody": {"required": true, "content": {
                        "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}, "required": ["file"]}},
                        "application/zip": {"schema": {"type": "string", "format": "binary"}}}},
                    "responses": {"202": {"description": "registered", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}}},
                                  "200": {"description": "the same bytes were already registered", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}}},
                                  "400": error, "401": error, "403": error, "413": error, "415": error}},
                "get": {"summary": "list dossiers (bureau: own city only)",
                    "parameters": [
                        {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["enqueued", "processing", "succeeded", "failed"]}},
                        {"name": "verdict", "in": "query", "schema": {"type": "string", "enum": ["pass", "needs_review", "reject"]}},
                        {"name": "city", "in": "query", "schema": {"type": "string"}},
                        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}],
                    "responses": {"200": {"description": "one page", "content": {"application/json": {"schema": {"type": "object", "properties": {
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Dossier"}}, "page": {"type": "integer"},
                        "per_page": {"type": "integer"}, "total": {"type": "integer"}}}}}}, "400": error, "401": error}}},
            "/api/v1/dossiers/{id}": {"get": {"summary": "status of a dossier", "parameters": id_param,
                "responses": {"200": {"description": "the dossier", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dossier"}}}}, "401": error, "404": error}}},
            "/api/v1/dossiers/{id}/report": {"get": {"summary": "the report (docs/spec/report.md)", "parameters": id_param,
                "responses": {"200": {"description": "report JSON, schema dossier-verify/report/v1"}, "401": error, "404": error, "409": error}}},
            "/api/v1/dossiers/{id}/report.html": {"get": {"summary": "the report page for people", "parameters": id_param,
                "responses": {"200": {"description": "HTML", "content": {"text/html": {}}}, "401": error, "404": error, "409": error}}},
            "/api/v1/dossiers/{id}/recheck": {"post": {"summary": "re-check with the current rules (reviewer, admin)", "parameters": id_param,
                "responses": {"202": {"description": "new job"}, "401": error, "403": error, "404": error}}},
            "/api/v1/batches": {"post": {"summary": "re-check many dossiers and compute cross-dossier findings (reviewer, admin)",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "dossiers": {"type": "array", "items": {"type": "string"}}, "city": {"type": "string"}}}}}},
                "responses": {"202": {"description": "batch id"}, "400": error, "401": error, "403": error, "404": error}}},
            "/api/v1/batches/{id}": {"get": {"summary": "batch status and cross-dossier findings", "parameters": id_param,
                "responses": {"200": {"description": "the batch"}, "401": error, "403": error, "404": error}}}
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": {"description": "an error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "schemas": {
                "Error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}},
                "Links": {"type": "object", "properties": {"self": {"type": "string"}, "report": {"type": "string"}, "report_html": {"type": "string"}}},
                "Accepted": {"type": "object", "required": ["id", "status", "links"], "properties": {
                    "id": {"type": "string"}, "status": {"type": "string"}, "links": {"$ref": "#/components/schemas/Links"}}},
                "Dossier": {"type": "object", "properties": {
                    "id": {"type": "string"}, "filename": {"type": "string"}, "sha256": {"type": "string"}, "city": {"type": "string", "nullable": true},
                    "status": {"type": "string", "enum": ["enqueued", "processing", "succeeded", "failed"]},
                    "progress": {"type": "object", "properties": {"stage": {"type": "string", "nullable": true}, "pages_done": {"type": "integer"}, "pages_total": {"type": "integer"}}},
                    "verdict": {"type": "string", "nullable": true, "enum": ["pass", "needs_review", "reject", null]},
                    "enqueued_at": {"type": "string", "format": "date-time"}, "started_at": {"type": "string", "format": "date-time", "nullable": true},
                    "finished_at": {"type": "string", "format": "date-time", "nullable": true}, "error": {"type": "string", "nullable": true},
                    "links": {"$ref": "#/components/schemas/Links"}}}
            }
        }
    })
}

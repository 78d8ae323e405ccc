//! The routes of `docs/spec/service.md`, one file per resource: [`dossiers`] (upload,
//! status, report, re-check), [`batches`], [`ops`] (health, metrics, the OpenAPI
//! document) and [`web`] (the server-rendered pages for people).

pub mod batches;
pub mod dossiers;
pub mod ops;
pub mod web;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;

use super::error::ApiError;
use super::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .route("/api/openapi.json", get(ops::openapi))
        // The upload streams its body to disk and counts bytes itself (413 at the limit):
        // axum's whole-body limit would otherwise cap multipart at 2 MB.
        .route("/api/v1/dossiers", get(dossiers::list).post(dossiers::upload).layer(DefaultBodyLimit::disable()))
        .route("/api/v1/dossiers/{id}", get(dossiers::show))
        .route("/api/v1/dossiers/{id}/report", get(dossiers::report))
        .route("/api/v1/dossiers/{id}/report.html", get(dossiers::report_html))
        .route("/api/v1/dossiers/{id}/recheck", post(dossiers::recheck))
        .route("/api/v1/batches", post(batches::create))
        .route("/api/v1/batches/{id}", get(batches::show))
        .route("/", get(web::index))
        .route("/login", get(web::login_page).post(web::login))
        .route("/logout", get(web::logout))
        .route("/dossiers/{id}", get(web::dossier_page))
        .fallback(not_found)
        .layer(CatchPanicLayer::custom(panic_response))
        // The span names the path only: a query may carry a sign-in token (`/login?token=`).
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<axum::body::Body>| {
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
        }))
        .with_state(state)
}

/// Only `/metrics`, for a separate bind that operators scrape without a token.
pub fn metrics_router(state: AppState) -> Router {
    Router::new().route("/metrics", get(ops::metrics_open)).with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "没有这个地址")
}

/// A panic in a handler becomes a plain 500: no backtrace, no panic text to the client.
fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "服务内部错误，请稍后重试").into_response()
}

//! `/api/v1/dossiers`: upload (streamed to disk while hashed, then registered with a job),
//! list, status, report (JSON and HTML) and re-check. Handlers stay thin: they store,
//! register and read; the workers verify. The stored rows are turned into the API's own
//! views here ([`DossierView`]), so the table layout can change without breaking clients.

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use crate::server::auth::{Caller, Role};
use crate::server::error::ApiError;
use crate::domain::mask;
use crate::server::{rfc3339, AppState};
use crate::store::{DossierFilter, DossierRow, JobStatus, NewDossier, Registered};

#[derive(Debug, Serialize)]
pub struct Links {
    #[serde(rename = "self")]
    pub self_: String,
    pub report: String,
    pub report_html: String,
}

impl Links {
    pub fn of(id: &str) -> Links {
        Links {
            self_: format!("/api/v1/dossiers/{id}"),
            report: format!("/api/v1/dossiers/{id}/report"),
            report_html: format!("/api/v1/dossiers/{id}/report.html"),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Accepted {
    pub id: String,
    pub status: &'static str,
    pub links: Links,
}

#[derive(Debug, Serialize)]
pub struct ProgressView {
    pub stage: Option<String>,
    pub pages_done: i64,
    pub pages_total: i64,
}

/// A dossier as the API shows it.
#[derive(Debug, Serialize)]
pub struct DossierView {
    pub id: String,
    pub filename: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub city: Option<String>,
    pub status: &'static str,
    pub progress: ProgressView,
    pub verdict: Option<String>,
    pub enqueued_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub error: Option<String>,
    pub links: Links,
}

impl From<&DossierRow> for DossierView {
    fn from(row: &DossierRow) -> DossierView {
        DossierView {
            id: row.id.clone(),
            filename: row.filename.clone(),
            sha256: row.sha256.clone(),
            size_bytes: row.size_bytes,
            city: row.city.clone(),
            status: row.job.status.as_str(),
            progress: ProgressView { stage: row.job.stage.clone(), pages_done: row.job.pages_done, pages_total: row.job.pages_total },
            verdict: row.verdict.clone(),
            enqueued_at: rfc3339(row.job.enqueued_ms),
            started_at: row.job.started_ms.map(rfc3339),
            finished_at: row.job.finished_ms.map(rfc3339),
            error: row.job.error.clone(),
            links: Links::of(&row.id),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ListView {
    pub items: Vec<DossierView>,
    pub page: u32,
    pub per_page: u32,
    pub total: i64,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub status: Option<String>,
    pub verdict: Option<String>,
    pub city: Option<String>,
    /// 1-based.
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

const ZIP_TYPES: &[&str] = &["application/zip", "application/x-zip-compressed", "application/octet-stream"];
/// Room for the multipart boundaries and part headers around the file itself.
const MULTIPART_SLACK: u64 = 64 * 1024;

/// `POST /api/v1/dossiers`: multipart field `file`, or a raw zip body.
pub async fn upload(State(state): State<AppState>, caller: Caller, request: Request) -> Result<Response, ApiError> {
    if !caller.may_upload() {
        return Err(ApiError::forbidden("上传材料"));
    }
    let limit = state.max_upload_bytes;
    let headers = request.headers().clone();
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let multipart = content_type.starts_with("multipart/form-data");
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    // Refuse before reading a byte when the client says how much it will send.
    if declared.is_some_and(|len| len > limit + if multipart { MULTIPART_SLACK } else { 0 }) {
        return Err(ApiError::too_large(limit));
    }
    let mut incoming = state.blobs.begin().await.map_err(ApiError::internal)?;
    let mut filename = None;
    if multipart {
        let mut form = Multipart::from_request(request, &state).await.map_err(|e| ApiError::bad_request(format!("multipart 请求无法解析：{e}")))?;
        let mut found = false;
        while let Some(mut field) = form.next_field().await.map_err(|e| ApiError::bad_request(format!("multipart 请求无法解析：{e}")))? {
            if field.name() != Some("file") {
                continue;
            }
            filename = field.file_name().map(str::to_string);
            while let Some(chunk) = field.chunk().await.map_err(|e| ApiError::bad_request(format!("上传中断：{e}")))? {
                if incoming.size() + chunk.len() as u64 > limit {
                    return Err(ApiError::too_large(limit));
                }
                incoming.write(&chunk).await.map_err(ApiError::internal)?;
            }
            found = true;
            break;
        }
        if !found {
            return Err(ApiError::bad_request("multipart 请求中缺少名为 file 的文件字段"));
        }
    } else if ZIP_TYPES.iter().any(|t| content_type.starts_with(t)) {
        filename = raw_filename(&headers);
        let mut body = request.into_body().into_data_stream();
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| ApiError::bad_request(format!("上传中断：{e}")))?;
            if incoming.size() + chunk.len() as u64 > limit {
                return Err(ApiError::too_large(limit));
            }
            incoming.write(&chunk).await.map_err(ApiError::internal)?;
        }
    } else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "请以 multipart/form-data（字段 file）或 Content-Type: application/zip 上传压缩包",
        ));
    }
    if incoming.size() == 0 {
        return Err(ApiError::bad_request("上传的文件为空"));
    }
    let stored = incoming.finish(&state.blobs).await.map_err(ApiError::internal)?;
    let new = NewDossier {
        filename: filename.filter(|f| !f.trim().is_empty()).unwrap_or_else(|| format!("{}.zip", &stored.sha256[..12])),
        sha256: stored.sha256.clone(),
        size_bytes: stored.size as i64,
        city: if caller.role == Role::Bureau { caller.city.clone() } else { None },
        uploaded_by: caller.name.clone(),
        received_at: crate::server::china_now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
    };
    match state.store.register(&new).await {
        Ok(Registered::New(row)) => {
            state.wake.notify_waiters();
            tracing::info!(dossier = %row.id, sha256 = %row.sha256, bytes = row.size_bytes, by = %caller.name, "dossier registered");
            Ok(accepted(StatusCode::ACCEPTED, &row))
        }
        Ok(Registered::Existing(row)) if caller.can_see(row.city.as_deref()) => Ok(accepted(StatusCode::OK, &row)),
        Ok(Registered::Existing(_)) => Err(ApiError::new(StatusCode::CONFLICT, "duplicate", "相同内容的材料已由其他单位提交")),
        Err(error) => {
            // Registration failed: the stored file belongs to nobody, unless a concurrent
            // upload of the same bytes registered it meanwhile.
            if stored.created && matches!(state.store.dossier_by_sha(&stored.sha256).await, Ok(None)) {
                let _ = state.blobs.remove(&stored.sha256).await;
            }
            Err(ApiError::internal(error))
        }
    }
}

fn accepted(status: StatusCode, row: &DossierRow) -> Response {
    let body = Accepted { id: row.id.clone(), status: row.job.status.as_str(), links: Links::of(&row.id) };
    let mut response = (status, Json(body)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/dossiers/{}", row.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// The file name of a raw upload: `X-Filename` (percent-encoded UTF-8) or Content-Disposition.
fn raw_filename(headers: &HeaderMap) -> Option<String> {
    if let Some(name) = headers.get("x-filename").and_then(|v| v.to_str().ok()) {
        return Some(percent_decode(name));
    }
    let disposition = headers.get(header::CONTENT_DISPOSITION)?.to_str().ok()?;
    if let Some(rest) = disposition.split("filename*=UTF-8''").nth(1) {
        return Some(percent_decode(rest.split(';').next().unwrap_or(rest)));
    }
    let rest = disposition.split("filename=").nth(1)?;
    Some(rest.split(';').next().unwrap_or(rest).trim_matches('"').to_string())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `GET /api/v1/dossiers`.
pub async fn list(State(state): State<AppState>, caller: Caller, query: Result<Query<ListQuery>, QueryRejection>) -> Result<Json<ListView>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::bad_request(format!("查询参数有误：{e}")))?;
    if let Some(status) = &query.status {
        if !JobStatus::ALL.iter().any(|s| s.as_str() == status) {
            return Err(ApiError::bad_request("status 应为 enqueued、processing、succeeded 或 failed"));
        }
    }
    if let Some(verdict) = &query.verdict {
        if !matches!(verdict.as_str(), "pass" | "needs_review" | "reject") {
            return Err(ApiError::bad_request("verdict 应为 pass、needs_review 或 reject"));
        }
    }
    let page = query.page.unwrap_or(1).max(1);
    let per_page = query.per_page.unwrap_or(50).clamp(1, 200);
    let city = match caller.role {
        // A bureau sees its own city only, whatever it asks for.
        Role::Bureau => {
            if query.city.is_some() && query.city != caller.city {
                return Ok(Json(ListView { items: Vec::new(), page, per_page, total: 0 }));
            }
            caller.city.clone()
        }
        _ => query.city.clone(),
    };
    let filter = DossierFilter { city, verdict: query.verdict.clone(), status: query.status.clone(), page: page - 1, per_page };
    let (rows, total) = state.store.list(&filter).await?;
    Ok(Json(ListView { items: rows.iter().map(DossierView::from).collect(), page, per_page, total }))
}

/// The dossier if the caller may see it; another city's dossier is "not found".
pub async fn visible(state: &AppState, caller: &Caller, id: &str) -> Result<DossierRow, ApiError> {
    match state.store.dossier(id).await? {
        Some(row) if caller.can_see(row.city.as_deref()) => Ok(row),
        _ => Err(ApiError::not_found("材料")),
    }
}

/// `GET /api/v1/dossiers/{id}`.
pub async fn show(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<DossierView>, ApiError> {
    let row = visible(&state, &caller, &id).await?;
    Ok(Json(DossierView::from(&row)))
}

/// The stored report as JSON, masked for a bureau; `409` while the latest run is not done.
pub async fn report_value(state: &AppState, caller: &Caller, row: &DossierRow) -> Result<serde_json::Value, ApiError> {
    if row.job.status != JobStatus::Succeeded {
        let message = match row.job.status {
            JobStatus::Failed => format!("核验失败，没有报告：{}", row.job.error.as_deref().unwrap_or("原因不明")),
            _ => "核验尚未完成，请稍后再试".to_string(),
        };
        return Err(ApiError::new(StatusCode::CONFLICT, "report_not_ready", message));
    }
    let Some((report_json, _)) = state.store.report_of(&row.id).await? else {
        return Err(ApiError::new(StatusCode::CONFLICT, "report_not_ready", "核验尚未完成，请稍后再试"));
    };
    let mut value: serde_json::Value = serde_json::from_str(&report_json).map_err(ApiError::internal)?;
    if !caller.sees_full_identifiers() {
        mask::in_json(&mut value);
    }
    Ok(value)
}

/// `GET /api/v1/dossiers/{id}/report`.
pub async fn report(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<serde_json::Value>, ApiError> {
    let row = visible(&state, &caller, &id).await?;
    Ok(Json(report_value(&state, &caller, &row).await?))
}

/// `GET /api/v1/dossiers/{id}/report.html`.
pub async fn report_html(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response, ApiError> {
    let row = visible(&state, &caller, &id).await?;
    let value = report_value(&state, &caller, &row).await?;
    let report: crate::Report = serde_json::from_value(value).map_err(ApiError::internal)?;
    let extras = crate::report::html::Extras { seals: state.store.seal_images(&row.id).await?, nav_html: None };
    Ok(Html(crate::report::html::render(&report, &extras)).into_response())
}

#[derive(Debug, Serialize)]
pub struct RecheckAccepted {
    pub id: String,
    pub job: String,
    pub status: &'static str,
    pub links: Links,
}

/// `POST /api/v1/dossiers/{id}/recheck`: a new run with the rules the service runs now.
pub async fn recheck(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response, ApiError> {
    if !caller.may_recheck() {
        return Err(ApiError::forbidden("重新核验"));
    }
    let row = visible(&state, &caller, &id).await?;
    let job = state.store.enqueue(&row.id).await?;
    state.wake.notify_waiters();
    tracing::info!(dossier = %row.id, job = %job, by = %caller.name, "re-check enqueued");
    Ok((StatusCode::ACCEPTED, Json(RecheckAccepted { id: row.id.clone(), job, status: "enqueued", links: Links::of(&row.id) })).into_response())
}

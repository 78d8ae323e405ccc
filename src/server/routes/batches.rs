//! `/api/v1/batches`: re-check many dossiers (a list of ids, or every dossier of a city)
//! with the current rules, then compute the batch-only findings of `findings.md`
//! (`CITY_DUPLICATE_TYPE`, `CROSS_DOSSIER_PERSON`) over their digests once every run
//! has ended. The findings are computed on the first read after the last run ends and
//! kept with the batch.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::checks::cross_dossier::{self, DossierDigest};
use crate::server::auth::Caller;
use crate::server::error::ApiError;
use crate::server::{rfc3339, AppState};
use crate::store::{BatchItem, JobStatus};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    #[serde(default)]
    pub dossiers: Option<Vec<String>>,
    #[serde(default)]
    pub city: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct BatchAccepted {
    pub id: String,
    pub status: &'static str,
    pub dossiers: usize,
    pub links: BatchLinks,
}

#[derive(Debug, Serialize)]
pub struct BatchLinks {
    #[serde(rename = "self")]
    pub self_: String,
}

#[derive(Debug, Serialize)]
pub struct BatchDossierView {
    pub id: String,
    pub job: String,
    pub status: &'static str,
    pub verdict: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct BatchView {
    pub id: String,
    pub status: &'static str,
    pub created_at: String,
    pub finished_at: Option<String>,
    pub dossiers: Vec<BatchDossierView>,
    /// Present once every run has ended.
    pub findings: Option<Vec<BatchFinding>>,
}

/// A cross-dossier finding and the dossier it is reported on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchFinding {
    pub dossier: String,
    #[serde(flatten)]
    pub finding: crate::report::Finding,
}

fn may_batch(caller: &Caller) -> Result<(), ApiError> {
    if caller.may_recheck() {
        Ok(())
    } else {
        Err(ApiError::forbidden("批量核验"))
    }
}

/// `POST /api/v1/batches`.
pub async fn create(State(state): State<AppState>, caller: Caller, body: Bytes) -> Result<Response, ApiError> {
    may_batch(&caller)?;
    let request: BatchRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("请求体应为 {{\"dossiers\": [id…]}} 或 {{\"city\": \"…\"}}：{e}")))?;
    let ids = match (request.dossiers, request.city) {
        (Some(ids), None) => ids,
        (None, Some(city)) => state.store.dossier_ids_of_city(&city).await?,
        _ => return Err(ApiError::bad_request("请给出 dossiers（材料编号列表）或 city（城市）之一")),
    };
    if ids.is_empty() {
        return Err(ApiError::bad_request("批次中没有材料"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for id in &ids {
        if !seen.insert(id.as_str()) {
            continue;
        }
        if state.store.dossier(id).await?.is_none() {
            return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("材料 {id} 不存在")));
        }
    }
    let mut items = Vec::new();
    for id in seen {
        let job = state.store.enqueue(id).await?;
        items.push(BatchItem { dossier: id.to_string(), job });
    }
    let batch = state.store.create_batch(&caller.name, &items).await?;
    state.wake.notify_waiters();
    tracing::info!(batch = %batch, dossiers = items.len(), by = %caller.name, "batch enqueued");
    let body = BatchAccepted { id: batch.clone(), status: "enqueued", dossiers: items.len(), links: BatchLinks { self_: format!("/api/v1/batches/{batch}") } };
    Ok((StatusCode::ACCEPTED, Json(body)).into_response())
}

/// `GET /api/v1/batches/{id}`.
pub async fn show(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<BatchView>, ApiError> {
    may_batch(&caller)?;
    let Some(batch) = state.store.batch(&id).await? else { return Err(ApiError::not_found("批次")) };
    let mut dossiers = Vec::new();
    let mut statuses = Vec::new();
    for item in &batch.items {
        let job = state.store.job(&item.job).await?;
        let status = job.as_ref().map(|j| j.status).unwrap_or(JobStatus::Failed);
        let verdict = state.store.dossier(&item.dossier).await?.and_then(|d| d.verdict);
        statuses.push(status);
        dossiers.push(BatchDossierView { id: item.dossier.clone(), job: item.job.clone(), status: status.as_str(), verdict });
    }
    let done = statuses.iter().all(|s| matches!(s, JobStatus::Succeeded | JobStatus::Failed));
    let status = if done {
        "succeeded"
    } else if statuses.iter().all(|s| *s == JobStatus::Enqueued) {
        "enqueued"
    } else {
        "processing"
    };
    let mut findings_json = batch.findings_json.clone();
    if done && findings_json.is_none() {
        let mut digests: Vec<DossierDigest> = Vec::new();
        // Digests name dossiers by sha256; the API names them by id.
        let mut ids_by_sha = std::collections::BTreeMap::new();
        for item in &batch.items {
            if let Some((_, Some(digest))) = state.store.report_of(&item.dossier).await? {
                let digest: DossierDigest = serde_json::from_str(&digest).map_err(ApiError::internal)?;
                ids_by_sha.insert(digest.dossier.clone(), item.dossier.clone());
                digests.push(digest);
            }
        }
        let mut findings: Vec<BatchFinding> = cross_dossier::check_batch(&digests, &state.config)
            .into_iter()
            .map(|(sha, finding)| BatchFinding { dossier: ids_by_sha.get(&sha).cloned().unwrap_or(sha), finding })
            .collect();
        findings.sort_by(|a, b| (a.finding.severity, a.finding.code, &a.dossier, &a.finding.message).cmp(&(b.finding.severity, b.finding.code, &b.dossier, &b.finding.message)));
        let json = serde_json::to_string(&findings).map_err(ApiError::internal)?;
        state.store.finish_batch(&batch.id, &json).await?;
        findings_json = Some(json);
    }
    let findings = match findings_json {
        Some(json) => Some(serde_json::from_str(&json).map_err(ApiError::internal)?),
        None => None,
    };
    let finished_at = batch.finished_ms.map(rfc3339).or_else(|| done.then(|| rfc3339(crate::store::now_ms())));
    Ok(Json(BatchView { id: batch.id, status, created_at: rfc3339(batch.created_ms), finished_at, dossiers, findings }))
}

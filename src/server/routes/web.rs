//! The web pages for people (server-rendered Chinese HTML): a login form that keeps the
//! token in an HttpOnly cookie, the list of dossiers with status and verdict plus an
//! upload form with a progress bar, and each dossier's page (its status while it runs,
//! then the report of [`crate::report::html`]). The pages call the same JSON API.

use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::report::html::{escape, Extras, STYLE};
use crate::server::auth::{token_of, Caller, Role, COOKIE};
use crate::server::routes::dossiers::{report_value, visible};
use crate::server::{rfc3339, AppState};
use crate::store::{DossierFilter, JobStatus};

fn caller(state: &AppState, headers: &HeaderMap) -> Option<Caller> {
    token_of(headers).and_then(|t| state.tokens.lookup(&t))
}

fn page(title: &str, nav: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>{nav}<main>{body}</main></body></html>",
        escape(title)
    )
}

fn nav(caller: &Caller) -> String {
    format!(
        "<nav><a href=\"/\">材料列表</a><span>{} · {}{}</span> <a href=\"/logout\" style=\"float:right\">退出</a></nav>",
        escape(&caller.name),
        caller.role.label_zh(),
        caller.city.as_deref().map(|c| format!(" · {}", escape(c))).unwrap_or_default()
    )
}

fn verdict_zh(verdict: Option<&str>) -> &'static str {
    match verdict {
        Some("pass") => "通过",
        Some("needs_review") => "需人工复核",
        Some("reject") => "不予受理",
        _ => "—",
    }
}

fn status_zh(status: JobStatus) -> &'static str {
    match status {
        JobStatus::Enqueued => "排队中",
        JobStatus::Processing => "核验中",
        JobStatus::Succeeded => "已完成",
        JobStatus::Failed => "失败",
    }
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    pub token: Option<String>,
    pub next: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub token: String,
    pub next: Option<String>,
}

/// Only a path of this site, never another origin.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

fn signed_in(token: &str, next: &str) -> Response {
    let cookie = format!("{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict", cookie_escape(token));
    ([(header::SET_COOKIE, cookie)], Redirect::to(next)).into_response()
}

/// Percent-encodes what a cookie value may not hold (auth.rs decodes it).
fn cookie_escape(token: &str) -> String {
    token
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// `GET /login`: the form; `?token=` signs in directly (a link an administrator hands out).
pub async fn login_page(State(state): State<AppState>, Query(query): Query<LoginQuery>) -> Response {
    let next = safe_next(query.next.as_deref());
    if let Some(token) = query.token.as_deref() {
        if state.tokens.lookup(token).is_some() {
            return signed_in(token, &next);
        }
        return Redirect::to("/login?error=1").into_response();
    }
    let error = if query.error.is_some() { "<p class=\"sev-error\">令牌无效，请重新输入。</p>" } else { "" };
    let body = format!(
        "<h1>辽宁省职业技能培训品牌申报材料核验</h1>{error}<form method=\"post\" action=\"/login\"><p>访问令牌：<input type=\"password\" name=\"token\" size=\"48\" autofocus></p>\
         <input type=\"hidden\" name=\"next\" value=\"{}\"><button type=\"submit\">登录</button></form>",
        escape(&next)
    );
    Html(page("登录", "", &body)).into_response()
}

/// `POST /login`.
pub async fn login(State(state): State<AppState>, Form(form): Form<LoginForm>) -> Response {
    if state.tokens.lookup(&form.token).is_some() {
        signed_in(form.token.trim(), &safe_next(form.next.as_deref()))
    } else {
        Redirect::to("/login?error=1").into_response()
    }
}

pub async fn logout() -> Response {
    ([(header::SET_COOKIE, format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"))], Redirect::to("/login")).into_response()
}

#[derive(Debug, Deserialize)]
pub struct IndexQuery {
    pub status: Option<String>,
    pub verdict: Option<String>,
    pub page: Option<u32>,
}

/// `GET /`: upload form (bureau, admin) and the list of dossiers the caller may see.
pub async fn index(State(state): State<AppState>, headers: HeaderMap, Query(query): Query<IndexQuery>) -> Response {
    let Some(caller) = caller(&state, &headers) else { return Redirect::to("/login").into_response() };
    let page_no = query.page.unwrap_or(1).max(1);
    let filter = DossierFilter {
        city: if caller.role == Role::Bureau { caller.city.clone() } else { None },
        verdict: query.verdict.clone().filter(|v| matches!(v.as_str(), "pass" | "needs_review" | "reject")),
        status: query.status.clone().filter(|s| JobStatus::ALL.iter().any(|x| x.as_str() == s)),
        page: page_no - 1,
        per_page: 50,
    };
    let (rows, total) = match state.store.list(&filter).await {
        Ok(found) => found,
        Err(error) => {
            tracing::error!(%error, "list for the web page");
            return (StatusCode::INTERNAL_SERVER_ERROR, Html(page("错误", &nav(&caller), "<p>服务内部错误，请稍后重试。</p>"))).into_response();
        }
    };
    let mut body = String::from("<h1>申报材料</h1>");
    if caller.may_upload() {
        body.push_str(UPLOAD_FORM);
    }
    body.push_str(&format!("<p>共 {total} 份</p><table id=\"dossiers\"><tr><th>文件</th><th>所属市</th><th>状态</th><th>结论</th><th>接收时间</th></tr>"));
    for row in &rows {
        body.push_str(&format!(
            "<tr><td><a href=\"/dossiers/{id}\">{}</a></td><td>{}</td><td class=\"status\">{}</td><td class=\"verdict-cell\">{}</td><td>{}</td></tr>",
            escape(&row.filename),
            escape(row.city.as_deref().unwrap_or("—")),
            status_zh(row.job.status),
            verdict_zh(row.verdict.as_deref()),
            rfc3339(row.job.enqueued_ms),
            id = escape(&row.id),
        ));
    }
    body.push_str("</table>");
    if i64::from(page_no) * 50 < total {
        body.push_str(&format!("<p><a href=\"/?page={}\">下一页</a></p>", page_no + 1));
    }
    Html(page("申报材料", &nav(&caller), &body)).into_response()
}

/// The upload form; the script posts to the API and shows the bytes sent.
const UPLOAD_FORM: &str = r#"<form id="upload"><p>上传申报材料压缩包（.zip）：<input type="file" id="file" accept=".zip,application/zip">
<button type="submit">上传</button></p><progress id="progress" max="100" value="0" style="width:320px"></progress> <span id="upload-status"></span></form>
<script>
document.getElementById('upload').addEventListener('submit', function (e) {
  e.preventDefault();
  var f = document.getElementById('file').files[0];
  if (!f) { return; }
  var data = new FormData(); data.append('file', f);
  var xhr = new XMLHttpRequest();
  xhr.open('POST', '/api/v1/dossiers');
  xhr.upload.onprogress = function (ev) { if (ev.lengthComputable) { document.getElementById('progress').value = Math.round(100 * ev.loaded / ev.total); } };
  xhr.onload = function () {
    var status = document.getElementById('upload-status');
    try { var r = JSON.parse(xhr.responseText); } catch (err) { status.textContent = '上传失败'; return; }
    if (xhr.status === 202 || xhr.status === 200) { window.location = '/dossiers/' + r.id; } else { status.textContent = '上传失败：' + r.message; }
  };
  xhr.send(data);
});
</script>"#;

/// `GET /dossiers/{id}`: the status while it runs (refreshing itself), then the report.
pub async fn dossier_page(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let Some(caller) = caller(&state, &headers) else {
        return Redirect::to(&format!("/login?next=/dossiers/{}", id.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', ""))).into_response();
    };
    let nav = nav(&caller);
    let row = match visible(&state, &caller, &id).await {
        Ok(row) => row,
        Err(error) => return (error.status, Html(page("未找到", &nav, &format!("<p>{}</p>", escape(&error.message))))).into_response(),
    };
    if row.job.status == JobStatus::Succeeded {
        let report = match report_value(&state, &caller, &row).await.map(serde_json::from_value::<crate::Report>) {
            Ok(Ok(report)) => report,
            Ok(Err(error)) => return crate::server::error::ApiError::internal(error).into_response(),
            Err(error) => return error.into_response(),
        };
        let seals = match state.store.seal_images(&row.id).await {
            Ok(seals) => seals,
            Err(error) => return crate::server::error::ApiError::from(error).into_response(),
        };
        let extras = Extras { nav_html: Some(nav), seals };
        return Html(crate::report::html::render(&report, &extras)).into_response();
    }
    let progress = match (&row.job.stage, row.job.pages_total) {
        (Some(stage), total) if total > 0 => format!("{stage}：{}/{total}", row.job.pages_done),
        (Some(stage), _) => stage.clone(),
        (None, _) => "等待处理".into(),
    };
    let mut body = format!(
        "<h1>{}</h1><p id=\"status\">状态：{}</p><p>进度：{}</p>",
        escape(&row.filename),
        status_zh(row.job.status),
        escape(&progress)
    );
    if let Some(error) = &row.job.error {
        body.push_str(&format!("<p class=\"sev-error\">原因：{}</p>", escape(error)));
    }
    let refresh = if matches!(row.job.status, JobStatus::Enqueued | JobStatus::Processing) { "<meta http-equiv=\"refresh\" content=\"2\">" } else { "" };
    Html(page("核验进度", &nav, &format!("{refresh}{body}"))).into_response()
}

//! Who is calling: API tokens from the configuration (only their SHA-256 is stored),
//! plus `DOSSIER_VERIFY_ADMIN_TOKEN` when set. A request names its token in
//! `Authorization: Bearer …` or, for the web pages, in the `dv_token` cookie that the
//! login page sets. Roles: `bureau` (one city: uploads and reads that city's dossiers),
//! `reviewer` (reads all, re-checks, batches), `admin` (all, and metrics).

use std::collections::HashMap;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};

use super::error::ApiError;
use super::AppState;
use crate::config::AuthSettings;

pub const COOKIE: &str = "dv_token";
pub const ADMIN_TOKEN_ENV: &str = "DOSSIER_VERIFY_ADMIN_TOKEN";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Bureau,
    Reviewer,
    Admin,
}

impl Role {
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "bureau" => Some(Role::Bureau),
            "reviewer" => Some(Role::Reviewer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Bureau => "市局",
            Role::Reviewer => "审核员",
            Role::Admin => "管理员",
        }
    }
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub name: String,
    pub role: Role,
    /// The city a bureau token acts for.
    pub city: Option<String>,
}

impl Caller {
    /// Whether this caller may see a dossier owned by `city` (unknown owner: staff only).
    pub fn can_see(&self, city: Option<&str>) -> bool {
        match self.role {
            Role::Bureau => city.is_some() && city == self.city.as_deref(),
            Role::Reviewer | Role::Admin => true,
        }
    }

    /// Full ID and phone numbers are for reviewers and admins only.
    pub fn sees_full_identifiers(&self) -> bool {
        self.role != Role::Bureau
    }

    pub fn may_upload(&self) -> bool {
        matches!(self.role, Role::Bureau | Role::Admin)
    }

    pub fn may_recheck(&self) -> bool {
        matches!(self.role, Role::Reviewer | Role::Admin)
    }
}

/// The known tokens, by the hex SHA-256 of the token.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    by_hash: HashMap<String, Caller>,
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Tokens {
    pub fn from_settings(auth: &AuthSettings, admin_token: Option<&str>) -> Tokens {
        let mut by_hash = HashMap::new();
        for entry in &auth.tokens {
            // Roles were validated when the configuration loaded; an unknown one is skipped.
            let Some(role) = Role::parse(&entry.role) else { continue };
            by_hash.insert(entry.sha256.to_ascii_lowercase(), Caller { name: entry.name.clone(), role, city: entry.city.clone() });
        }
        if let Some(token) = admin_token.filter(|t| !t.is_empty()) {
            by_hash.insert(token_hash(token), Caller { name: "admin (env)".into(), role: Role::Admin, city: None });
        }
        Tokens { by_hash }
    }

    pub fn lookup(&self, token: &str) -> Option<Caller> {
        self.by_hash.get(&token_hash(token.trim())).cloned()
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }
}

/// The token a request carries: the bearer header first, then the web pages' cookie.
pub fn token_of(headers: &axum::http::HeaderMap) -> Option<String> {
    if let Some(value) = headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        if let Some(token) = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")) {
            return Some(token.trim().to_string());
        }
    }
    for cookies in headers.get_all(axum::http::header::COOKIE) {
        let Ok(cookies) = cookies.to_str() else { continue };
        for pair in cookies.split(';') {
            if let Some((name, value)) = pair.trim().split_once('=') {
                if name == COOKIE {
                    return percent_decode(value);
                }
            }
        }
    }
    None
}

fn percent_decode(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        let token = token_of(&parts.headers).ok_or_else(ApiError::unauthorized)?;
        state.tokens.lookup(&token).ok_or_else(ApiError::unauthorized)
    }
}

//! `/api/v1/intel/sources`: the RSS and Atom feeds planbot polls for each
//! account, and how their last poll went.
//!
//! - `POST /api/v1/intel/sources` with `{"account": "Acme Corp", "url":
//!   "https://news.example.com/acme.rss"}` (or `"external_id"`) adds a feed
//!   (adding it again changes nothing) and answers 201 with the source.
//! - `GET /api/v1/intel/sources` lists every feed (`?account=Acme` for one
//!   account's), each with `last_polled_at`, `last_error`, `last_error_at`.
//! - `DELETE /api/v1/intel/sources/{id}` removes a feed (its items stay): 204.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{AccountSelector, ApiError, Authorized, JsonBody, parse_entry, resolve_accounts};
use crate::state::AppState;
use crate::store::intel::{self, IntelSource};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceIn {
    account: Option<String>,
    external_id: Option<String>,
    url: String,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    account: Option<String>,
}

fn describe(source: &IntelSource) -> Value {
    json!({
        "intel_source_id": source.intel_source_id,
        "account": source.account_name,
        "url": source.url,
        "last_polled_at": source.last_polled_at,
        "last_error": source.last_error,
        "last_error_at": source.last_error_at,
    })
}

pub async fn add(_: Authorized, State(state): State<AppState>, JsonBody(body): JsonBody) -> Result<(StatusCode, Json<Value>), ApiError> {
    let source: SourceIn = parse_entry("", body).map_err(|p| ApiError::invalid("invalid source", vec![p]))?;
    let url = source.url.trim();
    let valid = url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
    if !valid {
        return Err(ApiError::invalid("invalid source", vec![format!("url: `{url}` is not an http(s) feed URL")]));
    }
    let mut tx = state.pool.begin().await?;
    let selector = AccountSelector { name: source.account, external_id: source.external_id };
    let account = resolve_accounts(&mut tx, &[selector])
        .await?
        .remove(0)
        .map_err(|reason| ApiError::invalid("unknown account", vec![format!("account: {reason}")]))?;
    let added = intel::add_source(&mut tx, account.account_id, url).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(describe(&added))))
}

pub async fn list(
    _: Authorized,
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let mut conn = state.pool.acquire().await?;
    let account_id = match query.account {
        None => None,
        Some(name) => {
            let selector = AccountSelector { name: Some(name), external_id: None };
            let account = resolve_accounts(&mut conn, &[selector])
                .await?
                .remove(0)
                .map_err(ApiError::NotFound)?;
            Some(account.account_id)
        }
    };
    let sources = intel::sources(&mut conn, account_id).await?;
    Ok(Json(json!({"sources": sources.iter().map(describe).collect::<Vec<_>>()})))
}

pub async fn remove(_: Authorized, State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    let missing = || ApiError::NotFound(format!("there is no intel source with id {id}"));
    let id: i64 = id.parse().map_err(|_| missing())?;
    let mut conn = state.pool.acquire().await?;
    if intel::remove_source(&mut conn, id).await? { Ok(StatusCode::NO_CONTENT) } else { Err(missing()) }
}

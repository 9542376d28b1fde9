//! `POST /api/v1/intel`: company news for accounts.
//!
//! The body is one item, an array of items, or an object with `items` and
//! defaults for them:
//!
//! ```json
//! {
//!   "account": "Acme Corp",            // or "external_id": "0015000000XyZ"
//!   "source": "crm-newsbot",           // optional: who sends it (default "api")
//!   "items": [
//!     {
//!       "headline": "Acme raises $50M Series C",           // required
//!       "url": "https://news.example.com/acme-series-c",   // optional, http(s)
//!       "summary": "The round was led by ...",             // optional
//!       "category": "funding",             // optional: classified when absent
//!       "published_at": "2026-11-22T09:30:00Z",  // optional (RFC 3339 or a date); default now
//!       "account": "Globex"                // optional: overrides the default
//!     }
//!   ]
//! }
//! ```
//!
//! Categories: `funding`, `acquisition`, `leadership_change`, `layoffs`,
//! `earnings`, `product_launch`, `partnership`, `legal_regulatory`,
//! `security_incident`, `other`. Accounts are named by their name (any
//! case; "Acme" finds "Acme, Inc." when only one account folds to it) or
//! by `external_id`.
//!
//! The answer, 200, says what became of each item, in order:
//!
//! ```json
//! {"stored": 1, "duplicates": 1, "messages": 2, "items": [
//!   {"index": 0, "status": "stored", "intel_item_id": 812, "account": "Acme Corp", "category": "funding"},
//!   {"index": 1, "status": "duplicate", "duplicate_of": 640, "account": "Acme Corp"}
//! ]}
//! ```
//!
//! A duplicate is the same story already known for the account (same link
//! once tracking parameters are ignored, or a near-identical headline
//! published within a day); it is not stored or announced again. New items
//! published in the last three days are announced to the account's
//! followers and linked channel.
//!
//! This module owns the endpoint: reading the body and wording the answer.
//! It imports the category vocabulary from `crate::domain`, hands items to
//! `crate::intel::ingest` and finds accounts through `crate::store`.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{AccountSelector, ApiError, Authorized, JsonBody, at, entries, parse_entry, parse_time, resolve_accounts};
use crate::domain::enums::IntelCategory;
use crate::intel::ingest::{self, Incoming, Outcome};
use crate::state::AppState;
use crate::store::{self, Actor};

/// One item as sent.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemIn {
    account: Option<String>,
    external_id: Option<String>,
    source: Option<String>,
    headline: Option<String>,
    url: Option<String>,
    summary: Option<String>,
    category: Option<String>,
    published_at: Option<String>,
}

/// Longest `source` name accepted.
const MAX_SOURCE_CHARS: usize = 200;

pub async fn push(_: Authorized, State(state): State<AppState>, JsonBody(body): JsonBody) -> Result<Json<Value>, ApiError> {
    let now = Utc::now();
    let list = entries(body, "items", &[&["account", "external_id"], &["source"]])?;
    let mut problems = Vec::new();
    let mut parsed = Vec::with_capacity(list.len());
    for (path, entry) in list {
        match parse_entry::<ItemIn>(&path, entry) {
            Ok(item) => parsed.push((path, item)),
            Err(problem) => problems.push(problem),
        }
    }
    let mut tx = store::begin(&state.pool, Actor::source("api")).await?;
    let selectors: Vec<AccountSelector> = parsed
        .iter()
        .map(|(_, item)| AccountSelector { name: item.account.clone(), external_id: item.external_id.clone() })
        .collect();
    let accounts = resolve_accounts(&mut tx, &selectors).await?;

    let mut incoming = Vec::with_capacity(parsed.len());
    let mut names = Vec::with_capacity(parsed.len());
    let mut unknown_account = false;
    for ((path, item), account) in parsed.into_iter().zip(accounts) {
        unknown_account |= account.is_err();
        let account = account.map_err(|reason| format!("{}: {reason}", if path.is_empty() { "account" } else { &path }));
        match (account, validate(&path, item, now)) {
            (Ok(account), Ok(mut item)) => {
                item.account_id = account.account_id;
                names.push(account.name);
                incoming.push(item);
            }
            (account, item) => {
                problems.extend(account.err());
                problems.extend(item.err().into_iter().flatten());
            }
        }
    }
    if !problems.is_empty() {
        let error = if unknown_account { "unknown account; nothing was stored" } else { "invalid items; nothing was stored" };
        return Err(ApiError::invalid(error, problems));
    }

    let ingested = ingest::ingest(&mut tx, incoming, now).await?;
    tx.commit().await?;
    // What was enqueued goes out now, not at the worker's next poll.
    state.outbox_wake.notify_one();
    metrics::counter!("planbot_intel_items_stored_total", "via" => "api").increment(ingested.stored() as u64);
    let items: Vec<Value> = ingested
        .outcomes
        .iter()
        .zip(&names)
        .enumerate()
        .map(|(index, (outcome, account))| match outcome {
            Outcome::Stored { intel_item_id, category } => json!({
                "index": index, "status": "stored", "intel_item_id": intel_item_id,
                "account": account, "category": category.as_str(),
            }),
            Outcome::Duplicate { of } => json!({
                "index": index, "status": "duplicate", "duplicate_of": of, "account": account,
            }),
        })
        .collect();
    Ok(Json(json!({
        "stored": ingested.stored(),
        "duplicates": ingested.duplicates(),
        "messages": ingested.messages,
        "items": items,
    })))
}

/// An item checked field by field; every problem with it, by path.
fn validate(path: &str, item: ItemIn, now: DateTime<Utc>) -> Result<Incoming, Vec<String>> {
    let mut problems = Vec::new();
    let headline = item.headline.as_deref().map(str::trim).unwrap_or("");
    if headline.is_empty() {
        problems.push(format!("{}: a headline is required", at(path, "headline")));
    }
    let url = item.url.as_deref().map(str::trim).filter(|u| !u.is_empty());
    if let Some(url) = url {
        let ok = url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
        if !ok {
            problems.push(format!("{}: `{url}` is not an http(s) link", at(path, "url")));
        }
    }
    let category = match item.category.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(text) => match text.parse::<IntelCategory>() {
            Ok(category) => Some(category),
            Err(err) => {
                problems.push(format!("{}: {err}", at(path, "category")));
                None
            }
        },
    };
    let published_at = match item.published_at.as_deref().filter(|p| !p.trim().is_empty()) {
        None => now,
        Some(text) => match parse_time(text) {
            Ok(at) if at > now + Duration::days(1) => {
                problems.push(format!("{}: {text} is in the future", self::at(path, "published_at")));
                now
            }
            Ok(at) => at,
            Err(reason) => {
                problems.push(format!("{}: {reason}", self::at(path, "published_at")));
                now
            }
        },
    };
    let source = item.source.as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or("api");
    if source.chars().count() > MAX_SOURCE_CHARS {
        problems.push(format!("{}: at most {MAX_SOURCE_CHARS} characters", at(path, "source")));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Incoming {
        account_id: 0,
        intel_source_id: None,
        source: source.to_string(),
        headline: headline.to_string(),
        url: url.map(str::to_string),
        summary: item.summary.unwrap_or_default(),
        category,
        published_at,
        guid: None,
    })
}

//! `POST /api/v1/sponsors/observations`: what a profile-tracking service
//! currently sees of tracked contacts.
//!
//! The body is one observation, an array of them, or an object with
//! `observations` and a default `source`:
//!
//! ```json
//! {
//!   "source": "profile-sync",                 // optional (default "api")
//!   "observations": [
//!     {
//!       "contact_email": "jane.doe@acme.com", // or "email" (the contact's own field name),
//!                                             // or "contact_id": 42, or "profile_url" (the
//!                                             // tracked profile), or "account"/"external_id" + "name"
//!       "title": "Chief Technology Officer",  // each of title, company, location
//!       "company": "Initech",                 // is optional; at least one is needed
//!       "location": "Austin, TX",
//!       "observed_at": "2026-11-22T08:00:00Z" // optional (RFC 3339 or a date); default now
//!     }
//!   ]
//! }
//! ```
//!
//! The contact must be a tracked sponsor (an unknown or untracked contact
//! rejects the request with the reason, and nothing is written). Spelling
//! differences are not changes (see [`crate::sponsors`]). The answer, 200:
//!
//! ```json
//! {"observations": 1, "changes": 2, "results": [
//!   {"index": 0, "contact_id": 42, "contact": "Jane Doe", "account": "Acme Corp",
//!    "changes": [{"attribute": "title", "from": "VP Engineering", "to": "Chief Technology Officer"},
//!                {"attribute": "company", "from": "Acme Corp", "to": "Initech"}],
//!    "left_company": true, "returned": false, "stale": false, "action_item_id": 318}
//! ]}
//! ```
//!
//! `stale` marks an observation older than the contact's latest one: kept,
//! not compared. `action_item_id` is the "Re-establish an executive
//! sponsor" item created when a champion or economic buyer left.

use axum::Json;
use axum::extract::State;
use chrono::{Duration, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{AccountSelector, ApiError, Authorized, JsonBody, at, entries, parse_entry, parse_time, resolve_accounts};
use crate::sponsors::observe::{self, ContactRef, Observation, ObserveError};
use crate::state::AppState;
use crate::store::{self, Actor};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ObservationIn {
    contact_id: Option<i64>,
    contact_email: Option<String>,
    /// The contact's own field name for `contact_email`.
    email: Option<String>,
    profile_url: Option<String>,
    account: Option<String>,
    external_id: Option<String>,
    name: Option<String>,
    title: Option<String>,
    company: Option<String>,
    location: Option<String>,
    observed_at: Option<String>,
    source: Option<String>,
}

pub async fn observe(_: Authorized, State(state): State<AppState>, JsonBody(body): JsonBody) -> Result<Json<Value>, ApiError> {
    let now = Utc::now();
    let list = entries(body, "observations", &[&["source"]])?;
    let paths: Vec<String> = list.iter().map(|(path, _)| path.clone()).collect();
    let name = |index: usize| if paths[index].is_empty() { "observation".to_string() } else { paths[index].clone() };
    // (entry index, problem), so every problem is listed in the order of the entries.
    let mut problems: Vec<(usize, String)> = Vec::new();
    let mut parsed = Vec::with_capacity(list.len());
    for (index, (path, entry)) in list.into_iter().enumerate() {
        match parse_entry::<ObservationIn>(&path, entry) {
            Ok(observation) => parsed.push((index, observation)),
            Err(problem) => problems.push((index, problem)),
        }
    }
    let mut tx = store::begin(&state.pool, Actor::source("api")).await?;
    // Only observations naming a contact by account and name need an account.
    let selectors: Vec<AccountSelector> = parsed
        .iter()
        .map(|(_, o)| {
            if o.contact_id.is_none() && o.contact_email.is_none() && o.email.is_none() && o.profile_url.is_none() {
                AccountSelector { name: o.account.clone(), external_id: o.external_id.clone() }
            } else {
                AccountSelector::default()
            }
        })
        .collect();
    let accounts = resolve_accounts(&mut tx, &selectors).await?;
    let mut observations = Vec::with_capacity(parsed.len());
    let mut indices = Vec::with_capacity(parsed.len());
    for ((index, item), account) in parsed.into_iter().zip(accounts) {
        match validate(&paths[index], item, account, now) {
            Ok(observation) => {
                observations.push(observation);
                indices.push(index);
            }
            Err(found) => problems.extend(found.into_iter().map(|p| (index, p))),
        }
    }
    for problem in observe::problems(&mut tx, &observations).await? {
        problems.push((indices[problem.index], format!("{}: {}", name(indices[problem.index]), problem.message)));
    }
    if !problems.is_empty() {
        problems.sort_by_key(|(index, _)| *index);
        let details = problems.into_iter().map(|(_, p)| p).collect();
        return Err(ApiError::invalid("some observations cannot be applied; nothing was recorded", details));
    }

    let results = match observe::observe(&mut tx, &observations, now).await {
        Ok(results) => results,
        // Checked above; only a contact untracked in the meantime gets here.
        Err(ObserveError::Rejected(found)) => {
            let details = found.into_iter().map(|p| format!("{}: {}", name(indices[p.index]), p.message)).collect();
            return Err(ApiError::invalid("some observations cannot be applied; nothing was recorded", details));
        }
        Err(ObserveError::Database(err)) => return Err(err.into()),
    };
    tx.commit().await?;
    // What was enqueued goes out now, not at the worker's next poll.
    state.outbox_wake.notify_one();
    let changes: usize = results.iter().map(|r| r.changes.len()).sum();
    metrics::counter!("planbot_sponsor_changes_total").increment(changes as u64);
    Ok(Json(json!({
        "observations": results.len(),
        "changes": changes,
        "results": results.iter().enumerate().map(|(index, r)| json!({
            "index": index,
            "contact_id": r.contact_id,
            "contact": r.contact_name,
            "account": r.account_name,
            "changes": r.changes.iter().map(|c| json!({
                "attribute": c.attribute.as_str(), "from": c.old, "to": c.new,
            })).collect::<Vec<_>>(),
            "left_company": r.left_company,
            "returned": r.returned,
            "stale": r.stale,
            "action_item_id": r.followup_item_id,
        })).collect::<Vec<_>>(),
    })))
}

/// Longest title, company or location accepted.
const MAX_VALUE_CHARS: usize = 300;

fn validate(
    path: &str,
    item: ObservationIn,
    account: Result<crate::domain::account_index::AccountKey, String>,
    now: chrono::DateTime<Utc>,
) -> Result<Observation, Vec<String>> {
    let mut problems = Vec::new();
    let mut problems_early = Vec::new();
    if let (Some(a), Some(b)) = (item.contact_email.as_deref(), item.email.as_deref())
        && !a.trim().eq_ignore_ascii_case(b.trim())
    {
        problems_early.push(format!("{}: `contact_email` and `email` differ; send one", at(path, "email")));
    }
    let email = item.contact_email.as_deref().or(item.email.as_deref()).map(str::trim).filter(|e| !e.is_empty());
    let profile = item.profile_url.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let name = item.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    problems.extend(problems_early);
    let contact = match (item.contact_id, email, account) {
        (Some(id), _, _) => Some(ContactRef::Id(id)),
        (None, Some(email), _) => Some(ContactRef::Email(email.to_string())),
        (None, None, _) if profile.is_some() => match crate::domain::validate::web_link(profile.unwrap_or_default()) {
            Ok(url) => Some(ContactRef::ProfileUrl(url)),
            Err(reason) => {
                problems.push(format!("{}: {}", at(path, "profile_url"), reason.replace('`', "")));
                None
            }
        },
        (None, None, Ok(account)) => match name {
            Some(name) => Some(ContactRef::Named { account_id: account.account_id, name: name.to_string() }),
            None => {
                problems.push(format!("{}: the contact's name is needed with `account`", at(path, "name")));
                None
            }
        },
        (None, None, Err(reason)) if item.account.is_some() || item.external_id.is_some() => {
            problems.push(format!("{}: {reason}", at(path, "account")));
            None
        }
        (None, None, _) => {
            problems.push(format!(
                "{}: name the contact with `contact_id`, `email` (or `contact_email`), `profile_url`, or `account` and `name`",
                if path.is_empty() { "observation" } else { path }
            ));
            None
        }
    };
    for (field, value) in [("title", &item.title), ("company", &item.company), ("location", &item.location)] {
        if value.as_ref().is_some_and(|v| v.chars().count() > MAX_VALUE_CHARS) {
            problems.push(format!("{}: at most {MAX_VALUE_CHARS} characters", at(path, field)));
        }
    }
    let observed_at = match item.observed_at.as_deref().filter(|t| !t.trim().is_empty()) {
        None => now,
        Some(text) => match parse_time(text) {
            Ok(when) if when > now + Duration::days(1) => {
                problems.push(format!("{}: {text} is in the future", at(path, "observed_at")));
                now
            }
            Ok(when) => when,
            Err(reason) => {
                problems.push(format!("{}: {reason}", at(path, "observed_at")));
                now
            }
        },
    };
    match contact {
        Some(contact) if problems.is_empty() => Ok(Observation {
            contact,
            title: item.title,
            company: item.company,
            location: item.location,
            observed_at,
            source: item.source.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).unwrap_or_else(|| "api".into()),
        }),
        _ => Err(problems),
    }
}

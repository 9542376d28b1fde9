//! The ingest API under `/api/v1/`, for systems outside Slack: company
//! news (`POST /api/v1/intel`), the feeds planbot polls
//! (`/api/v1/intel/sources`) and sponsor observations
//! (`POST /api/v1/sponsors/observations`).
//!
//! Every request carries `Authorization: Bearer <PLANBOT_API_TOKEN>`; a
//! missing or wrong token, or no token configured at all, is answered 401
//! before the body is read. Bodies are JSON, at most [`MAX_BODY_BYTES`],
//! with at most [`MAX_ENTRIES`] items or observations. Every error is JSON:
//!
//! ```json
//! {"error": "what is wrong", "details": ["items[2].category: ...", "..."]}
//! ```
//!
//! A request is applied whole or not at all: one bad entry rejects it with
//! every entry's problem listed, and nothing is written.
//!
//! A transport, like `slack/`: it may import the application layer, the
//! features (`intel/`, `sponsors/`), the store and the app state.

mod error;
mod intel;
mod sources;
mod sponsors;

pub use error::ApiError;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::routing::{any, delete, post};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::state::AppState;
use crate::domain::account_index::{AccountIndex, AccountKey};
use crate::store::accounts;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Most entries (intel items, observations) in one request.
pub const MAX_ENTRIES: usize = 1000;

/// The API's routes; `startup::router` merges them.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/intel", post(intel::push).fallback(method_not_allowed))
        .route("/api/v1/intel/sources", post(sources::add).get(sources::list).fallback(method_not_allowed))
        .route("/api/v1/intel/sources/{id}", delete(sources::remove).fallback(method_not_allowed))
        .route("/api/v1/sponsors/observations", post(sponsors::observe).fallback(method_not_allowed))
        .route("/api/v1/{*rest}", any(not_found))
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

async fn not_found() -> ApiError {
    ApiError::NotFound("there is no such API endpoint; see the README for /api/v1".into())
}

/// Proof that the request carried the configured bearer token.
pub struct Authorized;

impl FromRequestParts<AppState> for Authorized {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(expected) = state.settings.api_token.as_ref() else { return Err(ApiError::Unauthorized) };
        let given = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim);
        match given {
            Some(token) if same_secret(token, expected.expose()) => Ok(Authorized),
            _ => Err(ApiError::Unauthorized),
        }
    }
}

/// Compares two secrets in time that depends on neither: both are hashed
/// to 32 bytes, and every byte of the digests is compared.
fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (Sha256::digest(given.as_bytes()), Sha256::digest(expected.as_bytes()));
    a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0 && !expected.is_empty()
}

/// A JSON request body, read up to [`MAX_BODY_BYTES`] and parsed, with a
/// JSON error for each way it can be wrong.
pub struct JsonBody(pub Value);

impl FromRequest<AppState> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request<Body>, _state: &AppState) -> Result<Self, Self::Rejection> {
        let headers = request.headers();
        if let Some(kind) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) {
            let essence = kind.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            if essence != "application/json" && !essence.ends_with("+json") {
                return Err(ApiError::UnsupportedMediaType(kind.to_string()));
            }
        }
        let declared = headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|len| len > MAX_BODY_BYTES) {
            return Err(ApiError::too_large());
        }
        let bytes = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES).await.map_err(|_| ApiError::too_large())?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::MalformedJson("the body is empty; send a JSON object".into()));
        }
        let body: Value =
            serde_json::from_slice(&bytes).map_err(|err| ApiError::MalformedJson(format!("the body is not valid JSON: {err}")))?;
        let unstorable = unstorable_paths(&body, "");
        if !unstorable.is_empty() {
            return Err(ApiError::invalid(
                "the body contains a character planbot can't store (NUL, \\u0000); remove it and send the request again",
                unstorable.into_iter().map(|path| format!("{path}: contains \\u0000")).collect(),
            ));
        }
        Ok(JsonBody(body))
    }
}

/// The paths of the strings (and keys) in `value` that PostgreSQL could not store.
fn unstorable_paths(value: &Value, path: &str) -> Vec<String> {
    use crate::domain::validate::storable;
    match value {
        Value::String(text) if !storable(text) => vec![if path.is_empty() { "(the body)".to_string() } else { path.to_string() }],
        Value::Array(items) => items.iter().enumerate().flat_map(|(i, item)| unstorable_paths(item, &format!("{path}[{i}]"))).collect(),
        Value::Object(map) => map
            .iter()
            .flat_map(|(key, item)| {
                let here = if path.is_empty() { key.replace('\0', "\\u0000") } else { format!("{path}.{}", key.replace('\0', "\\u0000")) };
                let mut found = if storable(key) { Vec::new() } else { vec![here.clone()] };
                found.extend(unstorable_paths(item, &here));
                found
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The entries of a body that is one entry, an array of entries, or an
/// object holding them under `list_key` with defaults beside them (an
/// `"account"` that every item shares, say).
///
/// Each entry comes with its path for error messages: `items[3]`, or an
/// empty path for a lone entry. A default applies to an entry that sets no field of
/// its group (`account` and `external_id` are one group: an entry naming
/// its own account by external id does not also get the default name).
pub fn entries(body: Value, list_key: &str, default_groups: &[&[&str]]) -> Result<Vec<(String, Value)>, ApiError> {
    let (list, defaults) = match body {
        Value::Array(list) => (list, Map::new()),
        Value::Object(mut object) => match object.remove(list_key) {
            Some(Value::Array(list)) => {
                let unknown: Vec<String> = object
                    .keys()
                    .filter(|k| !default_groups.iter().any(|g| g.contains(&k.as_str())))
                    .map(|k| format!("`{k}`"))
                    .collect();
                if !unknown.is_empty() {
                    return Err(ApiError::invalid(
                        "the request has fields planbot does not know",
                        vec![format!(
                            "unknown top-level fields {}; beside `{list_key}` only {} may be given",
                            unknown.join(", "),
                            default_groups.iter().flat_map(|g| g.iter()).map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                        )],
                    ));
                }
                (list, object)
            }
            Some(_) => {
                return Err(ApiError::invalid("the request is not shaped as expected", vec![format!("`{list_key}` must be an array")]));
            }
            None => return Ok(vec![(String::new(), Value::Object(object))]),
        },
        _ => {
            return Err(ApiError::invalid(
                "the request is not shaped as expected",
                vec![format!("send a JSON object, an array, or an object with `{list_key}`")],
            ));
        }
    };
    if list.is_empty() {
        return Err(ApiError::invalid("the request holds nothing", vec![format!("`{list_key}` is empty")]));
    }
    if list.len() > MAX_ENTRIES {
        return Err(ApiError::TooLarge(format!(
            "at most {MAX_ENTRIES} {list_key} per request; this one has {}. Split it into several requests.",
            list.len()
        )));
    }
    Ok(list
        .into_iter()
        .enumerate()
        .map(|(i, entry)| {
            let entry = match entry {
                Value::Object(mut fields) => {
                    for group in default_groups {
                        if group.iter().any(|k| fields.contains_key(*k)) {
                            continue;
                        }
                        for key in group.iter() {
                            if let Some(value) = defaults.get(*key) {
                                fields.insert(key.to_string(), value.clone());
                            }
                        }
                    }
                    Value::Object(fields)
                }
                other => other,
            };
            (format!("{list_key}[{i}]"), entry)
        })
        .collect())
}

/// `path.field` for error messages (`field` alone for a lone entry).
pub fn at(path: &str, field: &str) -> String {
    match (path.is_empty(), field.is_empty()) {
        (true, _) => field.to_string(),
        (false, true) => path.to_string(),
        (false, false) => format!("{path}.{field}"),
    }
}

/// A time as the API takes it: RFC 3339 (`2026-11-22T09:30:00Z`), or a
/// date (`2026-11-22`, midnight UTC).
pub fn parse_time(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    let text = text.trim();
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&chrono::Utc));
    }
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    Err(format!("`{text}` is not a time like 2026-11-22T09:30:00Z or a date like 2026-11-22"))
}

/// How an entry names its account: by name, by CRM id, or both (then
/// they must agree).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountSelector {
    pub name: Option<String>,
    pub external_id: Option<String>,
}

/// The account each selector names, or why it names none, with one query.
pub async fn resolve_accounts(
    conn: &mut sqlx::PgConnection,
    selectors: &[AccountSelector],
) -> sqlx::Result<Vec<Result<AccountKey, String>>> {
    let non_empty = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let names: Vec<String> = selectors.iter().filter_map(|s| non_empty(&s.name)).collect();
    let external_ids: Vec<String> = selectors.iter().filter_map(|s| non_empty(&s.external_id)).collect();
    let index = AccountIndex::new(accounts::keys_for(conn, &names, &external_ids).await?);
    Ok(selectors
        .iter()
        .map(|selector| {
            let by_name = non_empty(&selector.name).map(|n| index.by_name(&n).cloned().map_err(|e| e.to_string()));
            let by_external =
                non_empty(&selector.external_id).map(|x| index.by_external_id(&x).cloned().map_err(|e| e.to_string()));
            match (by_name, by_external) {
                (None, None) => Err("name the account with `account` (its name) or `external_id`".to_string()),
                (Some(found), None) | (None, Some(found)) => found,
                (Some(Ok(a)), Some(Ok(b))) if a.account_id != b.account_id => Err(format!(
                    "`account` names “{}” but `external_id` names “{}”",
                    a.name, b.name
                )),
                (Some(found), Some(other)) => found.and(other),
            }
        })
        .collect())
}

/// Deserialises one entry, naming the path in the error.
pub fn parse_entry<T: serde::de::DeserializeOwned>(path: &str, entry: Value) -> Result<T, String> {
    serde_json::from_value(entry).map_err(|err| {
        let what = if path.is_empty() { "the body".to_string() } else { path.to_string() };
        format!("{what}: {err}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_compare_equal_only_when_equal() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abd", "abc"));
        assert!(!same_secret("", ""));
        assert!(!same_secret("abc ", "abc"));
    }

    #[test]
    fn one_entry_many_entries_and_an_envelope_with_defaults_are_all_accepted() {
        let groups: &[&[&str]] = &[&["account", "external_id"], &["source"]];
        let one = entries(json!({"account": "Acme", "headline": "x"}), "items", groups).unwrap();
        assert_eq!(one, vec![(String::new(), json!({"account": "Acme", "headline": "x"}))]);

        let many = entries(json!([{"headline": "a"}, {"headline": "b"}]), "items", groups).unwrap();
        assert_eq!(many[1].0, "items[1]");

        let envelope = json!({"account": "Acme", "source": "bot", "items": [{"headline": "a"}, {"external_id": "X", "headline": "b"}]});
        let list = entries(envelope, "items", groups).unwrap();
        assert_eq!(list[0].1, json!({"account": "Acme", "source": "bot", "headline": "a"}));
        assert_eq!(list[1].1, json!({"external_id": "X", "source": "bot", "headline": "b"}));
    }

    #[test]
    fn an_envelope_with_unknown_fields_or_nothing_in_it_is_refused() {
        let groups: &[&[&str]] = &[&["account", "external_id"]];
        let err = entries(json!({"acount": "Acme", "items": [{}]}), "items", groups).unwrap_err();
        assert!(format!("{err:?}").contains("`acount`"), "{err:?}");
        assert!(entries(json!({"items": []}), "items", groups).is_err());
        assert!(entries(json!("hello"), "items", groups).is_err());
    }

    #[test]
    fn times_are_rfc_3339_or_dates() {
        assert_eq!(parse_time("2026-11-22T09:30:00+01:00").unwrap().to_rfc3339(), "2026-11-22T08:30:00+00:00");
        assert_eq!(parse_time("2026-11-22").unwrap().to_rfc3339(), "2026-11-22T00:00:00+00:00");
        assert!(parse_time("yesterday").unwrap_err().contains("`yesterday`"));
    }
}

//! What the intel, sponsor and exchange tests share: a local feed server
//! that serves the fixtures in `tests/fixtures/feeds` (with ETag and
//! Last-Modified, a malformed feed, a failing one and a slow one), and a
//! reader of the outbox rows a test expects.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;
use sqlx::PgPool;

/// The validators the feeds answer with.
pub const RSS_ETAG: &str = "\"acme-rss-v1\"";
pub const ATOM_LAST_MODIFIED: &str = "Sun, 22 Nov 2026 10:00:00 GMT";

/// One request the feed server saw.
#[derive(Debug, Clone)]
pub struct FeedRequest {
    pub path: String,
    pub if_none_match: Option<String>,
    pub if_modified_since: Option<String>,
    pub status: u16,
}

#[derive(Clone)]
pub struct FeedServer {
    pub url: String,
    requests: Arc<Mutex<Vec<FeedRequest>>>,
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/feeds/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

impl FeedServer {
    pub async fn start() -> FeedServer {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route("/acme.rss", get(rss))
            .route("/acme.atom", get(atom))
            .route("/malformed.xml", get(malformed))
            .route("/broken.rss", get(broken))
            .route("/slow.rss", get(slow))
            .with_state(requests.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FeedServer { url: format!("http://{address}"), requests }
    }

    pub fn requests(&self) -> Vec<FeedRequest> {
        self.requests.lock().unwrap().clone()
    }

    pub fn feed(&self, path: &str) -> String {
        format!("{}/{path}", self.url)
    }
}

type Seen = Arc<Mutex<Vec<FeedRequest>>>;

fn record(seen: &Seen, path: &str, headers: &HeaderMap, status: StatusCode) {
    let get = |name| headers.get(name).and_then(|v: &header::HeaderValue| v.to_str().ok()).map(str::to_string);
    seen.lock().unwrap().push(FeedRequest {
        path: path.into(),
        if_none_match: get(header::IF_NONE_MATCH),
        if_modified_since: get(header::IF_MODIFIED_SINCE),
        status: status.as_u16(),
    });
}

async fn rss(State(seen): State<Seen>, headers: HeaderMap) -> Response {
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(RSS_ETAG) {
        record(&seen, "/acme.rss", &headers, StatusCode::NOT_MODIFIED);
        return StatusCode::NOT_MODIFIED.into_response();
    }
    record(&seen, "/acme.rss", &headers, StatusCode::OK);
    ([(header::CONTENT_TYPE, "application/rss+xml"), (header::ETAG, RSS_ETAG)], fixture("acme.rss")).into_response()
}

async fn atom(State(seen): State<Seen>, headers: HeaderMap) -> Response {
    if headers.get(header::IF_MODIFIED_SINCE).and_then(|v| v.to_str().ok()) == Some(ATOM_LAST_MODIFIED) {
        record(&seen, "/acme.atom", &headers, StatusCode::NOT_MODIFIED);
        return StatusCode::NOT_MODIFIED.into_response();
    }
    record(&seen, "/acme.atom", &headers, StatusCode::OK);
    ([(header::CONTENT_TYPE, "application/atom+xml"), (header::LAST_MODIFIED, ATOM_LAST_MODIFIED)], fixture("acme.atom"))
        .into_response()
}

async fn malformed(State(seen): State<Seen>, headers: HeaderMap) -> Response {
    record(&seen, "/malformed.xml", &headers, StatusCode::OK);
    ([(header::CONTENT_TYPE, "application/rss+xml")], fixture("malformed.xml")).into_response()
}

async fn broken(State(seen): State<Seen>, headers: HeaderMap) -> Response {
    record(&seen, "/broken.rss", &headers, StatusCode::INTERNAL_SERVER_ERROR);
    (StatusCode::INTERNAL_SERVER_ERROR, "upstream exploded").into_response()
}

/// Answers after longer than the tests' client timeout.
async fn slow(State(seen): State<Seen>, headers: HeaderMap) -> Response {
    record(&seen, "/slow.rss", &headers, StatusCode::OK);
    tokio::time::sleep(Duration::from_secs(5)).await;
    ([(header::CONTENT_TYPE, "application/rss+xml")], fixture("acme.rss")).into_response()
}

/// A row of the outbox, as a test reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub kind: String,
    pub target_channel: Option<String>,
    pub target_user_id: Option<i64>,
    pub payload: Value,
    pub dedupe_key: String,
    pub run_at: chrono::DateTime<chrono::Utc>,
}

impl OutboxRow {
    pub fn text(&self) -> &str {
        self.payload["text"].as_str().unwrap_or("")
    }

    /// Every text in the message's blocks, joined.
    pub fn block_text(&self) -> String {
        let mut out = Vec::new();
        collect_text(&self.payload["blocks"], &mut out);
        out.join("\n")
    }

    /// What Slack would say about the message's blocks (nothing when they fit its limits).
    pub fn violations(&self) -> Vec<String> {
        crate::fake_slack::check_limits("chat.postMessage", &self.payload)
    }
}

fn collect_text(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(text)) = map.get("text") {
                out.push(text.clone());
            }
            for (key, child) in map {
                if key != "text" || !child.is_string() {
                    collect_text(child, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_text(i, out)),
        _ => {}
    }
}

/// The outbox rows of one kind, oldest first.
pub async fn outbox(pool: &PgPool, kind: &str) -> Vec<OutboxRow> {
    sqlx::query_as(
        "select kind, target_channel, target_user_id, payload, dedupe_key, run_at from outbox \
         where kind = $1 order by outbox_id",
    )
    .bind(kind)
    .fetch_all(pool)
    .await
    .unwrap()
}

pub async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("select count(*) from {table}")).fetch_one(pool).await.unwrap()
}

//! A fake Slack Web API in the test process: answers like Slack, records
//! every call, and checks every message and view against Block Kit's limits
//! (answering `invalid_blocks` and recording the violation, as Slack would
//! refuse it). Tests can make it rate-limit or fail a channel.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Value, json};

pub const BOT_TOKEN: &str = "xoxb-test-token";
pub const TEAM_ID: &str = "T0TEST";
/// The app-level token Socket Mode connects with.
pub const APP_TOKEN: &str = "xapp-test-token";

/// One recorded Web API call.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub body: Value,
    /// When the call arrived (the delivery benchmark measures channel pacing with it).
    #[allow(dead_code)]
    pub at: Instant,
}

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    users: HashMap<String, Value>,
    violations: Vec<String>,
    /// method → (how many more calls answer 429, Retry-After seconds)
    rate_limits: HashMap<String, (usize, u64)>,
    /// channel → error code every post to it gets
    failing_channels: HashMap<String, String>,
    /// method → how many more calls take effect but answer 500, as if the
    /// answer was lost on the way back
    lost_answers: HashMap<String, usize>,
    /// Slow answers, to test the 3-second ack.
    delay: Option<Duration>,
    /// Slow answers given after the call is recorded (and a message kept):
    /// a client that dies meanwhile has reached Slack without hearing back.
    answer_delay: Option<Duration>,
    /// Socket Mode envelopes waiting for a connected client.
    socket_queue: Vec<String>,
    next_ts: u64,
    /// Files by id: announced by `files.getUploadURLExternal`, their bytes
    /// once POSTed to the upload URL.
    files: HashMap<String, FakeFile>,
}

/// A file uploaded with the external upload.
#[derive(Debug, Clone, Default)]
pub struct FakeFile {
    pub filename: String,
    /// The length announced before the upload.
    pub length: usize,
    pub alt_txt: Option<String>,
    /// The bytes posted to the upload URL (`None` until then).
    pub bytes: Option<Vec<u8>>,
}

/// A file shared in a conversation by `files.completeUploadExternal`.
#[derive(Debug, Clone)]
pub struct Share {
    pub channel: String,
    pub file_id: String,
    pub title: Option<String>,
    pub comment: Option<String>,
    pub file: FakeFile,
}

#[derive(Clone)]
pub struct FakeSlack {
    /// Base URL of the Web API (what `SLACK_API_URL` is set to).
    pub api_url: String,
    /// Base URL for `response_url`s handed to planbot in payloads.
    pub base_url: String,
    inner: Arc<Mutex<Inner>>,
}

impl FakeSlack {
    pub async fn start() -> FakeSlack {
        let inner = Arc::new(Mutex::new(Inner { next_ts: 1_700_000_000, ..Inner::default() }));
        let app = Router::new()
            .route("/api/{method}", any(web_api))
            .route("/respond/{token}", any(respond))
            .route("/upload/{file_id}", axum::routing::post(upload))
            .route("/socket", axum::routing::get(socket))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        FakeSlack { api_url: format!("http://{address}/api"), base_url: format!("http://{address}"), inner }
    }

    /// Adds a workspace member `users.info` and `users.lookupByEmail` know.
    pub fn add_user(&self, id: &str, email: &str, name: &str, tz: &str) {
        let user = json!({
            "id": id, "team_id": TEAM_ID, "name": name.to_lowercase().replace(' ', "."),
            "real_name": name, "tz": tz, "is_bot": false, "deleted": false,
            "profile": {"email": email, "real_name": name, "display_name": name},
        });
        self.inner.lock().unwrap().users.insert(id.to_string(), user);
    }

    /// The next `times` calls of `method` answer 429 with `Retry-After: retry_after`.
    pub fn rate_limit(&self, method: &str, times: usize, retry_after: u64) {
        self.inner.lock().unwrap().rate_limits.insert(method.to_string(), (times, retry_after));
    }

    /// The next `times` calls of `method` take effect, but their answer is
    /// a 500: Slack did it and planbot never heard.
    pub fn lose_answers(&self, method: &str, times: usize) {
        self.inner.lock().unwrap().lost_answers.insert(method.to_string(), times);
    }

    /// Every post to `channel` fails with `code`.
    pub fn fail_channel(&self, channel: &str, code: &str) {
        self.inner.lock().unwrap().failing_channels.insert(channel.to_string(), code.to_string());
    }

    /// Sends a Socket Mode envelope to the connected client (once one connects).
    pub fn push_socket_envelope(&self, envelope: Value) {
        self.inner.lock().unwrap().socket_queue.push(envelope.to_string());
    }

    /// Every answer waits this long.
    /// Answers each call `delay` after taking it in: Slack has the message
    /// before its sender hears back.
    pub fn set_answer_delay(&self, delay: Duration) {
        self.inner.lock().unwrap().answer_delay = Some(delay);
    }

    pub fn set_delay(&self, delay: Duration) {
        self.inner.lock().unwrap().delay = Some(delay);
    }

    pub fn calls(&self) -> Vec<Call> {
        self.inner.lock().unwrap().calls.clone()
    }

    /// The calls of one method, oldest first.
    pub fn calls_of(&self, method: &str) -> Vec<Call> {
        self.calls().into_iter().filter(|c| c.method == method).collect()
    }

    /// The files shared so far, oldest first, with what was uploaded.
    pub fn shares(&self) -> Vec<Share> {
        let state = self.inner.lock().unwrap();
        state
            .calls
            .iter()
            .filter(|c| c.method == "files.completeUploadExternal" && c.body.get("shared").is_some())
            .flat_map(|c| {
                let channel = c.body["channel_id"].as_str().unwrap_or_default().to_string();
                let comment = c.body["initial_comment"].as_str().map(str::to_string);
                files_of(&c.body)
                    .into_iter()
                    .map(|(id, title)| Share {
                        channel: channel.clone(),
                        file: state.files.get(&id).cloned().unwrap_or_default(),
                        file_id: id,
                        title,
                        comment: comment.clone(),
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Block Kit limits broken by any call so far.
    pub fn violations(&self) -> Vec<String> {
        self.inner.lock().unwrap().violations.clone()
    }

    /// A `response_url` that records what is posted to it.
    pub fn response_url(&self, token: &str) -> String {
        format!("{}/respond/{token}", self.base_url)
    }

    /// Waits until `method` has been called at least `count` times (or 10 s pass).
    pub async fn wait_for(&self, method: &str, count: usize) -> Vec<Call> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let calls = self.calls_of(method);
            if calls.len() >= count || Instant::now() > deadline {
                return calls;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn parse_body(headers: &HeaderMap, query: &HashMap<String, String>, body: &Bytes) -> Value {
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type.starts_with("application/json") {
        return serde_json::from_slice(body).unwrap_or(Value::Null);
    }
    let mut map = serde_json::Map::new();
    for (k, v) in query {
        map.insert(k.clone(), Value::String(v.clone()));
    }
    for (k, v) in url::form_urlencoded::parse(body) {
        // form fields that carry JSON (blocks, view) are decoded
        let value = serde_json::from_str::<Value>(&v).ok().filter(|v| v.is_array() || v.is_object());
        map.insert(k.to_string(), value.unwrap_or(Value::String(v.to_string())));
    }
    Value::Object(map)
}

async fn web_api(
    State(inner): State<Arc<Mutex<Inner>>>,
    Path(method): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let delay = inner.lock().unwrap().delay;
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let mut response = take_call(&inner, &method, &query, &headers, &body);
    if let Some(times) = inner.lock().unwrap().lost_answers.get_mut(&method)
        && *times > 0
    {
        *times -= 1;
        response = (StatusCode::INTERNAL_SERVER_ERROR, "the answer was lost").into_response();
    }
    let answer_delay = inner.lock().unwrap().answer_delay;
    if let Some(delay) = answer_delay {
        tokio::time::sleep(delay).await;
    }
    response
}

/// Records a call and makes Slack's answer to it.
fn take_call(inner: &Arc<Mutex<Inner>>, method: &str, query: &HashMap<String, String>, headers: &HeaderMap, body: &Bytes) -> Response {
    let method = method.to_string();
    let token = if method == "apps.connections.open" { APP_TOKEN } else { BOT_TOKEN };
    let authorized = headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {token}"));
    let host = headers.get("host").and_then(|v| v.to_str().ok()).unwrap_or("127.0.0.1").to_string();
    let body = parse_body(headers, query, body);
    let mut state = inner.lock().unwrap();
    state.calls.push(Call { method: method.clone(), body: body.clone(), at: Instant::now() });
    if !authorized {
        return ok_false("not_authed");
    }
    if let Some((times, retry_after)) = state.rate_limits.get_mut(&method)
        && *times > 0 {
            *times -= 1;
            let retry_after = *retry_after;
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", retry_after.to_string()), ("content-type", "application/json".to_string())],
                json!({"ok": false, "error": "ratelimited"}).to_string(),
            )
                .into_response();
        }
    let problems = check_limits(&method, &body);
    if !problems.is_empty() {
        state.violations.extend(problems.iter().map(|p| format!("{method}: {p}")));
        return ok_false("invalid_blocks");
    }
    let channel = body.get("channel").and_then(Value::as_str).unwrap_or("").to_string();
    if let Some(code) = state.failing_channels.get(&channel) {
        return ok_false(&code.clone());
    }
    state.next_ts += 1;
    let ts = format!("{}.000100", state.next_ts);
    if method == "chat.postMessage"
        && let Some(call) = state.calls.last_mut()
    {
        call.body["recorded_ts"] = json!(ts);
    }
    let answer = match method.as_str() {
        "apps.connections.open" => json!({"ok": true, "url": format!("ws://{host}/socket")}),
        "auth.test" => json!({"ok": true, "team_id": TEAM_ID, "team": "Test", "user_id": "U0BOT", "user": "planbot",
                              "url": "https://test.slack.com/"}),
        "chat.postMessage" => json!({"ok": true, "channel": channel, "ts": ts,
                                     "message": {"ts": ts, "type": "message", "text": body.get("text")}}),
        "chat.update" => json!({"ok": true, "channel": channel, "ts": body.get("ts"),
                                "message": {"text": body.get("text")}}),
        "chat.postEphemeral" => json!({"ok": true, "message_ts": ts}),
        "views.open" | "views.publish" | "views.update" => {
            let mut view = body.get("view").cloned().unwrap_or(json!({}));
            view["id"] = json!("V0TEST");
            view["team_id"] = json!(TEAM_ID);
            view["hash"] = json!("hash");
            json!({"ok": true, "view": view})
        }
        "users.info" => {
            let id = body.get("user").and_then(Value::as_str).unwrap_or("");
            match state.users.get(id) {
                Some(user) => json!({"ok": true, "user": user}),
                None => return ok_false("user_not_found"),
            }
        }
        // planbot's DM with a user is `D` + their id; messages posted to the
        // user id are kept under it and read back under either.
        "conversations.open" => {
            let user = match body.get("users") {
                Some(Value::Array(users)) => users.first().and_then(Value::as_str).unwrap_or("").to_string(),
                Some(Value::String(users)) => users.split(',').next().unwrap_or("").to_string(),
                _ => String::new(),
            };
            json!({"ok": true, "channel": {"id": format!("D{user}")}})
        }
        "conversations.history" => {
            let with_metadata = body.get("include_all_metadata").and_then(Value::as_str) == Some("true");
            let here = |posted: Option<&str>| posted.is_some_and(|p| p == channel || format!("D{p}") == channel);
            let messages: Vec<Value> = state
                .calls
                .iter()
                .filter(|c| match c.method.as_str() {
                    "chat.postMessage" => here(c.body.get("channel").and_then(Value::as_str)),
                    "files.completeUploadExternal" => c.body.get("shared").is_some() && here(c.body.get("channel_id").and_then(Value::as_str)),
                    _ => false,
                })
                .rev()
                .take(200)
                .map(|c| {
                    let mut message = json!({"type": "message", "ts": c.body.get("recorded_ts").cloned().unwrap_or(json!("1.000000")),
                                             "text": c.body.get("text").or(c.body.get("initial_comment")), "bot_id": "B0BOT"});
                    if with_metadata && let Some(metadata) = c.body.get("metadata") {
                        message["metadata"] = metadata.clone();
                    }
                    if c.method == "files.completeUploadExternal" {
                        message["files"] = files_of(&c.body).iter().map(|(id, _)| json!({"id": id})).collect();
                    }
                    message
                })
                .collect();
            json!({"ok": true, "messages": messages, "has_more": false})
        }
        "files.getUploadURLExternal" => {
            let filename = body.get("filename").and_then(Value::as_str).unwrap_or("").to_string();
            let length = body.get("length").and_then(|l| l.as_str().and_then(|l| l.parse().ok()).or(l.as_u64().map(|l| l as usize)));
            let Some(length) = length.filter(|l| *l > 0 && !filename.is_empty()) else {
                return ok_false("invalid_arguments");
            };
            let id = format!("F{:08}", state.files.len() + 1);
            let alt_txt = body.get("alt_txt").and_then(Value::as_str).map(str::to_string);
            state.files.insert(id.clone(), FakeFile { filename, length, alt_txt, bytes: None });
            json!({"ok": true, "upload_url": format!("http://{host}/upload/{id}"), "file_id": id})
        }
        "files.completeUploadExternal" => {
            let channel_id = body.get("channel_id").and_then(Value::as_str).unwrap_or("").to_string();
            // Slack takes conversation ids only: a user id is refused.
            if !channel_id.is_empty() && !channel_id.starts_with(['C', 'G', 'D', 'Z']) {
                return ok_false("invalid_arguments");
            }
            let files = files_of(&body);
            if files.is_empty() {
                return ok_false("invalid_arguments");
            }
            for (id, _) in &files {
                match state.files.get(id) {
                    Some(file) if file.bytes.is_some() => {}
                    _ => return ok_false("file_not_found"),
                }
            }
            if let Some(call) = state.calls.last_mut() {
                call.body["shared"] = json!(true);
                call.body["recorded_ts"] = json!(ts);
            }
            json!({"ok": true, "files": files.iter().map(|(id, title)| json!({"id": id, "title": title})).collect::<Vec<_>>()})
        }
        "users.lookupByEmail" => {
            let email = body.get("email").and_then(Value::as_str).unwrap_or("");
            match state.users.values().find(|u| u["profile"]["email"] == email) {
                Some(user) => json!({"ok": true, "user": user}),
                None => return ok_false("users_not_found"),
            }
        }
        _ => json!({"ok": true}),
    };
    ([("content-type", "application/json")], answer.to_string()).into_response()
}

/// The (id, title) of the files a `files.completeUploadExternal` names
/// (`files` as JSON, or as a JSON string in a form).
fn files_of(body: &Value) -> Vec<(String, Option<String>)> {
    let files = match body.get("files") {
        Some(Value::String(text)) => serde_json::from_str(text).unwrap_or(Value::Null),
        Some(files) => files.clone(),
        None => Value::Null,
    };
    files
        .as_array()
        .map(|files| {
            files
                .iter()
                .filter_map(|f| Some((f.get("id")?.as_str()?.to_string(), f.get("title").and_then(Value::as_str).map(str::to_string))))
                .collect()
        })
        .unwrap_or_default()
}

/// The upload URL `files.getUploadURLExternal` hands out: takes the file's
/// bytes as the body, and answers as Slack does, in plain text.
async fn upload(State(inner): State<Arc<Mutex<Inner>>>, Path(file_id): Path<String>, body: Bytes) -> Response {
    let mut state = inner.lock().unwrap();
    state.calls.push(Call { method: "upload".into(), body: json!({"file_id": file_id, "length": body.len()}), at: Instant::now() });
    let Some(file) = state.files.get_mut(&file_id) else {
        return (StatusCode::NOT_FOUND, "no such upload").into_response();
    };
    if body.len() != file.length {
        return (StatusCode::BAD_REQUEST, format!("announced {} bytes, got {}", file.length, body.len())).into_response();
    }
    file.bytes = Some(body.to_vec());
    ([("content-type", "text/plain")], format!("OK - {}", body.len())).into_response()
}

fn ok_false(code: &str) -> Response {
    ([("content-type", "application/json")], json!({"ok": false, "error": code}).to_string()).into_response()
}

async fn respond(
    State(inner): State<Arc<Mutex<Inner>>>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = parse_body(&headers, &HashMap::new(), &body);
    let mut state = inner.lock().unwrap();
    let problems = check_limits("response_url", &body);
    state.violations.extend(problems.iter().map(|p| format!("response_url: {p}")));
    let mut recorded = body.clone();
    recorded["response_token"] = json!(token);
    state.calls.push(Call { method: "response_url".into(), body: recorded, at: Instant::now() });
    ([("content-type", "text/plain")], "ok").into_response()
}

/// Socket Mode: says hello, hands out queued envelopes, and records acks as
/// calls of `socket_ack`.
async fn socket(State(inner): State<Arc<Mutex<Inner>>>, upgrade: axum::extract::ws::WebSocketUpgrade) -> Response {
    use axum::extract::ws::Message;
    upgrade.on_upgrade(move |mut ws| async move {
        let hello = json!({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake-slack"},
                           "connection_info": {"app_id": "A0TEST"}});
        if ws.send(Message::Text(hello.to_string().into())).await.is_err() {
            return;
        }
        loop {
            let next = inner.lock().unwrap().socket_queue.pop();
            if let Some(envelope) = next
                && ws.send(Message::Text(envelope.into())).await.is_err() {
                    return;
                }
            match tokio::time::timeout(Duration::from_millis(50), ws.recv()).await {
                Ok(Some(Ok(Message::Text(text)))) => {
                    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    inner.lock().unwrap().calls.push(Call { method: "socket_ack".into(), body, at: Instant::now() });
                }
                Ok(Some(Ok(_))) | Err(_) => {}
                Ok(None) | Ok(Some(Err(_))) => return,
            }
        }
    })
}

/// Block Kit's limits, as Slack enforces them on messages and views.
pub fn check_limits(method: &str, body: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let (blocks, max_blocks) = match method {
        "views.open" | "views.publish" | "views.update" => {
            let view = body.get("view").cloned().unwrap_or(Value::Null);
            check_len(&mut problems, "view title", view.pointer("/title/text"), 24);
            check_len(&mut problems, "view submit", view.pointer("/submit/text"), 24);
            check_len(&mut problems, "view close", view.pointer("/close/text"), 24);
            check_len(&mut problems, "private_metadata", view.get("private_metadata"), 3000);
            (view.get("blocks").cloned().unwrap_or(json!([])), 100)
        }
        _ => {
            check_len(&mut problems, "message text", body.get("text"), 40_000);
            (body.get("blocks").cloned().unwrap_or(json!([])), 50)
        }
    };
    let blocks = blocks.as_array().cloned().unwrap_or_default();
    if blocks.len() > max_blocks {
        problems.push(format!("{} blocks (limit {max_blocks})", blocks.len()));
    }
    for (i, block) in blocks.iter().enumerate() {
        check_len(&mut problems, &format!("block {i} block_id"), block.get("block_id"), 255);
        match block.get("type").and_then(Value::as_str).unwrap_or("") {
            "section" => {
                check_len(&mut problems, &format!("block {i} section text"), block.pointer("/text/text"), 3000);
                let fields = block.get("fields").and_then(Value::as_array).cloned().unwrap_or_default();
                if fields.len() > 10 {
                    problems.push(format!("block {i} has {} fields (limit 10)", fields.len()));
                }
                for field in &fields {
                    check_len(&mut problems, &format!("block {i} field"), field.get("text"), 2000);
                }
                if block.get("text").is_none() && fields.is_empty() {
                    problems.push(format!("block {i} is a section with neither text nor fields"));
                }
                if let Some(accessory) = block.get("accessory") {
                    check_element(&mut problems, i, accessory);
                }
            }
            "header" => check_len(&mut problems, &format!("block {i} header"), block.pointer("/text/text"), 150),
            "context" => {
                let elements = block.get("elements").and_then(Value::as_array).cloned().unwrap_or_default();
                if elements.len() > 10 || elements.is_empty() {
                    problems.push(format!("block {i} context has {} elements (1 to 10)", elements.len()));
                }
            }
            "actions" => {
                let elements = block.get("elements").and_then(Value::as_array).cloned().unwrap_or_default();
                if elements.len() > 25 || elements.is_empty() {
                    problems.push(format!("block {i} actions has {} elements (1 to 25)", elements.len()));
                }
                for element in &elements {
                    check_element(&mut problems, i, element);
                }
            }
            "input" => {
                check_len(&mut problems, &format!("block {i} input label"), block.pointer("/label/text"), 2000);
                check_len(&mut problems, &format!("block {i} input hint"), block.pointer("/hint/text"), 2000);
                check_len(&mut problems, &format!("block {i} block_id"), block.get("block_id"), 255);
                let element = block.get("element").cloned().unwrap_or(Value::Null);
                check_len(&mut problems, &format!("block {i} action_id"), element.get("action_id"), 255);
                match element.get("type").and_then(Value::as_str).unwrap_or("") {
                    "plain_text_input" => {
                        let max = element.get("max_length").and_then(Value::as_u64).unwrap_or(3000);
                        if max > 3000 {
                            problems.push(format!("block {i} max_length {max} (limit 3000)"));
                        }
                        check_len(&mut problems, &format!("block {i} initial_value"), element.get("initial_value"), max.min(3000) as usize);
                    }
                    "static_select" | "checkboxes" | "radio_buttons" => {
                        let options = element.get("options").and_then(Value::as_array).cloned().unwrap_or_default();
                        if options.is_empty() || options.len() > 100 {
                            problems.push(format!("block {i} has {} options (1 to 100)", options.len()));
                        }
                        for option in &options {
                            check_len(&mut problems, &format!("block {i} option text"), option.pointer("/text/text"), 75);
                            check_len(&mut problems, &format!("block {i} option value"), option.get("value"), 150);
                        }
                    }
                    "datepicker" | "users_select" | "timepicker" => {}
                    other => problems.push(format!("block {i} input has an unexpected element `{other}`")),
                }
            }
            "divider" => {}
            other => problems.push(format!("block {i} has an unexpected type `{other}`")),
        }
    }
    problems
}

fn check_len(problems: &mut Vec<String>, what: &str, value: Option<&Value>, max: usize) {
    if let Some(text) = value.and_then(Value::as_str) {
        let len = text.chars().count();
        if len > max {
            problems.push(format!("{what} has {len} characters (limit {max})"));
        }
    }
}

fn check_element(problems: &mut Vec<String>, block: usize, element: &Value) {
    let len = |v: Option<&Value>| v.and_then(Value::as_str).map(|s| s.chars().count()).unwrap_or(0);
    if element["type"] == "button" {
        if len(element.pointer("/text/text")) > 75 {
            problems.push(format!("block {block} button text over 75"));
        }
        if len(element.get("value")) > 2000 {
            problems.push(format!("block {block} button value over 2000"));
        }
    }
    if len(element.get("action_id")) > 255 {
        problems.push(format!("block {block} action_id over 255"));
    }
}

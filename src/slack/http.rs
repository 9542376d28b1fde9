//! Slack's HTTP endpoints. Every request's signature is checked before
//! anything else runs; a bad, missing or stale one gets 401 and nothing is
//! read, run or written.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::post;
use chrono::Utc;
use serde_json::{Value, json};
use slack_morphism::prelude::*;

use super::handlers;
use super::verify::{SIGNATURE_HEADER, TIMESTAMP_HEADER, verify};
use crate::state::AppState;

/// Slack's payloads are small; anything larger is not from Slack.
const MAX_BODY: usize = 512 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/slack/events", post(events))
        .route("/slack/commands", post(commands))
        .route("/slack/interactions", post(interactions))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

/// A request body whose Slack signature has been verified.
pub struct Signed(pub Bytes);

impl FromRequest<AppState> for Signed {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (signature, timestamp) = (header(&request, SIGNATURE_HEADER), header(&request, TIMESTAMP_HEADER));
        let body = Bytes::from_request(request, state).await.map_err(IntoResponse::into_response)?;
        match verify(
            state.settings.signing_secret.expose(),
            signature.as_deref(),
            timestamp.as_deref(),
            &body,
            Utc::now().timestamp(),
        ) {
            Ok(()) => Ok(Signed(body)),
            Err(err) => {
                tracing::warn!(error = %err, "refused a request that is not signed by Slack");
                metrics::counter!("planbot_slack_unsigned_requests_total").increment(1);
                Err((StatusCode::UNAUTHORIZED, "invalid Slack signature").into_response())
            }
        }
    }
}

fn header(request: &Request, name: &str) -> Option<String> {
    request.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

fn bad_request(what: &str, err: impl std::fmt::Display) -> Response {
    tracing::warn!(error = %err, "a signed Slack request could not be read as {what}");
    (StatusCode::BAD_REQUEST, format!("not a valid {what}")).into_response()
}

/// The Events API: answers `url_verification`, acknowledges event callbacks
/// at once and handles them after the acknowledgement.
async fn events(State(state): State<AppState>, Signed(body): Signed) -> Response {
    let event: SlackPushEvent = match serde_json::from_slice(&body) {
        Ok(event) => event,
        // A lone surrogate escape (`\ud800`) is JSON text no string can hold:
        // Slack would retry anything but a 200, so it is acknowledged and dropped.
        Err(err) if err.to_string().contains("surrogate") || err.to_string().contains("end of hex escape") => {
            tracing::warn!(error = %err, "ignored an event whose text holds a lone surrogate escape");
            return StatusCode::OK.into_response();
        }
        Err(err) => return bad_request("Events API payload", err),
    };
    match event {
        SlackPushEvent::UrlVerification(check) => Json(json!({ "challenge": check.challenge })).into_response(),
        SlackPushEvent::EventCallback(callback) => {
            if !handlers::is_our_workspace(&state, callback.team_id.as_ref()) {
                return (StatusCode::FORBIDDEN, "this planbot serves another workspace").into_response();
            }
            let work_state = state.clone();
            state.tasks.spawn(async move { handlers::handle_push_event(&work_state, callback).await });
            StatusCode::OK.into_response()
        }
        SlackPushEvent::AppRateLimited(limited) => {
            tracing::warn!(?limited, "Slack is rate-limiting event deliveries to planbot");
            StatusCode::OK.into_response()
        }
    }
}

/// Slash commands (`/plan`), form-encoded.
async fn commands(State(state): State<AppState>, Signed(body): Signed) -> Response {
    // Read straight from the form (serde_urlencoded, the decoder axum's own
    // `Form` uses), not through a map and a JSON value: a twentieth of the
    // server's CPU per `/plan add` under load went to that detour.
    let command: SlackCommandEvent = match serde_urlencoded::from_bytes(&body) {
        Ok(command) => command,
        Err(err) => return bad_request("slash command", err),
    };
    if !handlers::is_our_workspace(&state, command.team_id.as_ref()) {
        return (StatusCode::FORBIDDEN, "this planbot serves another workspace").into_response();
    }
    match handlers::handle_command(&state, command).await.into_response() {
        Some(reply) => Json(reply).into_response(),
        None => StatusCode::OK.into_response(),
    }
}

/// Clicks and modal submissions: a form with one `payload` field of JSON.
async fn interactions(State(state): State<AppState>, Signed(body): Signed) -> Response {
    let payload = url::form_urlencoded::parse(&body).find(|(k, _)| k == "payload").map(|(_, v)| v.into_owned());
    let Some(payload) = payload else { return bad_request("interaction", "no payload field") };
    let (event, raw): (SlackInteractionEvent, Value) =
        match (serde_json::from_str(&payload), serde_json::from_str(&payload)) {
            (Ok(event), Ok(raw)) => (event, raw),
            (Err(err), _) | (_, Err(err)) => return bad_request("interaction payload", err),
        };
    match handlers::handle_interaction(&state, event, raw).await {
        SlackInteractionResponse::Empty => StatusCode::OK.into_response(),
        response => Json(response).into_response(),
    }
}

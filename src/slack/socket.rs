//! Socket Mode: Slack pushes the same events, commands and interactions
//! over a WebSocket, for development without a public URL. planbot answers
//! them with the handlers the HTTP endpoints use; only the acknowledgement
//! differs (a WebSocket message instead of an HTTP response).

use std::sync::Arc;

use slack_morphism::prelude::*;

use super::handlers;
use crate::config::Secret;
use crate::state::AppState;

type Client = SlackClient<super::client::Connector>;

/// Runs Socket Mode until the app shuts down.
pub async fn run(state: AppState, client: Arc<Client>, app_token: Secret) -> anyhow::Result<()> {
    let callbacks = SlackSocketModeListenerCallbacks::new()
        .with_command_events(on_command)
        .with_interaction_events(on_interaction)
        .with_push_events(on_push_event);
    let environment = Arc::new(
        SlackClientEventsListenerEnvironment::new(client)
            .with_user_state(state.clone())
            .with_error_handler(on_error),
    );
    let listener = SlackClientSocketModeListener::new(&SlackClientSocketModeConfig::new(), environment, callbacks);
    listener.listen_for(&SlackApiToken::new(app_token.expose().to_string().into())).await?;
    listener.start().await;
    tracing::info!("connected to Slack over Socket Mode");
    state.shutdown.cancelled().await;
    listener.shutdown().await;
    Ok(())
}

fn on_error(
    err: Box<dyn std::error::Error + Send + Sync>,
    _client: Arc<Client>,
    _state: SlackClientEventsUserState,
) -> axum::http::StatusCode {
    tracing::error!(error = %err, "Socket Mode delivered something planbot could not handle");
    axum::http::StatusCode::OK
}

async fn app_state(states: &SlackClientEventsUserState) -> AppState {
    states.read().await.get_user_state::<AppState>().cloned().expect("the listener carries the app state")
}

async fn on_command(
    event: SlackCommandEvent,
    _client: Arc<Client>,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<SlackCommandEventResponse> {
    let state = app_state(&states).await;
    // An empty ack payload acknowledges without posting anything.
    Ok(handlers::handle_command(&state, event)
        .await
        .into_response()
        .unwrap_or_else(|| SlackCommandEventResponse::new(SlackMessageContent::new())))
}

async fn on_interaction(
    event: SlackInteractionEvent,
    _client: Arc<Client>,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<SlackInteractionResponse> {
    let state = app_state(&states).await;
    let raw = serde_json::to_value(&event)?;
    Ok(handlers::handle_interaction(&state, event, raw).await)
}

/// Socket Mode acks once this returns, so the work goes on the task tracker.
async fn on_push_event(
    event: SlackPushEventCallback,
    _client: Arc<Client>,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<()> {
    let state = app_state(&states).await;
    let work_state = state.clone();
    state.tasks.spawn(async move { handlers::handle_push_event(&work_state, event).await });
    Ok(())
}

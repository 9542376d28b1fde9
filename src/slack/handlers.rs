//! What planbot does with each kind of request from Slack, whichever way it
//! arrived (HTTP Events API or Socket Mode). Each handler answers within
//! Slack's three seconds; slower work continues on the app's task tracker.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use slack_morphism::prelude::*;

use crate::app::{Caller, Outcome, Place, Reply};
use crate::slack::interactions;
use crate::state::AppState;
use crate::store::outbox::{self, Delivery, NewMessage, Payload, Target};

/// How long a slash command may take before planbot acks Slack and answers
/// through the `response_url` instead (Slack gives up at 3 seconds).
pub const COMMAND_BUDGET: Duration = Duration::from_millis(2500);

/// The reply planbot gives when something broke on its side.
pub const SORRY: &str = "Sorry, something went wrong on my side. Please try again in a moment.";

/// What a slash command is acknowledged with.
#[derive(Debug, Clone, PartialEq)]
pub enum CommandAck {
    /// Shown at once (the HTTP response body, or the Socket Mode ack payload).
    Reply(Reply),
    /// Nothing now: the answer comes later, or a modal opened.
    Empty,
}

impl CommandAck {
    pub fn into_response(self) -> Option<SlackCommandEventResponse> {
        match self {
            CommandAck::Empty => None,
            CommandAck::Reply(reply) => Some(command_response(&reply)),
        }
    }
}

/// A reply as a slash command's immediate answer.
pub fn command_response(reply: &Reply) -> SlackCommandEventResponse {
    let content = SlackMessageContent::new().with_text(reply.content.text.clone()).with_blocks(reply.content.blocks.clone());
    let kind = if reply.ephemeral { SlackMessageResponseType::Ephemeral } else { SlackMessageResponseType::InChannel };
    SlackCommandEventResponse::new(content).with_response_type(kind)
}

/// Whether a request comes from the workspace this deployment serves.
pub fn is_our_workspace(state: &AppState, team_id: &str) -> bool {
    let ours = team_id == state.settings.team_id;
    if !ours {
        tracing::warn!(team_id, "refused a request from another workspace");
        metrics::counter!("planbot_slack_foreign_requests_total").increment(1);
    }
    ours
}

/// The caller of a request, or the reply to give when planbot can't tell
/// who they are (Slack unreachable for a first-time user).
pub async fn caller_or_sorry(state: &AppState, slack_user_id: &str, now: DateTime<Utc>) -> Result<Caller, Reply> {
    state.app.identify(slack_user_id, now).await
}

/// `/plan …`: answered within the budget if possible, otherwise acked at
/// once and answered through the `response_url` when ready.
pub async fn handle_command(state: &AppState, command: SlackCommandEvent) -> CommandAck {
    if !is_our_workspace(state, command.team_id.as_ref()) {
        return CommandAck::Reply(Reply::note("This planbot serves another Slack workspace."));
    }
    metrics::counter!("planbot_slack_commands_total").increment(1);
    let (tx, mut rx) = tokio::sync::oneshot::channel();
    let work_state = state.clone();
    state.tasks.spawn(async move {
        let ack = run_command(&work_state, &command).await;
        // When the ack already went out empty, the answer goes to the response_url.
        if let Err(CommandAck::Reply(reply)) = tx.send(ack) {
            let url = command.response_url.0.to_string();
            if let Err(err) = work_state.slack.respond(&url, &reply.content, false).await {
                tracing::error!(error = %err, "could not send a late slash command answer");
            }
        }
    });
    match tokio::time::timeout(COMMAND_BUDGET, &mut rx).await {
        Ok(Ok(ack)) => ack,
        Ok(Err(_)) => CommandAck::Reply(Reply::note(SORRY)),
        Err(_) => {
            rx.close();
            rx.try_recv().unwrap_or(CommandAck::Empty)
        }
    }
}

async fn run_command(state: &AppState, command: &SlackCommandEvent) -> CommandAck {
    // The most frequent command, by someone planbot knows, in one query fewer.
    let now = Utc::now();
    let text = command.text.as_deref().unwrap_or_default();
    match state.app.quick_add(command.user_id.as_ref(), text, now).await {
        Ok(Some((caller, reply))) => {
            state.app.keep_current(&caller, command.user_id.as_ref(), now);
            return CommandAck::Reply(reply);
        }
        Ok(None) => {}
        Err(err) => {
            tracing::error!(error = %crate::telemetry::ErrorChain(&err), text = %text, "a /plan command failed");
            return CommandAck::Reply(Reply::note(SORRY));
        }
    }
    let caller = match caller_or_sorry(state, command.user_id.as_ref(), now).await {
        Ok(caller) => caller,
        Err(reply) => return CommandAck::Reply(reply),
    };
    let place = place_of(command.channel_id.as_ref());
    let text = command.text.clone().unwrap_or_default();
    match state.app.plan_command(&caller, &place, &text, now).await {
        Ok(Outcome::Reply(reply)) => CommandAck::Reply(reply),
        Ok(outcome @ (Outcome::OpenView(_) | Outcome::OpenForm(_))) => {
            let view = match outcome {
                Outcome::OpenForm(form) => form.view(),
                Outcome::OpenView(view) => *view,
                Outcome::Reply(_) => unreachable!("matched above"),
            };
            match state.slack.open_view(command.trigger_id.as_ref(), &view).await {
            Ok(()) => CommandAck::Empty,
            Err(err) => {
                tracing::error!(error = %err, "could not open a modal");
                CommandAck::Reply(Reply::note("I couldn't open the form just now. Please run the command again."))
            }
            }
        }
        Err(err) => {
            tracing::error!(error = %crate::telemetry::ErrorChain(&err), text = %text, "a /plan command failed");
            CommandAck::Reply(Reply::note(SORRY))
        }
    }
}

/// A channel id as a place: Slack's DM channels start with `D`.
pub fn place_of(channel: &str) -> Place {
    if channel.starts_with('D') { Place::Direct } else { Place::Channel(channel.to_string()) }
}

/// An Events API callback, after Slack has been acknowledged.
pub async fn handle_push_event(state: &AppState, callback: SlackPushEventCallback) {
    if !is_our_workspace(state, callback.team_id.as_ref()) {
        return;
    }
    let event_id = callback.event_id.to_string();
    match crate::store::events::seen(&state.pool, &event_id).await {
        Ok(true) => {
            tracing::info!(event_id, "skipped an event Slack delivered again");
            metrics::counter!("planbot_slack_events_redelivered_total").increment(1);
            return;
        }
        Ok(false) => {}
        Err(err) => tracing::warn!(error = %err, "could not check whether an event was handled before"),
    }
    metrics::counter!("planbot_slack_events_total").increment(1);
    let result = match callback.event {
        SlackEventCallbackBody::Message(message) => on_direct_message(state, &event_id, message).await,
        SlackEventCallbackBody::AppMention(mention) => on_mention(state, &event_id, mention).await,
        SlackEventCallbackBody::AppHomeOpened(opened) => {
            if opened.tab.as_deref().unwrap_or("home") == "home" {
                interactions::publish_home(state, opened.user.as_ref()).await
            } else {
                Ok(())
            }
        }
        other => {
            tracing::debug!(?other, "ignored an event planbot does not subscribe to");
            Ok(())
        }
    };
    match result {
        Ok(()) => {
            if let Err(err) = crate::store::events::mark_handled(&state.pool, &event_id).await {
                tracing::warn!(error = %err, "could not record a handled event");
            }
        }
        Err(err) => tracing::error!(error = %crate::telemetry::ErrorChain(&err), event_id, "handling a Slack event failed"),
    }
}

async fn on_direct_message(state: &AppState, event_id: &str, message: SlackMessageEvent) -> anyhow::Result<()> {
    // Only what people write in planbot's DM: not edits, joins, or bots (planbot included).
    let is_dm = message.origin.channel_type.as_ref().is_some_and(|t| t.to_string() == "im");
    if !is_dm || message.subtype.is_some() || message.sender.bot_id.is_some() {
        return Ok(());
    }
    let (Some(user), Some(channel)) = (message.sender.user.as_ref(), message.origin.channel.as_ref()) else {
        return Ok(());
    };
    let text = message.content.as_ref().and_then(|c| c.text.clone()).unwrap_or_default();
    let now = Utc::now();
    let reply = match caller_or_sorry(state, user.as_ref(), now).await {
        Ok(caller) => answer(state, &caller, &Place::Direct, &text, now).await,
        Err(reply) => reply,
    };
    send_reply(state, event_id, channel.as_ref(), user.as_ref(), &Place::Direct, reply).await
}

async fn on_mention(state: &AppState, event_id: &str, mention: SlackAppMentionEvent) -> anyhow::Result<()> {
    let text = mention.content.text.clone().unwrap_or_default();
    let channel = mention.channel.to_string();
    let place = place_of(&channel);
    let now = Utc::now();
    let reply = match caller_or_sorry(state, mention.user.as_ref(), now).await {
        Ok(caller) => answer(state, &caller, &place, &text, now).await,
        Err(reply) => reply,
    };
    send_reply(state, event_id, &channel, mention.user.as_ref(), &place, reply).await
}

async fn answer(state: &AppState, caller: &Caller, place: &Place, text: &str, now: DateTime<Utc>) -> Reply {
    state.app.converse(caller, place, text, now).await.unwrap_or_else(|err| {
        tracing::error!(error = %crate::telemetry::ErrorChain(&err), "answering a message failed");
        Reply::note(SORRY)
    })
}

/// Sends a reply through the outbox, keyed by what caused it so a
/// redelivered event or a double click never answers twice.
pub async fn send_reply(
    state: &AppState,
    cause: &str,
    channel: &str,
    user: &str,
    place: &Place,
    reply: Reply,
) -> anyhow::Result<()> {
    let delivery = match place {
        // In planbot's own DM, even a "private" answer is a normal message.
        Place::Direct => Delivery::Post,
        Place::Channel(_) if reply.ephemeral => Delivery::Ephemeral { user: user.to_string() },
        Place::Channel(_) => Delivery::Post,
    };
    let message = NewMessage {
        kind: "reply",
        target: Target::Channel(channel.to_string()),
        payload: Payload { content: reply.content, delivery },
        dedupe_key: format!("reply:{cause}"),
        run_at: Utc::now(),
    };
    let mut conn = state.pool.acquire().await?;
    outbox::enqueue(&mut conn, &message).await?;
    // Replies go out in a blink: the worker is woken rather than polling.
    state.outbox_wake.notify_one();
    Ok(())
}

/// Values of a submitted modal: block id → action id → value.
pub type ViewValues = HashMap<String, HashMap<String, Value>>;

/// An interaction: block actions are acked at once and handled after; a
/// modal submission is validated now, since its errors go in the ack.
pub async fn handle_interaction(state: &AppState, event: SlackInteractionEvent, raw: Value) -> SlackInteractionResponse {
    let team = match &event {
        SlackInteractionEvent::BlockActions(e) => e.team.id.to_string(),
        SlackInteractionEvent::ViewSubmission(e) => e.team.id.to_string(),
        SlackInteractionEvent::ViewClosed(e) => e.team.id.to_string(),
        _ => return SlackInteractionResponse::Empty,
    };
    if !is_our_workspace(state, &team) {
        return SlackInteractionResponse::Empty;
    }
    metrics::counter!("planbot_slack_interactions_total").increment(1);
    match event {
        SlackInteractionEvent::BlockActions(actions) => {
            let work_state = state.clone();
            state.tasks.spawn(async move {
                if let Err(err) = interactions::on_block_actions(&work_state, actions, raw).await {
                    tracing::error!(error = %crate::telemetry::ErrorChain(&err), "handling a button click failed");
                }
            });
            SlackInteractionResponse::Empty
        }
        SlackInteractionEvent::ViewSubmission(submission) => interactions::on_view_submission(state, submission, raw)
            .await
            .unwrap_or_else(|err| {
                tracing::error!(error = %crate::telemetry::ErrorChain(&err), "handling a form failed");
                SlackInteractionResponse::Empty
            }),
        _ => SlackInteractionResponse::Empty,
    }
}

/// A reply to show the caller after a click: ephemeral through the
/// `response_url` in a channel; a normal message in planbot's DM.
pub async fn reply_to_click(
    state: &AppState,
    cause: &str,
    channel: Option<&str>,
    user: &str,
    response_url: Option<&str>,
    reply: Reply,
) -> anyhow::Result<()> {
    match (channel, response_url) {
        (Some(channel), _) if place_of(channel) == Place::Direct || !reply.ephemeral => {
            send_reply(state, cause, channel, user, &place_of(channel), reply).await
        }
        (_, Some(url)) => Ok(state.slack.respond(url, &reply.content, false).await?),
        // From the App Home: answer in planbot's DM with the user.
        _ => send_reply(state, cause, user, user, &Place::Direct, reply).await,
    }
}

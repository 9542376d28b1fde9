//! Clicks (block actions) and modal submissions.
//!
//! A click on an item's *Done*, *Snooze* or *Reassign* changes the item and
//! then edits the message it came from, so the message shows the new state;
//! in the App Home, the Home is published again. Submissions are checked
//! field by field, and every problem is shown in the modal next to its
//! field, with nothing written.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveTime, Utc};
use serde_json::Value;
use slack_morphism::prelude::*;

use crate::app::forms::{AddItemForm, FieldErrors, SettingsForm, Submitted};
use crate::app::items::{ItemChange, ItemResult};
use crate::app::{AccountPart, Caller, Place, Reply};
use crate::render::MessageContent;
use crate::slack::handlers::{caller_or_sorry, place_of, reply_to_click, send_reply};
use crate::state::AppState;
use crate::telemetry::ErrorChain;
use crate::store::accounts;
use crate::render::summary;
use crate::render::modals::{self, ModalContext, add_fields, callback_ids, settings_fields};
use crate::render::{self, home, items};
use crate::render::editing::action_ids as editing;
use crate::render::forms::{CALLBACK_ID, FormState, values_of};
use crate::app::editing::FormOutcome;
use crate::app::Outcome;

/// Publishes a person's App Home.
pub async fn publish_home(state: &AppState, slack_user_id: &str) -> anyhow::Result<()> {
    let caller = state.app.caller(slack_user_id).await?;
    publish_home_for(state, &caller, slack_user_id, Utc::now()).await
}

async fn publish_home_for(state: &AppState, caller: &Caller, slack_user_id: &str, now: DateTime<Utc>) -> anyhow::Result<()> {
    let view = state.app.home(caller, now).await?;
    state.slack.publish_home(slack_user_id, &view).await.context("views.publish failed")
}

/// Where a click happened, and how to answer it.
struct Click {
    caller: Caller,
    slack_user: String,
    action_id: String,
    value: String,
    /// The raw action, for fields slack-morphism does not model (`selected_user`).
    action: Value,
    channel: Option<String>,
    response_url: Option<String>,
    trigger_id: String,
    /// The message or view the click came from, as Slack sent it.
    source: Value,
    /// The values of the source's selects and inputs.
    state: Value,
    in_home: bool,
    /// A key unique to this click, so its effects are never doubled.
    cause: String,
}

pub async fn on_block_actions(state: &AppState, event: SlackInteractionBlockActionsEvent, raw: Value) -> anyhow::Result<()> {
    let Some(user) = event.user.as_ref().map(|u| u.id.to_string()) else { return Ok(()) };
    let Some(action) = raw.pointer("/actions/0").cloned() else { return Ok(()) };
    let response_url = event.response_url.as_ref().map(|u| u.0.to_string());
    let now = Utc::now();
    let caller = match caller_or_sorry(state, &user, now).await {
        Ok(caller) => caller,
        Err(reply) => {
            if let Some(url) = &response_url {
                state.slack.respond(url, &reply.content, false).await?;
            }
            return Ok(());
        }
    };
    let in_home = matches!(event.container, SlackInteractionActionContainer::View(_))
        && raw.pointer("/view/type").and_then(Value::as_str) == Some("home");
    let channel = event.channel.as_ref().map(|c| c.id.to_string()).or_else(|| match &event.container {
        SlackInteractionActionContainer::Message(m) => m.channel_id.as_ref().map(|c| c.to_string()),
        _ => None,
    });
    let source = if in_home { raw["view"].clone() } else { raw["message"].clone() };
    let click = Click {
        caller,
        slack_user: user,
        action_id: action["action_id"].as_str().unwrap_or_default().to_string(),
        value: action["value"].as_str().unwrap_or_default().to_string(),
        cause: format!("click:{}:{}", event.trigger_id, action["action_ts"].as_str().unwrap_or_default()),
        action,
        channel,
        response_url,
        trigger_id: event.trigger_id.to_string(),
        source,
        state: raw["state"].clone(),
        in_home,
    };
    route_click(state, &click, now).await
}

async fn route_click(state: &AppState, click: &Click, now: DateTime<Utc>) -> anyhow::Result<()> {
    let today = click.caller.today(now);
    let item_id = || click.value.parse::<i64>().ok();
    let account_id = || click.value.parse::<i64>().ok();
    match click.action_id.as_str() {
        items::action_ids::DONE => change_item(state, click, item_id(), ItemChange::Done, now).await,
        items::action_ids::SNOOZE_DAY => {
            change_item(state, click, item_id(), ItemChange::SnoozeUntil(today + Duration::days(1)), now).await
        }
        items::action_ids::SNOOZE_WEEK => {
            change_item(state, click, item_id(), ItemChange::SnoozeUntil(today + Duration::days(7)), now).await
        }
        items::action_ids::REASSIGN => show_reassign_picker(state, click, item_id(), now).await,
        items::action_ids::REASSIGN_TO => {
            let item_id = item_id_of_block(&click.action);
            match selected_user(click) {
                Some(slack_id) => match state.app.person(slack_id).await {
                    Ok(owner) => change_item(state, click, item_id, ItemChange::Reassign(owner.user_id), now).await,
                    Err(err) => {
                        tracing::warn!(error = %ErrorChain(&err), "could not look up the new owner");
                        answer(state, click, Reply::note("I couldn't look that person up in Slack just now. Try again in a moment.")).await
                    }
                },
                None => Ok(()),
            }
        }
        items::action_ids::REASSIGN_CANCEL => match item_id() {
            Some(id) => match state.app.visible_item(&click.caller, id).await? {
                Some(item) => update_source(state, click, id, items::item_blocks(&item, today, now), now).await,
                None => Ok(()),
            },
            None => Ok(()),
        },
        render::accounts::action_ids::SHOW_SUMMARY => {
            let Some(id) = account_id() else { return Ok(()) };
            let reply = state.app.summary_by_id(&click.caller, &click_place(click), id, now).await?;
            answer(state, click, reply).await
        }
        summary::action_ids::WHAT_CHANGED | render::changes::action_ids::WHAT_CHANGED => {
            let Some(id) = account_id() else { return Ok(()) };
            let reply = state.app.what_changed_by_id(&click.caller, &click_place(click), id, now).await?;
            answer(state, click, reply).await
        }
        render::team::action_ids::ACCOUNTS_PAGE => {
            let Some(page) = click.value.parse::<i64>().ok() else { return Ok(()) };
            let reply = state.app.team_accounts_page(&click.caller, page, now).await?;
            answer(state, click, reply).await
        }
        render::team::action_ids::AT_RISK_PAGE => {
            let Some(page) = click.value.parse::<usize>().ok() else { return Ok(()) };
            let reply = state.app.at_risk_page(&click.caller, page, now).await?;
            answer(state, click, reply).await
        }
        // The summary's buttons open each part in full.
        summary::action_ids::FULL_PLAN
        | summary::action_ids::LIST_ACTIONS
        | summary::action_ids::PEOPLE
        | summary::action_ids::WHITESPACE
        | summary::action_ids::NEWS => {
            let Some(id) = account_id() else { return Ok(()) };
            let part = match click.action_id.as_str() {
                summary::action_ids::FULL_PLAN => AccountPart::FullPlan,
                summary::action_ids::LIST_ACTIONS => AccountPart::Actions,
                summary::action_ids::PEOPLE => AccountPart::People,
                summary::action_ids::WHITESPACE => AccountPart::Whitespace,
                _ => AccountPart::News,
            };
            let reply = state.app.part_by_id(&click.caller, &click_place(click), id, part, now).await?;
            answer(state, click, reply).await
        }
        summary::action_ids::FOLLOW => {
            let Some(id) = account_id() else { return Ok(()) };
            let reply = state.app.follow_by_id(&click.caller, &click_place(click), id, true).await?;
            answer(state, click, reply).await
        }
        render::intel::action_ids::ADD_ACTION => {
            let Some(id) = click.value.parse().ok() else { return Ok(()) };
            let reply = state.app.intel_to_action(&click.caller, id, now).await?;
            answer(state, click, reply).await
        }
        render::intel::action_ids::ADD_THREAT => {
            let Some(id) = click.value.parse().ok() else { return Ok(()) };
            let reply = state.app.intel_to_threat(&click.caller, id, now).await?;
            answer(state, click, reply).await
        }
        summary::action_ids::ADD_ITEM | home::action_ids::ADD_ITEM => {
            let account = match account_id() {
                Some(id) => accounts::visible_by_id(&state.pool, click.caller.viewer(), id).await?.map(|a| a.name),
                None => None,
            };
            let context = ModalContext { channel: click.channel.clone().filter(|_| !click.in_home) };
            let view = modals::add_item(account.as_deref(), Some(&click.slack_user), &context);
            state.slack.open_view(&click.trigger_id, &view).await.context("views.open failed")
        }
        items::confirm_ids::ADD_PAST_DUE | items::confirm_ids::ADD_AGAIN => {
            let Some(confirmation) = crate::app::Confirmation::from_action_id(&click.action_id) else { return Ok(()) };
            let reply = state.app.confirm_add(&click.caller, &click.value, confirmation, now).await?;
            // The question is replaced by its answer, so its button is gone.
            match &click.response_url {
                Some(url) => Ok(state.slack.respond(url, &reply.content, true).await?),
                None => answer(state, click, reply).await,
            }
        }
        id if id.starts_with("plan.") || id.starts_with("review.") => {
            let channel = click.channel.clone().filter(|_| !click.in_home);
            match state.app.press(&click.caller, channel, id, &click.value, now).await? {
                Some(Outcome::OpenForm(form)) => state.slack.open_view(&click.trigger_id, &form.view()).await.context("views.open failed"),
                Some(Outcome::OpenView(view)) => state.slack.open_view(&click.trigger_id, &view).await.context("views.open failed"),
                Some(Outcome::Reply(reply)) => {
                    // A confirmation's question is replaced by its answer, so its buttons are gone.
                    let confirming = matches!(id, editing::CONFIRM_ACTIVATE | editing::CONFIRM_CLOSE | editing::CANCEL);
                    match (&click.response_url, confirming) {
                        (Some(url), true) => Ok(state.slack.respond(url, &reply.content, true).await?),
                        _ => answer(state, click, reply).await,
                    }
                }
                None => {
                    tracing::warn!(action_id = id, "a click on a plan button planbot does not know");
                    Ok(())
                }
            }
        }
        home::action_ids::SETTINGS => {
            let view = modals::settings(&click.caller.user, &ModalContext::default());
            state.slack.open_view(&click.trigger_id, &view).await.context("views.open failed")
        }
        other => {
            tracing::warn!(action_id = other, "a click on a button planbot does not know");
            Ok(())
        }
    }
}

/// The place a click's answer belongs to.
fn click_place(click: &Click) -> Place {
    match &click.channel {
        Some(channel) if !click.in_home => place_of(channel),
        _ => Place::Direct,
    }
}

/// Shows a reply to the person who clicked.
async fn answer(state: &AppState, click: &Click, reply: Reply) -> anyhow::Result<()> {
    let channel = click.channel.as_deref().filter(|_| !click.in_home);
    reply_to_click(state, &click.cause, channel, &click.slack_user, click.response_url.as_deref(), reply).await
}

/// The person picked in a users select: on the action itself over HTTP, and
/// in the message's state (which survives Socket Mode's re-encoding) otherwise.
fn selected_user(click: &Click) -> Option<&str> {
    click.action["selected_user"].as_str().or_else(|| {
        let block = click.action["block_id"].as_str()?;
        click.state.pointer(&format!("/values/{block}/{}/selected_user", click.action_id))?.as_str()
    })
}

/// The item id of a block in an item's actions block (`item-actions:{id}`).
fn item_id_of_block(action: &Value) -> Option<i64> {
    action["block_id"].as_str()?.strip_prefix("item-actions:")?.parse().ok()
}

async fn change_item(state: &AppState, click: &Click, item_id: Option<i64>, change: ItemChange, now: DateTime<Utc>) -> anyhow::Result<()> {
    let Some(item_id) = item_id else { return Ok(()) };
    match state.app.change_item(&click.caller, item_id, change, now).await? {
        ItemResult::Changed { item, .. } => {
            let today = click.caller.today(now);
            update_source(state, click, item_id, items::item_blocks(&item, today, now), now).await
        }
        ItemResult::Refused(message) => answer(state, click, Reply::note(message)).await,
    }
}

async fn show_reassign_picker(state: &AppState, click: &Click, item_id: Option<i64>, now: DateTime<Utc>) -> anyhow::Result<()> {
    let Some(item_id) = item_id else { return Ok(()) };
    match state.app.visible_item(&click.caller, item_id).await? {
        Some(item) => {
            let picker = items::reassign_picker(&item, click.caller.today(now), now);
            update_source(state, click, item_id, picker, now).await
        }
        None => answer(state, click, Reply::note(format!("I couldn't find action item `#{item_id}`."))).await,
    }
}

/// Edits the message (or Home) a click came from so it shows `replacement`
/// in place of the item's blocks.
async fn update_source(state: &AppState, click: &Click, item_id: i64, replacement: Vec<SlackBlock>, now: DateTime<Utc>) -> anyhow::Result<()> {
    let blocks = click.source["blocks"].as_array().cloned().unwrap_or_default();
    let updated = items::replace_item(&blocks, item_id, replacement);
    if click.in_home {
        // A finished item leaves the Home's lists, so the Home is drawn anew;
        // the picker is shown in place.
        if click.action_id == items::action_ids::REASSIGN {
            let view = SlackView::Home(SlackHomeView::new(updated));
            return state.slack.publish_home(&click.slack_user, &view).await.context("views.publish failed");
        }
        return publish_home_for(state, &click.caller, &click.slack_user, now).await;
    }
    let text = click.source["text"].as_str().unwrap_or("planbot").to_string();
    let content = MessageContent::new(text, updated);
    match (&click.response_url, &click.channel, click.source["ts"].as_str()) {
        (Some(url), _, _) => Ok(state.slack.respond(url, &content, true).await?),
        (None, Some(channel), Some(ts)) => Ok(state.slack.update_message(channel, ts, &content).await?),
        _ => Ok(()),
    }
}

/// The values of a submitted view: block id → action id → value.
fn view_values(raw: &Value) -> HashMap<String, HashMap<String, Value>> {
    serde_json::from_value(raw.pointer("/view/state/values").cloned().unwrap_or(Value::Null)).unwrap_or_default()
}

fn field<'a>(values: &'a HashMap<String, HashMap<String, Value>>, id: &str) -> Option<&'a Value> {
    values.get(id).and_then(|actions| actions.get(id))
}

fn text_field(values: &HashMap<String, HashMap<String, Value>>, id: &str) -> Option<String> {
    field(values, id)?["value"].as_str().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

fn errors(problems: FieldErrors) -> SlackInteractionResponse {
    SlackInteractionResponse::ViewSubmission(SlackViewSubmissionResponse::Errors(
        SlackViewSubmissionErrorsResponse::new(problems.into_iter().collect()),
    ))
}

pub async fn on_view_submission(
    state: &AppState,
    submission: SlackInteractionViewSubmissionEvent,
    raw: Value,
) -> anyhow::Result<SlackInteractionResponse> {
    let now = Utc::now();
    let user = submission.user.id.to_string();
    let caller = match caller_or_sorry(state, &user, now).await {
        Ok(caller) => caller,
        Err(reply) => {
            // Shown under the form's first field, whichever form it is.
            let first = raw
                .pointer("/view/state/values")
                .and_then(Value::as_object)
                .and_then(|values| values.keys().next().cloned())
                .unwrap_or_else(|| add_fields::ACCOUNT.to_string());
            return Ok(errors(FieldErrors::from([(first, reply.content.text)])));
        }
    };
    let values = view_values(&raw);
    let context = ModalContext::decode(raw.pointer("/view/private_metadata").and_then(Value::as_str));
    let view_id = raw.pointer("/view/id").and_then(Value::as_str).unwrap_or_default().to_string();
    match raw.pointer("/view/callback_id").and_then(Value::as_str).unwrap_or_default() {
        callback_ids::ADD_ITEM => {
            let form = AddItemForm {
                account: text_field(&values, add_fields::ACCOUNT),
                title: text_field(&values, add_fields::TITLE),
                owner: field(&values, add_fields::OWNER).and_then(|v| v["selected_user"].as_str()).map(str::to_string),
                due: text_field(&values, add_fields::DUE),
            };
            match state.app.submit_add_item(&caller, &form, now).await? {
                Submitted::Invalid(problems) => Ok(errors(problems)),
                Submitted::Saved(reply) => {
                    let (channel, place) = match &context.channel {
                        Some(channel) => (channel.clone(), place_of(channel)),
                        None => (user.clone(), Place::Direct),
                    };
                    send_reply(state, &format!("modal:{view_id}"), &channel, &user, &place, reply).await?;
                    Ok(SlackInteractionResponse::Empty)
                }
            }
        }
        callback_ids::SETTINGS => {
            let time = |id: &str| {
                field(&values, id)
                    .and_then(|v| v["selected_time"].as_str())
                    .and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok())
            };
            let selected = |id: &str| -> Vec<String> {
                field(&values, id)
                    .and_then(|v| v["selected_options"].as_array().cloned())
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|o| o["value"].as_str().map(str::to_string))
                    .collect()
            };
            let option = |id: &str| {
                field(&values, id).and_then(|v| v.pointer("/selected_option/value")).and_then(Value::as_str).map(str::to_string)
            };
            let form = SettingsForm {
                tz: text_field(&values, settings_fields::TZ).unwrap_or_default(),
                quiet_start: time(settings_fields::QUIET_START),
                quiet_end: time(settings_fields::QUIET_END),
                working_days: selected(settings_fields::WORKING_DAYS),
                digest: option(settings_fields::DIGEST),
                digest_time: time(settings_fields::DIGEST_TIME),
                digest_weekday: option(settings_fields::DIGEST_WEEKDAY),
                notify: selected(settings_fields::NOTIFY),
            };
            match state.app.submit_settings(&caller, &form).await? {
                Submitted::Invalid(problems) => Ok(errors(problems)),
                Submitted::Saved(updated) => {
                    // The Home shows dates in the person's zone: draw it again in the new one.
                    if let Err(err) = publish_home_for(state, &updated, &user, now).await {
                        tracing::warn!(error = %ErrorChain(&err), "could not refresh the Home after new settings");
                    }
                    Ok(SlackInteractionResponse::Empty)
                }
            }
        }
        CALLBACK_ID => {
            let Some(form_state) = raw.pointer("/view/private_metadata").and_then(Value::as_str).and_then(FormState::decode) else {
                return Ok(SlackInteractionResponse::Empty);
            };
            let values = values_of(raw.pointer("/view/state/values").unwrap_or(&Value::Null));
            match state.app.submit_form(&caller, &form_state, &values, now).await? {
                FormOutcome::Invalid(problems) => Ok(errors(problems)),
                FormOutcome::Again(form) => Ok(SlackInteractionResponse::ViewSubmission(SlackViewSubmissionResponse::Update(
                    SlackViewSubmissionUpdateResponse::new(form.view()),
                ))),
                FormOutcome::Saved(reply) => {
                    let (channel, place) = match &form_state.channel {
                        Some(channel) => (channel.clone(), place_of(channel)),
                        None => (user.clone(), Place::Direct),
                    };
                    send_reply(state, &format!("modal:{view_id}"), &channel, &user, &place, reply).await?;
                    Ok(SlackInteractionResponse::Empty)
                }
            }
        }
        _ => Ok(SlackInteractionResponse::Empty),
    }
}

//! The modals: add an action item, and notification settings. Their field
//! ids are constants here so the submission handler reads what was built.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};
use slack_morphism::prelude::*;

use crate::domain::enums::{DigestFrequency, DmKind};
use crate::render::blocks::{clip, limits, section};
use crate::store::users::User;

pub mod callback_ids {
    pub const ADD_ITEM: &str = "add_item";
    pub const SETTINGS: &str = "settings";
}

/// Block and action ids of the add-item modal's inputs (one id serves both).
pub mod add_fields {
    pub const ACCOUNT: &str = "account";
    pub const TITLE: &str = "title";
    pub const OWNER: &str = "owner";
    pub const DUE: &str = "due";
}

pub mod settings_fields {
    pub const TZ: &str = "tz";
    pub const QUIET_START: &str = "quiet_start";
    pub const QUIET_END: &str = "quiet_end";
    pub const WORKING_DAYS: &str = "working_days";
    pub const DIGEST: &str = "digest";
    pub const DIGEST_TIME: &str = "digest_time";
    pub const DIGEST_WEEKDAY: &str = "digest_weekday";
    pub const NOTIFY: &str = "notify";
}

/// What a modal remembers between opening and submission.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModalContext {
    /// Where the modal was opened from, to confirm there.
    pub channel: Option<String>,
}

impl ModalContext {
    pub fn encode(&self) -> String {
        clip(&serde_json::to_string(self).unwrap_or_default(), limits::PRIVATE_METADATA)
    }

    pub fn decode(text: Option<&str>) -> Self {
        text.and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default()
    }
}

fn input(id: &str, label: &str, element: SlackInputBlockElement, optional: bool, hint: Option<&str>) -> SlackBlock {
    let mut block = SlackInputBlock::new(pt!(label), element).with_block_id(id.into()).with_optional(optional);
    if let Some(hint) = hint {
        block = block.with_hint(pt!(hint));
    }
    block.into()
}

fn text_input(id: &str, initial: Option<&str>, placeholder: &str, max_length: u64) -> SlackInputBlockElement {
    let mut element = SlackBlockPlainTextInputElement::new()
        .with_action_id(id.into())
        .with_placeholder(pt!(placeholder))
        .with_max_length(max_length);
    if let Some(initial) = initial.filter(|v| !v.is_empty()) {
        element = element.with_initial_value(initial.to_string());
    }
    element.into()
}

fn modal(title: &str, callback_id: &str, submit: &str, blocks: Vec<SlackBlock>, context: &ModalContext) -> SlackView {
    SlackView::Modal(
        SlackModalView::new(pt!(clip(title, limits::MODAL_TITLE)), blocks)
            .with_callback_id(callback_id.into())
            .with_submit(pt!(clip(submit, limits::MODAL_TITLE)))
            .with_close(pt!("Cancel"))
            .with_private_metadata(context.encode()),
    )
}

/// The add-item modal, with the account filled in when it is known.
pub fn add_item(account: Option<&str>, owner_slack_id: Option<&str>, context: &ModalContext) -> SlackView {
    let mut owner = SlackBlockUsersSelectElement::new().with_action_id(add_fields::OWNER.into()).with_placeholder(pt!("You"));
    if let Some(id) = owner_slack_id {
        owner = owner.with_initial_user(id.to_string());
    }
    let blocks = vec![
        input(add_fields::ACCOUNT, "Account", text_input(add_fields::ACCOUNT, account, "Acme Corp", 200), false, None),
        input(add_fields::TITLE, "What needs doing", text_input(add_fields::TITLE, None, "Run a security workshop", 200), false, None),
        input(add_fields::OWNER, "Owner", owner.into(), true, None),
        input(
            add_fields::DUE,
            "Due",
            text_input(add_fields::DUE, None, "friday, in 2 weeks, Dec 15 …", 60),
            true,
            Some("A date like 2026-12-15, 12/15 or Dec 15, or today, tomorrow, friday, next week, in 3 days, end of month."),
        ),
    ];
    modal("Add an action item", callback_ids::ADD_ITEM, "Add", blocks, context)
}

fn option(label: &str, value: &str) -> SlackBlockChoiceItem<SlackBlockPlainTextOnly> {
    SlackBlockChoiceItem::new(pt!(label), value.to_string())
}

fn check(label: &str, value: &str) -> SlackBlockChoiceItem<SlackBlockText> {
    SlackBlockChoiceItem::new(SlackBlockText::Plain(SlackBlockPlainText::new(label.to_string())), value.to_string())
}

fn time_picker(id: &str, initial: Option<NaiveTime>, placeholder: &str) -> SlackInputBlockElement {
    let mut picker = SlackBlockTimePickerElement::new().with_action_id(id.into()).with_placeholder(pt!(placeholder));
    if let Some(time) = initial {
        picker = picker.with_initial_time(time.format("%H:%M").to_string());
    }
    picker.into()
}

const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// Which kinds of DM the settings modal lets a person turn off, and how it names them.
pub const NOTIFICATION_KINDS: [(DmKind, &str); 7] = [
    (DmKind::Nudge, "Overdue nudges"),
    (DmKind::Escalation, "Escalations about my reports"),
    (DmKind::Deadline, "Deadline alerts"),
    (DmKind::Digest, "My digest"),
    (DmKind::Stale, "Stale-plan reminders"),
    (DmKind::Intel, "Company intelligence"),
    (DmKind::Sponsor, "Sponsor changes"),
];

/// The settings modal, showing the person's current settings.
pub fn settings(user: &User, context: &ModalContext) -> SlackView {
    let days: Vec<_> = WEEKDAYS.iter().enumerate().map(|(i, d)| check(d, &(i + 1).to_string())).collect();
    let initial_days: Vec<_> = user
        .working_days
        .iter()
        .filter_map(|d| WEEKDAYS.get((*d as usize).wrapping_sub(1)).map(|name| check(name, &d.to_string())))
        .collect();
    let digest_options = vec![
        option("No digest", DigestFrequency::Off.as_str()),
        option("Every working day", DigestFrequency::Daily.as_str()),
        option("Once a week", DigestFrequency::Weekly.as_str()),
    ];
    let digest_initial = digest_options.iter().find(|o| o.value == user.digest.as_str()).cloned();
    let mut digest = SlackBlockStaticSelectElement::new().with_action_id(settings_fields::DIGEST.into()).with_options(digest_options);
    if let Some(initial) = digest_initial {
        digest = digest.with_initial_option(initial);
    }
    let weekday_options: Vec<_> = WEEKDAYS.iter().enumerate().map(|(i, d)| option(d, &(i + 1).to_string())).collect();
    let weekday_initial = weekday_options.get((user.digest_weekday as usize).wrapping_sub(1)).cloned();
    let mut weekday =
        SlackBlockStaticSelectElement::new().with_action_id(settings_fields::DIGEST_WEEKDAY.into()).with_options(weekday_options);
    if let Some(initial) = weekday_initial {
        weekday = weekday.with_initial_option(initial);
    }
    let kinds: Vec<_> = NOTIFICATION_KINDS.iter().map(|(kind, label)| check(label, kind.as_str())).collect();
    let enabled: Vec<_> = NOTIFICATION_KINDS
        .iter()
        .filter(|(kind, _)| !user.dm_muted.iter().any(|m| m == kind.as_str()))
        .map(|(kind, label)| check(label, kind.as_str()))
        .collect();
    let mut notify = SlackBlockCheckboxesElement::new(kinds).with_action_id(settings_fields::NOTIFY.into());
    if !enabled.is_empty() {
        notify = notify.with_initial_options(enabled);
    }
    let mut working = SlackBlockCheckboxesElement::new(days).with_action_id(settings_fields::WORKING_DAYS.into());
    if !initial_days.is_empty() {
        working = working.with_initial_options(initial_days);
    }

    let blocks = vec![
        section("Messages from planbot follow your time zone, stay out of your quiet hours and skip days you don't work."),
        input(
            settings_fields::TZ,
            "Time zone",
            text_input(settings_fields::TZ, Some(&user.tz), "America/New_York", 64),
            false,
            Some("An IANA time zone name, like Europe/Berlin or America/Los_Angeles."),
        ),
        input(settings_fields::QUIET_START, "Quiet hours start", time_picker(settings_fields::QUIET_START, user.quiet_start, "21:00"), true, None),
        input(
            settings_fields::QUIET_END,
            "Quiet hours end",
            time_picker(settings_fields::QUIET_END, user.quiet_end, "07:00"),
            true,
            Some("Leave both empty for no quiet hours. Messages held overnight arrive when they end."),
        ),
        input(settings_fields::WORKING_DAYS, "Working days", working.into(), false, None),
        input(settings_fields::DIGEST, "Digest", digest.into(), false, None),
        input(settings_fields::DIGEST_TIME, "Digest time", time_picker(settings_fields::DIGEST_TIME, Some(user.digest_time), "08:30"), false, None),
        input(settings_fields::DIGEST_WEEKDAY, "Weekly digest day", weekday.into(), true, None),
        input(settings_fields::NOTIFY, "Send me", notify.into(), true, None),
    ];
    modal("Your planbot settings", callback_ids::SETTINGS, "Save", blocks, context)
}

//! The modals' submissions, checked field by field with the same rules as
//! every other way in, and written only when every field passes. A problem
//! is reported against the field it concerns, for the transport to show
//! next to it (Slack's `response_action: errors`).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveTime, Utc};

use super::{AddProblem, Added, App, Caller, Reply, Understood, added_text};
use crate::domain::command::NewItem;
use crate::domain::enums::{DigestFrequency, DmKind};
use crate::domain::validate::{self, LONGEST_TITLE, TitleProblem};
use crate::domain::when::parse_when;
use crate::domain::window::in_quiet_hours;
use crate::render::modals::{add_fields, settings_fields};
use crate::store::users;

/// Problems by field id (the modal's block id), in plain text.
pub type FieldErrors = BTreeMap<String, String>;

/// A form saved, or the problems that kept it from being saved.
#[derive(Debug, Clone, PartialEq)]
pub enum Submitted<T> {
    Saved(T),
    Invalid(FieldErrors),
}

/// What the add-item modal holds, as typed (trimmed; empty is `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddItemForm {
    pub account: Option<String>,
    pub title: Option<String>,
    /// The Slack user picked as owner.
    pub owner: Option<String>,
    pub due: Option<String>,
}

/// What the settings modal holds, as picked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsForm {
    pub tz: String,
    pub quiet_start: Option<NaiveTime>,
    pub quiet_end: Option<NaiveTime>,
    /// ISO weekday numbers, as the checkboxes' values.
    pub working_days: Vec<String>,
    pub digest: Option<String>,
    pub digest_time: Option<NaiveTime>,
    pub digest_weekday: Option<String>,
    /// The kinds of DM left on.
    pub notify: Vec<String>,
}

fn problem(errors: &mut FieldErrors, field: &str, message: impl Into<String>) {
    errors.insert(field.to_string(), message.into());
}

impl App {
    /// The add-item modal: the item is added (and the confirmation returned
    /// for the transport to post) when every field passes.
    pub async fn submit_add_item(&self, caller: &Caller, form: &AddItemForm, now: DateTime<Utc>) -> anyhow::Result<Submitted<Reply>> {
        let today = caller.today(now);
        let mut errors = FieldErrors::new();
        for (field, value) in [(add_fields::ACCOUNT, &form.account), (add_fields::TITLE, &form.title), (add_fields::DUE, &form.due)] {
            if value.as_deref().is_some_and(|v| !validate::storable(v)) {
                problem(&mut errors, field, validate::UNSTORABLE);
            }
        }
        if !errors.is_empty() {
            return Ok(Submitted::Invalid(errors));
        }
        if form.account.is_none() {
            problem(&mut errors, add_fields::ACCOUNT, "Type the account's name, like Acme Corp.");
        }
        let title = match validate::item_title(form.title.as_deref().unwrap_or_default()) {
            Ok(title) => Some(title),
            Err(TitleProblem::Empty) => {
                problem(&mut errors, add_fields::TITLE, "Say what needs doing, like Run a security workshop.");
                None
            }
            Err(TitleProblem::TooLong { .. }) => {
                problem(&mut errors, add_fields::TITLE, format!("Keep it to {LONGEST_TITLE} characters; put details in the plan."));
                None
            }
        };
        let due = match form.due.as_deref() {
            None => None,
            Some(text) => match parse_when(text, today) {
                Ok(date) if validate::due_is_past(date, today) => {
                    problem(&mut errors, add_fields::DUE, "That date has passed; pick today or later.");
                    None
                }
                Ok(date) => Some(date),
                Err(err) => {
                    problem(&mut errors, add_fields::DUE, first_sentence(&err.to_string()));
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Ok(Submitted::Invalid(errors));
        }
        let item = NewItem {
            account: form.account.clone().unwrap_or_default(),
            title: title.unwrap_or_default(),
            owner: form.owner.clone(),
            due,
        };
        let mut understood = Understood::default();
        Ok(match self.try_add_item(caller, &item, &mut understood).await? {
            Added::Item(added, account) => {
                let mut reply = Reply::note(added_text(&added, &account, today));
                understood.say(&mut reply);
                Submitted::Saved(reply)
            }
            Added::Refused(AddProblem::Account(message)) => {
                Submitted::Invalid(FieldErrors::from([(add_fields::ACCOUNT.to_string(), plain(&message))]))
            }
            Added::Refused(AddProblem::Owner(message)) => {
                Submitted::Invalid(FieldErrors::from([(add_fields::OWNER.to_string(), plain(&message))]))
            }
        })
    }

    /// The settings modal: the person's preferences are saved when every
    /// field passes; the caller, as they now are, comes back.
    pub async fn submit_settings(&self, caller: &Caller, form: &SettingsForm) -> anyhow::Result<Submitted<Caller>> {
        let mut errors = FieldErrors::new();
        if !validate::storable(&form.tz) {
            problem(&mut errors, settings_fields::TZ, validate::UNSTORABLE);
            return Ok(Submitted::Invalid(errors));
        }
        if form.tz.parse::<chrono_tz::Tz>().is_err() {
            problem(&mut errors, settings_fields::TZ, "Use a time zone name like Europe/Berlin or America/New_York.");
        }
        let quiet = match (form.quiet_start, form.quiet_end) {
            (Some(start), Some(end)) if start == end => {
                problem(&mut errors, settings_fields::QUIET_END, "Quiet hours must end at another time than they start.");
                None
            }
            (Some(start), Some(end)) => Some((start, end)),
            (None, None) => None,
            (Some(_), None) => {
                problem(&mut errors, settings_fields::QUIET_END, "Pick when quiet hours end, or clear both times.");
                None
            }
            (None, Some(_)) => {
                problem(&mut errors, settings_fields::QUIET_START, "Pick when quiet hours start, or clear both times.");
                None
            }
        };
        let working_days: Vec<i16> = form.working_days.iter().filter_map(|d| d.parse().ok()).collect();
        if working_days.is_empty() {
            problem(&mut errors, settings_fields::WORKING_DAYS, "Pick at least one working day.");
        }
        let digest = form.digest.as_deref().and_then(|d| d.parse::<DigestFrequency>().ok()).unwrap_or(DigestFrequency::Off);
        let digest_time = form.digest_time.unwrap_or(caller.user.digest_time);
        let digest_weekday = form.digest_weekday.as_deref().and_then(|d| d.parse().ok()).unwrap_or(caller.user.digest_weekday);
        if let Some(quiet) = quiet
            && digest != DigestFrequency::Off
            && in_quiet_hours(quiet, digest_time)
        {
            problem(
                &mut errors,
                settings_fields::DIGEST_TIME,
                format!(
                    "Your digest would fall in your quiet hours ({}–{}) and wait until they end. \
                     Pick a time outside them, or change your quiet hours.",
                    quiet.0.format("%H:%M"),
                    quiet.1.format("%H:%M")
                ),
            );
        }
        let dm_muted: Vec<String> = DmKind::ALL
            .iter()
            .filter(|kind| !form.notify.iter().any(|e| e == kind.as_str()))
            .map(|kind| kind.as_str().to_string())
            .collect();
        if !errors.is_empty() {
            return Ok(Submitted::Invalid(errors));
        }
        let preferences = users::Preferences {
            tz: form.tz.clone(),
            quiet_hours: quiet,
            working_days,
            digest,
            digest_time,
            digest_weekday,
            dm_muted,
        };
        let user = users::set_preferences(&self.pool, caller.user.user_id, &preferences).await?;
        Ok(Submitted::Saved(Caller { user, is_admin: caller.is_admin }))
    }
}

/// Modal errors are plain text: drop mrkdwn emphasis and code marks.
fn plain(message: &str) -> String {
    first_sentence(&message.replace(['*', '`'], ""))
}

fn first_sentence(message: &str) -> String {
    match message.find(". ") {
        Some(end) => message[..=end].trim().to_string(),
        None => message.trim().to_string(),
    }
}

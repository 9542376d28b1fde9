//! Writing the plan in Slack: creating a plan (from the Land or Expand
//! template), editing each part of its Plan Info, the relationship map and
//! the whitespace map, and changing which plan is active.
//!
//! Every form remembers a fingerprint of what it showed ([`FormState`]); a
//! save locks what it changes, compares, and writes only when nobody changed
//! it meanwhile. Otherwise the form comes back with the other person's
//! change shown and the user's own text still in it, to merge and save
//! again. Every save is one transaction, attributed to the person for the
//! audit history. Fields are checked by `domain::validate`, the CSV import's
//! rules.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::forms::FieldErrors;
use super::{App, Caller, Outcome, Place, Reply, NOT_VISIBLE};
use crate::domain::enums::{Appetite, BuyingRole, Influence, PlanStatus, PlanType, Sentiment, Stage};
use crate::domain::exchange::Picture;
use crate::domain::people::reports_to_loop;
pub use crate::domain::plan::StatusChange;
use crate::domain::plan::{self, RANK_NOTES, SectionGroup};
use crate::domain::text::{brief, fingerprint};
use crate::domain::validate::{self, LONGEST_LINE, LONGEST_NOTE, LONGEST_SECTION};
use crate::render::editing as view;
use crate::render::forms::{Field, Form, FormKind, FormState, FormValues, INPUT_MAX, Input};
use crate::render::MessageContent;
use crate::store::accounts::{self, Account};
use crate::store::audit::{self, AuditEntry};
use crate::store::contacts::{self, Contact, ContactFields};
use crate::store::plans::{self, NewPlan, Plan};
use crate::store::whitespace::{self, NewWhitespace};
use crate::store::{self, outbox, violated_constraint};

/// What a submitted form led to.
#[derive(Debug, Clone, PartialEq)]
pub enum FormOutcome {
    /// Written; the reply to post where the form was opened.
    Saved(Reply),
    /// Nothing written: the problems, by field, to show next to each.
    Invalid(FieldErrors),
    /// Nothing written: the form again, showing why (someone else's change)
    /// with the user's values kept.
    Again(Box<Form>),
}

/// What a button asks to open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormRequest {
    NewPlan { account_id: i64 },
    Sections { plan_id: i64, part: SectionGroup },
    Contact { account_id: i64, contact_id: Option<i64> },
    Whitespace { account_id: i64, whitespace_id: Option<i64> },
}

/// Field ids of the forms (block and action ids in Slack, keys in the demo).
pub mod fields {
    pub const NAME: &str = "name";
    pub const PLAN_TYPE: &str = "plan_type";
    pub const DUE: &str = "due_date";
    pub const TEMPLATE: &str = "template";
    pub const STATUS: &str = "status";
    pub const TITLE: &str = "title";
    pub const COMPANY: &str = "company";
    pub const EMAIL: &str = "email";
    pub const PROFILE_URL: &str = "profile_url";
    pub const REPORTS_TO: &str = "reports_to";
    pub const INFLUENCE: &str = "influence";
    pub const BUYING_ROLE: &str = "buying_role";
    pub const SENTIMENT: &str = "sentiment";
    pub const STRENGTH: &str = "strength";
    pub const OWNER: &str = "relationship_owner";
    pub const TRACKED: &str = "tracked";
    pub const REMOVE: &str = "remove";
    pub const STAGE: &str = "stage";
    pub const VENDOR: &str = "vendor";
    pub const LIKES: &str = "likes";
    pub const DISLIKES: &str = "dislikes";
    pub const SPEND: &str = "annual_spend";
    pub const CONTRACT_END: &str = "contract_end";
    pub const APPETITE: &str = "appetite";
}

/// The fingerprint key of the plan a new active plan would replace.
const ACTIVE_PLAN: &str = "active_plan";

/// The value of a select left at "not recorded".
const UNSET: &str = "unset";
/// The template choice for none.
const NO_TEMPLATE: &str = "none";

fn options<T: Copy>(all: &[T], value: impl Fn(T) -> &'static str, label: impl Fn(T) -> String) -> Vec<(String, String)> {
    all.iter().map(|v| (value(*v).to_string(), label(*v))).collect()
}

fn with_unset(mut options: Vec<(String, String)>) -> Vec<(String, String)> {
    options.insert(0, (UNSET.to_string(), "Not recorded".to_string()));
    options
}

fn capitalized(word: &str) -> String {
    let word = word.replace('_', " ");
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A field rule's message as a sentence under the field: its quoted value
/// in quotation marks (never altered), the first letter capitalized.
fn sentence(message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 4);
    let mut open = true;
    for c in message.chars() {
        if c == '`' {
            out.push(if open { '“' } else { '”' });
            open = !open;
        } else {
            out.push(c);
        }
    }
    let mut chars = out.chars();
    let mut text = match chars.next() {
        Some(first) if first.is_alphabetic() => first.to_uppercase().chain(chars).collect(),
        _ => out,
    };
    if !text.ends_with('.') {
        text.push('.');
    }
    text
}

fn problem(errors: &mut FieldErrors, field: &str, message: impl Into<String>) {
    errors.entry(field.to_string()).or_insert_with(|| message.into());
}

/// A choice field's value parsed, `None` for unset/absent, or the error recorded.
fn choice<T: std::str::FromStr>(values: &FormValues, id: &str, errors: &mut FieldErrors) -> Option<T>
where
    T::Err: std::fmt::Display,
{
    let text = values.get(id).map(|v| v.trim()).filter(|v| !v.is_empty() && *v != UNSET)?;
    match text.parse::<T>() {
        Ok(value) => Some(value),
        Err(err) => {
            problem(errors, id, sentence(&err.to_string()));
            None
        }
    }
}

fn text<'a>(values: &'a FormValues, id: &str) -> &'a str {
    values.get(id).map(|v| v.trim()).unwrap_or_default()
}

fn checked(errors: &mut FieldErrors, id: &str, result: Result<String, String>) -> String {
    match result {
        Ok(value) => value,
        Err(message) => {
            problem(errors, id, sentence(&message));
            String::new()
        }
    }
}

/// A Slack user id from a picker, or from a mention typed in the demo.
fn slack_user_id(value: &str) -> Option<String> {
    let value = value.trim().trim_start_matches("<@").trim_end_matches('>');
    let id = value.split('|').next().unwrap_or_default();
    (!id.is_empty()).then(|| id.to_string())
}

/// A stored or typed text as compared: line endings and trailing blanks don't count.
fn normalized(text: &str) -> String {
    text.replace("\r\n", "\n").trim_end().to_string()
}

/// The most characters a field's input takes (`usize::MAX` for pickers).
fn input_max(field: &Field) -> usize {
    match field.input {
        Input::Line(max) | Input::Text(max) => max.min(INPUT_MAX),
        _ => usize::MAX,
    }
}

/// Shows stored values in a form's fields, and returns the fingerprint of
/// each to remember. A value longer than its input takes is not shown cut:
/// the hint says so, and the save keeps it unless something is typed.
fn prefill(fields: &mut [Field], stored: &[(&str, String)]) -> BTreeMap<String, String> {
    let mut seen = BTreeMap::new();
    for (id, value) in stored {
        seen.insert(id.to_string(), fingerprint(&normalized(value)));
        let Some(field) = fields.iter_mut().find(|f| f.id == *id) else { continue };
        let length = value.chars().count();
        if length > input_max(field) {
            field.initial = None;
            field.hint = Some(format!(
                "This holds {length} characters, more than a Slack form can show, so it is not shown here and stays as it is. \
                 Type here only to replace all of it."
            ));
        } else {
            field.initial = (!value.is_empty()).then(|| value.clone());
        }
    }
    seen
}

/// The fields someone else changed since the form was opened.
fn changed_since<'a>(seen: &BTreeMap<String, String>, stored_now: &'a [(&'a str, String)]) -> Vec<&'a str> {
    stored_now
        .iter()
        .filter(|(id, now)| seen.get(*id).is_some_and(|then| *then != fingerprint(&normalized(now))))
        .map(|(id, _)| *id)
        .collect()
}

/// What a form shows again after a conflict: what the user changed, and
/// the stored value of every field they left alone (so saving again never
/// puts back what someone else just changed). A removal is never carried
/// over: it is asked again.
fn merged(values: &FormValues, seen: &BTreeMap<String, String>, stored_now: &[(&str, String)]) -> FormValues {
    let mut out = values.clone();
    for (id, now) in stored_now {
        let typed = values.get(*id).map(|v| normalized(v)).unwrap_or_default();
        let user_changed = seen.get(*id).is_some_and(|then| *then != fingerprint(&typed));
        if !user_changed {
            if now.is_empty() {
                out.remove(*id);
            } else {
                out.insert(id.to_string(), now.clone());
            }
        }
    }
    out.remove(fields::REMOVE);
    out
}

/// A contact or row form shown again after someone else's change: their
/// change named at the top, the user's own changes kept, and a removal asked
/// again rather than carried out.
fn asked_again(
    form: Form,
    values: &FormValues,
    state: &FormState,
    stored_now: &[(&str, String)],
    history: &[AuditEntry],
    caller: &Caller,
    remove: bool,
) -> FormOutcome {
    let advice = if remove {
        "If it should still go, tick Remove again and save."
    } else {
        "Your changes are still below, beside theirs: check them and save again."
    };
    let mut form = form.with_values(&merged(values, &state.seen, stored_now));
    form.notes.insert(0, view::conflict_note(history, caller.tz(), advice));
    FormOutcome::Again(Box::new(form))
}

/// A typed value, or the stored one when the form could not show it and
/// nothing was typed in its place.
fn kept(typed: String, stored: &str, max: usize) -> String {
    if typed.trim().is_empty() && stored.chars().count() > max { stored.to_string() } else { typed }
}

impl App {
    /// The account behind a form or button, if the caller may still see it.
    async fn editable(&self, caller: &Caller, account_id: i64) -> anyhow::Result<Option<Account>> {
        Ok(accounts::visible_by_id(&self.pool, caller.viewer(), account_id).await?)
    }

    /// Opens a form a button asked for, or says why not (the same words as
    /// for an unknown account when the caller may not see it).
    pub async fn open_form(&self, caller: &Caller, request: FormRequest, channel: Option<String>, now: DateTime<Utc>) -> anyhow::Result<Result<Form, Reply>> {
        let mut conn = self.pool.acquire().await?;
        let account_id = match request {
            FormRequest::NewPlan { account_id }
            | FormRequest::Contact { account_id, contact_id: None }
            | FormRequest::Whitespace { account_id, whitespace_id: None } => Some(account_id),
            FormRequest::Sections { plan_id, .. } => plans::by_id(&mut conn, plan_id).await?.map(|p| p.account_id),
            FormRequest::Contact { contact_id: Some(id), .. } => contacts::by_id(&mut conn, id).await?.map(|c| c.account_id),
            FormRequest::Whitespace { whitespace_id: Some(id), .. } => whitespace::by_id(&mut conn, id, false).await?.map(|r| r.account_id),
        };
        drop(conn);
        let Some(account_id) = account_id else {
            return Ok(Err(Reply::note("That is no longer in the plan: someone removed it. Open the list again to see it as it is.")));
        };
        let Some(account) = self.editable(caller, account_id).await? else { return Ok(Err(Reply::note(NOT_VISIBLE))) };
        Ok(match request {
            FormRequest::NewPlan { .. } => Ok(self.new_plan_form(caller, &account, channel, now).await?),
            FormRequest::Sections { plan_id, part } => {
                let mut conn = self.pool.acquire().await?;
                match plans::by_id(&mut conn, plan_id).await? {
                    Some(plan) => Ok(sections_form(&account, &plan, part, channel, now)),
                    None => Err(Reply::note(NOT_VISIBLE)),
                }
            }
            FormRequest::Contact { contact_id, .. } => self.contact_form(&account, contact_id, channel, now).await?,
            FormRequest::Whitespace { whitespace_id, .. } => self.whitespace_form(&account, whitespace_id, channel, now).await?,
        })
    }

    /// Saves a submitted form, or says why not.
    pub async fn submit_form(&self, caller: &Caller, state: &FormState, values: &FormValues, now: DateTime<Utc>) -> anyhow::Result<FormOutcome> {
        let unstorable: FieldErrors = values
            .iter()
            .filter(|(_, value)| !validate::storable(value))
            .map(|(field, _)| (field.clone(), validate::UNSTORABLE.to_string()))
            .collect();
        if !unstorable.is_empty() {
            return Ok(FormOutcome::Invalid(unstorable));
        }
        match &state.kind {
            FormKind::NewPlan { account_id } => self.submit_new_plan(caller, *account_id, state, values, now).await,
            FormKind::Sections { plan_id, part } => match SectionGroup::parse(part) {
                Some(part) => self.submit_sections(caller, *plan_id, part, state, values, now).await,
                None => Ok(FormOutcome::Saved(Reply::note("That form is from an older planbot; open it again."))),
            },
            FormKind::Contact { account_id, contact_id } => {
                self.submit_contact(caller, *account_id, *contact_id, state, values, now).await
            }
            FormKind::Whitespace { account_id, whitespace_id } => {
                self.submit_whitespace(caller, *account_id, *whitespace_id, state, values, now).await
            }
        }
    }

    // ── New plans ─────────────────────────────────────────────────────

    pub async fn new_plan_form(&self, caller: &Caller, account: &Account, channel: Option<String>, now: DateTime<Utc>) -> anyhow::Result<Form> {
        let today = caller.today(now);
        let listed = plans::for_account(&self.pool, account.account_id).await?;
        let active = listed.iter().find(|p| p.status == PlanStatus::Active);
        // A customer who already buys, or had a plan, is expanded; others are landed.
        let plan_type = if account.annual_spend.unwrap_or(0) > 0 || !listed.is_empty() { PlanType::Expand } else { PlanType::Land };
        let due = account.renewal_date.filter(|d| *d >= today);
        let name = plan::conventional_name(&account.name, plan_type, due.unwrap_or(today));
        let mut notes = vec![format!("A new plan for *{}*.", account.name)];
        notes.push(match active {
            Some(active) => format!("_Its active plan is *{}*. Starting this one as active closes that one (it is kept, not deleted)._", active.name),
            None => "_It has no active plan yet._".to_string(),
        });
        let types = options(PlanType::ALL, PlanType::as_str, |t| capitalized(t.as_str()));
        let templates = vec![
            (PlanType::Land.as_str().to_string(), "Land: first purchase, guided steps".to_string()),
            (PlanType::Expand.as_str().to_string(), "Expand: grow an existing customer, guided steps".to_string()),
            (NO_TEMPLATE.to_string(), "No template: an empty plan".to_string()),
        ];
        let statuses = vec![
            (PlanStatus::Active.as_str().to_string(), "Active: the account's living plan".to_string()),
            (PlanStatus::Draft.as_str().to_string(), "Draft: activate it later".to_string()),
        ];
        let fields = vec![
            Field::new(fields::NAME, "Plan name", Input::Line(validate::LONGEST_NAME))
                .required()
                .initial(name)
                .hint("By convention: account — Land or Expand FY and the fiscal year of the due date."),
            Field::new(fields::PLAN_TYPE, "Plan type", Input::Choice(types)).required().initial(plan_type.as_str()),
            Field::new(fields::DUE, "Due date", Input::Date)
                .initial(due.map(|d| d.to_string()).unwrap_or_default())
                .hint(if due.is_some() { "Empty: the account's renewal date." } else { "The plan's target date, like the renewal." }),
            Field::new(fields::TEMPLATE, "Template", Input::Choice(templates))
                .required()
                .initial(if plan_type == PlanType::Expand { "expand" } else { "land" })
                .hint("A template adds its guided action items, each owned by the team member in its role (the account owner when nobody holds it)."),
            Field::new(fields::STATUS, "Start as", Input::Choice(statuses))
                .required()
                .initial(if active.is_some() { "draft" } else { "active" }),
        ];
        Ok(Form {
            title: "Start a plan".into(),
            submit: "Create plan".into(),
            notes,
            fields,
            state: FormState {
                kind: FormKind::NewPlan { account_id: account.account_id },
                channel,
                opened: now.timestamp(),
                // Which plan starting this one as active would close, as the form said.
                seen: BTreeMap::from([(ACTIVE_PLAN.to_string(), active.map(|p| p.plan_id.to_string()).unwrap_or_default())]),
            },
        })
    }

    async fn submit_new_plan(&self, caller: &Caller, account_id: i64, state: &FormState, values: &FormValues, now: DateTime<Utc>) -> anyhow::Result<FormOutcome> {
        let today = caller.today(now);
        let Some(account) = self.editable(caller, account_id).await? else {
            return Ok(FormOutcome::Invalid(FieldErrors::from([(fields::NAME.to_string(), NOT_VISIBLE.to_string())])));
        };
        let mut errors = FieldErrors::new();
        let name = checked(&mut errors, fields::NAME, validate::name(text(values, fields::NAME)));
        let plan_type: Option<PlanType> = choice(values, fields::PLAN_TYPE, &mut errors);
        if plan_type.is_none() {
            problem(&mut errors, fields::PLAN_TYPE, "Pick the plan type.");
        }
        let due = match values.get(fields::DUE).map(|d| d.trim()).filter(|d| !d.is_empty()) {
            Some(text) => match validate::date(text) {
                Ok(date) if validate::due_is_past(date, today) => {
                    problem(&mut errors, fields::DUE, "That date has passed; pick today or later.");
                    None
                }
                Ok(date) => Some(date),
                Err(message) => {
                    problem(&mut errors, fields::DUE, sentence(&message));
                    None
                }
            },
            None => None,
        };
        if due.is_none()
            && !errors.contains_key(fields::DUE)
            && let Some(renewal) = account.renewal_date.filter(|r| validate::due_is_past(*r, today))
        {
            problem(
                &mut errors,
                fields::DUE,
                format!("{}'s renewal date ({}) has passed; pick the plan's due date.", account.name, renewal.format("%b %-d, %Y")),
            );
        }
        let template = match text(values, fields::TEMPLATE) {
            "" | NO_TEMPLATE => None,
            "land" => Some(PlanType::Land),
            "expand" => Some(PlanType::Expand),
            other => {
                problem(&mut errors, fields::TEMPLATE, format!("“{other}” is not a template; pick Land, Expand or none."));
                None
            }
        };
        let status = match text(values, fields::STATUS) {
            "" | "active" => PlanStatus::Active,
            "draft" => PlanStatus::Draft,
            other => {
                problem(&mut errors, fields::STATUS, format!("“{other}” is not a way to start; pick active or draft."));
                PlanStatus::Draft
            }
        };
        if !errors.is_empty() {
            return Ok(FormOutcome::Invalid(errors));
        }
        let plan_type = plan_type.expect("checked");
        let mut tx = store::begin(&self.pool, caller.actor()).await?;
        plans::lock_account_plans(&mut tx, account_id).await?;
        let mut replaced = None;
        if status == PlanStatus::Active {
            replaced = plans::active_in(&mut tx, account_id).await?;
            let expected = state.seen.get(ACTIVE_PLAN).cloned().unwrap_or_default();
            let now_active = replaced.as_ref().map(|p| p.plan_id.to_string()).unwrap_or_default();
            if now_active != expected {
                // Someone else activated a plan while this form was open:
                // say which one would be closed, and let the user choose.
                tx.rollback().await?;
                let mut form = self.new_plan_form(caller, &account, state.channel.clone(), now).await?.with_values(values);
                let note = match &replaced {
                    Some(plan) => format!(
                        ":warning: *While this form was open, {} became the active plan of {}.* Starting this one as active closes it (kept, not deleted). Save again to go ahead, or start this one as a draft.",
                        plan.name, account.name
                    ),
                    None => format!(":warning: *While this form was open, {}'s active plan was closed.* Save again to start this one.", account.name),
                };
                form.notes.insert(0, note);
                return Ok(FormOutcome::Again(Box::new(form)));
            }
            if let Some(old) = &replaced {
                plans::set_status(&mut tx, old, PlanStatus::Closed).await?;
            }
        }
        let new = NewPlan { account_id, name: name.clone(), plan_type, status, due_date: due, sections: Vec::new() };
        let created = match plans::create_from(&mut tx, &new, template, today).await {
            Ok(plan) => plan,
            Err(err) if violated_constraint(&err) == Some("plan_account_name_key") => {
                return Ok(FormOutcome::Invalid(FieldErrors::from([(
                    fields::NAME.to_string(),
                    format!("{} already has a plan named “{name}”; pick another name.", account.name),
                )])));
            }
            Err(err) => return Err(err.into()),
        };
        let items = plans::items_of(&mut tx, created.plan_id).await?;
        tx.commit().await?;
        let text = view::plan_created_text(&account, &created, replaced.as_ref(), &items, today);
        Ok(FormOutcome::Saved(Reply::private(MessageContent::new(
            text.clone(),
            view::plan_created(&account, &created, replaced.as_ref(), &items, today),
        ))))
    }

    // ── Plan Info sections ────────────────────────────────────────────

    async fn submit_sections(
        &self,
        caller: &Caller,
        plan_id: i64,
        part: SectionGroup,
        state: &FormState,
        values: &FormValues,
        now: DateTime<Utc>,
    ) -> anyhow::Result<FormOutcome> {
        let first_field = part.sections().next().map(|s| s.key).unwrap_or(RANK_NOTES.0);
        let refused = |message: &str| FormOutcome::Invalid(FieldErrors::from([(first_field.to_string(), message.to_string())]));
        let account_id = {
            let mut conn = self.pool.acquire().await?;
            match plans::by_id(&mut conn, plan_id).await? {
                Some(plan) => plan.account_id,
                None => return Ok(refused("That plan is gone: someone deleted it while you edited. Nothing was saved.")),
            }
        };
        let Some(account) = self.editable(caller, account_id).await? else { return Ok(refused(NOT_VISIBLE)) };
        let mut errors = FieldErrors::new();
        for (key, _) in part_fields(part) {
            let limit = if key == RANK_NOTES.0 { LONGEST_NOTE } else { LONGEST_SECTION };
            checked(&mut errors, key, validate::text_at_most(limit)(text(values, key)));
        }
        if !errors.is_empty() {
            return Ok(FormOutcome::Invalid(errors));
        }
        let mut tx = store::begin(&self.pool, caller.actor()).await?;
        let Some(plan) = plans::lock(&mut tx, plan_id).await? else {
            return Ok(refused("That plan is gone: someone deleted it while you edited. Nothing was saved."));
        };
        let rank_notes = if part == SectionGroup::CustomerProfile {
            accounts::lock_rank_notes(&mut tx, account_id).await?.unwrap_or_default()
        } else {
            String::new()
        };
        let current = |key: &str| -> &str { if key == RANK_NOTES.0 { &rank_notes } else { plan.section(key) } };
        let stored_now: Vec<(&str, String)> = part_fields(part).iter().map(|(key, _)| (*key, current(key).to_string())).collect();
        let changed_meanwhile = changed_since(&state.seen, &stored_now);
        if !changed_meanwhile.is_empty() {
            tx.rollback().await?;
            let mut account_now = account.clone();
            account_now.rank_notes = rank_notes.clone();
            let history = self.changes_since(&[("plan", plan_id), ("account", account_id)], state.opened, &changed_meanwhile).await?;
            let shown = merged(values, &state.seen, &stored_now);
            let mut form = sections_form(&account_now, &plan, part, state.channel.clone(), now).with_values(&shown);
            form.notes.insert(0, view::conflict_note(&history, caller.tz(), "Your changes are still below, beside theirs: merge them and save again."));
            return Ok(FormOutcome::Again(Box::new(form)));
        }
        let mut sections: Vec<(&str, String)> = Vec::new();
        let mut new_rank_notes = None;
        let mut changed: Vec<&'static str> = Vec::new();
        for (key, label) in part_fields(part) {
            let old = current(key);
            let typed = values.get(key).map(|v| normalized(v)).unwrap_or_default();
            // A section longer than the form could show was left out of it:
            // left empty, it stays as it is.
            if old.chars().count() > INPUT_MAX && typed.trim().is_empty() {
                continue;
            }
            if typed == normalized(old) {
                continue;
            }
            changed.push(label);
            if key == RANK_NOTES.0 {
                new_rank_notes = Some(typed);
            } else {
                sections.push((key, typed));
            }
        }
        if let Some(notes) = &new_rank_notes {
            accounts::set_rank_notes(&mut tx, account_id, notes).await?;
        }
        plans::update_sections(&mut tx, plan_id, &sections).await?;
        tx.commit().await?;
        let text = if changed.is_empty() {
            format!("Nothing changed in the {} of *{}*.", part.label(), plan.name)
        } else {
            format!("Saved the {} of *{}*: {} changed.", part.label(), plan.name, changed.join(", "))
        };
        Ok(FormOutcome::Saved(Reply::private(MessageContent::new(text.clone(), view::saved(&text, account.account_id, true)))))
    }

    /// The audit history of these rows since a form was opened, for the
    /// fields it showed.
    async fn changes_since(&self, rows: &[(&str, i64)], opened: i64, fields: &[&str]) -> anyhow::Result<Vec<AuditEntry>> {
        let since = DateTime::<Utc>::from_timestamp(opened, 0).unwrap_or_default();
        let mut found = Vec::new();
        for (entity, id) in rows {
            let entries = audit::for_entity(&self.pool, entity, *id).await?;
            found.extend(entries.into_iter().filter(|e| {
                e.changed_at >= since && (fields.is_empty() || e.field.as_deref().is_some_and(|f| fields.contains(&f)) || e.action == "delete")
            }));
        }
        found.sort_by_key(|e| (e.changed_at, e.audit_id));
        Ok(found)
    }

    // ── The relationship map ──────────────────────────────────────────

    async fn contact_form(&self, account: &Account, contact_id: Option<i64>, channel: Option<String>, now: DateTime<Utc>) -> anyhow::Result<Result<Form, Reply>> {
        let mut conn = self.pool.acquire().await?;
        let all = contacts::for_account(&mut conn, account.account_id).await?;
        let contact = match contact_id {
            Some(id) => match all.iter().find(|c| c.contact_id == id) {
                Some(contact) => Some(contact.clone()),
                None => return Ok(Err(Reply::note("That contact is no longer on the map; someone removed it."))),
            },
            None => None,
        };
        Ok(Ok(contact_form(account, contact.as_ref(), &all, channel, now)))
    }

    async fn submit_contact(
        &self,
        caller: &Caller,
        account_id: i64,
        contact_id: Option<i64>,
        state: &FormState,
        values: &FormValues,
        now: DateTime<Utc>,
    ) -> anyhow::Result<FormOutcome> {
        let Some(account) = self.editable(caller, account_id).await? else {
            return Ok(FormOutcome::Invalid(FieldErrors::from([(fields::NAME.to_string(), NOT_VISIBLE.to_string())])));
        };
        let remove = values.get(fields::REMOVE).is_some_and(|v| v == "yes") && contact_id.is_some();
        let mut errors = FieldErrors::new();
        let mut f = ContactFields {
            name: checked(&mut errors, fields::NAME, validate::name(text(values, fields::NAME))),
            title: checked(&mut errors, fields::TITLE, validate::text_at_most(LONGEST_LINE)(text(values, fields::TITLE))),
            company: checked(&mut errors, fields::COMPANY, validate::text_at_most(LONGEST_LINE)(text(values, fields::COMPANY))),
            ..ContactFields::default()
        };
        let optional = |errors: &mut FieldErrors, id: &str, check: fn(&str) -> Result<String, String>| -> Option<String> {
            let typed = text(values, id);
            if typed.is_empty() { None } else { Some(checked(errors, id, check(typed))).filter(|v| !v.is_empty()) }
        };
        f.email = optional(&mut errors, fields::EMAIL, validate::email);
        f.profile_url = optional(&mut errors, fields::PROFILE_URL, validate::web_link);
        f.influence = choice::<Influence>(values, fields::INFLUENCE, &mut errors);
        f.buying_role = choice::<BuyingRole>(values, fields::BUYING_ROLE, &mut errors);
        f.sentiment = choice::<Sentiment>(values, fields::SENTIMENT, &mut errors);
        f.strength = match text(values, fields::STRENGTH) {
            "" | UNSET => None,
            typed => match validate::strength(typed) {
                Ok(n) => Some(n),
                Err(message) => {
                    problem(&mut errors, fields::STRENGTH, sentence(&message));
                    None
                }
            },
        };
        let reports_to = match text(values, fields::REPORTS_TO) {
            "" | UNSET => None,
            typed => match typed.parse::<i64>() {
                Ok(id) => Some(id),
                Err(_) => {
                    problem(&mut errors, fields::REPORTS_TO, "Pick a contact from the list.");
                    None
                }
            },
        };
        if let Some(owner) = values.get(fields::OWNER).and_then(|v| slack_user_id(v)) {
            match self.person(&owner).await {
                Ok(user) => f.relationship_owner_id = Some(user.user_id),
                Err(err) => {
                    tracing::warn!(error = %crate::telemetry::ErrorChain(&err), "could not look up a relationship owner");
                    problem(&mut errors, fields::OWNER, "I couldn't look that person up in Slack just now. Try again in a moment.");
                }
            }
        }
        let tracked = values.get(fields::TRACKED).is_some_and(|v| v == "yes");
        if !errors.is_empty() && !remove {
            return Ok(FormOutcome::Invalid(errors));
        }

        let mut tx = store::begin(&self.pool, caller.actor()).await?;
        contacts::lock_map(&mut tx, account_id).await?;
        let all = contacts::for_account(&mut tx, account_id).await?;
        let current = match contact_id {
            Some(id) => match all.iter().find(|c| c.contact_id == id) {
                Some(contact) => Some(contact.clone()),
                None => {
                    return Ok(FormOutcome::Invalid(FieldErrors::from([(
                        fields::NAME.to_string(),
                        "Someone removed this contact while you edited it. Nothing was saved.".to_string(),
                    )])));
                }
            },
            None => None,
        };
        if let Some(current) = &current {
            let stored_now = contact_values(current);
            let changed_meanwhile = changed_since(&state.seen, &stored_now);
            if !changed_meanwhile.is_empty() {
                tx.rollback().await?;
                let mut history = self.changes_since(&[("contact", current.contact_id)], state.opened, &[]).await?;
                self.name_ids(&mut history, &all).await?;
                let form = contact_form(&account, Some(current), &all, state.channel.clone(), now);
                return Ok(asked_again(form, values, state, &stored_now, &history, caller, remove));
            }
        }
        if remove {
            let current = current.expect("editing");
            contacts::delete(&mut tx, current.contact_id).await?;
            tx.commit().await?;
            let text = format!("Removed *{}* from the relationship map of *{}*.", current.name, account.name);
            return Ok(FormOutcome::Saved(Reply::private(MessageContent::new(text.clone(), view::saved_on_map(&text, account_id, view::Map::People)))));
        }
        if let Some(current) = &current {
            // What the form could not show (too long, or an owner without a
            // Slack account) stays as it is unless replaced.
            f.title = kept(f.title, &current.title, LONGEST_LINE);
            f.company = kept(f.company, &current.company, LONGEST_LINE);
            if f.profile_url.is_none() && current.profile_url.as_ref().is_some_and(|u| u.chars().count() > PROFILE_URL_MAX) {
                f.profile_url = current.profile_url.clone();
            }
            let owner_typed = values.get(fields::OWNER).map(|v| normalized(v)).unwrap_or_default();
            if state.seen.get(OWNER_SHOWN).is_some_and(|then| *then == fingerprint(&owner_typed)) {
                f.relationship_owner_id = current.relationship_owner_id;
            }
        }
        if let Some(manager) = reports_to {
            let name_of = |id: i64| all.iter().find(|c| c.contact_id == id).map(|c| c.name.clone()).unwrap_or_else(|| f.name.clone());
            if !all.iter().any(|c| c.contact_id == manager) {
                problem(&mut errors, fields::REPORTS_TO, "That contact is no longer on the map; pick another.");
            } else if let Some(this) = contact_id {
                let manager_of = |id: i64| all.iter().find(|c| c.contact_id == id).and_then(|c| c.reports_to_id);
                if let Some(chain) = reports_to_loop(this, manager, manager_of) {
                    let path: Vec<String> = chain.iter().map(|id| name_of(*id)).collect();
                    problem(
                        &mut errors,
                        fields::REPORTS_TO,
                        if chain.len() == 1 {
                            "A contact can't report to themselves.".to_string()
                        } else {
                            format!(
                                "That would make a loop: {} already reports up to {}. Pick someone above them, or nobody.",
                                path[0],
                                path.last().cloned().unwrap_or_default()
                            )
                        },
                    );
                }
            }
            f.reports_to_id = Some(manager);
        }
        if !errors.is_empty() {
            tx.rollback().await?;
            return Ok(FormOutcome::Invalid(errors));
        }
        let taken = || {
            FormOutcome::Invalid(FieldErrors::from([(
                fields::NAME.to_string(),
                format!("{} already has a contact named {}; edit that one instead.", account.name, f.name),
            )]))
        };
        let id = match &current {
            None => match contacts::insert(&mut tx, account_id, &f).await? {
                Some(id) => id,
                None => return Ok(taken()),
            },
            Some(current) => match contacts::update(&mut tx, current.contact_id, &f).await {
                Ok(()) => current.contact_id,
                Err(err) if violated_constraint(&err) == Some("contact_account_name_key") => return Ok(taken()),
                Err(err) => return Err(err.into()),
            },
        };
        let was_tracked = current.as_ref().is_some_and(|c| c.tracked);
        if tracked != was_tracked {
            if tracked {
                contacts::track(&mut tx, id, None, now).await?;
            } else {
                contacts::untrack(&mut tx, id).await?;
            }
            // Tracking has no audit trigger of its own: the change is recorded here, in the same transaction.
            audit::record_field(&mut tx, account_id, "contact", id, "tracked", was_tracked.then_some("yes"), tracked.then_some("yes")).await?;
        }
        tx.commit().await?;
        let verb = if contact_id.is_some() { "Saved" } else { "Added" };
        let text = format!("{verb} *{}* on the relationship map of *{}*.", f.name, account.name);
        Ok(FormOutcome::Saved(Reply::private(MessageContent::new(text.clone(), view::saved_on_map(&text, account_id, view::Map::People)))))
    }

    /// Turns the ids in a contact's history (reports to, relationship owner) into names.
    async fn name_ids(&self, history: &mut [AuditEntry], all: &[Contact]) -> anyhow::Result<()> {
        let owner_ids: Vec<i64> = history
            .iter()
            .filter(|e| e.field.as_deref() == Some("relationship_owner_id"))
            .filter_map(|e| e.new_value.as_deref()?.parse().ok())
            .collect();
        let owners = if owner_ids.is_empty() {
            Vec::new()
        } else {
            let mut conn = self.pool.acquire().await?;
            crate::store::users::by_ids(&mut conn, &owner_ids).await?
        };
        for entry in history.iter_mut() {
            let id: Option<i64> = entry.new_value.as_deref().and_then(|v| v.parse().ok());
            let name = match (entry.field.as_deref(), id) {
                (Some("reports_to_id"), Some(id)) => all.iter().find(|c| c.contact_id == id).map(|c| c.name.clone()),
                (Some("relationship_owner_id"), Some(id)) => owners.iter().find(|u| u.user_id == id).map(|u| u.display_name.clone()),
                _ => continue,
            };
            entry.new_value = Some(name.unwrap_or_else(|| "someone no longer on the map".to_string()));
        }
        Ok(())
    }

    // ── The whitespace map ────────────────────────────────────────────

    async fn whitespace_form(&self, account: &Account, whitespace_id: Option<i64>, channel: Option<String>, now: DateTime<Utc>) -> anyhow::Result<Result<Form, Reply>> {
        let row = match whitespace_id {
            Some(id) => {
                let mut conn = self.pool.acquire().await?;
                match whitespace::by_id(&mut conn, id, false).await?.filter(|r| r.account_id == account.account_id) {
                    Some(row) => Some(row),
                    None => return Ok(Err(Reply::note("That whitespace row is gone; someone removed it."))),
                }
            }
            None => None,
        };
        Ok(Ok(whitespace_form(account, row.as_ref(), channel, now)))
    }

    async fn submit_whitespace(
        &self,
        caller: &Caller,
        account_id: i64,
        whitespace_id: Option<i64>,
        state: &FormState,
        values: &FormValues,
        now: DateTime<Utc>,
    ) -> anyhow::Result<FormOutcome> {
        let Some(account) = self.editable(caller, account_id).await? else {
            return Ok(FormOutcome::Invalid(FieldErrors::from([(fields::STAGE.to_string(), NOT_VISIBLE.to_string())])));
        };
        let remove = values.get(fields::REMOVE).is_some_and(|v| v == "yes") && whitespace_id.is_some();
        let mut errors = FieldErrors::new();
        let stage: Option<Stage> = choice(values, fields::STAGE, &mut errors);
        if stage.is_none() {
            problem(&mut errors, fields::STAGE, "Pick the DevSecOps stage.");
        }
        let vendor = checked(&mut errors, fields::VENDOR, validate::text_at_most(LONGEST_LINE)(text(values, fields::VENDOR)));
        let likes = checked(&mut errors, fields::LIKES, validate::text_at_most(LONGEST_NOTE)(text(values, fields::LIKES)));
        let dislikes = checked(&mut errors, fields::DISLIKES, validate::text_at_most(LONGEST_NOTE)(text(values, fields::DISLIKES)));
        let annual_spend = match text(values, fields::SPEND) {
            "" => None,
            typed => match validate::money(typed) {
                Ok(amount) => Some(amount),
                Err(message) => {
                    problem(&mut errors, fields::SPEND, sentence(&message));
                    None
                }
            },
        };
        let contract_end = match text(values, fields::CONTRACT_END) {
            "" => None,
            typed => match validate::date(typed) {
                Ok(date) => Some(date),
                Err(message) => {
                    problem(&mut errors, fields::CONTRACT_END, sentence(&message));
                    None
                }
            },
        };
        let appetite: Option<Appetite> = choice(values, fields::APPETITE, &mut errors);
        if !errors.is_empty() && !remove {
            return Ok(FormOutcome::Invalid(errors));
        }
        let mut tx = store::begin(&self.pool, caller.actor()).await?;
        let current = match whitespace_id {
            Some(id) => match whitespace::by_id(&mut tx, id, true).await?.filter(|r| r.account_id == account_id) {
                Some(row) => Some(row),
                None => {
                    return Ok(FormOutcome::Invalid(FieldErrors::from([(
                        fields::STAGE.to_string(),
                        "Someone removed this row while you edited it. Nothing was saved.".to_string(),
                    )])));
                }
            },
            None => None,
        };
        if let Some(current) = &current {
            let stored_now = whitespace_values(current);
            let changed_meanwhile = changed_since(&state.seen, &stored_now);
            if !changed_meanwhile.is_empty() {
                tx.rollback().await?;
                let history = self.changes_since(&[("whitespace", current.whitespace_id)], state.opened, &[]).await?;
                let form = whitespace_form(&account, Some(current), state.channel.clone(), now);
                return Ok(asked_again(form, values, state, &stored_now, &history, caller, remove));
            }
        }
        if remove {
            let current = current.expect("editing");
            whitespace::delete(&mut tx, current.whitespace_id).await?;
            tx.commit().await?;
            let text = format!(
                "Removed {} at the {} stage from the whitespace map of *{}*.",
                view::vendor_name(&current.vendor),
                current.stage.label(),
                account.name
            );
            return Ok(FormOutcome::Saved(Reply::private(MessageContent::new(text.clone(), view::saved_on_map(&text, account_id, view::Map::Whitespace)))));
        }
        let stage = stage.expect("checked");
        let (vendor, likes, dislikes) = match &current {
            // What the form could not show stays as it is unless replaced.
            Some(current) => (
                kept(vendor, &current.vendor, LONGEST_LINE),
                kept(likes, &current.likes, INPUT_MAX),
                kept(dislikes, &current.dislikes, INPUT_MAX),
            ),
            None => (vendor, likes, dislikes),
        };
        let row = NewWhitespace { account_id, stage, vendor: vendor.clone(), likes, dislikes, annual_spend, contract_end, appetite };
        let taken = || {
            FormOutcome::Invalid(FieldErrors::from([(
                fields::VENDOR.to_string(),
                format!("{} already has {} at the {} stage; edit that row instead.", account.name, view::vendor_name(&vendor), stage.label()),
            )]))
        };
        match &current {
            None => {
                if whitespace::insert(&mut tx, &row).await?.is_none() {
                    return Ok(taken());
                }
            }
            Some(current) => match whitespace::update(&mut tx, current.whitespace_id, &row).await {
                Ok(()) => {}
                Err(err) if violated_constraint(&err) == Some("whitespace_account_stage_vendor_key") => return Ok(taken()),
                Err(err) => return Err(err.into()),
            },
        }
        tx.commit().await?;
        let verb = if current.is_some() { "Saved" } else { "Added" };
        let text = format!("{verb} {} at the {} stage on the whitespace map of *{}*.", view::vendor_name(&vendor), stage.label(), account.name);
        Ok(FormOutcome::Saved(Reply::private(MessageContent::new(text.clone(), view::saved_on_map(&text, account_id, view::Map::Whitespace)))))
    }

    // ── Commands ──────────────────────────────────────────────────────

    /// `/plan new Acme`: the new-plan form.
    pub async fn new_plan_command(&self, caller: &Caller, place: &Place, account: &Account, now: DateTime<Utc>) -> anyhow::Result<Outcome> {
        let form = self.new_plan_form(caller, account, channel_of(place), now).await?;
        Ok(Outcome::OpenForm(Box::new(form)))
    }

    /// `/plan edit Acme gtm`: the part's form; without a part, a button for each.
    pub async fn edit_command(&self, place: &Place, account: &Account, part: Option<SectionGroup>, now: DateTime<Utc>) -> anyhow::Result<Outcome> {
        let Some(plan) = plans::active_for(&self.pool, account.account_id).await? else {
            return Ok(Outcome::Reply(no_active_plan(account)));
        };
        Ok(match part {
            Some(part) => Outcome::OpenForm(Box::new(sections_form(account, &plan, part, channel_of(place), now))),
            None => Outcome::Reply(Reply::private(MessageContent::new(
                format!("Which part of {} do you want to edit?", plan.name),
                view::edit_parts(account, &plan),
            ))),
        })
    }

    /// `/plan plans Acme`: the account's plans, with buttons to change which is active.
    pub async fn plans_list(&self, account: &Account, today: NaiveDate) -> anyhow::Result<Reply> {
        let listed = plans::for_account(&self.pool, account.account_id).await?;
        Ok(Reply::private(MessageContent::new(
            format!("The plans of {}", account.name),
            view::plans_list(account, &listed, today),
        )))
    }

    /// `/plan activate Acme [plan]` and `/plan close Acme`: the question to confirm.
    pub async fn status_question(&self, account: &Account, change: StatusChange, plan_name: Option<&str>, today: NaiveDate) -> anyhow::Result<Reply> {
        let listed = plans::for_account(&self.pool, account.account_id).await?;
        let active = listed.iter().find(|p| p.status == PlanStatus::Active);
        let plan = match (change, plan_name) {
            (StatusChange::Close, None) => match active {
                Some(active) => active,
                None => return Ok(Reply::note(format!("{} has no active plan to close.", account.name))),
            },
            (StatusChange::Activate, None) => {
                let drafts: Vec<_> = listed.iter().filter(|p| p.status == PlanStatus::Draft).collect();
                match drafts.as_slice() {
                    [only] => *only,
                    [] => {
                        return Ok(Reply::note(format!(
                            "{} has no draft plan to activate. Start one with `/plan new {}`.",
                            account.name, account.name
                        )));
                    }
                    _ => return self.plans_list(account, today).await,
                }
            }
            (_, Some(name)) => {
                let wanted = name.trim().to_lowercase();
                let found = listed
                    .iter()
                    .find(|p| p.name.to_lowercase() == wanted)
                    .or_else(|| {
                        let mut matching = listed.iter().filter(|p| p.name.to_lowercase().contains(&wanted));
                        match (matching.next(), matching.next()) {
                            (Some(one), None) => Some(one),
                            _ => None,
                        }
                    });
                match found {
                    Some(plan) => plan,
                    None => {
                        let names: Vec<String> = listed.iter().map(|p| format!("“{}”", p.name)).collect();
                        return Ok(Reply::note(format!(
                            "{} has no plan named “{}”. Its plans: {}.",
                            account.name,
                            name.trim(),
                            if names.is_empty() { "none yet".to_string() } else { names.join(", ") }
                        )));
                    }
                }
            }
        };
        let already = match change {
            StatusChange::Activate => plan.status == PlanStatus::Active,
            StatusChange::Close => plan.status == PlanStatus::Closed,
        };
        if already {
            return Ok(Reply::note(format!("*{}* is already {}.", plan.name, plan.status)));
        }
        let replaces = match change {
            StatusChange::Activate => active.filter(|a| a.plan_id != plan.plan_id),
            StatusChange::Close => None,
        };
        let text = view::status_question_text(plan, change, replaces);
        Ok(Reply::private(MessageContent::new(
            text.clone(),
            view::status_question(&text, plan.plan_id, replaces.map(|p| p.plan_id), change),
        )))
    }

    /// The question before activating or closing a plan picked by a button.
    pub async fn status_question_by_id(&self, caller: &Caller, plan_id: i64, change: StatusChange, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let plan = {
            let mut conn = self.pool.acquire().await?;
            plans::by_id(&mut conn, plan_id).await?
        };
        let Some(plan) = plan else { return Ok(Reply::note(NOT_VISIBLE)) };
        let Some(account) = self.editable(caller, plan.account_id).await? else { return Ok(Reply::note(NOT_VISIBLE)) };
        self.status_question(&account, change, Some(&plan.name), caller.today(now)).await
    }

    /// A confirmed status change. `expected` is the plan the question said
    /// activation would replace: if another is active by now, it asks again.
    pub async fn change_status(&self, caller: &Caller, plan_id: i64, expected: Option<i64>, change: StatusChange, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let account_id = {
            let mut conn = self.pool.acquire().await?;
            match plans::by_id(&mut conn, plan_id).await? {
                Some(plan) => plan.account_id,
                None => return Ok(Reply::note(NOT_VISIBLE)),
            }
        };
        let Some(account) = self.editable(caller, account_id).await? else { return Ok(Reply::note(NOT_VISIBLE)) };
        let mut tx = store::begin(&self.pool, caller.actor()).await?;
        plans::lock_account_plans(&mut tx, account_id).await?;
        let Some(plan) = plans::lock(&mut tx, plan_id).await? else { return Ok(Reply::note(NOT_VISIBLE)) };
        let status = match change {
            StatusChange::Activate => PlanStatus::Active,
            StatusChange::Close => PlanStatus::Closed,
        };
        if plan.status == status {
            return Ok(Reply::note(format!("*{}* is already {}; nothing changed.", plan.name, plan.status)));
        }
        if change == StatusChange::Activate {
            let active = plans::active_in(&mut tx, account_id).await?.filter(|p| p.plan_id != plan_id).map(|p| p.plan_id);
            if active != expected {
                tx.rollback().await?;
                let mut again = self.status_question(&account, change, Some(&plan.name), caller.today(now)).await?;
                again.content.text = format!("The active plan changed since I asked. {}", again.content.text);
                let mut blocks = vec![crate::render::blocks::context(":warning: The active plan changed since I asked; here is the question as it stands now.")];
                blocks.append(&mut again.content.blocks);
                again.content.blocks = blocks;
                return Ok(again);
            }
        }
        let replaced = plans::set_status(&mut tx, &plan, status).await?;
        tx.commit().await?;
        let text = match (change, replaced) {
            (StatusChange::Activate, Some(old)) => format!(
                "*{}* is now the active plan of {}. It replaces *{}*, now closed (kept, not deleted).",
                plan.name, account.name, old.name
            ),
            (StatusChange::Activate, None) => format!("*{}* is now the active plan of {}.", plan.name, account.name),
            (StatusChange::Close, _) => format!(
                "Closed *{}* (kept, not deleted). {} has no active plan now; start one with `/plan new {}` or activate a draft with `/plan activate {}`.",
                plan.name, account.name, account.name, account.name
            ),
        };
        Ok(Reply::private(MessageContent::new(text.clone(), view::saved(&text, account_id, false))))
    }

    /// The editable relationship or whitespace map of an account picked by a button.
    pub async fn map_by_id(&self, caller: &Caller, account_id: i64, people: bool, page: usize, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let Some(account) = self.editable(caller, account_id).await? else { return Ok(Reply::note(NOT_VISIBLE)) };
        if people { self.people_map(&account, page).await } else { self.whitespace_map(&account, caller.today(now), page).await }
    }

    /// `/plan people Acme`: the map as a reports-to tree, with buttons to edit.
    pub async fn people_map(&self, account: &Account, page: usize) -> anyhow::Result<Reply> {
        let mut conn = self.pool.acquire().await?;
        let all = contacts::for_account(&mut conn, account.account_id).await?;
        Ok(Reply::private(MessageContent::new(
            format!("The relationship map of {} ({} contacts)", account.name, all.len()),
            view::people_map(account, &all, page),
        )))
    }

    /// `/plan whitespace Acme`: the map by stage, with buttons to edit.
    pub async fn whitespace_map(&self, account: &Account, today: NaiveDate, page: usize) -> anyhow::Result<Reply> {
        let mut conn = self.pool.acquire().await?;
        let rows = whitespace::for_account(&mut conn, account.account_id).await?;
        Ok(Reply::private(MessageContent::new(
            format!("The whitespace map of {} ({} rows)", account.name, rows.len()),
            view::whitespace_map(account, &rows, today, page),
        )))
    }

    /// A button of the plan-writing views pressed: the form it opens, or
    /// the answer. `None` for a button that is not one of them. The Slack
    /// transport and the demo both press buttons here.
    pub async fn press(&self, caller: &Caller, channel: Option<String>, action_id: &str, value: &str, now: DateTime<Utc>) -> anyhow::Result<Option<Outcome>> {
        use view::action_ids as ids;
        let place = match &channel {
            Some(c) if !c.starts_with('D') => Place::Channel(c.clone()),
            _ => Place::Direct,
        };
        let number = || value.parse::<i64>().ok();
        let pair = || -> Option<(i64, i64)> {
            let (a, b) = value.split_once(':').unwrap_or((value, "0"));
            Some((a.parse().ok()?, b.parse().unwrap_or(0)))
        };
        let request = match action_id {
            ids::START_PLAN => number().map(|account_id| FormRequest::NewPlan { account_id }),
            ids::EDIT_PART => value.split_once(':').and_then(|(plan, part)| {
                Some(FormRequest::Sections { plan_id: plan.parse().ok()?, part: SectionGroup::parse(part)? })
            }),
            ids::ADD_CONTACT => number().map(|account_id| FormRequest::Contact { account_id, contact_id: None }),
            ids::EDIT_CONTACT => number().map(|id| FormRequest::Contact { account_id: 0, contact_id: Some(id) }),
            ids::ADD_WHITESPACE => number().map(|account_id| FormRequest::Whitespace { account_id, whitespace_id: None }),
            ids::EDIT_WHITESPACE => number().map(|id| FormRequest::Whitespace { account_id: 0, whitespace_id: Some(id) }),
            _ => None,
        };
        if let Some(request) = request {
            return Ok(Some(match self.open_form(caller, request, channel, now).await? {
                Ok(form) => Outcome::OpenForm(Box::new(form)),
                Err(reply) => Outcome::Reply(reply),
            }));
        }
        let reply = match action_id {
            ids::ACTIVATE | ids::CLOSE => {
                let Some(plan_id) = number() else { return Ok(None) };
                let change = if action_id == ids::ACTIVATE { StatusChange::Activate } else { StatusChange::Close };
                self.status_question_by_id(caller, plan_id, change, now).await?
            }
            ids::CONFIRM_ACTIVATE | ids::CONFIRM_CLOSE => {
                let Some((plan_id, replaces)) = pair() else { return Ok(None) };
                let change = if action_id == ids::CONFIRM_ACTIVATE { StatusChange::Activate } else { StatusChange::Close };
                self.change_status(caller, plan_id, (replaces != 0).then_some(replaces), change, now).await?
            }
            ids::CANCEL => Reply::note("Nothing changed."),
            ids::SHOW_PEOPLE | ids::SHOW_WHITESPACE => {
                let Some(account_id) = number() else { return Ok(None) };
                self.map_by_id(caller, account_id, action_id == ids::SHOW_PEOPLE, 0, now).await?
            }
            ids::PICTURE_PEOPLE | ids::PICTURE_WHITESPACE => {
                let Some(account_id) = number() else { return Ok(None) };
                let map = if action_id == ids::PICTURE_PEOPLE { Picture::Relationships } else { Picture::Whitespace };
                self.picture_by_id(caller, &place, account_id, map, now).await?
            }
            ids::PEOPLE_PAGE | ids::WHITESPACE_PAGE => {
                let Some((account_id, page)) = pair() else { return Ok(None) };
                self.map_by_id(caller, account_id, action_id == ids::PEOPLE_PAGE, page.max(0) as usize, now).await?
            }
            crate::render::review::action_ids::REVIEW => {
                let Some(account_id) = number() else { return Ok(None) };
                self.review_by_id(caller, &place, account_id).await?
            }
            crate::render::review::action_ids::QBR_PREP => match value.strip_prefix("held:").and_then(|id| id.parse::<i64>().ok()) {
                Some(account_id) => match accounts::visible_by_id(&self.pool, caller.viewer(), account_id).await? {
                    Some(account) => self.qbr_held(caller, &account, None, now).await?,
                    None => Reply::note(NOT_VISIBLE),
                },
                None => {
                    let Some(account_id) = number() else { return Ok(None) };
                    self.qbr_prep_by_id(caller, &place, account_id, now).await?
                }
            },
            _ => return Ok(None),
        };
        Ok(Some(Outcome::Reply(reply)))
    }

    /// `/plan share Acme`: the compact summary posted to the account's
    /// channel (or this one, when it has none), through the outbox.
    pub async fn share(&self, caller: &Caller, place: &Place, account: &Account, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let channel = match (&account.slack_channel, place) {
            (Some(linked), _) => linked.clone(),
            (None, Place::Channel(here)) => here.clone(),
            (None, Place::Direct) => {
                return Ok(Reply::note(format!(
                    "{} has no linked channel, so I don't know where to share it. Run `/plan share {}` in the channel it belongs in, or `/plan link {}` there first.",
                    account.name, account.name, account.name
                )));
            }
        };
        let today = caller.today(now);
        let data = store::summary::gather(&self.pool, account.account_id, today)
            .await?
            .ok_or_else(|| anyhow::anyhow!("account {} vanished while it was shared", account.account_id))?;
        let mut blocks = crate::render::answers::summary(&data, now, caller.tz());
        blocks.insert(0, crate::render::blocks::context(&format!("Shared by <@{}>", caller.user.slack_id.clone().unwrap_or_default())));
        let content = MessageContent::new(crate::render::answers::summary_text(&data, today), blocks);
        let message = outbox::NewMessage {
            kind: "share",
            target: outbox::Target::Channel(channel.clone()),
            payload: outbox::Payload { content, delivery: Default::default() },
            dedupe_key: format!("share:{}:{}:{}", account.account_id, caller.user.user_id, now.timestamp()),
            run_at: now,
        };
        let mut conn = self.pool.acquire().await?;
        outbox::enqueue(&mut conn, &message).await?;
        self.wake_outbox();
        Ok(Reply::note(format!("Shared the summary of *{}* in <#{channel}>.", account.name)))
    }
}

fn channel_of(place: &Place) -> Option<String> {
    match place {
        Place::Channel(channel) => Some(channel.clone()),
        Place::Direct => None,
    }
}

/// What to say when a part needs an active plan and there is none.
pub fn no_active_plan(account: &Account) -> Reply {
    let text = format!("{} has no active plan. Start one with `/plan new {}`, or activate a draft with `/plan activate {}`.", account.name, account.name, account.name);
    Reply::private(MessageContent::new(text.clone(), view::start_plan(&text, account.account_id)))
}

/// The fields of a part: (key, label), rank notes first for the profile.
fn part_fields(part: SectionGroup) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if part == SectionGroup::CustomerProfile {
        out.push(RANK_NOTES);
    }
    out.extend(part.sections().map(|s| (s.key, s.label)));
    out
}

fn sections_form(account: &Account, plan: &Plan, part: SectionGroup, channel: Option<String>, now: DateTime<Utc>) -> Form {
    let mut fields: Vec<Field> = part_fields(part)
        .iter()
        .map(|(key, label)| Field::new(key, label, Input::Text(if *key == RANK_NOTES.0 { LONGEST_NOTE } else { INPUT_MAX })))
        .collect();
    let stored: Vec<(&str, String)> = part_fields(part)
        .iter()
        .map(|(key, _)| (*key, if *key == RANK_NOTES.0 { account.rank_notes.clone() } else { plan.section(key).to_string() }))
        .collect();
    let seen = prefill(&mut fields, &stored);
    Form {
        title: part.label().to_string(),
        submit: "Save".into(),
        // The account is named: it may have been typed with a typo planbot forgave.
        notes: vec![format!("_{} of *{}*, {}'s plan._", part.label(), plan.name, account.name)],
        fields,
        state: FormState {
            kind: FormKind::Sections { plan_id: plan.plan_id, part: part.key().to_string() },
            channel,
            opened: now.timestamp(),
            seen,
        },
    }
}

/// The fingerprint key of what the relationship-owner picker showed.
const OWNER_SHOWN: &str = "owner_shown";

/// The longest profile link a contact form takes.
const PROFILE_URL_MAX: usize = 500;

/// A contact's stored values, by form field.
fn contact_values(c: &Contact) -> Vec<(&'static str, String)> {
    let or_unset = |v: Option<&str>| v.unwrap_or(UNSET).to_string();
    vec![
        (fields::NAME, c.name.clone()),
        (fields::TITLE, c.title.clone()),
        (fields::COMPANY, c.company.clone()),
        (fields::EMAIL, c.email.clone().unwrap_or_default()),
        (fields::PROFILE_URL, c.profile_url.clone().unwrap_or_default()),
        (fields::REPORTS_TO, c.reports_to_id.map(|id| id.to_string()).unwrap_or_else(|| UNSET.to_string())),
        (fields::INFLUENCE, or_unset(c.influence.map(Influence::as_str))),
        (fields::BUYING_ROLE, or_unset(c.buying_role.map(BuyingRole::as_str))),
        (fields::SENTIMENT, or_unset(c.sentiment.map(Sentiment::as_str))),
        (fields::STRENGTH, c.strength.map(|s| s.to_string()).unwrap_or_else(|| UNSET.to_string())),
        // An owner without a Slack account can't be shown in the picker:
        // their id stands in, so the save knows the picker was left alone.
        (fields::OWNER, c.owner_slack_id.clone().or_else(|| c.relationship_owner_id.map(|id| format!("user:{id}"))).unwrap_or_default()),
        (fields::TRACKED, if c.tracked { "yes".into() } else { String::new() }),
    ]
}

/// A whitespace row's stored values, by form field.
fn whitespace_values(r: &whitespace::Row) -> Vec<(&'static str, String)> {
    vec![
        (fields::STAGE, r.stage.as_str().to_string()),
        (fields::VENDOR, r.vendor.clone()),
        (fields::LIKES, r.likes.clone()),
        (fields::DISLIKES, r.dislikes.clone()),
        (fields::SPEND, r.annual_spend.map(|a| a.to_string()).unwrap_or_default()),
        (fields::CONTRACT_END, r.contract_end.map(|d| d.to_string()).unwrap_or_default()),
        (fields::APPETITE, r.appetite.map(|a| a.as_str().to_string()).unwrap_or_else(|| UNSET.to_string())),
    ]
}

/// The contact form; `all` is the account's map, for the reports-to choice
/// (never the contact or anyone below them: a loop can't be picked).
fn contact_form(account: &Account, contact: Option<&Contact>, all: &[Contact], channel: Option<String>, now: DateTime<Utc>) -> Form {
    let below = |candidate: &Contact| -> bool {
        let Some(this) = contact else { return false };
        reports_to_loop(this.contact_id, candidate.contact_id, |id| all.iter().find(|c| c.contact_id == id).and_then(|c| c.reports_to_id)).is_some()
    };
    let managers: Vec<(String, String)> = all
        .iter()
        .filter(|c| !below(c))
        .map(|c| (c.contact_id.to_string(), if c.title.is_empty() { c.name.clone() } else { format!("{}, {}", c.name, brief(&c.title, 40)) }))
        .collect();
    let mut managers = with_unset(managers);
    if managers.len() > crate::render::forms::SELECT_MAX {
        // Keep the current manager in reach when the list is cut.
        let current = contact.and_then(|c| c.reports_to_id).map(|id| id.to_string());
        managers.truncate(crate::render::forms::SELECT_MAX - 1);
        if let Some(current) = current
            && !managers.iter().any(|(v, _)| *v == current)
            && let Some(c) = all.iter().find(|c| c.contact_id.to_string() == current)
        {
            managers.push((current, c.name.clone()));
        }
    }
    let mut fields = vec![
        Field::new(fields::NAME, "Name", Input::Line(validate::LONGEST_NAME)).required(),
        Field::new(fields::TITLE, "Title", Input::Line(LONGEST_LINE)),
        Field::new(fields::COMPANY, "Company", Input::Line(LONGEST_LINE)),
        Field::new(fields::EMAIL, "Email", Input::Line(LONGEST_LINE)),
        Field::new(fields::PROFILE_URL, "Profile URL", Input::Line(PROFILE_URL_MAX)).hint("Their LinkedIn or other public profile, tracked for sponsor changes."),
        Field::new(fields::REPORTS_TO, "Reports to", Input::Choice(managers)),
        Field::new(fields::INFLUENCE, "Influence", Input::Choice(with_unset(options(Influence::ALL, Influence::as_str, |i| capitalized(i.as_str()))))),
        Field::new(fields::BUYING_ROLE, "Buying role", Input::Choice(with_unset(options(BuyingRole::ALL, BuyingRole::as_str, |r| r.label().to_string())))),
        Field::new(fields::SENTIMENT, "Sentiment", Input::Choice(with_unset(options(Sentiment::ALL, Sentiment::as_str, |s| capitalized(s.as_str()))))),
        Field::new(
            fields::STRENGTH,
            "Relationship strength",
            Input::Choice(with_unset((1..=5).map(|n| (n.to_string(), format!("{n} of 5"))).collect())),
        ),
        Field::new(fields::OWNER, "Relationship owner", Input::Person).hint("Who on our team owns this relationship."),
        Field::new(fields::TRACKED, "Sponsor", Input::Tick("Track as a sponsor (changes of title or company are reported)".into())),
    ];
    let mut seen = BTreeMap::new();
    if let Some(c) = contact {
        let stored = contact_values(c);
        // The picker shows Slack users only: an owner without a Slack
        // account is named in its hint and kept while it is left empty.
        let shown_owner = c.owner_slack_id.clone().unwrap_or_default();
        let shown: Vec<(&str, String)> =
            stored.iter().map(|(id, v)| (*id, if *id == fields::OWNER { shown_owner.clone() } else { v.clone() })).collect();
        seen = prefill(&mut fields, &shown);
        if let Some((_, owner)) = stored.iter().find(|(id, _)| *id == fields::OWNER) {
            seen.insert(fields::OWNER.to_string(), fingerprint(&normalized(owner)));
        }
        seen.insert(OWNER_SHOWN.to_string(), fingerprint(&shown_owner));
        if c.owner_slack_id.is_none()
            && let Some(name) = &c.owner_name
            && let Some(field) = fields.iter_mut().find(|f| f.id == fields::OWNER)
        {
            field.hint = Some(format!("Now {name}, who has no Slack account planbot knows; leave it empty to keep them."));
        }
        fields.push(Field::new(fields::REMOVE, "Remove", Input::Tick(format!("Remove {} from the map", brief(&c.name, 40)))));
    }
    let (title, submit, note) = match contact {
        Some(c) => ("Edit contact", "Save", format!("_{} at *{}*._", c.name, account.name)),
        None => ("Add a contact", "Add", format!("_A new contact on the relationship map of *{}*._", account.name)),
    };
    Form {
        title: title.into(),
        submit: submit.into(),
        notes: vec![note],
        fields,
        state: FormState {
            kind: FormKind::Contact { account_id: account.account_id, contact_id: contact.map(|c| c.contact_id) },
            channel,
            opened: now.timestamp(),
            seen,
        },
    }
}

fn whitespace_form(account: &Account, row: Option<&whitespace::Row>, channel: Option<String>, now: DateTime<Utc>) -> Form {
    let appetites = with_unset(vec![
        (Appetite::None.as_str().into(), "None: happy with it".into()),
        (Appetite::Low.as_str().into(), "Low".into()),
        (Appetite::Medium.as_str().into(), "Medium".into()),
        (Appetite::High.as_str().into(), "High: wants to replace it".into()),
    ]);
    let mut fields = vec![
        Field::new(fields::STAGE, "Stage", Input::Choice(options(Stage::ALL, Stage::as_str, |s| s.label().to_string()))).required(),
        Field::new(fields::VENDOR, "Vendor", Input::Line(LONGEST_LINE)).hint("The incumbent vendor or tool; empty for open whitespace."),
        Field::new(fields::LIKES, "Likes", Input::Text(LONGEST_NOTE)),
        Field::new(fields::DISLIKES, "Dislikes", Input::Text(LONGEST_NOTE)),
        Field::new(fields::SPEND, "Annual spend", Input::Line(30)).hint("Whole units, like 120000 or $120,000."),
        Field::new(fields::CONTRACT_END, "Contract end", Input::Date),
        Field::new(fields::APPETITE, "Appetite", Input::Choice(appetites)).hint("Their appetite to replace it."),
    ];
    let mut seen = BTreeMap::new();
    if let Some(r) = row {
        seen = prefill(&mut fields, &whitespace_values(r));
        fields.push(Field::new(fields::REMOVE, "Remove", Input::Tick("Remove this row from the map".into())));
    }
    let (title, submit, note) = match row {
        Some(r) => ("Edit whitespace", "Save", format!("_{} at the {} stage of *{}*._", view::vendor_name(&r.vendor), r.stage.label(), account.name)),
        None => ("Add whitespace", "Add", format!("_A new row on the whitespace map of *{}*._", account.name)),
    };
    Form {
        title: title.into(),
        submit: submit.into(),
        notes: vec![note],
        fields,
        state: FormState {
            kind: FormKind::Whitespace { account_id: account.account_id, whitespace_id: row.map(|r| r.whitespace_id) },
            channel,
            opened: now.timestamp(),
            seen,
        },
    }
}

//! Observations of tracked sponsors, as a profile-tracking service sends
//! them: every observation is kept; each real change (see [`super`])
//! becomes a sponsor-change row and a message to the account team; a
//! champion or economic buyer leaving the company becomes an action item
//! for the account owner (once per departure) and, when it leaves one
//! high-influence promoter or none, a warning.
//!
//! Rules worth knowing:
//! - An observation must name a contact that is a **tracked sponsor**;
//!   one that names an unknown or untracked contact rejects the whole
//!   batch with a reason (tracking is a decision the account team makes in
//!   planbot, not something a feed of profiles turns on).
//! - A value that is missing or empty was not observed, not removed.
//! - The first value seen of an attribute is remembered without a change.
//!   A contact's company is compared with their recorded company, or with
//!   the account's name when none is recorded.
//! - An observation older than the latest one of the contact is kept but
//!   not compared: a late delivery must not undo a newer change.
//! - A change of company to one the contact does not work at
//!   ([`super::works_at`]) is a departure; back to the account, a return.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

use super::{is_real_change, works_at};
use crate::domain::enums::{DmKind, SponsorAttribute};
use crate::intel::deliver::{digest, dm_run_at};
use crate::store::outbox::{self, Delivery, NewMessage, Payload, Target};
use crate::store::sponsors::{self, Sponsor};
use crate::store::{accounts, actions, users};
use crate::render::sponsors::{ContactNews, Followup, SponsorNews, changes_message};

/// The outbox kind of sponsor-change messages.
pub const KIND: &str = "sponsor";

/// Days the owner gets to re-establish a sponsor.
pub const FOLLOWUP_DAYS: i64 = 14;

/// How an observation names its contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactRef {
    Id(i64),
    Email(String),
    /// The contact's tracked profile link (as the handbook's tool tracks a LinkedIn URL).
    ProfileUrl(String),
    /// A name at an account (any case).
    Named { account_id: i64, name: String },
}

/// What a profile service saw of one contact.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub contact: ContactRef,
    pub title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub observed_at: DateTime<Utc>,
    /// Who observed it (`linkedin-sync`, say).
    pub source: String,
}

impl Observation {
    fn value(&self, attribute: SponsorAttribute) -> Option<&str> {
        let value = match attribute {
            SponsorAttribute::Title => &self.title,
            SponsorAttribute::Company => &self.company,
            SponsorAttribute::Location => &self.location,
        };
        value.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }
}

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub sponsor_change_id: i64,
    pub attribute: SponsorAttribute,
    pub old: String,
    pub new: String,
}

/// What became of one observation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    pub contact_id: i64,
    pub contact_name: String,
    pub account_id: i64,
    pub account_name: String,
    pub changes: Vec<Change>,
    pub left_company: bool,
    pub returned: bool,
    /// Older than the contact's latest observation: kept, not compared.
    pub stale: bool,
    /// The action item created because this contact left.
    pub followup_item_id: Option<i64>,
}

/// An observation that cannot be applied, by its position in the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub index: usize,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ObserveError {
    /// Nothing was written; every observation that is wrong, and why.
    #[error("{} observations cannot be applied", .0.len())]
    Rejected(Vec<Problem>),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Applies a batch of observations in the caller's transaction (which the
/// caller rolls back on an error). Results are in the order given.
pub async fn observe(
    conn: &mut PgConnection,
    observations: &[Observation],
    now: DateTime<Utc>,
) -> Result<Vec<Observed>, ObserveError> {
    let contact_ids = resolve(conn, observations).await?;

    // Oldest first, so two observations of one contact in a batch apply in order.
    let mut order: Vec<usize> = (0..observations.len()).collect();
    order.sort_by_key(|&i| observations[i].observed_at);
    let mut results: Vec<Option<Observed>> = vec![None; observations.len()];
    let mut before: HashMap<i64, Sponsor> = HashMap::new();
    for i in order {
        let sponsor = sponsors::by_contact_id(conn, contact_ids[i]).await?.ok_or(sqlx::Error::RowNotFound)?;
        before.entry(sponsor.contact_id).or_insert_with(|| sponsor.clone());
        results[i] = Some(apply(conn, &sponsor, &observations[i]).await?);
    }
    let mut results: Vec<Observed> = results.into_iter().map(|r| r.expect("every observation was applied")).collect();

    let mut by_account: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (i, result) in results.iter().enumerate() {
        if !result.changes.is_empty() {
            by_account.entry(result.account_id).or_default().push(i);
        }
    }
    for (account_id, indices) in by_account {
        announce(conn, account_id, &indices, &mut results, &before, now).await?;
    }
    Ok(results)
}

/// Every reason the observations cannot be applied (none: they can).
pub async fn problems(conn: &mut PgConnection, observations: &[Observation]) -> sqlx::Result<Vec<Problem>> {
    match resolve(conn, observations).await {
        Ok(_) => Ok(Vec::new()),
        Err(ObserveError::Rejected(problems)) => Ok(problems),
        Err(ObserveError::Database(err)) => Err(err),
    }
}

/// The contact id of every observation, or every problem there is.
async fn resolve(conn: &mut PgConnection, observations: &[Observation]) -> Result<Vec<i64>, ObserveError> {
    let mut ids = Vec::with_capacity(observations.len());
    let mut problems = Vec::new();
    for (index, observation) in observations.iter().enumerate() {
        let found = match &observation.contact {
            ContactRef::Id(id) => sponsors::by_contact_id(conn, *id)
                .await?
                .ok_or_else(|| format!("there is no contact with contact_id {id}")),
            ContactRef::Email(email) => match sponsors::by_email(conn, email).await?.as_slice() {
                [] => Err(format!("there is no contact with email {email}")),
                [one] => Ok(one.clone()),
                several => Err(format!(
                    "{email} is a contact at {}; name the contact by contact_id",
                    several.iter().map(|s| s.account_name.as_str()).collect::<Vec<_>>().join(" and ")
                )),
            },
            ContactRef::ProfileUrl(url) => match sponsors::by_profile_url(conn, url).await?.as_slice() {
                [] => Err(format!("there is no contact with profile_url {url}")),
                [one] => Ok(one.clone()),
                several => Err(format!(
                    "{url} is the profile of contacts at {}; name the contact by contact_id",
                    several.iter().map(|s| s.account_name.as_str()).collect::<Vec<_>>().join(" and ")
                )),
            },
            ContactRef::Named { account_id, name } => sponsors::by_name(conn, *account_id, name)
                .await?
                .ok_or_else(|| format!("there is no contact named “{}” at that account", name.trim())),
        };
        match found {
            Ok(sponsor) if sponsor.tracked => ids.push(sponsor.contact_id),
            Ok(sponsor) => problems.push(Problem {
                index,
                message: format!(
                    "{} at {} is not a tracked sponsor; mark the contact tracked (contacts.csv, column `tracked`) first",
                    sponsor.name, sponsor.account_name
                ),
            }),
            Err(message) => problems.push(Problem { index, message }),
        }
        if observation.title.is_none() && observation.company.is_none() && observation.location.is_none() {
            problems.push(Problem { index, message: "give at least one of title, company and location".into() });
        }
    }
    if problems.is_empty() { Ok(ids) } else { Err(ObserveError::Rejected(problems)) }
}

/// Records one observation of `sponsor` and whatever it changes.
async fn apply(conn: &mut PgConnection, sponsor: &Sponsor, observation: &Observation) -> sqlx::Result<Observed> {
    let at = observation.observed_at;
    let id = sponsor.contact_id;
    sponsors::record_observation(
        conn,
        id,
        [
            observation.value(SponsorAttribute::Title),
            observation.value(SponsorAttribute::Company),
            observation.value(SponsorAttribute::Location),
        ],
        &observation.source,
        at,
    )
    .await?;
    let mut result = Observed {
        contact_id: id,
        contact_name: sponsor.name.clone(),
        account_id: sponsor.account_id,
        account_name: sponsor.account_name.clone(),
        changes: Vec::new(),
        left_company: false,
        returned: false,
        stale: sponsor.latest_observation.is_some_and(|latest| at < latest),
        followup_item_id: None,
    };
    if result.stale {
        return Ok(result);
    }
    for attribute in SponsorAttribute::ALL.iter().copied() {
        let Some(new) = observation.value(attribute) else { continue };
        let old = match attribute {
            SponsorAttribute::Company => sponsor
                .last_company
                .clone()
                .or_else(|| Some(sponsor.company.trim().to_string()).filter(|c| !c.is_empty()))
                .or_else(|| Some(sponsor.account_name.clone())),
            _ => sponsor.last(attribute).map(str::to_string),
        };
        let Some(old) = old else {
            sponsors::set_baseline(conn, id, attribute, new, at).await?;
            continue;
        };
        if !is_real_change(attribute, &old, new) {
            if sponsor.last(attribute).is_none() {
                sponsors::set_baseline(conn, id, attribute, new, at).await?;
            }
            continue;
        }
        let change_id = sponsors::record_change(conn, id, attribute, Some(&old), Some(new), at).await?;
        result.changes.push(Change { sponsor_change_id: change_id, attribute, old, new: new.to_string() });
        if attribute == SponsorAttribute::Company {
            let at_account = works_at(new, &sponsor.account_name);
            if !at_account && sponsor.departed_at.is_none() {
                result.left_company = sponsors::set_departed(conn, id, Some(at)).await?;
            } else if at_account && sponsor.departed_at.is_some() {
                result.returned = sponsors::set_departed(conn, id, None).await?;
            }
        }
    }
    sponsors::touch_observed(conn, id, at).await?;
    Ok(result)
}

/// The follow-ups and messages for one account's changes.
async fn announce(
    conn: &mut PgConnection,
    account_id: i64,
    indices: &[usize],
    results: &mut [Observed],
    before: &HashMap<i64, Sponsor>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let team = accounts::team(&mut *conn, account_id).await?;
    let owner = team.iter().find(|m| m.role == crate::domain::enums::TeamRole::Owner);
    let mut people: Vec<i64> = team.iter().map(|m| m.user_id).collect();
    people.sort_unstable();
    people.dedup();
    let people = users::by_ids(conn, &people).await?;

    let mut followups = Vec::new();
    let mut followup_without_plan = false;
    let mut executive_left = false;
    for &i in indices {
        let sponsor = &before[&results[i].contact_id];
        if !(results[i].left_company && sponsor.is_executive_sponsor()) {
            continue;
        }
        executive_left = true;
        let (plan_id, owner_id) = sponsors::followup_target(conn, account_id).await?;
        let Some(plan_id) = plan_id else {
            followup_without_plan = true;
            continue;
        };
        let owner_today = people
            .iter()
            .find(|u| u.user_id == owner_id)
            .map(|u| now.with_timezone(&u.time_zone()).date_naive())
            .unwrap_or_else(|| now.date_naive());
        let title = format!("Re-establish an executive sponsor at {} ({} left)", sponsor.account_name, sponsor.name);
        let item_id =
            actions::add_to_plan(conn, plan_id, &title, owner_id, Some(owner_today + Duration::days(FOLLOWUP_DAYS)), None)
                .await?;
        results[i].followup_item_id = Some(item_id);
        followups.push(Followup {
            action_item_id: item_id,
            title,
            owner: owner
                .map(|o| crate::domain::people::mention(o.slack_id.as_deref(), &o.display_name, &o.email))
                .unwrap_or_else(|| "the account owner".into()),
        });
    }
    let promoters_left =
        if executive_left { Some(sponsors::present_promoters(conn, account_id).await?) } else { None };

    let news = SponsorNews {
        account_name: results[indices[0]].account_name.clone(),
        contacts: indices
            .iter()
            .map(|&i| {
                let sponsor = &before[&results[i].contact_id];
                ContactNews {
                    name: results[i].contact_name.clone(),
                    buying_role: sponsor.buying_role,
                    influence: sponsor.influence,
                    changes: results[i].changes.iter().map(|c| (c.attribute, c.old.clone(), c.new.clone())).collect(),
                    left: results[i].left_company,
                    returned: results[i].returned,
                }
            })
            .collect(),
        followups,
        followup_without_plan,
        promoters_left,
    };
    let content = changes_message(&news);
    let change_ids: Vec<i64> =
        indices.iter().flat_map(|&i| results[i].changes.iter().map(|c| c.sponsor_change_id)).collect();
    let batch = digest(&change_ids);

    let mut messages = Vec::new();
    for person in &people {
        let Some(run_at) = dm_run_at(person, DmKind::Sponsor, now) else { continue };
        messages.push(NewMessage {
            kind: KIND,
            target: Target::User(person.user_id),
            payload: Payload { content: content.clone(), delivery: Delivery::Post },
            dedupe_key: format!("sponsor:{account_id}:u:{}:{batch}", person.user_id),
            run_at,
        });
    }
    if let Some(channel) = accounts::linked_channel_of(conn, account_id).await? {
        messages.push(NewMessage {
            kind: KIND,
            target: Target::Channel(channel.clone()),
            payload: Payload { content, delivery: Delivery::Post },
            dedupe_key: format!("sponsor:{account_id}:c:{channel}:{batch}"),
            run_at: now,
        });
    }
    outbox::enqueue_many(conn, &messages).await?;
    Ok(())
}

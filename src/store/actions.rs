//! Action items: the short-id to-dos of a plan.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};

use super::{AS_ACTOR, Actor};
use crate::domain::enums::ActionStatus;

/// An action item with the names a message shows beside it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ActionItem {
    pub action_item_id: i64,
    pub plan_id: i64,
    pub account_id: i64,
    pub account_name: String,
    pub title: String,
    pub owner_id: i64,
    pub owner_name: String,
    pub owner_email: String,
    pub owner_slack_id: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub status: ActionStatus,
    pub snoozed_until: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

impl ActionItem {
    pub fn owner_mention(&self) -> String {
        super::users::mention(self.owner_slack_id.as_deref(), &self.owner_name, &self.owner_email)
    }

    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status == ActionStatus::Open && self.due_date.is_some_and(|due| due < today)
    }

    pub fn is_snoozed(&self, now: DateTime<Utc>) -> bool {
        self.snoozed_until.is_some_and(|until| until > now)
    }
}

/// Selects [`ActionItem`]s from `action_item i` joined to its owner and account.
pub(crate) const SELECT: &str = "select i.action_item_id, i.plan_id, i.account_id, a.name as account_name, i.title, \
        i.owner_id, u.display_name as owner_name, u.email as owner_email, u.slack_id as owner_slack_id, \
        i.due_date, i.status, i.snoozed_until, i.completed_at \
    from action_item i join app_user u on u.user_id = i.owner_id join account a on a.account_id = i.account_id";

#[derive(Debug, Clone)]
pub struct NewAction {
    pub account_id: i64,
    pub title: String,
    pub owner_id: i64,
    pub due_date: Option<NaiveDate>,
}

#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("the account has no active plan")]
    NoActivePlan,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Adds an item to the account's active plan, audited, in one statement.
pub async fn add(pool: &PgPool, new: &NewAction, actor: Actor) -> Result<ActionItem, AddError> {
    let id: Option<i64> = sqlx::query_scalar(&format!(
        "insert into action_item (plan_id, account_id, title, owner_id, due_date, created_by) \
         select p.plan_id, p.account_id, $4, $5, $6, $1 \
         from plan p, {AS_ACTOR} \
         where p.account_id = $3 and p.status = 'active' \
         returning action_item_id"
    ))
    .bind(actor.user_id)
    .bind(actor.source)
    .bind(new.account_id)
    .bind(new.title.trim())
    .bind(new.owner_id)
    .bind(new.due_date)
    .fetch_optional(pool)
    .await?;
    let id = id.ok_or(AddError::NoActivePlan)?;
    // The item was written in one statement; reading it back with its names
    // cannot miss it.
    Ok(by_id(pool, id).await?.ok_or(sqlx::Error::RowNotFound)?)
}

/// Adds an item to a given plan inside the caller's transaction (imports,
/// sponsor follow-ups, intel clicks).
pub async fn add_to_plan(
    conn: &mut PgConnection,
    plan_id: i64,
    title: &str,
    owner_id: i64,
    due_date: Option<NaiveDate>,
    created_by: Option<i64>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into action_item (plan_id, account_id, title, owner_id, due_date, created_by) \
         select plan_id, account_id, $2, $3, $4, $5 from plan where plan_id = $1 \
         returning action_item_id",
    )
    .bind(plan_id)
    .bind(title.trim())
    .bind(owner_id)
    .bind(due_date)
    .bind(created_by)
    .fetch_one(conn)
    .await
}

pub async fn by_id(pool: &PgPool, id: i64) -> sqlx::Result<Option<ActionItem>> {
    sqlx::query_as(&format!("{SELECT} where i.action_item_id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// Marks an item done; `None` when there is no such item.
pub async fn complete(pool: &PgPool, id: i64, actor: Actor) -> sqlx::Result<Option<ActionItem>> {
    sqlx::query(&format!(
        "update action_item i set status = 'done', completed_at = now(), snoozed_until = null \
         from {AS_ACTOR} where i.action_item_id = $3 and i.status <> 'done'"
    ))
    .bind(actor.user_id)
    .bind(actor.source)
    .bind(id)
    .execute(pool)
    .await?;
    by_id(pool, id).await
}

/// Hides an open item from nudges until `until`.
pub async fn snooze(pool: &PgPool, id: i64, until: DateTime<Utc>, actor: Actor) -> sqlx::Result<Option<ActionItem>> {
    sqlx::query(&format!(
        "update action_item i set snoozed_until = $4 \
         from {AS_ACTOR} where i.action_item_id = $3 and i.status = 'open' \
           and i.snoozed_until is distinct from $4"
    ))
    .bind(actor.user_id)
    .bind(actor.source)
    .bind(id)
    .bind(until)
    .execute(pool)
    .await?;
    by_id(pool, id).await
}

/// Gives an open item to another owner.
pub async fn reassign(pool: &PgPool, id: i64, owner_id: i64, actor: Actor) -> sqlx::Result<Option<ActionItem>> {
    sqlx::query(&format!(
        "update action_item i set owner_id = $4, snoozed_until = null \
         from {AS_ACTOR} where i.action_item_id = $3 and i.owner_id <> $4"
    ))
    .bind(actor.user_id)
    .bind(actor.source)
    .bind(id)
    .bind(owner_id)
    .execute(pool)
    .await?;
    by_id(pool, id).await
}

/// Which of a person's items to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerFilter {
    /// Every open item.
    Open,
    /// Open items due before `today`.
    Overdue { today: NaiveDate },
    /// Open items due on or before `last_day` (overdue ones included).
    DueBy { last_day: NaiveDate },
}

/// A page of a person's open items, soonest due first, and how many there are in all.
pub async fn for_owner(pool: &PgPool, owner_id: i64, filter: OwnerFilter, limit: i64) -> sqlx::Result<(Vec<ActionItem>, i64)> {
    let (condition, day) = match filter {
        OwnerFilter::Open => ("$2::date is null", None),
        OwnerFilter::Overdue { today } => ("i.due_date < $2::date", Some(today)),
        OwnerFilter::DueBy { last_day } => ("i.due_date <= $2::date", Some(last_day)),
    };
    list(pool, &format!("i.owner_id = $1 and i.status = 'open' and {condition}"), owner_id, day, limit).await
}

/// A page of an account's open items, soonest due first, and how many there are.
pub async fn open_for_account(pool: &PgPool, account_id: i64, limit: i64) -> sqlx::Result<(Vec<ActionItem>, i64)> {
    list(pool, "i.account_id = $1 and i.status = 'open' and $2::date is null", account_id, None, limit).await
}

async fn list(
    pool: &PgPool,
    condition: &str,
    id: i64,
    day: Option<NaiveDate>,
    limit: i64,
) -> sqlx::Result<(Vec<ActionItem>, i64)> {
    let total: i64 = sqlx::query_scalar(&format!("select count(*) from action_item i where {condition}"))
        .bind(id)
        .bind(day)
        .fetch_one(pool)
        .await?;
    let items = sqlx::query_as(&format!(
        "{SELECT} where {condition} order by i.due_date nulls last, i.action_item_id limit $3"
    ))
    .bind(id)
    .bind(day)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok((items, total))
}

/// Marks an item done inside the caller's transaction (imports, the demo).
pub async fn mark_done(conn: &mut PgConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "update action_item set status = 'done', completed_at = coalesce(completed_at, now()) \
         where action_item_id = $1 and status <> 'done'",
    )
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

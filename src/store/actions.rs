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
        crate::domain::people::mention(self.owner_slack_id.as_deref(), &self.owner_name, &self.owner_email)
    }

    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status == ActionStatus::Open && self.due_date.is_some_and(|due| due < today)
    }

    pub fn is_snoozed(&self, now: DateTime<Utc>) -> bool {
        self.snoozed_until.is_some_and(|until| until > now)
    }
}

/// The columns of an [`ActionItem`], from `action_item i` joined to its owner and account.
pub(crate) const SELECT_COLUMNS: &str = "select i.action_item_id, i.plan_id, i.account_id, a.name as account_name, i.title, \
        i.owner_id, u.display_name as owner_name, u.email as owner_email, u.slack_id as owner_slack_id, \
        i.due_date, i.status, i.snoozed_until, i.completed_at";
pub(crate) const FROM_JOINS: &str =
    "from action_item i join app_user u on u.user_id = i.owner_id join account a on a.account_id = i.account_id";

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

/// The one insert of a new item on its account's active plan (with its
/// names, read from the insert's own result); `None` when the account has
/// no active plan.
async fn insert_on_active_plan<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    new: &NewAction,
    actor: Actor,
) -> sqlx::Result<Option<ActionItem>> {
    sqlx::query_as(&format!(
        "with i as ( \
             insert into action_item (plan_id, account_id, title, owner_id, due_date, created_by) \
             select p.plan_id, p.account_id, $4, $5, $6, $1 \
             from plan p, {AS_ACTOR} \
             where p.account_id = $3 and p.status = 'active' \
             returning *) \
         {SELECT_COLUMNS} from i join app_user u on u.user_id = i.owner_id join account a on a.account_id = i.account_id"
    ))
    .bind(actor.user_id)
    .bind(actor.source)
    .bind(new.account_id)
    .bind(new.title.trim())
    .bind(new.owner_id)
    .bind(new.due_date)
    .fetch_optional(executor)
    .await
}

/// Adds an item to the account's active plan, audited, in one statement
/// that also returns it with its names (the new row is read from the
/// insert's own result: the statement's snapshot does not see it in the table).
pub async fn add(pool: &PgPool, new: &NewAction, actor: Actor) -> Result<ActionItem, AddError> {
    let added = insert_on_active_plan(pool, new, actor).await?;
    added.ok_or(AddError::NoActivePlan)
}

/// Adds several items, each to its account's active plan, in one statement
/// and one transaction: what [`add`] does for each, at a fraction of the
/// cost per item when many people add items at once (see
/// [`crate::app::item_writer`]). `None` for an item whose account has no
/// active plan. Each item's audit row names the person who added it (its
/// `created_by`), and its source.
pub async fn add_many(pool: &PgPool, items: &[(NewAction, Actor)]) -> sqlx::Result<Vec<Option<ActionItem>>> {
    use sqlx::{FromRow, Row};
    let mut sources: Vec<&str> = items.iter().map(|(_, actor)| actor.source).collect();
    sources.dedup();
    assert!(sources.len() <= 1, "a batch of action items has one source");
    let source = sources.first().copied().unwrap_or("system");
    let account_ids: Vec<i64> = items.iter().map(|(new, _)| new.account_id).collect();
    let titles: Vec<&str> = items.iter().map(|(new, _)| new.title.trim()).collect();
    let owner_ids: Vec<i64> = items.iter().map(|(new, _)| new.owner_id).collect();
    let due_dates: Vec<Option<NaiveDate>> = items.iter().map(|(new, _)| new.due_date).collect();
    let created_by: Vec<Option<i64>> = items.iter().map(|(_, actor)| actor.user_id).collect();
    let rows = sqlx::query(&format!(
        "with i as ( \
             insert into action_item (plan_id, account_id, title, owner_id, due_date, created_by) \
             select p.plan_id, p.account_id, t.title, t.owner_id, t.due_date, t.created_by \
             from unnest($2::bigint[], $3::text[], $4::bigint[], $5::date[], $6::bigint[]) with ordinality \
                  as t (account_id, title, owner_id, due_date, created_by, ord) \
             cross join lateral (select plan_id, account_id from plan \
                 where plan.account_id = t.account_id and plan.status = 'active' limit 1) p, \
             (select set_config('planbot.actor_id', '', true), set_config('planbot.actor_source', $1, true)) as actor \
             order by t.ord \
             returning *) \
         {SELECT_COLUMNS}, i.created_by from i join app_user u on u.user_id = i.owner_id join account a on a.account_id = i.account_id \
         order by i.action_item_id"
    ))
    .bind(source)
    .bind(&account_ids)
    .bind(&titles)
    .bind(&owner_ids)
    .bind(&due_dates)
    .bind(&created_by)
    .fetch_all(pool)
    .await?;
    // (The lateral lookup finds each item's plan through the one-active-plan
    // index, rather than hashing every plan for a few items.)
    // Each added row goes back to the request it came from, matched by what
    // was asked (identical requests are interchangeable).
    let mut added: Vec<Option<(ActionItem, Option<i64>)>> = Vec::with_capacity(rows.len());
    for row in &rows {
        added.push(Some((ActionItem::from_row(row)?, row.try_get("created_by")?)));
    }
    Ok(items
        .iter()
        .map(|(new, actor)| {
            let slot = added.iter_mut().find(|slot| {
                slot.as_ref().is_some_and(|(item, by)| {
                    item.account_id == new.account_id
                        && item.title == new.title.trim()
                        && item.owner_id == new.owner_id
                        && item.due_date == new.due_date
                        && *by == actor.user_id
                })
            })?;
            slot.take().map(|(item, _)| item)
        })
        .collect())
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
    sqlx::query_as(&format!("{SELECT_COLUMNS} {FROM_JOINS} where i.action_item_id = $1"))
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
    /// Open items due from `first_day` to `last_day`.
    DueBetween { first_day: NaiveDate, last_day: NaiveDate },
}

/// A page of a person's open items, soonest due first, and how many there are in all.
pub async fn for_owner(pool: &PgPool, owner_id: i64, filter: OwnerFilter, limit: i64) -> sqlx::Result<(Vec<ActionItem>, i64)> {
    let mut query = open_items_query();
    query.push(" and i.owner_id = ").push_bind(owner_id);
    push_filter(&mut query, filter);
    page(pool, query, limit).await
}

fn push_filter(query: &mut sqlx::QueryBuilder<'static, sqlx::Postgres>, filter: OwnerFilter) {
    match filter {
        OwnerFilter::Open => {}
        OwnerFilter::Overdue { today } => {
            query.push(" and i.due_date < ").push_bind(today);
        }
        OwnerFilter::DueBy { last_day } => {
            query.push(" and i.due_date <= ").push_bind(last_day);
        }
        OwnerFilter::DueBetween { first_day, last_day } => {
            query.push(" and i.due_date between ").push_bind(first_day).push(" and ").push_bind(last_day);
        }
    }
}

/// A page of an account's open items, soonest due first, and how many there are.
pub async fn open_for_account(pool: &PgPool, account_id: i64, limit: i64) -> sqlx::Result<(Vec<ActionItem>, i64)> {
    let mut query = open_items_query();
    query.push(" and i.account_id = ").push_bind(account_id);
    page(pool, query, limit).await
}

/// A page of an account's open items that pass `filter` (whoever owns
/// them), soonest due first, and how many there are.
pub async fn for_account(pool: &PgPool, account_id: i64, filter: OwnerFilter, limit: i64) -> sqlx::Result<(Vec<ActionItem>, i64)> {
    let mut query = open_items_query();
    query.push(" and i.account_id = ").push_bind(account_id);
    push_filter(&mut query, filter);
    page(pool, query, limit).await
}

/// Open items with their names and the count of all that match, to which
/// callers add conditions.
fn open_items_query() -> sqlx::QueryBuilder<'static, sqlx::Postgres> {
    sqlx::QueryBuilder::new(format!(
        "{SELECT_COLUMNS}, count(*) over () as total {FROM_JOINS} where i.status = 'open'"
    ))
}

async fn page(
    pool: &PgPool,
    mut query: sqlx::QueryBuilder<'static, sqlx::Postgres>,
    limit: i64,
) -> sqlx::Result<(Vec<ActionItem>, i64)> {
    // The window count is taken before the limit: it counts every match.
    query.push(" order by i.due_date nulls last, i.action_item_id limit ").push_bind(limit);
    let rows: Vec<CountedItem> = query.build_query_as().fetch_all(pool).await?;
    // The count rides on every row of the page; an empty page means none match.
    let total = rows.first().map_or(0, |row| row.total);
    Ok((rows.into_iter().map(|row| row.item).collect(), total))
}

#[derive(sqlx::FromRow)]
struct CountedItem {
    #[sqlx(flatten)]
    item: ActionItem,
    total: i64,
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

/// An open item of the plan with this title (any case), if there is one:
/// a second click on the same button finds the item the first one made.
pub async fn open_with_title(conn: &mut PgConnection, plan_id: i64, title: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "select action_item_id from action_item \
         where plan_id = $1 and lower(title) = lower($2) and status = 'open' order by action_item_id limit 1",
    )
    .bind(plan_id)
    .bind(title.trim())
    .fetch_optional(conn)
    .await
}

/// A plan's items: open ones by due date, then the rest, oldest first.
pub async fn for_plan(pool: &PgPool, plan_id: i64) -> sqlx::Result<Vec<ActionItem>> {
    sqlx::query_as(&format!(
        "{SELECT_COLUMNS} {FROM_JOINS} where i.plan_id = $1 \
         order by i.status <> 'open', i.due_date nulls last, i.action_item_id"
    ))
    .bind(plan_id)
    .fetch_all(pool)
    .await
}

/// How many action items there are, and how many of them are open and were
/// due before `today` (the demo's opening line).
pub async fn count_with_overdue(conn: &mut PgConnection, today: NaiveDate) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as("select count(*), count(*) filter (where status = 'open' and due_date < $1) from action_item")
        .bind(today)
        .fetch_one(conn)
        .await
}

/// Sets an open item's due date.
pub async fn set_due(pool: &PgPool, id: i64, due: NaiveDate, actor: Actor) -> sqlx::Result<Option<ActionItem>> {
    sqlx::query(&format!(
        "update action_item i set due_date = $4 \
         from {AS_ACTOR} where i.action_item_id = $3 and i.status = 'open' \
           and i.due_date is distinct from $4"
    ))
    .bind(actor.user_id)
    .bind(actor.source)
    .bind(id)
    .bind(due)
    .execute(pool)
    .await?;
    by_id(pool, id).await
}

/// An item on the account's active plan (where items are added) with this
/// title (any case, trimmed) created since `since` and not cancelled: the
/// same item typed twice in a row. Found through the plan/title index, as
/// [`crate::store::accounts::callers_and_exact`] does on the hot path.
pub async fn recent_with_title(
    pool: &PgPool,
    account_id: i64,
    title: &str,
    since: DateTime<Utc>,
) -> sqlx::Result<Option<ActionItem>> {
    sqlx::query_as(&format!(
        "{SELECT_COLUMNS} {FROM_JOINS} \
         where i.plan_id = (select p.plan_id from plan p where p.account_id = $1 and p.status = 'active') \
           and lower(i.title) = lower($2) \
           and i.created_at >= $3 and i.status <> 'cancelled' \
         order by i.action_item_id desc limit 1"
    ))
    .bind(account_id)
    .bind(title.trim())
    .bind(since)
    .fetch_optional(pool)
    .await
}

/// Adds an item once per `key` (a confirmation button's, say): the first
/// call adds it and records the key in the same transaction; later calls
/// with the same key add nothing and return `Ok(None)`.
pub async fn add_once(pool: &PgPool, key: &str, new: &NewAction, actor: Actor) -> Result<Option<ActionItem>, AddError> {
    let mut tx = pool.begin().await?;
    let claimed = sqlx::query("insert into slack_event (event_id) values ($1) on conflict do nothing")
        .bind(key)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if claimed == 0 {
        return Ok(None);
    }
    let added = insert_on_active_plan(&mut *tx, new, actor).await?;
    let added = added.ok_or(AddError::NoActivePlan)?;
    tx.commit().await?;
    Ok(Some(added))
}

/// Where an undo's audit rows say they came from; an undone change is not
/// offered again.
pub const UNDO_SOURCE: &str = "undo";

/// One change a person made to an action item, as the audit recorded it.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub item_id: i64,
    /// `insert` for an item they added, else `update`.
    pub action: String,
    /// (field, old value, new value) of an update.
    pub fields: Vec<(String, Option<String>, Option<String>)>,
    /// Whether someone else changed the item after it.
    pub changed_since: bool,
}

/// (item id, action, field, old value, new value, changed by someone else since)
type AuditRow = (i64, String, Option<String>, Option<String>, Option<String>, bool);

/// A person's last change to an action item in Slack since `since` that
/// has not been undone, from the audit table. (Once an item has an undo, its
/// earlier changes are not offered again.)
pub async fn last_change(pool: &PgPool, user_id: i64, since: DateTime<Utc>) -> sqlx::Result<Option<Change>> {
    let rows: Vec<AuditRow> = sqlx::query_as(
        "with last as ( \
             select h.entity_id, h.changed_at, h.audit_id from audit h \
             where h.entity = 'action_item' and h.actor_id = $1 and h.actor_source = 'slack' and h.changed_at >= $2 \
               and not exists (select 1 from audit u where u.entity = 'action_item' and u.entity_id = h.entity_id \
                               and u.actor_source = $3 and u.audit_id > h.audit_id) \
             order by h.audit_id desc limit 1) \
         select h.entity_id, h.action, h.field, h.old_value, h.new_value, \
                exists (select 1 from audit o where o.entity = 'action_item' and o.entity_id = h.entity_id \
                        and o.audit_id > last.audit_id and o.changed_at <> last.changed_at) as changed_since \
         from audit h join last on h.entity_id = last.entity_id and h.changed_at = last.changed_at \
         where h.entity = 'action_item' and h.actor_id = $1 and h.actor_source = 'slack' \
         order by h.audit_id",
    )
    .bind(user_id)
    .bind(since)
    .bind(UNDO_SOURCE)
    .fetch_all(pool)
    .await?;
    let Some(first) = rows.first() else { return Ok(None) };
    let action = if rows.iter().any(|row| row.1 == "insert") { "insert" } else { "update" };
    Ok(Some(Change {
        item_id: first.0,
        action: action.to_string(),
        changed_since: rows.iter().any(|row| row.5),
        fields: rows
            .iter()
            .filter_map(|row| row.2.clone().map(|field| (field, row.3.clone(), row.4.clone())))
            .collect(),
    }))
}

/// The fields an undo may put back.
pub const RESTORABLE: [&str; 5] = ["status", "completed_at", "snoozed_until", "owner_id", "due_date"];

/// Puts back the given fields of an item (`field → value as the audit wrote
/// it`, JSON null for none), audited as an undo by `user_id`.
pub async fn restore(
    pool: &PgPool,
    id: i64,
    values: &serde_json::Map<String, serde_json::Value>,
    user_id: i64,
) -> sqlx::Result<Option<ActionItem>> {
    let values: serde_json::Map<String, serde_json::Value> =
        values.iter().filter(|(field, _)| RESTORABLE.contains(&field.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
    sqlx::query(&format!(
        "update action_item i set (status, completed_at, snoozed_until, owner_id, due_date) = \
             (select r.status, r.completed_at, r.snoozed_until, r.owner_id, r.due_date \
              from jsonb_populate_record(i, $4::jsonb) r) \
         from {AS_ACTOR} where i.action_item_id = $3"
    ))
    .bind(Some(user_id))
    .bind(UNDO_SOURCE)
    .bind(id)
    .bind(serde_json::Value::Object(values))
    .execute(pool)
    .await?;
    by_id(pool, id).await
}

/// These items (those that still exist), in one query.
pub async fn by_ids(pool: &PgPool, ids: &[i64]) -> sqlx::Result<Vec<ActionItem>> {
    sqlx::query_as(&format!("{SELECT_COLUMNS} {FROM_JOINS} where i.action_item_id = any($1)"))
        .bind(ids)
        .fetch_all(pool)
        .await
}

/// An account's items done after `since`, newest first (a page), and how many.
pub async fn done_since(pool: &PgPool, account_id: i64, since: DateTime<Utc>, limit: i64) -> sqlx::Result<(Vec<ActionItem>, i64)> {
    let mut query = sqlx::QueryBuilder::new(format!("{SELECT_COLUMNS}, count(*) over () as total {FROM_JOINS} where i.status = 'done'"));
    query.push(" and i.account_id = ").push_bind(account_id).push(" and i.completed_at > ").push_bind(since);
    query.push(" order by i.completed_at desc, i.action_item_id limit ").push_bind(limit);
    let rows: Vec<CountedItem> = query.build_query_as().fetch_all(pool).await?;
    let total = rows.first().map_or(0, |row| row.total);
    Ok((rows.into_iter().map(|row| row.item).collect(), total))
}

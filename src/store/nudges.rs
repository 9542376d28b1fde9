//! Overdue nudges: whose items are overdue, who was nudged when, and who
//! has been ignoring them.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use super::actions::{ActionItem, FROM_JOINS, SELECT_COLUMNS};
use super::jobs::DueZones;
use super::users::{COLUMNS, User};

/// An overdue item of an owner, with how many overdue items the owner has
/// in all and the owner's local date.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OverdueItem {
    #[sqlx(flatten)]
    pub item: ActionItem,
    pub owner_total: i64,
    pub today: NaiveDate,
}

/// The overdue query, parameterised as [`overdue`] binds it (`$1` zone
/// names, `$2` their local dates, `$3` now, `$4` whether days off are
/// skipped, `$5` items per owner, `$6` the latest of the local dates).
/// Public so the benchmark can show its plan.
///
/// Its first step is fenced off (`materialized`) so that it is always a
/// range scan of `action_item_open_due_idx` (open items by due date) up to
/// the latest local date: the overdue items, and nothing else. Its cost
/// thus grows with the overdue items, not with all items nor with all
/// people. Owners are then filtered by zone, preference and working day,
/// and only each owner's first items are fetched with their names.
pub fn overdue_query() -> String {
    format!(
        "with zone (tz, today) as (select * from unnest($1::text[], $2::date[])), \
         late as materialized ( \
             select action_item_id, owner_id, due_date from action_item \
             where status = 'open' and due_date < $6 \
               and (snoozed_until is null or snoozed_until <= $3) \
         ), \
         overdue as ( \
             select l.action_item_id, z.today, \
                    row_number() over (partition by l.owner_id order by l.due_date, l.action_item_id) as place, \
                    count(*) over (partition by l.owner_id) as owner_total \
             from late l \
             join app_user u on u.user_id = l.owner_id \
             join zone z on z.tz = u.tz \
             where l.due_date < z.today \
               and not ('nudge' = any(u.dm_muted)) \
               and (not $4 or extract(isodow from z.today)::smallint = any(u.working_days)) \
         ) \
         select x.*, o.owner_total, o.today \
         from overdue o cross join lateral ({SELECT_COLUMNS} {FROM_JOINS} where i.action_item_id = o.action_item_id) x \
         where o.place <= $5 \
         order by x.owner_id, o.place"
    )
}

/// Each due owner's first `per_owner` overdue, unsnoozed items (soonest due
/// first), owners in id order. Owners who muted nudges are left out, and
/// on a scheduled run so are owners on a day off.
pub async fn overdue(
    conn: &mut PgConnection,
    zones: &DueZones,
    now: DateTime<Utc>,
    skip_days_off: bool,
    per_owner: i64,
) -> sqlx::Result<Vec<OverdueItem>> {
    let Some((_, latest)) = zones.day_range() else { return Ok(Vec::new()) };
    sqlx::query_as(&overdue_query())
        .bind(&zones.names)
        .bind(&zones.days)
        .bind(now)
        .bind(skip_days_off)
        .bind(per_owner)
        .bind(latest)
        .fetch_all(conn)
        .await
}

/// An owner about to be nudged, and how they treated their last nudge.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Standing {
    #[sqlx(flatten)]
    pub user: User,
    /// They were nudged before.
    pub was_nudged: bool,
    /// They changed one of their action items after their latest nudge was written.
    pub acted_since: bool,
}

/// The standing of each of these owners, against their latest nudge.
pub async fn standings(conn: &mut PgConnection, owners: &[i64]) -> sqlx::Result<Vec<Standing>> {
    sqlx::query_as(&format!(
        "select {COLUMNS}, latest.audit_watermark is not null as was_nudged, \
                coalesce(exists (select 1 from audit h \
                                 where h.actor_id = u.user_id and h.entity = 'action_item' \
                                   and h.audit_id > latest.audit_watermark), false) as acted_since \
         from app_user u \
         left join lateral (select n.audit_watermark from nudge n where n.user_id = u.user_id \
                            order by n.local_date desc limit 1) latest on true \
         where u.user_id = any($1) \
         order by u.user_id"
    ))
    .bind(owners)
    .fetch_all(conn)
    .await
}

/// Records nudges (`owners[i]` on their local day `days[i]`, the day it
/// reaches them, with `counts[i]` items), stamped with `audit_watermark`;
/// returns the owners not nudged on that day before, the only ones to send to.
pub async fn record(
    conn: &mut PgConnection,
    owners: &[i64],
    days: &[NaiveDate],
    counts: &[i32],
    audit_watermark: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "insert into nudge (user_id, local_date, item_count, audit_watermark) \
         select user_id, local_date, item_count, $4 \
         from unnest($1::bigint[], $2::date[], $3::int[]) as t (user_id, local_date, item_count) \
         on conflict (user_id, local_date) do nothing \
         returning user_id",
    )
    .bind(owners)
    .bind(days)
    .bind(counts)
    .bind(audit_watermark)
    .fetch_all(conn)
    .await
}

/// Sets owners' ignored-nudge counters (`owners[i]` to `counts[i]`).
pub async fn set_ignored(conn: &mut PgConnection, owners: &[i64], counts: &[i32]) -> sqlx::Result<()> {
    if owners.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "update app_user u set ignored_nudges = t.ignored \
         from unnest($1::bigint[], $2::int[]) as t (user_id, ignored) \
         where u.user_id = t.user_id and u.ignored_nudges <> t.ignored",
    )
    .bind(owners)
    .bind(counts)
    .execute(conn)
    .await?;
    Ok(())
}

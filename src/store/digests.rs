//! What a digest tells a person: their overdue and upcoming items, the
//! deadlines and renewals of their accounts, and how much their accounts
//! changed since the last digest.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sqlx::PgConnection;

use super::actions::{ActionItem, FROM_JOINS, SELECT_COLUMNS};
use super::users::{COLUMNS, User};
use crate::domain::enums::DigestFrequency;

/// The people whose digest schedule is one of the due ones (`zones[i]`,
/// `frequencies[i]`, `times[i]`, `weekdays[i]`), each with their local date
/// `days[i]` of that schedule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DueDigests {
    pub zones: Vec<String>,
    pub frequencies: Vec<DigestFrequency>,
    pub times: Vec<NaiveTime>,
    pub weekdays: Vec<i16>,
    pub days: Vec<NaiveDate>,
}

/// A person whose digest is due, and their local date.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DigestReader {
    #[sqlx(flatten)]
    pub user: User,
    pub today: NaiveDate,
}

pub async fn readers(conn: &mut PgConnection, due: &DueDigests, skip_days_off: bool) -> sqlx::Result<Vec<DigestReader>> {
    if due.zones.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as(&format!(
        "select {COLUMNS}, d.today from app_user u \
         join unnest($1::text[], $2::text[], $3::time[], $4::smallint[], $5::date[]) \
              as d (due_tz, due_digest, due_time, due_weekday, today) \
           on u.tz = d.due_tz and u.digest = d.due_digest and u.digest_time = d.due_time \
          and (u.digest = 'daily' or u.digest_weekday = d.due_weekday) \
         where not ('digest' = any(u.dm_muted)) \
           and (not $6 or extract(isodow from d.today)::smallint = any(u.working_days)) \
         order by u.user_id"
    ))
    .bind(&due.zones)
    .bind(&due.frequencies)
    .bind(&due.times)
    .bind(&due.weekdays)
    .bind(&due.days)
    .bind(skip_days_off)
    .fetch_all(conn)
    .await
}

/// One of a reader's open items due within the digest's horizon (overdue
/// ones included), with the reader's totals.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DigestItem {
    #[sqlx(flatten)]
    pub item: ActionItem,
    pub overdue_total: i64,
    pub upcoming_total: i64,
}

/// Each reader's first `per_reader` open, unsnoozed items due by their
/// today + `horizon` days, soonest first (`readers[i]` on `days[i]`).
pub async fn items(
    conn: &mut PgConnection,
    readers: &[i64],
    days: &[NaiveDate],
    horizon: i32,
    now: DateTime<Utc>,
    per_reader: i64,
) -> sqlx::Result<Vec<DigestItem>> {
    sqlx::query_as(&format!(
        "with due as ( \
             select i.action_item_id, \
                    row_number() over (partition by i.owner_id order by i.due_date, i.action_item_id) as place, \
                    count(*) filter (where i.due_date < r.today) over (partition by i.owner_id) as overdue_total, \
                    count(*) filter (where i.due_date >= r.today) over (partition by i.owner_id) as upcoming_total \
             from unnest($1::bigint[], $2::date[]) as r (user_id, today) \
             join action_item i on i.owner_id = r.user_id and i.status = 'open' \
             where i.due_date <= r.today + $3 \
               and (i.snoozed_until is null or i.snoozed_until <= $4) \
         ) \
         select x.*, d.overdue_total, d.upcoming_total \
         from due d cross join lateral ({SELECT_COLUMNS} {FROM_JOINS} where i.action_item_id = d.action_item_id) x \
         where d.place <= $5 \
         order by x.owner_id, d.place"
    ))
    .bind(readers)
    .bind(days)
    .bind(horizon)
    .bind(now)
    .bind(per_reader)
    .fetch_all(conn)
    .await
}

/// A date coming up on one of a reader's accounts.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AccountDate {
    pub user_id: i64,
    pub account_name: String,
    /// `plan` (its due date) or `renewal`.
    pub what: String,
    /// The plan's name, for plan due dates.
    pub plan_name: Option<String>,
    pub date: NaiveDate,
}

/// Active plans due and renewals within `horizon` days on the accounts each
/// reader is on the team of, soonest first.
pub async fn account_dates(
    conn: &mut PgConnection,
    readers: &[i64],
    days: &[NaiveDate],
    horizon: i32,
) -> sqlx::Result<Vec<AccountDate>> {
    sqlx::query_as(
        "with mine as ( \
             select distinct r.user_id, r.today, t.account_id \
             from unnest($1::bigint[], $2::date[]) as r (user_id, today) \
             join account_team t on t.user_id = r.user_id \
         ) \
         select m.user_id, a.name as account_name, 'plan' as what, p.name as plan_name, p.due_date as date \
         from mine m join account a using (account_id) join plan p on p.account_id = a.account_id and p.status = 'active' \
         where p.due_date between m.today and m.today + $3 \
         union all \
         select m.user_id, a.name, 'renewal', null, a.renewal_date \
         from mine m join account a using (account_id) \
         where a.renewal_date between m.today and m.today + $3 \
         order by user_id, date, account_name",
    )
    .bind(readers)
    .bind(days)
    .bind(horizon)
    .fetch_all(conn)
    .await
}

/// How much one of a reader's accounts changed, and by how many people.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AccountChanges {
    pub user_id: i64,
    pub account_name: String,
    pub changes: i64,
    pub people: i64,
}

/// Changes others made to each reader's accounts since `since[i]`, busiest first.
pub async fn changes(
    conn: &mut PgConnection,
    readers: &[i64],
    since: &[DateTime<Utc>],
) -> sqlx::Result<Vec<AccountChanges>> {
    sqlx::query_as(
        "select r.user_id, a.name as account_name, count(*) as changes, \
                count(distinct h.actor_id) as people \
         from unnest($1::bigint[], $2::timestamptz[]) as r (user_id, since) \
         cross join lateral (select distinct account_id from account_team where user_id = r.user_id) t \
         join account a on a.account_id = t.account_id \
         join audit h on h.account_id = t.account_id and h.changed_at > r.since \
         where h.actor_id is distinct from r.user_id \
         group by r.user_id, a.account_id, a.name \
         order by r.user_id, count(*) desc, a.name",
    )
    .bind(readers)
    .bind(since)
    .fetch_all(conn)
    .await
}

//! The facts the scheduled alerts announce: deadlines coming up in a linked
//! channel, renewals without a plan, plans gone stale. Each query takes the
//! zones a run is for and finds facts of accounts whose owner lives there
//! (an account's alerts keep its owner's clock).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use super::jobs::DueZones;
use crate::domain::plan::SECTIONS;

/// The account owners in the run's zones, with their local date; `$1` zone
/// names, `$2` dates, `$3` whether days off are skipped.
const DUE_OWNERS: &str = "due_owner as ( \
        select t.account_id, u.user_id as owner_id, z.today \
        from unnest($1::text[], $2::date[]) as z (tz, today) \
        join app_user u on u.tz = z.tz \
        join account_team t on t.user_id = u.user_id and t.role = 'owner' \
        where not $3 or extract(isodow from z.today)::smallint = any(u.working_days))";

/// What has a deadline: a plan's due date or an action item's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    Plan,
    Item,
}

impl Subject {
    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Plan => "plan",
            Subject::Item => "item",
        }
    }
}

impl TryFrom<String> for Subject {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        match value.as_str() {
            "plan" => Ok(Subject::Plan),
            "item" => Ok(Subject::Item),
            other => Err(format!("`{other}` is not a deadline subject")),
        }
    }
}

/// A plan or open action item due soon (or just past) on an account with a
/// linked channel.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Deadline {
    #[sqlx(try_from = "String")]
    pub subject: Subject,
    pub subject_id: i64,
    pub account_id: i64,
    pub account_name: String,
    pub channel: String,
    /// The plan's name or the item's title.
    pub title: String,
    pub due_date: NaiveDate,
    /// Who the item is for (items only).
    pub assignee_slack_id: Option<String>,
    pub assignee_name: Option<String>,
    pub assignee_email: Option<String>,
    pub owner_id: i64,
    /// The account owner's local date.
    pub today: NaiveDate,
}

/// Plans and open items due from `before` days ago to `ahead` days from the
/// owner's today, on linked accounts. Range scans on `plan_due_idx` and
/// `action_item_open_due_idx`.
pub async fn deadlines(
    conn: &mut PgConnection,
    zones: &DueZones,
    skip_days_off: bool,
    before: i32,
    ahead: i32,
) -> sqlx::Result<Vec<Deadline>> {
    let Some((first, last)) = zones.day_range() else { return Ok(Vec::new()) };
    sqlx::query_as(&format!(
        "with {DUE_OWNERS} \
         select 'plan' as subject, p.plan_id as subject_id, a.account_id, a.name as account_name, \
                a.slack_channel as channel, p.name as title, p.due_date, \
                null::text as assignee_slack_id, null::text as assignee_name, null::text as assignee_email, \
                o.owner_id, o.today \
         from plan p join account a using (account_id) join due_owner o using (account_id) \
         where p.status = 'active' and a.slack_channel is not null \
           and p.due_date between $4::date - $6 and $5::date + $7 \
           and p.due_date between o.today - $6 and o.today + $7 \
         union all \
         select 'item', i.action_item_id, a.account_id, a.name, a.slack_channel, i.title, i.due_date, \
                u.slack_id, u.display_name, u.email, o.owner_id, o.today \
         from action_item i join account a using (account_id) join due_owner o using (account_id) \
         join app_user u on u.user_id = i.owner_id \
         where i.status = 'open' and a.slack_channel is not null \
           and i.due_date between $4::date - $6 and $5::date + $7 \
           and i.due_date between o.today - $6 and o.today + $7 \
         order by account_id, due_date, subject, subject_id"
    ))
    .bind(&zones.names)
    .bind(&zones.days)
    .bind(skip_days_off)
    .bind(first)
    .bind(last)
    .bind(before)
    .bind(ahead)
    .fetch_all(conn)
    .await
}

/// An account renewing soon that has no active plan.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct UnplannedRenewal {
    pub account_id: i64,
    pub account_name: String,
    pub renewal_date: NaiveDate,
    pub owner_id: i64,
    pub today: NaiveDate,
}

/// Accounts renewing within `horizon` days of their owner's today with no
/// active plan (a draft does not count: nobody is working from it).
pub async fn unplanned_renewals(
    conn: &mut PgConnection,
    zones: &DueZones,
    skip_days_off: bool,
    horizon: i32,
) -> sqlx::Result<Vec<UnplannedRenewal>> {
    let Some((first, last)) = zones.day_range() else { return Ok(Vec::new()) };
    sqlx::query_as(&format!(
        "with {DUE_OWNERS} \
         select a.account_id, a.name as account_name, a.renewal_date, o.owner_id, o.today \
         from account a join due_owner o using (account_id) \
         where a.renewal_date between $4::date and $5::date + $6 \
           and a.renewal_date between o.today and o.today + $6 \
           and not exists (select 1 from plan p where p.account_id = a.account_id and p.status = 'active') \
         order by o.owner_id, a.renewal_date, a.account_id"
    ))
    .bind(&zones.names)
    .bind(&zones.days)
    .bind(skip_days_off)
    .bind(first)
    .bind(last)
    .bind(horizon)
    .fetch_all(conn)
    .await
}

/// An active plan whose sections have not changed for a while, and the
/// last section edit the audit history holds.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StalePlan {
    pub plan_id: i64,
    pub plan_name: String,
    pub account_id: i64,
    pub account_name: String,
    pub sections_changed_at: DateTime<Utc>,
    /// The section last edited, by whom and when (none: never edited since
    /// the plan was created).
    pub last_field: Option<String>,
    pub last_editor: Option<String>,
    pub last_edited_at: Option<DateTime<Utc>>,
    pub owner_id: i64,
    pub today: NaiveDate,
}

/// Active plans whose sections last changed before `changed_before`.
pub async fn stale_plans(
    conn: &mut PgConnection,
    zones: &DueZones,
    skip_days_off: bool,
    changed_before: DateTime<Utc>,
) -> sqlx::Result<Vec<StalePlan>> {
    if zones.is_empty() {
        return Ok(Vec::new());
    }
    let sections: Vec<&str> = SECTIONS.iter().map(|s| s.key).collect();
    sqlx::query_as(&format!(
        "with {DUE_OWNERS} \
         select p.plan_id, p.name as plan_name, a.account_id, a.name as account_name, p.sections_changed_at, \
                last.field as last_field, nullif(editor.display_name, '') as last_editor, \
                last.changed_at as last_edited_at, o.owner_id, o.today \
         from plan p join account a using (account_id) join due_owner o using (account_id) \
         left join lateral (select h.field, h.actor_id, h.changed_at from audit h \
                            where h.entity = 'plan' and h.entity_id = p.plan_id and h.field = any($5) \
                            order by h.changed_at desc, h.audit_id desc limit 1) last on true \
         left join app_user editor on editor.user_id = last.actor_id \
         where p.status = 'active' and p.sections_changed_at < $4 \
         order by o.owner_id, p.sections_changed_at, p.plan_id"
    ))
    .bind(&zones.names)
    .bind(&zones.days)
    .bind(skip_days_off)
    .bind(changed_before)
    .bind(&sections)
    .fetch_all(conn)
    .await
}

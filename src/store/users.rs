//! People: imported by email, linked to their Slack id when first seen.

use chrono::NaiveTime;
use sqlx::{PgConnection, PgPool};

use crate::domain::enums::{DigestFrequency, UserRole};
use crate::domain::people::Person;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct User {
    pub user_id: i64,
    pub slack_id: Option<String>,
    pub email: String,
    pub display_name: String,
    pub tz: String,
    pub manager_id: Option<i64>,
    pub role: UserRole,
    pub dm_muted: Vec<String>,
    pub quiet_start: Option<NaiveTime>,
    pub quiet_end: Option<NaiveTime>,
    pub working_days: Vec<i16>,
    pub digest: DigestFrequency,
    pub digest_time: NaiveTime,
    pub digest_weekday: i16,
    pub ignored_nudges: i32,
    pub slack_synced_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[cfg(test)]
impl User {
    /// Dana, a member in New York with the default settings and no manager,
    /// for unit tests (change what a test is about with `..User::example()`).
    pub fn example() -> Self {
        User {
            user_id: 1,
            slack_id: Some("U1".into()),
            email: "dana@example.com".into(),
            display_name: "Dana Reyes".into(),
            tz: "America/New_York".into(),
            manager_id: None,
            role: UserRole::Member,
            dm_muted: vec![],
            quiet_start: None,
            quiet_end: None,
            working_days: vec![1, 2, 3, 4, 5],
            digest: DigestFrequency::Off,
            digest_time: NaiveTime::from_hms_opt(8, 30, 0).unwrap(),
            digest_weekday: 1,
            ignored_nudges: 0,
            slack_synced_at: None,
        }
    }
}

impl User {
    /// The person's time zone; an unknown name (Slack sends IANA names, but
    /// imports may not) falls back to UTC rather than failing.
    pub fn time_zone(&self) -> chrono_tz::Tz {
        self.tz.parse().unwrap_or(chrono_tz::UTC)
    }
}

impl Person for User {
    fn slack_id(&self) -> Option<&str> {
        self.slack_id.as_deref()
    }
    fn display_name(&self) -> &str {
        &self.display_name
    }
    fn email(&self) -> &str {
        &self.email
    }
    fn zone(&self) -> chrono_tz::Tz {
        self.time_zone()
    }
    fn quiet_hours(&self) -> Option<(NaiveTime, NaiveTime)> {
        self.quiet_start.zip(self.quiet_end)
    }
    fn work_days(&self) -> &[i16] {
        &self.working_days
    }
    fn muted_kinds(&self) -> &[String] {
        &self.dm_muted
    }
}

pub(crate) const COLUMNS: &str = "user_id, slack_id, email, display_name, tz, manager_id, role, dm_muted, \
    quiet_start, quiet_end, working_days, digest, digest_time, digest_weekday, ignored_nudges, slack_synced_at";

/// A person as an import or the demo describes them.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub slack_id: Option<String>,
    pub tz: Option<String>,
    pub manager_email: Option<String>,
    pub role: Option<UserRole>,
}

pub async fn by_id(pool: &PgPool, user_id: i64) -> sqlx::Result<Option<User>> {
    sqlx::query_as(&format!("select {COLUMNS} from app_user where user_id = $1"))
        .bind(user_id)
        .fetch_optional(pool)
        .await
}

/// The people with these ids (those that exist), in id order.
pub async fn by_ids(conn: &mut PgConnection, user_ids: &[i64]) -> sqlx::Result<Vec<User>> {
    sqlx::query_as(&format!("select {COLUMNS} from app_user where user_id = any($1) order by user_id"))
        .bind(user_ids)
        .fetch_all(conn)
        .await
}

/// Remembers the Slack id found for a person by their email (when they must
/// be messaged before they have written to planbot). `false` when another
/// person already holds that id: the two rows need a human to sort them out.
pub async fn remember_slack_id(pool: &PgPool, user_id: i64, slack_id: &str) -> sqlx::Result<bool> {
    let updated = sqlx::query(
        "update app_user set slack_id = $2 where user_id = $1 \
           and not exists (select 1 from app_user other where other.slack_id = $2 and other.user_id <> $1)",
    )
    .bind(user_id)
    .bind(slack_id)
    .execute(pool)
    .await?;
    Ok(updated.rows_affected() == 1)
}

pub async fn by_slack_id(pool: &PgPool, slack_id: &str) -> sqlx::Result<Option<User>> {
    sqlx::query_as(&format!("select {COLUMNS} from app_user where slack_id = $1"))
        .bind(slack_id)
        .fetch_optional(pool)
        .await
}

pub async fn by_email(conn: &mut PgConnection, email: &str) -> sqlx::Result<Option<User>> {
    sqlx::query_as(&format!("select {COLUMNS} from app_user where email = lower($1)"))
        .bind(email.trim())
        .fetch_optional(conn)
        .await
}

/// Links a Slack user to the person with their email, creating a member if
/// nobody has that email yet, and keeps their time zone current.
pub async fn link_slack_identity(
    pool: &PgPool,
    slack_id: &str,
    email: &str,
    display_name: &str,
    tz: Option<&str>,
) -> sqlx::Result<User> {
    let mut tx = pool.begin().await?;
    // Another person may hold this Slack id from an earlier import mistake;
    // the id belongs to whoever Slack says has this email.
    sqlx::query("update app_user set slack_id = null where slack_id = $1 and email <> lower($2)")
        .bind(slack_id)
        .bind(email.trim())
        .execute(&mut *tx)
        .await?;
    let user = sqlx::query_as(&format!(
        "insert into app_user (email, display_name, slack_id, tz, slack_synced_at) \
         values (lower($1), $2, $3, coalesce($4, 'UTC'), now()) \
         on conflict (email) do update set \
            slack_id = excluded.slack_id, \
            tz = case when app_user.tz_pinned then app_user.tz else coalesce($4, app_user.tz) end, \
            slack_synced_at = now(), \
            display_name = case when app_user.display_name = '' then excluded.display_name \
                                else app_user.display_name end \
         returning {COLUMNS}"
    ))
    .bind(email.trim())
    .bind(display_name)
    .bind(slack_id)
    .bind(tz)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(user)
}

/// Keeps a known person's time zone in step with Slack (unless they chose
/// one in settings), and notes when Slack was last asked.
pub async fn record_slack_sync(pool: &PgPool, user_id: i64, tz: Option<&str>) -> sqlx::Result<()> {
    sqlx::query(
        "update app_user set tz = case when tz_pinned then tz else coalesce($2, tz) end, slack_synced_at = now() \
         where user_id = $1",
    )
        .bind(user_id)
        .bind(tz)
        .execute(pool)
        .await?;
    Ok(())
}

/// Creates or updates a person by email. Fields left `None` keep their
/// current value. The manager must already exist.
pub async fn upsert(conn: &mut PgConnection, user: &NewUser) -> sqlx::Result<User> {
    sqlx::query_as(&format!(
        "insert into app_user (email, display_name, slack_id, tz, role, manager_id) \
         values (lower($1), $2, $3, coalesce($4, 'UTC'), coalesce($5, 'member'), \
                 (select user_id from app_user where email = lower($6))) \
         on conflict (email) do update set \
            display_name = case when excluded.display_name = '' then app_user.display_name \
                                else excluded.display_name end, \
            slack_id = coalesce(excluded.slack_id, app_user.slack_id), \
            tz = coalesce($4, app_user.tz), \
            role = coalesce($5, app_user.role), \
            manager_id = coalesce(excluded.manager_id, app_user.manager_id) \
         returning {COLUMNS}"
    ))
    .bind(&user.email)
    .bind(&user.display_name)
    .bind(&user.slack_id)
    .bind(&user.tz)
    .bind(user.role)
    .bind(&user.manager_email)
    .fetch_one(conn)
    .await
}

/// A person's notification settings, as the settings modal edits them.
#[derive(Debug, Clone, PartialEq)]
pub struct Preferences {
    pub tz: String,
    pub quiet_hours: Option<(NaiveTime, NaiveTime)>,
    pub working_days: Vec<i16>,
    pub digest: DigestFrequency,
    pub digest_time: NaiveTime,
    pub digest_weekday: i16,
    pub dm_muted: Vec<String>,
}

pub async fn set_preferences(pool: &PgPool, user_id: i64, prefs: &Preferences) -> sqlx::Result<User> {
    sqlx::query_as(&format!(
        "update app_user set tz = $2, tz_pinned = true, quiet_start = $3, quiet_end = $4, working_days = $5, \
            digest = $6, digest_time = $7, digest_weekday = $8, dm_muted = $9 \
         where user_id = $1 returning {COLUMNS}"
    ))
    .bind(user_id)
    .bind(&prefs.tz)
    .bind(prefs.quiet_hours.map(|q| q.0))
    .bind(prefs.quiet_hours.map(|q| q.1))
    .bind(&prefs.working_days)
    .bind(prefs.digest)
    .bind(prefs.digest_time)
    .bind(prefs.digest_weekday)
    .bind(&prefs.dm_muted)
    .fetch_one(pool)
    .await
}


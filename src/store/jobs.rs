//! The scheduler's tables: which cron tick ran (`job_run`), the facts
//! already announced (`notice`), and what the scheduler needs to know of
//! the recipients' calendars.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sqlx::{PgConnection, PgPool};

use crate::domain::enums::DigestFrequency;

/// How a job came to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// A cron tick, claimed once in the cluster.
    Schedule,
    /// `planbot run-job` (or the demo).
    Manual,
}

impl Trigger {
    fn as_str(self) -> &'static str {
        match self {
            Trigger::Schedule => "schedule",
            Trigger::Manual => "manual",
        }
    }
}

/// A tick this process won.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TickClaim {
    pub job_run_id: i64,
    /// Where the previous successful scheduled tick left off: this tick
    /// covers scheduled times after it. `None` when the job never ran.
    pub window_start: Option<DateTime<Utc>>,
}

/// Claims the tick `(job, scheduled_for)` for this replica inside the
/// caller's transaction, so the tick's messages and its `ok` commit together
/// and a replica that dies mid-tick leaves nothing behind (the tick can be
/// claimed again). `None` when the tick is taken: another replica is running
/// it (its transaction-scoped advisory lock is held, so nobody waits), it
/// already succeeded, or it failed less than `retry_failed_after` ago.
pub async fn claim_tick(
    conn: &mut PgConnection,
    job: &str,
    scheduled_for: DateTime<Utc>,
    replica: &str,
    trigger: Trigger,
    now: DateTime<Utc>,
    retry_failed_after: chrono::Duration,
) -> sqlx::Result<Option<TickClaim>> {
    // The instant as epoch seconds: its text form would depend on the session's time zone.
    let locked: bool = sqlx::query_scalar(
        "select pg_try_advisory_xact_lock(hashtextextended($1 || '@' || extract(epoch from $2::timestamptz)::bigint, 4))",
    )
        .bind(job)
        .bind(scheduled_for)
        .fetch_one(&mut *conn)
        .await?;
    if !locked {
        return Ok(None);
    }
    let window_start: Option<DateTime<Utc>> = sqlx::query_scalar(
        "select max(scheduled_for) from job_run \
         where job_name = $1 and outcome = 'ok' and trigger = 'schedule' and scheduled_for < $2",
    )
    .bind(job)
    .bind(scheduled_for)
    .fetch_one(&mut *conn)
    .await?;
    let job_run_id: Option<i64> = sqlx::query_scalar(
        "insert into job_run (job_name, scheduled_for, replica, trigger, started_at, window_start) \
         values ($1, $2, $3, $4, $5, $6) \
         on conflict (job_name, scheduled_for) do update set \
            replica = excluded.replica, started_at = excluded.started_at, window_start = excluded.window_start, \
            outcome = 'running', finished_at = null, detail = null \
         where job_run.outcome = 'failed' and job_run.finished_at <= $5 - $7 \
         returning job_run_id",
    )
    .bind(job)
    .bind(scheduled_for)
    .bind(replica)
    .bind(trigger.as_str())
    .bind(now)
    .bind(window_start)
    .bind(retry_failed_after)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(job_run_id.map(|job_run_id| TickClaim { job_run_id, window_start }))
}

/// Marks a claimed tick done, in its transaction.
pub async fn finish_tick(conn: &mut PgConnection, job_run_id: i64, now: DateTime<Utc>, detail: &str) -> sqlx::Result<()> {
    sqlx::query("update job_run set outcome = 'ok', finished_at = $2, detail = $3 where job_run_id = $1")
        .bind(job_run_id)
        .bind(now)
        .bind(detail)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records a tick whose transaction failed (and was rolled back), so the
/// failure is visible and the tick is retried after a pause.
pub async fn record_failed_tick(
    pool: &PgPool,
    job: &str,
    scheduled_for: DateTime<Utc>,
    replica: &str,
    trigger: Trigger,
    now: DateTime<Utc>,
    error: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into job_run (job_name, scheduled_for, replica, trigger, started_at, finished_at, outcome, detail) \
         values ($1, $2, $3, $4, $5, $5, 'failed', $6) \
         on conflict (job_name, scheduled_for) do update set \
            replica = excluded.replica, finished_at = excluded.finished_at, outcome = 'failed', detail = excluded.detail \
         where job_run.outcome <> 'ok'",
    )
    .bind(job)
    .bind(scheduled_for)
    .bind(replica)
    .bind(trigger.as_str())
    .bind(now)
    .bind(error)
    .execute(pool)
    .await?;
    Ok(())
}

/// A tick as `job_run` remembers it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct JobRun {
    pub job_name: String,
    pub scheduled_for: DateTime<Utc>,
    pub replica: String,
    pub trigger: String,
    pub outcome: String,
    pub window_start: Option<DateTime<Utc>>,
    pub detail: Option<String>,
}

/// A job's ticks, oldest first.
pub async fn runs_of(pool: &PgPool, job: &str) -> sqlx::Result<Vec<JobRun>> {
    sqlx::query_as(
        "select job_name, scheduled_for, replica, trigger, outcome, window_start, detail \
         from job_run where job_name = $1 order by scheduled_for, job_run_id",
    )
    .bind(job)
    .fetch_all(pool)
    .await
}

/// The time zones a run is for, each with its local date ("today" there):
/// the scheduled queries take them as two parallel arrays and join people
/// on their zone name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DueZones {
    pub names: Vec<String>,
    pub days: Vec<NaiveDate>,
}

impl DueZones {
    pub fn push(&mut self, name: &str, day: NaiveDate) {
        self.names.push(name.to_string());
        self.days.push(day);
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The earliest and latest local dates (bounds for index range scans).
    pub fn day_range(&self) -> Option<(NaiveDate, NaiveDate)> {
        Some((*self.days.iter().min()?, *self.days.iter().max()?))
    }
}

/// The time zone names people have (as stored: an unknown name is the
/// caller's to interpret).
pub async fn time_zones(conn: &mut PgConnection) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("select distinct tz from app_user order by tz").fetch_all(conn).await
}

/// One digest schedule people share: everyone with these settings gets
/// their digest at the same local time.
#[derive(Debug, Clone, PartialEq, Eq, Hash, sqlx::FromRow)]
pub struct DigestCalendar {
    pub tz: String,
    pub digest: DigestFrequency,
    pub digest_time: NaiveTime,
    pub digest_weekday: i16,
}

pub async fn digest_calendars(conn: &mut PgConnection) -> sqlx::Result<Vec<DigestCalendar>> {
    sqlx::query_as(
        "select distinct tz, digest, digest_time, \
                case when digest = 'weekly' then digest_weekday else 1::smallint end as digest_weekday \
         from app_user where digest <> 'off' order by 1, 2, 3, 4",
    )
    .fetch_all(conn)
    .await
}

/// The newest audit entry's id: a logical clock for "changed since".
pub async fn audit_watermark(conn: &mut PgConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar("select coalesce(max(audit_id), 0) from audit").fetch_one(conn).await
}

/// Claims the facts in `keys` that were never announced, in the caller's
/// transaction, and returns them (a concurrent claimer of the same fact
/// waits for this transaction and then finds it taken).
pub async fn claim_notices(conn: &mut PgConnection, keys: &[String]) -> sqlx::Result<Vec<String>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_scalar(
        "insert into notice (notice_key) select unnest($1::text[]) \
         on conflict (notice_key) do nothing returning notice_key",
    )
    .bind(keys)
    .fetch_all(conn)
    .await
}

/// Names the message that announced each of these facts.
pub async fn link_notices(conn: &mut PgConnection, keys: &[String], outbox_dedupe_key: &str) -> sqlx::Result<()> {
    sqlx::query("update notice set outbox_dedupe_key = $2 where notice_key = any($1)")
        .bind(keys)
        .bind(outbox_dedupe_key)
        .execute(conn)
        .await?;
    Ok(())
}

//! Retention: what planbot keeps only for a while. Sent messages, job runs,
//! Slack event ids, announcement ledgers and nudge ledgers are deleted once
//! older than their retention; the audit history is kept longest ("what
//! changed since last year's QBR" is a real question).

use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

/// How long each kind of row is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Messages sent (their dedupe keys go with them: no job makes a key that old again).
    pub sent_messages: Duration,
    /// Dead-lettered messages, for operators to look at.
    pub dead_messages: Duration,
    pub job_runs: Duration,
    /// Slack event ids (Slack redelivers within minutes).
    pub event_ids: Duration,
    /// Ledgers of what was announced (deadlines, stale plans, renewals) and of nudges.
    pub ledgers: Duration,
    pub audit: Duration,
}

/// How many rows of each kind one pass deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub sent_messages: u64,
    pub dead_messages: u64,
    pub job_runs: u64,
    pub event_ids: u64,
    pub ledgers: u64,
    pub audit: u64,
}

impl Pruned {
    pub fn total(&self) -> u64 {
        self.sent_messages + self.dead_messages + self.job_runs + self.event_ids + self.ledgers + self.audit
    }
}

/// Deletes what is past its retention at `now`, in the caller's transaction.
pub async fn prune(conn: &mut PgConnection, keep: &Retention, now: DateTime<Utc>) -> sqlx::Result<Pruned> {
    let before = |d: Duration| now - d;
    let rows = |r: sqlx::postgres::PgQueryResult| r.rows_affected();
    Ok(Pruned {
        sent_messages: rows(
            sqlx::query("delete from outbox where sent_at is not null and sent_at < $1")
                .bind(before(keep.sent_messages))
                .execute(&mut *conn)
                .await?,
        ),
        dead_messages: rows(
            sqlx::query("delete from outbox where dead_at is not null and dead_at < $1")
                .bind(before(keep.dead_messages))
                .execute(&mut *conn)
                .await?,
        ),
        job_runs: rows(
            sqlx::query("delete from job_run where outcome <> 'running' and scheduled_for < $1")
                .bind(before(keep.job_runs))
                .execute(&mut *conn)
                .await?,
        ),
        event_ids: rows(
            sqlx::query("delete from slack_event where received_at < $1").bind(before(keep.event_ids)).execute(&mut *conn).await?,
        ),
        ledgers: rows(sqlx::query("delete from notice where created_at < $1").bind(before(keep.ledgers)).execute(&mut *conn).await?)
            + rows(sqlx::query("delete from nudge where created_at < $1").bind(before(keep.ledgers)).execute(&mut *conn).await?),
        audit: rows(sqlx::query("delete from audit where changed_at < $1").bind(before(keep.audit)).execute(&mut *conn).await?),
    })
}

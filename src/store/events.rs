//! Slack events already handled: Slack redelivers an event it believes
//! failed, and each must run once.

use sqlx::PgPool;

/// Records the event id; `true` the first time it is seen, `false` after.
pub async fn first_delivery(pool: &PgPool, event_id: &str) -> sqlx::Result<bool> {
    let inserted = sqlx::query("insert into slack_event (event_id) values ($1) on conflict do nothing")
        .bind(event_id)
        .execute(pool)
        .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Forgets event ids older than Slack's retry window (a day is ample).
pub async fn prune(pool: &PgPool) -> sqlx::Result<u64> {
    let pruned = sqlx::query("delete from slack_event where received_at < now() - interval '1 day'")
        .execute(pool)
        .await?;
    Ok(pruned.rows_affected())
}

//! Slack events already handled. Slack redelivers an event it believes
//! failed; planbot records an event once its effects are written, so a
//! redelivery finds it and does nothing, while a crash before that point
//! lets the redelivery do the work (its effects are keyed by the event id,
//! so they are never doubled).

use sqlx::PgPool;

/// Whether the event was handled before.
pub async fn seen(pool: &PgPool, event_id: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar("select exists (select 1 from slack_event where event_id = $1)")
        .bind(event_id)
        .fetch_one(pool)
        .await
}

/// Records that the event's effects are written.
pub async fn mark_handled(pool: &PgPool, event_id: &str) -> sqlx::Result<()> {
    sqlx::query("insert into slack_event (event_id) values ($1) on conflict do nothing")
        .bind(event_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Forgets event ids older than Slack's retry window (a day is ample).
pub async fn prune(pool: &PgPool) -> sqlx::Result<u64> {
    let pruned = sqlx::query("delete from slack_event where received_at < now() - interval '1 day'")
        .execute(pool)
        .await?;
    Ok(pruned.rows_affected())
}

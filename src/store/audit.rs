//! The audit history, as people read it back: "what changed since the last QBR".

use chrono::{DateTime, Utc};
use sqlx::PgPool;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AuditEntry {
    pub audit_id: i64,
    pub account_id: i64,
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub actor_source: String,
    pub changed_at: DateTime<Utc>,
}

/// An account's changes since `since` (all of them when `None`), newest first.
pub async fn for_account(
    pool: &PgPool,
    account_id: i64,
    since: Option<DateTime<Utc>>,
    limit: i64,
) -> sqlx::Result<Vec<AuditEntry>> {
    sqlx::query_as(
        "select h.audit_id, h.account_id, h.entity, h.entity_id, h.action, h.field, h.old_value, \
                h.new_value, h.actor_id, nullif(u.display_name, '') as actor_name, h.actor_source, h.changed_at \
         from audit h left join app_user u on u.user_id = h.actor_id \
         where h.account_id = $1 and ($2::timestamptz is null or h.changed_at > $2) \
         order by h.changed_at desc, h.audit_id desc limit $3",
    )
    .bind(account_id)
    .bind(since)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// The changes to one row (an action item, say), oldest first.
pub async fn for_entity(pool: &PgPool, entity: &str, entity_id: i64) -> sqlx::Result<Vec<AuditEntry>> {
    sqlx::query_as(
        "select h.audit_id, h.account_id, h.entity, h.entity_id, h.action, h.field, h.old_value, \
                h.new_value, h.actor_id, nullif(u.display_name, '') as actor_name, h.actor_source, h.changed_at \
         from audit h left join app_user u on u.user_id = h.actor_id \
         where h.entity = $1 and h.entity_id = $2 order by h.audit_id",
    )
    .bind(entity)
    .bind(entity_id)
    .fetch_all(pool)
    .await
}

/// Records a change that has no audit trigger of its own (a contact's
/// sponsor tracking), attributed like the triggers' rows to the
/// transaction's actor.
pub async fn record_field(
    conn: &mut sqlx::PgConnection,
    account_id: i64,
    entity: &str,
    entity_id: i64,
    field: &str,
    old_value: Option<&str>,
    new_value: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into audit (account_id, entity, entity_id, action, field, old_value, new_value, actor_id, actor_source) \
         values ($1, $2, $3, 'update', $4, $5, $6, nullif(current_setting('planbot.actor_id', true), '')::bigint, \
                 coalesce(nullif(current_setting('planbot.actor_source', true), ''), 'system'))",
    )
    .bind(account_id)
    .bind(entity)
    .bind(entity_id)
    .bind(field)
    .bind(old_value)
    .bind(new_value)
    .execute(conn)
    .await?;
    Ok(())
}

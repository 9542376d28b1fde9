//! All of planbot's SQL. Handlers, jobs and the API call these functions;
//! nothing else writes queries.
//!
//! May import: [`crate::domain`] only (vocabularies its rows carry). The rules
//! about what rows mean live in `domain/`; what to show, in `render/`.
//!
//! Changes to accounts, plans, action items, contacts and whitespace are
//! audited by triggers in the database (see the first migration), in the same
//! transaction as the change. The store tells those triggers who is acting by
//! setting two transaction-local settings before it writes: that is what
//! [`begin`] does.

pub mod accounts;
pub mod actions;
pub mod answers;
pub mod audit;
pub mod changes;
pub mod contacts;
pub mod digests;
pub mod events;
pub mod home;
pub mod exchange;
pub mod intel;
pub mod jobs;
pub mod notices;
pub mod nudges;
pub mod outbox;
pub mod plans;
pub mod prune;
pub mod review;
pub mod sponsors;
pub mod subscriptions;
pub mod summary;
pub mod team;
pub mod users;
pub mod whitespace;

use sqlx::{PgConnection, PgPool, Postgres, Transaction};

/// Who a change is made by, as the audit history will show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    /// Where the change came from: `slack`, `api`, `import`, `demo`, `system`.
    pub source: &'static str,
}

impl Actor {
    pub const SYSTEM: Actor = Actor { user_id: None, source: "system" };

    /// The source of changes people make in Slack.
    pub const SLACK: &'static str = "slack";

    pub fn slack_user(user_id: i64) -> Self {
        Actor { user_id: Some(user_id), source: Self::SLACK }
    }

    pub fn source(source: &'static str) -> Self {
        Actor { user_id: None, source }
    }
}

/// Begins a transaction whose changes the audit history attributes to `actor`.
pub async fn begin(pool: &PgPool, actor: Actor) -> sqlx::Result<Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await?;
    set_actor(&mut tx, actor).await?;
    Ok(tx)
}

/// A read-only transaction that sees one snapshot throughout (an export of
/// several files that must agree with each other).
pub async fn begin_snapshot(pool: &PgPool) -> sqlx::Result<Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await?;
    sqlx::query("set transaction isolation level repeatable read, read only").execute(&mut *tx).await?;
    Ok(tx)
}

/// Whether the database answers a trivial query.
pub async fn ping(pool: &PgPool) -> sqlx::Result<()> {
    sqlx::query("select 1").execute(pool).await.map(drop)
}

/// Whether any account exists yet (the demo seeds an empty database only).
pub async fn has_accounts(pool: &PgPool) -> sqlx::Result<bool> {
    sqlx::query_scalar("select exists (select 1 from account)").fetch_one(pool).await
}

/// Attributes the rest of the current transaction's changes to `actor`.
pub async fn set_actor(conn: &mut PgConnection, actor: Actor) -> sqlx::Result<()> {
    sqlx::query(
        "select set_config('planbot.actor_id', coalesce($1::text, ''), true), \
                set_config('planbot.actor_source', $2, true)",
    )
    .bind(actor.user_id)
    .bind(actor.source)
    .execute(conn)
    .await?;
    Ok(())
}

/// A FROM item that attributes a single statement's changes to the actor
/// bound as `$1` (user id) and `$2` (source). A statement run outside an
/// explicit transaction is its own transaction, so the settings last exactly
/// as long as that statement; the audit triggers fire after its rows are
/// produced, when the settings are in place. It saves the hot paths the
/// round trips of `begin` + `set_actor` + `commit`.
pub(crate) const AS_ACTOR: &str = "(select set_config('planbot.actor_id', coalesce($1::text, ''), true), \
    set_config('planbot.actor_source', $2, true)) as actor";

/// The name of the constraint a write broke, when it broke a unique or
/// check constraint; lets callers turn rule violations into user replies.
pub fn violated_constraint(err: &sqlx::Error) -> Option<&str> {
    match err {
        sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("23505" | "23514" | "23503")) => {
            db.constraint()
        }
        _ => None,
    }
}

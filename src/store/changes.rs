//! "What changed": an account's audit history with the names its rows
//! need, the sponsor moves and news in a period, and when each person last
//! looked at each account.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

pub use super::summary::SponsorChangeBrief;

/// A change from the audit history, with the name of what it changed.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Change {
    pub audit_id: i64,
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub actor_name: Option<String>,
    pub actor_source: String,
    pub changed_at: DateTime<Utc>,
    /// What the row is called now (an item's title, a contact's or plan's
    /// name, a whitespace stage); `None` when it is gone.
    pub subject: Option<String>,
    /// The person a changed `owner_id` / `relationship_owner_id` now names.
    pub new_person: Option<String>,
}

/// An account's changes after `since`, newest first, at most `limit`.
pub async fn history(pool: &PgPool, account_id: i64, since: DateTime<Utc>, limit: i64) -> sqlx::Result<Vec<Change>> {
    sqlx::query_as(
        "select h.audit_id, h.entity, h.entity_id, h.action, h.field, h.old_value, h.new_value, \
                nullif(u.display_name, '') as actor_name, h.actor_source, h.changed_at, \
                case h.entity \
                    when 'action_item' then (select title from action_item where action_item_id = h.entity_id) \
                    when 'contact' then (select name from contact where contact_id = h.entity_id) \
                    when 'plan' then (select name from plan where plan_id = h.entity_id) \
                    when 'whitespace' then (select stage || case when vendor <> '' then ' (' || vendor || ')' else '' end \
                                            from whitespace where whitespace_id = h.entity_id) \
                    when 'account' then (select name from account where account_id = h.entity_id) \
                end as subject, \
                case when h.field in ('owner_id', 'relationship_owner_id') and h.new_value ~ '^[0-9]+$' \
                     then (select nullif(display_name, '') from app_user where user_id = h.new_value::bigint) end as new_person \
         from audit h left join app_user u on u.user_id = h.actor_id \
         where h.account_id = $1 and h.changed_at > $2 \
         order by h.changed_at desc, h.audit_id desc limit $3",
    )
    .bind(account_id)
    .bind(since)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Sponsor changes of the account's contacts observed after `since`, newest first.
pub async fn sponsor_moves(pool: &PgPool, account_id: i64, since: DateTime<Utc>, limit: i64) -> sqlx::Result<Vec<SponsorChangeBrief>> {
    sqlx::query_as(
        "select c.name as contact_name, s.attribute, s.old_value, s.new_value, s.observed_at \
         from sponsor_change s join contact c using (contact_id) \
         where c.account_id = $1 and s.observed_at > $2 \
         order by s.observed_at desc, s.sponsor_change_id desc limit $3",
    )
    .bind(account_id)
    .bind(since)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// A news item in a "what changed".
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct NewsItem {
    pub headline: String,
    pub url: Option<String>,
    pub category: String,
    pub published_at: DateTime<Utc>,
}

/// The newest intel items published after `since` (and not after `now`),
/// and how many there are in all.
pub async fn news(pool: &PgPool, account_id: i64, since: DateTime<Utc>, now: DateTime<Utc>, limit: i64) -> sqlx::Result<(Vec<NewsItem>, i64)> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        item: NewsItem,
        total: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "select headline, url, category, published_at, count(*) over () as total from intel_item \
         where account_id = $1 and published_at > $2 and published_at <= $3 \
         order by published_at desc, intel_item_id desc limit $4",
    )
    .bind(account_id)
    .bind(since)
    .bind(now)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let total = rows.first().map_or(0, |row| row.total);
    Ok((rows.into_iter().map(|row| row.item).collect(), total))
}

/// A person's recorded looks at an account: the newest, and the one before
/// the sitting the newest belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Looks {
    pub viewed_at: DateTime<Utc>,
    pub previous_viewed_at: Option<DateTime<Utc>>,
}

/// Records that the person looked at the account at `at`, and returns
/// their looks as they were before this one. Looks within a sitting
/// ([`crate::domain::since::SITTING_MINUTES`]) keep the look before it.
pub async fn record_view(pool: &PgPool, user_id: i64, account_id: i64, at: DateTime<Utc>) -> sqlx::Result<Option<Looks>> {
    sqlx::query_as(
        "with prior as (select viewed_at, previous_viewed_at from account_view where user_id = $1 and account_id = $2), \
         saved as ( \
             insert into account_view (user_id, account_id, viewed_at) values ($1, $2, $3) \
             on conflict (user_id, account_id) do update set \
                 previous_viewed_at = case when excluded.viewed_at - account_view.viewed_at >= make_interval(mins => $4) \
                                           then account_view.viewed_at else account_view.previous_viewed_at end, \
                 viewed_at = greatest(account_view.viewed_at, excluded.viewed_at) \
             returning 1) \
         select viewed_at, previous_viewed_at from prior",
    )
    .bind(user_id)
    .bind(account_id)
    .bind(at)
    .bind(crate::domain::since::SITTING_MINUTES as i32)
    .fetch_optional(pool)
    .await
}

/// The person's recorded looks at the account, if any.
pub async fn looks(pool: &PgPool, user_id: i64, account_id: i64) -> sqlx::Result<Option<Looks>> {
    sqlx::query_as("select viewed_at, previous_viewed_at from account_view where user_id = $1 and account_id = $2")
        .bind(user_id)
        .bind(account_id)
        .fetch_optional(pool)
        .await
}

//! Who follows an account's intel and alerts: people (by DM) and channels.

use sqlx::{PgConnection, PgPool};

/// A follower of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Follower {
    User(i64),
    Channel(String),
}

impl Follower {
    fn columns(&self) -> (Option<i64>, Option<&str>) {
        match self {
            Follower::User(id) => (Some(*id), None),
            Follower::Channel(channel) => (None, Some(channel.as_str())),
        }
    }
}

/// Follows an account (every category when `categories` is empty, else
/// only those); `true` when this is new, `false` when it already followed
/// (its categories are then updated).
pub async fn follow(pool: &PgPool, account_id: i64, follower: &Follower, categories: &[String]) -> sqlx::Result<bool> {
    let (user_id, channel_id) = follower.columns();
    let inserted: bool = sqlx::query_scalar(
        "insert into subscription (account_id, user_id, channel_id, categories) values ($1, $2, $3, $4) \
         on conflict (account_id, user_id, channel_id) do update set categories = excluded.categories \
         returning (xmax = 0)",
    )
    .bind(account_id)
    .bind(user_id)
    .bind(channel_id)
    .bind(categories)
    .fetch_one(pool)
    .await?;
    Ok(inserted)
}

/// Stops following; `true` when there was something to stop.
pub async fn unfollow(pool: &PgPool, account_id: i64, follower: &Follower) -> sqlx::Result<bool> {
    let (user_id, channel_id) = follower.columns();
    let deleted = sqlx::query(
        "delete from subscription where account_id = $1 \
         and user_id is not distinct from $2 and channel_id is not distinct from $3",
    )
    .bind(account_id)
    .bind(user_id)
    .bind(channel_id)
    .execute(pool)
    .await?;
    Ok(deleted.rows_affected() > 0)
}

/// One follower of an account's intel, with the categories they chose
/// (empty: all of them).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IntelRecipient {
    pub account_id: i64,
    pub user_id: Option<i64>,
    pub channel_id: Option<String>,
    pub categories: Vec<String>,
}

impl IntelRecipient {
    pub fn follower(&self) -> Follower {
        match (&self.channel_id, self.user_id) {
            (Some(channel), _) => Follower::Channel(channel.clone()),
            (None, Some(user)) => Follower::User(user),
            (None, None) => unreachable!("the database holds a user or a channel for every subscription"),
        }
    }

    /// Whether this follower wants news of `category`.
    pub fn wants(&self, category: &str) -> bool {
        self.categories.is_empty() || self.categories.iter().any(|c| c == category)
    }
}

/// Who gets the intel of these accounts: their followers, and each
/// account's linked channel (all categories, unless the channel follows the
/// account with a category choice of its own, which then applies).
pub async fn intel_recipients(conn: &mut PgConnection, account_ids: &[i64]) -> sqlx::Result<Vec<IntelRecipient>> {
    sqlx::query_as(
        "select account_id, user_id, channel_id, categories from subscription where account_id = any($1) \
         union all \
         select a.account_id, null, a.slack_channel, '{}'::text[] from account a \
         where a.account_id = any($1) and a.slack_channel is not null \
           and not exists (select 1 from subscription s \
                           where s.account_id = a.account_id and s.channel_id = a.slack_channel) \
         order by 1, 2 nulls last, 3",
    )
    .bind(account_ids)
    .fetch_all(conn)
    .await
}

/// What a follower chose to get of an account, if they follow it.
pub async fn categories_of(pool: &PgPool, account_id: i64, follower: &Follower) -> sqlx::Result<Option<Vec<String>>> {
    let (user_id, channel_id) = follower.columns();
    sqlx::query_scalar(
        "select categories from subscription where account_id = $1 \
         and user_id is not distinct from $2 and channel_id is not distinct from $3",
    )
    .bind(account_id)
    .bind(user_id)
    .bind(channel_id)
    .fetch_optional(pool)
    .await
}

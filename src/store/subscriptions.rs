//! Who follows an account's intel and alerts: people (by DM) and channels.

use sqlx::PgPool;

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

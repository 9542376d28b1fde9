//! Company-intelligence items and the feeds they come from: all the SQL of
//! `intel_item` and `intel_source`, and the account names that ingest
//! announces items under. Rows in, rows out; the dedupe and delivery
//! policy is `crate::intel`'s.
//!
//! It imports the vocabulary from `crate::domain` and nothing from
//! `crate::intel`.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::enums::IntelCategory;

#[derive(Debug, Clone)]
pub struct NewIntelItem {
    pub account_id: i64,
    pub intel_source_id: Option<i64>,
    pub source: String,
    pub headline: String,
    pub url: Option<String>,
    pub summary: String,
    pub category: IntelCategory,
    pub published_at: DateTime<Utc>,
    pub dedupe_key: String,
}

/// Stores an item unless the account already has one with its dedupe key;
/// returns the new id, or `None` for a duplicate.
pub async fn insert(conn: &mut PgConnection, item: &NewIntelItem) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "insert into intel_item (account_id, intel_source_id, source, headline, url, summary, category, \
                                 published_at, dedupe_key) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         on conflict (account_id, dedupe_key) do nothing returning intel_item_id",
    )
    .bind(item.account_id)
    .bind(item.intel_source_id)
    .bind(&item.source)
    .bind(item.headline.trim())
    .bind(&item.url)
    .bind(&item.summary)
    .bind(item.category.as_str())
    .bind(item.published_at)
    .bind(&item.dedupe_key)
    .fetch_optional(conn)
    .await
}

/// Stores many items in one statement, skipping those whose (account,
/// dedupe key) is taken; returns the ids of the new rows, in the order of
/// `items` (`None` where an item was a duplicate).
pub async fn insert_many(conn: &mut PgConnection, items: &[NewIntelItem]) -> sqlx::Result<Vec<Option<i64>>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let mut account_ids = Vec::with_capacity(items.len());
    let mut source_ids = Vec::with_capacity(items.len());
    let mut sources = Vec::with_capacity(items.len());
    let mut headlines = Vec::with_capacity(items.len());
    let mut urls = Vec::with_capacity(items.len());
    let mut summaries = Vec::with_capacity(items.len());
    let mut categories = Vec::with_capacity(items.len());
    let mut published = Vec::with_capacity(items.len());
    let mut keys = Vec::with_capacity(items.len());
    for item in items {
        account_ids.push(item.account_id);
        source_ids.push(item.intel_source_id);
        sources.push(item.source.as_str());
        headlines.push(item.headline.trim());
        urls.push(item.url.as_deref());
        summaries.push(item.summary.as_str());
        categories.push(item.category.as_str());
        published.push(item.published_at);
        keys.push(item.dedupe_key.as_str());
    }
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "insert into intel_item (account_id, intel_source_id, source, headline, url, summary, category, \
                                 published_at, dedupe_key) \
         select * from unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], \
                              $7::text[], $8::timestamptz[], $9::text[]) \
         on conflict (account_id, dedupe_key) do nothing \
         returning intel_item_id, account_id, dedupe_key",
    )
    .bind(&account_ids)
    .bind(&source_ids)
    .bind(&sources)
    .bind(&headlines)
    .bind(&urls)
    .bind(&summaries)
    .bind(&categories)
    .bind(&published)
    .bind(&keys)
    .fetch_all(conn)
    .await?;
    let inserted: std::collections::HashMap<(i64, &str), i64> =
        rows.iter().map(|(id, account, key)| ((*account, key.as_str()), *id)).collect();
    // (account, key) is unique in the table, and callers deduplicate the batch
    // first; a key repeated in `items` maps to the one row it produced.
    let mut seen = std::collections::HashSet::new();
    Ok(items
        .iter()
        .map(|item| {
            let id = inserted.get(&(item.account_id, item.dedupe_key.as_str())).copied();
            id.filter(|id| seen.insert(*id))
        })
        .collect())
}

/// The names of the given accounts, as (account id, name); ids with no
/// account are left out.
pub async fn account_names(conn: &mut PgConnection, account_ids: &[i64]) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as("select account_id, name from account where account_id = any($1)")
        .bind(account_ids)
        .fetch_all(conn)
        .await
}

/// An item already stored, as duplicate detection compares it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StoredHeadline {
    pub intel_item_id: i64,
    pub account_id: i64,
    pub dedupe_key: String,
    pub headline: String,
    pub published_at: DateTime<Utc>,
}

/// The stored items an incoming batch could duplicate: for each probe
/// (account, dedupe key, published at), the account's items with that key
/// or published within a day of it. One query for the whole batch.
pub async fn near(
    conn: &mut PgConnection,
    probes: &[(i64, &str, DateTime<Utc>)],
) -> sqlx::Result<Vec<StoredHeadline>> {
    if probes.is_empty() {
        return Ok(Vec::new());
    }
    let accounts: Vec<i64> = probes.iter().map(|p| p.0).collect();
    let keys: Vec<&str> = probes.iter().map(|p| p.1).collect();
    let published: Vec<DateTime<Utc>> = probes.iter().map(|p| p.2).collect();
    sqlx::query_as(
        "select distinct i.intel_item_id, i.account_id, i.dedupe_key, i.headline, i.published_at \
         from unnest($1::bigint[], $2::text[], $3::timestamptz[]) as p (account_id, dedupe_key, published_at) \
         join intel_item i on i.account_id = p.account_id \
          and (i.dedupe_key = p.dedupe_key \
               or i.published_at between p.published_at - interval '1 day' and p.published_at + interval '1 day')",
    )
    .bind(&accounts)
    .bind(&keys)
    .bind(&published)
    .fetch_all(conn)
    .await
}

/// An intel item with its account's name, as messages and clicks use it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IntelItem {
    pub intel_item_id: i64,
    pub account_id: i64,
    pub account_name: String,
    pub source: String,
    pub headline: String,
    pub url: Option<String>,
    pub summary: String,
    pub category: String,
    pub published_at: DateTime<Utc>,
}

impl IntelItem {
    /// The stored category (the database only holds valid ones).
    pub fn category(&self) -> IntelCategory {
        self.category.parse().unwrap_or(IntelCategory::Other)
    }
}

pub async fn by_id(conn: &mut PgConnection, intel_item_id: i64) -> sqlx::Result<Option<IntelItem>> {
    sqlx::query_as(
        "select i.intel_item_id, i.account_id, a.name as account_name, i.source, i.headline, i.url, i.summary, \
                i.category, i.published_at \
         from intel_item i join account a using (account_id) where i.intel_item_id = $1",
    )
    .bind(intel_item_id)
    .fetch_optional(conn)
    .await
}

/// A feed planbot polls for an account.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IntelSource {
    pub intel_source_id: i64,
    pub account_id: i64,
    pub account_name: String,
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_polled_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
}

const SOURCE_SELECT: &str = "select s.intel_source_id, s.account_id, a.name as account_name, s.url, s.etag, \
        s.last_modified, s.last_polled_at, s.last_error, s.last_error_at \
    from intel_source s join account a using (account_id)";

/// Adds a feed to an account (again: the existing one); returns it.
pub async fn add_source(conn: &mut PgConnection, account_id: i64, url: &str) -> sqlx::Result<IntelSource> {
    let id: i64 = sqlx::query_scalar(
        "insert into intel_source (account_id, url) values ($1, $2) \
         on conflict (account_id, url) do update set url = excluded.url returning intel_source_id",
    )
    .bind(account_id)
    .bind(url)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query_as(&format!("{SOURCE_SELECT} where s.intel_source_id = $1")).bind(id).fetch_one(conn).await
}

/// Removes a feed; `true` when there was one. Its items stay.
pub async fn remove_source(conn: &mut PgConnection, intel_source_id: i64) -> sqlx::Result<bool> {
    let deleted = sqlx::query("delete from intel_source where intel_source_id = $1")
        .bind(intel_source_id)
        .execute(conn)
        .await?;
    Ok(deleted.rows_affected() > 0)
}

/// Every feed, by account and URL (the account's when `account_id` is given).
pub async fn sources(conn: &mut PgConnection, account_id: Option<i64>) -> sqlx::Result<Vec<IntelSource>> {
    sqlx::query_as(&format!(
        "{SOURCE_SELECT} where $1::bigint is null or s.account_id = $1 order by a.name, s.url"
    ))
    .bind(account_id)
    .fetch_all(conn)
    .await
}

/// Feeds not polled since `polled_before` (never-polled first), at most `limit`.
pub async fn due_sources(
    conn: &mut PgConnection,
    polled_before: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<IntelSource>> {
    sqlx::query_as(&format!(
        "{SOURCE_SELECT} where s.last_polled_at is null or s.last_polled_at <= $1 \
         order by s.last_polled_at nulls first, s.intel_source_id limit $2"
    ))
    .bind(polled_before)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// What one poll of a feed found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollResult {
    /// The feed answered with content; its validators for the next request.
    Fetched { etag: Option<String>, last_modified: Option<String> },
    /// 304: nothing new since the validators sent.
    NotModified,
    /// The feed could not be read; the reason, for whoever looks after it.
    Failed(String),
}

/// Records a poll. A failure keeps the validators (the next request may
/// still be answered 304) and is kept until a later poll succeeds.
pub async fn record_poll(
    conn: &mut PgConnection,
    intel_source_id: i64,
    result: &PollResult,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let query = match result {
        PollResult::Fetched { etag, last_modified } => sqlx::query(
            "update intel_source set last_polled_at = $2, etag = $3, last_modified = $4, \
                    last_error = null, last_error_at = null where intel_source_id = $1",
        )
        .bind(intel_source_id)
        .bind(now)
        .bind(etag)
        .bind(last_modified),
        PollResult::NotModified => sqlx::query(
            "update intel_source set last_polled_at = $2, last_error = null, last_error_at = null \
             where intel_source_id = $1",
        )
        .bind(intel_source_id)
        .bind(now),
        PollResult::Failed(reason) => sqlx::query(
            "update intel_source set last_polled_at = $2, last_error = $3, last_error_at = $2 \
             where intel_source_id = $1",
        )
        .bind(intel_source_id)
        .bind(now)
        .bind(reason),
    };
    query.execute(conn).await?;
    Ok(())
}

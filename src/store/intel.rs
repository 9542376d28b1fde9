//! Company-intelligence items and the feeds they come from.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::intel::classify::IntelCategory;

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

//! Tracked sponsors: what was observed of them, and what changed.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::enums::SponsorAttribute;

/// Records that a tracked contact's `attribute` changed from `old` to `new`,
/// updating the contact (a new company marks them as having left the account).
pub async fn record_change(
    conn: &mut PgConnection,
    contact_id: i64,
    attribute: SponsorAttribute,
    old: Option<&str>,
    new: Option<&str>,
    observed_at: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let change_id = sqlx::query_scalar(
        "insert into sponsor_change (contact_id, attribute, old_value, new_value, observed_at) \
         values ($1, $2, $3, $4, $5) returning sponsor_change_id",
    )
    .bind(contact_id)
    .bind(attribute)
    .bind(old)
    .bind(new)
    .bind(observed_at)
    .fetch_one(&mut *conn)
    .await?;
    let column = match attribute {
        SponsorAttribute::Title => "last_title",
        SponsorAttribute::Company => "last_company",
        SponsorAttribute::Location => "last_location",
    };
    sqlx::query(&format!(
        "update sponsor_tracking set {column} = $2, last_observed_at = greatest(last_observed_at, $3) \
         where contact_id = $1"
    ))
    .bind(contact_id)
    .bind(new)
    .bind(observed_at)
    .execute(&mut *conn)
    .await?;
    match attribute {
        SponsorAttribute::Title => {
            sqlx::query("update contact set title = coalesce($2, '') where contact_id = $1")
                .bind(contact_id)
                .bind(new)
                .execute(&mut *conn)
                .await?;
        }
        SponsorAttribute::Company => {
            sqlx::query(
                "update contact set company = coalesce($2, ''), departed_at = coalesce(departed_at, $3) \
                 where contact_id = $1",
            )
            .bind(contact_id)
            .bind(new)
            .bind(observed_at)
            .execute(&mut *conn)
            .await?;
        }
        SponsorAttribute::Location => {}
    }
    Ok(change_id)
}

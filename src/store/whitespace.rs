//! The whitespace map: what the customer runs at each DevSecOps stage today.

use chrono::NaiveDate;
use sqlx::PgConnection;

use crate::domain::enums::{Appetite, Stage};

#[derive(Debug, Clone)]
pub struct NewWhitespace {
    pub account_id: i64,
    pub stage: Stage,
    pub vendor: String,
    pub likes: String,
    pub dislikes: String,
    pub annual_spend: Option<i64>,
    pub contract_end: Option<NaiveDate>,
    pub appetite: Option<Appetite>,
}

/// Creates the row for (account, stage, vendor) or updates it; returns its id.
pub async fn upsert(conn: &mut PgConnection, row: &NewWhitespace) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into whitespace (account_id, stage, vendor, likes, dislikes, annual_spend, contract_end, appetite) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) \
         on conflict (account_id, stage, lower(vendor)) do update set \
            likes = excluded.likes, dislikes = excluded.dislikes, annual_spend = excluded.annual_spend, \
            contract_end = excluded.contract_end, appetite = excluded.appetite \
         returning whitespace_id",
    )
    .bind(row.account_id)
    .bind(row.stage)
    .bind(row.vendor.trim())
    .bind(&row.likes)
    .bind(&row.dislikes)
    .bind(row.annual_spend)
    .bind(row.contract_end)
    .bind(row.appetite)
    .fetch_one(conn)
    .await
}

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

/// A whitespace row with every field, as an edit reads and writes it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Row {
    pub whitespace_id: i64,
    pub account_id: i64,
    pub stage: Stage,
    pub vendor: String,
    pub likes: String,
    pub dislikes: String,
    pub annual_spend: Option<i64>,
    pub contract_end: Option<NaiveDate>,
    pub appetite: Option<Appetite>,
}

const COLUMNS: &str = "whitespace_id, account_id, stage, vendor, likes, dislikes, annual_spend, contract_end, appetite";

/// An account's whitespace rows, in stage order.
pub async fn for_account(conn: &mut PgConnection, account_id: i64) -> sqlx::Result<Vec<Row>> {
    sqlx::query_as(&format!(
        "select {COLUMNS} from whitespace where account_id = $1 \
         order by array_position(array['plan','create','verify','package','secure','release','configure','monitor','govern'], stage), \
                  lower(vendor), whitespace_id"
    ))
    .bind(account_id)
    .fetch_all(conn)
    .await
}

/// A row, locked for the rest of the transaction when `lock`.
pub async fn by_id(conn: &mut PgConnection, whitespace_id: i64, lock: bool) -> sqlx::Result<Option<Row>> {
    let lock = if lock { " for update" } else { "" };
    sqlx::query_as(&format!("select {COLUMNS} from whitespace where whitespace_id = $1{lock}"))
        .bind(whitespace_id)
        .fetch_optional(conn)
        .await
}

/// Adds a row; `None` when the account already has that vendor at that stage.
pub async fn insert(conn: &mut PgConnection, row: &NewWhitespace) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "insert into whitespace (account_id, stage, vendor, likes, dislikes, annual_spend, contract_end, appetite) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) \
         on conflict (account_id, stage, lower(vendor)) do nothing returning whitespace_id",
    )
    .bind(row.account_id)
    .bind(row.stage)
    .bind(row.vendor.trim())
    .bind(&row.likes)
    .bind(&row.dislikes)
    .bind(row.annual_spend)
    .bind(row.contract_end)
    .bind(row.appetite)
    .fetch_optional(conn)
    .await
}

/// Writes a row's fields; a unique violation (another row with that vendor
/// at that stage) comes back as the error.
pub async fn update(conn: &mut PgConnection, whitespace_id: i64, row: &NewWhitespace) -> sqlx::Result<()> {
    sqlx::query(
        "update whitespace set stage = $2, vendor = $3, likes = $4, dislikes = $5, annual_spend = $6, \
                contract_end = $7, appetite = $8 \
         where whitespace_id = $1 and (stage, vendor, likes, dislikes, annual_spend, contract_end, appetite) \
               is distinct from ($2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(whitespace_id)
    .bind(row.stage)
    .bind(row.vendor.trim())
    .bind(&row.likes)
    .bind(&row.dislikes)
    .bind(row.annual_spend)
    .bind(row.contract_end)
    .bind(row.appetite)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut PgConnection, whitespace_id: i64) -> sqlx::Result<bool> {
    Ok(sqlx::query("delete from whitespace where whitespace_id = $1").bind(whitespace_id).execute(conn).await?.rows_affected() > 0)
}

//! Contacts at an account: the relationship and influence map.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::enums::{BuyingRole, Influence, Sentiment};

#[derive(Debug, Clone, Default)]
pub struct NewContact {
    pub account_id: i64,
    pub name: String,
    pub title: String,
    pub company: String,
    pub email: Option<String>,
    pub profile_url: Option<String>,
    pub influence: Option<Influence>,
    pub buying_role: Option<BuyingRole>,
    pub sentiment: Option<Sentiment>,
    pub strength: Option<i16>,
    pub relationship_owner_id: Option<i64>,
}

/// Creates a contact, or updates the one with the same name at the account;
/// returns its id.
pub async fn upsert(conn: &mut PgConnection, contact: &NewContact) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into contact (account_id, name, title, company, email, profile_url, influence, buying_role, \
                              sentiment, strength, relationship_owner_id) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         on conflict (account_id, lower(name)) do update set \
            title = excluded.title, company = excluded.company, email = excluded.email, \
            profile_url = excluded.profile_url, influence = excluded.influence, \
            buying_role = excluded.buying_role, sentiment = excluded.sentiment, \
            strength = excluded.strength, relationship_owner_id = excluded.relationship_owner_id \
         returning contact_id",
    )
    .bind(contact.account_id)
    .bind(contact.name.trim())
    .bind(&contact.title)
    .bind(&contact.company)
    .bind(&contact.email)
    .bind(&contact.profile_url)
    .bind(contact.influence)
    .bind(contact.buying_role)
    .bind(contact.sentiment)
    .bind(contact.strength)
    .bind(contact.relationship_owner_id)
    .fetch_one(conn)
    .await
}

/// Sets whom a contact reports to, by the other contact's name at the same account.
pub async fn set_reports_to(conn: &mut PgConnection, contact_id: i64, manager_name: Option<&str>) -> sqlx::Result<()> {
    sqlx::query(
        "update contact c set reports_to_id = \
            (select m.contact_id from contact m where m.account_id = c.account_id and lower(m.name) = lower($2)) \
         where c.contact_id = $1 and c.reports_to_id is distinct from \
            (select m.contact_id from contact m where m.account_id = c.account_id and lower(m.name) = lower($2))",
    )
    .bind(contact_id)
    .bind(manager_name)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks a contact as a tracked sponsor, remembering what is known of them now.
pub async fn track(conn: &mut PgConnection, contact_id: i64, location: Option<&str>, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "insert into sponsor_tracking (contact_id, last_title, last_company, last_location, last_observed_at) \
         select contact_id, nullif(title, ''), nullif(company, ''), $2, $3 from contact where contact_id = $1 \
         on conflict (contact_id) do nothing",
    )
    .bind(contact_id)
    .bind(location)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A contact with every field of the map, as an edit reads and writes it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Contact {
    pub contact_id: i64,
    pub account_id: i64,
    pub name: String,
    pub title: String,
    pub company: String,
    pub email: Option<String>,
    pub profile_url: Option<String>,
    pub reports_to_id: Option<i64>,
    pub influence: Option<Influence>,
    pub buying_role: Option<BuyingRole>,
    pub sentiment: Option<Sentiment>,
    pub strength: Option<i16>,
    pub relationship_owner_id: Option<i64>,
    /// The relationship owner's Slack id and name, when there is one.
    pub owner_slack_id: Option<String>,
    pub owner_name: Option<String>,
    pub tracked: bool,
    pub departed_at: Option<DateTime<Utc>>,
}

const CONTACT_COLUMNS: &str = "c.contact_id, c.account_id, c.name, c.title, c.company, c.email, c.profile_url, \
    c.reports_to_id, c.influence, c.buying_role, c.sentiment, c.strength, c.relationship_owner_id, \
    u.slack_id as owner_slack_id, nullif(u.display_name, '') as owner_name, \
    exists (select 1 from sponsor_tracking s where s.contact_id = c.contact_id) as tracked, c.departed_at";

/// An account's contacts, by name.
pub async fn for_account(conn: &mut PgConnection, account_id: i64) -> sqlx::Result<Vec<Contact>> {
    sqlx::query_as(&format!(
        "select {CONTACT_COLUMNS} from contact c left join app_user u on u.user_id = c.relationship_owner_id \
         where c.account_id = $1 order by lower(c.name), c.contact_id"
    ))
    .bind(account_id)
    .fetch_all(conn)
    .await
}

pub async fn by_id(conn: &mut PgConnection, contact_id: i64) -> sqlx::Result<Option<Contact>> {
    sqlx::query_as(&format!(
        "select {CONTACT_COLUMNS} from contact c left join app_user u on u.user_id = c.relationship_owner_id \
         where c.contact_id = $1"
    ))
    .bind(contact_id)
    .fetch_optional(conn)
    .await
}

/// Serializes changes to one account's map for the rest of the transaction
/// (the reports-to check must see the map as it will be written).
pub async fn lock_map(conn: &mut PgConnection, account_id: i64) -> sqlx::Result<()> {
    sqlx::query("select pg_advisory_xact_lock(hashtextextended('contacts:' || $1::text, 0))")
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The fields a person writes in the contact form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactFields {
    pub name: String,
    pub title: String,
    pub company: String,
    pub email: Option<String>,
    pub profile_url: Option<String>,
    pub reports_to_id: Option<i64>,
    pub influence: Option<Influence>,
    pub buying_role: Option<BuyingRole>,
    pub sentiment: Option<Sentiment>,
    pub strength: Option<i16>,
    pub relationship_owner_id: Option<i64>,
}

/// Adds a contact; `None` when the account already has one by that name.
pub async fn insert(conn: &mut PgConnection, account_id: i64, f: &ContactFields) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "insert into contact (account_id, name, title, company, email, profile_url, reports_to_id, influence, \
                              buying_role, sentiment, strength, relationship_owner_id) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         on conflict (account_id, lower(name)) do nothing returning contact_id",
    )
    .bind(account_id)
    .bind(&f.name)
    .bind(&f.title)
    .bind(&f.company)
    .bind(&f.email)
    .bind(&f.profile_url)
    .bind(f.reports_to_id)
    .bind(f.influence)
    .bind(f.buying_role)
    .bind(f.sentiment)
    .bind(f.strength)
    .bind(f.relationship_owner_id)
    .fetch_optional(conn)
    .await
}

/// Writes a contact's fields (only those that differ are audited).
pub async fn update(conn: &mut PgConnection, contact_id: i64, f: &ContactFields) -> sqlx::Result<()> {
    sqlx::query(
        "update contact set name = $2, title = $3, company = $4, email = $5, profile_url = $6, reports_to_id = $7, \
                influence = $8, buying_role = $9, sentiment = $10, strength = $11, relationship_owner_id = $12 \
         where contact_id = $1 and (name, title, company, email, profile_url, reports_to_id, influence, buying_role, \
                                    sentiment, strength, relationship_owner_id) \
               is distinct from ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(contact_id)
    .bind(&f.name)
    .bind(&f.title)
    .bind(&f.company)
    .bind(&f.email)
    .bind(&f.profile_url)
    .bind(f.reports_to_id)
    .bind(f.influence)
    .bind(f.buying_role)
    .bind(f.sentiment)
    .bind(f.strength)
    .bind(f.relationship_owner_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Stops tracking a contact as a sponsor (their observations go with it).
pub async fn untrack(conn: &mut PgConnection, contact_id: i64) -> sqlx::Result<()> {
    sqlx::query("delete from sponsor_tracking where contact_id = $1").bind(contact_id).execute(conn).await?;
    Ok(())
}

/// Removes a contact; those who reported to them keep no manager.
pub async fn delete(conn: &mut PgConnection, contact_id: i64) -> sqlx::Result<bool> {
    Ok(sqlx::query("delete from contact where contact_id = $1").bind(contact_id).execute(conn).await?.rows_affected() > 0)
}

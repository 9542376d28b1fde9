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

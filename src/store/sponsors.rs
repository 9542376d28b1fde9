//! Tracked sponsors: what was observed of them, and what changed.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::enums::{BuyingRole, Influence, Sentiment, SponsorAttribute};

/// Records that a tracked contact's `attribute` changed from `old` to `new`,
/// updating the contact's title or company to match. Whether a new company
/// means they left the account is the caller's call ([`set_departed`]).
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
    remember(conn, contact_id, attribute, new, observed_at).await?;
    match attribute {
        SponsorAttribute::Title => {
            sqlx::query("update contact set title = coalesce($2, '') where contact_id = $1")
                .bind(contact_id)
                .bind(new)
                .execute(&mut *conn)
                .await?;
        }
        SponsorAttribute::Company => {
            sqlx::query("update contact set company = coalesce($2, '') where contact_id = $1")
                .bind(contact_id)
                .bind(new)
                .execute(&mut *conn)
                .await?;
        }
        SponsorAttribute::Location => {}
    }
    Ok(change_id)
}

/// Marks a contact as having left the account at `at`, or as back (`None`);
/// `true` when that changed anything, so a departure is acted on once.
pub async fn set_departed(conn: &mut PgConnection, contact_id: i64, at: Option<DateTime<Utc>>) -> sqlx::Result<bool> {
    let changed = sqlx::query(
        "update contact set departed_at = $2 where contact_id = $1 and (departed_at is null) <> ($2::timestamptz is null)",
    )
    .bind(contact_id)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(changed.rows_affected() > 0)
}

/// A contact as sponsor tracking sees it: who they are, where they sit in
/// the buying group, and what was last observed of them.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Sponsor {
    pub contact_id: i64,
    pub account_id: i64,
    pub account_name: String,
    pub name: String,
    pub title: String,
    pub company: String,
    pub email: Option<String>,
    pub buying_role: Option<BuyingRole>,
    pub influence: Option<Influence>,
    pub sentiment: Option<Sentiment>,
    pub departed_at: Option<DateTime<Utc>>,
    /// Whether the contact is a tracked sponsor at all.
    pub tracked: bool,
    pub last_title: Option<String>,
    pub last_company: Option<String>,
    pub last_location: Option<String>,
    pub last_observed_at: Option<DateTime<Utc>>,
    /// When the latest observation of the contact was made (tracking a
    /// contact is not an observation of them).
    pub latest_observation: Option<DateTime<Utc>>,
}

impl Sponsor {
    /// The last observed value of an attribute.
    pub fn last(&self, attribute: SponsorAttribute) -> Option<&str> {
        match attribute {
            SponsorAttribute::Title => self.last_title.as_deref(),
            SponsorAttribute::Company => self.last_company.as_deref(),
            SponsorAttribute::Location => self.last_location.as_deref(),
        }
    }

    /// A champion or economic buyer: someone whose leaving leaves the deal without a sponsor.
    pub fn is_executive_sponsor(&self) -> bool {
        matches!(self.buying_role, Some(BuyingRole::Champion | BuyingRole::EconomicBuyer))
    }
}

const SPONSOR_SELECT: &str = "select c.contact_id, c.account_id, a.name as account_name, c.name, c.title, c.company, \
        c.email, c.buying_role, c.influence, c.sentiment, c.departed_at, (t.contact_id is not null) as tracked, \
        t.last_title, t.last_company, t.last_location, t.last_observed_at, \
        (select max(o.observed_at) from sponsor_observation o where o.contact_id = c.contact_id) as latest_observation \
    from contact c join account a using (account_id) left join sponsor_tracking t using (contact_id)";

pub async fn by_contact_id(conn: &mut PgConnection, contact_id: i64) -> sqlx::Result<Option<Sponsor>> {
    sqlx::query_as(&format!("{SPONSOR_SELECT} where c.contact_id = $1"))
        .bind(contact_id)
        .fetch_optional(conn)
        .await
}

/// Contacts with this email, whatever its case (one person may be mapped at
/// more than one account).
pub async fn by_email(conn: &mut PgConnection, email: &str) -> sqlx::Result<Vec<Sponsor>> {
    sqlx::query_as(&format!("{SPONSOR_SELECT} where lower(c.email) = lower($1) order by c.contact_id"))
        .bind(email.trim())
        .fetch_all(conn)
        .await
}

/// Contacts whose tracked profile is this link (trailing slash and case of
/// the host ignored).
pub async fn by_profile_url(conn: &mut PgConnection, url: &str) -> sqlx::Result<Vec<Sponsor>> {
    sqlx::query_as(&format!(
        "{SPONSOR_SELECT} where lower(rtrim(c.profile_url, '/')) = lower(rtrim($1, '/')) order by c.contact_id"
    ))
    .bind(url.trim())
    .fetch_all(conn)
    .await
}

/// The contact with this name (any case) at an account.
pub async fn by_name(conn: &mut PgConnection, account_id: i64, name: &str) -> sqlx::Result<Option<Sponsor>> {
    sqlx::query_as(&format!("{SPONSOR_SELECT} where c.account_id = $1 and lower(c.name) = lower($2)"))
        .bind(account_id)
        .bind(name.trim())
        .fetch_optional(conn)
        .await
}

/// Keeps what a profile service reported, whether or not anything changed.
pub async fn record_observation(
    conn: &mut PgConnection,
    contact_id: i64,
    values: [Option<&str>; 3],
    source: &str,
    observed_at: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let [title, company, location] = values;
    sqlx::query_scalar(
        "insert into sponsor_observation (contact_id, title, company, location, source, observed_at) \
         values ($1, $2, $3, $4, $5, $6) returning sponsor_observation_id",
    )
    .bind(contact_id)
    .bind(title)
    .bind(company)
    .bind(location)
    .bind(source)
    .bind(observed_at)
    .fetch_one(conn)
    .await
}

/// Remembers the first known value of an attribute (nothing to compare it
/// with yet), and that the contact was observed at `observed_at`.
pub async fn set_baseline(
    conn: &mut PgConnection,
    contact_id: i64,
    attribute: SponsorAttribute,
    value: &str,
    observed_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    remember(conn, contact_id, attribute, Some(value), observed_at).await
}

/// The last known value of an attribute, and when the contact was last observed.
async fn remember(
    conn: &mut PgConnection,
    contact_id: i64,
    attribute: SponsorAttribute,
    value: Option<&str>,
    observed_at: DateTime<Utc>,
) -> sqlx::Result<()> {
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
    .bind(value)
    .bind(observed_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Notes that the contact was observed at `observed_at` (when that is the latest).
pub async fn touch_observed(conn: &mut PgConnection, contact_id: i64, observed_at: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "update sponsor_tracking set last_observed_at = $2 \
         where contact_id = $1 and last_observed_at is distinct from greatest(last_observed_at, $2)",
    )
    .bind(contact_id)
    .bind(observed_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The names of an account's high-influence promoters still at the company.
pub async fn present_promoters(conn: &mut PgConnection, account_id: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "select name from contact where account_id = $1 and influence = 'high' and sentiment = 'promoter' \
         and departed_at is null order by name",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await
}

/// The account's active plan and its owner: where a sponsor follow-up goes.
pub async fn followup_target(conn: &mut PgConnection, account_id: i64) -> sqlx::Result<(Option<i64>, i64)> {
    sqlx::query_as(
        "select (select plan_id from plan where account_id = $1 and status = 'active'), t.user_id \
         from account_team t where t.account_id = $1 and t.role = 'owner'",
    )
    .bind(account_id)
    .fetch_one(conn)
    .await
}

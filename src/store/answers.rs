//! The rows behind planbot's specific answers about one account (its
//! people, whitespace, news, sponsor departures): one query per list, each
//! a page with its totals counted by the database.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use crate::domain::enums::{Appetite, BuyingRole, Influence, IntelCategory, Sentiment, Stage};

/// How many contacts the people answer lists.
pub const SHOWN_PEOPLE: i64 = 12;
/// How many intel items the news answer lists.
pub const SHOWN_NEWS: i64 = 5;
/// How many whitespace rows the whitespace answer lists (nine stages, a few vendors each).
pub const SHOWN_WHITESPACE_ROWS: i64 = 15;
/// How many departed sponsors the risks answer names.
pub const SHOWN_DEPARTURES: i64 = 5;

/// A contact on the relationship map, with our relationship owner.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PersonRow {
    pub name: String,
    pub title: String,
    pub influence: Option<Influence>,
    pub buying_role: Option<BuyingRole>,
    pub sentiment: Option<Sentiment>,
    pub strength: Option<i16>,
    pub departed_at: Option<DateTime<Utc>>,
    pub owner_name: Option<String>,
    pub owner_email: Option<String>,
    pub owner_slack_id: Option<String>,
}

/// The relationship map's page and its totals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct People {
    pub rows: Vec<PersonRow>,
    /// Contacts that match the question (all, or the champions).
    pub total: i64,
    /// High-influence contacts still at the company, whatever was asked.
    pub high_influence_present: i64,
}

#[derive(sqlx::FromRow)]
struct CountedPerson {
    #[sqlx(flatten)]
    row: PersonRow,
    total: i64,
    high_influence_present: i64,
}

/// The account's contacts, present ones first, by influence (high first),
/// then relationship strength; only champions when `champions_only`.
pub async fn people(pool: &PgPool, account_id: i64, champions_only: bool) -> sqlx::Result<People> {
    let rows: Vec<CountedPerson> = sqlx::query_as(
        "with counts as ( \
             select count(*) filter (where not $2 or buying_role = 'champion') as total, \
                    count(*) filter (where influence = 'high' and departed_at is null) as high_influence_present \
             from contact where account_id = $1) \
         select counts.total, counts.high_influence_present, c.name, c.title, c.influence, c.buying_role, \
                c.sentiment, c.strength, c.departed_at, u.display_name as owner_name, u.email as owner_email, \
                u.slack_id as owner_slack_id \
         from counts \
         join contact c on c.account_id = $1 and (not $2 or c.buying_role = 'champion') \
         left join app_user u on u.user_id = c.relationship_owner_id \
         order by c.departed_at is not null, \
                  case c.influence when 'high' then 0 when 'medium' then 1 when 'low' then 2 else 3 end, \
                  c.strength desc nulls last, c.name \
         limit $3",
    )
    .bind(account_id)
    .bind(champions_only)
    .bind(SHOWN_PEOPLE)
    .fetch_all(pool)
    .await?;
    let (total, high_influence_present) = match rows.first() {
        Some(first) => (first.total, first.high_influence_present),
        None => {
            // No contact matched: the totals still come from one count.
            sqlx::query_as::<_, (i64, i64)>(
                "select count(*) filter (where not $2 or buying_role = 'champion'), \
                        count(*) filter (where influence = 'high' and departed_at is null) \
                 from contact where account_id = $1",
            )
            .bind(account_id)
            .bind(champions_only)
            .fetch_one(pool)
            .await?
        }
    };
    Ok(People { rows: rows.into_iter().map(|r| r.row).collect(), total, high_influence_present })
}

/// A champion or economic buyer who left the account's company.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Departure {
    pub name: String,
    pub title: String,
    pub buying_role: Option<BuyingRole>,
    pub departed_at: DateTime<Utc>,
}

/// Sponsors (champions and economic buyers) who left, most recent first.
pub async fn departures(pool: &PgPool, account_id: i64) -> sqlx::Result<Vec<Departure>> {
    sqlx::query_as(
        "select name, title, buying_role, departed_at from contact \
         where account_id = $1 and departed_at is not null and buying_role in ('champion', 'economic_buyer') \
         order by departed_at desc, name limit $2",
    )
    .bind(account_id)
    .bind(SHOWN_DEPARTURES)
    .fetch_all(pool)
    .await
}

/// A whitespace row as the whitespace answer shows it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WhitespaceRow {
    pub stage: Stage,
    pub vendor: String,
    pub annual_spend: Option<i64>,
    pub contract_end: Option<NaiveDate>,
    pub appetite: Option<Appetite>,
}

/// The account's whitespace by DevSecOps stage (in the lifecycle's order),
/// soonest contract end first within a stage, and how many rows there are.
pub async fn whitespace(pool: &PgPool, account_id: i64) -> sqlx::Result<(Vec<WhitespaceRow>, i64)> {
    #[derive(sqlx::FromRow)]
    struct Counted {
        #[sqlx(flatten)]
        row: WhitespaceRow,
        total: i64,
    }
    let rows: Vec<Counted> = sqlx::query_as(
        "select stage, vendor, annual_spend, contract_end, appetite, count(*) over () as total \
         from whitespace where account_id = $1 \
         order by array_position(array['plan','create','verify','package','secure','release','configure', \
                                       'monitor','govern'], stage), \
                  contract_end nulls last, lower(vendor) \
         limit $2",
    )
    .bind(account_id)
    .bind(SHOWN_WHITESPACE_ROWS)
    .fetch_all(pool)
    .await?;
    let total = rows.first().map_or(0, |r| r.total);
    Ok((rows.into_iter().map(|r| r.row).collect(), total))
}

/// An intel item as the news answer shows it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct NewsRow {
    pub headline: String,
    pub url: Option<String>,
    pub summary: String,
    pub category: IntelCategory,
    pub published_at: DateTime<Utc>,
}

/// The account's latest intel, of one category when given, and how many there are.
pub async fn news(pool: &PgPool, account_id: i64, category: Option<IntelCategory>) -> sqlx::Result<(Vec<NewsRow>, i64)> {
    #[derive(sqlx::FromRow)]
    struct Counted {
        #[sqlx(flatten)]
        row: NewsRow,
        total: i64,
    }
    let rows: Vec<Counted> = sqlx::query_as(
        "select headline, url, summary, category, published_at, count(*) over () as total \
         from intel_item where account_id = $1 and ($2::text is null or category = $2) \
         order by published_at desc, intel_item_id desc limit $3",
    )
    .bind(account_id)
    .bind(category.map(|c| c.as_str()))
    .bind(SHOWN_NEWS)
    .fetch_all(pool)
    .await?;
    let total = rows.first().map_or(0, |r| r.total);
    Ok((rows.into_iter().map(|r| r.row).collect(), total))
}

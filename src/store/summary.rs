//! Gathers what the account summary shows, in a fixed number of queries
//! (eight) whatever the account's size: every list is a page, every total
//! is counted by the database.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

use crate::domain::enums::{Appetite, BuyingRole, Influence, Sentiment, Stage};
use crate::store::accounts::{self, Account, TeamMember};
use crate::store::actions::ActionItem;
use crate::store::plans::{self, Plan};

/// How many of each list the summary shows before "and N more".
pub const SHOWN_ITEMS: usize = 8;
pub const SHOWN_CONTACTS: usize = 6;
pub const SHOWN_WHITESPACE: usize = 5;
pub const SHOWN_INTEL: usize = 3;
pub const SHOWN_SPONSOR_CHANGES: usize = 3;
/// Whitespace contracts ending within this many days are called out.
pub const WHITESPACE_HORIZON_DAYS: i64 = 180;

/// Everything the summary shows about one account.
#[derive(Debug, Clone)]
pub struct AccountData {
    pub account: Account,
    pub team: Vec<TeamMember>,
    pub plan: Option<Plan>,
    /// Open items, overdue and soonest due first (a page of them).
    pub open_items: Vec<ActionItem>,
    pub open_total: i64,
    pub overdue_total: i64,
    pub relationships: Relationships,
    pub sponsor_changes: Vec<SponsorChangeBrief>,
    /// Whitespace whose contract ends within [`WHITESPACE_HORIZON_DAYS`], soonest first.
    pub whitespace_ending: Vec<WhitespaceBrief>,
    pub whitespace_ending_total: i64,
    pub whitespace_total: i64,
    pub intel: Vec<IntelBrief>,
    /// The active plan's health, explained (none without an active plan).
    pub health: Option<crate::domain::review::HealthLine>,
}

/// The relationship map in numbers, and the contacts worth naming.
#[derive(Debug, Clone, Default)]
pub struct Relationships {
    pub contacts_total: i64,
    pub high_influence_total: i64,
    /// High-influence contacts we have a relationship of strength 3 or more with.
    pub high_influence_covered: i64,
    /// High-influence promoters still at the company.
    pub high_influence_promoters: i64,
    /// Champions, economic buyers, detractors and blockers, most important first.
    pub highlights: Vec<ContactBrief>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ContactBrief {
    pub name: String,
    pub title: String,
    pub buying_role: Option<BuyingRole>,
    pub influence: Option<Influence>,
    pub sentiment: Option<Sentiment>,
    pub strength: Option<i16>,
    pub departed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SponsorChangeBrief {
    pub contact_name: String,
    pub attribute: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub observed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WhitespaceBrief {
    pub stage: Stage,
    pub vendor: String,
    pub annual_spend: Option<i64>,
    pub contract_end: Option<NaiveDate>,
    pub appetite: Option<Appetite>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IntelBrief {
    pub headline: String,
    pub url: Option<String>,
    pub category: String,
    pub published_at: DateTime<Utc>,
}

/// The summary's data for an account, or `None` if it does not exist.
/// `today` is the viewer's local date (what "overdue" means to them).
///
/// The eight queries are independent, so they run at once on pooled
/// connections: the summary waits for the slowest, not for their sum.
pub async fn gather(pool: &PgPool, account_id: i64, today: NaiveDate) -> sqlx::Result<Option<AccountData>> {
    let (account, team, plan, items, relationships, sponsor_changes, whitespace, intel) = tokio::try_join!(
        account_row(pool, account_id),
        accounts::team(pool, account_id),
        active_plan(pool, account_id),
        open_items(pool, account_id, today),
        relationships(pool, account_id),
        sponsor_changes(pool, account_id),
        whitespace_ending(pool, account_id, today),
        latest_intel(pool, account_id),
    )?;
    let Some(account) = account else { return Ok(None) };
    let health = {
        let mut conn = pool.acquire().await?;
        super::review::health_lines(&mut conn, &[account_id], 3).await?.remove(&account_id)
    };
    let (open_items, open_total, overdue_total) = items;
    let (whitespace_ending, whitespace_ending_total, whitespace_total) = whitespace;
    Ok(Some(AccountData {
        account,
        team,
        plan,
        open_items,
        open_total,
        overdue_total,
        relationships,
        sponsor_changes,
        whitespace_ending,
        whitespace_ending_total,
        whitespace_total,
        intel,
        health,
    }))
}

/// Query 1: the account
async fn account_row(pool: &PgPool, account_id: i64) -> sqlx::Result<Option<Account>> {
    sqlx::query_as(
        "select account_id, name, external_id, rank, rank_notes, tier, industry, annual_spend, \
                renewal_date, slack_channel from account where account_id = $1",
    )
    .bind(account_id)
    .fetch_optional(pool)
    .await
}

/// Query 3: the active plan (2, the team, is [`accounts::team`])
async fn active_plan(pool: &PgPool, account_id: i64) -> sqlx::Result<Option<Plan>> {
    sqlx::query_as(&format!("select {} from plan where account_id = $1 and status = 'active'", plans::COLUMNS))
        .bind(account_id)
        .fetch_optional(pool)
        .await
}

/// Query 4: Open action items, overdue and soonest first, with the totals: the
/// totals come from the index alone; names are joined for the page only.
async fn open_items(pool: &PgPool, account_id: i64, today: NaiveDate) -> sqlx::Result<(Vec<ActionItem>, i64, i64)> {
    let rows: Vec<ItemRow> = sqlx::query_as(
        "select totals.open_total, totals.overdue_total, page.* \
         from (select count(*) as open_total, count(*) filter (where due_date < $2) as overdue_total \
               from action_item where account_id = $1 and status = 'open') totals \
         left join lateral ( \
             select i.action_item_id, i.plan_id, i.account_id, a.name as account_name, i.title, i.owner_id, \
                    u.display_name as owner_name, u.email as owner_email, u.slack_id as owner_slack_id, \
                    i.due_date, i.status, i.snoozed_until, i.completed_at \
             from (select * from action_item where account_id = $1 and status = 'open' \
                   order by due_date nulls last, action_item_id limit $3) i \
             join app_user u on u.user_id = i.owner_id join account a on a.account_id = i.account_id \
             order by i.due_date nulls last, i.action_item_id) page on true",
    )
    .bind(account_id)
    .bind(today)
    .bind(SHOWN_ITEMS as i64)
    .fetch_all(pool)
    .await?;
    let (open_total, overdue_total) = rows.first().map(|r| (r.open_total, r.overdue_total)).unwrap_or((0, 0));
    Ok((rows.into_iter().filter_map(ItemRow::into_item).collect(), open_total, overdue_total))
}

/// Query 5: the relationship map: totals, and the contacts worth naming
async fn relationships(pool: &PgPool, account_id: i64) -> sqlx::Result<Relationships> {
    let rows: Vec<ContactRow> = sqlx::query_as(
        "select totals.*, named.* \
         from (select count(*) as contacts_total, \
                      count(*) filter (where influence = 'high' and departed_at is null) as high_influence_total, \
                      count(*) filter (where influence = 'high' and departed_at is null and strength >= 3) \
                          as high_influence_covered, \
                      count(*) filter (where influence = 'high' and sentiment = 'promoter' and departed_at is null) \
                          as high_influence_promoters \
               from contact where account_id = $1) totals \
         left join lateral ( \
             select name, title, buying_role, influence, sentiment, strength, departed_at from contact \
             where account_id = $1 \
               and (buying_role in ('champion', 'economic_buyer', 'blocker') or sentiment = 'detractor') \
             order by departed_at is not null, \
                      case buying_role when 'champion' then 0 when 'economic_buyer' then 1 \
                                       when 'blocker' then 2 else 3 end, \
                      influence = 'high' desc, strength desc nulls last, name \
             limit $2) named on true",
    )
    .bind(account_id)
    // Enough of each kind to fill every group the summary names.
    .bind((SHOWN_CONTACTS * 4) as i64)
    .fetch_all(pool)
    .await?;
    Ok(match rows.first() {
        Some(first) => Relationships {
            contacts_total: first.contacts_total,
            high_influence_total: first.high_influence_total,
            high_influence_covered: first.high_influence_covered,
            high_influence_promoters: first.high_influence_promoters,
            highlights: rows.into_iter().filter_map(ContactRow::into_brief).collect(),
        },
        None => Relationships::default(),
    })
}

/// Query 6: recent sponsor changes
async fn sponsor_changes(pool: &PgPool, account_id: i64) -> sqlx::Result<Vec<SponsorChangeBrief>> {
    sqlx::query_as(
        "select c.name as contact_name, s.attribute, s.old_value, s.new_value, s.observed_at \
         from sponsor_change s join contact c using (contact_id) \
         where c.account_id = $1 and s.observed_at > now() - interval '90 days' \
         order by s.observed_at desc limit $2",
    )
    .bind(account_id)
    .bind(SHOWN_SPONSOR_CHANGES as i64)
    .fetch_all(pool)
    .await
}

/// Query 7: whitespace with contracts ending soon, and the totals
async fn whitespace_ending(pool: &PgPool, account_id: i64, today: NaiveDate) -> sqlx::Result<(Vec<WhitespaceBrief>, i64, i64)> {
    let rows: Vec<WhitespaceRow> = sqlx::query_as(
        "with all_rows as ( \
             select stage, vendor, annual_spend, contract_end, appetite, \
                    contract_end between $2 and $2 + $3::int as ending \
             from whitespace where account_id = $1) \
         select t.total, t.ending_total, r.stage, r.vendor, r.annual_spend, r.contract_end, r.appetite \
         from (select count(*) as total, count(*) filter (where ending) as ending_total from all_rows) t \
         left join lateral (select * from all_rows where ending order by contract_end limit $4) r on true",
    )
    .bind(account_id)
    .bind(today)
    .bind(WHITESPACE_HORIZON_DAYS as i32)
    .bind(SHOWN_WHITESPACE as i64)
    .fetch_all(pool)
    .await?;
    let (total, ending_total) = rows.first().map(|r| (r.total, r.ending_total)).unwrap_or((0, 0));
    Ok((rows.into_iter().filter_map(WhitespaceRow::into_brief).collect(), ending_total, total))
}

/// Query 8: the latest intel
async fn latest_intel(pool: &PgPool, account_id: i64) -> sqlx::Result<Vec<IntelBrief>> {
    sqlx::query_as(
        "select headline, url, category, published_at from intel_item \
         where account_id = $1 order by published_at desc, intel_item_id desc limit $2",
    )
    .bind(account_id)
    .bind(SHOWN_INTEL as i64)
    .fetch_all(pool)
    .await
}

/// A page row of open items with the account's totals; the item columns
/// are null when nothing is open.
#[derive(sqlx::FromRow)]
struct ItemRow {
    open_total: i64,
    overdue_total: i64,
    action_item_id: Option<i64>,
    plan_id: Option<i64>,
    account_id: Option<i64>,
    account_name: Option<String>,
    title: Option<String>,
    owner_id: Option<i64>,
    owner_name: Option<String>,
    owner_email: Option<String>,
    owner_slack_id: Option<String>,
    due_date: Option<NaiveDate>,
    status: Option<crate::domain::enums::ActionStatus>,
    snoozed_until: Option<chrono::DateTime<chrono::Utc>>,
    completed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl ItemRow {
    fn into_item(self) -> Option<ActionItem> {
        Some(ActionItem {
            action_item_id: self.action_item_id?,
            plan_id: self.plan_id?,
            account_id: self.account_id?,
            account_name: self.account_name?,
            title: self.title?,
            owner_id: self.owner_id?,
            owner_name: self.owner_name?,
            owner_email: self.owner_email?,
            owner_slack_id: self.owner_slack_id,
            due_date: self.due_date,
            status: self.status?,
            snoozed_until: self.snoozed_until,
            completed_at: self.completed_at,
        })
    }
}

/// A contact worth naming, with the account's relationship totals; the
/// contact columns are null when nobody is worth naming.
#[derive(sqlx::FromRow)]
struct ContactRow {
    contacts_total: i64,
    high_influence_total: i64,
    high_influence_covered: i64,
    high_influence_promoters: i64,
    name: Option<String>,
    title: Option<String>,
    buying_role: Option<crate::domain::enums::BuyingRole>,
    influence: Option<crate::domain::enums::Influence>,
    sentiment: Option<crate::domain::enums::Sentiment>,
    strength: Option<i16>,
    departed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl ContactRow {
    fn into_brief(self) -> Option<ContactBrief> {
        Some(ContactBrief {
            name: self.name?,
            title: self.title.unwrap_or_default(),
            buying_role: self.buying_role,
            influence: self.influence,
            sentiment: self.sentiment,
            strength: self.strength,
            departed_at: self.departed_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct WhitespaceRow {
    total: i64,
    ending_total: i64,
    stage: Option<crate::domain::enums::Stage>,
    vendor: Option<String>,
    annual_spend: Option<i64>,
    contract_end: Option<NaiveDate>,
    appetite: Option<crate::domain::enums::Appetite>,
}

impl WhitespaceRow {
    fn into_brief(self) -> Option<WhitespaceBrief> {
        Some(WhitespaceBrief {
            stage: self.stage?,
            vendor: self.vendor.unwrap_or_default(),
            annual_spend: self.annual_spend,
            contract_end: self.contract_end,
            appetite: self.appetite,
        })
    }
}

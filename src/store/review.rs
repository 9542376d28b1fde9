//! What the plan review reads (counts per active plan, for one account or
//! thousands at once) and the QBRs held on accounts.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};

use crate::domain::plan::SECTIONS;
use crate::domain::review::{self, HealthLine, PlanFacts, names_resources, risks_named};

/// An active plan and what the review reads of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reviewed {
    pub account_id: i64,
    pub account_name: String,
    pub plan_id: i64,
    pub plan_name: String,
    pub plan_created_at: DateTime<Utc>,
    pub facts: PlanFacts,
}

#[derive(sqlx::FromRow)]
struct FactsRow {
    account_id: i64,
    account_name: String,
    plan_id: i64,
    plan_name: String,
    plan_created_at: DateTime<Utc>,
    written: Vec<String>,
    threats_risks: String,
    action_plan: String,
    annual_spend: Option<i64>,
    contacts: i64,
    champions: i64,
    high_influence: i64,
    high_influence_owned: i64,
    other_high_influence: i64,
    without_sentiment: i64,
    without_strength: i64,
    whitespace_rows: i64,
    rows_without_vendor: i64,
    vendors_without_opinions: i64,
    vendors_without_spend: i64,
    vendors_without_contract_end: i64,
    team_members: i64,
    members_without_items: Vec<String>,
    open_items: i64,
    open_items_undated: i64,
    open_items_with_resources: i64,
}

/// The facts of the active plans of these accounts (accounts without one
/// are left out), in one statement.
pub async fn facts(conn: &mut PgConnection, account_ids: &[i64]) -> sqlx::Result<Vec<Reviewed>> {
    let written: Vec<String> = SECTIONS
        .iter()
        .map(|s| format!("case when btrim(p.{key}) <> '' then '{key}' end", key = s.key))
        .collect();
    let rows: Vec<FactsRow> = sqlx::query_as(&format!(
        "select a.account_id, a.name as account_name, p.plan_id, p.name as plan_name, p.created_at as plan_created_at, \
                array_remove(array[{written}], null) as written, \
                p.threats_risks, p.action_plan, a.annual_spend, \
                coalesce(c.contacts, 0) as contacts, coalesce(c.champions, 0) as champions, \
                coalesce(c.high_influence, 0) as high_influence, coalesce(c.high_influence_owned, 0) as high_influence_owned, \
                coalesce(c.other_high_influence, 0) as other_high_influence, \
                coalesce(c.without_sentiment, 0) as without_sentiment, coalesce(c.without_strength, 0) as without_strength, \
                coalesce(w.rows, 0) as whitespace_rows, coalesce(w.without_vendor, 0) as rows_without_vendor, \
                coalesce(w.without_opinions, 0) as vendors_without_opinions, \
                coalesce(w.without_spend, 0) as vendors_without_spend, \
                coalesce(w.without_contract_end, 0) as vendors_without_contract_end, \
                coalesce(t.members, 0) as team_members, coalesce(t.without_items, '{{}}') as members_without_items, \
                coalesce(i.open_items, 0) as open_items, coalesce(i.undated, 0) as open_items_undated, \
                coalesce(i.with_resources, 0) as open_items_with_resources \
         from unnest($1::bigint[]) as wanted (account_id) \
         join account a on a.account_id = wanted.account_id \
         join plan p on p.account_id = a.account_id and p.status = 'active' \
         left join lateral ( \
             select count(*) as contacts, \
                    count(*) filter (where buying_role = 'champion') as champions, \
                    count(*) filter (where influence = 'high') as high_influence, \
                    count(*) filter (where influence = 'high' and relationship_owner_id is not null) as high_influence_owned, \
                    count(*) filter (where influence = 'high' and buying_role is distinct from 'champion') as other_high_influence, \
                    count(*) filter (where sentiment is null) as without_sentiment, \
                    count(*) filter (where strength is null) as without_strength \
             from contact where account_id = a.account_id and departed_at is null) c on true \
         left join lateral ( \
             select count(*) as rows, \
                    count(*) filter (where btrim(vendor) = '') as without_vendor, \
                    count(*) filter (where btrim(vendor) <> '' and btrim(likes) = '' and btrim(dislikes) = '') as without_opinions, \
                    count(*) filter (where btrim(vendor) <> '' and annual_spend is null) as without_spend, \
                    count(*) filter (where btrim(vendor) <> '' and contract_end is null) as without_contract_end \
             from whitespace where account_id = a.account_id) w on true \
         left join lateral ( \
             select count(distinct m.user_id) as members, \
                    array_agg(distinct coalesce(nullif(u.display_name, ''), u.email)) \
                        filter (where not exists (select 1 from action_item x \
                                                  where x.plan_id = p.plan_id and x.owner_id = m.user_id and x.status = 'open')) \
                        as without_items \
             from account_team m join app_user u on u.user_id = m.user_id where m.account_id = a.account_id) t on true \
         left join lateral ( \
             select count(*) as open_items, count(*) filter (where due_date is null) as undated, \
                    count(*) filter (where btrim(resources_needed) <> '') as with_resources \
             from action_item where plan_id = p.plan_id and status = 'open') i on true \
         order by a.account_id",
        written = written.join(", ")
    ))
    .bind(account_ids)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Reviewed {
            account_id: r.account_id,
            account_name: r.account_name,
            plan_id: r.plan_id,
            plan_name: r.plan_name,
            plan_created_at: r.plan_created_at,
            facts: PlanFacts {
                written: r.written.into_iter().collect::<BTreeSet<String>>(),
                risks_named: risks_named(&r.threats_risks),
                plan_names_resources: names_resources(&r.action_plan),
                annual_spend: r.annual_spend,
                contacts: r.contacts,
                champions: r.champions,
                high_influence: r.high_influence,
                high_influence_owned: r.high_influence_owned,
                other_high_influence: r.other_high_influence,
                without_sentiment: r.without_sentiment,
                without_strength: r.without_strength,
                whitespace_rows: r.whitespace_rows,
                rows_without_vendor: r.rows_without_vendor,
                vendors_without_opinions: r.vendors_without_opinions,
                vendors_without_spend: r.vendors_without_spend,
                vendors_without_contract_end: r.vendors_without_contract_end,
                team_members: r.team_members,
                members_without_items: r.members_without_items,
                open_items: r.open_items,
                open_items_undated: r.open_items_undated,
                open_items_with_resources: r.open_items_with_resources,
            },
        })
        .collect())
}

/// The facts of one account's active plan.
pub async fn facts_of(pool: &PgPool, account_id: i64) -> sqlx::Result<Option<Reviewed>> {
    let mut conn = pool.acquire().await?;
    Ok(facts(&mut conn, &[account_id]).await?.pop())
}

/// A QBR held on an account.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Qbr {
    pub qbr_id: i64,
    pub account_id: i64,
    pub held_on: NaiveDate,
    pub health: Option<i16>,
    pub recorded_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The last QBR held on each of these accounts (on or before `until`).
pub async fn last_qbrs(conn: &mut PgConnection, account_ids: &[i64]) -> sqlx::Result<Vec<Qbr>> {
    sqlx::query_as(
        "select distinct on (q.account_id) q.qbr_id, q.account_id, q.held_on, q.health, \
                nullif(u.display_name, '') as recorded_by_name, q.created_at \
         from qbr q left join app_user u on u.user_id = q.recorded_by \
         where q.account_id = any($1) order by q.account_id, q.held_on desc, q.qbr_id desc",
    )
    .bind(account_ids)
    .fetch_all(conn)
    .await
}

pub async fn last_qbr(pool: &PgPool, account_id: i64) -> sqlx::Result<Option<Qbr>> {
    let mut conn = pool.acquire().await?;
    Ok(last_qbrs(&mut conn, &[account_id]).await?.pop())
}

/// Records a QBR held on `held_on` with the plan's health then; `None`
/// when one is already recorded for that day. Audited in the caller's
/// transaction (whose actor recorded it).
pub async fn record_qbr(
    conn: &mut PgConnection,
    account_id: i64,
    plan_id: Option<i64>,
    held_on: NaiveDate,
    health: Option<i16>,
    recorded_by: i64,
) -> sqlx::Result<Option<i64>> {
    let id: Option<i64> = sqlx::query_scalar(
        "insert into qbr (account_id, plan_id, held_on, health, recorded_by) values ($1, $2, $3, $4, $5) \
         on conflict (account_id, held_on) do nothing returning qbr_id",
    )
    .bind(account_id)
    .bind(plan_id)
    .bind(held_on)
    .bind(health)
    .bind(recorded_by)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = id {
        sqlx::query(
            "insert into audit (account_id, entity, entity_id, action, field, old_value, new_value, actor_id, actor_source) \
             values ($1, 'qbr', $2, 'insert', 'held_on', null, $3::text, nullif(current_setting('planbot.actor_id', true), '')::bigint, \
                     coalesce(nullif(current_setting('planbot.actor_source', true), ''), 'system'))",
        )
        .bind(account_id)
        .bind(id)
        .bind(held_on)
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// The key accounts (rank 1, or of a key tier) among `account_ids` that
/// have no active plan, by name.
pub async fn key_without_plan(conn: &mut PgConnection, account_ids: &[i64], key_tiers: &[String]) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "select a.account_id, a.name from account a \
         where a.account_id = any($1) and (a.rank = 1 or lower(a.tier) = any($2)) \
           and not exists (select 1 from plan p where p.account_id = a.account_id and p.status = 'active') \
         order by a.name",
    )
    .bind(account_ids)
    .bind(key_tiers.iter().map(|t| t.to_lowercase()).collect::<Vec<_>>())
    .fetch_all(conn)
    .await
}

/// A manager whose weekly digest is due, one of their direct reports, and
/// the accounts that report owns.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ReportAccounts {
    pub manager_id: i64,
    /// The manager's own date when the digest is due.
    pub today: NaiveDate,
    pub report_id: i64,
    pub report_name: String,
    pub report_slack_id: Option<String>,
    pub report_email: String,
    pub account_ids: Vec<i64>,
}

/// The managers in these zones (on their local `days`; on a working day of
/// theirs when `skip_days_off`), each with every direct report and the
/// accounts the report owns.
pub async fn due_managers(conn: &mut PgConnection, zones: &[String], days: &[NaiveDate], skip_days_off: bool) -> sqlx::Result<Vec<ReportAccounts>> {
    if zones.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as(
        "select m.user_id as manager_id, z.today, r.user_id as report_id, \
                coalesce(nullif(r.display_name, ''), r.email) as report_name, r.slack_id as report_slack_id, \
                r.email as report_email, \
                coalesce(array_agg(t.account_id order by t.account_id) filter (where t.account_id is not null), '{}') as account_ids \
         from unnest($1::text[], $2::date[]) as z (tz, today) \
         join app_user m on m.tz = z.tz \
         join app_user r on r.manager_id = m.user_id \
         left join account_team t on t.user_id = r.user_id and t.role = 'owner' \
         where not $3 or extract(isodow from z.today)::smallint = any(m.working_days) \
         group by m.user_id, z.today, r.user_id \
         order by m.user_id, report_name, r.user_id",
    )
    .bind(zones)
    .bind(days)
    .bind(skip_days_off)
    .fetch_all(conn)
    .await
}

/// The health line of each of these accounts' active plans (accounts
/// without one are left out): `gaps` of the biggest gaps named.
pub async fn health_lines(conn: &mut PgConnection, account_ids: &[i64], gaps: usize) -> sqlx::Result<std::collections::HashMap<i64, HealthLine>> {
    let reviewed = facts(conn, account_ids).await?;
    let qbrs = last_qbrs(conn, account_ids).await?;
    Ok(reviewed
        .into_iter()
        .map(|r| {
            let qbr = qbrs.iter().find(|q| q.account_id == r.account_id).and_then(|q| Some((q.held_on, q.health? as u32)));
            (r.account_id, HealthLine::of(&review::review(review::rules(), &r.facts), gaps, qbr))
        })
        .collect())
}

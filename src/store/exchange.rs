//! The SQL of CSV import and export: what an import checks rows against,
//! bulk writes (one statement per step, arrays bound with `unnest`, so a
//! file of 100,000 rows is a handful of round trips), and what an export
//! reads.
//!
//! Every write changes only rows that differ from what the file says, so
//! importing the same file twice changes nothing and the audit triggers
//! write nothing the second time. A value the file does not set (`None`)
//! keeps what the row holds, and takes the column default on a new row.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use crate::domain::plan::SECTIONS;

/// Rows inserted and rows changed by a write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    pub inserted: u64,
    pub updated: u64,
}

impl std::ops::AddAssign for Written {
    fn add_assign(&mut self, other: Written) {
        self.inserted += other.inserted;
        self.updated += other.updated;
    }
}

impl Written {
    /// Counts rows by key: `written` holds (`inserted` | `updated`, key) of
    /// the main statement, `touched` the keys later steps changed (a manager,
    /// a reporting line). A new row touched again is still one new row.
    fn count<K: std::hash::Hash + Eq>(written: Vec<(String, K)>, touched: Vec<K>) -> Self {
        let mut inserted = std::collections::HashSet::new();
        let mut updated = std::collections::HashSet::new();
        for (what, key) in written {
            if what == "inserted" {
                inserted.insert(key);
            } else {
                updated.insert(key);
            }
        }
        updated.extend(touched);
        let updated = updated.difference(&inserted).count() as u64;
        Written { inserted: inserted.len() as u64, updated }
    }
}

// ---------------------------------------------------------------------------
// What imports check against
// ---------------------------------------------------------------------------

/// Every person's id by email.
pub async fn user_ids(conn: &mut PgConnection) -> sqlx::Result<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = sqlx::query_as("select email, user_id from app_user").fetch_all(conn).await?;
    Ok(rows.into_iter().collect())
}

/// Who holds each Slack id, by email.
pub async fn slack_ids(conn: &mut PgConnection) -> sqlx::Result<HashMap<String, String>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("select slack_id, email from app_user where slack_id is not null").fetch_all(conn).await?;
    Ok(rows.into_iter().collect())
}

/// Every account's owner.
pub async fn owners(conn: &mut PgConnection) -> sqlx::Result<HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("select account_id, user_id from account_team where role = 'owner'").fetch_all(conn).await?;
    Ok(rows.into_iter().collect())
}

/// A plan as imports find it: by account and name (any case).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PlanKey {
    pub plan_id: i64,
    pub account_id: i64,
    pub name: String,
    pub status: String,
}

pub async fn plan_keys(conn: &mut PgConnection) -> sqlx::Result<Vec<PlanKey>> {
    sqlx::query_as("select plan_id, account_id, name, status from plan order by plan_id").fetch_all(conn).await
}

/// An action item as imports match it: by plan and title.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ItemKey {
    pub action_item_id: i64,
    pub plan_id: i64,
    pub title: String,
}

/// The items of these plans, oldest first (the order imports match repeated titles in).
pub async fn item_keys(conn: &mut PgConnection, plan_ids: &[i64]) -> sqlx::Result<Vec<ItemKey>> {
    sqlx::query_as(
        "select action_item_id, plan_id, title from action_item where plan_id = any($1) order by action_item_id",
    )
    .bind(plan_ids)
    .fetch_all(conn)
    .await
}

/// Every contact's id by (account, lower-case name).
pub async fn contact_ids(conn: &mut PgConnection) -> sqlx::Result<HashMap<(i64, String), i64>> {
    let rows: Vec<(i64, String, i64)> =
        sqlx::query_as("select account_id, lower(name), contact_id from contact").fetch_all(conn).await?;
    Ok(rows.into_iter().map(|(account, name, id)| ((account, name), id)).collect())
}

/// Every whitespace row's id by (account, stage, lower-case vendor).
pub async fn whitespace_ids(conn: &mut PgConnection) -> sqlx::Result<HashMap<(i64, String, String), i64>> {
    let rows: Vec<(i64, String, String, i64)> =
        sqlx::query_as("select account_id, stage, lower(vendor), whitespace_id from whitespace").fetch_all(conn).await?;
    Ok(rows.into_iter().map(|(account, stage, vendor, id)| ((account, stage, vendor), id)).collect())
}

// ---------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------

/// users.csv, as columns.
#[derive(Debug, Default)]
pub struct UserColumns {
    pub email: Vec<String>,
    pub slack_id: Vec<Option<String>>,
    pub name: Vec<Option<String>>,
    pub tz: Vec<Option<String>>,
    pub role: Vec<Option<String>>,
    pub manager_email: Vec<Option<String>>,
}

pub async fn write_users(conn: &mut PgConnection, c: &UserColumns) -> sqlx::Result<Written> {
    let whats: Vec<(String, String)> = sqlx::query_as(
        "with input as (select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) \
                        as i (email, slack_id, name, tz, role)), \
         updated as ( \
            update app_user a set slack_id = coalesce(i.slack_id, a.slack_id), \
                display_name = coalesce(i.name, a.display_name), tz = coalesce(i.tz, a.tz), \
                role = coalesce(i.role, a.role) \
            from input i where a.email = i.email \
              and (coalesce(i.slack_id, a.slack_id), coalesce(i.name, a.display_name), coalesce(i.tz, a.tz), \
                   coalesce(i.role, a.role)) is distinct from (a.slack_id, a.display_name, a.tz, a.role) \
            returning 'updated'::text as what, a.email), \
         inserted as ( \
            insert into app_user (email, slack_id, display_name, tz, role) \
            select email, slack_id, coalesce(name, ''), coalesce(tz, 'UTC'), coalesce(role, 'member') from input i \
            where not exists (select 1 from app_user a where a.email = i.email) \
            returning 'inserted'::text as what, email) \
         select what, email from updated union all select what, email from inserted",
    )
    .bind(&c.email)
    .bind(&c.slack_id)
    .bind(&c.name)
    .bind(&c.tz)
    .bind(&c.role)
    .fetch_all(&mut *conn)
    .await?;
    // Managers once everyone exists: a manager may come later in the file.
    let managed: Vec<String> = sqlx::query_scalar(
        "update app_user a set manager_id = m.user_id \
         from unnest($1::text[], $2::text[]) as i (email, manager_email) join app_user m on m.email = i.manager_email \
         where a.email = i.email and a.manager_id is distinct from m.user_id returning a.email",
    )
    .bind(&c.email)
    .bind(&c.manager_email)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Written::count(whats, managed))
}

/// accounts.csv, as columns; `account_id` is the existing account a row
/// updates (`None`: a new one).
#[derive(Debug, Default)]
pub struct AccountColumns {
    pub account_id: Vec<Option<i64>>,
    pub name: Vec<String>,
    pub match_key: Vec<String>,
    pub external_id: Vec<Option<String>>,
    pub rank: Vec<Option<i16>>,
    pub rank_notes: Vec<Option<String>>,
    pub tier: Vec<Option<String>>,
    pub industry: Vec<Option<String>>,
    pub annual_spend: Vec<Option<i64>>,
    pub renewal_date: Vec<Option<NaiveDate>>,
    pub slack_channel: Vec<Option<String>>,
    pub owner_id: Vec<i64>,
}

/// Writes accounts and their owners; returns the accounts' ids in row order.
pub async fn write_accounts(conn: &mut PgConnection, c: &AccountColumns) -> sqlx::Result<(Written, Vec<i64>)> {
    let rows: Vec<(String, i64, String)> = sqlx::query_as(
        "with input as (select * from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::int2[], $6::text[], \
                                             $7::text[], $8::text[], $9::int8[], $10::date[], $11::text[]) \
                        with ordinality as i (account_id, name, match_key, external_id, rank, rank_notes, tier, \
                                              industry, annual_spend, renewal_date, slack_channel, ord)), \
         updated as ( \
            update account a set name = i.name, match_key = i.match_key, \
                external_id = coalesce(i.external_id, a.external_id), rank = coalesce(i.rank, a.rank), \
                rank_notes = coalesce(i.rank_notes, a.rank_notes), tier = coalesce(i.tier, a.tier), \
                industry = coalesce(i.industry, a.industry), annual_spend = coalesce(i.annual_spend, a.annual_spend), \
                renewal_date = coalesce(i.renewal_date, a.renewal_date), \
                slack_channel = coalesce(i.slack_channel, a.slack_channel) \
            from input i where a.account_id = i.account_id \
              and (i.name, coalesce(i.external_id, a.external_id), coalesce(i.rank, a.rank), \
                   coalesce(i.rank_notes, a.rank_notes), coalesce(i.tier, a.tier), coalesce(i.industry, a.industry), \
                   coalesce(i.annual_spend, a.annual_spend), coalesce(i.renewal_date, a.renewal_date), \
                   coalesce(i.slack_channel, a.slack_channel)) \
                  is distinct from (a.name, a.external_id, a.rank, a.rank_notes, a.tier, a.industry, a.annual_spend, \
                                    a.renewal_date, a.slack_channel) \
            returning 'updated'::text as what, a.account_id, a.name), \
         inserted as ( \
            insert into account (name, match_key, external_id, rank, rank_notes, tier, industry, annual_spend, \
                                 renewal_date, slack_channel) \
            select name, match_key, external_id, coalesce(rank, 3), coalesce(rank_notes, ''), coalesce(tier, ''), \
                   coalesce(industry, ''), annual_spend, renewal_date, slack_channel \
            from input where account_id is null order by ord \
            returning 'inserted'::text as what, account_id, name) \
         select what, account_id, name from updated union all select what, account_id, name from inserted",
    )
    .bind(&c.account_id)
    .bind(&c.name)
    .bind(&c.match_key)
    .bind(&c.external_id)
    .bind(&c.rank)
    .bind(&c.rank_notes)
    .bind(&c.tier)
    .bind(&c.industry)
    .bind(&c.annual_spend)
    .bind(&c.renewal_date)
    .bind(&c.slack_channel)
    .fetch_all(&mut *conn)
    .await?;
    let mut written = Written::default();
    let mut changed = std::collections::HashSet::new();
    let mut new_ids: HashMap<String, i64> = HashMap::new();
    for (what, id, name) in rows {
        if what == "inserted" {
            written.inserted += 1;
            new_ids.insert(name.to_lowercase(), id);
        } else {
            changed.insert(id);
        }
    }
    let ids: Vec<i64> = c
        .account_id
        .iter()
        .zip(&c.name)
        .map(|(id, name)| id.unwrap_or_else(|| new_ids[&name.trim().to_lowercase()]))
        .collect();

    // A new owner replaces the old one; the owner check runs at commit.
    let replaced: Vec<i64> = sqlx::query_scalar(
        "delete from account_team t using unnest($1::bigint[], $2::bigint[]) as i (account_id, owner_id) \
         where t.account_id = i.account_id and t.role = 'owner' and t.user_id <> i.owner_id returning t.account_id",
    )
    .bind(&ids)
    .bind(&c.owner_id)
    .fetch_all(&mut *conn)
    .await?;
    changed.extend(replaced);
    sqlx::query(
        "insert into account_team (account_id, user_id, role) \
         select account_id, owner_id, 'owner' from unnest($1::bigint[], $2::bigint[]) as i (account_id, owner_id) \
         on conflict do nothing",
    )
    .bind(&ids)
    .bind(&c.owner_id)
    .execute(&mut *conn)
    .await?;
    written.updated = changed.len() as u64;
    Ok((written, ids))
}

/// team.csv: seats (account, user, role); existing seats are left alone.
pub async fn write_team(conn: &mut PgConnection, account_ids: &[i64], user_ids: &[i64], roles: &[String]) -> sqlx::Result<Written> {
    let seated = sqlx::query(
        "insert into account_team (account_id, user_id, role) \
         select * from unnest($1::bigint[], $2::bigint[], $3::text[]) on conflict do nothing",
    )
    .bind(account_ids)
    .bind(user_ids)
    .bind(roles)
    .execute(conn)
    .await?;
    Ok(Written { inserted: seated.rows_affected(), updated: 0 })
}

/// plans.csv, as columns; `sections[k]` is the column of `SECTIONS[k]`.
#[derive(Debug, Default)]
pub struct PlanColumns {
    pub plan_id: Vec<Option<i64>>,
    pub account_id: Vec<i64>,
    pub name: Vec<String>,
    pub plan_type: Vec<Option<String>>,
    pub status: Vec<Option<String>>,
    pub due_date: Vec<Option<NaiveDate>>,
    pub sections: Vec<Vec<Option<String>>>,
}

/// Writes plans without their templates (an imported plan brings its own
/// items in actions.csv). Plans leaving `active` are written before plans
/// entering it, so one account never has two active plans.
pub async fn write_plans(conn: &mut PgConnection, c: &PlanColumns) -> sqlx::Result<Written> {
    let section_params: Vec<String> = (0..SECTIONS.len()).map(|k| format!("${}::text[]", k + 7)).collect();
    let section_names: Vec<&str> = SECTIONS.iter().map(|s| s.key).collect();
    let input = format!(
        "input as (select * from unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::date[], {}) \
                   with ordinality as i (plan_id, account_id, name, type, status, due_date, {}, ord))",
        section_params.join(", "),
        section_names.join(", ")
    );
    let new_sections: Vec<String> = section_names.iter().map(|s| format!("coalesce(i.{s}, p.{s})")).collect();
    let old_sections: Vec<String> = section_names.iter().map(|s| format!("p.{s}")).collect();
    let assignments: Vec<String> = section_names.iter().map(|s| format!("{s} = coalesce(i.{s}, p.{s})")).collect();
    // A plan entering `active` keeps its status here; it is activated last.
    let next_status = "case when i.status = 'active' then p.status else coalesce(i.status, p.status) end";
    let sql = format!(
        "with {input}, \
         updated as ( \
            update plan p set name = i.name, type = coalesce(i.type, p.type), status = {next_status}, \
                due_date = coalesce(i.due_date, p.due_date), {assignments} \
            from input i where p.plan_id = i.plan_id \
              and (i.name, coalesce(i.type, p.type), {next_status}, coalesce(i.due_date, p.due_date), {new_sections}) \
                  is distinct from (p.name, p.type, p.status, p.due_date, {old_sections}) \
            returning p.plan_id) \
         select plan_id from updated",
        assignments = assignments.join(", "),
        new_sections = new_sections.join(", "),
        old_sections = old_sections.join(", "),
    );
    let mut query = sqlx::query_scalar::<_, i64>(&sql)
        .bind(&c.plan_id)
        .bind(&c.account_id)
        .bind(&c.name)
        .bind(&c.plan_type)
        .bind(&c.status)
        .bind(&c.due_date);
    for column in &c.sections {
        query = query.bind(column);
    }
    let mut updated: std::collections::HashSet<i64> = query.fetch_all(&mut *conn).await?.into_iter().collect();

    let inserts = format!(
        "with {input} \
         insert into plan (account_id, name, type, status, due_date, {names}) \
         select account_id, name, coalesce(type, 'expand'), coalesce(status, 'draft'), \
                coalesce(due_date, (select renewal_date from account a where a.account_id = i.account_id)), {values} \
         from input i where plan_id is null order by ord",
        names = section_names.join(", "),
        values = section_names.iter().map(|s| format!("coalesce({s}, '')")).collect::<Vec<_>>().join(", "),
    );
    let mut query = sqlx::query(&inserts)
        .bind(&c.plan_id)
        .bind(&c.account_id)
        .bind(&c.name)
        .bind(&c.plan_type)
        .bind(&c.status)
        .bind(&c.due_date);
    for column in &c.sections {
        query = query.bind(column);
    }
    let inserted = query.execute(&mut *conn).await?.rows_affected();

    let activating: Vec<i64> = c
        .plan_id
        .iter()
        .zip(&c.status)
        .filter_map(|(id, status)| id.filter(|_| status.as_deref() == Some("active")))
        .collect();
    let activated: Vec<i64> =
        sqlx::query_scalar("update plan set status = 'active' where plan_id = any($1) and status <> 'active' returning plan_id")
            .bind(&activating)
            .fetch_all(&mut *conn)
            .await?;
    updated.extend(activated);
    Ok(Written { inserted, updated: updated.len() as u64 })
}

/// actions.csv, as columns; `action_item_id` is the existing item a row
/// updates (`None`: a new one, then `owner_id` is set).
#[derive(Debug, Default)]
pub struct ActionColumns {
    pub action_item_id: Vec<Option<i64>>,
    pub plan_id: Vec<i64>,
    pub account_id: Vec<i64>,
    pub title: Vec<String>,
    pub owner_id: Vec<Option<i64>>,
    pub due_date: Vec<Option<NaiveDate>>,
    pub status: Vec<Option<String>>,
}

/// Writes action items; one marked done now (`now`) records when.
pub async fn write_actions(conn: &mut PgConnection, c: &ActionColumns, now: DateTime<Utc>) -> sqlx::Result<Written> {
    let updated = sqlx::query(
        "update action_item t set title = i.title, owner_id = coalesce(i.owner_id, t.owner_id), \
            due_date = coalesce(i.due_date, t.due_date), status = coalesce(i.status, t.status), \
            completed_at = case when coalesce(i.status, t.status) = 'done' then coalesce(t.completed_at, $6) end \
         from unnest($1::bigint[], $2::text[], $3::bigint[], $4::date[], $5::text[]) \
              as i (action_item_id, title, owner_id, due_date, status) \
         where t.action_item_id = i.action_item_id \
           and (i.title, coalesce(i.owner_id, t.owner_id), coalesce(i.due_date, t.due_date), coalesce(i.status, t.status)) \
               is distinct from (t.title, t.owner_id, t.due_date, t.status)",
    )
    .bind(&c.action_item_id)
    .bind(&c.title)
    .bind(&c.owner_id)
    .bind(&c.due_date)
    .bind(&c.status)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let inserted = sqlx::query(
        "insert into action_item (plan_id, account_id, title, owner_id, due_date, status, completed_at) \
         select plan_id, account_id, title, owner_id, due_date, coalesce(status, 'open'), \
                case when status = 'done' then $8 end \
         from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::date[], $7::text[]) \
              with ordinality as i (action_item_id, plan_id, account_id, title, owner_id, due_date, status, ord) \
         where action_item_id is null order by ord",
    )
    .bind(&c.action_item_id)
    .bind(&c.plan_id)
    .bind(&c.account_id)
    .bind(&c.title)
    .bind(&c.owner_id)
    .bind(&c.due_date)
    .bind(&c.status)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(Written { inserted, updated })
}

/// contacts.csv, as columns.
#[derive(Debug, Default)]
pub struct ContactColumns {
    pub contact_id: Vec<Option<i64>>,
    pub account_id: Vec<i64>,
    pub name: Vec<String>,
    pub title: Vec<Option<String>>,
    pub company: Vec<Option<String>>,
    pub email: Vec<Option<String>>,
    pub profile_url: Vec<Option<String>>,
    pub influence: Vec<Option<String>>,
    pub buying_role: Vec<Option<String>>,
    pub sentiment: Vec<Option<String>>,
    pub strength: Vec<Option<i16>>,
    pub relationship_owner_id: Vec<Option<i64>>,
    /// Name of the contact (same account) each reports to.
    pub reports_to: Vec<Option<String>>,
    pub tracked: Vec<Option<bool>>,
}

/// Writes contacts, then whom they report to (a manager may come later in
/// the file), then which are tracked sponsors.
pub async fn write_contacts(conn: &mut PgConnection, c: &ContactColumns, now: DateTime<Utc>) -> sqlx::Result<Written> {
    const FIELDS: &str = "title, company, email, profile_url, influence, buying_role, sentiment, strength, relationship_owner_id";
    let written: Vec<(String, i64)> = sqlx::query_as(&format!(
            "with input as (select * from unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], \
                                                $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::int2[], \
                                                $12::bigint[]) \
                            with ordinality as i (contact_id, account_id, name, {FIELDS}, ord)), \
             updated as ( \
                update contact c set name = i.name, title = coalesce(i.title, c.title), \
                    company = coalesce(i.company, c.company), email = coalesce(i.email, c.email), \
                    profile_url = coalesce(i.profile_url, c.profile_url), influence = coalesce(i.influence, c.influence), \
                    buying_role = coalesce(i.buying_role, c.buying_role), sentiment = coalesce(i.sentiment, c.sentiment), \
                    strength = coalesce(i.strength, c.strength), \
                    relationship_owner_id = coalesce(i.relationship_owner_id, c.relationship_owner_id) \
                from input i where c.contact_id = i.contact_id \
                  and (i.name, coalesce(i.title, c.title), coalesce(i.company, c.company), coalesce(i.email, c.email), \
                       coalesce(i.profile_url, c.profile_url), coalesce(i.influence, c.influence), \
                       coalesce(i.buying_role, c.buying_role), coalesce(i.sentiment, c.sentiment), \
                       coalesce(i.strength, c.strength), coalesce(i.relationship_owner_id, c.relationship_owner_id)) \
                      is distinct from (c.name, c.title, c.company, c.email, c.profile_url, c.influence, c.buying_role, \
                                        c.sentiment, c.strength, c.relationship_owner_id) \
                returning 'updated'::text as what, c.contact_id), \
             inserted as ( \
                insert into contact (account_id, name, {FIELDS}) \
                select account_id, name, coalesce(title, ''), coalesce(company, ''), email, profile_url, influence, \
                       buying_role, sentiment, strength, relationship_owner_id \
                from input where contact_id is null order by ord \
                returning 'inserted'::text as what, contact_id) \
             select what, contact_id from updated union all select what, contact_id from inserted"
    ))
    .bind(&c.contact_id)
    .bind(&c.account_id)
    .bind(&c.name)
    .bind(&c.title)
    .bind(&c.company)
    .bind(&c.email)
    .bind(&c.profile_url)
    .bind(&c.influence)
    .bind(&c.buying_role)
    .bind(&c.sentiment)
    .bind(&c.strength)
    .bind(&c.relationship_owner_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut touched: Vec<i64> = sqlx::query_scalar(
        "update contact c set reports_to_id = m.contact_id \
         from unnest($1::bigint[], $2::text[], $3::text[]) as i (account_id, name, manager) \
         join contact m on m.account_id = i.account_id and lower(m.name) = lower(i.manager) \
         where i.manager is not null and c.account_id = i.account_id and lower(c.name) = lower(i.name) \
           and c.reports_to_id is distinct from m.contact_id returning c.contact_id",
    )
    .bind(&c.account_id)
    .bind(&c.name)
    .bind(&c.reports_to)
    .fetch_all(&mut *conn)
    .await?;
    let tracked: Vec<i64> = sqlx::query_scalar(
        "insert into sponsor_tracking (contact_id, last_title, last_company, last_observed_at) \
         select c.contact_id, nullif(c.title, ''), nullif(c.company, ''), $4 \
         from unnest($1::bigint[], $2::text[], $3::bool[]) as i (account_id, name, tracked) \
         join contact c on c.account_id = i.account_id and lower(c.name) = lower(i.name) \
         where i.tracked \
         on conflict (contact_id) do nothing returning contact_id",
    )
    .bind(&c.account_id)
    .bind(&c.name)
    .bind(&c.tracked)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    let untracked: Vec<i64> = sqlx::query_scalar(
        "delete from sponsor_tracking t using unnest($1::bigint[], $2::text[], $3::bool[]) as i (account_id, name, tracked), \
             contact c \
         where not i.tracked and c.account_id = i.account_id and lower(c.name) = lower(i.name) \
           and t.contact_id = c.contact_id returning t.contact_id",
    )
    .bind(&c.account_id)
    .bind(&c.name)
    .bind(&c.tracked)
    .fetch_all(&mut *conn)
    .await?;
    touched.extend(tracked);
    touched.extend(untracked);
    Ok(Written::count(written, touched))
}

/// whitespace.csv, as columns.
#[derive(Debug, Default)]
pub struct WhitespaceColumns {
    pub whitespace_id: Vec<Option<i64>>,
    pub account_id: Vec<i64>,
    pub stage: Vec<String>,
    pub vendor: Vec<String>,
    pub likes: Vec<Option<String>>,
    pub dislikes: Vec<Option<String>>,
    pub annual_spend: Vec<Option<i64>>,
    pub contract_end: Vec<Option<NaiveDate>>,
    pub appetite: Vec<Option<String>>,
}

pub async fn write_whitespace(conn: &mut PgConnection, c: &WhitespaceColumns) -> sqlx::Result<Written> {
    let written: Vec<(String, i64)> = sqlx::query_as(
        "with input as (select * from unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], \
                                             $7::int8[], $8::date[], $9::text[]) \
                        with ordinality as i (whitespace_id, account_id, stage, vendor, likes, dislikes, annual_spend, \
                                              contract_end, appetite, ord)), \
         updated as ( \
            update whitespace w set vendor = i.vendor, likes = coalesce(i.likes, w.likes), \
                dislikes = coalesce(i.dislikes, w.dislikes), annual_spend = coalesce(i.annual_spend, w.annual_spend), \
                contract_end = coalesce(i.contract_end, w.contract_end), appetite = coalesce(i.appetite, w.appetite) \
            from input i where w.whitespace_id = i.whitespace_id \
              and (i.vendor, coalesce(i.likes, w.likes), coalesce(i.dislikes, w.dislikes), \
                   coalesce(i.annual_spend, w.annual_spend), coalesce(i.contract_end, w.contract_end), \
                   coalesce(i.appetite, w.appetite)) \
                  is distinct from (w.vendor, w.likes, w.dislikes, w.annual_spend, w.contract_end, w.appetite) \
            returning 'updated'::text as what, w.whitespace_id), \
         inserted as ( \
            insert into whitespace (account_id, stage, vendor, likes, dislikes, annual_spend, contract_end, appetite) \
            select account_id, stage, vendor, coalesce(likes, ''), coalesce(dislikes, ''), annual_spend, contract_end, \
                   appetite \
            from input where whitespace_id is null order by ord \
            returning 'inserted'::text as what, whitespace_id) \
         select what, whitespace_id from updated union all select what, whitespace_id from inserted",
    )
    .bind(&c.whitespace_id)
    .bind(&c.account_id)
    .bind(&c.stage)
    .bind(&c.vendor)
    .bind(&c.likes)
    .bind(&c.dislikes)
    .bind(&c.annual_spend)
    .bind(&c.contract_end)
    .bind(&c.appetite)
    .fetch_all(conn)
    .await?;
    Ok(Written::count(written, Vec::new()))
}

// ---------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------

/// The rows of one export file (`users`, `accounts`, ... as in
/// [`EXPORTS`]) as text cells in the file's column order, the rows ordered
/// so two exports of the same data are identical. `account_id` limits the
/// rows to one account's.
pub async fn export_rows(conn: &mut PgConnection, file: &str, account_id: Option<i64>) -> sqlx::Result<Vec<Vec<Option<String>>>> {
    let (_, cells, from) = EXPORTS.iter().find(|(name, _, _)| *name == file).expect("a known export file");
    let rows: Vec<sqlx::types::Json<Vec<Option<String>>>> =
        sqlx::query_scalar(&format!("select to_json(array[{cells}]::text[]) {from}"))
            .bind(account_id)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The export query of each file: its cells (in CSV column order, as text)
/// and its FROM clause, where `$1` is an account id or null for all.
pub const EXPORTS: [(&str, &str, &str); 7] = [
    (
        "users",
        "u.email, u.slack_id, nullif(u.display_name, ''), u.tz, m.email, u.role",
        "from app_user u left join app_user m on m.user_id = u.manager_id \
         where $1::bigint is null or exists (select 1 from account_team t where t.user_id = u.user_id and t.account_id = $1) \
         order by u.email",
    ),
    (
        "accounts",
        "a.name, a.external_id, a.rank::text, nullif(a.rank_notes, ''), nullif(a.tier, ''), nullif(a.industry, ''), \
         a.annual_spend::text, a.renewal_date::text, o.email, a.slack_channel",
        "from account a join account_team t on t.account_id = a.account_id and t.role = 'owner' \
         join app_user o on o.user_id = t.user_id \
         where $1::bigint is null or a.account_id = $1 order by lower(a.name)",
    ),
    (
        "team",
        "a.name, u.email, t.role",
        "from account_team t join account a using (account_id) join app_user u using (user_id) \
         where $1::bigint is null or a.account_id = $1 \
         order by lower(a.name), array_position(array['owner','sa','csm','tam','renewals','sdr','partner','leader'], t.role), u.email",
    ),
    (
        "plans",
        // the fixed columns, then the sections in SECTIONS order (a test checks it)
        "a.name, p.name, p.type, p.status, p.due_date::text, nullif(p.business_overview, ''), \
         nullif(p.industry_trends, ''), nullif(p.summary_history, ''), nullif(p.entitled_solutions, ''), \
         nullif(p.digital_strategy, ''), nullif(p.strategic_partnerships, ''), nullif(p.goals, ''), \
         nullif(p.initiatives, ''), nullif(p.goals_6m, ''), nullif(p.goals_12m, ''), nullif(p.goals_18m, ''), \
         nullif(p.our_initiatives, ''), nullif(p.threats_risks, ''), nullif(p.action_plan, '')",
        "from plan p join account a using (account_id) where $1::bigint is null or a.account_id = $1 \
         order by lower(a.name), lower(p.name)",
    ),
    (
        "actions",
        "a.name, i.title, p.name, u.email, i.due_date::text, i.status",
        "from action_item i join plan p using (plan_id) join account a on a.account_id = i.account_id \
         join app_user u on u.user_id = i.owner_id \
         where $1::bigint is null or a.account_id = $1 order by lower(a.name), lower(p.name), i.action_item_id",
    ),
    (
        "contacts",
        "a.name, c.name, nullif(c.title, ''), nullif(c.company, ''), c.email, c.profile_url, m.name, c.influence, \
         c.buying_role, c.sentiment, c.strength::text, o.email, \
         case when exists (select 1 from sponsor_tracking s where s.contact_id = c.contact_id) then 'true' else 'false' end",
        "from contact c join account a using (account_id) left join contact m on m.contact_id = c.reports_to_id \
         left join app_user o on o.user_id = c.relationship_owner_id \
         where $1::bigint is null or a.account_id = $1 order by lower(a.name), lower(c.name)",
    ),
    (
        "whitespace",
        "a.name, w.stage, nullif(w.vendor, ''), nullif(w.likes, ''), nullif(w.dislikes, ''), w.annual_spend::text, \
         w.contract_end::text, w.appetite",
        "from whitespace w join account a using (account_id) where $1::bigint is null or a.account_id = $1 \
         order by lower(a.name), \
                  array_position(array['plan','create','verify','package','secure','release','configure','monitor','govern'], w.stage), \
                  lower(w.vendor)",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_export_lists_every_section_in_order() {
        let cells = EXPORTS.iter().find(|e| e.0 == "plans").unwrap().1;
        let sections: Vec<&str> = cells.split("nullif(p.").skip(1).map(|rest| rest.split(',').next().unwrap()).collect();
        assert_eq!(sections, SECTIONS.iter().map(|s| s.key).collect::<Vec<_>>());
    }
}

// ---------------------------------------------------------------------------
// A plan as a document
// ---------------------------------------------------------------------------

/// A contact as the plan document lists it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DocumentContact {
    pub name: String,
    pub title: String,
    pub buying_role: Option<crate::domain::enums::BuyingRole>,
    pub influence: Option<crate::domain::enums::Influence>,
    pub sentiment: Option<crate::domain::enums::Sentiment>,
    pub strength: Option<i16>,
    pub reports_to: Option<String>,
    pub relationship_owner: Option<String>,
    pub departed_at: Option<DateTime<Utc>>,
}

/// The account's plan to print: the active one, else the latest created.
pub async fn document_plan(conn: &mut PgConnection, account_id: i64) -> sqlx::Result<Option<crate::store::plans::Plan>> {
    sqlx::query_as(&format!(
        "select {} from plan where account_id = $1 order by status = 'active' desc, created_at desc, plan_id desc limit 1",
        crate::store::plans::COLUMNS
    ))
    .bind(account_id)
    .fetch_optional(conn)
    .await
}

/// The relationship map: most influential first.
pub async fn document_contacts(conn: &mut PgConnection, account_id: i64) -> sqlx::Result<Vec<DocumentContact>> {
    sqlx::query_as(
        "select c.name, c.title, c.buying_role, c.influence, c.sentiment, c.strength, m.name as reports_to, \
                coalesce(nullif(o.display_name, ''), o.email) as relationship_owner, c.departed_at \
         from contact c left join contact m on m.contact_id = c.reports_to_id \
         left join app_user o on o.user_id = c.relationship_owner_id \
         where c.account_id = $1 \
         order by c.departed_at is not null, array_position(array['high','medium','low'], c.influence) nulls last, \
                  lower(c.name)",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await
}

/// A whitespace row as the plan document lists it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DocumentWhitespace {
    pub stage: crate::domain::enums::Stage,
    pub vendor: String,
    pub likes: String,
    pub dislikes: String,
    pub annual_spend: Option<i64>,
    pub contract_end: Option<NaiveDate>,
    pub appetite: Option<crate::domain::enums::Appetite>,
}

/// The whitespace map, in DevSecOps stage order.
pub async fn document_whitespace(conn: &mut PgConnection, account_id: i64) -> sqlx::Result<Vec<DocumentWhitespace>> {
    sqlx::query_as(
        "select stage, vendor, likes, dislikes, annual_spend, contract_end, appetite from whitespace where account_id = $1 \
         order by array_position(array['plan','create','verify','package','secure','release','configure','monitor','govern'], stage), \
                  lower(vendor)",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await
}

/// The account's latest news.
pub async fn document_intel(conn: &mut PgConnection, account_id: i64, limit: i64) -> sqlx::Result<Vec<crate::store::summary::IntelBrief>> {
    sqlx::query_as(
        "select headline, url, category, published_at from intel_item where account_id = $1 \
         order by published_at desc, intel_item_id desc limit $2",
    )
    .bind(account_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

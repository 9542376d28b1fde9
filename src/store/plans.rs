//! Account plans, their Plan Info sections, and plan templates.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};

use crate::domain::enums::{PlanStatus, PlanType, TeamRole};
use crate::domain::plan::SECTIONS;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Plan {
    pub plan_id: i64,
    pub account_id: i64,
    pub name: String,
    #[sqlx(rename = "type")]
    pub plan_type: PlanType,
    pub status: PlanStatus,
    pub due_date: Option<NaiveDate>,
    pub business_overview: String,
    pub industry_trends: String,
    pub summary_history: String,
    pub entitled_solutions: String,
    pub digital_strategy: String,
    pub strategic_partnerships: String,
    pub goals: String,
    pub initiatives: String,
    pub goals_6m: String,
    pub goals_12m: String,
    pub goals_18m: String,
    pub our_initiatives: String,
    pub threats_risks: String,
    pub action_plan: String,
    pub sections_changed_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

pub(crate) const COLUMNS: &str = "plan_id, account_id, name, type, status, due_date, business_overview, \
    industry_trends, summary_history, entitled_solutions, digital_strategy, strategic_partnerships, \
    goals, initiatives, goals_6m, goals_12m, goals_18m, our_initiatives, threats_risks, action_plan, \
    sections_changed_at, created_at";

impl Plan {
    /// The text of a section, by its key in [`SECTIONS`].
    pub fn section(&self, key: &str) -> &str {
        match key {
            "business_overview" => &self.business_overview,
            "industry_trends" => &self.industry_trends,
            "summary_history" => &self.summary_history,
            "entitled_solutions" => &self.entitled_solutions,
            "digital_strategy" => &self.digital_strategy,
            "strategic_partnerships" => &self.strategic_partnerships,
            "goals" => &self.goals,
            "initiatives" => &self.initiatives,
            "goals_6m" => &self.goals_6m,
            "goals_12m" => &self.goals_12m,
            "goals_18m" => &self.goals_18m,
            "our_initiatives" => &self.our_initiatives,
            "threats_risks" => &self.threats_risks,
            "action_plan" => &self.action_plan,
            _ => "",
        }
    }
}

/// A new plan; sections not given start empty.
#[derive(Debug, Clone)]
pub struct NewPlan {
    pub account_id: i64,
    pub name: String,
    pub plan_type: PlanType,
    pub status: PlanStatus,
    /// `None`: the account's renewal date.
    pub due_date: Option<NaiveDate>,
    pub sections: Vec<(&'static str, String)>,
}

/// Creates a plan, and when its type has a template, the template's guided
/// action items, each owned by the team member in the template's role (the
/// account owner when nobody holds it) and due its offset after `today`.
pub async fn create(conn: &mut PgConnection, new: &NewPlan, today: NaiveDate) -> sqlx::Result<Plan> {
    create_from(conn, new, Some(new.plan_type), today).await
}

/// Creates a plan with the guided items of `template`'s template (the Land
/// or Expand one; other types have none), as [`create`] does.
pub async fn create_from(conn: &mut PgConnection, new: &NewPlan, template: Option<PlanType>, today: NaiveDate) -> sqlx::Result<Plan> {
    let plan_id: i64 = sqlx::query_scalar(
        "insert into plan (account_id, name, type, status, due_date) \
         values ($1, $2, $3, $4, coalesce($5, (select renewal_date from account where account_id = $1))) \
         returning plan_id",
    )
    .bind(new.account_id)
    .bind(new.name.trim())
    .bind(new.plan_type)
    .bind(new.status)
    .bind(new.due_date)
    .fetch_one(&mut *conn)
    .await?;
    if !new.sections.is_empty() {
        update_sections(conn, plan_id, &new.sections).await?;
    }
    sqlx::query(
        "insert into action_item (plan_id, account_id, title, owner_id, due_date) \
         select $1, $2, i.title, \
                coalesce((select t.user_id from account_team t \
                          where t.account_id = $2 and t.role = i.owner_role order by t.user_id limit 1), \
                         (select t.user_id from account_team t where t.account_id = $2 and t.role = $4)), \
                $3::date + i.offset_days \
         from plan_template p join plan_template_item i using (plan_template_id) \
         where p.type = $5 \
         order by i.position",
    )
    .bind(plan_id)
    .bind(new.account_id)
    .bind(today)
    .bind(TeamRole::Owner)
    .bind(template)
    .execute(&mut *conn)
    .await?;
    by_id(conn, plan_id).await?.ok_or(sqlx::Error::RowNotFound)
}

pub async fn by_id(conn: &mut PgConnection, plan_id: i64) -> sqlx::Result<Option<Plan>> {
    sqlx::query_as(&format!("select {COLUMNS} from plan where plan_id = $1"))
        .bind(plan_id)
        .fetch_optional(conn)
        .await
}

/// A plan, locked for the rest of the transaction (an edit checks it has
/// not changed since the editor opened it, then writes).
pub async fn lock(conn: &mut PgConnection, plan_id: i64) -> sqlx::Result<Option<Plan>> {
    sqlx::query_as(&format!("select {COLUMNS} from plan where plan_id = $1 for update"))
        .bind(plan_id)
        .fetch_optional(conn)
        .await
}

/// A plan in an account's list of plans.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PlanListed {
    pub plan_id: i64,
    pub name: String,
    #[sqlx(rename = "type")]
    pub plan_type: PlanType,
    pub status: PlanStatus,
    pub due_date: Option<NaiveDate>,
    pub open_items: i64,
    pub created_at: DateTime<Utc>,
}

/// An account's plans: the active one first, then drafts, then closed, newest first.
pub async fn for_account(pool: &PgPool, account_id: i64) -> sqlx::Result<Vec<PlanListed>> {
    sqlx::query_as(
        "select p.plan_id, p.name, p.type, p.status, p.due_date, p.created_at,                 (select count(*) from action_item i where i.plan_id = p.plan_id and i.status = 'open') as open_items          from plan p where p.account_id = $1          order by case p.status when 'active' then 0 when 'draft' then 1 else 2 end, p.created_at desc, p.plan_id desc",
    )
    .bind(account_id)
    .fetch_all(pool)
    .await
}

/// The template items a new plan of this template would get, each with the
/// account team member who would own it (the owner when nobody holds the role).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TemplateItem {
    pub title: String,
    pub owner_role: TeamRole,
    pub offset_days: i32,
}

pub async fn template_items(pool: &PgPool, template: PlanType) -> sqlx::Result<Vec<TemplateItem>> {
    sqlx::query_as(
        "select i.title, i.owner_role, i.offset_days from plan_template p join plan_template_item i using (plan_template_id)          where p.type = $1 order by i.position",
    )
    .bind(template)
    .fetch_all(pool)
    .await
}

/// Makes a plan active, closing the account's active plan first (returned,
/// as it was); or sets another status. The plan must be locked.
pub async fn set_status(conn: &mut PgConnection, plan: &Plan, status: PlanStatus) -> sqlx::Result<Option<Plan>> {
    let mut replaced = None;
    if status == PlanStatus::Active {
        replaced = sqlx::query_as(&format!(
            "update plan set status = 'closed' where account_id = $1 and status = 'active' and plan_id <> $2 returning {COLUMNS}"
        ))
        .bind(plan.account_id)
        .bind(plan.plan_id)
        .fetch_optional(&mut *conn)
        .await?;
    }
    sqlx::query("update plan set status = $2 where plan_id = $1 and status <> $2")
        .bind(plan.plan_id)
        .bind(status)
        .execute(&mut *conn)
        .await?;
    Ok(replaced)
}

/// Locks the account's plans against a concurrent activation, so "the one
/// it replaces" is the one replaced.
pub async fn lock_account_plans(conn: &mut PgConnection, account_id: i64) -> sqlx::Result<()> {
    sqlx::query("select pg_advisory_xact_lock(hashtextextended('plan:' || $1::text, 0))")
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The account's active plan, read in the caller's transaction.
pub async fn active_in(conn: &mut PgConnection, account_id: i64) -> sqlx::Result<Option<Plan>> {
    sqlx::query_as(&format!("select {COLUMNS} from plan where account_id = $1 and status = 'active' for update"))
        .bind(account_id)
        .fetch_optional(conn)
        .await
}

/// A plan's action items as its creation wrote them: title, owner, due date.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PlanItem {
    pub action_item_id: i64,
    pub title: String,
    pub owner_name: String,
    pub owner_slack_id: Option<String>,
    pub owner_email: String,
    pub due_date: Option<NaiveDate>,
}

pub async fn items_of(conn: &mut PgConnection, plan_id: i64) -> sqlx::Result<Vec<PlanItem>> {
    sqlx::query_as(
        "select i.action_item_id, i.title, u.display_name as owner_name, u.slack_id as owner_slack_id, u.email as owner_email, i.due_date \
         from action_item i join app_user u on u.user_id = i.owner_id where i.plan_id = $1 order by i.due_date nulls last, i.action_item_id",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await
}

pub async fn active_for(pool: &PgPool, account_id: i64) -> sqlx::Result<Option<Plan>> {
    sqlx::query_as(&format!("select {COLUMNS} from plan where account_id = $1 and status = 'active'"))
        .bind(account_id)
        .fetch_optional(pool)
        .await
}

/// Sets the given sections (keys from [`SECTIONS`]; others are ignored).
pub async fn update_sections(conn: &mut PgConnection, plan_id: i64, sections: &[(&str, String)]) -> sqlx::Result<()> {
    let (keys, texts): (Vec<&str>, Vec<&str>) = sections
        .iter()
        .filter(|(key, _)| SECTIONS.iter().any(|s| s.key == *key))
        .map(|(key, text)| (*key, text.as_str()))
        .unzip();
    if keys.is_empty() {
        return Ok(());
    }
    // One statement whatever the number of sections: each column takes the
    // new text when its key was given.
    let assignments: Vec<String> = SECTIONS
        .iter()
        .map(|s| {
            format!(
                "{key} = coalesce((select t from unnest($2::text[], $3::text[]) as u(k, t) where k = '{key}'), {key})",
                key = s.key
            )
        })
        .collect();
    sqlx::query(&format!("update plan set {} where plan_id = $1", assignments.join(", ")))
        .bind(plan_id)
        .bind(&keys)
        .bind(&texts)
        .execute(conn)
        .await?;
    Ok(())
}

/// Adds a line to the plan's threats and risks (from an intel item, say),
/// once: a line already there is not added again.
pub async fn append_threat(conn: &mut PgConnection, plan_id: i64, line: &str) -> sqlx::Result<()> {
    sqlx::query(
        "update plan set threats_risks = case when btrim(threats_risks) = '' then $2 \
                                              else threats_risks || E'\\n' || $2 end \
         where plan_id = $1 and position($2 in threats_risks) = 0",
    )
    .bind(plan_id)
    .bind(line)
    .execute(conn)
    .await?;
    Ok(())
}

//! What a person's App Home shows.

use chrono::NaiveDate;
use sqlx::PgPool;

use crate::domain::horizons::HomeWindows;
use crate::store::accounts::{self, AccountOverview};
use crate::store::actions::{self, ActionItem, OwnerFilter};

/// A plan of one of the person's accounts with a due date.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PlanDeadline {
    pub account_id: i64,
    pub account_name: String,
    pub plan_name: String,
    pub due_date: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct HomeData {
    pub accounts: Vec<AccountOverview>,
    pub overdue: Vec<ActionItem>,
    pub overdue_total: i64,
    /// Open items due within the upcoming window.
    pub upcoming: Vec<ActionItem>,
    pub upcoming_total: i64,
    pub deadlines: Vec<PlanDeadline>,
}

const LISTED: i64 = 10;

/// What the App Home shows of a person, over the given windows.
pub async fn gather(pool: &PgPool, user_id: i64, windows: &HomeWindows) -> sqlx::Result<HomeData> {
    let today = windows.today;
    let accounts = accounts::overview_for_member(pool, user_id, today).await?;
    let (overdue, overdue_total) = actions::for_owner(pool, user_id, OwnerFilter::Overdue { today }, LISTED).await?;
    let upcoming_window = OwnerFilter::DueBetween { first_day: today, last_day: windows.upcoming_until };
    let (upcoming, upcoming_total) = actions::for_owner(pool, user_id, upcoming_window, LISTED).await?;
    let deadlines = sqlx::query_as(
        "select a.account_id, a.name as account_name, p.name as plan_name, p.due_date \
         from plan p join account a using (account_id) \
         where p.status = 'active' and p.due_date between $2 and $3 \
           and exists (select 1 from account_team t where t.account_id = a.account_id and t.user_id = $1) \
         order by p.due_date limit 10",
    )
    .bind(user_id)
    .bind(windows.deadlines_from)
    .bind(windows.deadlines_until)
    .fetch_all(pool)
    .await?;
    Ok(HomeData { accounts, overdue, overdue_total, upcoming, upcoming_total, deadlines })
}

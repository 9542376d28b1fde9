//! Managers' and admins' views: their team's accounts by owner, the team's
//! overdue items, accounts at risk with reasons; and "what next" for anyone.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{App, Caller, Place, Reply};
use crate::domain::risk::{self, RiskFacts};
use crate::render::team::{self as view, AccountNext};
use crate::render::MessageContent;
use crate::store::actions::{self, OwnerFilter};
use crate::store::team::{self, AccountFacts, Scope};

/// How many accounts a team list shows.
const LISTED_ACCOUNTS: i64 = 60;
/// How many overdue items are read for the team view (the renderer shows fewer).
const TEAM_ITEMS: i64 = view::TEAM_ITEMS_SHOWN as i64;

impl App {
    /// "My accounts": for a manager, their own and their reports' accounts
    /// by owner; for an admin, every account by owner, a page at a time;
    /// for anyone else, their account's summary or the list of theirs.
    pub async fn my_accounts_view(&self, caller: &Caller, place: &Place, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let manages = team::manages_anyone(&self.pool, caller.user.user_id).await?;
        if !caller.is_admin && !manages {
            return self.my_accounts(caller, place, now).await;
        }
        self.team_accounts_page(caller, 0, now).await
    }

    /// Page `page` (0 first) of the accounts the caller may see, by owner:
    /// the *Next page* / *Previous* buttons of [`App::my_accounts_view`]
    /// (`render::team::action_ids::ACCOUNTS_PAGE`, the page in the value).
    pub async fn team_accounts_page(&self, caller: &Caller, page: i64, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let page = page.max(0);
        let today = caller.today(now);
        let (accounts, total) =
            team::accounts_by_owner(&self.pool, caller.viewer(), today, page * LISTED_ACCOUNTS, LISTED_ACCOUNTS).await?;
        if total == 0 {
            return Ok(Reply::note("Neither you nor the people who report to you are on any account team yet."));
        }
        let title = if caller.is_admin { "All accounts, by owner" } else { "Your team's accounts, by owner" };
        Ok(Reply::private(MessageContent::new(
            format!("{title}: {total}"),
            view::accounts_by_owner(title, &accounts, total, page, LISTED_ACCOUNTS, today),
        )))
    }

    /// "What's overdue": for a manager, their own and their team's overdue
    /// items by owner; for anyone else, their own.
    pub async fn overdue_view(&self, caller: &Caller, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        if !team::manages_anyone(&self.pool, caller.user.user_id).await? {
            return self.my_items(caller, crate::domain::intent::ActionFilter::Overdue, now).await;
        }
        let today = caller.today(now);
        let (items, total) = team::team_overdue(&self.pool, caller.viewer(), today, TEAM_ITEMS).await?;
        if total == 0 {
            return Ok(Reply::note("Nothing overdue for you or your team. :white_check_mark:"));
        }
        let title = "Overdue for you and your team";
        Ok(Reply::private(MessageContent::new(
            format!("{title}: {total}"),
            view::team_overdue(title, &items, total, today, now),
        )))
    }

    /// The accounts the caller may see that are at risk, most at risk first,
    /// each with its reasons. One query, whatever the number of accounts.
    pub async fn at_risk(&self, caller: &Caller, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        self.at_risk_page(caller, 0, now).await
    }

    /// Page `page` (0 first) of [`App::at_risk`]: its *Next page* /
    /// *Previous* buttons (`render::team::action_ids::AT_RISK_PAGE`).
    pub async fn at_risk_page(&self, caller: &Caller, page: usize, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let today = caller.today(now);
        let facts = team::account_facts(&self.pool, Scope::Visible(caller.viewer()), today, now).await?;
        let seen = facts.len();
        if seen == 0 {
            return Ok(Reply::note("You can't see any accounts yet, so none is at risk."));
        }
        let assessed = facts.into_iter().map(|f| {
            let risk = risk_facts(&f, today, now);
            (f, risk)
        });
        let ranked = risk::rank(assessed.collect(), |f: &AccountFacts| (f.rank, f.name.clone()));
        Ok(Reply::private(MessageContent::new(
            format!("Accounts at risk: {} of {seen}", ranked.len()),
            view::at_risk(&ranked, seen, page, today),
        )))
    }

    /// "What should I do next?", "what did I miss?", "my day": the caller's
    /// overdue and soon-due items, then renewals without a plan, sponsor
    /// changes and news since they last looked, and stale plans on the
    /// accounts whose team they are on.
    pub async fn what_next(&self, caller: &Caller, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let today = caller.today(now);
        let (items, item_total) = actions::for_owner(
            &self.pool,
            caller.user.user_id,
            OwnerFilter::DueBy { last_day: today + Duration::days(7) },
            view::TEAM_ITEMS_SHOWN as i64 + 4,
        )
        .await?;
        let (overdue, due_soon): (Vec<_>, Vec<_>) = items.into_iter().partition(|item| item.is_overdue(today));
        let facts = team::account_facts(&self.pool, Scope::OnTeam(caller.user.user_id), today, now).await?;
        let next = account_next(facts, today, now);
        Ok(Reply::private(MessageContent::new(
            format!(
                "What next: {}, {} need attention",
                crate::domain::text::count(item_total, "item", "items"),
                crate::domain::text::count(next.len() as i64, "account", "accounts")
            ),
            view::what_next(&overdue, &due_soon, item_total, &next, today, now),
        )))
    }
}

/// The risk facts of an account at `now`.
fn risk_facts(facts: &AccountFacts, today: NaiveDate, now: DateTime<Utc>) -> RiskFacts {
    RiskFacts {
        renewal_in_days: facts.renewal_date.map(|d| (d - today).num_days()),
        has_active_plan: facts.has_active_plan,
        high_influence: facts.high_influence,
        high_detractors: facts.high_detractors,
        departed_sponsors: facts.departed_sponsors.clone(),
        overdue_items: facts.overdue_items,
        plan_unchanged_days: facts.sections_changed_at.map(|at| (now - at).num_days()),
    }
}

/// What needs doing on each account, most urgent first: renewals without a
/// plan (soonest first), sponsor changes, news, stale plans.
fn account_next(facts: Vec<AccountFacts>, today: NaiveDate, now: DateTime<Utc>) -> Vec<(AccountFacts, AccountNext)> {
    let mut out: Vec<(u8, i64, AccountFacts, AccountNext)> = Vec::new();
    for f in facts {
        let r = risk_facts(&f, today, now);
        if let Some(days) = r.renewal_in_days
            && (-30..=risk::RENEWAL_DAYS).contains(&days)
            && !r.has_active_plan
        {
            out.push((0, days, f.clone(), AccountNext::RenewalWithoutPlan { days }));
        }
        if f.sponsor_changes > 0 {
            out.push((1, -f.sponsor_changes, f.clone(), AccountNext::SponsorChanges(f.sponsor_changes)));
        }
        if f.new_intel > 0 {
            out.push((2, -f.new_intel, f.clone(), AccountNext::NewIntel(f.new_intel)));
        }
        if r.has_active_plan
            && let Some(days) = r.plan_unchanged_days
            && days >= risk::STALE_DAYS
        {
            out.push((3, -days, f, AccountNext::StalePlan { days }));
        }
    }
    out.sort_by(|a, b| (a.0, a.1, a.2.rank, &a.2.name).cmp(&(b.0, b.1, b.2.rank, &b.2.name)));
    out.into_iter().map(|(_, _, f, next)| (f, next)).collect()
}

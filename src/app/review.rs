//! Coaching: the plan review, QBR prep, recording a QBR held, and which key
//! accounts have no plan. The owner sees review and health when they ask
//! (or open the App Home); only managers get them unasked, in their weekly
//! digest (`jobs::manager_digest`).

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::editing::no_active_plan;
use super::{App, Caller, NOT_VISIBLE, Place, Reply, answers};
use crate::domain::review::{self, rules};
use crate::domain::since::QBR_FALLBACK_DAYS;
use crate::render::MessageContent;
use crate::render::review as view;
use crate::store::accounts::{self, Account};
use crate::store::{self, actions, changes, review as reviews};

impl App {
    /// "review my plan for acme", `/plan review Acme`.
    pub async fn review_plan(&self, place: &Place, account: &Account) -> anyhow::Result<Reply> {
        let Some(reviewed) = reviews::facts_of(&self.pool, account.account_id).await? else {
            return Ok(no_active_plan(account));
        };
        let qbr = reviews::last_qbr(&self.pool, account.account_id).await?;
        let result = review::review(rules(), &reviewed.facts);
        let content = MessageContent::new(
            view::review_text(&account.name, &result),
            view::review(&account.name, &reviewed.plan_name, account.account_id, reviewed.plan_id, &result, qbr.as_ref()),
        );
        Ok(if answers::shared_in(place, account) { Reply::public(content) } else { Reply::private(content) })
    }

    pub async fn review_by_id(&self, caller: &Caller, place: &Place, account_id: i64) -> anyhow::Result<Reply> {
        match accounts::visible_by_id(&self.pool, caller.viewer(), account_id).await? {
            Some(account) => self.review_plan(place, &account).await,
            None => Ok(Reply::note(NOT_VISIBLE)),
        }
    }

    /// "prep my QBR for acme", `/plan qbr Acme`: what changed since the last
    /// QBR (or the last 90 days when none is recorded), items done and still
    /// open, news and sponsor moves, health now and then, and the review's
    /// top gaps as proposed next steps.
    pub async fn qbr_prep(&self, caller: &Caller, place: &Place, account: &Account, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let today = caller.today(now);
        let Some(reviewed) = reviews::facts_of(&self.pool, account.account_id).await? else {
            return Ok(no_active_plan(account));
        };
        let qbr = reviews::last_qbr(&self.pool, account.account_id).await?;
        let (since, label) = match &qbr {
            Some(q) => (
                q.held_on.and_hms_opt(0, 0, 0).map(|t| t.and_utc()).unwrap_or(now),
                format!("Since the last QBR, held {} (recorded by {})", q.held_on.format("%b %-d, %Y"), q.recorded_by_name.as_deref().unwrap_or("someone")),
            ),
            None => (
                now - Duration::days(QBR_FALLBACK_DAYS),
                format!(
                    "No QBR is recorded for {} yet, so this covers the last {QBR_FALLBACK_DAYS} days. After the QBR, record it with `/plan qbr {} held`.",
                    account.name, account.name
                ),
            ),
        };
        let history = changes::history(&self.pool, account.account_id, since, 200).await?;
        let moves = changes::sponsor_moves(&self.pool, account.account_id, since, 20).await?;
        let (news, news_total) = changes::news(&self.pool, account.account_id, since, now, 3).await?;
        let lines = crate::render::changes::change_lines(&history, &moves);
        let plan_changes: Vec<String> = lines.iter().map(|l| l.text.clone()).collect();
        let move_lines: Vec<String> = crate::render::changes::change_lines(&[], &moves).into_iter().map(|l| l.text).collect();
        let (done, done_total) = actions::done_since(&self.pool, account.account_id, since, 6).await?;
        let (_, open_total) = actions::for_account(&self.pool, account.account_id, actions::OwnerFilter::Open, 1).await?;
        let (_, overdue_total) = actions::for_account(&self.pool, account.account_id, actions::OwnerFilter::Overdue { today }, 1).await?;
        let result = review::review(rules(), &reviewed.facts);
        let prep = view::QbrPrep {
            account_name: &account.name,
            account_id: account.account_id,
            plan_id: reviewed.plan_id,
            qbr: qbr.as_ref(),
            period_label: &label,
            changes: &plan_changes,
            done: &done,
            done_total,
            open_total,
            overdue_total,
            news: &news,
            news_total,
            sponsor_moves: &move_lines,
            review: &result,
        };
        let content = MessageContent::new(
            format!("QBR prep for {}: health {}, {} plan changes, {done_total} items done", account.name, result.health, plan_changes.len()),
            view::qbr_prep(&prep, caller.tz()),
        );
        Ok(if answers::shared_in(place, account) { Reply::public(content) } else { Reply::private(content) })
    }

    pub async fn qbr_prep_by_id(&self, caller: &Caller, place: &Place, account_id: i64, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        match accounts::visible_by_id(&self.pool, caller.viewer(), account_id).await? {
            Some(account) => self.qbr_prep(caller, place, &account, now).await,
            None => Ok(Reply::note(NOT_VISIBLE)),
        }
    }

    /// `/plan qbr Acme held [date]`: records that a QBR was held (today by
    /// default; never in the future), with the plan's health then. It is the
    /// baseline of "since the last QBR" from now on, and audited.
    pub async fn qbr_held(&self, caller: &Caller, account: &Account, held_on: Option<NaiveDate>, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let today = caller.today(now);
        let held_on = held_on.unwrap_or(today);
        if held_on > today {
            return Ok(Reply::note(format!(
                "{} is in the future; record a QBR once it has been held, like `/plan qbr {} held` (today) or `/plan qbr {} held {}`.",
                held_on.format("%b %-d, %Y"),
                account.name,
                account.name,
                today.format("%Y-%m-%d")
            )));
        }
        let reviewed = reviews::facts_of(&self.pool, account.account_id).await?;
        let health = reviewed.as_ref().map(|r| review::review(rules(), &r.facts).health as i16);
        let mut tx = store::begin(&self.pool, caller.actor()).await?;
        let recorded = reviews::record_qbr(&mut tx, account.account_id, reviewed.as_ref().map(|r| r.plan_id), held_on, health, caller.user.user_id).await?;
        tx.commit().await?;
        Ok(Reply::note(match (recorded, health) {
            (None, _) => format!("A QBR held on {} is already recorded for {}; nothing changed.", held_on.format("%b %-d, %Y"), account.name),
            (Some(_), Some(health)) => format!(
                "Recorded the QBR held on {} for {}, with the plan's health then: {health}. \"Since the last QBR\" now starts there.",
                held_on.format("%b %-d, %Y"),
                account.name
            ),
            (Some(_), None) => format!(
                "Recorded the QBR held on {} for {} (it has no active plan, so no health was recorded).",
                held_on.format("%b %-d, %Y"),
                account.name
            ),
        }))
    }

    /// "which key accounts have no plan?": among the accounts the caller
    /// may see (a manager's chain, everything for an admin).
    pub async fn coverage(&self, caller: &Caller) -> anyhow::Result<Reply> {
        let visible = accounts::visible_all(&self.pool, caller.viewer(), 50_000).await?;
        let key: Vec<i64> = visible
            .iter()
            .filter(|a| a.rank == 1 || self.key_tiers.iter().any(|t| t.eq_ignore_ascii_case(a.tier.trim())))
            .map(|a| a.account_id)
            .collect();
        let mut conn = self.pool.acquire().await?;
        let missing = reviews::key_without_plan(&mut conn, &key, &self.key_tiers).await?;
        let text = if missing.is_empty() {
            format!("Every key account you can see ({}) has an active plan.", key.len())
        } else {
            format!("{} of {} key accounts you can see have no active plan", missing.len(), key.len())
        };
        Ok(Reply::private(MessageContent::new(text, view::coverage(&missing, key.len()))))
    }
}

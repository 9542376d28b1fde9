//! What the buttons on intel messages and the summary's *Follow intel* do.
//! The Slack interaction handler routes clicks here by action id
//! ([`crate::render::intel::action_ids`], [`crate::render::summary::action_ids::FOLLOW`]).

use chrono::{DateTime, Duration, Utc};

use super::{App, Caller, Found, Place, Reply};
use crate::domain::people::Person;
use crate::domain::when::describe_due;
use crate::store::intel::{self, IntelItem};
use crate::store::plans::{self, Plan};
use crate::store::{accounts, actions};
use crate::render;

/// Days the follow-up item made from a news story is due in.
pub const FOLLOW_UP_DAYS: i64 = 7;

impl App {
    /// The news item behind a click, with the account's active plan, or the
    /// reply that says why there is nothing to add it to.
    async fn intel_and_plan(&self, caller: &Caller, intel_item_id: i64) -> anyhow::Result<Found<(IntelItem, Plan)>> {
        let mut conn = self.pool.acquire().await?;
        let item = intel::by_id(&mut conn, intel_item_id).await?;
        drop(conn);
        let visible = match &item {
            Some(item) => accounts::visible_by_id(&self.pool, caller.viewer(), item.account_id).await?.is_some(),
            None => false,
        };
        let Some(item) = item.filter(|_| visible) else {
            return Ok(Found::Answer(Reply::note("I couldn't find that news item among the accounts you can see.")));
        };
        match plans::active_for(&self.pool, item.account_id).await? {
            Some(plan) => Ok(Found::It((item, plan))),
            None => Ok(Found::Answer(Reply::note(format!(
                "*{}* has no active plan to add this to. Ask the account owner to activate one, then try again.",
                item.account_name
            )))),
        }
    }

    /// *Add action item* under a news item: a follow-up for the caller on
    /// the account's active plan, due in a week. A second click finds the
    /// item the first one made.
    pub async fn intel_to_action(&self, caller: &Caller, intel_item_id: i64, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let (item, plan) = match self.intel_and_plan(caller, intel_item_id).await? {
            Found::It(found) => found,
            Found::Answer(reply) => return Ok(reply),
        };
        let title = render::intel::action_title(&item);
        let today = caller.today(now);
        let due = today + Duration::days(FOLLOW_UP_DAYS);
        let mut tx = crate::store::begin(&self.pool, caller.actor()).await?;
        if let Some(existing) = actions::open_with_title(&mut tx, plan.plan_id, &title).await? {
            return Ok(Reply::note(format!("This story is already action item `#{existing}` on *{}*.", item.account_name)));
        }
        let id = actions::add_to_plan(&mut tx, plan.plan_id, &title, caller.user.user_id, Some(due), Some(caller.user.user_id))
            .await?;
        tx.commit().await?;
        Ok(Reply::note(format!(
            ":white_check_mark: Added `#{id}` to *{}*: {title} — owner {}, due {}.",
            item.account_name,
            caller.user.mention(),
            describe_due(due, today)
        )))
    }

    /// *Add to threats* under a news item: the headline becomes a line of the
    /// active plan's threats and risks (once).
    pub async fn intel_to_threat(&self, caller: &Caller, intel_item_id: i64, _now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let (item, plan) = match self.intel_and_plan(caller, intel_item_id).await? {
            Found::It(found) => found,
            Found::Answer(reply) => return Ok(reply),
        };
        let line = render::intel::threat_line(&item);
        if plan.threats_risks.contains(&line) {
            return Ok(Reply::note(format!("This story is already in *{}*'s threats and risks.", item.account_name)));
        }
        let mut tx = crate::store::begin(&self.pool, caller.actor()).await?;
        plans::append_threat(&mut tx, plan.plan_id, &line).await?;
        tx.commit().await?;
        Ok(Reply::note(format!(
            ":warning: Added to the threats and risks of *{}* ({}): {}",
            item.account_name,
            plan.name,
            crate::render::blocks::escape(&line)
        )))
    }

    /// The summary's *Follow intel* (or an *Unfollow*): the caller in a DM,
    /// or the channel the summary is in. A follower's category choice stays.
    pub async fn follow_by_id(&self, caller: &Caller, place: &Place, account_id: i64, follow: bool) -> anyhow::Result<Reply> {
        match accounts::visible_by_id(&self.pool, caller.viewer(), account_id).await? {
            Some(account) => self.set_following(caller, place, &account, follow, None).await,
            None => Ok(Reply::note("I couldn't find that account among the accounts you can see.")),
        }
    }
}

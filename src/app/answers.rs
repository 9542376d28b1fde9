//! Specific answers about one account the caller may see: its renewal,
//! people, risks, whitespace, goals, news, team and action items, and the
//! full plan. Each is a few lines with buttons to the full part, dated in
//! the asker's zone, from a fixed number of queries.

use chrono::{DateTime, Datelike, Duration, Utc};

use super::{App, Caller, Place, Reply};
use crate::domain::enums::IntelCategory;
use crate::render::{self, MessageContent};
use crate::store::accounts::{self, Account};
use crate::store::actions::{self, OwnerFilter};
use crate::store;

/// The parts of an account a button opens in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountPart {
    FullPlan,
    /// The account's open action items.
    Actions,
    People,
    Whitespace,
    News,
}

/// Which of an account's action items to list (whoever owns them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountItems {
    Open,
    /// Open items due before the asker's today.
    Overdue,
    /// Open items due by the end of the asker's week, overdue ones included.
    DueThisWeek,
}

/// What a caller gets for an account id they may not see (or that does not exist).
pub const NOT_VISIBLE: &str = "I couldn't find that account among the accounts you can see.";

/// Whether an answer about `account` may be seen by everyone where it was
/// asked: in a DM, or in the channel linked to the account.
pub(super) fn shared_in(place: &Place, account: &Account) -> bool {
    match place {
        Place::Direct => true,
        Place::Channel(channel) => account.slack_channel.as_deref() == Some(channel.as_str()),
    }
}

fn reply_for(place: &Place, account: &Account, content: MessageContent) -> Reply {
    if shared_in(place, account) { Reply::public(content) } else { Reply::private(content) }
}

impl App {
    /// The account with this id if the caller may see it; `None` for one
    /// they may not see, exactly as for one that does not exist.
    pub async fn visible_account(&self, caller: &Caller, account_id: i64) -> anyhow::Result<Option<Account>> {
        Ok(accounts::visible_by_id(&self.pool, caller.viewer(), account_id).await?)
    }

    /// A part of an account the caller asked for by id (a button).
    pub async fn part_by_id(
        &self,
        caller: &Caller,
        place: &Place,
        account_id: i64,
        part: AccountPart,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Reply> {
        let Some(account) = self.visible_account(caller, account_id).await? else {
            return Ok(Reply::note(NOT_VISIBLE));
        };
        match part {
            AccountPart::FullPlan => self.full_plan(caller, place, &account, now).await,
            AccountPart::Actions => self.account_actions(caller, place, &account, AccountItems::Open, now).await,
            AccountPart::People => self.people(caller, place, &account, false, now).await,
            AccountPart::Whitespace => self.whitespace(caller, place, &account, now).await,
            AccountPart::News => self.news(caller, place, &account, None, now).await,
        }
    }

    /// The whole plan page: every part at length (eight queries).
    pub async fn full_plan(&self, caller: &Caller, place: &Place, account: &Account, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let data = store::summary::gather(&self.pool, account.account_id, caller.today(now))
            .await?
            .ok_or_else(|| anyhow::anyhow!("account {} vanished while its plan was gathered", account.account_id))?;
        let content =
            MessageContent::new(render::summary::fallback_text(&data), render::summary::render(&data, now, caller.tz()));
        Ok(reply_for(place, account, content))
    }

    /// When the account renews and the plan it is worked with (one query).
    pub async fn renewal(&self, caller: &Caller, place: &Place, account: &Account, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let today = caller.today(now);
        let plan = store::plans::active_for(&self.pool, account.account_id).await?;
        let text = render::answers::renewal_text(account, plan.as_ref(), today);
        let blocks = render::answers::renewal(account, plan.as_ref(), today);
        Ok(reply_for(place, account, MessageContent::new(text, blocks)))
    }

    /// The relationship map by influence; only the champions when
    /// `champions_only` (one query, two when nobody matches).
    pub async fn people(
        &self,
        _caller: &Caller,
        place: &Place,
        account: &Account,
        champions_only: bool,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<Reply> {
        let people = store::answers::people(&self.pool, account.account_id, champions_only).await?;
        let text = format!("{} at {}: {}", if champions_only { "Champions" } else { "People" }, account.name, people.total);
        Ok(reply_for(place, account, MessageContent::new(text, render::answers::people(account, &people, champions_only))))
    }

    /// The plan's threats and risks, and the sponsors who left (two queries).
    pub async fn risks(&self, caller: &Caller, place: &Place, account: &Account, _now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let (plan, departures) = tokio::try_join!(
            store::plans::active_for(&self.pool, account.account_id),
            store::answers::departures(&self.pool, account.account_id),
        )?;
        let blocks = render::answers::risks(account, plan.as_ref(), &departures, caller.tz());
        Ok(reply_for(place, account, MessageContent::new(format!("Risks at {}", account.name), blocks)))
    }

    /// Whitespace by stage, contracts ending soon marked (one query).
    pub async fn whitespace(&self, caller: &Caller, place: &Place, account: &Account, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let (rows, total) = store::answers::whitespace(&self.pool, account.account_id).await?;
        let blocks = render::answers::whitespace(account, &rows, total, caller.today(now));
        Ok(reply_for(place, account, MessageContent::new(format!("Whitespace at {}: {total}", account.name), blocks)))
    }

    /// The plan's goals at 6, 12 and 18 months (one query).
    pub async fn goals(&self, _caller: &Caller, place: &Place, account: &Account, _now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let plan = store::plans::active_for(&self.pool, account.account_id).await?;
        let blocks = render::answers::goals(account, plan.as_ref());
        Ok(reply_for(place, account, MessageContent::new(format!("Goals for {}", account.name), blocks)))
    }

    /// The latest intel, of one category when given (one query).
    pub async fn news(
        &self,
        caller: &Caller,
        place: &Place,
        account: &Account,
        category: Option<IntelCategory>,
        _now: DateTime<Utc>,
    ) -> anyhow::Result<Reply> {
        let (rows, total) = store::answers::news(&self.pool, account.account_id, category).await?;
        let blocks = render::answers::news(account, &rows, total, category, caller.tz());
        Ok(reply_for(place, account, MessageContent::new(format!("News about {}: {total}", account.name), blocks)))
    }

    /// Who is on the account team, and their roles (one query).
    pub async fn team(&self, _caller: &Caller, place: &Place, account: &Account, _now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let members = accounts::team(&self.pool, account.account_id).await?;
        let blocks = render::answers::team(account, &members);
        Ok(reply_for(place, account, MessageContent::new(format!("Team on {}", account.name), blocks)))
    }

    /// The account's action items that pass `filter`, whoever owns them,
    /// with their buttons (one query). Private: the buttons change items.
    pub async fn account_actions(
        &self,
        caller: &Caller,
        _place: &Place,
        account: &Account,
        filter: AccountItems,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Reply> {
        let today = caller.today(now);
        let (owner_filter, what, none) = match filter {
            AccountItems::Open => (OwnerFilter::Open, "Open action items", "has no open action items."),
            AccountItems::Overdue => (OwnerFilter::Overdue { today }, "Overdue action items", "has nothing overdue. :white_check_mark:"),
            AccountItems::DueThisWeek => {
                let days_left_in_week = 6 - today.weekday().num_days_from_monday() as i64;
                (
                    OwnerFilter::DueBy { last_day: today + Duration::days(days_left_in_week) },
                    "Action items due this week (and overdue)",
                    "has nothing due this week.",
                )
            }
        };
        let limit = render::items::MAX_ITEMS_WITH_BUTTONS as i64;
        let (items, total) = actions::for_account(&self.pool, account.account_id, owner_filter, limit).await?;
        if total == 0 {
            return Ok(Reply::note(format!("*{}* {none}", account.name)));
        }
        let heading = format!("*{what} of {}* · {total}", account.name);
        Ok(Reply::private(MessageContent::new(
            format!("{what} of {}: {total}", account.name),
            render::answers::items(account, &heading, &items, total, today, now),
        )))
    }
}

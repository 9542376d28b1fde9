//! "What changed at <account> since <when>", and the record of when each
//! person last looked at each account that "since I last looked" reads.

use chrono::{DateTime, Utc};

use super::{App, Caller, Place, Reply};
use crate::domain::since::{self, Since};
use crate::render::changes as view;
use crate::render::MessageContent;
use crate::store::accounts::{self, Account};
use crate::store::changes;

/// How many audit rows one answer reads (the renderer shows fewer).
const HISTORY_ROWS: i64 = 400;

impl App {
    /// What changed at an account the caller may see, since `since`, in
    /// sentences, grouped, newest first. In a channel it is private unless
    /// the channel is linked to the account.
    pub async fn what_changed(
        &self,
        caller: &Caller,
        place: &Place,
        account: &Account,
        since: Since,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Reply> {
        let last_looked = match since {
            Since::LastLooked => changes::looks(&self.pool, caller.user.user_id, account.account_id)
                .await?
                .and_then(|l| since::last_look(now, Some(l.viewed_at), l.previous_viewed_at)),
            _ => None,
        };
        // The last QBR recorded (`/plan qbr Acme held`), from the start of its day;
        // without one, `Since::LastQbr` falls back and says so.
        let last_qbr = match since {
            Since::LastQbr => crate::store::review::last_qbr(&self.pool, account.account_id)
                .await?
                .and_then(|q| q.held_on.and_hms_opt(0, 0, 0))
                .and_then(|t| t.and_local_timezone(caller.tz()).earliest())
                .map(|t| t.with_timezone(&Utc)),
            _ => None,
        };
        let period = since.period(now, caller.tz(), last_qbr, last_looked);
        let history = changes::history(&self.pool, account.account_id, period.from, HISTORY_ROWS).await?;
        let moves = changes::sponsor_moves(&self.pool, account.account_id, period.from, 50).await?;
        let (news, news_total) = changes::news(&self.pool, account.account_id, period.from, now, 3).await?;
        let lines = view::change_lines(&history, &moves);
        let content = MessageContent::new(
            view::fallback_text(&account.name, &period.label, lines.len(), news_total),
            view::what_changed(&account.name, &period.label, period.note.as_deref(), &lines, &news, news_total, caller.tz()),
        );
        let shared = match place {
            Place::Direct => true,
            Place::Channel(channel) => account.slack_channel.as_deref() == Some(channel.as_str()),
        };
        Ok(if shared { Reply::public(content) } else { Reply::private(content) })
    }

    /// The summary's *What changed* button: the last 7 days of an account
    /// asked for by id, or the same "not found" as elsewhere.
    pub async fn what_changed_by_id(&self, caller: &Caller, place: &Place, account_id: i64, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        match accounts::visible_by_id(&self.pool, caller.viewer(), account_id).await? {
            Some(account) => self.what_changed(caller, place, &account, Since::LastWeek, now).await,
            None => Ok(Reply::note("I couldn't find that account among the accounts you can see.")),
        }
    }

    /// Records that the caller looked at an account (a summary or an answer
    /// about it was shown), for "since I last looked". Returns the look
    /// before the current sitting, if any.
    pub async fn record_view(&self, caller: &Caller, account_id: i64, now: DateTime<Utc>) -> anyhow::Result<Option<DateTime<Utc>>> {
        let before = changes::record_view(&self.pool, caller.user.user_id, account_id, now).await?;
        Ok(before.and_then(|l| since::last_look(now, Some(l.viewed_at), l.previous_viewed_at)))
    }
}

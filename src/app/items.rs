//! Changes to one action item, shared by `/plan done|snooze` and the
//! *Done* / *Snooze* / *Reassign* buttons.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::{App, Caller};
use crate::domain::enums::ActionStatus;
use crate::domain::when::describe_due;
use crate::store::accounts;
use crate::store::actions::{self, ActionItem};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemChange {
    Done,
    /// Hidden from nudges until the start of this day, in the caller's zone.
    SnoozeUntil(NaiveDate),
    /// Given to another person (by user id).
    Reassign(i64),
    /// Due on another day (not before today: the parser refuses those).
    Due(NaiveDate),
}

/// What became of a requested change: the item as it is now, or a refusal
/// to show the caller (nothing was changed).
#[derive(Debug, Clone, PartialEq)]
pub enum ItemResult {
    Changed { item: ActionItem, message: String },
    Refused(String),
}

/// The first instant of `date` in `tz` (the earliest valid local time, for
/// days that start inside a DST gap).
pub fn start_of_day(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    crate::domain::window::local_instant(tz, date.and_time(chrono::NaiveTime::MIN))
}

impl App {
    /// An item the caller may see (its account is visible to them).
    pub async fn visible_item(&self, caller: &Caller, item_id: i64) -> anyhow::Result<Option<ActionItem>> {
        let Some(item) = actions::by_id(&self.pool, item_id).await? else { return Ok(None) };
        let visible = accounts::visible_by_id(&self.pool, caller.viewer(), item.account_id).await?.is_some();
        Ok(visible.then_some(item))
    }

    pub async fn change_item(
        &self,
        caller: &Caller,
        item_id: i64,
        change: ItemChange,
        now: DateTime<Utc>,
    ) -> anyhow::Result<ItemResult> {
        let Some(item) = self.visible_item(caller, item_id).await? else {
            return Ok(ItemResult::Refused(format!(
                "I couldn't find action item `#{item_id}` among the accounts you can see. \
                 `/plan actions` lists yours with their numbers."
            )));
        };
        let today = caller.today(now);
        let id = item.action_item_id;
        match (change, item.status) {
            (ItemChange::Done, ActionStatus::Done) => {
                Ok(ItemResult::Changed { message: format!("`#{id}` was already done."), item })
            }
            (_, ActionStatus::Cancelled) => {
                Ok(ItemResult::Refused(format!("`#{id}` {} was cancelled, so there is nothing to change.", item.title)))
            }
            (ItemChange::SnoozeUntil(_) | ItemChange::Reassign(_) | ItemChange::Due(_), ActionStatus::Done) => Ok(ItemResult::Refused(
                format!("`#{id}` {} is already done, so there is nothing to change.", item.title),
            )),
            (ItemChange::Done, ActionStatus::Open) => {
                let item = actions::complete(&self.pool, id, caller.actor()).await?.unwrap_or(item);
                Ok(ItemResult::Changed { message: format!(":white_check_mark: Done: `#{id}` {}", item.title), item })
            }
            (ItemChange::SnoozeUntil(day), ActionStatus::Open) => {
                if day <= today {
                    return Ok(ItemResult::Refused(format!(
                        "Snooze `#{id}` until a day after today, like `/plan snooze {id} tomorrow`."
                    )));
                }
                let until = start_of_day(day, caller.tz());
                let item = actions::snooze(&self.pool, id, until, caller.actor()).await?.unwrap_or(item);
                Ok(ItemResult::Changed {
                    message: format!(":zzz: Snoozed `#{id}` {} until {}.", item.title, describe_due(day, today)),
                    item,
                })
            }
            (ItemChange::Due(day), ActionStatus::Open) => {
                if crate::domain::validate::due_is_past(day, today) {
                    return Ok(ItemResult::Refused(format!(
                        "{} is in the past, so I left `#{id}` as it was. Pick today or a later day, like `/plan due {id} friday`.",
                        describe_due(day, today)
                    )));
                }
                let item = actions::set_due(&self.pool, id, day, caller.actor()).await?.unwrap_or(item);
                Ok(ItemResult::Changed {
                    message: format!(
                        ":calendar: `#{id}` {} is now due {}.",
                        item.title,
                        super::plan_command::due_with_date(day, today)
                    ),
                    item,
                })
            }
            (ItemChange::Reassign(owner_id), ActionStatus::Open) => {
                let item = actions::reassign(&self.pool, id, owner_id, caller.actor()).await?.unwrap_or(item);
                Ok(ItemResult::Changed {
                    message: format!("`#{id}` {} now belongs to {}.", item.title, item.owner_mention()),
                    item,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_starts_at_local_midnight() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let start = start_of_day(day, chrono_tz::America::New_York);
        assert_eq!(start.to_rfc3339(), "2026-11-23T05:00:00+00:00");
    }

    #[test]
    fn a_day_that_begins_in_a_dst_gap_starts_at_the_first_valid_minute() {
        // Havana skips midnight to 01:00 when DST begins (March 8, 2026).
        let day = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        let start = start_of_day(day, chrono_tz::America::Havana);
        assert_eq!(start.to_rfc3339(), "2026-03-08T05:00:00+00:00");
    }
}

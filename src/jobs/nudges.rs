//! Overdue nudges: one DM per owner per local day listing every overdue
//! item (not one per item), with buttons to close, snooze or hand them on.
//!
//! **Ignored nudges.** A nudge counts as ignored when, by the time the next
//! one is due, the owner has changed none of their action items (no audit
//! entry by them on an item: nothing marked done, snoozed, reassigned or
//! edited). Each ignored nudge adds one to `app_user.ignored_nudges`; any
//! action resets it. When it reaches the configured number, the owner's
//! manager gets one DM about it: the count goes past the number without
//! another escalation until the owner acts and a new streak begins.

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use super::{JobSettings, Outgoing, Report, day_key, due_zones};
use crate::domain::people::Person;
use crate::domain::enums::DmKind;
use crate::domain::schedule::Due;
use crate::store::actions::ActionItem;
use crate::store::nudges::{self, OverdueItem, Standing};
use crate::store::outbox::{Delivery, NewMessage, Payload, Target};
use crate::store::{jobs as job_store, users};
use crate::render::items::MAX_ITEMS_WITH_BUTTONS;
use crate::render::notices;

/// The ignored-nudge count after this nudge: unchanged for a first nudge,
/// back to zero when the owner acted since the previous one, else one more.
pub fn ignored_after(standing: &Standing) -> i32 {
    match (standing.was_nudged, standing.acted_since) {
        (false, _) => standing.user.ignored_nudges,
        (true, true) => 0,
        (true, false) => standing.user.ignored_nudges.saturating_add(1),
    }
}

pub async fn run(conn: &mut PgConnection, settings: &JobSettings, due: Due, now: DateTime<Utc>) -> anyhow::Result<Report> {
    let zones = due_zones(conn, &settings.nudge_schedule, due, now).await.context("could not read time zones")?;
    let overdue = nudges::overdue(conn, &zones, now, due.skips_days_off(), MAX_ITEMS_WITH_BUTTONS as i64)
        .await
        .context("could not read overdue items")?;
    let mut by_owner: BTreeMap<i64, Vec<OverdueItem>> = BTreeMap::new();
    for row in overdue {
        by_owner.entry(row.item.owner_id).or_default().push(row);
    }
    if by_owner.is_empty() {
        return Ok(Report::default());
    }

    let owners: Vec<i64> = by_owner.keys().copied().collect();
    let standings = nudges::standings(conn, &owners).await.context("could not read owners")?;
    // A nudge belongs to the owner's day it reaches them on: one held over a
    // day off counts for the day it arrives, and that day's own tick adds nothing.
    let arrivals: Vec<(DateTime<Utc>, NaiveDate)> = standings
        .iter()
        .map(|s| {
            let run_at = s.user.window().next_open(now);
            (run_at, run_at.with_timezone(&s.user.time_zone()).date_naive())
        })
        .collect();
    let ids: Vec<i64> = standings.iter().map(|s| s.user.user_id).collect();
    let days: Vec<NaiveDate> = arrivals.iter().map(|(_, day)| *day).collect();
    let counts: Vec<i32> =
        ids.iter().map(|id| i32::try_from(by_owner[id][0].owner_total).unwrap_or(i32::MAX)).collect();
    let watermark = job_store::audit_watermark(conn).await?;
    // Only owners not nudged on that day yet: a repeated run changes nothing.
    let fresh: HashSet<i64> =
        nudges::record(conn, &ids, &days, &counts, watermark).await.context("could not record nudges")?.into_iter().collect();

    let mut outgoing = Outgoing::default();
    let mut ignored_owners = Vec::new();
    let mut ignored_counts = Vec::new();
    let mut escalations = Vec::new();
    for (standing, (run_at, day)) in standings.into_iter().zip(arrivals) {
        let owner = &standing.user;
        if !fresh.contains(&owner.user_id) {
            continue;
        }
        let rows = &by_owner[&owner.user_id];
        let (today, total) = (rows[0].today, rows[0].owner_total);
        let items: Vec<ActionItem> = rows.iter().map(|row| row.item.clone()).collect();
        outgoing.push(NewMessage {
            kind: "nudge",
            target: Target::User(owner.user_id),
            payload: Payload { content: notices::nudge(&items, total, today, now), delivery: Delivery::Post },
            dedupe_key: format!("nudge:{}:{}", owner.user_id, day_key(day)),
            run_at,
        });
        let ignored = ignored_after(&standing);
        if ignored != owner.ignored_nudges {
            ignored_owners.push(owner.user_id);
            ignored_counts.push(ignored);
        }
        // Once per streak: when the count reaches the threshold, not after.
        let just_reached = settings.escalate_after > 0 && ignored == settings.escalate_after && ignored != owner.ignored_nudges;
        if let Some(manager_id) = owner.manager_id.filter(|_| just_reached) {
            escalations.push((manager_id, standing.user.clone(), ignored, items, total, today, day));
        }
    }
    nudges::set_ignored(conn, &ignored_owners, &ignored_counts).await.context("could not count ignored nudges")?;

    if !escalations.is_empty() {
        let manager_ids: Vec<i64> = escalations.iter().map(|e| e.0).collect();
        let managers: HashMap<i64, users::User> =
            users::by_ids(conn, &manager_ids).await?.into_iter().map(|m| (m.user_id, m)).collect();
        for (manager_id, owner, ignored, items, total, today, day) in escalations {
            let Some(manager) = managers.get(&manager_id).filter(|m| m.wants(DmKind::Escalation)) else { continue };
            outgoing.push(NewMessage {
                kind: "escalation",
                target: Target::User(manager_id),
                payload: Payload {
                    content: notices::escalation(&owner, ignored, &items, total, today, now),
                    delivery: Delivery::Post,
                },
                dedupe_key: format!("escalation:{}:{}", owner.user_id, day_key(day)),
                run_at: manager.window().next_open(now),
            });
        }
    }
    outgoing.enqueue(conn, now).await.context("could not enqueue nudges")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(was_nudged: bool, acted_since: bool, ignored: i32) -> Standing {
        Standing {
            user: users::User { ignored_nudges: ignored, ..users::User::example() },
            was_nudged,
            acted_since,
        }
    }

    #[test]
    fn an_unanswered_nudge_adds_to_the_streak_and_any_action_ends_it() {
        assert_eq!(ignored_after(&standing(false, false, 0)), 0, "a first nudge has nothing to be ignored");
        assert_eq!(ignored_after(&standing(true, false, 2)), 3);
        assert_eq!(ignored_after(&standing(true, true, 5)), 0);
    }
}

//! Deadline alerts: an account's linked channel hears when its active
//! plan's due date or an open item's due date is 14, 7 and 1 days away and
//! when it has passed, each once; and the owner of an account renewing soon
//! with no active plan hears of it, once per renewal date.
//!
//! Each stage is a band of days, not a single day, so an alert is not lost
//! when the job did not run on the exact day (a day off, an outage, an item
//! created 10 days before it is due gets its two-week alert at once). The
//! `notice` ledger makes each (deadline, due date, stage) said once; a due
//! date that moves starts afresh. The alerts of one account on one run
//! travel together in one message.

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::{JobSettings, Outgoing, Report, due_zones};
use crate::domain::people::Person;
use crate::domain::enums::DmKind;
use crate::domain::schedule::Due;
use crate::store::jobs as job_store;
use crate::store::notices::{self, Deadline, UnplannedRenewal};
use crate::store::outbox::{Delivery, NewMessage, Payload, Target};
use crate::store::users::{self, User};
use crate::render::notices as views;

/// How near a deadline is, as the alerts count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// 8 to 14 days away.
    TwoWeeks,
    /// 2 to 7 days away.
    OneWeek,
    /// Tomorrow or today.
    OneDay,
    /// Passed, up to a week ago (older ones are the nudges' business).
    Passed,
}

/// Days before the due date the "passed" stage lasts.
pub const PASSED_FOR_DAYS: i32 = 7;
/// The earliest stage starts this many days ahead.
pub const FIRST_ALERT_DAYS: i32 = 14;

impl Stage {
    pub fn of(days_left: i64) -> Option<Stage> {
        match days_left {
            8..=14 => Some(Stage::TwoWeeks),
            2..=7 => Some(Stage::OneWeek),
            0..=1 => Some(Stage::OneDay),
            -7..=-1 => Some(Stage::Passed),
            _ => None,
        }
    }

    fn key(self) -> &'static str {
        match self {
            Stage::TwoWeeks => "14",
            Stage::OneWeek => "7",
            Stage::OneDay => "1",
            Stage::Passed => "passed",
        }
    }
}

/// The fact "this deadline reached this stage", as the ledger names it.
pub fn notice_key(deadline: &Deadline, stage: Stage) -> String {
    format!("deadline:{}:{}:{}:{}", deadline.subject.as_str(), deadline.subject_id, deadline.due_date, stage.key())
}

fn renewal_key(renewal: &UnplannedRenewal) -> String {
    format!("renewal:{}:{}", renewal.account_id, renewal.renewal_date)
}

pub async fn run(conn: &mut PgConnection, settings: &JobSettings, due: Due, now: DateTime<Utc>) -> anyhow::Result<Report> {
    let zones = due_zones(conn, &settings.deadline_schedule, due, now).await.context("could not read time zones")?;
    let deadlines = notices::deadlines(conn, &zones, due.skips_days_off(), PASSED_FOR_DAYS, FIRST_ALERT_DAYS)
        .await
        .context("could not read deadlines")?;
    let renewals = notices::unplanned_renewals(conn, &zones, due.skips_days_off(), settings.renewal_horizon_days)
        .await
        .context("could not read renewals")?;
    let mut owner_ids: Vec<i64> = deadlines.iter().map(|d| d.owner_id).chain(renewals.iter().map(|r| r.owner_id)).collect();
    owner_ids.sort_unstable();
    owner_ids.dedup();
    let owners: HashMap<i64, User> = users::by_ids(conn, &owner_ids).await?.into_iter().map(|u| (u.user_id, u)).collect();

    let mut outgoing = Outgoing::default();
    channel_alerts(conn, &deadlines, &owners, now, &mut outgoing).await?;
    renewal_flags(conn, &renewals, &owners, now, &mut outgoing).await?;
    outgoing.enqueue(conn, now).await.context("could not enqueue deadline alerts")
}

/// One message per account with the deadlines that reached a new stage.
async fn channel_alerts(
    conn: &mut PgConnection,
    deadlines: &[Deadline],
    owners: &HashMap<i64, User>,
    now: DateTime<Utc>,
    outgoing: &mut Outgoing,
) -> anyhow::Result<()> {
    let staged: Vec<(String, &Deadline)> = deadlines
        .iter()
        .filter_map(|d| Stage::of((d.due_date - d.today).num_days()).map(|stage| (notice_key(d, stage), d)))
        .collect();
    let keys: Vec<String> = staged.iter().map(|(key, _)| key.clone()).collect();
    let new_keys: HashSet<String> =
        job_store::claim_notices(conn, &keys).await.context("could not claim deadline notices")?.into_iter().collect();
    let mut by_account: BTreeMap<i64, Vec<(String, &Deadline)>> = BTreeMap::new();
    for (key, deadline) in staged.into_iter().filter(|(key, _)| new_keys.contains(key)) {
        by_account.entry(deadline.account_id).or_default().push((key, deadline));
    }
    for alerts in by_account.values() {
        let first = alerts[0].1;
        let keys: Vec<String> = alerts.iter().map(|(key, _)| key.clone()).collect();
        // A claimed notice belongs to this message alone, so its key names the message.
        let dedupe_key = format!("deadlines:{}:{}", first.account_id, keys[0]);
        job_store::link_notices(conn, &keys, &dedupe_key).await?;
        let list: Vec<&Deadline> = alerts.iter().map(|(_, d)| *d).collect();
        let run_at = owners.get(&first.owner_id).map_or(now, |owner| owner.window().next_open(now));
        outgoing.push(NewMessage {
            kind: "deadline",
            target: Target::Channel(first.channel.clone()),
            payload: Payload { content: views::deadline_alert(&first.account_name, &list, first.today), delivery: Delivery::Post },
            dedupe_key,
            run_at,
        });
    }
    Ok(())
}

/// One DM per owner with their accounts renewing soon without a plan.
async fn renewal_flags(
    conn: &mut PgConnection,
    renewals: &[UnplannedRenewal],
    owners: &HashMap<i64, User>,
    now: DateTime<Utc>,
    outgoing: &mut Outgoing,
) -> anyhow::Result<()> {
    let wanted: Vec<&UnplannedRenewal> = renewals
        .iter()
        .filter(|r| owners.get(&r.owner_id).is_some_and(|owner| owner.wants(DmKind::Deadline)))
        .collect();
    let keys: Vec<String> = wanted.iter().map(|r| renewal_key(r)).collect();
    let new_keys: HashSet<String> =
        job_store::claim_notices(conn, &keys).await.context("could not claim renewal notices")?.into_iter().collect();
    let mut by_owner: BTreeMap<i64, Vec<&UnplannedRenewal>> = BTreeMap::new();
    for renewal in wanted.into_iter().filter(|r| new_keys.contains(&renewal_key(r))) {
        by_owner.entry(renewal.owner_id).or_default().push(renewal);
    }
    for (owner_id, list) in by_owner {
        let owner = &owners[&owner_id];
        let keys: Vec<String> = list.iter().map(|r| renewal_key(r)).collect();
        let dedupe_key = format!("renewals:{owner_id}:{}", keys[0]);
        job_store::link_notices(conn, &keys, &dedupe_key).await?;
        outgoing.push(NewMessage {
            kind: "renewal",
            target: Target::User(owner_id),
            payload: Payload { content: views::unplanned_renewals(&list, list[0].today), delivery: Delivery::Post },
            dedupe_key,
            run_at: owner.window().next_open(now),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_stage_is_a_band_of_days() {
        assert_eq!(Stage::of(15), None);
        assert_eq!(Stage::of(14), Some(Stage::TwoWeeks));
        assert_eq!(Stage::of(8), Some(Stage::TwoWeeks));
        assert_eq!(Stage::of(7), Some(Stage::OneWeek));
        assert_eq!(Stage::of(2), Some(Stage::OneWeek));
        assert_eq!(Stage::of(1), Some(Stage::OneDay));
        assert_eq!(Stage::of(0), Some(Stage::OneDay));
        assert_eq!(Stage::of(-1), Some(Stage::Passed));
        assert_eq!(Stage::of(-7), Some(Stage::Passed));
        assert_eq!(Stage::of(-8), None);
    }
}

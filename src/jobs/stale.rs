//! Stale-plan reminders: an active plan whose sections have not changed in
//! N days is flagged to its account's owner, with the last edit the audit
//! history holds. While it stays stale it is flagged again every N days
//! (not at every run): the ledger fact is the plan, when its sections last
//! changed, and how many N-day periods have passed since.

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

use super::{JobSettings, Outgoing, Report, due_zones};
use crate::domain::people::Person;
use crate::domain::enums::DmKind;
use crate::domain::schedule::Due;
use crate::store::jobs as job_store;
use crate::store::notices::{self, StalePlan};
use crate::store::outbox::{Delivery, NewMessage, Payload, Target};
use crate::store::users::{self, User};
use crate::render::notices as views;

/// The fact "this plan has been stale for this many periods".
pub fn notice_key(plan: &StalePlan, stale_days: i64, now: DateTime<Utc>) -> String {
    let periods = (now - plan.sections_changed_at).num_days() / stale_days.max(1);
    format!("stale:{}:{}:{}", plan.plan_id, plan.sections_changed_at.timestamp(), periods)
}

pub async fn run(conn: &mut PgConnection, settings: &JobSettings, due: Due, now: DateTime<Utc>) -> anyhow::Result<Report> {
    let zones = due_zones(conn, &settings.stale_schedule, due, now).await.context("could not read time zones")?;
    let stale = notices::stale_plans(conn, &zones, due.skips_days_off(), now - Duration::days(settings.stale_days))
        .await
        .context("could not read stale plans")?;
    let mut owner_ids: Vec<i64> = stale.iter().map(|p| p.owner_id).collect();
    owner_ids.sort_unstable();
    owner_ids.dedup();
    let owners: HashMap<i64, User> = users::by_ids(conn, &owner_ids).await?.into_iter().map(|u| (u.user_id, u)).collect();

    let wanted: Vec<(String, &StalePlan)> = stale
        .iter()
        .filter(|p| owners.get(&p.owner_id).is_some_and(|owner| owner.wants(DmKind::Stale)))
        .map(|p| (notice_key(p, settings.stale_days, now), p))
        .collect();
    let keys: Vec<String> = wanted.iter().map(|(key, _)| key.clone()).collect();
    let new_keys: HashSet<String> =
        job_store::claim_notices(conn, &keys).await.context("could not claim stale-plan notices")?.into_iter().collect();
    let mut by_owner: BTreeMap<i64, Vec<(String, &StalePlan)>> = BTreeMap::new();
    for (key, plan) in wanted.into_iter().filter(|(key, _)| new_keys.contains(key)) {
        by_owner.entry(plan.owner_id).or_default().push((key, plan));
    }

    let mut outgoing = Outgoing::default();
    for (owner_id, plans) in by_owner {
        let owner = &owners[&owner_id];
        let keys: Vec<String> = plans.iter().map(|(key, _)| key.clone()).collect();
        let dedupe_key = format!("stale-plans:{owner_id}:{}", keys[0]);
        job_store::link_notices(conn, &keys, &dedupe_key).await?;
        let list: Vec<&StalePlan> = plans.iter().map(|(_, plan)| *plan).collect();
        outgoing.push(NewMessage {
            kind: "stale",
            target: Target::User(owner_id),
            payload: Payload {
                content: views::stale_plans(&list, settings.stale_days, now, owner.time_zone()),
                delivery: Delivery::Post,
            },
            dedupe_key,
            run_at: owner.window().next_open(now),
        });
    }
    outgoing.enqueue(conn, now).await.context("could not enqueue stale-plan reminders")
}

//! The manager's weekly digest: for each direct report, their plans with
//! the lowest health and what would raise each most, their key accounts
//! without a plan, and plans not reviewed at a QBR in 100 days, with
//! questions to ask in the 1:1 drawn from the review's gaps. On the
//! manager's own cron, time zone and quiet hours, through the outbox, once
//! per week (the dedupe key is the manager's ISO week); nothing is sent when
//! there is nothing to say. Owners are never nagged about health: this goes
//! to managers only.

use std::collections::{BTreeMap, HashMap};

use anyhow::Context;
use chrono::{DateTime, Datelike, Utc};
use sqlx::PgConnection;

use super::{JobSettings, Outgoing, Report, due_zones};
use crate::domain::enums::DmKind;
use crate::domain::people::Person;
use crate::domain::review::{self, rules};
use crate::domain::schedule::Due;
use crate::render::review::{self as views, ReportDigest, WeakPlan};
use crate::store::outbox::{Delivery, NewMessage, Payload, Target};
use crate::store::review as store;
use crate::store::users::{self, User};

use crate::domain::review::{HEALTHY, QBR_DUE_DAYS};
/// Plans per report the digest names.
const WEAKEST: usize = 3;

pub async fn run(conn: &mut PgConnection, settings: &JobSettings, due: Due, now: DateTime<Utc>) -> anyhow::Result<Report> {
    let zones = due_zones(conn, &settings.manager_digest_schedule, due, now).await.context("could not read time zones")?;
    let rows = store::due_managers(conn, &zones.names, &zones.days, due.skips_days_off()).await.context("could not read managers")?;
    if rows.is_empty() {
        return Ok(Report::default());
    }
    let mut account_ids: Vec<i64> = rows.iter().flat_map(|r| r.account_ids.iter().copied()).collect();
    account_ids.sort_unstable();
    account_ids.dedup();
    let reviewed: HashMap<i64, store::Reviewed> =
        store::facts(conn, &account_ids).await.context("could not read plan facts")?.into_iter().map(|r| (r.account_id, r)).collect();
    let qbrs: HashMap<i64, store::Qbr> =
        store::last_qbrs(conn, &account_ids).await.context("could not read QBRs")?.into_iter().map(|q| (q.account_id, q)).collect();
    let unplanned: HashMap<i64, String> =
        store::key_without_plan(conn, &account_ids, &settings.key_tiers).await.context("could not read coverage")?.into_iter().collect();
    let mut manager_ids: Vec<i64> = rows.iter().map(|r| r.manager_id).collect();
    manager_ids.dedup();
    let managers: HashMap<i64, User> = users::by_ids(conn, &manager_ids).await?.into_iter().map(|u| (u.user_id, u)).collect();

    let mut by_manager: BTreeMap<i64, Vec<&store::ReportAccounts>> = BTreeMap::new();
    for row in &rows {
        by_manager.entry(row.manager_id).or_default().push(row);
    }
    let mut outgoing = Outgoing::default();
    for (manager_id, reports) in by_manager {
        let Some(manager) = managers.get(&manager_id).filter(|m| m.wants(DmKind::Escalation)) else { continue };
        let today = reports[0].today;
        let mut digests: Vec<ReportDigest> = Vec::new();
        for report in reports {
            let mut weak: Vec<WeakPlan> = Vec::new();
            let mut qbr_due: Vec<String> = Vec::new();
            for account_id in &report.account_ids {
                let Some(plan) = reviewed.get(account_id) else { continue };
                let reviewed_plan = review::review(rules(), &plan.facts);
                if reviewed_plan.health < HEALTHY {
                    let gaps = reviewed_plan.gaps();
                    weak.push(WeakPlan {
                        account_name: plan.account_name.clone(),
                        account_id: plan.account_id,
                        health: reviewed_plan.health,
                        best_gap: gaps.first().map(|g| (g.gap(), g.rule.weight)),
                        question: gaps.first().map(|g| g.rule.question.clone()),
                    });
                }
                let last = qbrs.get(account_id).map(|q| q.held_on);
                let old_enough = (now - plan.plan_created_at).num_days() >= QBR_DUE_DAYS;
                if old_enough && last.is_none_or(|held| (today - held).num_days() >= QBR_DUE_DAYS) {
                    qbr_due.push(plan.account_name.clone());
                }
            }
            weak.sort_by_key(|w| (w.health, w.account_name.clone()));
            weak.truncate(WEAKEST);
            let no_plan: Vec<String> = report.account_ids.iter().filter_map(|id| unplanned.get(id).cloned()).collect();
            if weak.is_empty() && no_plan.is_empty() && qbr_due.is_empty() {
                continue;
            }
            digests.push(ReportDigest {
                name: report.report_name.clone(),
                mention: crate::domain::people::mention(report.report_slack_id.as_deref(), &report.report_name, &report.report_email),
                weak,
                no_plan,
                qbr_due,
            });
        }
        if digests.is_empty() {
            continue;
        }
        let week = today.iso_week();
        outgoing.push(NewMessage {
            kind: "manager_digest",
            target: Target::User(manager_id),
            payload: Payload { content: views::manager_digest(&digests), delivery: Delivery::Post },
            dedupe_key: format!("manager-digest:{manager_id}:{}-W{:02}", week.year(), week.week()),
            run_at: manager.window().next_open(now),
        });
    }
    outgoing.enqueue(conn, now).await.context("could not enqueue manager digests")
}

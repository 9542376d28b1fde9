//! Saving a part of a plan from Slack, as `App::submit_form` does it for a
//! submitted modal: the fields checked, the plan locked, each field's
//! fingerprint compared with the one the form was opened on, the changed
//! sections written with their audit rows, in one transaction. Saves arrive
//! in an open loop at a fixed rate (200 per second by default) across 200
//! plans, each save preceded (untimed) by opening its form; the time of the
//! save alone is measured, and every save must be written (no conflict).
//! A second's worth of saves warms the pool and the database up first.
//! `BENCH_SLOW=1` lists the saves over 10 ms with when they started.
//!
//!     cargo bench --bench plan_edit
//!
//! `BENCH_RATE` (saves per second) and `BENCH_SECONDS` change the load.
//! Uses `DATABASE_URL`'s server (default: PostgreSQL on 127.0.0.1:5432 when
//! it answers, else planbot's embedded cluster), in a database
//! `planbot_bench_plan_edit` it creates afresh and drops at the end.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use planbot::app::editing::{FormOutcome, FormRequest};
use planbot::app::{App, Background};
use planbot::domain::enums::{PlanStatus, PlanType};
use planbot::domain::plan::SectionGroup;
use planbot::store::accounts::{self, NewAccount};
use planbot::store::plans::{self, NewPlan};
use planbot::store::users::{self, NewUser};
use planbot::store::{self, Actor};

/// Plans the saves are spread over (`BENCH_PLANS`): each is saved every `PLANS / rate` seconds.
const PLANS: usize = 200;
const TARGET_P99_MS: f64 = 10.0;


fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn env_number(name: &str, default: f64) -> f64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rate = env_number("BENCH_RATE", 200.0);
    let plan_count = env_number("BENCH_PLANS", PLANS as f64) as usize;
    let seconds = env_number("BENCH_SECONDS", 10.0);
    let db = support::scratch("planbot_bench_plan_edit", 16).await;
    let pool = db.pool.clone();
    let today = Utc::now().date_naive();

    // 200 accounts of one owner, each with an active plan whose sections
    // hold about 2 KB each.
    let mut tx = store::begin(&pool, Actor::source("bench")).await?;
    let owner = users::upsert(
        &mut tx,
        &NewUser { email: "owner@example.com".into(), display_name: "Olive Owner".into(), slack_id: Some("U0OWNER".into()), ..Default::default() },
    )
    .await?;
    let mut plan_ids = Vec::with_capacity(plan_count);
    for n in 0..plan_count {
        let account = accounts::create(&mut tx, &NewAccount { name: format!("Account {n}"), rank: 1, owner_id: owner.user_id, ..Default::default() }).await?;
        let sections = planbot::domain::plan::SECTIONS.iter().map(|s| (s.key, format!("{} ", s.label).repeat(100))).collect();
        let plan = plans::create(
            &mut tx,
            &NewPlan { account_id: account.account_id, name: "Expand FY27".into(), plan_type: PlanType::Opportunity, status: PlanStatus::Active, due_date: None, sections },
            today,
        )
        .await?;
        plan_ids.push(plan.plan_id);
    }
    tx.commit().await?;

    let app = App::new(pool.clone(), Arc::new(support::NoSlack), Vec::new(), Background::default());
    let caller = app.caller("U0OWNER").await?;
    let total = (rate * seconds).round() as usize;
    println!("{plan_count} plans; {total} saves of the Go-to-Market part at {rate} per second, open loop");

    // A warm-up second at the same rate, not measured: the pool opens its
    // connections and each backend fills its caches (without it, the first
    // 0.3 s of saves wait for connections and dominate the p99).
    let warmup = rate.round() as usize;
    for i in 0..warmup {
        let plan_id = plan_ids[i % plan_count];
        let form = match app.open_form(&caller, FormRequest::Sections { plan_id, part: SectionGroup::GoToMarket }, None, Utc::now()).await? {
            Ok(form) => form,
            Err(reply) => anyhow::bail!("the form did not open: {}", reply.content.text),
        };
        let mut values = form.initial_values();
        values.insert("our_initiatives".into(), format!("Warm-up {i}"));
        app.submit_form(&caller, &form.state, &values, Utc::now()).await?;
    }

    let interval = Duration::from_secs_f64(1.0 / rate);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..total {
        let due = started + interval * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let (app, caller, plan_id) = (app.clone(), caller.clone(), plan_ids[i % plan_count]);
        tasks.spawn(async move {
            let now = Utc::now();
            let form = match app.open_form(&caller, FormRequest::Sections { plan_id, part: SectionGroup::GoToMarket }, None, now).await? {
                Ok(form) => form,
                Err(reply) => anyhow::bail!("the form did not open: {}", reply.content.text),
            };
            let mut values = form.initial_values();
            values.insert("threats_risks".into(), format!("Risk noted in save {i}"));
            values.insert("goals_6m".into(), format!("Goal of save {i}"));
            let save = Instant::now();
            let outcome = app.submit_form(&caller, &form.state, &values, now).await?;
            let took = save.elapsed();
            match outcome {
                FormOutcome::Saved(_) => Ok((save.duration_since(started), took)),
                other => anyhow::bail!("save {i} was not written: {other:?}"),
            }
        });
    }
    let mut times = Vec::with_capacity(total);
    let mut slow: Vec<(Duration, Duration)> = Vec::new();
    let mut failed = 0;
    while let Some(result) = tasks.join_next().await {
        match result? {
            Ok((at, took)) => {
                if took > Duration::from_millis(10) {
                    slow.push((at, took));
                }
                times.push(took)
            }
            Err(err) => {
                failed += 1;
                if failed <= 3 {
                    println!("  failed: {err:#}");
                }
            }
        }
    }
    let elapsed = started.elapsed();
    times.sort();
    if std::env::var_os("BENCH_SLOW").is_some() {
        slow.sort();
        for (at, took) in &slow {
            println!("  slow save at {:.3} s: {:.1} ms", at.as_secs_f64(), ms(*took));
        }
    }
    let audited: i64 = sqlx::query_scalar("select count(*) from audit where entity = 'plan' and field = 'threats_risks'").fetch_one(&pool).await?;
    println!(
        "saved {} of {total} in {:.2} s ({:.0}/s), {failed} failed; {audited} audit rows for Threats/Risks",
        times.len(),
        elapsed.as_secs_f64(),
        times.len() as f64 / elapsed.as_secs_f64()
    );
    if !times.is_empty() {
        let p99 = ms(percentile(&times, 0.99));
        println!(
            "section save: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms (target p99 < {TARGET_P99_MS} ms: {})",
            ms(percentile(&times, 0.50)),
            ms(percentile(&times, 0.90)),
            p99,
            ms(*times.last().unwrap()),
            if p99 < TARGET_P99_MS { "met" } else { "MISSED" }
        );
    }
    db.remove().await?;
    Ok(())
}

//! The summary of a large account: how long gathering and rendering take,
//! and how many queries gathering issues.
//!
//!     cargo bench --bench summary
//!
//! Uses `DATABASE_URL`'s server (default: PostgreSQL on 127.0.0.1:5432 when
//! it answers, else planbot's embedded cluster), in a database
//! `planbot_bench_summary` it creates afresh and drops at the end (kept
//! with `BENCH_KEEP` set).

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use planbot::domain::enums::{PlanStatus, PlanType};
use planbot::store::accounts::{self, NewAccount};
use planbot::store::plans::{self, NewPlan};
use planbot::store::users::{self, NewUser};
use planbot::store::{self, Actor};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;

/// Counts the statements sqlx runs (it reports each as a `sqlx::query`
/// event) and adds up the time each kind of statement takes.
struct QueryCounter(Arc<AtomicUsize>, Arc<std::sync::Mutex<std::collections::BTreeMap<String, (usize, f64)>>>);

#[derive(Default)]
struct StatementFields {
    summary: String,
    elapsed: f64,
}

impl tracing::field::Visit for StatementFields {
    fn record_f64(&mut self, field: &tracing::field::Field, value: f64) {
        if field.name() == "elapsed_secs" {
            self.elapsed = value;
        }
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "summary" {
            self.summary = value.chars().take(60).collect();
        }
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" {
            self.summary = format!("{value:?}").chars().take(60).collect();
        }
    }
}

impl<S: tracing::Subscriber> Layer<S> for QueryCounter {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            self.0.fetch_add(1, Ordering::Relaxed);
            let mut fields = StatementFields::default();
            event.record(&mut fields);
            let mut times = self.1.lock().unwrap();
            let entry = times.entry(fields.summary).or_default();
            entry.0 += 1;
            entry.1 += fields.elapsed;
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let queries = Arc::new(AtomicUsize::new(0));
    let statement_times = Arc::new(std::sync::Mutex::new(std::collections::BTreeMap::new()));
    let filter = tracing_subscriber::filter::Targets::new().with_target("sqlx::query", tracing::Level::DEBUG);
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(QueryCounter(queries.clone(), statement_times.clone()).with_filter(filter)),
    )?;

    let db = support::scratch("planbot_bench_summary", 10).await;
    let pool = db.pool.clone();

    let now = Utc::now();
    let today = now.date_naive();
    let mut tx = store::begin(&pool, Actor::source("bench")).await?;
    let owner = users::upsert(
        &mut tx,
        &NewUser { email: "owner@example.com".into(), display_name: "Olive Owner".into(), slack_id: Some("U0OWNER".into()), ..Default::default() },
    )
    .await?;
    let account = accounts::create(
        &mut tx,
        &NewAccount { name: "Big Account Inc".into(), rank: 1, annual_spend: Some(5_000_000), renewal_date: Some(today + chrono::Duration::days(90)), owner_id: owner.user_id, ..Default::default() },
    )
    .await?;
    let sections = planbot::domain::plan::SECTIONS.iter().map(|s| (s.key, format!("{} ", s.label).repeat(40))).collect();
    let plan = plans::create(
        &mut tx,
        &NewPlan { account_id: account.account_id, name: "Expand FY27".into(), plan_type: PlanType::Opportunity, status: PlanStatus::Active, due_date: None, sections },
        today,
    )
    .await?;
    sqlx::query(
        "insert into action_item (plan_id, account_id, title, owner_id, due_date) \
         select $1, $2, 'Follow up on workstream ' || g, $3, $4::date + (g % 120 - 20) from generate_series(1, 500) g",
    )
    .bind(plan.plan_id)
    .bind(account.account_id)
    .bind(owner.user_id)
    .bind(today)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into contact (account_id, name, title, influence, buying_role, sentiment, strength) \
         select $1, 'Contact ' || g, 'Director of Engineering ' || g, (array['high','medium','low'])[1 + g % 3], \
                (array['champion','economic_buyer','technical_buyer','influencer','user','blocker'])[1 + g % 6], \
                (array['promoter','neutral','detractor'])[1 + g % 3], 1 + g % 5 \
         from generate_series(1, 200) g",
    )
    .bind(account.account_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into whitespace (account_id, stage, vendor, annual_spend, contract_end, appetite) \
         select $1, (array['plan','create','verify','package','secure','release','configure','monitor','govern'])[1 + g % 9], \
                'Vendor ' || g, 10000 * g, $2::date + g * 7, (array['none','low','medium','high'])[1 + g % 4] \
         from generate_series(1, 50) g",
    )
    .bind(account.account_id)
    .bind(today)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into intel_item (account_id, source, headline, url, category, published_at, dedupe_key) \
         select $1, 'bench', 'Big Account news item ' || g, 'https://news.example.com/' || g, 'other', \
                now() - g * interval '1 hour', 'k' || g \
         from generate_series(1, 1000) g",
    )
    .bind(account.account_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    sqlx::query("analyze").execute(&pool).await?;

    // Warm up the connection's statement cache, then measure.
    for _ in 0..50 {
        planbot::store::summary::gather(&pool, account.account_id, today).await?;
    }
    let before = queries.load(Ordering::Relaxed);
    let data = planbot::store::summary::gather(&pool, account.account_id, today).await?.expect("the account exists");
    let per_summary = queries.load(Ordering::Relaxed) - before;

    statement_times.lock().unwrap().clear();
    let rounds = 2000;
    let mut gather = Vec::with_capacity(rounds);
    let mut render = Vec::with_capacity(rounds);
    let mut total = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let started = Instant::now();
        let data = planbot::store::summary::gather(&pool, account.account_id, today).await?.unwrap();
        let gathered = Instant::now();
        let blocks = planbot::render::summary::render(&data, now, chrono_tz::America::New_York);
        std::hint::black_box(&blocks);
        let rendered = Instant::now();
        gather.push(gathered - started);
        render.push(rendered - gathered);
        total.push(rendered - started);
    }
    for list in [&mut gather, &mut render, &mut total] {
        list.sort();
    }
    let blocks = planbot::render::summary::render(&data, now, chrono_tz::America::New_York);
    println!("summary of an account with 500 action items, 200 contacts, 50 whitespace rows, 1,000 intel items");
    println!("  queries per summary: {per_summary}");
    println!("  blocks: {}", blocks.len());
    for (name, list) in [("gather", &gather), ("render", &render), ("gather+render", &total)] {
        println!(
            "  {name:>14}: p50 {:>8.3} ms  p99 {:>8.3} ms  max {:>8.3} ms  ({rounds} runs)",
            percentile(list, 0.50).as_secs_f64() * 1e3,
            percentile(list, 0.99).as_secs_f64() * 1e3,
            list.last().unwrap().as_secs_f64() * 1e3,
        );
    }
    println!("  time per statement (mean, as sqlx measured it):");
    for (statement, (count, seconds)) in statement_times.lock().unwrap().iter().filter(|(_, (count, _))| *count >= rounds) {
        println!("    {:>8.3} ms  {statement}", seconds / *count as f64 * 1e3);
    }
    if std::env::var_os("BENCH_KEEP").is_none() {
        db.remove().await?;
    } else {
        pool.close().await;
    }
    Ok(())
}

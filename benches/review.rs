//! The plan review and plan health, through the application layer:
//! the health of 10,000 accounts' plans recomputed (facts read in one
//! statement, every rule applied), and one account's review (facts, last
//! QBR, rules, rendered blocks) asked 1,000 times: p50, p99, max.
//!
//!     cargo bench --bench review
//!
//! Targets: 10,000 healths in under 2 s; one review under 10 ms p99.
//! Uses `DATABASE_URL`'s server (default: PostgreSQL on 127.0.0.1:5432 when
//! it answers, else planbot's embedded cluster), in a database
//! `planbot_bench_review` it creates afresh and drops at the end.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use planbot::app::{App, Background, Place};
use planbot::domain::review::{review, rules};
use planbot::store::{self, Actor};

const ACCOUNTS: i64 = 10_000;
const RUNS: usize = 1000;
const HEALTH_TARGET_S: f64 = 2.0;
const REVIEW_TARGET_MS: f64 = 10.0;


fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let db = support::scratch("planbot_bench_review", 10).await;
    let pool = db.pool.clone();
    let seeding = Instant::now();
    // 10,000 accounts, each with an owner and two team members, an active
    // plan with most sections written, 6 contacts, 4 whitespace rows and 8
    // open action items (half of them undated for some).
    let mut tx = store::begin(&pool, Actor::source("bench")).await?;
    sqlx::query(
        "insert into app_user (email, display_name, slack_id) \
         select 'person' || g || '@example.com', 'Person ' || g, 'U0P' || g from generate_series(1, 3000) g",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into account (name, match_key, rank, annual_spend) \
         select 'Account ' || g, 'account ' || g, 1 + g % 3, case when g % 4 = 0 then null else 100000 * g end \
         from generate_series(1, $1) g",
    )
    .bind(ACCOUNTS)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into account_team (account_id, user_id, role) \
         select a.account_id, u.user_id, r.role from account a \
         cross join (values (0, 'owner'), (1, 'sa'), (2, 'csm')) as r (k, role) \
         join app_user u on u.email = 'person' || (1 + (a.account_id * 3 + r.k) % 3000) || '@example.com'",
    )
    .execute(&mut *tx)
    .await?;
    let text = "Written down in some detail. ".repeat(20);
    sqlx::query(
        "insert into plan (account_id, name, type, status, business_overview, industry_trends, summary_history, \
                           entitled_solutions, digital_strategy, goals, initiatives, goals_6m, threats_risks, action_plan) \
         select account_id, 'Expand FY27', 'expand', 'active', $1, case when account_id % 3 = 0 then '' else $1 end, $1, $1, \
                case when account_id % 5 = 0 then '' else $1 end, $1, $1, $1, 'Rival pilots.\nBudget freeze.\nCISO may leave.', \
                'Resources: one SA' from account",
    )
    .bind(&text)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into contact (account_id, name, influence, buying_role, sentiment, strength, relationship_owner_id) \
         select a.account_id, 'Contact ' || g, (array['high','medium','low'])[1 + (a.account_id + g) % 3], \
                (array['champion','economic_buyer','technical_buyer','influencer','user','blocker'])[1 + g % 6], \
                case when g % 5 = 0 then null else 'promoter' end, 1 + g % 5, \
                case when g % 2 = 0 then (select user_id from account_team t where t.account_id = a.account_id and t.role = 'owner') end \
         from account a cross join generate_series(1, 6) g",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into whitespace (account_id, stage, vendor, likes, annual_spend, contract_end) \
         select a.account_id, (array['plan','create','verify','package'])[g], 'Vendor ' || g, \
                case when g = 1 then '' else 'fast' end, 10000 * g, case when g = 2 then null else current_date + g * 30 end \
         from account a cross join generate_series(1, 4) g",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into action_item (plan_id, account_id, title, owner_id, due_date) \
         select p.plan_id, p.account_id, 'Item ' || g, t.user_id, case when g % 4 = 0 and p.account_id % 2 = 0 then null else current_date + g end \
         from plan p join account_team t on t.account_id = p.account_id and t.role in ('owner', 'sa') cross join generate_series(1, 4) g",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    sqlx::query("analyze").execute(&pool).await?;
    println!("seeded {ACCOUNTS} accounts with plans, 60,000 contacts, 40,000 whitespace rows, 80,000 items in {:.1} s", seeding.elapsed().as_secs_f64());

    let ids: Vec<i64> = sqlx::query_scalar("select account_id from account order by account_id").fetch_all(&pool).await?;
    let mut health_runs = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let mut conn = pool.acquire().await?;
        let facts = store::review::facts(&mut conn, &ids).await?;
        let read = started.elapsed();
        let healths: Vec<u32> = facts.iter().map(|f| review(rules(), &f.facts).health).collect();
        let took = started.elapsed();
        let mean = healths.iter().map(|h| *h as f64).sum::<f64>() / healths.len().max(1) as f64;
        println!(
            "  health of {} plans: {:.3} s ({:.3} s reading the facts), mean health {mean:.1}",
            healths.len(),
            took.as_secs_f64(),
            read.as_secs_f64()
        );
        health_runs.push(took);
    }
    health_runs.sort();
    let best = health_runs[0].as_secs_f64();
    let worst = health_runs[health_runs.len() - 1].as_secs_f64();
    println!(
        "health for {ACCOUNTS} accounts: best {best:.3} s, worst {worst:.3} s (target < {HEALTH_TARGET_S} s: {})",
        if worst < HEALTH_TARGET_S { "met" } else { "MISSED" }
    );

    let owner: String = sqlx::query_scalar(
        "select u.slack_id from account_team t join app_user u using (user_id) where t.account_id = $1 and t.role = 'owner'",
    )
    .bind(ids[0])
    .fetch_one(&pool)
    .await?;
    let app = App::new(pool.clone(), Arc::new(support::NoSlack), Vec::new(), Background::default());
    let caller = app.caller(&owner).await?;
    for _ in 0..20 {
        app.review_by_id(&caller, &Place::Direct, ids[0]).await?;
    }
    let mut times = Vec::with_capacity(RUNS);
    let mut blocks = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let reply = app.review_by_id(&caller, &Place::Direct, ids[0]).await?;
        times.push(started.elapsed());
        blocks = reply.content.blocks.len();
    }
    times.sort();
    let p99 = ms(percentile(&times, 0.99));
    println!(
        "one review ({blocks} blocks): p50 {:.2} ms, p99 {p99:.2} ms, max {:.2} ms (target p99 < {REVIEW_TARGET_MS} ms: {})",
        ms(percentile(&times, 0.5)),
        ms(*times.last().unwrap()),
        if p99 < REVIEW_TARGET_MS { "met" } else { "MISSED" }
    );
    db.remove().await?;
    Ok(())
}

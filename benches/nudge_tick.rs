//! The nudge tick at scale: 1,000,000 action items over 100,000 accounts and
//! 10,000 owners, 20,000 of them overdue. Times the tick that enqueues one
//! DM per affected owner and prints the overdue query's plan; times the next
//! day's tick (which also judges every previous nudge); then adds another
//! 1,000,000 items that are not overdue and times the third day's tick, to
//! show that its cost follows the overdue items and not all items.
//!
//! `cargo bench --bench nudge_tick` (sizes: BENCH_ITEMS, BENCH_OVERDUE,
//! BENCH_ACCOUNTS, BENCH_OWNERS; server: DATABASE_URL).

mod support;

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use planbot::domain::schedule::Due;
use planbot::jobs::{JobSettings, nudges};
use sqlx::PgPool;

fn size(name: &str, default: i64) -> i64 {
    std::env::var(name).ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
}

/// Seeds people, accounts with an active plan each, and `items` action items
/// (10 per account), `overdue` of them open and past due on `today`; of the
/// rest half are done and half due later. Triggers are off while seeding
/// (audit rows and the owner check would only slow it down).
async fn seed(pool: &PgPool, owners: i64, accounts: i64, items: i64, overdue: i64, today: &str) {
    let mut conn = pool.acquire().await.unwrap();
    let statements = [
        "set session_replication_role = replica".to_string(),
        format!(
            "insert into app_user (email, display_name, tz, slack_id) \
             select 'owner' || g || '@bench.example', 'Owner ' || g, 'America/New_York', 'UB' || g \
             from generate_series(1, {owners}) g"
        ),
        format!(
            "insert into account (name, match_key) select 'Account ' || g, 'account ' || g \
             from generate_series(1, {accounts}) g"
        ),
        format!(
            "insert into account_team (account_id, user_id, role) \
             select account_id, 1 + (account_id - 1) % {owners}, 'owner' from account"
        ),
        "insert into plan (account_id, name, type, status, due_date) \
         select account_id, 'Expand FY27', 'expand', 'active', date '2027-06-30' from account"
            .to_string(),
        add_items(owners, items / accounts.max(1), 0, items / overdue.max(1), today),
        "reset session_replication_role".to_string(),
        "vacuum analyze".to_string(),
        "checkpoint".to_string(),
    ];
    for sql in statements {
        sqlx::query(&sql).execute(&mut *conn).await.unwrap_or_else(|e| panic!("{e}: {sql}"));
    }
}

/// Items `first..first + per_account` of each plan; every `overdue_every`th
/// one is overdue (when `overdue_every` > 0), with an owner spread over all
/// people.
fn add_items(owners: i64, per_account: i64, first: i64, overdue_every: i64, today: &str) -> String {
    let overdue = if overdue_every > 0 { format!("(p.account_id * 10 + k) % {overdue_every} = 0") } else { "false".into() };
    format!(
        "insert into action_item (plan_id, account_id, title, owner_id, due_date, status, completed_at) \
         select p.plan_id, p.account_id, 'Item ' || k || ' of account ' || p.account_id, \
                case when {overdue} then 1 + abs(hashint8(p.account_id * 10 + k)) % {owners} \
                     else 1 + (p.account_id - 1) % {owners} end, \
                case when {overdue} then date '{today}' - 1 - ((p.account_id + k) % 60)::int \
                     when k % 2 = 0 then date '{today}' - 1 - ((p.account_id + k) % 300)::int \
                     else date '{today}' + 1 + ((p.account_id + k) % 365)::int end, \
                case when {overdue} or k % 2 = 1 then 'open' else 'done' end, \
                case when {overdue} or k % 2 = 1 then null else timestamptz '{today} 12:00Z' end \
         from plan p cross join generate_series({first} + 1, {first} + {per_account}) k"
    )
}

/// How many action items there are, how many are overdue on `today`, and
/// how many people own those.
async fn census(pool: &PgPool, today: &str) -> (i64, i64, i64) {
    sqlx::query_as(
        "select count(*), count(*) filter (where status = 'open' and due_date < $1), \
                count(distinct owner_id) filter (where status = 'open' and due_date < $1) \
         from action_item",
    )
    .bind(chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap())
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Runs the nudge tick at nine in New York (everyone's zone) in one
/// transaction and returns (messages enqueued, seconds).
async fn tick(pool: &PgPool, settings: &JobSettings, at: DateTime<Utc>) -> (u64, f64) {
    let started = Instant::now();
    let mut tx = pool.begin().await.unwrap();
    let due = Due::Window { from: Some(at - Duration::minutes(1)), to: at };
    let report = nudges::run(&mut tx, settings, due, at).await.expect("the nudge tick runs");
    tx.commit().await.unwrap();
    (report.enqueued, started.elapsed().as_secs_f64())
}

async fn explain(pool: &PgPool, at: DateTime<Utc>, today: &str) -> String {
    let today = chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap();
    let rows: Vec<String> = sqlx::query_scalar(&format!("explain (analyze, buffers) {}", nudges_query()))
        .bind(vec!["America/New_York".to_string()])
        .bind(vec![today])
        .bind(at)
        .bind(true)
        .bind(20_i64)
        .bind(today)
        .fetch_all(pool)
        .await
        .unwrap();
    rows.join("\n")
}

fn nudges_query() -> String {
    planbot::store::nudges::overdue_query()
}

#[tokio::main]
async fn main() {
    let owners = size("BENCH_OWNERS", 10_000);
    let accounts = size("BENCH_ACCOUNTS", 100_000);
    let items = size("BENCH_ITEMS", 1_000_000);
    let overdue = size("BENCH_OVERDUE", 20_000);
    let settings = JobSettings::from(&support::job_args(&[]).schedule);
    let db = support::scratch("planbot_bench_nudges", 4).await;
    let pool = db.pool.clone();

    let day_one = "2026-11-24"; // a Tuesday
    let nine = DateTime::parse_from_rfc3339("2026-11-24T14:00:00Z").unwrap().with_timezone(&Utc);
    let started = Instant::now();
    seed(&pool, owners, accounts, items, overdue, day_one).await;
    let (total, late, affected) = census(&pool, day_one).await;
    println!(
        "seeded {owners} owners, {accounts} accounts, {total} action items ({late} overdue, owned by {affected} people) in {:.1}s",
        started.elapsed().as_secs_f64()
    );

    let (enqueued, seconds) = tick(&pool, &settings, nine).await;
    println!("nudge tick, day 1: {enqueued} DMs enqueued in {seconds:.3}s ({total} items)");
    assert_eq!(enqueued as i64, affected, "one DM per affected owner");
    println!("\nthe overdue query's plan (day 1):\n{}\n", explain(&pool, nine, day_one).await);

    // Day 2, the same items: now every owner has a previous nudge to judge.
    let (enqueued, seconds) = tick(&pool, &settings, nine + Duration::days(1)).await;
    println!("nudge tick, day 2: {enqueued} DMs enqueued in {seconds:.3}s ({total} items)");

    // As many items again, none of them overdue: day 3's tick should not care.
    let started = Instant::now();
    let mut conn = pool.acquire().await.unwrap();
    sqlx::query("set session_replication_role = replica").execute(&mut *conn).await.unwrap();
    sqlx::query(&add_items(owners, items / accounts.max(1), 100, 0, "2026-11-26")).execute(&mut *conn).await.unwrap();
    sqlx::query("reset session_replication_role").execute(&mut *conn).await.unwrap();
    // Settle what the bulk load left behind (a checkpoint, the visibility
    // map) so it is not counted against the tick.
    sqlx::query("vacuum analyze action_item").execute(&mut *conn).await.unwrap();
    sqlx::query("checkpoint").execute(&mut *conn).await.unwrap();
    drop(conn);
    let day_three = "2026-11-26";
    let (total, late, _) = census(&pool, day_three).await;
    println!("added items in {:.1}s: now {total} action items, {late} overdue", started.elapsed().as_secs_f64());
    let (enqueued, seconds) = tick(&pool, &settings, nine + Duration::days(2)).await;
    println!("nudge tick, day 3: {enqueued} DMs enqueued in {seconds:.3}s ({total} items)");
    db.remove().await.expect("the scratch database drops");
}

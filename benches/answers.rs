//! Each answer about a large account, gathered and rendered through the
//! application layer (`App`), the way Slack and the demo ask for them: how
//! long it takes (p50, p99, max) and how many queries it issues. Also "what
//! changed" over a year of audit history, and an admin's at-risk list over
//! 10,000 accounts.
//!
//!     cargo bench --bench answers
//!
//! Uses `DATABASE_URL`'s server (default: PostgreSQL on 127.0.0.1:5432 when
//! it answers, else planbot's embedded cluster), in a database
//! `planbot_bench_answers` it creates afresh and drops at the end (kept
//! with `BENCH_KEEP` set).

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use planbot::app::{AccountItems, App, Background, Place};
use planbot::domain::enums::{IntelCategory, PlanStatus, PlanType, UserRole};
use planbot::domain::since::Since;
use planbot::store::accounts::{self, NewAccount};
use planbot::store::plans::{self, NewPlan};
use planbot::store::users::{self, NewUser};
use planbot::store::{self, Actor};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;

/// Runs per answer about the one account, and for "what changed".
const RUNS: usize = 1000;
/// Runs of the at-risk list over 10,000 accounts.
const AT_RISK_RUNS: usize = 50;
const WARMUP: usize = 20;
/// p99 targets, in milliseconds.
const ANSWER_TARGET_MS: f64 = 10.0;
const CHANGED_TARGET_MS: f64 = 20.0;
const AT_RISK_TARGET_MS: f64 = 200.0;

/// Counts the statements sqlx runs (it reports each as a `sqlx::query` event).
struct QueryCounter(Arc<AtomicUsize>);

impl<S: tracing::Subscriber> Layer<S> for QueryCounter {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}


fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// One measured answer: its name, timings (sorted), queries per answer and target.
struct Measured {
    name: &'static str,
    times: Vec<Duration>,
    queries: usize,
    target_ms: f64,
}

/// Warms up, counts the queries of one call, then times `$runs` calls of
/// `$call` (an expression giving a future of `anyhow::Result<Reply>`).
macro_rules! measure {
    ($out:expr, $queries:expr, $name:expr, $target_ms:expr, $runs:expr, $call:expr) => {{
        let runs: usize = $runs;
        for _ in 0..WARMUP.min(runs) {
            std::hint::black_box($call.await?);
        }
        let before = $queries.load(Ordering::Relaxed);
        let reply = $call.await?;
        let queries = $queries.load(Ordering::Relaxed) - before;
        println!("  {:<28} → {} ({} blocks)", $name, reply.content.text, reply.content.blocks.len());
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            let reply = $call.await?;
            times.push(started.elapsed());
            std::hint::black_box(&reply);
        }
        times.sort();
        $out.push(Measured { name: $name, times, queries, target_ms: $target_ms });
    }};
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let queries = Arc::new(AtomicUsize::new(0));
    let filter = tracing_subscriber::filter::Targets::new().with_target("sqlx::query", tracing::Level::DEBUG);
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(QueryCounter(queries.clone()).with_filter(filter)))?;

    let db = support::scratch("planbot_bench_answers", 10).await;
    let pool = db.pool.clone();

    let now = Utc::now();
    let today = now.date_naive();
    let seeding = Instant::now();

    // The large account, seeded as in the summary benchmark: 500 action
    // items, 200 contacts (a few of them gone), 50 whitespace rows and
    // 1,000 intel items (of every category).
    let mut tx = store::begin(&pool, Actor::source("bench")).await?;
    let owner = users::upsert(
        &mut tx,
        &NewUser { email: "owner@example.com".into(), display_name: "Olive Owner".into(), slack_id: Some("U0OWNER".into()), ..Default::default() },
    )
    .await?;
    users::upsert(
        &mut tx,
        &NewUser {
            email: "admin@example.com".into(),
            display_name: "Ada Admin".into(),
            slack_id: Some("U0ADMIN".into()),
            role: Some(UserRole::Admin),
            ..Default::default()
        },
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
    // The rest of the account team: ten people in the other roles.
    sqlx::query(
        "with p as (insert into app_user (email, display_name, slack_id) \
                    select 'team' || g || '@example.com', 'Team Member ' || g, 'U0TEAM' || g from generate_series(1, 10) g \
                    returning user_id, display_name) \
         insert into account_team (account_id, user_id, role) \
         select $1, user_id, (array['sa','csm','tam','renewals','sdr','partner','leader'])[1 + (row_number() over (order by user_id))::int % 7] from p",
    )
    .bind(account.account_id)
    .execute(&mut *tx)
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
        "insert into contact (account_id, name, title, influence, buying_role, sentiment, strength, departed_at) \
         select $1, 'Contact ' || g, 'Director of Engineering ' || g, (array['high','medium','low'])[1 + g % 3], \
                (array['champion','economic_buyer','technical_buyer','influencer','user','blocker'])[1 + g % 6], \
                (array['promoter','neutral','detractor'])[1 + g % 3], 1 + g % 5, \
                case when g % 25 = 0 then now() - g * interval '1 day' end \
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
         select $1, 'bench', 'Big Account news item ' || g, 'https://news.example.com/' || g, \
                (array['funding','acquisition','leadership_change','layoffs','earnings','product_launch', \
                       'partnership','legal_regulatory','security_incident','other'])[1 + g % 10], \
                now() - g * interval '1 hour', 'k' || g \
         from generate_series(1, 1000) g",
    )
    .bind(account.account_id)
    .execute(&mut *tx)
    .await?;
    // A year of history: 10,000 field changes spread evenly over 365 days,
    // written as the audit trigger writes them (the rows are inserted
    // directly so they can carry past dates), and 50 sponsor moves.
    sqlx::query(
        "with items as (select array_agg(action_item_id order by action_item_id) as ids from action_item where account_id = $1), \
              people as (select array_agg(contact_id order by contact_id) as ids from contact where account_id = $1), \
              ws as (select array_agg(whitespace_id order by whitespace_id) as ids from whitespace where account_id = $1), \
              changes as (select g, \
                      case when g % 10 < 6 then 'action_item' when g % 10 < 8 then 'contact' \
                           when g % 10 = 8 then 'whitespace' else 'plan' end as entity \
                    from generate_series(1, 10000) g) \
         insert into audit (account_id, entity, entity_id, action, field, old_value, new_value, actor_id, actor_source, changed_at) \
         select $1, c.entity, \
                case c.entity when 'action_item' then items.ids[1 + c.g % 500] when 'contact' then people.ids[1 + c.g % 200] \
                              when 'whitespace' then ws.ids[1 + c.g % 50] else $2 end, \
                'update', f.field, f.old_value, f.new_value, $3, 'slack', \
                now() - c.g * interval '3153.6 seconds' \
         from changes c cross join items cross join people cross join ws \
         cross join lateral (select * from (values \
              ('action_item', 0, 'due_date', ($4::date - c.g % 30)::text, ($4::date + c.g % 30)::text), \
              ('action_item', 1, 'status', 'open', 'done'), \
              ('action_item', 2, 'title', 'Follow up on workstream ' || c.g % 500, 'Follow up on workstream ' || c.g % 500 || ' with legal'), \
              ('action_item', 3, 'owner_id', $3::text, $3::text), \
              ('contact', 0, 'sentiment', 'neutral', 'promoter'), \
              ('contact', 1, 'title', 'Director of Engineering', 'VP of Engineering'), \
              ('contact', 2, 'influence', 'medium', 'high'), \
              ('contact', 3, 'strength', '2', '4'), \
              ('whitespace', 0, 'appetite', 'low', 'high'), \
              ('whitespace', 1, 'vendor', 'Vendor A', 'Vendor B'), \
              ('whitespace', 2, 'contract_end', ($4::date + 30)::text, ($4::date + 395)::text), \
              ('whitespace', 3, 'annual_spend', '10000', '20000'), \
              ('plan', 0, 'goals_12m', 'Expand to two business units', 'Expand to three business units'), \
              ('plan', 1, 'threats_risks', 'Budget freeze', 'Budget freeze; competitor pilot'), \
              ('plan', 2, 'status', 'draft', 'active'), \
              ('plan', 3, 'action_plan', 'Quarterly reviews', 'Monthly reviews')) \
              as v (entity, k, field, old_value, new_value) \
              where v.entity = c.entity and v.k = (c.g / 10) % 4) as f",
    )
    .bind(account.account_id)
    .bind(plan.plan_id)
    .bind(owner.user_id)
    .bind(today)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into sponsor_change (contact_id, attribute, old_value, new_value, observed_at) \
         select c.contact_id, 'title', c.title, 'SVP ' || c.title, now() - (c.contact_id % 365) * interval '1 day' \
         from contact c where c.account_id = $1 and c.buying_role in ('champion', 'economic_buyer') limit 50",
    )
    .bind(account.account_id)
    .execute(&mut *tx)
    .await?;

    // 10,000 more accounts for the at-risk list, owned by 100 people,
    // renewing over the next 200 days: two in three with an active plan,
    // each with 3 contacts, 5 action items and 2 intel items.
    sqlx::query(
        "insert into app_user (email, display_name, slack_id) \
         select 'seller' || g || '@example.com', 'Seller ' || g, 'U0SELL' || g from generate_series(1, 100) g",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "with a as (insert into account (name, match_key, rank, renewal_date) \
                    select 'Bulk Account ' || g, 'bulk account ' || g, 1 + g % 3, current_date + (g % 200) \
                    from generate_series(1, 10000) g returning account_id) \
         insert into account_team (account_id, user_id, role) \
         select a.account_id, u.user_id, 'owner' from a \
         join app_user u on u.email = 'seller' || (1 + a.account_id % 100) || '@example.com'",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into plan (account_id, name, type, status, goals_12m, threats_risks, sections_changed_at) \
         select account_id, 'FY27', 'expand', case when account_id % 3 = 0 then 'draft' else 'active' end, \
                'Grow', 'Competition', now() - (account_id % 90) * interval '1 day' \
         from account where name like 'Bulk Account %'",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into contact (account_id, name, influence, buying_role, sentiment, departed_at) \
         select a.account_id, 'Person ' || g, (array['high','medium','low'])[1 + (a.account_id + g) % 3], \
                (array['champion','economic_buyer','technical_buyer','influencer','user','blocker'])[1 + (a.account_id + g) % 6], \
                (array['promoter','neutral','detractor'])[1 + (a.account_id * g) % 3], \
                case when (a.account_id + g) % 97 = 0 then now() - (a.account_id % 200) * interval '1 day' end \
         from account a cross join generate_series(1, 3) g where a.name like 'Bulk Account %'",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into action_item (plan_id, account_id, title, owner_id, due_date) \
         select p.plan_id, p.account_id, 'Task ' || g, t.user_id, current_date + ((p.account_id + g * 13) % 60 - 15)::int \
         from plan p join account_team t on t.account_id = p.account_id and t.role = 'owner' \
         cross join generate_series(1, 5) g where p.account_id <> $1",
    )
    .bind(account.account_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into intel_item (account_id, source, headline, category, published_at, dedupe_key) \
         select a.account_id, 'bench', a.name || ' in the news ' || g, 'other', now() - (a.account_id % 30 + g) * interval '1 day', 'b' || g \
         from account a cross join generate_series(1, 2) g where a.name like 'Bulk Account %'",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    sqlx::query("analyze").execute(&pool).await?;
    let audit_rows: i64 = sqlx::query_scalar("select count(*) from audit where account_id = $1")
        .bind(account.account_id)
        .fetch_one(&pool)
        .await?;
    let account_count: i64 = sqlx::query_scalar("select count(*) from account").fetch_one(&pool).await?;
    println!(
        "seeded in {:.1} s: one account with 500 action items, 200 contacts, 50 whitespace rows, 1,000 intel items \
         and {audit_rows} audit rows over a year; {account_count} accounts in all",
        seeding.elapsed().as_secs_f64()
    );

    let app = App::new(pool.clone(), Arc::new(support::NoSlack), Vec::<String>::new(), Background::default());
    let member = app.caller("U0OWNER").await?;
    let admin = app.caller("U0ADMIN").await?;
    assert!(admin.is_admin, "the admin is an admin");
    let account = app.visible_account(&member, account.account_id).await?.expect("the owner sees the account");
    let place = Place::Direct;
    let a_year_back = Since::Date(member.today(now) - chrono::Duration::days(365));

    let mut measured = Vec::new();
    let q = &queries;
    let (app, member, admin, account, place) = (&app, &member, &admin, &account, &place);
    println!("answers (first reply of each, then {RUNS} timed runs; {AT_RISK_RUNS} for the at-risk list):");
    measure!(measured, q, "summary", ANSWER_TARGET_MS, RUNS, app.summary(member, place, account, now));
    measure!(measured, q, "full plan", ANSWER_TARGET_MS, RUNS, app.full_plan(member, place, account, now));
    measure!(measured, q, "renewal", ANSWER_TARGET_MS, RUNS, app.renewal(member, place, account, now));
    measure!(measured, q, "people", ANSWER_TARGET_MS, RUNS, app.people(member, place, account, false, now));
    measure!(measured, q, "people (champions)", ANSWER_TARGET_MS, RUNS, app.people(member, place, account, true, now));
    measure!(measured, q, "risks", ANSWER_TARGET_MS, RUNS, app.risks(member, place, account, now));
    measure!(measured, q, "whitespace", ANSWER_TARGET_MS, RUNS, app.whitespace(member, place, account, now));
    measure!(measured, q, "goals", ANSWER_TARGET_MS, RUNS, app.goals(member, place, account, now));
    measure!(measured, q, "news", ANSWER_TARGET_MS, RUNS, app.news(member, place, account, None, now));
    measure!(
        measured,
        q,
        "news (funding)",
        ANSWER_TARGET_MS,
        RUNS,
        app.news(member, place, account, Some(IntelCategory::Funding), now)
    );
    measure!(measured, q, "team", ANSWER_TARGET_MS, RUNS, app.team(member, place, account, now));
    measure!(measured, q, "action items (open)", ANSWER_TARGET_MS, RUNS, app.account_actions(member, place, account, AccountItems::Open, now));
    measure!(
        measured,
        q,
        "action items (overdue)",
        ANSWER_TARGET_MS,
        RUNS,
        app.account_actions(member, place, account, AccountItems::Overdue, now)
    );
    measure!(measured, q, "what changed (a year)", CHANGED_TARGET_MS, RUNS, app.what_changed(member, place, account, a_year_back, now));
    measure!(measured, q, "at risk (admin, 10,001)", AT_RISK_TARGET_MS, AT_RISK_RUNS, app.at_risk(admin, now));

    // Where the at-risk list's time goes: its one query alone.
    let mut facts_times = Vec::with_capacity(10);
    for _ in 0..10 {
        let started = Instant::now();
        let facts = planbot::store::team::account_facts(&pool, planbot::store::team::Scope::Visible(admin.viewer()), admin.today(now), now).await?;
        facts_times.push(started.elapsed());
        std::hint::black_box(facts);
    }
    facts_times.sort();
    println!(
        "  of the at-risk list, its query (store::team::account_facts) alone: p50 {:.3} ms, max {:.3} ms (10 runs)",
        ms(percentile(&facts_times, 0.50)),
        ms(*facts_times.last().unwrap())
    );

    println!();
    println!("{:<26} {:>7} {:>9} {:>9} {:>9} {:>8}  verdict (p99)", "answer", "queries", "p50 ms", "p99 ms", "max ms", "runs");
    let mut missed = Vec::new();
    for m in &measured {
        let p99 = ms(percentile(&m.times, 0.99));
        let verdict = if p99 < m.target_ms { "meets" } else { "MISSES" };
        if p99 >= m.target_ms {
            missed.push(m.name);
        }
        println!(
            "{:<26} {:>7} {:>9.3} {:>9.3} {:>9.3} {:>8}  {verdict} the target of {} ms",
            m.name,
            m.queries,
            ms(percentile(&m.times, 0.50)),
            p99,
            ms(*m.times.last().unwrap()),
            m.times.len(),
            m.target_ms,
        );
    }
    if missed.is_empty() {
        println!("every answer meets its target");
    } else {
        println!("MISSES: {}", missed.join(", "));
    }

    if std::env::var_os("BENCH_KEEP").is_none() {
        db.remove().await?;
    } else {
        pool.close().await;
    }
    Ok(())
}

//! Target: 100,000 tracked accounts with one new intel item each are
//! classified, deduplicated, stored and enqueued in under 30 seconds.
//!
//! `cargo bench --bench intel_ingest` (PostgreSQL: `DATABASE_URL`, else a
//! server on 127.0.0.1:5432, else planbot's embedded cluster). Each account has a follower (1,000 people
//! own 100 accounts each and follow them), every tenth a linked channel,
//! and one stored story from two days ago; 1% of the new items repeat that
//! story's link. Items go through `intel::ingest` in batches of 10,000, a
//! transaction each, as a polling round would send them.

mod support;

use chrono::{Duration, Utc};
use planbot::intel::ingest::{self, Incoming};

const ACCOUNTS: i64 = 100_000;
const BATCH: usize = 10_000;
const TARGET_SECS: f64 = 30.0;

const HEADLINES: &[&str] = &[
    "{} raises $40M Series B to expand in Europe",
    "{} to acquire data startup in $300M deal",
    "{} names new chief financial officer",
    "{} cuts 200 jobs in restructuring",
    "{} beats third-quarter estimates, raises guidance",
    "{} launches AI assistant for field teams",
    "{} partners with AWS on cloud migration",
    "Regulator opens probe into {} billing practices",
    "{} discloses ransomware attack on its network",
    "{} opens new office in Singapore",
    "{} CEO steps down after eight years",
    "{} wins $120M government contract",
];

#[tokio::main]
async fn main() {
    let db = support::scratch(&format!("planbot_bench_intel_{}", std::process::id()), 4).await;
    let pool = &db.pool;
    let now = Utc::now();
    let (_, _) = support::timed("seed 100,000 followed accounts with one stored story each", async {
        let mut tx = pool.begin().await.unwrap();
        sqlx::query(
            "insert into app_user (email, display_name, slack_id, working_days) \
             select 'person' || g || '@bench.example', 'Person ' || g, 'UP' || g, '{1,2,3,4,5,6,7}' from generate_series(1, 1000) g",
        )
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "insert into account (name, match_key, slack_channel) \
             select 'Account ' || g, 'account ' || g, case when g % 10 = 0 then 'C' || g end from generate_series(1, $1) g",
        )
        .bind(ACCOUNTS)
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "insert into account_team (account_id, user_id, role) \
             select a.account_id, u.user_id, 'owner' from account a \
             join app_user u on u.email = 'person' || ((a.account_id - 1) % 1000 + 1) || '@bench.example'",
        )
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query("insert into subscription (account_id, user_id) select account_id, user_id from account_team")
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query(
            "insert into intel_item (account_id, source, headline, url, category, published_at, dedupe_key) \
             select account_id, 'seed', name || ' hosts its annual customer conference', \
                    'https://seed.example.com/' || account_id, 'other', $1, 'https://seed.example.com/' || account_id \
             from account",
        )
        .bind(now - Duration::days(2))
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        sqlx::query("analyze").execute(pool).await.unwrap();
    })
    .await;

    let accounts: Vec<(i64, String)> =
        sqlx::query_as("select account_id, name from account order by account_id").fetch_all(pool).await.unwrap();
    let incoming: Vec<Incoming> = accounts
        .iter()
        .enumerate()
        .map(|(i, (account_id, name))| Incoming {
            account_id: *account_id,
            intel_source_id: None,
            source: "https://news.example.com/feed.rss".into(),
            headline: HEADLINES[i % HEADLINES.len()].replace("{}", name),
            url: Some(if i % 100 == 0 {
                format!("http://www.seed.example.com/{account_id}?utm_source=rss")
            } else {
                format!("https://news.example.com/{account_id}/story?utm_source=rss&id={i}")
            }),
            summary: format!("{name} said on Monday that the move is part of its three-year plan."),
            category: None,
            published_at: now - Duration::hours(1),
            guid: None,
        })
        .collect();

    let ((stored, duplicates, messages), took) = support::timed("classify, deduplicate, store and enqueue 100,000 items", async {
        let (mut stored, mut duplicates, mut messages) = (0, 0, 0);
        let mut rest = incoming;
        while !rest.is_empty() {
            let tail = rest.split_off(rest.len().min(BATCH));
            let batch = std::mem::replace(&mut rest, tail);
            let mut tx = pool.begin().await.unwrap();
            let ingested = ingest::ingest(&mut tx, batch, now).await.unwrap();
            tx.commit().await.unwrap();
            stored += ingested.stored();
            duplicates += ingested.duplicates();
            messages += ingested.messages;
        }
        (stored, duplicates, messages)
    })
    .await;
    println!("stored {stored}, duplicates {duplicates}, messages enqueued {messages}");
    println!("{:.0} items per second", ACCOUNTS as f64 / took.as_secs_f64());
    assert_eq!(stored, 99_000);
    assert_eq!(duplicates, 1_000);
    assert_eq!(messages, 99_000 + 10_000, "one DM per new story, and one post per linked channel");
    let verdict = if took.as_secs_f64() < TARGET_SECS { "meets" } else { "MISSES" };
    println!("{verdict} the target of {TARGET_SECS} s");
    db.remove().await.expect("the scratch database drops");
}

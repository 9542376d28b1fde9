//! Delivery at Slack's pace: three replicas' outbox workers (each with its
//! own pool and Slack client) send 10,000 messages to 500 channels through
//! the fake Slack. Checks that every message arrived exactly once and that
//! no channel got two messages less than a second apart (from the fake's
//! own arrival times), and reports how long it took.
//!
//! `cargo bench --bench delivery` (sizes: BENCH_MESSAGES, BENCH_CHANNELS,
//! BENCH_REPLICAS; server: DATABASE_URL).

mod support;

#[path = "../tests/api/fake_slack.rs"]
#[allow(dead_code)]
mod fake_slack;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use planbot::config::Secret;
use planbot::jobs::outbox_worker::{DeliverySettings, OutboxWorker};
use planbot::render::MessageContent;
use planbot::slack::client::SlackHttp;
use planbot::store::outbox::{self, Delivery, NewMessage, Payload, Target};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

fn size(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let messages = size("BENCH_MESSAGES", 10_000);
    let channels = size("BENCH_CHANNELS", 500);
    let replicas = size("BENCH_REPLICAS", 3);
    let db = support::scratch("planbot_bench_delivery", 2).await;
    let slack = fake_slack::FakeSlack::start().await;

    // The messages, round-robin over the channels, all ready now.
    let seed = db.pool.clone();
    let now = Utc::now();
    let batch: Vec<NewMessage> = (0..messages)
        .map(|i| NewMessage {
            kind: "bench",
            target: Target::Channel(format!("CBENCH{:04}", i % channels)),
            payload: Payload { content: MessageContent::plain(format!("message {i}")), delivery: Delivery::Post },
            dedupe_key: format!("bench:{i}"),
            run_at: now,
        })
        .collect();
    let mut conn = seed.acquire().await.unwrap();
    for chunk in batch.chunks(2_000) {
        outbox::enqueue_many(&mut conn, chunk).await.unwrap();
    }
    drop(conn);
    sqlx::query("analyze outbox").execute(&seed).await.unwrap();

    // Workspace ceiling high enough that the per-channel pace is what binds.
    let args = support::job_args(&["--outbox-per-second", "1000", "--outbox-concurrency", "100", "--outbox-poll-ms", "250"]);
    let shutdown = CancellationToken::new();
    let started = Instant::now();
    let mut workers = Vec::new();
    for replica in 0..replicas {
        let pool = db.connect(6).await.expect("the scratch database answers");
        let client = SlackHttp::new(&slack.api_url, &Secret::new(fake_slack::BOT_TOKEN)).unwrap();
        let worker = OutboxWorker::new(pool, Arc::new(client), format!("replica-{replica}"), DeliverySettings::from(&args.outbox));
        workers.push(tokio::spawn(worker.run(Arc::new(Notify::new()), shutdown.clone())));
    }
    loop {
        let left: i64 = sqlx::query_scalar("select count(*) from outbox where sent_at is null and dead_at is null")
            .fetch_one(&seed)
            .await
            .unwrap();
        if left == 0 || started.elapsed() > Duration::from_secs(600) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    shutdown.cancel();
    for worker in workers {
        worker.await.unwrap();
    }

    let posts = slack.calls_of("chat.postMessage");
    let texts: HashSet<&str> = posts.iter().filter_map(|c| c.body["text"].as_str()).collect();
    let mut arrivals: HashMap<&str, Vec<Instant>> = HashMap::new();
    for call in &posts {
        arrivals.entry(call.body["channel"].as_str().unwrap_or("")).or_default().push(call.at);
    }
    let mut gaps: Vec<Duration> = Vec::new();
    for times in arrivals.values_mut() {
        times.sort();
        gaps.extend(times.windows(2).map(|pair| pair[1] - pair[0]));
    }
    gaps.sort();
    let too_close = gaps.iter().filter(|gap| **gap < Duration::from_secs(1)).count();
    let sent: i64 = sqlx::query_scalar("select count(*) from outbox where sent_at is not null").fetch_one(&seed).await.unwrap();

    println!("{replicas} replicas delivered {} messages to {} channels in {elapsed:.1}s ({:.0} messages/s)", posts.len(), arrivals.len(), posts.len() as f64 / elapsed);
    println!("outbox rows marked sent: {sent} of {messages}; distinct messages at Slack: {}", texts.len());
    println!(
        "gaps between two messages to one channel: min {:.3}s, median {:.3}s, max {:.3}s; under one second: {too_close}",
        gaps.first().map_or(0.0, Duration::as_secs_f64),
        gaps.get(gaps.len() / 2).map_or(0.0, Duration::as_secs_f64),
        gaps.last().map_or(0.0, Duration::as_secs_f64),
    );
    let exactly_once = posts.len() == messages && texts.len() == messages && sent as usize == messages;
    println!("exactly once: {}; at most one per second per channel: {}", exactly_once, too_close == 0);
    assert!(exactly_once, "every message once");
    assert_eq!(too_close, 0, "no channel got two messages within a second");
    assert!(slack.violations().is_empty());
    db.remove().await.expect("the scratch database drops");
}

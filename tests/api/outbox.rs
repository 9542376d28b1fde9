//! Outbox delivery: once per message, paced per channel and workspace-wide,
//! through 429s, failures, dead workers and unknown people.

use chrono::{DateTime, Duration, Utc};
use planbot::render::MessageContent;
use planbot::store::outbox::{self, Delivery, NewMessage, Pacing, Payload, Target};
use planbot::store::users::{self, NewUser};
use serde_json::Value;
use sqlx::PgPool;

use crate::fake_slack::FakeSlack;
use crate::helpers::{TestDb, spawn_app, utc, worker};

async fn enqueue(pool: &PgPool, key: &str, target: Target, text: &str, run_at: DateTime<Utc>) -> bool {
    let mut conn = pool.acquire().await.unwrap();
    outbox::enqueue(
        &mut conn,
        &NewMessage {
            kind: "test",
            target,
            payload: Payload { content: MessageContent::plain(text), delivery: Delivery::Post },
            dedupe_key: key.into(),
            run_at,
        },
    )
    .await
    .unwrap()
}

fn channel(id: &str) -> Target {
    Target::Channel(id.into())
}

/// The texts posted to each channel, in order.
fn posted(slack: &FakeSlack, channel: &str) -> Vec<String> {
    slack
        .calls_of("chat.postMessage")
        .iter()
        .filter(|c| c.body["channel"] == channel)
        .map(|c| c.body["text"].as_str().unwrap_or("").to_string())
        .collect()
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    attempts: i32,
    sent_at: Option<DateTime<Utc>>,
    dead_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
    slack_channel: Option<String>,
    slack_ts: Option<String>,
}

async fn row(pool: &PgPool, key: &str) -> Row {
    sqlx::query_as(
        "select attempts, sent_at, dead_at, last_error, slack_channel, slack_ts from outbox where dedupe_key = $1",
    )
    .bind(key)
    .fetch_one(pool)
    .await
    .unwrap()
}

const NOW: &str = "2026-11-24T14:00:00Z";

#[tokio::test]
async fn the_running_service_delivers_an_enqueued_message_at_once_and_counts_it() {
    let app = spawn_app().await;
    let mut tx = app.db.pool.begin().await.unwrap();
    let message = NewMessage {
        kind: "probe",
        target: channel("CLIVE"),
        payload: Payload { content: MessageContent::plain("Hello from the outbox"), delivery: Delivery::Post },
        dedupe_key: "probe:1".into(),
        run_at: Utc::now(),
    };
    assert!(outbox::enqueue(&mut tx, &message).await.unwrap());
    tx.commit().await.unwrap();
    app.state.outbox_wake.notify_one();

    let posts = app.slack.wait_for("chat.postMessage", 1).await;
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].body["text"], "Hello from the outbox");
    // The outcome is recorded right after the answer.
    let mut sent = row(&app.db.pool, "probe:1").await;
    for _ in 0..100 {
        if sent.sent_at.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        sent = row(&app.db.pool, "probe:1").await;
    }
    assert!(sent.sent_at.is_some());
    assert_eq!(sent.slack_channel.as_deref(), Some("CLIVE"));
    assert!(sent.slack_ts.is_some());

    let metrics = app.http.get(format!("{}/metrics", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("planbot_outbox_sent_total{kind=\"probe\"} 1"), "{metrics}");
    assert!(metrics.contains("planbot_outbox_depth{state=\"ready\"}"), "{metrics}");
    assert!(metrics.contains("planbot_slack_api_seconds"), "{metrics}");
}

#[tokio::test]
async fn a_second_enqueue_with_the_same_dedupe_key_is_a_no_op() {
    let db = TestDb::new().await;
    let slack = FakeSlack::start().await;
    assert!(enqueue(&db.pool, "reply:E1", channel("C1"), "first", utc(NOW)).await);
    assert!(!enqueue(&db.pool, "reply:E1", channel("C1"), "second", utc(NOW)).await);
    let worker = worker(&db.pool, &slack, "replica-a", &[]);
    worker.deliver_ready(utc(NOW)).await.unwrap();
    worker.deliver_ready(utc(NOW) + Duration::seconds(5)).await.unwrap();
    assert_eq!(posted(&slack, "C1"), ["first"]);
}

#[tokio::test]
async fn a_message_claimed_by_a_worker_that_died_is_sent_once_after_its_lease_expires() {
    let db = TestDb::new().await;
    let slack = FakeSlack::start().await;
    enqueue(&db.pool, "k1", channel("C1"), "the message", utc(NOW)).await;

    // A replica claims it, then dies without sending or recording anything.
    let pacing = Pacing { lease: Duration::seconds(60), per_second: 10.0, burst: 10.0 };
    let claim = outbox::claim(&db.pool, "doomed-replica", utc(NOW), 10, &pacing).await.unwrap();
    assert_eq!(claim.messages.len(), 1);
    drop(claim);

    let survivor = worker(&db.pool, &slack, "replica-b", &["--outbox-lease-secs", "60"]);
    assert_eq!(survivor.deliver_ready(utc(NOW) + Duration::seconds(30)).await.unwrap().sent, 0, "still leased");
    assert!(slack.calls_of("chat.postMessage").is_empty());
    assert_eq!(survivor.deliver_ready(utc(NOW) + Duration::seconds(61)).await.unwrap().sent, 1);
    assert_eq!(survivor.deliver_ready(utc(NOW) + Duration::seconds(200)).await.unwrap().sent, 0);
    assert_eq!(posted(&slack, "C1"), ["the message"]);
    let sent = row(&db.pool, "k1").await;
    assert!(sent.sent_at.is_some());
    assert_eq!(sent.attempts, 2, "the dead worker's claim counts as an attempt");
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_without_spending_an_attempt() {
    let db = TestDb::new().await;
    let slack = FakeSlack::start().await;
    slack.rate_limit("chat.postMessage", 1, 2);
    enqueue(&db.pool, "k1", channel("C1"), "patience", utc(NOW)).await;
    let worker = worker(&db.pool, &slack, "replica-a", &[]);

    let first = worker.deliver_ready(utc(NOW)).await.unwrap();
    assert_eq!((first.sent, first.rate_limited), (0, 1));
    let waiting = row(&db.pool, "k1").await;
    assert_eq!(waiting.attempts, 0);
    assert!(waiting.sent_at.is_none() && waiting.dead_at.is_none());

    // One second later it still waits, and so does its channel.
    enqueue(&db.pool, "k2", channel("C1"), "behind it", utc(NOW)).await;
    assert_eq!(worker.deliver_ready(utc(NOW) + Duration::seconds(1)).await.unwrap().total(), 0);
    assert_eq!(slack.calls_of("chat.postMessage").len(), 1);

    assert_eq!(worker.deliver_ready(utc(NOW) + Duration::seconds(3)).await.unwrap().sent, 1);
    assert_eq!(worker.deliver_ready(utc(NOW) + Duration::seconds(5)).await.unwrap().sent, 1);
    assert_eq!(posted(&slack, "C1"), ["patience", "patience", "behind it"], "the 429, then both in order");
    assert_eq!(row(&db.pool, "k1").await.attempts, 1);
}

#[tokio::test]
async fn a_failing_target_is_dead_lettered_after_n_attempts_while_other_messages_keep_flowing() {
    let db = TestDb::new().await;
    let slack = FakeSlack::start().await;
    slack.fail_channel("CBROKEN", "internal_error");
    enqueue(&db.pool, "broken", channel("CBROKEN"), "never arrives", utc(NOW)).await;
    for i in 0..3 {
        enqueue(&db.pool, &format!("good-{i}"), channel(&format!("CGOOD{i}")), "arrives", utc(NOW)).await;
    }
    let worker = worker(&db.pool, &slack, "replica-a", &["--outbox-max-attempts", "3"]);

    let first = worker.deliver_ready(utc(NOW)).await.unwrap();
    assert_eq!((first.sent, first.retried), (3, 1), "the others are not held up");
    let mut now = utc(NOW);
    for i in 3..6 {
        now += Duration::minutes(30);
        enqueue(&db.pool, &format!("good-{i}"), channel(&format!("CGOOD{i}")), "arrives", now).await;
        worker.deliver_ready(now).await.unwrap();
    }
    let broken = row(&db.pool, "broken").await;
    assert_eq!(broken.attempts, 3);
    assert!(broken.dead_at.is_some());
    assert!(broken.sent_at.is_none());
    assert!(broken.last_error.as_deref().unwrap().contains("internal_error"), "{:?}", broken.last_error);
    assert_eq!(posted(&slack, "CBROKEN").len(), 3, "three attempts, then no more");
    for i in 0..6 {
        assert!(row(&db.pool, &format!("good-{i}")).await.sent_at.is_some());
    }
    worker.deliver_ready(now + Duration::hours(5)).await.unwrap();
    assert_eq!(posted(&slack, "CBROKEN").len(), 3);

    let status = outbox::status(&db.pool, now, 10).await.unwrap();
    assert_eq!(status.dead, 1);
    assert_eq!(status.dead_letters[0].dedupe_key, "broken");
    let text = planbot::jobs::run_job::describe_status(&status, now);
    assert!(text.contains("dead letters: 1") && text.contains("CBROKEN"), "{text}");
}

#[tokio::test]
async fn a_permanent_error_is_dead_lettered_at_once() {
    let db = TestDb::new().await;
    let slack = FakeSlack::start().await;
    slack.fail_channel("CGONE", "channel_not_found");
    enqueue(&db.pool, "gone", channel("CGONE"), "to nowhere", utc(NOW)).await;
    let worker = worker(&db.pool, &slack, "replica-a", &[]);
    assert_eq!(worker.deliver_ready(utc(NOW)).await.unwrap().dead_lettered, 1);
    let gone = row(&db.pool, "gone").await;
    assert_eq!(gone.attempts, 1);
    assert!(gone.dead_at.is_some());
    assert_eq!(gone.last_error.as_deref(), Some("Slack refused the call: channel_not_found"));
}

#[tokio::test]
async fn messages_to_one_channel_go_out_in_order_a_second_apart_and_other_channels_do_not_wait() {
    let db = TestDb::new().await;
    let slack = FakeSlack::start().await;
    for i in 0..3 {
        enqueue(&db.pool, &format!("a-{i}"), channel("CA"), &format!("A{i}"), utc(NOW)).await;
    }
    enqueue(&db.pool, "b-0", channel("CB"), "B0", utc(NOW)).await;
    let worker = worker(&db.pool, &slack, "replica-a", &[]);

    assert_eq!(worker.deliver_ready(utc(NOW)).await.unwrap().sent, 2, "one per channel");
    assert_eq!(worker.deliver_ready(utc(NOW) + Duration::milliseconds(500)).await.unwrap().sent, 0);
    assert_eq!(worker.deliver_ready(utc(NOW) + Duration::seconds(2)).await.unwrap().sent, 1);
    assert_eq!(worker.deliver_ready(utc(NOW) + Duration::seconds(4)).await.unwrap().sent, 1);
    assert_eq!(posted(&slack, "CA"), ["A0", "A1", "A2"]);
    assert_eq!(posted(&slack, "CB"), ["B0"]);
}

#[tokio::test]
async fn the_workspace_ceiling_limits_how_many_messages_go_out_each_second() {
    let db = TestDb::new().await;
    let slack = FakeSlack::start().await;
    for i in 0..5 {
        enqueue(&db.pool, &format!("k{i}"), channel(&format!("C{i}")), "hi", utc(NOW)).await;
    }
    let worker = worker(&db.pool, &slack, "replica-a", &["--outbox-per-second", "2"]);
    assert_eq!(worker.deliver_ready(utc(NOW)).await.unwrap().sent, 2);
    assert_eq!(worker.deliver_ready(utc(NOW)).await.unwrap().sent, 0);
    assert_eq!(worker.deliver_ready(utc(NOW) + Duration::milliseconds(1000)).await.unwrap().sent, 2);
    assert_eq!(worker.deliver_ready(utc(NOW) + Duration::milliseconds(1500)).await.unwrap().sent, 1);
    assert_eq!(slack.calls_of("chat.postMessage").len(), 5);
}

#[tokio::test]
async fn a_dm_to_someone_planbot_knows_only_by_email_finds_them_on_slack_or_says_why_not() {
    let db = TestDb::new().await;
    let slack = FakeSlack::start().await;
    let mut conn = db.pool.acquire().await.unwrap();
    let imported = |email: &str| NewUser { email: email.into(), display_name: "Imported".into(), ..NewUser::default() };
    let sam = users::upsert(&mut conn, &imported("sam@example.com")).await.unwrap();
    let ghost = users::upsert(&mut conn, &imported("ghost@example.com")).await.unwrap();
    slack.add_user("U777", "sam@example.com", "Sam Ortiz", "America/Chicago");
    enqueue(&db.pool, "to-sam", Target::User(sam.user_id), "hello Sam", utc(NOW)).await;
    enqueue(&db.pool, "to-ghost", Target::User(ghost.user_id), "hello?", utc(NOW)).await;
    let worker = worker(&db.pool, &slack, "replica-a", &[]);

    let delivered = worker.deliver_ready(utc(NOW)).await.unwrap();
    assert_eq!((delivered.sent, delivered.dead_lettered), (1, 1));
    assert_eq!(posted(&slack, "U777"), ["hello Sam"]);
    let sam = users::by_id(&db.pool, sam.user_id).await.unwrap().unwrap();
    assert_eq!(sam.slack_id.as_deref(), Some("U777"), "remembered for next time");
    let ghost_row = row(&db.pool, "to-ghost").await;
    assert!(
        ghost_row.last_error.as_deref().unwrap().contains("nobody in the Slack workspace has the email address"),
        "{:?}",
        ghost_row.last_error
    );

    // Next time, no lookup.
    enqueue(&db.pool, "to-sam-2", Target::User(sam.user_id), "again", utc(NOW)).await;
    worker.deliver_ready(utc(NOW) + Duration::seconds(5)).await.unwrap();
    assert_eq!(slack.calls_of("users.lookupByEmail").len(), 2);
    assert_eq!(posted(&slack, "U777"), ["hello Sam", "again"]);
}

/// `planbot serve` as its own process, one replica of several.
struct Replica(std::process::Child);

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn a_replica_killed_while_its_sends_are_in_flight_leaves_every_message_delivered_exactly_once() {
    let db = TestDb::new().await;
    let slack = FakeSlack::start().await;
    // Slack takes each message in at once and answers 300 ms later: a
    // replica killed meanwhile has reached Slack without hearing back.
    slack.set_answer_delay(std::time::Duration::from_millis(300));
    let messages = 400;
    let mut conn = db.pool.acquire().await.unwrap();
    for i in 0..messages {
        let message = NewMessage {
            kind: "reply",
            target: Target::Channel(format!("C{i:04}")),
            payload: Payload { content: MessageContent::plain(format!("Message {i}")), delivery: Delivery::Post },
            dedupe_key: format!("kill-test:{i}"),
            run_at: Utc::now(),
        };
        outbox::enqueue(&mut conn, &message).await.unwrap();
    }
    drop(conn);
    let url = match db.options.get_host() {
        host if host.starts_with('/') => db.url(),
        _ => format!("{}?sslmode=disable", db.url()),
    };
    let replica = |n: usize| {
        Replica(
            std::process::Command::new(env!("CARGO_BIN_EXE_planbot"))
                .arg("serve")
                .env("DATABASE_URL", &url)
                .env("SLACK_SIGNING_SECRET", crate::helpers::SIGNING_SECRET)
                .env("SLACK_BOT_TOKEN", crate::fake_slack::BOT_TOKEN)
                .env("SLACK_TEAM_ID", crate::fake_slack::TEAM_ID)
                .env("SLACK_API_URL", &slack.api_url)
                .env("PLANBOT_LISTEN", "127.0.0.1:0")
                .env("PLANBOT_REPLICA", format!("replica-{n}"))
                .env("PLANBOT_OUTBOX_LEASE_SECS", "5")
                .env("PLANBOT_OUTBOX_PER_SECOND", "300")
                .env("RUST_LOG", "warn")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("planbot serve starts"),
        )
    };
    let mut doomed = replica(0);
    let _survivors = (replica(1), replica(2));
    // Kill the first while messages are in flight.
    let started = std::time::Instant::now();
    while slack.calls_of("chat.postMessage").len() < 60 {
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "the replicas did not start sending");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    doomed.0.kill().unwrap();
    doomed.0.wait().unwrap();

    // Everything is marked sent in the end (the dead replica's leases run out after 5 s).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let unsent: i64 = sqlx::query_scalar("select count(*) from outbox where sent_at is null").fetch_one(&db.pool).await.unwrap();
        if unsent == 0 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{unsent} messages never marked sent");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mut received: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for call in slack.calls_of("chat.postMessage") {
        let key = call.body.pointer("/metadata/event_payload/dedupe_key").and_then(Value::as_str).expect("every message carries its key");
        *received.entry(key.to_string()).or_default() += 1;
    }
    let twice: Vec<(&String, &usize)> = received.iter().filter(|(_, n)| **n > 1).collect();
    assert_eq!(received.len(), messages, "every message reached Slack");
    assert!(twice.is_empty(), "sent more than once: {twice:?}");
    let found: i64 = sqlx::query_scalar("select count(*) from outbox where attempts > 1").fetch_one(&db.pool).await.unwrap();
    assert!(found > 0, "the dead replica's messages were taken over (and found in Slack, not resent)");
}

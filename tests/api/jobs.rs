//! The scheduled jobs, driven with explicit instants against a real
//! PostgreSQL, delivered through the fake Slack.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use planbot::jobs::{Job, Report, TickOutcome};
use planbot::store::actions::{self, NewAction};
use planbot::store::users::User;
use planbot::store::{self, Actor};
use serde_json::Value;
use sqlx::PgPool;

use crate::fake_slack::FakeSlack;
use crate::helpers::{TestDb, account_with_plan, day, person, scheduler, utc, worker};

async fn add_item(pool: &PgPool, account_id: i64, owner: &User, title: &str, due: Option<NaiveDate>) -> i64 {
    let new = NewAction { account_id, title: title.into(), owner_id: owner.user_id, due_date: due };
    actions::add(pool, &new, Actor::source("test")).await.unwrap().action_item_id
}

/// Sets a person's working days to every day, so weekend dates can be tested.
async fn works_every_day(pool: &PgPool, user: &User) {
    sqlx::query("update app_user set working_days = '{1,2,3,4,5,6,7}' where user_id = $1")
        .bind(user.user_id)
        .execute(pool)
        .await
        .unwrap();
}

/// No quiet hours (everyone starts with 21:00–07:00).
async fn no_quiet_hours(pool: &PgPool, user: &User) {
    sqlx::query("update app_user set quiet_start = null, quiet_end = null where user_id = $1")
        .bind(user.user_id)
        .execute(pool)
        .await
        .unwrap();
}

async fn set_zone(pool: &PgPool, user: &User, tz: &str) {
    sqlx::query("update app_user set tz = $2 where user_id = $1").bind(user.user_id).bind(tz).execute(pool).await.unwrap();
}

/// A message in the outbox.
#[derive(Debug, sqlx::FromRow)]
struct Queued {
    dedupe_key: String,
    target_user_id: Option<i64>,
    target_channel: Option<String>,
    run_at: DateTime<Utc>,
    payload: Value,
}

impl Queued {
    fn text(&self) -> String {
        serde_json::to_string(&self.payload["blocks"]).unwrap()
    }
}

async fn queued(pool: &PgPool, kind: &str) -> Vec<Queued> {
    sqlx::query_as(
        "select dedupe_key, target_user_id, target_channel, run_at, payload from outbox where kind = $1 order by outbox_id",
    )
    .bind(kind)
    .fetch_all(pool)
    .await
    .unwrap()
}

fn report_of(outcomes: &[(Job, TickOutcome)], job: Job) -> Option<Report> {
    outcomes.iter().find(|(j, _)| *j == job).and_then(|(_, outcome)| match outcome {
        TickOutcome::Ran { report, .. } => Some(*report),
        _ => None,
    })
}

#[tokio::test]
async fn overdue_items_are_nudged_in_one_dm_with_buttons_once_a_day() {
    let db = TestDb::new().await;
    let slack = FakeSlack::start().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    let overdue = [
        add_item(&db.pool, acme.account_id, &dana, "Send the security questionnaire", Some(day(2026, 11, 20))).await,
        add_item(&db.pool, acme.account_id, &dana, "Book the QBR", Some(day(2026, 11, 21))).await,
        add_item(&db.pool, acme.account_id, &dana, "Map the buying group", Some(day(2026, 11, 23))).await,
    ];
    let later = add_item(&db.pool, acme.account_id, &dana, "Plan the renewal", Some(day(2026, 11, 30))).await;
    let done = add_item(&db.pool, acme.account_id, &dana, "Old and done", Some(day(2026, 11, 1))).await;
    actions::complete(&db.pool, done, Actor::SYSTEM).await.unwrap();
    let scheduler = scheduler(&db.pool, "replica-a", &[]);
    let worker = worker(&db.pool, &slack, "replica-a", &[]);

    // Tuesday 09:00 in New York.
    let nine = utc("2026-11-24T14:00:00Z");
    let outcomes = scheduler.run_due(nine).await;
    assert_eq!(report_of(&outcomes, Job::Nudges), Some(Report { enqueued: 1, held: 0 }));
    assert_eq!(worker.deliver_ready(nine).await.unwrap().sent, 1);

    let posts = slack.calls_of("chat.postMessage");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].body["channel"], "UDANA");
    assert_eq!(posts[0].body["text"], "You have 3 overdue action items");
    let blocks = posts[0].body["blocks"].as_array().unwrap();
    let block_ids: Vec<&str> = blocks.iter().filter_map(|b| b["block_id"].as_str()).collect();
    for id in overdue {
        assert!(block_ids.contains(&format!("item:{id}").as_str()), "{block_ids:?}");
        assert!(block_ids.contains(&format!("item-actions:{id}").as_str()), "{block_ids:?}");
    }
    assert!(!block_ids.contains(&format!("item:{later}").as_str()), "an item not yet due is not nudged");
    assert!(!block_ids.contains(&format!("item:{done}").as_str()), "a done item is not nudged");
    let buttons: Vec<&str> =
        blocks[2]["elements"].as_array().unwrap().iter().map(|b| b["text"]["text"].as_str().unwrap()).collect();
    assert_eq!(buttons, ["Done", "Snooze 1 day", "Snooze 1 week", "Reassign"]);
    assert!(slack.violations().is_empty(), "{:?}", slack.violations());

    // Later the same day, again by hand: nothing new.
    scheduler.run_due(nine + Duration::hours(3)).await;
    let manual = scheduler.run_now(Job::Nudges, nine + Duration::hours(4)).await.unwrap();
    assert_eq!(manual.enqueued, 0);
    worker.deliver_ready(nine + Duration::hours(5)).await.unwrap();
    assert_eq!(slack.calls_of("chat.postMessage").len(), 1);

    // The next morning, a new nudge.
    let outcomes = scheduler.run_due(nine + Duration::days(1)).await;
    assert_eq!(report_of(&outcomes, Job::Nudges).map(|r| r.enqueued), Some(1));
    let nudges = queued(&db.pool, "nudge").await;
    let keys: Vec<&str> = nudges.iter().map(|n| n.dedupe_key.as_str()).collect();
    assert_eq!(keys, [format!("nudge:{}:2026-11-24", dana.user_id), format!("nudge:{}:2026-11-25", dana.user_id)]);
}

#[tokio::test]
async fn snoozed_items_are_left_out_until_their_snooze_ends_and_muted_owners_get_nothing() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let sam = person(&db.pool, "sam@example.com", None).await;
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    let snoozed = add_item(&db.pool, acme.account_id, &dana, "Snoozed one", Some(day(2026, 11, 20))).await;
    let awake = add_item(&db.pool, acme.account_id, &dana, "Awake one", Some(day(2026, 11, 20))).await;
    add_item(&db.pool, acme.account_id, &sam, "Sam's overdue item", Some(day(2026, 11, 20))).await;
    actions::snooze(&db.pool, snoozed, utc("2026-11-26T05:00:00Z"), Actor::SYSTEM).await.unwrap();
    sqlx::query("update app_user set dm_muted = '{nudge}' where user_id = $1").bind(sam.user_id).execute(&db.pool).await.unwrap();
    let scheduler = scheduler(&db.pool, "replica-a", &[]);

    scheduler.run_due(utc("2026-11-24T14:00:00Z")).await;
    let nudges = queued(&db.pool, "nudge").await;
    assert_eq!(nudges.len(), 1, "Sam muted nudges");
    assert_eq!(nudges[0].target_user_id, Some(dana.user_id));
    assert!(nudges[0].text().contains(&format!("item:{awake}")));
    assert!(!nudges[0].text().contains(&format!("item:{snoozed}")), "snoozed until Thursday");

    // Thursday: the snooze is over.
    scheduler.run_due(utc("2026-11-26T14:00:00Z")).await;
    let nudges = queued(&db.pool, "nudge").await;
    assert_eq!(nudges.len(), 2);
    assert!(nudges[1].text().contains(&format!("item:{snoozed}")));
}

/// Steps a scheduler through a day every `step` and returns the instants
/// at which each recipient's nudge was enqueued.
async fn nudge_times(db: &TestDb, scheduler: &planbot::jobs::Scheduler, from: &str, to: &str, step: Duration) -> Vec<(i64, DateTime<Utc>)> {
    let mut now = utc(from);
    while now <= utc(to) {
        scheduler.run_due(now).await;
        now += step;
    }
    queued(&db.pool, "nudge").await.iter().map(|n| (n.target_user_id.unwrap(), n.run_at)).collect()
}

#[tokio::test]
async fn nudges_go_out_at_nine_local_time_on_dst_change_days_in_new_york_and_berlin() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let jonas = person(&db.pool, "jonas@example.com", None).await;
    set_zone(&db.pool, &jonas, "Europe/Berlin").await;
    for user in [&dana, &jonas] {
        works_every_day(&db.pool, user).await;
        let (account, _) = account_with_plan(&db.pool, &format!("Account of {}", user.email), user).await;
        add_item(&db.pool, account.account_id, user, "Long overdue", Some(day(2026, 1, 5))).await;
    }
    let scheduler = scheduler(&db.pool, "replica-a", &[]);
    let step = Duration::minutes(15);
    let mut times = Vec::new();
    // Each a Sunday: spring forward and fall back in Europe, then in the US.
    for (from, to) in [
        ("2026-03-07T12:00:00Z", "2026-03-08T23:45:00Z"),
        ("2026-03-28T12:00:00Z", "2026-03-29T23:45:00Z"),
        ("2026-10-24T12:00:00Z", "2026-10-25T23:45:00Z"),
        ("2026-10-31T12:00:00Z", "2026-11-01T23:45:00Z"),
    ] {
        times = nudge_times(&db, &scheduler, from, to, step).await;
    }
    // The Sundays are the DST days; each range starts on the Saturday, so
    // what happens on Sunday is the schedule's doing alone.
    let sundays = |user: &User| -> Vec<String> {
        times
            .iter()
            .filter(|(id, at)| *id == user.user_id && at.format("%a").to_string() == "Sun")
            .map(|(_, at)| at.to_rfc3339())
            .collect()
    };
    assert_eq!(
        sundays(&dana),
        [
            "2026-03-08T13:00:00+00:00", // spring forward: 09:00 EDT
            "2026-03-29T13:00:00+00:00",
            "2026-10-25T13:00:00+00:00",
            "2026-11-01T14:00:00+00:00", // fall back: 09:00 EST
        ]
    );
    assert_eq!(
        sundays(&jonas),
        [
            "2026-03-08T08:00:00+00:00", // 09:00 CET
            "2026-03-29T07:00:00+00:00", // spring forward: 09:00 CEST
            "2026-10-25T08:00:00+00:00", // fall back: 09:00 CET
            "2026-11-01T08:00:00+00:00",
        ]
    );
    // The Saturday before New York springs forward, nine was still 14:00 UTC.
    assert!(times.contains(&(dana.user_id, utc("2026-03-07T14:00:00Z"))));
}

#[tokio::test]
async fn a_schedule_in_the_dst_gap_runs_just_after_it_and_one_in_the_repeated_hour_runs_once() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    works_every_day(&db.pool, &dana).await;
    // Night owls: a schedule in the small hours is theirs to choose.
    no_quiet_hours(&db.pool, &dana).await;
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    add_item(&db.pool, acme.account_id, &dana, "Long overdue", Some(day(2026, 1, 5))).await;

    // 02:30 does not exist in New York on 2026-03-08.
    let gap = scheduler(&db.pool, "replica-a", &["--nudge-cron", "30 2 * * *"]);
    let times = nudge_times(&db, &gap, "2026-03-08T05:00:00Z", "2026-03-08T12:00:00Z", Duration::minutes(10)).await;
    assert_eq!(times, [(dana.user_id, utc("2026-03-08T07:00:00Z"))], "03:00 EDT, once");

    // 01:30 happens twice on 2026-11-01: 05:30 UTC (EDT) and 06:30 UTC (EST).
    let overlap = scheduler(&db.pool, "replica-a", &["--nudge-cron", "30 1 * * *"]);
    let times = nudge_times(&db, &overlap, "2026-11-01T04:00:00Z", "2026-11-01T09:00:00Z", Duration::minutes(10)).await;
    assert_eq!(times.len(), 2);
    assert_eq!(times[1], (dana.user_id, utc("2026-11-01T05:30:00Z")), "the first 01:30, once");
}

#[tokio::test]
async fn quiet_hours_hold_a_nudge_until_they_end_and_days_off_get_none() {
    let db = TestDb::new().await;
    let slack = FakeSlack::start().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    sqlx::query("update app_user set quiet_start = '20:00', quiet_end = '10:00' where user_id = $1")
        .bind(dana.user_id)
        .execute(&db.pool)
        .await
        .unwrap();
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    add_item(&db.pool, acme.account_id, &dana, "Overdue", Some(day(2026, 11, 2))).await;
    let scheduler = scheduler(&db.pool, "replica-a", &[]);
    let worker = worker(&db.pool, &slack, "replica-a", &[]);

    // 09:00 is inside Dana's quiet hours: the nudge waits for 10:00.
    let nine = utc("2026-11-24T14:00:00Z");
    let outcomes = scheduler.run_due(nine).await;
    assert_eq!(report_of(&outcomes, Job::Nudges), Some(Report { enqueued: 1, held: 1 }));
    assert_eq!(queued(&db.pool, "nudge").await[0].run_at, utc("2026-11-24T15:00:00Z"));
    assert_eq!(worker.deliver_ready(utc("2026-11-24T14:59:00Z")).await.unwrap().sent, 0);
    assert!(slack.calls_of("chat.postMessage").is_empty());
    assert_eq!(worker.deliver_ready(utc("2026-11-24T15:00:00Z")).await.unwrap().sent, 1);
    assert_eq!(slack.calls_of("chat.postMessage").len(), 1);

    // Saturday and Sunday are not Dana's working days.
    for weekend_nine in ["2026-11-28T14:00:00Z", "2026-11-29T14:00:00Z"] {
        scheduler.run_due(utc(weekend_nine)).await;
    }
    assert_eq!(queued(&db.pool, "nudge").await.len(), 1);
    scheduler.run_due(utc("2026-11-30T14:00:00Z")).await;
    assert_eq!(queued(&db.pool, "nudge").await.len(), 2, "Monday");
}

#[tokio::test]
async fn a_nudge_held_over_a_day_off_is_that_days_nudge_not_an_extra_one() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    sqlx::query("update app_user set quiet_start = '18:00', quiet_end = '08:00' where user_id = $1")
        .bind(dana.user_id)
        .execute(&db.pool)
        .await
        .unwrap();
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    add_item(&db.pool, acme.account_id, &dana, "Overdue", Some(day(2026, 11, 2))).await;
    let scheduler = scheduler(&db.pool, "replica-a", &[]);

    // Someone runs the job by hand on Saturday: it waits for Monday 08:00.
    let report = scheduler.run_now(Job::Nudges, utc("2026-11-28T16:00:00Z")).await.unwrap();
    assert_eq!(report, Report { enqueued: 1, held: 1 });
    assert_eq!(queued(&db.pool, "nudge").await[0].run_at, utc("2026-11-30T13:00:00Z"));
    // Monday's own nine o'clock tick finds Monday's nudge already there.
    let outcomes = scheduler.run_due(utc("2026-11-30T14:00:00Z")).await;
    assert_eq!(report_of(&outcomes, Job::Nudges), Some(Report::default()));
    assert_eq!(queued(&db.pool, "nudge").await.len(), 1);
}

#[tokio::test]
async fn a_nudge_is_sent_once_when_two_schedulers_and_two_workers_run_at_once() {
    let db = TestDb::new().await;
    let slack = FakeSlack::start().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    add_item(&db.pool, acme.account_id, &dana, "Overdue", Some(day(2026, 11, 2))).await;
    // Two replicas: their own pools, names, schedulers and workers.
    let other_pool = PgPool::connect_with(db.options.clone()).await.unwrap();
    let (scheduler_a, scheduler_b) = (scheduler(&db.pool, "replica-a", &[]), scheduler(&other_pool, "replica-b", &[]));
    let (worker_a, worker_b) = (worker(&db.pool, &slack, "replica-a", &[]), worker(&other_pool, &slack, "replica-b", &[]));

    let nine = utc("2026-11-24T14:00:00Z");
    let (a, b) = tokio::join!(scheduler_a.run_due(nine), scheduler_b.run_due(nine));
    let ran = [report_of(&a, Job::Nudges), report_of(&b, Job::Nudges)];
    assert_eq!(ran.iter().flatten().count(), 1, "one replica runs the tick: {a:?} {b:?}");
    for _ in 0..3 {
        let (a, b) = tokio::join!(worker_a.deliver_ready(nine), worker_b.deliver_ready(nine));
        a.unwrap();
        b.unwrap();
    }
    let (a, b) = tokio::join!(scheduler_a.run_due(nine + Duration::minutes(1)), scheduler_b.run_due(nine + Duration::minutes(1)));
    assert!(report_of(&a, Job::Nudges).is_none() && report_of(&b, Job::Nudges).is_none());
    assert_eq!(slack.calls_of("chat.postMessage").len(), 1);
    let runs = planbot::store::jobs::runs_of(&db.pool, "nudges").await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].outcome, "ok");
}

#[tokio::test]
async fn a_tick_missed_while_every_replica_was_down_runs_once_at_start() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    add_item(&db.pool, acme.account_id, &dana, "Overdue", Some(day(2026, 11, 2))).await;
    let scheduler = scheduler(&db.pool, "replica-a", &[]);

    scheduler.run_due(utc("2026-11-24T14:00:00Z")).await;
    // Everything down from Tuesday afternoon to Friday 11:00 in New York.
    let back = utc("2026-11-27T16:00:00Z");
    scheduler.run_due(back).await;
    scheduler.run_due(back + Duration::minutes(1)).await;

    let runs = planbot::store::jobs::runs_of(&db.pool, "nudges").await.unwrap();
    let scheduled: Vec<DateTime<Utc>> = runs.iter().map(|r| r.scheduled_for).collect();
    assert_eq!(scheduled, [utc("2026-11-24T14:00:00Z"), utc("2026-11-27T14:00:00Z")], "one catch-up tick");
    assert_eq!(runs[1].window_start, Some(utc("2026-11-24T14:00:00Z")), "covering the whole outage");
    let nudges = queued(&db.pool, "nudge").await;
    let keys: Vec<&str> = nudges.iter().map(|n| n.dedupe_key.as_str()).collect();
    assert_eq!(keys, [format!("nudge:{}:2026-11-24", dana.user_id), format!("nudge:{}:2026-11-27", dana.user_id)]);
    assert_eq!(nudges[1].run_at, back, "late today rather than never");
}

#[tokio::test]
async fn a_manager_hears_once_when_nudges_are_ignored_and_acting_ends_the_streak() {
    let db = TestDb::new().await;
    let marcus = person(&db.pool, "marcus@example.com", None).await;
    let dana = person(&db.pool, "dana@example.com", Some("marcus@example.com")).await;
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    let first = add_item(&db.pool, acme.account_id, &dana, "Overdue one", Some(day(2026, 11, 2))).await;
    add_item(&db.pool, acme.account_id, &dana, "Overdue two", Some(day(2026, 11, 3))).await;
    let scheduler = scheduler(&db.pool, "replica-a", &["--escalate-after", "3"]);
    let ignored = |pool: PgPool| async move {
        sqlx::query_scalar::<_, i32>("select ignored_nudges from app_user where email = 'dana@example.com'")
            .fetch_one(&pool)
            .await
            .unwrap()
    };

    // Tuesday to Friday, nudged and silent: three ignored nudges by Friday.
    for nine in ["2026-11-24T14:00:00Z", "2026-11-25T14:00:00Z", "2026-11-26T14:00:00Z"] {
        scheduler.run_due(utc(nine)).await;
        assert!(queued(&db.pool, "escalation").await.is_empty());
    }
    assert_eq!(ignored(db.pool.clone()).await, 2);
    scheduler.run_due(utc("2026-11-27T14:00:00Z")).await;
    assert_eq!(ignored(db.pool.clone()).await, 3);
    let escalations = queued(&db.pool, "escalation").await;
    assert_eq!(escalations.len(), 1);
    assert_eq!(escalations[0].target_user_id, Some(marcus.user_id));
    assert!(escalations[0].text().contains("<@UDANA> has not acted on the last 3 reminders"), "{}", escalations[0].text());
    assert!(escalations[0].text().contains(&format!("`#{first}`")));

    // Monday: a fourth ignored nudge, no second escalation.
    scheduler.run_due(utc("2026-11-30T14:00:00Z")).await;
    assert_eq!(ignored(db.pool.clone()).await, 4);
    assert_eq!(queued(&db.pool, "escalation").await.len(), 1);

    // Dana snoozes one item from Slack: Tuesday's nudge finds she acted.
    actions::snooze(&db.pool, first, utc("2026-12-10T05:00:00Z"), Actor::slack_user(dana.user_id)).await.unwrap();
    scheduler.run_due(utc("2026-12-01T14:00:00Z")).await;
    assert_eq!(ignored(db.pool.clone()).await, 0);
    assert_eq!(queued(&db.pool, "nudge").await.len(), 6);
}

#[tokio::test]
async fn deadlines_are_announced_in_the_linked_channel_at_14_7_and_1_days_and_when_passed_each_once() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    works_every_day(&db.pool, &dana).await;
    let (acme, plan) = account_with_plan(&db.pool, "Acme", &dana).await;
    sqlx::query("update account set slack_channel = 'CACME' where account_id = $1").bind(acme.account_id).execute(&db.pool).await.unwrap();
    sqlx::query("update plan set due_date = '2026-12-15' where plan_id = $1").bind(plan.plan_id).execute(&db.pool).await.unwrap();
    let item = add_item(&db.pool, acme.account_id, &dana, "Send the proposal", Some(day(2026, 12, 4))).await;
    // a done item and an item without a date are never announced
    let done = add_item(&db.pool, acme.account_id, &dana, "Already done", Some(day(2026, 12, 4))).await;
    actions::complete(&db.pool, done, Actor::SYSTEM).await.unwrap();
    add_item(&db.pool, acme.account_id, &dana, "Someday", None).await;
    let scheduler = scheduler(&db.pool, "replica-a", &[]);

    let mut nine = utc("2026-11-25T14:00:00Z");
    while nine <= utc("2026-12-31T14:00:00Z") {
        scheduler.run_due(nine).await;
        scheduler.run_due(nine + Duration::hours(2)).await;
        nine += Duration::days(1);
    }
    let alerts = queued(&db.pool, "deadline").await;
    let seen: Vec<(String, String)> = alerts
        .iter()
        .map(|a| {
            assert_eq!(a.target_channel.as_deref(), Some("CACME"));
            let day = a.run_at.format("%b %-d").to_string();
            let lines: Vec<String> = a.payload["blocks"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|b| b["text"]["text"].as_str())
                .filter(|t| t.contains(":large_yellow_circle:") || t.contains(":red_circle:"))
                .map(|t| t.replace("<@UDANA>", "@dana"))
                .collect();
            (day, lines.join(" / "))
        })
        .collect();
    let expected = [
        ("Nov 25", format!(":large_yellow_circle: `#{item}` Send the proposal · @dana · is due Fri Dec 4 (in 9 days)")),
        ("Nov 27", format!(":large_yellow_circle: `#{item}` Send the proposal · @dana · is due Fri Dec 4 (in 7 days)")),
        ("Dec 1", ":large_yellow_circle: :dart: Plan *Expand FY27* is due Tue Dec 15 (in 14 days)".to_string()),
        ("Dec 3", format!(":large_yellow_circle: `#{item}` Send the proposal · @dana · is due tomorrow")),
        ("Dec 5", format!(":red_circle: `#{item}` Send the proposal · @dana · was due yesterday")),
        ("Dec 8", ":large_yellow_circle: :dart: Plan *Expand FY27* is due Tue Dec 15 (in 7 days)".to_string()),
        ("Dec 14", ":large_yellow_circle: :dart: Plan *Expand FY27* is due tomorrow".to_string()),
        ("Dec 16", ":red_circle: :dart: Plan *Expand FY27* was due yesterday and is still active".to_string()),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(d, l)| (d.to_string(), l.clone())).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn an_account_renewing_within_90_days_without_an_active_plan_is_flagged_to_its_owner_once() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let (acme, plan) = account_with_plan(&db.pool, "Acme", &dana).await;
    let (globex, _) = account_with_plan(&db.pool, "Globex", &dana).await;
    let (initech, _) = account_with_plan(&db.pool, "Initech", &dana).await;
    // Acme's plan is only a draft; Globex has an active plan; Initech renews in 120 days.
    sqlx::query("update plan set status = 'draft' where plan_id = $1").bind(plan.plan_id).execute(&db.pool).await.unwrap();
    sqlx::query("update plan set status = 'closed' where account_id = $1").bind(initech.account_id).execute(&db.pool).await.unwrap();
    for (account, renewal) in [(&acme, "2027-01-20"), (&globex, "2027-01-10"), (&initech, "2027-03-24")] {
        sqlx::query("update account set renewal_date = $2::date where account_id = $1")
            .bind(account.account_id)
            .bind(renewal)
            .execute(&db.pool)
            .await
            .unwrap();
    }
    let scheduler = scheduler(&db.pool, "replica-a", &[]);

    scheduler.run_due(utc("2026-11-24T14:00:00Z")).await;
    scheduler.run_due(utc("2026-11-25T14:00:00Z")).await;
    let flags = queued(&db.pool, "renewal").await;
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].target_user_id, Some(dana.user_id));
    assert!(flags[0].text().contains("*Acme* renews Jan 20, 2027 (in 57 days)"), "{}", flags[0].text());
    assert!(!flags[0].text().contains("Globex"));
    assert!(!flags[0].text().contains("Initech"));

    // 90 days before Initech's renewal, it is flagged in its turn.
    scheduler.run_due(utc("2026-12-24T14:00:00Z")).await;
    let flags = queued(&db.pool, "renewal").await;
    assert_eq!(flags.len(), 2);
    assert!(flags[1].text().contains("Initech") && !flags[1].text().contains("Acme"), "{}", flags[1].text());
}

#[tokio::test]
async fn a_plan_whose_sections_have_not_changed_in_n_days_is_flagged_to_its_owner_with_its_last_edit() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let (_, acme_plan) = account_with_plan(&db.pool, "Acme", &dana).await;
    let (_, fresh_plan) = account_with_plan(&db.pool, "Globex", &dana).await;
    let mut tx = store::begin(&db.pool, Actor::slack_user(dana.user_id)).await.unwrap();
    planbot::store::plans::update_sections(&mut tx, acme_plan.plan_id, &[("goals", "Grow to 2,000 seats".into())]).await.unwrap();
    tx.commit().await.unwrap();
    // Acme's sections last changed on October 1st; Globex's a week ago.
    sqlx::query("update plan set sections_changed_at = '2026-10-01T15:00:00Z' where plan_id = $1")
        .bind(acme_plan.plan_id)
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query("update audit set changed_at = '2026-10-01T15:00:00Z' where entity = 'plan' and field = 'goals'")
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query("update plan set sections_changed_at = '2026-11-23T15:00:00Z' where plan_id = $1")
        .bind(fresh_plan.plan_id)
        .execute(&db.pool)
        .await
        .unwrap();
    let scheduler = scheduler(&db.pool, "replica-a", &["--stale-days", "30"]);

    // Mondays at 10:00 in New York.
    scheduler.run_due(utc("2026-11-30T15:00:00Z")).await;
    let reminders = queued(&db.pool, "stale").await;
    assert_eq!(reminders.len(), 1);
    assert_eq!(reminders[0].target_user_id, Some(dana.user_id));
    let text = reminders[0].text();
    assert!(
        text.contains("*Acme* — Expand FY27: last edited 60 days ago by dana (Goals/strategies/objectives)"),
        "{text}"
    );
    assert!(!text.contains("Globex"));

    // Still stale a week later: no repeat until another 30 days have passed.
    scheduler.run_due(utc("2026-12-07T15:00:00Z")).await;
    assert_eq!(queued(&db.pool, "stale").await.len(), 1);
    // December 28th: Globex has gone 35 days; Acme is still in its second period.
    scheduler.run_due(utc("2026-12-28T15:00:00Z")).await;
    let reminders = queued(&db.pool, "stale").await;
    assert_eq!(reminders.len(), 2);
    assert!(reminders[1].text().contains("Globex") && !reminders[1].text().contains("Acme"), "{}", reminders[1].text());
    // January 4th: Acme has gone 95 days, a third period.
    scheduler.run_due(utc("2027-01-04T15:00:00Z")).await;
    let reminders = queued(&db.pool, "stale").await;
    assert_eq!(reminders.len(), 3);
    assert!(reminders[2].text().contains("Acme") && !reminders[2].text().contains("Globex"), "{}", reminders[2].text());
}

#[tokio::test]
async fn digests_arrive_at_each_persons_digest_time_daily_or_weekly() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let jonas = person(&db.pool, "jonas@example.com", None).await;
    set_zone(&db.pool, &jonas, "Europe/Berlin").await;
    sqlx::query("update app_user set digest = 'daily', digest_time = '08:30' where user_id = $1")
        .bind(dana.user_id)
        .execute(&db.pool)
        .await
        .unwrap();
    // Jonas: weekly, Wednesdays at 07:45.
    sqlx::query("update app_user set digest = 'weekly', digest_time = '07:45', digest_weekday = 3 where user_id = $1")
        .bind(jonas.user_id)
        .execute(&db.pool)
        .await
        .unwrap();
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    add_item(&db.pool, acme.account_id, &dana, "Overdue for Dana", Some(day(2026, 11, 20))).await;
    add_item(&db.pool, acme.account_id, &dana, "Due Friday", Some(day(2026, 11, 27))).await;
    add_item(&db.pool, acme.account_id, &jonas, "Due for Jonas", Some(day(2026, 11, 26))).await;
    let scheduler = scheduler(&db.pool, "replica-a", &[]);

    // From 01:00 in New York on Tuesday (Monday's digest time is long gone).
    let mut now = utc("2026-11-24T06:00:00Z");
    while now < utc("2026-11-26T00:00:00Z") {
        scheduler.run_due(now).await;
        now += Duration::minutes(15);
    }
    let digests = queued(&db.pool, "digest").await;
    let seen: Vec<(Option<i64>, DateTime<Utc>)> = digests.iter().map(|d| (d.target_user_id, d.run_at)).collect();
    assert_eq!(
        seen,
        [
            (Some(dana.user_id), utc("2026-11-24T13:30:00Z")),  // Tuesday 08:30 in New York
            (Some(jonas.user_id), utc("2026-11-25T06:45:00Z")), // Wednesday 07:45 in Berlin
            (Some(dana.user_id), utc("2026-11-25T13:30:00Z")),
        ]
    );
    let text = digests[0].text();
    assert!(text.contains("Your daily digest"), "{text}");
    assert!(text.contains("1 overdue, 1 due in the next 7 days"), "{text}");
    assert!(digests[1].text().contains("Your weekly digest"));
}

// Several threads: the fake Slack answers while the test waits for planbot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_job_runs_one_job_now_and_outbox_status_lists_dead_letters() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    add_item(&db.pool, acme.account_id, &dana, "Long overdue", Some(day(2020, 1, 6))).await;
    let url = db.url();
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_planbot"))
            .arg("run-job")
            .args(args)
            .env("DATABASE_URL", &url)
            .output()
            .expect("planbot runs");
        let stdout = String::from_utf8_lossy(&output.stdout).to_string();
        assert!(output.status.success(), "{}\n{stdout}", String::from_utf8_lossy(&output.stderr));
        stdout
    };

    let out = run(&["nudges"]);
    assert!(out.contains("nudges: 1 message enqueued"), "{out}");
    assert!(run(&["nudges"]).contains("nudges: 0 messages enqueued"), "once a day");

    // With --deliver, it sends what is ready itself. Deadlines: Acme's
    // channel hears of an item due tomorrow (every day is a working day here,
    // and Dana keeps no quiet hours: this runs at any time of day).
    let slack = FakeSlack::start().await;
    works_every_day(&db.pool, &dana).await;
    no_quiet_hours(&db.pool, &dana).await;
    sqlx::query("update account set slack_channel = 'CACME' where account_id = $1").bind(acme.account_id).execute(&db.pool).await.unwrap();
    let tomorrow = (Utc::now() + Duration::days(1)).date_naive();
    add_item(&db.pool, acme.account_id, &dana, "Due soon", Some(tomorrow)).await;
    let out = run(&[
        "deadlines",
        "--deliver",
        "--slack-bot-token",
        crate::fake_slack::BOT_TOKEN,
        "--slack-api-url",
        &slack.api_url,
    ]);
    assert!(out.contains("deadlines: 1 message enqueued"), "{out}");
    assert!(out.contains("delivered"), "{out}");
    assert!(slack.calls_of("chat.postMessage").iter().any(|c| c.body["channel"] == "CACME"), "{out}");
    let runs = planbot::store::jobs::runs_of(&db.pool, "nudges").await.unwrap();
    assert!(runs.iter().all(|r| r.trigger == "manual" && r.outcome == "ok"), "{runs:?}");

    sqlx::query(
        "update outbox set dead_at = now(), attempts = 8, last_error = 'Slack refused the call: channel_not_found' \
         where kind = 'nudge'",
    )
        .execute(&db.pool)
        .await
        .unwrap();
    let status = run(&["outbox-status"]);
    assert!(status.contains("dead letters: 1"), "{status}");
    assert!(status.contains("nudge to user:"), "{status}");
    assert!(status.contains("channel_not_found"), "{status}");
    assert!(run(&["outbox-requeue"]).contains("1 dead-lettered messages will be tried again"));
    assert!(run(&["outbox-status"]).contains("dead letters: 0"));
}

#[tokio::test]
async fn the_running_service_runs_scheduled_ticks_and_nudges_by_itself() {
    let app = crate::helpers::spawn_app_with_scheduler(&["--nudge-cron", "* * * * *"]).await;
    let dana = crate::helpers::slack_person(&app, "U0DANA", "dana@example.com", None).await;
    // Every day is a working day for Dana, and she keeps no quiet hours.
    sqlx::query("update app_user set working_days = '{1,2,3,4,5,6,7}', quiet_start = null, quiet_end = null where user_id = $1")
        .bind(dana.user_id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (acme, _) = crate::helpers::account_with_plan(&app.db.pool, "Acme", &dana).await;
    let new = planbot::store::actions::NewAction {
        account_id: acme.account_id,
        title: "Send the overdue proposal".into(),
        owner_id: dana.user_id,
        due_date: Some(chrono::Utc::now().date_naive() - chrono::Duration::days(3)),
    };
    planbot::store::actions::add(&app.db.pool, &new, planbot::store::Actor::SYSTEM).await.unwrap();
    // The scheduler wakes at least every minute; within two, Dana is nudged.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(130);
    let nudge = loop {
        let posts = app.slack.calls_of("chat.postMessage");
        if let Some(post) = posts.iter().find(|p| p.body["channel"] == "U0DANA") {
            break post.clone();
        }
        assert!(std::time::Instant::now() < deadline, "no nudge arrived");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert!(crate::helpers::visible_text(&nudge.body).contains("Send the overdue proposal"));
    let ticks: i64 = sqlx::query_scalar("select count(*) from job_run where job_name = 'nudges' and outcome = 'ok'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(ticks >= 1);
}

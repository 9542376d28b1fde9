//! Coaching: the plan review, QBR prep and `held`, coverage of key accounts,
//! and the managers' weekly digest.

use chrono::{DateTime, Duration, Utc};

use planbot::jobs::Job;
use planbot::store::{self, Actor, audit, plans};
use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{TestApp, TestDb, account_with_plan, person, scheduler, slack_person, spawn_app, utc, visible_text};

const DANA: &str = "U0DANA";
const SAM: &str = "U0SAM";
const EVE: &str = "U0EVE";

async fn acme_app() -> (TestApp, i64, i64) {
    crate::helpers::acme_team_app().await
}

/// Every button of a message: (action id, value).
fn buttons(message: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![message.clone()];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if map.get("type").and_then(Value::as_str) == Some("button") {
                    out.push((
                        map.get("action_id").and_then(Value::as_str).unwrap_or_default().to_string(),
                        map.get("value").and_then(Value::as_str).unwrap_or_default().to_string(),
                    ));
                }
                stack.extend(map.into_values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out
}

/// Fills Acme's plan so that it answers most of the handbook's questions.
async fn write_a_good_plan(pool: &PgPool, account_id: i64, plan_id: i64, owner_slack: &str) {
    let mut tx = store::begin(pool, Actor::source("test")).await.unwrap();
    let texts: Vec<(&str, String)> = planbot::domain::plan::SECTIONS
        .iter()
        .map(|s| {
            (s.key, match s.key {
                "threats_risks" => "A rival pilots in Q1.\nBudget freeze next year.\nThe CISO may leave.".to_string(),
                "action_plan" => "Workshop in January; resources: one SA for two weeks.".to_string(),
                _ => format!("{} for Acme", s.label),
            })
        })
        .collect();
    plans::update_sections(&mut tx, plan_id, &texts).await.unwrap();
    sqlx::query("update account set annual_spend = 1200000 where account_id = $1").bind(account_id).execute(&mut *tx).await.unwrap();
    sqlx::query(
        "insert into contact (account_id, name, influence, buying_role, sentiment, strength, relationship_owner_id) \
         select $1, n, 'high', r, 'promoter', 4, (select user_id from app_user where slack_id = $2) \
         from (values ('Hannah Okafor', 'champion'), ('Gregory Tan', 'economic_buyer')) as v (n, r)",
    )
    .bind(account_id)
    .bind(owner_slack)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "insert into whitespace (account_id, stage, vendor, likes, annual_spend, contract_end) \
         values ($1, 'verify', 'Jenkins', 'free', 100000, current_date + 90)",
    )
    .bind(account_id)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "insert into action_item (plan_id, account_id, title, owner_id, due_date) \
         select $1, $2, 'Item for ' || u.display_name, u.user_id, current_date + 10 \
         from account_team t join app_user u using (user_id) where t.account_id = $2",
    )
    .bind(plan_id)
    .bind(account_id)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_review_says_what_the_plan_answers_and_its_biggest_gaps_each_with_the_button_that_fixes_it() {
    let (app, acme, plan_id) = acme_app().await;
    let reply = app.command_reply(DANA, "D0DANA", "review Acme").await;
    let text = visible_text(&reply);
    assert!(text.contains("Plan review: Acme Corporation"), "{text}");
    assert!(text.contains("Plan health: 0 — no champion identified, single-threaded"), "an empty plan: {text}");
    assert!(text.contains("Who is our champion?") && text.contains("10 points"), "{text}");
    let fixes = buttons(&reply);
    assert!(fixes.contains(&("plan.add_contact".into(), acme.to_string())), "{fixes:?}");
    assert!(fixes.iter().any(|(id, value)| id == "plan.edit_part" && value.starts_with(&format!("{plan_id}:"))), "{fixes:?}");

    write_a_good_plan(&app.db.pool, acme, plan_id, SAM).await;
    let reply = app.command_reply(DANA, "D0DANA", "review Acme").await;
    let text = visible_text(&reply);
    assert!(text.contains("Plan health: 100 — every question answered"), "{text}");
    assert!(text.contains("What the plan answers* · 20 of 20"), "{text}");

    // The summary carries the same line, explained.
    let summary = visible_text(&app.command_reply(DANA, "D0DANA", "summary Acme").await);
    assert!(summary.contains("*Plan health:* 100 — every question answered"), "{summary}");
    assert!(app.slack.violations().is_empty(), "{:?}", app.slack.violations());
}

#[tokio::test]
async fn asked_in_plain_words_a_review_and_qbr_prep_answer_and_outsiders_hear_unknown_account() {
    let (app, _, _) = acme_app().await;
    app.event("Ev1", serde_json::json!({"type": "message", "channel_type": "im", "channel": "D0DANA", "user": DANA,
                                         "text": "review my plan for acme", "ts": "1700000000.000100"}))
        .await;
    app.event("Ev2", serde_json::json!({"type": "message", "channel_type": "im", "channel": "D0DANA", "user": DANA,
                                         "text": "prep my QBR for acme", "ts": "1700000000.000200"}))
        .await;
    let posted = app.slack.wait_for("chat.postMessage", 2).await;
    let said: Vec<String> = posted.iter().map(|c| visible_text(&c.body)).collect();
    assert!(said.iter().any(|t| t.contains("Plan review: Acme Corporation")), "{said:?}");
    assert!(said.iter().any(|t| t.contains("QBR prep: Acme Corporation") && t.contains("No QBR is recorded")), "{said:?}");

    let outsider = visible_text(&app.command_reply(EVE, "D0EVE", "review Acme").await);
    let unknown = visible_text(&app.command_reply(EVE, "D0EVE", "review Nonesuch").await);
    assert_eq!(outsider.replace("Acme", "X"), unknown.replace("Nonesuch", "X"));
}

#[tokio::test]
async fn a_qbr_held_is_recorded_with_its_health_audited_and_becomes_the_baseline_of_since_the_last_qbr() {
    let (app, acme, plan_id) = acme_app().await;
    write_a_good_plan(&app.db.pool, acme, plan_id, SAM).await;
    let today = chrono::Utc::now().with_timezone(&chrono_tz::America::New_York).date_naive();
    let held = today - Duration::days(20);

    let future = visible_text(&app.command_reply(DANA, "D0DANA", &format!("qbr Acme held {}", today + Duration::days(3))).await);
    assert!(future.contains("hasn't come yet"), "{future}");
    let reply = visible_text(&app.command_reply(DANA, "D0DANA", &format!("qbr Acme held {held}")).await);
    assert!(reply.contains("Recorded the QBR held on") && reply.contains("health then: 100"), "{reply}");
    let again = visible_text(&app.command_reply(DANA, "D0DANA", &format!("qbr Acme held {held}")).await);
    assert!(again.contains("already recorded"), "{again}");

    let recorded: (chrono::NaiveDate, Option<i16>) =
        sqlx::query_as("select held_on, health from qbr where account_id = $1").bind(acme).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(recorded, (held, Some(100)));
    let history = audit::for_account(&app.db.pool, acme, None, 100).await.unwrap();
    let entry = history.iter().find(|e| e.entity == "qbr").expect("the QBR is audited");
    assert_eq!(entry.actor_name.as_deref(), Some("dana"));

    // The plan loses its champion after the QBR: the trend shows it.
    sqlx::query("update contact set buying_role = 'influencer' where account_id = $1 and name = 'Hannah Okafor'")
        .bind(acme)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let summary = visible_text(&app.command_reply(DANA, "D0DANA", "summary Acme").await);
    assert!(summary.contains(&format!("▼ 10 since the QBR on {}", held.format("%b %-d"))), "{summary}");

    let prep = app.command_reply(DANA, "D0DANA", "qbr Acme").await;
    let text = visible_text(&prep);
    assert!(text.contains(&format!("Since the last QBR, held {}", held.format("%b %-d, %Y"))), "{text}");
    assert!(text.contains("90 now, 100 at the last QBR"), "{text}");
    assert!(text.contains("Proposed next steps") && text.contains("Who is our champion?"), "{text}");

    // "what changed since the last QBR" starts there too.
    app.event("Ev3", serde_json::json!({"type": "message", "channel_type": "im", "channel": "D0DANA", "user": DANA,
                                         "text": "what changed at acme since the last QBR?", "ts": "1700000000.000300"}))
        .await;
    let posted = app.slack.wait_for("chat.postMessage", 1).await;
    let said = visible_text(&posted.last().unwrap().body);
    assert!(said.contains(&format!("since the last QBR ({})", held.format("%b %-d"))), "{said}");
}

#[tokio::test]
async fn key_accounts_without_a_plan_are_listed_for_a_manager_within_their_chain_only() {
    let app = spawn_app().await;
    let marcus = slack_person(&app, "U0MARCUS", "marcus@example.com", None).await;
    let dana = slack_person(&app, DANA, "dana@example.com", Some("marcus@example.com")).await;
    let eve = slack_person(&app, EVE, "eve@example.com", None).await;
    let _ = marcus;
    let mut tx = store::begin(&app.db.pool, Actor::source("test")).await.unwrap();
    for (name, owner, rank, tier) in [("Initech", &dana, 1, ""), ("Hooli", &dana, 3, "Strategic"), ("Umbrella", &eve, 1, ""), ("Soylent", &dana, 3, "")] {
        planbot::store::accounts::create(
            &mut tx,
            &planbot::store::accounts::NewAccount { name: name.into(), rank, tier: tier.into(), owner_id: owner.user_id, ..Default::default() },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    account_with_plan(&app.db.pool, "Acme", &dana).await;

    let reply = visible_text(&app.command_reply("U0MARCUS", "D0MARCUS", "coverage").await);
    assert!(reply.contains("Initech") && !reply.contains("Umbrella") && !reply.contains("Soylent"), "{reply}");
    assert!(!reply.contains("Hooli"), "Strategic is not a key tier unless configured: {reply}");
    assert!(reply.contains("1 of 2 key accounts"), "{reply}");
}

/// The manager digest's outbox rows.
async fn digests(pool: &PgPool) -> Vec<(i64, String, DateTime<Utc>, Value)> {
    sqlx::query_as("select target_user_id, dedupe_key, run_at, payload from outbox where kind = 'manager_digest' order by outbox_id")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_manager_gets_one_weekly_digest_of_their_reports_plans_in_their_zone_and_none_when_there_is_nothing_to_say() {
    let db = TestDb::new().await;
    let marcus = person(&db.pool, "marcus@example.com", None).await;
    let dana = person(&db.pool, "dana@example.com", Some("marcus@example.com")).await;
    let olive = person(&db.pool, "olive@example.com", None).await;
    let _quiet = person(&db.pool, "quinn@example.com", Some("olive@example.com")).await;
    sqlx::query("update app_user set tz = 'Europe/Berlin' where user_id = $1").bind(marcus.user_id).execute(&db.pool).await.unwrap();
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    let (_, _) = account_with_plan(&db.pool, "Quinn's account", &olive).await;
    let _ = acme;
    let scheduler = scheduler(&db.pool, "replica-a", &[]);

    // Monday Dec 7 2026: 08:00 in Berlin is 07:00 UTC. Run every 15 minutes through the week.
    let mut now = utc("2026-12-07T00:00:00Z");
    while now < utc("2026-12-12T00:00:00Z") {
        scheduler.run_due(now).await;
        now += Duration::minutes(15);
    }
    let sent = digests(&db.pool).await;
    assert_eq!(sent.len(), 1, "one digest, to Marcus, once in the week: {sent:?}");
    let (to, key, run_at, payload) = &sent[0];
    assert_eq!(*to, marcus.user_id);
    assert!(key.ends_with("2026-W50"), "{key}");
    assert_eq!(*run_at, utc("2026-12-07T07:00:00Z"), "08:00 in Berlin");
    let text = serde_json::to_string(&payload["blocks"]).unwrap();
    assert!(text.contains("Acme: health 0") && text.contains("no champion identified (+10 if fixed)"), "{text}");
    assert!(text.contains("Who is our champion?"), "a question for the 1:1: {text}");
    // Olive manages Quinn, who owns nothing: nothing to say, nothing sent.
    assert!(sent.iter().all(|(to, ..)| *to != olive.user_id));

    // A manager in quiet hours at the digest time gets it when they end.
    sqlx::query("update app_user set quiet_start = '07:00', quiet_end = '09:30' where user_id = $1")
        .bind(marcus.user_id)
        .execute(&db.pool)
        .await
        .unwrap();
    scheduler.run_now(Job::ManagerDigest, utc("2026-12-14T07:00:00Z")).await.unwrap();
    let sent = digests(&db.pool).await;
    assert_eq!(sent.len(), 2, "the next week's");
    assert_eq!(sent[1].2, utc("2026-12-14T08:30:00Z"), "held until 09:30 in Berlin");
}

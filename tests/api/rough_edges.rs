//! Odd input answered as a user mistake: text PostgreSQL can't store (NUL)
//! on every way in, and an event body Slack might send with a lone
//! surrogate escape.

use planbot::domain::enums::TeamRole;
use serde_json::{Value, json};

use crate::fake_slack::TEAM_ID;
use crate::helpers::{API_TOKEN, account_with_plan, join_team, slack_person, spawn_app, visible_text};

const DANA: &str = "U0DANA";

async fn items(app: &crate::helpers::TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from action_item").fetch_one(&app.db.pool).await.unwrap()
}

/// Dana, in Slack, on the team of Acme, which has an active plan.
async fn dana_on_acme() -> crate::helpers::TestApp {
    let app = spawn_app().await;
    let dana = slack_person(&app, DANA, "dana@example.com", None).await;
    let (acme, _) = account_with_plan(&app.db.pool, "Acme", &dana).await;
    join_team(&app.db.pool, &acme, &dana, TeamRole::Sa).await;
    app
}

/// Dana's add-item form submitted with these values.
fn add_item_submission(account: &str, title: &str) -> Value {
    let values = json!({
        "account": {"account": {"type": "plain_text_input", "value": account}},
        "title": {"title": {"type": "plain_text_input", "value": title}},
    });
    crate::helpers::submission(DANA, "add_item", values, "{}")
}

#[tokio::test]
async fn a_nul_character_is_a_mistake_on_every_way_in_and_nothing_is_written() {
    let app = dana_on_acme().await;

    // /plan add, twice (the second takes the quick path of a known caller), and another subcommand.
    for text in ["add Acme: Run a \u{0} workshop", "add Acme: Call \u{0}Hannah due friday", "summary Ac\u{0}me"] {
        let reply = app.command_reply(DANA, "D0DANA", text).await;
        assert!(visible_text(&reply).contains("can't store"), "{text}: {reply}");
    }
    // A valid add beside it still works.
    let reply = app.command_reply(DANA, "D0DANA", "add Acme: Run a workshop").await;
    assert!(visible_text(&reply).contains("Added"), "{reply}");
    assert_eq!(items(&app).await, 1);

    // A DM.
    app.event("EvNul", json!({"type": "message", "channel_type": "im", "channel": "D0DANA", "user": DANA,
                              "text": "how is acme\u{0} doing?", "ts": "1700000000.000100"}))
        .await;
    let posted = app.slack.wait_for("chat.postMessage", 1).await;
    assert!(visible_text(&posted[0].body).contains("can't store"), "{:?}", posted[0].body);

    // A modal.
    let submission = add_item_submission("Acme", "Bad \u{0} title");
    let answer: Value = app.interaction(submission).await.json().await.unwrap();
    assert!(answer["errors"]["title"].as_str().unwrap().contains("can't store"), "{answer}");
    assert_eq!(items(&app).await, 1);

    // The ingest API.
    let response = app
        .http
        .post(format!("{}/api/v1/intel", app.url))
        .bearer_auth(API_TOKEN)
        .header("content-type", "application/json")
        .body(r#"{"account": "Acme", "items": [{"headline": "Fine"}, {"headline": "Acme\u0000 raises", "url": "https://x.example/1"}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("can't store"), "{body}");
    assert_eq!(body["details"][0], "items[1].headline: contains \\u0000", "{body}");
    let intel: i64 = sqlx::query_scalar("select count(*) from intel_item").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(intel, 0);
}

#[tokio::test]
async fn an_event_with_a_lone_surrogate_escape_is_acknowledged_and_ignored() {
    let app = spawn_app().await;
    slack_person(&app, DANA, "dana@example.com", None).await;
    let body = format!(
        r#"{{"token":"x","team_id":"{TEAM_ID}","api_app_id":"A0TEST","type":"event_callback","event_id":"EvSur","event_time":1,
            "event":{{"type":"message","channel_type":"im","channel":"D0DANA","user":"{DANA}","text":"broken \ud800 text","ts":"1.2"}}}}"#
    );
    let response = app.post_signed("/slack/events", "application/json", body).await;
    assert_eq!(response.status(), 200, "Slack retries anything else");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(app.slack.calls_of("chat.postMessage").is_empty());
}

#[tokio::test]
async fn beyond_its_bound_planbot_sheds_requests_at_once_and_healthz_still_answers() {
    let app = crate::helpers::spawn_app_with(&["--max-in-flight", "1"]).await;
    slack_person(&app, DANA, "dana@example.com", None).await;
    // Opening a form waits for Slack's views.open: a slow Slack holds the one slot.
    app.slack.set_delay(std::time::Duration::from_millis(1500));
    let first = app.command(DANA, "D0DANA", "add");
    let second = async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let started = std::time::Instant::now();
        let response = app.command(DANA, "D0DANA", "add").await;
        let health = app.http.get(format!("{}/healthz", app.url)).send().await.unwrap();
        (response.status(), started.elapsed(), health.status())
    };
    let (first, (second, waited, health)) = tokio::join!(first, second);
    assert_eq!(first.status(), 200);
    assert_eq!(second, 503, "the second request is shed");
    assert!(waited < std::time::Duration::from_millis(1000), "at once, not after the first: {waited:?}");
    assert_eq!(health, 200, "/healthz is outside the bound");
}

#[tokio::test]
async fn connections_beyond_the_cap_get_one_answer_and_healthz_still_says_ok() {
    let app = crate::helpers::spawn_app_with(&["--max-connections", "2"]).await;
    // Two clients hold their keep-alive connections: the cap is reached.
    let holders: Vec<reqwest::Client> = (0..2).map(|_| reqwest::Client::new()).collect();
    for client in &holders {
        assert_eq!(client.get(format!("{}/readyz", app.url)).send().await.unwrap().status(), 200);
    }
    let newcomer = reqwest::Client::new();
    let health = newcomer.get(format!("{}/healthz", app.url)).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");
    let busy = reqwest::Client::new().get(format!("{}/readyz", app.url)).send().await.unwrap();
    assert_eq!(busy.status(), 503);
    assert_eq!(busy.headers()["connection"], "close");
    // Once a holder goes, a new connection is served in full again.
    drop(holders);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let served = reqwest::Client::new().get(format!("{}/readyz", app.url)).send().await.unwrap();
    assert_eq!(served.status(), 200);
}

#[tokio::test]
async fn old_rows_are_pruned_by_their_retention_and_the_audit_history_is_kept_longest() {
    let db = crate::helpers::TestDb::new().await;
    let pool = &db.pool;
    let dana = crate::helpers::person(pool, "dana@example.com", None).await;
    let (acme, _) = account_with_plan(pool, "Acme", &dana).await;
    let now = chrono::Utc::now();
    for (key, sent_days_ago) in [("old-sent", 40), ("new-sent", 5)] {
        sqlx::query(
            "insert into outbox (kind, target_channel, payload, dedupe_key, sent_at) \
             values ('reply', 'C1', '{\"text\": \"x\"}', $1, now() - make_interval(days => $2))",
        )
        .bind(key)
        .bind(sent_days_ago)
        .execute(pool)
        .await
        .unwrap();
    }
    sqlx::query("insert into outbox (kind, target_channel, payload, dedupe_key) values ('reply', 'C1', '{\"text\": \"x\"}', 'unsent-old')")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("update outbox set created_at = now() - interval '400 days' where dedupe_key = 'unsent-old'").execute(pool).await.unwrap();
    sqlx::query("insert into slack_event (event_id, received_at) values ('Ev-old', now() - interval '8 days'), ('Ev-new', now())")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "insert into audit (account_id, entity, entity_id, action, field, new_value, changed_at) \
         values ($1, 'plan', 1, 'update', 'goals', 'ancient', now() - interval '4 years'), \
                ($1, 'plan', 1, 'update', 'goals', 'last year', now() - interval '400 days')",
    )
    .bind(acme.account_id)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("insert into notice (notice_key, created_at) values ('old-notice', now() - interval '500 days'), ('new-notice', now())")
        .execute(pool)
        .await
        .unwrap();

    let scheduler = crate::helpers::scheduler(pool, "replica-a", &[]);
    scheduler.run_now(planbot::jobs::Job::Prune, now).await.unwrap();

    let keys: Vec<String> = sqlx::query_scalar("select dedupe_key from outbox order by dedupe_key").fetch_all(pool).await.unwrap();
    assert_eq!(keys, ["new-sent", "unsent-old"], "sent messages go after 30 days; unsent ones never");
    let events: Vec<String> = sqlx::query_scalar("select event_id from slack_event").fetch_all(pool).await.unwrap();
    assert_eq!(events, ["Ev-new"]);
    let notices: Vec<String> = sqlx::query_scalar("select notice_key from notice").fetch_all(pool).await.unwrap();
    assert_eq!(notices, ["new-notice"]);
    let audit: Vec<String> =
        sqlx::query_scalar("select new_value from audit where field = 'goals' and entity_id = 1").fetch_all(pool).await.unwrap();
    assert_eq!(audit, ["last year"], "three years of audit history are kept");
}

#[tokio::test]
async fn a_nudge_held_for_quiet_hours_leaves_out_what_was_done_meanwhile_and_one_with_nothing_left_is_not_sent() {
    use chrono::Duration;
    use planbot::store::actions::{self, NewAction};
    let db = crate::helpers::TestDb::new().await;
    let slack = crate::fake_slack::FakeSlack::start().await;
    let dana = crate::helpers::person(&db.pool, "dana@example.com", None).await;
    let sam = crate::helpers::person(&db.pool, "sam@example.com", None).await;
    // Quiet until 11:00 in New York: the 09:00 nudge waits for it.
    sqlx::query("update app_user set quiet_start = '06:00', quiet_end = '11:00'").execute(&db.pool).await.unwrap();
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    let add = |title: &'static str, owner: i64| {
        let pool = db.pool.clone();
        let account_id = acme.account_id;
        async move {
            let new = NewAction { account_id, title: title.into(), owner_id: owner, due_date: Some(crate::helpers::day(2026, 11, 20)) };
            actions::add(&pool, &new, planbot::store::Actor::source("test")).await.unwrap().action_item_id
        }
    };
    let (done, handed, kept) = (add("Send the deck", dana.user_id).await, add("Book the QBR", dana.user_id).await, add("Call Hannah", dana.user_id).await);
    let scheduler = crate::helpers::scheduler(&db.pool, "replica-a", &[]);
    let worker = crate::helpers::worker(&db.pool, &slack, "replica-a", &[]);
    // Tuesday Nov 24, 09:00 in New York.
    scheduler.run_now(planbot::jobs::Job::Nudges, crate::helpers::utc("2026-11-24T14:00:00Z")).await.unwrap();
    assert_eq!(worker.deliver_ready(crate::helpers::utc("2026-11-24T14:30:00Z")).await.unwrap().sent, 0, "held");

    // Meanwhile one item is done and another handed to Sam.
    sqlx::query("update action_item set status = 'done', completed_at = now() where action_item_id = $1").bind(done).execute(&db.pool).await.unwrap();
    sqlx::query("update action_item set owner_id = $2 where action_item_id = $1").bind(handed).bind(sam.user_id).execute(&db.pool).await.unwrap();
    assert_eq!(worker.deliver_ready(crate::helpers::utc("2026-11-24T16:00:00Z")).await.unwrap().sent, 1);
    let posted = slack.calls_of("chat.postMessage");
    assert_eq!(posted[0].body["text"], "You have 1 overdue action item", "{}", posted[0].body);
    let shown = posted[0].body["blocks"].to_string();
    assert!(shown.contains(&format!("item:{kept}")) && !shown.contains(&format!("item:{done}")) && !shown.contains(&format!("item:{handed}")), "{shown}");

    // The next day's nudge waits too; the last item is done before it ends: nothing is sent.
    scheduler.run_now(planbot::jobs::Job::Nudges, crate::helpers::utc("2026-11-25T14:00:00Z")).await.unwrap();
    sqlx::query("update action_item set status = 'done', completed_at = now() where action_item_id = $1").bind(kept).execute(&db.pool).await.unwrap();
    let delivered = worker.deliver_ready(crate::helpers::utc("2026-11-25T16:00:00Z")).await.unwrap();
    assert_eq!(delivered.dropped, 1, "Dana's second nudge");
    let to_dana = slack.calls_of("chat.postMessage").iter().filter(|c| c.body["channel"] == "UDANA").count();
    assert_eq!(to_dana, 1, "only the first nudge reached Dana (Sam got his own for the item handed to him)");
    let left: Option<String> = sqlx::query_scalar(
        "select last_error from outbox where kind = 'nudge' and target_user_id = $1 order by outbox_id desc limit 1",
    )
    .bind(dana.user_id)
    .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(left.unwrap_or_default().contains("dropped"), "the outbox says why");
    let _ = Duration::zero();
}

#[tokio::test]
async fn a_nudge_held_over_the_weekend_leaves_out_the_item_done_on_saturday() {
    use planbot::store::actions::{self, NewAction};
    let db = crate::helpers::TestDb::new().await;
    let slack = crate::fake_slack::FakeSlack::start().await;
    let dana = crate::helpers::person(&db.pool, "dana@example.com", None).await;
    // Quiet from 08:00 to 07:00 the next day, Monday to Friday: Friday's 09:00 nudge waits for Monday 07:00.
    sqlx::query("update app_user set quiet_start = '08:00', quiet_end = '07:00'").execute(&db.pool).await.unwrap();
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    let mut ids = Vec::new();
    for title in ["Send the deck", "Call Hannah"] {
        let new = NewAction { account_id: acme.account_id, title: title.into(), owner_id: dana.user_id, due_date: Some(crate::helpers::day(2026, 11, 20)) };
        ids.push(actions::add(&db.pool, &new, planbot::store::Actor::source("test")).await.unwrap().action_item_id);
    }
    let scheduler = crate::helpers::scheduler(&db.pool, "replica-a", &[]);
    let worker = crate::helpers::worker(&db.pool, &slack, "replica-a", &[]);
    // Friday Nov 27, 09:00 in New York.
    scheduler.run_now(planbot::jobs::Job::Nudges, crate::helpers::utc("2026-11-27T14:00:00Z")).await.unwrap();
    let run_at: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("select run_at from outbox where kind = 'nudge'").fetch_one(&db.pool).await.unwrap();
    assert_eq!(run_at, crate::helpers::utc("2026-11-30T12:00:00Z"), "held until Monday 07:00 in New York");
    // Saturday: one item is done.
    sqlx::query("update action_item set status = 'done', completed_at = now() where action_item_id = $1").bind(ids[0]).execute(&db.pool).await.unwrap();
    assert_eq!(worker.deliver_ready(crate::helpers::utc("2026-11-30T12:00:01Z")).await.unwrap().sent, 1);
    let posted = slack.calls_of("chat.postMessage");
    let shown = posted[0].body["blocks"].to_string();
    assert!(!shown.contains(&format!("item:{}", ids[0])) && shown.contains(&format!("item:{}", ids[1])), "{shown}");
    assert_eq!(posted[0].body["text"], "You have 1 overdue action item");
}

#[tokio::test]
async fn a_command_naming_an_account_with_a_typo_says_which_account_it_understood() {
    let app = dana_on_acme().await;

    let reply = app.command_reply(DANA, "D0DANA", "add Acmee: Run a workshop").await;
    let said = visible_text(&reply);
    assert!(said.contains("Added") && said.contains("I took “Acmee” to mean Acme"), "{said}");
    assert_eq!(items(&app).await, 1);
    for text in ["actions acmee", "people Acmee", "summary Acmee"] {
        let said = visible_text(&app.command_reply(DANA, "D0DANA", text).await);
        assert!(said.contains(&format!("I took “{}” to mean Acme", text.rsplit(' ').next().unwrap())), "{text}: {said}");
    }
    // A reply that offers the parts of the plan says it too; a form opened at once names the account.
    let said = visible_text(&app.command_reply(DANA, "D0DANA", "edit acmee").await);
    assert!(said.contains("I took “acmee” to mean Acme"), "{said}");
    app.command(DANA, "D0DANA", "edit acmee gtm").await;
    let opened = app.slack.wait_for("views.open", 1).await;
    assert!(opened[0].body["view"].to_string().contains("Acme's plan"), "{}", opened[0].body);
    // Written as the account is named, nothing is guessed and nothing is said of it.
    for text in ["add acme: Book the QBR room", "people ACME"] {
        let said = visible_text(&app.command_reply(DANA, "D0DANA", text).await);
        assert!(!said.contains("I took"), "{text}: {said}");
    }
    assert_eq!(items(&app).await, 2);

    // The add-item form, its account typed with the same typo: the message that confirms the add says it.
    let submission = add_item_submission("Acmee", "Send the agenda");
    assert_eq!(app.interaction(submission).await.status(), 200);
    let mut confirmed = None;
    for _ in 0..100 {
        confirmed = app.slack.calls().into_iter().map(|call| visible_text(&call.body)).find(|text| text.contains("Send the agenda"));
        if confirmed.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let confirmed = confirmed.expect("the add from the form is confirmed in Slack");
    assert!(confirmed.contains("Added") && confirmed.contains("I took “Acmee” to mean Acme"), "{confirmed}");
    assert_eq!(items(&app).await, 3);
}

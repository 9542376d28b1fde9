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

#[tokio::test]
async fn a_nul_character_is_a_mistake_on_every_way_in_and_nothing_is_written() {
    let app = spawn_app().await;
    let dana = slack_person(&app, DANA, "dana@example.com", None).await;
    let (acme, _) = account_with_plan(&app.db.pool, "Acme", &dana).await;
    join_team(&app.db.pool, &acme, &dana, TeamRole::Sa).await;

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
    let submission = json!({
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "test"},
        "user": {"id": DANA, "username": "dana", "team_id": TEAM_ID},
        "api_app_id": "A0TEST",
        "trigger_id": "t",
        "view": {"id": "V1", "team_id": TEAM_ID, "type": "modal", "callback_id": "add_item", "hash": "h",
                 "private_metadata": "{}", "title": {"type": "plain_text", "text": "x"}, "blocks": [],
                 "state": {"values": {
                     "account": {"account": {"type": "plain_text_input", "value": "Acme"}},
                     "title": {"title": {"type": "plain_text_input", "value": "Bad \u{0} title"}}}}},
    });
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

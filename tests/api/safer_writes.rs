//! Safer writes through signed `/plan` commands and clicks: a past due date
//! or a duplicate is asked about, the confirmation adds once, and
//! `/plan due`, `/plan reassign` and `/plan undo` change items in text.

use planbot::domain::enums::{ActionStatus, TeamRole};
use planbot::store::actions;
use serde_json::{Value, json};

use crate::fake_slack::{TEAM_ID, check_limits};
use crate::helpers::{TestApp, account_with_plan, join_team, slack_person, spawn_app, visible_text};

const DANA: &str = "U0DANA";
const SAM: &str = "U0SAM";

async fn acme_app() -> (TestApp, i64) {
    let app = spawn_app().await;
    let dana = slack_person(&app, DANA, "dana@example.com", None).await;
    let sam = slack_person(&app, SAM, "sam@example.com", None).await;
    let (acme, _) = account_with_plan(&app.db.pool, "Acme Corporation", &dana).await;
    join_team(&app.db.pool, &acme, &sam, TeamRole::Sa).await;
    (app, acme.account_id)
}

async fn items(app: &TestApp) -> Vec<(i64, String, Option<chrono::NaiveDate>, String)> {
    sqlx::query_as("select action_item_id, title, due_date, status::text from action_item order by action_item_id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&chrono_tz::America::New_York).date_naive()
}

/// A reply's one button: its action id and value.
fn the_button(reply: &Value) -> (String, String) {
    let buttons: Vec<&Value> = reply["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().unwrap())
        .collect();
    assert_eq!(buttons.len(), 1, "{reply}");
    (buttons[0]["action_id"].as_str().unwrap().into(), buttons[0]["value"].as_str().unwrap().into())
}

fn confirm_click(user: &str, action_id: &str, value: &str, trigger: &str, response_url: &str) -> Value {
    json!({
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "test"},
        "user": {"id": user, "username": "someone", "team_id": TEAM_ID},
        "api_app_id": "A0TEST",
        "container": {"type": "message", "message_ts": "1700000000.000500", "channel_id": "D0DANA", "is_ephemeral": true},
        "trigger_id": trigger,
        "channel": {"id": "D0DANA", "name": "directmessage"},
        "message": {"type": "message", "ts": "1700000000.000500", "text": "question", "blocks": []},
        "response_url": response_url,
        "actions": [{"type": "button", "action_id": action_id, "block_id": "confirm-add",
                     "value": value, "action_ts": format!("1700000001.{trigger}"), "text": {"type": "plain_text", "text": "x"}}],
    })
}

fn valid_blocks(reply: &Value) {
    let problems = check_limits("chat.postMessage", reply);
    assert!(problems.is_empty(), "{problems:?}");
}

#[tokio::test]
async fn a_past_due_date_is_asked_about_and_the_button_adds_it_once() {
    let (app, _) = acme_app().await;
    let reply = app.command_reply(DANA, "D0DANA", "add Acme Corporation: Send the quote due 2026-01-05").await;
    valid_blocks(&reply);
    let text = visible_text(&reply);
    assert!(text.contains("is in the past") && text.contains("Send the quote") && text.contains("Jan 5, 2026"), "{text}");
    assert!(items(&app).await.is_empty(), "nothing is stored before the click");
    let (action_id, value) = the_button(&reply);
    assert_eq!(action_id, "item.add_past_due");
    assert!(value.len() < 2000);
    assert!(text.contains("Add with a past due date"), "{text}");

    // Clicked twice: added once.
    for (n, trigger) in ["t1", "t2"].into_iter().enumerate() {
        let url = app.slack.response_url(trigger);
        assert_eq!(app.interaction(confirm_click(DANA, &action_id, &value, trigger, &url)).await.status(), 200);
        let responded = app.slack.wait_for("response_url", n + 1).await;
        let answer = &responded[n].body;
        assert_eq!(answer["replace_original"], true);
        let shown = visible_text(answer);
        if n == 0 {
            assert!(shown.contains("Added `#") && shown.contains("Send the quote"), "{shown}");
        } else {
            assert!(shown.contains("already added"), "{shown}");
        }
    }
    let stored = items(&app).await;
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0].2, Some(crate::helpers::day(2026, 1, 5)));
    // Someone else cannot answer Dana's question.
    let url = app.slack.response_url("sam");
    app.interaction(confirm_click(SAM, &action_id, &value, "t3", &url)).await;
    let responded = app.slack.wait_for("response_url", 3).await;
    assert!(visible_text(&responded[2].body).contains("nothing was added"));
    assert_eq!(items(&app).await.len(), 1);
    assert!(app.slack.violations().is_empty(), "{:?}", app.slack.violations());
}

#[tokio::test]
async fn the_same_title_twice_within_minutes_asks_before_adding_it_again() {
    let (app, _) = acme_app().await;
    let first = app.command_reply(DANA, "D0DANA", "add Acme Corporation: Book the QBR by friday").await;
    let text = visible_text(&first);
    let friday = (1..=7).map(|n| today() + chrono::Duration::days(n)).find(|d| d.format("%a").to_string() == "Fri").unwrap();
    let named = if friday.format("%Y").to_string() == today().format("%Y").to_string() {
        friday.format("%a %b %-d").to_string()
    } else {
        friday.format("%b %-d, %Y").to_string()
    };
    assert!(text.contains("Added `#") && text.contains(&named), "the day chosen ({named}) is named: {text}");
    let again = app.command_reply(DANA, "D0DANA", "add acme corporation: book the QBR").await;
    valid_blocks(&again);
    let shown = visible_text(&again);
    assert!(shown.contains("already has `#") && shown.contains("Add it again"), "{shown}");
    assert_eq!(items(&app).await.len(), 1);
    let (action_id, value) = the_button(&again);
    assert_eq!(action_id, "item.add_again");
    for (n, trigger) in ["a1", "a2"].into_iter().enumerate() {
        let url = app.slack.response_url(trigger);
        app.interaction(confirm_click(DANA, &action_id, &value, trigger, &url)).await;
        app.slack.wait_for("response_url", n + 1).await;
    }
    let stored = items(&app).await;
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert_eq!(stored[1].1, "book the QBR");
    assert!(app.slack.violations().is_empty(), "{:?}", app.slack.violations());
}

#[tokio::test]
async fn due_reassign_and_undo_change_items_in_text_and_undo_says_what_it_took_back() {
    let (app, _) = acme_app().await;
    let nothing = app.command_reply(DANA, "D0DANA", "undo").await;
    assert!(visible_text(&nothing).contains("Nothing to undo"), "{nothing}");

    let added = visible_text(&app.command_reply(DANA, "D0DANA", "add Acme Corporation: Call the CFO due friday").await);
    assert!(added.contains("Added `#"), "{added}");
    let id = items(&app).await[0].0;
    let friday = items(&app).await[0].2;

    // /plan due
    let reply = visible_text(&app.command_reply(DANA, "D0DANA", &format!("due {id} in 20 days")).await);
    let later = today() + chrono::Duration::days(20);
    assert!(reply.contains("is now due"), "{reply}");
    assert_eq!(items(&app).await[0].2, Some(later));
    let refused = visible_text(&app.command_reply(DANA, "D0DANA", &format!("due {id} 2026-01-05")).await);
    assert!(refused.contains("in the past"), "{refused}");
    assert_eq!(items(&app).await[0].2, Some(later), "a refused due date changes nothing");

    // /plan undo puts the due date back.
    let undone = visible_text(&app.command_reply(DANA, "D0DANA", "undo").await);
    assert!(undone.contains("Undone") && undone.contains("is due"), "{undone}");
    assert_eq!(items(&app).await[0].2, friday);

    // /plan reassign, then undo it.
    let reply = visible_text(&app.command_reply(DANA, "D0DANA", &format!("reassign {id} <@{SAM}|sam>")).await);
    assert!(reply.contains(&format!("now belongs to <@{SAM}>")), "{reply}");
    let owner = || async {
        actions::by_id(&app.db.pool, id).await.unwrap().unwrap().owner_slack_id
    };
    assert_eq!(owner().await.as_deref(), Some(SAM));
    let undone = visible_text(&app.command_reply(DANA, "D0DANA", "undo").await);
    assert!(undone.contains(&format!("belongs to <@{DANA}> again")), "{undone}");
    assert_eq!(owner().await.as_deref(), Some(DANA));

    // snooze, then undo: no longer snoozed.
    app.command_reply(DANA, "D0DANA", &format!("snooze {id} in 3 days")).await;
    assert!(actions::by_id(&app.db.pool, id).await.unwrap().unwrap().snoozed_until.is_some());
    let undone = visible_text(&app.command_reply(DANA, "D0DANA", "undo").await);
    assert!(undone.contains("no longer snoozed"), "{undone}");
    assert_eq!(actions::by_id(&app.db.pool, id).await.unwrap().unwrap().snoozed_until, None);

    // done, then undo: open again.
    app.command_reply(DANA, "D0DANA", &format!("done {id}")).await;
    assert_eq!(actions::by_id(&app.db.pool, id).await.unwrap().unwrap().status, ActionStatus::Done);
    let undone = visible_text(&app.command_reply(DANA, "D0DANA", "undo").await);
    assert!(undone.contains("is open again"), "{undone}");
    let item = actions::by_id(&app.db.pool, id).await.unwrap().unwrap();
    assert_eq!((item.status, item.completed_at), (ActionStatus::Open, None));

    // Every change to this item is undone; the next undo takes back nothing more.
    let again = visible_text(&app.command_reply(DANA, "D0DANA", "undo").await);
    assert!(again.contains("Nothing to undo"), "{again}");

    // An item just added is cancelled by undo.
    app.command_reply(DANA, "D0DANA", "add Acme Corporation: Oops").await;
    let undone = visible_text(&app.command_reply(DANA, "D0DANA", "undo").await);
    assert!(undone.contains("Oops") && undone.contains("removed"), "{undone}");
    assert_eq!(items(&app).await[1].3, "cancelled");

    // Sam has changed nothing.
    let sams = visible_text(&app.command_reply(SAM, "D0SAM", "undo").await);
    assert!(sams.contains("Nothing to undo"), "{sams}");
}

#[tokio::test]
async fn text_command_mistakes_say_how_to_write_them_and_change_nothing() {
    let (app, _) = acme_app().await;
    let cases = [
        ("add Acme Corporation: Send the deck due the 32nd of never", "`the 32nd of never`"),
        ("due", "`/plan due 142 friday`"),
        ("due 5 someday", "`someday`"),
        ("reassign 5", "`/plan reassign 142 @jane`"),
        ("reassign 5 @sam", "plain text"),
        ("undo 5", "`/plan undo` alone"),
        ("due 99999 friday", "couldn't find action item `#99999`"),
    ];
    for (text, expected) in cases {
        let reply = app.command_reply(DANA, "D0DANA", text).await;
        assert_eq!(reply["response_type"], "ephemeral", "{text}");
        let shown = visible_text(&reply);
        assert!(shown.contains(expected), "`/plan {text}` answered:\n{shown}");
    }
    assert!(items(&app).await.is_empty());
    let audits: i64 = sqlx::query_scalar("select count(*) from audit where entity = 'action_item'").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(audits, 0);
    // "Prepare due diligence" stays a title.
    let added = visible_text(&app.command_reply(DANA, "D0DANA", "add Acme Corporation: Prepare due diligence").await);
    assert!(added.contains("Prepare due diligence"), "{added}");
    assert_eq!(items(&app).await[0].2, None);
}

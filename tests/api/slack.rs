//! planbot in Slack: signed endpoints, `/plan`, events, clicks, modals, the App Home.

use planbot::domain::enums::{ActionStatus, TeamRole};
use planbot::store::actions::{self, NewAction};
use planbot::store::{Actor, audit};
use serde_json::{Value, json};

use crate::fake_slack::{TEAM_ID, check_limits};
use crate::helpers::{TestApp, account_with_plan, day, join_team, slack_person, spawn_app, submission, visible_text};

const DANA: &str = "U0DANA";
const SAM: &str = "U0SAM";
const EVE: &str = "U0EVE";

/// An app with Dana owning Acme (an active plan), Sam on its team, and Eve elsewhere.
async fn acme_app() -> (TestApp, i64) {
    let app = spawn_app().await;
    let dana = slack_person(&app, DANA, "dana@example.com", None).await;
    let sam = slack_person(&app, SAM, "sam@example.com", None).await;
    slack_person(&app, EVE, "eve@example.com", None).await;
    let (acme, _) = account_with_plan(&app.db.pool, "Acme Corporation", &dana).await;
    join_team(&app.db.pool, &acme, &sam, TeamRole::Sa).await;
    (app, acme.account_id)
}

async fn item_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from action_item").fetch_one(&app.db.pool).await.unwrap()
}

async fn add_item(app: &TestApp, account_id: i64, owner_slack: &str, title: &str) -> i64 {
    let owner: i64 = sqlx::query_scalar("select user_id from app_user where slack_id = $1")
        .bind(owner_slack)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let new = NewAction { account_id, title: title.into(), owner_id: owner, due_date: Some(day(2026, 1, 5)) };
    actions::add(&app.db.pool, &new, Actor::SYSTEM).await.unwrap().action_item_id
}

#[tokio::test]
async fn requests_without_a_valid_fresh_signature_get_401_and_change_nothing() {
    let (app, _) = acme_app().await;
    let body = format!(
        "team_id={TEAM_ID}&channel_id=D0DANA&user_id={DANA}&command=%2Fplan&text=add+Acme%3A+Sneaky&response_url=x&trigger_id=t"
    );
    let now = chrono::Utc::now().timestamp();
    for path in ["/slack/commands", "/slack/events", "/slack/interactions"] {
        // no signature at all
        let unsigned = app.http.post(format!("{}{path}", app.url)).body(body.clone()).send().await.unwrap();
        assert_eq!(unsigned.status(), 401, "{path} unsigned");
        // a signature made with another secret
        let forged = planbot::slack::verify::sign("not-the-secret", now, body.as_bytes());
        let response = app
            .http
            .post(format!("{}{path}", app.url))
            .header("x-slack-request-timestamp", now.to_string())
            .header("x-slack-signature", forged)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{path} forged");
        // correctly signed, but six minutes ago
        let stale = app.post_signed_at(path, "application/x-www-form-urlencoded", body.clone(), now - 360).await;
        assert_eq!(stale.status(), 401, "{path} stale");
    }
    assert_eq!(item_count(&app).await, 0);
    assert!(app.slack.calls().is_empty(), "nothing reached Slack: {:?}", app.slack.calls());
}

#[tokio::test]
async fn slacks_published_example_is_refused_as_stale_and_accepted_when_fresh_but_from_another_workspace() {
    let app = spawn_app().await;
    let example = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/signing-example.txt")).unwrap();
    let field = |name: &str| {
        example.lines().find_map(|l| l.strip_prefix(&format!("{name}="))).unwrap().to_string()
    };
    let (timestamp, signature, body) = (field("timestamp"), field("signature"), field("body"));
    // Signed with the example's secret (the test app's), but in 2018.
    assert_eq!(planbot::slack::verify::sign(crate::helpers::SIGNING_SECRET, timestamp.parse().unwrap(), body.as_bytes()), signature);
    let response = app
        .http
        .post(format!("{}/slack/commands", app.url))
        .header("x-slack-request-timestamp", &timestamp)
        .header("x-slack-signature", &signature)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    // The same command signed now passes the signature check, and is refused
    // because its workspace (T1DC2JH3J) is not the one this planbot serves.
    let fresh = app.post_signed("/slack/commands", "application/x-www-form-urlencoded", body).await;
    assert_eq!(fresh.status(), 403);
    assert!(app.slack.calls().is_empty());
}

#[tokio::test]
async fn a_signed_command_missing_a_field_slack_always_sends_is_refused_and_runs_nothing() {
    let app = spawn_app().await;
    let body = format!("team_id={}&channel_id=C1&command=%2Fplan&text=add+Acme%3A+call&trigger_id=t1", crate::fake_slack::TEAM_ID);
    let response = app.post_signed("/slack/commands", "application/x-www-form-urlencoded", body).await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.text().await.unwrap(), "not a valid slash command");
    assert!(app.slack.calls().is_empty());
}

#[tokio::test]
async fn slacks_url_verification_is_answered_with_its_challenge() {
    let app = spawn_app().await;
    let body = json!({"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"});
    let response = app.post_signed("/slack/events", "application/json", body.to_string()).await;
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["challenge"], "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
}

#[tokio::test]
async fn plan_add_adds_an_audited_item_and_answers_only_the_caller() {
    let (app, acme) = acme_app().await;
    let reply = app.command_reply(DANA, "C0GENERAL", &format!("add acme corp: Run a security workshop <@{SAM}|sam> due 2026-12-15")).await;
    assert_eq!(reply["response_type"], "ephemeral");
    let text = visible_text(&reply);
    assert!(text.contains("Added `#") && text.contains("Run a security workshop") && text.contains(&format!("<@{SAM}>")), "{text}");

    let (items, _) = actions::open_for_account(&app.db.pool, acme, 10).await.unwrap();
    let item = items.iter().find(|i| i.title == "Run a security workshop").expect("the item was added");
    assert_eq!(item.owner_slack_id.as_deref(), Some(SAM));
    assert_eq!(item.due_date, Some(day(2026, 12, 15)));
    let history = audit::for_entity(&app.db.pool, "action_item", item.action_item_id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].actor_source, "slack");
    assert!(app.slack.violations().is_empty());
}

#[tokio::test]
async fn every_plan_mistake_is_explained_and_writes_nothing() {
    let (app, _) = acme_app().await;
    let cases = [
        ("add Acme Run a workshop", "Put a colon after the account name"),
        ("add Acme: Run a workshop due fridya", "`fridya`"),
        ("add Acme: Intro <@U1> to <@U2>", "one owner"),
        ("add Acme: Demo @sam", "pick the person from Slack's list"),
        ("add Nonesuch: Demo", "couldn't find an account called “Nonesuch”"),
        ("done", "`/plan done 142`"),
        ("done 99999", "couldn't find action item `#99999`"),
        ("snooze 12", "date"),
        ("ad Acme: x", "/plan add"),
        ("frobnicate", "/plan"),
    ];
    for (text, expected) in cases {
        let reply = app.command_reply(DANA, "C0GENERAL", text).await;
        assert_eq!(reply["response_type"], "ephemeral", "{text}");
        let shown = visible_text(&reply);
        assert!(shown.contains(expected), "`/plan {text}` answered:\n{shown}");
    }
    assert_eq!(item_count(&app).await, 0);
    let audits: i64 = sqlx::query_scalar("select count(*) from audit where entity = 'action_item'").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(audits, 0);
}

#[tokio::test]
async fn an_owner_planbot_has_not_met_is_looked_up_in_slack_and_linked_by_email() {
    let (app, acme) = acme_app().await;
    // Priya was imported by email, without a Slack id; Slack knows her.
    let mut conn = app.db.pool.acquire().await.unwrap();
    planbot::store::users::upsert(
        &mut conn,
        &planbot::store::users::NewUser { email: "priya@example.com".into(), display_name: "Priya".into(), ..Default::default() },
    )
    .await
    .unwrap();
    app.slack.add_user("U0PRIYA", "priya@example.com", "Priya Nair", "Europe/London");

    let reply = app.command_reply(DANA, "D0DANA", "add Acme: Renewal health check <@U0PRIYA>").await;
    assert!(visible_text(&reply).contains("Added"), "{reply}");
    let (items, _) = actions::open_for_account(&app.db.pool, acme, 10).await.unwrap();
    let item = items.iter().find(|i| i.title == "Renewal health check").unwrap();
    assert_eq!(item.owner_email, "priya@example.com");
    let tz: String = sqlx::query_scalar("select tz from app_user where email = 'priya@example.com'").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(tz, "Europe/London");
    let asked_about_priya = app.slack.calls_of("users.info").iter().filter(|c| c.body["user"] == "U0PRIYA").count();
    assert_eq!(asked_about_priya, 1);
}

#[tokio::test]
async fn plan_add_alone_opens_the_form_with_the_trigger_id() {
    let (app, _) = acme_app().await;
    let response = app.command(DANA, "C0GENERAL", "add").await;
    assert_eq!(response.status(), 200);
    let opened = app.slack.calls_of("views.open");
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].body["trigger_id"], "trigger-1");
    assert_eq!(opened[0].body["view"]["callback_id"], "add_item");
    assert!(app.slack.violations().is_empty(), "{:?}", app.slack.violations());
}

#[tokio::test]
async fn a_summary_in_a_channel_is_private_until_the_channel_is_linked_to_the_account() {
    let (app, _) = acme_app().await;
    let reply = app.command_reply(DANA, "C0ACME", "summary acme").await;
    assert_eq!(reply["response_type"], "ephemeral");
    assert!(visible_text(&reply).contains("Acme Corporation"));

    let linked = app.command_reply(DANA, "C0ACME", "link Acme").await;
    assert_eq!(linked["response_type"], "in_channel");
    let reply = app.command_reply(DANA, "C0ACME", "summary acme").await;
    assert_eq!(reply["response_type"], "in_channel");
    let channel: Option<String> = sqlx::query_scalar("select slack_channel from account").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(channel.as_deref(), Some("C0ACME"));
}

#[tokio::test]
async fn someone_off_the_team_gets_the_same_answer_as_for_an_account_that_does_not_exist() {
    let (app, _) = acme_app().await;
    let hidden = app.command_reply(EVE, "D0EVE", "summary Acme Corporation").await;
    let missing = app.command_reply(EVE, "D0EVE", "summary Acme Corporatio").await;
    let hidden = visible_text(&hidden).replace("Acme Corporation", "NAME");
    let missing = visible_text(&missing).replace("Acme Corporatio", "NAME");
    assert_eq!(hidden, missing);
    assert!(hidden.contains("couldn't find an account called"));
    let refused = app.command_reply(EVE, "D0EVE", "add Acme: Sneak in").await;
    assert!(visible_text(&refused).contains("couldn't find an account"));
    assert_eq!(item_count(&app).await, 0);
}

#[tokio::test]
async fn a_manager_up_the_chain_and_an_admin_see_the_account() {
    let app = spawn_app().await;
    slack_person(&app, "U0BOSS", "boss@example.com", None).await;
    slack_person(&app, "U0LEAD", "lead@example.com", Some("boss@example.com")).await;
    let dana = slack_person(&app, DANA, "dana@example.com", Some("lead@example.com")).await;
    account_with_plan(&app.db.pool, "Acme Corporation", &dana).await;
    let boss = app.command_reply("U0BOSS", "D0BOSS", "summary acme").await;
    assert!(visible_text(&boss).contains("Acme Corporation") && visible_text(&boss).contains("Plan"), "{boss}");

    sqlx::query("update app_user set role = 'admin' where slack_id = $1").bind(EVE).execute(&app.db.pool).await.ok();
    slack_person(&app, EVE, "eve@example.com", None).await;
    sqlx::query("update app_user set role = 'admin' where slack_id = $1").bind(EVE).execute(&app.db.pool).await.unwrap();
    let admin = app.command_reply(EVE, "D0EVE", "summary acme").await;
    assert!(visible_text(&admin).contains("Plan"), "{admin}");
}

#[tokio::test]
async fn a_dm_delivered_twice_is_answered_once() {
    let (app, _) = acme_app().await;
    let event = json!({"type": "message", "channel_type": "im", "channel": "D0DANA", "user": DANA,
                       "text": "summarize my account", "ts": "1700000000.000100"});
    for _ in 0..2 {
        let response = app.event("Ev0DUP", event.clone()).await;
        assert_eq!(response.status(), 200);
    }
    let posted = app.slack.wait_for("chat.postMessage", 1).await;
    // Give a second, duplicate delivery every chance to arrive.
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    let posted_after = app.slack.calls_of("chat.postMessage");
    assert_eq!(posted.len(), 1);
    assert_eq!(posted_after.len(), 1, "answered twice: {posted_after:?}");
    assert_eq!(posted[0].body["channel"], "D0DANA");
    assert!(visible_text(&posted[0].body).contains("Acme Corporation"));
    let replies: i64 = sqlx::query_scalar("select count(*) from outbox where kind = 'reply'").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(replies, 1);
}

#[tokio::test]
async fn planbot_ignores_its_own_and_other_bots_messages() {
    let (app, _) = acme_app().await;
    let event = json!({"type": "message", "channel_type": "im", "channel": "D0DANA", "bot_id": "B0PLANBOT",
                       "text": "Summary of Acme", "ts": "1700000000.000200"});
    assert_eq!(app.event("Ev0BOT", event).await.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let replies: i64 = sqlx::query_scalar("select count(*) from outbox").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(replies, 0);
}

#[tokio::test]
async fn a_mention_in_a_channel_is_answered_only_to_the_asker() {
    let (app, _) = acme_app().await;
    let event = json!({"type": "app_mention", "channel": "C0RANDOM", "user": DANA,
                       "text": "<@U0BOT> how is acme doing?", "ts": "1700000000.000300"});
    assert_eq!(app.event("Ev0MENTION", event).await.status(), 200);
    let posted = app.slack.wait_for("chat.postEphemeral", 1).await;
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0].body["user"], DANA);
    assert_eq!(posted[0].body["channel"], "C0RANDOM");
    assert!(visible_text(&posted[0].body).contains("Acme Corporation"));
    assert!(app.slack.calls_of("chat.postMessage").is_empty());
}

#[tokio::test]
async fn opening_the_app_home_publishes_accounts_items_and_deadlines() {
    let (app, acme) = acme_app().await;
    add_item(&app, acme, DANA, "Send the renewal quote").await;
    let event = json!({"type": "app_home_opened", "user": DANA, "channel": "D0DANA", "tab": "home"});
    assert_eq!(app.event("Ev0HOME", event).await.status(), 200);
    let published = app.slack.wait_for("views.publish", 1).await;
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].body["user_id"], DANA);
    let view = &published[0].body["view"];
    assert_eq!(view["type"], "home");
    let text = visible_text(view);
    assert!(text.contains("Acme Corporation"), "{text}");
    assert!(text.contains("Send the renewal quote"), "{text}");
    assert!(text.contains("Overdue"), "{text}");
    assert!(app.slack.violations().is_empty(), "{:?}", app.slack.violations());
}

/// A click on a button of a message planbot posted.
fn click(user: &str, action_id: &str, value: &str, message_blocks: Value, response_url: &str) -> Value {
    json!({
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "test"},
        "user": {"id": user, "username": "someone", "team_id": TEAM_ID},
        "api_app_id": "A0TEST",
        "container": {"type": "message", "message_ts": "1700000000.000400", "channel_id": "D0DANA", "is_ephemeral": false},
        "trigger_id": "trigger-2",
        "channel": {"id": "D0DANA", "name": "directmessage"},
        "message": {"type": "message", "ts": "1700000000.000400", "text": "Your overdue action items", "blocks": message_blocks},
        "response_url": response_url,
        "actions": [{"type": "button", "action_id": action_id, "block_id": format!("item-actions:{value}"),
                     "value": value, "action_ts": "1700000001.000000", "text": {"type": "plain_text", "text": "x"}}],
    })
}

/// The blocks of "my overdue items" as planbot answers them.
async fn overdue_list(app: &TestApp) -> Value {
    let reply = app.command_reply(DANA, "D0DANA", "actions overdue").await;
    reply["blocks"].clone()
}

#[tokio::test]
async fn done_marks_the_item_done_and_the_message_shows_it() {
    let (app, acme) = acme_app().await;
    let id = add_item(&app, acme, DANA, "Send the renewal quote").await;
    let other = add_item(&app, acme, DANA, "Book the QBR").await;
    let blocks = overdue_list(&app).await;
    let url = app.slack.response_url("click");
    let response = app.interaction(click(DANA, "item.done", &id.to_string(), blocks, &url)).await;
    assert_eq!(response.status(), 200);

    let responded = app.slack.wait_for("response_url", 1).await;
    assert_eq!(responded.len(), 1);
    let update = &responded[0].body;
    assert_eq!(update["replace_original"], true);
    let text = visible_text(update);
    assert!(text.contains(&format!(":white_check_mark: ~`#{id}` Send the renewal quote~")), "{text}");
    assert!(text.contains(&format!("`#{other}` Book the QBR")), "the other item stays: {text}");
    let buttons: Vec<&str> = update["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["block_id"].as_str())
        .filter(|b| b.starts_with("item-actions:"))
        .collect();
    assert_eq!(buttons, [format!("item-actions:{other}")], "only the open item keeps its buttons");
    let item = actions::by_id(&app.db.pool, id).await.unwrap().unwrap();
    assert_eq!(item.status, ActionStatus::Done);
    assert!(app.slack.violations().is_empty());
}

#[tokio::test]
async fn snooze_a_week_hides_the_item_until_then_and_says_so() {
    let (app, acme) = acme_app().await;
    let id = add_item(&app, acme, DANA, "Send the renewal quote").await;
    let blocks = overdue_list(&app).await;
    let url = app.slack.response_url("snooze");
    app.interaction(click(DANA, "item.snooze_week", &id.to_string(), blocks, &url)).await;
    let responded = app.slack.wait_for("response_url", 1).await;
    assert!(visible_text(&responded[0].body).contains("snoozed until"), "{}", visible_text(&responded[0].body));
    let item = actions::by_id(&app.db.pool, id).await.unwrap().unwrap();
    let until = item.snoozed_until.expect("snoozed");
    let days = (until - chrono::Utc::now()).num_hours();
    assert!((6 * 24..=7 * 24 + 1).contains(&days), "snoozed about a week: {days} hours");
}

#[tokio::test]
async fn reassign_shows_a_person_picker_and_picking_someone_reassigns() {
    let (app, acme) = acme_app().await;
    let id = add_item(&app, acme, DANA, "Send the renewal quote").await;
    let blocks = overdue_list(&app).await;
    let url = app.slack.response_url("reassign");
    app.interaction(click(DANA, "item.reassign", &id.to_string(), blocks, &url)).await;
    let responded = app.slack.wait_for("response_url", 1).await;
    let with_picker = responded[0].body["blocks"].clone();
    let picker = with_picker
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["block_id"] == format!("item-actions:{id}"))
        .unwrap()
        .clone();
    assert_eq!(picker["elements"][0]["type"], "users_select");

    let mut pick = click(DANA, "item.reassign_to", "", with_picker, &url);
    pick["actions"] = json!([{"type": "users_select", "action_id": "item.reassign_to", "block_id": format!("item-actions:{id}"),
                              "selected_user": SAM, "action_ts": "1700000002.000000"}]);
    app.interaction(pick).await;
    let responded = app.slack.wait_for("response_url", 2).await;
    assert_eq!(responded.len(), 2);
    let item = actions::by_id(&app.db.pool, id).await.unwrap().unwrap();
    assert_eq!(item.owner_slack_id.as_deref(), Some(SAM));
    assert!(visible_text(&responded[1].body).contains(&format!("<@{SAM}>")));
}

fn add_values(account: &str, title: &str, due: &str) -> Value {
    json!({
        "account": {"account": {"type": "plain_text_input", "value": account}},
        "title": {"title": {"type": "plain_text_input", "value": title}},
        "owner": {"owner": {"type": "users_select", "selected_user": SAM}},
        "due": {"due": {"type": "plain_text_input", "value": due}},
    })
}

#[tokio::test]
async fn the_add_item_form_shows_each_mistake_beside_its_field_and_writes_nothing() {
    let (app, _) = acme_app().await;
    let response = app.interaction(submission(DANA, "add_item", add_values("Nonesuch", "Run a workshop", "fridya"), "{}")).await;
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["response_action"], "errors");
    assert!(answer["errors"]["due"].as_str().unwrap().contains("fridya"), "{answer}");
    // the account is checked once the fields read well
    let response = app.interaction(submission(DANA, "add_item", add_values("Nonesuch", "Run a workshop", "friday"), "{}")).await;
    let answer: Value = response.json().await.unwrap();
    assert!(answer["errors"]["account"].as_str().unwrap().contains("Nonesuch"), "{answer}");
    assert_eq!(item_count(&app).await, 0);
}

#[tokio::test]
async fn a_valid_add_item_form_adds_the_item_closes_and_confirms() {
    let (app, acme) = acme_app().await;
    let response = app
        .interaction(submission(DANA, "add_item", add_values("acme", "Run a workshop", "in 2 weeks"), r#"{"channel":"C0ACME"}"#))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "", "an empty answer closes the modal");
    let (items, _) = actions::open_for_account(&app.db.pool, acme, 10).await.unwrap();
    let item = items.iter().find(|i| i.title == "Run a workshop").expect("added");
    assert_eq!(item.owner_slack_id.as_deref(), Some(SAM));
    let today = chrono::Utc::now().with_timezone(&chrono_tz::America::New_York).date_naive();
    assert_eq!(item.due_date, Some(today + chrono::Duration::days(14)));
    let confirmation = app.slack.wait_for("chat.postEphemeral", 1).await;
    assert_eq!(confirmation.len(), 1);
    assert_eq!(confirmation[0].body["channel"], "C0ACME");
    assert!(visible_text(&confirmation[0].body).contains("Run a workshop"));
}

#[tokio::test]
async fn settings_are_validated_and_saved() {
    let (app, _) = acme_app().await;
    let values = |tz: &str, quiet_end: Option<&str>| {
        json!({
            "tz": {"tz": {"type": "plain_text_input", "value": tz}},
            "quiet_start": {"quiet_start": {"type": "timepicker", "selected_time": "21:00"}},
            "quiet_end": {"quiet_end": {"type": "timepicker", "selected_time": quiet_end}},
            "working_days": {"working_days": {"type": "checkboxes", "selected_options": [
                {"value": "1", "text": {"type": "plain_text", "text": "Monday"}},
                {"value": "2", "text": {"type": "plain_text", "text": "Tuesday"}}]}},
            "digest": {"digest": {"type": "static_select", "selected_option": {"value": "weekly", "text": {"type": "plain_text", "text": "w"}}}},
            "digest_time": {"digest_time": {"type": "timepicker", "selected_time": "07:45"}},
            "digest_weekday": {"digest_weekday": {"type": "static_select", "selected_option": {"value": "5", "text": {"type": "plain_text", "text": "Friday"}}}},
            "notify": {"notify": {"type": "checkboxes", "selected_options": [{"value": "nudge", "text": {"type": "plain_text", "text": "n"}}]}},
        })
    };
    let bad = app.interaction(submission(DANA, "settings", values("Mars/Olympus", None), "{}")).await;
    let answer: Value = bad.json().await.unwrap();
    assert!(answer["errors"]["tz"].is_string(), "{answer}");
    assert!(answer["errors"]["quiet_end"].is_string(), "{answer}");
    let tz: String = sqlx::query_scalar("select tz from app_user where slack_id = $1").bind(DANA).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(tz, "America/New_York", "nothing saved");

    // A digest at 07:45 inside quiet hours until 08:00 would never come on time.
    let clash = app.interaction(submission(DANA, "settings", values("Europe/Berlin", Some("08:00")), "{}")).await;
    let answer: Value = clash.json().await.unwrap();
    assert!(answer["errors"]["digest_time"].as_str().is_some_and(|e| e.contains("21:00–08:00")), "{answer}");
    assert_eq!(answer["errors"].as_object().map(|e| e.len()), Some(1), "{answer}");

    let good = app.interaction(submission(DANA, "settings", values("Europe/Berlin", Some("07:00")), "{}")).await;
    assert_eq!(good.status(), 200);
    let saved: (String, Option<chrono::NaiveTime>, Vec<i16>, String, i16, Vec<String>) = sqlx::query_as(
        "select tz, quiet_end, working_days, digest, digest_weekday, dm_muted from app_user where slack_id = $1",
    )
    .bind(DANA)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(saved.0, "Europe/Berlin");
    assert_eq!(saved.1, chrono::NaiveTime::from_hms_opt(7, 0, 0));
    assert_eq!(saved.2, vec![1, 2]);
    assert_eq!((saved.3.as_str(), saved.4), ("weekly", 5));
    assert!(saved.5.contains(&"intel".to_string()) && !saved.5.contains(&"nudge".to_string()));
}

#[tokio::test]
async fn a_huge_account_summary_stays_within_slacks_limits() {
    let (app, acme) = acme_app().await;
    let long = "x".repeat(5000);
    sqlx::query("update plan set business_overview = $1, threats_risks = $1, goals_12m = $1").bind(&long).execute(&app.db.pool).await.unwrap();
    sqlx::query(
        "insert into action_item (plan_id, account_id, title, owner_id, due_date) \
         select p.plan_id, p.account_id, repeat('long title ', 40), t.user_id, date '2026-01-01' + g \
         from plan p join account_team t on t.account_id = p.account_id and t.role = 'owner', generate_series(1, 500) g",
    )
    .execute(&app.db.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into contact (account_id, name, title, influence, buying_role, sentiment, strength) \
         select $1, 'Contact ' || g, repeat('Vice President ', 30), 'high', \
                (array['champion','economic_buyer','blocker'])[1 + g % 3], 'detractor', 3 \
         from generate_series(1, 200) g",
    )
    .bind(acme)
    .execute(&app.db.pool)
    .await
    .unwrap();
    let reply = app.command_reply(DANA, "D0DANA", "summary acme").await;
    let problems = check_limits("chat.postMessage", &reply);
    assert!(problems.is_empty(), "{problems:?}");
    let text = visible_text(&reply);
    assert!(text.contains("overdue* of 500 open"), "the summary counts them all: {text}");
    // The full plan, behind the summary's button, is the long page.
    let caller = app.state.app.caller(DANA).await.unwrap();
    let full = app.state.app.part_by_id(&caller, &planbot::app::Place::Direct, acme, planbot::app::AccountPart::FullPlan, chrono::Utc::now()).await.unwrap();
    let full = json!({"text": full.content.text, "blocks": full.content.blocks});
    let problems = check_limits("chat.postMessage", &full);
    assert!(problems.is_empty(), "{problems:?}");
    let text = visible_text(&full);
    assert!(text.contains("more open items"), "long lists say how many more: {text}");
}

#[tokio::test]
async fn socket_mode_answers_a_command_through_the_same_handlers() {
    let app = crate::helpers::spawn_app_with(&["--slack-app-token", crate::fake_slack::APP_TOKEN]).await;
    let dana = slack_person(&app, DANA, "dana@example.com", None).await;
    account_with_plan(&app.db.pool, "Acme Corporation", &dana).await;
    app.slack.push_socket_envelope(json!({
        "envelope_id": "env-1",
        "type": "slash_commands",
        "accepts_response_payload": true,
        "payload": {
            "token": "ignored", "team_id": TEAM_ID, "team_domain": "test", "channel_id": "D0DANA",
            "channel_name": "directmessage", "user_id": DANA, "user_name": "dana", "command": "/plan",
            "text": "add acme: Call the CFO due friday", "api_app_id": "A0TEST",
            "response_url": app.slack.response_url("socket"), "trigger_id": "trigger-9",
        },
    }));
    let acks = app.slack.wait_for("socket_ack", 1).await;
    assert_eq!(acks.len(), 1, "Socket Mode acked the command");
    assert_eq!(acks[0].body["envelope_id"], "env-1");
    assert!(visible_text(&acks[0].body["payload"]).contains("Call the CFO"), "{}", acks[0].body);
    assert_eq!(item_count(&app).await, 1);
    assert!(!app.slack.calls_of("apps.connections.open").is_empty());
}

#[tokio::test]
async fn a_command_that_waits_on_a_slow_slack_is_acked_at_once_and_answered_later() {
    let app = spawn_app().await;
    // A first-time user: planbot must ask Slack who they are, and Slack is slow.
    app.slack.add_user("U0NEW", "new@example.com", "New Person", "Asia/Tokyo");
    app.slack.set_delay(std::time::Duration::from_millis(3500));
    let response = app.command("U0NEW", "D0NEW", "help").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "", "acknowledged without an answer");
    let late = app.slack.wait_for("response_url", 1).await;
    assert_eq!(late.len(), 1);
    assert!(visible_text(&late[0].body).contains("/plan add"), "{}", late[0].body);
    let tz: String = sqlx::query_scalar("select tz from app_user where slack_id = 'U0NEW'").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(tz, "Asia/Tokyo");
}

#[tokio::test]
async fn a_known_persons_time_zone_follows_slack_at_most_daily() {
    let (app, _) = acme_app().await;
    // Dana moved to Berlin; Slack knows, planbot has not asked in over a day.
    app.slack.add_user(DANA, "dana@example.com", "dana", "Europe/Berlin");
    sqlx::query("update app_user set slack_synced_at = now() - interval '25 hours' where slack_id = $1")
        .bind(DANA)
        .execute(&app.db.pool)
        .await
        .unwrap();
    app.command_reply(DANA, "D0DANA", "help").await;
    app.slack.wait_for("users.info", 1).await;
    let mut tz = String::new();
    for _ in 0..50 {
        tz = sqlx::query_scalar("select tz from app_user where slack_id = $1").bind(DANA).fetch_one(&app.db.pool).await.unwrap();
        if tz == "Europe/Berlin" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(tz, "Europe/Berlin");
    // Asked again within the day, planbot does not bother Slack.
    app.command_reply(DANA, "D0DANA", "help").await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(app.slack.calls_of("users.info").len(), 1);
}

#[tokio::test]
async fn a_time_zone_chosen_in_settings_is_not_overridden_by_slack() {
    let (app, _) = acme_app().await;
    let user_id: i64 = sqlx::query_scalar("select user_id from app_user where slack_id = $1").bind(DANA).fetch_one(&app.db.pool).await.unwrap();
    let preferences = planbot::store::users::Preferences {
        tz: "Asia/Tokyo".into(),
        quiet_hours: None,
        working_days: vec![1, 2, 3, 4, 5],
        digest: planbot::domain::enums::DigestFrequency::Off,
        digest_time: chrono::NaiveTime::from_hms_opt(8, 30, 0).unwrap(),
        digest_weekday: 1,
        dm_muted: vec![],
    };
    planbot::store::users::set_preferences(&app.db.pool, user_id, &preferences).await.unwrap();
    // Slack still says New York.
    planbot::store::users::record_slack_sync(&app.db.pool, user_id, Some("America/New_York")).await.unwrap();
    let tz: String = sqlx::query_scalar("select tz from app_user where user_id = $1").bind(user_id).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(tz, "Asia/Tokyo");
}

#[tokio::test]
async fn repeated_adds_read_dates_in_the_callers_zone_as_it_is_now_and_see_only_what_they_may() {
    let (app, acme) = acme_app().await;
    let due_of = |reply: &Value| assert!(visible_text(reply).contains("Added"), "{reply}");
    let tomorrow_in = |tz: chrono_tz::Tz| chrono::Utc::now().with_timezone(&tz).date_naive() + chrono::Duration::days(1);

    // The first add looks Dana up; the second is answered the short way.
    due_of(&app.command_reply(DANA, "D0DANA", "add Acme Corporation: First due tomorrow").await);
    due_of(&app.command_reply(DANA, "D0DANA", "add acme corporation: Second <@U0SAM> due tomorrow").await);
    for title in ["First", "Second"] {
        let due: Option<chrono::NaiveDate> = sqlx::query_scalar("select due_date from action_item where title = $1")
            .bind(title)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        assert_eq!(due, Some(tomorrow_in(chrono_tz::America::New_York)), "{title}");
    }
    let owner: Option<String> = sqlx::query_scalar(
        "select u.slack_id from action_item i join app_user u on u.user_id = i.owner_id where i.title = 'Second'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(owner.as_deref(), Some(SAM));

    // Dana flies to Kiritimati (UTC+14) and says so in another replica's
    // settings: "tomorrow" is read on her new clock at once.
    sqlx::query("update app_user set tz = 'Pacific/Kiritimati' where slack_id = $1").bind(DANA).execute(&app.db.pool).await.unwrap();
    due_of(&app.command_reply(DANA, "D0DANA", "add Acme Corporation: Third due tomorrow").await);
    let third: Option<chrono::NaiveDate> =
        sqlx::query_scalar("select due_date from action_item where title = 'Third'").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(third, Some(tomorrow_in(chrono_tz::Pacific::Kiritimati)));

    // Her zone now known again, the next add is written by the lookup's own
    // statement; the same item again, or a day already past, is asked about
    // first and writes nothing.
    due_of(&app.command_reply(DANA, "D0DANA", "add Acme Corporation: Fourth due tomorrow").await);
    let fourth: Option<chrono::NaiveDate> =
        sqlx::query_scalar("select due_date from action_item where title = 'Fourth'").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(fourth, Some(tomorrow_in(chrono_tz::Pacific::Kiritimati)));
    let again = app.command_reply(DANA, "D0DANA", "add Acme Corporation: fourth due tomorrow").await;
    assert!(visible_text(&again).contains("already has"), "{again}");
    let yesterday = tomorrow_in(chrono_tz::Pacific::Kiritimati) - chrono::Duration::days(2);
    let late = app.command_reply(DANA, "D0DANA", &format!("add Acme Corporation: Late due {yesterday}")).await;
    assert!(visible_text(&late).contains("in the past"), "{late}");

    // Eve, on no team, gets the same answer as for an account that does not exist, twice.
    for _ in 0..2 {
        let reply = app.command_reply(EVE, "D0EVE", "add Acme Corporation: Sneak in").await;
        assert!(visible_text(&reply).contains("couldn't find"), "{reply}");
    }
    // Sam leaves the team: his next add is refused like Eve's, although this
    // replica remembers, from his second add, that he could see Acme (his
    // third add was written from that memory).
    let from_memory = app.state.app.adds_from_memory();
    // `/metrics` counts the statements of remembered adds and the adds they
    // carried (other tests in this process may add to both, never take away).
    let remembered = |metrics: &str, name: &str| -> u64 {
        let line = format!("{name}{{batcher=\"remembered_adds\"}} ");
        metrics.lines().find_map(|l| l.strip_prefix(line.as_str())?.trim().parse().ok()).unwrap_or(0)
    };
    let metrics_before = app.http.get(format!("{}/metrics", app.url)).send().await.unwrap().text().await.unwrap();
    for title in ["Sam's item", "Sam's second", "Sam's third"] {
        due_of(&app.command_reply(SAM, "D0SAM", &format!("add Acme Corporation: {title}")).await);
    }
    assert_eq!(app.state.app.adds_from_memory(), from_memory + 1, "his third add was written from memory");
    let metrics_after = app.http.get(format!("{}/metrics", app.url)).send().await.unwrap().text().await.unwrap();
    for name in ["planbot_batches_total", "planbot_batched_requests_total"] {
        assert!(remembered(&metrics_after, name) > remembered(&metrics_before, name), "{name} counts the remembered add: {metrics_after}");
    }
    sqlx::query("delete from account_team where account_id = $1 and user_id = (select user_id from app_user where slack_id = $2)")
        .bind(acme)
        .bind(SAM)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let reply = app.command_reply(SAM, "D0SAM", "add Acme Corporation: After leaving").await;
    assert!(visible_text(&reply).contains("couldn't find"), "{reply}");
    assert_eq!(app.state.app.adds_from_memory(), from_memory + 1);
    assert_eq!(item_count(&app).await, 7);
    // One audit row per item, naming who added it, from Slack.
    let authors: Vec<(String, Option<i64>)> = sqlx::query_as(
        "select i.title, h.actor_id from audit h join action_item i on i.action_item_id = h.entity_id \
         where h.entity = 'action_item' and h.action = 'insert' and h.actor_source = 'slack' order by i.action_item_id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let dana: i64 = sqlx::query_scalar("select user_id from app_user where slack_id = $1").bind(DANA).fetch_one(&app.db.pool).await.unwrap();
    let sam: i64 = sqlx::query_scalar("select user_id from app_user where slack_id = $1").bind(SAM).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(
        authors,
        [
            ("First".to_string(), Some(dana)),
            ("Second".to_string(), Some(dana)),
            ("Third".to_string(), Some(dana)),
            ("Fourth".to_string(), Some(dana)),
            ("Sam's item".to_string(), Some(sam)),
            ("Sam's second".to_string(), Some(sam)),
            ("Sam's third".to_string(), Some(sam)),
        ]
    );
}

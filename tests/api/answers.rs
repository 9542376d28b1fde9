//! The summary at a glance, its buttons, and the specific answers about an
//! account: the right facts, and nothing of an account the asker may not see.

use chrono::{Duration, NaiveDate, Utc};
use planbot::app::{AccountItems, Place};
use planbot::domain::enums::{IntelCategory, TeamRole};
use planbot::render::summary::action_ids;
use planbot::store::accounts::{self, Account};
use serde_json::{Value, json};

use crate::fake_slack::check_limits;
use crate::helpers::{TestApp, account_with_plan, join_team, seed_acme_and_wayne, shown_lines, slack_person, spawn_app, visible_text};

const DANA: &str = "U0DANA";
const SAM: &str = "U0SAM";
const EVE: &str = "U0EVE";

/// Dana's today (the test people live in New York).
fn today() -> NaiveDate {
    Utc::now().with_timezone(&chrono_tz::America::New_York).date_naive()
}

fn long_date(date: NaiveDate) -> String {
    date.format("%b %-d, %Y").to_string()
}

/// Acme (Dana owns it, Sam is its SA) with a full picture, and Wayne (Eve's)
/// with facts that must never show up in Dana's answers.
async fn seeded() -> (TestApp, Account, Account) {
    let app = spawn_app().await;
    let dana = slack_person(&app, DANA, "dana@example.com", None).await;
    let sam = slack_person(&app, SAM, "sam@example.com", None).await;
    let eve = slack_person(&app, EVE, "eve@example.com", None).await;
    let (acme, _) = account_with_plan(&app.db.pool, "Acme Corporation", &dana).await;
    join_team(&app.db.pool, &acme, &sam, TeamRole::Sa).await;
    let (wayne, _) = account_with_plan(&app.db.pool, "Wayne Enterprises", &eve).await;
    let pool = &app.db.pool;
    seed_acme_and_wayne(pool, &acme, &wayne, [&dana, &sam, &eve], today()).await;
    let acme = accounts::by_id(pool, acme.account_id).await.unwrap().unwrap();
    let wayne = accounts::by_id(pool, wayne.account_id).await.unwrap().unwrap();
    (app, acme, wayne)
}

fn button_ids(message: &Value) -> Vec<String> {
    message["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().unwrap().iter())
        .map(|e| e["action_id"].as_str().unwrap().to_string())
        .collect()
}

fn assert_nothing_of_wayne(text: &str) {
    assert!(!text.contains("Wayne"), "another account's facts leaked: {text}");
}

/// A click on a summary button in Dana's (or Eve's) DM.
fn click(user: &str, channel: &str, action_id: &str, value: &str) -> Value {
    let mut click = crate::helpers::button_click(user, channel, action_id, value);
    click["response_url"] = json!("http://127.0.0.1:9/unused");
    click["actions"][0]["block_id"] = json!(format!("summary:{value}"));
    click
}

/// Clicks a button and returns what planbot posted in answer.
async fn click_answer(app: &TestApp, user: &str, channel: &str, action_id: &str, value: &str) -> Value {
    let before = app.slack.calls_of("chat.postMessage").len();
    let response = app.interaction(click(user, channel, action_id, value)).await;
    assert_eq!(response.status(), 200);
    let posted = app.slack.wait_for("chat.postMessage", before + 1).await;
    assert!(posted.len() > before, "{action_id}: nothing was posted");
    posted[before].body.clone()
}

#[tokio::test]
async fn the_summary_is_a_dozen_lines_of_facts_with_a_button_for_each_part() {
    let (app, acme, _) = seeded().await;
    let reply = app.command_reply(DANA, "D0DANA", "summary acme").await;
    assert!(check_limits("chat.postMessage", &reply).is_empty(), "{:?}", check_limits("chat.postMessage", &reply));
    let lines = shown_lines(&reply);
    assert!(lines.len() <= 12, "{} lines:\n{}", lines.len(), lines.join("\n"));
    let text = lines.join("\n").replace('*', "");
    assert_eq!(lines[0], "Acme Corporation");
    let today = today();
    assert!(text.contains(&format!("Owner <@{DANA}>")), "{text}");
    assert!(text.contains(&format!("renews {}, in 87 days", long_date(today + Duration::days(87)))), "{text}");
    assert!(text.contains("Plan: Expand FY27 (opportunity) · due "), "{text}");
    assert!(text.contains("2 overdue of 3 open · most overdue: `#") && text.contains("Send the renewal quote"), "{text}");
    assert!(text.contains("Top risk: Competitor Zeta is pushing a cheaper bundle."), "{text}");
    assert!(!text.contains("Budget freeze"), "only the top risk: {text}");
    assert!(text.contains("Champion: Jane Doe (VP Engineering)"), "{text}");
    assert!(text.contains("Detractor: Raymond Kowalski (CISO)"), "{text}");
    assert!(text.contains("Single-threaded: 1 high-influence contact at the company"), "{text}");
    assert!(text.contains("Sponsor left: Old Sponsor (economic buyer)"), "{text}");
    assert!(text.contains("Whitespace: Jenkins (verify) contract ends") && text.contains("in 57 days"), "{text}");
    assert!(!text.contains("Jira"), "a contract ending after 180 days is not called out: {text}");
    assert!(text.contains("News: <https://news.example.com/f|Acme raises a Series F>"), "{text}");
    assert_nothing_of_wayne(&text);
    assert_eq!(
        button_ids(&reply),
        [
            action_ids::FULL_PLAN,
            action_ids::LIST_ACTIONS,
            action_ids::PEOPLE,
            action_ids::WHITESPACE,
            planbot::render::editing::action_ids::PICTURE_PEOPLE,
            planbot::render::editing::action_ids::PICTURE_WHITESPACE,
            action_ids::NEWS,
            action_ids::WHAT_CHANGED,
            action_ids::ADD_ITEM
        ]
    );
    let values: Vec<&str> = reply["blocks"].as_array().unwrap().iter().filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().unwrap().iter()).map(|e| e["value"].as_str().unwrap()).collect();
    assert!(values.iter().all(|v| *v == acme.account_id.to_string()), "{values:?}");
}

#[tokio::test]
async fn the_summary_buttons_open_each_part_in_full() {
    let (app, acme, _) = seeded().await;
    let id = acme.account_id.to_string();

    let plan = click_answer(&app, DANA, "D0DANA", action_ids::FULL_PLAN, &id).await;
    let text = visible_text(&plan);
    assert!(text.contains("Budget freeze") && text.contains("Coverage:"), "{text}");
    assert!(shown_lines(&plan).len() > 12, "the full plan is the long page");

    let people = visible_text(&click_answer(&app, DANA, "D0DANA", action_ids::PEOPLE, &id).await);
    let jane = people.find("Jane Doe").expect(&people);
    let lee = people.find("Lee Low").expect(&people);
    assert!(jane < lee, "high influence first: {people}");
    assert!(people.contains("champion · :large_green_circle: promoter · ours: <@U0SAM>"), "{people}");
    assert!(people.contains("~Old Sponsor~ _left the company_"), "{people}");
    assert!(people.contains("Single-threaded"), "{people}");
    assert_nothing_of_wayne(&people);

    let whitespace = visible_text(&click_answer(&app, DANA, "D0DANA", action_ids::WHITESPACE, &id).await);
    let jira = whitespace.find("*Plan*: Jira").expect(&whitespace);
    let jenkins = whitespace.find("*Verify*: Jenkins").expect(&whitespace);
    assert!(jira < jenkins, "by stage: {whitespace}");
    assert!(whitespace.contains("$200k/yr") && whitespace.contains(":alarm_clock: _within 180 days_"), "{whitespace}");
    assert_eq!(whitespace.matches(":alarm_clock:").count(), 1, "{whitespace}");
    assert!(whitespace.contains("appetite to replace: high"), "{whitespace}");
    assert_nothing_of_wayne(&whitespace);

    let news = visible_text(&click_answer(&app, DANA, "D0DANA", action_ids::NEWS, &id).await);
    let series_f = news.find("Acme raises a Series F").expect(&news);
    let cto = news.find("Acme names a new CTO").expect(&news);
    assert!(series_f < cto, "newest first: {news}");
    assert_nothing_of_wayne(&news);

    let items = click_answer(&app, DANA, "D0DANA", action_ids::LIST_ACTIONS, &id).await;
    let text = visible_text(&items);
    assert!(text.contains("Open action items of Acme Corporation* · 3"), "{text}");
    assert!(text.contains("Run the security workshop"), "everyone's items, not only mine: {text}");
    assert_nothing_of_wayne(&text);
    assert!(app.slack.violations().is_empty(), "{:?}", app.slack.violations());
}

#[tokio::test]
async fn a_button_for_an_account_one_may_not_see_answers_as_for_one_that_does_not_exist() {
    let (app, acme, _) = seeded().await;
    for action in [action_ids::PEOPLE, action_ids::FULL_PLAN, action_ids::NEWS, action_ids::WHITESPACE, action_ids::LIST_ACTIONS] {
        let hidden = visible_text(&click_answer(&app, EVE, "D0EVE", action, &acme.account_id.to_string()).await);
        let missing = visible_text(&click_answer(&app, EVE, "D0EVE", action, "987654").await);
        assert_eq!(hidden, missing, "{action}");
        assert!(hidden.contains("couldn't find that account"), "{hidden}");
        assert!(!hidden.contains("Jane") && !hidden.contains("Acme"), "{hidden}");
    }
}

#[tokio::test]
async fn the_specific_answers_carry_the_facts() {
    let (app, acme, _) = seeded().await;
    let assistant = &app.state.app;
    let dana = assistant.caller(DANA).await.unwrap();
    let now = Utc::now();
    let today = today();
    let place = Place::Direct;
    let text = |reply: planbot::app::Reply| {
        let shown = visible_text(&serde_json::json!({"text": reply.content.text, "blocks": reply.content.blocks}));
        assert_nothing_of_wayne(&shown);
        shown
    };

    let renewal = text(assistant.renewal(&dana, &place, &acme, now).await.unwrap());
    assert!(
        renewal.contains(&format!(
            "*Acme Corporation* renews on {}, in 87 days; active plan: Expand FY27 (opportunity), due {}, in 60 days.",
            long_date(today + Duration::days(87)),
            long_date(today + Duration::days(60))
        )),
        "{renewal}"
    );

    let risks = text(assistant.risks(&dana, &place, &acme, now).await.unwrap());
    assert!(risks.contains("• Competitor Zeta is pushing a cheaper bundle.") && risks.contains("• Budget freeze in Q2."), "{risks}");
    assert!(risks.contains(":warning: Old Sponsor (CIO) (economic buyer) left the company on"), "{risks}");

    let goals = text(assistant.goals(&dana, &place, &acme, now).await.unwrap());
    assert!(goals.contains("*6 months:* Land the platform team"), "{goals}");
    assert!(goals.contains("*12 months:* Expand to EMEA") && goals.contains("*18 months:* _not written yet_"), "{goals}");

    let team = text(assistant.team(&dana, &place, &acme, now).await.unwrap());
    assert!(team.contains(&format!("• Owner: <@{DANA}>")) && team.contains(&format!("• SA: <@{SAM}>")), "{team}");
    assert!(!team.contains(EVE), "{team}");

    let champions = text(assistant.people(&dana, &place, &acme, true, now).await.unwrap());
    assert!(champions.contains("Champions at Acme Corporation* · 1") && champions.contains("Jane Doe"), "{champions}");
    assert!(!champions.contains("Raymond"), "{champions}");

    let funding = text(assistant.news(&dana, &place, &acme, Some(IntelCategory::Funding), now).await.unwrap());
    assert!(funding.contains("Funding news about Acme Corporation* · 1") && funding.contains("Series F"), "{funding}");
    assert!(!funding.contains("new CTO"), "{funding}");

    // Overdue means the account's overdue items, whoever owns them.
    let overdue = text(assistant.account_actions(&dana, &place, &acme, AccountItems::Overdue, now).await.unwrap());
    assert!(overdue.contains("Overdue action items of Acme Corporation* · 2"), "{overdue}");
    assert!(overdue.contains("Send the renewal quote") && overdue.contains("Run the security workshop"), "{overdue}");
    assert!(!overdue.contains("Book the QBR"), "{overdue}");

    // `/plan actions acme overdue` lists the same.
    let reply = app.command_reply(DANA, "D0DANA", "actions acme overdue").await;
    let shown = visible_text(&reply);
    assert!(shown.contains("Overdue action items of Acme Corporation* · 2"), "{shown}");

    // A channel not linked to the account gets the answer privately.
    let channel = Place::Channel("C0GENERAL".into());
    assert!(assistant.renewal(&dana, &channel, &acme, now).await.unwrap().ephemeral);
    assert!(!assistant.renewal(&dana, &place, &acme, now).await.unwrap().ephemeral);
    // The visible-account helper hides Wayne from Dana.
    let wayne_id: i64 = sqlx::query_scalar("select account_id from account where name = 'Wayne Enterprises'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(assistant.visible_account(&dana, wayne_id).await.unwrap().is_none());
    assert!(accounts::visible_by_id(&app.db.pool, dana.viewer(), acme.account_id).await.unwrap().is_some());
}

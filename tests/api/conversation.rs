//! What people type to planbot in a DM, and what they get back.

use std::sync::Arc;

use planbot::app::{App, Background, Place};
use planbot::config::Secret;
use planbot::domain::enums::TeamRole;
use planbot::slack::client::SlackHttp;
use planbot::store::Actor;
use planbot::store::actions::{self, NewAction};
use serde_json::Value;

use crate::fake_slack::{BOT_TOKEN, FakeSlack};
use crate::helpers::{TestDb, account_with_plan, join_team, person, visible_text};

#[derive(Debug, Clone, Copy)]
enum Expect {
    /// The summary of this account.
    Summary(&'static str),
    /// The list of the caller's accounts with a button each.
    MyAccounts,
    /// A choice between accounts that fit the name.
    Choice,
    Overdue,
    Open,
    ThisWeek,
    Help,
    Greeting,
    NotFound,
    NotUnderstood,
    Thanks,
}

fn check(expect: Expect, said: &str, reply: &Value) {
    let text = visible_text(reply).replace('*', "");
    let header = reply["blocks"][0]["text"]["text"].as_str().unwrap_or_default();
    let ok = match expect {
        Expect::Summary(name) => reply["blocks"][0]["type"] == "header" && header == name && text.contains("Plan:"),
        Expect::MyAccounts => text.contains("Your 4 accounts") && text.matches("Summary").count() >= 4,
        Expect::Choice => text.contains("More than one account matches") && text.contains("United Airlines") && text.contains("United Health"),
        Expect::Overdue => text.contains("Your overdue action items · 1") && text.contains("Chase the signed order form"),
        Expect::Open => text.contains("Your open action items · 3"),
        Expect::ThisWeek => {
            text.contains("due this week") && text.contains("Prepare the QBR deck") && !text.contains("FY28 kickoff")
        }
        Expect::Help => text.contains("Here's what I can do"),
        Expect::Greeting => text.starts_with("Hi") && text.contains("summarize my account"),
        Expect::Thanks => text.contains("welcome") && !text.contains("Here's what I can do"),
        Expect::NotFound => text.contains("I couldn't find an account called"),
        Expect::NotUnderstood => text.contains("Sorry, I didn't catch that"),
    };
    assert!(ok, "“{said}” should give {expect:?}, got:\n{text}");
}

#[tokio::test]
async fn people_get_the_right_answer_however_they_phrase_it() {
    let db = TestDb::new().await;
    let slack = FakeSlack::start().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let sam = person(&db.pool, "sam@example.com", None).await;
    let eve = person(&db.pool, "eve@example.com", None).await;
    let (acme, _) = account_with_plan(&db.pool, "Acme Corporation", &dana).await;
    join_team(&db.pool, &acme, &sam, TeamRole::Sa).await;
    for name in ["Globex Industries", "United Airlines", "United Health"] {
        account_with_plan(&db.pool, name, &sam).await;
    }
    account_with_plan(&db.pool, "Wayne Enterprises", &eve).await;
    let today = chrono::Utc::now().with_timezone(&chrono_tz::America::New_York).date_naive();
    for (title, days) in [("Chase the signed order form", -3), ("Prepare the QBR deck", 0), ("Plan the FY28 kickoff", 60)] {
        let new = NewAction { account_id: acme.account_id, title: title.into(), owner_id: dana.user_id, due_date: Some(today + chrono::Duration::days(days)) };
        actions::add(&db.pool, &new, Actor::SYSTEM).await.unwrap();
    }

    let client = SlackHttp::new(&slack.api_url, &Secret::new(BOT_TOKEN)).unwrap();
    let assistant = App::new(db.pool.clone(), Arc::new(client), Vec::new(), Background::default());
    let dana = assistant.caller(dana.slack_id.as_deref().unwrap()).await.unwrap();
    let sam = assistant.caller(sam.slack_id.as_deref().unwrap()).await.unwrap();

    use Expect::*;
    let table: &[(&str, Expect)] = &[
        ("summarize my account", Summary("Acme Corporation")),
        ("Summarize my accounts", Summary("Acme Corporation")),
        ("give me a summary of an account I own", Summary("Acme Corporation")),
        ("my accounts", Summary("Acme Corporation")),
        ("give me a summary of Acme", Summary("Acme Corporation")),
        ("how is acme doing?", Summary("Acme Corporation")),
        ("summary of Acme Corp", Summary("Acme Corporation")),
        ("SUMMARY OF ACME CORPORATION", Summary("Acme Corporation")),
        ("sumary of acme", Summary("Acme Corporation")),
        ("summarise acme inc.", Summary("Acme Corporation")),
        ("how's acmee looking", Summary("Acme Corporation")),
        ("tell me about Acme", Summary("Acme Corporation")),
        ("what's going on with acme?", Summary("Acme Corporation")),
        ("acme summary", Summary("Acme Corporation")),
        ("status of acme", Summary("Acme Corporation")),
        ("brief me on acme corporation", Summary("Acme Corporation")),
        ("acme", Summary("Acme Corporation")),
        ("Acme Corp.", Summary("Acme Corporation")),
        ("can you summarize acme please", Summary("Acme Corporation")),
        ("account summary for acme", Summary("Acme Corporation")),
        ("<@U0BOT> summarize my account", Summary("Acme Corporation")),
        ("what's overdue", Overdue),
        ("whats overdue?", Overdue),
        ("overdue items", Overdue),
        ("my overdue action items", Overdue),
        ("my action items", Open),
        ("what do I have open", Open),
        ("my todos", Open),
        ("show my tasks", Open),
        ("what's due this week", ThisWeek),
        ("due this week", ThisWeek),
        ("help", Help),
        ("what can you do", Help),
        ("how do I use this", Help),
        ("?", Help),
        ("hi", Greeting),
        ("thanks!", Thanks),
        ("summary of globex", NotFound),
        ("how is wayne doing", NotFound),
        ("lunch plans?", NotUnderstood),
    ];
    for (said, expect) in table {
        let reply = assistant.converse(&dana, &Place::Direct, said, chrono::Utc::now()).await.unwrap();
        check(*expect, said, &serde_json::to_value(&reply.content).unwrap());
    }

    let sams: &[(&str, Expect)] = &[
        ("summarize my account", MyAccounts),
        ("how is united doing", Choice),
        ("summary of globex", Summary("Globex Industries")),
        ("How is GLOBEX INDUSTRIES doing?", Summary("Globex Industries")),
        ("united health", Summary("United Health")),
        ("summary of united airlnes", Summary("United Airlines")),
    ];
    for (said, expect) in sams {
        let reply = assistant.converse(&sam, &Place::Direct, said, chrono::Utc::now()).await.unwrap();
        check(*expect, said, &serde_json::to_value(&reply.content).unwrap());
    }
    assert!(table.len() + sams.len() >= 40);
    assert!(slack.violations().is_empty());
}

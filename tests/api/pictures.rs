//! The account's pictures in Slack: asked for in words or with a button,
//! uploaded with Slack's external upload (get a URL, POST the bytes,
//! complete into a conversation) through the outbox, once, where the access
//! rules allow.

use std::time::Duration;

use planbot::domain::exchange::Picture;
use serde_json::{Value, json};

use crate::fake_slack::Share;
use crate::helpers::{TestApp, visible_text};

const DANA: &str = "U0DANA";
const SAM: &str = "U0SAM";
const EVE: &str = "U0EVE";

/// Acme with five contacts in a reports-to tree (one who left, one without
/// a manager) and two whitespace rows, one contract ending soon.
async fn acme_with_a_map() -> (TestApp, i64) {
    let (app, acme, _) = crate::helpers::acme_team_app().await;
    sqlx::query(
        "with ceo as (insert into contact (account_id, name, title, influence, buying_role, sentiment, strength) \
                      values ($1, 'Grace Hopper', 'CEO', 'high', 'economic_buyer', 'neutral', 2) returning contact_id), \
              cto as (insert into contact (account_id, name, title, influence, buying_role, sentiment, strength, reports_to_id, relationship_owner_id) \
                      select $1, 'Hannah Okafor', 'CTO', 'high', 'champion', 'promoter', 4, contact_id, \
                             (select user_id from app_user where slack_id = 'U0DANA') from ceo returning contact_id) \
         insert into contact (account_id, name, title, influence, buying_role, sentiment, reports_to_id, departed_at) \
         select $1, n, t, 'medium', r, s, cto.contact_id, d \
         from cto, (values ('Omar Haddad', 'VP Engineering', 'technical_buyer', 'neutral', null::timestamptz), \
                           ('Lena Park', 'Head of Security', 'blocker', 'detractor', now() - interval '3 days')) as v (n, t, r, s, d)",
    )
    .bind(acme)
    .execute(&app.db.pool)
    .await
    .unwrap();
    sqlx::query("insert into contact (account_id, name, title, sentiment) values ($1, 'Ravi Shah', 'Procurement', 'neutral')")
        .bind(acme)
        .execute(&app.db.pool)
        .await
        .unwrap();
    sqlx::query(
        "insert into whitespace (account_id, stage, vendor, annual_spend, contract_end, appetite) \
         values ($1, 'verify', 'Jenkins', 80000, current_date + 60, 'high'), ($1, 'plan', 'Jira', 120000, null, 'low')",
    )
    .bind(acme)
    .execute(&app.db.pool)
    .await
    .unwrap();
    (app, acme)
}

fn dm(user: &str, text: &str, ts: &str) -> Value {
    json!({"type": "message", "channel_type": "im", "channel": format!("D{user}"), "user": user, "text": text, "ts": ts})
}

fn click(user: &str, channel: &str, action_id: &str, value: &str) -> Value {
    crate::helpers::button_click(user, channel, action_id, value)
}

/// Waits until `count` files were shared (or 10 s pass), then a little
/// longer, so a second share of the same picture would be seen too.
async fn shares(app: &TestApp, count: usize) -> Vec<Share> {
    app.slack.wait_for("files.completeUploadExternal", count).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    app.slack.shares()
}

/// A PNG's width and height, after checking it decodes.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(bytes).expect("a PNG that decodes");
    (pixmap.width(), pixmap.height())
}

/// Every reply text posted or sent back so far.
fn said(app: &TestApp) -> Vec<String> {
    app.slack
        .calls()
        .iter()
        .filter(|c| matches!(c.method.as_str(), "chat.postMessage" | "chat.postEphemeral" | "response_url"))
        .map(|c| visible_text(&c.body))
        .collect()
}

#[tokio::test]
async fn a_relationship_map_asked_for_in_a_dm_is_uploaded_once_into_the_dm_as_a_png_with_alt_text() {
    let (app, _) = acme_with_a_map().await;
    app.event("Ev1", dm(DANA, "show acme's relationship map", "1700000000.000100")).await;

    let shared = shares(&app, 1).await;
    assert_eq!(shared.len(), 1, "{shared:?}");
    let share = &shared[0];
    // planbot's DM with Dana, opened with conversations.open (a user id is refused).
    assert_eq!(share.channel, format!("D{DANA}"));
    assert!(share.file_id.starts_with('F'), "{share:?}");
    assert_eq!(share.file.filename, "acme-corporation-relationships.png");
    assert_eq!(share.title.as_deref(), Some("Acme Corporation — relationship map"));
    let alt = share.file.alt_txt.clone().unwrap_or_default();
    assert!(alt.starts_with("Relationship map of Acme Corporation: 4 contacts"), "{alt}");
    assert!(alt.contains("champion: Hannah Okafor") && alt.contains("1 who left"), "{alt}");
    let bytes = share.file.bytes.clone().expect("the bytes were uploaded");
    assert_eq!(bytes.len(), share.file.length);
    let (width, height) = png_size(&bytes);
    assert!((400..=1100).contains(&width) && height >= 250, "{width}×{height}");

    let texts = said(&app);
    assert!(texts.iter().any(|t| t.contains("Drawing the relationship map of *Acme Corporation*; it will appear here")), "{texts:?}");
    let calls = app.slack.calls();
    let answered = calls.iter().position(|c| c.method == "chat.postMessage" && visible_text(&c.body).contains("Drawing")).unwrap();
    let shared_at = calls.iter().position(|c| c.method == "files.completeUploadExternal").unwrap();
    assert!(answered < shared_at, "the answer saying it is coming comes first");
    let sent: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select sent_at from outbox where kind = 'picture'").fetch_one(&app.db.pool).await.unwrap();
    assert!(sent.is_some(), "the upload is marked sent in the outbox");
    assert_eq!(app.slack.calls_of("files.getUploadURLExternal").len(), 1);
    assert!(app.slack.violations().is_empty(), "{:?}", app.slack.violations());
}

#[tokio::test]
async fn the_words_for_each_picture_are_understood_and_the_whitespace_map_shows_its_grid() {
    let (app, _) = acme_with_a_map().await;
    app.event("Ev1", dm(DANA, "acme people map", "1700000000.000100")).await;
    app.event("Ev2", dm(SAM, "whitespace map for acme", "1700000000.000200")).await;
    let shared = shares(&app, 2).await;
    assert_eq!(shared.len(), 2, "{shared:?}");
    let people = shared.iter().find(|s| s.file.filename.ends_with("-relationships.png")).expect("the people map");
    assert_eq!(people.channel, format!("D{DANA}"));
    let whitespace = shared.iter().find(|s| s.file.filename.ends_with("-whitespace.png")).expect("the whitespace map");
    assert_eq!(whitespace.channel, format!("D{SAM}"));
    let alt = whitespace.file.alt_txt.clone().unwrap_or_default();
    assert!(alt.starts_with("Whitespace map of Acme Corporation: 2 incumbent vendors"), "{alt}");
    assert!(alt.contains("contracts ending within 180 days: Jenkins (Verify)") && alt.contains("high appetite to replace: Jenkins"), "{alt}");
    let (width, _) = png_size(whitespace.file.bytes.as_deref().unwrap());
    assert!(width >= 700, "{width}");
}

#[tokio::test]
async fn buttons_send_the_picture_to_the_linked_channel_there_and_to_the_dm_elsewhere_and_outsiders_get_nothing() {
    let (app, acme) = acme_with_a_map().await;
    sqlx::query("update account set slack_channel = 'C0ACME' where account_id = $1").bind(acme).execute(&app.db.pool).await.unwrap();
    let id = acme.to_string();

    // The summary and `/plan whitespace` carry the buttons.
    let summary = app.command_reply(SAM, "C0ACME", "summary Acme").await;
    assert!(summary.to_string().contains("plan.picture_people") && summary.to_string().contains("plan.picture_whitespace"), "{summary}");
    let map = app.command_reply(SAM, "C0ACME", "whitespace Acme").await;
    assert!(map.to_string().contains("plan.picture_whitespace"), "{map}");
    let people = app.command_reply(SAM, "C0ACME", "people Acme").await;
    assert!(people.to_string().contains("plan.picture_people"), "{people}");

    app.interaction(click(SAM, "C0ACME", "plan.picture_whitespace", &id)).await;
    app.interaction(click(SAM, "C0OTHER", "plan.picture_people", &id)).await;
    app.interaction(click(EVE, "C0ACME", "plan.picture_people", &id)).await;
    let shared = shares(&app, 2).await;
    assert_eq!(shared.len(), 2, "{shared:?}");
    let whitespace = shared.iter().find(|s| s.file.filename.ends_with("-whitespace.png")).unwrap();
    assert_eq!(whitespace.channel, "C0ACME", "asked in the account's channel: shared there");
    assert!(whitespace.comment.as_deref().unwrap_or_default().contains("<@U0SAM>"), "{whitespace:?}");
    let people = shared.iter().find(|s| s.file.filename.ends_with("-relationships.png")).unwrap();
    assert_eq!(people.channel, format!("D{SAM}"), "asked elsewhere: only the asker sees it");
    let texts = said(&app);
    assert!(texts.iter().any(|t| t.contains("it will appear in your DM with me")), "{texts:?} {:#?}", app.slack.calls().iter().map(|c| (c.method.clone(), c.body.get("channel").cloned())).collect::<Vec<_>>());
    assert!(texts.iter().any(|t| t.contains("I couldn't find that account among the accounts you can see.")), "{texts:?}");
    assert!(!shared.iter().any(|s| s.channel.contains(EVE)));
}

#[tokio::test]
async fn asking_twice_at_once_sends_one_picture() {
    let (app, acme) = acme_with_a_map().await;
    // Both asks in one half-minute window of the clock (the dedupe key's), not either side of its end.
    while chrono::Utc::now().timestamp() % 30 > 24 {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.interaction(click(DANA, "D0DANA", "plan.picture_people", &acme.to_string())).await;
    app.event("Ev1", dm(DANA, "relationship map for acme", "1700000000.000100")).await;
    let shared = shares(&app, 1).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(app.slack.shares().len(), 1, "{shared:?}");
    let texts = said(&app);
    assert!(texts.iter().any(|t| t.contains("I'm already sending the relationship map")), "{texts:?}");
}

#[tokio::test]
async fn a_share_whose_answer_was_lost_is_found_and_not_shared_again() {
    let (app, _) = acme_with_a_map().await;
    // Slack shares the file, but planbot never hears back: it tries again.
    app.slack.lose_answers("files.completeUploadExternal", 1);
    app.event("Ev1", dm(DANA, "acme org chart", "1700000000.000100")).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let sent: Option<chrono::DateTime<chrono::Utc>> =
            sqlx::query_scalar("select sent_at from outbox where kind = 'picture'").fetch_optional(&app.db.pool).await.unwrap().flatten();
        if sent.is_some() || std::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let attempts: i32 = sqlx::query_scalar("select attempts from outbox where kind = 'picture'").fetch_one(&app.db.pool).await.unwrap();
    assert!(attempts >= 2, "the first answer was lost, so it was tried again ({attempts})");
    assert_eq!(app.slack.shares().len(), 1, "{:?}", app.slack.shares());
    assert_eq!(app.slack.calls_of("upload").len(), 1, "the retry shares the file uploaded before");
    assert!(!app.slack.calls_of("conversations.history").is_empty(), "it looked before sharing again");
}

#[tokio::test]
async fn an_unchanged_map_is_not_drawn_again_and_a_changed_one_is() {
    let (app, acme) = acme_with_a_map().await;
    let pictures = planbot::app::pictures::Pictures::default();
    let today = chrono::Utc::now().date_naive();
    let first = pictures.draw(&app.db.pool, acme, Picture::Relationships, today).await.unwrap().unwrap();
    let again = pictures.draw(&app.db.pool, acme, Picture::Relationships, today).await.unwrap().unwrap();
    assert!(std::sync::Arc::ptr_eq(&first, &again), "the same drawing, not drawn again");
    sqlx::query("update contact set sentiment = 'promoter' where name = 'Grace Hopper'").execute(&app.db.pool).await.unwrap();
    let changed = pictures.draw(&app.db.pool, acme, Picture::Relationships, today).await.unwrap().unwrap();
    assert!(!std::sync::Arc::ptr_eq(&first, &changed) && first.png != changed.png, "a change draws it again");
    let other = pictures.draw(&app.db.pool, acme, Picture::Whitespace, today).await.unwrap().unwrap();
    assert_ne!(other.png, changed.png);
    assert!(pictures.draw(&app.db.pool, acme + 1000, Picture::Whitespace, today).await.unwrap().is_none());
}

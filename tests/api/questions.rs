//! Questions asked in a DM, end to end: a signed `message.im` event posted to
//! `/slack/events`, and the answer read from what the fake Slack received
//! (which checks it against Block Kit's limits).

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{Duration, NaiveDate, Utc};
use planbot::domain::enums::TeamRole;
use planbot::store::accounts::Account;
use planbot::store::actions;
use planbot::store::plans::{self, Plan};
use planbot::store::{self, Actor};
use serde_json::{Value, json};

use crate::fake_slack::check_limits;
use crate::helpers::{TestApp, account_with_plan, join_team, seed_acme_and_wayne, shown_lines, slack_person, spawn_app, visible_text};

const DANA: &str = "U0DANA";
const SAM: &str = "U0SAM";
const EVE: &str = "U0EVE";
const MARCUS: &str = "U0MARCUS";

/// Today where the test people live (New York).
fn today() -> NaiveDate {
    Utc::now().with_timezone(&chrono_tz::America::New_York).date_naive()
}

fn long_date(date: NaiveDate) -> String {
    date.format("%b %-d, %Y").to_string()
}

static EVENTS: AtomicUsize = AtomicUsize::new(0);

/// `user` writes `text` to planbot in their DM; returns planbot's reply as
/// posted to Slack, after checking it against Block Kit's limits.
async fn dm(app: &TestApp, user: &str, text: &str) -> Value {
    let n = EVENTS.fetch_add(1, Ordering::SeqCst);
    let channel = format!("D{}", &user[1..]);
    let before = app.slack.calls_of("chat.postMessage").len();
    let event = json!({"type": "message", "channel_type": "im", "channel": channel, "user": user,
                       "text": text, "ts": format!("1700000000.{n:06}")});
    let response = app.event(&format!("Ev0Q{n}"), event).await;
    assert_eq!(response.status(), 200, "“{text}”");
    let posted = app.slack.wait_for("chat.postMessage", before + 1).await;
    assert!(posted.len() > before, "“{text}” was not answered");
    let reply = posted[before].body.clone();
    assert_eq!(reply["channel"], channel.as_str(), "“{text}”");
    let broken = check_limits("chat.postMessage", &reply);
    assert!(broken.is_empty(), "“{text}” broke Block Kit's limits: {broken:?}");
    reply
}

/// What a person reads of `reply`, without Markdown's bold and code marks.
async fn ask(app: &TestApp, user: &str, text: &str) -> String {
    visible_text(&dm(app, user, text).await).replace(['*', '`'], "")
}

fn button_labels(message: &Value) -> Vec<String> {
    message["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().unwrap().iter())
        .map(|e| e["text"]["text"].as_str().unwrap().to_string())
        .collect()
}

fn assert_nothing_of_wayne(text: &str) {
    assert!(!text.contains("Wayne"), "another account's facts leaked: {text}");
}

/// Acme Corporation: Dana owns it, Sam is its SA, Marcus manages Dana. It
/// renews in 87 days, has risks, goals, contacts (a champion, a detractor, a
/// sponsor who left), whitespace, news and items (two overdue, one Dana's
/// and one Sam's). Wayne Enterprises is Eve's, with facts nobody else may see.
struct World {
    app: TestApp,
    acme: Account,
    acme_plan: Plan,
}

async fn world() -> World {
    let app = spawn_app().await;
    slack_person(&app, MARCUS, "marcus@example.com", None).await;
    let dana = slack_person(&app, DANA, "dana@example.com", Some("marcus@example.com")).await;
    let sam = slack_person(&app, SAM, "sam@example.com", None).await;
    let eve = slack_person(&app, EVE, "eve@example.com", None).await;
    let pool = &app.db.pool;
    let (acme, acme_plan) = account_with_plan(pool, "Acme Corporation", &dana).await;
    join_team(pool, &acme, &sam, TeamRole::Sa).await;
    let (wayne, _) = account_with_plan(pool, "Wayne Enterprises", &eve).await;
    seed_acme_and_wayne(pool, &acme, &wayne, [&dana, &sam, &eve], today()).await;
    World { app, acme, acme_plan }
}

#[tokio::test]
async fn how_is_acme_doing_and_a_bare_acme_both_get_the_short_summary_with_its_buttons() {
    let World { app, .. } = world().await;
    for asked in ["how is acme doing?", "acme"] {
        let reply = dm(&app, DANA, asked).await;
        let lines = shown_lines(&reply);
        assert!(lines.len() <= 12, "“{asked}”: {} lines:\n{}", lines.len(), lines.join("\n"));
        assert_eq!(lines[0], "Acme Corporation", "“{asked}”");
        let text = lines.join("\n").replace('*', "");
        assert!(text.contains("Champion: Jane Doe") && text.contains("Send the renewal quote"), "“{asked}”: {text}");
        assert_nothing_of_wayne(&text);
        assert_eq!(
            button_labels(&reply),
            ["Full plan", "Action items", "People", "Whitespace", "Relationship map", "Whitespace map", "News", "What changed", "Add item"],
            "“{asked}”"
        );
    }
    assert!(app.slack.violations().is_empty(), "{:?}", app.slack.violations());
}

#[tokio::test]
async fn full_plan_for_acme_is_the_long_page() {
    let World { app, .. } = world().await;
    let reply = dm(&app, DANA, "full plan for acme").await;
    let text = visible_text(&reply);
    assert!(text.contains("Acme Corporation") && text.contains("Budget freeze in Q2.") && text.contains("Coverage:"), "{text}");
    assert!(shown_lines(&reply).len() > 12, "the full plan is longer than the summary:\n{text}");
    assert_nothing_of_wayne(&text);
}

#[tokio::test]
async fn when_does_acme_renew_gives_the_date_and_the_days_left_in_the_askers_time_zone() {
    let World { app, .. } = world().await;
    let said = ask(&app, DANA, "when does acme renew?").await;
    let renews = today() + Duration::days(87);
    assert!(said.contains(&format!("Acme Corporation renews on {}, in 87 days", long_date(renews))), "{said}");
    assert_nothing_of_wayne(&said);
}

#[tokio::test]
async fn the_days_to_the_renewal_count_from_the_askers_own_today() {
    let World { app, acme, .. } = world().await;
    // Kai, on Acme's team, lives where the day starts first (UTC+14).
    let kai = slack_person(&app, "U0KAI", "kai@example.com", None).await;
    sqlx::query("update app_user set tz = 'Pacific/Kiritimati' where user_id = $1").bind(kai.user_id).execute(&app.db.pool).await.unwrap();
    join_team(&app.db.pool, &acme, &kai, TeamRole::Csm).await;
    let renews = today() + Duration::days(87);
    let kais_today = Utc::now().with_timezone(&chrono_tz::Pacific::Kiritimati).date_naive();
    let days = (renews - kais_today).num_days();
    let said = ask(&app, "U0KAI", "when does acme renew?").await;
    assert!(said.contains(&format!("Acme Corporation renews on {}, in {days} days", long_date(renews))), "{said}");
}

#[tokio::test]
async fn who_is_the_champion_at_acme_names_the_champion_and_only_the_champion() {
    let World { app, .. } = world().await;
    let said = ask(&app, DANA, "who is the champion at acme?").await;
    assert!(said.contains("Jane Doe"), "{said}");
    assert!(!said.contains("Raymond Kowalski") && !said.contains("Lee Low"), "{said}");
    assert_nothing_of_wayne(&said);
}

#[tokio::test]
async fn acme_contacts_lists_the_people_with_the_most_influential_first() {
    let World { app, .. } = world().await;
    let said = ask(&app, DANA, "acme contacts").await;
    let jane = said.find("Jane Doe").unwrap_or_else(|| panic!("{said}"));
    let lee = said.find("Lee Low").unwrap_or_else(|| panic!("{said}"));
    assert!(jane < lee, "high influence first: {said}");
    assert!(said.contains("Raymond Kowalski") && said.contains("Old Sponsor"), "{said}");
    assert_nothing_of_wayne(&said);
}

#[tokio::test]
async fn acme_risks_lists_every_written_risk_and_the_sponsor_who_left() {
    let World { app, .. } = world().await;
    let said = ask(&app, DANA, "acme risks").await;
    assert!(said.contains("Competitor Zeta is pushing a cheaper bundle.") && said.contains("Budget freeze in Q2."), "{said}");
    assert!(said.contains("Old Sponsor"), "{said}");
    assert_nothing_of_wayne(&said);
}

#[tokio::test]
async fn show_me_the_whitespace_for_acme_lists_the_vendors_not_an_account_called_whitespace() {
    let World { app, .. } = world().await;
    let said = ask(&app, DANA, "show me the whitespace for acme").await;
    assert!(!said.contains("couldn't find"), "{said}");
    assert!(said.contains("Jenkins") && said.contains("Jira"), "{said}");
    assert_nothing_of_wayne(&said);
}

#[tokio::test]
async fn acme_goals_gives_each_horizon() {
    let World { app, .. } = world().await;
    let said = ask(&app, DANA, "acme goals").await;
    assert!(said.contains("6 months: Land the platform team") && said.contains("12 months: Expand to EMEA"), "{said}");
    assert_nothing_of_wayne(&said);
}

#[tokio::test]
async fn acme_funding_news_gives_only_the_funding_items() {
    let World { app, .. } = world().await;
    let said = ask(&app, DANA, "acme funding news").await;
    assert!(said.contains("Acme raises a Series F"), "{said}");
    assert!(!said.contains("new CTO"), "only funding: {said}");
    assert_nothing_of_wayne(&said);
}

#[tokio::test]
async fn whos_on_acme_names_the_owner_and_the_sa() {
    let World { app, .. } = world().await;
    let said = ask(&app, DANA, "who's on acme?").await;
    assert!(said.contains(&format!("Owner: <@{DANA}>")) && said.contains(&format!("SA: <@{SAM}>")), "{said}");
    assert!(!said.contains(EVE), "{said}");
}

#[tokio::test]
async fn what_is_overdue_for_acme_lists_the_accounts_overdue_items_including_someone_elses() {
    let World { app, .. } = world().await;
    let said = ask(&app, DANA, "what is overdue for acme").await;
    assert!(said.contains("Overdue action items of Acme Corporation · 2"), "{said}");
    assert!(said.contains("Send the renewal quote") && said.contains("Run the security workshop"), "Sam's too: {said}");
    assert!(!said.contains("Book the QBR"), "not yet due: {said}");
    assert_nothing_of_wayne(&said);
}

#[tokio::test]
async fn what_changed_at_acme_since_last_week_names_the_section_edited_and_who_did_the_item() {
    let World { app, acme, acme_plan } = world().await;
    let pool = &app.db.pool;
    let dana: i64 = sqlx::query_scalar("select user_id from app_user where slack_id = $1").bind(DANA).fetch_one(pool).await.unwrap();
    let sam: i64 = sqlx::query_scalar("select user_id from app_user where slack_id = $1").bind(SAM).fetch_one(pool).await.unwrap();
    let mut tx = store::begin(pool, Actor::slack_user(dana)).await.unwrap();
    plans::update_sections(&mut tx, acme_plan.plan_id, &[("goals_18m", "Standardize every team on the platform".into())]).await.unwrap();
    tx.commit().await.unwrap();
    let item: i64 =
        sqlx::query_scalar("select action_item_id from action_item where title = 'Run the security workshop' and account_id = $1")
            .bind(acme.account_id)
            .fetch_one(pool)
            .await
            .unwrap();
    actions::complete(pool, item, Actor::slack_user(sam)).await.unwrap();

    let said = ask(&app, DANA, "what changed at acme since last week?").await;
    assert!(said.contains("What changed at Acme Corporation"), "{said}");
    assert!(said.contains("dana changed Goals at 18 months: wrote “Standardize every team on the platform”"), "{said}");
    assert!(said.contains(&format!("#{item} Run the security workshop was done by sam")), "{said}");
    assert_nothing_of_wayne(&said);
}

#[tokio::test]
async fn what_should_i_do_next_starts_with_the_askers_overdue_item() {
    let World { app, .. } = world().await;
    let said = ask(&app, DANA, "what should I do next?").await;
    let overdue = said.find("Overdue").unwrap_or_else(|| panic!("{said}"));
    let quote = said.find("Send the renewal quote").unwrap_or_else(|| panic!("{said}"));
    assert!(overdue < quote, "{said}");
    for later in ["Book the QBR", "renews"] {
        if let Some(at) = said.find(later) {
            assert!(quote < at, "the overdue item comes before “{later}”: {said}");
        }
    }
    assert_nothing_of_wayne(&said);
}

#[tokio::test]
async fn a_manager_sees_the_reports_overdue_items_by_owner_and_the_reports_accounts() {
    let World { app, .. } = world().await;
    let said = ask(&app, MARCUS, "what's overdue?").await;
    assert!(said.contains("Overdue for you and your team"), "{said}");
    let dana = said.find("dana · 1 overdue").unwrap_or_else(|| panic!("grouped by owner: {said}"));
    let quote = said.find("Send the renewal quote").unwrap_or_else(|| panic!("{said}"));
    assert!(dana < quote, "Dana's item under her name: {said}");
    assert_nothing_of_wayne(&said);

    let said = ask(&app, MARCUS, "my accounts").await;
    assert!(said.contains("Your team's accounts, by owner · 1") && said.contains("dana · 1 account"), "{said}");
    assert!(said.contains("Acme Corporation"), "{said}");
    assert_nothing_of_wayne(&said);
}

#[tokio::test]
async fn which_accounts_are_at_risk_names_acme_with_a_reason() {
    let World { app, .. } = world().await;
    let said = ask(&app, DANA, "which accounts are at risk?").await;
    assert!(said.contains("Acme Corporation"), "{said}");
    assert!(said.contains("sponsor left: Old Sponsor"), "with a reason: {said}");
    assert_nothing_of_wayne(&said);
}

#[tokio::test]
async fn an_outsider_asking_about_acme_gets_the_same_reply_as_for_an_account_that_does_not_exist() {
    let World { app, .. } = world().await;
    for (about, unknown) in [
        ("how is acme doing?", "how is nonesuch doing?"),
        ("acme risks", "nonesuch risks"),
        ("who is the champion at acme?", "who is the champion at nonesuch?"),
        ("what is overdue for acme", "what is overdue for nonesuch"),
        ("who's on acme?", "who's on nonesuch?"),
        ("acme funding news", "nonesuch funding news"),
        ("acme", "nonesuch"),
        ("akme", "nonesuch"),
    ] {
        let hidden = ask(&app, EVE, about).await;
        let missing = ask(&app, EVE, unknown).await;
        assert_eq!(hidden.replace("“acme”", "“NAME”").replace("“akme”", "“NAME”"), missing.replace("“nonesuch”", "“NAME”"), "“{about}”");
        assert!(!hidden.contains("Jane") && !hidden.contains("Acme Corporation") && !hidden.contains("Send the"), "{hidden}");
    }
}

#[tokio::test]
async fn akme_with_one_typo_gets_acmes_summary() {
    let World { app, .. } = world().await;
    let reply = dm(&app, DANA, "akme").await;
    assert_eq!(shown_lines(&reply)[0], "Acme Corporation", "{}", visible_text(&reply));
    let said = ask(&app, DANA, "how is akme doing?").await;
    assert!(said.starts_with("Acme Corporation") || said.contains("\nAcme Corporation"), "{said}");
    assert!(said.contains("Champion: Jane Doe"), "{said}");
}

#[tokio::test]
async fn a_name_one_typo_from_two_accounts_offers_a_choice() {
    let World { app, .. } = world().await;
    let dana = planbot::store::users::by_slack_id(&app.db.pool, DANA).await.unwrap().unwrap();
    account_with_plan(&app.db.pool, "Hooli", &dana).await;
    account_with_plan(&app.db.pool, "Hoolu", &dana).await;
    let said = ask(&app, DANA, "how is hooly doing?").await;
    assert!(said.contains("Hooli") && said.contains("Hoolu"), "{said}");
    assert!(said.contains("Which one did you mean?"), "{said}");
}

#[tokio::test]
async fn thanks_gets_one_short_line() {
    let World { app, .. } = world().await;
    let reply = dm(&app, DANA, "thanks").await;
    let said = reply["text"].as_str().unwrap_or_default();
    assert_eq!(said.trim().lines().count(), 1, "{reply}");
    assert!(said.contains("welcome") && said.len() < 80, "{reply}");
    let blocks = reply["blocks"].as_array().cloned().unwrap_or_default();
    assert!(blocks.is_empty() || shown_lines(&reply).len() == 1, "one line in the blocks too: {reply}");
}

#[tokio::test]
async fn tell_me_a_joke_gets_a_short_not_understood_reply_with_suggestions_not_the_whole_help() {
    let World { app, .. } = world().await;
    let said = ask(&app, DANA, "tell me a joke").await;
    assert!(said.contains("Sorry, I didn't catch that. Try "), "{said}");
    assert!(said.contains("say help"), "{said}");
    assert!(!said.contains("Here's what I can do") && !said.contains("/plan"), "not the whole help: {said}");
    assert!(said.len() < 300, "short: {said}");
}

#[tokio::test]
async fn add_an_action_item_for_acme_in_a_dm_stores_it_on_acmes_active_plan_and_names_it() {
    let World { app, acme, acme_plan } = world().await;
    let said = ask(&app, DANA, "add an action item for acme: call Hannah friday").await;
    let (plan_id, account_id, owner, due): (i64, i64, Option<String>, Option<NaiveDate>) = sqlx::query_as(
        "select i.plan_id, i.account_id, u.slack_id, i.due_date from action_item i join app_user u on u.user_id = i.owner_id \
         where i.title ilike 'call Hannah'",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("the item was stored, titled “call Hannah”");
    assert_eq!((plan_id, account_id), (acme_plan.plan_id, acme.account_id));
    assert_eq!(owner.as_deref(), Some(DANA));
    let due = due.expect("friday is its due date");
    assert_eq!(chrono::Datelike::weekday(&due), chrono::Weekday::Fri);
    assert!(due > today() && due <= today() + Duration::days(7), "{due}");
    let id: i64 =
        sqlx::query_scalar("select action_item_id from action_item where title ilike 'call Hannah'").fetch_one(&app.db.pool).await.unwrap();
    assert!(said.contains(&format!("Added #{id} to Acme Corporation: call Hannah")), "{said}");
}

#[tokio::test]
async fn remind_me_to_without_an_account_adds_to_the_askers_only_account() {
    let World { app, acme, acme_plan } = world().await;
    let said = ask(&app, DANA, "remind me to call Hannah friday").await;
    let (id, plan_id, account_id): (i64, i64, i64) =
        sqlx::query_as("select action_item_id, plan_id, account_id from action_item where title ilike 'call Hannah'")
            .fetch_one(&app.db.pool)
            .await
            .expect("the item was stored");
    assert_eq!((plan_id, account_id), (acme_plan.plan_id, acme.account_id));
    assert!(said.contains(&format!("Added #{id} to Acme Corporation: call Hannah")), "{said}");
}

#[tokio::test]
async fn a_bare_name_one_typo_from_two_accounts_offers_a_choice_too() {
    let World { app, .. } = world().await;
    let dana = planbot::store::users::by_slack_id(&app.db.pool, DANA).await.unwrap().unwrap();
    account_with_plan(&app.db.pool, "Hooli", &dana).await;
    account_with_plan(&app.db.pool, "Hoolu", &dana).await;
    let said = ask(&app, DANA, "hooly").await;
    assert!(said.contains("Hooli") && said.contains("Hoolu") && said.contains("Which one did you mean?"), "{said}");
}

#[tokio::test]
async fn what_did_i_miss_counts_in_the_singular_when_there_is_one() {
    let World { app, .. } = world().await;
    let reply = dm(&app, DANA, "what did I miss?").await;
    let text = reply["text"].as_str().unwrap_or_default();
    assert!(!text.contains("1 items") && !text.contains("1 accounts"), "{text}");
}

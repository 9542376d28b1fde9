//! Managers' and admins' views, "what changed" and "what next", asked of
//! the `App` directly on seeded data.

use std::sync::Arc;

use chrono::{Duration, Utc};
use planbot::app::{App, Background, Caller, Place, Reply};
use planbot::config::Secret;
use planbot::domain::enums::TeamRole;
use planbot::domain::since::Since;
use planbot::slack::client::SlackHttp;
use planbot::store::actions::{self, NewAction};
use planbot::store::users::User;
use planbot::store::{self, Actor, plans};
use sqlx::PgPool;

use crate::fake_slack::{BOT_TOKEN, FakeSlack};
use crate::helpers::{TestDb, account_with_plan, join_team, person, visible_text};

async fn app(pool: &PgPool, slack: &FakeSlack, admins: &[&str]) -> App {
    let client = SlackHttp::new(&slack.api_url, &Secret::new(BOT_TOKEN)).unwrap();
    App::new(pool.clone(), Arc::new(client), admins.iter().map(|a| a.to_string()), Background::default())
}

async fn caller(app: &App, user: &User) -> Caller {
    app.caller(user.slack_id.as_deref().unwrap()).await.unwrap()
}

fn text(reply: &Reply) -> String {
    visible_text(&serde_json::to_value(&reply.content).unwrap()).replace(['*', '`'], "")
}

fn blocks(reply: &Reply) -> Vec<serde_json::Value> {
    serde_json::to_value(&reply.content).unwrap()["blocks"].as_array().cloned().unwrap_or_default()
}

fn within_slack_limits(reply: &Reply) {
    let blocks = blocks(reply);
    assert!(blocks.len() <= 50, "{} blocks", blocks.len());
    for block in &blocks {
        let text = block["text"]["text"].as_str().unwrap_or_default();
        assert!(text.chars().count() <= 3000, "a section of {} characters", text.chars().count());
    }
}

async fn overdue_item(pool: &PgPool, account_id: i64, owner: &User, title: &str, days_late: i64) -> i64 {
    let today = Utc::now().with_timezone(&chrono_tz::America::New_York).date_naive();
    let new = NewAction { account_id, title: title.into(), owner_id: owner.user_id, due_date: Some(today - Duration::days(days_late)) };
    actions::add(pool, &new, Actor::SYSTEM).await.unwrap().action_item_id
}

#[tokio::test]
async fn a_manager_sees_the_teams_accounts_and_overdue_items_by_owner_and_nobody_elses() {
    let db = TestDb::new().await;
    let slack = FakeSlack::start().await;
    let marcus = person(&db.pool, "marcus@example.com", None).await;
    let dana = person(&db.pool, "dana@example.com", Some("marcus@example.com")).await;
    let sam = person(&db.pool, "sam@example.com", Some("dana@example.com")).await;
    let olive = person(&db.pool, "olive@example.com", None).await;
    let boss = person(&db.pool, "boss@example.com", None).await;
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    let (globex, _) = account_with_plan(&db.pool, "Globex", &sam).await;
    let (initech, _) = account_with_plan(&db.pool, "Initech", &marcus).await;
    let (wayne, _) = account_with_plan(&db.pool, "Wayne Enterprises", &olive).await;
    join_team(&db.pool, &wayne, &dana, TeamRole::Sa).await;
    overdue_item(&db.pool, acme.account_id, &dana, "Chase the order form", 3).await;
    overdue_item(&db.pool, acme.account_id, &dana, "Send the security answers", 5).await;
    overdue_item(&db.pool, globex.account_id, &sam, "Book the QBR", 2).await;
    overdue_item(&db.pool, initech.account_id, &marcus, "Call the CFO", 1).await;
    overdue_item(&db.pool, wayne.account_id, &olive, "Wayne follow-up", 4).await;
    // Umbrella is Olive's alone: nobody in Marcus's chain may see it.
    let (umbrella, _) = account_with_plan(&db.pool, "Umbrella", &olive).await;
    overdue_item(&db.pool, umbrella.account_id, &olive, "Olive's own follow-up", 4).await;

    let app = app(&db.pool, &slack, &["UBOSS"]).await;
    let now = Utc::now();
    let (marcus_c, dana_c, sam_c, olive_c, boss_c) =
        (caller(&app, &marcus).await, caller(&app, &dana).await, caller(&app, &sam).await, caller(&app, &olive).await, caller(&app, &boss).await);

    // Marcus: his own and his whole chain's overdue items, and those on his
    // team's accounts (Olive's on Wayne, where Dana is the SA), by owner; not
    // Olive's on an account nobody in his chain is on.
    let reply = app.overdue_view(&marcus_c, now).await.unwrap();
    let said = text(&reply);
    assert!(said.contains("Overdue for you and your team · 5"), "{said}");
    for title in ["Chase the order form", "Send the security answers", "Book the QBR", "Call the CFO", "Wayne follow-up"] {
        assert!(said.contains(title), "{title} missing from:\n{said}");
    }
    assert!(!said.contains("Olive's own follow-up"), "{said}");
    assert!(said.contains("dana · 2 overdue") && said.contains("sam · 1 overdue"), "{said}");
    // Marcus's own come first, then each owner's items together.
    let (own, danas, sams) = (said.find("Call the CFO").unwrap(), said.find("Chase the order form").unwrap(), said.find("Book the QBR").unwrap());
    assert!(own < danas && danas < sams, "{said}");
    within_slack_limits(&reply);

    // Dana manages Sam: hers and Sam's, not her manager's.
    let said = text(&app.overdue_view(&dana_c, now).await.unwrap());
    assert!(said.contains("Book the QBR") && said.contains("Chase the order form") && !said.contains("Call the CFO"), "{said}");
    // Sam manages nobody: today's answer, his own.
    let said = text(&app.overdue_view(&sam_c, now).await.unwrap());
    assert!(said.contains("Your overdue action items · 1") && said.contains("Book the QBR"), "{said}");

    // Accounts by owner: Marcus sees his chain's (Dana's SA seat on Wayne included), not more.
    let said = text(&app.my_accounts_view(&marcus_c, &Place::Direct, now).await.unwrap());
    assert!(said.contains("Your team's accounts, by owner · 4"), "{said}");
    for name in ["Acme", "Globex", "Initech", "Wayne Enterprises"] {
        assert!(said.contains(name), "{name} missing:\n{said}");
    }
    let said = text(&app.my_accounts_view(&dana_c, &Place::Direct, now).await.unwrap());
    assert!(said.contains("· 3") && !said.contains("Initech"), "{said}");
    // A member with one account: its summary, as before.
    let reply = app.my_accounts_view(&sam_c, &Place::Direct, now).await.unwrap();
    assert_eq!(blocks(&reply)[0]["text"]["text"], "Globex");
    // An admin on no team: every account, not "ask your admin".
    let said = text(&app.my_accounts_view(&boss_c, &Place::Direct, now).await.unwrap());
    assert!(said.contains("All accounts, by owner · 5") && !said.contains("ask your admin"), "{said}");

    // At risk: each sees only what they may see.
    let said = text(&app.at_risk(&sam_c, now).await.unwrap());
    assert!(said.contains("Globex") && !said.contains("Acme") && !said.contains("Wayne"), "{said}");
    let said = text(&app.at_risk(&marcus_c, now).await.unwrap());
    assert!(said.contains("4 of the 4 you can see") && !said.contains("Umbrella"), "{said}");
    let said = text(&app.at_risk(&olive_c, now).await.unwrap());
    assert!(said.contains("Wayne") && !said.contains("Globex"), "{said}");
    assert!(said.contains("1 overdue item") && said.contains("no high-influence contact"), "{said}");
}

#[tokio::test]
async fn an_admins_at_risk_list_covers_every_account_with_reasons_and_stays_within_limits() {
    let db = TestDb::new().await;
    let slack = FakeSlack::start().await;
    let owner = person(&db.pool, "owner@example.com", None).await;
    let boss = person(&db.pool, "boss@example.com", None).await;
    let (acme, plan) = account_with_plan(&db.pool, "Acme", &owner).await;
    // Acme: a champion left, one high-influence contact who is a detractor.
    sqlx::query(
        "insert into contact (account_id, name, influence, buying_role, sentiment, departed_at) values \
         ($1, 'Priya Raman', 'high', 'champion', 'promoter', now() - interval '3 days'), \
         ($1, 'Bob Stone', 'high', 'economic_buyer', 'detractor', null)",
    )
    .bind(acme.account_id)
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query("update plan set sections_changed_at = now() - interval '45 days' where plan_id = $1")
        .bind(plan.plan_id)
        .execute(&db.pool)
        .await
        .unwrap();
    // Ten thousand more, renewing over the next 200 days, none with a plan.
    sqlx::query(
        "with a as (insert into account (name, match_key, rank, renewal_date) \
                    select 'Bulk ' || g, 'bulk ' || g, 1 + g % 3, current_date + (g % 200) \
                    from generate_series(1, 10000) g returning account_id) \
         insert into account_team (account_id, user_id, role) select account_id, $1, 'owner' from a",
    )
    .bind(owner.user_id)
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query("analyze").execute(&db.pool).await.unwrap();

    let app = app(&db.pool, &slack, &["UBOSS"]).await;
    let boss_c = caller(&app, &boss).await;
    let started = std::time::Instant::now();
    let reply = app.at_risk(&boss_c, Utc::now()).await.unwrap();
    let took = started.elapsed();
    let said = text(&reply);
    assert!(said.contains("of the 10001 you can see"), "{said}");
    // Acme leads: its sponsor left, plus a detractor, one high-influence contact, a stale plan.
    let first = blocks(&reply)[1]["text"]["text"].as_str().unwrap().to_string();
    assert!(first.contains("Acme"), "{first}");
    for reason in ["sponsor left: Priya Raman", "a high-influence detractor", "single-threaded", "plan unchanged for 45 days"] {
        assert!(first.contains(reason), "{reason} missing from {first}");
    }
    assert!(said.contains("with no active plan") && said.contains("more at risk"), "{said}");
    within_slack_limits(&reply);
    eprintln!("at-risk over 10,001 accounts: {took:?}");
    assert!(took < std::time::Duration::from_secs(5), "at-risk over 10,000 accounts took {took:?}");

    // The owner sees the same accounts; someone on no team, none.
    let nobody = person(&db.pool, "nobody@example.com", None).await;
    let said = text(&app.at_risk(&caller(&app, &nobody).await, Utc::now()).await.unwrap());
    assert!(said.contains("can't see any accounts"), "{said}");
    let reply = app.my_accounts_view(&boss_c, &Place::Direct, Utc::now()).await.unwrap();
    assert!(text(&reply).contains("Showing 1–60 of 10001"), "{}", text(&reply));
    within_slack_limits(&reply);
    let reply = app.team_accounts_page(&boss_c, 2, Utc::now()).await.unwrap();
    assert!(text(&reply).contains("Showing 121–180 of 10001") && text(&reply).contains("Previous"), "{}", text(&reply));
    within_slack_limits(&reply);
    let reply = app.at_risk_page(&boss_c, 3, Utc::now()).await.unwrap();
    assert!(text(&reply).contains("Showing 76–100 of"), "{}", text(&reply));
    within_slack_limits(&reply);
}

#[tokio::test]
async fn what_changed_reads_the_history_as_sentences_and_since_i_last_looked_uses_the_recorded_view() {
    let db = TestDb::new().await;
    let slack = FakeSlack::start().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let sam = person(&db.pool, "sam@example.com", None).await;
    let olive = person(&db.pool, "olive@example.com", None).await;
    let (acme, plan) = account_with_plan(&db.pool, "Acme", &dana).await;
    join_team(&db.pool, &acme, &sam, TeamRole::Sa).await;
    let long = format!("Budget freeze in Q1. {}", "The incumbent vendor is entrenched in the platform team. ".repeat(8));
    for text in [long.clone(), format!("{long} New CISO prefers consolidating every tool onto one platform before the renewal.")] {
        let mut tx = store::begin(&db.pool, Actor::slack_user(dana.user_id)).await.unwrap();
        plans::update_sections(&mut tx, plan.plan_id, &[("threats_risks", text)]).await.unwrap();
        tx.commit().await.unwrap();
    }
    let item = overdue_item(&db.pool, acme.account_id, &sam, "Book the QBR", 1).await;
    actions::complete(&db.pool, item, Actor::slack_user(sam.user_id)).await.unwrap();
    let contact: i64 = sqlx::query_scalar(
        "insert into contact (account_id, name, company, influence, buying_role) \
         values ($1, 'Priya Raman', 'Acme', 'high', 'champion') returning contact_id",
    )
    .bind(acme.account_id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into sponsor_change (contact_id, attribute, old_value, new_value, observed_at) \
         values ($1, 'company', 'Acme', 'Hooli', now() - interval '1 hour')",
    )
    .bind(contact)
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into intel_item (account_id, source, headline, category, published_at, dedupe_key) values \
         ($1, 'test', 'Acme raises a Series D', 'funding', now() - interval '2 hours', 'a'), \
         ($1, 'test', 'Acme opens a Berlin office', 'other', now() - interval '3 hours', 'b'), \
         ($1, 'test', 'Old news', 'other', now() - interval '30 days', 'c')",
    )
    .bind(acme.account_id)
    .execute(&db.pool)
    .await
    .unwrap();

    let app = app(&db.pool, &slack, &[]).await;
    let dana_c = caller(&app, &dana).await;
    let now = Utc::now();
    let reply = app.what_changed(&dana_c, &Place::Direct, &acme, Since::LastWeek, now).await.unwrap();
    let said = text(&reply);
    assert!(said.contains("What changed at Acme"), "{said}");
    assert!(said.contains("dana changed Threats/Risks: wrote “Budget freeze in Q1."), "{said}");
    assert!(said.contains("…"), "a long section is shortened:\n{said}");
    assert!(said.contains(&format!("#{item} Book the QBR was done by sam")), "{said}");
    assert!(said.contains("Priya Raman moved to Hooli (from Acme)"), "{said}");
    assert!(said.contains("2 new news items") && said.contains("Acme raises a Series D") && !said.contains("Old news"), "{said}");
    within_slack_limits(&reply);

    // The summary's button: the same, by id; an outsider gets "not found".
    let said = text(&app.what_changed_by_id(&dana_c, &Place::Direct, acme.account_id, now).await.unwrap());
    assert!(said.contains("was done by sam"), "{said}");
    let said = text(&app.what_changed_by_id(&caller(&app, &olive).await, &Place::Direct, acme.account_id, now).await.unwrap());
    assert!(said.contains("couldn't find that account"), "{said}");
    let said = text(&app.what_changed(&dana_c, &Place::Direct, &acme, Since::LastQbr, now).await.unwrap());
    assert!(said.contains("No QBR has been recorded") && said.contains("Old news"), "{said}");

    // Never looked: the last 7 days, and it says so.
    let said = text(&app.what_changed(&dana_c, &Place::Direct, &acme, Since::LastLooked, now).await.unwrap());
    assert!(said.contains("no record of you looking"), "{said}");
    // Dana looks now; then Sam edits the section; an hour later Dana asks.
    assert_eq!(app.record_view(&dana_c, acme.account_id, Utc::now()).await.unwrap(), None);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let mut tx = store::begin(&db.pool, Actor::slack_user(sam.user_id)).await.unwrap();
    plans::update_sections(&mut tx, plan.plan_id, &[("threats_risks", format!("{long} Champion left for Hooli."))]).await.unwrap();
    tx.commit().await.unwrap();
    let later = Utc::now() + Duration::hours(1);
    let reply = app.what_changed(&dana_c, &Place::Direct, &acme, Since::LastLooked, later).await.unwrap();
    let said = text(&reply);
    assert!(said.contains("since you last looked"), "{said}");
    assert!(said.contains("sam changed Threats/Risks: added “Champion left for Hooli.”"), "{said}");
    assert!(!said.contains("was done by sam") && !said.contains("Series D") && !said.contains("dana changed"), "{said}");
    // A look within the same sitting keeps the look before it.
    let second = app.record_view(&dana_c, acme.account_id, later).await.unwrap();
    assert!(second.is_some());
}

#[tokio::test]
async fn what_next_puts_overdue_items_first_then_what_the_accounts_need() {
    let db = TestDb::new().await;
    let slack = FakeSlack::start().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let olive = person(&db.pool, "olive@example.com", None).await;
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    let (globex, globex_plan) = account_with_plan(&db.pool, "Globex", &dana).await;
    let (wayne, _) = account_with_plan(&db.pool, "Wayne Enterprises", &olive).await;
    overdue_item(&db.pool, acme.account_id, &dana, "Chase the order form", 2).await;
    overdue_item(&db.pool, acme.account_id, &dana, "Prepare the deck", -3).await;
    overdue_item(&db.pool, wayne.account_id, &olive, "Olive's item", 2).await;
    sqlx::query("update plan set status = 'closed' where plan_id = $1").bind(globex_plan.plan_id).execute(&db.pool).await.unwrap();
    // Twenty days from Dana's today (New York's), whatever the server's date.
    let dana_today = Utc::now().with_timezone(&chrono_tz::America::New_York).date_naive();
    sqlx::query("update account set renewal_date = $3 where account_id in ($1, $2)")
        .bind(globex.account_id)
        .bind(wayne.account_id)
        .bind(dana_today + Duration::days(20))
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query("insert into intel_item (account_id, source, headline, category, published_at, dedupe_key) values ($1, 't', 'Acme news', 'other', now() - interval '1 day', 'x')")
        .bind(acme.account_id)
        .execute(&db.pool)
        .await
        .unwrap();

    let app = app(&db.pool, &slack, &[]).await;
    let reply = app.what_next(&caller(&app, &dana).await, Utc::now()).await.unwrap();
    let said = text(&reply);
    let order = ["Overdue", "Chase the order form", "Due in the next 7 days", "Prepare the deck", "Globex renews in 20 days with no active plan", "Acme: 1 new news item"];
    let mut at = 0;
    for part in order {
        let found = said[at..].find(part).unwrap_or_else(|| panic!("{part} missing or out of order:\n{said}"));
        at += found;
    }
    assert!(!said.contains("Olive") && !said.contains("Wayne"), "{said}");
    let json = serde_json::to_value(&reply.content).unwrap().to_string();
    assert!(json.contains("item.done") && json.contains("summary.add_item") && json.contains("account.summary"));
    within_slack_limits(&reply);
}

#[tokio::test]
async fn in_the_demo_marcus_sees_his_teams_overdue_items_and_at_risk_accounts() {
    let db = TestDb::new().await;
    let slack = FakeSlack::start().await;
    let now = Utc::now();
    planbot::demo::seed(&db.pool, now).await.unwrap();
    let app = app(&db.pool, &slack, &[]).await;
    let marcus = app.caller("U0DEMO001").await.unwrap();
    // Overdue as of Marcus's own today (the seed counts by the server's date).
    let mut conn = db.pool.acquire().await.unwrap();
    let (_, overdue) = actions::count_with_overdue(&mut conn, marcus.today(now)).await.unwrap();
    drop(conn);
    let reply = app.overdue_view(&marcus, now).await.unwrap();
    let said = text(&reply);
    assert!(!said.contains("Nothing overdue"), "{said}");
    assert!(said.contains(&format!("Overdue for you and your team · {overdue}")), "{said}");
    assert!(said.contains("Dana Reyes ·"), "{said}");
    within_slack_limits(&reply);
    let reply = app.at_risk(&marcus, now).await.unwrap();
    assert!(text(&reply).contains("Accounts at risk"), "{}", text(&reply));
    within_slack_limits(&reply);
    let reply = app.what_next(&app.caller("U0DEMO002").await.unwrap(), now).await.unwrap();
    within_slack_limits(&reply);
}

//! Writing the plan in Slack: starting a plan from a template, editing each
//! part, the relationship and whitespace maps, and never losing an edit.
//! Forms are opened and submitted as Slack does: the view planbot opened
//! (recorded by the fake Slack) comes back with its state and metadata.

use chrono::Duration;
use planbot::domain::enums::{PlanStatus, TeamRole};
use planbot::store::{audit, plans};
use serde_json::{Value, json};

use crate::fake_slack::TEAM_ID;
use crate::helpers::{TestApp, join_team, slack_person, spawn_app, visible_text};

const DANA: &str = "U0DANA";
const SAM: &str = "U0SAM";
const EVE: &str = "U0EVE";

async fn acme_app() -> (TestApp, i64, i64) {
    crate::helpers::acme_team_app().await
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&chrono_tz::America::New_York).date_naive()
}

/// The view of the last `views.open`.
async fn opened_view(app: &TestApp, count: usize) -> Value {
    let opened = app.slack.wait_for("views.open", count).await;
    assert_eq!(opened.len(), count, "views.open calls: {opened:?}");
    opened[count - 1].body["view"].clone()
}

/// The input block with this label.
fn input<'a>(view: &'a Value, label: &str) -> &'a Value {
    view["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "input" && b["label"]["text"] == label)
        .unwrap_or_else(|| panic!("no input labelled {label} in {view}"))
}

/// What Slack sends back for a view: each input's current value (its
/// initial one unless `changes` sets it by label; "" clears it).
fn state_of(view: &Value, changes: &[(&str, &str)]) -> Value {
    let mut values = serde_json::Map::new();
    for block in view["blocks"].as_array().unwrap().iter().filter(|b| b["type"] == "input") {
        let element = &block["element"];
        let action_id = element["action_id"].as_str().unwrap().to_string();
        let label = block["label"]["text"].as_str().unwrap();
        let change = changes.iter().find(|(l, _)| *l == label).map(|(_, v)| *v);
        let kind = element["type"].as_str().unwrap();
        let value = match kind {
            "plain_text_input" => json!({"type": kind, "value": change.map(|v| json!(v)).unwrap_or(element["initial_value"].clone())}),
            "static_select" => {
                let option = match change {
                    Some("") => Value::Null,
                    Some(v) => element["options"].as_array().unwrap().iter().find(|o| o["value"] == v).cloned().unwrap_or_else(|| {
                        panic!("{label} has no option {v}: {}", element["options"])
                    }),
                    None => element["initial_option"].clone(),
                };
                json!({"type": kind, "selected_option": option})
            }
            "datepicker" => json!({"type": kind, "selected_date": change.map(|v| json!(v)).unwrap_or(element["initial_date"].clone())}),
            "users_select" => json!({"type": kind, "selected_user": change.map(|v| json!(v)).unwrap_or(element["initial_user"].clone())}),
            "checkboxes" => {
                let selected = match change {
                    Some("yes") => element["options"].clone(),
                    Some(_) => json!([]),
                    None => element.get("initial_options").cloned().unwrap_or(json!([])),
                };
                json!({"type": kind, "selected_options": selected})
            }
            other => panic!("an input of type {other}"),
        };
        values.insert(block["block_id"].as_str().unwrap().to_string(), json!({ action_id: value }));
    }
    Value::Object(values)
}

fn submission(user: &str, view: &Value, changes: &[(&str, &str)]) -> Value {
    json!({
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "test"},
        "user": {"id": user, "username": "someone", "team_id": TEAM_ID},
        "api_app_id": "A0TEST",
        "trigger_id": "trigger-3",
        "view": {"id": "V0FORM", "team_id": TEAM_ID, "type": "modal", "callback_id": view["callback_id"], "hash": "h",
                 "private_metadata": view["private_metadata"], "title": view["title"], "blocks": view["blocks"],
                 "state": {"values": state_of(view, changes)}},
    })
}

/// Submits a form; the JSON answer (empty when the modal closes).
async fn submit(app: &TestApp, user: &str, view: &Value, changes: &[(&str, &str)]) -> Value {
    let response = app.interaction(submission(user, view, changes)).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() }
}

fn click(user: &str, action_id: &str, value: &str, channel: &str) -> Value {
    let mut click = crate::helpers::button_click(user, channel, action_id, value);
    click["container"]["is_ephemeral"] = json!(true);
    click
}

/// The button with this action id in a message.
fn button_value(message: &Value, action_id: &str) -> Option<String> {
    let mut found = None;
    let mut stack = vec![message.clone()];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if map.get("action_id").and_then(Value::as_str) == Some(action_id) && map.get("type").and_then(Value::as_str) == Some("button") {
                    found = map.get("value").and_then(Value::as_str).map(str::to_string);
                }
                stack.extend(map.into_values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found
}

async fn replies_to(app: &TestApp, count: usize) -> Vec<Value> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let mut all = app.slack.calls_of("chat.postMessage");
        all.extend(app.slack.calls_of("chat.postEphemeral"));
        all.extend(app.slack.calls_of("response_url"));
        if all.len() >= count || std::time::Instant::now() > deadline {
            return all.into_iter().map(|c| c.body).collect();
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_plan_started_from_the_land_template_gets_its_items_owned_by_role_and_due_from_today() {
    let app = spawn_app().await;
    let jordan = slack_person(&app, "U0JORDAN", "jordan@example.com", None).await;
    let sam = slack_person(&app, SAM, "sam@example.com", None).await;
    let mut tx = planbot::store::begin(&app.db.pool, planbot::store::Actor::source("test")).await.unwrap();
    let initech = planbot::store::accounts::create(
        &mut tx,
        &planbot::store::accounts::NewAccount { name: "Initech".into(), rank: 1, owner_id: jordan.user_id, ..Default::default() },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    join_team(&app.db.pool, &initech, &sam, TeamRole::Sa).await;

    // The summary of an account without a plan offers to start one.
    let summary = app.command_reply("U0JORDAN", "D0JORDAN", "summary Initech").await;
    assert_eq!(button_value(&summary, "plan.start"), Some(initech.account_id.to_string()), "{summary}");

    let response = app.command("U0JORDAN", "D0JORDAN", "new Initech").await;
    assert_eq!(response.status(), 200);
    let view = opened_view(&app, 1).await;
    assert_eq!(view["type"], "modal");
    let fy = planbot::domain::plan::fiscal_year(today()) % 100;
    assert_eq!(input(&view, "Plan name")["element"]["initial_value"], format!("Initech — Land FY{fy:02}"));
    assert_eq!(input(&view, "Plan type")["element"]["initial_option"]["value"], "land");
    assert_eq!(input(&view, "Template")["element"]["initial_option"]["value"], "land");

    // A past due date is refused beside its field, and nothing is written.
    let yesterday = (today() - Duration::days(1)).to_string();
    let answer = submit(&app, "U0JORDAN", &view, &[("Due date", &yesterday)]).await;
    assert_eq!(answer["response_action"], "errors", "{answer}");
    assert!(answer["errors"]["due_date"].as_str().unwrap().contains("passed"), "{answer}");
    assert!(plans::for_account(&app.db.pool, initech.account_id).await.unwrap().is_empty());

    let answer = submit(&app, "U0JORDAN", &view, &[]).await;
    assert_eq!(answer, Value::Null, "the modal closes");
    let listed = plans::for_account(&app.db.pool, initech.account_id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].status, PlanStatus::Active);
    let mut conn = app.db.pool.acquire().await.unwrap();
    let items = plans::items_of(&mut conn, listed[0].plan_id).await.unwrap();
    assert_eq!(items.len(), 6, "{items:?}");
    let workshop = items.iter().find(|i| i.title.starts_with("Run a discovery workshop")).unwrap();
    assert_eq!(workshop.owner_slack_id.as_deref(), Some(SAM), "the SA's item goes to the SA");
    assert_eq!(workshop.due_date, Some(today() + Duration::days(21)));
    let case = items.iter().find(|i| i.title.starts_with("Present the business case")).unwrap();
    assert_eq!(case.owner_slack_id.as_deref(), Some("U0JORDAN"), "the owner's item goes to the owner");
    assert_eq!(case.due_date, Some(today() + Duration::days(60)));

    let replies = replies_to(&app, 1).await;
    let said: String = replies.iter().map(visible_text).collect::<Vec<_>>().join("\n");
    assert!(said.contains("Created *Initech — Land FY") && said.contains("Run a discovery workshop"), "{said}");
    assert!(said.contains(&format!("<@{SAM}>")), "{said}");
    assert!(app.slack.violations().is_empty(), "{:?}", app.slack.violations());
}

#[tokio::test]
async fn activating_a_draft_asks_first_and_names_the_plan_it_replaces_which_is_closed_not_deleted() {
    let (app, acme, old_plan) = acme_app().await;
    app.command(DANA, "D0DANA", "new Acme").await;
    let view = opened_view(&app, 1).await;
    assert_eq!(input(&view, "Start as")["element"]["initial_option"]["value"], "draft", "Acme already has an active plan");
    assert_eq!(submit(&app, DANA, &view, &[("Plan name", "Acme — Expand FY28"), ("Template", "none")]).await, Value::Null);

    let question = app.command_reply(DANA, "D0DANA", "activate Acme").await;
    let text = visible_text(&question);
    assert!(text.contains("Make *Acme — Expand FY28* the active plan? It replaces *Expand FY27*"), "{text}");
    let new_plan = button_value(&question, "plan.confirm_activate").expect("a confirm button");
    // Nothing changed yet.
    let mut conn = app.db.pool.acquire().await.unwrap();
    assert_eq!(plans::by_id(&mut conn, old_plan).await.unwrap().unwrap().status, PlanStatus::Active);

    app.interaction(click(DANA, "plan.confirm_activate", &new_plan, "D0DANA")).await;
    let replies = replies_to(&app, 2).await;
    let said: String = replies.iter().map(visible_text).collect::<Vec<_>>().join("\n");
    assert!(said.contains("It replaces *Expand FY27*, now closed (kept, not deleted)"), "{said}");
    assert_eq!(plans::by_id(&mut conn, old_plan).await.unwrap().unwrap().status, PlanStatus::Closed);
    let active = plans::active_for(&app.db.pool, acme).await.unwrap().unwrap();
    assert_eq!(active.name, "Acme — Expand FY28");

    let listed = visible_text(&app.command_reply(DANA, "D0DANA", "plans Acme").await);
    assert!(listed.contains("Acme — Expand FY28") && listed.contains("Expand FY27") && listed.contains("closed"), "{listed}");

    // Closing asks too.
    let question = app.command_reply(DANA, "D0DANA", "close Acme").await;
    assert!(visible_text(&question).contains("Close *Acme — Expand FY28*?"));
    assert!(button_value(&question, "plan.confirm_close").is_some());
}

#[tokio::test]
async fn a_plan_started_as_active_while_another_became_active_asks_before_closing_it() {
    let app = spawn_app().await;
    let dana = slack_person(&app, DANA, "dana@example.com", None).await;
    let sam = slack_person(&app, SAM, "sam@example.com", None).await;
    let mut tx = planbot::store::begin(&app.db.pool, planbot::store::Actor::source("test")).await.unwrap();
    let acme = planbot::store::accounts::create(
        &mut tx,
        &planbot::store::accounts::NewAccount { name: "Acme".into(), rank: 1, owner_id: dana.user_id, ..Default::default() },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    join_team(&app.db.pool, &acme, &sam, TeamRole::Sa).await;
    let due = (today() + Duration::days(30)).to_string();

    app.command(DANA, "D0DANA", "new Acme").await;
    let danas = opened_view(&app, 1).await;
    app.command(SAM, "D0SAM", "new Acme").await;
    let sams = opened_view(&app, 2).await;
    assert_eq!(input(&sams, "Start as")["element"]["initial_option"]["value"], "active");
    assert_eq!(submit(&app, DANA, &danas, &[("Plan name", "Dana's plan"), ("Due date", &due)]).await, Value::Null);

    let answer = submit(&app, SAM, &sams, &[("Plan name", "Sam's plan"), ("Due date", &due)]).await;
    assert_eq!(answer["response_action"], "update", "{answer}");
    assert!(answer["view"].to_string().contains("Dana's plan became the active plan"), "{answer}");
    assert_eq!(plans::active_for(&app.db.pool, acme.account_id).await.unwrap().unwrap().name, "Dana's plan");
    // Saved again, knowing, it replaces hers (closed, not deleted).
    assert_eq!(submit(&app, SAM, &answer["view"], &[]).await, Value::Null);
    let listed = plans::for_account(&app.db.pool, acme.account_id).await.unwrap();
    let status = |name: &str| listed.iter().find(|p| p.name == name).map(|p| p.status);
    assert_eq!((status("Sam's plan"), status("Dana's plan")), (Some(PlanStatus::Active), Some(PlanStatus::Closed)));
}

#[tokio::test]
async fn two_people_saving_the_same_part_never_lose_the_first_save() {
    let (app, _, plan_id) = acme_app().await;
    app.command(DANA, "D0DANA", "edit Acme gtm").await;
    let danas = opened_view(&app, 1).await;
    app.command(SAM, "D0SAM", "edit Acme go-to-market").await;
    let sams = opened_view(&app, 2).await;
    for label in ["Goals at 6 months", "Goals at 12 months", "Goals at 18 months", "Our initiatives", "Threats/Risks", "Action plan"] {
        input(&danas, label);
    }

    assert_eq!(submit(&app, DANA, &danas, &[("Threats/Risks", "Budget freeze in Q1")]).await, Value::Null);
    let answer = submit(&app, SAM, &sams, &[("Threats/Risks", "A rival pilots in the platform team")]).await;
    assert_eq!(answer["response_action"], "update", "{answer}");
    let again = &answer["view"];
    let shown = again.to_string();
    assert!(shown.contains("dana") && shown.contains("Budget freeze in Q1"), "the first change is shown: {shown}");
    assert_eq!(input(again, "Threats/Risks")["element"]["initial_value"], "A rival pilots in the platform team", "Sam's text is kept");

    let mut conn = app.db.pool.acquire().await.unwrap();
    assert_eq!(plans::by_id(&mut conn, plan_id).await.unwrap().unwrap().threats_risks, "Budget freeze in Q1");

    // Sam merges and saves again from the form as shown.
    let merged = "Budget freeze in Q1\nA rival pilots in the platform team";
    assert_eq!(submit(&app, SAM, again, &[("Threats/Risks", merged)]).await, Value::Null);
    assert_eq!(plans::by_id(&mut conn, plan_id).await.unwrap().unwrap().threats_risks, merged);
    let history: Vec<_> = audit::for_entity(&app.db.pool, "plan", plan_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.field.as_deref() == Some("threats_risks"))
        .collect();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].actor_name.as_deref(), Some("dana"));
    assert_eq!(history[1].actor_name.as_deref(), Some("sam"));
    assert_eq!(history[1].old_value.as_deref(), Some("Budget freeze in Q1"));
    assert!(app.slack.violations().is_empty(), "{:?}", app.slack.violations());
}

#[tokio::test]
async fn saving_again_after_a_conflict_keeps_the_other_persons_change_to_a_field_you_left_alone() {
    let (app, _, plan_id) = acme_app().await;
    app.command(DANA, "D0DANA", "edit Acme gtm").await;
    let danas = opened_view(&app, 1).await;
    app.command(SAM, "D0SAM", "edit Acme gtm").await;
    let sams = opened_view(&app, 2).await;
    assert_eq!(submit(&app, SAM, &sams, &[("Goals at 6 months", "Sam's goal")]).await, Value::Null);
    // Dana changed another field; her form comes back with Sam's goal in it.
    let answer = submit(&app, DANA, &danas, &[("Threats/Risks", "Dana's risk")]).await;
    assert_eq!(answer["response_action"], "update", "{answer}");
    assert_eq!(input(&answer["view"], "Goals at 6 months")["element"]["initial_value"], "Sam's goal");
    assert_eq!(input(&answer["view"], "Threats/Risks")["element"]["initial_value"], "Dana's risk");
    assert_eq!(submit(&app, DANA, &answer["view"], &[]).await, Value::Null);
    let mut conn = app.db.pool.acquire().await.unwrap();
    let plan = plans::by_id(&mut conn, plan_id).await.unwrap().unwrap();
    assert_eq!((plan.goals_6m.as_str(), plan.threats_risks.as_str()), ("Sam's goal", "Dana's risk"));
}

#[tokio::test]
async fn a_section_longer_than_slack_can_show_survives_an_edit_of_another_field() {
    let (app, _, plan_id) = acme_app().await;
    let long = "Threat. ".repeat(625);
    assert_eq!(long.len(), 5000);
    let mut conn = app.db.pool.acquire().await.unwrap();
    plans::update_sections(&mut conn, plan_id, &[("threats_risks", long.clone())]).await.unwrap();

    app.command(DANA, "D0DANA", "edit Acme gtm").await;
    let view = opened_view(&app, 1).await;
    let threats = input(&view, "Threats/Risks");
    assert!(threats["element"].get("initial_value").is_none(), "not shown cut: {threats}");
    assert!(threats["hint"]["text"].as_str().unwrap().contains("5000 characters"), "{threats}");
    assert!(app.slack.violations().is_empty(), "{:?}", app.slack.violations());

    assert_eq!(submit(&app, DANA, &view, &[("Goals at 6 months", "Upgrade 2,400 seats")]).await, Value::Null);
    let plan = plans::by_id(&mut conn, plan_id).await.unwrap().unwrap();
    assert_eq!(plan.threats_risks, long, "untouched");
    assert_eq!(plan.goals_6m, "Upgrade 2,400 seats");

    // Replaced on purpose, it is replaced.
    app.command(DANA, "D0DANA", "edit Acme gtm").await;
    let view = opened_view(&app, 2).await;
    assert_eq!(submit(&app, DANA, &view, &[("Threats/Risks", "Only this now")]).await, Value::Null);
    assert_eq!(plans::by_id(&mut conn, plan_id).await.unwrap().unwrap().threats_risks, "Only this now");
}

#[tokio::test]
async fn the_customer_profile_edits_the_accounts_rank_notes_and_the_plans_sections_together() {
    let (app, acme, plan_id) = acme_app().await;
    app.command(DANA, "D0DANA", "edit Acme profile").await;
    let view = opened_view(&app, 1).await;
    let changes = [("Rank notes", "Top 10 logo"), ("Business overview", "Makes anvils"), ("Industry trends", "Consolidation")];
    assert_eq!(submit(&app, DANA, &view, &changes).await, Value::Null);
    let account = planbot::store::accounts::by_id(&app.db.pool, acme).await.unwrap().unwrap();
    assert_eq!(account.rank_notes, "Top 10 logo");
    let mut conn = app.db.pool.acquire().await.unwrap();
    let plan = plans::by_id(&mut conn, plan_id).await.unwrap().unwrap();
    assert_eq!((plan.business_overview.as_str(), plan.industry_trends.as_str()), ("Makes anvils", "Consolidation"));
    let changed: Vec<String> = audit::for_account(&app.db.pool, acme, None, 50)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.actor_name.as_deref() == Some("dana"))
        .filter_map(|e| e.field)
        .collect();
    for field in ["rank_notes", "business_overview", "industry_trends"] {
        assert!(changed.iter().any(|f| f == field), "{field} audited: {changed:?}");
    }
}

#[tokio::test]
async fn someone_who_lost_access_while_editing_is_refused_and_outsiders_hear_unknown_account() {
    let (app, acme, plan_id) = acme_app().await;
    app.command(SAM, "D0SAM", "edit Acme gtm").await;
    let view = opened_view(&app, 1).await;
    sqlx::query("delete from account_team where account_id = $1 and user_id = (select user_id from app_user where slack_id = $2)")
        .bind(acme)
        .bind(SAM)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let answer = submit(&app, SAM, &view, &[("Threats/Risks", "Sneaky")]).await;
    assert_eq!(answer["response_action"], "errors", "{answer}");
    let mut conn = app.db.pool.acquire().await.unwrap();
    assert_eq!(plans::by_id(&mut conn, plan_id).await.unwrap().unwrap().threats_risks, "");

    let wrong_part = visible_text(&app.command_reply(DANA, "D0DANA", "edit Acme goals").await);
    assert!(wrong_part.contains("“goals” is not a part of the plan") && wrong_part.contains("`gtm`"), "{wrong_part}");
    let outsider = visible_text(&app.command_reply(EVE, "D0EVE", "edit Acme gtm").await);
    let unknown = visible_text(&app.command_reply(EVE, "D0EVE", "edit Nonesuch gtm").await);
    assert_eq!(outsider.replace("Acme", "X"), unknown.replace("Nonesuch", "X"), "the same answer as for an unknown account");
    assert_eq!(app.slack.calls_of("views.open").len(), 1);
}

#[tokio::test]
async fn contacts_are_added_and_edited_with_every_field_and_a_reports_to_loop_is_refused() {
    let (app, acme, _) = acme_app().await;
    let people = app.command_reply(DANA, "D0DANA", "people Acme").await;
    let add = button_value(&people, "plan.add_contact").expect("an Add contact button");
    assert_eq!(add, acme.to_string());

    app.interaction(click(DANA, "plan.add_contact", &add, "D0DANA")).await;
    let form = opened_view(&app, 1).await;
    for label in ["Name", "Title", "Company", "Email", "Profile URL", "Reports to", "Influence", "Buying role", "Sentiment", "Relationship strength", "Relationship owner", "Sponsor"] {
        input(&form, label);
    }
    // Each mistake beside its field; nothing written.
    let answer = submit(&app, DANA, &form, &[("Name", "Hannah Okafor"), ("Email", "hannah-at-acme"), ("Profile URL", "linkedin/hannah")]).await;
    assert_eq!(answer["response_action"], "errors", "{answer}");
    assert!(answer["errors"]["email"].as_str().unwrap().contains("not an email address"), "{answer}");
    assert!(answer["errors"]["profile_url"].as_str().unwrap().contains("link"), "{answer}");

    let cto = [
        ("Name", "Hannah Okafor"),
        ("Title", "CTO"),
        ("Email", "Hannah@Acme.example"),
        ("Influence", "high"),
        ("Buying role", "champion"),
        ("Sentiment", "promoter"),
        ("Relationship strength", "5"),
        ("Relationship owner", SAM),
        ("Sponsor", "yes"),
    ];
    assert_eq!(submit(&app, DANA, &form, &cto).await, Value::Null);
    let mut conn = app.db.pool.acquire().await.unwrap();
    let map = planbot::store::contacts::for_account(&mut conn, acme).await.unwrap();
    let hannah = map.iter().find(|c| c.name == "Hannah Okafor").unwrap().clone();
    assert_eq!(hannah.email.as_deref(), Some("hannah@acme.example"));
    assert_eq!(hannah.owner_slack_id.as_deref(), Some(SAM));
    assert!(hannah.tracked && hannah.strength == Some(5));

    // Raj reports to Hannah.
    app.interaction(click(DANA, "plan.add_contact", &add, "D0DANA")).await;
    let form = opened_view(&app, 2).await;
    let hannah_id = hannah.contact_id.to_string();
    assert_eq!(submit(&app, DANA, &form, &[("Name", "Raj Patel"), ("Reports to", &hannah_id)]).await, Value::Null);
    let map = planbot::store::contacts::for_account(&mut conn, acme).await.unwrap();
    let raj = map.iter().find(|c| c.name == "Raj Patel").unwrap().clone();
    assert_eq!(raj.reports_to_id, Some(hannah.contact_id));

    // The tree shows Raj under Hannah, each with an Edit button.
    let people = app.command_reply(DANA, "D0DANA", "people Acme").await;
    let text = visible_text(&people);
    let (h, r) = (text.find("*Hannah Okafor*").unwrap(), text.find("└ *Raj Patel*").unwrap());
    assert!(h < r, "{text}");
    assert!(button_value(&people, "plan.edit_contact").is_some());

    // Hannah can't be made to report to Raj: the form doesn't offer him,
    // and a submission that names him anyway is refused.
    app.interaction(click(DANA, "plan.edit_contact", &hannah_id, "D0DANA")).await;
    let form = opened_view(&app, 3).await;
    let options = input(&form, "Reports to")["element"]["options"].to_string();
    assert!(!options.contains("Raj Patel"), "{options}");
    let mut payload = submission(DANA, &form, &[]);
    payload["view"]["state"]["values"]["reports_to"]["reports_to"]["selected_option"] =
        json!({"value": raj.contact_id.to_string(), "text": {"type": "plain_text", "text": "Raj"}});
    let answer: Value = app.interaction(payload).await.json().await.unwrap();
    assert!(answer["errors"]["reports_to"].as_str().unwrap().contains("loop"), "{answer}");
    let map = planbot::store::contacts::for_account(&mut conn, acme).await.unwrap();
    assert_eq!(map.iter().find(|c| c.name == "Hannah Okafor").unwrap().reports_to_id, None);
    assert!(app.slack.violations().is_empty(), "{:?}", app.slack.violations());
}

#[tokio::test]
async fn removing_a_contact_someone_just_edited_asks_again() {
    let (app, acme, _) = acme_app().await;
    let people = app.command_reply(DANA, "D0DANA", "people Acme").await;
    let add = button_value(&people, "plan.add_contact").unwrap();
    app.interaction(click(DANA, "plan.add_contact", &add, "D0DANA")).await;
    let form = opened_view(&app, 1).await;
    assert_eq!(submit(&app, DANA, &form, &[("Name", "Gregory Tan"), ("Title", "CIO")]).await, Value::Null);
    let mut conn = app.db.pool.acquire().await.unwrap();
    let id = planbot::store::contacts::for_account(&mut conn, acme).await.unwrap()[0].contact_id.to_string();

    app.interaction(click(DANA, "plan.edit_contact", &id, "D0DANA")).await;
    let danas = opened_view(&app, 2).await;
    app.interaction(click(SAM, "plan.edit_contact", &id, "D0SAM")).await;
    let sams = opened_view(&app, 3).await;
    assert_eq!(submit(&app, SAM, &sams, &[("Title", "Chief Information Officer")]).await, Value::Null);

    let answer = submit(&app, DANA, &danas, &[("Remove", "yes")]).await;
    assert_eq!(answer["response_action"], "update", "{answer}");
    assert!(answer["view"].to_string().contains("Chief Information Officer"), "Sam's change is shown");
    assert_eq!(planbot::store::contacts::for_account(&mut conn, acme).await.unwrap().len(), 1, "not removed yet");
    // The form asks again: Remove is no longer ticked, and Sam's title is shown.
    assert!(input(&answer["view"], "Remove")["element"].get("initial_options").is_none(), "{}", answer["view"]);
    assert_eq!(input(&answer["view"], "Title")["element"]["initial_value"], "Chief Information Officer");
    // Saved as it is, it keeps Sam's change; ticked again, it removes.
    assert_eq!(submit(&app, DANA, &answer["view"], &[("Remove", "yes")]).await, Value::Null);
    assert!(planbot::store::contacts::for_account(&mut conn, acme).await.unwrap().is_empty());
    let history = audit::for_account(&app.db.pool, acme, None, 50).await.unwrap();
    assert!(history.iter().any(|e| e.entity == "contact" && e.action == "delete" && e.actor_name.as_deref() == Some("dana")));
}

#[tokio::test]
async fn whitespace_rows_are_added_shown_by_stage_edited_and_removed() {
    let (app, acme, _) = acme_app().await;
    let map = app.command_reply(DANA, "D0DANA", "whitespace Acme").await;
    let add = button_value(&map, "plan.add_whitespace").expect("an Add row button");
    app.interaction(click(DANA, "plan.add_whitespace", &add, "D0DANA")).await;
    let form = opened_view(&app, 1).await;
    for label in ["Stage", "Vendor", "Likes", "Dislikes", "Annual spend", "Contract end", "Appetite"] {
        input(&form, label);
    }
    let answer = submit(&app, DANA, &form, &[("Stage", "verify"), ("Vendor", "Jenkins"), ("Annual spend", "lots")]).await;
    assert!(answer["errors"]["annual_spend"].as_str().unwrap().contains("lots"), "{answer}");
    let soon = (today() + Duration::days(90)).to_string();
    let row = [("Stage", "verify"), ("Vendor", "Jenkins"), ("Annual spend", "$180,000"), ("Contract end", soon.as_str()), ("Appetite", "high")];
    assert_eq!(submit(&app, DANA, &form, &row).await, Value::Null);

    let map = app.command_reply(DANA, "D0DANA", "whitespace Acme").await;
    let text = visible_text(&map);
    assert!(text.contains("*Verify* · *Jenkins* · $180k/yr · :hourglass: contract ends"), "{text}");
    assert!(text.contains("Open whitespace (nothing recorded): Plan, Create, Package"), "{text}");
    let id = button_value(&map, "plan.edit_whitespace").unwrap();

    // The same vendor at the same stage twice is refused beside the vendor.
    app.interaction(click(DANA, "plan.add_whitespace", &add, "D0DANA")).await;
    let again = opened_view(&app, 2).await;
    let answer = submit(&app, DANA, &again, &[("Stage", "verify"), ("Vendor", "jenkins")]).await;
    assert!(answer["errors"]["vendor"].as_str().unwrap().contains("already"), "{answer}");

    app.interaction(click(DANA, "plan.edit_whitespace", &id, "D0DANA")).await;
    let edit = opened_view(&app, 3).await;
    assert_eq!(input(&edit, "Contract end")["element"]["initial_date"], soon);
    assert_eq!(submit(&app, DANA, &edit, &[("Remove", "yes")]).await, Value::Null);
    let rows: i64 = sqlx::query_scalar("select count(*) from whitespace where account_id = $1").bind(acme).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(rows, 0);
    assert!(app.slack.violations().is_empty(), "{:?}", app.slack.violations());
}

#[tokio::test]
async fn the_full_plan_has_an_edit_button_per_part_that_opens_its_form() {
    let (app, _, plan_id) = acme_app().await;
    let summary = app.command_reply(DANA, "D0DANA", "summary Acme").await;
    let account_id = button_value(&summary, "summary.full_plan").unwrap();
    app.interaction(click(DANA, "summary.full_plan", &account_id, "D0DANA")).await;
    let replies = replies_to(&app, 1).await;
    let full = replies.iter().find(|r| button_value(r, "plan.edit_part").is_some()).expect("the full plan has Edit buttons");
    let value = button_value(full, "plan.edit_part").unwrap();
    assert!(value.starts_with(&format!("{plan_id}:")), "{value}");
    app.interaction(click(DANA, "plan.edit_part", &format!("{plan_id}:snapshot"), "D0DANA")).await;
    let view = opened_view(&app, 1).await;
    for label in ["Summary and history", "Current entitled solutions", "IT/digital strategy", "Strategic partnerships", "Goals/strategies/objectives", "High-level initiatives"] {
        input(&view, label);
    }
}

#[tokio::test]
async fn sharing_posts_the_summary_to_the_accounts_linked_channel_once() {
    let (app, acme, _) = acme_app().await;
    sqlx::query("update account set slack_channel = 'C0ACME' where account_id = $1").bind(acme).execute(&app.db.pool).await.unwrap();
    let reply = visible_text(&app.command_reply(DANA, "D0DANA", "share Acme").await);
    assert!(reply.contains("Shared the summary of *Acme Corporation* in <#C0ACME>"), "{reply}");
    let posted = app.slack.wait_for("chat.postMessage", 1).await;
    let to_channel: Vec<_> = posted.iter().filter(|c| c.body["channel"] == "C0ACME").collect();
    assert_eq!(to_channel.len(), 1, "{posted:?}");
    assert!(visible_text(&to_channel[0].body).contains("Acme Corporation"));
    assert!(visible_text(&to_channel[0].body).contains(&format!("<@{DANA}>")), "says who shared it");

    // In a DM with no linked channel, it says where to run it instead.
    sqlx::query("update account set slack_channel = null where account_id = $1").bind(acme).execute(&app.db.pool).await.unwrap();
    let reply = visible_text(&app.command_reply(DANA, "D0DANA", "share Acme").await);
    assert!(reply.contains("no linked channel"), "{reply}");
}

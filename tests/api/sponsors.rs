//! Sponsor tracking: observations through the API become changes,
//! notifications to the account team, follow-ups when an executive sponsor
//! leaves, and the summary's single-threaded warning.

use axum::http::StatusCode;
use chrono::{Duration, NaiveTime, Utc};
use planbot::domain::enums::{BuyingRole, DigestFrequency, Influence, Sentiment, TeamRole};
use planbot::store::accounts::{self, Account};
use planbot::store::contacts::{self, NewContact};
use planbot::store::users::{self, Preferences, User};
use serde_json::{Value, json};

use crate::helpers::{API_TOKEN, TestApp, account_with_plan, join_team, person, spawn_app};
use crate::intel_support::{count, outbox};

async fn observe(app: &TestApp, body: Value) -> (StatusCode, Value) {
    let response = app
        .http
        .post(format!("{}/api/v1/sponsors/observations", app.url))
        .bearer_auth(API_TOKEN)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&body).unwrap())
        .send()
        .await
        .unwrap();
    let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
    (status, serde_json::from_str(&response.text().await.unwrap()).unwrap())
}

struct Acme {
    account: Account,
    dana: User,
    sam: User,
}

/// Acme (owner Dana, CSM Sam, linked to #acme) with its buying group:
/// Jane (champion) and Carl (influencer), both high-influence promoters;
/// Bob (economic buyer); all three tracked. Una is a contact, not tracked.
async fn acme(app: &TestApp) -> Acme {
    let pool = &app.db.pool;
    let dana = person(pool, "dana@example.com", None).await;
    let sam = person(pool, "sam@example.com", None).await;
    let (account, _) = account_with_plan(pool, "Acme Corporation", &dana).await;
    join_team(pool, &account, &sam, TeamRole::Csm).await;
    let mut conn = pool.acquire().await.unwrap();
    accounts::link_channel(&mut conn, account.account_id, "C0ACME").await.unwrap();
    let contacts = [
        ("Jane Doe", "VP Engineering", "", "jane.doe@acme.com", BuyingRole::Champion, Influence::High, Sentiment::Promoter, Some("Seattle, WA")),
        ("Carl Ito", "Director of Platform", "Acme", "carl@acme.com", BuyingRole::Influencer, Influence::High, Sentiment::Promoter, Some("Austin, TX")),
        ("Bob Li", "CFO", "Acme Corporation", "bob@acme.com", BuyingRole::EconomicBuyer, Influence::High, Sentiment::Neutral, None),
        ("Una Park", "Engineer", "Acme", "una@acme.com", BuyingRole::User, Influence::Low, Sentiment::Neutral, None),
    ];
    for (name, title, company, email, role, influence, sentiment, location) in contacts {
        let id = contacts::upsert(
            &mut conn,
            &NewContact {
                account_id: account.account_id,
                name: name.into(),
                title: title.into(),
                company: company.into(),
                email: Some(email.into()),
                influence: Some(influence),
                buying_role: Some(role),
                sentiment: Some(sentiment),
                strength: Some(4),
                ..NewContact::default()
            },
        )
        .await
        .unwrap();
        if name != "Una Park" {
            contacts::track(&mut conn, id, location, Utc::now()).await.unwrap();
        }
    }
    Acme { account, dana, sam }
}

#[tokio::test]
async fn a_title_change_is_recorded_and_told_to_the_account_team_and_the_linked_channel() {
    let app = spawn_app().await;
    let acme = acme(&app).await;
    let pool = &app.db.pool;
    // Sam turned sponsor DMs off.
    users::set_preferences(
        pool,
        acme.sam.user_id,
        &Preferences {
            tz: "America/New_York".into(),
            quiet_hours: None,
            working_days: vec![1, 2, 3, 4, 5, 6, 7],
            digest: DigestFrequency::Off,
            digest_time: NaiveTime::from_hms_opt(8, 30, 0).unwrap(),
            digest_weekday: 1,
            dm_muted: vec!["sponsor".into()],
        },
    )
    .await
    .unwrap();

    let (status, body) = observe(
        &app,
        json!({"source": "profile-sync", "observations": [
            {"contact_email": "JANE.DOE@acme.com", "title": "Chief Technology Officer", "location": "Seattle, Washington"}
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["changes"], 1);
    assert_eq!(
        body["results"][0]["changes"],
        json!([{"attribute": "title", "from": "VP Engineering", "to": "Chief Technology Officer"}])
    );
    assert_eq!(body["results"][0]["left_company"], false);

    let (title, source): (String, String) = sqlx::query_as(
        "select c.title, o.source from contact c join sponsor_observation o using (contact_id) where c.name = 'Jane Doe'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!((title.as_str(), source.as_str()), ("Chief Technology Officer", "profile-sync"));
    assert_eq!(count(pool, "sponsor_change").await, 1);
    let audited: i64 = sqlx::query_scalar("select count(*) from audit where entity = 'contact' and field = 'title' and actor_source = 'api'")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(audited, 1);

    let rows = outbox(pool, "sponsor").await;
    let targets: Vec<(Option<i64>, Option<&str>)> = rows.iter().map(|r| (r.target_user_id, r.target_channel.as_deref())).collect();
    assert_eq!(targets, [(Some(acme.dana.user_id), None), (None, Some("C0ACME"))], "Sam muted sponsor DMs");
    for row in &rows {
        assert_eq!(row.text(), "Sponsor changes at Acme Corporation");
        let text = row.block_text();
        assert!(text.contains("*Jane Doe* (champion, high influence): title VP Engineering → *Chief Technology Officer*"), "{text}");
        assert!(!text.contains("Seattle"), "the location only gained detail: {text}");
        assert!(row.violations().is_empty());
    }
}

#[tokio::test]
async fn a_change_of_spelling_is_observed_but_not_reported() {
    let app = spawn_app().await;
    acme(&app).await;
    let pool = &app.db.pool;
    let (status, body) = observe(
        &app,
        json!([
            {"contact_email": "jane.doe@acme.com", "title": "VP, Engineering", "company": "ACME Corp.",
             "location": "Seattle, Washington, United States"},
            {"account": "acme corporation", "name": "bob li", "title": "Chief Financial Officer", "company": "Acme Corporation, Inc."},
            {"contact_email": "carl@acme.com", "title": "Director, Platform", "company": "Acme Inc", "location": "Greater Austin Area"},
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["changes"], 0, "{body}");
    assert_eq!(count(pool, "sponsor_observation").await, 3, "every observation is kept");
    assert_eq!(count(pool, "sponsor_change").await, 0);
    assert!(outbox(pool, "sponsor").await.is_empty());
    let departed: i64 = sqlx::query_scalar("select count(*) from contact where departed_at is not null").fetch_one(pool).await.unwrap();
    assert_eq!(departed, 0);
}

#[tokio::test]
async fn a_champion_leaving_becomes_one_follow_up_and_a_single_threaded_warning() {
    let app = spawn_app().await;
    let acme = acme(&app).await;
    let pool = &app.db.pool;
    let leaves = json!({"contact_email": "jane.doe@acme.com", "title": "CTO", "company": "Initech"});

    let (status, body) = observe(&app, leaves.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let result = &body["results"][0];
    assert_eq!(result["left_company"], true, "{body}");
    assert_eq!(result["changes"][1], json!({"attribute": "company", "from": "Acme Corporation", "to": "Initech"}));
    let item_id = result["action_item_id"].as_i64().expect("a follow-up item");

    let (title, owner, due, plan_status): (String, i64, chrono::NaiveDate, String) = sqlx::query_as(
        "select i.title, i.owner_id, i.due_date, p.status from action_item i join plan p using (plan_id) where i.action_item_id = $1",
    )
    .bind(item_id)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(title, "Re-establish an executive sponsor at Acme Corporation (Jane Doe left)");
    assert_eq!((owner, plan_status.as_str()), (acme.dana.user_id, "active"));
    let dana_today = Utc::now().with_timezone(&acme.dana.time_zone()).date_naive();
    assert_eq!(due, dana_today + Duration::days(14));

    // The summary no longer counts Jane, and warns.
    let today = Utc::now().date_naive();
    let data = planbot::store::summary::gather(pool, acme.account.account_id, today).await.unwrap().unwrap();
    assert_eq!(data.relationships.high_influence_promoters, 1);
    let summary = serde_json::to_string(&planbot::render::summary::render(&data, Utc::now(), chrono_tz::UTC)).unwrap();
    assert!(summary.contains("*Single-threaded:* only one high-influence promoter"), "{summary}");
    assert!(summary.contains("Left the company: Jane Doe"), "{summary}");

    let rows = outbox(pool, "sponsor").await;
    assert_eq!(rows.len(), 3, "Dana, Sam and #acme");
    let text = rows[0].block_text();
    assert_eq!(rows[0].text(), "Jane Doe (champion, high influence) left Acme Corporation");
    assert!(text.contains("*left Acme Corporation* for *Initech*"), "{text}");
    assert!(text.contains(&format!("Added `#{item_id}` Re-establish an executive sponsor at Acme Corporation (Jane Doe left) for <@UDANA>.")), "{text}");
    assert!(text.contains("*Acme Corporation is now single-threaded:* Carl Ito is the only high-influence promoter left."), "{text}");

    // The same observation again changes nothing: no second item, no second message.
    let (_, body) = observe(&app, leaves).await;
    assert_eq!(body["changes"], 0);
    assert_eq!(body["results"][0]["action_item_id"], Value::Null);
    assert_eq!(outbox(pool, "sponsor").await.len(), 3);
    let followups: i64 = sqlx::query_scalar("select count(*) from action_item where title like 'Re-establish%'").fetch_one(pool).await.unwrap();
    assert_eq!(followups, 1);

    // Moving on from Initech is a change, not a second departure.
    let (_, body) = observe(&app, json!({"contact_email": "jane.doe@acme.com", "company": "Hooli"})).await;
    assert_eq!(body["changes"], 1);
    assert_eq!(body["results"][0]["left_company"], false);
    assert_eq!(body["results"][0]["action_item_id"], Value::Null);
    let followups: i64 = sqlx::query_scalar("select count(*) from action_item where title like 'Re-establish%'").fetch_one(pool).await.unwrap();
    assert_eq!(followups, 1);

    // The economic buyer leaving too, by name at the account: a second follow-up.
    let (_, body) = observe(
        &app,
        json!({"account": "Acme Corporation", "name": "Bob Li", "company": "Globex", "observed_at": Utc::now().to_rfc3339()}),
    )
    .await;
    assert!(body["results"][0]["action_item_id"].is_i64(), "{body}");
    let text = outbox(pool, "sponsor").await.last().unwrap().block_text();
    assert!(text.contains("Carl Ito is the only high-influence promoter left"), "{text}");
}

#[tokio::test]
async fn unknown_or_untracked_contacts_reject_the_request_and_nothing_is_recorded() {
    let app = spawn_app().await;
    acme(&app).await;
    let pool = &app.db.pool;
    let (status, body) = observe(
        &app,
        json!({"observations": [
            {"contact_email": "jane.doe@acme.com", "company": "Initech"},
            {"contact_email": "nobody@acme.com", "title": "CEO"},
            {"contact_email": "una@acme.com", "title": "Staff Engineer"},
            {"account": "Acme Corporation", "name": "Carl Ito"},
            {"account": "Nope Inc", "name": "Someone", "title": "CEO"},
            {"title": "CEO"},
            {"contact_id": 1, "title": "CEO", "shoe_size": 44},
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let details: Vec<&str> = body["details"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
    assert_eq!(details[0], "observations[1]: there is no contact with email nobody@acme.com");
    assert_eq!(
        details[1],
        "observations[2]: Una Park at Acme Corporation is not a tracked sponsor; mark the contact tracked (contacts.csv, column `tracked`) first"
    );
    assert_eq!(details[2], "observations[3]: give at least one of title, company and location");
    assert_eq!(details[3], "observations[4].account: there is no account named “Nope Inc”");
    assert!(details[4].starts_with("observations[5]: name the contact with `contact_id`"), "{details:?}");
    assert!(details[5].starts_with("observations[6]: unknown field `shoe_size`"), "{details:?}");
    assert_eq!(details.len(), 6);
    assert_eq!(count(pool, "sponsor_observation").await, 0);
    assert_eq!(count(pool, "sponsor_change").await, 0);
    assert_eq!(count(pool, "outbox").await, 0);
    let departed: Option<chrono::DateTime<Utc>> =
        sqlx::query_scalar("select departed_at from contact where name = 'Jane Doe'").fetch_one(pool).await.unwrap();
    assert_eq!(departed, None, "the valid observation was not applied either");
}

#[tokio::test]
async fn a_late_observation_does_not_undo_a_newer_one() {
    let app = spawn_app().await;
    acme(&app).await;
    let pool = &app.db.pool;
    let now = Utc::now();
    let jane: i64 = sqlx::query_scalar("select contact_id from contact where name = 'Jane Doe'").fetch_one(pool).await.unwrap();
    let (_, body) = observe(
        &app,
        json!([
            // sent out of order: the newer one first
            {"contact_id": jane, "title": "Chief Technology Officer", "observed_at": (now - Duration::hours(1)).to_rfc3339()},
            {"contact_id": jane, "title": "SVP Engineering", "observed_at": (now - Duration::days(2)).to_rfc3339()},
        ]),
    )
    .await;
    assert_eq!(body["changes"], 2, "applied oldest first: VP → SVP → CTO; {body}");
    let (_, body) = observe(
        &app,
        json!({"contact_id": jane, "title": "VP Engineering", "observed_at": (now - Duration::days(1)).to_rfc3339()}),
    )
    .await;
    assert_eq!(body["results"][0]["stale"], true);
    assert_eq!(body["changes"], 0);
    let title: String = sqlx::query_scalar("select title from contact where contact_id = $1").bind(jane).fetch_one(pool).await.unwrap();
    assert_eq!(title, "Chief Technology Officer");
    assert_eq!(count(pool, "sponsor_observation").await, 3);
}

#[tokio::test]
async fn an_observation_names_its_contact_by_email_or_by_profile_url_as_the_contact_records_them() {
    let app = spawn_app().await;
    let acme = acme(&app).await;
    sqlx::query("update contact set profile_url = 'https://www.linkedin.com/in/carl-ito/' where name = 'Carl Ito'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (status, answer) = observe(&app, json!({"email": "jane.doe@acme.com", "title": "CTO"})).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["results"][0]["contact"], "Jane Doe");
    let (status, answer) = observe(&app, json!({"profile_url": "https://www.linkedin.com/in/carl-ito", "title": "VP Platform"})).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["results"][0]["contact"], "Carl Ito");
    // An unknown profile, or two names for the email that disagree, are refused and nothing is written.
    let (status, answer) = observe(&app, json!({"profile_url": "https://www.linkedin.com/in/nobody", "title": "CEO"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert!(answer.to_string().contains("no contact with profile_url"), "{answer}");
    let (status, answer) = observe(&app, json!({"email": "jane.doe@acme.com", "contact_email": "bob@acme.com", "title": "CEO"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    let _ = acme.sam;
}

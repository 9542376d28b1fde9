//! Company intelligence: the ingest API, feed polling, deduplication and
//! delivery to followers through the outbox, and the buttons on intel messages.

use axum::http::StatusCode;
use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use planbot::app::Place;
use planbot::domain::enums::{DigestFrequency, TeamRole};
use planbot::intel::poll::{self, PollReport};
use planbot::store::accounts::{self, Account};
use planbot::store::subscriptions::{self, Follower};
use planbot::store::users::{self, Preferences, User};
use serde_json::{Value, json};

use crate::helpers::{API_TOKEN, TestApp, account_with_plan, join_team, person, spawn_app};
use crate::intel_support::{ATOM_LAST_MODIFIED, FeedServer, RSS_ETAG, count, outbox};

async fn post(app: &TestApp, path: &str, body: &Value) -> (StatusCode, Value) {
    post_raw(app, path, Some(API_TOKEN), "application/json", serde_json::to_vec(body).unwrap()).await
}

async fn post_raw(app: &TestApp, path: &str, token: Option<&str>, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let mut request = app.http.post(format!("{}{path}", app.url)).header("content-type", content_type).body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (StatusCode::from_u16(status.as_u16()).unwrap(), body)
}

async fn get_json(app: &TestApp, path: &str) -> Value {
    let response = app.http.get(format!("{}{path}", app.url)).bearer_auth(API_TOKEN).send().await.unwrap();
    assert!(response.status().is_success(), "{path}: {}", response.status());
    serde_json::from_str(&response.text().await.unwrap()).unwrap()
}

/// Acme with an owner, an SA and a linked channel.
async fn acme(app: &TestApp) -> (Account, User, User) {
    let pool = &app.db.pool;
    let dana = person(pool, "dana@example.com", None).await;
    let sam = person(pool, "sam@example.com", None).await;
    let (acme, _) = account_with_plan(pool, "Acme Corporation", &dana).await;
    join_team(pool, &acme, &sam, TeamRole::Sa).await;
    let mut conn = pool.acquire().await.unwrap();
    accounts::link_channel(&mut conn, acme.account_id, "C0ACME").await.unwrap();
    (acme, dana, sam)
}

async fn set_preferences(app: &TestApp, user: &User, change: impl FnOnce(&mut Preferences)) {
    let mut prefs = Preferences {
        tz: user.tz.clone(),
        quiet_hours: None,
        working_days: vec![1, 2, 3, 4, 5, 6, 7],
        digest: DigestFrequency::Off,
        digest_time: NaiveTime::from_hms_opt(8, 30, 0).unwrap(),
        digest_weekday: 1,
        dm_muted: vec![],
    };
    change(&mut prefs);
    users::set_preferences(&app.db.pool, user.user_id, &prefs).await.unwrap();
}

#[tokio::test]
async fn pushed_items_are_classified_stored_and_reported_one_by_one() {
    let app = spawn_app().await;
    let (acme, _, _) = acme(&app).await;

    let (status, body) = post(
        &app,
        "/api/v1/intel",
        &json!({
            "account": "acme corporation",
            "source": "crm-newsbot",
            "items": [
                {"headline": "Acme raises $50M Series C led by Sequoia", "url": "https://news.example.com/a"},
                {"headline": "Acme and Globex sign a reseller agreement", "category": "partnership",
                 "summary": "The deal covers EMEA.", "published_at": "2026-11-20"},
            ]
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["stored"], 2);
    assert_eq!(body["duplicates"], 0);
    assert_eq!(body["items"][0]["status"], "stored");
    assert_eq!(body["items"][0]["category"], "funding", "classified from the headline");
    assert_eq!(body["items"][0]["account"], "Acme Corporation");
    assert_eq!(body["items"][1]["category"], "partnership", "the given category is kept");

    let rows: Vec<(String, String, String, DateTime<Utc>)> = sqlx::query_as(
        "select headline, category, source, published_at from intel_item where account_id = $1 order by intel_item_id",
    )
    .bind(acme.account_id)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(rows[0].1, "funding");
    assert_eq!(rows[0].2, "crm-newsbot");
    assert_eq!(rows[1].3.to_rfc3339(), "2026-11-20T00:00:00+00:00");

    // A lone item naming its account by external id is accepted too.
    sqlx::query("update account set external_id = 'SF-0042' where account_id = $1")
        .bind(acme.account_id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (status, body) =
        post(&app, "/api/v1/intel", &json!({"external_id": "SF-0042", "headline": "Acme cuts 300 jobs"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["items"][0]["category"], "layoffs");
}

#[tokio::test]
async fn the_same_story_from_two_sources_is_stored_once() {
    let app = spawn_app().await;
    let (acme, _, _) = acme(&app).await;
    let first = json!({"account": "Acme Corporation", "source": "wire", "items": [
        {"headline": "Acme to acquire Initech for $2 billion", "url": "https://www.news.example.com/deal?utm_source=x"},
    ]});
    let (_, body) = post(&app, "/api/v1/intel", &first).await;
    let id = body["items"][0]["intel_item_id"].as_i64().unwrap();

    let again = json!({"account": "Acme Corporation", "source": "other", "items": [
        // the same link once normalised
        {"headline": "Initech bought by Acme", "url": "http://news.example.com/deal/#comments"},
        // a near-identical headline the same day, from elsewhere, without a link
        {"headline": "EXCLUSIVE: Acme to acquire Initech for $2bn - Reuters"},
        // repeated inside the request
        {"headline": "Acme names a new CTO", "url": "https://b.example.com/cto"},
        {"headline": "Acme names a new CTO", "url": "https://b.example.com/cto?fbclid=1"},
    ]});
    let (status, body) = post(&app, "/api/v1/intel", &again).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["stored"], 1);
    assert_eq!(body["duplicates"], 3);
    assert_eq!(body["items"][0]["duplicate_of"], id);
    assert_eq!(body["items"][1]["duplicate_of"], id);
    assert_eq!(body["items"][3]["duplicate_of"], body["items"][2]["intel_item_id"]);
    let stored: i64 = sqlx::query_scalar("select count(*) from intel_item where account_id = $1")
        .bind(acme.account_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(stored, 2);

    // The same headline two days later is a new story.
    let later = (Utc::now() - Duration::days(2)).to_rfc3339();
    let (_, body) = post(
        &app,
        "/api/v1/intel",
        &json!({"account": "Acme Corporation", "headline": "Acme names a new CTO", "published_at": later}),
    )
    .await;
    assert_eq!(body["stored"], 1, "{body}");
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_refused_before_anything_is_read() {
    let app = spawn_app().await;
    acme(&app).await;
    let item = serde_json::to_vec(&json!({"account": "Acme Corporation", "headline": "Acme cuts 300 jobs"})).unwrap();
    for path in ["/api/v1/intel", "/api/v1/sponsors/observations", "/api/v1/intel/sources"] {
        for token in [None, Some("wrong-token"), Some("")] {
            let (status, body) = post_raw(&app, path, token, "application/json", item.clone()).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{path} {token:?}");
            assert!(body["error"].as_str().unwrap().contains("bearer token"), "{body}");
        }
    }
    assert_eq!(count(&app.db.pool, "intel_item").await, 0);

    // With no token configured, nobody gets in.
    let mut state = app.state.clone();
    state.settings = std::sync::Arc::new(planbot::state::Settings {
        signing_secret: state.settings.signing_secret.clone(),
        team_id: state.settings.team_id.clone(),
        api_token: None,
        replica: state.settings.replica.clone(),
        max_in_flight: state.settings.max_in_flight,
        max_connections: state.settings.max_connections,
    });
    let request = axum::http::Request::post("/api/v1/intel")
        .header("authorization", "Bearer ")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(item))
        .unwrap();
    let response = tower::ServiceExt::oneshot(planbot::startup::router(state), request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_requests_get_a_json_error_that_says_what_is_wrong_and_nothing_is_stored() {
    let app = spawn_app().await;
    acme(&app).await;
    let send = |body: &'static str| post_raw(&app, "/api/v1/intel", Some(API_TOKEN), "application/json", body.into());

    let (status, body) = send(r#"{"account": "Acme Corporation", "headline": "x",}"#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().starts_with("the body is not valid JSON"), "{body}");

    let (status, body) = send(r#"{"account": "Acmee Corp", "headline": "Acme cuts 300 jobs"}"#).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"].as_str().unwrap().starts_with("unknown account"), "{body}");
    assert_eq!(body["details"][0], "account: there is no account named “Acmee Corp”");

    // One bad item rejects the request, every problem is listed.
    let (status, body) = send(
        r#"{"account": "Acme Corporation", "items": [
            {"headline": "Acme cuts 300 jobs"},
            {"headline": "Acme raises money", "category": "gossip"},
            {"headline": "  ", "url": "ftp://files.example.com/x"},
            {"headline": "Acme news", "headlne": "typo"},
            {"headline": "Acme news", "published_at": "yesterday"}
        ]}"#,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let details: Vec<&str> = body["details"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
    assert!(details[0].starts_with("items[3]: unknown field `headlne`"), "{details:?}");
    assert!(details.contains(&"items[1].category: unknown intel category \"gossip\"; expected one of: funding, acquisition, leadership_change, layoffs, earnings, product_launch, partnership, legal_regulatory, security_incident, other"), "{details:?}");
    assert!(details.contains(&"items[2].headline: a headline is required"), "{details:?}");
    assert!(details.contains(&"items[2].url: `ftp://files.example.com/x` is not an http(s) link"), "{details:?}");
    assert!(details.iter().any(|d| d.starts_with("items[4].published_at: `yesterday` is not a time")), "{details:?}");
    assert_eq!(count(&app.db.pool, "intel_item").await, 0, "nothing half-written");

    let (status, body) = post_raw(&app, "/api/v1/intel", Some(API_TOKEN), "text/plain", b"hello".to_vec()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(body["error"].as_str().unwrap().contains("application/json"));

    let (status, body) = send("").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "the body is empty; send a JSON object");

    let (status, body) = send(r#"{"account": "Acme Corporation", "items": {"headline": "x"}}"#).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["details"][0], "`items` must be an array");

    let response = app.http.get(format!("{}/api/v1/intel", app.url)).bearer_auth(API_TOKEN).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert!(serde_json::from_str::<Value>(&response.text().await.unwrap()).unwrap()["error"].is_string());
    let response = app.http.get(format!("{}/api/v1/nothing-here", app.url)).bearer_auth(API_TOKEN).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
}

#[tokio::test]
async fn an_oversized_request_is_refused_with_413() {
    let app = spawn_app().await;
    acme(&app).await;
    let long = "x".repeat(1_200_000);
    let body = serde_json::to_vec(&json!({"account": "Acme Corporation", "headline": "Acme", "summary": long})).unwrap();
    let (status, body) = post_raw(&app, "/api/v1/intel", Some(API_TOKEN), "application/json", body).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body["error"].as_str().unwrap().contains("larger than 1024 KiB"), "{body}");

    let items: Vec<Value> = (0..1001).map(|i| json!({"headline": format!("Story {i}")})).collect();
    let (status, body) = post(&app, "/api/v1/intel", &json!({"account": "Acme Corporation", "items": items})).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body["error"].as_str().unwrap().starts_with("at most 1000 items per request; this one has 1001"), "{body}");
    assert_eq!(count(&app.db.pool, "intel_item").await, 0);
}

#[tokio::test]
async fn new_items_reach_each_follower_in_one_message_filtered_by_their_categories() {
    let app = spawn_app().await;
    let pool = &app.db.pool;
    let (acme, dana, sam) = acme(&app).await;
    let lee = person(pool, "lee@example.com", None).await;
    let kim = person(pool, "kim@example.com", None).await;
    let follow = |who: Follower, categories: &[&str]| {
        let categories: Vec<String> = categories.iter().map(|c| c.to_string()).collect();
        async move { subscriptions::follow(pool, acme.account_id, &who, &categories).await.unwrap() }
    };
    follow(Follower::User(dana.user_id), &[]).await;
    follow(Follower::User(sam.user_id), &["layoffs"]).await;
    follow(Follower::User(lee.user_id), &[]).await;
    follow(Follower::User(kim.user_id), &[]).await;
    follow(Follower::Channel("C0NEWS".into()), &["funding", "acquisition"]).await;
    follow(Follower::Channel("C0QUIET".into()), &["earnings"]).await;
    // Dana works every day; Lee turned intel DMs off; Kim only works
    // tomorrow, so her DM waits.
    set_preferences(&app, &dana, |_| {}).await;
    set_preferences(&app, &lee, |p| p.dm_muted = vec!["intel".into()]).await;
    let tomorrow = (Utc::now().with_timezone(&kim.time_zone()).date_naive() + Duration::days(1)).weekday();
    set_preferences(&app, &kim, |p| p.working_days = vec![tomorrow.number_from_monday() as i16]).await;

    let before = Utc::now();
    let items = json!({"account": "Acme Corporation", "items": [
        {"headline": "Acme raises $50M Series C", "url": "https://n.example.com/1"},
        {"headline": "Acme cuts 300 jobs", "url": "https://n.example.com/2"},
        {"headline": "Acme launches AI-powered platform", "url": "https://n.example.com/3"},
        {"headline": "Acme opened an office in 2019", "url": "https://n.example.com/old",
         "published_at": (Utc::now() - Duration::days(10)).to_rfc3339()},
    ]});
    let (status, body) = post(&app, "/api/v1/intel", &items).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["stored"], 4);

    let rows = outbox(pool, "intel").await;
    let to_user = |user: &User| rows.iter().filter(|r| r.target_user_id == Some(user.user_id)).collect::<Vec<_>>();
    let to_channel = |c: &str| rows.iter().filter(|r| r.target_channel.as_deref() == Some(c)).collect::<Vec<_>>();
    assert_eq!(body["messages"], rows.len());

    let dana_rows = to_user(&dana);
    assert_eq!(dana_rows.len(), 1, "one message for everything that arrived together");
    let text = dana_rows[0].block_text();
    assert!(text.contains("3 news items about Acme Corporation"), "{text}");
    for headline in ["Acme raises $50M Series C", "Acme cuts 300 jobs", "Acme launches AI-powered platform"] {
        assert!(text.contains(headline), "{headline} in {text}");
    }
    assert!(!text.contains("2019"), "ten-day-old news is stored, not announced: {text}");
    assert!(dana_rows[0].run_at <= Utc::now(), "sent at once");

    let sam_rows = to_user(&sam);
    assert_eq!(sam_rows.len(), 1);
    assert!(sam_rows[0].text().starts_with("Layoffs Acme Corporation: Acme cuts 300 jobs"), "{}", sam_rows[0].text());
    assert!(!sam_rows[0].block_text().contains("Series C"));

    assert!(to_user(&lee).is_empty(), "intel DMs turned off");
    let kim_rows = to_user(&kim);
    assert_eq!(kim_rows.len(), 1);
    assert!(kim_rows[0].run_at > before, "held until her next working day");

    assert_eq!(to_channel("C0ACME").len(), 1, "the linked channel gets everything");
    assert!(to_channel("C0ACME")[0].block_text().contains("Acme launches AI-powered platform"));
    let news = to_channel("C0NEWS");
    assert_eq!(news.len(), 1);
    assert!(news[0].block_text().contains("Series C") && !news[0].block_text().contains("300 jobs"));
    assert!(to_channel("C0QUIET").is_empty(), "no earnings news arrived");

    for row in &rows {
        assert_eq!(row.kind, "intel");
        assert!(row.violations().is_empty(), "{:?}", row.violations());
        assert!(row.dedupe_key.starts_with(&format!("intel:{}:", acme.account_id)), "{}", row.dedupe_key);
        let buttons: Vec<&str> = row.payload["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["type"] == "actions")
            .flat_map(|b| b["elements"].as_array().unwrap().iter().map(|e| e["action_id"].as_str().unwrap()))
            .collect();
        assert!(buttons.contains(&"intel.add_action") && buttons.contains(&"intel.add_threat"), "{buttons:?}");
    }

    // Sending the same news again announces nothing.
    let (_, body) = post(&app, "/api/v1/intel", &items).await;
    assert_eq!(body["duplicates"], 4);
    assert_eq!(outbox(pool, "intel").await.len(), rows.len());
}

/// Acme with the five test feeds, added through the API.
async fn acme_with_feeds(app: &TestApp, feeds: &FeedServer) -> Account {
    let (acme, dana, _) = acme(app).await;
    subscriptions::follow(&app.db.pool, acme.account_id, &Follower::User(dana.user_id), &[]).await.unwrap();
    for path in ["acme.rss", "acme.atom", "malformed.xml", "broken.rss", "slow.rss"] {
        let (status, body) =
            post(app, "/api/v1/intel/sources", &json!({"account": "Acme Corporation", "url": feeds.feed(path)})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["account"], "Acme Corporation");
    }
    acme
}

fn test_client() -> reqwest::Client {
    reqwest::Client::builder().timeout(std::time::Duration::from_secs(1)).build().unwrap()
}

fn tick() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T12:00:00Z").unwrap().with_timezone(&Utc)
}

#[tokio::test]
async fn polling_reads_rss_and_atom_and_records_each_failing_feeds_error_without_stopping_the_others() {
    let app = spawn_app().await;
    let feeds = FeedServer::start().await;
    let acme = acme_with_feeds(&app, &feeds).await;
    let pool = &app.db.pool;

    let report = poll::poll_sources(pool, &test_client(), tick(), 100).await.unwrap();
    assert_eq!(report.polled, 5);
    assert_eq!(report.failed, 3);
    // 3 RSS + 3 Atom entries, one story in both feeds
    assert_eq!((report.stored, report.duplicates), (5, 1), "{report:?}");

    #[derive(sqlx::FromRow)]
    struct Source {
        etag: Option<String>,
        last_modified: Option<String>,
        last_error: Option<String>,
        last_polled_at: Option<DateTime<Utc>>,
    }
    let sources: Vec<Source> = sqlx::query_as(
        "select etag, last_modified, last_error, last_polled_at from intel_source order by intel_source_id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let errors: Vec<Option<&str>> = sources.iter().map(|s| s.last_error.as_deref()).collect();
    assert_eq!(sources[0].etag.as_deref(), Some(RSS_ETAG));
    assert_eq!(sources[1].last_modified.as_deref(), Some(ATOM_LAST_MODIFIED));
    assert_eq!((errors[0], errors[1]), (None, None));
    assert!(errors[2].unwrap().starts_with("not a valid RSS or Atom feed"), "{errors:?}");
    assert_eq!(errors[3], Some("the feed answered HTTP 500 Internal Server Error"));
    assert_eq!(errors[4], Some("the feed did not answer in time"));
    assert!(sources.iter().all(|s| s.last_polled_at == Some(tick())));

    let items: Vec<(String, String, Option<i64>)> = sqlx::query_as(
        "select headline, category, intel_source_id from intel_item where account_id = $1 order by published_at desc",
    )
    .bind(acme.account_id)
    .fetch_all(pool)
    .await
    .unwrap();
    let categories: Vec<(&str, &str)> = items.iter().map(|(h, c, _)| (h.as_str(), c.as_str())).collect();
    assert_eq!(
        categories,
        [
            ("Acme raises $50M Series C led by Sequoia", "funding"),
            ("Acme cuts 300 jobs in restructuring", "layoffs"),
            ("Acme partners with AWS on AI platform", "partnership"),
            ("Acme names Jane Doe chief financial officer", "leadership_change"),
            ("Acme opens new office in Austin", "other"),
        ]
    );

    // The follower hears of the four recent stories in one message; the
    // Austin office (two weeks old) is not news.
    let rows = outbox(pool, "intel").await;
    assert_eq!(rows.len(), 1 + 1, "the follower and the linked channel");
    let text = rows[0].block_text();
    assert!(text.contains("4 news items about Acme Corporation"), "{text}");
    assert!(!text.contains("Austin"));

    // The errors are visible through the API.
    let listed = get_json(&app, "/api/v1/intel/sources?account=Acme%20Corporation").await;
    let errors: Vec<&Value> = listed["sources"].as_array().unwrap().iter().map(|s| &s["last_error"]).collect();
    assert_eq!(errors.iter().filter(|e| e.is_string()).count(), 3, "{listed}");
}

#[tokio::test]
async fn the_next_poll_sends_the_feeds_validators_and_a_304_changes_nothing() {
    let app = spawn_app().await;
    let feeds = FeedServer::start().await;
    acme_with_feeds(&app, &feeds).await;
    let pool = &app.db.pool;
    let http = test_client();
    poll::poll_sources(pool, &http, tick(), 100).await.unwrap();
    let items = count(pool, "intel_item").await;
    let messages = count(pool, "outbox").await;

    // Too soon: nothing is due.
    let soon = poll::poll_sources(pool, &http, tick() + Duration::minutes(5), 100).await.unwrap();
    assert_eq!(soon, PollReport::default());

    let report = poll::poll_sources(pool, &http, tick() + poll::MIN_INTERVAL, 100).await.unwrap();
    assert_eq!((report.polled, report.not_modified, report.failed, report.stored), (5, 2, 3, 0), "{report:?}");
    let seen = feeds.requests();
    let rss: Vec<_> = seen.iter().filter(|r| r.path == "/acme.rss").collect();
    assert_eq!(rss[1].if_none_match.as_deref(), Some(RSS_ETAG));
    assert_eq!(rss[1].status, 304);
    let atom: Vec<_> = seen.iter().filter(|r| r.path == "/acme.atom").collect();
    assert_eq!(atom[0].if_modified_since, None);
    assert_eq!(atom[1].if_modified_since.as_deref(), Some(ATOM_LAST_MODIFIED));
    assert_eq!(count(pool, "intel_item").await, items);
    assert_eq!(count(pool, "outbox").await, messages);

    // A feed removed through the API is no longer polled.
    let listed = get_json(&app, "/api/v1/intel/sources").await;
    for source in listed["sources"].as_array().unwrap() {
        let id = source["intel_source_id"].as_i64().unwrap();
        let response = app.http.delete(format!("{}/api/v1/intel/sources/{id}", app.url)).bearer_auth(API_TOKEN).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 204);
    }
    let response = app.http.delete(format!("{}/api/v1/intel/sources/99999", app.url)).bearer_auth(API_TOKEN).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let later = poll::poll_sources(pool, &http, tick() + Duration::hours(2), 100).await.unwrap();
    assert_eq!(later.polled, 0);
    assert_eq!(count(pool, "intel_item").await, items, "items stay when their feed goes");
}

#[tokio::test]
async fn plan_follow_chooses_kinds_of_news_and_the_summary_button_keeps_the_choice() {
    let app = spawn_app().await;
    let (acme, dana, _) = acme(&app).await;
    let assistant = &app.state.app;
    let caller = assistant.caller(dana.slack_id.as_deref().unwrap()).await.unwrap();
    let now = Utc::now();
    let reply = |outcome: planbot::app::Outcome| match outcome {
        planbot::app::Outcome::Reply(reply) => reply.content.text,
        other => panic!("{other:?}"),
    };
    let categories = || async {
        subscriptions::categories_of(&app.db.pool, acme.account_id, &Follower::User(dana.user_id)).await.unwrap()
    };

    let text = reply(assistant.plan_command(&caller, &Place::Direct, "follow acme: funding, leadership", now).await.unwrap());
    assert_eq!(text, ":newspaper: You will get *Acme Corporation*'s funding and leadership change news as it comes in.");
    assert_eq!(categories().await, Some(vec!["funding".to_string(), "leadership_change".to_string()]));

    let text = reply(assistant.plan_command(&caller, &Place::Direct, "follow acme: gossip", now).await.unwrap());
    assert!(text.starts_with("`gossip` is not a kind of news I know."), "{text}");

    let text = assistant.follow_by_id(&caller, &Place::Direct, acme.account_id, true).await.unwrap().content.text;
    assert_eq!(text, "You already follow *Acme Corporation*'s funding and leadership change news.");
    assert_eq!(categories().await.unwrap().len(), 2, "the button keeps the choice");

    let text = reply(assistant.plan_command(&caller, &Place::Direct, "follow Acme", now).await.unwrap());
    assert_eq!(text, ":newspaper: You now get all of *Acme Corporation*'s company news.");
    assert_eq!(categories().await, Some(vec![]));

    let channel = Place::Channel("C0TEAM".into());
    let text = reply(assistant.plan_command(&caller, &channel, "follow Acme: layoffs", now).await.unwrap());
    assert_eq!(text, ":newspaper: This channel will get *Acme Corporation*'s layoffs news as it comes in.");

    let text = reply(assistant.plan_command(&caller, &Place::Direct, "unfollow Acme", now).await.unwrap());
    assert_eq!(text, "You will no longer get *Acme Corporation*'s company news.");
    assert_eq!(categories().await, None);

    let stranger = person(&app.db.pool, "eve@example.com", None).await;
    let eve = assistant.caller(stranger.slack_id.as_deref().unwrap()).await.unwrap();
    let text = assistant.follow_by_id(&eve, &Place::Direct, acme.account_id, true).await.unwrap().content.text;
    assert_eq!(text, "I couldn't find that account among the accounts you can see.");
}

#[tokio::test]
async fn one_click_turns_a_news_item_into_an_action_item_or_a_threat() {
    let app = spawn_app().await;
    let (acme, dana, _) = acme(&app).await;
    let (_, body) = post(
        &app,
        "/api/v1/intel",
        &json!({"account": "Acme Corporation", "source": "wire", "headline": "Globex wins Acme's platform deal"}),
    )
    .await;
    let item_id = body["items"][0]["intel_item_id"].as_i64().unwrap();
    let assistant = &app.state.app;
    let caller = assistant.caller(dana.slack_id.as_deref().unwrap()).await.unwrap();
    let now = Utc::now();

    let reply = assistant.intel_to_action(&caller, item_id, now).await.unwrap();
    assert!(reply.ephemeral);
    let text = reply.content.text;
    assert!(text.contains("to *Acme Corporation*: Follow up on news: Globex wins Acme's platform deal — owner <@UDANA>"), "{text}");
    let (title, owner, due, created_by): (String, i64, Option<chrono::NaiveDate>, Option<i64>) = sqlx::query_as(
        "select title, owner_id, due_date, created_by from action_item where title like 'Follow up on news:%'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(title, "Follow up on news: Globex wins Acme's platform deal");
    assert_eq!((owner, created_by), (dana.user_id, Some(dana.user_id)));
    assert_eq!(due, Some(caller.today(now) + Duration::days(7)));
    let again = assistant.intel_to_action(&caller, item_id, now).await.unwrap().content.text;
    assert!(again.starts_with("This story is already action item `#"), "{again}");

    let text = assistant.intel_to_threat(&caller, item_id, now).await.unwrap().content.text;
    assert!(text.starts_with(":warning: Added to the threats and risks of *Acme Corporation*"), "{text}");
    let threats: String = sqlx::query_scalar("select threats_risks from plan where account_id = $1 and status = 'active'")
        .bind(acme.account_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(threats.starts_with("Globex wins Acme's platform deal (wire, "), "{threats}");
    let again = assistant.intel_to_threat(&caller, item_id, now).await.unwrap().content.text;
    assert_eq!(again, "This story is already in *Acme Corporation*'s threats and risks.");
    let audit: i64 = sqlx::query_scalar("select count(*) from audit where entity = 'plan' and field = 'threats_risks' and actor_source = 'slack'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(audit, 1, "the click is audited as the person's, once");

    let stranger = person(&app.db.pool, "eve@example.com", None).await;
    let eve = assistant.caller(stranger.slack_id.as_deref().unwrap()).await.unwrap();
    let text = assistant.intel_to_action(&eve, item_id, now).await.unwrap().content.text;
    assert_eq!(text, "I couldn't find that news item among the accounts you can see.");
}

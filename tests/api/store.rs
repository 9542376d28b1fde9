//! The plan store: its rules hold in the database, and every change is audited.

use chrono::{TimeZone, Utc};
use planbot::domain::enums::{ActionStatus, TeamRole};
use planbot::store::accounts::{self, NewAccount, Viewer};
use planbot::store::actions::{self, AddError, NewAction, OwnerFilter};
use planbot::store::plans::{self, NewPlan};
use planbot::store::{self, Actor, audit, violated_constraint};

use crate::helpers::{TestDb, account_with_plan, day, join_team, person};

#[tokio::test]
async fn account_names_are_unique_whatever_their_case() {
    let db = TestDb::new().await;
    let owner = person(&db.pool, "dana@example.com", None).await;
    account_with_plan(&db.pool, "Acme Corp", &owner).await;

    let mut tx = store::begin(&db.pool, Actor::SYSTEM).await.unwrap();
    let err = accounts::create(
        &mut tx,
        &NewAccount { name: "ACME corp".into(), rank: 2, owner_id: owner.user_id, ..NewAccount::default() },
    )
    .await
    .unwrap_err();
    assert_eq!(violated_constraint(&err), Some("account_name_key"));
}

#[tokio::test]
async fn an_account_has_exactly_one_owner() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let sam = person(&db.pool, "sam@example.com", None).await;
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;

    // a second owner
    let mut conn = db.pool.acquire().await.unwrap();
    let err = accounts::add_to_team(&mut conn, acme.account_id, sam.user_id, TeamRole::Owner).await;
    // `on conflict do nothing` covers the primary key only; the one-owner index still refuses
    let err = err.unwrap_err();
    assert_eq!(violated_constraint(&err), Some("account_team_one_owner_key"));

    // no owner at all: refused when the transaction commits
    let mut tx = db.pool.begin().await.unwrap();
    sqlx::query("insert into account (name, match_key) values ('Orphan', 'orphan')").execute(&mut *tx).await.unwrap();
    let err = tx.commit().await.unwrap_err();
    assert_eq!(violated_constraint(&err), Some("account_has_owner"));

    // removing the owner is refused too
    let mut tx = db.pool.begin().await.unwrap();
    sqlx::query("delete from account_team where role = 'owner' and account_id = $1")
        .bind(acme.account_id)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert!(tx.commit().await.is_err());
    let team = accounts::team(&db.pool, acme.account_id).await.unwrap();
    assert_eq!(team.iter().filter(|m| m.role == TeamRole::Owner).count(), 1);
}

#[tokio::test]
async fn values_outside_a_vocabulary_are_refused() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let (acme, plan) = account_with_plan(&db.pool, "Acme", &dana).await;
    let cases = [
        format!("insert into plan (account_id, name, type) values ({}, 'x', 'conquer')", acme.account_id),
        format!("update action_item set status = 'finished' where plan_id = {}", plan.plan_id),
        format!("insert into contact (account_id, name, influence) values ({}, 'Ann', 'huge')", acme.account_id),
        format!("insert into whitespace (account_id, stage) values ({}, 'deploy')", acme.account_id),
        format!("insert into intel_item (account_id, source, headline, category, published_at, dedupe_key) \
                 values ({}, 'api', 'x', 'gossip', now(), 'k')", acme.account_id),
        format!("update account set rank = 4 where account_id = {}", acme.account_id),
        "update app_user set role = 'owner'".to_string(),
    ];
    let items_before: i64 = sqlx::query_scalar("select count(*) from action_item").fetch_one(&db.pool).await.unwrap();
    for sql in cases {
        let err = sqlx::query(&sql).execute(&db.pool).await;
        let err = match err {
            Err(err) => err,
            Ok(result) if result.rows_affected() == 0 => continue, // an update that matched nothing
            Ok(_) => panic!("accepted: {sql}"),
        };
        assert!(violated_constraint(&err).is_some_and(|c| c.ends_with("_check")), "{sql}: {err}");
    }
    // the open item the update tried to corrupt is still open
    let (open, _) = actions::open_for_account(&db.pool, acme.account_id, 10).await.unwrap();
    let items_after: i64 = sqlx::query_scalar("select count(*) from action_item").fetch_one(&db.pool).await.unwrap();
    assert_eq!(items_before, items_after);
    assert!(open.iter().all(|i| i.status == ActionStatus::Open));
}

#[tokio::test]
async fn adding_an_action_item_writes_its_audit_row_in_the_same_statement() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let (acme, plan) = account_with_plan(&db.pool, "Acme", &dana).await;

    let added = actions::add(
        &db.pool,
        &NewAction { account_id: acme.account_id, title: "Run a security workshop".into(), owner_id: dana.user_id, due_date: Some(day(2026, 12, 4)) },
        Actor::slack_user(dana.user_id),
    )
    .await
    .unwrap();
    assert_eq!(added.plan_id, plan.plan_id);
    assert_eq!(added.account_name, "Acme");

    let history = audit::for_entity(&db.pool, "action_item", added.action_item_id).await.unwrap();
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0].action, "insert");
    assert_eq!(history[0].new_value.as_deref(), Some("Run a security workshop"));
    assert_eq!(history[0].actor_id, Some(dana.user_id));
    assert_eq!(history[0].actor_source, "slack");
    assert_eq!(history[0].account_id, acme.account_id);
}

#[tokio::test]
async fn completing_snoozing_and_reassigning_are_audited_field_by_field() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let sam = person(&db.pool, "sam@example.com", None).await;
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    let new = NewAction { account_id: acme.account_id, title: "Send proposal".into(), owner_id: dana.user_id, due_date: None };
    let item = actions::add(&db.pool, &new, Actor::slack_user(dana.user_id)).await.unwrap();
    let id = item.action_item_id;

    let until = Utc.with_ymd_and_hms(2026, 12, 1, 5, 0, 0).unwrap();
    actions::snooze(&db.pool, id, until, Actor::slack_user(dana.user_id)).await.unwrap();
    actions::reassign(&db.pool, id, sam.user_id, Actor::slack_user(dana.user_id)).await.unwrap();
    let done = actions::complete(&db.pool, id, Actor::slack_user(sam.user_id)).await.unwrap().unwrap();
    assert_eq!(done.status, ActionStatus::Done);
    assert!(done.completed_at.is_some());

    let history = audit::for_entity(&db.pool, "action_item", id).await.unwrap();
    // (field, old value, new value, who)
    type Change<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>, Option<i64>);
    let changes: Vec<Change> = history
        .iter()
        .skip(1)
        .map(|h| (h.field.as_deref(), h.old_value.as_deref(), h.new_value.as_deref(), h.actor_id))
        .collect();
    let dana_id = dana.user_id.to_string();
    let sam_id = sam.user_id.to_string();
    assert!(changes.contains(&(Some("snoozed_until"), None, Some("2026-12-01T05:00:00+00:00"), Some(dana.user_id))), "{changes:?}");
    assert!(changes.contains(&(Some("owner_id"), Some(dana_id.as_str()), Some(sam_id.as_str()), Some(dana.user_id))), "{changes:?}");
    assert!(changes.contains(&(Some("status"), Some("open"), Some("done"), Some(sam.user_id))), "{changes:?}");
    // completing also cleared the snooze, and that is in the history as well
    assert!(changes.iter().any(|c| c.0 == Some("snoozed_until") && c.2.is_none()), "{changes:?}");
}

#[tokio::test]
async fn plan_section_edits_are_audited_and_mark_the_plan_fresh() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let (acme, plan) = account_with_plan(&db.pool, "Acme", &dana).await;

    let mut tx = store::begin(&db.pool, Actor::slack_user(dana.user_id)).await.unwrap();
    plans::update_sections(&mut tx, plan.plan_id, &[("goals_12m", "Double seats".into()), ("threats_risks", "Budget freeze".into())])
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let updated = plans::active_for(&db.pool, acme.account_id).await.unwrap().unwrap();
    assert_eq!(updated.goals_12m, "Double seats");
    assert!(updated.sections_changed_at > plan.sections_changed_at);
    let history = audit::for_account(&db.pool, acme.account_id, None, 50).await.unwrap();
    let fields: Vec<&str> = history.iter().filter(|h| h.entity == "plan" && h.action == "update").filter_map(|h| h.field.as_deref()).collect();
    assert_eq!(fields.len(), 2, "{fields:?}");
    assert!(fields.contains(&"goals_12m") && fields.contains(&"threats_risks"));
    assert!(history.iter().all(|h| h.actor_id == Some(dana.user_id) || h.action == "insert"));

    // writing the same text again changes nothing and audits nothing
    let mut tx = store::begin(&db.pool, Actor::slack_user(dana.user_id)).await.unwrap();
    plans::update_sections(&mut tx, plan.plan_id, &[("goals_12m", "Double seats".into())]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(audit::for_account(&db.pool, acme.account_id, None, 50).await.unwrap().len(), history.len());
}

#[tokio::test]
async fn contact_and_whitespace_changes_are_audited() {
    use planbot::domain::enums::{Appetite, Influence, Stage};
    use planbot::store::contacts::{self, NewContact};
    use planbot::store::whitespace::{self, NewWhitespace};

    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    let mut tx = store::begin(&db.pool, Actor::source("import")).await.unwrap();
    let mut contact = NewContact { account_id: acme.account_id, name: "Ann Lee".into(), influence: Some(Influence::Medium), ..NewContact::default() };
    let contact_id = contacts::upsert(&mut tx, &contact).await.unwrap();
    contact.influence = Some(Influence::High);
    contacts::upsert(&mut tx, &contact).await.unwrap();
    let row = NewWhitespace {
        account_id: acme.account_id,
        stage: Stage::Secure,
        vendor: "ScanCo".into(),
        likes: String::new(),
        dislikes: "slow scans".into(),
        annual_spend: Some(120_000),
        contract_end: Some(day(2027, 2, 1)),
        appetite: Some(Appetite::High),
    };
    whitespace::upsert(&mut tx, &row).await.unwrap();
    tx.commit().await.unwrap();

    let contact_history = audit::for_entity(&db.pool, "contact", contact_id).await.unwrap();
    assert_eq!(contact_history.len(), 2);
    assert_eq!(
        (contact_history[1].field.as_deref(), contact_history[1].old_value.as_deref(), contact_history[1].new_value.as_deref()),
        (Some("influence"), Some("medium"), Some("high"))
    );
    assert_eq!(contact_history[1].actor_source, "import");
    let all = audit::for_account(&db.pool, acme.account_id, None, 100).await.unwrap();
    assert!(all.iter().any(|h| h.entity == "whitespace" && h.action == "insert" && h.new_value.as_deref() == Some("secure")));
}

/// An account whose only plan is a draft.
async fn account_with_draft_plan(pool: &sqlx::PgPool, name: &str, owner: &planbot::store::users::User) -> accounts::Account {
    let mut tx = store::begin(pool, Actor::SYSTEM).await.unwrap();
    let account = accounts::create(&mut tx, &NewAccount { name: name.into(), rank: 2, owner_id: owner.user_id, ..NewAccount::default() })
        .await
        .unwrap();
    plans::create(
        &mut tx,
        &NewPlan { account_id: account.account_id, name: "Draft".into(), plan_type: planbot::domain::enums::PlanType::Success, status: planbot::domain::enums::PlanStatus::Draft, due_date: None, sections: vec![] },
        day(2026, 11, 1),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    account
}

#[tokio::test]
async fn an_item_needs_an_active_plan() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let account = account_with_draft_plan(&db.pool, "Initech", &dana).await;
    let new = NewAction { account_id: account.account_id, title: "x".into(), owner_id: dana.user_id, due_date: None };
    assert!(matches!(actions::add(&db.pool, &new, Actor::SYSTEM).await, Err(AddError::NoActivePlan)));
    let count: i64 = sqlx::query_scalar("select count(*) from action_item").fetch_one(&db.pool).await.unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn a_land_plan_from_its_template_gets_guided_items_owned_by_the_right_roles() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let sam = person(&db.pool, "sam@example.com", None).await;
    let mut tx = store::begin(&db.pool, Actor::SYSTEM).await.unwrap();
    let account = accounts::create(&mut tx, &NewAccount { name: "Umbrella".into(), rank: 2, owner_id: dana.user_id, ..NewAccount::default() })
        .await
        .unwrap();
    accounts::add_to_team(&mut tx, account.account_id, sam.user_id, TeamRole::Sa).await.unwrap();
    let plan = plans::create(
        &mut tx,
        &NewPlan { account_id: account.account_id, name: "Land FY27".into(), plan_type: planbot::domain::enums::PlanType::Land, status: planbot::domain::enums::PlanStatus::Active, due_date: None, sections: vec![] },
        day(2026, 11, 1),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let template: Vec<(String, String, i32)> = sqlx::query_as(
        "select i.title, i.owner_role, i.offset_days from plan_template t join plan_template_item i using (plan_template_id) \
         where t.type = 'land' order by i.position",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert!(template.len() >= 5, "the land template has guided items");
    let (items, total) = actions::open_for_account(&db.pool, account.account_id, 100).await.unwrap();
    assert_eq!(total as usize, template.len());
    for (title, role, offset) in &template {
        let item = items.iter().find(|i| &i.title == title).unwrap();
        assert_eq!(item.plan_id, plan.plan_id);
        assert_eq!(item.due_date, Some(day(2026, 11, 1) + chrono::Duration::days(*offset as i64)));
        let expected_owner = if role == "sa" { sam.user_id } else { dana.user_id };
        assert_eq!(item.owner_id, expected_owner, "{title} ({role})");
    }
}

#[tokio::test]
async fn people_see_their_teams_accounts_and_those_of_everyone_below_them() {
    let db = TestDb::new().await;
    let director = person(&db.pool, "marcus@example.com", None).await;
    let manager = person(&db.pool, "lee@example.com", Some("marcus@example.com")).await;
    let dana = person(&db.pool, "dana@example.com", Some("lee@example.com")).await;
    let sam = person(&db.pool, "sam@example.com", None).await;
    let stranger = person(&db.pool, "eve@example.com", None).await;
    let (acme, _) = account_with_plan(&db.pool, "Acme Corporation", &dana).await;
    let (globex, _) = account_with_plan(&db.pool, "Globex", &stranger).await;
    join_team(&db.pool, &acme, &sam, TeamRole::Sa).await;

    let sees = |user: i64, admin: bool, account: i64| {
        let pool = db.pool.clone();
        async move { accounts::visible_by_id(&pool, Viewer { user_id: user, is_admin: admin }, account).await.unwrap().is_some() }
    };
    assert!(sees(dana.user_id, false, acme.account_id).await, "the owner");
    assert!(sees(sam.user_id, false, acme.account_id).await, "a team member");
    assert!(sees(manager.user_id, false, acme.account_id).await, "the owner's manager");
    assert!(sees(director.user_id, false, acme.account_id).await, "the manager's manager");
    assert!(!sees(stranger.user_id, false, acme.account_id).await, "someone else");
    assert!(!sees(dana.user_id, false, globex.account_id).await, "not up the chain");
    assert!(sees(stranger.user_id, true, acme.account_id).await, "an admin");

    // the forgiving search obeys the same rule
    let found = accounts::visible_candidates(&db.pool, Viewer { user_id: sam.user_id, is_admin: false }, "acme corp").await.unwrap();
    assert_eq!(found.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["Acme Corporation"]);
    let hidden = accounts::visible_candidates(&db.pool, Viewer { user_id: sam.user_id, is_admin: false }, "globex").await.unwrap();
    assert!(hidden.is_empty());
}

#[tokio::test]
async fn forgiving_search_finds_names_with_typos_and_legal_suffixes() {
    use planbot::domain::names::{Candidate, NameMatch, resolve};
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    for name in ["Acme Corporation", "Globex Industries", "Initech", "Umbrella Health", "United Airlines", "United Health"] {
        account_with_plan(&db.pool, name, &dana).await;
    }
    let viewer = Viewer { user_id: dana.user_id, is_admin: false };
    for (asked, expected) in [
        ("acme", Some("Acme Corporation")),
        ("ACME Inc.", Some("Acme Corporation")),
        ("acmee", Some("Acme Corporation")),
        ("globx", Some("Globex Industries")),
        ("initech corp", Some("Initech")),
        ("umbrela", Some("Umbrella Health")),
        ("wayne", None),
    ] {
        let refs = accounts::visible_candidates(&db.pool, viewer, asked).await.unwrap();
        let candidates: Vec<Candidate> = refs.iter().map(|r| Candidate { id: r.account_id, name: &r.name }).collect();
        let got = match resolve(asked, &candidates) {
            NameMatch::One(id) => refs.iter().find(|r| r.account_id == id).map(|r| r.name.as_str()),
            _ => None,
        };
        assert_eq!(got, expected, "{asked}");
    }
    let refs = accounts::visible_candidates(&db.pool, viewer, "united").await.unwrap();
    let candidates: Vec<Candidate> = refs.iter().map(|r| Candidate { id: r.account_id, name: &r.name }).collect();
    assert!(matches!(resolve("united", &candidates), NameMatch::Choose(ids) if ids.len() == 2));
}

#[tokio::test]
async fn overdue_lists_use_the_owners_today() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    for (title, due) in [("late", day(2026, 11, 20)), ("today", day(2026, 11, 22)), ("later", day(2026, 12, 20))] {
        let new = NewAction { account_id: acme.account_id, title: title.into(), owner_id: dana.user_id, due_date: Some(due) };
        actions::add(&db.pool, &new, Actor::SYSTEM).await.unwrap();
    }
    let (overdue, total) = actions::for_owner(&db.pool, dana.user_id, OwnerFilter::Overdue { today: day(2026, 11, 22) }, 10).await.unwrap();
    assert_eq!(total, 1);
    assert_eq!(overdue[0].title, "late");
    let (this_week, total) = actions::for_owner(&db.pool, dana.user_id, OwnerFilter::DueBy { last_day: day(2026, 11, 22) }, 10).await.unwrap();
    assert_eq!(total, 2);
    assert_eq!(this_week.len(), 2);
}

#[tokio::test]
async fn items_added_together_are_each_written_and_audited_as_their_own_authors() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let sam = person(&db.pool, "sam@example.com", None).await;
    let (acme, acme_plan) = account_with_plan(&db.pool, "Acme", &dana).await;
    let (globex, _) = account_with_plan(&db.pool, "Globex", &sam).await;
    // An account whose only plan is a draft: nothing can be added to it.
    let initech = account_with_draft_plan(&db.pool, "Initech", &dana).await;

    let item = |account_id: i64, title: &str, owner_id: i64| NewAction { account_id, title: title.into(), owner_id, due_date: Some(day(2026, 12, 4)) };
    let batch = vec![
        (item(acme.account_id, "Send the proposal", sam.user_id), Actor::slack_user(dana.user_id)),
        (item(initech.account_id, "Nowhere to go", dana.user_id), Actor::slack_user(dana.user_id)),
        (item(globex.account_id, "Book the QBR", sam.user_id), Actor::slack_user(sam.user_id)),
        // the same words twice: two items, both answered
        (item(acme.account_id, "Call Hannah ", dana.user_id), Actor::slack_user(dana.user_id)),
        (item(acme.account_id, "Call Hannah", dana.user_id), Actor::slack_user(dana.user_id)),
    ];
    let added = actions::add_many(&db.pool, &batch).await.unwrap();
    assert_eq!(added.len(), 5);
    assert!(added[1].is_none(), "no active plan, nothing added: {:?}", added[1]);
    let added: Vec<_> = added.into_iter().flatten().collect();
    assert_eq!(added.len(), 4);
    assert_eq!(added[0].title, "Send the proposal");
    assert_eq!((added[0].plan_id, added[0].owner_id), (acme_plan.plan_id, sam.user_id));
    assert_eq!((added[1].title.as_str(), added[1].account_name.as_str()), ("Book the QBR", "Globex"));
    assert_eq!((added[2].title.as_str(), added[3].title.as_str()), ("Call Hannah", "Call Hannah"));
    assert_ne!(added[2].action_item_id, added[3].action_item_id);

    for (item, author) in added.iter().zip([dana.user_id, sam.user_id, dana.user_id, dana.user_id]) {
        let history = audit::for_entity(&db.pool, "action_item", item.action_item_id).await.unwrap();
        assert_eq!(history.len(), 1, "{history:?}");
        assert_eq!(history[0].action, "insert");
        assert_eq!(history[0].actor_id, Some(author), "{}", item.title);
        assert_eq!(history[0].actor_source, "slack");
    }
    let count: i64 = sqlx::query_scalar("select count(*) from action_item").fetch_one(&db.pool).await.unwrap();
    assert_eq!(count, 4);
}

#[tokio::test]
async fn the_item_writer_answers_every_one_of_many_concurrent_adds_with_its_own_item() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    let writer = planbot::app::item_writer::ItemWriter::new(db.pool.clone(), &planbot::app::Background::default());
    let adds = (0..200).map(|n| {
        let writer = writer.clone();
        let new = NewAction { account_id: acme.account_id, title: format!("Item {n}"), owner_id: dana.user_id, due_date: None };
        let actor = if n % 10 == 0 { Actor::source("api") } else { Actor::slack_user(dana.user_id) };
        tokio::spawn(async move { (n, writer.add(new, actor).await) })
    });
    let mut ids = std::collections::HashSet::new();
    for add in adds.collect::<Vec<_>>() {
        let (n, added) = add.await.unwrap();
        let added = added.unwrap();
        assert_eq!(added.title, format!("Item {n}"));
        assert!(ids.insert(added.action_item_id));
        let history = audit::for_entity(&db.pool, "action_item", added.action_item_id).await.unwrap();
        let expected = if n % 10 == 0 { (None, "api") } else { (Some(dana.user_id), "slack") };
        assert_eq!((history[0].actor_id, history[0].actor_source.as_str()), expected, "item {n}");
    }
    let count: i64 = sqlx::query_scalar("select count(*) from action_item").fetch_one(&db.pool).await.unwrap();
    assert_eq!(count, 200);
}

/// The backend serving the hot path's next statement, handed back as a
/// statement that ran.
async fn hot_backend(hot: &planbot::db::HotPath) -> i32 {
    let mut connection = hot.acquire().await.unwrap();
    let pid = sqlx::query_scalar::<_, i32>("select pg_backend_pid()").fetch_one(&mut *connection).await;
    connection.done(&pid);
    pid.unwrap()
}

#[tokio::test]
async fn hot_path_connections_are_kept_between_statements_and_closed_when_they_cannot_be_trusted() {
    let db = TestDb::new().await;
    let hot = planbot::db::HotPath::new(&db.pool);
    let first = hot_backend(&hot).await;
    assert_eq!(hot_backend(&hot).await, first, "kept for the next statement, no new session");
    let mut connection = hot.acquire().await.unwrap();
    let mode: String = sqlx::query_scalar("select current_setting('plan_cache_mode')").fetch_one(&mut *connection).await.unwrap();
    assert_eq!(mode, "force_generic_plan", "its sessions plan each statement once");
    // A statement the server refuses leaves the session sound: kept.
    let refused = sqlx::query("select 1 / 0").execute(&mut *connection).await;
    assert!(matches!(refused, Err(sqlx::Error::Database(_))), "{refused:?}");
    connection.done(&refused);
    assert_eq!(hot_backend(&hot).await, first, "kept after a refused statement");

    // Dropped before it was handed back (its statement cancelled half-way):
    // closed, never used again.
    drop(hot.acquire().await.unwrap());
    let second = hot_backend(&hot).await;
    assert_ne!(second, first, "a connection dropped in use is not handed out again");

    // The server ends the session while it is idle (as on a restart): its
    // next statement fails, and the one after runs on a new session.
    let ended: bool = sqlx::query_scalar("select pg_terminate_backend($1, 5000)").bind(second).fetch_one(&db.pool).await.unwrap();
    assert!(ended);
    let mut connection = hot.acquire().await.unwrap();
    let failed = sqlx::query_scalar::<_, i32>("select pg_backend_pid()").fetch_one(&mut *connection).await;
    assert!(failed.is_err(), "a statement on a session the server ended fails: {failed:?}");
    connection.done(&failed);
    let third = hot_backend(&hot).await;
    assert!(third != second && third != first, "a new session after the failure");
    // The sessions closed end on the server's side a moment later.
    let mut sessions = 0;
    for _ in 0..50 {
        sessions = sqlx::query_scalar::<_, i64>("select count(*) from pg_stat_activity where pid = any($1)")
            .bind(vec![first, second, third])
            .fetch_one(&db.pool)
            .await
            .unwrap();
        if sessions == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(sessions, 1, "only the new session is left open");
}

#[tokio::test]
async fn callers_and_the_accounts_they_name_are_found_together_each_with_their_own_view() {
    let db = TestDb::new().await;
    let boss = person(&db.pool, "boss@example.com", None).await;
    let dana = person(&db.pool, "dana@example.com", Some("boss@example.com")).await;
    let eve = person(&db.pool, "eve@example.com", None).await;
    for (user, slack_id) in [(&boss, "U0BOSS"), (&dana, "U0DANA"), (&eve, "U0EVE")] {
        sqlx::query("update app_user set slack_id = $2 where user_id = $1").bind(user.user_id).bind(slack_id).execute(&db.pool).await.unwrap();
    }
    let (acme, _) = account_with_plan(&db.pool, "Acme, Inc.", &dana).await;
    account_with_plan(&db.pool, "Globex", &eve).await;

    let ask = |slack_id: &str, configured_admin: bool, name: &str| accounts::CallerQuery {
        slack_id: slack_id.into(),
        configured_admin,
        name: name.into(),
        recent_title: None,
        add: None,
    };
    // On a hot-path connection, as `/plan add` asks it: one plan for any
    // arguments, the manager's chain included.
    let hot = planbot::db::HotPath::new(&db.pool);
    let mut connection = hot.acquire().await.unwrap();
    let answers = accounts::callers_and_exact(
        &mut *connection,
        &[
            ask("U0DANA", false, "acme inc"),   // her own account, typed loosely
            ask("U0EVE", false, "Acme, Inc."),  // not hers: nothing
            ask("U0NOBODY", false, "Acme"),     // nobody has this Slack id
            ask("U0BOSS", false, "ACME INC"),   // Dana's manager sees it
            ask("U0EVE", true, "acme inc."),    // an admin by configuration sees everything
            ask("U0DANA", false, "Acme Labs"),  // not the name, once folded: left to the forgiving search
        ],
        "slack",
    )
    .await
    .unwrap();
    let seen: Vec<Option<(String, Vec<i64>)>> = answers
        .into_iter()
        .map(|answer| answer.map(|view| (view.user.email, view.accounts.iter().map(|a| a.account_id).collect())))
        .collect();
    assert_eq!(
        seen,
        [
            Some(("dana@example.com".to_string(), vec![acme.account_id])),
            Some(("eve@example.com".to_string(), vec![])),
            None,
            Some(("boss@example.com".to_string(), vec![acme.account_id])),
            Some(("eve@example.com".to_string(), vec![acme.account_id])),
            Some(("dana@example.com".to_string(), vec![])),
        ]
    );

    // The same statement finds an item with the same title added moments ago.
    let added = call_hannah_added_by(&db.pool, &acme, &dana).await;
    let now = chrono::Utc::now();
    let recent = |title: &str, since: chrono::DateTime<chrono::Utc>| accounts::CallerQuery {
        recent_title: Some((title.into(), since)),
        ..ask("U0DANA", false, "acme inc")
    };
    let answers = accounts::callers_and_exact(
        &db.pool,
        &[
            recent(" call hannah ", now - chrono::Duration::minutes(10)),
            recent("Call Hannah tomorrow", now - chrono::Duration::minutes(10)),
            recent("Call Hannah", now + chrono::Duration::minutes(1)),
            ask("U0DANA", false, "acme inc"),
        ],
        "slack",
    )
    .await
    .unwrap();
    let found: Vec<Option<i64>> = answers.into_iter().map(|answer| answer.unwrap().recent_item_id).collect();
    assert_eq!(found, [Some(added.action_item_id), None, None, None]);
}

/// "Call Hannah" added to the account's active plan by `who` from Slack.
async fn call_hannah_added_by(pool: &sqlx::PgPool, account: &accounts::Account, who: &planbot::store::users::User) -> planbot::store::actions::ActionItem {
    planbot::store::actions::add(
        pool,
        &planbot::store::actions::NewAction { account_id: account.account_id, title: "Call Hannah".into(), owner_id: who.user_id, due_date: None },
        planbot::store::Actor::slack_user(who.user_id),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn the_lookup_adds_the_item_at_once_only_when_nothing_stands_in_the_way_and_audits_it_as_the_callers() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let eve = person(&db.pool, "eve@example.com", None).await;
    for (user, slack_id) in [(&dana, "U0DANA"), (&eve, "U0EVE")] {
        sqlx::query("update app_user set slack_id = $2, tz = 'Europe/Paris' where user_id = $1")
            .bind(user.user_id)
            .bind(slack_id)
            .execute(&db.pool)
            .await
            .unwrap();
    }
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    let (globex, _) = account_with_plan(&db.pool, "Globex", &dana).await;
    sqlx::query("update plan set status = 'closed' where account_id = $1").bind(globex.account_id).execute(&db.pool).await.unwrap();
    let earlier = call_hannah_added_by(&db.pool, &acme, &dana).await;
    let now = chrono::Utc::now();
    let due = chrono::NaiveDate::from_ymd_opt(2031, 3, 14);
    let add = |slack_id: &str, name: &str, title: &str, read_in: &str| accounts::CallerQuery {
        slack_id: slack_id.into(),
        configured_admin: false,
        name: name.into(),
        recent_title: Some((title.into(), now - chrono::Duration::minutes(10))),
        add: Some(accounts::AddAtOnce { due_date: due, read_in: read_in.into() }),
    };
    let answers = accounts::callers_and_exact(
        &db.pool,
        &[
            add("U0DANA", "acme", "Send the deck", "Europe/Paris"),    // added
            add("U0EVE", "acme", "Send the deck", "Europe/Paris"),     // not Eve's account: nothing
            add("U0DANA", "acme", "call hannah", "Europe/Paris"),      // the same item moments ago: asked first
            add("U0DANA", "acme", "Book the QBR", "America/New_York"), // her zone changed since: read again
            add("U0DANA", "globex", "Book the QBR", "Europe/Paris"),   // no active plan: said so
            add("U0DANA", "acme", "Twice at once", "Europe/Paris"),    // the same request twice in one batch:
            add("U0DANA", "acme", "Twice at once", "Europe/Paris"),    // two items, one each
            accounts::CallerQuery { add: None, ..add("U0DANA", "acme", "Only look", "Europe/Paris") },
        ],
        "slack",
    )
    .await
    .unwrap();
    let views: Vec<_> = answers.into_iter().map(|answer| answer.expect("both people have a Slack id")).collect();
    // (account, title, due date, owner, account name) of each added item
    type Added = (i64, String, Option<chrono::NaiveDate>, i64, String);
    let added: Vec<Option<Added>> = views
        .iter()
        .map(|view| view.added.as_ref().map(|item| (item.account_id, item.title.clone(), item.due_date, item.owner_id, item.account_name.clone())))
        .collect();
    let acme_item = |title: &str| Some((acme.account_id, title.to_string(), due, dana.user_id, "Acme".to_string()));
    assert_eq!(
        added,
        [acme_item("Send the deck"), None, None, None, None, acme_item("Twice at once"), acme_item("Twice at once"), None]
    );
    let twice: Vec<i64> = views[5..7].iter().map(|view| view.added.as_ref().unwrap().action_item_id).collect();
    assert_ne!(twice[0], twice[1], "each request gets its own item");
    assert_eq!(views[1].accounts, [], "Eve may not see Acme");
    assert_eq!(views[2].recent_item_id, Some(earlier.action_item_id));
    assert_eq!(views[4].accounts.iter().map(|a| a.account_id).collect::<Vec<_>>(), [globex.account_id]);

    // Written as the general path writes: on the active plan, owned by the
    // caller, and audited as hers, from Slack, in the same statement.
    let titles: Vec<String> = sqlx::query_scalar("select title from action_item where account_id = $1 order by action_item_id")
        .bind(acme.account_id)
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(titles, ["Call Hannah", "Send the deck", "Twice at once", "Twice at once"]);
    let audits: Vec<(i64, String, Option<i64>, String)> = sqlx::query_as(
        "select entity_id, new_value, actor_id, actor_source from audit where entity = 'action_item' and action = 'insert' order by audit_id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let deck = views[0].added.as_ref().unwrap().action_item_id;
    assert_eq!(audits.len(), 4);
    assert_eq!(audits[1], (deck, "Send the deck".to_string(), Some(dana.user_id), "slack".to_string()));
    assert!(audits[2..].iter().all(|(_, title, actor, source)| title == "Twice at once" && *actor == Some(dana.user_id) && source == "slack"));
}

#[tokio::test]
async fn an_add_from_a_remembered_lookup_writes_only_while_nothing_that_decides_access_has_changed() {
    let db = TestDb::new().await;
    let dana = person(&db.pool, "dana@example.com", None).await;
    let sam = person(&db.pool, "sam@example.com", None).await;
    for (user, slack_id) in [(&dana, "U0DANA"), (&sam, "U0SAM")] {
        sqlx::query("update app_user set slack_id = $2 where user_id = $1").bind(user.user_id).bind(slack_id).execute(&db.pool).await.unwrap();
    }
    let (acme, _) = account_with_plan(&db.pool, "Acme", &dana).await;
    let now = chrono::Utc::now();
    let since = now - chrono::Duration::minutes(10);
    let look = |slack_id: &str| accounts::CallerQuery {
        slack_id: slack_id.into(),
        configured_admin: false,
        name: "acme".into(),
        recent_title: Some(("Send the deck".into(), since)),
        add: None,
    };
    let epoch = || async { sqlx::query_scalar::<_, i64>("select epoch from access_epoch").fetch_one(&db.pool).await.unwrap() };
    let view = accounts::callers_and_exact(&db.pool, &[look("U0DANA")], "slack").await.unwrap().pop().flatten().unwrap();
    assert_eq!(view.epoch, epoch().await, "the view carries the epoch read with it");
    let plan_id: i64 = sqlx::query_scalar("select plan_id from plan where account_id = $1 and status = 'active'")
        .bind(acme.account_id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(view.active_plan_id, Some(plan_id));
    let add = |view: accounts::CallerView, title: &'static str| {
        let pool = db.pool.clone();
        async move {
            let add = accounts::KnownAdd::new(std::sync::Arc::new(view), title, since, None).expect("one account, with an active plan");
            accounts::add_known(&pool, &[add], "slack").await.unwrap().remove(0)
        }
    };

    // Nothing changed: added, audited as Dana's from Slack.
    let accounts::KnownAdded::Added(deck) = add(view.clone(), "Send the deck").await else { panic!("added") };
    assert_eq!((deck.account_id, deck.owner_id, deck.title.as_str(), deck.account_name.as_str()), (acme.account_id, dana.user_id, "Send the deck", "Acme"));
    let audit: (Option<i64>, String) =
        sqlx::query_as("select actor_id, actor_source from audit where entity = 'action_item' and action = 'insert' and entity_id = $1")
            .bind(deck.action_item_id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(audit, (Some(dana.user_id), "slack".to_string()), "exactly one audit row, the caller's");
    // The same title again: found, not added.
    let again = add(view.clone(), "send the deck").await;
    assert!(matches!(again, accounts::KnownAdded::Recent(id) if id == deck.action_item_id), "{again:?}");

    // Anything that decides what someone may see moves the epoch, once per
    // transaction, at its commit; a remembered view then adds nothing.
    let before = epoch().await;
    let mut tx = db.pool.begin().await.unwrap();
    sqlx::query("insert into account_team (account_id, user_id, role) values ($1, $2, 'csm')")
        .bind(acme.account_id)
        .bind(sam.user_id)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("update app_user set display_name = 'Sam Two' where user_id = $1").bind(sam.user_id).execute(&mut *tx).await.unwrap();
    assert_eq!(epoch().await, before, "not before the commit");
    tx.commit().await.unwrap();
    assert_eq!(epoch().await, before + 1);
    let moved = add(view.clone(), "Book the QBR").await;
    assert!(matches!(moved, accounts::KnownAdded::Moved(epoch) if epoch == before + 1), "{moved:?}");
    let fresh = accounts::callers_and_exact(&db.pool, &[look("U0SAM")], "slack").await.unwrap().pop().flatten().unwrap();
    assert!(matches!(add(fresh.clone(), "Sam's first").await, accounts::KnownAdded::Added(_)));
    // Several in one statement, each with its own answer: identical adds
    // each get their own item, and a view read before the change adds nothing.
    let batch: Vec<accounts::KnownAdd> = [(&fresh, "Twice at once"), (&fresh, "Twice at once "), (&view, "Too late")]
        .into_iter()
        .map(|(view, title)| accounts::KnownAdd::new(std::sync::Arc::new(view.clone()), title, since, None).unwrap())
        .collect();
    let answers = accounts::add_known(&db.pool, &batch, "slack").await.unwrap();
    let ids: Vec<i64> = answers[..2]
        .iter()
        .map(|answer| match answer {
            accounts::KnownAdded::Added(item) => item.action_item_id,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_ne!(ids[0], ids[1]);
    assert!(matches!(answers[2], accounts::KnownAdded::Moved(_)), "{:?}", answers[2]);
    // Sam leaves the team: the view read while he was on it adds nothing.
    sqlx::query("delete from account_team where user_id = $1").bind(sam.user_id).execute(&db.pool).await.unwrap();
    assert!(matches!(add(fresh, "After leaving").await, accounts::KnownAdded::Moved(_)));
    // So do a closed plan, a renamed account and a changed zone.
    for change in [
        "update plan set status = 'closed' where plan_id = $1",
        "update account set name = 'Acme Corp' where account_id = (select account_id from plan where plan_id = $1)",
        "update app_user set tz = 'Asia/Tokyo' where user_id = (select created_by from action_item where plan_id = $1 limit 1)",
    ] {
        let view = accounts::callers_and_exact(&db.pool, &[look("U0DANA")], "slack").await.unwrap().pop().flatten().unwrap();
        sqlx::query(change).bind(plan_id).execute(&db.pool).await.unwrap();
        assert!(matches!(add(view, "Not after the change").await, accounts::KnownAdded::Moved(_)), "{change}");
        sqlx::query("update plan set status = 'active' where plan_id = $1").bind(plan_id).execute(&db.pool).await.unwrap();
        sqlx::query("update account set name = 'Acme' where account_id = $1").bind(acme.account_id).execute(&db.pool).await.unwrap();
    }
    // Editing a plan's sections or an item does not move it, nor does the
    // bookkeeping on a person: Slack's profile sync noting when it asked
    // (her zone unchanged) and the nudge tick counting ignored nudges.
    let steady = epoch().await;
    let view = accounts::callers_and_exact(&db.pool, &[look("U0DANA")], "slack").await.unwrap().pop().flatten().unwrap();
    sqlx::query("update plan set name = 'FY28' where plan_id = $1").bind(plan_id).execute(&db.pool).await.unwrap();
    sqlx::query("update action_item set title = 'Send the new deck' where action_item_id = $1").bind(deck.action_item_id).execute(&db.pool).await.unwrap();
    store::users::record_slack_sync(&db.pool, dana.user_id, Some(view.user.tz.as_str())).await.unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    store::nudges::set_ignored(&mut conn, &[dana.user_id], &[2]).await.unwrap();
    drop(conn);
    let synced: (Option<chrono::DateTime<Utc>>, i32) =
        sqlx::query_as("select slack_synced_at, ignored_nudges from app_user where user_id = $1").bind(dana.user_id).fetch_one(&db.pool).await.unwrap();
    assert!(synced.0.is_some() && synced.1 == 2, "both were written: {synced:?}");
    assert_eq!(epoch().await, steady);
    assert!(matches!(add(view.clone(), "Still hers to add").await, accounts::KnownAdded::Added(_)));
    // A sync that brings a new zone does move it.
    store::users::record_slack_sync(&db.pool, dana.user_id, Some("Europe/Berlin")).await.unwrap();
    assert_eq!(epoch().await, steady + 1);
    assert!(matches!(add(view, "Not in the old zone").await, accounts::KnownAdded::Moved(_)));
    let titles: Vec<String> = sqlx::query_scalar("select title from action_item order by action_item_id").fetch_all(&db.pool).await.unwrap();
    assert_eq!(titles, ["Send the new deck", "Sam's first", "Twice at once", "Twice at once", "Still hers to add"]);
    let audited: i64 = sqlx::query_scalar("select count(*) from audit where entity = 'action_item' and action = 'insert' and actor_source = 'slack'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(audited, 5, "one audit row per item");
}

#[tokio::test]
async fn every_column_of_a_person_but_the_bookkeeping_moves_the_access_epoch() {
    let db = TestDb::new().await;
    let columns: Vec<String> = sqlx::query_scalar(
        "select column_name::text from information_schema.columns \
         where table_schema = current_schema() and table_name = 'app_user' order by ordinal_position",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let trigger: String =
        sqlx::query_scalar("select pg_get_triggerdef(oid) from pg_trigger where tgname = 'app_user_update_moves_access_epoch'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let bookkeeping = ["slack_synced_at", "ignored_nudges", "updated_at"];
    let watched = |column: &str| trigger.contains(&format!("old.{column} IS DISTINCT FROM new.{column}"));
    let unwatched: Vec<&String> = columns.iter().filter(|c| !bookkeeping.contains(&c.as_str()) && !watched(c)).collect();
    assert!(unwatched.is_empty(), "a new column of app_user must move the access epoch or be named bookkeeping: {unwatched:?}");
    for column in bookkeeping {
        assert!(columns.iter().any(|c| c == column) && !watched(column), "{column}");
    }
    assert!(columns.len() > bookkeeping.len() + 10, "{columns:?}");
}

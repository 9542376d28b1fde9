//! CSV import and export, and the plan as Markdown: as a CRM administrator
//! would use them, through `planbot import` / `planbot export` and the
//! functions behind them.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::Utc;
use planbot::exchange::{self, Kind};
use planbot::store::exchange::Written;
use sqlx::PgPool;

use crate::helpers::TestDb;
use crate::intel_support::count;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/csv")
}

/// A directory of its own under the system's temporary directory.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("planbot-exchange-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn import_dir(pool: &PgPool, dir: &Path) -> Vec<(Kind, Result<Written, Vec<String>>)> {
    let files = exchange::files_to_import(&[dir.to_path_buf()], None).unwrap();
    exchange::import_files(pool, &files, Utc::now())
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.kind, r.result.map_err(|problems| problems.iter().map(|p| p.to_string()).collect())))
        .collect()
}

async fn import_text(pool: &PgPool, kind: Kind, csv: &str) -> Result<Written, Vec<String>> {
    exchange::import_bytes(pool, kind, csv.as_bytes(), Utc::now())
        .await
        .unwrap()
        .result
        .map_err(|problems| problems.iter().map(|p| p.to_string()).collect())
}

fn written(inserted: u64, updated: u64) -> Written {
    Written { inserted, updated }
}

/// Everything the files carry, as comparable text: rows by their natural
/// keys, without ids and timestamps.
async fn dump(pool: &PgPool) -> Vec<String> {
    let queries = [
        "select u.email, u.slack_id, u.display_name, u.tz, u.role, m.email as manager \
         from app_user u left join app_user m on m.user_id = u.manager_id",
        "select to_jsonb(a) - 'account_id' - 'created_at' - 'updated_at' as account, o.email as owner \
         from account a join account_team t on t.account_id = a.account_id and t.role = 'owner' join app_user o on o.user_id = t.user_id",
        "select a.name, u.email, t.role from account_team t join account a using (account_id) join app_user u using (user_id)",
        "select a.name as account, to_jsonb(p) - 'plan_id' - 'account_id' - 'created_at' - 'updated_at' - 'sections_changed_at' as plan \
         from plan p join account a using (account_id)",
        "select a.name as account, p.name as plan, i.title, u.email as owner, i.due_date, i.status, \
                i.completed_at is not null as completed, i.snoozed_until \
         from action_item i join plan p using (plan_id) join account a on a.account_id = i.account_id join app_user u on u.user_id = i.owner_id",
        "select a.name as account, to_jsonb(c) - 'contact_id' - 'account_id' - 'reports_to_id' - 'relationship_owner_id' \
                - 'created_at' - 'updated_at' as contact, m.name as reports_to, o.email as owner, \
                exists (select 1 from sponsor_tracking s where s.contact_id = c.contact_id) as tracked \
         from contact c join account a using (account_id) left join contact m on m.contact_id = c.reports_to_id \
         left join app_user o on o.user_id = c.relationship_owner_id",
        "select a.name as account, to_jsonb(w) - 'whitespace_id' - 'account_id' - 'created_at' - 'updated_at' as row \
         from whitespace w join account a using (account_id)",
    ];
    let mut out = Vec::new();
    for query in queries {
        let rows: Vec<String> =
            sqlx::query_scalar(&format!("select to_jsonb(x)::text from ({query}) x order by 1")).fetch_all(pool).await.unwrap();
        out.extend(rows);
    }
    out
}

#[tokio::test]
async fn importing_a_directory_creates_everything_and_importing_it_again_changes_nothing() {
    let db = TestDb::new().await;
    let pool = &db.pool;
    let results = import_dir(pool, &fixtures()).await;
    let kinds: Vec<Kind> = results.iter().map(|(k, _)| *k).collect();
    assert_eq!(kinds, Kind::ALL, "imported in dependency order");
    let expected = [written(3, 0), written(2, 0), written(2, 0), written(3, 0), written(5, 0), written(4, 0), written(3, 0)];
    for ((kind, result), expected) in results.iter().zip(expected) {
        assert_eq!(result.as_ref(), Ok(&expected), "{kind:?}");
    }

    // What a person would check.
    let (manager, slack_id): (Option<String>, Option<String>) = sqlx::query_as(
        "select m.email, u.slack_id from app_user u left join app_user m on m.user_id = u.manager_id where u.email = 'dana.reyes@example.com'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!((manager.as_deref(), slack_id.as_deref()), (Some("maria.lopez@example.com"), Some("U0DANA")));
    let (notes, spend, rank): (String, Option<i64>, i16) =
        sqlx::query_as("select rank_notes, annual_spend, rank from account where external_id = 'SF-001'").fetch_one(pool).await.unwrap();
    assert_eq!(notes, "Largest logo in the region; the CIO sponsors \"Project Anvil\"");
    assert_eq!((spend, rank), (Some(1_200_000), 1));
    let (overview, status): (String, String) =
        sqlx::query_as("select business_overview, status from plan where name = 'Expand FY27'").fetch_one(pool).await.unwrap();
    assert_eq!(overview, "Acme makes industrial equipment.\nTwo divisions: \"Heavy\" and \"Light\".");
    assert_eq!(status, "active");
    let templated: i64 = sqlx::query_scalar("select count(*) from action_item i join plan p using (plan_id) where p.type in ('land', 'expand')")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(templated, 5, "imported plans bring their own items, not their template's");
    let qbr: Vec<(String, Option<chrono::DateTime<Utc>>)> = sqlx::query_as(
        "select status, completed_at from action_item where title = 'Send the QBR deck' order by action_item_id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(qbr[0].0, "done");
    assert!(qbr[0].1.is_some());
    assert_eq!(qbr[1].0, "open");
    let (owner, plan): (String, String) = sqlx::query_as(
        "select u.email, p.name from action_item i join app_user u on u.user_id = i.owner_id join plan p using (plan_id) \
         where i.title = 'Map the buying group'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!((owner.as_str(), plan.as_str()), ("sam.okafor@example.com", "Land FY27"), "the account owner and active plan by default");
    let reports: Option<String> = sqlx::query_scalar(
        "select m.name from contact c join contact m on m.contact_id = c.reports_to_id where c.name = 'Lee Park'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(reports.as_deref(), Some("Jane Doe"));
    assert_eq!(count(pool, "sponsor_tracking").await, 2);
    let audited: i64 = sqlx::query_scalar("select count(*) from audit where actor_source = 'import'").fetch_one(pool).await.unwrap();
    assert!(audited >= 2 + 3 + 5 + 4 + 3, "{audited}");

    // Again: nothing changes, and the history doesn't grow.
    let before = dump(pool).await;
    let audit_rows = count(pool, "audit").await;
    let last_update: chrono::DateTime<Utc> = sqlx::query_scalar(
        "select max(t) from (select max(updated_at) t from app_user union all select max(updated_at) from account \
         union all select max(updated_at) from plan union all select max(updated_at) from action_item \
         union all select max(updated_at) from contact union all select max(updated_at) from whitespace \
         union all select max(updated_at) from account_team union all select max(updated_at) from sponsor_tracking) x",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    for (kind, result) in import_dir(pool, &fixtures()).await {
        assert_eq!(result, Ok(written(0, 0)), "{kind:?}");
    }
    assert_eq!(dump(pool).await, before);
    assert_eq!(count(pool, "audit").await, audit_rows);
    let last_update_after: chrono::DateTime<Utc> = sqlx::query_scalar(
        "select max(t) from (select max(updated_at) t from app_user union all select max(updated_at) from account \
         union all select max(updated_at) from plan union all select max(updated_at) from action_item \
         union all select max(updated_at) from contact union all select max(updated_at) from whitespace \
         union all select max(updated_at) from account_team union all select max(updated_at) from sponsor_tracking) x",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(last_update_after, last_update, "no row was touched");

    // A changed cell is one update; an empty cell leaves the value alone.
    let changed = import_text(pool, Kind::Accounts, "name,owner_email,rank,tier\nacme corporation,dana.reyes@example.com,2,\n").await;
    assert_eq!(changed, Ok(written(0, 1)));
    let (rank, tier, name): (i16, String, String) =
        sqlx::query_as("select rank, tier, name from account where external_id = 'SF-001'").fetch_one(pool).await.unwrap();
    assert_eq!((rank, tier.as_str(), name.as_str()), (2, "Enterprise", "acme corporation"));
}

#[tokio::test]
async fn a_file_with_bad_rows_is_rejected_whole_with_every_line_and_reason() {
    let db = TestDb::new().await;
    let pool = &db.pool;
    import_dir(pool, &fixtures()).await;
    let items = count(pool, "action_item").await;

    let unknown = import_text(pool, Kind::Actions, "account,Title,notes,owner,title\nAcme Corporation,x,y,z,w\n").await;
    assert_eq!(
        unknown,
        Err(vec![
            "line 1: unknown columns `notes`, `owner`; the columns are account, title, plan, owner_email, due_date, status".to_string(),
            "line 1: column `title` appears more than once".to_string(),
        ])
    );

    let bad = "account,title,plan,owner_email,due_date,status\n\
               Acme Corporation,A fine row,,,,\n\
               Acme Corporation,,,,,\n\
               Nope Inc,Something,,,,\n\
               Acme Corporation,Bad cells,,,31/12/2026,finished\n\
               Acme Corporation,Unknown owner,,ghost@example.com,,\n\
               Globex Industries,Wrong plan,Expand FY99,,,\n\
               Acme Corporation,unquoted, comma,,,,\n\
               Acme Corporation,Another fine row,Land FY25,,,done\n";
    let problems = import_text(pool, Kind::Actions, bad).await.unwrap_err();
    assert_eq!(
        problems,
        [
            "line 3: `title` is empty",
            "line 4: account: there is no account named “Nope Inc” (nor with that external_id)",
            "line 5: due_date: `31/12/2026` is not a date like 2026-12-31; status: `finished` is not a valid action status; use one of: open, done, cancelled",
            "line 6: owner_email: ghost@example.com is not a known person; add them to users.csv",
            "line 7: plan: Globex Industries has no plan called “Expand FY99”; add it to plans.csv",
            "line 8: has 7 cells but the header has 6; quote cells that contain commas",
        ]
    );
    assert_eq!(count(pool, "action_item").await, items, "nothing of the file was written");

    let users = "email,tz,manager_email,slack_id\nkim@example.com,Mars/Olympus,boss@example.com,U0DANA\nnot-an-email,,,\n";
    let problems = import_text(pool, Kind::Users, users).await.unwrap_err();
    assert_eq!(
        problems,
        [
            "line 2: slack_id U0DANA belongs to dana.reyes@example.com; tz: `Mars/Olympus` is not an IANA time zone like America/New_York; \
             manager_email: boss@example.com is not a known person; add them to users.csv",
            "line 3: email: `not-an-email` is not an email address",
        ]
    );

    let plans = "account,name,status\nAcme Corporation,Expand FY28,active\nAcme Corporation,Land FY25,active\n";
    let problems = import_text(pool, Kind::Plans, plans).await.unwrap_err();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("line 2: “Expand FY28” would be active beside “Expand FY27” and “Land FY25”"), "{problems:?}");
    // Closing the old plan in the same file makes room.
    let swap = "account,name,status\nAcme Corporation,Expand FY28,active\nAcme Corporation,Expand FY27,closed\n";
    assert_eq!(import_text(pool, Kind::Plans, swap).await, Ok(written(1, 1)));

    let team = "account,email,role\nAcme Corporation,sam.okafor@example.com,owner\n";
    let problems = import_text(pool, Kind::Team, team).await.unwrap_err();
    assert_eq!(
        problems,
        ["line 2: sam.okafor@example.com is not the owner of Acme Corporation; an account's owner is set by owner_email in accounts.csv"]
    );
    let contacts = "account,name,reports_to,strength,tracked\nAcme Corporation,Ann,Nobody,9,maybe\nAcme Corporation,ann,,,\n";
    let problems = import_text(pool, Kind::Contacts, contacts).await.unwrap_err();
    assert_eq!(
        problems,
        [
            "line 2: strength: `9` is not a strength from 1 to 5; tracked: `maybe` is not true or false; \
             reports_to: Acme Corporation has no contact named “Nobody”",
            "line 3: ann at Acme Corporation is also on line 2",
        ]
    );
}

#[tokio::test]
async fn export_then_import_into_an_empty_database_gives_the_same_data() {
    let first = TestDb::new().await;
    import_dir(&first.pool, &fixtures()).await;
    // Changes made in planbot after the import travel too.
    sqlx::query("update action_item set status = 'cancelled' where title = 'Run a security workshop'").execute(&first.pool).await.unwrap();
    sqlx::query("update plan set goals_6m = 'Pilot in the “Heavy” division, 50 seats' where name = 'Expand FY27'")
        .execute(&first.pool)
        .await
        .unwrap();
    let dir = scratch_dir("first");
    let counts = exchange::export_dir(&first.pool, &dir).await.unwrap();
    assert_eq!(counts.iter().map(|(_, n)| *n).collect::<Vec<_>>(), [3, 2, 4, 3, 5, 4, 3]);
    let actions = std::fs::read_to_string(dir.join("actions.csv")).unwrap();
    assert!(actions.starts_with("account,title,plan,owner_email,due_date,status\n"), "{actions}");
    assert!(actions.contains("Acme Corporation,Send the QBR deck,Expand FY27,dana.reyes@example.com,2026-11-15,done\n"), "{actions}");

    let second = TestDb::new().await;
    for (kind, result) in import_dir(&second.pool, &dir).await {
        assert!(result.is_ok(), "{kind:?}: {result:?}");
    }
    assert_eq!(dump(&second.pool).await, dump(&first.pool).await);
    let again = scratch_dir("second");
    exchange::export_dir(&second.pool, &again).await.unwrap();
    for kind in Kind::ALL {
        let (a, b) = (std::fs::read(dir.join(kind.file_name())).unwrap(), std::fs::read(again.join(kind.file_name())).unwrap());
        assert!(a == b, "{} differs after the round trip", kind.file_name());
    }
}

/// The test database as a `DATABASE_URL` for the binary.
fn planbot(db: &TestDb, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_planbot")).args(args).env("DATABASE_URL", db.url_for(&db.name)).output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

#[tokio::test]
async fn the_command_line_imports_reports_rejected_files_and_prints_a_plan_as_markdown() {
    let db = TestDb::new().await;
    let dir = fixtures();
    let (ok, stdout, stderr) = planbot(&db, &["import", dir.to_str().unwrap()]);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(stdout.contains("actions.csv: 5 added, 0 changed"), "{stdout}");

    let bad = scratch_dir("cli").join("q4-actions.csv");
    std::fs::write(&bad, "account,title,due_date\nAcme Corporation,Prep the renewal,next week\n").unwrap();
    let (ok, _, stderr) = planbot(&db, &["import", "--kind", "actions", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(stderr.contains("q4-actions.csv: rejected, nothing was imported from it:\n  line 2: due_date: `next week` is not a date like 2026-12-31"), "{stderr}");
    assert!(stderr.contains("1 of 1 files were rejected"), "{stderr}");

    let (ok, markdown, stderr) = planbot(&db, &["export", "--account", "acme corp", "--format", "markdown"]);
    assert!(ok, "{stderr}");
    assert!(markdown.starts_with("# Acme Corporation — Expand FY27\n"), "{markdown}");
    for expected in [
        "| Owner | Dana Reyes |",
        "## Customer Profile\n\n### Business overview\n\nAcme makes industrial equipment.",
        "### Threats/Risks\n\nGlobex pilots a rival tool, budget freeze | pricing",
        "| #",
        "| Send the QBR deck | Dana Reyes | 2027-02-15 | open |",
        "| Jane Doe | VP Engineering | champion | high | promoter | 4/5 | Omar Haddad | Dana Reyes |",
        "| Verify | Jenkins | $80k | 2027-01-31 | high | Plugins, familiarity | Upkeep |",
    ] {
        assert!(markdown.contains(expected), "{expected:?} in\n{markdown}");
    }
    let (ok, _, stderr) = planbot(&db, &["export", "--account", "Initech", "--format", "markdown"]);
    assert!(!ok);
    assert!(stderr.contains("there is no account called “Initech”"), "{stderr}");

    let out = scratch_dir("cli-export");
    let (ok, stdout, _) = planbot(&db, &["export", out.to_str().unwrap()]);
    assert!(ok);
    assert!(stdout.contains("whitespace.csv: 3 rows"), "{stdout}");
    assert!(out.join("users.csv").is_file());
}

#[tokio::test]
async fn an_accounts_maps_are_exported_as_png_and_svg_pictures() {
    let db = crate::helpers::TestDb::new().await;
    planbot::demo::seed(&db.pool, chrono::Utc::now()).await.unwrap();
    let today = chrono::Utc::now().date_naive();
    let (name, png) = planbot::exchange::picture(&db.pool, "acme", planbot::domain::exchange::Picture::Relationships, true, today).await.unwrap();
    assert_eq!(name, "Acme Corporation");
    assert_eq!(&png[1..4], b"PNG");
    let (_, svg) = planbot::exchange::picture(&db.pool, "Stark Industries", planbot::domain::exchange::Picture::Whitespace, false, today).await.unwrap();
    let svg = String::from_utf8(svg).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("Stark Industries · whitespace map") && svg.contains(">open<"), "{svg}");
    let unknown = planbot::exchange::picture(&db.pool, "Nonesuch", planbot::domain::exchange::Picture::Whitespace, false, today).await;
    assert!(unknown.unwrap_err().to_string().contains("no account called “Nonesuch”"));

    // The plan as Markdown with its two pictures beside it, linked from it.
    let out = scratch_dir("cli-markdown");
    let (ok, stdout, stderr) = planbot(&db, &["export", "--account", "acme", "--format", "markdown", "--out", out.to_str().unwrap()]);
    assert!(ok, "{stdout}\n{stderr}");
    let markdown = std::fs::read_to_string(out.join("acme-corporation.md")).unwrap();
    assert!(markdown.contains("## Relationship map\n\n![Relationship map of Acme Corporation](acme-corporation-relationships.png)"), "{markdown}");
    assert!(markdown.contains("## Whitespace\n\n![Whitespace map of Acme Corporation](acme-corporation-whitespace.png)"), "{markdown}");
    for file in ["acme-corporation-relationships.png", "acme-corporation-whitespace.png"] {
        let png = std::fs::read(out.join(file)).unwrap();
        let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).unwrap();
        assert!(pixmap.width() >= 700, "{file}: {}", pixmap.width());
        assert!(stdout.contains(file), "{stdout}");
    }
}

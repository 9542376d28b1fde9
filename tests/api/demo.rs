//! `planbot demo`, run as a newcomer would, with its input piped in.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::helpers::TestDb;

/// Runs `planbot demo` on the test server with `input` as standard input.
fn run_demo(db: &TestDb, input: &str, extra: &[&str]) -> String {
    let url = db.url_for("postgres");
    let mut child = Command::new(env!("CARGO_BIN_EXE_planbot"))
        .arg("demo")
        .args(extra)
        // The demo plays in its own database on this server, never in `postgres`.
        .env("DATABASE_URL", url)
        .env("PLANBOT_DEMO_DATABASE", &db.name)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("planbot runs");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(output.status.success(), "demo failed: {}\n{stdout}", String::from_utf8_lossy(&output.stderr));
    stdout
}

#[tokio::test]
async fn the_demo_answers_summarize_my_account_with_a_seeded_summary() {
    let db = TestDb::new().await;
    let out = run_demo(&db, "summarize my account\n", &[]);
    assert!(out.contains("seeded 8 people, 7 accounts"), "{out}");
    assert!(out.contains("ACME CORPORATION"), "{out}");
    assert!(out.contains("Owner") && out.contains("@Dana Reyes"), "{out}");
    assert!(out.contains("Plan: Expand FY27"), "{out}");
    assert!(out.contains("overdue"), "{out}");
    assert!(out.contains("Single-threaded"), "{out}");
    // The summary reads at a glance: each line a fact, buttons to the rest.
    assert!(out.contains("Top risk: "), "{out}");
    assert!(out.contains("Champion: Hannah Okafor (Chief Technology Officer)"), "{out}");
    assert!(out.contains("[ Full plan ]") && out.contains("[ Add item ]"), "{out}");
}

#[tokio::test]
async fn the_demo_adds_an_action_item_and_refuses_a_mistake() {
    let db = TestDb::new().await;
    let out = run_demo(
        &db,
        "/plan add Acme: Run a security workshop due friday\n/plan add Acme Run a workshop\n",
        &[],
    );
    assert!(out.contains("Added `#"), "{out}");
    assert!(out.contains("Run a security workshop"), "{out}");
    assert!(out.contains("Put a colon after the account name"), "{out}");
    let added: i64 = sqlx::query_scalar(
        "select count(*) from action_item where title = 'Run a security workshop'",
    )
    .fetch_one(&demo_pool(&db).await)
    .await
    .unwrap();
    assert_eq!(added, 1);
}

async fn demo_pool(db: &TestDb) -> sqlx::PgPool {
    sqlx::PgPool::connect_with(db.options.clone()).await.unwrap()
}

#[tokio::test]
async fn the_demo_runs_the_scheduled_jobs_once_before_the_prompt() {
    let db = TestDb::new().await;
    // By default, a few lines: who got how many.
    let out = run_demo(&db, "exit\n", &[]);
    let pass = out.find("one pass of the scheduled jobs").expect("the scheduled pass is shown");
    let prompt = out.find("Type as you would in Slack").unwrap();
    let jobs = &out[pass..prompt];
    assert!(jobs.lines().count() <= 6, "a few lines: {jobs}");
    assert!(jobs.contains("Sent ") && jobs.contains("DM to Dana Reyes (") && jobs.contains("--verbose"), "{jobs}");
    assert!(out.contains("To export it as CSV: planbot demo --keep --export DIR"), "{out}");
    // The demo account's two maps, drawn, and where they are.
    let drawn = out.lines().find_map(|l| l.strip_prefix("The maps of Acme Corporation are drawn as pictures: ")).expect("the pictures are named");
    for file in drawn.split(" and ") {
        let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(&bytes[1..4], b"PNG", "{file}");
    }

    // In full with --verbose.
    let out = run_demo(&db, "exit\n", &["--verbose"]);
    let pass = out.find("one pass of the scheduled jobs").expect("the scheduled pass is shown");
    let prompt = out.find("Type as you would in Slack").unwrap();
    assert!(pass < prompt, "{out}");
    let jobs = &out[pass..prompt];
    // Dana's own nudge in full, with its buttons; others' in a line.
    assert!(jobs.contains("── planbot → DM to Dana Reyes ──"), "{jobs}");
    assert!(jobs.contains("You have 2 overdue action items. Mark them done"), "{jobs}");
    assert!(jobs.contains("[ Done ] [ Snooze 1 day ] [ Snooze 1 week ] [ Reassign ]"), "{jobs}");
    assert!(jobs.contains("── planbot → DM to Sam Patel: You have "), "{jobs}");
    assert!(jobs.contains("Deadlines for Acme Corporation"), "{jobs}");
    assert!(jobs.contains("`/plan actions <account>` lists every open item"), "{jobs}");
    assert!(jobs.contains("Initech renews") && jobs.contains("with no active plan"), "{jobs}");
}

#[tokio::test]
async fn a_newcomer_starts_a_plan_from_a_template_and_edits_a_section_in_the_demo() {
    let db = TestDb::new().await;
    let input = "/plan new Initech\nstatus: active\ntemplate: expand\nsubmit\n\
                 /plan edit Initech gtm\nthreats_risks: Budget freeze until Q2\nsubmit\n\
                 /plan people Initech\nclick Add contact\nname: Peter Gibbons\nreports_to: samantha\ntracked: maybe\ntracked: yes\nsubmit\n";
    let out = run_demo(&db, input, &["--user", "jordan"]);
    assert!(out.contains("(Slack opens a form)") && out.contains("Plan type * [plan_type]"), "{out}");
    assert!(out.contains("Created Initech — Expand FY"), "{out}");
    assert!(out.contains("Its template added 6 action items"), "{out}");
    assert!(out.contains("Saved the Go-to-Market of Initech — Expand FY") && out.contains("Threats/Risks changed"), "{out}");
    assert!(out.contains("Sponsor: `maybe` is not true or false; write yes or no."), "a mistake in a field is said: {out}");
    assert!(out.contains("Added Peter Gibbons on the relationship map of Initech."), "{out}");

    let pool = demo_pool(&db).await;
    let threats: String = sqlx::query_scalar(
        "select p.threats_risks from plan p join account a using (account_id) where a.name = 'Initech' and p.status = 'active'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(threats, "Budget freeze until Q2");
    let manager: String = sqlx::query_scalar(
        "select m.name from contact c join contact m on m.contact_id = c.reports_to_id where c.name = 'Peter Gibbons'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(manager, "Samantha Cole");
}

#[tokio::test]
async fn in_the_demo_the_weak_plans_review_shows_its_gaps_and_the_strong_one_few() {
    let db = TestDb::new().await;
    let out = run_demo(&db, "review my plan for wayne\nreview my plan for acme\nwhich key accounts have no plan?\n", &["--user", "marcus"]);
    let wayne = out.split("Marcus> review my plan for acme").next().unwrap();
    let health = |text: &str| -> u32 {
        let at = text.find("Plan health: ").expect("a health line") + "Plan health: ".len();
        text[at..].split_whitespace().next().unwrap().parse().unwrap()
    };
    assert!(wayne.contains("PLAN REVIEW: WAYNE ENTERPRISES"), "{out}");
    assert!(wayne.contains("No champion identified") && wayne.contains("[ Add contact ]"), "{out}");
    assert!(wayne.contains("The most valuable gaps · 5 of"), "{out}");
    let acme = out.split("Marcus> review my plan for acme").nth(1).unwrap();
    assert!(health(wayne) < 60 && health(acme) > 90, "weak {} strong {}: {out}", health(wayne), health(acme));
    assert!(out.contains("KEY ACCOUNTS WITHOUT A PLAN"), "{out}");
}

#[tokio::test]
async fn the_demo_exports_its_workspace_and_a_second_demo_on_the_same_database_is_refused() {
    let db = TestDb::new().await;
    let dir = std::env::temp_dir().join(format!("planbot-demo-export-{}", std::process::id()));
    let out = run_demo(&db, "exit\n", &["--export", dir.to_str().unwrap()]);
    assert!(out.contains("Exporting the demo's workspace:"), "{out}");
    let accounts = std::fs::read_to_string(dir.join("accounts.csv")).unwrap();
    assert!(accounts.contains("Acme Corporation") && accounts.contains("Wayne Enterprises"), "{accounts}");
    std::fs::remove_dir_all(&dir).ok();

    // While one demo runs (its prompt waits for input), a second is refused and drops nothing.
    let url = db.url_for("postgres");
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_planbot"))
            .args(["demo", "--keep"])
            .env("DATABASE_URL", &url)
            .env("PLANBOT_DEMO_DATABASE", &db.name)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut first = spawn();
    // Wait until the first is at its prompt.
    let mut first_out = first.stdout.take().unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("Type as you would in Slack") {
        let n = std::io::Read::read(&mut first_out, &mut buf).unwrap();
        assert!(n > 0, "the first demo ended early: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
    }
    let second = spawn().wait_with_output().unwrap();
    assert!(!second.status.success());
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(said.contains("another planbot demo is running"), "{said}");
    // The first still has its workspace.
    first.stdin.take().unwrap().write_all(b"summarize my account\nexit\n").unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut first_out, &mut rest).unwrap();
    assert!(first.wait().unwrap().success());
    assert!(rest.contains("ACME CORPORATION"), "{rest}");
}

//! Target: importing 100,000 action items from CSV takes under 20 seconds.
//!
//! `cargo bench --bench csv_import` (PostgreSQL: `DATABASE_URL`, else a
//! server on 127.0.0.1:5432, else planbot's embedded cluster). 1,000 accounts with an active plan, 100
//! people; the file names the account, the title, the plan for half the
//! rows, an owner for most, due dates and statuses. The time covers reading
//! and checking every row, the bulk write with its audit rows, and the
//! commit. The same file is then imported again (nothing may change).

mod support;

use std::fmt::Write;

use chrono::Utc;
use planbot::exchange::{self, Kind};
use planbot::store::exchange::Written;

const ROWS: usize = 100_000;
const TARGET_SECS: f64 = 20.0;

#[tokio::main]
async fn main() {
    let db = support::scratch(&format!("planbot_bench_csv_{}", std::process::id()), 4).await;
    let pool = &db.pool;
    support::timed("seed 1,000 accounts with active plans and 100 people", async {
        let mut tx = pool.begin().await.unwrap();
        sqlx::query(
            "insert into app_user (email, display_name) \
             select 'person' || g || '@bench.example', 'Person ' || g from generate_series(1, 100) g",
        )
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query("insert into account (name, match_key) select 'Account ' || g, 'account ' || g from generate_series(1, 1000) g")
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query(
            "insert into account_team (account_id, user_id, role) \
             select a.account_id, u.user_id, 'owner' from account a \
             join app_user u on u.email = 'person' || ((a.account_id - 1) % 100 + 1) || '@bench.example'",
        )
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query("insert into plan (account_id, name, type, status) select account_id, 'Expand FY27', 'expand', 'active' from account")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    })
    .await;

    let mut csv = String::from("account,title,plan,owner_email,due_date,status\n");
    let statuses = ["open", "open", "open", "done", ""];
    for i in 0..ROWS {
        let account = i % 1000 + 1;
        let plan = if i % 2 == 0 { "Expand FY27" } else { "" };
        let owner = if i % 5 == 0 { String::new() } else { format!("person{}@bench.example", i % 100 + 1) };
        let due = format!("2027-{:02}-{:02}", i % 12 + 1, i % 28 + 1);
        let _ = writeln!(
            csv,
            "Account {account},\"Follow up with the buying group, step {i}\",{plan},{owner},{due},{}",
            statuses[i % statuses.len()]
        );
    }
    println!("actions.csv: {ROWS} rows, {:.1} MB", csv.len() as f64 / 1e6);

    let (result, took) =
        support::timed("import 100,000 action items", exchange::import_bytes(pool, Kind::Actions, csv.as_bytes(), Utc::now())).await;
    let written = result.unwrap().result.unwrap_or_else(|problems| panic!("rejected: {:?}", &problems[..problems.len().min(5)]));
    assert_eq!(written, Written { inserted: ROWS as u64, updated: 0 });
    let (again, took_again) =
        support::timed("import the same file again", exchange::import_bytes(pool, Kind::Actions, csv.as_bytes(), Utc::now())).await;
    assert_eq!(again.unwrap().result.unwrap(), Written::default());
    println!("{:.0} rows per second; the second import took {:.2} s", ROWS as f64 / took.as_secs_f64(), took_again.as_secs_f64());
    let verdict = if took.as_secs_f64() < TARGET_SECS { "meets" } else { "MISSES" };
    println!("{verdict} the target of {TARGET_SECS} s");
    db.remove().await.expect("the scratch database drops");
}

//! What both benchmarks need: a scratch database on the server the tests
//! use (`DATABASE_URL`, else PostgreSQL on 127.0.0.1:5432).

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};

fn server() -> PgConnectOptions {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    url.parse().expect("DATABASE_URL is a PostgreSQL URL")
}

/// A freshly created and migrated database named `name` (dropped first if it exists).
pub async fn scratch_database(name: &str) -> PgConnectOptions {
    let server = server();
    let mut admin = PgConnection::connect_with(&server.clone().database("postgres")).await.expect("PostgreSQL answers");
    sqlx::query(&format!("drop database if exists {name} with (force)")).execute(&mut admin).await.unwrap();
    sqlx::query(&format!("create database {name}")).execute(&mut admin).await.unwrap();
    admin.close().await.ok();
    let options = server.database(name);
    let pool = pool(&options, 2).await;
    planbot::db::MIGRATOR.run(&pool).await.expect("migrations apply");
    pool.close().await;
    options
}

/// Drops a scratch database when the benchmark is done with it.
pub async fn drop_database(name: &str) {
    let mut admin = PgConnection::connect_with(&server().database("postgres")).await.expect("PostgreSQL answers");
    sqlx::query(&format!("drop database if exists {name} with (force)")).execute(&mut admin).await.unwrap();
}

pub async fn pool(options: &PgConnectOptions, connections: u32) -> PgPool {
    PgPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options.clone())
        .await
        .expect("the scratch database answers")
}

/// A run-job command line's settings, so benchmarks use the defaults a
/// deployment has (and the flags given in `extra`).
pub fn job_args(extra: &[&str]) -> planbot::config::RunJobArgs {
    use clap::Parser;
    let mut argv = vec!["planbot", "run-job", "nudges"];
    argv.extend_from_slice(extra);
    match planbot::config::Cli::try_parse_from(argv).expect("arguments parse").command {
        planbot::config::Command::RunJob(args) => *args,
        _ => unreachable!(),
    }
}

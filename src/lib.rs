//! planbot: a self-hosted Slack assistant for account planning.
//!
//! Data flows one way: Slack ([`slack`]), the ingest API ([`api`]) or a
//! cron tick ([`jobs`]) → the application layer ([`app`], where every
//! answer and change starts) → the store ([`store`], all SQL) and the pure
//! renderers ([`render`]) → the outbox → Slack. [`domain`] is the floor
//! everything stands on: vocabularies, parsers and rules, no I/O.

pub mod api;
pub mod app;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod exchange;
pub mod intel;
pub mod jobs;
pub mod render;
pub mod slack;
pub mod sponsors;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;

use config::{Cli, Command};

/// Runs one `planbot` command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    // The demo, import and export talk to a person on the terminal; logs would be noise.
    let quiet = matches!(cli.command, Command::Demo(_) | Command::Import(_) | Command::Export(_));
    telemetry::init(cli.log_format, if quiet { "warn" } else { "info,sqlx=warn" });
    match cli.command {
        Command::Serve(args) => startup::serve(&cli.database, *args).await,
        Command::Demo(args) => demo::run(&cli.database, &args).await,
        Command::Migrate => {
            let db = db::Database::open(&cli.database, db::DEFAULT_DATABASE).await?;
            let result = db.migrate().await;
            db.close().await;
            result?;
            println!("planbot: the database is up to date.");
            Ok(())
        }
        Command::Import(args) => {
            let db = db::Database::open(&cli.database, db::DEFAULT_DATABASE).await?;
            let result = match db.migrate().await {
                Ok(()) => exchange::run_import(&db.pool, &args.paths, args.kind, chrono::Utc::now()).await,
                Err(err) => Err(err),
            };
            db.close().await;
            result
        }
        Command::Export(args) => {
            let db = db::Database::open(&cli.database, db::DEFAULT_DATABASE).await?;
            let result = match db.migrate().await {
                Ok(()) => exchange::run_export(&db.pool, &args, chrono::Utc::now()).await,
                Err(err) => Err(err),
            };
            db.close().await;
            result
        }
        Command::RunJob(args) => jobs::run_job::run(&cli.database, *args).await,
    }
}

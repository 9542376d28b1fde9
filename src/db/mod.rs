//! The connection pool, the migrations, and the embedded PostgreSQL default.

pub mod embedded;

use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};

use crate::config::DatabaseArgs;
use embedded::EmbeddedPostgres;

/// The database planbot uses on the embedded cluster.
pub const DEFAULT_DATABASE: &str = "planbot";

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// The database planbot uses, and the private cluster behind it when there
/// is no `DATABASE_URL`.
pub struct Database {
    pub pool: PgPool,
    embedded: Option<EmbeddedPostgres>,
}

impl Database {
    /// Connects to `DATABASE_URL`, or starts the embedded cluster and uses a
    /// database named `database` in it (created when missing).
    pub async fn open(args: &DatabaseArgs, database: &str) -> anyhow::Result<Self> {
        let (options, embedded) = match &args.database_url {
            Some(url) => (parse_url(url.expose())?, None),
            None => {
                let data_dir = args.data_dir.clone().unwrap_or_else(embedded::default_data_dir);
                let cluster = EmbeddedPostgres::start(&data_dir).await?;
                let options = parse_url(&cluster.url(database))?;
                ensure_database_exists(&options).await?;
                (options, Some(cluster))
            }
        };
        let pool = pool(options, args.db_connections).await?;
        Ok(Database { pool, embedded })
    }

    /// Like [`Database::open`], but on a database named `name` next to the
    /// configured one, dropped and created afresh: the demo's own playground,
    /// which never touches real data.
    pub async fn open_scratch(args: &DatabaseArgs, name: &str, keep: bool) -> anyhow::Result<Self> {
        let (server, embedded) = match &args.database_url {
            Some(url) => (parse_url(url.expose())?, None),
            None => {
                let data_dir = args.data_dir.clone().unwrap_or_else(embedded::default_data_dir);
                let cluster = EmbeddedPostgres::start(&data_dir).await?;
                (parse_url(&cluster.url("postgres"))?, Some(cluster))
            }
        };
        let options = server.clone().database(name);
        if !keep {
            let mut admin = connect_maintenance(&server).await?;
            sqlx::query(&format!(r#"drop database if exists "{name}" with (force)"#))
                .execute(&mut admin)
                .await
                .with_context(|| format!("could not drop the database {name}"))?;
            admin.close().await.ok();
        }
        ensure_database_exists(&options).await?;
        let pool = pool(options, args.db_connections).await?;
        Ok(Database { pool, embedded })
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        MIGRATOR.run(&self.pool).await.context("database migrations failed")
    }

    /// Closes the pool, and stops the embedded cluster when no other planbot
    /// process still uses it.
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(cluster) = self.embedded
            && let Err(err) = cluster.release().await {
                tracing::warn!(error = %format!("{err:#}"), "could not stop the embedded PostgreSQL");
            }
    }
}

pub fn parse_url(url: &str) -> anyhow::Result<PgConnectOptions> {
    url.parse::<PgConnectOptions>()
        .context("DATABASE_URL is not a valid PostgreSQL URL (postgres://user:password@host:port/database)")
}

async fn pool(options: PgConnectOptions, max_connections: u32) -> anyhow::Result<PgPool> {
    PgPoolOptions::new()
        .max_connections(max_connections.max(2))
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .context("could not connect to PostgreSQL")
}

/// A connection to the server's maintenance database, for creating and
/// dropping databases.
async fn connect_maintenance(options: &PgConnectOptions) -> anyhow::Result<PgConnection> {
    let admin = options.clone().database("postgres");
    PgConnection::connect_with(&admin).await.context("could not connect to PostgreSQL")
}

/// Creates the database `options` points at if it does not exist. Two
/// processes racing here both succeed.
pub async fn ensure_database_exists(options: &PgConnectOptions) -> anyhow::Result<()> {
    let name = options.get_database().unwrap_or("postgres").to_string();
    if name == "postgres" {
        return Ok(());
    }
    let mut admin = connect_maintenance(options).await?;
    let exists: bool = sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
        .bind(&name)
        .fetch_one(&mut admin)
        .await?;
    if !exists {
        let created = sqlx::query(&format!(r#"create database "{}""#, name.replace('"', "\"\"")))
            .execute(&mut admin)
            .await;
        match created {
            Ok(_) => tracing::info!(database = %name, "created database"),
            // 42P04: created by someone else in the meantime
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
            Err(e) => return Err(e).with_context(|| format!("could not create the database {name}")),
        }
    }
    admin.close().await.ok();
    Ok(())
}

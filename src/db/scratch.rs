//! Scratch databases: made for one run, on a server that is not planbot's
//! real data.
//!
//! This module owns everything about making and dropping them:
//!
//! * [`find_server`], the server tests and benchmarks use: `DATABASE_URL`
//!   when set, else PostgreSQL on 127.0.0.1:5432 when it answers, else
//!   planbot's own embedded cluster in a temporary directory (left running
//!   for the next run);
//! * the migrated template (`planbot_tpl_<hash of the migrations>`), built
//!   once per version of the migrations and copied, which is much faster
//!   than migrating every database;
//! * naming: an exact name, made afresh (dropped first) or kept when it
//!   exists, or a unique one (`<prefix>_<pid>_<n>`), with the databases of
//!   earlier processes under the same prefix dropped once they are gone;
//! * dropping a database when its user is done ([`Scratch::remove`]).
//!
//! Its users: the integration tests (`tests/api/helpers.rs`, a copy of the
//! template per test), the benchmarks (`benches/support`, a migrated
//! database of a fixed name each) and `planbot demo`
//! ([`Database::open_scratch`](super::Database::open_scratch), its own
//! playground on the configured server, migrated by the demo itself).

use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};
use tokio::sync::{Mutex, OnceCell};

use super::MIGRATOR;
use super::embedded::EmbeddedPostgres;

/// The local server on PostgreSQL's usual port, tried when `DATABASE_URL` is unset.
const LOCAL_SERVER: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Serialises building the template across processes (a PostgreSQL advisory lock key).
const TEMPLATE_LOCK: i64 = 7212001;

/// The server tests and benchmarks use, as connection options to the
/// database new ones are created from (`postgres` unless `DATABASE_URL`
/// names another): `DATABASE_URL` when set, else 127.0.0.1:5432 when it
/// answers within two seconds, else the embedded cluster in
/// `<temp dir>/planbot-test-pg`, which outlives the process so that the
/// next run reuses it. Found once per process.
pub async fn find_server() -> anyhow::Result<PgConnectOptions> {
    static SERVER: OnceCell<String> = OnceCell::const_new();
    let url = SERVER
        .get_or_try_init(|| async {
            if let Ok(url) = std::env::var("DATABASE_URL") {
                return anyhow::Ok(url);
            }
            let local: PgConnectOptions = LOCAL_SERVER.parse()?;
            let reachable = tokio::time::timeout(Duration::from_secs(2), PgConnection::connect_with(&local)).await;
            if matches!(reachable, Ok(Ok(_))) {
                return Ok(LOCAL_SERVER.to_string());
            }
            let dir = std::env::temp_dir().join("planbot-test-pg");
            let cluster = EmbeddedPostgres::start(&dir, None).await.context("could not start an embedded PostgreSQL")?;
            let url = cluster.url("postgres");
            // The cluster outlives the process (the next run reuses it).
            std::mem::forget(cluster);
            Ok(url)
        })
        .await?;
    super::parse_url(url)
}

/// How a scratch database is named.
#[derive(Clone, Debug)]
enum Name {
    /// This name.
    Exact(String),
    /// `<prefix>_<pid>_<n>`, new in this process.
    Unique(String),
}

/// What a new scratch database holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Schema {
    /// Nothing: its user migrates it.
    Empty,
    /// Every migration, applied to it.
    Migrated,
    /// Every migration, as a copy of the migrated template.
    Template,
}

/// How to make a scratch database: [`Scratch::named`] or [`Scratch::unique`],
/// then [`create`](Self::create).
#[derive(Clone, Debug)]
#[must_use]
pub struct ScratchBuilder {
    name: Name,
    schema: Schema,
    keep_existing: bool,
    pool: PgPoolOptions,
}

impl ScratchBuilder {
    /// Applies every migration to the new database.
    pub fn migrated(mut self) -> Self {
        self.schema = Schema::Migrated;
        self
    }

    /// Makes the database a copy of the migrated template (built first when
    /// the migrations changed): every migration, in a fraction of the time.
    pub fn from_template(mut self) -> Self {
        self.schema = Schema::Template;
        self
    }

    /// With `true`, a database of this name that exists already is used as
    /// it is instead of being dropped and created afresh.
    pub fn keep_existing(mut self, keep: bool) -> Self {
        self.keep_existing = keep;
        self
    }

    /// The pool [`Scratch::pool`] connects with (default: sqlx's defaults).
    pub fn pool(mut self, options: PgPoolOptions) -> Self {
        self.pool = options;
        self
    }

    /// Shorthand for a [`pool`](Self::pool) of at most `connections` connections.
    pub fn connections(self, connections: u32) -> Self {
        self.pool(PgPoolOptions::new().max_connections(connections))
    }

    /// Makes the database on [`find_server`]'s server.
    pub async fn create(self) -> anyhow::Result<Scratch> {
        self.create_on(&find_server().await?).await
    }

    /// Makes the database on `server`: new ones are created from a
    /// connection to the database `server` names.
    pub async fn create_on(self, server: &PgConnectOptions) -> anyhow::Result<Scratch> {
        let mut admin = PgConnection::connect_with(server).await.context("could not connect to PostgreSQL")?;
        let name = match &self.name {
            Name::Exact(name) => name.clone(),
            Name::Unique(prefix) => {
                drop_stale_databases(&mut admin, prefix).await?;
                static COUNTER: AtomicUsize = AtomicUsize::new(0);
                format!("{prefix}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst))
            }
        };
        if matches!(self.name, Name::Exact(_)) && !self.keep_existing {
            drop_database(&mut admin, &name).await?;
        }
        match self.schema {
            Schema::Template => {
                let template = ensure_template(&mut admin, server).await?;
                create_from_template(&mut admin, &name, &template).await?;
            }
            Schema::Empty | Schema::Migrated => create_database(&mut admin, &name, self.keep_existing).await?,
        }
        admin.close().await.ok();
        let options = server.clone().database(&name);
        let pool = self.pool.connect_with(super::session_options(options.clone())).await.context("could not connect to PostgreSQL")?;
        if self.schema == Schema::Migrated {
            MIGRATOR.run(&pool).await.context("database migrations failed")?;
        }
        Ok(Scratch { pool, options, name, server: server.clone() })
    }
}

/// A scratch database and a pool on it. It stays when dropped: call
/// [`remove`](Self::remove) to drop it from the server (tests leave theirs to
/// the next run, which drops them).
pub struct Scratch {
    pub pool: PgPool,
    /// Connection options for this database.
    pub options: PgConnectOptions,
    pub name: String,
    /// Connection options for the database this one was created from.
    server: PgConnectOptions,
}

impl Scratch {
    /// A database named `name`, dropped and created afresh (unless
    /// [`keep_existing`](ScratchBuilder::keep_existing)).
    pub fn named(name: &str) -> ScratchBuilder {
        Self::builder(Name::Exact(name.to_string()))
    }

    /// A database with a name no other is using: `<prefix>_<pid>_<n>`. The
    /// first one of a process drops those under `prefix` whose process is gone.
    pub fn unique(prefix: &str) -> ScratchBuilder {
        Self::builder(Name::Unique(prefix.to_string()))
    }

    fn builder(name: Name) -> ScratchBuilder {
        ScratchBuilder { name, schema: Schema::Empty, keep_existing: false, pool: PgPoolOptions::new() }
    }

    /// The database's URL, for a `planbot` process to connect to as `postgres`.
    pub fn url(&self) -> String {
        let host = self.options.get_host();
        let port = self.options.get_port();
        if host.starts_with('/') {
            format!("postgres://postgres@localhost/{}?host={host}&port={port}", self.name)
        } else {
            format!("postgres://postgres@{host}:{port}/{}", self.name)
        }
    }

    /// Another pool on this database, of at most `connections` connections.
    pub async fn connect(&self, connections: u32) -> anyhow::Result<PgPool> {
        PgPoolOptions::new()
            .max_connections(connections)
            .connect_with(super::session_options(self.options.clone()))
            .await
            .context("could not connect to PostgreSQL")
    }

    /// Closes the pool and drops the database, disconnecting whoever else is
    /// still connected to it.
    pub async fn remove(self) -> anyhow::Result<()> {
        self.pool.close().await;
        let mut admin = PgConnection::connect_with(&self.server).await.context("could not connect to PostgreSQL")?;
        drop_database(&mut admin, &self.name).await?;
        admin.close().await.ok();
        Ok(())
    }
}

/// `name` as an SQL identifier.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

async fn drop_database(admin: &mut PgConnection, name: &str) -> anyhow::Result<()> {
    sqlx::query(&format!("drop database if exists {} with (force)", quoted(name)))
        .execute(admin)
        .await
        .with_context(|| format!("could not drop the database {name}"))?;
    Ok(())
}

async fn database_exists(admin: &mut PgConnection, name: &str) -> anyhow::Result<bool> {
    let exists = sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)").bind(name).fetch_one(admin).await?;
    Ok(exists)
}

/// Creates the database `name`; with `if_missing`, one that exists
/// (even one that another process created a moment ago) is left as it is.
pub(super) async fn create_database(admin: &mut PgConnection, name: &str, if_missing: bool) -> anyhow::Result<()> {
    if if_missing && database_exists(admin, name).await? {
        return Ok(());
    }
    match sqlx::query(&format!("create database {}", quoted(name))).execute(admin).await {
        Ok(_) => {
            tracing::info!(database = %name, "created database");
            Ok(())
        }
        // 42P04: created by someone else in the meantime
        Err(sqlx::Error::Database(e)) if if_missing && e.code().as_deref() == Some("42P04") => Ok(()),
        Err(e) => Err(e).with_context(|| format!("could not create the database {name}")),
    }
}

/// Creates `name` as a copy of `template`, waiting a little while another
/// process's copy holds the template.
async fn create_from_template(admin: &mut PgConnection, name: &str, template: &str) -> anyhow::Result<()> {
    let statement = format!("create database {} template {}", quoted(name), quoted(template));
    let mut attempt = 0;
    loop {
        match sqlx::query(&statement).execute(&mut *admin).await {
            Ok(_) => return Ok(()),
            Err(_) if attempt < 20 => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(err) => return Err(err).with_context(|| format!("could not create the database {name}")),
        }
    }
}

/// A name for the template that changes whenever the migrations do.
fn template_name() -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for migration in MIGRATOR.iter() {
        migration.version.hash(&mut hasher);
        migration.checksum.hash(&mut hasher);
    }
    format!("planbot_tpl_{:016x}", hasher.finish())
}

/// Builds the migrated template unless it exists, and returns its name.
async fn ensure_template(admin: &mut PgConnection, server: &PgConnectOptions) -> anyhow::Result<String> {
    let template = template_name();
    // Processes may race here; the advisory lock lets one build it.
    sqlx::query("select pg_advisory_lock($1)").bind(TEMPLATE_LOCK).execute(&mut *admin).await?;
    let built = build_template(admin, server, &template).await;
    let unlocked = sqlx::query("select pg_advisory_unlock($1)").bind(TEMPLATE_LOCK).execute(&mut *admin).await;
    built?;
    unlocked?;
    Ok(template)
}

async fn build_template(admin: &mut PgConnection, server: &PgConnectOptions, template: &str) -> anyhow::Result<()> {
    if database_exists(admin, template).await? {
        return Ok(());
    }
    // Built under another name and renamed when complete, so that a build
    // that was interrupted is never copied.
    let building = format!("{template}_building");
    drop_database(admin, &building).await?;
    create_database(admin, &building, false).await?;
    let pool = PgPoolOptions::new().max_connections(1).connect_with(server.clone().database(&building)).await?;
    let migrated = MIGRATOR.run(&pool).await.context("migrations apply to an empty database");
    pool.close().await;
    migrated?;
    sqlx::query(&format!("alter database {} rename to {}", quoted(&building), quoted(template))).execute(&mut *admin).await?;
    Ok(())
}

/// Drops the databases `<prefix>_<pid>_…` of processes that are gone, once
/// per prefix and process (the others of this process wait until it is done).
async fn drop_stale_databases(admin: &mut PgConnection, prefix: &str) -> anyhow::Result<()> {
    static CLEANED: Mutex<Vec<String>> = Mutex::const_new(Vec::new());
    let mut cleaned = CLEANED.lock().await;
    if cleaned.iter().any(|done| done == prefix) {
        return Ok(());
    }
    cleaned.push(prefix.to_string());
    let names: Vec<String> = sqlx::query_scalar("select datname from pg_database").fetch_all(&mut *admin).await?;
    for name in names {
        let Some(rest) = name.strip_prefix(prefix).and_then(|rest| rest.strip_prefix('_')) else { continue };
        let Some(pid) = rest.split('_').next().and_then(|pid| pid.parse::<u32>().ok()) else { continue };
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = drop_database(admin, &name).await;
        }
    }
    Ok(())
}

//! The connection pool, the migrations, the embedded PostgreSQL default, and
//! scratch databases ([`scratch`]).
//!
//! May import: the configuration of the database. Nothing of planbot's own
//! logic; the store and the service build on it.

pub mod embedded;
pub mod scratch;

use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};

use crate::config::DatabaseArgs;
use embedded::EmbeddedPostgres;
use scratch::Scratch;

/// The database planbot uses on the embedded cluster.
pub const DEFAULT_DATABASE: &str = "planbot";

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// The database planbot uses, and the private cluster behind it when there
/// is no `DATABASE_URL`.
pub struct Database {
    pub pool: PgPool,
    embedded: Option<EmbeddedPostgres>,
    /// For a scratch database: the session holding its advisory lock, so a
    /// second process never drops it from under the first.
    lock: Option<PgConnection>,
}

impl Database {
    /// Connects to `DATABASE_URL`, or starts the embedded cluster and uses a
    /// database named `database` in it (created when missing).
    pub async fn open(args: &DatabaseArgs, database: &str) -> anyhow::Result<Self> {
        let (server, embedded) = server(args).await?;
        let options = match &embedded {
            Some(_) => {
                let options = server.database(database);
                ensure_database_exists(&options).await?;
                options
            }
            None => server,
        };
        let pool = pool_options(args.db_connections)
            .connect_with(session_options(options))
            .await
            .context("could not connect to PostgreSQL")?;
        Ok(Database { pool, embedded, lock: None })
    }

    /// Like [`Database::open`], but on a database named `name` next to the
    /// configured one, dropped and created afresh (unless `keep`): the demo's
    /// own playground, which never touches real data.
    /// One process at a time per scratch database: a second one is refused
    /// with what to do instead, and nothing is dropped.
    pub async fn open_scratch(args: &DatabaseArgs, name: &str, keep: bool) -> anyhow::Result<Self> {
        let (server, embedded) = server(args).await?;
        let mut lock = PgConnection::connect_with(&server.clone().database("postgres"))
            .await
            .context("could not connect to PostgreSQL")?;
        let free: bool = sqlx::query_scalar("select pg_try_advisory_lock(hashtextextended('planbot scratch ' || $1, 0))")
            .bind(name)
            .fetch_one(&mut lock)
            .await?;
        if !free {
            anyhow::bail!(
                "another planbot demo is running on the database `{name}`; wait for it to end, \
                 or give this one a database of its own: planbot demo --database {name}_2"
            );
        }
        let scratch = Scratch::named(name)
            .keep_existing(keep)
            .pool(pool_options(args.db_connections))
            .create_on(&server.database("postgres"))
            .await?;
        Ok(Database { pool: scratch.pool, embedded, lock: Some(lock) })
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        MIGRATOR.run(&self.pool).await.context("database migrations failed")
    }

    /// Closes the pool, and stops the embedded cluster when no other planbot
    /// process still uses it.
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(lock) = self.lock {
            // Closing the session releases its advisory lock.
            let _ = lock.close().await;
        }
        if let Some(cluster) = self.embedded
            && let Err(err) = cluster.release().await {
                tracing::warn!(error = %crate::telemetry::ErrorChain(&err), "could not stop the embedded PostgreSQL");
            }
    }
}

pub fn parse_url(url: &str) -> anyhow::Result<PgConnectOptions> {
    url.parse::<PgConnectOptions>()
        .context("DATABASE_URL is not a valid PostgreSQL URL (postgres://user:password@host:port/database)")
}

/// The server `args` name: `DATABASE_URL` (its database included), or the
/// embedded cluster's `postgres` database, with the cluster's handle.
async fn server(args: &DatabaseArgs) -> anyhow::Result<(PgConnectOptions, Option<EmbeddedPostgres>)> {
    Ok(match &args.database_url {
        Some(url) => (parse_url(url.expose())?, None),
        None => {
            let data_dir = args.data_dir.clone().unwrap_or_else(embedded::default_data_dir);
            let cluster = EmbeddedPostgres::start(&data_dir, args.pg_bin.as_deref()).await?;
            (parse_url(&cluster.url("postgres"))?, Some(cluster))
        }
    })
}

/// planbot's sessions run without PostgreSQL's JIT compiler: its queries
/// are short, and a grouped query over many accounts whose row estimates
/// run high (the at-risk list) spent 760 ms of its 900 compiling, against
/// 130 ms of work.
pub fn session_options(options: PgConnectOptions) -> PgConnectOptions {
    options.options([("jit", "off")])
}

/// Connections for `/plan add`'s statements (see
/// [`crate::store::accounts::callers_and_exact`] and
/// [`crate::store::accounts::add_known`]) at most: one per batch in flight
/// (each kind has as many slots; in steady use nearly every add is of the
/// second kind).
pub const HOT_PATH_CONNECTIONS: u32 = 4;

/// A small pool of its own for `/plan add`'s statements, on the same server
/// and session settings as `pool`, whose sessions plan each statement once
/// and reuse the plan (`plan_cache_mode = force_generic_plan`). PostgreSQL
/// would otherwise plan that statement afresh on every execution, because
/// a plan made for the arrays it is given looks cheaper than the general
/// one: about 1 ms of planning for 0.1 ms of work. Only these statements run
/// on it; every other query keeps PostgreSQL's choice. Connections open on
/// first use.
pub fn hot_path_pool(pool: &sqlx::PgPool) -> sqlx::PgPool {
    let options = pool.connect_options().as_ref().clone().options([("plan_cache_mode", "force_generic_plan")]);
    PgPoolOptions::new()
        .max_connections(HOT_PATH_CONNECTIONS)
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(10))
        // No round trip to test a connection before each statement: a
        // connection that broke while idle (the server restarted) fails its
        // statement and is closed, and the batch is asked again one by one.
        // A request whose retry also meets a broken connection is answered
        // with the apology to try again; nothing is half-written, and an
        // item that was in fact added is found as added moments ago, so the
        // caller is asked before it is added twice.
        .test_before_acquire(false)
        .connect_lazy_with(options)
}

fn pool_options(max_connections: u32) -> PgPoolOptions {
    PgPoolOptions::new().max_connections(max_connections.max(2)).min_connections(1).acquire_timeout(Duration::from_secs(10))
}

/// Creates the database `options` points at if it does not exist. Two
/// processes racing here both succeed.
pub async fn ensure_database_exists(options: &PgConnectOptions) -> anyhow::Result<()> {
    let name = options.get_database().unwrap_or("postgres").to_string();
    if name == "postgres" {
        return Ok(());
    }
    let maintenance = options.clone().database("postgres");
    let mut admin = PgConnection::connect_with(&maintenance).await.context("could not connect to PostgreSQL")?;
    scratch::create_database(&mut admin, &name, true).await?;
    admin.close().await.ok();
    Ok(())
}

//! The connection pool, the migrations, the embedded PostgreSQL default, and
//! scratch databases ([`scratch`]).
//!
//! May import: the configuration of the database. Nothing of planbot's own
//! logic; the store and the service build on it.

pub mod embedded;
pub mod scratch;

use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSeverity};
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

/// Connections of their own for `/plan add`'s statements, on the same
/// server and session settings as `pool`, whose sessions plan each statement
/// once and reuse the plan (`plan_cache_mode = force_generic_plan`).
/// PostgreSQL would otherwise plan that statement afresh on every execution,
/// because a plan made for the arrays it is given looks cheaper than the
/// general one: about 1 ms of planning for 0.1 ms of work. Only these
/// statements run on them; every other query keeps PostgreSQL's choice.
///
/// They are kept here rather than in a sqlx pool because that pool tests
/// every connection handed back with a round trip to the server before
/// anyone may use it again (sqlx 0.8 `return_to_pool`, whatever the
/// options): on this path, one extra round trip per statement, which a
/// batch waiting for a connection paid in full, and 6% of the server's
/// CPU under load in a profile (README, "Measurements"). Nothing is tested
/// here, before or after a statement: a connection that broke while idle (the server restarted)
/// fails its statement and is closed with every other idle one, and the
/// batch is asked again one by one on fresh connections. A request whose
/// retry also fails is answered with the apology to try again; nothing is
/// half-written, and an item that was in fact added is found as added
/// moments ago, so the caller is asked before it is added twice.
/// Connections open on first use, close after ten minutes unused and are
/// replaced after thirty, as sqlx's pool does by default.
#[derive(Clone)]
pub struct HotPath {
    inner: std::sync::Arc<HotPathInner>,
}

struct HotPathInner {
    options: PgConnectOptions,
    idle: std::sync::Mutex<Vec<IdleConnection>>,
    slots: std::sync::Arc<tokio::sync::Semaphore>,
}

struct IdleConnection {
    connection: PgConnection,
    opened: Instant,
    since: Instant,
}

/// A connection unused this long is closed rather than used.
const HOT_PATH_IDLE: Duration = Duration::from_secs(10 * 60);
/// A connection this old is closed when handed back.
const HOT_PATH_LIFETIME: Duration = Duration::from_secs(30 * 60);

impl HotPath {
    pub fn new(pool: &sqlx::PgPool) -> Self {
        let options = pool.connect_options().as_ref().clone().options([("plan_cache_mode", "force_generic_plan")]);
        HotPath {
            inner: std::sync::Arc::new(HotPathInner {
                options,
                idle: std::sync::Mutex::default(),
                slots: std::sync::Arc::new(tokio::sync::Semaphore::new(HOT_PATH_CONNECTIONS as usize)),
            }),
        }
    }

    /// A connection for one statement, waiting while all
    /// [`HOT_PATH_CONNECTIONS`] are in use (at most ten seconds). Hand it
    /// back with [`HotConnection::done`]; dropped before that (its
    /// statement cancelled half-way), it is closed.
    pub async fn acquire(&self) -> sqlx::Result<HotConnection> {
        let slot = tokio::time::timeout(Duration::from_secs(10), self.inner.slots.clone().acquire_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
            .map_err(|_| sqlx::Error::PoolClosed)?;
        loop {
            let idle = self.inner.lock_idle().pop();
            match idle {
                Some(idle) if idle.since.elapsed() < HOT_PATH_IDLE => {
                    return Ok(HotConnection { connection: Some(idle.connection), opened: idle.opened, home: self.inner.clone(), _slot: slot });
                }
                Some(stale) => close_quietly(stale.connection),
                None => break,
            }
        }
        let connection = PgConnection::connect_with(&self.inner.options).await?;
        Ok(HotConnection { connection: Some(connection), opened: Instant::now(), home: self.inner.clone(), _slot: slot })
    }
}

impl HotPathInner {
    fn lock_idle(&self) -> std::sync::MutexGuard<'_, Vec<IdleConnection>> {
        self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A connection of [`HotPath`] in use.
pub struct HotConnection {
    connection: Option<PgConnection>,
    opened: Instant,
    home: std::sync::Arc<HotPathInner>,
    _slot: tokio::sync::OwnedSemaphorePermit,
}

impl HotConnection {
    /// Hands the connection back after its statement: kept for the next
    /// when the statement ran or the server refused it (the session is
    /// sound either way), closed with every idle connection after any other
    /// failure, a session the server ended among them (the server or the
    /// network is gone: the idle ones likely are too).
    pub fn done<T>(mut self, result: &sqlx::Result<T>) {
        let Some(connection) = self.connection.take() else { return };
        let sound = match result {
            Ok(_) => true,
            Err(err) => err
                .as_database_error()
                .and_then(|err| err.try_downcast_ref::<sqlx::postgres::PgDatabaseError>())
                .is_some_and(|err| !matches!(err.severity(), PgSeverity::Fatal | PgSeverity::Panic)),
        };
        if !sound {
            drop(connection);
            self.home.lock_idle().clear();
        } else if self.opened.elapsed() < HOT_PATH_LIFETIME {
            self.home.lock_idle().push(IdleConnection { connection, opened: self.opened, since: Instant::now() });
        } else {
            close_quietly(connection);
        }
    }
}

impl std::ops::Deref for HotConnection {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        self.connection.as_ref().expect("in use until done")
    }
}

impl std::ops::DerefMut for HotConnection {
    fn deref_mut(&mut self) -> &mut PgConnection {
        self.connection.as_mut().expect("in use until done")
    }
}

/// Ends a sound session politely, off the caller's path.
fn close_quietly(connection: PgConnection) {
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            let _ = connection.close().await;
        });
    }
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

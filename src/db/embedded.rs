//! planbot's private PostgreSQL cluster, used when no `DATABASE_URL` is configured.
//!
//! planbot does not ship or download PostgreSQL: it drives the server binaries installed on the
//! machine (Debian/Ubuntu: the `postgresql` package, `/usr/lib/postgresql/<major>/bin`).
//!
//! # Design
//!
//! * **Socket only.** The server runs with `listen_addresses=''`, so it opens no TCP port at all:
//!   it cannot collide with another PostgreSQL on 127.0.0.1:5432, and nothing on the network can
//!   reach it. Clients connect through the Unix socket in `<data_dir>/run`. The cluster uses
//!   `trust` authentication (there is no password to keep), so the file permissions *are* the
//!   access control: `run/` and the socket are mode 0700, and `pgdata/` is 0700 as initdb makes it.
//!   `listen_addresses`, `port` and the socket directory are given on the server's command line,
//!   which takes precedence over `postgresql.conf` and `ALTER SYSTEM`, so the cluster cannot be
//!   talked into listening on TCP by configuration.
//! * **Root.** `initdb`, `pg_ctl` and `postgres` refuse to run as root. When planbot runs as root
//!   the binaries run as the `postgres` system user (created by Debian's package): the child
//!   process gets that user's uid/gid (and no supplementary groups) through
//!   [`std::os::unix::process::CommandExt`], which needs neither `runuser`/`su` nor PAM, and
//!   involves no shell. The data directory then belongs to `postgres` (root can still read it).
//!   As any other user, the binaries run as that user. Either way the superuser role is named
//!   `postgres` (`initdb -U postgres`), so URLs look the same everywhere.
//! * **Lock protocol.** See [`EmbeddedPostgres`].
//! * **Durability.** This is real data: `fsync` stays on, initdb syncs its files, and the cluster
//!   is created in `pgdata.init` and renamed to `pgdata` only once initdb succeeded, so an
//!   interrupted first start never leaves a half-made cluster behind (the next start redoes it).
//!
//! Layout of a data directory:
//!
//! ```text
//! <data_dir>/pgdata/        the cluster
//! <data_dir>/run/           Unix socket directory (.s.PGSQL.5432)
//! <data_dir>/postgres.log   server log (moved to postgres.log.1 at a start when over 16 MiB)
//! <data_dir>/planbot.lock   users' lock: shared while an EmbeddedPostgres lives
//! <data_dir>/start.lock     serialises checking, initialising and starting the server
//! ```

use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tracing::{debug, info, warn};

/// The server's port. No TCP socket is opened; the number only names the Unix socket file.
const PORT: u16 = 5432;
const SOCKET_FILE: &str = ".s.PGSQL.5432";
/// `sun_path` in `sockaddr_un` holds 108 bytes, including the terminating NUL.
const MAX_SOCKET_PATH_BYTES: usize = 107;
/// Name of the superuser role in the cluster (`initdb -U`).
const SUPERUSER: &str = "postgres";
/// System user that runs the binaries when planbot runs as root.
const SYSTEM_USER: &str = "postgres";
/// Debian/Ubuntu install each major version under `<this>/<major>/bin`.
const DEBIAN_PG_LIB: &str = "/usr/lib/postgresql";
/// Generous: a start after a crash replays WAL first.
const START_TIMEOUT_SECS: u32 = 120;
const STOP_TIMEOUT_SECS: u32 = 60;
const LOG_TAIL_LINES: usize = 20;
/// How often, and how far apart, `release` tries the users' lock (see there).
const RELEASE_LOCK_ATTEMPTS: u32 = 5;
const RELEASE_LOCK_RETRY: Duration = Duration::from_millis(50);
const LOG_ROTATE_BYTES: u64 = 16 * 1024 * 1024;
/// Server settings besides the socket-only ones. The values must not need shell quoting.
/// 200 connections leave room for several sqlx pools (tests run many at once).
const SERVER_SETTINGS: &[(&str, &str)] = &[
    ("max_connections", "200"),
    ("shared_buffers", "128MB"),
    ("unix_socket_permissions", "0700"),
];
const NOT_FOUND_HELP: &str = "Install them (Debian/Ubuntu: `apt-get install postgresql`), \
     or point PLANBOT_PG_BIN at the directory holding initdb and pg_ctl, \
     or set DATABASE_URL to use an existing server.";

/// A running private PostgreSQL cluster, and this handle's claim on it.
///
/// # Lock protocol
///
/// Several planbot processes (and several tasks of one process, e.g. tests) may use the same
/// data directory at once. Two `flock(2)` locks coordinate them:
///
/// * `planbot.lock`, the *users'* lock: every `EmbeddedPostgres` holds a **shared** lock on it
///   for as long as it lives (the `File` is kept in the struct).
/// * `start.lock`: an **exclusive** lock on it is held while checking whether the server runs,
///   running initdb and starting the server, so exactly one caller does that and the others then
///   find the server running and reuse it.
///
/// [`start`](Self::start) takes the shared users' lock first (waiting only while somebody is
/// stopping the server), then the start lock; it drops the start lock once the server is known
/// to run. [`release`](Self::release) drops its shared lock and then *tries*, without blocking,
/// to lock `planbot.lock` exclusively (a few times within ~200 ms; see there why). If that succeeds, no other handle exists in any process,
/// so it stops the server while holding the lock (a concurrent `start` waits for it, then starts
/// the server afresh). If it fails, someone else still uses the server, which keeps running.
///
/// Why two files rather than one lock that is exclusive while starting and then downgraded to
/// shared: `flock` cannot downgrade atomically, so between the two steps a releasing process could
/// grab the exclusive lock and stop the server that was just started; and after a server crash a
/// process still holding its shared lock would block every restart (a restart would need the
/// exclusive lock). With two locks, starting needs only the start lock and stopping needs every
/// user gone.
///
/// `flock` locks belong to the open file: two handles in one process conflict just as two
/// processes do, and the kernel drops them when a process dies, so a crashed planbot never
/// leaves a stale lock. Rust opens files close-on-exec, so the server does not inherit them.
///
/// Dropping a handle without calling `release` only gives up its shared lock: the server keeps
/// running (even if this was the last user) and the next `start` reuses it.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    cluster: Cluster,
    /// Shared lock on `planbot.lock`, held for this handle's life.
    users_lock: File,
}

impl EmbeddedPostgres {
    /// Starts (or reuses, if already running) the cluster in `data_dir`, creating it on first use.
    ///
    /// The binaries come from `bin_override` (`PLANBOT_PG_BIN`, read with the other settings in
    /// `config.rs`) if given, else from the highest `/usr/lib/postgresql/<major>/bin` (the
    /// cluster's own major version if it exists and is installed), else from `PATH`.
    pub async fn start(data_dir: &Path, bin_override: Option<&Path>) -> Result<Self> {
        let layout = Layout::new(data_dir)?;
        let cluster_major = read_pg_version(&layout.pgdata);
        let path_var = std::env::var_os("PATH");
        let bin_dir = find_bin_dir(
            bin_override,
            Path::new(DEBIAN_PG_LIB),
            path_var.as_deref(),
            cluster_major.as_deref(),
        )?;

        let prepared = layout.clone();
        let run_as = tokio::task::spawn_blocking(move || -> Result<RunAs> {
            let run_as = RunAs::detect()?;
            prepare_dirs(&prepared, &run_as)?;
            Ok(run_as)
        })
        .await
        .context("preparing the data directory panicked")??;

        let cluster = Cluster {
            layout,
            bin_dir,
            run_as,
        };
        let users_lock = acquire_lock(cluster.layout.users_lock.clone(), LockMode::Shared).await?;
        let start_lock =
            acquire_lock(cluster.layout.start_lock.clone(), LockMode::Exclusive).await?;
        cluster.ensure_running().await?;
        drop(start_lock);
        Ok(Self {
            cluster,
            users_lock,
        })
    }

    /// URL for a database in this cluster (the database may not exist yet).
    ///
    /// `postgres://postgres@localhost:5432/<database>?host=<socket dir>`: the `host` parameter,
    /// an absolute path, makes sqlx and libpq connect over the Unix socket; `localhost` is only
    /// there to make a well-formed URL. Both parts are percent-encoded.
    pub fn url(&self, database: &str) -> String {
        url_for(self.cluster.layout.socket_dir_str(), database)
    }

    /// The data directory (absolute).
    pub fn data_dir(&self) -> &Path {
        &self.cluster.layout.data_dir
    }

    /// The directory holding the server's Unix socket.
    pub fn socket_dir(&self) -> &Path {
        &self.cluster.layout.socket_dir
    }

    /// Stops the server if no other planbot process is still using it.
    ///
    /// Close this process's connections first: stopping uses `pg_ctl stop -m fast`, which
    /// disconnects sessions.
    ///
    /// The exclusive lock is tried a few times over ~200 ms before concluding that another
    /// handle exists: a child process that this process forks at that moment (any
    /// `Command::spawn`) holds copies of all its descriptors, lock files included, until it execs,
    /// so a single try could see our own just-dropped lock as another user's.
    pub async fn release(self) -> Result<()> {
        let Self {
            cluster,
            users_lock,
        } = self;
        drop(users_lock);
        let path = cluster.layout.users_lock.clone();
        let exclusive = tokio::task::spawn_blocking(move || -> Result<Option<File>> {
            let file = open_lock_file(&path)?;
            for attempt in 1..=RELEASE_LOCK_ATTEMPTS {
                match file.try_lock() {
                    Ok(()) => return Ok(Some(file)),
                    Err(TryLockError::WouldBlock) if attempt < RELEASE_LOCK_ATTEMPTS => {
                        std::thread::sleep(RELEASE_LOCK_RETRY);
                    }
                    Err(TryLockError::WouldBlock) => {}
                    Err(TryLockError::Error(e)) => {
                        return Err(e)
                            .with_context(|| format!("could not lock {}", path.display()));
                    }
                }
            }
            Ok(None)
        })
        .await
        .context("locking task panicked")??;

        let data_dir = cluster.layout.data_dir.display();
        let Some(_last_user) = exclusive else {
            info!(%data_dir, "private PostgreSQL is still used by another planbot handle; leaving it running");
            return Ok(());
        };
        if cluster.is_running().await? {
            cluster.stop().await
        } else {
            debug!(%data_dir, "private PostgreSQL is not running; nothing to stop");
            Ok(())
        }
    }
}

/// Default data directory when `$PLANBOT_DATA_DIR` is not set (the caller handles that):
/// `/var/lib/planbot` as root, otherwise `$XDG_DATA_HOME/planbot` or `~/.local/share/planbot`
/// (`./planbot-data` if there is no home directory at all).
pub fn default_data_dir() -> PathBuf {
    if effective_uid() == Some(0) {
        return PathBuf::from("/var/lib/planbot");
    }
    // The XDG spec says relative values are invalid and must be ignored.
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
    {
        return xdg.join("planbot");
    }
    match std::env::home_dir().filter(|h| h.is_absolute()) {
        Some(home) => home.join(".local/share/planbot"),
        None => PathBuf::from("planbot-data"),
    }
}

/// Paths of one data directory, all absolute.
#[derive(Debug, Clone)]
struct Layout {
    data_dir: PathBuf,
    pgdata: PathBuf,
    pgdata_init: PathBuf,
    socket_dir: PathBuf,
    log: PathBuf,
    users_lock: PathBuf,
    start_lock: PathBuf,
}

impl Layout {
    /// Validates `data_dir` before anything is created.
    fn new(data_dir: &Path) -> Result<Self> {
        let data_dir = std::path::absolute(data_dir)
            .with_context(|| format!("invalid data directory {}", data_dir.display()))?;
        let Some(text) = data_dir.to_str() else {
            bail!(
                "the data directory {} is not valid UTF-8; choose another one with PLANBOT_DATA_DIR",
                data_dir.display()
            );
        };
        // pg_ctl runs the server through `sh -c` with paths in double quotes, and planbot
        // quotes the socket directory with single quotes; these characters would break that.
        if let Some(c) = text
            .chars()
            .find(|c| matches!(c, '"' | '\'' | '\\' | '$' | '`') || c.is_control())
        {
            bail!(
                "the data directory {text:?} contains {c:?}, which pg_ctl cannot pass to the \
                 server safely; choose another one with PLANBOT_DATA_DIR"
            );
        }
        let socket_dir = data_dir.join("run");
        let socket = socket_dir.join(SOCKET_FILE);
        let len = socket.as_os_str().len();
        if len > MAX_SOCKET_PATH_BYTES {
            bail!(
                "the data directory {text} is too long: PostgreSQL's socket {} would be {len} bytes, \
                 but Unix socket paths are limited to {MAX_SOCKET_PATH_BYTES} bytes. \
                 Set PLANBOT_DATA_DIR to a shorter path (at most {} bytes, e.g. /var/lib/planbot).",
                socket.display(),
                text.len() - (len - MAX_SOCKET_PATH_BYTES),
            );
        }
        Ok(Self {
            pgdata: data_dir.join("pgdata"),
            pgdata_init: data_dir.join("pgdata.init"),
            socket_dir,
            log: data_dir.join("postgres.log"),
            users_lock: data_dir.join("planbot.lock"),
            start_lock: data_dir.join("start.lock"),
            data_dir,
        })
    }

    fn socket_dir_str(&self) -> &str {
        // Checked to be UTF-8 in `new`.
        self.socket_dir.to_str().unwrap_or_default()
    }
}

/// Whose identity the PostgreSQL binaries run under.
#[derive(Debug, Clone)]
enum RunAs {
    /// planbot is not root: run them as ourselves.
    CurrentUser,
    /// planbot is root, which initdb/pg_ctl/postgres refuse: run them as the `postgres` user.
    SystemUser {
        uid: u32,
        gid: u32,
        groups: Vec<u32>,
    },
}

impl RunAs {
    /// The `postgres` user is looked up with `id(1)`, which asks NSS (so it also works when the
    /// user comes from LDAP or systemd-userdb, unlike parsing `/etc/passwd`) without needing
    /// libc bindings; it is run only when planbot is root.
    fn detect() -> Result<Self> {
        if effective_uid() != Some(0) {
            return Ok(Self::CurrentUser);
        }
        Self::system_user(SYSTEM_USER)
    }

    fn system_user(name: &str) -> Result<Self> {
        let id = |flag: &str| -> Result<Vec<u32>> {
            let out = std::process::Command::new("id")
                .args([flag, name])
                .env("LC_ALL", "C")
                .stdin(Stdio::null())
                .output()
                .with_context(|| format!("could not run `id` to look up the {name} user"))?;
            if !out.status.success() {
                bail!(
                    "planbot runs as root, and PostgreSQL refuses to run as root, so the private \
                     cluster has to run as the `{name}` system user, but that user does not \
                     exist (`id {name}`: {}). Install PostgreSQL from the distribution \
                     (Debian/Ubuntu: `apt-get install postgresql` creates the user), run planbot \
                     as a non-root user, or set DATABASE_URL to use an existing server.",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
            }
            String::from_utf8_lossy(&out.stdout)
                .split_whitespace()
                .map(|n| {
                    n.parse()
                        .with_context(|| format!("unexpected output of `id {flag}`"))
                })
                .collect()
        };
        let uid = *id("-u")?.first().context("`id -u` printed nothing")?;
        let gid = *id("-g")?.first().context("`id -g` printed nothing")?;
        let groups = id("-G")?;
        Ok(Self::SystemUser { uid, gid, groups })
    }

    fn apply(&self, cmd: &mut std::process::Command) {
        if let Self::SystemUser { uid, gid, .. } = self {
            // std drops supplementary groups (setgroups(0)) before setuid when run as root.
            cmd.uid(*uid).gid(*gid);
        }
    }
}

/// One data directory together with the binaries and identity used to run it.
#[derive(Debug)]
struct Cluster {
    layout: Layout,
    bin_dir: PathBuf,
    run_as: RunAs,
}

impl Cluster {
    fn std_command(&self, program: &str) -> std::process::Command {
        let mut cmd = std::process::Command::new(self.bin_dir.join(program));
        self.run_as.apply(&mut cmd);
        // The caller's cwd may be unreadable for `postgres` (e.g. /root), which initdb trips on.
        cmd.current_dir(&self.layout.data_dir)
            .env_remove("PGDATA")
            .env_remove("PGPORT")
            .stdin(Stdio::null());
        cmd
    }

    async fn output(&self, program: &str, args: &[&OsStr]) -> Result<Output> {
        let mut cmd = tokio::process::Command::from(self.std_command(program));
        cmd.args(args);
        cmd.output()
            .await
            .with_context(|| format!("could not run {}", self.bin_dir.join(program).display()))
    }

    /// Whether a server runs in this cluster (`pg_ctl status`, guarded against a stale
    /// `postmaster.pid` whose PID now belongs to another process).
    async fn is_running(&self) -> Result<bool> {
        let pgdata = &self.layout.pgdata;
        if !pgdata.join("PG_VERSION").is_file() {
            return Ok(false);
        }
        let out = self
            .output(
                "pg_ctl",
                &["status".as_ref(), "-D".as_ref(), pgdata.as_ref()],
            )
            .await?;
        match out.status.code() {
            Some(0) => {}
            Some(3) => return Ok(false),
            _ => bail!(
                "`pg_ctl status -D {}` failed: {}",
                pgdata.display(),
                describe(&out)
            ),
        }
        match postmaster_pid(pgdata) {
            Some(pid) if postmaster_identity(pid, pgdata) == Identity::Other => {
                warn!(pid, pgdata = %pgdata.display(), "postmaster.pid names a process that is not this cluster's server (stale file after a crash or reboot)");
                Ok(false)
            }
            _ => Ok(true),
        }
    }

    /// Called with the start lock held.
    async fn ensure_running(&self) -> Result<()> {
        let data_dir = self.layout.data_dir.display();
        if self.is_running().await? {
            info!(%data_dir, "reusing the running private PostgreSQL server");
            return self.check_socket().await;
        }
        if self.is_initialised()? {
            self.check_version().await?;
        } else {
            self.initialise().await?;
        }
        self.start_server().await
    }

    fn is_initialised(&self) -> Result<bool> {
        let pgdata = &self.layout.pgdata;
        if pgdata.join("PG_VERSION").is_file() {
            return Ok(true);
        }
        let empty = match fs::read_dir(pgdata) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => {
                return Err(e).with_context(|| format!("could not read {}", pgdata.display()));
            }
            Ok(mut entries) => entries.next().is_none(),
        };
        if empty {
            fs::remove_dir(pgdata)
                .with_context(|| format!("could not remove empty {}", pgdata.display()))?;
            return Ok(false);
        }
        bail!(
            "{} exists but is not a PostgreSQL cluster (it has no PG_VERSION); move it away \
                 or choose another data directory with PLANBOT_DATA_DIR",
            pgdata.display()
        )
    }

    /// Refuses to start an existing cluster with binaries of another major version, which the
    /// server would reject with a less helpful message.
    async fn check_version(&self) -> Result<()> {
        let Some(major) = read_pg_version(&self.layout.pgdata) else {
            return Ok(());
        };
        let out = self.output("pg_ctl", &["--version".as_ref()]).await?;
        // "pg_ctl (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)"
        let text = String::from_utf8_lossy(&out.stdout);
        let version = text.split_whitespace().nth(2).unwrap_or_default();
        let matches = version
            .strip_prefix(major.as_str())
            .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_digit()));
        if !matches {
            bail!(
                "the cluster in {} was created by PostgreSQL {major}, but the binaries in {} are \
                 version {version}. Install PostgreSQL {major} (Debian/Ubuntu: `apt-get install \
                 postgresql-{major}`; planbot then picks /usr/lib/postgresql/{major}/bin), point \
                 PLANBOT_PG_BIN at its bin directory, or upgrade the cluster with pg_upgrade.",
                self.layout.pgdata.display(),
                self.bin_dir.display(),
            );
        }
        Ok(())
    }

    /// Runs initdb in `pgdata.init` and renames it to `pgdata` when done. Start lock held.
    async fn initialise(&self) -> Result<()> {
        let layout = &self.layout;
        if layout.pgdata_init.exists() {
            warn!(path = %layout.pgdata_init.display(), "removing the remains of an interrupted initdb");
            fs::remove_dir_all(&layout.pgdata_init)
                .with_context(|| format!("could not remove {}", layout.pgdata_init.display()))?;
        }
        info!(data_dir = %layout.data_dir.display(), "initialising a private PostgreSQL cluster");
        let started = Instant::now();
        // C.UTF-8: Unicode-aware character classes (upper(), ILIKE) with fast, byte-order
        // collation that never changes under glibc upgrades. Fall back to plain C where missing.
        let mut out = self.initdb("--locale=C.UTF-8").await?;
        if !out.status.success() && describe(&out).contains("locale") {
            warn!("initdb rejected the C.UTF-8 locale; using the C locale");
            if layout.pgdata_init.exists() {
                fs::remove_dir_all(&layout.pgdata_init)?;
            }
            out = self.initdb("--no-locale").await?;
        }
        if !out.status.success() {
            bail!(
                "initdb failed for {}: {}",
                layout.pgdata.display(),
                describe(&out)
            );
        }
        fs::rename(&layout.pgdata_init, &layout.pgdata).with_context(|| {
            format!(
                "could not rename {} to {}",
                layout.pgdata_init.display(),
                layout.pgdata.display()
            )
        })?;
        File::open(&layout.data_dir)
            .and_then(|dir| dir.sync_all())
            .with_context(|| format!("could not sync {}", layout.data_dir.display()))?;
        info!(data_dir = %layout.data_dir.display(), elapsed_ms = started.elapsed().as_millis() as u64, "initialised the private PostgreSQL cluster");
        Ok(())
    }

    async fn initdb(&self, locale: &str) -> Result<Output> {
        let args: [&OsStr; 9] = [
            "-D".as_ref(),
            self.layout.pgdata_init.as_ref(),
            "-U".as_ref(),
            SUPERUSER.as_ref(),
            "-A".as_ref(),
            "trust".as_ref(),
            "-E".as_ref(),
            "UTF8".as_ref(),
            locale.as_ref(),
        ];
        self.output("initdb", &args).await
    }

    /// `-o` for pg_ctl, which hands it to `sh -c`: hence the quoting. The socket directory is in
    /// double quotes for PostgreSQL's list syntax (it may contain spaces or commas) and in single
    /// quotes for the shell; `Layout::new` rejected paths containing either quote.
    fn server_options(&self) -> String {
        let mut options = format!(
            "-c listen_addresses='' -c port={PORT} -c 'unix_socket_directories=\"{}\"'",
            self.layout.socket_dir_str()
        );
        for (name, value) in SERVER_SETTINGS {
            options.push_str(&format!(" -c {name}={value}"));
        }
        options
    }

    /// Starts the server. Start lock held, server not running.
    async fn start_server(&self) -> Result<()> {
        let layout = &self.layout;
        rotate_log(&layout.log);
        self.remove_stale_lock_files()?;
        info!(data_dir = %layout.data_dir.display(), "starting the private PostgreSQL server");
        let started = Instant::now();
        let timeout = START_TIMEOUT_SECS.to_string();
        let options = self.server_options();
        let args: [&OsStr; 10] = [
            "start".as_ref(),
            "-D".as_ref(),
            layout.pgdata.as_ref(),
            "-w".as_ref(),
            "-t".as_ref(),
            timeout.as_ref(),
            "-l".as_ref(),
            layout.log.as_ref(),
            "-o".as_ref(),
            options.as_ref(),
        ];
        let mut attempt = 1;
        loop {
            let log_offset = fs::metadata(&layout.log).map(|m| m.len()).unwrap_or(0);
            let out = self.output("pg_ctl", &args).await?;
            if out.status.success() {
                break;
            }
            let tail = log_tail(&layout.log, log_offset, LOG_TAIL_LINES);
            // After the postmaster was killed, its children may hold the shared memory for a
            // few more moments; the server refuses to start until they have exited.
            if attempt < 20 && tail.contains("pre-existing shared memory block") {
                debug!(
                    attempt,
                    "shared memory of the previous server still in use; retrying"
                );
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(250)).await;
                continue;
            }
            bail!(
                "could not start PostgreSQL in {}: {}\nLast lines of {}:\n{}",
                layout.pgdata.display(),
                describe(&out),
                layout.log.display(),
                tail
            );
        }
        info!(data_dir = %layout.data_dir.display(), elapsed_ms = started.elapsed().as_millis() as u64, "private PostgreSQL server started");
        self.check_socket().await
    }

    /// A stale `postmaster.pid` whose PID now belongs to an unrelated process (typical after a
    /// reboot), or to the unreaped zombie of the killed server (where PID 1 does not reap, e.g.
    /// a container whose init is planbot), makes the server refuse to start; so does such a
    /// `.s.PGSQL.5432.lock` in the socket directory. Remove them, and only them: a file naming a
    /// process that is gone is handled by PostgreSQL itself, and one naming a live server must
    /// stay. (Since PostgreSQL 12 the server also detects leftover backends through the data
    /// directory's shared memory key, so this cannot let two servers share a data directory.)
    fn remove_stale_lock_files(&self) -> Result<()> {
        let pgdata = &self.layout.pgdata;
        let socket_lock = self.layout.socket_dir.join(format!("{SOCKET_FILE}.lock"));
        for file in [pgdata.join("postmaster.pid"), socket_lock] {
            let Some(pid) = lock_file_pid(&file) else {
                continue;
            };
            if process_exists(pid) && postmaster_identity(pid, pgdata) == Identity::Other {
                warn!(pid, file = %file.display(), "removing a stale lock file whose PID belongs to another process");
                fs::remove_file(&file)
                    .with_context(|| format!("could not remove {}", file.display()))?;
            }
        }
        Ok(())
    }

    /// Checks that the socket answers, so a server started by hand with other settings is
    /// reported instead of producing confusing connection errors later.
    async fn check_socket(&self) -> Result<()> {
        let socket = self.layout.socket_dir.join(SOCKET_FILE);
        let probe = socket.clone();
        let answered =
            tokio::task::spawn_blocking(move || std::os::unix::net::UnixStream::connect(probe))
                .await
                .context("socket probe panicked")?;
        if let Err(e) = answered {
            bail!(
                "PostgreSQL runs in {} but does not answer on {} ({e}); it was probably started \
                 by other means. Stop it (`pg_ctl stop -D {}`, as user {SYSTEM_USER} if planbot \
                 runs as root) and start planbot again.",
                self.layout.pgdata.display(),
                socket.display(),
                self.layout.pgdata.display(),
            );
        }
        Ok(())
    }

    /// Stops the server. Exclusive users' lock held.
    async fn stop(&self) -> Result<()> {
        let layout = &self.layout;
        info!(data_dir = %layout.data_dir.display(), "stopping the private PostgreSQL server");
        let started = Instant::now();
        let timeout = STOP_TIMEOUT_SECS.to_string();
        let log_offset = fs::metadata(&layout.log).map(|m| m.len()).unwrap_or(0);
        let args: [&OsStr; 8] = [
            "stop".as_ref(),
            "-D".as_ref(),
            layout.pgdata.as_ref(),
            "-m".as_ref(),
            "fast".as_ref(),
            "-w".as_ref(),
            "-t".as_ref(),
            timeout.as_ref(),
        ];
        let out = self.output("pg_ctl", &args).await?;
        if !out.status.success() {
            bail!(
                "could not stop PostgreSQL in {}: {}\nLast lines of {}:\n{}",
                layout.pgdata.display(),
                describe(&out),
                layout.log.display(),
                log_tail(&layout.log, log_offset, LOG_TAIL_LINES)
            );
        }
        info!(data_dir = %layout.data_dir.display(), elapsed_ms = started.elapsed().as_millis() as u64, "private PostgreSQL server stopped");
        Ok(())
    }
}

/// Creates the directories, hands them to the `postgres` user when running as root, and checks
/// that this user can reach them.
fn prepare_dirs(layout: &Layout, run_as: &RunAs) -> Result<()> {
    let data_dir = &layout.data_dir;
    if let RunAs::SystemUser { uid, gid, groups } = run_as {
        // Before creating anything: can `postgres` reach the part of the parent chain that
        // exists already? (Not the data directory itself: it is handed to `postgres` below, and
        // a concurrent start may just have created it, still root's.)
        let existing = data_dir
            .ancestors()
            .skip(1)
            .find(|dir| dir.exists())
            .unwrap_or(Path::new("/"));
        check_reachable(existing, data_dir, *uid, *gid, groups)?;
    }
    if !data_dir.exists() {
        fs::create_dir_all(data_dir).with_context(|| {
            format!("could not create the data directory {}", data_dir.display())
        })?;
        fs::set_permissions(data_dir, fs::Permissions::from_mode(0o700))
            .with_context(|| format!("could not set permissions of {}", data_dir.display()))?;
    }
    let socket_dir = &layout.socket_dir;
    match fs::DirBuilder::new().mode(0o700).create(socket_dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            // Anyone who can enter this directory is a superuser (trust authentication).
            fs::set_permissions(socket_dir, fs::Permissions::from_mode(0o700)).with_context(
                || format!("could not set permissions of {}", socket_dir.display()),
            )?;
        }
        Err(e) => {
            return Err(e).with_context(|| format!("could not create {}", socket_dir.display()));
        }
    }
    let RunAs::SystemUser { uid, gid, groups } = run_as else {
        return Ok(());
    };
    // What the server writes: the data directory (pgdata.init, then pgdata), the socket
    // directory and the log. The lock files stay root's; root can lock them regardless.
    for path in [data_dir, socket_dir, &layout.log] {
        match std::os::unix::fs::chown(path, Some(*uid), Some(*gid)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound && path == &layout.log => {}
            Err(e) => {
                return Err(e).with_context(|| {
                    format!(
                        "could not hand {} to the {SYSTEM_USER} user",
                        path.display()
                    )
                });
            }
        }
    }
    // Again, for directories just created under a restrictive umask.
    check_reachable(data_dir, data_dir, *uid, *gid, groups)
}

/// Fails early, with the directory to blame, when the `postgres` user cannot enter `dir` (the
/// data directory or its deepest existing ancestor; say, it lies under root's 0700 home). The
/// verdict is the kernel's: `test -x` runs as that user, so ACLs and group memberships count.
/// Only if that cannot run do the mode bits decide.
fn check_reachable(dir: &Path, data_dir: &Path, uid: u32, gid: u32, groups: &[u32]) -> Result<()> {
    let kernel_says = std::process::Command::new("test")
        .arg("-x")
        .arg(dir)
        .uid(uid)
        .gid(gid)
        .current_dir("/")
        .stdin(Stdio::null())
        .status()
        .map(|s| s.success());
    let blocker = || -> Option<PathBuf> {
        let real = fs::canonicalize(dir).ok()?;
        real.ancestors()
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .find(|dir| {
                fs::metadata(dir).is_ok_and(|m| {
                    let bit = if m.uid() == uid {
                        0o100
                    } else if m.gid() == gid || groups.contains(&m.gid()) {
                        0o010
                    } else {
                        0o001
                    };
                    m.mode() & bit == 0
                })
            })
            .map(Path::to_path_buf)
    };
    let reachable = match kernel_says {
        Ok(ok) => ok,
        Err(_) => blocker().is_none(),
    };
    if reachable {
        return Ok(());
    }
    let culprit = match blocker() {
        Some(dir) => {
            let mode = fs::metadata(&dir)
                .map(|m| m.mode() & 0o7777)
                .unwrap_or_default();
            format!(
                ": {} (mode {mode:04o}) does not let it through",
                dir.display()
            )
        }
        None => String::new(),
    };
    bail!(
        "planbot runs as root, so its private PostgreSQL runs as the `{SYSTEM_USER}` user, which \
         cannot reach the data directory {}{culprit}. Set PLANBOT_DATA_DIR to a directory outside \
         it (the default as root is /var/lib/planbot), or let `{SYSTEM_USER}` through (chmod o+x).",
        data_dir.display()
    )
}

/// Where the server binaries are: `bin_override` (from `$PLANBOT_PG_BIN`) if given; else the
/// cluster's own major version under `lib_root` if installed, else the highest one there; else
/// the first `PATH` entry with both `initdb` and `pg_ctl`.
fn find_bin_dir(
    bin_override: Option<&Path>,
    lib_root: &Path,
    path_var: Option<&OsStr>,
    cluster_major: Option<&str>,
) -> Result<PathBuf> {
    if let Some(dir) = bin_override {
        if has_server_binaries(dir) {
            return Ok(dir.to_path_buf());
        }
        bail!(
            "PostgreSQL server binaries were not found: PLANBOT_PG_BIN is {}, which holds no \
             executable initdb and pg_ctl. {NOT_FOUND_HELP}",
            dir.display()
        );
    }
    let mut installed: Vec<(Vec<u32>, String, PathBuf)> = fs::read_dir(lib_root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_str()?.to_owned();
            let key = name
                .split('.')
                .map(|part| part.parse::<u32>().ok())
                .collect::<Option<Vec<u32>>>()?;
            let bin = entry.path().join("bin");
            has_server_binaries(&bin).then_some((key, name, bin))
        })
        .collect();
    installed.sort();
    if let Some(major) = cluster_major
        && let Some((_, _, bin)) = installed.iter().find(|(_, name, _)| name == major)
    {
        return Ok(bin.clone());
    }
    if let Some((_, _, bin)) = installed.pop() {
        return Ok(bin);
    }
    if let Some(dir) = path_var
        .into_iter()
        .flat_map(std::env::split_paths)
        .find(|dir| dir.is_absolute() && has_server_binaries(dir))
    {
        return Ok(dir);
    }
    bail!("PostgreSQL server binaries were not found. {NOT_FOUND_HELP}")
}

fn has_server_binaries(dir: &Path) -> bool {
    ["initdb", "pg_ctl"].iter().all(|name| {
        fs::metadata(dir.join(name)).is_ok_and(|m| m.is_file() && m.mode() & 0o111 != 0)
    })
}

/// The cluster's major version (`PG_VERSION`), if it exists.
fn read_pg_version(pgdata: &Path) -> Option<String> {
    let text = fs::read_to_string(pgdata.join("PG_VERSION")).ok()?;
    Some(text.trim().to_owned()).filter(|v| !v.is_empty())
}

/// The PID in `postmaster.pid`, if any.
fn postmaster_pid(pgdata: &Path) -> Option<u32> {
    lock_file_pid(&pgdata.join("postmaster.pid"))
}

/// The PID on the first line of a PostgreSQL lock file.
fn lock_file_pid(file: &Path) -> Option<u32> {
    let text = fs::read_to_string(file).ok()?;
    text.lines().next()?.trim().parse().ok()
}

fn process_exists(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[derive(Debug, PartialEq, Eq)]
enum Identity {
    /// The process is this cluster's postmaster.
    Ours,
    /// It is gone, a zombie, or something else.
    Other,
    /// We cannot tell (no /proc, or not allowed to look): trust pg_ctl.
    Unknown,
}

/// Whether `pid` is the postmaster of `pgdata`, judged from /proc: the postmaster's working
/// directory is its data directory, and its command line (never rewritten, unlike its
/// children's) holds `-D <pgdata>` as pg_ctl passed it.
fn postmaster_identity(pid: u32, pgdata: &Path) -> Identity {
    if !Path::new("/proc/self").exists() {
        return Identity::Unknown;
    }
    let proc_dir = PathBuf::from(format!("/proc/{pid}"));
    if !proc_dir.exists() {
        return Identity::Other;
    }
    // A killed server that its parent has not reaped yet: dead, though `kill(pid, 0)`, and so
    // `pg_ctl status`, still sees it.
    if let Ok(stat) = fs::read_to_string(proc_dir.join("stat"))
        && let Some((_, after_comm)) = stat.rsplit_once(')')
        && matches!(after_comm.trim_start().chars().next(), Some('Z' | 'X'))
    {
        return Identity::Other;
    }
    // Readable for our own processes, and for root unless it lacks CAP_SYS_PTRACE.
    if let Ok(cwd) = fs::read_link(proc_dir.join("cwd")) {
        let ours = fs::canonicalize(pgdata).is_ok_and(|p| p == cwd);
        return if ours {
            Identity::Ours
        } else {
            Identity::Other
        };
    }
    if let Ok(cmdline) = fs::read(proc_dir.join("cmdline")) {
        let wanted = pgdata.as_os_str().as_encoded_bytes();
        if cmdline.split(|b| *b == 0).any(|arg| arg == wanted) {
            return Identity::Ours;
        }
    }
    match fs::read_to_string(proc_dir.join("comm")) {
        Ok(comm) if comm.trim() != "postgres" => Identity::Other,
        _ => Identity::Unknown,
    }
}

/// The effective uid, from /proc/self/status, or `id -u` where there is no /proc.
fn effective_uid() -> Option<u32> {
    if let Ok(status) = fs::read_to_string("/proc/self/status") {
        // "Uid:\treal\teffective\tsaved\tfs"
        if let Some(line) = status.lines().find(|l| l.starts_with("Uid:")) {
            return line.split_whitespace().nth(2)?.parse().ok();
        }
    }
    let out = std::process::Command::new("id").arg("-u").output().ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

#[derive(Debug, Clone, Copy)]
enum LockMode {
    Shared,
    Exclusive,
}

fn open_lock_file(path: &Path) -> Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("could not open the lock file {}", path.display()))
}

/// Opens `path` and locks it, waiting as long as needed (on a blocking thread).
async fn acquire_lock(path: PathBuf, mode: LockMode) -> Result<File> {
    tokio::task::spawn_blocking(move || -> Result<File> {
        let file = open_lock_file(&path)?;
        let attempt = match mode {
            LockMode::Shared => file.try_lock_shared(),
            LockMode::Exclusive => file.try_lock(),
        };
        match attempt {
            Ok(()) => return Ok(file),
            Err(TryLockError::WouldBlock) => {
                debug!(lock = %path.display(), ?mode, "waiting for another planbot handle to finish starting or stopping PostgreSQL");
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("could not lock {}", path.display()));
            }
        }
        match mode {
            LockMode::Shared => file.lock_shared(),
            LockMode::Exclusive => file.lock(),
        }
        .with_context(|| format!("could not lock {}", path.display()))?;
        Ok(file)
    })
    .await
    .context("locking task panicked")?
}

/// Keeps the log from growing forever: at a start, a log over 16 MiB becomes `postgres.log.1`.
fn rotate_log(log: &Path) {
    if fs::metadata(log).is_ok_and(|m| m.len() > LOG_ROTATE_BYTES) {
        let old = log.with_extension("log.1");
        if let Err(e) = fs::rename(log, &old) {
            warn!(log = %log.display(), error = %e, "could not rotate the PostgreSQL log");
        }
    }
}

/// The last `lines` lines written to `log` after byte `offset` (at most the last 64 KiB).
fn log_tail(log: &Path, offset: u64, lines: usize) -> String {
    let read = || -> io::Result<String> {
        let mut file = File::open(log)?;
        let len = file.metadata()?.len();
        let from = offset.min(len).max(len.saturating_sub(64 * 1024));
        file.seek(SeekFrom::Start(from))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    };
    match read() {
        Ok(text) => {
            let all: Vec<&str> = text.lines().collect();
            let tail = all[all.len().saturating_sub(lines)..].join("\n");
            if tail.trim().is_empty() {
                "(nothing new in the log)".to_owned()
            } else {
                tail
            }
        }
        Err(e) => format!("(could not read the log: {e})"),
    }
}

/// See [`EmbeddedPostgres::url`].
fn url_for(socket_dir: &str, database: &str) -> String {
    format!(
        "postgres://{SUPERUSER}@localhost:{PORT}/{}?host={}",
        percent_encode(database, false),
        percent_encode(socket_dir, true),
    )
}

/// A command's exit status and output, for error messages.
fn describe(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let text = [stdout.trim(), stderr.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    format!("{}\n{text}", out.status)
}

/// Percent-encodes everything but unreserved characters (and `/` if `keep_slash`), so the value
/// survives both URL and form decoding (a `+` would otherwise turn into a space).
fn percent_encode(text: &str, keep_slash: bool) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~')
            || (keep_slash && byte == b'/')
        {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection as _;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh directory under /tmp; on drop it stops any server left in it (so a failing test
    /// leaves nothing running) and removes it.
    struct TestDir {
        path: PathBuf,
    }

    impl TestDir {
        fn new(tag: &str) -> Self {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, Ordering::SeqCst);
            let path = PathBuf::from(format!("/tmp/planbot-emb-{}-{n}-{tag}", std::process::id()));
            let _ = fs::remove_dir_all(&path);
            fs::create_dir_all(&path).unwrap();
            Self { path }
        }

        fn data(&self) -> PathBuf {
            self.path.join("data")
        }
    }

    impl Drop for TestDir {
        fn drop(&mut self) {
            if let Some(cluster) = test_cluster(&self.data())
                && cluster.layout.pgdata.join("postmaster.pid").exists()
            {
                let _ = cluster
                    .std_command("pg_ctl")
                    .args(["stop", "-m", "immediate", "-w", "-D"])
                    .arg(&cluster.layout.pgdata)
                    .output();
            }
            let _ = fs::remove_dir_all(&self.path);
        }
    }

    fn test_cluster(data_dir: &Path) -> Option<Cluster> {
        Some(Cluster {
            layout: Layout::new(data_dir).ok()?,
            bin_dir: system_bin_dir()?,
            run_as: RunAs::detect().ok()?,
        })
    }

    fn system_bin_dir() -> Option<PathBuf> {
        let path = std::env::var_os("PATH");
        find_bin_dir(None, Path::new(DEBIAN_PG_LIB), path.as_deref(), None).ok()
    }

    /// planbot's tests need PostgreSQL's server binaries (CI installs them);
    /// without them these tests fail rather than pass without checking anything.
    fn have_postgres() -> bool {
        assert!(
            system_bin_dir().is_some(),
            "no PostgreSQL server binaries on this machine: install them (apt-get install postgresql)"
        );
        true
    }

    async fn psql(pg: &EmbeddedPostgres, database: &str, sql: &str) -> Result<String> {
        let local = pg.cluster.bin_dir.join("psql");
        let program = if local.exists() {
            local
        } else {
            PathBuf::from("psql")
        };
        let out = tokio::process::Command::new(program)
            .arg(pg.url(database))
            .args(["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
            .output()
            .await?;
        if !out.status.success() {
            bail!("psql failed: {}", describe(&out));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    fn server_pid(data_dir: &Path) -> Option<u32> {
        postmaster_pid(&data_dir.join("pgdata"))
    }

    async fn running(data_dir: &Path) -> bool {
        test_cluster(data_dir).unwrap().is_running().await.unwrap()
    }

    /// Waits until the killed postmaster is dead: gone, or a zombie not reaped yet (which is
    /// deliberately not waited for; a restart must cope with it).
    async fn wait_until_dead(pid: u32, data_dir: &Path) {
        for _ in 0..200 {
            if postmaster_identity(pid, &data_dir.join("pgdata")) == Identity::Other {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("process {pid} did not die");
    }

    #[tokio::test]
    async fn first_start_initialises_and_serves_queries() {
        if !have_postgres() {
            return;
        }
        let dir = TestDir::new("first");
        // Remains of an initdb that was interrupted must not get in the way.
        fs::create_dir_all(dir.data().join("pgdata.init/base")).unwrap();

        let started = Instant::now();
        let pg = EmbeddedPostgres::start(&dir.data(), None).await.unwrap();
        eprintln!("first start (initdb + start): {:?}", started.elapsed());
        assert!(!dir.data().join("pgdata.init").exists());
        assert!(read_pg_version(&dir.data().join("pgdata")).is_some());

        assert_eq!(psql(&pg, "postgres", "select 1").await.unwrap(), "1");
        // Socket only, and the superuser role is `postgres`.
        assert_eq!(
            psql(&pg, "postgres", "show listen_addresses")
                .await
                .unwrap(),
            ""
        );
        assert_eq!(
            psql(&pg, "postgres", "select current_user").await.unwrap(),
            "postgres"
        );
        assert_eq!(
            psql(&pg, "postgres", "show server_encoding").await.unwrap(),
            "UTF8"
        );
        assert_eq!(psql(&pg, "postgres", "show fsync").await.unwrap(), "on");

        // The URL works with sqlx too, also for a database created afterwards.
        let mut conn = sqlx::PgConnection::connect(&pg.url("postgres"))
            .await
            .unwrap();
        let one: i32 = sqlx::query_scalar("select 1")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(one, 1);
        sqlx::query("create database \"planbot test+1\"")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        let mut conn = sqlx::PgConnection::connect(&pg.url("planbot test+1"))
            .await
            .unwrap();
        let name: String = sqlx::query_scalar("select current_database()")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(name, "planbot test+1");
        conn.close().await.unwrap();

        let data_dir = pg.data_dir().to_path_buf();
        pg.release().await.unwrap();
        assert!(
            !running(&data_dir).await,
            "the only user released: the server must stop"
        );
    }

    #[tokio::test]
    async fn second_start_reuses_and_the_last_release_stops() {
        if !have_postgres() {
            return;
        }
        let dir = TestDir::new("reuse");
        let first = EmbeddedPostgres::start(&dir.data(), None).await.unwrap();
        let pid = server_pid(&dir.data()).unwrap();

        let started = Instant::now();
        let second = EmbeddedPostgres::start(&dir.data(), None).await.unwrap();
        eprintln!("second start (reuse): {:?}", started.elapsed());
        assert_eq!(
            server_pid(&dir.data()),
            Some(pid),
            "the running server must be reused"
        );
        assert_eq!(first.url("x"), second.url("x"));

        first.release().await.unwrap();
        assert!(running(&dir.data()).await, "still in use by `second`");
        assert_eq!(psql(&second, "postgres", "select 2").await.unwrap(), "2");

        second.release().await.unwrap();
        assert!(!running(&dir.data()).await);
        assert!(server_pid(&dir.data()).is_none());

        // And it comes back.
        let third = EmbeddedPostgres::start(&dir.data(), None).await.unwrap();
        assert_eq!(psql(&third, "postgres", "select 3").await.unwrap(), "3");
        third.release().await.unwrap();
        assert!(!running(&dir.data()).await);
    }

    #[tokio::test]
    async fn drop_without_release_leaves_the_server_running() {
        if !have_postgres() {
            return;
        }
        let dir = TestDir::new("drop");
        let pg = EmbeddedPostgres::start(&dir.data(), None).await.unwrap();
        let pid = server_pid(&dir.data()).unwrap();
        drop(pg);
        assert!(running(&dir.data()).await);
        let pg = EmbeddedPostgres::start(&dir.data(), None).await.unwrap();
        assert_eq!(server_pid(&dir.data()), Some(pid));
        pg.release().await.unwrap();
        assert!(!running(&dir.data()).await);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_starts_in_one_process_share_one_server() {
        if !have_postgres() {
            return;
        }
        // A space in the path exercises the quoting for pg_ctl and the URL encoding.
        let dir = TestDir::new("con current");
        let data = dir.data();
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let data = data.clone();
                tokio::spawn(async move {
                    let pg = EmbeddedPostgres::start(&data, None).await?;
                    let got = psql(&pg, "postgres", &format!("select {i}")).await?;
                    anyhow::ensure!(got == i.to_string(), "task {i} got {got}");
                    Ok(pg)
                })
            })
            .collect();
        let mut handles = Vec::new();
        for task in tasks {
            handles.push(task.await.unwrap().unwrap());
        }
        assert!(running(&data).await);
        let pid = server_pid(&data).unwrap();

        let last = handles.pop().unwrap();
        let releases: Vec<_> = handles
            .into_iter()
            .map(|pg| tokio::spawn(pg.release()))
            .collect();
        for r in releases {
            r.await.unwrap().unwrap();
        }
        assert_eq!(
            server_pid(&data),
            Some(pid),
            "one handle is left: still running"
        );
        last.release().await.unwrap();
        assert!(!running(&data).await);
    }

    /// Run by `concurrent_starts_across_processes` as a child process.
    #[tokio::test]
    #[ignore = "helper run as a child process by concurrent_starts_across_processes"]
    async fn child_process_start_query_release() {
        let Some(data) = std::env::var_os("PLANBOT_EMBEDDED_TEST_CHILD_DIR") else {
            return;
        };
        let pg = EmbeddedPostgres::start(Path::new(&data), None).await.unwrap();
        assert_eq!(psql(&pg, "postgres", "select 42").await.unwrap(), "42");
        pg.release().await.unwrap();
    }

    #[tokio::test]
    async fn concurrent_starts_across_processes() {
        if !have_postgres() {
            return;
        }
        let dir = TestDir::new("procs");
        let data = dir.data();
        let test_name = format!(
            "{}::child_process_start_query_release",
            module_path!()
                .split_once("::")
                .map_or(module_path!(), |(_, rest)| rest)
        );
        let children: Vec<_> = (0..3)
            .map(|_| {
                tokio::process::Command::new(std::env::current_exe().unwrap())
                    .args(["--ignored", "--exact", &test_name, "--test-threads=1", "-q"])
                    .env("PLANBOT_EMBEDDED_TEST_CHILD_DIR", &data)
                    .output()
            })
            .collect();
        let pg = EmbeddedPostgres::start(&data, None).await.unwrap();
        for child in children {
            let out = child.await.unwrap();
            assert!(out.status.success(), "child failed: {}", describe(&out));
            assert!(
                String::from_utf8_lossy(&out.stdout).contains("1 passed"),
                "{}",
                describe(&out)
            );
        }
        // The children released while this process still held its handle.
        assert!(running(&data).await);
        assert_eq!(psql(&pg, "postgres", "select 7").await.unwrap(), "7");
        pg.release().await.unwrap();
        assert!(!running(&data).await);
    }

    #[tokio::test]
    async fn restarts_after_the_server_was_killed() {
        if !have_postgres() {
            return;
        }
        let dir = TestDir::new("crash");
        let survivor = EmbeddedPostgres::start(&dir.data(), None).await.unwrap();
        psql(
            &survivor,
            "postgres",
            "create table t (n int); insert into t values (1)",
        )
        .await
        .unwrap();
        let pid = server_pid(&dir.data()).unwrap();
        let killed = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        wait_until_dead(pid, &dir.data()).await;
        assert!(
            dir.data().join("pgdata/postmaster.pid").exists(),
            "stale pid file expected"
        );
        assert!(!running(&dir.data()).await);

        // `survivor` still holds its shared lock: restarting must not wait for it.
        let started = Instant::now();
        let pg = tokio::time::timeout(
            Duration::from_secs(60),
            EmbeddedPostgres::start(&dir.data(), None),
        )
        .await
        .expect("restart blocked")
        .unwrap();
        eprintln!(
            "start after kill -9 (crash recovery): {:?}",
            started.elapsed()
        );
        assert_ne!(server_pid(&dir.data()), Some(pid));
        assert_eq!(psql(&pg, "postgres", "select n from t").await.unwrap(), "1");
        assert_eq!(psql(&survivor, "postgres", "select 1").await.unwrap(), "1");

        survivor.release().await.unwrap();
        assert!(running(&dir.data()).await);
        pg.release().await.unwrap();
        assert!(!running(&dir.data()).await);
    }

    #[tokio::test]
    async fn stale_pid_file_naming_another_process_is_handled() {
        if !have_postgres() {
            return;
        }
        let dir = TestDir::new("stalepid");
        let pg = EmbeddedPostgres::start(&dir.data(), None).await.unwrap();
        let pid = server_pid(&dir.data()).unwrap();
        let pid_file = dir.data().join("pgdata/postmaster.pid");
        let socket_lock = dir.data().join("run/.s.PGSQL.5432.lock");
        std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .unwrap();
        wait_until_dead(pid, &dir.data()).await;
        drop(pg);
        // As after a reboot: the PID in the lock files now belongs to some other live process.
        let other = std::process::id();
        for file in [&pid_file, &socket_lock] {
            let contents = fs::read_to_string(file).unwrap();
            let (_, rest) = contents.split_once('\n').unwrap();
            fs::write(file, format!("{other}\n{rest}")).unwrap();
        }

        let pg = EmbeddedPostgres::start(&dir.data(), None).await.unwrap();
        assert_eq!(psql(&pg, "postgres", "select 1").await.unwrap(), "1");
        pg.release().await.unwrap();
        assert!(!running(&dir.data()).await);
    }

    #[tokio::test]
    async fn too_long_socket_path_is_refused() {
        let base = PathBuf::from(format!("/tmp/planbot-emb-{}-long", std::process::id()));
        let data = base.join("a".repeat(100));
        let err = EmbeddedPostgres::start(&data, None)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("Unix socket paths are limited to 107 bytes"),
            "{err}"
        );
        assert!(err.contains("PLANBOT_DATA_DIR"), "{err}");
        assert!(!base.exists(), "nothing may be created");

        // The longest accepted path is accepted by the check.
        let fits = "/tmp/".to_owned()
            + &"b".repeat(MAX_SOCKET_PATH_BYTES - 5 - "/run/.s.PGSQL.5432".len());
        assert!(Layout::new(Path::new(&fits)).is_ok());
        assert!(Layout::new(Path::new(&(fits + "b"))).is_err());
    }

    #[tokio::test]
    async fn unsafe_characters_are_refused() {
        let err = EmbeddedPostgres::start(Path::new("/tmp/plan\"bot"), None)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("PLANBOT_DATA_DIR"), "{err}");
    }

    #[tokio::test]
    async fn missing_binaries_give_the_install_message() {
        let dir = TestDir::new("nobin");
        let empty = dir.path.join("bin");
        fs::create_dir_all(&empty).unwrap();
        let err = EmbeddedPostgres::start(&dir.data(), Some(&empty))
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("PostgreSQL server binaries were not found"),
            "{err}"
        );
        assert!(err.contains("apt-get install postgresql"), "{err}");
        assert!(err.contains("PLANBOT_PG_BIN"), "{err}");
        assert!(err.contains("DATABASE_URL"), "{err}");
        assert!(!dir.data().exists(), "nothing may be created");

        // Nothing under the Debian directory and nothing on PATH.
        let err = find_bin_dir(None, &empty, Some(empty.as_os_str()), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("PostgreSQL server binaries were not found. {NOT_FOUND_HELP}")
        );
    }

    #[test]
    fn binary_discovery_prefers_the_clusters_version_then_the_highest() {
        let dir = TestDir::new("discover");
        let fake = |sub: &str, names: &[&str]| {
            let bin = dir.path.join(sub);
            fs::create_dir_all(&bin).unwrap();
            for name in names {
                let file = bin.join(name);
                fs::write(&file, "#!/bin/sh\n").unwrap();
                fs::set_permissions(&file, fs::Permissions::from_mode(0o755)).unwrap();
            }
            bin
        };
        let lib = dir.path.join("lib");
        let v9 = fake("lib/9.6/bin", &["initdb", "pg_ctl"]);
        let v15 = fake("lib/15/bin", &["initdb", "pg_ctl"]);
        fake("lib/17/bin", &["pg_ctl"]); // incomplete: ignored
        fake("lib/notaversion/bin", &["initdb", "pg_ctl"]);
        let on_path = fake("path", &["initdb", "pg_ctl"]);
        let path = on_path.as_os_str();

        assert_eq!(find_bin_dir(None, &lib, Some(path), None).unwrap(), v15);
        assert_eq!(
            find_bin_dir(None, &lib, Some(path), Some("9.6")).unwrap(),
            v9
        );
        assert_eq!(
            find_bin_dir(None, &lib, Some(path), Some("14")).unwrap(),
            v15
        );
        assert_eq!(find_bin_dir(Some(&v9), &lib, Some(path), None).unwrap(), v9);
        let nowhere = dir.path.join("nowhere");
        assert_eq!(
            find_bin_dir(None, &nowhere, Some(path), None).unwrap(),
            on_path
        );
    }

    #[tokio::test]
    async fn unreachable_data_dir_is_refused_when_root() {
        if effective_uid() != Some(0) || !have_postgres() {
            return;
        }
        let dir = TestDir::new("private");
        let private = dir.path.join("private");
        fs::create_dir_all(&private).unwrap();
        fs::set_permissions(&private, fs::Permissions::from_mode(0o700)).unwrap();
        let err = EmbeddedPostgres::start(&private.join("data"), None)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("cannot reach the data directory"), "{err}");
        assert!(
            err.contains(&format!("{} (mode 0700)", private.display())),
            "{err}"
        );
        assert!(err.contains("PLANBOT_DATA_DIR"), "{err}");
        assert!(!private.join("data").exists(), "nothing may be created");
    }

    #[test]
    fn missing_system_user_is_explained() {
        let err = RunAs::system_user("planbot-no-such-user")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`planbot-no-such-user` system user, but that user does not exist"),
            "{err}"
        );
        assert!(err.contains("apt-get install postgresql"), "{err}");
        assert!(matches!(
            RunAs::system_user("root").unwrap(),
            RunAs::SystemUser { uid: 0, gid: 0, .. }
        ));
    }

    #[test]
    fn url_encodes_the_socket_dir_and_database() {
        let layout = Layout::new(Path::new("/srv/plan bot+1")).unwrap();
        let pg_url = |db: &str| url_for(layout.socket_dir_str(), db);
        assert_eq!(
            pg_url("planbot"),
            "postgres://postgres@localhost:5432/planbot?host=/srv/plan%20bot%2B1/run"
        );
        assert_eq!(
            pg_url("a/b c"),
            "postgres://postgres@localhost:5432/a%2Fb%20c?host=/srv/plan%20bot%2B1/run"
        );
    }

    #[test]
    fn default_data_dir_is_absolute_or_local() {
        let dir = default_data_dir();
        if effective_uid() == Some(0) {
            assert_eq!(dir, PathBuf::from("/var/lib/planbot"));
        } else {
            assert!(dir.ends_with("planbot") || dir == Path::new("planbot-data"));
        }
    }
}

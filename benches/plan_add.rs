//! Load on the hot path: signed `/plan add` requests against `planbot serve`
//! running as its own process (release build), with PostgreSQL and this
//! load generator on the same machine. Each request is verified, parsed,
//! its account found by name, the item and its audit row written, and the
//! reply returned.
//!
//!     cargo bench --bench plan_add
//!
//! Uses `DATABASE_URL`'s server (default: PostgreSQL on 127.0.0.1:5432 when
//! it answers, else planbot's embedded cluster), in a database
//! `planbot_bench_load` it creates afresh. First, side by side in the same
//! run, PostgreSQL alone through pgbench (when installed; 32 clients, as
//! many requests as answered, then 500 per second): a plain one-row insert
//! (the ceiling) and planbot's own statements for one request replayed:
//! a caller's first add (who asks, the account they may see by that name,
//! the item) and the short statement of every later add to that account
//! (see `app::known`).
//! Then planbot: an open loop, as Slack sends, at 500 requests per second
//! (latency in steady use); as many requests as `BENCH_CONCURRENCY`
//! (default 32, as pgbench's clients) keep-alive connections in a closed
//! loop get answered (throughput), and how many adds the server wrote to a
//! statement meanwhile (its `/metrics`); pgbench replaying the server's
//! statement with that many adds to a statement, at as many clients as the
//! server runs statements at once (the write path under load), and the
//! plain insert again right after it, on tables grown as much; an open
//! loop at 5,000 per second (is that rate sustained?). A table of these
//! and their ratios follows.
//! The open loops use as many connections as there are clients.
//! `BENCH_SECONDS` (default 10) sets each phase's length;
//! with `BENCH_SLOW` set, every open-loop request slower than 10 ms is
//! printed with when it was due, to find what stalls.
//!
//! Overload (a load script, not a test): `BENCH_OVERLOAD=3000` opens that
//! many connections at once, each sending `/plan add` as fast as it is
//! answered, far beyond capacity, and prints how many were answered, how
//! many shed (503), the server's peak memory, and how `/healthz` answered
//! meanwhile. `BENCH_ONLY_OVERLOAD` skips the other phases.
//!
//! Bolt for JavaScript (`benches/bolt`, versions pinned) answers the same
//! requests after one plain insert, beside planbot in the same run, when
//! Node.js is installed (its packages installed with `npm ci` the first
//! time); `BENCH_NO_BOLT` leaves it out. planbot runs with one worker
//! thread (`TOKIO_WORKER_THREADS=1`), leaving the other core to PostgreSQL;
//! `BENCH_PLANBOT_THREADS` sets another count. `BENCH_KEEP_DB` keeps the scratch
//! database afterwards, to replay statements against it.

mod support;

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const SECRET: &str = "bench-signing-secret";
const TEAM: &str = "T0BENCH";
const ACCOUNTS: usize = 1000;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Resident and peak memory of a process, in MiB, from /proc.
fn memory_mib(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
            .unwrap_or(f64::NAN)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU time a process has used so far, in seconds (user and system; the
/// kernel counts it in ticks of 1/100 s on Linux).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(f64::NAN);
    (ticks(11) + ticks(12)) / 100.0
}

/// The whole machine's busy and total CPU time so far, in ticks.
fn machine_ticks() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let counts: Vec<f64> = stat.lines().next().unwrap_or("").split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
    let total: f64 = counts.iter().sum();
    let idle = counts.get(3).copied().unwrap_or(0.0) + counts.get(4).copied().unwrap_or(0.0);
    (total - idle, total)
}

/// Runs the closed loop and says what CPU the server (`pid`), this load
/// generator and the whole machine spent on it: is the server or the
/// database the limit?
async fn closed_loop_measured(load: &Load, next: &AtomicUsize, concurrency: usize, seconds: u64, pid: u32) -> anyhow::Result<f64> {
    let (cpu, (busy, total)) = (cpu_seconds(pid), machine_ticks());
    let own = cpu_seconds(std::process::id());
    let tps = closed_loop(load, next, concurrency, seconds).await?;
    let (cpu_after, (busy_after, total_after)) = (cpu_seconds(pid), machine_ticks());
    let own_after = cpu_seconds(std::process::id());
    let per_request = |seconds_of_cpu: f64| seconds_of_cpu * 1e6 / (tps * seconds as f64);
    println!(
        "  the server used {:.0} µs of CPU per request, this load generator {:.0} µs; the machine was {:.0}% busy",
        per_request(cpu_after - cpu),
        per_request(own_after - own),
        100.0 * (busy_after - busy) / (total_after - total)
    );
    Ok(tps)
}

/// From the server's `/metrics`: the statements that wrote remembered adds
/// so far, and the adds they carried (`app::batch`).
async fn remembered_batches(client: &reqwest::Client, base: &str) -> anyhow::Result<(f64, f64)> {
    let metrics = client.get(format!("{base}/metrics")).send().await?.text().await?;
    let count = |name: &str| {
        let prefix = format!("{name}{{batcher=\"remembered_adds\"}} ");
        metrics.lines().find_map(|line| line.strip_prefix(prefix.as_str())?.trim().parse::<f64>().ok()).unwrap_or(0.0)
    };
    Ok((count("planbot_batches_total"), count("planbot_batched_requests_total")))
}

/// A pool of ready-signed `/plan add` bodies (signing is the client's work, not the server's).
fn signed_requests(count: usize, timestamp: i64) -> Vec<(String, String)> {
    (0..count)
        .map(|i| {
            let account = i % ACCOUNTS;
            let text = format!("add Account {account}: Follow up on workstream {i} due 2027-01-15");
            let body = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("team_id", TEAM)
                .append_pair("channel_id", &format!("D{account:08}"))
                .append_pair("user_id", &format!("U{account:08}"))
                .append_pair("command", "/plan")
                .append_pair("text", &text)
                .append_pair("response_url", "http://127.0.0.1:9/respond")
                .append_pair("trigger_id", "bench")
                .finish();
            let signature = planbot::slack::verify::sign(SECRET, timestamp, body.as_bytes());
            (body, signature)
        })
        .collect()
}

async fn send(client: &reqwest::Client, url: &str, timestamp: &str, (body, signature): &(String, String)) -> bool {
    let response = client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", timestamp)
        .header("x-slack-signature", signature)
        .body(body.clone())
        .send()
        .await;
    let (added, what) = match response {
        Ok(r) => {
            let status = r.status();
            match r.text().await {
                Ok(text) if status == 200 && text.contains("Added") => (true, String::new()),
                // Past its 2.5 s budget the server acks with nothing and
                // answers through the response_url, as Slack expects.
                Ok(text) if status == 200 && text.is_empty() => (false, "an empty ack (the answer went to the response_url: over the server's 2.5 s budget)".into()),
                Ok(text) => (false, format!("{status}: {}", text.chars().take(300).collect::<String>())),
                Err(err) => (false, format!("{status}, then {err}")),
            }
        }
        Err(err) => (false, err.to_string()),
    };
    // The first few requests not answered "Added" are shown, to tell a stall from a fault.
    static SHOWN: AtomicUsize = AtomicUsize::new(0);
    if !added && SHOWN.fetch_add(1, Ordering::Relaxed) < 3 {
        eprintln!("  a request was not answered \"Added\": {what}");
    }
    added
}

/// What every request of the load shares.
#[derive(Clone)]
struct Load {
    client: reqwest::Client,
    endpoint: String,
    timestamp: String,
    requests: Arc<Vec<(String, String)>>,
}

impl Load {
    async fn send(&self, i: usize) -> bool {
        send(&self.client, &self.endpoint, &self.timestamp, &self.requests[i]).await
    }
}

/// Requests at `rate` per second for `seconds`, whatever the answers' pace,
/// as Slack sends them; prints how many were answered, how soon, and at
/// what rate.
async fn open_loop(load: &Load, lanes: &Arc<tokio::sync::Semaphore>, next: &AtomicUsize, rate: u64, seconds: u64) -> anyhow::Result<(f64, f64)> {
    let count = (rate * seconds) as usize;
    let offset = next.fetch_add(count, Ordering::Relaxed);
    let started = Instant::now();
    let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let latencies = Arc::new(std::sync::Mutex::new(Vec::with_capacity(count)));
    let failed = Arc::new(AtomicUsize::new(0));
    let mut inflight = Vec::with_capacity(count);
    for n in 0..count {
        ticker.tick().await;
        let (load, latencies, failed, lanes) = (load.clone(), latencies.clone(), failed.clone(), lanes.clone());
        let i = (offset + n) % load.requests.len();
        inflight.push(tokio::spawn(async move {
            let due = Instant::now();
            let _lane = lanes.acquire_owned().await.expect("never closed");
            if load.send(i).await {
                let took = due.elapsed();
                if took > Duration::from_millis(10) && std::env::var("BENCH_SLOW").is_ok() {
                    eprintln!("slow {:.3} {:.1}ms {}", (due - started).as_secs_f64(), took.as_secs_f64() * 1e3, chrono::Utc::now().format("%T%.3f"));
                }
                latencies.lock().unwrap().push(took);
            } else {
                failed.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let sending = started.elapsed().as_secs_f64();
    for task in inflight {
        task.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut latencies = latencies.lock().unwrap().clone();
    latencies.sort();
    println!(
        "/plan add at {rate} requests/s for {seconds} s ({} ok, {} failed; sent in {sending:.2} s, all answered after {elapsed:.2} s: {:.0} answered per second):",
        latencies.len(),
        failed.load(Ordering::Relaxed),
        latencies.len() as f64 / elapsed
    );
    println!(
        "  latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().map_or(f64::NAN, |max| max.as_secs_f64() * 1e3)
    );
    Ok((percentile(&latencies, 0.5), percentile(&latencies, 0.99)))
}

/// `concurrency` requests in flight for `seconds`, each sent when the last
/// was answered: how many are answered per second.
async fn closed_loop(load: &Load, next: &AtomicUsize, concurrency: usize, seconds: u64) -> anyhow::Result<f64> {
    let ok = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let phase = Instant::now();
    let worker = || async {
        while Instant::now() < deadline {
            let i = next.fetch_add(1, Ordering::Relaxed) % load.requests.len();
            if load.send(i).await {
                ok.fetch_add(1, Ordering::Relaxed);
            } else {
                failed.fetch_add(1, Ordering::Relaxed);
            }
        }
    };
    futures_util::future::join_all((0..concurrency).map(|_| worker())).await;
    let elapsed = phase.elapsed().as_secs_f64();
    let answered = ok.load(Ordering::Relaxed);
    println!("/plan add, signed, {concurrency} in flight for {seconds} s:");
    println!("  {:.0} requests/s answered \"Added\" ({answered} ok, {} failed)", answered as f64 / elapsed, failed.load(Ordering::Relaxed));
    Ok(answered as f64 / elapsed)
}

/// Bolt for JavaScript running `benches/bolt/app.js`, listening.
struct BoltPeer {
    child: Server,
    port: u16,
    versions: String,
}

/// Starts the Bolt peer when Node.js is installed, installing its pinned
/// packages first if they are not (`npm ci`); `None`, said why, otherwise.
fn bolt_peer(database_url: &str, secret: &str) -> anyhow::Result<Option<BoltPeer>> {
    use std::io::BufRead;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/bolt");
    if std::env::var_os("BENCH_NO_BOLT").is_some() {
        return Ok(None);
    }
    if Command::new("node").arg("--version").output().is_err() {
        println!("(Node.js not found: the Bolt for JavaScript row is left out)");
        return Ok(None);
    }
    if !dir.join("node_modules").is_dir() {
        let installed = Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir).stdout(Stdio::null()).status();
        if !installed.is_ok_and(|status| status.success()) {
            println!("(`npm ci` in benches/bolt failed: the Bolt for JavaScript row is left out)");
            return Ok(None);
        }
    }
    let version = |package: &str| -> String {
        std::fs::read_to_string(dir.join("node_modules").join(package).join("package.json"))
            .ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .and_then(|json| json["version"].as_str().map(str::to_string))
            .unwrap_or_else(|| "?".into())
    };
    let node = String::from_utf8_lossy(&Command::new("node").arg("--version").output()?.stdout).trim().to_string();
    let versions = format!("@slack/bolt {}, pg {}, Node.js {node}", version("@slack/bolt"), version("pg"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let mut child = Command::new("node")
        .arg("app.js")
        .current_dir(&dir)
        .env("DATABASE_URL", database_url)
        .env("SLACK_SIGNING_SECRET", secret)
        .env("PORT", port.to_string())
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().expect("piped");
    let child = Server(child);
    let ready = std::io::BufReader::new(stdout).lines().map_while(Result::ok).any(|line| line.trim() == "ready");
    anyhow::ensure!(ready, "the Bolt peer stopped before it was ready");
    Ok(Some(BoltPeer { child, port, versions }))
}

/// What pgbench runs for one request, for the side-by-side comparison.
/// The plain insert is the ceiling: one row, one index, no trigger.
const PLAIN_INSERT: &str = "\\set n random(1, 1000000000)
insert into bench_plain (payload) values ('Follow up on workstream ' || :n);
";

/// planbot's own statement for one `/plan add` by a known caller for an
/// exactly named account, as the server runs it (in autocommit, planned
/// once): the caller-and-account lookup with visibility, the check for the
/// same title added in the last ten minutes, the insert and its audit row
/// (`store::accounts::callers_and_exact`, for a batch of one).
const PLANBOT_SQL: &str = "\\set k random(0, 999)
\\set n random(1, 1000000000)
with recursive asked as (
     select * from unnest(array['U' || lpad((:k)::text, 8, '0')]::text[], array[false]::boolean[], array['account ' || :k]::text[],
                          array['Follow up on workstream ' || :n]::text[], array[now() - interval '10 minutes']::timestamptz[],
                          array[true]::boolean[], array[date '2027-01-15']::date[], array['America/New_York']::text[]) with ordinality
         as t (asked_slack_id, configured_admin, wanted_key, wanted_title, added_since, adding, due, read_in, ord)),
 me as (select t.ord, t.configured_admin, t.wanted_key, t.wanted_title, t.added_since, t.adding, t.due, t.read_in,
               user_id, slack_id, email, display_name, tz, manager_id, role, dm_muted, quiet_start, quiet_end, working_days,
               digest, digest_time, digest_weekday, ignored_nudges, slack_synced_at
        from asked t cross join lateral (select * from app_user where slack_id = t.asked_slack_id limit 1) u),
 reports (ord, user_id) as (
     select ord, user_id from me
     union
     select r.ord, u.user_id from reports r cross join lateral (
         select user_id from app_user where manager_id = r.user_id offset 0) u),
 found as (
     select me.ord, f.*,
            (select i.action_item_id from action_item i
             where i.plan_id = f.active_plan_id
               and lower(i.title) = lower(me.wanted_title) and i.created_at >= me.added_since
               and i.status <> 'cancelled'
             order by i.action_item_id desc limit 1) as recent_item_id
     from me cross join lateral (
         select account_id, name, external_id, rank, rank_notes, tier, industry, annual_spend, renewal_date, slack_channel,
                count(*) over () as matches,
                (select p.plan_id from plan p where p.account_id = a.account_id and p.status = 'active') as active_plan_id
         from account a
         where a.match_key = me.wanted_key
           and (me.configured_admin or me.role = 'admin'
                or exists (select 1 from account_team t where t.account_id = a.account_id and t.user_id = me.user_id)
                or exists (select 1 from account_team t join reports r on r.user_id = t.user_id
                           where t.account_id = a.account_id and r.ord = me.ord))
         order by a.name limit 25) f),
 added as (
     insert into action_item (plan_id, account_id, title, owner_id, due_date, created_by)
     select f.active_plan_id, f.account_id, me.wanted_title, me.user_id, me.due, me.user_id
     from me join found f on f.ord = me.ord,
          (select set_config('planbot.audit_written', statement_timestamp()::text, true)) as audit_here
     where me.adding and f.matches = 1 and f.active_plan_id is not null and f.recent_item_id is null
       and me.tz = me.read_in
     order by me.ord
     returning action_item_id, plan_id, account_id, title, due_date, status, snoozed_until, completed_at, created_by),
 audited as (
     insert into audit (account_id, entity, entity_id, action, field, old_value, new_value, actor_id, actor_source)
     select account_id, 'action_item', action_item_id, 'insert', null, null, title, created_by, 'slack' from added)
 select me.*, f.account_id, f.name, f.external_id, f.rank, f.rank_notes, f.tier, f.industry, f.annual_spend, f.renewal_date,
        f.slack_channel, f.recent_item_id,
        added.action_item_id as added_item_id, added.plan_id as added_plan_id, added.title as added_title,
        added.due_date as added_due_date, added.status as added_status,
        added.snoozed_until as added_snoozed_until, added.completed_at as added_completed_at
 from me left join found f on f.ord = me.ord
      left join added on added.account_id = f.account_id and added.created_by = me.user_id
                     and added.title = me.wanted_title
 order by me.ord, f.name, added.action_item_id;
";

/// planbot's statement for later adds in steady use, once this replica
/// remembers the caller and the account they name: exactly the server's
/// (`store::accounts::ADD_KNOWN_SQL`: the access epoch checked, the same
/// title looked for, the items inserted with their audit rows), its
/// parameters written as arrays of `batch` adds, one random person,
/// account and plan `k` each (in the bench's data they belong together),
/// at the database's `epoch`. A batch of one is what the server sends at
/// ordinary load; under load it sends what queued meanwhile together.
fn known_script(epoch: i64, batch: usize) -> String {
    let mut script = String::new();
    for i in 0..batch {
        script.push_str(&format!("\\set k{i} random(1, {ACCOUNTS})\n\\set n{i} random(1, 1000000000)\n"));
    }
    let array = |element: &dyn Fn(usize) -> String| format!("array[{}]", (0..batch).map(element).collect::<Vec<_>>().join(", "));
    let k = |i: usize| format!("(:k{i})::bigint");
    // `$1`..`$8`, replaced from the last so that none is a prefix of another.
    let params = [
        array(&|_| epoch.to_string()),
        array(&k),
        array(&k),
        array(&|i| format!("'Follow up on workstream ' || :n{i}")),
        array(&k),
        array(&|_| "now() - interval '10 minutes'".to_string()),
        array(&|_| "date '2027-01-15'".to_string()),
        "'slack'".to_string(),
    ];
    let mut sql = planbot::store::accounts::ADD_KNOWN_SQL.to_string();
    for (n, value) in params.iter().enumerate().rev() {
        sql = sql.replace(&format!("${}", n + 1), value);
    }
    // pgbench reads a statement up to its `;`, on any number of lines.
    script.push_str(&sql);
    script.push_str(";\n");
    script
}

/// pgbench, from the PATH or PostgreSQL's usual install directories.
fn pgbench() -> Option<std::path::PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("pgbench"));
    let installed = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|version| version.path().join("bin/pgbench"));
    on_path.chain(installed).find(|path| path.is_file())
}

/// One pgbench run of `scripts` (each chosen for a transaction in
/// proportion to its weight) with `clients` clients: the transactions per
/// second, or, at a fixed `rate`, the latency p50 and p99 (from its
/// per-request log, counted from when each was due).
fn run_pgbench(
    pgbench: &std::path::Path,
    url: &str,
    scripts: &[(&str, u32)],
    clients: usize,
    seconds: u64,
    rate: Option<u64>,
) -> anyhow::Result<(f64, f64, f64)> {
    let dir = std::env::temp_dir().join(format!("planbot-bench-pgbench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut command = Command::new(pgbench);
    command.args(["-n", "-c", &clients.to_string(), "-j", "2", "-M", "prepared", "-T", &seconds.to_string()]);
    for (n, (script, weight)) in scripts.iter().enumerate() {
        let file = dir.join(format!("script{n}.sql"));
        std::fs::write(&file, script)?;
        command.arg("-f").arg(format!("{}@{weight}", file.display()));
    }
    if let Some(rate) = rate {
        command.args(["-R", &rate.to_string(), "-l", "--log-prefix"]).arg(dir.join("log"));
    }
    // Each session plans a statement once, as planbot's hot path does (a
    // plain insert is planned once either way).
    let output = command.arg(url).current_dir(&dir).env("PGOPTIONS", "-c plan_cache_mode=force_generic_plan").output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    anyhow::ensure!(output.status.success(), "pgbench failed: {}{}", stdout, String::from_utf8_lossy(&output.stderr));
    let tps = stdout
        .lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.trim_start_matches("tps = ").split_whitespace().next()?.parse::<f64>().ok())
        .unwrap_or(f64::NAN);
    let mut latencies = Vec::new();
    for entry in std::fs::read_dir(&dir)?.flatten() {
        if entry.file_name().to_string_lossy().starts_with("log") {
            for line in std::fs::read_to_string(entry.path())?.lines() {
                // client, transaction, latency in µs (from when it was due), script, epoch, µs, [lag]
                if let Some(micros) = line.split_whitespace().nth(2).and_then(|f| f.parse::<u64>().ok()) {
                    latencies.push(Duration::from_micros(micros));
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    latencies.sort();
    if latencies.is_empty() {
        return Ok((tps, f64::NAN, f64::NAN));
    }
    Ok((tps, percentile(&latencies, 0.5), percentile(&latencies, 0.99)))
}

/// Flushes of a small file beside the database's data directory, fifty a
/// second (a tenth of the commits it runs beside), timed: what a commit
/// waits for at the least.
struct DiskProbe {
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<Option<Vec<Duration>>>>,
}

impl DiskProbe {
    fn start(dir: &std::path::Path) -> Self {
        use std::io::Write;
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let path = dir.join(format!("planbot-bench-probe-{}", std::process::id()));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut file = std::fs::File::create(&path).ok()?;
            let mut times = Vec::new();
            while !flag.load(Ordering::Relaxed) {
                file.write_all(&[b'x'; 8192]).ok()?;
                let started = Instant::now();
                file.sync_data().ok()?;
                times.push(started.elapsed());
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = std::fs::remove_file(&path);
            Some(times)
        });
        DiskProbe { stop, thread: Some(thread) }
    }

    fn finish(mut self) -> Option<String> {
        self.stop.store(true, Ordering::Relaxed);
        let mut times = self.thread.take()?.join().ok()??;
        if times.is_empty() {
            return None;
        }
        times.sort();
        let slow = times.iter().filter(|t| **t > Duration::from_millis(50)).count();
        Some(format!(
            "{} flushes, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {slow} over 50 ms",
            times.len(),
            percentile(&times, 0.5),
            percentile(&times, 0.99),
            times.last().map_or(f64::NAN, |max| max.as_secs_f64() * 1e3)
        ))
    }
}

/// Far beyond capacity: `connections` connections at once, each sending
/// requests as fast as they are answered, while `/healthz` is asked every
/// 100 ms on its own connection.
async fn overload_phase(load: &Load, base: &str, pid: u32, connections: usize, seconds: u64) -> anyhow::Result<()> {
    let (_, peak_before) = memory_mib(pid);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let answered = Arc::new(AtomicUsize::new(0));
    let shed = Arc::new(AtomicUsize::new(0));
    let other = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::with_capacity(connections);
    for c in 0..connections {
        let (load, answered, shed, other) = (load.clone(), answered.clone(), shed.clone(), other.clone());
        workers.push(tokio::spawn(async move {
            // A client of its own: its own connection.
            let Ok(client) = reqwest::Client::builder().pool_max_idle_per_host(1).build() else { return };
            let mut i = c * 7;
            while Instant::now() < deadline {
                i = (i + connections) % load.requests.len();
                let (body, signature) = &load.requests[i];
                let response = client
                    .post(&load.endpoint)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("x-slack-request-timestamp", &load.timestamp)
                    .header("x-slack-signature", signature)
                    .body(body.clone())
                    .timeout(Duration::from_secs(10))
                    .send()
                    .await;
                match response.map(|r| r.status().as_u16()) {
                    Ok(200) => answered.fetch_add(1, Ordering::Relaxed),
                    Ok(503) => shed.fetch_add(1, Ordering::Relaxed),
                    _ => other.fetch_add(1, Ordering::Relaxed),
                };
            }
        }));
    }
    let health = reqwest::Client::new();
    let mut health_times = Vec::new();
    let mut health_failed = 0;
    let mut peak_rss: f64 = 0.0;
    while Instant::now() < deadline {
        let asked = Instant::now();
        match health.get(format!("{base}/healthz")).timeout(Duration::from_secs(5)).send().await {
            Ok(r) if r.status() == 200 => health_times.push(asked.elapsed()),
            _ => health_failed += 1,
        }
        peak_rss = peak_rss.max(memory_mib(pid).0);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for worker in workers {
        let _ = worker.await;
    }
    health_times.sort();
    let (_, peak) = memory_mib(pid);
    println!("overload, {connections} connections sending /plan add as fast as answered for {seconds} s:");
    println!(
        "  {} answered, {} shed with 503, {} other (refused or timed out); memory {peak_rss:.1} MiB at most while sampled, peak {peak:.1} MiB (was {peak_before:.1})",
        answered.load(Ordering::Relaxed),
        shed.load(Ordering::Relaxed),
        other.load(Ordering::Relaxed)
    );
    if health_times.is_empty() {
        println!("  /healthz never answered ({health_failed} failed)");
    } else {
        println!(
            "  /healthz: {} answered, {health_failed} failed; p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            health_times.len(),
            percentile(&health_times, 0.5),
            percentile(&health_times, 0.99),
            percentile(&health_times, 1.0)
        );
    }
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let seconds: u64 = std::env::var("BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(10);
    let concurrency: usize = std::env::var("BENCH_CONCURRENCY").ok().and_then(|s| s.parse().ok()).unwrap_or(32);
    let db = support::scratch("planbot_bench_load", 2).await;
    let pool = db.pool.clone();
    // One owner per account; each account has an active plan. The people
    // were seen in Slack today, as in steady use (no `users.info` refresh).
    sqlx::query(
        "insert into app_user (email, display_name, slack_id, tz, slack_synced_at) \
         select 'user' || g || '@example.com', 'User ' || g, 'U' || lpad(g::text, 8, '0'), 'America/New_York', now() \
         from generate_series(0, $1 - 1) g",
    )
    .bind(ACCOUNTS as i32)
    .execute(&pool)
    .await?;
    let mut tx = pool.begin().await?;
    sqlx::query(
        "insert into account (name, match_key, rank) select 'Account ' || g, 'account ' || g, 1 + g % 3 \
         from generate_series(0, $1 - 1) g",
    )
    .bind(ACCOUNTS as i32)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into account_team (account_id, user_id, role) \
         select a.account_id, u.user_id, 'owner' from account a \
         join app_user u on u.email = 'user' || substr(a.name, 9) || '@example.com'",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query("insert into plan (account_id, name, type, status) select account_id, 'FY27', 'expand', 'active' from account order by account_id")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    sqlx::query("analyze").execute(&pool).await?;
    // `known_script` relies on it: person, account and plan k belong together.
    let apart: i64 = sqlx::query_scalar(
        "select count(*) from plan p join account_team t on t.account_id = p.account_id \
         where p.plan_id <> p.account_id or t.user_id <> p.account_id",
    )
    .fetch_one(&pool)
    .await?;
    anyhow::ensure!(apart == 0, "the bench's people, accounts and plans are not numbered alike");

    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    // One thread serves requests, leaving the other cores to PostgreSQL on
    // the same machine (README, "Configuration"); `BENCH_PLANBOT_THREADS`
    // changes it.
    let planbot_threads = std::env::var("BENCH_PLANBOT_THREADS").unwrap_or_else(|_| "1".into());
    println!("planbot serve with TOKIO_WORKER_THREADS={planbot_threads}");
    // PostgreSQL on the same machine: no TLS on the connection, as a
    // deployment next to its database would connect.
    let database_url = match db.options.get_host() {
        host if host.starts_with('/') => db.url(),
        _ => format!("{}?sslmode=disable", db.url()),
    };
    let child = Command::new(env!("CARGO_BIN_EXE_planbot"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("SLACK_SIGNING_SECRET", SECRET)
        .env("SLACK_BOT_TOKEN", "xoxb-bench")
        .env("SLACK_TEAM_ID", TEAM)
        .env("SLACK_API_URL", "http://127.0.0.1:9/api")
        .env("PLANBOT_LISTEN", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .env("TOKIO_WORKER_THREADS", &planbot_threads)
        .stdout(Stdio::null())
        .spawn()?;
    let pid = child.id();
    let _server = Server(child);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build()?;
    let started = Instant::now();
    loop {
        if client.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status() == 200) {
            break;
        }
        anyhow::ensure!(started.elapsed() < Duration::from_secs(30), "planbot serve did not become ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (idle_rss, _) = memory_mib(pid);
    let endpoint = format!("{base}/slack/commands");
    let timestamp = chrono::Utc::now().timestamp();
    let requests = Arc::new(signed_requests(200_000, timestamp));
    let timestamp = timestamp.to_string();

    // Warm-up: every account twice, so caches are as in steady use (the
    // first request of a caller finds who they are, the second the account
    // they name).
    for i in 0..2 * ACCOUNTS {
        send(&client, &endpoint, &timestamp, &requests[i]).await;
    }

    let load = Load { client: client.clone(), endpoint: endpoint.clone(), timestamp: timestamp.clone(), requests: requests.clone() };
    // Requests of the open loops go out over at most `concurrency`
    // connections at a time, as a fixed set of keep-alive connections would
    // carry them; a request that finds them all busy waits, and its latency
    // counts from when it was due.
    let lanes = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let next = Arc::new(AtomicUsize::new(2 * ACCOUNTS));

    let overload: usize = std::env::var("BENCH_OVERLOAD").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    if std::env::var_os("BENCH_ONLY_OVERLOAD").is_some() {
        overload_phase(&load, &base, pid, overload.max(1), seconds).await?;
        pool.close().await;
        drop(_server);
        db.remove().await?;
        return Ok(());
    }

    // PostgreSQL alone, side by side, in this run: a plain one-row insert
    // (the ceiling) and planbot's own statements for one request.
    sqlx::query("create table bench_plain (id bigint generated always as identity primary key, payload text not null)")
        .execute(&pool)
        .await?;
    let side_by_side = match pgbench() {
        Some(pgbench) => {
            let url = db.url();
            let epoch: i64 = sqlx::query_scalar("select epoch from access_epoch").fetch_one(&pool).await?;
            let known = known_script(epoch, 1);
            let mut rows = Vec::new();
            for (name, script) in [
                ("pgbench, a plain one-row insert", PLAIN_INSERT),
                ("pgbench, planbot's SQL, a caller's first add", PLANBOT_SQL),
                ("pgbench, planbot's SQL, later adds one by one", known.as_str()),
            ] {
                let (tps, _, _) = run_pgbench(&pgbench, &url, &[(script, 1)], 32, seconds, None)?;
                let (_, p50, p99) = run_pgbench(&pgbench, &url, &[(script, 1)], 32, seconds, Some(500))?;
                println!("{name}: {tps:.0} per second at 32 clients; at 500/s p50 {p50:.2} ms, p99 {p99:.2} ms");
                rows.push((name, tps, p50, p99));
            }
            rows
        }
        None => {
            println!("(pgbench not found: the side-by-side rows are left out)");
            Vec::new()
        }
    };

    // Latency in steady use: an open loop at 500 requests per second. Every
    // answer waits for its commit to reach the disk, so the disk's own
    // flush times are measured beside it, where the server can be reached.
    let data_dir: String = sqlx::query_scalar("select current_setting('data_directory')").fetch_one(&pool).await?;
    let probe = DiskProbe::start(std::path::Path::new(&data_dir).parent().unwrap_or(std::path::Path::new(&data_dir)));
    let (p50, p99) = open_loop(&load, &lanes, &next, 500, seconds).await?;
    match probe.finish() {
        Some(flushes) => println!("  meanwhile, the database disk's fdatasync: {flushes}"),
        None => println!("  (the database's disk could not be probed from here)"),
    }

    // Throughput: `concurrency` requests in flight for `seconds`, and how
    // many adds each of the server's statements carried meanwhile.
    let batches_before = remembered_batches(&client, &base).await?;
    let planbot_tps = closed_loop_measured(&load, &next, concurrency, seconds, pid).await?;
    let batches_after = remembered_batches(&client, &base).await?;
    let mean_batch = (batches_after.1 - batches_before.1) / (batches_after.0 - batches_before.0).max(1.0);
    println!("  planbot wrote later adds {mean_batch:.2} to a statement on average");
    let (_, peak_after_throughput) = memory_mib(pid);

    // Bolt for JavaScript beside it, on the same requests and database.
    let bolt = match bolt_peer(&db.url(), SECRET)? {
        Some(peer) => {
            let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build()?;
            let load = Load { client, endpoint: format!("http://127.0.0.1:{}/slack/events", peer.port), timestamp: timestamp.clone(), requests: requests.clone() };
            let next = AtomicUsize::new(0);
            for i in 0..ACCOUNTS {
                load.send(i).await;
            }
            print!("Bolt for JavaScript ({}), ", peer.versions);
            let (p50, p99) = open_loop(&load, &lanes, &next, 500, seconds).await?;
            print!("Bolt for JavaScript, ");
            let tps = closed_loop_measured(&load, &next, concurrency, seconds, peer.child.0.id()).await?;
            let (rss, peak) = memory_mib(peer.child.0.id());
            println!("  Bolt memory: {rss:.1} MiB now, {peak:.1} MiB peak");
            Some((tps, p50, p99))
        }
        None => None,
    };

    // The same statement as the server sent it in the throughput phase: as
    // many adds to a statement on average (batches of the two sizes around
    // that mean, mixed to give it), as many statements at once as it runs.
    let batched = match (pgbench(), side_by_side.is_empty()) {
        (Some(pgbench), false) => {
            let mean = mean_batch.max(1.0);
            let (smaller, larger) = (mean.floor() as usize, mean.floor() as usize + 1);
            let larger_weight = ((mean - mean.floor()) * 100.0).round() as u32;
            let mean = (smaller as f64 * f64::from(100 - larger_weight) + larger as f64 * f64::from(larger_weight)) / 100.0;
            let clients = planbot::db::HOT_PATH_CONNECTIONS as usize;
            let epoch: i64 = sqlx::query_scalar("select epoch from access_epoch").fetch_one(&pool).await?;
            let (small_script, large_script) = (known_script(epoch, smaller), known_script(epoch, larger));
            let scripts: Vec<(&str, u32)> = [(small_script.as_str(), 100 - larger_weight), (large_script.as_str(), larger_weight)]
                .into_iter()
                .filter(|(_, weight)| *weight > 0)
                .collect();
            let (tps, _, _) = run_pgbench(&pgbench, &db.url(), &scripts, clients, seconds, None)?;
            println!(
                "pgbench, planbot's SQL, later adds {mean:.2} to a statement on average at {clients} clients: {:.0} adds per second",
                tps * mean
            );
            // The ceiling again, in the same minutes and on tables grown as
            // much: the first plain insert ran minutes earlier on empty ones,
            // and this machine's rate drifts more than that between rounds.
            let (plain_beside, _, _) = run_pgbench(&pgbench, &db.url(), &[(PLAIN_INSERT, 1)], 32, seconds, None)?;
            println!("pgbench, a plain one-row insert again, right after: {plain_beside:.0} per second at 32 clients");
            Some((mean, tps * mean, plain_beside))
        }
        _ => None,
    };

    if let [plain, first, replay] = side_by_side.as_slice() {
        println!("\nside by side, this run ({concurrency} connections for planbot and Bolt, 32 clients for pgbench):");
        println!("  {:<44} {:>10}   {:>18}", "", "max req/s", "@500/s p50 / p99 ms");
        let planbot = ("planbot, signed /plan add", planbot_tps, p50, p99);
        let bolt_row = bolt.map(|(tps, p50, p99)| ("Bolt for JavaScript, one insert", tps, p50, p99));
        for (name, tps, p50, p99) in [Some(*plain), Some(*first), Some(*replay), Some(planbot), bolt_row].into_iter().flatten() {
            println!("  {name:<44} {tps:>10.0}   {p50:>8.2} / {p99:<8.2}");
        }
        if let Some((batch, adds, plain_beside)) = batched {
            let name = format!("pgbench, later adds {batch:.2} to a statement");
            println!("  {name:<44} {adds:>10.0}   {:>8} / {:<8}", "-", "-");
            println!("  {:<44} {plain_beside:>10.0}   {:>8} / {:<8}", "pgbench, a plain one-row insert, right after", "-", "-");
            println!(
                "  the write path costs {:.2}x a plain insert under load, as planbot batched it, against the plain insert \
                 run right after it ({:.2}x against the first; plain inserts per second / later adds per second; target at most 2)",
                plain_beside / adds,
                plain.1 / adds
            );
        }
        println!(
            "  the write path costs {:.2}x a plain insert for later adds one by one, as at ordinary load, \
             {:.2}x for a caller's first add",
            plain.1 / replay.1,
            plain.1 / first.1
        );
        // A disk stall (a flush over 50 ms, as the disk probe counts them)
        // puts pgbench's p99 far above what a plain insert costs; a ratio
        // against it would read as a target met when nothing was learnt.
        if plain.3 > 50.0 {
            println!(
                "  planbot's p99 at 500/s is {p99:.2} ms; pgbench's plain insert stalled in its run (p50 {:.2} ms, p99 {:.2} ms), \
                 so no ratio is given (target at most 2)",
                plain.2, plain.3
            );
        } else {
            println!("  planbot's p99 at 500/s is {:.2}x pgbench's plain insert at 500/s (target at most 2)", p99 / plain.3);
        }
        println!("  planbot serves {:.2}x what pgbench replaying its SQL does", planbot_tps / replay.1);
        if let Some((tps, bolt_p50, _)) = bolt {
            println!("  planbot's p50 at 500/s is {:.2}x Bolt's (target at most 1.2)", p50 / bolt_p50);
            println!("  planbot's throughput is {:.2}x Bolt's (target at least 1.5)", planbot_tps / tps);
        }
    }

    // Is 5,000 per second sustained? Every request answered, and the last
    // answer soon after the last request.
    open_loop(&load, &lanes, &next, 5_000, seconds).await?;

    if overload > 0 {
        overload_phase(&load, &base, pid, overload, seconds).await?;
    }

    let (rss, peak) = memory_mib(pid);
    println!(
        "planbot serve memory: {idle_rss:.1} MiB idle, {peak_after_throughput:.1} MiB peak after the throughput phase, \
         {rss:.1} MiB now, {peak:.1} MiB peak"
    );
    let items: i64 = sqlx::query_scalar("select count(*) from action_item").fetch_one(&pool).await?;
    let audits: i64 =
        sqlx::query_scalar("select count(*) from audit where entity = 'action_item'").fetch_one(&pool).await?;
    println!("items written: {items}, audit rows: {audits}");
    pool.close().await;
    drop(_server);
    if std::env::var_os("BENCH_KEEP_DB").is_none() {
        db.remove().await?;
    }
    Ok(())
}

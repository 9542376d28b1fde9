//! What the benchmarks share: a scratch database ([`planbot::db::scratch`]:
//! on `DATABASE_URL`'s server, else PostgreSQL on 127.0.0.1:5432 when it
//! answers, else planbot's embedded cluster), migrated; timing; and the
//! settings a deployment runs with.
//!
//! Each benchmark is its own crate and uses only part of this module.
#![allow(dead_code)]

use std::time::{Duration, Instant};

pub use planbot::db::scratch::Scratch;

/// A freshly created and migrated database named `name` (dropped first if it
/// exists), with a pool of `connections`. [`Scratch::remove`] drops it.
pub async fn scratch(name: &str, connections: u32) -> Scratch {
    Scratch::named(name).migrated().connections(connections).create().await.expect("a scratch database for the benchmark")
}

/// Runs `work`, printing how long it took.
pub async fn timed<T>(what: &str, work: impl std::future::Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    let out = work.await;
    let took = started.elapsed();
    println!("{what}: {:.2} s", took.as_secs_f64());
    (out, took)
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

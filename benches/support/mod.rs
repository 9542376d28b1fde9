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

/// A Slack that is never called: what these benchmarks measure reads and
/// writes the database only, and their callers are seeded with Slack ids.
pub struct NoSlack;

#[async_trait::async_trait]
impl planbot::app::slack_api::SlackApi for NoSlack {
    async fn post_message(&self, _: &str, _: &planbot::app::slack_api::MessageContent) -> Result<planbot::app::slack_api::Posted, planbot::app::slack_api::SlackError> {
        unreachable!("the benchmark posts nothing")
    }
    async fn update_message(&self, _: &str, _: &str, _: &planbot::app::slack_api::MessageContent) -> Result<(), planbot::app::slack_api::SlackError> {
        unreachable!("the benchmark edits nothing")
    }
    async fn post_ephemeral(&self, _: &str, _: &str, _: &planbot::app::slack_api::MessageContent) -> Result<(), planbot::app::slack_api::SlackError> {
        unreachable!("the benchmark posts nothing")
    }
    async fn respond(&self, _: &str, _: &planbot::app::slack_api::MessageContent, _: bool) -> Result<(), planbot::app::slack_api::SlackError> {
        unreachable!("the benchmark responds to nothing")
    }
    async fn open_view(&self, _: &str, _: &slack_morphism::prelude::SlackView) -> Result<(), planbot::app::slack_api::SlackError> {
        unreachable!("the benchmark opens no view")
    }
    async fn publish_home(&self, _: &str, _: &slack_morphism::prelude::SlackView) -> Result<(), planbot::app::slack_api::SlackError> {
        unreachable!("the benchmark publishes no home")
    }
    async fn user_info(&self, _: &str) -> Result<planbot::app::slack_api::SlackPerson, planbot::app::slack_api::SlackError> {
        unreachable!("the benchmark's callers are seeded")
    }
    async fn lookup_by_email(&self, _: &str) -> Result<Option<planbot::app::slack_api::SlackPerson>, planbot::app::slack_api::SlackError> {
        unreachable!("the benchmark's callers are seeded")
    }
    async fn auth_test(&self) -> Result<planbot::app::slack_api::BotIdentity, planbot::app::slack_api::SlackError> {
        unreachable!("the benchmark never asks who planbot is")
    }
}

//! planbot's integration tests: one binary, one module per area, each test
//! on a fresh PostgreSQL database and, where Slack is involved, a fake Slack.

mod answers;
mod coaching;
mod conversation;
mod demo;
mod exchange;
mod fake_slack;
mod health;
mod helpers;
mod intel;
mod intel_support;
mod jobs;
mod manifest;
mod outbox;
mod pictures;
mod plan_writing;
mod questions;
mod rough_edges;
mod safer_writes;
mod slack;
mod sponsors;
mod store;
mod team;

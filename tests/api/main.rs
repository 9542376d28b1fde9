//! planbot's integration tests: one binary, one module per area, each test
//! on a fresh PostgreSQL database and, where Slack is involved, a fake Slack.

mod demo;
mod fake_slack;
mod health;
mod helpers;
mod jobs;
mod outbox;
mod store;

//! The Slack edge: the Web API client, Block Kit helpers, and (with the Slack
//! routes) request verification and event, command and interaction handling.

pub mod api;
pub mod blocks;
pub mod client;

//! The Slack edge: the Web API client, request verification, and the handlers for events, commands and interactions
//! that both transports (HTTP and Socket Mode) share.

pub mod api;
pub mod client;
pub mod handlers;
pub mod http;
pub mod interactions;
pub mod socket;
pub mod verify;

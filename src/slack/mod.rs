//! The Slack edge, transport only: request verification, the HTTP and
//! Socket Mode transports, the handlers they share (parse the payload, call
//! [`crate::app`], hand the reply back), and the Web API client that
//! implements [`crate::app::slack_api::SlackApi`].
//!
//! May import: the application layer, the renderers (for Block Kit types and
//! action ids), the app state and configuration. Nothing below imports it.

pub mod client;
pub mod handlers;
pub mod http;
pub mod interactions;
pub mod socket;
pub mod verify;

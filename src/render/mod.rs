//! Pure rendering: data and `now` in, Slack messages, modals and the App
//! Home out. Nothing here reads the clock, the database or the network.
//!
//! May import: [`crate::domain`] and the plain row types of [`crate::store`]
//! (what the store hands back). Nothing in `store/` or `domain/` imports a
//! renderer; the application layer and the jobs call these functions and
//! hand the [`MessageContent`] they make to the outbox or to Slack.

pub mod accounts;
pub mod answers;
pub mod blocks;
pub mod changes;
pub mod editing;
pub mod forms;
pub mod home;
pub mod intel;
pub mod items;
mod message;
pub mod modals;
pub mod notices;
pub mod pictures;
pub mod review;
pub mod sponsors;
pub mod summary;
pub mod team;

pub use message::MessageContent;

//! The simplest message: one paragraph. ([`MessageContent`] itself is a
//! domain type: the outbox stores it too.)

use super::blocks::section;
pub use crate::domain::message::MessageContent;

impl MessageContent {
    /// A message that is just one paragraph of mrkdwn.
    pub fn plain(text: impl Into<String>) -> Self {
        let text = text.into();
        let blocks = vec![section(&text)];
        MessageContent::new(text, blocks)
    }
}

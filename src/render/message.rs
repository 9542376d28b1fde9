//! [`MessageContent`]: what a message says, as the outbox stores it and
//! Slack receives it.

use serde::{Deserialize, Serialize};
use slack_morphism::prelude::SlackBlock;

use super::blocks::{clip, limits, section};

/// What a message says: the notification text and its blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageContent {
    pub text: String,
    #[serde(default)]
    pub blocks: Vec<SlackBlock>,
}

impl MessageContent {
    pub fn new(text: impl Into<String>, blocks: Vec<SlackBlock>) -> Self {
        MessageContent { text: clip(&text.into(), limits::MESSAGE_TEXT), blocks }
    }

    /// A message that is just one paragraph of mrkdwn.
    pub fn plain(text: impl Into<String>) -> Self {
        let text = text.into();
        let blocks = vec![section(&text)];
        MessageContent::new(text, blocks)
    }
}

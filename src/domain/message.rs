//! [`MessageContent`]: what a message says, the one shape the renderers
//! produce, the outbox stores and Slack receives. It lives on this floor
//! because both the store (the outbox's rows) and the renderers use it.

use serde::{Deserialize, Serialize};
use slack_morphism::prelude::SlackBlock;

use super::text::clip;

/// Slack's limit on a message's notification text, in characters.
pub const MESSAGE_TEXT: usize = 4000;

/// What a message says: the notification text and its blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageContent {
    pub text: String,
    #[serde(default)]
    pub blocks: Vec<SlackBlock>,
}

impl MessageContent {
    pub fn new(text: impl Into<String>, blocks: Vec<SlackBlock>) -> Self {
        MessageContent { text: clip(&text.into(), MESSAGE_TEXT), blocks }
    }
}

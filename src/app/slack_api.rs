//! The few Slack Web API calls planbot makes, behind one trait the
//! application layer owns: production talks to Slack through slack-morphism
//! ([`crate::slack::client::SlackHttp`]), the demo prints what Slack would
//! show ([`crate::demo::ConsoleSlack`]), and tests point the production
//! client at a fake Slack.

use std::time::Duration;

use async_trait::async_trait;
use slack_morphism::prelude::SlackView;

pub use crate::render::MessageContent;

/// Where Slack put a posted message, so it can be edited later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    pub channel: String,
    pub ts: String,
}

/// A Slack user as `users.info` and `users.lookupByEmail` describe them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackPerson {
    pub id: String,
    pub team_id: Option<String>,
    pub email: Option<String>,
    pub name: String,
    pub tz: Option<String>,
    pub is_bot: bool,
}

/// Who planbot is in the workspace (`auth.test`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotIdentity {
    pub team_id: String,
    pub bot_user_id: Option<String>,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum SlackError {
    /// 429: wait `retry_after`, then try again.
    #[error("Slack rate-limited the call; retry after {retry_after:?}")]
    RateLimited { retry_after: Duration },
    /// Slack answered `ok: false` with this error code.
    #[error("Slack refused the call: {code}")]
    Refused { code: String },
    /// The call did not get an answer (network, 5xx, timeout).
    #[error("could not reach Slack: {0}")]
    Unreachable(String),
}

impl SlackError {
    /// Errors that will not go away by trying again (a deleted channel, a
    /// revoked token, a malformed message).
    pub fn is_permanent(&self) -> bool {
        match self {
            SlackError::Refused { code } => !matches!(
                code.as_str(),
                "internal_error" | "fatal_error" | "service_unavailable" | "request_timeout" | "ratelimited"
            ),
            SlackError::RateLimited { .. } | SlackError::Unreachable(_) => false,
        }
    }

    /// The Slack error code, or a short name for the kind of failure (for metrics).
    pub fn code(&self) -> &str {
        match self {
            SlackError::RateLimited { .. } => "ratelimited",
            SlackError::Refused { code } => code,
            SlackError::Unreachable(_) => "unreachable",
        }
    }
}

#[async_trait]
pub trait SlackApi: Send + Sync {
    /// `chat.postMessage`; a user id as `channel` posts in planbot's DM with them.
    async fn post_message(&self, channel: &str, content: &MessageContent) -> Result<Posted, SlackError>;
    /// `chat.update` of a message planbot posted.
    async fn update_message(&self, channel: &str, ts: &str, content: &MessageContent) -> Result<(), SlackError>;
    /// `chat.postEphemeral`: visible to `user` only.
    async fn post_ephemeral(&self, channel: &str, user: &str, content: &MessageContent) -> Result<(), SlackError>;
    /// Answers through an interaction's `response_url`.
    async fn respond(
        &self,
        response_url: &str,
        content: &MessageContent,
        replace_original: bool,
    ) -> Result<(), SlackError>;
    /// `views.open` with a fresh `trigger_id`.
    async fn open_view(&self, trigger_id: &str, view: &SlackView) -> Result<(), SlackError>;
    /// `views.publish`: the App Home of `user`.
    async fn publish_home(&self, user: &str, view: &SlackView) -> Result<(), SlackError>;
    /// `users.info`.
    async fn user_info(&self, user: &str) -> Result<SlackPerson, SlackError>;
    /// `users.lookupByEmail`; `None` when nobody in the workspace has it.
    async fn lookup_by_email(&self, email: &str) -> Result<Option<SlackPerson>, SlackError>;
    /// `auth.test`.
    async fn auth_test(&self) -> Result<BotIdentity, SlackError>;

    /// `chat.postMessage` carrying `key` in the message's metadata, so the
    /// message can be found again ([`SlackApi::find_posted`]).
    async fn post_message_keyed(&self, channel: &str, content: &MessageContent, key: &str) -> Result<Posted, SlackError> {
        let _ = key;
        self.post_message(channel, content).await
    }

    /// The message carrying `key` in its metadata among those planbot posted
    /// in `channel` (a user id: planbot's DM with them) since `since`, if
    /// Slack has it (`conversations.history` with `include_all_metadata`).
    async fn find_posted(&self, channel: &str, key: &str, since: chrono::DateTime<chrono::Utc>) -> Result<Option<Posted>, SlackError> {
        let _ = (channel, key, since);
        Ok(None)
    }

    /// The first two steps of Slack's external upload:
    /// `files.getUploadURLExternal` (name, length, alt text), then the bytes
    /// POSTed to the URL it gave. The file's id; the file is private until
    /// it is shared ([`SlackApi::share_file`]).
    async fn upload_file(&self, file: &FileUpload<'_>) -> Result<String, SlackError> {
        let _ = file;
        Err(SlackError::Refused { code: "not_supported".into() })
    }

    /// `files.completeUploadExternal`: shares an uploaded file in `channel`
    /// (a user id: planbot's DM with them) with `comment`. The conversation
    /// it was shared in.
    async fn share_file(&self, channel: &str, file_id: &str, title: &str, comment: &str) -> Result<String, SlackError> {
        let _ = (channel, file_id, title, comment);
        Err(SlackError::Refused { code: "not_supported".into() })
    }

    /// The conversation `file_id` was shared in, if it was shared in
    /// `channel` (a user id: planbot's DM with them) since `since`.
    async fn find_shared(&self, channel: &str, file_id: &str, since: chrono::DateTime<chrono::Utc>) -> Result<Option<String>, SlackError> {
        let _ = (channel, file_id, since);
        Ok(None)
    }
}

/// A file for [`SlackApi::upload_file`].
#[derive(Debug, Clone, Copy)]
pub struct FileUpload<'a> {
    pub filename: &'a str,
    pub alt_text: &'a str,
    pub bytes: &'a [u8],
}

/// The metadata event type of planbot's messages; the payload holds `dedupe_key`.
pub const METADATA_EVENT: &str = "planbot_message";

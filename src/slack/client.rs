//! [`SlackApi`] over slack-morphism's hyper client, pointed at
//! `SLACK_API_URL`.
//!
//! slack-morphism's default connector only speaks HTTPS; this one also allows
//! `http://`, so tests (and air-gapped staging) can run a fake Slack on
//! localhost. Rate control is planbot's own (the outbox paces per channel and
//! honours `Retry-After`), so slack-morphism's is left off: a 429 comes back
//! as [`SlackError::RateLimited`] instead of being retried inside the call.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use hyper_rustls::HttpsConnectorBuilder;
use hyper_util::client::legacy::connect::HttpConnector;
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;

use crate::app::slack_api::{BotIdentity, FileUpload, MessageContent, Posted, SlackApi, SlackError, SlackPerson};
use crate::config::Secret;

pub type Connector = SlackClientHyperConnector<hyper_rustls::HttpsConnector<HttpConnector>>;

/// The production Slack client.
pub struct SlackHttp {
    client: Arc<SlackClient<Connector>>,
    token: SlackApiToken,
    /// Sends a file's bytes to the upload URL Slack hands out: plain bytes
    /// with a text answer, which slack-morphism's client would read as JSON.
    uploads: reqwest::Client,
}

impl SlackHttp {
    /// A client for the Web API at `api_url` (like `https://slack.com/api`), acting with `bot_token`.
    pub fn new(api_url: &str, bot_token: &Secret) -> anyhow::Result<Self> {
        let https = HttpsConnectorBuilder::new()
            .with_native_roots()
            .or_else(|_| Ok::<_, std::io::Error>(HttpsConnectorBuilder::new().with_webpki_roots()))?
            .https_or_http()
            .enable_http1()
            .build();
        // slack-morphism joins the base and the method with a slash of its own.
        let base = api_url.trim_end_matches('/');
        let connector = SlackClientHyperConnector::with_connector(https).with_slack_api_url(base);
        let uploads = reqwest::Client::builder().timeout(Duration::from_secs(60)).build()?;
        Ok(SlackHttp {
            client: Arc::new(SlackClient::new(connector)),
            token: SlackApiToken::new(bot_token.expose().to_string().into()),
            uploads,
        })
    }

    /// The underlying slack-morphism client (Socket Mode runs on it).
    pub fn client(&self) -> Arc<SlackClient<Connector>> {
        self.client.clone()
    }

    fn session(&self) -> SlackClientSession<'_, Connector> {
        self.client.open_session(&self.token)
    }

    /// The conversation a target means: a user id stands for planbot's DM
    /// with them, whose id `conversations.open` gives.
    async fn conversation(&self, channel: &str) -> Result<String, SlackError> {
        if !channel.starts_with(['U', 'W']) {
            return Ok(channel.to_string());
        }
        let request = SlackApiConversationsOpenRequest::new().with_users(vec![channel.into()]).with_return_im(true);
        let opened = observed("conversations.open", self.session().conversations_open(&request)).await?;
        Ok(opened.channel.id.to_string())
    }

    /// The last messages (at most 200) of a conversation since `since`.
    async fn history(&self, conversation: &str, since: chrono::DateTime<chrono::Utc>) -> Result<Vec<SlackHistoryMessage>, SlackError> {
        let oldest = format!("{}.000000", since.timestamp());
        let request = SlackApiConversationsHistoryRequest::new()
            .with_channel(conversation.into())
            .with_oldest(oldest.into())
            .with_limit(200)
            .with_include_all_metadata(true);
        Ok(observed("conversations.history", self.session().conversations_history(&request)).await?.messages)
    }
}

/// Times a call and records its outcome in the Slack API metrics.
async fn observed<T>(method: &'static str, call: impl Future<Output = ClientResult<T>>) -> Result<T, SlackError> {
    let started = Instant::now();
    let result = call.await.map_err(to_slack_error);
    metrics::histogram!("planbot_slack_api_seconds", "method" => method).record(started.elapsed().as_secs_f64());
    if let Err(err) = &result {
        metrics::counter!("planbot_slack_api_errors_total", "method" => method, "error" => err.code().to_string())
            .increment(1);
    }
    result
}

fn to_slack_error(err: SlackClientError) -> SlackError {
    match err {
        SlackClientError::RateLimitError(limit) => {
            SlackError::RateLimited { retry_after: limit.retry_after.unwrap_or(Duration::from_secs(1)) }
        }
        SlackClientError::ApiError(api) => SlackError::Refused { code: api.code },
        SlackClientError::HttpError(http) if http.status_code.is_client_error() => {
            SlackError::Refused { code: format!("http_{}", http.status_code.as_u16()) }
        }
        other => SlackError::Unreachable(other.to_string()),
    }
}

fn content(message: &MessageContent) -> SlackMessageContent {
    let content = SlackMessageContent::new().with_text(message.text.clone());
    if message.blocks.is_empty() { content } else { content.with_blocks(message.blocks.clone()) }
}

fn person(user: SlackUser) -> SlackPerson {
    let profile = user.profile.clone();
    let name = profile
        .as_ref()
        .and_then(|p| p.real_name.clone().filter(|n| !n.is_empty()).or_else(|| p.display_name.clone()))
        .or(user.real_name.clone())
        .or(user.name.clone())
        .unwrap_or_default();
    SlackPerson {
        id: user.id.to_string(),
        team_id: user.team_id.map(|t| t.to_string()),
        email: profile.and_then(|p| p.email).map(|e| e.to_string()),
        name,
        tz: user.tz,
        is_bot: user.flags.is_bot.unwrap_or(false),
    }
}

#[async_trait]
impl SlackApi for SlackHttp {
    async fn post_message(&self, channel: &str, message: &MessageContent) -> Result<Posted, SlackError> {
        let request = SlackApiChatPostMessageRequest::new(channel.into(), content(message));
        let posted = observed("chat.postMessage", self.session().chat_post_message(&request)).await?;
        Ok(Posted { channel: posted.channel.to_string(), ts: posted.ts.to_string() })
    }

    async fn post_message_keyed(&self, channel: &str, message: &MessageContent, key: &str) -> Result<Posted, SlackError> {
        let metadata = SlackMessageMetadata {
            event_type: crate::app::slack_api::METADATA_EVENT.to_string(),
            event_payload: Some(std::collections::HashMap::from([("dedupe_key".to_string(), key.to_string())])),
        };
        let request = SlackApiChatPostMessageRequest::new(channel.into(), content(message).with_metadata(metadata));
        let posted = observed("chat.postMessage", self.session().chat_post_message(&request)).await?;
        Ok(Posted { channel: posted.channel.to_string(), ts: posted.ts.to_string() })
    }

    async fn find_posted(&self, channel: &str, key: &str, since: chrono::DateTime<chrono::Utc>) -> Result<Option<Posted>, SlackError> {
        let conversation = self.conversation(channel).await?;
        Ok(self
            .history(&conversation, since)
            .await?
            .iter()
            .find(|m| {
                m.content.metadata.as_ref().is_some_and(|meta| {
                    meta.event_type == crate::app::slack_api::METADATA_EVENT
                        && meta.event_payload.as_ref().and_then(|p| p.get("dedupe_key")).is_some_and(|k| k == key)
                })
            })
            .map(|m| Posted { channel: conversation.clone(), ts: m.origin.ts.to_string() }))
    }

    async fn upload_file(&self, file: &FileUpload<'_>) -> Result<String, SlackError> {
        let request = SlackApiFilesGetUploadUrlExternalRequest::new(file.filename.to_string(), file.bytes.len())
            .with_alt_txt(file.alt_text.to_string());
        let target = observed("files.getUploadURLExternal", self.session().get_upload_url_external(&request)).await?;
        let started = Instant::now();
        let sent = self
            .uploads
            .post(target.upload_url.value().clone())
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(file.bytes.to_vec())
            .send()
            .await;
        metrics::histogram!("planbot_slack_api_seconds", "method" => "upload").record(started.elapsed().as_secs_f64());
        let failed = |code: String| {
            metrics::counter!("planbot_slack_api_errors_total", "method" => "upload", "error" => code.clone()).increment(1);
            code
        };
        match sent {
            Ok(answer) if answer.status().is_success() => Ok(target.file_id.to_string()),
            Ok(answer) if answer.status().is_client_error() => {
                Err(SlackError::Refused { code: failed(format!("upload_http_{}", answer.status().as_u16())) })
            }
            Ok(answer) => Err(SlackError::Unreachable(failed(format!("the upload answered {}", answer.status())))),
            Err(err) => Err(SlackError::Unreachable(failed(format!("the upload failed: {err}")))),
        }
    }

    async fn share_file(&self, channel: &str, file_id: &str, title: &str, comment: &str) -> Result<String, SlackError> {
        // Only a conversation id will do (a user id is refused): a DM is opened first.
        let conversation = self.conversation(channel).await?;
        let request = SlackApiFilesCompleteUploadExternalRequest::new(vec![
            SlackApiFilesComplete::new(file_id.into()).with_title(title.to_string()),
        ])
        .with_channel_id(conversation.clone().into())
        .with_initial_comment(comment.to_string());
        observed("files.completeUploadExternal", self.session().files_complete_upload_external(&request)).await?;
        Ok(conversation)
    }

    async fn find_shared(&self, channel: &str, file_id: &str, since: chrono::DateTime<chrono::Utc>) -> Result<Option<String>, SlackError> {
        let conversation = self.conversation(channel).await?;
        let shared = self
            .history(&conversation, since)
            .await?
            .iter()
            .any(|m| m.content.files.as_ref().is_some_and(|files| files.iter().any(|f| f.id.to_string() == file_id)));
        Ok(shared.then_some(conversation))
    }

    async fn update_message(&self, channel: &str, ts: &str, message: &MessageContent) -> Result<(), SlackError> {
        let request = SlackApiChatUpdateRequest::new(channel.into(), content(message), ts.into());
        observed("chat.update", self.session().chat_update(&request)).await.map(|_| ())
    }

    async fn post_ephemeral(&self, channel: &str, user: &str, message: &MessageContent) -> Result<(), SlackError> {
        let request = SlackApiChatPostEphemeralRequest::new(channel.into(), user.into(), content(message));
        observed("chat.postEphemeral", self.session().chat_post_ephemeral(&request)).await.map(|_| ())
    }

    async fn respond(&self, response_url: &str, message: &MessageContent, replace_original: bool) -> Result<(), SlackError> {
        let url: url::Url = response_url.parse().map_err(|_| SlackError::Refused { code: "invalid_response_url".into() })?;
        let request = SlackApiPostWebhookMessageRequest::new(content(message)).with_replace_original(replace_original);
        observed("response_url", self.client.respond_to_event(&url.into(), &request)).await.map(|_| ())
    }

    async fn open_view(&self, trigger_id: &str, view: &SlackView) -> Result<(), SlackError> {
        let request = SlackApiViewsOpenRequest::new(trigger_id.into(), view.clone());
        observed("views.open", self.session().views_open(&request)).await.map(|_| ())
    }

    async fn publish_home(&self, user: &str, view: &SlackView) -> Result<(), SlackError> {
        let request = SlackApiViewsPublishRequest::new(user.into(), view.clone());
        observed("views.publish", self.session().views_publish(&request)).await.map(|_| ())
    }

    async fn user_info(&self, user: &str) -> Result<SlackPerson, SlackError> {
        let request = SlackApiUsersInfoRequest::new(user.into());
        let found = observed("users.info", self.session().users_info(&request)).await?;
        Ok(person(found.user))
    }

    async fn lookup_by_email(&self, email: &str) -> Result<Option<SlackPerson>, SlackError> {
        let request = SlackApiUsersLookupByEmailRequest::new(email.into());
        match observed("users.lookupByEmail", self.session().users_lookup_by_email(&request)).await {
            Ok(found) => Ok(Some(person(found.user))),
            Err(SlackError::Refused { code }) if code == "users_not_found" => Ok(None),
            Err(err) => Err(err),
        }
    }

    async fn auth_test(&self) -> Result<BotIdentity, SlackError> {
        let identity = observed("auth.test", self.session().auth_test()).await?;
        Ok(BotIdentity { team_id: identity.team_id.to_string(), bot_user_id: Some(identity.user_id.to_string()) })
    }
}

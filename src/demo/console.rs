//! The demo's Slack: prints what Slack would show instead of calling it.

use std::collections::HashMap;
use std::path::PathBuf;

use async_trait::async_trait;
use slack_morphism::prelude::SlackView;

use super::data::people;
use crate::app::slack_api::{BotIdentity, FileUpload, MessageContent, Posted, SlackApi, SlackError, SlackPerson};
use crate::render::blocks::to_text;

/// Prints messages and views as text, naming demo people by name.
pub struct ConsoleSlack {
    names: HashMap<String, String>,
    /// When set, DMs to anyone else are shown as one line (their
    /// notification text), so the demo person's own view stays readable.
    focus: Option<String>,
    /// Prints nothing: for what was sent before the demo begins.
    unseen: bool,
    /// Counts messages by where they went instead of printing them.
    tally: Option<std::sync::Mutex<std::collections::BTreeMap<String, usize>>>,
    /// Where uploaded pictures are written, and the files uploaded so far
    /// (file id → path).
    files_dir: PathBuf,
    files: std::sync::Mutex<HashMap<String, PathBuf>>,
}

impl Default for ConsoleSlack {
    fn default() -> Self {
        ConsoleSlack {
            names: people().iter().map(|p| (p.slack_id.clone(), p.name.clone())).collect(),
            focus: None,
            unseen: false,
            tally: None,
            files_dir: std::env::temp_dir().join("planbot-demo"),
            files: Default::default(),
        }
    }
}

impl ConsoleSlack {
    /// Shows DMs to `slack_id` and channel messages in full, others in brief.
    pub fn focused_on(slack_id: &str) -> Self {
        ConsoleSlack { focus: Some(slack_id.to_string()), ..ConsoleSlack::default() }
    }

    /// Counts the messages it is sent by where they went ([`ConsoleSlack::counted`]).
    pub fn counting() -> Self {
        ConsoleSlack { tally: Some(Default::default()), ..ConsoleSlack::default() }
    }

    /// Where the messages went and how many, when counting.
    pub fn counted(&self) -> Vec<(String, usize)> {
        match &self.tally {
            Some(tally) => tally.lock().unwrap_or_else(|p| p.into_inner()).iter().map(|(k, v)| (k.clone(), *v)).collect(),
            None => Vec::new(),
        }
    }

    /// Writes the pictures planbot uploads into `dir`.
    pub fn with_files_in(mut self, dir: PathBuf) -> Self {
        self.files_dir = dir;
        self
    }

    /// Takes the messages it is sent and shows none of them.
    pub fn unseen() -> Self {
        ConsoleSlack { unseen: true, ..ConsoleSlack::default() }
    }

    fn in_brief(&self, channel: &str) -> bool {
        self.focus.as_deref().is_some_and(|focus| focus != channel && self.names.contains_key(channel))
    }

    /// A message as Slack would show it, as text.
    pub fn render(&self, content: &MessageContent) -> String {
        let blocks = serde_json::to_value(&content.blocks).unwrap_or_default();
        let text = to_text(&blocks, &self.names);
        if text.trim().is_empty() { to_text(&serde_json::json!([{"type": "section", "text": {"text": content.text}}]), &self.names) } else { text }
    }

    /// A view (modal or Home tab) as text.
    pub fn render_view(&self, view: &SlackView) -> String {
        let json = serde_json::to_value(view).unwrap_or_default();
        let title = json["title"]["text"].as_str().unwrap_or("App Home");
        format!("┌─ {title} ─\n{}", to_text(&json["blocks"], &self.names))
    }

    fn where_to(&self, channel: &str) -> String {
        match self.names.get(channel) {
            Some(name) => format!("DM to {name}"),
            None => format!("#{channel}"),
        }
    }

    fn person(&self, slack_id: &str) -> Option<SlackPerson> {
        people().iter().find(|p| p.slack_id == slack_id || p.email == slack_id).map(|p| SlackPerson {
            id: p.slack_id.clone(),
            team_id: Some(DEMO_TEAM.into()),
            email: Some(p.email.clone()),
            name: p.name.clone(),
            tz: Some(p.tz.clone()),
            is_bot: false,
        })
    }
}

pub const DEMO_TEAM: &str = "T0DEMO";

#[async_trait]
impl SlackApi for ConsoleSlack {
    async fn post_message(&self, channel: &str, content: &MessageContent) -> Result<Posted, SlackError> {
        if let Some(tally) = &self.tally {
            *tally.lock().unwrap_or_else(|p| p.into_inner()).entry(self.where_to(channel)).or_default() += 1;
        } else if self.unseen {
            // Sent before the demo began.
        } else if self.in_brief(channel) {
            println!("── planbot → {}: {}", self.where_to(channel), content.text);
        } else {
            println!("\n── planbot → {} ──\n{}", self.where_to(channel), self.render(content));
        }
        Ok(Posted { channel: channel.into(), ts: format!("{}.000000", chrono::Utc::now().timestamp()) })
    }

    async fn update_message(&self, channel: &str, _ts: &str, content: &MessageContent) -> Result<(), SlackError> {
        println!("\n── planbot updates its message in {} ──\n{}", self.where_to(channel), self.render(content));
        Ok(())
    }

    async fn post_ephemeral(&self, channel: &str, user: &str, content: &MessageContent) -> Result<(), SlackError> {
        let name = self.names.get(user).map(String::as_str).unwrap_or(user);
        println!("\n── planbot → {} (only {name} sees this) ──\n{}", self.where_to(channel), self.render(content));
        Ok(())
    }

    async fn respond(&self, _url: &str, content: &MessageContent, _replace: bool) -> Result<(), SlackError> {
        println!("\n{}", self.render(content));
        Ok(())
    }

    async fn open_view(&self, _trigger_id: &str, view: &SlackView) -> Result<(), SlackError> {
        println!("\n(Slack opens a form)\n{}", self.render_view(view));
        Ok(())
    }

    async fn publish_home(&self, user: &str, view: &SlackView) -> Result<(), SlackError> {
        let name = self.names.get(user).map(String::as_str).unwrap_or(user);
        println!("\n── App Home of {name} ──\n{}", self.render_view(view));
        Ok(())
    }

    async fn user_info(&self, user: &str) -> Result<SlackPerson, SlackError> {
        self.person(user).ok_or_else(|| SlackError::Refused { code: "user_not_found".into() })
    }

    async fn lookup_by_email(&self, email: &str) -> Result<Option<SlackPerson>, SlackError> {
        Ok(self.person(email))
    }

    async fn auth_test(&self) -> Result<BotIdentity, SlackError> {
        Ok(BotIdentity { team_id: DEMO_TEAM.into(), bot_user_id: Some("U0PLANBOT".into()) })
    }

    /// A picture is written to a file (Slack would show it).
    async fn upload_file(&self, file: &FileUpload<'_>) -> Result<String, SlackError> {
        let path = self.files_dir.join(file.filename);
        std::fs::create_dir_all(&self.files_dir)
            .and_then(|()| std::fs::write(&path, file.bytes))
            .map_err(|err| SlackError::Unreachable(format!("could not write {}: {err}", path.display())))?;
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        let id = format!("F{:04}", files.len() + 1);
        files.insert(id.clone(), path);
        Ok(id)
    }

    async fn share_file(&self, channel: &str, file_id: &str, title: &str, comment: &str) -> Result<String, SlackError> {
        let path = self.files.lock().unwrap_or_else(|p| p.into_inner()).get(file_id).cloned();
        let Some(path) = path else { return Err(SlackError::Refused { code: "file_not_found".into() }) };
        if let Some(tally) = &self.tally {
            *tally.lock().unwrap_or_else(|p| p.into_inner()).entry(self.where_to(channel)).or_default() += 1;
        } else if !self.unseen {
            println!("\n── planbot → {} ──\n{comment}\n[picture: {title} — open {}]", self.where_to(channel), path.display());
        }
        Ok(channel.to_string())
    }
}

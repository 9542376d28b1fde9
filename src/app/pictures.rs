//! The account's two pictures in Slack: asking for one puts an upload in
//! the outbox (once, retried, never twice), and the outbox worker draws it
//! when it is sent, from the account as it is then. An unchanged picture is
//! not drawn again: [`Pictures`] keeps the last PNG of each map by the
//! version of what it shows.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use lru::LruCache;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use super::{App, Caller, Place, Reply};
use crate::domain::exchange::{Picture, file_stem};
use crate::render::MessageContent;
use crate::store::accounts::Account;
use crate::store::{self, outbox};

/// A picture ready to upload.
#[derive(Debug)]
pub struct Drawn {
    pub png: Vec<u8>,
    /// `acme-corp-relationships.png`
    pub filename: String,
    /// "Acme Corp — relationship map"
    pub title: String,
    /// What the picture shows, in words, for screen readers and notifications.
    pub alt: String,
}

/// Pictures kept at most (the most recently used); one is a few hundred KB.
const KEPT: usize = 32;

/// The last drawing of each account's maps, by the version of what they
/// show. The version is a hash of the SVG planbot writes from the account's
/// rows: it changes exactly when the picture would (a contact or row
/// changed, someone left, a new day in the footer), and rasterizing, the
/// expensive step, is skipped when it has not.
#[derive(Clone)]
pub struct Pictures {
    kept: Arc<Mutex<LruCache<(i64, Picture), Kept>>>,
}

/// A drawing and the version of what it shows.
type Kept = (String, Arc<Drawn>);

impl Default for Pictures {
    fn default() -> Self {
        Pictures { kept: Arc::new(Mutex::new(LruCache::new(NonZeroUsize::new(KEPT).expect("KEPT is not zero")))) }
    }
}

impl Pictures {
    /// The picture of an account as it is now, dated `on`; `None` when the
    /// account no longer exists.
    pub async fn draw(&self, pool: &PgPool, account_id: i64, map: Picture, on: NaiveDate) -> anyhow::Result<Option<Arc<Drawn>>> {
        let Some(account) = store::accounts::by_id(pool, account_id).await? else { return Ok(None) };
        let mut conn = pool.acquire().await?;
        let (svg, alt) = match map {
            Picture::Relationships => {
                let contacts = store::contacts::for_account(&mut conn, account_id).await?;
                (crate::render::pictures::people_svg(&account.name, &contacts, on), crate::render::pictures::people_alt(&account.name, &contacts))
            }
            Picture::Whitespace => {
                let rows = store::whitespace::for_account(&mut conn, account_id).await?;
                (crate::render::pictures::whitespace_svg(&account.name, &rows, on), crate::render::pictures::whitespace_alt(&account.name, &rows, on))
            }
        };
        drop(conn);
        let version = hex(&Sha256::digest(svg.as_bytes()));
        if let Some((kept_version, drawn)) = self.kept.lock().expect("the picture cache lock").get(&(account_id, map))
            && *kept_version == version
        {
            metrics::counter!("planbot_pictures_total", "map" => map.key(), "drawn" => "no").increment(1);
            return Ok(Some(drawn.clone()));
        }
        // Rasterizing a large map takes tens of milliseconds: off the async threads.
        let png = tokio::task::spawn_blocking(move || crate::render::pictures::png(&svg)).await??;
        metrics::counter!("planbot_pictures_total", "map" => map.key(), "drawn" => "yes").increment(1);
        let drawn = Arc::new(Drawn {
            png,
            filename: format!("{}-{}.png", file_stem(&account.name), map.key()),
            title: format!("{} — {}", account.name, map.title()),
            alt,
        });
        self.kept.lock().expect("the picture cache lock").put((account_id, map), (version, drawn.clone()));
        Ok(Some(drawn))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl App {
    /// Sends a picture of the account: into the channel it was asked in
    /// when that is the account's own channel, else into the asker's DM,
    /// through the outbox. The answer says where it will appear.
    pub async fn picture(&self, caller: &Caller, place: &Place, account: &Account, map: Picture, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let in_linked_channel = matches!(place, Place::Channel(here) if account.slack_channel.as_deref() == Some(here.as_str()));
        let (target, whereto) = match place {
            Place::Channel(here) if in_linked_channel => (outbox::Target::Channel(here.clone()), "here".to_string()),
            Place::Direct => (outbox::Target::User(caller.user.user_id), "here".to_string()),
            // Asked somewhere else: the picture may only be seen by the asker.
            Place::Channel(_) => (outbox::Target::User(caller.user.user_id), "in your DM with me".to_string()),
        };
        let comment = match (&target, &caller.user.slack_id) {
            (outbox::Target::Channel(_), Some(slack_id)) => {
                format!("The {} of *{}*, as of today, for <@{slack_id}>.", map.title(), account.name)
            }
            _ => format!("The {} of *{}*, as of today.", map.title(), account.name),
        };
        let message = outbox::NewMessage {
            kind: "picture",
            target,
            payload: outbox::Payload {
                content: MessageContent::new(comment, Vec::new()),
                delivery: outbox::Delivery::Upload { account_id: account.account_id, map, on: caller.today(now), file_id: None },
            },
            // Asking twice in the same half-minute window of the clock (a
            // double click, a question and a button) sends one picture; two
            // asks either side of a window's end send two.
            dedupe_key: format!("picture:{}:{}:{}:{}", map.key(), account.account_id, caller.user.user_id, now.timestamp() / 30),
            // A moment after the answer saying it is coming, which goes out
            // through the outbox too: in the same conversation the answer
            // comes first.
            run_at: now + chrono::Duration::seconds(1),
        };
        let mut conn = self.pool.acquire().await?;
        let new = outbox::enqueue(&mut conn, &message).await?;
        drop(conn);
        self.wake_outbox();
        Ok(Reply::note(if new {
            format!("Drawing the {} of *{}*; it will appear {whereto} in a moment.", map.title(), account.name)
        } else {
            format!("I'm already sending the {} of *{}* {whereto} (or just did); ask again in half a minute for a new one.", map.title(), account.name)
        }))
    }

    /// A picture asked for by a button (the value is the account id).
    pub async fn picture_by_id(&self, caller: &Caller, place: &Place, account_id: i64, map: Picture, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        match self.visible_account(caller, account_id).await? {
            Some(account) => self.picture(caller, place, &account, map, now).await,
            None => Ok(Reply::note(super::answers::NOT_VISIBLE)),
        }
    }
}

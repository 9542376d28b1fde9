//! The application layer: **every answer and every change starts here**,
//! whatever the transport. The Slack handlers (HTTP and Socket Mode), the
//! demo and the tests call these same functions and only differ in how they
//! deliver the [`Reply`]. Who is asking, what they may see, which rules a
//! change must pass and what is written all live here, once.
//!
//! May import: [`crate::domain`] (parsing and rules), [`crate::store`] (all
//! SQL), [`crate::render`] (what the answer looks like), and the Slack Web
//! API trait. The transports (`slack/`, `api/`, `demo/`) call down into it;
//! nothing here knows how a request arrived. The clock is read by the
//! caller, once per request, and passed down as `now`.

mod answers;
mod batch;
mod callers;
mod changes;
mod confirm;
mod conversation;
pub mod editing;
pub mod forms;
mod intel;
mod known;
pub mod item_writer;
pub mod items;
pub mod pictures;
pub mod slack_api;
mod plan_command;
mod review;
mod team;

pub use answers::{AccountItems, AccountPart, NOT_VISIBLE};
pub use confirm::Confirmation;
pub use plan_command::{AddProblem, Added, added_text};

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use slack_morphism::prelude::SlackView;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::domain::names::{self, Candidate, NameMatch};
use crate::app::slack_api::{MessageContent, SlackApi};
use item_writer::ItemWriter;
use crate::store::accounts::{self, Account, AccountRef, CallerQuery, CallerView, Viewer};
use batch::Batcher;
use crate::db::HotPath;
use crate::store::users::User;
use crate::store::{self, Actor};
use crate::render;

/// planbot's answers. Cheap to clone: one per request is fine.
#[derive(Clone)]
pub struct App {
    pub pool: PgPool,
    pub slack: Arc<dyn SlackApi>,
    admins: Arc<HashSet<String>>,
    /// Writes the items people add, together when many arrive at once.
    items: ItemWriter,
    /// Each Slack user's time zone when planbot last looked them up: a
    /// guess, checked against the database, that lets `/plan add` read its
    /// dates before the caller's row is back (see `quick_add`).
    tz_hints: Arc<std::sync::Mutex<HashMap<String, Tz>>>,
    /// Looks up callers and the accounts they name, together when many ask at once.
    callers: CallerLookup,
    /// Callers and the one account they named, as last read, to add items
    /// there without looking them up again (see `quick_add`).
    known: Arc<known::KnownCallers>,
    /// Adds items from those, together when many arrive at once.
    known_adds: KnownAdds,
    /// When this process last asked Slack about each person.
    slack_sync: Arc<callers::SyncGate>,
    /// Work that outlives a request (batches in flight, Slack look-ups);
    /// shutdown waits for it.
    tasks: TaskTracker,
    /// Account tiers that are key besides rank 1 (`PLANBOT_KEY_TIERS`).
    key_tiers: Arc<Vec<String>>,
    /// Wakes this process's outbox worker when a message is enqueued.
    outbox_wake: Arc<tokio::sync::Notify>,
}

/// Where the app runs work that must finish before the process exits, and
/// the signal that it should stop taking more. Tests and the demo can use
/// the default (nobody waits, nothing is cancelled).
#[derive(Debug, Clone, Default)]
pub struct Background {
    pub tasks: TaskTracker,
    pub shutdown: CancellationToken,
}

/// The person asking, as planbot knows them.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub is_admin: bool,
}

impl Caller {
    pub fn viewer(&self) -> Viewer {
        Viewer { user_id: self.user.user_id, is_admin: self.is_admin }
    }

    pub fn tz(&self) -> Tz {
        self.user.time_zone()
    }

    /// The caller's own date at `now`: what "today", "overdue" and "friday" mean to them.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.tz()).date_naive()
    }

    pub fn actor(&self) -> Actor {
        Actor::slack_user(self.user.user_id)
    }
}

/// Where a question was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// planbot's DM with the caller.
    Direct,
    /// A channel (or a group DM) with this id.
    Channel(String),
}

/// An answer, and whether only the caller may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub ephemeral: bool,
    pub content: MessageContent,
}

impl Reply {
    /// Seen by the caller only.
    pub fn private(content: MessageContent) -> Self {
        Reply { ephemeral: true, content }
    }

    /// Seen by everyone where it was asked.
    pub fn public(content: MessageContent) -> Self {
        Reply { ephemeral: false, content }
    }

    /// A one-paragraph answer seen by the caller only.
    pub fn note(text: impl Into<String>) -> Self {
        Reply::private(MessageContent::plain(text))
    }
}

/// What a slash command leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Reply(Reply),
    /// A modal to open with the command's `trigger_id`.
    OpenView(Box<SlackView>),
    /// A form to open (a modal in Slack, lines to fill in the demo).
    OpenForm(Box<crate::render::forms::Form>),
}

/// What a lookup on the way to an answer found: the thing itself, or the
/// reply that ends the request there (a name that matches nothing, or
/// something the caller may not see).
#[derive(Debug, Clone, PartialEq)]
pub enum Found<T> {
    It(T),
    Answer(Reply),
}

/// What a typed account name was taken to mean when it was not the
/// account's own name (a forgiven typo, a part of a longer name), kept
/// while a command runs so that its reply can say so.
#[derive(Default)]
pub(super) struct Understood(Option<(String, Account)>);

impl Understood {
    pub(super) fn note(&mut self, typed: &str, account: &Account) {
        self.0 = Some((typed.to_owned(), account.clone()));
    }

    /// Ends the reply with what planbot understood, if it guessed.
    pub(super) fn say(self, reply: &mut Reply) {
        if let Some((typed, account)) = self.0 {
            say_what_was_understood(reply, &typed, &account);
        }
    }

    /// The same for a command's outcome when it is a reply (a form opened
    /// for the account names it).
    pub(super) fn said_in(self, mut outcome: Outcome) -> Outcome {
        if let Outcome::Reply(reply) = &mut outcome {
            self.say(reply);
        }
        outcome
    }
}

/// When the name typed is not the account's (a typo planbot forgave), the
/// reply ends by saying which account it understood, so nothing is misread
/// silently.
pub(super) fn say_what_was_understood(reply: &mut Reply, typed: &str, account: &Account) {
    if names::match_key(typed) == names::match_key(&account.name) {
        return;
    }
    let note = format!("_I took “{}” to mean *{}*._", render::blocks::escape(typed.trim()), render::blocks::escape(&account.name));
    if reply.content.blocks.len() < render::blocks::limits::MESSAGE_BLOCKS {
        reply.content.blocks.push(render::blocks::context(&note));
    }
    // The plain text is written out, not the note stripped of its marks,
    // which would also strip an account name's own underscores.
    reply.content.text = format!("{} (I took “{}” to mean {}.)", reply.content.text, typed.trim(), account.name);
}

/// The account a name refers to, among those the caller may see.
#[derive(Debug, Clone, PartialEq)]
pub enum AccountChoice {
    One(Account),
    Several(Vec<AccountRef>),
    NotFound,
}

type CallerLookup = Batcher<CallerQuery, sqlx::Result<Option<CallerView>>>;
type KnownAdds = Batcher<accounts::KnownAdd, sqlx::Result<accounts::KnownAdded>>;

/// A batcher of `/plan add`s written from remembered lookups (see `known`),
/// on the hot path's own connections. A batch that fails is asked again
/// one add at a time; an add that was written after all before the failure
/// is then found as the same item added moments ago, and asked about.
fn known_adds(hot: HotPath, background: &Background) -> KnownAdds {
    Batcher::new("remembered_adds", background, move |adds: Vec<accounts::KnownAdd>| {
        let hot = hot.clone();
        async move {
            let source = crate::store::Actor::SLACK;
            match on_hot_path(&hot, async |db| accounts::add_known(db, &adds, source).await).await {
                Ok(answers) => answers.into_iter().map(Ok).collect(),
                Err(err) => {
                    tracing::warn!(error = %err, adds = adds.len(), "a batch of remembered adds failed; adding one by one");
                    let mut answers = Vec::with_capacity(adds.len());
                    for add in &adds {
                        let one = std::slice::from_ref(add);
                        answers.push(on_hot_path(&hot, async |db| accounts::add_known(db, one, source).await).await.map(|mut a| a.remove(0)));
                    }
                    answers
                }
            }
        }
    })
}

/// Runs one statement on a connection of `hot`, and hands the connection
/// back according to how it went (see [`crate::db::HotConnection::done`]).
async fn on_hot_path<T>(hot: &HotPath, statement: impl AsyncFnOnce(&mut sqlx::PgConnection) -> sqlx::Result<T>) -> sqlx::Result<T> {
    let mut connection = hot.acquire().await?;
    let result = statement(&mut connection).await;
    connection.done(&result);
    result
}

/// A batcher of `/plan add`'s caller-and-account lookups (which add the
/// item at once when nothing stands in the way), on the hot path's own
/// connections (see [`crate::db::HotPath`]). A batch that fails is asked again one
/// query at a time, so each caller gets their own answer (or error).
fn caller_lookup(hot: HotPath, background: &Background) -> CallerLookup {
    Batcher::new("caller_lookups", background, move |queries: Vec<CallerQuery>| {
        let hot = hot.clone();
        async move {
            let source = crate::store::Actor::SLACK;
            match on_hot_path(&hot, async |db| accounts::callers_and_exact(db, &queries, source).await).await {
                Ok(answers) => answers.into_iter().map(Ok).collect(),
                Err(err) => {
                    tracing::warn!(error = %err, queries = queries.len(), "a batch of caller lookups failed; asking one by one");
                    let mut answers = Vec::with_capacity(queries.len());
                    for query in &queries {
                        let one = std::slice::from_ref(query);
                        answers.push(
                            on_hot_path(&hot, async |db| accounts::callers_and_exact(db, one, source).await).await.map(|mut a| a.pop().flatten()),
                        );
                    }
                    answers
                }
            }
        }
    })
}

impl App {
    pub fn new(pool: PgPool, slack: Arc<dyn SlackApi>, admins: impl IntoIterator<Item = String>, background: Background) -> Self {
        let hot_path = HotPath::new(&pool);
        App {
            items: ItemWriter::new(pool.clone(), &background),
            callers: caller_lookup(hot_path.clone(), &background),
            known: Arc::default(),
            known_adds: known_adds(hot_path, &background),
            pool,
            slack,
            admins: Arc::new(admins.into_iter().collect()),
            tz_hints: Arc::default(),
            slack_sync: Arc::default(),
            tasks: background.tasks,
            key_tiers: Arc::default(),
            outbox_wake: Arc::default(),
        }
    }

    /// Shares the outbox worker's wake-up with this process's transports.
    pub fn with_outbox_wake(mut self, wake: Arc<tokio::sync::Notify>) -> Self {
        self.outbox_wake = wake;
        self
    }

    /// The notify the outbox worker waits on.
    pub fn outbox_wake(&self) -> Arc<tokio::sync::Notify> {
        self.outbox_wake.clone()
    }

    /// How many `/plan add`s this replica has written from a remembered
    /// lookup (see `known`); `/metrics` counts them too, as
    /// `planbot_plan_adds_total{way="remembered"}`.
    pub fn adds_from_memory(&self) -> u64 {
        self.known.written()
    }

    /// Tells the outbox worker a message is waiting, rather than leaving it to its next look.
    fn wake_outbox(&self) {
        self.outbox_wake.notify_one();
    }

    /// The account tiers that are key besides rank 1: key accounts should have a plan.
    pub fn with_key_tiers(mut self, tiers: &[String]) -> Self {
        self.key_tiers = Arc::new(tiers.iter().map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()).collect());
        self
    }

    fn caller_from(&self, user: User) -> Caller {
        let is_admin = user.role == crate::domain::enums::UserRole::Admin
            || user.slack_id.as_ref().is_some_and(|id| self.admins.contains(id));
        if let Some(slack_id) = &user.slack_id {
            let mut hints = self.tz_hints.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if hints.get(slack_id) != Some(&user.time_zone()) {
                hints.insert(slack_id.clone(), user.time_zone());
            }
        }
        Caller { user, is_admin }
    }

    /// The person with a Slack id and the accounts they may see by one
    /// exact name, asked together with whoever else asks at the same time.
    async fn caller_and_exact(&self, query: CallerQuery) -> sqlx::Result<Option<CallerView>> {
        match self.callers.call(query.clone()).await {
            Some(answer) => answer,
            None => accounts::callers_and_exact(&self.pool, &[query], crate::store::Actor::SLACK).await.map(|mut answers| answers.pop().flatten()),
        }
    }

    fn tz_hint(&self, slack_user_id: &str) -> Option<Tz> {
        self.tz_hints.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(slack_user_id).copied()
    }

    /// Finds the account a typed name means, among those the caller may see.
    pub async fn find_account(&self, caller: &Caller, asked: &str) -> anyhow::Result<AccountChoice> {
        let mut found = accounts::visible_candidates(&self.pool, caller.viewer(), asked).await?;
        let candidates: Vec<Candidate> =
            found.iter().map(|a| Candidate { id: a.account_id, name: a.name.as_str() }).collect();
        Ok(match names::resolve(asked, &candidates) {
            NameMatch::One(id) => match found.iter().position(|a| a.account_id == id) {
                Some(index) => AccountChoice::One(found.swap_remove(index)),
                None => AccountChoice::NotFound,
            },
            NameMatch::Choose(ids) => AccountChoice::Several(
                ids.iter()
                    .filter_map(|id| found.iter().find(|a| a.account_id == *id))
                    .map(|a| AccountRef { account_id: a.account_id, name: a.name.clone() })
                    .collect(),
            ),
            NameMatch::NoMatch => self.one_typo_away(caller, asked).await?,
        })
    }

    /// A name one typo away from exactly one visible account means it; from
    /// several, a choice is offered.
    async fn one_typo_away(&self, caller: &Caller, asked: &str) -> anyhow::Result<AccountChoice> {
        let mut all = accounts::visible_all(&self.pool, caller.viewer(), 50_000).await?;
        let candidates: Vec<Candidate> = all.iter().map(|a| Candidate { id: a.account_id, name: a.name.as_str() }).collect();
        let ids = names::one_typo_away(asked, &candidates);
        Ok(match ids.as_slice() {
            [] => AccountChoice::NotFound,
            [one] => match all.iter().position(|a| a.account_id == *one) {
                Some(index) => AccountChoice::One(all.swap_remove(index)),
                None => AccountChoice::NotFound,
            },
            several => AccountChoice::Several(
                several
                    .iter()
                    .filter_map(|id| all.iter().find(|a| a.account_id == *id))
                    .take(5)
                    .map(|a| AccountRef { account_id: a.account_id, name: a.name.clone() })
                    .collect(),
            ),
        })
    }

    /// The summary of an account the caller asked for by id (a button), or
    /// the same "not found" as for a name when they may not see it.
    pub async fn summary_by_id(&self, caller: &Caller, place: &Place, account_id: i64, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        match accounts::visible_by_id(&self.pool, caller.viewer(), account_id).await? {
            Some(account) => self.summary(caller, place, &account, now).await,
            None => Ok(Reply::note(NOT_VISIBLE)),
        }
    }

    /// The summary of an account the caller may see, read at a glance: a
    /// dozen lines of what needs attention, and buttons to each part in
    /// full. In a channel it is private unless the channel is linked to
    /// that account.
    pub async fn summary(&self, caller: &Caller, place: &Place, account: &Account, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let today = caller.today(now);
        let data = store::summary::gather(&self.pool, account.account_id, today)
            .await?
            .ok_or_else(|| anyhow::anyhow!("account {} vanished while its summary was gathered", account.account_id))?;
        let content = MessageContent::new(
            render::answers::summary_text(&data, today),
            render::answers::summary(&data, now, caller.tz()),
        );
        Ok(if answers::shared_in(place, account) { Reply::public(content) } else { Reply::private(content) })
    }

    /// "Summarize my accounts": one summary, or a list with a button each.
    async fn my_accounts(&self, caller: &Caller, place: &Place, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let today = caller.today(now);
        let mine = accounts::overview_for_member(&self.pool, caller.user.user_id, today).await?;
        match mine.as_slice() {
            [] => Ok(Reply::note(
                "You're not on any account team yet, so I have no accounts to summarize for you. \
                 Ask for one by name, like `summary of Acme`, or ask your admin to add you to a team.",
            )),
            [only] => self.summary_by_id(caller, place, only.account_id, now).await,
            several => Ok(Reply::private(MessageContent::new(
                format!("Your {} accounts", several.len()),
                render::accounts::my_accounts(several, today),
            ))),
        }
    }

    /// The summary for a name, or the choice between several, or "not found".
    async fn summary_for_name(&self, caller: &Caller, place: &Place, asked: &str, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        match self.find_account(caller, asked).await? {
            AccountChoice::One(account) => {
                let mut reply = self.summary(caller, place, &account, now).await?;
                say_what_was_understood(&mut reply, asked, &account);
                Ok(reply)
            }
            AccountChoice::Several(choices) => Ok(Reply::private(MessageContent::new(
                format!("Which account did you mean by “{asked}”?"),
                render::accounts::choose_account(asked, &choices),
            ))),
            AccountChoice::NotFound => Ok(Reply::note(render::accounts::not_found_text(asked))),
        }
    }
}

impl App {
    /// A person's App Home as it stands at `now`.
    pub async fn home(&self, caller: &Caller, now: DateTime<Utc>) -> anyhow::Result<SlackView> {
        let windows = crate::domain::horizons::HomeWindows::on(caller.today(now));
        let data = crate::store::home::gather(&self.pool, caller.user.user_id, &windows).await?;
        Ok(crate::render::home::render(&data, &caller.user.display_name, now, caller.tz()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guessed_account_is_named_in_the_blocks_and_the_plain_text_as_it_is_written() {
        let account = Account::example(7, "Big_Co & Sons");
        let mut reply = Reply::note("Added `#1`.");
        say_what_was_understood(&mut reply, " bigco and sons ", &account);
        assert_eq!(reply.content.text, "Added `#1`. (I took “bigco and sons” to mean Big_Co & Sons.)");
        let shown = serde_json::to_string(&reply.content.blocks).unwrap();
        assert!(shown.contains("I took “bigco and sons” to mean *Big_Co &amp; Sons*"), "{shown}");

        // Written as the account is named (case and spacing aside), nothing is added.
        let mut reply = Reply::note("Added `#2`.");
        say_what_was_understood(&mut reply, "big_co & SONS", &account);
        assert_eq!(reply.content.text, "Added `#2`.");
        assert_eq!(reply.content.blocks.len(), 1);
    }
}

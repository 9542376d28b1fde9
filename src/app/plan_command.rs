//! The `/plan` slash command.
//!
//! It owns turning a parsed command into a reply: parsing is
//! `crate::domain`'s (commands, follow targets, the intel vocabulary),
//! storage `crate::store`'s and the Slack blocks `crate::render`'s.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::editing::StatusChange;
use super::items::{ItemChange, ItemResult};
use super::{AccountChoice, App, Caller, Found, Outcome, Place, Reply, Understood, confirm};
use crate::domain::people::Person;
use crate::domain::command::{self, ActionsScope, NewItem, PlanCommand};
use crate::domain::follow::parse_follow_target;
use crate::domain::intent::ActionFilter;
use crate::domain::when::describe_due;
use crate::domain::enums::IntelCategory;
use crate::render::MessageContent;
use crate::store::accounts::{self, Account};
use crate::store::actions::{self, ActionItem, AddError, NewAction};
use crate::store::subscriptions::{self, Follower};
use crate::render;
use crate::render::modals::ModalContext;

impl App {
    /// Runs `/plan <text>` for the caller. Every mistake is answered with what
    /// was wrong and how to write it, and changes nothing.
    pub async fn plan_command(&self, caller: &Caller, place: &Place, text: &str, now: DateTime<Utc>) -> anyhow::Result<Outcome> {
        if !crate::domain::validate::storable(text) {
            return Ok(Outcome::Reply(Reply::note(crate::domain::validate::UNSTORABLE)));
        }
        let today = caller.today(now);
        let command = match command::parse_plan_command(text, today) {
            Ok(command) => command,
            Err(usage) => return Ok(Outcome::Reply(Reply::note(usage.message()))),
        };
        let mut understood = Understood::default();
        let mut reply = match command {
            PlanCommand::Help => Reply::note(command::USAGE),
            PlanCommand::Summary { account: None } => self.my_accounts(caller, place, now).await?,
            PlanCommand::Summary { account: Some(name) } => self.summary_for_name(caller, place, &name, now).await?,
            PlanCommand::Add(None) => {
                let context = ModalContext { channel: channel_of(place) };
                let view = render::modals::add_item(None, caller.user.slack_id.as_deref(), &context);
                return Ok(Outcome::OpenView(Box::new(view)));
            }
            PlanCommand::Add(Some(item)) => self.add_item(caller, &item, &mut understood, now).await?,
            PlanCommand::Done { item } => self.item_reply(caller, item, ItemChange::Done, now).await?,
            PlanCommand::Snooze { item, until } => {
                self.item_reply(caller, item, ItemChange::SnoozeUntil(until), now).await?
            }
            PlanCommand::Due { item, due } => self.item_reply(caller, item, ItemChange::Due(due), now).await?,
            PlanCommand::Reassign { item, owner } => match self.person(&owner).await {
                Ok(owner) => self.item_reply(caller, item, ItemChange::Reassign(owner.user_id), now).await?,
                Err(err) => {
                    tracing::warn!(error = %crate::telemetry::ErrorChain(&err), "could not look up the new owner");
                    Reply::note(format!(
                        "I couldn't look up <@{owner}> in Slack just now, so nothing changed. Try again in a moment."
                    ))
                }
            },
            PlanCommand::Undo => self.undo(caller, now).await?,
            PlanCommand::Actions(ActionsScope::Mine) => self.my_items(caller, ActionFilter::Open, now).await?,
            PlanCommand::Actions(ActionsScope::Overdue) => self.my_items(caller, ActionFilter::Overdue, now).await?,
            PlanCommand::Actions(ActionsScope::Account(name)) => self.account_items(caller, &name, &mut understood, now).await?,
            PlanCommand::Actions(ActionsScope::AccountOverdue(name)) => {
                match self.account_for_command(caller, &name, "/plan actions {account} overdue", &mut understood).await? {
                    Found::It(account) => {
                        self.account_actions(caller, place, &account, super::AccountItems::Overdue, now).await?
                    }
                    Found::Answer(reply) => reply,
                }
            }
            PlanCommand::Link { account } => self.link(caller, place, &account, &mut understood).await?,
            PlanCommand::Follow { account } => self.follow(caller, place, &account, true, &mut understood).await?,
            PlanCommand::Unfollow { account } => self.follow(caller, place, &account, false, &mut understood).await?,
            PlanCommand::Settings => {
                let context = ModalContext { channel: channel_of(place) };
                return Ok(Outcome::OpenView(Box::new(render::modals::settings(&caller.user, &context))));
            }
            PlanCommand::New { account } => match self.account_for_command(caller, &account, "/plan new {account}", &mut understood).await? {
                Found::It(account) => return Ok(understood.said_in(self.new_plan_command(caller, place, &account, now).await?)),
                Found::Answer(reply) => reply,
            },
            PlanCommand::Edit { account, part } => match self.account_for_command(caller, &account, "/plan edit {account} gtm", &mut understood).await? {
                Found::It(account) => return Ok(understood.said_in(self.edit_command(place, &account, part, now).await?)),
                // "/plan edit Acme goals": an account, then a word that is no part of the plan.
                Found::Answer(reply) => match account.rsplit_once(' ') {
                    Some((name, word)) if part.is_none() => match self.find_account(caller, name).await? {
                        super::AccountChoice::One(found) => Reply::note(format!(
                            "“{word}” is not a part of the plan. Write `profile`, `snapshot` or `gtm`, like `/plan edit {} gtm`, \
                             or leave it out for a button each.",
                            found.name
                        )),
                        _ => reply,
                    },
                    _ => reply,
                },
            },
            PlanCommand::Plans { account } => match self.account_for_command(caller, &account, "/plan plans {account}", &mut understood).await? {
                Found::It(account) => self.plans_list(&account, today).await?,
                Found::Answer(reply) => reply,
            },
            PlanCommand::Activate { account, plan } => {
                match self.account_for_command(caller, &account, "/plan activate {account}", &mut understood).await? {
                    Found::It(account) => self.status_question(&account, StatusChange::Activate, plan.as_deref(), today).await?,
                    Found::Answer(reply) => reply,
                }
            }
            PlanCommand::Close { account } => match self.account_for_command(caller, &account, "/plan close {account}", &mut understood).await? {
                Found::It(account) => self.status_question(&account, StatusChange::Close, None, today).await?,
                Found::Answer(reply) => reply,
            },
            PlanCommand::People { account } => match self.account_for_command(caller, &account, "/plan people {account}", &mut understood).await? {
                Found::It(account) => self.people_map(&account, 0).await?,
                Found::Answer(reply) => reply,
            },
            PlanCommand::Whitespace { account } => {
                match self.account_for_command(caller, &account, "/plan whitespace {account}", &mut understood).await? {
                    Found::It(account) => self.whitespace_map(&account, today, 0).await?,
                    Found::Answer(reply) => reply,
                }
            }
            PlanCommand::Share { account } => match self.account_for_command(caller, &account, "/plan share {account}", &mut understood).await? {
                Found::It(account) => self.share(caller, place, &account, now).await?,
                Found::Answer(reply) => reply,
            },
            PlanCommand::Review { account } => match self.account_for_command(caller, &account, "/plan review {account}", &mut understood).await? {
                Found::It(account) => self.review_plan(place, &account).await?,
                Found::Answer(reply) => reply,
            },
            PlanCommand::Qbr { account, held } => match self.account_for_command(caller, &account, "/plan qbr {account}", &mut understood).await? {
                Found::It(account) => match held {
                    None => self.qbr_prep(caller, place, &account, now).await?,
                    Some(command::Held::Today) => self.qbr_held(caller, &account, None, now).await?,
                    Some(command::Held::On(day)) => self.qbr_held(caller, &account, Some(day), now).await?,
                },
                Found::Answer(reply) => reply,
            },
            PlanCommand::Coverage => self.coverage(caller).await?,
        };
        understood.say(&mut reply);
        Ok(Outcome::Reply(reply))
    }

    /// Resolves a typed account name for a command, or the reply that says
    /// why it can't be used (several matches, or none).
    /// A name that is not the account's own is noted in `understood`, for
    /// the reply to say what planbot took it to mean.
    async fn account_for_command(
        &self,
        caller: &Caller,
        asked: &str,
        example: &str,
        understood: &mut Understood,
    ) -> anyhow::Result<Found<Account>> {
        Ok(match self.find_account(caller, asked).await? {
            AccountChoice::One(account) => {
                understood.note(asked, &account);
                Found::It(account)
            }
            AccountChoice::Several(choices) => {
                let names: Vec<String> = choices.iter().take(5).map(|c| format!("*{}*", c.name)).collect();
                Found::Answer(Reply::note(format!(
                    "“{asked}” matches more than one account: {}. Write the full name, like `{}`.",
                    names.join(", "),
                    example.replace("{account}", &choices[0].name)
                )))
            }
            AccountChoice::NotFound => Found::Answer(Reply::note(crate::render::accounts::not_found_text(asked))),
        })
    }

    /// `/plan add Acme: title [@owner] [due when]`.
    /// A due date in the past, or the same title added to the account a
    /// moment ago, is not written: the reply says what would be added and
    /// offers a button that adds it (see [`App::confirm_add`]).
    pub(crate) async fn add_item(&self, caller: &Caller, item: &NewItem, understood: &mut Understood, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let example = format!("/plan add {{account}}: {}", item.title);
        let account = match self.account_for_command(caller, &item.account, &example, understood).await? {
            Found::It(account) => account,
            Found::Answer(reply) => return Ok(reply),
        };
        self.add_or_ask(caller, account, item, confirm::Recent::NotLooked, now).await
    }

    /// Adds the item unless it needs a confirmation first.
    async fn add_or_ask(&self, caller: &Caller, account: Account, item: &NewItem, recent: confirm::Recent, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let (new, owner_mention) = match self.new_action(caller, &account, item).await? {
            Ok(prepared) => prepared,
            Err(problem) => return Ok(Reply::note(problem.message())),
        };
        let pending = confirm::PendingAdd::offered(caller, &new, now);
        if let Some(question) = self.question_before_adding(caller, &account, &new, &owner_mention, &pending, recent, now, true).await? {
            return Ok(question);
        }
        Ok(match self.write_action(caller, account, new).await? {
            Added::Item(added, account) => Reply::note(added_text(&added, &account, caller.today(now))),
            Added::Refused(problem) => Reply::note(problem.message()),
        })
    }

    /// `/plan add Acme: …` from someone planbot knows, naming an account
    /// exactly as it is written (once folded): one statement finds who asks
    /// and the account, checks for the same item added moments ago, and
    /// adds the item when nothing stands in the way, where the general path
    /// takes four. Dates are read in the caller's time zone as last seen;
    /// the statement adds nothing if the database says the zone has changed,
    /// and the date is then read again. When something does stand in the
    /// way (a due date in the past, the same item just added, another
    /// owner named, no active plan), the answer is the general path's, from
    /// what the statement found. `None` when the shortcut does not apply (a
    /// first-time caller, another command, a name that needs the forgiving
    /// search): the general path then answers.
    pub async fn quick_add(&self, slack_user_id: &str, text: &str, now: DateTime<Utc>) -> anyhow::Result<Option<(Caller, Reply)>> {
        let Some(hint) = self.tz_hint(slack_user_id) else { return Ok(None) };
        if !crate::domain::validate::storable(text) {
            // The general path answers it as a mistake.
            return Ok(None);
        }
        let parse = |tz: chrono_tz::Tz| match command::parse_plan_command(text, now.with_timezone(&tz).date_naive()) {
            Ok(PlanCommand::Add(Some(item))) => Some(item),
            _ => None,
        };
        let Some(item) = parse(hint) else { return Ok(None) };
        let today = now.with_timezone(&hint).date_naive();
        let plain = item.owner.is_none() && !item.due.is_some_and(|due| crate::domain::validate::due_is_past(due, today));
        let configured_admin = self.admins.contains(slack_user_id);
        let since = now - chrono::Duration::minutes(confirm::DUPLICATE_MINUTES);
        let key: super::known::Key = (slack_user_id.to_string(), configured_admin, crate::domain::names::match_key(&item.account));
        // Asked of this account before, with nothing changed since: a short
        // statement adds the item (or finds the same item added moments ago).
        let mut view = None;
        if let Some(known) = self.known.get(&key).filter(|known| plain && known.user.tz == hint.name()) {
            match self.add_known(&known, &item, since).await {
                Some(accounts::KnownAdded::Added(added)) => {
                    self.known.wrote();
                    let caller = self.caller_from(known.user.clone());
                    let reply = Reply::note(added_text(&added, &known.accounts[0], caller.today(now)));
                    return Ok(Some((caller, reply)));
                }
                Some(accounts::KnownAdded::Recent(item_id)) => {
                    view = Some(accounts::CallerView { recent_item_id: Some(item_id), ..(*known).clone() });
                }
                Some(accounts::KnownAdded::Moved(epoch)) => self.known.moved(epoch),
                None => {}
            }
        }
        let view = match view {
            Some(view) => view,
            None => {
                let query = accounts::CallerQuery {
                    slack_id: slack_user_id.to_string(),
                    configured_admin,
                    name: item.account.clone(),
                    // The check for the same item added moments ago rides along.
                    recent_title: Some((item.title.clone(), since)),
                    add: plain.then(|| accounts::AddAtOnce { due_date: item.due, read_in: hint.name().to_string() }),
                };
                let Some(view) = self.caller_and_exact(query).await? else {
                    return Ok(None);
                };
                self.known.remember(key, &view);
                view
            }
        };
        let caller = self.caller_from(view.user);
        let mut found = view.accounts;
        if let Some(added) = view.added {
            metrics::counter!("planbot_plan_adds_total", "way" => "looked_up").increment(1);
            let account = found.pop().expect("an item is added to the one account found");
            let reply = Reply::note(added_text(&added, &account, caller.today(now)));
            return Ok(Some((caller, reply)));
        }
        // (Read in another zone, a date can become one that is refused, as
        // a day already past: the general path then says so.)
        let item = if caller.tz() == hint { Some(item) } else { parse(caller.tz()) };
        let Some(item) = item else { return Ok(None) };
        let (Some(account), true) = (found.pop(), found.is_empty()) else { return Ok(None) };
        let reply = self.add_or_ask(&caller, account, &item, confirm::Recent::Looked(view.recent_item_id), now).await?;
        Ok(Some((caller, reply)))
    }

    /// Adds the item from a remembered view (see `known`); `None` when the
    /// database could not be asked, and the lookup then asks again (and
    /// finds the item, if it was added after all, as added moments ago).
    async fn add_known(&self, known: &Arc<accounts::CallerView>, item: &NewItem, since: DateTime<Utc>) -> Option<accounts::KnownAdded> {
        let add = accounts::KnownAdd::new(known.clone(), &item.title, since, item.due)?;
        let answer = match self.known_adds.call(add.clone()).await {
            Some(answer) => answer,
            None => accounts::add_known(&self.pool, &[add], crate::store::Actor::SLACK).await.map(|mut a| a.remove(0)),
        };
        match answer {
            Ok(added) => Some(added),
            Err(err) => {
                tracing::warn!(error = %err, "adding from a remembered lookup failed; looking up again");
                None
            }
        }
    }

    /// Adds an item to the account's active plan, or says what stands in the
    /// way (and which field of the add-item form it concerns).
    pub(crate) async fn try_add_item(&self, caller: &Caller, item: &NewItem, understood: &mut Understood) -> anyhow::Result<Added> {
        let example = format!("/plan add {{account}}: {}", item.title);
        let account = match self.account_for_command(caller, &item.account, &example, understood).await? {
            Found::It(account) => account,
            Found::Answer(reply) => return Ok(Added::Refused(AddProblem::Account(reply.content.text))),
        };
        self.add_to_account(caller, account, item).await
    }

    /// Adds an item to an account the caller may see: its owner looked up
    /// (asking Slack about someone planbot has not met), then written.
    async fn add_to_account(&self, caller: &Caller, account: Account, item: &NewItem) -> anyhow::Result<Added> {
        match self.new_action(caller, &account, item).await? {
            Ok((new, _)) => self.write_action(caller, account, new).await,
            Err(problem) => Ok(Added::Refused(problem)),
        }
    }

    /// The row to write for an item, its owner looked up (asking Slack about
    /// someone planbot has not met), and how to name the owner.
    async fn new_action(&self, caller: &Caller, account: &Account, item: &NewItem) -> anyhow::Result<Result<(NewAction, String), AddProblem>> {
        let owner = match &item.owner {
            Some(slack_id) => match self.person(slack_id).await {
                Ok(owner) => owner,
                Err(err) => {
                    tracing::warn!(error = %crate::telemetry::ErrorChain(&err), "could not look up a mentioned owner");
                    return Ok(Err(AddProblem::Owner(format!(
                        "I couldn't look up <@{slack_id}> in Slack just now, so nothing was added. Try again in a moment."
                    ))));
                }
            },
            None => caller.user.clone(),
        };
        let new = NewAction {
            account_id: account.account_id,
            title: item.title.clone(),
            owner_id: owner.user_id,
            due_date: item.due,
        };
        Ok(Ok((new, owner.mention())))
    }

    async fn write_action(&self, caller: &Caller, account: Account, new: NewAction) -> anyhow::Result<Added> {
        match self.items.add(new, caller.actor()).await {
            Ok(added) => Ok(Added::Item(Box::new(added), Box::new(account))),
            Err(AddError::NoActivePlan) => Ok(Added::Refused(AddProblem::Account(format!(
                "*{}* has no active plan to add action items to. Ask the account owner to activate one \
                 (or import it with status `active`), then try again.",
                account.name
            )))),
            Err(AddError::Database(err)) => Err(err.into()),
        }
    }

    async fn item_reply(&self, caller: &Caller, item_id: i64, change: ItemChange, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        Ok(match self.change_item(caller, item_id, change, now).await? {
            ItemResult::Changed { message, .. } | ItemResult::Refused(message) => Reply::note(message),
        })
    }

    /// `/plan actions <account>`: the account's open items.
    async fn account_items(&self, caller: &Caller, asked: &str, understood: &mut Understood, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let account = match self.account_for_command(caller, asked, "/plan actions {account}", understood).await? {
            Found::It(account) => account,
            Found::Answer(reply) => return Ok(reply),
        };
        self.items_of_account(caller, &account, now).await
    }

    pub async fn items_of_account(&self, caller: &Caller, account: &Account, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let today = caller.today(now);
        let (items, total) = actions::open_for_account(
            &self.pool,
            account.account_id,
            render::items::MAX_ITEMS_WITH_BUTTONS as i64,
        )
        .await?;
        if total == 0 {
            return Ok(Reply::note(format!("*{}* has no open action items.", account.name)));
        }
        let heading = format!("*Open action items of {}* · {total}", account.name);
        Ok(Reply::private(MessageContent::new(
            format!("Open action items of {}: {total}", account.name),
            render::items::item_list(&heading, &items, total, today, now),
        )))
    }

    /// `/plan link <account>`: this channel gets the account's alerts.
    async fn link(&self, caller: &Caller, place: &Place, asked: &str, understood: &mut Understood) -> anyhow::Result<Reply> {
        let Place::Channel(channel) = place else {
            return Ok(Reply::note(
                "Run `/plan link <account>` in the channel that should receive the account's deadline alerts \
                 and notifications (invite me there first).",
            ));
        };
        let account = match self.account_for_command(caller, asked, "/plan link {account}", understood).await? {
            Found::It(account) => account,
            Found::Answer(reply) => return Ok(reply),
        };
        let mut tx = crate::store::begin(&self.pool, caller.actor()).await?;
        crate::store::accounts::link_channel(&mut tx, account.account_id, channel).await?;
        tx.commit().await?;
        Ok(Reply::public(MessageContent::plain(format!(
            ":link: This channel now receives *{}*'s deadline alerts and notifications (linked by {}).",
            account.name,
            caller.user.mention()
        ))))
    }

    /// `/plan follow|unfollow <account>[: categories]`: this channel, or the caller in a DM.
    async fn follow(&self, caller: &Caller, place: &Place, asked: &str, follow: bool, understood: &mut Understood) -> anyhow::Result<Reply> {
        let verb = if follow { "follow" } else { "unfollow" };
        let target = match parse_follow_target(asked) {
            Ok(target) => target,
            Err(message) => return Ok(Reply::note(message)),
        };
        if !follow && !target.categories.is_empty() {
            return Ok(Reply::note(format!(
                "`/plan unfollow` stops all of an account's news. To keep only some kinds, follow again with them: \
                 `/plan follow {}: funding, layoffs`.",
                target.account
            )));
        }
        let account = match self.account_for_command(caller, &target.account, &format!("/plan {verb} {{account}}"), understood).await? {
            Found::It(account) => account,
            Found::Answer(reply) => return Ok(reply),
        };
        self.set_following(caller, place, &account, follow, Some(&target.categories)).await
    }

    /// Follows (every category when `categories` is empty; when it is
    /// `None`, what an existing follow chose stays) or unfollows.
    pub async fn set_following(
        &self,
        caller: &Caller,
        place: &Place,
        account: &Account,
        follow: bool,
        categories: Option<&[IntelCategory]>,
    ) -> anyhow::Result<Reply> {
        let follower = match place {
            Place::Direct => Follower::User(caller.user.user_id),
            Place::Channel(channel) => Follower::Channel(channel.clone()),
        };
        // (subject, "will get", "now gets", "already following", "was not following") as the place reads
        let (who, now_get, already, was_not) = match place {
            Place::Direct => ("You", "You now get", "You already follow", "You weren't following"),
            Place::Channel(_) => {
                ("This channel", "This channel now gets", "This channel already follows", "This channel wasn't following")
            }
        };
        let name = &account.name;
        if !follow {
            let text = if subscriptions::unfollow(&self.pool, account.account_id, &follower).await? {
                format!("{who} will no longer get *{name}*'s company news.")
            } else {
                format!("{was_not} *{name}*.")
            };
            return Ok(Reply::note(text));
        }
        let before = subscriptions::categories_of(&self.pool, account.account_id, &follower).await?;
        let wanted: Vec<String> = match (categories, &before) {
            (Some(chosen), _) => chosen.iter().map(|c| c.as_str().to_string()).collect(),
            (None, Some(kept)) => kept.clone(),
            (None, None) => Vec::new(),
        };
        if before.as_ref() != Some(&wanted) {
            subscriptions::follow(&self.pool, account.account_id, &follower, &wanted).await?;
        }
        let kinds = news_kinds(&wanted);
        let text = match before {
            None => format!(":newspaper: {who} will get *{name}*'s {kinds} as it comes in."),
            Some(old) if old == wanted => format!("{already} *{name}*'s {kinds}."),
            Some(_) if wanted.is_empty() => format!(":newspaper: {now_get} all of *{name}*'s company news."),
            Some(_) => format!(":newspaper: {now_get} only *{name}*'s {kinds}."),
        };
        Ok(Reply::note(text))
    }
}

/// An action item added, or why not.
#[derive(Debug, Clone, PartialEq)]
pub enum Added {
    Item(Box<ActionItem>, Box<Account>),
    Refused(AddProblem),
}

/// Why an action item could not be added, by the form field it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddProblem {
    Account(String),
    Owner(String),
}

impl AddProblem {
    pub fn message(&self) -> &str {
        match self {
            AddProblem::Account(message) | AddProblem::Owner(message) => message,
        }
    }
}

/// The confirmation of an added item.
pub fn added_text(added: &ActionItem, account: &Account, today: chrono::NaiveDate) -> String {
    let due = added.due_date.map(|d| format!(", due {}", due_with_date(d, today))).unwrap_or_default();
    format!(
        ":white_check_mark: Added `#{}` to *{}*: {} — owner {}{due}.",
        added.action_item_id,
        account.name,
        added.title,
        added.owner_mention()
    )
}

/// A due date as replies show it, always naming the day: `Fri Dec 11`,
/// `tomorrow (Mon Dec 7)`, `Jan 5, 2027`.
pub fn due_with_date(due: chrono::NaiveDate, today: chrono::NaiveDate) -> String {
    let words = describe_due(due, today);
    if (due - today).num_days().abs() <= 1 {
        format!("{words} ({})", due.format("%a %b %-d"))
    } else {
        words
    }
}

/// "company news", or "funding and layoffs news" for a category choice.
fn news_kinds(categories: &[String]) -> String {
    let labels: Vec<String> = categories
        .iter()
        .map(|c| c.parse::<IntelCategory>().map(|c| c.label().to_lowercase()).unwrap_or_else(|_| c.clone()))
        .collect();
    match labels.as_slice() {
        [] => "company news".into(),
        [one] => format!("{one} news"),
        [rest @ .., last] => format!("{} and {last} news", rest.join(", ")),
    }
}

fn channel_of(place: &Place) -> Option<String> {
    match place {
        Place::Direct => None,
        Place::Channel(channel) => Some(channel.clone()),
    }
}

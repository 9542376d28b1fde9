//! Plain-language messages: a DM to planbot, or an @mention of it.
//!
//! [`crate::domain::intent::question::understand`] reads the message into
//! slots (topic, account, person, since, filter); this module only routes a
//! topic to its answer. A new question is a line of vocabulary there and,
//! when it needs a new answer, one method of [`App`].

use chrono::{DateTime, Datelike, Duration, Utc};

use super::answers::AccountItems;
use super::{AccountChoice, App, Caller, Outcome, Place, Reply, say_what_was_understood};
use crate::domain::command::strip_mentions;
use crate::domain::intent::ActionFilter;
use crate::domain::intent::question::{self, AccountSlot, Filter, Question, SincePoint, Topic};
use crate::domain::since::Since;
use crate::domain::exchange::Picture;
use crate::render;
use crate::render::MessageContent;
use crate::store::accounts::{self, Account};
use crate::store::actions::{self, OwnerFilter};

/// How many items a list shows (each with its buttons).
const LISTED_ITEMS: i64 = render::items::MAX_ITEMS_WITH_BUTTONS as i64;

pub const HELP: &str = "*Here's what I can do.* Talk to me in plain words:\n\
• `how is acme doing?` · `summarize my account` · `full plan for acme`\n\
• `when does acme renew?` · `who is the champion at acme?` · `acme risks` · `whitespace for acme` · `acme goals` · `acme funding news` · `who's on acme?`\n\
• `what changed at acme since last week?` · `what should I do next?` · `what did I miss?`\n\
• `my action items` · `what's overdue?` · `what is overdue for acme` · `which accounts are at risk?` · `my accounts`\n\
• `add an action item for acme: call Hannah friday` · `remind me to call Hannah friday`\n\n\
Or use `/plan`:\n\
• `/plan add Acme: Run a security workshop @jane due friday`\n\
• `/plan done 142` · `/plan snooze 142 next week` · `/plan actions overdue`\n\
• `/plan link Acme` · `/plan follow Acme` · `/plan settings` · `/plan help` for everything";

impl App {
    /// Answers a message written to planbot in plain language.
    pub async fn converse(&self, caller: &Caller, place: &Place, text: &str, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        if !crate::domain::validate::storable(text) {
            return Ok(Reply::note(crate::domain::validate::UNSTORABLE));
        }
        let (text, _mentioned) = strip_mentions(text);
        let question = question::understand(&text, caller.today(now));
        match question.topic {
            Topic::Help => Ok(Reply::note(HELP)),
            Topic::Greeting => Ok(Reply::note(format!(
                "Hi{}! Ask me `summarize my account`, `what should I do next?`, or say `help`.",
                first_name(&caller.user.display_name).map(|n| format!(" {n}")).unwrap_or_default()
            ))),
            Topic::Thanks => Ok(Reply::note("You're welcome! :slightly_smiling_face:")),
            Topic::MyAccounts => self.my_accounts_view(caller, place, now).await,
            Topic::TeamOverdue => self.overdue_view(caller, now).await,
            Topic::AtRisk => self.at_risk(caller, now).await,
            Topic::Coverage => self.coverage(caller).await,
            Topic::Review | Topic::QbrPrep if matches!(question.account, None | Some(AccountSlot::Mine)) => {
                self.about_my_only_account(caller, place, &question, &text, now).await
            }
            Topic::Next => self.what_next(caller, now).await,
            Topic::AddItem => self.add_from_message(caller, place, &question, now).await,
            Topic::Unclear => self.not_understood(caller, place, &question, now).await,
            Topic::Summary | Topic::Actions if matches!(question.account, None | Some(AccountSlot::Mine)) => {
                match (question.topic, question.filter) {
                    (Topic::Summary, _) => self.my_accounts_view(caller, place, now).await,
                    (_, Some(Filter::Items(ActionFilter::Overdue))) => self.overdue_view(caller, now).await,
                    (_, Some(Filter::Items(filter))) => self.my_items(caller, filter, now).await,
                    _ => self.my_items(caller, ActionFilter::Open, now).await,
                }
            }
            _ => match &question.account {
                Some(AccountSlot::Named(name)) => self.about_account(caller, place, &question, name, &text, now).await,
                _ => Ok(Reply::note(format!(
                    "Which account do you mean? Name it, like `{}`.",
                    question.topic.example()
                ))),
            },
        }
    }

    /// "review my plan" without an account: the caller's only account, or
    /// the question of which.
    async fn about_my_only_account(&self, caller: &Caller, place: &Place, question: &Question, text: &str, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let mine = crate::store::accounts::overview_for_member(&self.pool, caller.user.user_id, caller.today(now)).await?;
        match mine.as_slice() {
            [only] => match crate::store::accounts::visible_by_id(&self.pool, caller.viewer(), only.account_id).await? {
                Some(account) => self.answer_topic(caller, place, question, &account, text, now).await,
                None => Ok(Reply::note(super::NOT_VISIBLE)),
            },
            _ => Ok(Reply::note(format!("Which account do you mean? Name it, like `{}`.", question.topic.example()))),
        }
    }

    /// A question about one named account: the account is found among those
    /// the caller may see (or a choice is offered), then the topic answered.
    async fn about_account(
        &self,
        caller: &Caller,
        place: &Place,
        question: &Question,
        name: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Reply> {
        let account = match self.find_account(caller, name).await? {
            AccountChoice::One(account) => account,
            AccountChoice::Several(choices) => {
                return Ok(Reply::private(MessageContent::new(
                    format!("Which account did you mean by “{name}”?"),
                    render::accounts::choose_account(name, &choices),
                )));
            }
            AccountChoice::NotFound => return Ok(Reply::note(render::accounts::not_found_text(name))),
        };
        let mut reply = self.answer_topic(caller, place, question, &account, text, now).await?;
        say_what_was_understood(&mut reply, name, &account);
        // "Since I last looked" counts from here; a failure to note it is not worth failing the answer for.
        if let Err(err) = self.record_view(caller, account.account_id, now).await {
            tracing::warn!(error = %crate::telemetry::ErrorChain(&err), "could not record that an account was looked at");
        }
        Ok(reply)
    }

    async fn answer_topic(
        &self,
        caller: &Caller,
        place: &Place,
        question: &Question,
        account: &Account,
        text: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Reply> {
        match question.topic {
            Topic::FullPlan => self.full_plan(caller, place, account, now).await,
            Topic::Review => self.review_plan(place, account).await,
            Topic::QbrPrep => self.qbr_prep(caller, place, account, now).await,
            Topic::Renewal => self.renewal(caller, place, account, now).await,
            Topic::People if question.picture => self.picture(caller, place, account, Picture::Relationships, now).await,
            Topic::Whitespace if question.picture => self.picture(caller, place, account, Picture::Whitespace, now).await,
            Topic::People => {
                let champions_only = question.person.is_none() && asked_for_champions(text);
                self.people(caller, place, account, champions_only, now).await
            }
            Topic::Risks => self.risks(caller, place, account, now).await,
            Topic::Whitespace => self.whitespace(caller, place, account, now).await,
            Topic::Goals => self.goals(caller, place, account, now).await,
            Topic::News => {
                let category = match question.filter {
                    Some(Filter::News(category)) => Some(category),
                    _ => None,
                };
                self.news(caller, place, account, category, now).await
            }
            Topic::Team => self.team(caller, place, account, now).await,
            Topic::Actions => {
                let filter = match question.filter {
                    Some(Filter::Items(ActionFilter::Overdue)) => AccountItems::Overdue,
                    Some(Filter::Items(ActionFilter::DueThisWeek)) => AccountItems::DueThisWeek,
                    _ => AccountItems::Open,
                };
                self.account_actions(caller, place, account, filter, now).await
            }
            Topic::Changes => {
                let since = match question.since.as_ref().map(|s| s.point) {
                    Some(SincePoint::Date(date)) => Since::Date(date),
                    Some(SincePoint::LastQbr) => Since::LastQbr,
                    Some(SincePoint::LastLooked) => Since::LastLooked,
                    None => Since::LastWeek,
                };
                self.what_changed(caller, place, account, since, now).await
            }
            _ => self.summary(caller, place, account, now).await,
        }
    }

    /// "add an action item for acme: call Hannah" / "remind me to call
    /// Hannah friday": the same as `/plan add`, with the same reply. Without
    /// an account, the caller's only account is meant; otherwise planbot asks.
    async fn add_from_message(&self, caller: &Caller, place: &Place, question: &Question, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let Some(text) = question.add_text.as_deref().filter(|t| !t.trim().is_empty()) else {
            return Ok(Reply::note(
                "Say what to add, like `add an action item for Acme: call Hannah friday` or `remind me to call Hannah friday`.",
            ));
        };
        let has_account = text.contains(':');
        let text = if has_account {
            text.to_string()
        } else {
            let mine = accounts::overview_for_member(&self.pool, caller.user.user_id, caller.today(now)).await?;
            match mine.as_slice() {
                [only] => format!("{}: {text}", only.name),
                _ => {
                    return Ok(Reply::note(format!(
                        "Which account is that for? Write it like `add an action item for Acme: {text}`."
                    )));
                }
            }
        };
        match self.plan_command(caller, place, &format!("add {text}"), now).await? {
            Outcome::Reply(reply) => Ok(reply),
            Outcome::OpenView(_) | Outcome::OpenForm(_) => Ok(Reply::note("Use `/plan add` to fill in the form.")),
        }
    }

    /// Not understood: a bare account name still gets its summary; anything
    /// else a short reply with the three closest things planbot can do.
    async fn not_understood(&self, caller: &Caller, place: &Place, question: &Question, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        if let Some(AccountSlot::Named(words)) = &question.account
            && !words.trim().is_empty()
        {
            match self.find_account(caller, words).await? {
                AccountChoice::One(account) => {
                    let mut reply = self.summary(caller, place, &account, now).await?;
                    say_what_was_understood(&mut reply, words, &account);
                    return Ok(reply);
                }
                AccountChoice::Several(choices) => {
                    return Ok(Reply::private(MessageContent::new(
                        format!("Which account did you mean by “{words}”?"),
                        render::accounts::choose_account(words, &choices),
                    )));
                }
                AccountChoice::NotFound => {}
            }
        }
        let suggestions: Vec<String> = question
            .suggestions
            .iter()
            .filter(|topic| !matches!(topic, Topic::Help | Topic::Unclear))
            .take(3)
            .map(|topic| format!("`{}`", topic.example()))
            .collect();
        Ok(Reply::note(format!(
            "Sorry, I didn't catch that. Try {}, or say `help` for everything I can do.",
            if suggestions.is_empty() { "`how is acme doing?`".to_string() } else { suggestions.join(" · ") }
        )))
    }

    /// The caller's open, overdue or due-this-week items, with buttons.
    pub(super) async fn my_items(&self, caller: &Caller, filter: ActionFilter, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let today = caller.today(now);
        let (owner_filter, title, empty) = match filter {
            ActionFilter::Open => (OwnerFilter::Open, "Your open action items", "You have no open action items. :tada:"),
            ActionFilter::Overdue => (
                OwnerFilter::Overdue { today },
                "Your overdue action items",
                "Nothing overdue. :white_check_mark:",
            ),
            ActionFilter::DueThisWeek => {
                let days_left_in_week = 6 - today.weekday().num_days_from_monday() as i64;
                (
                    OwnerFilter::DueBy { last_day: today + Duration::days(days_left_in_week) },
                    "Your action items due this week (and overdue)",
                    "Nothing due this week.",
                )
            }
        };
        let (items, total) = actions::for_owner(&self.pool, caller.user.user_id, owner_filter, LISTED_ITEMS).await?;
        if total == 0 {
            return Ok(Reply::note(empty));
        }
        let heading = format!("*{title}* · {total}");
        Ok(Reply::private(MessageContent::new(
            format!("{title}: {total}"),
            render::items::item_list(&heading, &items, total, today, now),
        )))
    }
}

/// Whether a people question asked for the champions only ("who is the
/// champion at acme?").
fn asked_for_champions(text: &str) -> bool {
    text.to_lowercase().contains("champion")
}

fn first_name(display_name: &str) -> Option<&str> {
    display_name.split_whitespace().next()
}

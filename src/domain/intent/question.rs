//! What a message asks, read as a small grammar of slots.
//!
//! [`understand`] turns a DM or mention into a [`Question`]:
//!
//! - **topic** ([`Topic`]): what is asked about (renewal, people, news…);
//! - **account** ([`AccountSlot`]): a name as typed, or "mine";
//! - **person**: someone asked about by name ("who is Priya?");
//! - **since** ([`Since`]): the start of a time range ("since last week",
//!   "since Nov 1", "since the last QBR", "since I last looked");
//! - **filter** ([`Filter`]): which action items (open, overdue, due this
//!   week) or which kind of news (funding, layoffs…);
//! - and, for a few topics, a picture wish (a relationship *map*), the text
//!   to hand to `/plan add`, or the closest topics of a message not
//!   understood.
//!
//! How a message is read:
//!
//! 1. Slack markup is made plain and the words normalised exactly as
//!    [`super::recognize`] does (case, apostrophes, spelling fixes, pairs like
//!    "who is" read as one word).
//! 2. Whole-message shapes come first: empty or "help" (Help), a greeting or
//!    thanks, "add an action item…" / "remind me to…" (AddItem), and
//!    requests opening with a destructive verb ("delete everything"), which are
//!    refused as not understood.
//! 3. Every cue phrase of [`TOPIC_CUES`] found in the message is marked (a cue
//!    word of five letters or more also matches one typo away, by
//!    [`crate::domain::typo`]). The topic is the marked topic that comes first
//!    in [`TOPIC_PRIORITY`]. A time phrase is marked as the `since` slot.
//! 4. What is left between the marks, trimmed of question words, articles and
//!    prepositions at its edges ([`EDGE_WORDS`]), is the account: "show me the
//!    whitespace for acme" leaves "acme". A lone "my" means mine.
//! 5. A message without any cue is read by [`super::recognize`]'s summary
//!    shapes (summary, "my accounts", my action items), and what still means
//!    nothing is [`Topic::Unclear`], carrying the text when it could be an
//!    account name (the caller tries it) and the three closest topics.
//!
//! **To add a phrasing**, add its cue to the topic's line of [`TOPIC_CUES`]
//! (normalised: lowercase, no apostrophes, "what is" written `whats`, "who
//! is" `whos`), and a line to the table test. A word around the account
//! that should never be part of its name goes in [`EDGE_WORDS`]. A news
//! category word goes in [`NEWS_CATEGORY_WORDS`] (and is a news cue by that
//! alone). A new topic is a [`Topic`] variant, its name in
//! [`Topic::from_cue_name`], a line of cues and a place in
//! [`TOPIC_PRIORITY`].

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use super::{
    ActionFilter, Intent, MAX_INPUT_CHARS, OWN_ACCOUNTS_NOUNS, OWN_ACCOUNTS_VOCABULARY,
    SUMMARY_NOUNS, SummaryTarget, TRAILING_STATE_WORDS, Word, action_filter, first_chars,
    is_greeting, is_help, lines_of, listed, matched_len, phrase, plain_text, read_words,
    without_filler, words_of,
};
use crate::domain::enums::IntelCategory;
use crate::domain::{typo, when};

/// What a message asks, slot by slot. Slots a topic does not use are empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// What is asked about.
    pub topic: Topic,
    /// Which account: as typed, or the asker's own.
    pub account: Option<AccountSlot>,
    /// A person asked about by name ("who is Priya?"), as typed.
    pub person: Option<String>,
    /// The start of the time range asked about.
    pub since: Option<Since>,
    /// Which items or which news.
    pub filter: Option<Filter>,
    /// Whether a picture was asked for ("relationship map", "org chart").
    pub picture: bool,
    /// For [`Topic::AddItem`]: the text `/plan add` takes. "add an action
    /// item for acme: call Hannah" gives `acme: call Hannah`; "remind me to
    /// call Hannah friday" gives `call Hannah due friday`, without account.
    pub add_text: Option<String>,
    /// For [`Topic::Unclear`]: the three topics closest to what was typed,
    /// closest first.
    pub suggestions: Vec<Topic>,
}

/// What a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// The short summary of an account, or of the asker's accounts.
    Summary,
    /// The whole plan of an account.
    FullPlan,
    /// When the account renews.
    Renewal,
    /// The relationship map: champions, contacts, who to talk to; or one
    /// person (the `person` slot).
    People,
    /// Threats and risks of an account.
    Risks,
    /// Whitespace: what else could be sold, contract ends.
    Whitespace,
    /// The account's goals.
    Goals,
    /// Intel about the account, optionally of one category.
    News,
    /// Who is on the account's team.
    Team,
    /// Action items: an account's, or (account "mine") the asker's own.
    Actions,
    /// What changed at an account since a time.
    Changes,
    /// One prioritised list across the asker's accounts.
    Next,
    /// The list of the asker's accounts.
    MyAccounts,
    /// Overdue items of the asker's team (a manager's view).
    TeamOverdue,
    /// Accounts at risk, with reasons (a manager's view).
    AtRisk,
    /// The plan review: questions answered, health, gaps.
    Review,
    /// QBR prep: what changed since the last QBR and next steps.
    QbrPrep,
    /// Key accounts without a plan (a manager's view).
    Coverage,
    /// Create an action item from a sentence.
    AddItem,
    /// "hi", "hello planbot".
    Greeting,
    /// "thanks!", "ty".
    Thanks,
    /// How to use planbot.
    Help,
    /// Not understood (or refused).
    Unclear,
}

impl Topic {
    /// A phrasing to offer in "Did you mean: …", with "acme" standing for an
    /// account.
    #[must_use]
    pub fn example(self) -> &'static str {
        match self {
            Topic::Summary => "how is acme doing?",
            Topic::FullPlan => "full plan for acme",
            Topic::Renewal => "when does acme renew?",
            Topic::People => "who should I talk to at acme?",
            Topic::Risks => "acme risks",
            Topic::Whitespace => "whitespace for acme",
            Topic::Goals => "acme goals",
            Topic::News => "latest news on acme",
            Topic::Team => "who's on acme?",
            Topic::Actions => "my action items",
            Topic::Changes => "what changed at acme since last week?",
            Topic::Next => "what should I do next?",
            Topic::MyAccounts => "my accounts",
            Topic::TeamOverdue => "what's overdue on my team?",
            Topic::AtRisk => "which accounts are at risk?",
            Topic::Review => "review my plan for acme",
            Topic::QbrPrep => "prep my QBR for acme",
            Topic::Coverage => "which key accounts have no plan?",
            Topic::AddItem => "add an action item for acme: call Hannah",
            Topic::Greeting => "hi",
            Topic::Thanks => "thanks",
            Topic::Help => "help",
            Topic::Unclear => "",
        }
    }

    /// The topic a line of [`TOPIC_CUES`] names.
    fn from_cue_name(name: &str) -> Option<Topic> {
        Some(match name {
            "fullplan" => Topic::FullPlan,
            "renewal" => Topic::Renewal,
            "people" => Topic::People,
            "risks" => Topic::Risks,
            "whitespace" => Topic::Whitespace,
            "goals" => Topic::Goals,
            "news" => Topic::News,
            "team" => Topic::Team,
            "actions" => Topic::Actions,
            "changes" => Topic::Changes,
            "next" => Topic::Next,
            "atrisk" => Topic::AtRisk,
            "review" => Topic::Review,
            "qbrprep" => Topic::QbrPrep,
            "coverage" => Topic::Coverage,
            _ => return None,
        })
    }
}

/// Which account a question is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountSlot {
    /// The asker's own ("my account", "my action items").
    Mine,
    /// The name as typed, trimmed of the words around it ("Acme Corp").
    Named(String),
}

/// Which items or which news a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// Action items: open, overdue or due this week.
    Items(ActionFilter),
    /// News of one category.
    News(IntelCategory),
}

/// The start of the time range of a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Since {
    /// The phrase as typed after "since" ("last week", "Nov 1").
    pub typed: String,
    /// What it points at.
    pub point: SincePoint,
}

/// A point in time as a question names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SincePoint {
    /// A day, worked out from `today`: "last week" is seven days ago, a date
    /// without a year is its latest occurrence not after today.
    Date(NaiveDate),
    /// The account's last recorded QBR.
    LastQbr,
    /// The last time the asker looked at the account.
    LastLooked,
}

impl Question {
    fn of(topic: Topic) -> Self {
        Question {
            topic,
            account: None,
            person: None,
            since: None,
            filter: None,
            picture: false,
            add_text: None,
            suggestions: Vec::new(),
        }
    }
}

// ---------------------------------------------------------------------------
// Vocabulary.

/// Cue phrases of each topic: a line is the topic, a colon, and its cues
/// separated by commas, written normalised (see the module docs). Longer cues
/// win over shorter ones at the same place.
const TOPIC_CUES: &str = "
    fullplan: whats the plan, full plan, whole plan, entire plan, complete plan, full account plan, plan details, \
        plan in full, whole account plan, everything in the plan
    renewal: renewal date, renewal, renewals, renew, renews, renewing, contract end, contract ends, \
        contract expire, contract expires, expiry, expires, expiration, up for renewal
    people: relationship map, people map, influence map, org chart, stakeholder map, power map, \
        champion, champions, contacts, contact, people, stakeholders, stakeholder, sponsors, \
        sponsor, decision maker, decision makers, buyers, detractors, detractor, relationships, \
        influencers, talk to, speak to, speak with, reach out to, know at, should i call, \
        should we call, who to call, ceo, cfo, cto, cio, coo, executives, execs
    risks: risks, risk, threats, threat, red flags, red flag, concerns, blockers, headwinds, \
        worries, risky
    whitespace: whitespace, crosssell, upsell, upsells, expansion, expansion opportunities, \
        upsell opportunities, crosssell opportunities, incumbents, whitespace map
    goals: 12 month goals, 12 months goals, twelve month goals, month goals, year goals, goals, \
        goal, objectives, objective
    news: news, intel, headlines, in the news, press, latest news
    team: account team, team, teams, whos on, who works on, whos working on, who covers, whos covering, \
        who owns, owner, owns, whos the owner, who runs
    actions: action items, action item, actions, items, item, todo, todos, tasks, task, followups, \
        followup, nextsteps, deliverables, commitments, reminders, assignments, overdue, \
        due this week, due soon, due today, due, open items, outstanding, pending, on my plate, \
        plate, behind on, late
    changes: whats changed, changed, changes, whats new, what happened, happened, anything new, \
        whats different, activity, history
    next: what should i do, whats next, what next, do next, did i miss, i miss, i missed, \
        have i missed, my day, plan my day, focus on, where should i start, should i work on, \
        my priorities
    atrisk: atrisk, risky accounts, accounts in trouble, in trouble
    review: review my plan, review the plan, review our plan, plan review, review, plan health, \
        health score, how good is the plan, how good is my plan, gaps in the plan, plan gaps, coach me, coaching
    qbrprep: prep my qbr, prep the qbr, prep for the qbr, qbr prep, prepare the qbr, prepare my qbr, \
        prepare for the qbr, get ready for the qbr, qbr, quarterly business review, business review
    coverage: have no plan, have no plans, without a plan, without plans, no plan, no plans, coverage, \
        plan coverage, need a plan, need plans, missing plans, missing a plan";

/// The order in which topics win when cues of several appear: the more
/// specific question first ("what changed in acme's risks" is Changes).
const TOPIC_PRIORITY: &[Topic] = &[
    Topic::Next,
    Topic::AtRisk,
    Topic::Coverage,
    Topic::Changes,
    Topic::QbrPrep,
    Topic::Review,
    Topic::FullPlan,
    Topic::Renewal,
    Topic::People,
    Topic::Whitespace,
    Topic::Risks,
    Topic::Goals,
    Topic::News,
    Topic::Team,
    Topic::Actions,
];

/// Words naming a kind of news: a line is the category, a colon, its words.
/// Each is a news cue too ("any layoffs at acme").
const NEWS_CATEGORY_WORDS: &str = "
    funding: funding, fundraising, raised, raise, ipo, investment, investors, funding round
    acquisition: acquisition, acquisitions, acquired, acquire, merger, mergers, m&a, takeover
    leadership_change: leadership change, leadership changes, leadership, new ceo, exec changes, \
        executive changes, hires, departures
    layoffs: layoffs, layoff, job cuts, redundancies, furloughs, hiring freeze
    earnings: earnings, financial results, financials, quarterly results, guidance
    product_launch: product launch, product launches, launches, launched, new products, releases
    partnership: partnership, partnerships, partners, alliance, joint venture
    legal_regulatory: lawsuit, lawsuits, legal, regulatory, fines, fined, sued, probe, recall
    security_incident: breach, breaches, hack, hacked, ransomware, security incident, cyberattack";

/// Words that may stand at either edge of the account name without being
/// part of it: question words, articles, prepositions, verbs of asking.
const EDGE_WORDS: &str = "what whats which who whos when where why how hows howre is are was \
    were be been do does did will would should could can the a an at for on of about in into \
    with to from re regarding by over during show me give get tell list see pull up bring fetch \
    find any anything there our ours we us i my mine please some all latest recent current this \
    that these those its it s has have had got looking look doing going so far right now \
    currently today account accounts client customer deal plan plans and or as vs just also more \
    info information details detail date day know need want wanna id like summary status \
    overview update updates rundown report ive whos open am opportunities opportunity";

/// Words that make "team" mean the asker's team of people ("overdue on my
/// team") rather than an account's.
const TEAM_WORDS: &str = "team teams reports directs";

/// Words asking for a picture.
const PICTURE_WORDS: &str = "map chart picture diagram graph visual image png";

/// Words that make a request destructive; such a message is refused.
const DESTRUCTIVE_WORDS: &str =
    "delete remove drop wipe erase destroy purge truncate reset clear kill cancel";

/// Words that make text not an account name worth trying ("tell me a joke").
const NOT_A_NAME: &str = "what whats how hows howre why who whos when where which i im me you \
    your we tell joke jokes weather is are am can could would should do does did love hate \
    please thanks hi hello sing write play time today tomorrow meaning life lunch dinner a an \
    this that into some my";

/// Words asking for a list ("list my accounts", "which accounts do I have").
const LISTING_WORDS: &str = "show list give see what whats which do are";

/// Words thanking rather than greeting.
const THANKS_WORDS: &str = "thanks cheers appreciate appreciated";

/// Shapes opening an item to add: the words after them are the item.
const ADD_ITEM_OPENERS: &[&str] = &[
    "add|create|log a|an|another? new? action? item|task|todo|followup|reminder? for|to|on|at|under?",
];

/// Shapes opening a reminder: the words after them are its title.
const REMINDER_OPENERS: &[&str] = &["remind me|us to?"];

// ---------------------------------------------------------------------------
// Reading.

/// Reads what a message asks. The text may carry Slack markup; only its
/// first 500 characters are read. `today` is the asker's local date, used
/// to place "since last week" and "since Nov 1".
#[must_use]
pub fn understand(text: &str, today: NaiveDate) -> Question {
    let raw = first_chars(text, MAX_INPUT_CHARS);
    let text = plain_text(raw);
    let words = words_of(&text);
    if words.is_empty() {
        return Question::of(Topic::Help);
    }
    if is_greeting(&words) {
        let thanks = words.iter().any(|word| word.is_in(THANKS_WORDS));
        return Question::of(if thanks {
            Topic::Thanks
        } else {
            Topic::Greeting
        });
    }
    let core = without_filler(&words);
    if core.is_empty() || is_help(core) {
        return Question::of(Topic::Help);
    }
    if let Some(question) = add_item(raw, today) {
        return question;
    }
    if core[0].is_in(DESTRUCTIVE_WORDS) {
        return not_understood(core, None);
    }

    let cues = cue_marks(core);
    let since = since_slot(core, &text, today, &cues);
    let mut marked: Vec<bool> = vec![false; core.len()];
    for mark in cues
        .iter()
        .map(|cue| cue.span.clone())
        .chain(since.iter().map(|(span, _)| span.clone()))
    {
        for index in mark {
            marked[index] = true;
        }
    }
    let mut topic = TOPIC_PRIORITY
        .iter()
        .copied()
        .find(|topic| cues.iter().any(|cue| cue.topic == *topic));
    // "team overdue", "what's overdue on my team": the asker's team of
    // people, unless an account is named ("overdue items of the acme team").
    let team_overdue = cues.iter().any(|cue| cue.topic == Topic::Actions)
        && action_filter(core) == ActionFilter::Overdue
        && core.iter().any(|word| word.is_in(TEAM_WORDS));
    if team_overdue && matches!(topic, Some(Topic::Team | Topic::Actions)) {
        topic = Some(Topic::Actions);
    }
    let since = since.map(|(_, since)| since);

    if topic.is_none()
        && since.is_none()
        && let Some(question) = person_question(core, &text)
    {
        return question;
    }

    let Some(mut topic) = topic.or(since.as_ref().map(|_| Topic::Changes)) else {
        return without_cues(core, &words, &text);
    };

    let account = account_slot(core, &marked, &text);
    let mut question = Question::of(topic);
    match topic {
        Topic::Actions => {
            let filter = action_filter(core);
            let named = matches!(account, Some(AccountSlot::Named(_)));
            if filter == ActionFilter::Overdue
                && !named
                && core.iter().any(|word| word.is_in(TEAM_WORDS))
            {
                topic = Topic::TeamOverdue;
            } else {
                question.filter = Some(Filter::Items(filter));
                question.account = Some(account.unwrap_or(AccountSlot::Mine));
            }
        }
        Topic::AtRisk if matches!(account, Some(AccountSlot::Named(_))) => {
            topic = Topic::Risks;
            question.account = account;
        }
        Topic::AtRisk | Topic::Next | Topic::Coverage => {}
        Topic::News => {
            question.filter = news_category(core).map(Filter::News);
            question.account = account;
        }
        Topic::People | Topic::Whitespace => {
            question.picture = core.iter().any(|word| word.is_in(PICTURE_WORDS));
            question.account = account;
        }
        _ => question.account = account,
    }
    question.topic = topic;
    question.since = since;
    question
}

/// A cue of a topic found in the message: which words it covers.
struct Cue {
    topic: Topic,
    span: std::ops::Range<usize>,
}

/// The cues of every topic in the words, left to right, longest first at
/// each place, never overlapping.
fn cue_marks(words: &[Word]) -> Vec<Cue> {
    let mut vocabulary: Vec<(Topic, Vec<&str>)> = Vec::new();
    for line in lines_of(TOPIC_CUES).chain(lines_of(NEWS_CATEGORY_WORDS)) {
        let Some((name, cues)) = line.split_once(':') else {
            continue;
        };
        let topic = Topic::from_cue_name(name.trim()).unwrap_or(Topic::News);
        for cue in cues.split(',') {
            let cue_words: Vec<&str> = cue.split_ascii_whitespace().collect();
            if !cue_words.is_empty() {
                vocabulary.push((topic, cue_words));
            }
        }
    }
    vocabulary.sort_by_key(|(_, cue)| std::cmp::Reverse(cue.len()));

    let mut marks = Vec::new();
    let mut index = 0;
    while index < words.len() {
        let found = vocabulary.iter().find(|(_, cue)| {
            words.len() - index >= cue.len()
                && cue
                    .iter()
                    .zip(&words[index..])
                    .all(|(cue_word, word)| same_or_slip(&word.norm, cue_word))
        });
        match found {
            Some((topic, cue)) => {
                marks.push(Cue {
                    topic: *topic,
                    span: index..index + cue.len(),
                });
                index += cue.len();
            }
            None => index += 1,
        }
    }
    marks
}

/// Whether a typed word is a vocabulary word, or one typo from one of five
/// letters or more with the same first letter.
fn same_or_slip(typed: &str, word: &str) -> bool {
    typed == word
        || (word.len() >= 5
            && typed.len().abs_diff(word.len()) <= 1
            && typed.chars().next() == word.chars().next()
            && typo::one_typo_from(typed, word))
}

/// The news category the words name, if any.
fn news_category(words: &[Word]) -> Option<IntelCategory> {
    lines_of(NEWS_CATEGORY_WORDS).find_map(|line| {
        let (name, cues) = line.split_once(':')?;
        let named = cues.split(',').any(|cue| {
            let cue_words: Vec<&str> = cue.split_ascii_whitespace().collect();
            !cue_words.is_empty()
                && words.windows(cue_words.len()).any(|window| {
                    window
                        .iter()
                        .zip(&cue_words)
                        .all(|(word, cue_word)| same_or_slip(&word.norm, cue_word))
                })
        });
        named.then(|| name.trim().parse().ok()).flatten()
    })
}

/// The account left between the marked words: the first stretch of unmarked
/// words that is not all edge words, trimmed of them. `Mine` when the only
/// such words are "my", "mine" or "our".
fn account_slot(words: &[Word], marked: &[bool], text: &str) -> Option<AccountSlot> {
    let mut mine = false;
    let mut start = 0;
    while start < words.len() {
        if marked[start] {
            start += 1;
            continue;
        }
        let end = (start..words.len())
            .find(|&index| marked[index])
            .unwrap_or(words.len());
        let stretch = &words[start..end];
        mine |= stretch.iter().any(|word| word.is_in("my mine our ours"));
        let first = stretch.iter().position(|word| !word.is_in(EDGE_WORDS));
        let last = stretch.iter().rposition(|word| !word.is_in(EDGE_WORDS));
        if let (Some(first), Some(last)) = (first, last) {
            let name = &stretch[first..=last];
            // "acme's renewal": the name is followed by a cue, so "'s" is
            // possessive; at the end of the message it may be the name's own.
            let possessive = start + last + 1 < words.len();
            return Some(AccountSlot::Named(phrase(text, name, possessive)));
        }
        start = end;
    }
    mine.then_some(AccountSlot::Mine)
}

/// "who is Priya?", "who's Priya Shah at Acme": a person asked about by name.
fn person_question(core: &[Word], text: &str) -> Option<Question> {
    let [first, rest @ ..] = core else {
        return None;
    };
    if first.norm != "whos"
        || rest.is_empty()
        || rest[0].is_in("on the a an my our working covering that this there it")
    {
        return None;
    }
    let at = rest
        .iter()
        .position(|word| word.is_in("at from on in with"))
        .unwrap_or(rest.len());
    let person = &rest[..at];
    if person.is_empty() {
        return None;
    }
    let mut question = Question::of(Topic::People);
    question.person = Some(phrase(text, person, false));
    let account = &rest[(at + 1).min(rest.len())..];
    if !account.is_empty() {
        question.account = Some(AccountSlot::Named(phrase(text, account, true)));
    }
    Some(question)
}

/// A message without any cue: the summary shapes of [`super::recognize`].
fn without_cues(core: &[Word], words: &[Word], text: &str) -> Question {
    let lists_own_accounts = core.iter().any(|word| word.is_in(OWN_ACCOUNTS_NOUNS))
        && core
            .iter()
            .all(|word| word.is_in(OWN_ACCOUNTS_VOCABULARY) || word.is_in(LISTING_WORDS));
    if lists_own_accounts {
        let mut question = Question::of(Topic::MyAccounts);
        question.account = Some(AccountSlot::Mine);
        return question;
    }
    match read_words(text, words) {
        Intent::Summary(SummaryTarget::Mine) => {
            let asks_summary = core.iter().any(|word| {
                word.is_in(SUMMARY_NOUNS)
                    || word.is_in(TRAILING_STATE_WORDS)
                    || word.is_in("summarize summaries recap hows howre")
            });
            let mut question = Question::of(if asks_summary {
                Topic::Summary
            } else {
                Topic::MyAccounts
            });
            question.account = Some(AccountSlot::Mine);
            question
        }
        Intent::Summary(SummaryTarget::Named(name)) => {
            let mut question = Question::of(Topic::Summary);
            question.account = Some(AccountSlot::Named(name));
            question
        }
        Intent::MyActions(filter) => {
            let mut question = Question::of(Topic::Actions);
            question.account = Some(AccountSlot::Mine);
            question.filter = Some(Filter::Items(filter));
            question
        }
        Intent::Help => Question::of(Topic::Help),
        Intent::Greeting => Question::of(Topic::Greeting),
        Intent::Unclear(typed) => not_understood(core, Some(typed)),
    }
}

/// [`Topic::Unclear`], with the typed text as a possible account name when it
/// could be one, and the three closest topics.
fn not_understood(core: &[Word], typed: Option<String>) -> Question {
    let mut question = Question::of(Topic::Unclear);
    let name_like = core.len() <= 4
        && !core
            .iter()
            .any(|word| word.is_in(NOT_A_NAME) || word.is_in(DESTRUCTIVE_WORDS))
        && !(core.len() > 1 && core.iter().all(|word| word.norm == core[0].norm));
    if name_like {
        question.account = typed
            .filter(|typed| !typed.is_empty())
            .map(AccountSlot::Named);
    }
    question.suggestions = closest_topics(core);
    question
}

/// The topics usually asked about, in the order offered when nothing typed
/// comes closer to one of them.
const SUGGESTED_BY_DEFAULT: &[Topic] = &[
    Topic::Summary,
    Topic::Actions,
    Topic::Help,
    Topic::Next,
    Topic::People,
    Topic::Renewal,
    Topic::Changes,
    Topic::News,
    Topic::Risks,
    Topic::Whitespace,
    Topic::Goals,
    Topic::Team,
    Topic::FullPlan,
    Topic::MyAccounts,
    Topic::TeamOverdue,
    Topic::AtRisk,
    Topic::Review,
    Topic::QbrPrep,
    Topic::Coverage,
    Topic::AddItem,
];

/// The three topics whose vocabulary is closest to the words: a cue word
/// present counts most, one two typos away less.
fn closest_topics(words: &[Word]) -> Vec<Topic> {
    let mut scores: Vec<(Topic, usize)> = SUGGESTED_BY_DEFAULT
        .iter()
        .map(|&topic| (topic, 0))
        .collect();
    let extra = "
        summary: summary summarize status overview recap
        help: help commands
        myaccounts: accounts portfolio
        additem: add remind create
        teamoverdue: team overdue";
    for line in lines_of(TOPIC_CUES).chain(lines_of(extra)) {
        let Some((name, cues)) = line.split_once(':') else {
            continue;
        };
        let topic = match name.trim() {
            "summary" => Topic::Summary,
            "help" => Topic::Help,
            "myaccounts" => Topic::MyAccounts,
            "additem" => Topic::AddItem,
            "teamoverdue" => Topic::TeamOverdue,
            other => match Topic::from_cue_name(other) {
                Some(topic) => topic,
                None => continue,
            },
        };
        let mut score = 0;
        let cue_words = cues
            .split([',', ' '])
            .filter(|word| word.len() >= 4 && !listed(EDGE_WORDS, word));
        for cue_word in cue_words {
            for word in words {
                if word.norm == cue_word {
                    score += 3;
                } else if word.norm.len() >= 5 && typo::edits(&word.norm, cue_word) <= 2 {
                    score += 1;
                }
            }
        }
        if let Some(entry) = scores.iter_mut().find(|(scored, _)| *scored == topic) {
            entry.1 += score;
        }
    }
    // A stable sort keeps the default order among equals.
    scores.sort_by_key(|(_, score)| std::cmp::Reverse(*score));
    scores.into_iter().take(3).map(|(topic, _)| topic).collect()
}

// ---------------------------------------------------------------------------
// Adding an item.

/// "add an action item for acme: call Hannah", "remind me to call Hannah
/// friday": an item to create, read from the raw text so that mentions
/// (the owner) reach `/plan add` as Slack sent them.
fn add_item(raw: &str, today: NaiveDate) -> Option<Question> {
    let words = words_of(raw);
    let core = without_filler(&words);

    for shape in ADD_ITEM_OPENERS {
        let Some(len) = matched_len(core, shape) else {
            continue;
        };
        // Bare "add acme: …" needs the colon; "add a task …" does not.
        let names_item = core[..len]
            .iter()
            .any(|word| word.is_in("item task todo followup reminder"));
        let rest = core.get(len).map_or("", |word| &raw[word.start..]).trim();
        let has_colon = rest.contains(':');
        if len == 0 || rest.is_empty() || !(names_item || has_colon) {
            continue;
        }
        let mut question = Question::of(Topic::AddItem);
        match rest.split_once(':') {
            Some((account, title)) if !account.trim().is_empty() => {
                let title = with_due_marked(title.trim(), today);
                question.account = Some(AccountSlot::Named(account.trim().to_owned()));
                question.add_text = Some(format!("{}: {title}", account.trim()));
            }
            _ => question.add_text = Some(with_due_marked(rest, today)),
        }
        return Some(question);
    }
    for shape in REMINDER_OPENERS {
        let Some(len) = matched_len(core, shape) else {
            continue;
        };
        let title = core.get(len).map_or("", |word| &raw[word.start..]).trim();
        let title = title.trim_end_matches(['.', '!']);
        if len < 2 || title.is_empty() {
            continue;
        }
        let mut question = Question::of(Topic::AddItem);
        question.add_text = Some(with_due_marked(title, today));
        return Some(question);
    }
    None
}

/// The title with a trailing day ("friday", "by Dec 15", "next week")
/// written as `/plan add` reads it: `… due friday`.
fn with_due_marked(title: &str, today: NaiveDate) -> String {
    if title.to_lowercase().contains(" due ") {
        return title.to_owned();
    }
    let typed: Vec<&str> = title.split_whitespace().collect();
    for len in (1..=3).rev() {
        if typed.len() <= len {
            continue;
        }
        let (head, tail) = typed.split_at(typed.len() - len);
        if when::parse_when(&tail.join(" "), today).is_err() {
            continue;
        }
        let is_link = |word: &str| matches!(word.to_lowercase().as_str(), "by" | "on" | "before");
        let tail = match tail {
            [link, rest @ ..] if is_link(link) && !rest.is_empty() => rest,
            _ => tail,
        };
        let head = match head {
            [rest @ .., link] if is_link(link) && !rest.is_empty() => rest,
            _ => head,
        };
        return format!("{} due {}", head.join(" "), tail.join(" "));
    }
    title.to_owned()
}

// ---------------------------------------------------------------------------
// Time ranges.

/// The `since` slot and the words it covers: "since <point>", or for
/// questions about change or news a bare "last week", "yesterday", "in the
/// last 3 days".
fn since_slot(
    words: &[Word],
    text: &str,
    today: NaiveDate,
    cues: &[Cue],
) -> Option<(std::ops::Range<usize>, Since)> {
    if let Some(at) = words.iter().position(|word| word.norm == "since") {
        let after = &words[at + 1..];
        let (len, point) = point_in_time(after, text, today)?;
        let since = Since {
            typed: phrase(text, &after[..len], false),
            point,
        };
        return Some((at..at + 1 + len, since));
    }
    let about_time = cues
        .iter()
        .any(|cue| matches!(cue.topic, Topic::Changes | Topic::News));
    if !about_time {
        return None;
    }
    (0..words.len()).find_map(|at| {
        let (len, date) = relative_day(&words[at..], today)?;
        let since = Since {
            typed: phrase(text, &words[at..at + len], false),
            point: SincePoint::Date(date),
        };
        Some((at..at + len, since))
    })
}

/// The point in time the words start with, and how many words name it.
fn point_in_time(words: &[Word], text: &str, today: NaiveDate) -> Option<(usize, SincePoint)> {
    let qbr = matched_len(
        words,
        "the|our|my? last|latest|previous|recent? qbr|quarterly|review business? review?",
    );
    if let Some(len) = qbr
        && words[..len]
            .iter()
            .any(|word| word.is_in("qbr quarterly review"))
    {
        return Some((len, SincePoint::LastQbr));
    }
    for shape in [
        "i|we last? looked|checked|asked|visited|was|came in|here|there|at? it?",
        "the? last time i|we looked|checked|asked|was in|here|there|at? it?",
        "my last visit|check|look",
    ] {
        if let Some(len) = matched_len(words, shape)
            && words[..len]
                .iter()
                .any(|word| word.is_in("looked checked asked visited was visit check look"))
        {
            return Some((len, SincePoint::LastLooked));
        }
    }
    if let Some((len, date)) = relative_day(words, today) {
        return Some((len, SincePoint::Date(date)));
    }
    // A date: "Nov 1", "11/1", "2026-11-01", "the 1st of November".
    for len in (1..=3.min(words.len())).rev() {
        let typed = &text[words[0].start..words[len - 1].end];
        if !typed.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let Ok(date) = when::parse_when(typed, today) else {
            continue;
        };
        let date = if date > today {
            date.with_year(date.year() - 1)?
        } else {
            date
        };
        if date <= today {
            return Some((len, SincePoint::Date(date)));
        }
    }
    None
}

/// A day named relative to today, looking back: "yesterday", "last week",
/// "this month", "monday", "the last 3 days", "2 weeks ago".
fn relative_day(words: &[Word], today: NaiveDate) -> Option<(usize, NaiveDate)> {
    let norms: Vec<&str> = words
        .iter()
        .take(5)
        .map(|word| word.norm.as_str())
        .collect();
    let back = |days: u64| today.checked_sub_days(Days::new(days));
    match norms.as_slice() {
        ["yesterday", ..] => return Some((1, back(1)?)),
        ["today", ..] => return Some((1, today)),
        ["last" | "past", "week", ..] => return Some((2, back(7)?)),
        ["last" | "past", "month", ..] => {
            return Some((2, today.checked_sub_months(Months::new(1))?));
        }
        ["last" | "past", "quarter", ..] => {
            return Some((2, today.checked_sub_months(Months::new(3))?));
        }
        ["last" | "past", "year", ..] => {
            return Some((2, today.checked_sub_months(Months::new(12))?));
        }
        ["this", "week", ..] => {
            return Some((2, back(u64::from(today.weekday().num_days_from_monday()))?));
        }
        ["this", "month", ..] => return Some((2, today.with_day(1)?)),
        ["the", "last" | "past", count, unit, ..] | ["last" | "past", count, unit, ..] => {
            let skipped = usize::from(norms[0] == "the");
            let count: u64 = count.parse().ok()?;
            return Some((3 + skipped, back(count * unit_days(unit)?)?));
        }
        [count, unit, "ago", ..] => {
            let count: u64 = count.parse().ok()?;
            return Some((3, back(count * unit_days(unit)?)?));
        }
        _ => {}
    }
    let (len, weekday_word) = match norms.as_slice() {
        ["last", day, ..] => (2, *day),
        [day, ..] => (1, *day),
        [] => return None,
    };
    // Full names only: "what changed at Sun Microsystems" names no day.
    if !weekday_word.ends_with("day") {
        return None;
    }
    let weekday: Weekday = weekday_word.parse().ok()?;
    let mut back_days = 1;
    while today.checked_sub_days(Days::new(back_days))?.weekday() != weekday {
        back_days += 1;
    }
    Some((len, back(back_days)?))
}

/// Days in a unit of "the last 3 days", "2 weeks ago".
fn unit_days(unit: &str) -> Option<u64> {
    match unit {
        "day" | "days" => Some(1),
        "week" | "weeks" => Some(7),
        "month" | "months" => Some(30),
        _ => None,
    }
}

#[cfg(test)]
mod tests;

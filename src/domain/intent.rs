//! What a direct message to planbot means.
//!
//! [`question::understand`] reads a message into slots (topic, account,
//! person, time range, filter) and is the reader for new questions;
//! [`recognize`] below is the older reading of summaries and the sender's
//! action items, which `understand` falls back on for messages without a
//! topic cue.
//!
//! Messages are short and informal ("how's acme looking?", "whats overdu"),
//! so [`recognize`] works on words rather than grammar: it normalises
//! spelling, strips politeness, then tries a few phrase shapes in a fixed
//! order: greeting, help, summary request ("summarize X", "X status", "how
//! is X doing"), action items, "my accounts", and a name followed by
//! "account". Anything else is [`Intent::Unclear`], which the caller may
//! still try as an account name.
//!
//! Choices worth knowing:
//! - A bare phrase ("acme", "acme?") is `Unclear`, not a summary: without the
//!   account list "acme?" cannot be told from "lunch?", and the caller, who has
//!   the list, tries `Unclear` text as a name anyway.
//! - An empty message (only a bot mention, or "?") is `Help`.
//! - A leading "my" is never part of an account name, so "summarize my
//!   account" is `Summary(Mine)`. An account really called "My Account Co" is
//!   reached as `Named("Account Co")`, whose words still resolve to it; one
//!   called just "My Account" is reached by its legal suffix or by typing the
//!   bare name (which comes back `Unclear` with the full text).
//! - Slack markup is read as plain text: `<...>` links become their label or
//!   nothing, mentions of people nothing, and the escapes `&amp;`, `&lt;`,
//!   `&gt;` are decoded, so "AT&amp;T" comes back as "AT&T".
//! - Openers like "how is" and "tell me about" take whatever follows as an
//!   account name ("how is the weather" → `Named("weather")`); the name lookup
//!   then says no such account, which reads naturally.

use std::borrow::Cow;

pub mod question;

/// Only the start of a message is read, which keeps the work bounded however
/// much is pasted; real requests are a sentence long.
const MAX_INPUT_CHARS: usize = 500;

/// What a direct message asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// A summary of account plans.
    Summary(SummaryTarget),
    /// The sender's own action items.
    MyActions(ActionFilter),
    /// How to use the bot.
    Help,
    /// "hi", "hello", "hey planbot", "thanks": deserves a friendly short reply.
    Greeting,
    /// Anything else, trimmed of surrounding punctuation and politeness; the
    /// caller may still try it as an account name.
    Unclear(String),
}

/// Which accounts a summary is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SummaryTarget {
    /// The accounts the sender owns.
    Mine,
    /// The account phrase as typed, trimmed of filler ("Acme Corp").
    Named(String),
}

/// Which action items to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionFilter {
    /// Everything not done.
    Open,
    /// Past their due date.
    Overdue,
    /// Due within the coming week.
    DueThisWeek,
}

/// Reads what a direct message asks for. The text has already had Slack
/// mentions of the bot removed; only its first 500 characters are read.
#[must_use]
pub fn recognize(text: &str) -> Intent {
    let text = plain_text(first_chars(text, MAX_INPUT_CHARS));
    let words = words_of(&text);
    read_words(&text, &words)
}

/// [`recognize`] on text already made plain and split into words.
fn read_words(text: &str, words: &[Word]) -> Intent {
    if words.is_empty() {
        return Intent::Help;
    }
    if is_greeting(words) {
        return Intent::Greeting;
    }
    let core = without_filler(words);
    if core.is_empty() || is_help(core) {
        return Intent::Help;
    }
    if let Some(intent) = summary_request(core, text) {
        return intent;
    }
    if let Some(filter) = action_request(core) {
        return Intent::MyActions(filter);
    }
    if is_own_accounts(core) {
        return Intent::Summary(SummaryTarget::Mine);
    }
    if let Some(intent) = named_account(core, text) {
        return intent;
    }
    Intent::Unclear(phrase(text, core, false))
}

// ---------------------------------------------------------------------------
// Vocabulary. Lists are space-separated words (phrase lists: one phrase a
// line), compared after lowercasing, dropping apostrophes and fixing the
// spellings below, so "What's" is "whats" and "Sumary" is "summary".

/// Spelling variants and frequent typos of the words the patterns rely on:
/// each line is the spelling used, a colon, and the variants that mean it.
const SPELLING_FIXES: &str = "
    summarize: summarise sumarize sumarise summerize summerise summarizing summarising
    summary: sumary summery summry sumarry
    summaries: summarys sumaries
    account: acount acct accnt
    accounts: acounts accts accnts
    overdue: overdu ovrdue
    status: staus stauts statsu
    whats: wats wuts whts
    what: wat waht whta
    please: pls plz plse pleas plase
    thanks: thx thanx thnx thnks ty thankyou
    help: halp hlep hepl
    commands: cmds cmd command
    tasks: tasklist
    about: abt
    you: u
    are: r
    your: ur";

/// Keywords also recognised one slip away (a letter missing, extra, wrong or
/// swapped). Only long words are listed: one slip from "status" is "statue",
/// which could be a company.
const SLIP_TOLERANT_KEYWORDS: &str =
    "summary summarize summaries account accounts overdue overview business portfolio";

/// Two-word phrases read as one word, so that patterns need one spelling
/// each: a line is the pair, a colon, and the word it becomes.
const MERGED_PAIRS: &str = "
    what is: whats
    how is: hows
    how are: howre
    past due: overdue
    over due: overdue
    to do: todo
    to dos: todos
    follow up: followup
    follow ups: followups
    next steps: nextsteps
    sum up: summarize
    thank you: thanks
    who is: whos
    at risk: atrisk
    white space: whitespace
    cross sell: crosssell
    up sell: upsell
    run down: rundown";

/// Words that make a message a greeting.
const GREETING_WORDS: &str = "hi hello hey heya hiya yo howdy sup hola greetings morning afternoon \
    evening gm thanks cheers appreciate appreciated ok okay cool great awesome nice perfect";

/// Words that may accompany a greeting without changing what it is.
const GREETING_COMPANIONS: &str = "there planbot bot team all everyone folks good so very much a lot \
    again you got it friend buddy mate oh well just and for the your help man";

/// Whole messages that are greetings though made of ordinary words.
const GREETING_PHRASES: &str = "
    howre you
    howre you doing
    howre things
    hows it going
    hows everything
    hows your day
    whats up
    whats new
    how have you been
    you there
    are you there";

/// Politeness and attention-getters dropped from the start of a message.
const LEADING_FILLER: &str = "hey hi hello yo heya hiya ok okay so please kindly planbot bot can \
    could would will you quick quickly just um uh hmm and also now then thanks oh well good \
    morning afternoon evening mind pretty";

/// Politeness dropped from the end of a message.
const TRAILING_FILLER: &str = "please thanks planbot bot kindly asap";

/// Words that on their own ask for help.
const HELP_WORDS: &str = "help commands usage instructions manual menu options guide docs \
    documentation examples tutorial";

/// Words that may accompany a help word ("what are the commands").
const HELP_COMPANIONS: &str = "me i need some please what whats are the your list show available \
    how do does use using this it you work works planbot bot with to can get give a an any \
    there see of all here for on is";

/// Whole messages that ask for help without a help word.
const HELP_PHRASES: &str = "
    what can you do
    what do you do
    what can i do
    what can i ask
    what can i ask you
    what can i say
    what should i ask
    what should i say
    what do i say
    how do i use this
    how do i use you
    how do i use it
    how do i use
    how do you work
    how does this work
    how does it work
    how does this thing work
    how to use
    how to use this
    whats this
    what are you
    who are you
    what do you know
    tell me about yourself
    tell me about you
    getting started
    how do i start
    how do i get started
    what can you help with
    what can you help me with
    tell me how to use this
    show me how to use this
    tell me how this works
    show me how this works";

/// Nouns naming a summary.
const SUMMARY_NOUNS: &str = "summary summaries recap overview rundown update updates status \
    snapshot briefing brief sitrep report latest news";

/// Words that may come before a summary noun in a request for one
/// ("give me the latest account summary", "is there an update on acme").
const SUMMARY_LEAD_INS: &str = "give get got send show me us i we you need want would like id \
    wanna lets let see have has can could whats what is are there any some do does pull up \
    fetch the a an my our account accounts plan please to quick short full latest recent \
    current overall detailed high level weekly new general complete fresh";

/// Words that ask for something when they open a phrase ending in a summary
/// noun ("give me the acme summary"); never part of the account name there.
const REQUEST_OPENERS: &str = "give get send show me us i need want would like id wanna lets let \
    see have can could whats what is do pull fetch to";

/// Articles and possessives that open an object phrase.
const DETERMINERS: &str = "the a an my our";

/// Prepositions linking a request to its object ("summary of", "update on").
const LINKING_PREPOSITIONS: &str = "of for on about with at regarding re in from";

/// Vague subjects of "how is ... with X" ("how's it going with acme").
const VAGUE_SUBJECTS: &str = "it things everything stuff life business we";

/// Words ending a status question after the account ("how is acme doing").
const TRAILING_STATE_WORDS: &str = "doing looking look looks going tracking trending performing \
    progressing lately currently now today please overall atm is are";

/// Phrases ending a status question after the account ("how is acme doing so far").
const TRAILING_STATE_PHRASES: &str = "
    right now
    these days
    at the moment
    so far
    this week
    this month
    this quarter
    this year
    for me
    shaping up
    coming along";

/// Nouns naming an account, its plan or its business; they follow the name
/// ("acme account plan", "the globex deal").
const ACCOUNT_NOUNS: &str =
    "account accounts plan plans deal deals opportunity relationship customer client";

/// Words that can make up a phrase meaning "the accounts I own".
const OWN_ACCOUNTS_VOCABULARY: &str = "my mine our ours i im we own owned have manage cover run \
    handle am that which all every each everything things stuff it of the a an one ones on in \
    book books business portfolio territory customers clients account accounts plans plan whole \
    entire me are is owner under";

/// Nouns that on their own name a set of accounts ("my accounts", "my book").
const OWN_ACCOUNTS_NOUNS: &str =
    "account accounts book books portfolio territory customers clients plans business";

/// Words that by themselves mean action items ("my tasks", "what's overdue").
const ACTION_WORDS: &str = "action actions item items todo todos task tasks followup followups \
    nextsteps steps deliverables commitments reminders assignments overdue due";

/// Words that mean action items only in a message about nothing else
/// ("what do I have open", "what's on my plate").
const WEAK_ACTION_WORDS: &str = "open outstanding pending plate late behind missed";

/// Words that may fill out a question about action items.
const ACTION_COMPANIONS: &str = "my me i mine our the a an what whats which is are do does did \
    have has got get show list give see still any anything all soon upcoming coming up this \
    next week today tomorrow now currently right left on for stuff things of in there at else am";

/// Words choosing [`ActionFilter::Overdue`].
const OVERDUE_WORDS: &str = "overdue late behind missed";

/// Words choosing [`ActionFilter::DueThisWeek`].
const DUE_SOON_WORDS: &str = "due soon upcoming week today tomorrow";

/// Phrase shapes that open a summary request, followed by what it is about.
/// Steps are separated by spaces; a step lists alternatives separated by `|`,
/// and a step ending in `?` may be absent.
const SUMMARY_OPENERS: &[Opener] = &[
    Opener::strong("summarize"),
    Opener::strong("recap"),
    Opener::strong("brief|update|fill|catch me|us in|up? on|about|re|regarding|with?"),
    Opener::strong("tell|talk me|us more? about|of|on"),
    Opener::strong("tell|show me|us how"),
    Opener::strong("talk me|us through"),
    Opener::strong("whats the latest|news|story|deal|situation|scoop on|with|at|for|re?"),
    Opener::strong("whats going|happening|new|up|cooking on? with|at|for|in|re"),
    Opener::strong("hows|howre"),
    Opener::strong("how does|do|about|goes"),
    Opener::strong("how we|are we? doing|looking|going|tracking on|with|at|for"),
    Opener::strong("anything new? i|we? should|need? to? know? on|about|with|at|for"),
    Opener::strong("where are we|things with|on|at"),
    Opener::strong("show|pull|bring|look|check me|us? up|in? on?"),
    Opener::weak("give|get|send|fetch|grab me|us?"),
    Opener::weak("i|we need|want|would|wanna like? to? see|get|know|hear|have? about?"),
];

/// A phrase shape opening a summary request.
struct Opener {
    shape: &'static str,
    /// Whether whatever follows is taken as an account name. Openers like
    /// "give me" are too general for that ("give me a break"): after them a
    /// name counts only next to a word like "summary" or "account".
    names_anything: bool,
}

impl Opener {
    const fn strong(shape: &'static str) -> Self {
        Self {
            shape,
            names_anything: true,
        }
    }

    const fn weak(shape: &'static str) -> Self {
        Self {
            shape,
            names_anything: false,
        }
    }
}

/// Whether `word` is one of the space-separated words of `list`.
fn listed(list: &str, word: &str) -> bool {
    list.split_ascii_whitespace().any(|listed| listed == word)
}

/// The non-empty, trimmed lines of a phrase list.
fn lines_of(list: &str) -> impl Iterator<Item = &str> {
    list.lines().map(str::trim).filter(|line| !line.is_empty())
}

// ---------------------------------------------------------------------------
// Words.

/// A word of the message: where it is in the text, and its normalised form.
#[derive(Debug)]
struct Word {
    start: usize,
    end: usize,
    norm: String,
}

impl Word {
    fn is_in(&self, list: &str) -> bool {
        listed(list, &self.norm)
    }
}

/// Splits text into words: letters and digits, with `&` and apostrophes kept
/// inside names ("AT&T", "McDonald's"). Each word is normalised (lowercase,
/// no apostrophes, spelling fixed) and some pairs are merged ("what is").
fn words_of(text: &str) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    let mut start = None;
    for (index, character) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let belongs_to_word =
            character.is_alphanumeric() || character == '&' || is_apostrophe(character);
        match (belongs_to_word, start) {
            (true, None) => start = Some(index),
            (false, Some(word_start)) => {
                start = None;
                if let Some(word) = word_at(text, word_start, index) {
                    let merged = words
                        .last_mut()
                        .is_some_and(|previous| merge_into(previous, &word));
                    if !merged {
                        words.push(word);
                    }
                }
            }
            _ => {}
        }
    }
    words
}

/// The word in `text[start..end]`, without quoting apostrophes around it.
fn word_at(text: &str, start: usize, end: usize) -> Option<Word> {
    let raw = &text[start..end];
    let trimmed = raw.trim_start_matches(is_apostrophe);
    let start = start + (raw.len() - trimmed.len());
    let trimmed = trimmed.trim_end_matches(is_apostrophe);
    let end = start + trimmed.len();
    let lowered: String = trimmed
        .chars()
        .filter(|&c| !is_apostrophe(c))
        .flat_map(char::to_lowercase)
        .collect();
    if lowered.is_empty() {
        return None;
    }
    Some(Word {
        start,
        end,
        norm: fixed_spelling(lowered),
    })
}

fn is_apostrophe(character: char) -> bool {
    matches!(character, '\'' | '’' | '‘')
}

/// The keyword `word` stands for, or `word` itself.
fn fixed_spelling(word: String) -> String {
    let fixed = lines_of(SPELLING_FIXES).find_map(|line| {
        let (fixed, variants) = line.split_once(':')?;
        listed(variants, &word).then_some(fixed)
    });
    if let Some(fixed) = fixed {
        return fixed.to_owned();
    }
    if listed(SLIP_TOLERANT_KEYWORDS, &word) {
        return word;
    }
    // A slip rarely hits the first letter, and requiring it keeps unrelated
    // words that happen to be one edit away from turning into keywords. The
    // length check skips the distance computation for most words.
    let slipped = SLIP_TOLERANT_KEYWORDS
        .split_ascii_whitespace()
        .find(|keyword| {
            keyword.len().abs_diff(word.len()) <= 1
                && keyword.chars().next() == word.chars().next()
                && super::typo::one_typo_from(&word, keyword)
        });
    slipped.map_or(word, str::to_owned)
}

/// Merges `next` into `previous` when the two form one of [`MERGED_PAIRS`].
fn merge_into(previous: &mut Word, next: &Word) -> bool {
    let merged = lines_of(MERGED_PAIRS).find_map(|line| {
        let (pair, as_one) = line.split_once(':')?;
        let (first, second) = pair.split_once(' ')?;
        (previous.norm == first && next.norm == second).then_some(as_one.trim())
    });
    let Some(as_one) = merged else {
        return false;
    };
    previous.end = next.end;
    previous.norm = as_one.to_owned();
    true
}

/// The words without politeness at either end ("can you ... please").
fn without_filler(words: &[Word]) -> &[Word] {
    let mut core = words;
    while let [first, rest @ ..] = core
        && first.is_in(LEADING_FILLER)
    {
        core = rest;
    }
    loop {
        match core {
            [rest @ .., last] if last.is_in(TRAILING_FILLER) => core = rest,
            [rest @ .., for_word, me] if for_word.norm == "for" && me.norm == "me" => core = rest,
            _ => return core,
        }
    }
}

/// Text of `words` as typed, whitespace collapsed; with `drop_possessive`,
/// without a final "'s" ("Acme's" → "Acme").
fn phrase(text: &str, words: &[Word], drop_possessive: bool) -> String {
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return String::new();
    };
    let mut typed = &text[first.start..last.end];
    if drop_possessive {
        for suffix in ["'s", "'S", "’s", "’S"] {
            typed = typed.strip_suffix(suffix).unwrap_or(typed);
        }
    }
    typed.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether the words are exactly `phrase`.
fn norms_equal(words: &[Word], phrase: &str) -> bool {
    words
        .iter()
        .map(|word| word.norm.as_str())
        .eq(phrase.split_ascii_whitespace())
}

/// Whether the words are exactly one of the phrases of a phrase list.
fn is_one_of(words: &[Word], phrases: &str) -> bool {
    lines_of(phrases).any(|phrase| norms_equal(words, phrase))
}

// ---------------------------------------------------------------------------
// Intents.

fn is_greeting(words: &[Word]) -> bool {
    let only_greeting_words = words
        .iter()
        .all(|word| word.is_in(GREETING_WORDS) || word.is_in(GREETING_COMPANIONS))
        && words.iter().any(|word| word.is_in(GREETING_WORDS));
    only_greeting_words || is_one_of(without_filler(words), GREETING_PHRASES)
}

fn is_help(core: &[Word]) -> bool {
    let help_word_with_companions = core.iter().any(|word| word.is_in(HELP_WORDS))
        && core
            .iter()
            .all(|word| word.is_in(HELP_WORDS) || word.is_in(HELP_COMPANIONS));
    help_word_with_companions || is_one_of(core, HELP_PHRASES)
}

/// What an object phrase ("my accounts", "the Acme account") refers to.
enum Object<'w> {
    /// The sender's own accounts ("my book of business", or nothing at all).
    OwnAccounts,
    /// The sender's action items ("my overdue tasks").
    Actions(ActionFilter),
    /// An account name.
    Name {
        /// The words of the name.
        words: &'w [Word],
        /// Whether a final "'s" is possessive ("acme's account") rather than
        /// part of the name.
        drop_possessive: bool,
        /// Whether a word like "summary" or "account" stood next to the name,
        /// which makes it a name even after a vague opener like "give me".
        beside_summary_word: bool,
    },
}

/// A summary request ("summarize acme", "acme status", "how are my accounts
/// doing"); `None` when the message is not shaped like one.
fn summary_request(core: &[Word], text: &str) -> Option<Intent> {
    for opener in SUMMARY_OPENERS {
        let Some(opener_len) = matched_len(core, opener.shape) else {
            continue;
        };
        let object = &core[opener_len..];
        if object.is_empty() && !opener.names_anything {
            continue;
        }
        let classified = classify_object(object);
        let unsupported_name = matches!(
            classified,
            Object::Name {
                beside_summary_word: false,
                ..
            }
        ) && !opener.names_anything;
        if !unsupported_name {
            return Some(intent_for(classified, text));
        }
    }

    let first_noun = core.iter().position(|word| word.is_in(SUMMARY_NOUNS))?;
    let after_nouns = first_noun
        + core[first_noun..]
            .iter()
            .take_while(|word| word.is_in(SUMMARY_NOUNS))
            .count();
    let before = &core[..first_noun];
    let object = if before.iter().all(|word| word.is_in(SUMMARY_LEAD_INS)) {
        // "give me the account summary for Acme": the object follows.
        classify_object(&core[after_nouns..])
    } else {
        // "acme summary", "give me the acme status": the object comes first.
        let opened_by = before
            .iter()
            .take_while(|word| word.is_in(REQUEST_OPENERS) || word.is_in(DETERMINERS))
            .count();
        match classify_object(&before[opened_by..]) {
            // The summary noun followed the name, so "acme's" is possessive.
            Object::Name { words, .. } => Object::Name {
                words,
                drop_possessive: true,
                beside_summary_word: true,
            },
            other => other,
        }
    };
    Some(intent_for(object, text))
}

fn intent_for(object: Object<'_>, text: &str) -> Intent {
    match object {
        Object::OwnAccounts => Intent::Summary(SummaryTarget::Mine),
        Object::Actions(filter) => Intent::MyActions(filter),
        Object::Name {
            words,
            drop_possessive,
            ..
        } => Intent::Summary(SummaryTarget::Named(phrase(text, words, drop_possessive))),
    }
}

/// How many words at the start of `words` the phrase `shape` covers (see
/// [`SUMMARY_OPENERS`]), if they fit it. Steps are matched greedily without
/// backtracking; the shapes are written so that this suffices.
fn matched_len(words: &[Word], shape: &str) -> Option<usize> {
    let mut matched = 0;
    for step in shape.split_ascii_whitespace() {
        let (alternatives, optional) = match step.strip_suffix('?') {
            Some(alternatives) => (alternatives, true),
            None => (step, false),
        };
        let present = words.get(matched).is_some_and(|word| {
            alternatives
                .split('|')
                .any(|alternative| alternative == word.norm)
        });
        if present {
            matched += 1;
        } else if !optional {
            return None;
        }
    }
    Some(matched)
}

/// What the object of a request refers to, after trimming the words around
/// the name: articles and prepositions at its start, a summary noun with its
/// preposition ("summary of"), state words at its end ("doing"), and account
/// nouns after the name ("acme account plan").
fn classify_object(object: &[Word]) -> Object<'_> {
    let mut words = object;
    let mut beside_summary_word = false;
    loop {
        match words {
            [first, rest @ ..] if first.is_in(DETERMINERS) || first.is_in(LINKING_PREPOSITIONS) => {
                words = rest
            }
            [first, second, rest @ ..]
                if first.is_in(SUMMARY_NOUNS) && second.is_in(LINKING_PREPOSITIONS) =>
            {
                beside_summary_word = true;
                words = rest;
            }
            // "quick summary of": a word describing the summary.
            [first, second, ..] if second.is_in(SUMMARY_NOUNS) && first.is_in(SUMMARY_LEAD_INS) => {
                words = &words[1..];
            }
            [first, ..] if first.is_in(VAGUE_SUBJECTS) => {
                // "how's it going with acme": the name follows the preposition.
                match words
                    .iter()
                    .take(4)
                    .position(|word| word.is_in(LINKING_PREPOSITIONS))
                {
                    Some(preposition) => words = &words[preposition + 1..],
                    None => break,
                }
            }
            _ => break,
        }
    }

    if is_about_actions(words) {
        return Object::Actions(action_filter(words));
    }

    let mut drop_possessive = false;
    loop {
        if let Some(phrase_len) =
            lines_of(TRAILING_STATE_PHRASES).find_map(|phrase| ends_with_phrase(words, phrase))
        {
            words = &words[..words.len() - phrase_len];
            continue;
        }
        match words {
            // A lone state word may be the name itself ("how is Look doing").
            [rest @ .., last] if !rest.is_empty() && last.is_in(TRAILING_STATE_WORDS) => {
                words = rest;
            }
            [rest @ .., last] if last.is_in(ACCOUNT_NOUNS) || last.is_in(SUMMARY_NOUNS) => {
                beside_summary_word = true;
                drop_possessive = true;
                words = rest;
            }
            _ => break,
        }
    }

    if words.iter().all(|word| word.is_in(OWN_ACCOUNTS_VOCABULARY)) {
        return Object::OwnAccounts;
    }
    Object::Name {
        words,
        drop_possessive,
        beside_summary_word,
    }
}

/// The length of `phrase` when the words end with it after at least one
/// other word.
fn ends_with_phrase(words: &[Word], phrase: &str) -> Option<usize> {
    let phrase_len = phrase.split_ascii_whitespace().count();
    let ends_with =
        words.len() > phrase_len && norms_equal(&words[words.len() - phrase_len..], phrase);
    ends_with.then_some(phrase_len)
}

/// Whether the words ask about action items: an action word among words
/// that all fit such a question.
fn is_about_actions(words: &[Word]) -> bool {
    words
        .iter()
        .any(|word| word.is_in(ACTION_WORDS) || word.is_in(WEAK_ACTION_WORDS))
        && words.iter().all(|word| {
            word.is_in(ACTION_WORDS)
                || word.is_in(WEAK_ACTION_WORDS)
                || word.is_in(ACTION_COMPANIONS)
        })
}

/// An action-item request not shaped like a summary request: any strong
/// action word ("what's overdue at acme" lists my overdue items), or a weak
/// one in a message about nothing else.
fn action_request(core: &[Word]) -> Option<ActionFilter> {
    let asks_for_actions =
        core.iter().any(|word| word.is_in(ACTION_WORDS)) || is_about_actions(core);
    asks_for_actions.then(|| action_filter(core))
}

fn action_filter(words: &[Word]) -> ActionFilter {
    if words.iter().any(|word| word.is_in(OVERDUE_WORDS)) {
        ActionFilter::Overdue
    } else if words.iter().any(|word| word.is_in(DUE_SOON_WORDS)) {
        ActionFilter::DueThisWeek
    } else {
        ActionFilter::Open
    }
}

/// "my accounts", "my book of business": only words about owned accounts,
/// including a noun naming them.
fn is_own_accounts(core: &[Word]) -> bool {
    core.iter().all(|word| word.is_in(OWN_ACCOUNTS_VOCABULARY))
        && core.iter().any(|word| word.is_in(OWN_ACCOUNTS_NOUNS))
}

/// "the acme account", "my initech account plan": a name followed by the word
/// "account" is a summary request even without a verb. "plan" alone is not
/// enough: "lunch plans" is not about an account.
fn named_account(core: &[Word], text: &str) -> Option<Intent> {
    if !core.iter().any(|word| word.is_in("account accounts")) {
        return None;
    }
    match classify_object(core) {
        object @ Object::Name {
            beside_summary_word: true,
            ..
        } => Some(intent_for(object, text)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Text helpers.

/// Slack message text as a person reads it. Slack wraps links, mentions and
/// channel references in `<...>`, with an optional `|label` (kept, except a
/// mentioned person's name, which is dropped), and sends a typed
/// `&`, `<` or `>` as an HTML entity, so a raw `<` always opens markup.
fn plain_text(text: &str) -> Cow<'_, str> {
    if !text.contains(['<', '&']) {
        return Cow::Borrowed(text);
    }
    let mut plain = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        plain.push_str(&rest[..open]);
        let inside_and_after = &rest[open + 1..];
        let Some(close) = inside_and_after.find('>') else {
            rest = inside_and_after;
            break;
        };
        let inside = &inside_and_after[..close];
        match inside.split_once('|') {
            // A person mentioned is not part of what is asked about.
            Some((_, label)) if !inside.starts_with('@') => plain.push_str(label),
            _ => plain.push(' '),
        }
        rest = &inside_and_after[close + 1..];
    }
    plain.push_str(rest);
    Cow::Owned(
        plain
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// The longest prefix of `text` with at most `max` characters.
fn first_chars(text: &str, max: usize) -> &str {
    text.char_indices()
        .nth(max)
        .map_or(text, |(index, _)| &text[..index])
}

#[cfg(test)]
mod tests {
    use super::super::names::{self, Candidate, NameMatch};
    use super::*;

    fn named(phrase: &str) -> Intent {
        Intent::Summary(SummaryTarget::Named(phrase.to_owned()))
    }

    fn unclear(text: &str) -> Intent {
        Intent::Unclear(text.to_owned())
    }

    const MINE: Intent = Intent::Summary(SummaryTarget::Mine);
    const OPEN: Intent = Intent::MyActions(ActionFilter::Open);
    const OVERDUE: Intent = Intent::MyActions(ActionFilter::Overdue);
    const DUE_THIS_WEEK: Intent = Intent::MyActions(ActionFilter::DueThisWeek);

    #[test]
    fn recognize_reads_what_people_actually_type() {
        let cases: Vec<(&str, Intent)> = vec![
            // One named account.
            ("give me a summary of Acme", named("Acme")),
            ("summary of Acme Corp", named("Acme Corp")),
            ("summarize acme", named("acme")),
            ("how is acme doing?", named("acme")),
            ("how's Globex looking", named("Globex")),
            ("what's going on with initech", named("initech")),
            ("tell me about Stark Industries", named("Stark Industries")),
            ("acme summary", named("acme")),
            ("status of umbrella", named("umbrella")),
            (
                "account summary for Wayne Enterprises",
                named("Wayne Enterprises"),
            ),
            ("brief me on acme", named("acme")),
            ("sumary of Acme", named("Acme")),
            ("summery for globex please", named("globex")),
            ("Summarise Initech", named("Initech")),
            ("sumarize acme pls", named("acme")),
            ("SUMMARIZE ACME", named("ACME")),
            (
                "Can you give me a quick summary of Acme Corp?",
                named("Acme Corp"),
            ),
            ("could you please summarize the Acme account", named("Acme")),
            (
                "what's the status of Umbrella Corporation",
                named("Umbrella Corporation"),
            ),
            ("How is the Acme account doing?", named("Acme")),
            ("tell me about acme's account plan", named("acme")),
            (
                "hey planbot, how's Wayne Enterprises looking?",
                named("Wayne Enterprises"),
            ),
            ("What is going on with Initech??", named("Initech")),
            (
                "brief me about Stark   Industries, please",
                named("Stark Industries"),
            ),
            ("pls give me the acme summary", named("acme")),
            ("how are things at Globex", named("Globex")),
            ("acme's summary", named("acme")),
            ("Acme, Inc. status", named("Acme, Inc")),
            ("whats happening at hooli", named("hooli")),
            ("show me the Globex account", named("Globex")),
            ("fill me in on Soylent", named("Soylent")),
            ("AT&amp;T summary", named("AT&T")),
            ("recap Massive Dynamic for me", named("Massive Dynamic")),
            ("how does Initech look this quarter", named("Initech")),
            (
                "what's the latest on Société Générale",
                named("Société Générale"),
            ),
            ("how's it going with acme", named("acme")),
            ("i need a status update on Hooli", named("Hooli")),
            ("acount summary for acme", named("acme")),
            // My accounts.
            ("summarize my account", MINE),
            ("summarize my accounts", MINE),
            ("my accounts", MINE),
            ("how are my accounts doing", MINE),
            ("summary", MINE),
            ("give me a summary of an account I own", MINE),
            ("account summary", MINE),
            ("show my book of business", MINE),
            ("summarise my acount", MINE),
            ("Sumary!", MINE),
            ("give me a summary", MINE),
            ("status of all my accounts", MINE),
            ("how r my accts looking", MINE),
            ("My Accounts?", MINE),
            ("summarize everything", MINE),
            ("give me my account summaries please", MINE),
            // My action items.
            ("my action items", OPEN),
            ("what do I have open", OPEN),
            ("my open items", OPEN),
            ("my todos", OPEN),
            ("what's overdue", OVERDUE),
            ("overdue items", OVERDUE),
            ("what's due this week", DUE_THIS_WEEK),
            ("due this week", DUE_THIS_WEEK),
            ("what is due soon", DUE_THIS_WEEK),
            ("show my tasks", OPEN),
            ("whats overdu", OVERDUE),
            ("What's OVERDUE?", OVERDUE),
            ("my to-dos", OPEN),
            ("anything past due?", OVERDUE),
            ("what are my follow-ups", OPEN),
            ("list my tasks due this week", DUE_THIS_WEEK),
            ("what's on my plate", OPEN),
            ("summarize my overdue action items", OVERDUE),
            ("what's overdue at acme", OVERDUE),
            ("what am I behind on", OVERDUE),
            // Help.
            ("help", Intent::Help),
            ("HELP!", Intent::Help),
            ("what can you do", Intent::Help),
            ("how do I use this", Intent::Help),
            ("commands", Intent::Help),
            ("?", Intent::Help),
            ("", Intent::Help),
            ("can you help?", Intent::Help),
            ("hlep", Intent::Help),
            ("what are the commands", Intent::Help),
            ("tell me about yourself", Intent::Help),
            // Greetings.
            ("hi", Intent::Greeting),
            ("Hello!", Intent::Greeting),
            ("hey planbot", Intent::Greeting),
            ("thanks", Intent::Greeting),
            ("Thank you so much!", Intent::Greeting),
            ("good morning", Intent::Greeting),
            ("how are you?", Intent::Greeting),
            ("thx!!", Intent::Greeting),
            ("ok cool", Intent::Greeting),
            // Anything else.
            ("lunch plans?", unclear("lunch plans")),
            ("acme?", unclear("acme")),
            ("Acme Corp", unclear("Acme Corp")),
            ("what's the weather", unclear("what's the weather")),
            ("give me a break", unclear("give me a break")),
            ("I love this bot", unclear("I love this")),
            ("  Stark   Industries!  ", unclear("Stark Industries")),
            ("the Acme account", named("Acme")),
            ("my initech account plan", named("initech")),
            ("catch me up on the Globex deal", named("Globex")),
            ("how are we doing with Hooli", named("Hooli")),
            ("anything new on acme?", named("acme")),
            ("can you tell me how Acme is doing", named("Acme")),
            ("how is Look doing", named("Look")),
            ("any updates on acme?", named("acme")),
            ("is there an update on Globex", named("Globex")),
            ("do you have a summary of Initech", named("Initech")),
            ("status report for Hooli", named("Hooli")),
            ("latest on acme", named("acme")),
            ("where are we with Soylent", named("Soylent")),
            ("summarize <@U024BE7LH> acme", named("acme")),
            (
                "status of <https://acme.example|Acme Corp>",
                named("Acme Corp"),
            ),
        ];
        let mut failures = Vec::new();
        for (text, expected) in &cases {
            let got = recognize(text);
            if got != *expected {
                failures.push(format!("{text:?}: expected {expected:?}, got {got:?}"));
            }
        }
        assert!(cases.len() >= 60, "only {} phrasings", cases.len());
        assert!(
            failures.is_empty(),
            "{} of {} misread:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }

    /// A leading "my" is read as the sender's, never as part of a name, so an
    /// account called "My Account Co" comes back without it; its remaining
    /// words still find it.
    #[test]
    fn an_account_named_my_account_co_is_still_reachable() {
        let book = [
            Candidate {
                id: 1,
                name: "My Account Co",
            },
            Candidate {
                id: 2,
                name: "Acme Corp",
            },
            Candidate {
                id: 3,
                name: "Accountable Health",
            },
        ];
        let cases: Vec<(&str, Intent, Option<NameMatch>)> = vec![
            (
                "summarize My Account Co",
                named("Account Co"),
                Some(NameMatch::One(1)),
            ),
            (
                "how is my account co doing?",
                named("account co"),
                Some(NameMatch::One(1)),
            ),
            (
                "tell me about My Account Co.",
                named("Account Co"),
                Some(NameMatch::One(1)),
            ),
            // The bare name is Unclear, and the caller's name lookup finds it.
            (
                "My Account Co",
                unclear("My Account Co"),
                Some(NameMatch::One(1)),
            ),
            // The everyday meaning wins over the company.
            ("summarize my account", MINE, None),
            ("my account", MINE, None),
        ];
        for (text, expected, resolved) in cases {
            let intent = recognize(text);
            assert_eq!(intent, expected, "reading {text:?}");
            let phrase = match &intent {
                Intent::Summary(SummaryTarget::Named(phrase)) | Intent::Unclear(phrase) => {
                    Some(phrase.as_str())
                }
                _ => None,
            };
            assert_eq!(
                phrase.map(|phrase| names::resolve(phrase, &book)),
                resolved,
                "resolving {text:?}"
            );
        }
    }

    #[test]
    fn recognize_reads_only_the_start_of_a_huge_message() {
        let huge = format!("summarize acme {}", "é and more words ".repeat(20_000));
        let Intent::Summary(SummaryTarget::Named(phrase)) = recognize(&huge) else {
            panic!("expected a named summary");
        };
        assert!(phrase.starts_with("acme é and more"), "{phrase:?}");
        assert!(
            phrase.chars().count() <= 500,
            "{} chars",
            phrase.chars().count()
        );
    }

    #[test]
    fn keyword_spelling_is_fixed_but_other_words_are_left_alone() {
        let cases = [
            ("sumary", "summary"),
            ("summray", "summary"),
            ("summarise", "summarize"),
            ("sumarise", "summarize"),
            ("acocunt", "account"),
            ("acounts", "accounts"),
            ("overdeu", "overdue"),
            ("buisness", "business"),
            ("pls", "please"),
            // Too short, or too far from any keyword, to be a slip.
            ("statue", "statue"),
            ("summit", "summit"),
            ("accent", "accent"),
            ("acme", "acme"),
            ("naccount", "naccount"),
        ];
        for (typed, expected) in cases {
            assert_eq!(
                fixed_spelling(typed.to_owned()),
                expected,
                "fixing {typed:?}"
            );
        }
    }

    #[test]
    fn phrase_shapes_match_only_at_the_start_and_in_order() {
        let shape = "brief|update me|us in|up? on|about";
        let cases = [
            ("brief me on acme", Some(3)),
            ("update us about acme", Some(3)),
            ("brief me in on acme", Some(4)),
            ("brief acme", None),
            ("please brief me on acme", None),
            ("brief me", None),
        ];
        for (text, expected) in cases {
            assert_eq!(
                matched_len(&words_of(text), shape),
                expected,
                "matching {text:?}"
            );
        }
    }

    #[test]
    fn words_keep_their_place_in_the_text_and_merge_common_pairs() {
        let text = "What is ‘Acme’s’ status, past due?";
        let words = words_of(text);
        let seen: Vec<(&str, &str)> = words
            .iter()
            .map(|word| (&text[word.start..word.end], word.norm.as_str()))
            .collect();
        assert_eq!(
            seen,
            vec![
                ("What is", "whats"),
                ("Acme’s", "acmes"),
                ("status", "status"),
                ("past due", "overdue")
            ]
        );
    }
}

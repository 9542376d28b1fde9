use super::*;

use crate::domain::command::{self, PlanCommand};

/// A Sunday.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
}

fn day(month: u32, day: u32) -> Option<SincePoint> {
    Some(SincePoint::Date(
        NaiveDate::from_ymd_opt(2026, month, day).unwrap(),
    ))
}

const OPEN: Option<Filter> = Some(Filter::Items(ActionFilter::Open));
const OVERDUE: Option<Filter> = Some(Filter::Items(ActionFilter::Overdue));
const THIS_WEEK: Option<Filter> = Some(Filter::Items(ActionFilter::DueThisWeek));

fn news(category: IntelCategory) -> Option<Filter> {
    Some(Filter::News(category))
}

/// The account slot a table line names: "" for none, "@mine" for the
/// asker's own, anything else as typed.
fn account(code: &str) -> Option<AccountSlot> {
    match code {
        "" => None,
        "@mine" => Some(AccountSlot::Mine),
        name => Some(AccountSlot::Named(name.to_owned())),
    }
}

/// A table line: the message, then the topic, account (see [`account`]),
/// filter and start of the time range expected.
type Line = (
    &'static str,
    Topic,
    &'static str,
    Option<Filter>,
    Option<SincePoint>,
);

#[test]
fn understand_fills_the_slots_of_what_people_type() {
    use IntelCategory as C;
    use Topic as T;
    let cases: Vec<Line> = vec![
        // Summary: today's readings stay.
        ("summarize my account", T::Summary, "@mine", None, None),
        ("how is acme doing?", T::Summary, "acme", None, None),
        ("acme status", T::Summary, "acme", None, None),
        (
            "give me a summary of Acme Corp",
            T::Summary,
            "Acme Corp",
            None,
            None,
        ),
        ("summary of Acme Corp", T::Summary, "Acme Corp", None, None),
        ("Sumary of acme pls", T::Summary, "acme", None, None),
        ("how's Globex looking", T::Summary, "Globex", None, None),
        (
            "tell me about Stark Industries",
            T::Summary,
            "Stark Industries",
            None,
            None,
        ),
        (
            "whats the latest on initech",
            T::Summary,
            "initech",
            None,
            None,
        ),
        ("AT&amp;T summary", T::Summary, "AT&T", None, None),
        (
            "status of <https://acme.example|Acme Corp>",
            T::Summary,
            "Acme Corp",
            None,
            None,
        ),
        (
            "summarize <@U024BE7LH> acme",
            T::Summary,
            "acme",
            None,
            None,
        ),
        ("how are my accounts doing", T::Summary, "@mine", None, None),
        ("summary", T::Summary, "@mine", None, None),
        (
            "catch me up on the Globex deal",
            T::Summary,
            "Globex",
            None,
            None,
        ),
        // A bare phrase may be an account: the app tries it as a name.
        ("acme", T::Unclear, "acme", None, None),
        ("Acme Corp", T::Unclear, "Acme Corp", None, None),
        ("acme?", T::Unclear, "acme", None, None),
        // Full plan.
        ("full plan for acme", T::FullPlan, "acme", None, None),
        ("show me acme's whole plan", T::FullPlan, "acme", None, None),
        ("Full Plan: Globex", T::FullPlan, "Globex", None, None),
        (
            "can you show me the entire plan for Initech please",
            T::FullPlan,
            "Initech",
            None,
            None,
        ),
        ("acme complete plan", T::FullPlan, "acme", None, None),
        ("what's the plan for acme?", T::FullPlan, "acme", None, None),
        (
            "fll plan for acme",
            T::Unclear,
            "fll plan for acme",
            None,
            None,
        ),
        // Renewal.
        ("when does acme renew?", T::Renewal, "acme", None, None),
        ("acme renewal date", T::Renewal, "acme", None, None),
        (
            "When is the renewal for Acme Corp?",
            T::Renewal,
            "Acme Corp",
            None,
            None,
        ),
        ("acme's renewal", T::Renewal, "acme", None, None),
        (
            "when does the globex contract end",
            T::Renewal,
            "globex",
            None,
            None,
        ),
        ("renwal date for initech", T::Renewal, "initech", None, None),
        ("RENEWAL ACME", T::Renewal, "ACME", None, None),
        (
            "hey planbot, when is Hooli up for renewal?",
            T::Renewal,
            "Hooli",
            None,
            None,
        ),
        (
            "when does my account renew",
            T::Renewal,
            "@mine",
            None,
            None,
        ),
        // People.
        (
            "who is the champion at acme?",
            T::People,
            "acme",
            None,
            None,
        ),
        ("acme contacts", T::People, "acme", None, None),
        (
            "who should I talk to at acme?",
            T::People,
            "acme",
            None,
            None,
        ),
        ("relationship map for acme", T::People, "acme", None, None),
        ("acme people map", T::People, "acme", None, None),
        (
            "who are the stakeholders at Globex",
            T::People,
            "Globex",
            None,
            None,
        ),
        (
            "show me the org chart for initech",
            T::People,
            "initech",
            None,
            None,
        ),
        ("champions at acme", T::People, "acme", None, None),
        (
            "who are the decision makers at Wayne Enterprises?",
            T::People,
            "Wayne Enterprises",
            None,
            None,
        ),
        ("who do we know at acme", T::People, "acme", None, None),
        ("acme chmapions", T::People, "acme", None, None),
        ("who is Priya?", T::People, "", None, None),
        ("who's Priya Shah at Acme", T::People, "Acme", None, None),
        ("who is the CEO of acme", T::People, "acme", None, None),
        (
            "who should I call at Bank of America",
            T::People,
            "Bank of America",
            None,
            None,
        ),
        (
            "<@U024BE7LH|bob> who is the champion at <https://acme.com|Acme>",
            T::People,
            "Acme",
            None,
            None,
        ),
        // Risks.
        ("acme risks", T::Risks, "acme", None, None),
        ("what are the threats at acme", T::Risks, "acme", None, None),
        ("any red flags at globex?", T::Risks, "globex", None, None),
        (
            "what are the risks for Acme Corp",
            T::Risks,
            "Acme Corp",
            None,
            None,
        ),
        ("is acme at risk?", T::Risks, "acme", None, None),
        ("acme threts", T::Risks, "acme", None, None),
        // Whitespace.
        (
            "show me the whitespace for acme",
            T::Whitespace,
            "acme",
            None,
            None,
        ),
        ("whitespace for acme", T::Whitespace, "acme", None, None),
        ("acme white space", T::Whitespace, "acme", None, None),
        (
            "upsell opportunities at globex",
            T::Whitespace,
            "globex",
            None,
            None,
        ),
        (
            "what can we cross-sell to initech",
            T::Whitespace,
            "initech",
            None,
            None,
        ),
        ("whitspace for acme", T::Whitespace, "acme", None, None),
        ("acme whitespace map", T::Whitespace, "acme", None, None),
        // Goals.
        ("acme goals", T::Goals, "acme", None, None),
        (
            "what are acme's 12 month goals",
            T::Goals,
            "acme",
            None,
            None,
        ),
        (
            "what are the goals for Globex",
            T::Goals,
            "Globex",
            None,
            None,
        ),
        ("initech objectives", T::Goals, "initech", None, None),
        ("acme's 12-month goals", T::Goals, "acme", None, None),
        // News.
        ("latest news on acme", T::News, "acme", None, None),
        ("acme funding news", T::News, "acme", news(C::Funding), None),
        (
            "any layoffs at acme",
            T::News,
            "acme",
            news(C::Layoffs),
            None,
        ),
        ("news about Globex", T::News, "Globex", None, None),
        (
            "any acquisitions at initech?",
            T::News,
            "initech",
            news(C::Acquisition),
            None,
        ),
        ("acme earnings", T::News, "acme", news(C::Earnings), None),
        (
            "has hooli been hacked",
            T::News,
            "hooli",
            news(C::SecurityIncident),
            None,
        ),
        (
            "acme intel since last week",
            T::News,
            "acme",
            None,
            day(11, 29),
        ),
        (
            "any news on acme this week",
            T::News,
            "acme",
            None,
            day(11, 30),
        ),
        (
            "acme partnership news",
            T::News,
            "acme",
            news(C::Partnership),
            None,
        ),
        // Team.
        ("who's on acme?", T::Team, "acme", None, None),
        ("acme team", T::Team, "acme", None, None),
        (
            "who is on the globex account",
            T::Team,
            "globex",
            None,
            None,
        ),
        ("who owns initech", T::Team, "initech", None, None),
        ("who works on Acme Corp?", T::Team, "Acme Corp", None, None),
        ("account team for acme", T::Team, "acme", None, None),
        // An account's action items.
        (
            "what is overdue for acme",
            T::Actions,
            "acme",
            OVERDUE,
            None,
        ),
        ("acme action items", T::Actions, "acme", OPEN, None),
        ("open items at acme", T::Actions, "acme", OPEN, None),
        ("what's overdue at acme", T::Actions, "acme", OVERDUE, None),
        (
            "what's due this week for globex",
            T::Actions,
            "globex",
            THIS_WEEK,
            None,
        ),
        ("acme tasks", T::Actions, "acme", OPEN, None),
        (
            "show me the open action items for Acme Corp",
            T::Actions,
            "Acme Corp",
            OPEN,
            None,
        ),
        (
            "overdue items for the acme team",
            T::Actions,
            "acme",
            OVERDUE,
            None,
        ),
        ("initech todos", T::Actions, "initech", OPEN, None),
        // My action items: today's readings stay.
        ("my action items", T::Actions, "@mine", OPEN, None),
        ("what's overdue?", T::Actions, "@mine", OVERDUE, None),
        (
            "what's due this week?",
            T::Actions,
            "@mine",
            THIS_WEEK,
            None,
        ),
        ("what do I have open", T::Actions, "@mine", OPEN, None),
        ("my open items", T::Actions, "@mine", OPEN, None),
        ("my todos", T::Actions, "@mine", OPEN, None),
        ("overdue items", T::Actions, "@mine", OVERDUE, None),
        ("due this week", T::Actions, "@mine", THIS_WEEK, None),
        ("whats overdu", T::Actions, "@mine", OVERDUE, None),
        ("anything past due?", T::Actions, "@mine", OVERDUE, None),
        ("what are my follow-ups", T::Actions, "@mine", OPEN, None),
        ("what's on my plate", T::Actions, "@mine", OPEN, None),
        ("what am I behind on", T::Actions, "@mine", OVERDUE, None),
        (
            "list my tasks due this week",
            T::Actions,
            "@mine",
            THIS_WEEK,
            None,
        ),
        ("What's OVERDUE?", T::Actions, "@mine", OVERDUE, None),
        // Changes.
        (
            "what changed at acme since last week",
            T::Changes,
            "acme",
            None,
            day(11, 29),
        ),
        (
            "what changed at acme since Nov 1",
            T::Changes,
            "acme",
            None,
            day(11, 1),
        ),
        (
            "what changed at acme since the last QBR",
            T::Changes,
            "acme",
            None,
            Some(SincePoint::LastQbr),
        ),
        (
            "what changed at acme since I last looked",
            T::Changes,
            "acme",
            None,
            Some(SincePoint::LastLooked),
        ),
        ("what's new at acme", T::Changes, "acme", None, None),
        (
            "acme changes since yesterday",
            T::Changes,
            "acme",
            None,
            day(12, 5),
        ),
        (
            "what happened at globex last week",
            T::Changes,
            "globex",
            None,
            day(11, 29),
        ),
        (
            "what's changed with initech since 11/15",
            T::Changes,
            "initech",
            None,
            day(11, 15),
        ),
        ("acme since monday", T::Changes, "acme", None, day(11, 30)),
        (
            "what changed at Sun Microsystems",
            T::Changes,
            "Sun Microsystems",
            None,
            None,
        ),
        (
            "what changed at acme since last friday",
            T::Changes,
            "acme",
            None,
            day(12, 4),
        ),
        (
            "what changed since our last QBR at acme",
            T::Changes,
            "acme",
            None,
            Some(SincePoint::LastQbr),
        ),
        (
            "changes at acme in the last 3 days",
            T::Changes,
            "acme",
            None,
            day(12, 3),
        ),
        (
            "what changed at acme since December 10",
            T::Changes,
            "acme",
            None,
            Some(SincePoint::Date(
                NaiveDate::from_ymd_opt(2025, 12, 10).unwrap(),
            )),
        ),
        (
            "anything new at globex since the last time I checked",
            T::Changes,
            "globex",
            None,
            Some(SincePoint::LastLooked),
        ),
        // Next.
        ("what should I do next?", T::Next, "", None, None),
        ("what did I miss?", T::Next, "", None, None),
        ("my day", T::Next, "", None, None),
        ("whats next", T::Next, "", None, None),
        ("what should I focus on today", T::Next, "", None, None),
        (
            "what have I missed since yesterday",
            T::Next,
            "",
            None,
            day(12, 5),
        ),
        // My accounts.
        ("my accounts", T::MyAccounts, "@mine", None, None),
        ("show my accounts", T::MyAccounts, "@mine", None, None),
        ("My Accounts?", T::MyAccounts, "@mine", None, None),
        ("list my accts", T::MyAccounts, "@mine", None, None),
        // A manager's view.
        ("team overdue", T::TeamOverdue, "", None, None),
        ("what's overdue on my team", T::TeamOverdue, "", None, None),
        ("my team's overdue items", T::TeamOverdue, "", None, None),
        ("which accounts are at risk?", T::AtRisk, "", None, None),
        ("accounts at risk", T::AtRisk, "", None, None),
        ("show me at-risk accounts", T::AtRisk, "", None, None),
        (
            "which of my accounts are at risk",
            T::AtRisk,
            "",
            None,
            None,
        ),
        // Coaching: reviews, QBR prep, coverage.
        ("review my plan for acme", T::Review, "acme", None, None),
        ("review the plan for Acme Corp", T::Review, "Acme Corp", None, None),
        ("acme plan health", T::Review, "acme", None, None),
        ("what are the gaps in the plan for globex?", T::Review, "globex", None, None),
        ("prep my QBR for acme", T::QbrPrep, "acme", None, None),
        ("QBR prep for Globex", T::QbrPrep, "Globex", None, None),
        ("get ready for the qbr with initech", T::QbrPrep, "initech", None, None),
        ("which key accounts have no plan?", T::Coverage, "", None, None),
        ("key accounts without a plan", T::Coverage, "", None, None),
        ("plan coverage", T::Coverage, "", None, None),
        // Greetings, thanks, help.
        ("hi", T::Greeting, "", None, None),
        ("hello planbot", T::Greeting, "", None, None),
        ("Hey!", T::Greeting, "", None, None),
        ("good morning", T::Greeting, "", None, None),
        ("thanks!", T::Thanks, "", None, None),
        ("thank you", T::Thanks, "", None, None),
        ("ty", T::Thanks, "", None, None),
        ("thx so much", T::Thanks, "", None, None),
        ("help", T::Help, "", None, None),
        ("what can you do", T::Help, "", None, None),
        ("", T::Help, "", None, None),
        ("<@U024BE7LH>", T::Help, "", None, None),
        ("hlep", T::Help, "", None, None),
        ("hmm", T::Help, "", None, None),
        // Not understood. Short phrases may be names; the rest are not.
        ("what's the weather", T::Unclear, "", None, None),
        ("asdf", T::Unclear, "asdf", None, None),
        ("tell me a joke", T::Unclear, "", None, None),
        ("delete everything", T::Unclear, "", None, None),
        ("acme acme acme acme", T::Unclear, "", None, None),
        ("give me a break", T::Unclear, "", None, None),
        ("I love this bot", T::Unclear, "", None, None),
        ("lunch plans?", T::Unclear, "", None, None),
        ("remove acme", T::Unclear, "", None, None),
        ("drop all accounts", T::Unclear, "", None, None),
        ("please delete my action items", T::Unclear, "", None, None),
        ("wipe the database", T::Unclear, "", None, None),
        ("reset everything", T::Unclear, "", None, None),
        ("what time is it", T::Unclear, "", None, None),
        ("what is the meaning of life", T::Unclear, "", None, None),
        ("sing me a song", T::Unclear, "", None, None),
        ("write me a poem", T::Unclear, "", None, None),
        ("qwerty uiop", T::Unclear, "qwerty uiop", None, None),
        ("lol", T::Unclear, "lol", None, None),
        ("12345", T::Unclear, "12345", None, None),
        ("why", T::Unclear, "", None, None),
        ("can you order me a pizza", T::Unclear, "", None, None),
        (
            "where is the nearest coffee shop",
            T::Unclear,
            "",
            None,
            None,
        ),
        ("book a meeting room", T::Unclear, "", None, None),
        ("what's 2 + 2", T::Unclear, "", None, None),
        ("translate this into french", T::Unclear, "", None, None),
        ("are you a robot", T::Unclear, "", None, None),
        ("do you like me", T::Unclear, "", None, None),
        ("play some music", T::Unclear, "", None, None),
        ("how tall is mount everest", T::Unclear, "", None, None),
        ("who won the game last night", T::Unclear, "", None, None),
        ("tell me something interesting", T::Unclear, "", None, None),
        ("what's for lunch", T::Unclear, "", None, None),
        ("when is christmas", T::Unclear, "", None, None),
        (
            "renuwel for acme",
            T::Unclear,
            "renuwel for acme",
            None,
            None,
        ),
        ("zzzz", T::Unclear, "zzzz", None, None),
        ("erase acme's plan", T::Unclear, "", None, None),
        ("cancel all my meetings", T::Unclear, "", None, None),
        (
            "what do you think about the election",
            T::Unclear,
            "",
            None,
            None,
        ),
        ("I am bored", T::Unclear, "", None, None),
        ("send an email to my boss", T::Unclear, "", None, None),
        ("destroy acme", T::Unclear, "", None, None),
        ("can you hear me", T::Unclear, "", None, None),
        ("what's the capital of france", T::Unclear, "", None, None),
    ];
    let mut failures = Vec::new();
    let mut unclear = 0;
    for (text, topic, account_code, filter, since) in &cases {
        let got = understand(text, today());
        let expected = (*topic, account(account_code), *filter, *since);
        let seen = (
            got.topic,
            got.account.clone(),
            got.filter,
            got.since.as_ref().map(|since| since.point),
        );
        if seen != expected {
            failures.push(format!("{text:?}: expected {expected:?}, got {seen:?}"));
        }
        if *topic == T::Unclear {
            unclear += 1;
            if got.suggestions.len() != 3 {
                failures.push(format!("{text:?}: {} suggestions", got.suggestions.len()));
            }
        }
    }
    assert!(cases.len() >= 150, "only {} phrasings", cases.len());
    assert!(unclear >= 40, "only {unclear} not understood");
    assert!(
        failures.is_empty(),
        "{} of {} misread:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn an_item_to_add_is_text_the_plan_add_parser_takes() {
    let cases = [
        (
            "add an action item for acme: call Hannah",
            Some("acme"),
            "acme: call Hannah",
        ),
        (
            "Add a task for Acme Corp: send the deck <@U024BE7LH> friday",
            Some("Acme Corp"),
            "Acme Corp: send the deck <@U024BE7LH> due friday",
        ),
        (
            "add to globex: book the QBR",
            Some("globex"),
            "globex: book the QBR",
        ),
        (
            "please add acme: renew NDA by Dec 15",
            Some("acme"),
            "acme: renew NDA due Dec 15",
        ),
        (
            "create a followup for initech: check pricing",
            Some("initech"),
            "initech: check pricing",
        ),
        (
            "remind me to call Hannah friday",
            None,
            "call Hannah due friday",
        ),
        ("Remind me to send the proposal", None, "send the proposal"),
        (
            "can you remind me to email Priya next week",
            None,
            "email Priya due next week",
        ),
    ];
    for (text, account, add_text) in cases {
        let question = understand(text, today());
        assert_eq!(question.topic, Topic::AddItem, "reading {text:?}");
        assert_eq!(
            question.account,
            account.map(|name| AccountSlot::Named(name.to_owned())),
            "account of {text:?}"
        );
        assert_eq!(
            question.add_text.as_deref(),
            Some(add_text),
            "text of {text:?}"
        );
        // What the app hands to `/plan add`, with an account put in front of
        // a reminder, parses.
        let line = match account {
            Some(_) => format!("add {add_text}"),
            None => format!("add acme: {add_text}"),
        };
        let parsed = command::parse_plan_command(&line, today());
        assert!(
            matches!(parsed, Ok(PlanCommand::Add(Some(_)))),
            "{line:?}: {parsed:?}"
        );
    }
    // Never a listing of my items, and not an item without a title.
    for text in ["add", "add more whitespace for acme", "my action items"] {
        assert_ne!(
            understand(text, today()).topic,
            Topic::AddItem,
            "reading {text:?}"
        );
    }
}

#[test]
fn people_questions_say_who_and_whether_a_picture_was_asked_for() {
    let question = understand("who's Priya Shah at Acme?", today());
    assert_eq!(question.person.as_deref(), Some("Priya Shah"));
    assert_eq!(question.account, account("Acme"));
    for (text, picture) in [
        ("relationship map for acme", true),
        ("acme org chart", true),
        ("acme whitespace map", true),
        ("show acme's relationship map", true),
        ("acme people map", true),
        ("whitespace map for acme", true),
        ("acme contacts", false),
        ("who is the champion at acme", false),
    ] {
        assert_eq!(
            understand(text, today()).picture,
            picture,
            "reading {text:?}"
        );
    }
    for (text, topic) in [
        ("show acme's relationship map", Topic::People),
        ("acme people map", Topic::People),
        ("whitespace map for acme", Topic::Whitespace),
    ] {
        let question = understand(text, today());
        assert_eq!((question.topic, question.account), (topic, account("acme")), "reading {text:?}");
    }
}

#[test]
fn since_keeps_the_phrase_as_typed() {
    let question = understand("What changed at Acme since the last QBR?", today());
    assert_eq!(
        question.since,
        Some(Since {
            typed: "the last QBR".to_owned(),
            point: SincePoint::LastQbr
        })
    );
    // "since" followed by no point in time leaves the slot empty.
    assert_eq!(understand("acme since forever", today()).since, None);
    // A day in the future is not a start of a range.
    assert_eq!(
        understand("what changed at acme since tomorrow", today()).since,
        None
    );
}

#[test]
fn not_understood_offers_the_closest_topics() {
    let cases = [
        ("renuwel for acme", Topic::Renewal),
        ("stakholdrs", Topic::People),
        ("whitepsaces", Topic::Whitespace),
        ("asdf", Topic::Summary),
    ];
    for (text, first) in cases {
        let question = understand(text, today());
        assert_eq!(question.topic, Topic::Unclear, "reading {text:?}");
        assert_eq!(question.suggestions.len(), 3, "suggestions for {text:?}");
        assert_eq!(question.suggestions[0], first, "suggestions for {text:?}");
        assert!(!question.suggestions[0].example().is_empty());
    }
}

#[test]
fn understand_reads_only_the_start_of_a_huge_message() {
    let huge = format!("acme renewal {}", "é and more words ".repeat(20_000));
    let question = understand(&huge, today());
    assert_eq!(question.topic, Topic::Renewal);
    let Some(AccountSlot::Named(name)) = question.account else {
        panic!("expected a named account");
    };
    assert!(
        name.chars().count() <= 500,
        "{} chars",
        name.chars().count()
    );
}

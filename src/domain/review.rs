//! The plan review: the questions a sales manager asks of a great account
//! plan, each a rule over what the plan stores, and the plan's health (0 to
//! 100) they add up to. The rules are data (`review/rules.txt`: question,
//! check, weight, fix); this module is the engine that reads and applies
//! them to a plan's [`PlanFacts`].
//!
//! Coaching, not compliance: a review says what the plan already answers
//! and the few most valuable gaps, each with what fixes it.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use super::plan::SECTIONS;

const RULES_FILE: &str = include_str!("review/rules.txt");

/// A plan below this health is worth a manager's attention.
pub const HEALTHY: u32 = 80;

/// A plan not reviewed at a QBR in this many days is due for one.
pub const QBR_DUE_DAYS: i64 = 100;

/// At least this many high-influence contacts, more than one of them with a
/// relationship owner on our team, make an account multi-threaded: the one
/// definition every view uses.
pub const THREADS_NEEDED: i64 = 2;

/// Whether an account with these high-influence contacts (still at the
/// company) and these of them owned by someone on our team is multi-threaded.
pub fn multi_threaded(high_influence: i64, high_influence_owned: i64) -> bool {
    high_influence >= THREADS_NEEDED && high_influence_owned > 1
}

/// Which part of the plan a question is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Profile,
    Relationships,
    Whitespace,
    Actions,
}

impl Part {
    pub fn label(self) -> &'static str {
        match self {
            Part::Profile => "Account profile",
            Part::Relationships => "Relationship map",
            Part::Whitespace => "Whitespace",
            Part::Actions => "Action plan",
        }
    }
}

/// What fixes a gap: the button the review offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fix {
    /// Edit a part of the Plan Info: `profile`, `snapshot` or `gtm`.
    EditPart(&'static str),
    EditPeople,
    AddContact,
    EditWhitespace,
    AddRow,
    AddItem,
}

/// What a rule looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    Sections(Vec<&'static str>),
    Competitors,
    RiskHorizons,
    CustomerView,
    Champion,
    Influencers,
    OwnedRelationships,
    SentimentLabelled,
    StrengthRecorded,
    MultiThreaded,
    WhitespaceVendors,
    WhitespaceOpinions,
    WhitespaceSpend,
    WhitespaceContracts,
    TeamItems,
    ItemsDated,
    Resources,
}

/// One of the handbook's questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: String,
    pub part: Part,
    pub weight: u32,
    pub check: Check,
    pub question: String,
    /// The gap in a few words; `{n}` is the count the check found.
    pub gap: String,
    pub fix: Fix,
}

/// What the review needs to know of a plan and its account: counts, not
/// rows, so the health of thousands of accounts is a few queries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanFacts {
    /// The Plan Info sections written (their keys).
    pub written: BTreeSet<String>,
    /// How many risks Threats/Risks names (see [`risks_named`]).
    pub risks_named: usize,
    /// Whether the Action plan section speaks of resources.
    pub plan_names_resources: bool,
    pub annual_spend: Option<i64>,
    /// Contacts still at the company.
    pub contacts: i64,
    pub champions: i64,
    pub high_influence: i64,
    pub high_influence_owned: i64,
    /// High-influence contacts other than champions.
    pub other_high_influence: i64,
    pub without_sentiment: i64,
    pub without_strength: i64,
    pub whitespace_rows: i64,
    pub rows_without_vendor: i64,
    pub vendors_without_opinions: i64,
    pub vendors_without_spend: i64,
    pub vendors_without_contract_end: i64,
    pub team_members: i64,
    /// The account team members without an open action item, by name.
    pub members_without_items: Vec<String>,
    pub open_items: i64,
    pub open_items_undated: i64,
    pub open_items_with_resources: i64,
}

impl PlanFacts {
    /// Fills what the review reads of the Plan Info from the sections' texts.
    pub fn with_sections<'t>(mut self, sections: impl IntoIterator<Item = (&'t str, &'t str)>) -> Self {
        self.written.clear();
        for (key, text) in sections {
            if !text.trim().is_empty() {
                self.written.insert(key.to_string());
            }
            if key == "threats_risks" {
                self.risks_named = risks_named(text);
            }
            if key == "action_plan" {
                self.plan_names_resources = names_resources(text);
            }
        }
        self
    }

    fn written(&self, key: &str) -> bool {
        self.written.contains(key)
    }
}

/// Whether an action plan speaks of the resources it needs.
pub fn names_resources(action_plan: &str) -> bool {
    action_plan.to_lowercase().contains("resource")
}

/// How a plan answers one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub passed: bool,
    /// The count behind a gap (contacts without an owner, say).
    pub count: Option<i64>,
}

impl Verdict {
    fn pass() -> Self {
        Verdict { passed: true, count: None }
    }

    fn fail() -> Self {
        Verdict { passed: false, count: None }
    }

    fn missing(count: i64) -> Self {
        Verdict { passed: count == 0, count: Some(count) }
    }
}

/// How many risks a text names: its non-empty lines, or its sentences when
/// it is one line.
pub fn risks_named(text: &str) -> usize {
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
    if lines > 1 {
        return lines;
    }
    text.split(['.', ';']).filter(|s| s.trim().chars().filter(|c| c.is_alphanumeric()).count() >= 3).count()
}

impl Check {
    pub fn apply(&self, f: &PlanFacts) -> Verdict {
        let all = |ok: bool| if ok { Verdict::pass() } else { Verdict::fail() };
        match self {
            Check::Sections(keys) => all(keys.iter().all(|k| f.written(k))),
            Check::Competitors => all(f.written("threats_risks") || f.whitespace_rows > f.rows_without_vendor),
            Check::RiskHorizons => all(f.risks_named >= 3),
            Check::CustomerView => all(f.written("summary_history") && f.annual_spend.is_some()),
            Check::Champion => all(f.champions > 0),
            Check::Influencers => all(f.other_high_influence > 0),
            Check::OwnedRelationships if f.high_influence == 0 => Verdict::fail(),
            Check::OwnedRelationships => Verdict::missing(f.high_influence - f.high_influence_owned),
            Check::SentimentLabelled if f.contacts == 0 => Verdict::fail(),
            Check::SentimentLabelled => Verdict::missing(f.without_sentiment),
            Check::StrengthRecorded if f.contacts == 0 => Verdict::fail(),
            Check::StrengthRecorded => Verdict::missing(f.without_strength),
            Check::MultiThreaded => all(multi_threaded(f.high_influence, f.high_influence_owned)),
            Check::WhitespaceVendors => all(f.whitespace_rows > 0 && f.rows_without_vendor == 0),
            Check::WhitespaceOpinions if f.whitespace_rows == 0 => Verdict::fail(),
            Check::WhitespaceOpinions => Verdict::missing(f.vendors_without_opinions),
            Check::WhitespaceSpend if f.whitespace_rows == 0 => Verdict::fail(),
            Check::WhitespaceSpend => Verdict::missing(f.vendors_without_spend),
            Check::WhitespaceContracts if f.whitespace_rows == 0 => Verdict::fail(),
            Check::WhitespaceContracts => Verdict::missing(f.vendors_without_contract_end),
            Check::TeamItems if f.team_members == 0 => Verdict::fail(),
            Check::TeamItems => Verdict::missing(f.members_without_items.len() as i64),
            Check::ItemsDated if f.open_items == 0 => Verdict::fail(),
            Check::ItemsDated => Verdict::missing(f.open_items_undated),
            Check::Resources => all(f.plan_names_resources || f.open_items_with_resources > 0),
        }
    }
}

/// A rules file that can't be read: the line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("review rules, line {line}: {message}")]
pub struct RulesError {
    pub line: usize,
    pub message: String,
}

fn parse_check(text: &str) -> Result<Check, String> {
    let mut words = text.split_whitespace();
    let name = words.next().ok_or("no check")?;
    let rest: Vec<&str> = words.collect();
    let none = |check: Check| if rest.is_empty() { Ok(check) } else { Err(format!("`{name}` takes no arguments")) };
    match name {
        "sections" => {
            if rest.is_empty() {
                return Err("`sections` names at least one section".into());
            }
            let keys = rest
                .iter()
                .map(|k| SECTIONS.iter().find(|s| s.key == *k).map(|s| s.key).ok_or(format!("`{k}` is not a Plan Info section")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Check::Sections(keys))
        }
        "competitors" => none(Check::Competitors),
        "risk_horizons" => none(Check::RiskHorizons),
        "customer_view" => none(Check::CustomerView),
        "champion" => none(Check::Champion),
        "influencers" => none(Check::Influencers),
        "owned_relationships" => none(Check::OwnedRelationships),
        "sentiment_labelled" => none(Check::SentimentLabelled),
        "strength_recorded" => none(Check::StrengthRecorded),
        "multi_threaded" => none(Check::MultiThreaded),
        "whitespace_vendors" => none(Check::WhitespaceVendors),
        "whitespace_opinions" => none(Check::WhitespaceOpinions),
        "whitespace_spend" => none(Check::WhitespaceSpend),
        "whitespace_contracts" => none(Check::WhitespaceContracts),
        "team_items" => none(Check::TeamItems),
        "items_dated" => none(Check::ItemsDated),
        "resources" => none(Check::Resources),
        other => Err(format!("`{other}` is not a check")),
    }
}

fn parse_fix(text: &str) -> Result<Fix, String> {
    Ok(match text.split_whitespace().collect::<Vec<_>>().join(" ").as_str() {
        "edit profile" => Fix::EditPart("profile"),
        "edit snapshot" => Fix::EditPart("snapshot"),
        "edit gtm" => Fix::EditPart("gtm"),
        "edit people" => Fix::EditPeople,
        "add contact" => Fix::AddContact,
        "edit whitespace" => Fix::EditWhitespace,
        "add row" => Fix::AddRow,
        "add item" => Fix::AddItem,
        other => return Err(format!("`{other}` is not a fix")),
    })
}

/// Reads a rules file (see `review/rules.txt` for its format).
pub fn parse_rules(text: &str) -> Result<Vec<Rule>, RulesError> {
    let mut rules: Vec<Rule> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let error = |message: String| RulesError { line, message };
        let fields: Vec<&str> = trimmed.split(" | ").map(str::trim).collect();
        let [id, part, weight, check, question, gap, fix] = fields.as_slice() else {
            return Err(error(format!("{} fields, not 7 separated by \" | \"", fields.len())));
        };
        if rules.iter().any(|r| r.id == *id) {
            return Err(error(format!("the id `{id}` is used twice")));
        }
        let part = match *part {
            "profile" => Part::Profile,
            "relationships" => Part::Relationships,
            "whitespace" => Part::Whitespace,
            "actions" => Part::Actions,
            other => return Err(error(format!("`{other}` is not a part"))),
        };
        let weight: u32 = weight.parse().map_err(|_| error(format!("`{weight}` is not a weight")))?;
        rules.push(Rule {
            id: id.to_string(),
            part,
            weight,
            check: parse_check(check).map_err(error)?,
            question: question.to_string(),
            gap: gap.to_string(),
            fix: parse_fix(fix).map_err(error)?,
        });
    }
    let total: u32 = rules.iter().map(|r| r.weight).sum();
    if total != 100 {
        return Err(RulesError { line: 0, message: format!("the weights add up to {total}, not 100") });
    }
    Ok(rules)
}

/// The handbook's rules, read once.
pub fn rules() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| parse_rules(RULES_FILE).expect("the review rules shipped with planbot read well (a unit test checks)"))
}

/// One question, answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding<'a> {
    pub rule: &'a Rule,
    pub verdict: Verdict,
}

impl Finding<'_> {
    /// The gap in words, its count filled in.
    pub fn gap(&self) -> String {
        let n = self.verdict.count.unwrap_or(0);
        let gap = self.rule.gap.replace("{n}", &n.to_string());
        // "1 team members" reads "1 team member".
        if n == 1 { gap.replacen("members", "member", 1).replacen("contacts", "contact", 1).replacen("vendors", "vendor", 1).replacen("items", "item", 1) } else { gap }
    }
}

/// A plan reviewed against every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review<'a> {
    pub findings: Vec<Finding<'a>>,
    /// 0 to 100: the weights of the questions the plan answers.
    pub health: u32,
}

impl<'a> Review<'a> {
    pub fn answered(&self) -> impl Iterator<Item = &Finding<'a>> {
        self.findings.iter().filter(|f| f.verdict.passed)
    }

    /// The gaps, most valuable (heaviest) first.
    pub fn gaps(&self) -> Vec<&Finding<'a>> {
        let mut gaps: Vec<&Finding<'a>> = self.findings.iter().filter(|f| !f.verdict.passed).collect();
        gaps.sort_by(|a, b| b.rule.weight.cmp(&a.rule.weight).then(a.rule.part.cmp(&b.rule.part)));
        gaps
    }

    /// "62 — no champion identified, single-threaded, 3 team members without
    /// an item": the health, explained by its biggest gaps.
    pub fn explained(&self, gaps: usize) -> String {
        let top: Vec<String> = self.gaps().iter().take(gaps).map(|g| g.gap()).collect();
        if top.is_empty() { format!("{} — every question answered", self.health) } else { format!("{} — {}", self.health, top.join(", ")) }
    }
}

/// A plan's health as the summary, the App Home and account lists show it:
/// explained, never a bare number, with its trend since the last QBR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthLine {
    pub health: u32,
    /// "62 — no champion identified, single-threaded, …".
    pub explained: String,
    /// The last QBR's date and the health recorded then.
    pub at_last_qbr: Option<(chrono::NaiveDate, u32)>,
}

impl HealthLine {
    pub fn of(review: &Review<'_>, gaps: usize, at_last_qbr: Option<(chrono::NaiveDate, u32)>) -> Self {
        HealthLine { health: review.health, explained: review.explained(gaps), at_last_qbr }
    }

    /// "▲ 8 since the QBR on Nov 3".
    pub fn trend(&self) -> Option<String> {
        let (held_on, then) = self.at_last_qbr?;
        let when = held_on.format("%b %-d");
        let delta = self.health as i64 - then as i64;
        Some(match delta {
            0 => format!("unchanged since the QBR on {when}"),
            d if d > 0 => format!("▲ {d} since the QBR on {when}"),
            d => format!("▼ {} since the QBR on {when}", -d),
        })
    }

    /// "Plan health: 62 — no champion identified · ▲ 8 since the QBR on Nov 3".
    pub fn text(&self) -> String {
        match self.trend() {
            Some(trend) => format!("Plan health: {} · {trend}", self.explained),
            None => format!("Plan health: {}", self.explained),
        }
    }
}

/// Reviews a plan's facts against `rules`.
pub fn review<'a>(rules: &'a [Rule], facts: &PlanFacts) -> Review<'a> {
    let findings: Vec<Finding<'a>> = rules.iter().map(|rule| Finding { rule, verdict: rule.check.apply(facts) }).collect();
    let total: u32 = rules.iter().map(|r| r.weight).sum::<u32>().max(1);
    let earned: u32 = findings.iter().filter(|f| f.verdict.passed).map(|f| f.rule.weight).sum();
    Review { findings, health: (earned * 100 + total / 2) / total }
}

/// The health of a plan with these facts, by the handbook's rules.
pub fn health(facts: &PlanFacts) -> u32 {
    review(rules(), facts).health
}

#[cfg(test)]
mod tests;

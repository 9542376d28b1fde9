//! The demo workspace's data: CSV files under `data/` (fictional people and
//! accounts), built into the binary.
//!
//! Seven files are in `planbot import`'s formats (SPEC §4, see
//! [`crate::exchange`]) and are seeded through the importer itself:
//! [`IMPORT_FILES`]. Three are the demo's own, for what those formats do
//! not hold: the news ([`INTEL`]), where each contact is ([`LOCATIONS`]:
//! a tracked sponsor's location is what sponsor tracking compares later
//! observations with) and the changes seen on tracked sponsors
//! ([`SPONSOR_CHANGES`]).
//!
//! Dates are relative to the day the demo runs: a cell that reads `today`,
//! `today+30` or `today-3` is that many days from today. [`expand_dates`]
//! writes them as ISO dates before a file reaches the importer (which
//! knows nothing of them); in the demo's own files [`at`] reads them as
//! that many days from now.
//!
//! actions.csv spells out, for each land and expand plan, the guided items
//! its plan template gives a plan started a month ago (those due before
//! today done), before the account's own items, as an export would list
//! them.

use std::sync::LazyLock;

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;

pub const USERS: &str = include_str!("data/users.csv");
pub const ACCOUNTS: &str = include_str!("data/accounts.csv");
pub const TEAM: &str = include_str!("data/team.csv");
pub const PLANS: &str = include_str!("data/plans.csv");
pub const ACTIONS: &str = include_str!("data/actions.csv");
pub const CONTACTS: &str = include_str!("data/contacts.csv");
pub const WHITESPACE: &str = include_str!("data/whitespace.csv");
pub const INTEL: &str = include_str!("data/intel.csv");
pub const LOCATIONS: &str = include_str!("data/locations.csv");
pub const SPONSOR_CHANGES: &str = include_str!("data/sponsor_changes.csv");

/// The files in `planbot import`'s formats, named as it expects them.
pub const IMPORT_FILES: [(&str, &str); 7] = [
    ("users.csv", USERS),
    ("accounts.csv", ACCOUNTS),
    ("team.csv", TEAM),
    ("plans.csv", PLANS),
    ("actions.csv", ACTIONS),
    ("contacts.csv", CONTACTS),
    ("whitespace.csv", WHITESPACE),
];

/// The days from today a cell names: `today` is 0, `today+30` 30,
/// `today-3` -3; `None` for anything else.
pub fn days_from_today(cell: &str) -> Option<i64> {
    let rest = cell.trim().strip_prefix("today")?;
    if rest.is_empty() {
        return Some(0);
    }
    let (sign, digits) = match (rest.strip_prefix('+'), rest.strip_prefix('-')) {
        (Some(digits), _) => (1, digits),
        (_, Some(digits)) => (-1, digits),
        _ => return None,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok().map(|days| sign * days)
}

/// The CSV text with every cell that names a day relative to today
/// ([`days_from_today`]) written as that day, `YYYY-MM-DD`; other cells
/// are kept as they are.
pub fn expand_dates(csv: &str, today: NaiveDate) -> anyhow::Result<String> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(csv.as_bytes());
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    for record in reader.records() {
        let record = record?;
        writer.write_record(record.iter().map(|cell| match days_from_today(cell) {
            Some(days) => (today + Duration::days(days)).format("%Y-%m-%d").to_string(),
            None => cell.to_string(),
        }))?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

/// The moment a relative cell of the demo's own files names: that many
/// days from `now`.
pub fn at(cell: &str, now: DateTime<Utc>) -> anyhow::Result<DateTime<Utc>> {
    let days = days_from_today(cell).with_context(|| format!("“{cell}” is not a day like today-3"))?;
    Ok(now + Duration::days(days))
}

/// The rows of a CSV text, by its header.
pub fn rows<T: DeserializeOwned>(csv: &str) -> anyhow::Result<Vec<T>> {
    Ok(csv::Reader::from_reader(csv.as_bytes()).deserialize().collect::<Result<_, _>>()?)
}

/// A person of the demo workspace, as users.csv has them.
#[derive(Debug, Clone, Deserialize)]
pub struct Person {
    pub email: String,
    pub slack_id: String,
    pub name: String,
    pub tz: String,
}

impl Person {
    /// What the demo also knows them by (`--user sam`, `@sam`).
    pub fn first_name(&self) -> &str {
        self.name.split_whitespace().next().unwrap_or_default()
    }
}

static PEOPLE: LazyLock<Vec<Person>> = LazyLock::new(|| rows(USERS).expect("the demo's users.csv reads (a test checks it)"));

/// The demo's people, in users.csv's order.
pub fn people() -> &'static [Person] {
    &PEOPLE
}

/// A news item of intel.csv.
#[derive(Debug, Clone, Deserialize)]
pub struct News {
    pub account: String,
    /// A day relative to today, like `today-3`.
    pub published: String,
    pub category: String,
    pub headline: String,
    pub url: String,
    pub summary: String,
    /// The feed it came from.
    pub source: String,
}

/// Where a contact is (locations.csv).
#[derive(Debug, Clone, Deserialize)]
pub struct Location {
    pub account: String,
    pub contact: String,
    pub location: String,
}

/// A change seen on a tracked sponsor (sponsor_changes.csv).
#[derive(Debug, Clone, Deserialize)]
pub struct SponsorChange {
    pub account: String,
    pub contact: String,
    /// `title`, `company` or `location`.
    pub attribute: String,
    pub old_value: String,
    pub new_value: String,
    /// A day relative to today, like `today-3`.
    pub observed: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    type Row = HashMap<String, String>;

    const ROLES: &[&str] = &["owner", "sa", "csm", "tam", "renewals", "sdr", "partner", "leader"];
    const PLAN_TYPES: &[&str] = &["land", "expand", "opportunity", "command", "success"];
    const PLAN_STATUSES: &[&str] = &["draft", "active", "closed"];
    const INFLUENCE: &[&str] = &["high", "medium", "low"];
    const BUYING_ROLES: &[&str] = &["champion", "economic_buyer", "technical_buyer", "influencer", "user", "blocker"];
    const SENTIMENTS: &[&str] = &["promoter", "neutral", "detractor"];
    const STAGES: &[&str] = &["plan", "create", "verify", "package", "secure", "release", "configure", "monitor", "govern"];
    const APPETITES: &[&str] = &["none", "low", "medium", "high"];
    const CATEGORIES: &[&str] = &[
        "funding",
        "acquisition",
        "leadership_change",
        "layoffs",
        "earnings",
        "product_launch",
        "partnership",
        "legal_regulatory",
        "security_incident",
        "other",
    ];
    const ATTRIBUTES: &[&str] = &["title", "company", "location"];
    /// The plan templates, whose guided items actions.csv spells out.
    const TEMPLATES: &str = include_str!("../../migrations/20261122000002_plan_templates.sql");

    fn table(csv: &str) -> Vec<Row> {
        rows(csv).expect("the file reads")
    }

    fn key(person: &Row) -> String {
        person["name"].split_whitespace().next().unwrap().to_lowercase()
    }

    fn email_of(key: &str) -> String {
        table(USERS).into_iter().find(|p| self::key(p) == key).unwrap_or_else(|| panic!("no person {key}"))["email"].clone()
    }

    fn person_exists(email: &str) -> bool {
        table(USERS).iter().any(|p| p["email"] == email)
    }

    fn of<'a>(rows: &'a [Row], account: &str) -> Vec<&'a Row> {
        rows.iter().filter(|r| r["account"] == account).collect()
    }

    fn account(name: &str) -> Row {
        table(ACCOUNTS).into_iter().find(|a| a["name"] == name).unwrap_or_else(|| panic!("no account {name}"))
    }

    fn on_team(account: &str, email: &str) -> bool {
        of(&table(TEAM), account).iter().any(|t| t["email"] == email)
    }

    /// Days from today of a date cell; `None` when empty.
    fn days(cell: &str) -> Option<i64> {
        (!cell.is_empty()).then(|| days_from_today(cell).unwrap_or_else(|| panic!("“{cell}” is not relative to today")))
    }

    /// An item of a plan template rather than one of the account's own.
    fn is_guided(item: &Row) -> bool {
        TEMPLATES.contains(&format!("'{}'", item["title"]))
    }

    /// The account's own items.
    fn own_actions(account: &str) -> Vec<Row> {
        of(&table(ACTIONS), account).into_iter().filter(|i| !is_guided(i)).cloned().collect()
    }

    #[test]
    fn relative_days_are_read() {
        assert_eq!(days_from_today("today"), Some(0));
        assert_eq!(days_from_today("today+30"), Some(30));
        assert_eq!(days_from_today("today-3"), Some(-3));
        assert_eq!(days_from_today(" today+0 "), Some(0));
        for not_relative in ["", "Today", "today+", "today-x", "today+3d", "today +3", "yesterday", "today–3", "2026-12-03"] {
            assert_eq!(days_from_today(not_relative), None, "{not_relative}");
        }
    }

    #[test]
    fn relative_dates_become_iso_dates_and_nothing_else_changes() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 30).unwrap();
        let csv = "account,due_date,title\nAcme,today+3,\"Plan for today+3, then today-1\"\nAcme,today-30,\"two\nlines\"\nAcme,,today\n";
        assert_eq!(
            expand_dates(csv, today).unwrap(),
            "account,due_date,title\nAcme,2027-01-02,\"Plan for today+3, then today-1\"\nAcme,2026-11-30,\"two\nlines\"\nAcme,,2026-12-30\n"
        );
        let now = today.and_hms_opt(15, 30, 0).unwrap().and_utc();
        assert_eq!(at("today-3", now).unwrap(), now - Duration::days(3));
        assert!(at("last week", now).is_err());
    }

    #[test]
    fn every_file_reads_and_every_date_is_relative() {
        for (name, csv) in IMPORT_FILES {
            let kind = crate::exchange::Kind::of_file(std::path::Path::new(name)).unwrap();
            let rows = table(csv);
            assert!(!rows.is_empty(), "{name}");
            for column in rows[0].keys() {
                assert!(crate::exchange::columns(kind).iter().any(|c| c.name == column), "{name}: unknown column {column}");
            }
            for column in ["renewal_date", "due_date", "contract_end"] {
                for row in &rows {
                    if let Some(cell) = row.get(column) {
                        days(cell);
                    }
                }
            }
        }
        assert_eq!(people().len(), table(USERS).len());
        rows::<News>(INTEL).unwrap();
        rows::<Location>(LOCATIONS).unwrap();
        rows::<SponsorChange>(SPONSOR_CHANGES).unwrap();
    }

    #[test]
    fn people_are_consistent() {
        let people = table(USERS);
        assert_eq!(people.len(), 8);
        let mut keys = HashSet::new();
        let mut slack = HashSet::new();
        for (i, p) in people.iter().enumerate() {
            assert!(keys.insert(key(p)), "duplicate person key {}", key(p));
            assert!(slack.insert(p["slack_id"].clone()), "duplicate slack id {}", p["slack_id"]);
            assert_eq!(p["slack_id"], format!("U0DEMO{:03}", i + 1));
            assert!(p["email"].ends_with("@demo.planbot.dev"), "{}", p["email"]);
            assert_eq!(p["email"], p["email"].to_lowercase());
            assert!(p["tz"].contains('/'), "{}", p["tz"]);
            let manager = &p["manager_email"];
            if !manager.is_empty() {
                assert!(person_exists(manager), "{} has unknown manager {manager}", key(p));
                assert_ne!(manager, &p["email"]);
            }
        }
        assert_eq!(people.iter().filter(|p| p["role"] == "admin").map(key).collect::<Vec<_>>(), ["chris"]);
    }

    #[test]
    fn emails_and_ids_are_unique() {
        let mut emails = HashSet::new();
        for p in table(USERS) {
            assert!(emails.insert(p["email"].clone()), "duplicate email {}", p["email"]);
        }
        let mut names = HashSet::new();
        let mut ext = HashSet::new();
        let mut channels = HashSet::new();
        for a in table(ACCOUNTS) {
            assert!(names.insert(a["name"].clone()), "duplicate account {}", a["name"]);
            assert!(ext.insert(a["external_id"].clone()), "duplicate external id {}", a["external_id"]);
            assert_eq!(a["external_id"].len(), 18, "{}", a["external_id"]);
            let channel = &a["slack_channel"];
            if !channel.is_empty() {
                assert!(channels.insert(channel.clone()), "duplicate channel {channel}");
                assert!(channel.starts_with("C0DEMO"));
            }
        }
        for c in table(CONTACTS) {
            assert!(names.contains(&c["account"]), "{}", c["account"]);
            assert!(emails.insert(c["email"].clone()), "duplicate email {}", c["email"]);
            assert_eq!(c["email"], c["email"].to_lowercase());
        }
        let mut urls = HashSet::new();
        for i in rows::<News>(INTEL).unwrap() {
            assert!(names.contains(&i.account), "{}", i.account);
            assert!(urls.insert(i.url.clone()), "duplicate url {}", i.url);
            assert!(i.url.starts_with("https://news.example.com/"));
            assert!(i.source.starts_with("https://news.example.com/feeds/"));
        }
    }

    #[test]
    fn teams_and_owners() {
        let team = table(TEAM);
        for a in table(ACCOUNTS) {
            let name = &a["name"];
            let seats = of(&team, name);
            let owners: Vec<&String> = seats.iter().filter(|t| t["role"] == "owner").map(|t| &t["email"]).collect();
            assert_eq!(owners.len(), 1, "{name} has {} owners", owners.len());
            assert_eq!(owners[0], &a["owner_email"], "{name}");
            let mut members = HashSet::new();
            for t in &seats {
                assert!(person_exists(&t["email"]), "{name}: unknown person {}", t["email"]);
                assert!(ROLES.contains(&t["role"].as_str()), "{name}: bad role {}", t["role"]);
                assert!(members.insert(t["email"].clone()), "{name}: {} listed twice", t["email"]);
            }
            for item in of(&table(ACTIONS), name) {
                assert!(on_team(name, &item["owner_email"]), "{name}: action owner {} not on team", item["owner_email"]);
                assert!(item["title"].len() <= 120, "title too long: {}", item["title"]);
            }
            for c in of(&table(CONTACTS), name) {
                let owner = &c["relationship_owner_email"];
                if !owner.is_empty() {
                    assert!(on_team(name, owner), "{name}: relationship owner {owner} not on team");
                }
            }
        }
        let dana = email_of("dana");
        let accounts: Vec<String> = table(ACCOUNTS).into_iter().map(|a| a["name"].clone()).filter(|a| on_team(a, &dana)).collect();
        assert_eq!(accounts, ["Acme Corporation"]);
        assert!(of(&team, "Acme Corporation").iter().any(|t| t["email"] == dana && t["role"] == "owner"));
    }

    #[test]
    fn plans() {
        let sections: Vec<&str> = crate::domain::plan::SECTIONS.iter().map(|s| s.key).collect();
        let plans = table(PLANS);
        assert_eq!(plans.len(), table(ACCOUNTS).len(), "one plan per account");
        for p in &plans {
            let name = &p["account"];
            assert!(PLAN_TYPES.contains(&p["type"].as_str()), "{name}: {}", p["type"]);
            assert!(PLAN_STATUSES.contains(&p["status"].as_str()), "{name}: {}", p["status"]);
            let actions = own_actions(name);
            if p["status"] == "active" && name == "Wayne Enterprises" {
                // The demo's weak plan, for "review my plan for wayne": written in a hurry.
                let empty = sections.iter().filter(|s| p[**s].trim().is_empty()).count();
                assert!(empty >= 4, "{name}: only {empty} sections empty");
                assert_eq!(p["threats_risks"].lines().count(), 1, "{name}");
            } else if p["status"] == "active" {
                for (i, s) in sections.iter().enumerate() {
                    assert!(!p[*s].trim().is_empty(), "{name}: section {i} empty");
                }
                let risks = p["threats_risks"].lines().count();
                assert!((2..=4).contains(&risks), "{name}: {risks} risk lines");
                assert!((3..=7).contains(&actions.len()) || name == "Acme Corporation", "{name}");
            } else {
                assert!(actions.is_empty(), "{name}: actions on a non-active plan");
            }
            for item in of(&table(ACTIONS), name) {
                assert_eq!(item["plan"], p["name"], "{name}: {}", item["title"]);
            }
            // The guided items of the plan's template, as a plan started a month ago has them.
            let mut guided: Vec<(Option<i64>, String)> = of(&table(ACTIONS), name)
                .into_iter()
                .filter(|i| is_guided(i))
                .map(|i| (days(&i["due_date"]), i["status"].clone()))
                .collect();
            guided.sort();
            if ["land", "expand"].contains(&p["type"].as_str()) {
                let expected: Vec<(Option<i64>, String)> = [(-23, "done"), (-16, "done"), (-9, "done"), (0, "open"), (15, "open"), (30, "open")]
                    .into_iter()
                    .map(|(d, s)| (Some(d), s.to_string()))
                    .collect();
                assert_eq!(guided, expected, "{name}");
            } else {
                assert!(guided.is_empty(), "{name}");
            }
        }
        let initech = plans.iter().find(|p| p["account"] == "Initech").unwrap();
        assert_eq!(initech["status"], "draft");
        assert_eq!(initech["type"], "success");
        let written = sections.iter().filter(|s| !initech[**s].is_empty()).count();
        assert_eq!(written, 5);
    }

    #[test]
    fn actions() {
        let all = table(ACTIONS);
        let own: Vec<&Row> = all.iter().filter(|i| !is_guided(i)).collect();
        assert!(own.len() >= 36, "only {} actions", own.len());
        let acme = own_actions("Acme Corporation");
        assert_eq!(acme.len(), 10);
        let open = || acme.iter().filter(|a| a["status"] == "open");
        let overdue = open().filter(|a| matches!(days(&a["due_date"]), Some(d) if (-12..=-1).contains(&d))).count();
        let this_week = open().filter(|a| matches!(days(&a["due_date"]), Some(d) if (0..=7).contains(&d))).count();
        let later = open().filter(|a| matches!(days(&a["due_date"]), Some(d) if d > 7)).count();
        let done = acme.iter().filter(|a| a["status"] == "done").count();
        assert_eq!((overdue, this_week, later, done), (4, 2, 2, 2));
        let no_due = own.iter().filter(|a| a["due_date"].is_empty()).count();
        assert!(no_due >= 3);
        assert!(all.iter().all(|a| ["open", "done"].contains(&a["status"].as_str())));
    }

    #[test]
    fn contacts() {
        let contacts = table(CONTACTS);
        let locations = rows::<Location>(LOCATIONS).unwrap();
        let mut negative = 0;
        for a in table(ACCOUNTS) {
            let name = &a["name"];
            let mine = of(&contacts, name);
            assert!((4..=7).contains(&mine.len()), "{name}");
            let mut names = HashSet::new();
            for c in &mine {
                assert!(names.insert(c["name"].clone()), "{name}: duplicate contact {}", c["name"]);
                assert_eq!(&c["company"], name);
                assert!(INFLUENCE.contains(&c["influence"].as_str()), "{}", c["influence"]);
                assert!(BUYING_ROLES.contains(&c["buying_role"].as_str()), "{}", c["buying_role"]);
                assert!(SENTIMENTS.contains(&c["sentiment"].as_str()), "{}", c["sentiment"]);
                let strength: i16 = c["strength"].parse().unwrap();
                assert!((1..=5).contains(&strength));
                assert!(["true", "false"].contains(&c["tracked"].as_str()));
                if c["sentiment"] == "detractor" || c["buying_role"] == "blocker" {
                    negative += 1;
                }
                let located = locations.iter().filter(|l| &l.account == name && l.contact == c["name"]).count();
                assert_eq!(located, 1, "{name}: where is {}?", c["name"]);
            }
            // reports_to resolves within the account and forms a tree under one executive
            let roots = mine.iter().filter(|c| c["reports_to"].is_empty()).count();
            assert_eq!(roots, 1, "{name}: {roots} roots");
            for c in &mine {
                let mut seen = HashSet::new();
                let mut cur = *c;
                while !cur["reports_to"].is_empty() {
                    assert!(seen.insert(cur["name"].clone()), "{name}: reporting cycle at {}", c["name"]);
                    let boss = &cur["reports_to"];
                    cur = mine.iter().find(|x| &x["name"] == boss).unwrap_or_else(|| panic!("{name}: unknown manager {boss}"));
                }
            }
            let champions = mine.iter().filter(|c| c["buying_role"] == "champion").count();
            if name == "Wayne Enterprises" {
                assert_eq!(champions, 0);
            } else {
                assert!(champions >= 1, "{name}: no champion");
            }
            assert!(mine.iter().any(|c| c["buying_role"] == "economic_buyer"), "{name}");
            if a["rank"] == "1" {
                assert!(mine.iter().filter(|c| c["tracked"] == "true").count() >= 2, "{name}");
            }
        }
        assert_eq!(locations.len(), contacts.len());
        assert!(negative >= 3);
        let high_promoters = |name: &str| {
            of(&contacts, name).iter().filter(|c| c["influence"] == "high" && c["sentiment"] == "promoter").count()
        };
        assert_eq!(high_promoters("Acme Corporation"), 1);
        assert!(high_promoters("Stark Industries") >= 3);
    }

    #[test]
    fn whitespace_and_intel() {
        let whitespace = table(WHITESPACE);
        let intel = rows::<News>(INTEL).unwrap();
        let mut soon = 0;
        for a in table(ACCOUNTS) {
            let name = &a["name"];
            let rank: i16 = a["rank"].parse().unwrap();
            assert!((1..=3).contains(&rank));
            let rows = of(&whitespace, name);
            assert!((3..=5).contains(&rows.len()), "{name}");
            let stages: HashSet<_> = rows.iter().map(|w| &w["stage"]).collect();
            assert_eq!(stages.len(), rows.len(), "{name}: repeated stage");
            for w in rows {
                assert!(STAGES.contains(&w["stage"].as_str()), "{}", w["stage"]);
                assert!(APPETITES.contains(&w["appetite"].as_str()), "{}", w["appetite"]);
                assert!(!w["likes"].is_empty() && !w["dislikes"].is_empty());
                if !w["annual_spend"].is_empty() {
                    let spend: i64 = w["annual_spend"].parse().unwrap();
                    assert!((20_000..=400_000).contains(&spend), "{}: {spend}", w["vendor"]);
                }
                if let Some(d) = days(&w["contract_end"]) {
                    assert!((20..=400).contains(&d), "{}: {d}", w["vendor"]);
                    if d <= 180 {
                        soon += 1;
                    }
                }
            }
            let news: Vec<&News> = intel.iter().filter(|i| &i.account == name).collect();
            assert!((1..=3).contains(&news.len()), "{name}");
            for i in news {
                assert!(CATEGORIES.contains(&i.category.as_str()), "{}", i.category);
                let days_ago = -days(&i.published).unwrap();
                assert!((0..=20).contains(&days_ago));
            }
        }
        assert!(soon >= 5);
        assert!(intel.len() >= 10);
    }

    #[test]
    fn sponsor_changes() {
        let changes = rows::<SponsorChange>(SPONSOR_CHANGES).unwrap();
        let contacts = table(CONTACTS);
        let locations = rows::<Location>(LOCATIONS).unwrap();
        assert_eq!(changes.len(), 2);
        for ch in &changes {
            assert!(ATTRIBUTES.contains(&ch.attribute.as_str()));
            let a = account(&ch.account);
            let c = of(&contacts, &ch.account)
                .into_iter()
                .find(|c| c["name"] == ch.contact)
                .unwrap_or_else(|| panic!("no contact {} at {}", ch.contact, ch.account));
            assert_eq!(c["tracked"], "true", "{} is not tracked", c["name"]);
            match ch.attribute.as_str() {
                "title" => assert_eq!(c["title"], ch.old_value),
                "company" => assert_eq!(a["name"], ch.old_value),
                _ => {
                    let at = locations.iter().find(|l| l.account == ch.account && l.contact == ch.contact).unwrap();
                    assert_eq!(at.location, ch.old_value);
                }
            }
            assert_ne!(ch.old_value, ch.new_value);
            assert!(days(&ch.observed).is_some_and(|d| d <= 0));
        }
        let role = |account: &str, role: &str| {
            of(&contacts, account).into_iter().find(|c| c["buying_role"] == role).unwrap()["name"].clone()
        };
        assert_eq!(role("Acme Corporation", "champion"), changes[0].contact);
        assert_eq!(role("Globex Industries", "economic_buyer"), changes[1].contact);
    }
}

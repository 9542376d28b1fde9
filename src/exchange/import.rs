//! Importing one file: every row is checked first (against the file itself
//! and the database), and only a file without a single problem is written,
//! in bulk, in the caller's transaction.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use super::Kind;
use super::table::{self, Problem, Table};
use crate::domain::enums::{ActionStatus, Appetite, BuyingRole, Influence, PlanStatus, PlanType, Rank, Sentiment, Stage, TeamRole, UserRole};
use crate::domain::names::match_key;
use crate::domain::plan::SECTIONS;
use crate::domain::account_index::{AccountIndex, AccountKey, Unresolved};
use crate::store::accounts;
use crate::store::exchange::{self as rows, Written};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file was not written; every problem found in it.
    #[error("the file has {} problems", .0.len())]
    Rejected(Vec<Problem>),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

use crate::domain::validate::{LONGEST_LINE, LONGEST_NAME as MAX_NAME, LONGEST_NOTE, LONGEST_SECTION};

/// Checks and writes one file of `kind`.
pub async fn import(conn: &mut PgConnection, kind: Kind, bytes: &[u8], now: DateTime<Utc>) -> Result<Written, ImportError> {
    let (table, mut problems) = Table::read(bytes, super::columns(kind)).map_err(ImportError::Rejected)?;
    let checked = match kind {
        Kind::Users => users(conn, &table, &mut problems).await?.map(Write::Users),
        Kind::Accounts => accounts(conn, &table, &mut problems).await?.map(Write::Accounts),
        Kind::Team => team(conn, &table, &mut problems).await?.map(Write::Team),
        Kind::Plans => plans(conn, &table, &mut problems).await?.map(Write::Plans),
        Kind::Actions => actions(conn, &table, &mut problems).await?.map(Write::Actions),
        Kind::Contacts => contacts(conn, &table, &mut problems).await?.map(Write::Contacts),
        Kind::Whitespace => whitespace(conn, &table, &mut problems).await?.map(Write::Whitespace),
    };
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(ImportError::Rejected(problems));
    }
    let checked = checked.expect("a file without problems was checked whole");
    Ok(match checked {
        Write::Users(c) => rows::write_users(conn, &c).await?,
        Write::Accounts(c) => rows::write_accounts(conn, &c).await?.0,
        Write::Team(c) => rows::write_team(conn, &c.0, &c.1, &c.2).await?,
        Write::Plans(c) => rows::write_plans(conn, &c).await?,
        Write::Actions(c) => rows::write_actions(conn, &c, now).await?,
        Write::Contacts(c) => rows::write_contacts(conn, &c, now).await?,
        Write::Whitespace(c) => rows::write_whitespace(conn, &c).await?,
    })
}

/// What a checked file writes.
enum Write {
    Users(rows::UserColumns),
    Accounts(rows::AccountColumns),
    Team((Vec<i64>, Vec<i64>, Vec<String>)),
    Plans(rows::PlanColumns),
    Actions(rows::ActionColumns),
    Contacts(rows::ContactColumns),
    Whitespace(rows::WhitespaceColumns),
}

/// The outcome of checking a file: its columns when every row is good
/// (problems are added to the caller's list either way).
type Checked<T> = Result<Option<T>, sqlx::Error>;

/// Notes a row's problems; `true` when it had none.
fn settle(cells: table::Cells<'_>, problems: &mut Vec<Problem>) -> bool {
    match cells.finish() {
        Some(problem) => {
            problems.push(problem);
            false
        }
        None => true,
    }
}

/// The account a cell names: by name (any case, or the one account whose
/// folded name matches), else by external id.
fn account<'a>(index: &'a AccountIndex, text: &str) -> Result<&'a AccountKey, String> {
    match index.by_name(text) {
        Ok(found) => Ok(found),
        Err(Unresolved::NoName(_)) => index
            .by_external_id(text)
            .map_err(|_| format!("there is no account named “{text}” (nor with that external_id)")),
        Err(other) => Err(other.to_string()),
    }
}

/// Remembers the first line of each key, to report repeats.
#[derive(Default)]
struct FirstSeen<K>(HashMap<K, u64>);

impl<K: std::hash::Hash + Eq> FirstSeen<K> {
    /// The line where `key` was first seen, if not at `line`.
    fn repeat(&mut self, key: K, line: u64) -> Option<u64> {
        let first = *self.0.entry(key).or_insert(line);
        (first != line).then_some(first)
    }
}

async fn users(conn: &mut PgConnection, table: &Table, problems: &mut Vec<Problem>) -> Checked<rows::UserColumns> {
    let known = rows::user_ids(conn).await?;
    let slack_owners = rows::slack_ids(conn).await?;
    let in_file: HashSet<String> =
        table.rows.iter().filter_map(|r| table.cells(r).get("email").and_then(|e| table::email(e).ok())).collect();
    let mut emails = FirstSeen::default();
    let mut slack_ids = FirstSeen::default();
    let mut c = rows::UserColumns::default();
    let mut ok = true;
    for row in &table.rows {
        let mut cells = table.cells(row);
        let line = cells.line();
        let email = cells.required("email").and_then(|_| cells.parse("email", table::email));
        if let Some(first) = email.clone().and_then(|e| emails.repeat(e, line)) {
            cells.problem(format!("the same email as line {first}"));
        }
        let slack_id = cells.parse("slack_id", table::slack_user);
        if let Some(id) = &slack_id {
            if let Some(first) = slack_ids.repeat(id.clone(), line) {
                cells.problem(format!("slack_id {id} is also on line {first}"));
            }
            if let (Some(holder), Some(email)) = (slack_owners.get(id), &email)
                && holder != email
            {
                cells.problem(format!("slack_id {id} belongs to {holder}"));
            }
        }
        let name = cells.parse("name", table::text_at_most(200));
        let tz = cells.parse("tz", table::time_zone);
        let role: Option<UserRole> = cells.choice("role");
        let manager = cells.parse("manager_email", table::email);
        if let Some(manager) = &manager {
            if Some(manager) == email.as_ref() {
                cells.problem("manager_email: a person cannot manage themselves");
            } else if !known.contains_key(manager) && !in_file.contains(manager) {
                cells.problem(format!("manager_email: {manager} is not a known person; add them to users.csv"));
            }
        }
        if settle(cells, problems) && ok {
            c.email.push(email.expect("checked"));
            c.slack_id.push(slack_id);
            c.name.push(name);
            c.tz.push(tz);
            c.role.push(role.map(|r| r.as_str().to_string()));
            c.manager_email.push(manager);
        } else {
            ok = false;
        }
    }
    Ok(ok.then_some(c))
}

async fn accounts(conn: &mut PgConnection, table: &Table, problems: &mut Vec<Problem>) -> Checked<rows::AccountColumns> {
    let index = AccountIndex::new(accounts::all_keys(conn).await?);
    let people = rows::user_ids(conn).await?;
    let mut names = FirstSeen::default();
    let mut external_ids = FirstSeen::default();
    let mut c = rows::AccountColumns::default();
    let mut ok = true;
    for row in &table.rows {
        let mut cells = table.cells(row);
        let line = cells.line();
        let name = cells.required("name").and_then(|_| cells.parse("name", table::text_at_most(MAX_NAME)));
        let external_id = cells.get("external_id").map(str::to_string);
        // Found by external id, else by name; a new account otherwise.
        let existing = external_id
            .as_deref()
            .and_then(|x| index.by_external_id(x).ok())
            .or_else(|| name.as_deref().and_then(|n| index.exact(n)));
        if let Some(name) = &name {
            if let Some(first) = names.repeat(name.to_lowercase(), line) {
                cells.problem(format!("the account “{name}” is also on line {first}"));
            }
            if let Some(other) = index.exact(name).filter(|o| existing.is_some_and(|e| e.account_id != o.account_id)) {
                cells.problem(format!("another account is already called “{}”", other.name));
            }
        }
        if let Some(x) = &external_id
            && let Some(first) = external_ids.repeat(x.clone(), line)
        {
            cells.problem(format!("external_id {x} is also on line {first}"));
        }
        let rank = cells.choice::<Rank>("rank").map(Rank::get);
        let rank_notes = cells.get("rank_notes").map(str::to_string);
        let tier = cells.get("tier").map(str::to_string);
        let industry = cells.get("industry").map(str::to_string);
        let annual_spend = cells.parse("annual_spend", table::money);
        let renewal_date = cells.parse("renewal_date", table::date);
        let owner = cells.required("owner_email").and_then(|_| cells.parse("owner_email", table::email));
        let owner_id = owner.as_ref().and_then(|o| people.get(o).copied());
        if let (Some(owner), None) = (&owner, owner_id) {
            cells.problem(format!("owner_email: {owner} is not a known person; add them to users.csv"));
        }
        let slack_channel = cells.parse("slack_channel", table::slack_channel);
        if settle(cells, problems) && ok {
            let name = name.expect("checked");
            c.account_id.push(existing.map(|e| e.account_id));
            c.match_key.push(match_key(&name));
            c.name.push(name);
            c.external_id.push(external_id);
            c.rank.push(rank);
            c.rank_notes.push(rank_notes);
            c.tier.push(tier);
            c.industry.push(industry);
            c.annual_spend.push(annual_spend);
            c.renewal_date.push(renewal_date);
            c.slack_channel.push(slack_channel);
            c.owner_id.push(owner_id.expect("checked"));
        } else {
            ok = false;
        }
    }
    Ok(ok.then_some(c))
}

async fn team(conn: &mut PgConnection, table: &Table, problems: &mut Vec<Problem>) -> Checked<(Vec<i64>, Vec<i64>, Vec<String>)> {
    let index = AccountIndex::new(accounts::all_keys(conn).await?);
    let people = rows::user_ids(conn).await?;
    let owners = rows::owners(conn).await?;
    let (mut account_ids, mut user_ids, mut roles) = (Vec::new(), Vec::new(), Vec::new());
    let mut ok = true;
    for row in &table.rows {
        let mut cells = table.cells(row);
        let account = cells.required("account").and_then(|_| cells.parse("account", |t| account(&index, t).cloned()));
        let email = cells.required("email").and_then(|_| cells.parse("email", table::email));
        let user_id = email.as_ref().and_then(|e| people.get(e).copied());
        if let (Some(email), None) = (&email, user_id) {
            cells.problem(format!("email: {email} is not a known person; add them to users.csv"));
        }
        let role = cells.required("role").and_then(|_| cells.choice::<TeamRole>("role"));
        if let (Some(account), Some(user_id), Some(TeamRole::Owner)) = (&account, user_id, role)
            && owners.get(&account.account_id) != Some(&user_id)
        {
            cells.problem(format!(
                "{} is not the owner of {}; an account's owner is set by owner_email in accounts.csv",
                email.as_deref().unwrap_or_default(),
                account.name
            ));
        }
        if settle(cells, problems) && ok {
            account_ids.push(account.expect("checked").account_id);
            user_ids.push(user_id.expect("checked"));
            roles.push(role.expect("checked").as_str().to_string());
        } else {
            ok = false;
        }
    }
    Ok(ok.then_some((account_ids, user_ids, roles)))
}

async fn plans(conn: &mut PgConnection, table: &Table, problems: &mut Vec<Problem>) -> Checked<rows::PlanColumns> {
    let index = AccountIndex::new(accounts::all_keys(conn).await?);
    let existing: HashMap<(i64, String), rows::PlanKey> =
        rows::plan_keys(conn).await?.into_iter().map(|p| ((p.account_id, p.name.to_lowercase()), p)).collect();
    let mut seen = FirstSeen::default();
    let mut c = rows::PlanColumns { sections: vec![Vec::new(); SECTIONS.len()], ..Default::default() };
    // For the one-active-plan rule: each row's account, name, line and whether it ends active.
    let mut ends_active: Vec<(i64, String, u64, bool)> = Vec::new();
    let mut ok = true;
    for row in &table.rows {
        let mut cells = table.cells(row);
        let line = cells.line();
        let account = cells.required("account").and_then(|_| cells.parse("account", |t| account(&index, t).cloned()));
        let name = cells.required("name").and_then(|_| cells.parse("name", table::text_at_most(MAX_NAME)));
        let plan_type: Option<PlanType> = cells.choice("type");
        let status: Option<PlanStatus> = cells.choice("status");
        let due_date = cells.parse("due_date", table::date);
        let sections: Vec<Option<String>> =
            SECTIONS.iter().map(|s| cells.parse(s.key, table::text_at_most(LONGEST_SECTION))).collect();
        let mut found = None;
        if let (Some(account), Some(name)) = (&account, &name) {
            if let Some(first) = seen.repeat((account.account_id, name.to_lowercase()), line) {
                cells.problem(format!("the plan “{name}” of {} is also on line {first}", account.name));
            }
            found = existing.get(&(account.account_id, name.to_lowercase()));
            let active = match status {
                Some(status) => status == PlanStatus::Active,
                None => found.is_some_and(|p| p.status == "active"),
            };
            ends_active.push((account.account_id, name.clone(), line, active));
        }
        if settle(cells, problems) && ok {
            c.plan_id.push(found.map(|p| p.plan_id));
            c.account_id.push(account.expect("checked").account_id);
            c.name.push(name.expect("checked"));
            c.plan_type.push(plan_type.map(|t| t.as_str().to_string()));
            c.status.push(status.map(|s| s.as_str().to_string()));
            c.due_date.push(due_date);
            for (column, value) in c.sections.iter_mut().zip(sections) {
                column.push(value);
            }
        } else {
            ok = false;
        }
    }
    // One active plan per account, once the file is applied.
    let mut active: HashMap<i64, Vec<String>> = HashMap::new();
    let in_file: HashSet<(i64, String)> = ends_active.iter().map(|(a, n, _, _)| (*a, n.to_lowercase())).collect();
    for ((account_id, key), plan) in &existing {
        if plan.status == "active" && !in_file.contains(&(*account_id, key.clone())) {
            active.entry(*account_id).or_default().push(plan.name.clone());
        }
    }
    for (account_id, name, _, is_active) in &ends_active {
        if *is_active {
            active.entry(*account_id).or_default().push(name.clone());
        }
    }
    for (account_id, name, line, is_active) in &ends_active {
        if let Some(plans) = active.get(account_id).filter(|p| *is_active && p.len() > 1) {
            let others: Vec<String> = plans.iter().filter(|p| *p != name).map(|p| format!("“{p}”")).collect();
            problems.push(Problem {
                line: *line,
                message: format!(
                    "“{name}” would be active beside {}; an account has one active plan, so make the others closed or draft",
                    others.join(" and ")
                ),
            });
            ok = false;
        }
    }
    Ok(ok.then_some(c))
}

async fn actions(conn: &mut PgConnection, table: &Table, problems: &mut Vec<Problem>) -> Checked<rows::ActionColumns> {
    let index = AccountIndex::new(accounts::all_keys(conn).await?);
    let people = rows::user_ids(conn).await?;
    let owners = rows::owners(conn).await?;
    let plans = rows::plan_keys(conn).await?;
    let by_name: HashMap<(i64, String), &rows::PlanKey> =
        plans.iter().map(|p| ((p.account_id, p.name.to_lowercase()), p)).collect();
    let active: HashMap<i64, &rows::PlanKey> = plans.iter().filter(|p| p.status == "active").map(|p| (p.account_id, p)).collect();

    struct Good {
        plan_id: i64,
        account_id: i64,
        title: String,
        owner_id: Option<i64>,
        due_date: Option<NaiveDate>,
        status: Option<String>,
    }
    let mut good = Vec::with_capacity(table.rows.len());
    let mut ok = true;
    for row in &table.rows {
        let mut cells = table.cells(row);
        let account = cells.required("account").and_then(|_| cells.parse("account", |t| account(&index, t)));
        let title = cells.required("title").and_then(|_| cells.parse("title", |text| crate::domain::validate::item_title(text).map_err(|problem| problem.to_string())));
        let plan = match (account, cells.get("plan")) {
            (None, _) => None,
            (Some(account), Some(plan)) => {
                let found = by_name.get(&(account.account_id, plan.to_lowercase())).copied();
                if found.is_none() {
                    cells.problem(format!("plan: {} has no plan called “{plan}”; add it to plans.csv", account.name));
                }
                found
            }
            (Some(account), None) => {
                let found = active.get(&account.account_id).copied();
                if found.is_none() {
                    cells.problem(format!("plan: {} has no active plan; name the plan this item belongs to", account.name));
                }
                found
            }
        };
        let owner = cells.parse("owner_email", table::email);
        let owner_id = owner.as_ref().and_then(|o| people.get(o).copied());
        if let (Some(owner), None) = (&owner, owner_id) {
            cells.problem(format!("owner_email: {owner} is not a known person; add them to users.csv"));
        }
        let due_date = cells.parse("due_date", table::date);
        let status: Option<ActionStatus> = cells.choice("status");
        if settle(cells, problems) && ok {
            let plan = plan.expect("checked");
            good.push(Good {
                plan_id: plan.plan_id,
                account_id: plan.account_id,
                title: title.expect("checked"),
                owner_id,
                due_date,
                status: status.map(|s| s.as_str().to_string()),
            });
        } else {
            ok = false;
        }
    }
    if !ok {
        return Ok(None);
    }
    // The k-th row with a title on a plan is the k-th item with that title
    // there (oldest first): titles may repeat, and importing twice must find
    // the same items.
    let mut plan_ids: Vec<i64> = good.iter().map(|g| g.plan_id).collect();
    plan_ids.sort_unstable();
    plan_ids.dedup();
    let mut stored: HashMap<(i64, String), std::collections::VecDeque<i64>> = HashMap::new();
    for item in rows::item_keys(conn, &plan_ids).await? {
        stored.entry((item.plan_id, item.title.trim().to_lowercase())).or_default().push_back(item.action_item_id);
    }
    let mut c = rows::ActionColumns::default();
    for row in good {
        let existing = stored.get_mut(&(row.plan_id, row.title.to_lowercase())).and_then(|ids| ids.pop_front());
        c.action_item_id.push(existing);
        c.owner_id.push(match existing {
            Some(_) => row.owner_id,
            None => Some(row.owner_id.unwrap_or(owners[&row.account_id])),
        });
        c.plan_id.push(row.plan_id);
        c.account_id.push(row.account_id);
        c.title.push(row.title);
        c.due_date.push(row.due_date);
        c.status.push(row.status);
    }
    Ok(Some(c))
}

async fn contacts(conn: &mut PgConnection, table: &Table, problems: &mut Vec<Problem>) -> Checked<rows::ContactColumns> {
    let index = AccountIndex::new(accounts::all_keys(conn).await?);
    let people = rows::user_ids(conn).await?;
    let existing = rows::contact_ids(conn).await?;
    // Contact names each account will have: a manager may be anywhere in the file.
    let mut names: HashSet<(i64, String)> = existing.keys().cloned().collect();
    for row in &table.rows {
        let cells = table.cells(row);
        if let (Some(account), Some(name)) = (cells.get("account").and_then(|a| account(&index, a).ok()), cells.get("name")) {
            names.insert((account.account_id, name.to_lowercase()));
        }
    }
    let mut seen = FirstSeen::default();
    let mut c = rows::ContactColumns::default();
    let mut ok = true;
    for row in &table.rows {
        let mut cells = table.cells(row);
        let line = cells.line();
        let account = cells.required("account").and_then(|_| cells.parse("account", |t| account(&index, t).cloned()));
        let name = cells.required("name").and_then(|_| cells.parse("name", table::text_at_most(MAX_NAME)));
        let title = cells.parse("title", table::text_at_most(LONGEST_LINE));
        let company = cells.parse("company", table::text_at_most(LONGEST_LINE));
        let email = cells.parse("email", table::email);
        let profile_url = cells.parse("profile_url", table::web_link);
        let reports_to = cells.get("reports_to").map(str::to_string);
        let influence: Option<Influence> = cells.choice("influence");
        let buying_role: Option<BuyingRole> = cells.choice("buying_role");
        let sentiment: Option<Sentiment> = cells.choice("sentiment");
        let strength = cells.parse("strength", table::strength);
        let owner = cells.parse("relationship_owner_email", table::email);
        let owner_id = owner.as_ref().and_then(|o| people.get(o).copied());
        if let (Some(owner), None) = (&owner, owner_id) {
            cells.problem(format!("relationship_owner_email: {owner} is not a known person; add them to users.csv"));
        }
        let tracked = cells.parse("tracked", table::yes_no);
        let mut found = None;
        if let (Some(account), Some(name)) = (&account, &name) {
            if let Some(first) = seen.repeat((account.account_id, name.to_lowercase()), line) {
                cells.problem(format!("{name} at {} is also on line {first}", account.name));
            }
            found = existing.get(&(account.account_id, name.to_lowercase())).copied();
            if let Some(manager) = &reports_to {
                if manager.eq_ignore_ascii_case(name) {
                    cells.problem("reports_to: a contact cannot report to themselves");
                } else if !names.contains(&(account.account_id, manager.to_lowercase())) {
                    cells.problem(format!("reports_to: {} has no contact named “{manager}”", account.name));
                }
            }
        }
        if settle(cells, problems) && ok {
            c.contact_id.push(found);
            c.account_id.push(account.expect("checked").account_id);
            c.name.push(name.expect("checked"));
            c.title.push(title);
            c.company.push(company);
            c.email.push(email);
            c.profile_url.push(profile_url);
            c.influence.push(influence.map(|v| v.as_str().to_string()));
            c.buying_role.push(buying_role.map(|v| v.as_str().to_string()));
            c.sentiment.push(sentiment.map(|v| v.as_str().to_string()));
            c.strength.push(strength);
            c.relationship_owner_id.push(owner_id);
            c.reports_to.push(reports_to);
            c.tracked.push(tracked);
        } else {
            ok = false;
        }
    }
    Ok(ok.then_some(c))
}

async fn whitespace(conn: &mut PgConnection, table: &Table, problems: &mut Vec<Problem>) -> Checked<rows::WhitespaceColumns> {
    let index = AccountIndex::new(accounts::all_keys(conn).await?);
    let existing = rows::whitespace_ids(conn).await?;
    let mut seen = FirstSeen::default();
    let mut c = rows::WhitespaceColumns::default();
    let mut ok = true;
    for row in &table.rows {
        let mut cells = table.cells(row);
        let line = cells.line();
        let account = cells.required("account").and_then(|_| cells.parse("account", |t| account(&index, t).cloned()));
        let stage = cells.required("stage").and_then(|_| cells.choice::<Stage>("stage"));
        let vendor = cells.parse("vendor", table::text_at_most(LONGEST_LINE)).unwrap_or_default();
        let likes = cells.parse("likes", table::text_at_most(LONGEST_NOTE));
        let dislikes = cells.parse("dislikes", table::text_at_most(LONGEST_NOTE));
        let annual_spend = cells.parse("annual_spend", table::money);
        let contract_end = cells.parse("contract_end", table::date);
        let appetite: Option<Appetite> = cells.choice("appetite");
        let mut found = None;
        if let (Some(account), Some(stage)) = (&account, stage) {
            let key = (account.account_id, stage.as_str().to_string(), vendor.to_lowercase());
            if let Some(first) = seen.repeat(key.clone(), line) {
                cells.problem(format!("{} at the {stage} stage of {} is also on line {first}", vendor_name(&vendor), account.name));
            }
            found = existing.get(&key).copied();
        }
        if settle(cells, problems) && ok {
            c.whitespace_id.push(found);
            c.account_id.push(account.expect("checked").account_id);
            c.stage.push(stage.expect("checked").as_str().to_string());
            c.vendor.push(vendor);
            c.likes.push(likes);
            c.dislikes.push(dislikes);
            c.annual_spend.push(annual_spend);
            c.contract_end.push(contract_end);
            c.appetite.push(appetite.map(|a| a.as_str().to_string()));
        } else {
            ok = false;
        }
    }
    Ok(ok.then_some(c))
}

fn vendor_name(vendor: &str) -> String {
    if vendor.is_empty() { "the row without a vendor".into() } else { format!("“{vendor}”") }
}

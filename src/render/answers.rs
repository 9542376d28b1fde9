//! Short answers about one account: the summary you read at a glance, and
//! the specific answers (renewal, people, risks, whitespace, goals, news,
//! team, action items), each a few lines with buttons to the full part.
//! Pure: rows and the viewer's date in, Block Kit out.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use slack_morphism::prelude::{SlackBlock, SlackBlockButtonElement};

use crate::domain::enums::{BuyingRole, Influence, IntelCategory, Sentiment, TeamRole};
use crate::domain::people::mention;
use crate::render::blocks::{self, actions, brief, button, escape, header, limits, section};
use crate::render::summary::{action_ids, capitalize, due_phrase, money, top_lines};
use crate::store::accounts::{Account, TeamMember};
use crate::store::actions::ActionItem;
use crate::store::answers::{Departure, NewsRow, People, PersonRow, WhitespaceRow};
use crate::store::plans::Plan;
use crate::store::summary::{AccountData, ContactBrief, WHITESPACE_HORIZON_DAYS};

/// A contact counts as a high-influence relationship when at least this many
/// exist; fewer is single-threaded.
pub const THREADS_NEEDED: i64 = 2;

/// The summary at a glance: a header and at most about a dozen lines, each
/// carrying a fact, then buttons that open each part in full.
pub fn summary(data: &AccountData, now: DateTime<Utc>, tz: Tz) -> Vec<SlackBlock> {
    let today = now.with_timezone(&tz).date_naive();
    let lines = summary_lines(data, today, tz);
    let id = data.account.account_id.to_string();
    let mut buttons = vec![
        button("Full plan", action_ids::FULL_PLAN, &id),
        button("Action items", action_ids::LIST_ACTIONS, &id),
        button("People", action_ids::PEOPLE, &id),
        button("Whitespace", action_ids::WHITESPACE, &id),
        button("Relationship map", crate::render::editing::action_ids::PICTURE_PEOPLE, &id),
        button("Whitespace map", crate::render::editing::action_ids::PICTURE_WHITESPACE, &id),
        button("News", action_ids::NEWS, &id),
        button("What changed", action_ids::WHAT_CHANGED, &id),
        blocks::primary(button("Add item", action_ids::ADD_ITEM, &id)),
    ];
    if data.plan.is_none() {
        // Items need an active plan: the first thing to do is start one.
        buttons.pop();
        buttons.push(crate::render::editing::start_plan_button(data.account.account_id));
    }
    blocks::fit_message(vec![
        header(&data.account.name),
        section(&lines.join("\n")),
        actions(&format!("summary:{id}"), buttons),
    ])
}

/// The notification text of the summary.
pub fn summary_text(data: &AccountData, today: NaiveDate) -> String {
    let renewal = match data.account.renewal_date {
        Some(date) => format!("renews {}", long_date_phrase(date, today)),
        None => "no renewal date".into(),
    };
    format!("{}: {renewal}; {} open action items ({} overdue)", data.account.name, data.open_total, data.overdue_total)
}

/// The summary's lines, most important first; every line states a fact.
pub fn summary_lines(data: &AccountData, today: NaiveDate, tz: Tz) -> Vec<String> {
    let account = &data.account;
    let mut lines = Vec::new();

    let owner = data
        .team
        .iter()
        .find(|m| m.role == TeamRole::Owner)
        .map(|m| mention(m.slack_id.as_deref(), &m.display_name, &m.email))
        .unwrap_or_else(|| "_nobody_".into());
    let renewal = match account.renewal_date {
        Some(date) => format!("renews {}", long_date_phrase(date, today)),
        None => "renewal date not set".into(),
    };
    let spend = account.annual_spend.map(|a| format!(" · {}/yr", money(a))).unwrap_or_default();
    lines.push(format!("*Owner* {owner} · {renewal}{spend}"));

    lines.push(match &data.plan {
        Some(plan) => format!("*Plan:* {}", plan_phrase(plan, today)),
        None => ":warning: *Plan:* no active plan".into(),
    });
    if let Some(health) = &data.health {
        // The health and its trend, then as many of its reasons as fit a line.
        let trend = health.trend().map(|t| format!(" · {t}")).unwrap_or_default();
        let explained = brief(&health.explained, 200 - trend.chars().count());
        lines.push(format!("*Plan health:* {}{}", escape(&explained), escape(&trend)));
    }

    let most_overdue = data.open_items.first().filter(|i| i.is_overdue(today));
    lines.push(match (data.overdue_total, most_overdue) {
        (n, Some(item)) if n > 0 => format!(
            ":red_circle: *{n} overdue* of {} open · most overdue: {}",
            data.open_total,
            item_phrase(item, today)
        ),
        _ if data.open_total > 0 => format!(
            "{} open action item{}, none overdue{}",
            data.open_total,
            plural(data.open_total),
            data.open_items.first().map(|i| format!(" · next: {}", item_phrase(i, today))).unwrap_or_default()
        ),
        _ => "No open action items.".into(),
    });

    if let Some(risk) = data.plan.as_ref().and_then(|p| top_lines(&p.threats_risks, 1).into_iter().next()) {
        lines.push(format!("*Top risk:* {}", escape(&brief(&risk, 140))));
    }

    let rel = &data.relationships;
    let present = |c: &&ContactBrief| c.departed_at.is_none();
    let champion = rel.highlights.iter().filter(present).find(|c| c.buying_role == Some(BuyingRole::Champion));
    let detractor = rel.highlights.iter().filter(present).find(|c| {
        (c.sentiment == Some(Sentiment::Detractor) || c.buying_role == Some(BuyingRole::Blocker))
            && champion.is_none_or(|champion| champion.name != c.name)
    });
    match champion {
        Some(c) => lines.push(format!("*Champion:* {}", contact_name(&c.name, &c.title))),
        None if rel.contacts_total > 0 => lines.push(":warning: *Champion:* none mapped".into()),
        None => {}
    }
    if let Some(c) = detractor {
        let label = if c.sentiment == Some(Sentiment::Detractor) { "Detractor" } else { "Blocker" };
        lines.push(format!("*{label}:* {}", contact_name(&c.name, &c.title)));
    }
    if rel.contacts_total == 0 {
        lines.push(":warning: *Single-threaded:* no contacts mapped yet".into());
    } else if rel.high_influence_total < THREADS_NEEDED {
        lines.push(format!(
            ":warning: *Single-threaded:* {} high-influence contact{} at the company",
            rel.high_influence_total,
            plural(rel.high_influence_total)
        ));
    }
    let left: Vec<String> = rel
        .highlights
        .iter()
        .filter(|c| {
            c.departed_at.is_some() && matches!(c.buying_role, Some(BuyingRole::Champion | BuyingRole::EconomicBuyer))
        })
        .take(2)
        .map(|c| format!("{} ({})", escape(&brief(&c.name, 40)), c.buying_role.map(BuyingRole::label).unwrap_or_default()))
        .collect();
    if !left.is_empty() {
        lines.push(format!(":warning: *Sponsor left:* {}", left.join(", ")));
    }

    if let Some(row) = data.whitespace_ending.first() {
        let vendor = if row.vendor.trim().is_empty() { "unknown vendor".to_string() } else { escape(&brief(&row.vendor, 50)) };
        let ends = row.contract_end.map(|d| format!(" contract ends {}", due_phrase(d, today))).unwrap_or_default();
        let appetite = row.appetite.map(|a| format!(", appetite {a}")).unwrap_or_default();
        let more = data.whitespace_ending_total - 1;
        let more = if more > 0 { format!(" · +{more} more within {WHITESPACE_HORIZON_DAYS} days") } else { String::new() };
        lines.push(format!("*Whitespace:* {vendor} ({}){ends}{appetite}{more}", row.stage));
    }

    if let Some(item) = data.intel.first() {
        lines.push(format!(
            "*News:* {} · {}",
            linked(&item.headline, item.url.as_deref(), 110),
            item.published_at.with_timezone(&tz).format("%b %-d")
        ));
    }
    lines
}

/// `Expand FY27 (expand) · due Mar 3, 2027 (in 87 days)`
fn plan_phrase(plan: &Plan, today: NaiveDate) -> String {
    format!(
        "{} ({}) · {}",
        escape(&brief(&plan.name, 60)),
        plan.plan_type,
        plan.due_date.map(|d| format!("due {}", due_phrase(d, today))).unwrap_or_else(|| "no due date".into())
    )
}

/// `` `#12` Send the quote (<@U1>, due Nov 1 (5 days ago)) ``
fn item_phrase(item: &ActionItem, today: NaiveDate) -> String {
    let due = item.due_date.map(|d| format!(", due {}", due_phrase(d, today))).unwrap_or_default();
    format!("`#{}` {} ({}{due})", item.action_item_id, escape(&brief(&item.title, 60)), item.owner_mention())
}

fn contact_name(name: &str, title: &str) -> String {
    if title.trim().is_empty() {
        escape(&brief(name, 60))
    } else {
        format!("{} ({})", escape(&brief(name, 60)), escape(&brief(title, 50)))
    }
}

fn linked(text: &str, url: Option<&str>, max: usize) -> String {
    let text = escape(&brief(text, max));
    match url {
        Some(url) => format!("<{}|{text}>", url.replace('|', "%7C").replace('>', "%3E")),
        None => text,
    }
}

fn plural(n: i64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `Mar 3, 2027, in 87 days`: the full date and how far it is.
pub fn long_date_phrase(date: NaiveDate, today: NaiveDate) -> String {
    let days = (date - today).num_days();
    let relative = crate::domain::when::relative_day(days);
    format!("{}, {relative}", date.format("%b %-d, %Y"))
}

/// The buttons under a specific answer: the part in full, and the summary.
fn part_buttons(account_id: i64, extra: Option<SlackBlockButtonElement>) -> SlackBlock {
    let id = account_id.to_string();
    let mut buttons: Vec<SlackBlockButtonElement> = extra.into_iter().collect();
    buttons.push(button("Full plan", action_ids::FULL_PLAN, &id));
    buttons.push(button("Summary", crate::render::accounts::action_ids::SHOW_SUMMARY, &id));
    actions(&format!("answer:{id}"), buttons)
}

/// An answer: its lines as sections, then the buttons.
fn answer(lines: &[String], account_id: i64, extra: Option<SlackBlockButtonElement>) -> Vec<SlackBlock> {
    let mut out = blocks::line_sections(lines, lines.len(), "lines");
    out.truncate(limits::MESSAGE_BLOCKS - 1);
    out.push(part_buttons(account_id, extra));
    out
}

/// "Acme renews on Mar 3, 2027, in 87 days; active plan: Expand FY27, due …"
pub fn renewal(account: &Account, plan: Option<&Plan>, today: NaiveDate) -> Vec<SlackBlock> {
    answer(&[renewal_text(account, plan, today)], account.account_id, None)
}

pub fn renewal_text(account: &Account, plan: Option<&Plan>, today: NaiveDate) -> String {
    let name = escape(&account.name);
    let renews = match account.renewal_date {
        Some(date) if date >= today => format!("*{name}* renews on {}", long_date_phrase(date, today)),
        Some(date) => format!("*{name}*'s renewal date was {}", long_date_phrase(date, today)),
        None => format!("*{name}* has no renewal date set"),
    };
    let plan = match plan {
        Some(plan) => format!(
            "active plan: {} ({}), {}",
            escape(&brief(&plan.name, 80)),
            plan.plan_type,
            plan.due_date.map(|d| format!("due {}", long_date_phrase(d, today))).unwrap_or_else(|| "no due date".into())
        ),
        None => ":warning: no active plan".into(),
    };
    format!("{renews}; {plan}.")
}

/// The relationship map, by influence, with sentiment, buying role and our
/// relationship owner, and a warning when single-threaded.
pub fn people(account: &Account, people: &People, champions_only: bool) -> Vec<SlackBlock> {
    let name = escape(&account.name);
    let mut lines = vec![if champions_only {
        format!("*Champions at {name}* · {}", people.total)
    } else {
        format!("*People at {name}* · {} mapped, by influence", people.total)
    }];
    if people.rows.is_empty() {
        lines.push(if champions_only { "_No champion mapped._".into() } else { "_No contacts mapped yet._".into() });
    }
    lines.extend(people.rows.iter().map(person_line));
    let more = people.total - people.rows.len() as i64;
    if more > 0 {
        lines.push(format!("_…and {more} more_"));
    }
    if people.high_influence_present < THREADS_NEEDED {
        lines.push(format!(
            ":warning: *Single-threaded:* {} high-influence contact{} at the company. Build another relationship.",
            people.high_influence_present,
            plural(people.high_influence_present)
        ));
    }
    let picture = button("Relationship map", crate::render::editing::action_ids::PICTURE_PEOPLE, &account.account_id.to_string());
    answer(&lines, account.account_id, Some(picture))
}

fn person_line(p: &PersonRow) -> String {
    let name = if p.departed_at.is_some() {
        format!("~{}~ _left the company_", escape(&p.name))
    } else {
        format!("*{}*", escape(&p.name))
    };
    let mut parts = vec![name];
    if !p.title.trim().is_empty() {
        parts[0].push_str(&format!(", {}", escape(&brief(&p.title, 50))));
    }
    parts.push(match p.influence {
        Some(Influence::High) => "high influence".into(),
        Some(i) => format!("{i} influence"),
        None => "influence unknown".into(),
    });
    if let Some(role) = p.buying_role {
        parts.push(role.label().into());
    }
    if let Some(sentiment) = p.sentiment {
        let mark = match sentiment {
            Sentiment::Promoter => ":large_green_circle: ",
            Sentiment::Neutral => "",
            Sentiment::Detractor => ":red_circle: ",
        };
        parts.push(format!("{mark}{sentiment}"));
    }
    if let Some(name) = &p.owner_name {
        parts.push(format!(
            "ours: {}",
            mention(p.owner_slack_id.as_deref(), name, p.owner_email.as_deref().unwrap_or_default())
        ));
    }
    format!("• {}", parts.join(" · "))
}

/// The plan's threats and risks, shortened, and sponsors who left.
pub fn risks(account: &Account, plan: Option<&Plan>, departures: &[Departure], tz: Tz) -> Vec<SlackBlock> {
    let mut lines = vec![format!("*Risks at {}*", escape(&account.name))];
    match plan {
        None => lines.push(":warning: No active plan, so no threats or risks are written down.".into()),
        Some(plan) => {
            let risks = top_lines(&plan.threats_risks, 5);
            if risks.is_empty() {
                lines.push("_The plan lists no threats or risks._".into());
            }
            lines.extend(risks.iter().map(|r| format!("• {}", escape(&brief(r, 200)))));
        }
    }
    for d in departures {
        lines.push(format!(
            ":warning: {} ({}) left the company on {}",
            contact_name(&d.name, &d.title),
            d.buying_role.map(BuyingRole::label).unwrap_or("sponsor"),
            d.departed_at.with_timezone(&tz).format("%b %-d, %Y")
        ));
    }
    let edit = button("Edit the map", crate::render::editing::action_ids::SHOW_PEOPLE, &account.account_id.to_string());
    answer(&lines, account.account_id, Some(edit))
}

/// Whitespace by stage: vendor, spend, contract end, appetite; contracts
/// ending within [`WHITESPACE_HORIZON_DAYS`] are marked.
pub fn whitespace(account: &Account, rows: &[WhitespaceRow], total: i64, today: NaiveDate) -> Vec<SlackBlock> {
    let mut lines = vec![format!("*Whitespace at {}* · {total} mapped", escape(&account.name))];
    if rows.is_empty() {
        lines.push("_No whitespace mapped yet._".into());
    }
    for row in rows {
        let vendor = if row.vendor.trim().is_empty() { "unknown vendor".to_string() } else { escape(&brief(&row.vendor, 60)) };
        let mut line = format!("• *{}*: {vendor}", capitalize(row.stage.as_str()));
        if let Some(spend) = row.annual_spend {
            line.push_str(&format!(" · {}/yr", money(spend)));
        }
        match row.contract_end {
            Some(end) => {
                let soon = (0..=WHITESPACE_HORIZON_DAYS).contains(&(end - today).num_days());
                line.push_str(&format!(" · ends {}", due_phrase(end, today)));
                if soon {
                    line.push_str(&format!(" :alarm_clock: _within {WHITESPACE_HORIZON_DAYS} days_"));
                }
            }
            None => line.push_str(" · contract end unknown"),
        }
        if let Some(appetite) = row.appetite {
            line.push_str(&format!(" · appetite to replace: {appetite}"));
        }
        lines.push(line);
    }
    let more = total - rows.len() as i64;
    if more > 0 {
        lines.push(format!("_…and {more} more_"));
    }
    let edit = button("Edit the map", crate::render::editing::action_ids::SHOW_WHITESPACE, &account.account_id.to_string());
    answer(&lines, account.account_id, Some(edit))
}

/// The plan's goals at 6, 12 and 18 months.
pub fn goals(account: &Account, plan: Option<&Plan>) -> Vec<SlackBlock> {
    let name = escape(&account.name);
    let Some(plan) = plan else {
        return answer(&[format!(":warning: *{name}* has no active plan, so no goals are written down.")], account.account_id, None);
    };
    let mut lines = vec![format!("*Goals for {name}* · plan {}", escape(&brief(&plan.name, 80)))];
    for (label, text) in [("6 months", &plan.goals_6m), ("12 months", &plan.goals_12m), ("18 months", &plan.goals_18m)] {
        let text = if text.trim().is_empty() { "_not written yet_".to_string() } else { escape(&brief(text, 300)) };
        lines.push(format!("*{label}:* {text}"));
    }
    if !plan.goals.trim().is_empty() {
        lines.push(format!("*Overall:* {}", escape(&brief(&plan.goals, 300))));
    }
    answer(&lines, account.account_id, None)
}

/// The latest intel, of one category when asked.
pub fn news(account: &Account, rows: &[NewsRow], total: i64, category: Option<IntelCategory>, tz: Tz) -> Vec<SlackBlock> {
    let name = escape(&account.name);
    let mut lines = vec![match category {
        Some(c) => format!("*{} news about {name}* · {total}", c.label()),
        None => format!("*Latest news about {name}* · {total}"),
    }];
    if rows.is_empty() {
        lines.push("_No news yet._ `/plan follow` an account to get its news as it comes.".into());
    }
    for row in rows {
        let mut line = format!(
            "• {} · {} · {}",
            linked(&row.headline, row.url.as_deref(), 150),
            row.category.label(),
            row.published_at.with_timezone(&tz).format("%b %-d, %Y")
        );
        if !row.summary.trim().is_empty() {
            line.push_str(&format!("\n   _{}_", escape(&brief(&row.summary, 160))));
        }
        lines.push(line);
    }
    let more = total - rows.len() as i64;
    if more > 0 {
        lines.push(format!("_…and {more} older_"));
    }
    let follow = button("Follow news", action_ids::FOLLOW, &account.account_id.to_string());
    answer(&lines, account.account_id, Some(follow))
}

/// Who is on the account and their roles.
pub fn team(account: &Account, members: &[TeamMember]) -> Vec<SlackBlock> {
    let mut lines = vec![format!("*Team on {}* · {}", escape(&account.name), members.len())];
    if members.is_empty() {
        lines.push("_Nobody is on the team._".into());
    }
    lines.extend(
        members
            .iter()
            .map(|m| format!("• {}: {}", m.role.label(), mention(m.slack_id.as_deref(), &m.display_name, &m.email))),
    );
    answer(&lines, account.account_id, None)
}

/// An account's action items (with their buttons), then the answer's buttons.
pub fn items(
    account: &Account,
    heading: &str,
    items: &[ActionItem],
    total: i64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Vec<SlackBlock> {
    let mut out = crate::render::items::item_list(heading, items, total, today, now);
    out.truncate(limits::MESSAGE_BLOCKS - 1);
    let add = blocks::primary(button("Add item", action_ids::ADD_ITEM, &account.account_id.to_string()));
    out.push(part_buttons(account.account_id, Some(add)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::enums::{ActionStatus, Appetite, PlanStatus, PlanType, Stage};
    use crate::store::summary::{IntelBrief, Relationships, WhitespaceBrief};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn contact(name: &str, role: BuyingRole, sentiment: Sentiment, left: bool) -> ContactBrief {
        ContactBrief {
            name: name.into(),
            title: "x".repeat(500),
            buying_role: Some(role),
            influence: Some(Influence::High),
            sentiment: Some(sentiment),
            strength: Some(3),
            departed_at: left.then(Utc::now),
        }
    }

    /// An account where everything needs attention at once, with long text everywhere.
    fn everything_wrong(today: NaiveDate) -> AccountData {
        let long = "word ".repeat(400);
        let account = Account {
            account_id: 7,
            name: "A".repeat(300),
            external_id: None,
            rank: 1,
            rank_notes: long.clone(),
            tier: String::new(),
            industry: String::new(),
            annual_spend: Some(1_900_000),
            renewal_date: Some(today + chrono::Duration::days(87)),
            slack_channel: None,
        };
        let item = ActionItem {
            action_item_id: 1,
            plan_id: 1,
            account_id: 7,
            account_name: account.name.clone(),
            title: long.clone(),
            owner_id: 1,
            owner_name: "Dana".into(),
            owner_email: "dana@example.com".into(),
            owner_slack_id: Some("U1".into()),
            due_date: Some(today - chrono::Duration::days(9)),
            status: ActionStatus::Open,
            snoozed_until: None,
            completed_at: None,
        };
        let plan = Plan {
            plan_id: 1,
            account_id: 7,
            name: long.clone(),
            plan_type: PlanType::Expand,
            status: PlanStatus::Active,
            due_date: Some(today + chrono::Duration::days(30)),
            business_overview: long.clone(),
            industry_trends: String::new(),
            summary_history: String::new(),
            entitled_solutions: String::new(),
            digital_strategy: String::new(),
            strategic_partnerships: String::new(),
            goals: String::new(),
            initiatives: String::new(),
            goals_6m: long.clone(),
            goals_12m: String::new(),
            goals_18m: String::new(),
            our_initiatives: String::new(),
            threats_risks: long.clone(),
            action_plan: String::new(),
            sections_changed_at: Utc::now(),
            created_at: Utc::now(),
        };
        AccountData {
            account,
            team: Vec::new(),
            plan: Some(plan),
            open_items: vec![item],
            open_total: 40,
            overdue_total: 12,
            relationships: Relationships {
                contacts_total: 9,
                high_influence_total: 1,
                high_influence_covered: 0,
                high_influence_promoters: 0,
                highlights: vec![
                    contact(&"Jane ".repeat(100), BuyingRole::Champion, Sentiment::Promoter, false),
                    contact("Ray", BuyingRole::Blocker, Sentiment::Detractor, false),
                    contact("Old", BuyingRole::EconomicBuyer, Sentiment::Promoter, true),
                    contact("Older", BuyingRole::Champion, Sentiment::Promoter, true),
                ],
            },
            sponsor_changes: Vec::new(),
            whitespace_ending: vec![WhitespaceBrief {
                stage: Stage::Verify,
                vendor: long.clone(),
                annual_spend: Some(200_000),
                contract_end: Some(today + chrono::Duration::days(57)),
                appetite: Some(Appetite::High),
            }],
            whitespace_ending_total: 3,
            whitespace_total: 9,
            intel: vec![IntelBrief {
                headline: long,
                url: Some("https://example.com/a".into()),
                category: "funding".into(),
                published_at: Utc::now(),
            }],
            health: Some(crate::domain::review::HealthLine {
                health: 12,
                explained: format!("12 — {}", "no champion identified, ".repeat(40)),
                at_last_qbr: Some((today - chrono::Duration::days(30), 40)),
            }),
        }
    }

    #[test]
    fn the_summary_stays_a_dozen_short_lines_when_everything_needs_attention() {
        let today = day(2026, 12, 6);
        let lines = summary_lines(&everything_wrong(today), today, chrono_tz::UTC);
        // The header is one more line.
        assert!(lines.len() < 12, "{} lines: {lines:#?}", lines.len());
        for line in &lines {
            assert!(line.chars().count() <= 240, "a line Slack would wrap a lot: {line}");
        }
        let text = lines.join("\n");
        assert!(text.contains("*12 overdue* of 40 open"), "{text}");
        assert!(text.contains("*Sponsor left:* Old (economic buyer), Older (champion)"), "{text}");
        assert!(text.contains("*Single-threaded:* 1 high-influence contact at the company"), "{text}");
    }

    #[test]
    fn renewal_says_the_date_and_the_days_to_it() {
        let today = day(2026, 12, 6);
        let data = everything_wrong(today);
        let mut account = data.account.clone();
        account.name = "Acme".into();
        let text = renewal_text(&account, None, today);
        assert_eq!(text, "*Acme* renews on Mar 3, 2027, in 87 days; :warning: no active plan.");
    }
}

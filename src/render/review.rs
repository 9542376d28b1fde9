//! The plan review, the health line, QBR prep and the coverage of key
//! accounts, as Slack shows them.

use chrono_tz::Tz;
use slack_morphism::prelude::*;

use crate::domain::review::{Finding, Fix, Part, Review};
use crate::render::blocks::{actions, button, context, escape, fit_message, header, line_sections, primary, section, section_with_button};
use crate::render::editing::action_ids as editing;
use crate::store::actions::ActionItem;
use crate::store::changes::NewsItem;
use crate::store::review::Qbr;

pub mod action_ids {
    /// The review of an account's plan; the value is the account id.
    pub const REVIEW: &str = "review.show";
    /// QBR prep; the value is the account id.
    pub const QBR_PREP: &str = "review.qbr_prep";
}

/// How many gaps a review proposes, and the health line names.
pub const TOP_GAPS: usize = 5;
pub const LINE_GAPS: usize = 3;

/// "Plan health: 62 — no champion identified, single-threaded, 3 team
/// members without an item · ▲ 8 since the QBR on Nov 3".
pub fn health_line(review: &Review<'_>, qbr: Option<&Qbr>) -> String {
    let at_last_qbr = qbr.and_then(|q| Some((q.held_on, q.health? as u32)));
    crate::domain::review::HealthLine::of(review, LINE_GAPS, at_last_qbr).text()
}

/// The button that fixes a gap.
pub fn fix_button(fix: Fix, account_id: i64, plan_id: i64) -> SlackBlockButtonElement {
    let account = account_id.to_string();
    match fix {
        Fix::EditPart(part) => {
            let label = match part {
                "profile" => "Edit Customer Profile",
                "snapshot" => "Edit Account Snapshot",
                _ => "Edit Go-to-Market",
            };
            button(label, editing::EDIT_PART, &format!("{plan_id}:{part}"))
        }
        Fix::EditPeople => button("Edit people", editing::SHOW_PEOPLE, &account),
        Fix::AddContact => button("Add contact", editing::ADD_CONTACT, &account),
        Fix::EditWhitespace => button("Edit whitespace", editing::SHOW_WHITESPACE, &account),
        Fix::AddRow => button("Add whitespace", editing::ADD_WHITESPACE, &account),
        Fix::AddItem => button("Add item", crate::render::summary::action_ids::ADD_ITEM, &account),
    }
}

fn gap_line(gap: &Finding<'_>) -> String {
    format!("*{}*\n{} · _{} points_", escape(&gap.rule.question), escape(&capitalized(&gap.gap())), gap.rule.weight)
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The review: the health, what the plan already answers (by part), and
/// the most valuable gaps, each with the button that fixes it.
pub fn review(account_name: &str, plan_name: &str, account_id: i64, plan_id: i64, review: &Review<'_>, qbr: Option<&Qbr>) -> Vec<SlackBlock> {
    let mut out = vec![
        header(&format!("Plan review: {account_name}")),
        section(&format!("*{}*\n_{}_", escape(&health_line(review, qbr)), escape(plan_name))),
    ];
    let answered: Vec<&Finding<'_>> = review.answered().collect();
    let mut lines = vec![format!("*What the plan answers* · {} of {}", answered.len(), review.findings.len())];
    for part in [Part::Profile, Part::Relationships, Part::Whitespace, Part::Actions] {
        let questions: Vec<String> = answered.iter().filter(|f| f.rule.part == part).map(|f| f.rule.question.clone()).collect();
        if !questions.is_empty() {
            lines.push(format!(":white_check_mark: _{}_: {}", part.label(), escape(&questions.join(" · "))));
        }
    }
    if answered.is_empty() {
        lines.push("_Nothing yet: the plan answers none of the handbook's questions._".into());
    }
    out.extend(line_sections(&lines, lines.len(), ""));
    let gaps = review.gaps();
    if gaps.is_empty() {
        out.push(section("*Every question is answered.* Keep it current: review it at each QBR."));
    } else {
        out.push(section(&format!("*The most valuable gaps* · {} of {}", gaps.len().min(TOP_GAPS), gaps.len())));
        for gap in gaps.iter().take(TOP_GAPS) {
            out.push(section_with_button(&gap_line(gap), fix_button(gap.rule.fix, account_id, plan_id)));
        }
        if gaps.len() > TOP_GAPS {
            let rest: Vec<String> = gaps.iter().skip(TOP_GAPS).map(|g| g.gap()).collect();
            out.push(context(&format!("Also: {}", escape(&rest.join(" · ")))));
        }
    }
    out.push(actions(
        &format!("review:{account_id}"),
        vec![
            button("QBR prep", action_ids::QBR_PREP, &account_id.to_string()),
            button("Full plan", crate::render::summary::action_ids::FULL_PLAN, &account_id.to_string()),
        ],
    ));
    fit_message(out)
}

pub fn review_text(account_name: &str, review: &Review<'_>) -> String {
    format!("Plan review of {account_name}: health {}", review.explained(LINE_GAPS))
}

/// What QBR prep shows, gathered.
pub struct QbrPrep<'a> {
    pub account_name: &'a str,
    pub account_id: i64,
    pub plan_id: i64,
    /// The last QBR, or `None` (then the period is the fallback's).
    pub qbr: Option<&'a Qbr>,
    pub period_label: &'a str,
    /// What changed in the plan, as sentences (newest first).
    pub changes: &'a [String],
    pub done: &'a [ActionItem],
    pub done_total: i64,
    pub open_total: i64,
    pub overdue_total: i64,
    pub news: &'a [NewsItem],
    pub news_total: i64,
    /// Sponsor moves, as sentences.
    pub sponsor_moves: &'a [String],
    pub review: &'a Review<'a>,
}

/// QBR prep: one message with what changed since the last QBR, items done
/// and open, news and sponsor moves, health now and then, and the review's
/// top gaps as proposed next steps.
pub fn qbr_prep(p: &QbrPrep<'_>, tz: Tz) -> Vec<SlackBlock> {
    let mut out = vec![header(&format!("QBR prep: {}", p.account_name)), context(&format!("_{}_", escape(p.period_label)))];
    let health = match p.qbr.and_then(|q| q.health) {
        Some(then) => format!("*Plan health:* {} now, {then} at the last QBR", p.review.health),
        None => format!("*Plan health:* {} now (no health recorded at a QBR yet)", p.review.health),
    };
    out.push(section(&health));
    let mut lines = vec![format!("*Plan changes* · {}", p.changes.len())];
    if p.changes.is_empty() {
        lines.push("_No change to the plan in this period._".into());
    }
    lines.extend(p.changes.iter().take(8).map(|c| format!("• {c}")));
    if p.changes.len() > 8 {
        lines.push(format!("_…and {} more (ask what changed)_", p.changes.len() - 8));
    }
    out.extend(line_sections(&lines, lines.len(), ""));
    let mut items = vec![format!(
        "*Action items* · {} done, {} still open ({} overdue)",
        p.done_total, p.open_total, p.overdue_total
    )];
    items.extend(p.done.iter().take(6).map(|i| format!(":white_check_mark: `#{}` {} — {}", i.action_item_id, escape(&i.title), i.owner_mention())));
    out.extend(line_sections(&items, items.len(), ""));
    if p.news_total > 0 || !p.sponsor_moves.is_empty() {
        let mut news = vec![format!("*News and sponsors* · {} news items, {} sponsor changes", p.news_total, p.sponsor_moves.len())];
        news.extend(p.news.iter().take(3).map(|n| format!("• {} · {}", escape(&n.headline), n.published_at.with_timezone(&tz).format("%b %-d"))));
        news.extend(p.sponsor_moves.iter().take(3).map(|m| format!("• {m}")));
        out.extend(line_sections(&news, news.len(), ""));
    }
    let gaps = p.review.gaps();
    if gaps.is_empty() {
        out.push(section("*Proposed next steps:* the plan answers every question; confirm it with the customer."));
    } else {
        out.push(section("*Proposed next steps* (the review's top gaps)"));
        for gap in gaps.iter().take(3) {
            out.push(section_with_button(&gap_line(gap), fix_button(gap.rule.fix, p.account_id, p.plan_id)));
        }
    }
    out.push(actions(
        &format!("qbr:{}", p.account_id),
        vec![
            button("Review the plan", action_ids::REVIEW, &p.account_id.to_string()),
            primary(button("Record the QBR as held today", action_ids::QBR_PREP, &format!("held:{}", p.account_id))),
        ],
    ));
    fit_message(out)
}

/// Key accounts without an active plan, for a manager or admin.
pub fn coverage(accounts: &[(i64, String)], key_total: usize) -> Vec<SlackBlock> {
    let mut out = vec![header("Key accounts without a plan")];
    if accounts.is_empty() {
        out.push(section(&format!(":white_check_mark: Every key account you can see ({key_total}) has an active plan.")));
        return out;
    }
    out.push(context(&format!("{} of {key_total} key accounts you can see have no active plan. Key: rank 1, and the tiers set as key.", accounts.len())));
    for (id, name) in accounts.iter().take(40) {
        out.push(section_with_button(&format!("*{}*", escape(name)), crate::render::editing::start_plan_button(*id)));
    }
    if accounts.len() > 40 {
        out.push(context(&format!("_…and {} more_", accounts.len() - 40)));
    }
    fit_message(out)
}

/// A report's plan with low health, in the manager's digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeakPlan {
    pub account_name: String,
    pub account_id: i64,
    pub health: u32,
    /// What would raise it most: the heaviest gap, and its points.
    pub best_gap: Option<(String, u32)>,
    /// The review's question behind that gap, to ask in the 1:1.
    pub question: Option<String>,
}

/// One report's part of the manager's digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDigest {
    pub name: String,
    pub mention: String,
    pub weak: Vec<WeakPlan>,
    pub no_plan: Vec<String>,
    pub qbr_due: Vec<String>,
}

/// The manager's weekly digest: per report, what to look at and what to ask.
pub fn manager_digest(reports: &[ReportDigest]) -> crate::render::MessageContent {
    let mut out = vec![
        header("Your team's plans this week"),
        context("Coaching, not compliance: questions to bring to your 1:1s, from each plan's review."),
    ];
    for report in reports.iter().take(15) {
        let mut lines = vec![format!("*{}*", report.mention)];
        for weak in &report.weak {
            let raise = match &weak.best_gap {
                Some((gap, points)) => format!(" — {} (+{points} if fixed)", escape(gap)),
                None => String::new(),
            };
            lines.push(format!("• {}: health {}{raise}", escape(&weak.account_name), weak.health));
        }
        if !report.no_plan.is_empty() {
            lines.push(format!("• Key accounts without a plan: {}", escape(&report.no_plan.join(", "))));
        }
        if !report.qbr_due.is_empty() {
            lines.push(format!("• Not reviewed at a QBR in {} days: {}", crate::domain::review::QBR_DUE_DAYS, escape(&report.qbr_due.join(", "))));
        }
        let questions: Vec<String> = report
            .weak
            .iter()
            .filter_map(|w| w.question.as_ref().map(|q| format!("_{}: {}_", escape(&w.account_name), escape(q))))
            .take(3)
            .collect();
        if !questions.is_empty() {
            lines.push(format!("Ask: {}", questions.join(" · ")));
        }
        out.extend(line_sections(&lines, lines.len(), ""));
    }
    if reports.len() > 15 {
        out.push(context(&format!("_…and {} more reports_", reports.len() - 15)));
    }
    let text = format!("Your team's plans this week: {} reports with something to look at", reports.len());
    crate::render::MessageContent::new(text, fit_message(out))
}

//! One account's plan as Markdown, to paste into a document: key facts,
//! the Plan Info sections under their handbook headings, the action items,
//! the relationship map and the whitespace as tables, and the latest news.
//!
//! It owns the layout only, from rows already read: it imports row types
//! from `crate::store`, vocabulary from `crate::domain` and money formatting
//! from `crate::render::summary`, and touches no database.

use std::fmt::Write;

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::enums::{ActionStatus, TeamRole};
use crate::domain::exchange::Picture;
use crate::domain::plan::{SECTIONS, SectionGroup};
use crate::store::accounts::{Account, TeamMember};
use crate::store::actions::ActionItem;
use crate::store::exchange::{DocumentContact, DocumentWhitespace};
use crate::store::plans::Plan;
use crate::render::summary::money;
use crate::store::summary::IntelBrief;

/// Everything the document shows.
#[derive(Debug, Clone)]
pub struct PlanDocument {
    pub account: Account,
    pub team: Vec<TeamMember>,
    pub plan: Option<Plan>,
    pub items: Vec<ActionItem>,
    pub contacts: Vec<DocumentContact>,
    pub whitespace: Vec<DocumentWhitespace>,
    pub intel: Vec<IntelBrief>,
    /// The pictures written beside the document, linked under their parts:
    /// (which, file name).
    pub pictures: Vec<(Picture, String)>,
}

/// A table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    let flat = text.trim().replace("\r\n", "\n").replace('\n', "<br>").replace('|', "\\|");
    if flat.is_empty() { "—".into() } else { flat }
}

fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(out, "|{}|", header.iter().map(|_| "---").collect::<Vec<_>>().join("|"));
    for row in rows {
        let _ = writeln!(out, "| {} |", row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "));
    }
}

fn person(member: &TeamMember) -> String {
    if member.display_name.trim().is_empty() { member.email.clone() } else { member.display_name.clone() }
}

fn date(day: Option<NaiveDate>) -> String {
    day.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// The plan of `doc.account` as of `now`.
pub fn render(doc: &PlanDocument, now: DateTime<Utc>) -> String {
    let today = now.date_naive();
    let account = &doc.account;
    let mut out = String::new();
    let title = match &doc.plan {
        Some(plan) => format!("{} — {}", account.name, plan.name),
        None => account.name.clone(),
    };
    let _ = writeln!(out, "# {title}\n");
    match &doc.plan {
        Some(plan) => {
            let (filled, _) = crate::domain::plan::completeness(|key| plan.section(key));
            let due = plan.due_date.map(|d| format!(" · due {}", date(Some(d)))).unwrap_or_default();
            let _ = writeln!(
                out,
                "_{} plan · {}{due} · {filled} of {} sections written · exported {}_\n",
                capitalize(plan.plan_type.as_str()),
                plan.status,
                SECTIONS.len(),
                today.format("%Y-%m-%d")
            );
        }
        None => {
            let _ = writeln!(out, "_No plan yet · exported {}_\n", today.format("%Y-%m-%d"));
        }
    }

    let owner = doc.team.iter().find(|m| m.role == TeamRole::Owner).map(person).unwrap_or_default();
    let team: Vec<String> =
        doc.team.iter().filter(|m| m.role != TeamRole::Owner).map(|m| format!("{} ({})", person(m), m.role.label())).collect();
    let rank = match account.rank {
        1 => "1 — most strategic",
        2 => "2 — strategic",
        _ => "3 — core",
    };
    let mut facts = vec![vec!["Rank".to_string(), rank.to_string()]];
    if !account.rank_notes.trim().is_empty() {
        facts.push(vec!["Why this rank".into(), account.rank_notes.clone()]);
    }
    facts.push(vec!["Owner".into(), owner]);
    facts.push(vec!["Team".into(), team.join(", ")]);
    facts.push(vec!["Renewal".into(), date(account.renewal_date)]);
    facts.push(vec!["Annual spend".into(), account.annual_spend.map(money).unwrap_or_default()]);
    facts.push(vec!["Tier".into(), account.tier.clone()]);
    facts.push(vec!["Industry".into(), account.industry.clone()]);
    if let Some(external_id) = &account.external_id {
        facts.push(vec!["CRM id".into(), external_id.clone()]);
    }
    table(&mut out, &["", ""], &facts);

    if let Some(plan) = &doc.plan {
        for group in [SectionGroup::CustomerProfile, SectionGroup::AccountSnapshot, SectionGroup::GoToMarket] {
            let _ = writeln!(out, "\n## {}", group.label());
            for section in SECTIONS.iter().filter(|s| s.group == group) {
                let text = plan.section(section.key).trim();
                let body = if text.is_empty() { "_Not written yet._" } else { text };
                let _ = writeln!(out, "\n### {}\n\n{body}", section.label);
            }
        }
    }

    let _ = writeln!(out, "\n## Action items\n");
    if doc.items.is_empty() {
        let _ = writeln!(out, "_None yet._");
    } else {
        let open = doc.items.iter().filter(|i| i.status == ActionStatus::Open).count();
        let _ = writeln!(out, "{open} open of {}.\n", doc.items.len());
        let rows: Vec<Vec<String>> = doc
            .items
            .iter()
            .map(|item| {
                let status = if item.is_overdue(today) { "open, overdue".to_string() } else { item.status.to_string() };
                let owner = if item.owner_name.trim().is_empty() { item.owner_email.clone() } else { item.owner_name.clone() };
                vec![format!("#{}", item.action_item_id), item.title.clone(), owner, date(item.due_date), status]
            })
            .collect();
        table(&mut out, &["#", "Action", "Owner", "Due", "Status"], &rows);
    }

    let _ = writeln!(out, "\n## Relationship map\n");
    picture(&mut out, doc, Picture::Relationships);
    if doc.contacts.is_empty() {
        let _ = writeln!(out, "_No contacts mapped yet._");
    } else {
        let rows: Vec<Vec<String>> = doc
            .contacts
            .iter()
            .map(|c| {
                let name = if c.departed_at.is_some() { format!("{} (left the company)", c.name) } else { c.name.clone() };
                vec![
                    name,
                    c.title.clone(),
                    c.buying_role.map(|r| r.label().to_string()).unwrap_or_default(),
                    c.influence.map(|i| i.to_string()).unwrap_or_default(),
                    c.sentiment.map(|s| s.to_string()).unwrap_or_default(),
                    c.strength.map(|s| format!("{s}/5")).unwrap_or_default(),
                    c.reports_to.clone().unwrap_or_default(),
                    c.relationship_owner.clone().unwrap_or_default(),
                ]
            })
            .collect();
        table(&mut out, &["Contact", "Title", "Buying role", "Influence", "Sentiment", "Strength", "Reports to", "Our owner"], &rows);
    }

    let _ = writeln!(out, "\n## Whitespace\n");
    picture(&mut out, doc, Picture::Whitespace);
    if doc.whitespace.is_empty() {
        let _ = writeln!(out, "_No whitespace mapped yet._");
    } else {
        let rows: Vec<Vec<String>> = doc
            .whitespace
            .iter()
            .map(|w| {
                vec![
                    capitalize(w.stage.as_str()),
                    w.vendor.clone(),
                    w.annual_spend.map(money).unwrap_or_default(),
                    date(w.contract_end),
                    w.appetite.map(|a| a.to_string()).unwrap_or_default(),
                    w.likes.clone(),
                    w.dislikes.clone(),
                ]
            })
            .collect();
        table(&mut out, &["Stage", "Incumbent", "Annual spend", "Contract end", "Appetite to replace", "Likes", "Dislikes"], &rows);
    }

    if !doc.intel.is_empty() {
        let _ = writeln!(out, "\n## Latest company news\n");
        for item in &doc.intel {
            let category = item.category.parse::<crate::domain::enums::IntelCategory>().map(|c| c.label()).unwrap_or("Other");
            let headline = item.headline.replace('[', "\\[").replace(']', "\\]");
            let linked = match &item.url {
                Some(url) => format!("[{headline}]({url})"),
                None => headline,
            };
            let _ = writeln!(out, "- {linked} — {category}, {}", item.published_at.format("%Y-%m-%d"));
        }
    }
    out
}

/// The picture of a part, when one was written beside the document.
fn picture(out: &mut String, doc: &PlanDocument, which: Picture) {
    if let Some((_, file)) = doc.pictures.iter().find(|(p, _)| *p == which) {
        let _ = writeln!(out, "![{} of {}]({file})\n", capitalize(which.title()), doc.account.name.replace(['[', ']'], ""));
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::enums::{BuyingRole, Influence, PlanStatus, PlanType, Sentiment, Stage};
    use chrono::TimeZone;

    fn document() -> PlanDocument {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let plan = Plan {
            plan_id: 1,
            account_id: 1,
            name: "Expand FY27".into(),
            plan_type: PlanType::Expand,
            status: PlanStatus::Active,
            due_date: NaiveDate::from_ymd_opt(2027, 3, 31),
            business_overview: "Acme makes anvils.\n\nAnd rockets.".into(),
            industry_trends: String::new(),
            summary_history: String::new(),
            entitled_solutions: String::new(),
            digital_strategy: String::new(),
            strategic_partnerships: String::new(),
            goals: String::new(),
            initiatives: String::new(),
            goals_6m: String::new(),
            goals_12m: "Platform standard".into(),
            goals_18m: String::new(),
            our_initiatives: String::new(),
            threats_risks: "Globex | cheaper".into(),
            action_plan: String::new(),
            sections_changed_at: now,
            created_at: now,
        };
        PlanDocument {
            account: Account {
                account_id: 1,
                name: "Acme Corporation".into(),
                external_id: Some("SF-1".into()),
                rank: 1,
                rank_notes: String::new(),
                tier: "Enterprise".into(),
                industry: "Manufacturing".into(),
                annual_spend: Some(1_200_000),
                renewal_date: NaiveDate::from_ymd_opt(2027, 3, 31),
                slack_channel: None,
            },
            team: vec![TeamMember {
                user_id: 1,
                role: TeamRole::Owner,
                display_name: "Dana Reyes".into(),
                email: "dana@example.com".into(),
                slack_id: None,
            }],
            plan: Some(plan),
            items: vec![ActionItem {
                action_item_id: 142,
                plan_id: 1,
                account_id: 1,
                account_name: "Acme Corporation".into(),
                title: "Run a workshop | security".into(),
                owner_id: 1,
                owner_name: "Dana Reyes".into(),
                owner_email: "dana@example.com".into(),
                owner_slack_id: None,
                due_date: NaiveDate::from_ymd_opt(2026, 11, 1),
                status: ActionStatus::Open,
                snoozed_until: None,
                completed_at: None,
            }],
            contacts: vec![DocumentContact {
                name: "Jane Doe".into(),
                title: "CTO".into(),
                buying_role: Some(BuyingRole::Champion),
                influence: Some(Influence::High),
                sentiment: Some(Sentiment::Promoter),
                strength: Some(4),
                reports_to: None,
                relationship_owner: Some("Dana Reyes".into()),
                departed_at: Some(now),
            }],
            whitespace: vec![DocumentWhitespace {
                stage: Stage::Verify,
                vendor: "Jenkins".into(),
                likes: "Plugins".into(),
                dislikes: "Upkeep".into(),
                annual_spend: Some(80_000),
                contract_end: NaiveDate::from_ymd_opt(2027, 1, 31),
                appetite: Some(crate::domain::enums::Appetite::High),
            }],
            intel: vec![],
            pictures: vec![],
        }
    }

    #[test]
    fn a_plan_reads_as_a_document_with_headings_and_tables() {
        let text = render(&document(), Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap());
        assert!(text.starts_with("# Acme Corporation — Expand FY27\n\n_Expand plan · active · due 2027-03-31 · 3 of 14 sections written · exported 2026-11-22_\n"), "{text}");
        assert!(text.contains("| Owner | Dana Reyes |"), "{text}");
        assert!(text.contains("| Annual spend | $1.2M |"), "{text}");
        assert!(text.contains("\n## Customer Profile\n\n### Business overview\n\nAcme makes anvils.\n\nAnd rockets.\n"), "{text}");
        assert!(text.contains("### Industry trends\n\n_Not written yet._"), "{text}");
        assert!(text.contains("### Threats/Risks\n\nGlobex | cheaper"), "{text}");
        assert!(text.contains("| #142 | Run a workshop \\| security | Dana Reyes | 2026-11-01 | open, overdue |"), "{text}");
        assert!(text.contains("| Jane Doe (left the company) | CTO | champion | high | promoter | 4/5 | — | Dana Reyes |"), "{text}");
        assert!(text.contains("| Verify | Jenkins | $80k | 2027-01-31 | high | Plugins | Upkeep |"), "{text}");
        let headings: Vec<&str> = text.lines().filter(|l| l.starts_with("## ")).collect();
        assert_eq!(headings, ["## Customer Profile", "## Account Snapshot", "## Go-to-Market", "## Action items", "## Relationship map", "## Whitespace"]);
        assert!(!text.contains("!["), "no pictures were written beside it: {text}");
    }

    #[test]
    fn pictures_written_beside_the_document_are_shown_under_their_parts() {
        let mut doc = document();
        doc.pictures = vec![
            (Picture::Whitespace, "acme-corporation-whitespace.png".into()),
            (Picture::Relationships, "acme-corporation-relationships.png".into()),
        ];
        let text = render(&doc, Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap());
        assert!(text.contains("## Relationship map\n\n![Relationship map of Acme Corporation](acme-corporation-relationships.png)\n\n| Contact"), "{text}");
        assert!(text.contains("## Whitespace\n\n![Whitespace map of Acme Corporation](acme-corporation-whitespace.png)\n\n| Stage"), "{text}");
    }
}

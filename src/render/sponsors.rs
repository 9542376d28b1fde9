//! Sponsor changes as the account team reads them: who changed what, who
//! left, the follow-up planbot created, and whether the account is now
//! single-threaded.

use slack_morphism::prelude::SlackBlock;

use crate::domain::enums::{BuyingRole, Influence, SponsorAttribute};
use crate::render::MessageContent;
use crate::render::blocks::{self, context, escape, section};

/// One contact's news.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactNews {
    pub name: String,
    pub buying_role: Option<BuyingRole>,
    pub influence: Option<Influence>,
    /// (attribute, old, new), in the order observed.
    pub changes: Vec<(SponsorAttribute, String, String)>,
    /// The contact's new company is not the account.
    pub left: bool,
    /// The contact is back at the account.
    pub returned: bool,
}

/// An action item planbot created because an executive sponsor left.
#[derive(Debug, Clone, PartialEq)]
pub struct Followup {
    pub action_item_id: i64,
    pub title: String,
    /// How the owner is named (a mention when they are on Slack).
    pub owner: String,
}

/// Everything one message about an account's sponsors says.
#[derive(Debug, Clone, PartialEq)]
pub struct SponsorNews {
    pub account_name: String,
    pub contacts: Vec<ContactNews>,
    pub followups: Vec<Followup>,
    /// An executive sponsor left but the account has no active plan to put
    /// the follow-up on.
    pub followup_without_plan: bool,
    /// When an executive sponsor left: the high-influence promoters still
    /// at the account.
    pub promoters_left: Option<Vec<String>>,
}

/// The message for the account team and the linked channel.
pub fn changes_message(news: &SponsorNews) -> MessageContent {
    let account = escape(&news.account_name);
    let departed: Vec<&ContactNews> = news.contacts.iter().filter(|c| c.left).collect();
    let text = match departed.as_slice() {
        [] => format!("Sponsor changes at {}", news.account_name),
        [one] => format!("{} ({}) left {}", one.name, describe_role(one), news.account_name),
        several => format!("{} tracked contacts left {}", several.len(), news.account_name),
    };
    let mut out: Vec<SlackBlock> = vec![section(&format!(":arrows_counterclockwise: *Sponsor changes at {account}*"))];
    let lines: Vec<String> = news.contacts.iter().map(|c| contact_line(c, &news.account_name)).collect();
    out.extend(blocks::line_sections(&lines, lines.len(), "contacts"));
    let mut notes = Vec::new();
    for followup in &news.followups {
        notes.push(format!(
            ":white_check_mark: Added `#{}` {} for {}.",
            followup.action_item_id,
            escape(&followup.title),
            followup.owner
        ));
    }
    if news.followup_without_plan {
        notes.push(format!(
            ":warning: {account} has no active plan, so no follow-up item was added. Re-establish an executive sponsor."
        ));
    }
    match news.promoters_left.as_deref() {
        Some([]) => notes.push(format!(
            ":warning: *No high-influence promoter left at {account}:* nobody with sway is speaking for us."
        )),
        Some([one]) => notes.push(format!(
            ":warning: *{account} is now single-threaded:* {} is the only high-influence promoter left.",
            escape(one)
        )),
        _ => {}
    }
    if !notes.is_empty() {
        out.push(section(&notes.join("\n")));
    }
    out.push(context(&format!("From sponsor tracking · `/plan summary {account}` for the relationship map")));
    MessageContent::new(text, blocks::fit_message(out))
}

fn describe_role(contact: &ContactNews) -> String {
    let mut parts = Vec::new();
    if let Some(role) = contact.buying_role {
        parts.push(role.label().to_string());
    }
    if let Some(influence) = contact.influence {
        parts.push(format!("{influence} influence"));
    }
    if parts.is_empty() { "tracked contact".into() } else { parts.join(", ") }
}

fn contact_line(contact: &ContactNews, account_name: &str) -> String {
    let mut what = Vec::new();
    for (attribute, old, new) in &contact.changes {
        let (old, new) = (escape(old), escape(new));
        what.push(match attribute {
            SponsorAttribute::Company if contact.left => format!("*left {}* for *{new}*", escape(account_name)),
            SponsorAttribute::Company if contact.returned => format!("is back at *{new}* (from {old})"),
            SponsorAttribute::Company => format!("company {old} → *{new}*"),
            SponsorAttribute::Title => format!("title {old} → *{new}*"),
            SponsorAttribute::Location => format!("moved from {old} to *{new}*"),
        });
    }
    let marker = if contact.left { ":rotating_light:" } else { "•" };
    format!("{marker} *{}* ({}): {}", escape(&contact.name), describe_role(contact), what.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn champion_left() -> SponsorNews {
        SponsorNews {
            account_name: "Acme".into(),
            contacts: vec![
                ContactNews {
                    name: "Jane Doe".into(),
                    buying_role: Some(BuyingRole::Champion),
                    influence: Some(Influence::High),
                    changes: vec![
                        (SponsorAttribute::Title, "VP Engineering".into(), "CTO".into()),
                        (SponsorAttribute::Company, "Acme".into(), "Initech".into()),
                    ],
                    left: true,
                    returned: false,
                },
                ContactNews {
                    name: "Bob Li".into(),
                    buying_role: None,
                    influence: None,
                    changes: vec![(SponsorAttribute::Location, "Berlin".into(), "Munich".into())],
                    left: false,
                    returned: false,
                },
            ],
            followups: vec![Followup {
                action_item_id: 77,
                title: "Re-establish an executive sponsor at Acme (Jane Doe left)".into(),
                owner: "<@U1>".into(),
            }],
            followup_without_plan: false,
            promoters_left: Some(vec!["Carl Ito".into()]),
        }
    }

    #[test]
    fn a_departure_names_the_contact_the_follow_up_and_the_single_thread() {
        let content = changes_message(&champion_left());
        assert_eq!(content.text, "Jane Doe (champion, high influence) left Acme");
        let json = serde_json::to_value(&content.blocks).unwrap();
        let lines = json[1]["text"]["text"].as_str().unwrap();
        assert!(lines.contains(":rotating_light: *Jane Doe* (champion, high influence): title VP Engineering → *CTO*; *left Acme* for *Initech*"), "{lines}");
        assert!(lines.contains("• *Bob Li* (tracked contact): moved from Berlin to *Munich*"), "{lines}");
        let notes = json[2]["text"]["text"].as_str().unwrap();
        assert!(notes.contains("Added `#77` Re-establish an executive sponsor at Acme (Jane Doe left) for <@U1>."), "{notes}");
        assert!(notes.contains("*Acme is now single-threaded:* Carl Ito is the only high-influence promoter left."), "{notes}");
    }
}

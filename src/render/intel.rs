//! Company news as Slack shows it: one message per account and recipient,
//! an item per story with *Add action item* and *Add to threats* buttons.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use slack_morphism::prelude::SlackBlock;

use crate::render::MessageContent;
use crate::render::blocks::{self, actions, brief, button, context, escape, section};
use crate::store::intel::IntelItem;

/// Action ids of the buttons under each item; the value is the intel item id.
pub mod action_ids {
    pub const ADD_ACTION: &str = "intel.add_action";
    pub const ADD_THREAT: &str = "intel.add_threat";
}

/// Items shown with their buttons in one message (two blocks each, so a
/// message stays far inside Slack's 50 blocks); the rest are counted.
pub const MAX_SHOWN: usize = 10;

/// The message announcing `items` (all of one account), newest first, with
/// dates in `tz`.
pub fn items_message(account_name: &str, items: &[IntelItem], tz: Tz) -> MessageContent {
    let mut sorted: Vec<&IntelItem> = items.iter().collect();
    sorted.sort_by(|a, b| b.published_at.cmp(&a.published_at).then(b.intel_item_id.cmp(&a.intel_item_id)));
    let text = match sorted.as_slice() {
        [one] => format!("{} {}: {}", one.category().label(), account_name, one.headline),
        several => format!(
            "{} news items about {account_name}: {}",
            several.len(),
            several.iter().take(3).map(|i| i.headline.as_str()).collect::<Vec<_>>().join(" · ")
        ),
    };
    let heading = match sorted.len() {
        1 => format!(":newspaper: *News about {}*", escape(account_name)),
        n => format!(":newspaper: *{n} news items about {}*", escape(account_name)),
    };
    let mut out = vec![section(&heading)];
    for item in sorted.iter().take(MAX_SHOWN) {
        out.extend(item_blocks(item, tz));
    }
    if sorted.len() > MAX_SHOWN {
        out.push(context(&format!(
            "_…and {} more. `/plan summary {}` shows the latest._",
            sorted.len() - MAX_SHOWN,
            escape(account_name)
        )));
    }
    out.push(context(&format!(
        "Company news you follow · `/plan unfollow {}` to stop",
        escape(account_name)
    )));
    MessageContent::new(text, blocks::fit_message(out))
}

/// One story: headline (linked), category, source and date, the summary's
/// first lines, and the two buttons.
pub fn item_blocks(item: &IntelItem, tz: Tz) -> Vec<SlackBlock> {
    let category = item.category();
    let headline = escape(&brief(&item.headline, 250));
    let linked = match item.url.as_deref() {
        Some(url) => format!("<{}|{headline}>", url.replace('|', "%7C").replace('>', "%3E")),
        None => headline,
    };
    let mut text = format!(
        "{} *{linked}*\n_{} · {} · {}_",
        category.emoji(),
        category.label(),
        escape(&source_name(&item.source)),
        date(item.published_at, tz)
    );
    if !item.summary.trim().is_empty() {
        text.push('\n');
        text.push_str(&escape(&brief(&item.summary, 400)));
    }
    let id = item.intel_item_id.to_string();
    vec![
        section(&text),
        actions(
            &format!("intel:{id}"),
            vec![button("Add action item", action_ids::ADD_ACTION, &id), button("Add to threats", action_ids::ADD_THREAT, &id)],
        ),
    ]
}

/// A source as people know it: a feed's host ("reuters.com"), or the name
/// an API client gave.
pub fn source_name(source: &str) -> String {
    match url::Url::parse(source) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => url
            .host_str()
            .map(|h| h.strip_prefix("www.").unwrap_or(h).to_string())
            .unwrap_or_else(|| source.to_string()),
        _ => source.to_string(),
    }
}

fn date(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%b %-d").to_string()
}

/// The line an intel item adds to a plan's threats and risks.
pub fn threat_line(item: &IntelItem) -> String {
    format!(
        "{} ({}, {})",
        item.headline.trim(),
        source_name(&item.source),
        item.published_at.format("%Y-%m-%d")
    )
}

/// The title of the action item an intel item becomes.
pub fn action_title(item: &IntelItem) -> String {
    blocks::brief(&format!("Follow up on news: {}", item.headline.trim()), crate::domain::validate::LONGEST_TITLE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn item(id: i64, headline: &str, category: &str) -> IntelItem {
        IntelItem {
            intel_item_id: id,
            account_id: 1,
            account_name: "Acme".into(),
            source: "https://www.reuters.com/feeds/acme.rss".into(),
            headline: headline.into(),
            url: Some(format!("https://example.com/{id}")),
            summary: "A long summary. ".repeat(100),
            category: category.into(),
            published_at: Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap() + chrono::Duration::minutes(id),
        }
    }

    #[test]
    fn one_item_is_a_linked_headline_with_its_two_buttons() {
        let content = items_message("Acme", &[item(7, "Acme raises $50M <Series C>", "funding")], chrono_tz::UTC);
        assert_eq!(content.text, "Funding Acme: Acme raises $50M <Series C>");
        let json = serde_json::to_value(&content.blocks).unwrap();
        let story = json[1]["text"]["text"].as_str().unwrap();
        assert!(story.starts_with(":moneybag: *<https://example.com/7|Acme raises $50M &lt;Series C&gt;>*"), "{story}");
        assert!(story.contains("_Funding · reuters.com · Nov 22_"), "{story}");
        let ids: Vec<&str> = json[2]["elements"].as_array().unwrap().iter().map(|e| e["action_id"].as_str().unwrap()).collect();
        assert_eq!(ids, [action_ids::ADD_ACTION, action_ids::ADD_THREAT]);
        assert_eq!(json[2]["elements"][0]["value"], "7");
    }

    #[test]
    fn many_items_fit_one_message_and_say_how_many_more_there_are() {
        let items: Vec<IntelItem> = (1..=25).map(|i| item(i, &format!("Story number {i} {}", "x".repeat(400)), "other")).collect();
        let content = items_message("Acme", &items, chrono_tz::UTC);
        let json = serde_json::to_value(&content.blocks).unwrap();
        let blocks = json.as_array().unwrap();
        assert!(blocks.len() <= blocks::limits::MESSAGE_BLOCKS);
        assert_eq!(blocks.len(), 1 + 2 * MAX_SHOWN + 2);
        // newest first
        assert!(blocks[1]["text"]["text"].as_str().unwrap().contains("Story number 25"));
        assert!(blocks[21]["elements"][0]["text"].as_str().unwrap().contains("15 more"));
        for block in blocks {
            if let Some(text) = block.pointer("/text/text").and_then(|t| t.as_str()) {
                assert!(text.chars().count() <= blocks::limits::SECTION_TEXT);
            }
        }
        assert!(content.text.starts_with("25 news items about Acme"));
    }

    #[test]
    fn an_api_source_is_shown_by_its_name() {
        assert_eq!(source_name("crm-newsbot"), "crm-newsbot");
        assert_eq!(source_name("https://www.acme.com/news.atom"), "acme.com");
    }
}

//! Block Kit building blocks that stay inside Slack's limits, whatever text
//! they are given, and a plain-text rendering of blocks for the terminal.
//!
//! Every renderer in planbot builds its blocks through these functions, so a
//! long account name or a 10,000-character plan section is cut here, with an
//! ellipsis, instead of being refused by Slack.

use std::collections::HashMap;

use slack_morphism::prelude::*;

pub use crate::domain::text::{brief, clip};

/// Slack's documented Block Kit limits.
pub mod limits {
    pub const MESSAGE_BLOCKS: usize = 50;
    pub const VIEW_BLOCKS: usize = 100;
    pub const SECTION_TEXT: usize = 3000;
    pub const SECTION_FIELDS: usize = 10;
    pub const FIELD_TEXT: usize = 2000;
    pub const HEADER_TEXT: usize = 150;
    pub const BUTTON_TEXT: usize = 75;
    pub const BUTTON_VALUE: usize = 2000;
    pub const ACTION_ID: usize = 255;
    pub const ACTIONS_ELEMENTS: usize = 25;
    pub const CONTEXT_ELEMENTS: usize = 10;
    pub const CONTEXT_TEXT: usize = 3000;
    pub const MODAL_TITLE: usize = 24;
    pub const PRIVATE_METADATA: usize = 3000;
    /// `text` of chat.postMessage is truncated by Slack at 40,000; keep notifications far below.
    pub const MESSAGE_TEXT: usize = crate::domain::message::MESSAGE_TEXT;
}


/// Escapes the three characters Slack's mrkdwn gives meaning to in user text.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

pub fn header(text: &str) -> SlackBlock {
    SlackHeaderBlock::new(pt!(clip(text, limits::HEADER_TEXT))).into()
}

pub fn section(mrkdwn: &str) -> SlackBlock {
    SlackSectionBlock::new().with_text(md!(clip(mrkdwn, limits::SECTION_TEXT))).into()
}

/// A section with a button beside its text.
pub fn section_with_button(mrkdwn: &str, button: SlackBlockButtonElement) -> SlackBlock {
    SlackSectionBlock::new()
        .with_text(md!(clip(mrkdwn, limits::SECTION_TEXT)))
        .with_accessory(button.into())
        .into()
}

/// A section of two-column fields; more than Slack allows are dropped.
pub fn fields(pairs: &[String]) -> SlackBlock {
    let fields = pairs.iter().take(limits::SECTION_FIELDS).map(|f| md!(clip(f, limits::FIELD_TEXT))).collect();
    SlackSectionBlock::new().with_fields(fields).into()
}

pub fn context(mrkdwn: &str) -> SlackBlock {
    SlackContextBlock::new(vec![md!(clip(mrkdwn, limits::CONTEXT_TEXT))]).into()
}

pub fn divider() -> SlackBlock {
    SlackDividerBlock::new().into()
}

pub fn button(text: &str, action_id: &str, value: &str) -> SlackBlockButtonElement {
    SlackBlockButtonElement::new(pt!(clip(text, limits::BUTTON_TEXT)))
        .with_action_id(action_id.into())
        .with_value(clip(value, limits::BUTTON_VALUE))
}

pub fn primary(button: SlackBlockButtonElement) -> SlackBlockButtonElement {
    button.with_style(SlackBlockButtonStyle::Primary)
}

pub fn actions(block_id: &str, buttons: Vec<SlackBlockButtonElement>) -> SlackBlock {
    let elements = buttons.into_iter().take(limits::ACTIONS_ELEMENTS).map(Into::into).collect();
    SlackActionsBlock::new(elements).with_block_id(block_id.into()).into()
}

/// Lines joined into sections of at most Slack's section length, with an
/// "and N more" line when `total` exceeds what is shown. Lines are never split.
pub fn line_sections(lines: &[String], total: usize, more_noun: &str) -> Vec<SlackBlock> {
    let mut blocks = Vec::new();
    let mut current = String::new();
    let mut shown = 0;
    // Room for the "and N more" line, so it never pushes a section over.
    let budget = limits::SECTION_TEXT - 60;
    for line in lines {
        let line = clip(line, budget);
        if !current.is_empty() && current.chars().count() + 1 + line.chars().count() > budget {
            blocks.push(section(&current));
            current.clear();
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(&line);
        shown += 1;
    }
    if total > shown {
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(&format!("_…and {} more {}_", total - shown, more_noun));
    }
    if !current.is_empty() {
        blocks.push(section(&current));
    }
    blocks
}

/// Keeps a message within Slack's block count: when there are too many
/// blocks, the last ones are replaced by one context line saying so.
pub fn fit_message(mut blocks: Vec<SlackBlock>) -> Vec<SlackBlock> {
    if blocks.len() > limits::MESSAGE_BLOCKS {
        let dropped = blocks.len() - (limits::MESSAGE_BLOCKS - 1);
        blocks.truncate(limits::MESSAGE_BLOCKS - 1);
        blocks.push(context(&format!("_{dropped} more sections not shown_")));
    }
    blocks
}

/// Renders blocks (as Slack's JSON) as plain text for a terminal. Mentions
/// `<@U123>` become `@Name` through `names`; links become `label (url)`.
pub fn to_text(blocks: &serde_json::Value, names: &HashMap<String, String>) -> String {
    let mut out = Vec::new();
    for block in blocks.as_array().into_iter().flatten() {
        let text_of = |v: &serde_json::Value| v.get("text").and_then(|t| t.as_str()).unwrap_or("").to_string();
        match block.get("type").and_then(|t| t.as_str()).unwrap_or("") {
            "header" => {
                let title = text_of(&block["text"]);
                out.push(String::new());
                out.push(title.to_uppercase());
                out.push("=".repeat(title.chars().count().min(60)));
            }
            "section" => {
                if let Some(text) = block.get("text") {
                    out.push(text_of(text));
                }
                if let Some(fields) = block.get("fields").and_then(|f| f.as_array()) {
                    for pair in fields.chunks(2) {
                        let row: Vec<String> = pair.iter().map(|f| field_line(&text_of(f))).collect();
                        out.push(row.join("   |   "));
                    }
                }
                if let Some(accessory) = block.get("accessory")
                    && accessory["type"] == "button" {
                        out.push(format!("[ {} ]", text_of(&accessory["text"])));
                    }
            }
            "context" => {
                let parts: Vec<String> =
                    block["elements"].as_array().into_iter().flatten().map(text_of).filter(|t| !t.is_empty()).collect();
                out.push(parts.join("  ·  "));
            }
            "divider" => out.push("-".repeat(40)),
            "actions" => {
                let buttons: Vec<String> = block["elements"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|e| format!("[ {} ]", text_of(&e["text"])))
                    .collect();
                out.push(buttons.join(" "));
            }
            "input" => out.push(format!("{}: [          ]", text_of(&block["label"]))),
            _ => {}
        }
    }
    humanize(&out.join("\n"), names)
}

/// A field (`*Label*\nvalue\nnote`) on one line: `Label: value — note`.
fn field_line(text: &str) -> String {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let Some(first) = lines.next() else { return String::new() };
    let rest: Vec<&str> = lines.collect();
    if rest.is_empty() {
        return first.to_string();
    }
    format!("{first}: {}", rest.join(" — "))
}

/// Turns Slack's escaped mrkdwn into something readable in a terminal.
fn humanize(text: &str, names: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let inner = &rest[start + 1..start + len];
        let (target, label) = match inner.split_once('|') {
            Some((t, l)) => (t, Some(l)),
            None => (inner, None),
        };
        if let Some(user) = target.strip_prefix('@') {
            let name = label.map(str::to_string).or_else(|| names.get(user).cloned()).unwrap_or_else(|| user.to_string());
            out.push('@');
            out.push_str(&name);
        } else if let Some(channel) = target.strip_prefix('#') {
            out.push('#');
            out.push_str(label.unwrap_or(channel));
        } else if let Some(label) = label {
            out.push_str(&format!("{label} ({target})"));
        } else {
            out.push_str(target);
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    let out = strip_emphasis(&out).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    EMOJI.iter().fold(out, |text, (code, glyph)| text.replace(code, glyph))
}

/// Drops mrkdwn's `*bold*`, `_italic_` and `~strike~` markers, which a
/// terminal would show literally; underscores inside words stay.
fn strip_emphasis(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let marker = matches!(c, '*' | '_' | '~') && !(is_word(before) && is_word(after));
        if !marker {
            out.push(c);
        }
    }
    out
}

const EMOJI: &[(&str, &str)] = &[
    (":warning:", "⚠"),
    (":white_check_mark:", "✔"),
    // Overdue, due soon and on track read apart where colour is lost.
    (":red_circle:", "●"),
    (":large_yellow_circle:", "◐"),
    (":large_green_circle:", "○"),
    (":calendar:", "📅"),
    (":alarm_clock:", "⏰"),
    (":busts_in_silhouette:", "👥"),
    (":dart:", "🎯"),
    (":newspaper:", "📰"),
    (":bust_in_silhouette:", "👤"),
    (":arrows_counterclockwise:", "🔄"),
    (":zzz:", "💤"),
    (":bell:", "🔔"),
    (":white_circle:", "○"),
    (":black_circle:", "◼"),
    (":star:", "★"),
    (":large_orange_diamond:", "◆"),
    (":hourglass:", "⌛"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn json(blocks: &[SlackBlock]) -> serde_json::Value {
        serde_json::to_value(blocks).unwrap()
    }

    #[test]
    fn clipped_text_never_exceeds_the_limit() {
        let long = "é".repeat(5000);
        assert_eq!(clip(&long, 3000).chars().count(), 3000);
        assert!(clip(&long, 3000).ends_with('…'));
        assert_eq!(clip("short", 3000), "short");
    }

    #[test]
    fn brief_cuts_at_a_word() {
        assert_eq!(brief("Grow the platform team across EMEA and APAC", 20), "Grow the platform…");
        assert_eq!(brief("  spaced\n\nout  ", 20), "spaced out");
    }

    #[test]
    fn long_lists_are_split_into_sections_and_say_how_many_are_missing() {
        let lines: Vec<String> = (0..200).map(|i| format!("• item number {i} with a fairly long title to fill space")).collect();
        let blocks = line_sections(&lines[..100], 200, "items");
        let value = json(&blocks);
        for block in value.as_array().unwrap() {
            assert!(block["text"]["text"].as_str().unwrap().chars().count() <= limits::SECTION_TEXT);
        }
        let last = value.as_array().unwrap().last().unwrap()["text"]["text"].as_str().unwrap().to_string();
        assert!(last.ends_with("_…and 100 more items_"), "{last}");
    }

    #[test]
    fn too_many_blocks_are_folded_into_a_note() {
        let blocks: Vec<SlackBlock> = (0..70).map(|i| section(&format!("{i}"))).collect();
        let fitted = fit_message(blocks);
        assert_eq!(fitted.len(), limits::MESSAGE_BLOCKS);
        assert!(json(&fitted)[49]["elements"][0]["text"].as_str().unwrap().contains("21 more"));
    }

    #[test]
    fn text_rendering_names_people_and_shows_links() {
        let names = HashMap::from([("U1".to_string(), "Dana Reyes".to_string())]);
        let blocks = json(&[
            header("Acme"),
            section("Owner <@U1> · see <https://example.com/a|the story> &amp; more"),
            actions("b", vec![button("Add action item", "add", "1")]),
        ]);
        let text = to_text(&blocks, &names);
        assert!(text.contains("ACME"));
        assert!(text.contains("Owner @Dana Reyes · see the story (https://example.com/a) & more"), "{text}");
        let emphasis = json(&[section("*Rank*\n_rank notes_ keep snake_case ~old~")]);
        assert_eq!(to_text(&emphasis, &names), "Rank\nrank notes keep snake_case old");
        assert!(text.contains("[ Add action item ]"));
    }

    #[test]
    fn fields_read_as_label_value_and_note() {
        let names = HashMap::new();
        let blocks = json(&[fields(&[
            "*Rank*\n1 · most strategic\n_Largest logo_".to_string(),
            "*Owner*\nDana".to_string(),
            "*Renewal*".to_string(),
        ])]);
        assert_eq!(to_text(&blocks, &names), "Rank: 1 · most strategic — Largest logo   |   Owner: Dana\nRenewal");
    }
}

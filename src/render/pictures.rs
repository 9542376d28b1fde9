//! The account as pictures: the relationship and influence map (a
//! reports-to tree of cards) and the whitespace map (a grid of DevSecOps
//! stages). Layout is planbot's own ([`layout`]); planbot writes the SVG
//! and rasterizes it with resvg, using the DejaVu Sans font shipped in the
//! binary, so the picture is the same on every machine.

use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;

use crate::domain::enums::{Appetite, BuyingRole, Influence, Sentiment, Stage};
use crate::store::contacts::Contact;
use crate::store::whitespace::Row;

const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
const FAMILY: &str = "DejaVu Sans";

/// A card's size and the gaps between cards, in pixels.
pub const CARD_W: f32 = 184.0;
pub const CARD_H: f32 = 84.0;
const GAP_X: f32 = 14.0;
const GAP_Y: f32 = 36.0;
const MARGIN: f32 = 20.0;
/// Pictures wrap at this width, so Slack's ~700 px shows them readably.
pub const MAX_WIDTH: f32 = 1000.0;
const HEADER: f32 = 76.0;
const FOOTER: f32 = 44.0;

/// A card placed at (x, y), its top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub index: usize,
    pub x: f32,
    pub y: f32,
}

/// Where every contact goes, the reports-to lines between cards, and the
/// size of what they cover.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub cards: Vec<Placed>,
    /// (manager, report), as indexes.
    pub lines: Vec<(usize, usize)>,
    /// Where the group of contacts without a manager recorded (and nobody
    /// reporting to them) starts, when there are any.
    pub unattached_at: Option<(f32, f32)>,
    pub width: f32,
    pub height: f32,
}

/// A laid-out subtree: its cards relative to its own top-left, and its size.
struct Block {
    cards: Vec<Placed>,
    lines: Vec<(usize, usize)>,
    width: f32,
    height: f32,
}

fn shifted(block: &Block, dx: f32, dy: f32) -> impl Iterator<Item = Placed> + '_ {
    block.cards.iter().map(move |c| Placed { index: c.index, x: c.x + dx, y: c.y + dy })
}

/// Blocks side by side, wrapping onto a new row past `max_width`; returns
/// the combined cards and size.
fn flow(blocks: &[Block], max_width: f32) -> Block {
    let mut cards = Vec::new();
    let mut lines = Vec::new();
    let (mut x, mut y, mut row_height, mut width) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
    for block in blocks {
        if x > 0.0 && x + block.width > max_width {
            x = 0.0;
            y += row_height + GAP_Y;
            row_height = 0.0;
        }
        cards.extend(shifted(block, x, y));
        lines.extend(block.lines.iter().copied());
        x += block.width + GAP_X;
        row_height = row_height.max(block.height);
        width = width.max(x - GAP_X);
    }
    Block { cards, lines, width: width.max(0.0), height: if blocks.is_empty() { 0.0 } else { y + row_height } }
}

fn subtree(node: usize, children: &[Vec<usize>], placed: &mut [bool], max_width: f32) -> Block {
    placed[node] = true;
    let mut kids = Vec::new();
    for &child in &children[node] {
        // A contact reached twice (only through a loop in the data) is placed once.
        if !placed[child] {
            kids.push(subtree(child, children, placed, max_width));
        }
    }
    let mut lines: Vec<(usize, usize)> = kids.iter().filter_map(|k| k.cards.first().map(|c| (node, c.index))).collect();
    if kids.is_empty() {
        return Block { cards: vec![Placed { index: node, x: 0.0, y: 0.0 }], lines, width: CARD_W, height: CARD_H };
    }
    let below = flow(&kids, max_width);
    let width = below.width.max(CARD_W);
    let mut cards = vec![Placed { index: node, x: (width - CARD_W) / 2.0, y: 0.0 }];
    let offset = (width - below.width) / 2.0;
    cards.extend(shifted(&below, offset, CARD_H + GAP_Y));
    lines.extend(below.lines);
    Block { cards, lines, width, height: CARD_H + GAP_Y + below.height }
}

/// Lays out a map: `managers[i]` is whom contact `i` reports to. Trees go
/// left to right, wrapping at [`MAX_WIDTH`]; contacts with no manager and
/// no reports are grouped at the end. Every contact is placed once, even
/// when the data holds a loop (a loop's first contact becomes a root).
pub fn layout(managers: &[Option<usize>]) -> Layout {
    let n = managers.len();
    let max_width = MAX_WIDTH - 2.0 * MARGIN;
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, m) in managers.iter().enumerate() {
        if let Some(m) = m.filter(|m| *m < n && *m != i) {
            children[m].push(i);
        }
    }
    let has_manager = |i: usize| managers[i].is_some_and(|m| m < n && m != i);
    let mut placed = vec![false; n];
    let mut trees = Vec::new();
    for i in (0..n).filter(|i| !has_manager(*i) && !children[*i].is_empty()) {
        trees.push(subtree(i, &children, &mut placed, max_width));
    }
    // What a loop kept from any root: its first contact heads it.
    for i in 0..n {
        if !placed[i] && has_manager(i) {
            trees.push(subtree(i, &children, &mut placed, max_width));
        }
    }
    let forest = flow(&trees, max_width);
    let alone: Vec<usize> = (0..n).filter(|i| !placed[*i]).collect();
    let mut cards: Vec<Placed> = shifted(&forest, MARGIN, HEADER).collect();
    let mut height = HEADER + forest.height;
    let mut width = forest.width;
    let mut unattached_at = None;
    if !alone.is_empty() {
        let top = if forest.cards.is_empty() { HEADER } else { HEADER + forest.height + GAP_Y + 18.0 };
        unattached_at = Some((MARGIN, top - 18.0));
        let per_row = (((max_width + GAP_X) / (CARD_W + GAP_X)).floor() as usize).max(1);
        for (k, i) in alone.iter().enumerate() {
            let (row, col) = (k / per_row, k % per_row);
            cards.push(Placed { index: *i, x: MARGIN + col as f32 * (CARD_W + GAP_X), y: top + row as f32 * (CARD_H + GAP_X) });
        }
        let rows = alone.len().div_ceil(per_row) as f32;
        height = top + rows * (CARD_H + GAP_X) - GAP_X;
        width = width.max(alone.len().min(per_row) as f32 * (CARD_W + GAP_X) - GAP_X);
    }
    Layout {
        cards,
        lines: forest.lines,
        unattached_at,
        // Wide enough for the title, the legend and the footer.
        width: (width + 2.0 * MARGIN).max(760.0),
        height: height + FOOTER + 18.0 + MARGIN,
    }
}

/// Text for XML.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn clipped(text: &str, max: usize) -> String {
    if text.chars().count() <= max { text.to_string() } else { format!("{}…", text.chars().take(max - 1).collect::<String>()) }
}

/// Text on at most two lines of `width` characters, broken between words
/// where it can be; what does not fit ends in "…".
pub fn two_lines(text: &str, width: usize) -> (String, Option<String>) {
    let text = text.trim();
    if text.chars().count() <= width {
        return (text.to_string(), None);
    }
    let chars: Vec<char> = text.chars().collect();
    // The last space within the first line's width, else a hard break.
    let cut = chars[..=width.min(chars.len() - 1)].iter().rposition(|c| *c == ' ').filter(|at| *at > 0).unwrap_or(width);
    let first: String = chars[..cut].iter().collect();
    let rest: String = chars[cut..].iter().collect();
    (first.trim_end().to_string(), Some(clipped(rest.trim_start(), width)))
}

/// Sentiment as fill colour and symbol: blue and orange read apart with
/// red-green colour blindness, and the symbol carries it without colour.
pub fn sentiment_style(sentiment: Option<Sentiment>) -> (&'static str, &'static str, &'static str) {
    match sentiment {
        Some(Sentiment::Promoter) => ("#dbeafe", "#1d4ed8", "+"),
        Some(Sentiment::Detractor) => ("#ffedd5", "#c2410c", "−"),
        Some(Sentiment::Neutral) => ("#f1f5f9", "#475569", "="),
        None => ("#ffffff", "#94a3b8", "?"),
    }
}

/// Influence as the card's border width.
pub fn influence_stroke(influence: Option<Influence>) -> f32 {
    match influence {
        Some(Influence::High) => 4.0,
        Some(Influence::Medium) => 2.0,
        _ => 1.0,
    }
}

/// The buying role's badge.
pub fn role_badge(role: Option<BuyingRole>) -> Option<&'static str> {
    Some(match role? {
        BuyingRole::Champion => "★ CHAMPION",
        BuyingRole::EconomicBuyer => "$ ECONOMIC BUYER",
        BuyingRole::TechnicalBuyer => "TECHNICAL BUYER",
        BuyingRole::Influencer => "INFLUENCER",
        BuyingRole::User => "USER",
        BuyingRole::Blocker => "✖ BLOCKER",
    })
}

fn card(out: &mut String, c: &Contact, x: f32, y: f32) {
    let (fill, ink, symbol) = sentiment_style(c.sentiment);
    let stroke = influence_stroke(c.influence);
    out.push_str(&format!(
        r##"<rect x="{x}" y="{y}" width="{CARD_W}" height="{CARD_H}" rx="8" fill="{fill}" stroke="{ink}" stroke-width="{stroke}"/>"##
    ));
    out.push_str(&format!(
        r##"<circle cx="{}" cy="{}" r="10" fill="{ink}"/><text x="{}" y="{}" font-size="15" font-weight="bold" fill="#ffffff" text-anchor="middle">{symbol}</text>"##,
        x + CARD_W - 16.0,
        y + 16.0,
        x + CARD_W - 16.0,
        y + 21.0
    ));
    let name = xml(&clipped(&c.name, 20));
    out.push_str(&format!(r##"<text x="{}" y="{}" font-size="13" font-weight="bold" fill="#0f172a">{name}</text>"##, x + 10.0, y + 21.0));
    if c.departed_at.is_some() {
        out.push_str(&format!(
            r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#0f172a" stroke-width="1.5"/><text x="{}" y="{}" font-size="10" fill="#b91c1c">LEFT THE COMPANY</text>"##,
            x + 8.0,
            y + 17.0,
            x + 12.0 + 7.5 * name.chars().count().min(20) as f32,
            y + 17.0,
            x + 10.0,
            y + 34.0
        ));
    } else if !c.title.is_empty() {
        out.push_str(&format!(r##"<text x="{}" y="{}" font-size="11" fill="#334155">{}</text>"##, x + 10.0, y + 36.0, xml(&clipped(&c.title, 27))));
    }
    if let Some(badge) = role_badge(c.buying_role) {
        out.push_str(&format!(
            r##"<rect x="{}" y="{}" width="{}" height="16" rx="4" fill="{ink}"/><text x="{}" y="{}" font-size="9" font-weight="bold" fill="#ffffff">{badge}</text>"##,
            x + 8.0,
            y + 43.0,
            10.0 + 6.2 * badge.chars().count() as f32,
            x + 13.0,
            y + 55.0
        ));
    }
    let strength = c.strength.map(|s| format!("{}{}", "●".repeat(s as usize), "○".repeat(5 - s.clamp(0, 5) as usize))).unwrap_or_default();
    let owner = c.owner_name.as_deref().map(|o| format!("ours: {}", clipped(o, 16))).unwrap_or_else(|| "no owner on our team".into());
    out.push_str(&format!(
        r##"<text x="{}" y="{}" font-size="10" fill="#334155">{} {}</text>"##,
        x + 10.0,
        y + 75.0,
        xml(&strength),
        xml(&owner)
    ));
}

/// Most cards a picture draws: beyond them it is no longer read at the size
/// Slack shows it. The most influential are kept (with everyone above them,
/// so the tree still reads) and the rest counted.
pub const MOST_CARDS: usize = 60;

/// Which contacts a picture draws: all of them up to [`MOST_CARDS`], else
/// the most important first (high influence, champions and economic buyers,
/// those with an owner on our team) with their managers.
pub fn drawn(contacts: &[Contact]) -> Vec<usize> {
    if contacts.len() <= MOST_CARDS {
        return (0..contacts.len()).collect();
    }
    let weight = |c: &Contact| {
        let influence = match c.influence {
            Some(Influence::High) => 0,
            Some(Influence::Medium) => 1,
            _ => 2,
        };
        let role = usize::from(!matches!(c.buying_role, Some(BuyingRole::Champion | BuyingRole::EconomicBuyer | BuyingRole::Blocker)));
        (c.departed_at.is_some(), influence, role, c.relationship_owner_id.is_none())
    };
    let mut order: Vec<usize> = (0..contacts.len()).collect();
    order.sort_by_key(|i| weight(&contacts[*i]));
    let mut keep = vec![false; contacts.len()];
    let mut kept = 0;
    for i in order {
        // The contact and the managers above it, unless that would pass the cap.
        let mut chain = vec![i];
        let mut at = i;
        while let Some(m) = contacts[at].reports_to_id.and_then(|id| contacts.iter().position(|c| c.contact_id == id)) {
            if chain.contains(&m) || keep[m] {
                break;
            }
            chain.push(m);
            at = m;
        }
        let new = chain.iter().filter(|c| !keep[**c]).count();
        if kept + new > MOST_CARDS {
            continue;
        }
        for c in chain {
            if !keep[c] {
                keep[c] = true;
                kept += 1;
            }
        }
    }
    (0..contacts.len()).filter(|i| keep[*i]).collect()
}

/// The relationship and influence map as SVG.
pub fn people_svg(account: &str, all: &[Contact], today: NaiveDate) -> String {
    let picked = drawn(all);
    let contacts: Vec<Contact> = picked.iter().map(|i| all[*i].clone()).collect();
    let left_out = all.len() - contacts.len();
    let contacts = contacts.as_slice();
    let index_of = |id: i64| contacts.iter().position(|c| c.contact_id == id);
    let managers: Vec<Option<usize>> = contacts.iter().map(|c| c.reports_to_id.and_then(index_of)).collect();
    let layout = layout(&managers);
    let mut out = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FAMILY}"><rect width="100%" height="100%" fill="#ffffff"/>"##,
        w = layout.width,
        h = layout.height
    );
    out.push_str(&format!(r##"<text x="{MARGIN}" y="30" font-size="20" font-weight="bold" fill="#0f172a">{} · relationship and influence map</text>"##, xml(&clipped(account, 40))));
    // The legend.
    let legend = [("+", "promoter", Some(Sentiment::Promoter)), ("=", "neutral", Some(Sentiment::Neutral)), ("−", "detractor", Some(Sentiment::Detractor))];
    let mut lx = MARGIN;
    for (symbol, label, sentiment) in legend {
        let (fill, ink, _) = sentiment_style(sentiment);
        out.push_str(&format!(
            r##"<rect x="{lx}" y="44" width="18" height="18" rx="4" fill="{fill}" stroke="{ink}" stroke-width="2"/><text x="{}" y="58" font-size="12" font-weight="bold" fill="{ink}" text-anchor="middle">{symbol}</text><text x="{}" y="58" font-size="12" fill="#334155">{label}</text>"##,
            lx + 9.0,
            lx + 24.0
        ));
        lx += 100.0;
    }
    out.push_str(&format!(r##"<text x="{lx}" y="58" font-size="12" fill="#334155">thick border: high influence · ●●●○○ relationship strength</text>"##));
    let position = |i: usize| layout.cards.iter().find(|c| c.index == i).copied();
    for (manager, report) in &layout.lines {
        if let (Some(m), Some(r)) = (position(*manager), position(*report)) {
            let (x1, y1) = (m.x + CARD_W / 2.0, m.y + CARD_H);
            let (x2, y2) = (r.x + CARD_W / 2.0, r.y);
            let mid = y1 + GAP_Y / 2.0;
            out.push_str(&format!(r##"<path d="M{x1} {y1} V{mid} H{x2} V{y2}" fill="none" stroke="#94a3b8" stroke-width="1.5"/>"##));
        }
    }
    if let Some((x, y)) = layout.unattached_at {
        out.push_str(&format!(r##"<text x="{x}" y="{y}" font-size="12" font-style="italic" fill="#475569">No manager recorded</text>"##));
    }
    for placed in &layout.cards {
        card(&mut out, &contacts[placed.index], placed.x, placed.y);
    }
    let present = |c: &&Contact| c.departed_at.is_none() && c.influence == Some(Influence::High);
    let high = all.iter().filter(present).count() as i64;
    let owned = all.iter().filter(present).filter(|c| c.relationship_owner_id.is_some()).count() as i64;
    let mut footer = format!("{} · {} contacts · {}", xml(account), all.len(), today.format("%b %-d, %Y"));
    if left_out > 0 {
        footer.push_str(&format!(" · the {} most influential drawn, {left_out} more listed in /plan people", contacts.len()));
    }
    let warning = !crate::domain::review::multi_threaded(high, owned);
    if contacts.is_empty() {
        footer.push_str(" · no contacts mapped yet");
    }
    out.push_str(&format!(r##"<text x="{MARGIN}" y="{}" font-size="12" fill="#475569">{footer}</text>"##, layout.height - 22.0));
    if warning {
        out.push_str(&format!(
            r##"<text x="{MARGIN}" y="{}" font-size="12" font-weight="bold" fill="#c2410c">⚠ Single-threaded: {high} high-influence contact{} still there, {owned} with an owner on our team</text>"##,
            layout.height - 40.0,
            if high == 1 { "" } else { "s" }
        ));
    }
    out.push_str("</svg>");
    out
}

/// Appetite to replace as a colour (light to dark blue: none to high) and a word.
pub fn appetite_style(appetite: Option<Appetite>) -> (&'static str, &'static str) {
    match appetite {
        Some(Appetite::High) => ("#1e3a8a", "replace: high"),
        Some(Appetite::Medium) => ("#3b82f6", "replace: medium"),
        Some(Appetite::Low) => ("#bfdbfe", "replace: low"),
        Some(Appetite::None) => ("#e2e8f0", "replace: none"),
        None => ("#f8fafc", "appetite unknown"),
    }
}

/// The whitespace map as SVG: the stages as columns, each vendor a cell.
pub fn whitespace_svg(account: &str, rows: &[Row], today: NaiveDate) -> String {
    const COL_W: f32 = 112.0;
    const CELL_H: f32 = 96.0;
    let per_stage = |stage: Stage| rows.iter().filter(move |r| r.stage == stage);
    let deepest = Stage::ALL.iter().map(|s| per_stage(*s).count()).max().unwrap_or(0).max(1);
    let width = MARGIN * 2.0 + COL_W * Stage::ALL.len() as f32;
    let height = HEADER + 28.0 + deepest as f32 * (CELL_H + 8.0) + FOOTER + MARGIN;
    let mut out = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="{FAMILY}"><rect width="100%" height="100%" fill="#ffffff"/>"##
    );
    out.push_str(&format!(r##"<text x="{MARGIN}" y="30" font-size="20" font-weight="bold" fill="#0f172a">{} · whitespace map</text>"##, xml(&clipped(account, 40))));
    out.push_str(&format!(
        r##"<text x="{MARGIN}" y="54" font-size="11" fill="#334155">colour: appetite to replace (light: none, dark: high) · ▲ and an orange border: contract ends within 180 days · dashed: open</text>"##
    ));
    for (col, stage) in Stage::ALL.iter().enumerate() {
        let x = MARGIN + col as f32 * COL_W;
        out.push_str(&format!(r##"<text x="{}" y="{}" font-size="12" font-weight="bold" fill="#0f172a" text-anchor="middle">{}</text>"##, x + COL_W / 2.0, HEADER + 10.0, stage.label()));
        let cells: Vec<&Row> = per_stage(*stage).collect();
        if cells.is_empty() {
            out.push_str(&format!(
                r##"<rect x="{}" y="{}" width="{}" height="{CELL_H}" rx="6" fill="#ffffff" stroke="#94a3b8" stroke-dasharray="5 4"/><text x="{}" y="{}" font-size="11" fill="#64748b" text-anchor="middle">open</text>"##,
                x + 4.0,
                HEADER + 22.0,
                COL_W - 8.0,
                x + COL_W / 2.0,
                HEADER + 22.0 + CELL_H / 2.0
            ));
        }
        for (k, row) in cells.iter().enumerate() {
            let y = HEADER + 22.0 + k as f32 * (CELL_H + 8.0);
            let (fill, appetite) = appetite_style(row.appetite);
            let dark = matches!(row.appetite, Some(Appetite::High | Appetite::Medium));
            let ink = if dark { "#ffffff" } else { "#0f172a" };
            let soon = row.contract_end.is_some_and(|end| (0..=180).contains(&(end - today).num_days()));
            let stroke = if soon { r##"stroke="#c2410c" stroke-width="3""## } else { r##"stroke="#475569" stroke-width="1""## };
            out.push_str(&format!(r##"<rect x="{}" y="{y}" width="{}" height="{CELL_H}" rx="6" fill="{fill}" {stroke}/>"##, x + 4.0, COL_W - 8.0));
            let vendor = if row.vendor.trim().is_empty() { "(no vendor)".to_string() } else { row.vendor.clone() };
            let (first, second) = two_lines(&vendor, 14);
            out.push_str(&format!(r##"<text x="{}" y="{}" font-size="11" font-weight="bold" fill="{ink}">{}</text>"##, x + 9.0, y + 17.0, xml(&first)));
            if let Some(second) = second {
                out.push_str(&format!(r##"<text x="{}" y="{}" font-size="11" font-weight="bold" fill="{ink}">{}</text>"##, x + 9.0, y + 30.0, xml(&second)));
            }
            if let Some(spend) = row.annual_spend {
                out.push_str(&format!(r##"<text x="{}" y="{}" font-size="10" fill="{ink}">{}/yr</text>"##, x + 9.0, y + 46.0, xml(&crate::render::summary::money(spend))));
            }
            if let Some(end) = row.contract_end {
                let mark = if soon { "▲ " } else { "" };
                out.push_str(&format!(r##"<text x="{}" y="{}" font-size="9" fill="{ink}">{mark}ends {}</text>"##, x + 9.0, y + 62.0, end.format("%b %-d %Y")));
            }
            out.push_str(&format!(r##"<text x="{}" y="{}" font-size="9" fill="{ink}">{appetite}</text>"##, x + 9.0, y + 80.0));
        }
    }
    let open = Stage::ALL.iter().filter(|s| per_stage(**s).next().is_none()).count();
    out.push_str(&format!(
        r##"<text x="{MARGIN}" y="{}" font-size="12" fill="#475569">{} · {} vendors · {open} stages open · {}</text>"##,
        height - 22.0,
        xml(account),
        rows.len(),
        today.format("%b %-d, %Y")
    ));
    out.push_str("</svg>");
    out
}

/// What the relationship map shows, in words: the picture's alternative text
/// for screen readers and notifications (Slack keeps at most 1,000
/// characters of it).
pub fn people_alt(account: &str, all: &[Contact]) -> String {
    if all.is_empty() {
        return format!("Relationship map of {account}: no contacts mapped yet.");
    }
    let present: Vec<&Contact> = all.iter().filter(|c| c.departed_at.is_none()).collect();
    let count = |sentiment: Sentiment| present.iter().filter(|c| c.sentiment == Some(sentiment)).count();
    let tops = present.iter().filter(|c| c.reports_to_id.is_none_or(|m| !all.iter().any(|o| o.contact_id == m))).count();
    let mut out = format!(
        "Relationship map of {account}: {} as a reports-to tree ({tops} without a manager recorded); {}, {} neutral, {}",
        plural(present.len(), "contact"),
        plural(count(Sentiment::Promoter), "promoter"),
        count(Sentiment::Neutral),
        plural(count(Sentiment::Detractor), "detractor")
    );
    let named = |role: BuyingRole| -> Vec<&str> { present.iter().filter(|c| c.buying_role == Some(role)).map(|c| c.name.as_str()).collect() };
    for (role, label) in [(BuyingRole::Champion, "champion"), (BuyingRole::EconomicBuyer, "economic buyer"), (BuyingRole::Blocker, "blocker")] {
        let names = named(role);
        if !names.is_empty() {
            out.push_str(&format!("; {label}: {}", names.join(", ")));
        }
    }
    let left = all.len() - present.len();
    if left > 0 {
        out.push_str(&format!("; {left} who left, struck through"));
    }
    let high = present.iter().filter(|c| c.influence == Some(Influence::High)).count() as i64;
    let owned = present.iter().filter(|c| c.influence == Some(Influence::High) && c.relationship_owner_id.is_some()).count() as i64;
    if !crate::domain::review::multi_threaded(high, owned) {
        out.push_str("; single-threaded");
    }
    out.push('.');
    crate::domain::text::clip(&out, 1000)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// What the whitespace map shows, in words (its alternative text).
pub fn whitespace_alt(account: &str, rows: &[Row], today: NaiveDate) -> String {
    let open: Vec<&str> = Stage::ALL.iter().filter(|s| !rows.iter().any(|r| r.stage == **s)).map(|s| s.label()).collect();
    let mut out = format!("Whitespace map of {account}: {} across {} stages", plural(rows.len(), "incumbent vendor"), Stage::ALL.len());
    if open.is_empty() {
        out.push_str("; no stage open");
    } else {
        out.push_str(&format!("; open: {}", open.join(", ")));
    }
    let ending: Vec<String> = rows
        .iter()
        .filter(|r| r.contract_end.is_some_and(|end| (0..=180).contains(&(end - today).num_days())))
        .map(|r| format!("{} ({})", r.vendor, r.stage.label()))
        .collect();
    if !ending.is_empty() {
        out.push_str(&format!("; contracts ending within 180 days: {}", ending.join(", ")));
    }
    let eager: Vec<&str> = rows.iter().filter(|r| r.appetite == Some(Appetite::High)).map(|r| r.vendor.as_str()).collect();
    if !eager.is_empty() {
        out.push_str(&format!("; high appetite to replace: {}", eager.join(", ")));
    }
    out.push('.');
    crate::domain::text::clip(&out, 1000)
}

/// The fonts pictures are drawn with, loaded once.
fn fonts() -> Arc<resvg::usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = resvg::usvg::fontdb::Database::new();
            db.load_font_data(FONT.to_vec());
            db.load_font_data(FONT_BOLD.to_vec());
            db.set_sans_serif_family(FAMILY);
            Arc::new(db)
        })
        .clone()
}

/// An SVG planbot wrote, as PNG bytes.
pub fn png(svg: &str) -> anyhow::Result<Vec<u8>> {
    let options = resvg::usvg::Options { fontdb: fonts(), font_family: FAMILY.to_string(), ..Default::default() };
    let tree = resvg::usvg::Tree::from_str(svg, &options)?;
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| anyhow::anyhow!("an empty picture"))?;
    resvg::render(&tree, resvg::tiny_skia::Transform::default(), &mut pixmap.as_mut());
    Ok(pixmap.encode_png()?)
}

#[cfg(test)]
mod tests;

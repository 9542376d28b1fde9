//! What the scheduled jobs say: overdue nudges and their escalation,
//! deadline alerts, renewals without a plan, stale plans, and digests. Pure
//! functions of the data and the recipient's date (and `now` for snoozes).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::domain::people::Person;
use crate::domain::enums::DigestFrequency;
use crate::domain::plan::section_by_key;
use crate::domain::when::days_phrase;
use crate::render::MessageContent;
use crate::render::blocks::{actions, brief, context, escape, fit_message, header, line_sections, section};
use crate::store::actions::ActionItem;
use crate::store::digests::{AccountChanges, AccountDate};
use crate::store::notices::{Deadline, StalePlan, Subject, UnplannedRenewal};
use crate::domain::people::mention;
use crate::store::users::User;
use crate::render::summary::{due_phrase, item_line};
use crate::render::items::item_list;

fn plural(count: i64, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// The daily DM to an owner: every overdue item (the first ones with
/// *Done* / *Snooze* / *Reassign* buttons), in one message.
pub fn nudge(items: &[ActionItem], total: i64, today: NaiveDate, now: DateTime<Utc>) -> MessageContent {
    let count = plural(total, "overdue action item", "overdue action items");
    let title = format!(":alarm_clock: *You have {count}.* Mark them done, snooze them, or hand them on:");
    MessageContent::new(format!("You have {count}"), item_list(&title, items, total, today, now))
}

/// The DM to a manager whose report has let `ignored` nudges in a row pass.
pub fn escalation(owner: &User, ignored: i32, items: &[ActionItem], total: i64, today: NaiveDate, now: DateTime<Utc>) -> MessageContent {
    let who = owner.mention();
    let lines: Vec<String> = items.iter().take(10).map(|item| item_line(item, today, now)).collect();
    let mut blocks = vec![section(&format!(
        ":bell: {who} has not acted on the last {} about their overdue action items. \
         They have {}:",
        plural(ignored as i64, "reminder", "reminders"),
        plural(total, "overdue item", "overdue items")
    ))];
    blocks.extend(line_sections(&lines, total as usize, "overdue items"));
    blocks.push(context(
        "You get this because planbot has you as their manager. A conversation, or reassigning what they can't get to, usually helps.",
    ));
    let name = if owner.display_name.is_empty() { &owner.email } else { &owner.display_name };
    MessageContent::new(
        format!("{name} has {} and has not acted on {ignored} reminders", plural(total, "overdue item", "overdue items")),
        fit_message(blocks),
    )
}

/// How a deadline stands on `today`, as a line of an alert.
fn deadline_line(deadline: &Deadline, today: NaiveDate) -> String {
    let days = (deadline.due_date - today).num_days();
    let when = if days < 0 {
        format!("was due {}", due_phrase(deadline.due_date, today))
    } else {
        format!("is due {}", due_phrase(deadline.due_date, today))
    };
    let dot = if days < 0 { ":red_circle:" } else { ":large_yellow_circle:" };
    match deadline.subject {
        Subject::Plan => {
            let still = if days < 0 { " and is still active" } else { "" };
            format!("{dot} :dart: Plan *{}* {when}{still}", escape(&brief(&deadline.title, 150)))
        }
        Subject::Item => {
            let assignee = mention(
                deadline.assignee_slack_id.as_deref(),
                deadline.assignee_name.as_deref().unwrap_or(""),
                deadline.assignee_email.as_deref().unwrap_or(""),
            );
            format!("{dot} `#{}` {} · {assignee} · {when}", deadline.subject_id, escape(&brief(&deadline.title, 150)))
        }
    }
}

/// The alert to an account's channel: the deadlines that reached a
/// threshold today (14, 7 or 1 days away, or just passed).
pub fn deadline_alert(account_name: &str, deadlines: &[&Deadline], today: NaiveDate) -> MessageContent {
    let passed = deadlines.iter().filter(|d| d.due_date < today).count() as i64;
    let coming = deadlines.len() as i64 - passed;
    let lines: Vec<String> = deadlines.iter().map(|d| deadline_line(d, today)).collect();
    let mut blocks = vec![section(&format!(":calendar: *Deadlines for {}*", escape(account_name)))];
    blocks.extend(line_sections(&lines, lines.len(), "deadlines"));
    // Angle brackets are escaped: Slack would read `<account>` as a link.
    blocks.push(context("`/plan actions &lt;account&gt;` lists every open item; `/plan done &lt;id&gt;` closes one."));
    let mut parts = Vec::new();
    if coming > 0 {
        parts.push(format!("{coming} coming up"));
    }
    if passed > 0 {
        parts.push(format!("{passed} passed"));
    }
    MessageContent::new(format!("Deadlines for {account_name}: {}", parts.join(", ")), fit_message(blocks))
}

/// The DM to an owner whose accounts renew soon with no active plan.
pub fn unplanned_renewals(renewals: &[&UnplannedRenewal], today: NaiveDate) -> MessageContent {
    let lines: Vec<String> = renewals
        .iter()
        .map(|r| format!("• *{}* renews {}", escape(&r.account_name), due_phrase(r.renewal_date, today)))
        .collect();
    let intro = if renewals.len() == 1 {
        ":warning: This account renews soon and has no active plan:"
    } else {
        ":warning: These accounts renew soon and have no active plan:"
    };
    let mut blocks = vec![section(intro)];
    blocks.extend(line_sections(&lines, lines.len(), "accounts"));
    blocks.push(context("A renewal goes better with a plan the team works from: start one from the Expand template with the button, or activate a draft with `/plan activate`."));
    let buttons = renewals
        .iter()
        .take(5)
        .map(|r| {
            if renewals.len() > 1 {
                crate::render::editing::start_plan_button_for(r.account_id, &r.account_name)
            } else {
                crate::render::editing::start_plan_button(r.account_id)
            }
        })
        .collect();
    blocks.push(actions("unplanned-renewals", buttons));
    let text = match renewals {
        [one] => format!("{} renews {} with no active plan", one.account_name, due_phrase(one.renewal_date, today)),
        several => format!("{} of your accounts renew soon with no active plan", several.len()),
    };
    MessageContent::new(text, fit_message(blocks))
}

/// The DM to an owner whose plans have gone `stale_days` or more without a
/// change to their sections, with the last edit the audit history holds.
pub fn stale_plans(plans: &[&StalePlan], stale_days: i64, now: DateTime<Utc>, tz: Tz) -> MessageContent {
    let today = now.with_timezone(&tz).date_naive();
    let lines: Vec<String> = plans
        .iter()
        .map(|p| {
            let days = (today - p.sections_changed_at.with_timezone(&tz).date_naive()).num_days();
            let last = match (&p.last_field, &p.last_edited_at) {
                (Some(field), Some(_)) => {
                    let section = section_by_key(field).map(|s| s.label).unwrap_or(field.as_str());
                    let by = p.last_editor.as_deref().map(|e| format!(" by {}", escape(e))).unwrap_or_default();
                    format!("last edited {}{by} ({section})", days_phrase(-days))
                }
                _ => format!("not edited since it was started {}", days_phrase(-days)),
            };
            format!("• *{}* — {}: {last}", escape(&p.account_name), escape(&brief(&p.plan_name, 100)))
        })
        .collect();
    let intro = format!(
        ":arrows_counterclockwise: {} not changed in {stale_days} days or more. A plan is only useful while it is true:",
        if plans.len() == 1 { "This plan has" } else { "These plans have" }
    );
    let mut blocks = vec![section(&intro)];
    blocks.extend(line_sections(&lines, lines.len(), "plans"));
    let text = match plans {
        [one] => format!("The plan for {} has not changed in {stale_days}+ days", one.account_name),
        several => format!("{} of your plans have not changed in {stale_days}+ days", several.len()),
    };
    MessageContent::new(text, fit_message(blocks))
}

/// Everything in a person's digest.
#[derive(Debug, Clone, Default)]
pub struct DigestData<'a> {
    /// Open items due by the horizon, overdue first (the first of them).
    pub items: Vec<&'a ActionItem>,
    pub overdue_total: i64,
    pub upcoming_total: i64,
    pub dates: Vec<&'a AccountDate>,
    pub changes: Vec<&'a AccountChanges>,
}

impl DigestData<'_> {
    /// Nothing to tell: no digest is sent rather than an empty one.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.dates.is_empty() && self.changes.is_empty()
    }
}

/// Items a digest shows with buttons (two blocks each).
pub const DIGEST_ITEMS: usize = 8;

pub fn digest(frequency: DigestFrequency, data: &DigestData<'_>, today: NaiveDate, now: DateTime<Utc>) -> MessageContent {
    let (title, period, horizon) = match frequency {
        DigestFrequency::Weekly => ("Your weekly digest", "this week", "the next 7 days"),
        _ => ("Your daily digest", "since yesterday", "the next 7 days"),
    };
    let mut blocks = vec![header(title)];
    if !data.items.is_empty() {
        let summary = format!(
            "*Your action items:* {} overdue, {} due in {horizon}",
            data.overdue_total, data.upcoming_total
        );
        let items: Vec<ActionItem> = data.items.iter().take(DIGEST_ITEMS).map(|i| (*i).clone()).collect();
        blocks.extend(item_list(&summary, &items, data.overdue_total + data.upcoming_total, today, now));
    }
    if !data.dates.is_empty() {
        let lines: Vec<String> = data
            .dates
            .iter()
            .map(|d| match &d.plan_name {
                Some(plan) => format!(":dart: *{}* — plan {} is due {}", escape(&d.account_name), escape(plan), due_phrase(d.date, today)),
                None => format!(":calendar: *{}* renews {}", escape(&d.account_name), due_phrase(d.date, today)),
            })
            .collect();
        blocks.push(section("*Coming up on your accounts*"));
        blocks.extend(line_sections(&lines, lines.len(), "dates"));
    }
    if !data.changes.is_empty() {
        let lines: Vec<String> = data
            .changes
            .iter()
            .map(|c| {
                format!(
                    "• *{}*: {} by {}",
                    escape(&c.account_name),
                    plural(c.changes, "change", "changes"),
                    plural(c.people, "person", "people")
                )
            })
            .collect();
        blocks.push(section(&format!("*What changed {period}*")));
        blocks.extend(line_sections(&lines, lines.len(), "accounts"));
    }
    let text = format!(
        "{title}: {} overdue, {} due soon, {} coming up on your accounts",
        data.overdue_total,
        data.upcoming_total,
        plural(data.dates.len() as i64, "date", "dates")
    );
    MessageContent::new(text, fit_message(blocks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::enums::ActionStatus;
    use chrono::TimeZone;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 14, 0, 0).unwrap()
    }

    fn item(id: i64, due: u32) -> ActionItem {
        ActionItem {
            action_item_id: id,
            plan_id: 1,
            account_id: 1,
            account_name: "Acme".into(),
            title: format!("Item number {id}"),
            owner_id: 1,
            owner_name: "Dana".into(),
            owner_email: "dana@example.com".into(),
            owner_slack_id: Some("U1".into()),
            due_date: Some(day(due)),
            status: ActionStatus::Open,
            snoozed_until: None,
            completed_at: None,
        }
    }

    fn blocks_json(content: &MessageContent) -> Vec<serde_json::Value> {
        serde_json::to_value(&content.blocks).unwrap().as_array().unwrap().clone()
    }

    fn all_text(content: &MessageContent) -> String {
        serde_json::to_string(&content.blocks).unwrap()
    }

    #[test]
    fn a_nudge_lists_every_overdue_item_with_buttons_in_one_message() {
        let items = vec![item(1, 20), item(2, 21), item(3, 23)];
        let content = nudge(&items, 3, day(24), now());
        assert_eq!(content.text, "You have 3 overdue action items");
        let blocks = blocks_json(&content);
        assert_eq!(blocks.len(), 1 + 3 * 2);
        assert_eq!(blocks[1]["block_id"], "item:1");
        assert_eq!(blocks[2]["elements"][0]["action_id"], crate::render::items::action_ids::DONE);
        assert_eq!(blocks[6]["elements"][3]["action_id"], crate::render::items::action_ids::REASSIGN);
    }

    #[test]
    fn a_nudge_with_hundreds_of_items_stays_within_slacks_limits() {
        let items: Vec<ActionItem> = (0..20).map(|i| item(i, 1 + (i % 20) as u32)).collect();
        let content = nudge(&items, 340, day(24), now());
        let blocks = blocks_json(&content);
        assert!(blocks.len() <= 50);
        assert!(all_text(&content).contains("and 320 more"), "{}", all_text(&content));
    }

    #[test]
    fn an_escalation_names_the_owner_and_the_streak() {
        let owner = User { manager_id: Some(2), ignored_nudges: 3, ..User::example() };
        let content = escalation(&owner, 3, &[item(7, 20)], 1, day(24), now());
        assert_eq!(content.text, "Dana Reyes has 1 overdue item and has not acted on 3 reminders");
        assert!(all_text(&content).contains("<@U1> has not acted on the last 3 reminders"));
        assert!(all_text(&content).contains("`#7`"));
    }

    fn deadline(subject: Subject, id: i64, due: NaiveDate) -> Deadline {
        Deadline {
            subject,
            subject_id: id,
            account_id: 1,
            account_name: "Acme".into(),
            channel: "C1".into(),
            title: if subject == Subject::Plan { "Expand FY27".into() } else { "Run the workshop".into() },
            due_date: due,
            assignee_slack_id: Some("U2".into()),
            assignee_name: Some("Sam".into()),
            assignee_email: Some("sam@example.com".into()),
            owner_id: 1,
            today: day(24),
        }
    }

    #[test]
    fn a_deadline_alert_says_how_far_each_deadline_is() {
        let plan = deadline(Subject::Plan, 3, day(24) + chrono::Duration::days(7));
        let item = deadline(Subject::Item, 142, day(23));
        let content = deadline_alert("Acme", &[&plan, &item], day(24));
        assert_eq!(content.text, "Deadlines for Acme: 1 coming up, 1 passed");
        let text = all_text(&content);
        assert!(text.contains("Plan *Expand FY27* is due Tue Dec 1 (in 7 days)"), "{text}");
        assert!(text.contains("`#142` Run the workshop · <@U2> · was due yesterday"), "{text}");
    }

    #[test]
    fn a_stale_plan_reminder_says_who_edited_it_last() {
        let plan = StalePlan {
            plan_id: 1,
            plan_name: "Expand FY27".into(),
            account_id: 1,
            account_name: "Acme".into(),
            sections_changed_at: now() - chrono::Duration::days(47),
            last_field: Some("goals".into()),
            last_editor: Some("Dana Reyes".into()),
            last_edited_at: Some(now() - chrono::Duration::days(47)),
            owner_id: 1,
            today: day(24),
        };
        let content = stale_plans(&[&plan], 30, now(), chrono_tz::America::New_York);
        let text = all_text(&content);
        assert!(
            text.contains("*Acme* — Expand FY27: last edited 47 days ago by Dana Reyes (Goals/strategies/objectives)"),
            "{text}"
        );
        assert_eq!(content.text, "The plan for Acme has not changed in 30+ days");
    }

    #[test]
    fn a_digest_shows_items_dates_and_changes() {
        let items = [item(1, 20), item(2, 26)];
        let date = AccountDate {
            user_id: 1,
            account_name: "Acme".into(),
            what: "renewal".into(),
            plan_name: None,
            date: day(30),
        };
        let changes = AccountChanges { user_id: 1, account_name: "Acme".into(), changes: 4, people: 2 };
        let data = DigestData {
            items: items.iter().collect(),
            overdue_total: 1,
            upcoming_total: 1,
            dates: vec![&date],
            changes: vec![&changes],
        };
        let content = digest(DigestFrequency::Daily, &data, day(24), now());
        let text = all_text(&content);
        assert!(text.contains("Your daily digest"));
        assert!(text.contains("1 overdue, 1 due in the next 7 days"), "{text}");
        assert!(text.contains("*Acme* renews Mon Nov 30 (in 6 days)"), "{text}");
        assert!(text.contains("*Acme*: 4 changes by 2 people"), "{text}");
        assert!(blocks_json(&content).len() <= 50);
    }
}

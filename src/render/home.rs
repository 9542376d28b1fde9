//! The App Home tab: the person's accounts, their overdue and upcoming
//! action items (with the same buttons as in messages), and plan deadlines.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use slack_morphism::prelude::*;

use crate::render::blocks::{self, actions, button, context, divider, escape, header, limits, section};
use crate::domain::horizons::{DEADLINE_DAYS, UPCOMING_DAYS};
use crate::store::home::HomeData;
use crate::render::summary::due_phrase;
use crate::render::{accounts, items};

pub mod action_ids {
    pub const ADD_ITEM: &str = "home.add_item";
    pub const SETTINGS: &str = "home.settings";
}

/// How many accounts the Home lists before "and N more".
const LISTED_ACCOUNTS: usize = 15;

pub fn render(data: &HomeData, display_name: &str, now: DateTime<Utc>, tz: Tz) -> SlackView {
    let today = now.with_timezone(&tz).date_naive();
    let first_name = display_name.split_whitespace().next().unwrap_or("there");
    let mut out = vec![
        header("planbot"),
        section(&format!(
            "Hi {}! You have *{}* overdue action items and *{}* due in the next {UPCOMING_DAYS} days.",
            escape(first_name),
            data.overdue_total,
            data.upcoming_total
        )),
        actions(
            "home:actions",
            vec![
                blocks::primary(button("Add action item", action_ids::ADD_ITEM, "home")),
                button("Settings", action_ids::SETTINGS, "home"),
            ],
        ),
        divider(),
    ];

    if data.accounts.is_empty() {
        out.push(section("*Your accounts*\n_You're not on any account team yet._"));
    } else {
        out.push(section(&format!("*Your accounts* · {}", data.accounts.len())));
        out.extend(data.accounts.iter().take(LISTED_ACCOUNTS).map(|account| accounts::account_line(account, today)));
        if data.accounts.len() > LISTED_ACCOUNTS {
            out.push(context(&format!("_…and {} more_", data.accounts.len() - LISTED_ACCOUNTS)));
        }
        let unplanned: Vec<_> = data.accounts.iter().filter(|a| !a.has_active_plan).take(5).collect();
        if !unplanned.is_empty() {
            let buttons = unplanned
                .iter()
                .map(|a| crate::render::editing::start_plan_button_for(a.account_id, &a.name))
                .collect();
            out.push(actions("home:start-plans", buttons));
        }
    }

    for (title, list, total, empty) in [
        ("Overdue", &data.overdue, data.overdue_total, "Nothing overdue. :white_check_mark:"),
        ("Due in the next two weeks", &data.upcoming, data.upcoming_total, "Nothing due in the next two weeks."),
    ] {
        out.push(divider());
        if total == 0 {
            out.push(section(&format!("*{title}*\n_{empty}_")));
        } else {
            out.extend(items::item_list(&format!("*{title}* · {total}"), list, total, today, now));
        }
    }

    out.push(divider());
    if data.deadlines.is_empty() {
        out.push(section(&format!("*Plan deadlines*\n_No plan of yours is due in the next {DEADLINE_DAYS} days._")));
    } else {
        let lines: Vec<String> = data
            .deadlines
            .iter()
            .map(|d| format!("• *{}* · {} · due {}", escape(&d.account_name), escape(&d.plan_name), due_phrase(d.due_date, today)))
            .collect();
        out.push(section(&format!("*Plan deadlines*\n{}", lines.join("\n"))));
    }
    out.push(context(&format!("Updated {}", now.with_timezone(&tz).format("%a %b %-d, %H:%M %Z"))));
    out.truncate(limits::VIEW_BLOCKS);
    SlackView::Home(SlackHomeView::new(out))
}

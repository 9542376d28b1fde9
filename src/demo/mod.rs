//! `planbot demo`: a seeded workspace in a local database, and a prompt
//! where you type as one of its people. Answers come from the same
//! [`Assistant`] the Slack handlers call, printed as text.

mod console;
pub mod data;
mod seed;

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use anyhow::Context;
use chrono::Utc;
use tokio::io::{AsyncBufReadExt, BufReader};

pub use console::{ConsoleSlack, DEMO_TEAM};
pub use seed::{Seeded, seed};

use crate::assistant::{Assistant, Caller, Outcome, Place, Reply};
use crate::config::{DatabaseArgs, DemoArgs};
use crate::db::Database;

/// The demo person you are unless `--user` says otherwise: the owner of one account.
pub const DEFAULT_USER: &str = "dana.reyes@demo.planbot.dev";

pub async fn run(database: &DatabaseArgs, args: &DemoArgs) -> anyhow::Result<()> {
    let db = Database::open_scratch(database, &args.database, args.keep).await?;
    let result = play(&db, args).await;
    db.close().await;
    result
}

async fn play(db: &Database, args: &DemoArgs) -> anyhow::Result<()> {
    db.migrate().await?;
    let now = Utc::now();
    let already_seeded: bool = sqlx::query_scalar("select exists (select 1 from account)").fetch_one(&db.pool).await?;
    if !already_seeded {
        let seeded = seed(&db.pool, now).await.context("could not seed the demo workspace")?;
        println!(
            "planbot demo: seeded {} people, {} accounts, {} action items ({} overdue), {} contacts, \
             {} whitespace rows and {} intel items in the database `{}`.",
            seeded.people,
            seeded.accounts,
            seeded.action_items,
            seeded.overdue,
            seeded.contacts,
            seeded.whitespace,
            seeded.intel,
            args.database
        );
    } else {
        println!("planbot demo: using the workspace already in the database `{}`.", args.database);
    }

    let slack = Arc::new(ConsoleSlack::default());
    let assistant = Assistant::new(db.pool.clone(), slack.clone(), Vec::new());
    let email = args.user.as_deref().unwrap_or(DEFAULT_USER);
    let person = data::PEOPLE
        .iter()
        .find(|p| p.email.eq_ignore_ascii_case(email) || p.key.eq_ignore_ascii_case(email))
        .with_context(|| {
            let known: Vec<&str> = data::PEOPLE.iter().map(|p| p.email).collect();
            format!("`{email}` is not a demo person; pick one of: {}", known.join(", "))
        })?;
    let caller = assistant.caller(person.slack_id).await?;
    println!("You are {} <{}>, in {}.", caller.user.display_name, caller.user.email, caller.user.tz);

    println!(
        "\nType as you would in Slack, one message per line; for example:\n\
         \x20 summarize my account\n\
         \x20 how is acme doing?\n\
         \x20 what's overdue?\n\
         \x20 /plan add Acme: Run a security workshop @sam due friday\n\
         \x20 /plan done <id>    /plan snooze <id> next week    /plan help\n\
         \x20 exit"
    );
    converse_loop(&assistant, &slack, &caller).await
}

async fn converse_loop(assistant: &Assistant, slack: &ConsoleSlack, caller: &Caller) -> anyhow::Result<()> {
    let interactive = std::io::stdin().is_terminal();
    let prompt = format!("{}> ", caller.user.display_name.split_whitespace().next().unwrap_or("you"));
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    loop {
        if interactive {
            print!("\n{prompt}");
            std::io::stdout().flush().ok();
        }
        let Some(line) = lines.next_line().await? else { break };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if matches!(line.to_ascii_lowercase().as_str(), "exit" | "quit" | ":q") {
            break;
        }
        if !interactive {
            println!("\n{prompt}{line}");
        }
        let line = mention_demo_people(line);
        let line = line.as_str();
        let now = Utc::now();
        let answer = match line.strip_prefix("/plan") {
            Some(rest) if rest.is_empty() || rest.starts_with(' ') => {
                assistant.plan_command(caller, &Place::Direct, rest.trim(), now).await
            }
            _ => assistant.converse(caller, &Place::Direct, line, now).await.map(Outcome::Reply),
        };
        match answer {
            Ok(Outcome::Reply(Reply { content, .. })) => println!("\nplanbot:\n{}", slack.render(&content)),
            Ok(Outcome::OpenView(view)) => println!("\n(Slack opens a form)\n{}", slack.render_view(&view)),
            Err(err) => println!("\nplanbot ran into a problem: {err:#}"),
        }
    }
    Ok(())
}

/// Turns `@sam` (a demo person's key or first name) into the mention Slack
/// sends when a person is picked from its @ list, so `/plan add Acme: ... @sam`
/// works at the demo prompt as it does in Slack.
fn mention_demo_people(line: &str) -> String {
    line.split(' ')
        .map(|word| {
            let Some(name) = word.strip_prefix('@') else { return word.to_string() };
            let trimmed = name.trim_end_matches([',', '.', ';', ':']);
            let person = data::PEOPLE.iter().find(|p| {
                p.key.eq_ignore_ascii_case(trimmed)
                    || p.name.split_whitespace().next().is_some_and(|first| first.eq_ignore_ascii_case(trimmed))
            });
            match person {
                Some(p) => format!("<@{}>{}", p.slack_id, &name[trimmed.len()..]),
                None => word.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn demo_people_are_mentioned_by_first_name() {
        assert_eq!(
            super::mention_demo_people("/plan add Acme: Demo @sam, due friday"),
            "/plan add Acme: Demo <@U0DEMO005>, due friday"
        );
        assert_eq!(super::mention_demo_people("ping @nobody"), "ping @nobody");
    }
}

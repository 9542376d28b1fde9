//! `planbot demo`: a seeded workspace in a local database, and a prompt
//! where you type as one of its people. Answers come from the same
//! [`App`] the Slack handlers call, printed as text.
//!
//! A transport, like `slack/`: it may import anything below it.

mod console;
pub mod data;
mod seed;

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Utc};
use tokio::io::{AsyncBufReadExt, BufReader};

pub use console::{ConsoleSlack, DEMO_TEAM};
pub use seed::{Seeded, seed};

use crate::app::editing::FormOutcome;
use crate::app::{App, Background, Caller, Outcome, Place, Reply};
use crate::render::forms::{Form, FormValues};
use crate::config::{DatabaseArgs, DemoArgs};
use crate::db::Database;
use crate::jobs::outbox_worker::{DeliverySettings, OutboxWorker};
use crate::jobs::{Job, JobSettings, Scheduler};
use crate::store::outbox::Pacing;

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
    let already_seeded = crate::store::has_accounts(&db.pool).await?;
    if !already_seeded {
        let seeded = seed(&db.pool, now).await.context("could not seed the demo workspace")?;
        // The seeded news arrived before today and was announced then: those
        // announcements go out unseen, so the scheduled pass shows only what
        // the jobs send.
        if seeded.announcements > 0 {
            let worker = OutboxWorker::new(db.pool.clone(), Arc::new(ConsoleSlack::unseen()), "demo", unpaced());
            deliver_all(&worker, now).await.context("could not deliver the seeded news")?;
        }
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

    let slack = Arc::new(ConsoleSlack::default().with_files_in(pictures_dir(&args.database)));
    let assistant = App::new(db.pool.clone(), slack.clone(), Vec::new(), Background::default()).with_key_tiers(&args.schedule.key_tiers);
    let email = args.user.as_deref().unwrap_or(DEFAULT_USER);
    let person = data::people()
        .iter()
        .find(|p| p.email.eq_ignore_ascii_case(email) || p.first_name().eq_ignore_ascii_case(email))
        .with_context(|| {
            let known: Vec<&str> = data::people().iter().map(|p| p.email.as_str()).collect();
            format!("`{email}` is not a demo person; pick one of: {}", known.join(", "))
        })?;
    let caller = assistant.caller(&person.slack_id).await?;
    println!("You are {} <{}>, in {}.", caller.user.display_name, caller.user.email, caller.user.tz);
    scheduled_pass(&db.pool, args, &person.slack_id, &caller.user.tz, now).await.context("the scheduled jobs failed")?;
    draw_pictures(&db.pool, &caller, &args.database, now).await;

    println!(
        "\nType as you would in Slack, one message per line; for example:\n\
         \x20 summarize my account\n\
         \x20 how is acme doing?\n\
         \x20 what's overdue?\n\
         \x20 /plan add Acme: Run a security workshop @sam due friday\n\
         \x20 review my plan for acme    prep my QBR for acme    show acme's relationship map\n\
         \x20 /plan new Initech    /plan edit Acme gtm    /plan people Acme    /plan whitespace Acme\n\
         \x20 click Edit 2        (presses the second [ Edit ] button of the last answer)\n\
         \x20 /plan done <id>    /plan snooze <id> next week    /plan help\n\
         \x20 exit"
    );
    converse_loop(&assistant, &slack, &caller).await?;
    match &args.export {
        Some(dir) => {
            println!("\nExporting the demo's workspace:");
            for (kind, rows) in crate::exchange::export_dir(&db.pool, dir).await.context("could not export the demo's data")? {
                println!("  {}: {rows} rows", dir.join(kind.file_name()).display());
            }
        }
        None => println!(
            "\n(This demo's workspace stays in the database `{}` until the next demo. \
             To export it as CSV: planbot demo --keep --export DIR)",
            args.database
        ),
    }
    Ok(())
}

/// One pass of the scheduled jobs at `now`, delivered through the console
/// as Slack would show it: the demo person's DMs and the channel alerts in
/// full, everyone else's DMs in a line each.
async fn scheduled_pass(pool: &sqlx::PgPool, args: &DemoArgs, you: &str, you_tz: &str, now: DateTime<Utc>) -> anyhow::Result<()> {
    if args.verbose {
        println!("\nFirst, one pass of the scheduled jobs (nudges, deadline alerts, digests, stale plans), as Slack shows it:");
    } else {
        println!("\nFirst, one pass of the scheduled jobs (nudges, deadline alerts, digests, stale plans):");
    }
    let settings = Arc::new(JobSettings::from(&args.schedule));
    let scheduler = Scheduler::new(pool.clone(), "demo", settings, Arc::new(tokio::sync::Notify::new()));
    for job in Job::ALL {
        scheduler.run_now(job, now).await?;
    }
    let console = Arc::new(if args.verbose { ConsoleSlack::focused_on(you) } else { ConsoleSlack::counting() });
    let worker = OutboxWorker::new(pool.clone(), console.clone(), "demo", unpaced());
    let sent_now = deliver_all(&worker, Utc::now()).await?;
    // What waits for a working day or the end of quiet hours, shown as it
    // will arrive (the demo database is a playground: its clock may jump).
    let mut sent_later = 0;
    let mut status = crate::store::outbox::status(pool, Utc::now(), 0).await?;
    let mut steps = 0;
    while let Some(next) = status.next_held.filter(|_| steps < 50) {
        steps += 1;
        if sent_later == 0 && args.verbose {
            let tz = crate::jobs::zone(you_tz);
            println!(
                "\nHeld for working hours, delivered later (the first at {}):",
                next.with_timezone(&tz).format("%a %b %-d, %H:%M %Z")
            );
        }
        sent_later += deliver_all(&worker, next).await?;
        status = crate::store::outbox::status(pool, next, 0).await?;
    }
    if sent_now + sent_later == 0 {
        println!("(Nothing new: the jobs already ran today in this database.)");
    } else if !args.verbose {
        let counted = console.counted();
        let lines: Vec<String> = counted.iter().map(|(to, n)| format!("{to} ({n})")).collect();
        println!("Sent {} messages: {}.", sent_now + sent_later, lines.join(", "));
        println!("(`planbot demo --verbose` shows each of them.)");
    }
    Ok(())
}

/// Draws the pictures of the demo person's first account into a folder of
/// the system's temporary directory, and says where (the maps are best
/// seen, not printed).
async fn draw_pictures(pool: &sqlx::PgPool, caller: &Caller, database: &str, now: DateTime<Utc>) {
    let today = caller.today(now);
    let Ok(mine) = crate::store::accounts::overview_for_member(pool, caller.user.user_id, today).await else { return };
    let Some(account) = mine.first() else { return };
    let dir = pictures_dir(database);
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let stem = crate::domain::exchange::file_stem(&account.name);
    let mut written = Vec::new();
    for map in crate::domain::exchange::Picture::ALL {
        let name = map.key();
        match crate::exchange::picture(pool, &account.name, map, true, today).await {
            Ok((_, png)) => {
                let file = dir.join(format!("{stem}-{name}.png"));
                if std::fs::write(&file, png).is_ok() {
                    written.push(file.display().to_string());
                }
            }
            Err(err) => println!("(could not draw the {name} map: {err:#})"),
        }
    }
    if !written.is_empty() {
        println!("\nThe maps of {} are drawn as pictures: {}", account.name, written.join(" and "));
    }
}

/// Where the demo writes pictures: one folder per demo database, as two
/// demos never share one.
fn pictures_dir(database: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(database.replace(['/', '\\', '.'], "_"))
}

/// Delivery to the console: it has no rate limits, and one message at a
/// time keeps the output in order.
fn unpaced() -> DeliverySettings {
    DeliverySettings {
        max_attempts: 1,
        pacing: Pacing { lease: chrono::Duration::seconds(60), per_second: 1000.0, burst: 1000.0 },
        channel_interval: chrono::Duration::zero(),
        concurrency: 1,
        poll: std::time::Duration::ZERO,
        backoff_base: chrono::Duration::seconds(1),
        backoff_max: chrono::Duration::seconds(1),
    }
}

/// Delivers everything ready at `from`, moving the clock on a second per
/// pass so each channel's pace allows its next message.
async fn deliver_all(worker: &OutboxWorker, from: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut at = from;
    let mut sent = 0;
    loop {
        let delivered = worker.deliver_ready(at).await?;
        if delivered.total() == 0 {
            return Ok(sent);
        }
        sent += delivered.sent;
        at += chrono::Duration::seconds(1);
    }
}

async fn converse_loop(assistant: &App, slack: &Arc<ConsoleSlack>, caller: &Caller) -> anyhow::Result<()> {
    let interactive = std::io::stdin().is_terminal();
    let prompt = format!("{}> ", caller.user.display_name.split_whitespace().next().unwrap_or("you"));
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut open_form: Option<(Form, FormValues)> = None;
    // The buttons of the last answer, for `click <label> [n]`.
    let mut buttons: Vec<Button> = Vec::new();
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
        // A command or a click while a form is open closes it unsaved, as
        // Slack's modal would be closed to type elsewhere.
        if open_form.is_some() && (line.starts_with("/plan") || line.starts_with("click ")) {
            println!("(the open form was closed without saving)");
            open_form = None;
        }
        if let Some((form, values)) = open_form.as_mut() {
            match fill(form, values, line) {
                Filling::Continue(note) => println!("{note}"),
                Filling::Cancel => {
                    println!("(form closed; nothing saved)");
                    open_form = None;
                }
                Filling::Submit => match assistant.submit_form(caller, &form.state, values, now).await {
                    Ok(FormOutcome::Saved(Reply { content, .. })) => {
                        println!("\n(form saved)\nplanbot:\n{}", slack.render(&content));
                        buttons = buttons_of(&content);
                        open_form = None;
                    }
                    Ok(FormOutcome::Invalid(problems)) => {
                        println!("\nThe form can't be saved yet:");
                        for (field, problem) in problems {
                            println!("  {field}: {problem}");
                        }
                        println!("Fix the fields (`field: value`) and `submit` again, or `cancel`.");
                    }
                    Ok(FormOutcome::Again(again)) => {
                        println!("\n{}", again.as_text());
                        *values = again.initial_values();
                        *form = *again;
                    }
                    Err(err) => println!("\nplanbot ran into a problem: {err:#}"),
                },
            }
            deliver_pending(assistant, slack).await;
            continue;
        }
        let answer = match line.strip_prefix("/plan") {
            Some(rest) if rest.is_empty() || rest.starts_with(' ') => {
                assistant.plan_command(caller, &Place::Direct, rest.trim(), now).await
            }
            _ => match line.strip_prefix("click ").map(|label| pick(&buttons, label)) {
                Some(Ok(button)) => {
                    println!("(you click [ {} ])", button.label);
                    match assistant.press(caller, None, &button.action_id, &button.value, now).await {
                        Ok(Some(outcome)) => Ok(outcome),
                        Ok(None) => Ok(Outcome::Reply(Reply::note(
                            "In the demo, that button does nothing; its answer is a question away (try asking for it).",
                        ))),
                        Err(err) => Err(err),
                    }
                }
                Some(Err(problem)) => Ok(Outcome::Reply(Reply::note(problem))),
                None => assistant.converse(caller, &Place::Direct, line, now).await.map(Outcome::Reply),
            },
        };
        match answer {
            Ok(Outcome::Reply(Reply { content, .. })) => {
                println!("\nplanbot:\n{}", slack.render(&content));
                buttons = buttons_of(&content);
            }
            Ok(Outcome::OpenView(view)) => println!("\n(Slack opens a form)\n{}", slack.render_view(&view)),
            Ok(Outcome::OpenForm(form)) => {
                println!("\n(Slack opens a form)\n{}", form.as_text());
                println!("Fill it in one line per field, like `{}: …` (by the name in brackets), then `submit` (or `cancel`).", form.fields.first().map(|f| f.id.as_str()).unwrap_or("name"));
                let values = form.initial_values();
                open_form = Some((*form, values));
            }
            Err(err) => println!("\nplanbot ran into a problem: {err:#}"),
        }
        deliver_pending(assistant, slack).await;
    }
    Ok(())
}

/// A button of the last answer.
struct Button {
    label: String,
    action_id: String,
    value: String,
}

/// The buttons of a message, in the order shown.
fn buttons_of(content: &crate::render::MessageContent) -> Vec<Button> {
    fn walk(value: &serde_json::Value, out: &mut Vec<Button>) {
        match value {
            serde_json::Value::Object(map) => {
                if map.get("type").and_then(|t| t.as_str()) == Some("button") {
                    out.push(Button {
                        label: map.get("text").and_then(|t| t["text"].as_str()).unwrap_or_default().to_string(),
                        action_id: map.get("action_id").and_then(|a| a.as_str()).unwrap_or_default().to_string(),
                        value: map.get("value").and_then(|v| v.as_str()).unwrap_or_default().to_string(),
                    });
                    return;
                }
                for key in ["text", "accessory", "elements", "fields"] {
                    if let Some(inner) = map.get(key) {
                        walk(inner, out);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|item| walk(item, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&serde_json::to_value(&content.blocks).unwrap_or_default(), &mut out);
    out
}

/// `Edit 2` (the second button labelled Edit), `Add contact`, `Start a plan`.
fn pick<'a>(buttons: &'a [Button], asked: &str) -> Result<&'a Button, String> {
    let asked = asked.trim();
    let (label, nth) = match asked.rsplit_once(' ') {
        Some((label, n)) if n.parse::<usize>().is_ok() => (label.trim(), n.parse::<usize>().unwrap_or(1)),
        _ => (asked, 1),
    };
    let matching: Vec<&Button> = buttons.iter().filter(|b| b.label.eq_ignore_ascii_case(label)).collect();
    if let Some(button) = matching.get(nth.saturating_sub(1)) {
        return Ok(button);
    }
    let labels: Vec<String> = buttons.iter().map(|b| format!("[ {} ]", b.label)).collect();
    Err(if buttons.is_empty() {
        "The last answer has no buttons to click.".to_string()
    } else if matching.is_empty() {
        format!("The last answer has no button “{label}”. Its buttons: {}.", labels.join(" "))
    } else {
        format!("The last answer has {} buttons “{label}”; say which, like `click {label} 2`.", matching.len())
    })
}

/// What a line typed while a form is open does.
enum Filling {
    Continue(String),
    Submit,
    Cancel,
}

/// Reads `field: value` (by the field's id or label), `field:` to clear it,
/// `submit` or `cancel`.
fn fill(form: &Form, values: &mut FormValues, line: &str) -> Filling {
    match line.to_ascii_lowercase().as_str() {
        "submit" | "save" | "ok" => return Filling::Submit,
        "cancel" | "close" => return Filling::Cancel,
        _ => {}
    }
    let Some((name, value)) = line.split_once(':') else {
        return Filling::Continue("A form is open: type `field: value`, then `submit` (or `cancel`).".into());
    };
    let name = name.trim();
    let Some(field) = form.fields.iter().find(|f| f.id.eq_ignore_ascii_case(name) || f.label.eq_ignore_ascii_case(name)) else {
        let known: Vec<&str> = form.fields.iter().map(|f| f.id.as_str()).collect();
        return Filling::Continue(format!("This form has no field `{name}`; its fields are: {}.", known.join(", ")));
    };
    let mut value = value.trim().to_string();
    match &field.input {
        crate::render::forms::Input::Person => value = value.trim_start_matches("<@").trim_end_matches('>').to_string(),
        // A box to tick: yes or no, in any of the CSV's words for them.
        crate::render::forms::Input::Tick(_) if !value.is_empty() => match crate::domain::validate::yes_no(&value) {
            Ok(true) => value = "yes".into(),
            Ok(false) => value.clear(),
            Err(problem) => return Filling::Continue(format!("{}: {problem}; write yes or no.", field.label)),
        },
        // A choice: its value, or its label (or the start of it), as Slack's list offers them.
        crate::render::forms::Input::Choice(options) if !value.is_empty() => {
            let wanted = value.to_lowercase();
            let by_value = options.iter().find(|(v, _)| v.eq_ignore_ascii_case(&value));
            let by_label: Vec<_> = options.iter().filter(|(_, l)| l.to_lowercase().starts_with(&wanted)).collect();
            value = match (by_value, by_label.as_slice()) {
                (Some((v, _)), _) => v.clone(),
                (None, [(v, _)]) => v.clone(),
                (None, []) => {
                    let shown: Vec<&str> = options.iter().map(|(_, l)| l.as_str()).take(12).collect();
                    return Filling::Continue(format!("{}: “{value}” is not one of the choices: {}.", field.label, shown.join("; ")));
                }
                (None, several) => {
                    let shown: Vec<&str> = several.iter().map(|(_, l)| l.as_str()).collect();
                    return Filling::Continue(format!("{}: “{value}” could be {}; write more of it.", field.label, shown.join(" or ")));
                }
            };
        }
        _ => {}
    }
    if value.is_empty() {
        values.remove(&field.id);
        Filling::Continue(format!("({} cleared)", field.label))
    } else {
        values.insert(field.id.clone(), value);
        Filling::Continue(format!("({} set)", field.label))
    }
}

/// Delivers what a command enqueued (a shared summary) as Slack would show it.
async fn deliver_pending(assistant: &App, slack: &Arc<ConsoleSlack>) {
    let worker = OutboxWorker::new(assistant.pool.clone(), slack.clone(), "demo", unpaced());
    // The scheduled pass may have played the clock forward to deliver held messages.
    let paced = crate::store::outbox::paced_until(&assistant.pool).await.ok().flatten();
    let at = paced.map_or(Utc::now(), |paced| paced.max(Utc::now()));
    if let Err(err) = deliver_all(&worker, at).await {
        println!("(could not deliver a message: {err:#})");
    }
}

/// Turns `@sam` (a demo person's key or first name) into the mention Slack
/// sends when a person is picked from its @ list, so `/plan add Acme: ... @sam`
/// works at the demo prompt as it does in Slack.
fn mention_demo_people(line: &str) -> String {
    line.split(' ')
        .map(|word| {
            let Some(name) = word.strip_prefix('@') else { return word.to_string() };
            let trimmed = name.trim_end_matches([',', '.', ';', ':']);
            let person = data::people().iter().find(|p| p.first_name().eq_ignore_ascii_case(trimmed));
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

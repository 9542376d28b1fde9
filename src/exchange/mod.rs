//! CSV import and export (`planbot import`, `planbot export`), for moving
//! accounts, teams, plans, action items, contacts and whitespace between
//! planbot and a CRM, and a plan as Markdown. Files are imported from paths
//! or from memory (the demo seeds its workspace that way), both through
//! [`import_texts`].
//!
//! May import `domain/`, `store/` and `render/` (Markdown shares the
//! summary's money format); `lib.rs` and the demo call it.
//!
//! # The CSV rules
//!
//! - One file per kind, named `users.csv`, `accounts.csv`, `team.csv`,
//!   `plans.csv`, `actions.csv`, `contacts.csv`, `whitespace.csv` (or any
//!   name starting with the kind, like `actions-2026.csv`, or any name with
//!   `--kind`). A directory is read for those names and imported in that
//!   order, so people exist before the accounts they own.
//! - A header row; UTF-8 (a byte-order mark is fine); RFC 4180 quoting
//!   (quote cells with commas, quotes or line breaks). Columns come in any
//!   order, in any case; an unknown or repeated column rejects the file,
//!   naming it. Required columns (SPEC §4) must be present and filled.
//! - People are named by email (any case). Accounts by name (any case; "Acme"
//!   also finds "Acme, Inc." when no other account folds to it) or by their
//!   `external_id`. Dates are `YYYY-MM-DD`; amounts whole units (`1200000`,
//!   `1,200,000` and `$1,200,000.00` read the same); `tracked` is
//!   true/false (yes/no, 1/0); vocabularies (role, type, status, stage ...)
//!   are the names SPEC §1 lists, and a wrong one is answered with them.
//! - **An empty cell means "not set": it leaves an existing value as it is**,
//!   and a new row gets the default (rank 3, role member, plan type
//!   `expand`, plan status `draft`, due date the renewal date, item status
//!   `open`, owner the account owner, time zone UTC). A file cannot clear a
//!   value, so a partial file from a CRM never wipes what planbot knows.
//! - Rows are matched to what exists: users by email; accounts by
//!   `external_id`, else by name; team seats by (account, person, role);
//!   plans by (account, name); action items by (plan, title) — the k-th row
//!   with a title matches the k-th item with it, oldest first, so repeated
//!   titles round-trip; contacts by (account, name); whitespace by
//!   (account, stage, vendor). An empty `plan` means the active plan.
//! - **All or nothing per file**: every row is checked (its cells, and what
//!   it names in the database and the file) before anything is written; one
//!   bad row rejects the file with every bad row's line and reason. Files
//!   are independent: a rejected file leaves the others imported.
//! - **Idempotent**: only rows that differ are written, so importing the
//!   same file again changes nothing and adds nothing to the audit history.
//!   Import adds and updates; it never deletes (a team member missing from
//!   team.csv stays on the team), except `tracked=false`, which stops
//!   tracking a contact.
//! - `planbot export DIR` writes all seven files in this format, sorted, so
//!   exporting and importing into an empty database gives the same data.

pub mod import;
pub mod markdown;
pub mod table;

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

pub use crate::domain::exchange::{ExportFormat, Kind};
use crate::domain::exchange::{Picture, file_stem};
use crate::store::exchange::Written;
use crate::store::{self, Actor};
use table::{Column, Problem, optional, required};


const USERS: &[Column] =
    &[required("email"), optional("slack_id"), optional("name"), optional("tz"), optional("manager_email"), optional("role")];
const ACCOUNTS: &[Column] = &[
    required("name"),
    optional("external_id"),
    optional("rank"),
    optional("rank_notes"),
    optional("tier"),
    optional("industry"),
    optional("annual_spend"),
    optional("renewal_date"),
    required("owner_email"),
    optional("slack_channel"),
];
const TEAM: &[Column] = &[required("account"), required("email"), required("role")];
/// The fixed columns, then the sections in `SECTIONS` order (a test checks it).
const PLANS: &[Column] = &[
    required("account"),
    required("name"),
    optional("type"),
    optional("status"),
    optional("due_date"),
    optional("business_overview"),
    optional("industry_trends"),
    optional("summary_history"),
    optional("entitled_solutions"),
    optional("digital_strategy"),
    optional("strategic_partnerships"),
    optional("goals"),
    optional("initiatives"),
    optional("goals_6m"),
    optional("goals_12m"),
    optional("goals_18m"),
    optional("our_initiatives"),
    optional("threats_risks"),
    optional("action_plan"),
];
const ACTIONS: &[Column] =
    &[required("account"), required("title"), optional("plan"), optional("owner_email"), optional("due_date"), optional("status")];
const CONTACTS: &[Column] = &[
    required("account"),
    required("name"),
    optional("title"),
    optional("company"),
    optional("email"),
    optional("profile_url"),
    optional("reports_to"),
    optional("influence"),
    optional("buying_role"),
    optional("sentiment"),
    optional("strength"),
    optional("relationship_owner_email"),
    optional("tracked"),
];
const WHITESPACE: &[Column] = &[
    required("account"),
    required("stage"),
    optional("vendor"),
    optional("likes"),
    optional("dislikes"),
    optional("annual_spend"),
    optional("contract_end"),
    optional("appetite"),
];

/// The file's columns of a kind, in the order export writes them.
pub fn columns(kind: Kind) -> &'static [Column] {
    match kind {
        Kind::Users => USERS,
        Kind::Accounts => ACCOUNTS,
        Kind::Team => TEAM,
        Kind::Plans => PLANS,
        Kind::Actions => ACTIONS,
        Kind::Contacts => CONTACTS,
        Kind::Whitespace => WHITESPACE,
    }
}

/// The files to import, with their kinds, in import order. A directory
/// contributes the standard file names it holds.
pub fn files_to_import(paths: &[PathBuf], kind: Option<Kind>) -> anyhow::Result<Vec<(Kind, PathBuf)>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let found: Vec<(Kind, PathBuf)> = Kind::ALL
                .into_iter()
                .map(|k| (k, path.join(k.file_name())))
                .filter(|(_, file)| file.is_file())
                .collect();
            if found.is_empty() {
                anyhow::bail!(
                    "{} holds none of {}",
                    path.display(),
                    Kind::ALL.map(|k| k.file_name()).join(", ")
                );
            }
            files.extend(found);
        } else if path.is_file() {
            let kind = kind.or_else(|| Kind::of_file(path)).with_context(|| {
                format!(
                    "can't tell what {} holds: name it like users.csv or actions.csv, or pass --kind",
                    path.display()
                )
            })?;
            files.push((kind, path.clone()));
        } else {
            anyhow::bail!("{} does not exist", path.display());
        }
    }
    // Stable: files of one kind keep the order they were given in.
    files.sort_by_key(|(kind, _)| *kind);
    Ok(files)
}

/// What importing one file did.
#[derive(Debug)]
pub struct FileReport {
    pub kind: Kind,
    /// The file's path, or the name it was given in memory.
    pub name: String,
    /// What was written, or every problem that kept the file out.
    pub result: Result<Written, Vec<Problem>>,
}

/// A file to import that is already in memory: what it holds, the name
/// messages call it by (its path, or a name like `users.csv`), and its
/// content.
#[derive(Debug, Clone, Copy)]
pub struct FileText<'a> {
    pub kind: Kind,
    pub name: &'a str,
    pub content: &'a [u8],
}

impl<'a> FileText<'a> {
    /// A file whose name says what it holds (`users.csv`, `actions-2026.csv`).
    pub fn named(name: &'a str, content: &'a [u8]) -> anyhow::Result<Self> {
        let kind = Kind::of_file(Path::new(name))
            .with_context(|| format!("can't tell what {name} holds: name it like users.csv or actions.csv"))?;
        Ok(FileText { kind, name, content })
    }
}

/// Imports in-memory files in the caller's transaction, in import order
/// (by kind, as [`Kind::ALL`] lists them; files of one kind in the order
/// given). Each file is checked whole before anything of it is written, so
/// a rejected file writes nothing and the files after it are still
/// imported; committing is the caller's call. Every import, from paths or
/// from memory, goes through here.
pub async fn import_texts(conn: &mut PgConnection, files: &[FileText<'_>], now: DateTime<Utc>) -> anyhow::Result<Vec<FileReport>> {
    let mut ordered: Vec<&FileText<'_>> = files.iter().collect();
    // Stable: files of one kind keep the order they were given in.
    ordered.sort_by_key(|file| file.kind);
    let mut reports = Vec::with_capacity(ordered.len());
    for file in ordered {
        let result = match import::import(conn, file.kind, file.content, now).await {
            Ok(written) => Ok(written),
            Err(import::ImportError::Rejected(problems)) => Err(problems),
            Err(import::ImportError::Database(err)) => {
                return Err(anyhow::Error::from(err).context(format!("importing {}", file.name)));
            }
        };
        reports.push(FileReport { kind: file.kind, name: file.name.to_string(), result });
    }
    Ok(reports)
}

/// Imports files one by one, each in its own transaction (audited as
/// `import`), each whole or not at all.
pub async fn import_files(pool: &PgPool, files: &[(Kind, PathBuf)], now: DateTime<Utc>) -> anyhow::Result<Vec<FileReport>> {
    let mut reports = Vec::with_capacity(files.len());
    for (kind, path) in files {
        let bytes = std::fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
        let name = path.display().to_string();
        reports.push(import_one(pool, FileText { kind: *kind, name: &name, content: &bytes }, now).await?);
    }
    Ok(reports)
}

/// Imports one file's content in its own transaction.
pub async fn import_bytes(pool: &PgPool, kind: Kind, bytes: &[u8], now: DateTime<Utc>) -> anyhow::Result<FileReport> {
    let name = kind.file_name();
    import_one(pool, FileText { kind, name: &name, content: bytes }, now).await
}

/// Imports one file in its own transaction (audited as `import`),
/// committed when the file was written and rolled back when it was rejected.
async fn import_one(pool: &PgPool, file: FileText<'_>, now: DateTime<Utc>) -> anyhow::Result<FileReport> {
    let mut tx = store::begin(pool, Actor::source("import")).await?;
    let report = import_texts(&mut tx, &[file], now).await?.pop().expect("one report for one file");
    match report.result {
        Ok(_) => tx.commit().await?,
        Err(_) => tx.rollback().await?,
    }
    Ok(report)
}

/// Writes the seven files into `dir` (created when missing); returns how
/// many rows each has. Each file is written beside its final name and
/// renamed, so a failed export never leaves half a file.
pub async fn export_dir(pool: &PgPool, dir: &Path) -> anyhow::Result<Vec<(Kind, usize)>> {
    std::fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
    // One snapshot for all seven files: a change during the export can't
    // leave an action item whose plan is missing from plans.csv.
    let mut tx = store::begin_snapshot(pool).await?;
    let mut counts = Vec::new();
    for kind in Kind::ALL {
        let rows = store::exchange::export_rows(&mut tx, kind.name(), None).await?;
        let path = dir.join(kind.file_name());
        let partial = dir.join(format!(".{}.partial", kind.file_name()));
        let mut writer = csv::Writer::from_path(&partial).with_context(|| format!("could not write {}", partial.display()))?;
        writer.write_record(columns(kind).iter().map(|c| c.name))?;
        for row in &rows {
            writer.write_record(row.iter().map(|cell| cell.as_deref().unwrap_or("")))?;
        }
        writer.flush()?;
        drop(writer);
        std::fs::rename(&partial, &path).with_context(|| format!("could not write {}", path.display()))?;
        counts.push((kind, rows.len()));
    }
    tx.commit().await?;
    Ok(counts)
}

/// One picture of an account, as SVG text or PNG bytes, and the account's
/// name; the account is named as people type it (a close misspelling finds
/// it; a name that fits several is an error listing them).
pub async fn picture(pool: &PgPool, asked: &str, map: Picture, png: bool, today: chrono::NaiveDate) -> anyhow::Result<(String, Vec<u8>)> {
    let account_id = account_named(pool, asked).await?;
    let account = store::accounts::by_id(pool, account_id).await?.context("the account vanished")?;
    let mut conn = pool.acquire().await?;
    let svg = match map {
        Picture::Relationships => {
            let contacts = store::contacts::for_account(&mut conn, account_id).await?;
            crate::render::pictures::people_svg(&account.name, &contacts, today)
        }
        Picture::Whitespace => {
            let rows = store::whitespace::for_account(&mut conn, account_id).await?;
            crate::render::pictures::whitespace_svg(&account.name, &rows, today)
        }
    };
    let bytes = if png { crate::render::pictures::png(&svg)? } else { svg.into_bytes() };
    Ok((account.name, bytes))
}

/// The account a name means (exactly, forgivingly, or refused with the candidates).
async fn account_named(pool: &PgPool, asked: &str) -> anyhow::Result<i64> {
    use crate::domain::names::{Candidate, NameMatch, resolve};
    let mut conn = pool.acquire().await?;
    let keys = store::accounts::all_keys(&mut conn).await?;
    let candidates: Vec<Candidate> = keys.iter().map(|k| Candidate { id: k.account_id, name: &k.name }).collect();
    Ok(match crate::domain::account_index::AccountIndex::new(keys.clone()).by_name(asked) {
        Ok(found) => found.account_id,
        Err(_) => match resolve(asked, &candidates) {
            NameMatch::One(id) => id,
            NameMatch::Choose(ids) => {
                let names: Vec<&str> = ids.iter().filter_map(|id| keys.iter().find(|k| k.account_id == *id)).map(|k| k.name.as_str()).collect();
                anyhow::bail!("“{asked}” could be {}; write the full name", names.join(", "))
            }
            NameMatch::NoMatch => anyhow::bail!("there is no account called “{asked}”"),
        },
    })
}

/// One account's plan as Markdown, the account named as people type it;
/// `pictures` are the picture files written beside it, linked from it.
pub async fn plan_markdown(pool: &PgPool, asked: &str, now: DateTime<Utc>, pictures: Vec<(Picture, String)>) -> anyhow::Result<String> {
    let account_id = account_named(pool, asked).await?;
    let account = store::accounts::by_id(pool, account_id).await?.context("the account vanished")?;
    let mut conn = pool.acquire().await?;
    let team = store::accounts::team(&mut *conn, account_id).await?;
    let plan = store::exchange::document_plan(&mut conn, account_id).await?;
    let contacts = store::exchange::document_contacts(&mut conn, account_id).await?;
    let whitespace = store::exchange::document_whitespace(&mut conn, account_id).await?;
    let intel = store::exchange::document_intel(&mut conn, account_id, 5).await?;
    drop(conn);
    let items = match &plan {
        Some(plan) => store::actions::for_plan(pool, plan.plan_id).await?,
        None => Vec::new(),
    };
    Ok(markdown::render(&markdown::PlanDocument { account, team, plan, items, contacts, whitespace, intel, pictures }, now))
}

/// `planbot import`: imports and prints what each file did; fails when any
/// file was rejected (the others are imported).
pub async fn run_import(pool: &PgPool, paths: &[PathBuf], kind: Option<Kind>, now: DateTime<Utc>) -> anyhow::Result<()> {
    let files = files_to_import(paths, kind)?;
    let reports = import_files(pool, &files, now).await?;
    let mut rejected = 0;
    for report in &reports {
        match &report.result {
            Ok(written) => println!(
                "{}: {} added, {} changed",
                report.name,
                written.inserted,
                written.updated
            ),
            Err(problems) => {
                rejected += 1;
                eprintln!("{}: rejected, nothing was imported from it:", report.name);
                for problem in problems {
                    eprintln!("  {problem}");
                }
            }
        }
    }
    if rejected > 0 {
        anyhow::bail!("{rejected} of {} files were rejected; fix the lines above and import them again", reports.len());
    }
    Ok(())
}

/// `planbot export`: the seven files into a directory, or one account's
/// plan as Markdown on standard output.
pub async fn run_export(pool: &PgPool, args: &crate::config::ExportArgs, now: DateTime<Utc>) -> anyhow::Result<()> {
    match (args.format, &args.account, &args.dir) {
        (ExportFormat::Markdown, Some(account), _) => match &args.out {
            None => {
                print!("{}", plan_markdown(pool, account, now, Vec::new()).await?);
                Ok(())
            }
            // A folder: the document and its two pictures, linked from it.
            Some(dir) => {
                std::fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
                let mut pictures = Vec::new();
                let mut name = String::new();
                for map in Picture::ALL {
                    let (account_name, bytes) = picture(pool, account, map, true, now.date_naive()).await?;
                    let file = format!("{}-{}.png", file_stem(&account_name), map.key());
                    std::fs::write(dir.join(&file), &bytes).with_context(|| format!("could not write {}", dir.join(&file).display()))?;
                    pictures.push((map, file));
                    name = account_name;
                }
                let document = dir.join(format!("{}.md", file_stem(&name)));
                let text = plan_markdown(pool, account, now, pictures.clone()).await?;
                std::fs::write(&document, text).with_context(|| format!("could not write {}", document.display()))?;
                println!("{}: the plan of {name}", document.display());
                for (map, file) in &pictures {
                    println!("{}: its {}", dir.join(file).display(), map.title());
                }
                Ok(())
            }
        },
        (ExportFormat::Markdown, None, _) => anyhow::bail!("name the account: planbot export --account NAME --format markdown"),
        (ExportFormat::Csv, Some(_), _) => {
            anyhow::bail!("--account prints one plan as Markdown: add --format markdown (CSV export writes every account)")
        }
        (ExportFormat::Svg | ExportFormat::Png, None, _) => {
            anyhow::bail!("name the account: planbot export --account NAME --format {} --map relationships", if args.format == ExportFormat::Png { "png" } else { "svg" })
        }
        (ExportFormat::Svg | ExportFormat::Png, Some(account), _) => {
            let png = args.format == ExportFormat::Png;
            let (name, bytes) = picture(pool, account, args.map, png, now.date_naive()).await?;
            let file = args.out.clone().unwrap_or_else(|| {
                std::path::PathBuf::from(format!("{}-{}.{}", file_stem(&name), args.map.key(), if png { "png" } else { "svg" }))
            });
            std::fs::write(&file, &bytes).with_context(|| format!("could not write {}", file.display()))?;
            println!("{}: the {} of {name} ({} bytes)", file.display(), args.map.title(), bytes.len());
            Ok(())
        }
        (ExportFormat::Csv, None, None) => anyhow::bail!("name the directory to write into: planbot export DIR"),
        (ExportFormat::Csv, None, Some(dir)) => {
            if !crate::store::has_accounts(pool).await? {
                // Most likely the demo's data was meant: it lives in a database of its own.
                anyhow::bail!(
                    "this database holds no accounts, so there is nothing to export. \
                     The demo keeps its workspace in a database of its own: export it with `planbot demo --keep --export {}`",
                    dir.display()
                );
            }
            for (kind, rows) in export_dir(pool, dir).await? {
                println!("{}: {rows} rows", dir.join(kind.file_name()).display());
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_columns_are_the_plan_sections() {
        let sections: Vec<&str> = PLANS[5..].iter().map(|c| c.name).collect();
        let expected: Vec<&str> = crate::domain::plan::SECTIONS.iter().map(|s| s.key).collect();
        assert_eq!(sections, expected);
    }

    #[test]
    fn file_names_say_their_kind() {
        assert_eq!(Kind::of_file(Path::new("/tmp/x/actions.csv")), Some(Kind::Actions));
        assert_eq!(Kind::of_file(Path::new("Actions-2026.csv")), Some(Kind::Actions));
        assert_eq!(Kind::of_file(Path::new("teams.csv")), None);
        assert_eq!(Kind::of_file(Path::new("notes.csv")), None);
    }
}

//! Seeds the demo workspace from the files of [`super::data`], in one
//! transaction (all or nothing), with dates relative to the day the demo
//! runs: the files in `planbot import`'s formats through the importer
//! ([`crate::exchange::import_texts`]), the news through intel ingest, and
//! tracked sponsors' locations and changes through the sponsor-tracking
//! store. The demo writes no SQL of its own.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use super::data::{self, Location, News, SponsorChange};
use crate::domain::enums::SponsorAttribute;
use crate::exchange::{self, FileText, Kind};
use crate::intel::ingest::{self, Incoming};
use crate::domain::account_index::{AccountIndex, AccountKey};
use crate::store::accounts;
use crate::store::{self, Actor};

/// What was seeded, for the demo's opening lines.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Seeded {
    pub people: usize,
    pub accounts: usize,
    pub action_items: i64,
    pub overdue: i64,
    pub contacts: usize,
    pub whitespace: usize,
    pub intel: usize,
    /// Messages announcing the news, waiting in the outbox.
    pub announcements: u64,
}

/// Seeds the demo workspace in one transaction (all or nothing).
pub async fn seed(pool: &PgPool, now: DateTime<Utc>) -> anyhow::Result<Seeded> {
    let today = now.date_naive();
    let mut tx = store::begin(pool, Actor::source("demo")).await?;
    let mut seeded = Seeded::default();

    let texts = data::IMPORT_FILES
        .iter()
        .map(|(name, csv)| Ok((*name, data::expand_dates(csv, today).with_context(|| format!("reading the demo's {name}"))?)))
        .collect::<anyhow::Result<Vec<(&str, String)>>>()?;
    let files = texts.iter().map(|(name, text)| FileText::named(name, text.as_bytes())).collect::<anyhow::Result<Vec<_>>>()?;
    for report in exchange::import_texts(&mut tx, &files, now).await? {
        let written = report.result.map_err(|problems| {
            let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
            anyhow::anyhow!("the demo's {} was rejected:\n{}", report.name, lines.join("\n"))
        })?;
        let added = written.inserted as usize;
        match report.kind {
            Kind::Users => seeded.people += added,
            Kind::Accounts => seeded.accounts += added,
            Kind::Contacts => seeded.contacts += added,
            Kind::Whitespace => seeded.whitespace += added,
            Kind::Team | Kind::Plans | Kind::Actions => {}
        }
    }

    let index = AccountIndex::new(accounts::all_keys(&mut tx).await?);
    for row in data::rows::<Location>(data::LOCATIONS)? {
        locate(&mut tx, &index, &row, now).await.with_context(|| format!("where {} of {} is", row.contact, row.account))?;
    }
    let ingested = ingest::ingest(&mut tx, news(&index, now)?, now).await?;
    seeded.intel = ingested.stored();
    seeded.announcements = ingested.messages;
    for change in data::rows::<SponsorChange>(data::SPONSOR_CHANGES)? {
        record(&mut tx, &index, &change, now)
            .await
            .with_context(|| format!("the sponsor change of {} at {}", change.contact, change.account))?;
    }

    (seeded.action_items, seeded.overdue) = store::actions::count_with_overdue(&mut tx, today).await?;
    tx.commit().await?;
    Ok(seeded)
}

fn account<'a>(index: &'a AccountIndex, name: &str) -> anyhow::Result<&'a AccountKey> {
    index.exact(name).with_context(|| format!("the demo has no account {name}"))
}

/// A tracked sponsor's location, remembered as what later observations
/// are compared with (other contacts' locations are not kept).
async fn locate(conn: &mut PgConnection, index: &AccountIndex, row: &Location, now: DateTime<Utc>) -> anyhow::Result<()> {
    let account = account(index, &row.account)?;
    let sponsor = store::sponsors::by_name(conn, account.account_id, &row.contact).await?.context("no such contact")?;
    if sponsor.tracked {
        store::sponsors::set_baseline(conn, sponsor.contact_id, SponsorAttribute::Location, &row.location, now).await?;
    }
    Ok(())
}

/// The news of intel.csv, as its feeds would bring it in.
fn news(index: &AccountIndex, now: DateTime<Utc>) -> anyhow::Result<Vec<Incoming>> {
    data::rows::<News>(data::INTEL)?
        .into_iter()
        .map(|item| {
            Ok(Incoming {
                account_id: account(index, &item.account)?.account_id,
                intel_source_id: None,
                source: item.source,
                category: Some(
                    item.category.parse().map_err(|e| anyhow::anyhow!("{e}")).with_context(|| item.headline.clone())?,
                ),
                headline: item.headline,
                url: Some(item.url),
                summary: item.summary,
                published_at: data::at(&item.published, now)?,
                guid: None,
            })
        })
        .collect()
}

/// A change seen on a tracked sponsor; a new company they do not work at
/// means they left the account then.
async fn record(conn: &mut PgConnection, index: &AccountIndex, change: &SponsorChange, now: DateTime<Utc>) -> anyhow::Result<()> {
    let account = account(index, &change.account)?;
    let sponsor = store::sponsors::by_name(conn, account.account_id, &change.contact).await?.context("no such contact")?;
    let attribute: SponsorAttribute = change.attribute.parse()?;
    let observed_at = data::at(&change.observed, now)?;
    store::sponsors::record_change(
        conn,
        sponsor.contact_id,
        attribute,
        Some(&change.old_value),
        Some(&change.new_value),
        observed_at,
    )
    .await?;
    if attribute == SponsorAttribute::Company && !crate::sponsors::works_at(&change.new_value, &account.name) {
        store::sponsors::set_departed(conn, sponsor.contact_id, Some(observed_at)).await?;
    }
    Ok(())
}

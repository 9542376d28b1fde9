//! Storing company intelligence, whichever way it arrives (a feed poll, the
//! ingest API): items without a category are classified, the same story is
//! kept once per account, and new items are announced through the outbox —
//! all in the caller's transaction, so a batch is stored whole or not at all.
//!
//! Two items are the same story when they share a link after
//! [`normalize_link`] (tracking parameters, `www.`, `http`, AMP paths and
//! fragments don't count), when neither has a link and they carry the same
//! feed id, or when their headlines tell the same story ([`same_story`]) and
//! they were published within a day of each other. A batch is compared with
//! itself as well as with what is stored.
//!
//! This module owns that policy, not the SQL: it reads and writes through
//! `crate::store::intel`, and uses the pure [`super::classify`] and
//! [`super::dedupe`], [`super::deliver`] for the messages, `crate::domain`
//! for the vocabulary and `clip` to cut long text.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

use crate::domain::enums::IntelCategory;

use super::classify::classify;
use super::dedupe::{headline_key, normalize_link, same_story};
use super::deliver;
use crate::domain::text::clip;
use crate::store::intel::{self, IntelItem, NewIntelItem, StoredHeadline};

/// Longest headline kept; longer ones are cut with an ellipsis.
pub const MAX_HEADLINE_CHARS: usize = 500;
/// Longest summary kept.
pub const MAX_SUMMARY_CHARS: usize = 2000;
/// How far apart two publications of one story can be and still count as
/// "the same day" wherever the reader is.
pub const SAME_STORY_WINDOW: Duration = Duration::hours(24);

/// An item as it arrives, for a known account.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    pub account_id: i64,
    /// The feed it came from, if it came from one.
    pub intel_source_id: Option<i64>,
    /// The feed URL or the API client's name.
    pub source: String,
    pub headline: String,
    pub url: Option<String>,
    pub summary: String,
    /// `None`: classified from the headline and summary.
    pub category: Option<IntelCategory>,
    pub published_at: DateTime<Utc>,
    /// The feed's own id for the entry: identifies it when it has no link.
    pub guid: Option<String>,
}

/// What became of one incoming item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Stored { intel_item_id: i64, category: IntelCategory },
    /// The story was known: the stored item it duplicates (`None` when a
    /// concurrent writer stored it a moment before).
    Duplicate { of: Option<i64> },
}

/// The result of a batch, in the order of the items given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ingested {
    pub outcomes: Vec<Outcome>,
    /// Messages written to the outbox.
    pub messages: u64,
}

impl Ingested {
    pub fn stored(&self) -> usize {
        self.outcomes.iter().filter(|o| matches!(o, Outcome::Stored { .. })).count()
    }

    pub fn duplicates(&self) -> usize {
        self.outcomes.len() - self.stored()
    }
}

/// The key under which an item is unique for its account: its normalised
/// link; else the feed's id for it; else its headline key and day.
pub fn dedupe_key(url: Option<&str>, guid: Option<&str>, headline: &str, published_at: DateTime<Utc>) -> String {
    if let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) {
        return normalize_link(url);
    }
    if let Some(guid) = guid.map(str::trim).filter(|g| !g.is_empty()) {
        return format!("id:{guid}");
    }
    format!("headline:{}:{}", published_at.format("%Y-%m-%d"), headline_key(headline))
}

/// An incoming item made ready to store.
fn prepare(item: Incoming) -> NewIntelItem {
    let headline = clip(&item.headline.split_whitespace().collect::<Vec<_>>().join(" "), MAX_HEADLINE_CHARS);
    let summary = clip(item.summary.trim(), MAX_SUMMARY_CHARS);
    let url = item.url.map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
    let category = item.category.unwrap_or_else(|| classify(&headline, &summary));
    let dedupe_key = dedupe_key(url.as_deref(), item.guid.as_deref(), &headline, item.published_at);
    NewIntelItem {
        account_id: item.account_id,
        intel_source_id: item.intel_source_id,
        source: item.source,
        headline,
        url,
        summary,
        category,
        published_at: item.published_at,
        dedupe_key,
    }
}

/// The earlier copy of a story: stored, or earlier in the batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Twin {
    Stored(i64),
    InBatch(usize),
}

fn close_in_time(a: DateTime<Utc>, b: DateTime<Utc>) -> bool {
    (a - b).abs() <= SAME_STORY_WINDOW
}

/// For each item, the story it repeats, if any.
fn find_twins(items: &[NewIntelItem], stored: &[StoredHeadline]) -> Vec<Option<Twin>> {
    let mut stored_by_account: HashMap<i64, Vec<&StoredHeadline>> = HashMap::new();
    for row in stored {
        stored_by_account.entry(row.account_id).or_default().push(row);
    }
    let mut kept_by_account: HashMap<i64, Vec<usize>> = HashMap::new();
    let mut twins = Vec::with_capacity(items.len());
    for (at, item) in items.iter().enumerate() {
        let earlier = stored_by_account.get(&item.account_id).map(Vec::as_slice).unwrap_or_default();
        let twin = earlier
            .iter()
            .find(|row| row.dedupe_key == item.dedupe_key)
            .or_else(|| {
                earlier.iter().find(|row| {
                    close_in_time(row.published_at, item.published_at) && same_story(&row.headline, &item.headline)
                })
            })
            .map(|row| Twin::Stored(row.intel_item_id))
            .or_else(|| {
                let kept = kept_by_account.get(&item.account_id)?;
                kept.iter()
                    .copied()
                    .find(|&k| {
                        let other = &items[k];
                        other.dedupe_key == item.dedupe_key
                            || (close_in_time(other.published_at, item.published_at)
                                && same_story(&other.headline, &item.headline))
                    })
                    .map(Twin::InBatch)
            });
        if twin.is_none() {
            kept_by_account.entry(item.account_id).or_default().push(at);
        }
        twins.push(twin);
    }
    twins
}

/// Classifies, deduplicates, stores and announces a batch, in the caller's
/// transaction. Account names for the messages are read from the database.
pub async fn ingest(conn: &mut PgConnection, incoming: Vec<Incoming>, now: DateTime<Utc>) -> sqlx::Result<Ingested> {
    let items: Vec<NewIntelItem> = incoming.into_iter().map(prepare).collect();
    let probes: Vec<(i64, &str, DateTime<Utc>)> =
        items.iter().map(|i| (i.account_id, i.dedupe_key.as_str(), i.published_at)).collect();
    let stored = intel::near(conn, &probes).await?;
    let twins = find_twins(&items, &stored);

    let fresh: Vec<NewIntelItem> =
        items.iter().zip(&twins).filter(|(_, twin)| twin.is_none()).map(|(item, _)| item.clone()).collect();
    let mut new_ids = intel::insert_many(conn, &fresh).await?.into_iter();

    let mut ids_by_index: Vec<Option<i64>> = vec![None; items.len()];
    let mut outcomes = Vec::with_capacity(items.len());
    let mut announced = Vec::new();
    for (at, (item, twin)) in items.iter().zip(&twins).enumerate() {
        let outcome = match twin {
            None => match new_ids.next().flatten() {
                Some(id) => {
                    ids_by_index[at] = Some(id);
                    announced.push(at);
                    Outcome::Stored { intel_item_id: id, category: item.category }
                }
                None => Outcome::Duplicate { of: None },
            },
            Some(Twin::Stored(id)) => Outcome::Duplicate { of: Some(*id) },
            Some(Twin::InBatch(first)) => Outcome::Duplicate { of: ids_by_index[*first] },
        };
        outcomes.push(outcome);
    }

    let mut account_ids: Vec<i64> = announced.iter().map(|&at| items[at].account_id).collect();
    account_ids.sort_unstable();
    account_ids.dedup();
    let names: HashMap<i64, String> = intel::account_names(conn, &account_ids).await?.into_iter().collect();
    let new_items: Vec<IntelItem> = announced
        .iter()
        .map(|&at| {
            let item = &items[at];
            IntelItem {
                intel_item_id: ids_by_index[at].expect("announced items were stored"),
                account_id: item.account_id,
                account_name: names.get(&item.account_id).cloned().unwrap_or_default(),
                source: item.source.clone(),
                headline: item.headline.clone(),
                url: item.url.clone(),
                summary: item.summary.clone(),
                category: item.category.as_str().to_string(),
                published_at: item.published_at,
            }
        })
        .collect();
    let messages = deliver::enqueue(conn, &new_items, now).await?;
    Ok(Ingested { outcomes, messages })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap() + Duration::hours(hour)
    }

    fn incoming(account_id: i64, headline: &str, url: Option<&str>, hour: i64) -> NewIntelItem {
        prepare(Incoming {
            account_id,
            intel_source_id: None,
            source: "api".into(),
            headline: headline.into(),
            url: url.map(str::to_string),
            summary: String::new(),
            category: None,
            published_at: at(hour),
            guid: None,
        })
    }

    #[test]
    fn items_without_a_category_are_classified_and_keyed_by_their_normalised_link() {
        let item = incoming(1, "Acme raises $50M   Series C", Some("http://www.news.com/a?utm_source=x"), 9);
        assert_eq!(item.category, IntelCategory::Funding);
        assert_eq!(item.headline, "Acme raises $50M Series C");
        assert_eq!(item.dedupe_key, "https://news.com/a");
        let no_link = incoming(1, "Acme raises $50M Series C", None, 9);
        assert_eq!(no_link.dedupe_key, "headline:2026-11-22:acme raises 50m series c");
    }

    #[test]
    fn the_same_story_in_one_batch_is_kept_once() {
        let items = vec![
            incoming(1, "Acme cuts 300 jobs in restructuring", Some("https://a.com/1"), 9),
            incoming(1, "Acme to cut 300 jobs in restructuring - Reuters", Some("https://b.com/2"), 13),
            incoming(2, "Acme cuts 300 jobs in restructuring", Some("https://a.com/1"), 9),
            incoming(1, "Acme cuts 300 jobs in restructuring", Some("https://c.com/3"), 60),
            incoming(1, "Different news", Some("https://a.com/1?utm_medium=rss"), 70),
        ];
        let twins = find_twins(&items, &[]);
        assert_eq!(
            twins,
            vec![None, Some(Twin::InBatch(0)), None, None, Some(Twin::InBatch(0))],
            "same headline 2 days later is a new story; the same link is the same story"
        );
    }

    #[test]
    fn a_stored_story_is_found_by_link_or_by_headline_the_same_day() {
        let stored = vec![StoredHeadline {
            intel_item_id: 41,
            account_id: 1,
            dedupe_key: "https://a.com/1".into(),
            headline: "Exclusive: Acme names Jane Doe CFO".into(),
            published_at: at(8),
        }];
        let items = vec![
            incoming(1, "Acme names Jane Doe as CFO", None, 20),
            incoming(1, "Totally unrelated", Some("https://www.a.com/1/"), 200),
            incoming(2, "Acme names Jane Doe CFO", None, 8),
        ];
        assert_eq!(find_twins(&items, &stored), vec![Some(Twin::Stored(41)), Some(Twin::Stored(41)), None]);
    }
}

//! Polling RSS and Atom feeds: each due source is fetched with a
//! conditional GET (its ETag and Last-Modified), parsed with feed-rs, and
//! its entries go through [`super::ingest`]. A feed that fails (timeout,
//! HTTP error, not a feed, too large) gets its error recorded and is tried
//! again at its next turn; the others carry on.
//!
//! The scheduler calls [`poll_sources`] on its cron tick; `now` is the tick.

use std::time::Duration as StdDuration;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use sqlx::PgPool;

use super::ingest::{self, Incoming};
use crate::store::intel::{self, IntelSource, PollResult};

/// A source is polled again once this long has passed since its last poll.
pub const MIN_INTERVAL: Duration = Duration::minutes(10);
/// Feeds fetched at the same time.
pub const CONCURRENCY: usize = 8;
/// A feed larger than this is refused rather than read into memory.
pub const MAX_FEED_BYTES: usize = 5 * 1024 * 1024;
/// Entries read from one feed per poll (feeds list the newest first).
pub const MAX_ENTRIES: usize = 200;
/// How long one feed may take, connection to last byte.
pub const FETCH_TIMEOUT: StdDuration = StdDuration::from_secs(20);

/// What a round of polling did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PollReport {
    pub polled: usize,
    pub not_modified: usize,
    pub failed: usize,
    pub stored: usize,
    pub duplicates: usize,
    pub messages: u64,
}

/// The HTTP client for feeds: timeouts, a user agent that names planbot,
/// gzip, and a bounded number of redirects.
pub fn http_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(concat!("planbot/", env!("CARGO_PKG_VERSION"), " (feed reader)"))
        .connect_timeout(StdDuration::from_secs(5))
        .timeout(FETCH_TIMEOUT)
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
}

/// What fetching one feed gave.
enum Fetched {
    Body { etag: Option<String>, last_modified: Option<String>, body: Vec<u8> },
    NotModified,
    Failed(String),
}

/// Polls up to `limit` sources due at `now`, stores their new items and
/// enqueues their announcements. Errors of one feed are recorded on it;
/// only a database failure fails the round (and then nothing of it is kept,
/// so the next round fetches the same content again).
pub async fn poll_sources(pool: &PgPool, http: &reqwest::Client, now: DateTime<Utc>, limit: i64) -> anyhow::Result<PollReport> {
    let due = {
        let mut conn = pool.acquire().await.context("no database connection for intel polling")?;
        intel::due_sources(&mut conn, now - MIN_INTERVAL, limit).await.context("could not list the feeds due")?
    };
    let mut fetched: Vec<(IntelSource, Fetched)> = futures_util::stream::iter(due)
        .map(|source| async move {
            let fetched = fetch(http, &source).await;
            (source, fetched)
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    // In source order, whichever answered first: of two feeds carrying one
    // story, the same one keeps it every time.
    fetched.sort_by_key(|(source, _)| source.intel_source_id);

    let mut report = PollReport { polled: fetched.len(), ..PollReport::default() };
    let mut incoming = Vec::new();
    let mut results = Vec::with_capacity(fetched.len());
    for (source, outcome) in fetched {
        let result = match outcome {
            Fetched::NotModified => {
                report.not_modified += 1;
                PollResult::NotModified
            }
            Fetched::Failed(reason) => PollResult::Failed(reason),
            Fetched::Body { etag, last_modified, body } => match entries(&body, &source, now) {
                Ok(items) => {
                    incoming.extend(items);
                    PollResult::Fetched { etag, last_modified }
                }
                Err(reason) => PollResult::Failed(reason),
            },
        };
        if let PollResult::Failed(reason) = &result {
            report.failed += 1;
            tracing::warn!(source = source.intel_source_id, url = %source.url, reason = %reason, "an intel feed could not be read");
        }
        results.push((source.intel_source_id, result));
    }

    let mut tx = pool.begin().await.context("could not start storing polled intel")?;
    for (source_id, result) in &results {
        intel::record_poll(&mut tx, *source_id, result, now).await.context("could not record a feed's poll")?;
    }
    let ingested = ingest::ingest(&mut tx, incoming, now).await.context("could not store polled intel")?;
    tx.commit().await.context("could not commit polled intel")?;

    report.stored = ingested.stored();
    report.duplicates = ingested.duplicates();
    report.messages = ingested.messages;
    metrics::counter!("planbot_intel_feeds_polled_total").increment(report.polled as u64);
    metrics::counter!("planbot_intel_feed_errors_total").increment(report.failed as u64);
    metrics::counter!("planbot_intel_items_stored_total", "via" => "feed").increment(report.stored as u64);
    Ok(report)
}

/// One conditional GET, its body read up to [`MAX_FEED_BYTES`].
async fn fetch(http: &reqwest::Client, source: &IntelSource) -> Fetched {
    let mut request = http.get(&source.url);
    if let Some(etag) = &source.etag {
        request = request.header(IF_NONE_MATCH, etag);
    }
    if let Some(modified) = &source.last_modified {
        request = request.header(IF_MODIFIED_SINCE, modified);
    }
    let mut response = match request.send().await {
        Ok(response) => response,
        Err(err) => return Fetched::Failed(describe(err)),
    };
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED {
        return Fetched::NotModified;
    }
    if !status.is_success() {
        return Fetched::Failed(format!("the feed answered HTTP {status}"));
    }
    let header = |name| response.headers().get(name).and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok()).map(str::to_string);
    let (etag, last_modified) = (header(ETAG), header(LAST_MODIFIED));
    if response.content_length().is_some_and(|len| len > MAX_FEED_BYTES as u64) {
        return Fetched::Failed(too_large());
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_FEED_BYTES {
                    return Fetched::Failed(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(err) => return Fetched::Failed(describe(err)),
        }
    }
    Fetched::Body { etag, last_modified, body }
}

fn too_large() -> String {
    format!("the feed is larger than {} MB", MAX_FEED_BYTES / (1024 * 1024))
}

/// A fetch error in words for whoever looks after the feed.
fn describe(err: reqwest::Error) -> String {
    if err.is_timeout() {
        "the feed did not answer in time".into()
    } else if err.is_connect() {
        "could not connect to the feed's server".into()
    } else if err.is_redirect() {
        "the feed redirects too often".into()
    } else {
        format!("could not read the feed: {}", err.without_url())
    }
}

/// The entries of a feed document as incoming items for its account.
/// Entries without a title are skipped; an entry without a date is dated `now`.
pub fn entries(body: &[u8], source: &IntelSource, now: DateTime<Utc>) -> Result<Vec<Incoming>, String> {
    // Ids feed-rs would invent (random when an entry has neither id nor
    // link) would make the same entry look new at every poll: an empty id
    // means "none", and the headline identifies the entry instead.
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(&source.url))
        .id_generator(|_, _, _| String::new())
        .build();
    let feed = parser.parse(body).map_err(|err| format!("not a valid RSS or Atom feed: {err}"))?;
    Ok(feed
        .entries
        .into_iter()
        .take(MAX_ENTRIES)
        .filter_map(|entry| {
            let headline = plain_text(&entry.title?.content);
            if headline.is_empty() {
                return None;
            }
            let url = entry
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|rel| rel == "alternate"))
                .or(entry.links.first())
                .map(|l| l.href.clone());
            let summary = entry
                .summary
                .map(|s| s.content)
                .or_else(|| entry.content.and_then(|c| c.body))
                .map(|s| plain_text(&s))
                .unwrap_or_default();
            Some(Incoming {
                account_id: source.account_id,
                intel_source_id: Some(source.intel_source_id),
                source: source.url.clone(),
                headline,
                url,
                summary,
                category: None,
                published_at: entry.published.or(entry.updated).unwrap_or(now),
                guid: Some(entry.id).filter(|id| !id.is_empty()),
            })
        })
        .collect())
}

/// Feed text without its HTML: tags dropped, the common entities decoded,
/// whitespace collapsed.
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let decoded = [("&nbsp;", " "), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")]
        .iter()
        .fold(text, |t, (entity, glyph)| t.replace(entity, glyph));
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn source_for_fixtures() -> IntelSource {
        source()
    }

    fn source() -> IntelSource {
        IntelSource {
            intel_source_id: 3,
            account_id: 9,
            account_name: "Acme".into(),
            url: "https://news.example.com/acme.rss".into(),
            etag: None,
            last_modified: None,
            last_polled_at: None,
            last_error: None,
            last_error_at: None,
        }
    }

    #[test]
    fn rss_entries_become_items_with_plain_text_and_absolute_links() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>Acme news</title>
            <item><title>Acme raises $50M &amp; more</title><link>https://news.example.com/a?utm_source=rss</link>
              <description>&lt;p&gt;The &lt;b&gt;round&lt;/b&gt; was led by Sequoia.&lt;/p&gt;</description>
              <pubDate>Sun, 22 Nov 2026 09:00:00 GMT</pubDate><guid>a-1</guid></item>
            <item><title></title><link>https://news.example.com/empty</link></item>
            <item><title>Undated story</title></item>
        </channel></rss>"#;
        let now = DateTime::parse_from_rfc3339("2026-11-23T00:00:00Z").unwrap().with_timezone(&Utc);
        let items = entries(rss, &source(), now).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].headline, "Acme raises $50M & more");
        assert_eq!(items[0].summary, "The round was led by Sequoia.");
        assert_eq!(items[0].url.as_deref(), Some("https://news.example.com/a?utm_source=rss"));
        assert_eq!(items[0].published_at.to_rfc3339(), "2026-11-22T09:00:00+00:00");
        assert_eq!(items[0].guid.as_deref(), Some("a-1"));
        assert_eq!((items[0].account_id, items[0].intel_source_id), (9, Some(3)));
        assert_eq!(items[1].published_at, now);
        assert_eq!(items[1].guid, None, "no invented ids");
    }

    #[test]
    fn a_document_that_is_not_a_feed_is_an_error_in_words() {
        let err = entries(b"<html><body>Not found</body></html>", &source(), Utc::now()).unwrap_err();
        assert!(err.starts_with("not a valid RSS or Atom feed"), "{err}");
    }
}

#[cfg(test)]
mod fixture_tests {
    use super::*;

    #[test]
    fn the_test_fixtures_parse_as_the_feed_tests_expect() {
        let source = tests::source_for_fixtures();
        let now = Utc::now();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/feeds/");
        let rss = entries(&std::fs::read(format!("{dir}acme.rss")).unwrap(), &source, now).unwrap();
        assert_eq!(rss.len(), 3);
        let atom = entries(&std::fs::read(format!("{dir}acme.atom")).unwrap(), &source, now).unwrap();
        assert_eq!(atom.len(), 3);
        assert_eq!(atom[0].url.as_deref(), Some("https://techwire.example.com/2026/11/22/acme-series-c/"));
        assert_eq!(atom[1].published_at.to_rfc3339(), "2026-11-22T08:00:00+00:00");
        assert_eq!(atom[1].summary, "The cuts hit the hardware unit hardest.");
        let err = entries(&std::fs::read(format!("{dir}malformed.xml")).unwrap(), &source, now).unwrap_err();
        assert!(err.starts_with("not a valid RSS or Atom feed"), "{err}");
    }
}

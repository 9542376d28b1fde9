//! Digests: a daily or weekly DM, for those who asked for one in
//! `/plan settings`, at their digest time in their time zone (weekly ones on
//! their chosen weekday). A digest with nothing to say is not sent.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

use super::{Outgoing, Report, day_key, zone};
use crate::domain::people::Person;
use crate::domain::enums::DigestFrequency;
use crate::domain::schedule::{Due, Schedule};
use crate::store::digests::{self, DueDigests};
use crate::store::jobs::{self as job_store, DigestCalendar};
use crate::store::outbox::{Delivery, NewMessage, Payload, Target};
use crate::render::notices::{self as views, DIGEST_ITEMS, DigestData};

/// How far ahead a digest looks for items due...
const ITEM_HORIZON_DAYS: i32 = 7;
/// ...and for plan deadlines and renewals.
const DATE_HORIZON_DAYS: i32 = 30;

/// The schedule of everyone sharing a digest setting.
pub fn schedule_of(calendar: &DigestCalendar) -> Schedule {
    match calendar.digest {
        DigestFrequency::Weekly => Schedule::weekly_at(calendar.digest_weekday, calendar.digest_time),
        _ => Schedule::daily_at(calendar.digest_time),
    }
}

pub async fn run(conn: &mut PgConnection, due: Due, now: DateTime<Utc>) -> anyhow::Result<Report> {
    let mut due_digests = DueDigests::default();
    for calendar in job_store::digest_calendars(conn).await.context("could not read digest settings")? {
        if let Some(day) = due.local_day(&schedule_of(&calendar), zone(&calendar.tz), now) {
            due_digests.zones.push(calendar.tz.clone());
            due_digests.frequencies.push(calendar.digest);
            due_digests.times.push(calendar.digest_time);
            due_digests.weekdays.push(calendar.digest_weekday);
            due_digests.days.push(day);
        }
    }
    let readers = digests::readers(conn, &due_digests, due.skips_days_off()).await.context("could not read readers")?;
    if readers.is_empty() {
        return Ok(Report::default());
    }
    let ids: Vec<i64> = readers.iter().map(|r| r.user.user_id).collect();
    let days: Vec<_> = readers.iter().map(|r| r.today).collect();
    let since: Vec<DateTime<Utc>> = readers
        .iter()
        .map(|r| now - if r.user.digest == DigestFrequency::Weekly { Duration::days(7) } else { Duration::days(1) })
        .collect();
    let items = digests::items(conn, &ids, &days, ITEM_HORIZON_DAYS, now, DIGEST_ITEMS as i64)
        .await
        .context("could not read digest items")?;
    let dates = digests::account_dates(conn, &ids, &days, DATE_HORIZON_DAYS).await.context("could not read account dates")?;
    let changes = digests::changes(conn, &ids, &since).await.context("could not read account changes")?;

    let mut data: HashMap<i64, DigestData<'_>> = HashMap::new();
    for row in &items {
        let entry = data.entry(row.item.owner_id).or_default();
        entry.items.push(&row.item);
        entry.overdue_total = row.overdue_total;
        entry.upcoming_total = row.upcoming_total;
    }
    for date in &dates {
        data.entry(date.user_id).or_default().dates.push(date);
    }
    for change in changes.iter().filter(|c| c.changes > 0) {
        let entry = data.entry(change.user_id).or_default();
        if entry.changes.len() < 5 {
            entry.changes.push(change);
        }
    }

    let mut outgoing = Outgoing::default();
    for reader in &readers {
        let user = &reader.user;
        let Some(digest) = data.get(&user.user_id).filter(|d| !d.is_empty()) else { continue };
        let run_at = user.window().next_open(now);
        let day = run_at.with_timezone(&user.time_zone()).date_naive();
        outgoing.push(NewMessage {
            kind: "digest",
            target: Target::User(user.user_id),
            payload: Payload { content: views::digest(user.digest, digest, reader.today, now), delivery: Delivery::Post },
            // the day it arrives: one held over a day off is that day's digest
            dedupe_key: format!("digest:{}:{}", user.user_id, day_key(day)),
            run_at,
        });
    }
    outgoing.enqueue(conn, now).await.context("could not enqueue digests")
}

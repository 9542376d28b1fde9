//! Drawing the account's pictures: a relationship map of 200 contacts and a
//! whitespace map, laid out, written as SVG and rasterized to PNG, each
//! timed over 30 runs (p50, max). No database: the rows are made here.
//!
//!     cargo bench --bench pictures
//!
//! Targets: the 200-contact map under 150 ms, the whitespace map under 50 ms.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use planbot::domain::enums::{Appetite, BuyingRole, Influence, Sentiment, Stage};
use planbot::render::pictures::{people_svg, png, whitespace_svg};
use planbot::store::contacts::Contact;
use planbot::store::whitespace::Row;

const RUNS: usize = 30;

fn contacts(n: i64) -> Vec<Contact> {
    (1..=n)
        .map(|i| Contact {
            contact_id: i,
            account_id: 1,
            name: format!("Contact Number {i}"),
            title: "Director of Platform Engineering".into(),
            company: String::new(),
            email: None,
            profile_url: None,
            reports_to_id: (i > 1 && i % 9 != 0).then_some((i - 1) / 4 + 1),
            influence: Some(Influence::ALL[(i % 3) as usize]),
            buying_role: Some(BuyingRole::ALL[(i % 6) as usize]),
            sentiment: Some(Sentiment::ALL[(i % 3) as usize]),
            strength: Some((i % 5 + 1) as i16),
            relationship_owner_id: (i % 2 == 0).then_some(1),
            owner_slack_id: None,
            owner_name: (i % 2 == 0).then(|| "Dana Reyes".into()),
            tracked: false,
            departed_at: None,
        })
        .collect()
}

fn rows(today: NaiveDate) -> Vec<Row> {
    (1..=30)
        .map(|i| Row {
            whitespace_id: i,
            account_id: 1,
            stage: Stage::ALL[(i % 7) as usize],
            vendor: format!("Vendor {i}"),
            likes: String::new(),
            dislikes: String::new(),
            annual_spend: Some(10_000 * i),
            contract_end: Some(today + chrono::Duration::days(i * 20)),
            appetite: Some(Appetite::ALL[(i % 4) as usize]),
        })
        .collect()
}

fn time(what: &str, target_ms: f64, mut draw: impl FnMut() -> Vec<u8>) {
    let bytes = draw().len();
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(draw());
            started.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let p50 = ms(times[RUNS / 2]);
    let max = ms(times[RUNS - 1]);
    println!(
        "{what}: p50 {p50:.1} ms, max {max:.1} ms, {bytes} bytes (target < {target_ms} ms: {})",
        if max < target_ms { "met" } else { "MISSED" }
    );
}

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let people = contacts(200);
    let ws = rows(today);
    time("relationship map, 200 contacts, SVG + PNG", 150.0, || png(&people_svg("Big Account Inc", &people, today)).unwrap());
    time("whitespace map, 30 rows, SVG + PNG", 50.0, || png(&whitespace_svg("Big Account Inc", &ws, today)).unwrap());
}

use super::*;
use crate::domain::enums::{Appetite, BuyingRole, Influence, Sentiment, Stage};

/// A deterministic forest of `n` contacts: some report to an earlier one,
/// some have nobody, and (when asked) two report to each other.
fn managers(n: usize, with_loop: bool) -> Vec<Option<usize>> {
    let mut seed = 7u64;
    let mut next = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let mut out: Vec<Option<usize>> = (0..n).map(|i| if i == 0 || next() % 5 == 0 { None } else { Some(next() % i) }).collect();
    if with_loop && n >= 4 {
        out[n - 1] = Some(n - 2);
        out[n - 2] = Some(n - 1);
    }
    out
}

fn overlaps(a: &Placed, b: &Placed) -> bool {
    a.x < b.x + CARD_W && b.x < a.x + CARD_W && a.y < b.y + CARD_H && b.y < a.y + CARD_H
}

#[test]
fn every_contact_is_placed_once_without_overlaps_and_within_the_width() {
    for n in [0usize, 1, 30, 200] {
        for with_loop in [false, true] {
            let m = managers(n, with_loop);
            let layout = layout(&m);
            let mut seen: Vec<usize> = layout.cards.iter().map(|c| c.index).collect();
            seen.sort_unstable();
            assert_eq!(seen, (0..n).collect::<Vec<_>>(), "{n} contacts, loop {with_loop}: each once");
            for (i, a) in layout.cards.iter().enumerate() {
                for b in &layout.cards[i + 1..] {
                    assert!(!overlaps(a, b), "{n}: cards {} and {} overlap", a.index, b.index);
                }
                assert!(a.x >= 0.0 && a.x + CARD_W <= layout.width, "{n}: card {} outside", a.index);
                assert!(a.y + CARD_H <= layout.height, "{n}: card {} below the picture", a.index);
            }
            assert!(layout.width <= MAX_WIDTH, "{n}: {} wide", layout.width);
            // A report sits below its manager.
            for (manager, report) in &layout.lines {
                let at = |i: usize| layout.cards.iter().find(|c| c.index == i).unwrap();
                assert!(at(*report).y > at(*manager).y, "{n}: {report} not below {manager}");
            }
        }
    }
}

#[test]
fn contacts_without_a_manager_or_reports_are_grouped_apart() {
    // 0 manages 1; 2 and 3 stand alone.
    let layout = layout(&[None, Some(0), None, None]);
    let (_, group_top) = layout.unattached_at.expect("a group of the unattached");
    let y = |i: usize| layout.cards.iter().find(|c| c.index == i).unwrap().y;
    assert!(y(2) > group_top && y(3) > group_top && y(0) < group_top && y(1) < group_top);
    assert_eq!(layout.lines, vec![(0, 1)]);
}

#[test]
fn sentiment_reads_without_colour_and_influence_and_roles_are_told_apart() {
    let styles: Vec<_> = [Some(Sentiment::Promoter), Some(Sentiment::Neutral), Some(Sentiment::Detractor), None].map(sentiment_style).to_vec();
    let symbols: std::collections::HashSet<_> = styles.iter().map(|s| s.2).collect();
    let inks: std::collections::HashSet<_> = styles.iter().map(|s| s.1).collect();
    assert_eq!(symbols.len(), 4, "a symbol each");
    assert_eq!(inks.len(), 4, "a colour each");
    // Promoters blue, detractors orange: apart for red-green colour blindness.
    assert_eq!(sentiment_style(Some(Sentiment::Promoter)).1, "#1d4ed8");
    assert_eq!(sentiment_style(Some(Sentiment::Detractor)).1, "#c2410c");
    assert!(influence_stroke(Some(Influence::High)) > influence_stroke(Some(Influence::Medium)));
    assert!(influence_stroke(Some(Influence::Medium)) > influence_stroke(Some(Influence::Low)));
    let badges: std::collections::HashSet<_> = BuyingRole::ALL.iter().filter_map(|r| role_badge(Some(*r))).collect();
    assert_eq!(badges.len(), BuyingRole::ALL.len());
    assert!(role_badge(Some(BuyingRole::Champion)).unwrap().contains("CHAMPION"));
    assert_eq!(role_badge(None), None);
    let appetites: std::collections::HashSet<_> = Appetite::ALL.iter().map(|a| appetite_style(Some(*a)).0).collect();
    assert_eq!(appetites.len(), Appetite::ALL.len());
}

fn contact(id: i64, name: &str, reports_to: Option<i64>, sentiment: Sentiment, role: Option<BuyingRole>, influence: Influence) -> Contact {
    Contact {
        contact_id: id,
        account_id: 1,
        name: name.into(),
        title: "Director of Engineering".into(),
        company: String::new(),
        email: None,
        profile_url: None,
        reports_to_id: reports_to,
        influence: Some(influence),
        buying_role: role,
        sentiment: Some(sentiment),
        strength: Some((id % 5 + 1) as i16),
        relationship_owner_id: (id % 2 == 0).then_some(1),
        owner_slack_id: None,
        owner_name: (id % 2 == 0).then(|| "Dana Reyes".into()),
        tracked: false,
        departed_at: None,
    }
}

/// The sample the golden picture is of.
fn sample() -> Vec<Contact> {
    let mut people = vec![
        contact(1, "Gregory Tan", None, Sentiment::Neutral, Some(BuyingRole::EconomicBuyer), Influence::High),
        contact(2, "Hannah Okafor", Some(1), Sentiment::Promoter, Some(BuyingRole::Champion), Influence::High),
        contact(3, "Raymond Kowalski", Some(1), Sentiment::Detractor, Some(BuyingRole::Blocker), Influence::High),
        contact(4, "Lucia Fernández", Some(2), Sentiment::Promoter, Some(BuyingRole::TechnicalBuyer), Influence::Medium),
        contact(5, "Mei Sato", Some(4), Sentiment::Promoter, Some(BuyingRole::User), Influence::Low),
        contact(6, "Paul Whitaker", None, Sentiment::Neutral, Some(BuyingRole::Influencer), Influence::Medium),
    ];
    people[5].departed_at = Some(chrono::Utc::now());
    people
}

#[test]
fn two_hundred_contacts_still_make_a_picture() {
    let people: Vec<Contact> = (1..=200)
        .map(|i| contact(i, &format!("Person {i}"), (i > 1 && i % 7 != 0).then(|| (i - 1) / 3 + 1), Sentiment::Neutral, None, Influence::Low))
        .collect();
    let svg = people_svg("Big Account", &people, NaiveDate::from_ymd_opt(2026, 12, 7).unwrap());
    let png = png(&svg).expect("renders");
    let picture = resvg::tiny_skia::Pixmap::decode_png(&png).unwrap();
    assert!(picture.width() <= MAX_WIDTH as u32 && picture.height() < 4000, "{}x{}", picture.width(), picture.height());
    assert!(svg.contains("200 contacts") && svg.contains("140 more listed in /plan people"), "the rest is counted");
    // What is drawn keeps each drawn contact's managers.
    let picked = drawn(&people);
    assert_eq!(picked.len(), MOST_CARDS);
    for i in &picked {
        if let Some(manager) = people[*i].reports_to_id {
            assert!(picked.iter().any(|p| people[*p].contact_id == manager), "{}'s manager is drawn", people[*i].name);
        }
    }
}

/// The picture of [`sample`] matches the one in `tests/fixtures/golden`, to
/// within a few pixels (antialiasing may differ by a shade); a change that
/// moves the picture fails it. `PLANBOT_BLESS=1` writes it anew.
#[test]
fn the_relationship_map_looks_as_it_did() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let mut people = sample();
    people[5].departed_at = Some(chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap());
    for (name, picture) in [
        ("people.png", png(&people_svg("Acme Corporation", &people, today)).unwrap()),
        ("whitespace.png", png(&whitespace_svg("Acme Corporation", &sample_rows(today), today)).unwrap()),
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden").join(name);
        if std::env::var_os("PLANBOT_BLESS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &picture).unwrap();
        }
        let golden = resvg::tiny_skia::Pixmap::decode_png(&std::fs::read(&path).expect("the golden picture")).unwrap();
        let now = resvg::tiny_skia::Pixmap::decode_png(&picture).unwrap();
        assert_eq!((now.width(), now.height()), (golden.width(), golden.height()), "{name}: size");
        let differ = now
            .data()
            .chunks(4)
            .zip(golden.data().chunks(4))
            .filter(|(a, b)| a.iter().zip(b.iter()).any(|(x, y)| x.abs_diff(*y) > 24))
            .count();
        let share = differ as f64 / (now.width() * now.height()) as f64;
        assert!(share < 0.002, "{name}: {differ} pixels differ ({:.3}%)", share * 100.0);
    }
}

fn sample_rows(today: NaiveDate) -> Vec<Row> {
    let row = |id: i64, stage: Stage, vendor: &str, days: i64, appetite: Appetite| Row {
        whitespace_id: id,
        account_id: 1,
        stage,
        vendor: vendor.into(),
        likes: String::new(),
        dislikes: String::new(),
        annual_spend: Some(60_000 * id),
        contract_end: Some(today + chrono::Duration::days(days)),
        appetite: Some(appetite),
    };
    vec![
        row(1, Stage::Plan, "Issue tracker", 330, Appetite::Low),
        row(2, Stage::Verify, "Jenkins", 140, Appetite::High),
        row(3, Stage::Secure, "SAST suite", 95, Appetite::Medium),
        row(4, Stage::Secure, "DAST scanner", 400, Appetite::None),
        row(5, Stage::Monitor, "Prometheus", 700, Appetite::None),
    ]
}

#[test]
fn long_vendor_names_break_between_words_onto_two_lines() {
    assert_eq!(two_lines("Jenkins", 14), ("Jenkins".to_string(), None));
    assert_eq!(two_lines("Jenkins (self-hosted)", 14), ("Jenkins".to_string(), Some("(self-hosted)".to_string())));
    assert_eq!(two_lines("Cloud issue tracker with boards", 14), ("Cloud issue".to_string(), Some("tracker with …".to_string())));
    // One long word is cut where the line ends.
    assert_eq!(two_lines("Supercalifragilistic", 8), ("Supercal".to_string(), Some("ifragil…".to_string())));
}

#[test]
fn the_alt_text_says_what_each_picture_shows() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let alt = people_alt("Acme Corporation", &sample());
    assert_eq!(
        alt,
        "Relationship map of Acme Corporation: 5 contacts as a reports-to tree (1 without a manager recorded); 3 promoters, 1 neutral, 1 detractor; \
         champion: Hannah Okafor; economic buyer: Gregory Tan; blocker: Raymond Kowalski; 1 who left, struck through; single-threaded."
    );
    // Two high-influence contacts, each with an owner on our team: multi-threaded.
    let mut owned = sample();
    owned.retain(|c| c.contact_id <= 2);
    for c in &mut owned {
        c.relationship_owner_id = Some(c.contact_id);
    }
    assert_eq!(
        people_alt("Acme", &owned),
        "Relationship map of Acme: 2 contacts as a reports-to tree (1 without a manager recorded); 1 promoter, 1 neutral, 0 detractors; \
         champion: Hannah Okafor; economic buyer: Gregory Tan."
    );
    assert_eq!(people_alt("Acme", &[]), "Relationship map of Acme: no contacts mapped yet.");
    let alt = whitespace_alt("Acme Corporation", &sample_rows(today), today);
    assert_eq!(
        alt,
        "Whitespace map of Acme Corporation: 5 incumbent vendors across 9 stages; open: Create, Package, Release, Configure, Govern; \
         contracts ending within 180 days: Jenkins (Verify), SAST suite (Secure); high appetite to replace: Jenkins."
    );
}

use super::*;

/// A plan that answers every question.
fn texts() -> Vec<(&'static str, String)> {
    SECTIONS
        .iter()
        .map(|s| {
            let text = match s.key {
                "threats_risks" => "A rival pilots in Q1.\nBudget freeze next year.\nThe CISO may leave.".to_string(),
                "action_plan" => "Run the workshop; resources: one SA for two weeks".to_string(),
                _ => format!("{} written down", s.label),
            };
            (s.key, text)
        })
        .collect()
}

fn strong() -> PlanFacts {
    let texts = texts();
    PlanFacts {
        annual_spend: Some(1_200_000),
        contacts: 5,
        champions: 1,
        high_influence: 3,
        high_influence_owned: 3,
        other_high_influence: 2,
        without_sentiment: 0,
        without_strength: 0,
        whitespace_rows: 4,
        rows_without_vendor: 0,
        vendors_without_opinions: 0,
        vendors_without_spend: 0,
        vendors_without_contract_end: 0,
        team_members: 3,
        members_without_items: Vec::new(),
        open_items: 6,
        open_items_undated: 0,
        open_items_with_resources: 0,
        ..PlanFacts::default()
    }
    .with_sections(texts.iter().map(|(k, t)| (*k, t.as_str())))
}

/// The strong plan with one section's text replaced.
fn with_section(facts: &mut PlanFacts, key: &str, text: &str) {
    let texts: Vec<(&str, String)> = texts().into_iter().map(|(k, t)| (k, if k == key { text.to_string() } else { t })).collect();
    *facts = std::mem::take(facts).with_sections(texts.iter().map(|(k, t)| (*k, t.as_str())));
}

fn clear(facts: &mut PlanFacts, key: &str) {
    with_section(facts, key, "  ");
}

/// Per rule: how to break a strong plan so that rule (and the gap words) fail, and the fix offered.
/// A rule's id, how to break a strong plan for it, its fix and its gap's words.
type Breaker = (&'static str, fn(&mut PlanFacts), Fix, &'static str);

fn breakers() -> Vec<Breaker> {
    vec![
        ("goals", |f| clear(f, "initiatives"), Fix::EditPart("snapshot"), "no goals or initiatives written"),
        ("macro", |f| clear(f, "industry_trends"), Fix::EditPart("profile"), "no industry trends"),
        (
            "competitors",
            |f| {
                clear(f, "threats_risks");
                f.rows_without_vendor = f.whitespace_rows;
            },
            Fix::EditPart("gtm"),
            "no competitors named",
        ),
        (
            "risk_horizons",
            |f| with_section(f, "threats_risks", "A rival pilots in Q1. Budget freeze."),
            Fix::EditPart("gtm"),
            "fewer than three risks named",
        ),
        ("digital", |f| clear(f, "digital_strategy"), Fix::EditPart("snapshot"), "no IT/digital strategy"),
        ("customer_view", |f| f.annual_spend = None, Fix::EditPart("snapshot"), "no history or annual spend"),
        ("champion", |f| f.champions = 0, Fix::AddContact, "no champion identified"),
        ("influencers", |f| f.other_high_influence = 0, Fix::AddContact, "no key influencer besides the champion"),
        ("owned", |f| f.high_influence_owned = 2, Fix::EditPeople, "1 high-influence contact without an owner"),
        ("sentiment", |f| f.without_sentiment = 2, Fix::EditPeople, "2 contacts without a sentiment"),
        ("strength", |f| f.without_strength = 1, Fix::EditPeople, "1 contact without a strength"),
        (
            "multi_threaded",
            |f| {
                f.high_influence = 2;
                f.high_influence_owned = 1;
            },
            Fix::AddContact,
            "single-threaded",
        ),
        ("ws_vendors", |f| f.rows_without_vendor = 1, Fix::AddRow, "whitespace not mapped"),
        ("ws_opinions", |f| f.vendors_without_opinions = 3, Fix::EditWhitespace, "3 vendors without likes or dislikes"),
        ("ws_spend", |f| f.vendors_without_spend = 1, Fix::EditWhitespace, "1 vendor without annual spend"),
        ("ws_contracts", |f| f.vendors_without_contract_end = 2, Fix::EditWhitespace, "2 vendors without a contract end"),
        ("goals_6m", |f| clear(f, "goals_6m"), Fix::EditPart("gtm"), "no 6-month goals"),
        (
            "team_items",
            |f| f.members_without_items = vec!["Sam".into(), "Priya".into(), "Alex".into()],
            Fix::AddItem,
            "3 team members without an item",
        ),
        ("items_dated", |f| f.open_items_undated = 4, Fix::AddItem, "4 items without a due date"),
        ("resources", |f| clear(f, "action_plan"), Fix::EditPart("gtm"), "no resources named"),
    ]
}

#[test]
fn the_shipped_rules_read_and_weigh_one_hundred() {
    let rules = parse_rules(RULES_FILE).expect("rules.txt reads");
    assert_eq!(rules.iter().map(|r| r.weight).sum::<u32>(), 100);
    assert_eq!(rules.len(), breakers().len(), "every rule has its test below");
}

#[test]
fn each_rule_passes_a_plan_that_answers_it_fails_one_that_does_not_and_names_its_fix() {
    let rules = rules();
    let all = review(rules, &strong());
    assert_eq!(all.health, 100, "{:?}", all.gaps().iter().map(|g| &g.rule.id).collect::<Vec<_>>());
    assert_eq!(all.explained(3), "100 — every question answered");
    for (id, breaks, fix, gap) in breakers() {
        let rule = rules.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("no rule {id}"));
        assert!(rule.check.apply(&strong()).passed, "{id} passes a strong plan");
        let mut weak = strong();
        breaks(&mut weak);
        let verdict = rule.check.apply(&weak);
        assert!(!verdict.passed, "{id} fails when broken");
        assert_eq!(rule.fix, fix, "{id}'s fix");
        let finding = Finding { rule, verdict };
        assert_eq!(finding.gap(), gap, "{id}'s gap");
        let reviewed = review(rules, &weak);
        assert!(reviewed.health <= 100 - rule.weight, "{id} costs at least its weight");
        assert!(reviewed.gaps().iter().any(|g| g.rule.id == id), "{id} is among the gaps");
    }
}

#[test]
fn an_empty_plan_answers_nothing_and_its_health_names_the_biggest_gaps_first() {
    let empty = PlanFacts::default();
    let reviewed = review(rules(), &empty);
    assert_eq!(reviewed.health, 0);
    assert_eq!(reviewed.answered().count(), 0);
    let explained = reviewed.explained(3);
    assert!(explained.starts_with("0 — no champion identified, single-threaded, "), "{explained}");
}

#[test]
fn multi_threaded_needs_two_high_influence_contacts_and_more_than_one_owned() {
    assert!(multi_threaded(2, 2));
    assert!(!multi_threaded(2, 1));
    assert!(!multi_threaded(1, 1));
    assert!(multi_threaded(5, 2));
}

#[test]
fn mistakes_in_a_rules_file_are_named_with_their_line() {
    let line = "x | profile | 100 | champion | Q? | gap | add contact";
    assert!(parse_rules(line).is_ok());
    let cases = [
        ("x | profile | 100 | champion | Q? | gap", "7 separated"),
        ("x | heart | 100 | champion | Q? | gap | add contact", "`heart` is not a part"),
        ("x | profile | lots | champion | Q? | gap | add contact", "`lots` is not a weight"),
        ("x | profile | 100 | charm | Q? | gap | add contact", "`charm` is not a check"),
        ("x | profile | 100 | sections vibes | Q? | gap | add contact", "`vibes` is not a Plan Info section"),
        ("x | profile | 100 | champion | Q? | gap | call mom", "`call mom` is not a fix"),
        ("x | profile | 90 | champion | Q? | gap | add contact", "add up to 90"),
    ];
    for (text, expected) in cases {
        let error = parse_rules(text).unwrap_err().to_string();
        assert!(error.contains(expected), "{text}: {error}");
    }
    let twice = format!("{line}\n{line}");
    assert!(parse_rules(&twice).unwrap_err().to_string().contains("line 2"));
}

#[test]
fn risks_are_counted_by_line_or_by_sentence() {
    assert_eq!(risks_named("One.\nTwo\n\nThree"), 3);
    assert_eq!(risks_named("A rival pilots. Budget freeze; CISO may leave."), 3);
    assert_eq!(risks_named(""), 0);
}

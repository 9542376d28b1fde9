//! The Plan Info sections of an account plan, in the handbook's order.

/// The three groups the handbook arranges a plan's sections in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionGroup {
    CustomerProfile,
    AccountSnapshot,
    GoToMarket,
}

impl SectionGroup {
    pub const ALL: [SectionGroup; 3] = [SectionGroup::CustomerProfile, SectionGroup::AccountSnapshot, SectionGroup::GoToMarket];

    /// The word that names the part in `/plan edit Acme gtm` and in buttons.
    pub fn key(self) -> &'static str {
        match self {
            SectionGroup::CustomerProfile => "profile",
            SectionGroup::AccountSnapshot => "snapshot",
            SectionGroup::GoToMarket => "gtm",
        }
    }

    /// A part named as people write it: `profile`, `customer profile`,
    /// `snapshot`, `gtm`, `go-to-market`, …
    pub fn parse(word: &str) -> Option<SectionGroup> {
        let word: String = word.trim().to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect();
        match word.as_str() {
            "profile" | "customerprofile" => Some(SectionGroup::CustomerProfile),
            "snapshot" | "accountsnapshot" => Some(SectionGroup::AccountSnapshot),
            "gtm" | "gotomarket" | "gotomarketplan" => Some(SectionGroup::GoToMarket),
            _ => None,
        }
    }

    /// Its sections, in the plan's order.
    pub fn sections(self) -> impl Iterator<Item = &'static Section> {
        SECTIONS.iter().filter(move |s| s.group == self)
    }

    pub fn label(self) -> &'static str {
        match self {
            SectionGroup::CustomerProfile => "Customer Profile",
            SectionGroup::AccountSnapshot => "Account Snapshot",
            SectionGroup::GoToMarket => "Go-to-Market",
        }
    }
}

/// One text section of a plan: its column (and CSV header) and its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    pub key: &'static str,
    pub label: &'static str,
    pub group: SectionGroup,
}

const fn section(key: &'static str, label: &'static str, group: SectionGroup) -> Section {
    Section { key, label, group }
}

pub const SECTIONS: [Section; 14] = [
    section("business_overview", "Business overview", SectionGroup::CustomerProfile),
    section("industry_trends", "Industry trends", SectionGroup::CustomerProfile),
    section("summary_history", "Summary and history", SectionGroup::AccountSnapshot),
    section("entitled_solutions", "Current entitled solutions", SectionGroup::AccountSnapshot),
    section("digital_strategy", "IT/digital strategy", SectionGroup::AccountSnapshot),
    section("strategic_partnerships", "Strategic partnerships", SectionGroup::AccountSnapshot),
    section("goals", "Goals/strategies/objectives", SectionGroup::AccountSnapshot),
    section("initiatives", "High-level initiatives", SectionGroup::AccountSnapshot),
    section("goals_6m", "Goals at 6 months", SectionGroup::GoToMarket),
    section("goals_12m", "Goals at 12 months", SectionGroup::GoToMarket),
    section("goals_18m", "Goals at 18 months", SectionGroup::GoToMarket),
    section("our_initiatives", "Our initiatives", SectionGroup::GoToMarket),
    section("threats_risks", "Threats/Risks", SectionGroup::GoToMarket),
    section("action_plan", "Action plan", SectionGroup::GoToMarket),
];

pub fn section_by_key(key: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.key == key)
}

/// A plan's sections that hold something (their count), and those still
/// empty, given the text of each section by its key.
pub fn completeness<'a>(text_of: impl Fn(&'static str) -> &'a str) -> (usize, Vec<&'static Section>) {
    let missing: Vec<_> = SECTIONS.iter().filter(|s| text_of(s.key).trim().is_empty()).collect();
    (SECTIONS.len() - missing.len(), missing)
}

/// A plan status change a person asked for, to confirm before it is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    Activate,
    Close,
}

/// The account's own field shown with the Customer Profile (it lives on the
/// account, not the plan): its key in forms and the audit, and its label.
pub const RANK_NOTES: (&str, &str) = ("rank_notes", "Rank notes");

/// The fiscal year a date falls in, as plans are named ("FY27"): fiscal
/// years start on the first of [`FISCAL_YEAR_START_MONTH`] and carry the
/// number of the calendar year they end in.
pub const FISCAL_YEAR_START_MONTH: u32 = 2;

pub fn fiscal_year(date: chrono::NaiveDate) -> i32 {
    use chrono::Datelike;
    if date.month() >= FISCAL_YEAR_START_MONTH && FISCAL_YEAR_START_MONTH > 1 { date.year() + 1 } else { date.year() }
}

/// A new plan's name by the convention: "Acme — Expand FY27".
pub fn conventional_name(account: &str, plan_type: crate::domain::enums::PlanType, due: chrono::NaiveDate) -> String {
    let kind = plan_type.as_str();
    let mut kind_word = kind[..1].to_uppercase();
    kind_word.push_str(&kind[1..]);
    format!("{account} — {kind_word} FY{:02}", fiscal_year(due).rem_euclid(100))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_are_named_by_the_fiscal_year_of_their_due_date() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(fiscal_year(day(2026, 12, 6)), 2027);
        assert_eq!(fiscal_year(day(2027, 1, 31)), 2027);
        assert_eq!(fiscal_year(day(2027, 2, 1)), 2028);
        use crate::domain::enums::PlanType;
        assert_eq!(conventional_name("Initech", PlanType::Expand, day(2027, 1, 15)), "Initech — Expand FY27");
        assert_eq!(conventional_name("Acme", PlanType::Land, day(2027, 3, 1)), "Acme — Land FY28");
    }

    #[test]
    fn parts_are_named_as_people_write_them() {
        assert_eq!(SectionGroup::parse("GTM"), Some(SectionGroup::GoToMarket));
        assert_eq!(SectionGroup::parse("go-to-market"), Some(SectionGroup::GoToMarket));
        assert_eq!(SectionGroup::parse("Customer Profile"), Some(SectionGroup::CustomerProfile));
        assert_eq!(SectionGroup::parse("snapshot"), Some(SectionGroup::AccountSnapshot));
        assert_eq!(SectionGroup::parse("whitespace"), None);
        // Words that end account names are not parts: "Whole Foods Market".
        assert_eq!(SectionGroup::parse("market"), None);
        let gtm: Vec<_> = SectionGroup::GoToMarket.sections().map(|s| s.label).collect();
        assert!(gtm.contains(&"Threats/Risks") && gtm.len() == 6);
        for part in SectionGroup::ALL {
            assert_eq!(SectionGroup::parse(part.key()), Some(part));
        }
    }

    #[test]
    fn completeness_counts_sections_with_text_and_names_the_empty_ones() {
        let (filled, missing) = completeness(|key| if key == "goals" || key == "action_plan" { "set" } else { "  " });
        assert_eq!(filled, 2);
        assert_eq!(missing.len(), SECTIONS.len() - 2);
        assert!(missing.iter().all(|s| s.key != "goals" && s.key != "action_plan"));
    }
}

//! The Plan Info sections of an account plan, in the handbook's order.

/// The three groups the handbook arranges a plan's sections in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionGroup {
    CustomerProfile,
    AccountSnapshot,
    GoToMarket,
}

impl SectionGroup {
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
    section("digital_strategy", "IT / digital strategy", SectionGroup::AccountSnapshot),
    section("strategic_partnerships", "Strategic partnerships", SectionGroup::AccountSnapshot),
    section("goals", "Goals, strategies and objectives", SectionGroup::AccountSnapshot),
    section("initiatives", "High-level initiatives", SectionGroup::AccountSnapshot),
    section("goals_6m", "Goals at 6 months", SectionGroup::GoToMarket),
    section("goals_12m", "Goals at 12 months", SectionGroup::GoToMarket),
    section("goals_18m", "Goals at 18 months", SectionGroup::GoToMarket),
    section("our_initiatives", "Our initiatives", SectionGroup::GoToMarket),
    section("threats_risks", "Threats and risks", SectionGroup::GoToMarket),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completeness_counts_sections_with_text_and_names_the_empty_ones() {
        let (filled, missing) = completeness(|key| if key == "goals" || key == "action_plan" { "set" } else { "  " });
        assert_eq!(filled, 2);
        assert_eq!(missing.len(), SECTIONS.len() - 2);
        assert!(missing.iter().all(|s| s.key != "goals" && s.key != "action_plan"));
    }
}

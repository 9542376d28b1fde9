//! Why an account is at risk: concrete flags from its facts, each with a
//! weight, and the ranking of accounts by them.

/// What is known about an account that bears on its risk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskFacts {
    /// Days until the renewal (negative: past).
    pub renewal_in_days: Option<i64>,
    pub has_active_plan: bool,
    /// High-influence contacts still at the company.
    pub high_influence: i64,
    /// Of those, how many are detractors.
    pub high_detractors: i64,
    /// Champions and economic buyers who left.
    pub departed_sponsors: Vec<String>,
    pub overdue_items: i64,
    /// Days since the active plan's sections last changed.
    pub plan_unchanged_days: Option<i64>,
}

/// Renewals this close without an active plan are a risk.
pub const RENEWAL_DAYS: i64 = 90;
/// A plan whose sections have not changed for this long is stale.
pub const STALE_DAYS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RiskFlag {
    SponsorLeft(Vec<String>),
    RenewalWithoutPlan { days: i64 },
    SingleThreaded { high_influence: i64 },
    Detractors(i64),
    Overdue(i64),
    StalePlan { days: i64 },
}

impl RiskFlag {
    pub fn weight(&self) -> u32 {
        match self {
            RiskFlag::SponsorLeft(names) => 35 + 5 * names.len().min(3) as u32,
            RiskFlag::RenewalWithoutPlan { days } => if *days <= 30 { 45 } else { 35 },
            RiskFlag::SingleThreaded { high_influence } => if *high_influence == 0 { 25 } else { 20 },
            RiskFlag::Detractors(count) => 12 + 3 * (*count).min(3) as u32,
            RiskFlag::Overdue(count) => 8 + 2 * (*count).min(6) as u32,
            RiskFlag::StalePlan { .. } => 10,
        }
    }

    /// The reason in words.
    pub fn reason(&self) -> String {
        match self {
            RiskFlag::SponsorLeft(names) => format!("sponsor left: {}", names.join(", ")),
            RiskFlag::RenewalWithoutPlan { days } if *days < 0 => format!("renewal passed {} days ago with no active plan", -days),
            RiskFlag::RenewalWithoutPlan { days: 0 } => "renews today with no active plan".into(),
            RiskFlag::RenewalWithoutPlan { days } => format!("renews in {days} days with no active plan"),
            RiskFlag::SingleThreaded { high_influence: 0 } => "no high-influence contact".into(),
            RiskFlag::SingleThreaded { .. } => "single-threaded (one high-influence contact)".into(),
            RiskFlag::Detractors(1) => "a high-influence detractor".into(),
            RiskFlag::Detractors(count) => format!("{count} high-influence detractors"),
            RiskFlag::Overdue(1) => "1 overdue item".into(),
            RiskFlag::Overdue(count) => format!("{count} overdue items"),
            RiskFlag::StalePlan { days } => format!("plan unchanged for {days} days"),
        }
    }
}

/// The flags an account raises, heaviest first, and their total weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub flags: Vec<RiskFlag>,
    pub score: u32,
}

pub fn assess(facts: &RiskFacts) -> Assessment {
    let mut flags = Vec::new();
    if !facts.departed_sponsors.is_empty() {
        flags.push(RiskFlag::SponsorLeft(facts.departed_sponsors.clone()));
    }
    if let Some(days) = facts.renewal_in_days
        && (-30..=RENEWAL_DAYS).contains(&days)
        && !facts.has_active_plan
    {
        flags.push(RiskFlag::RenewalWithoutPlan { days });
    }
    if facts.high_influence < 2 {
        flags.push(RiskFlag::SingleThreaded { high_influence: facts.high_influence });
    }
    if facts.high_detractors > 0 {
        flags.push(RiskFlag::Detractors(facts.high_detractors));
    }
    if facts.overdue_items > 0 {
        flags.push(RiskFlag::Overdue(facts.overdue_items));
    }
    if facts.has_active_plan
        && let Some(days) = facts.plan_unchanged_days
        && days >= STALE_DAYS
    {
        flags.push(RiskFlag::StalePlan { days });
    }
    flags.sort_by_key(|flag| std::cmp::Reverse(flag.weight()));
    let score = flags.iter().map(RiskFlag::weight).sum();
    Assessment { flags, score }
}

/// The accounts with at least one flag, most at risk first; ties go to the
/// smaller `tie` key (say, rank then name).
pub fn rank<T, K: Ord>(accounts: Vec<(T, RiskFacts)>, tie: impl Fn(&T) -> K) -> Vec<(T, Assessment)> {
    let mut ranked: Vec<(T, Assessment)> = accounts
        .into_iter()
        .map(|(account, facts)| {
            let assessment = assess(&facts);
            (account, assessment)
        })
        .filter(|(_, assessment)| assessment.score > 0)
        .collect();
    ranked.sort_by(|(a, x), (b, y)| y.score.cmp(&x.score).then_with(|| tie(a).cmp(&tie(b))));
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn healthy() -> RiskFacts {
        RiskFacts {
            renewal_in_days: Some(200),
            has_active_plan: true,
            high_influence: 3,
            plan_unchanged_days: Some(3),
            ..RiskFacts::default()
        }
    }

    #[test]
    fn a_healthy_account_raises_nothing() {
        assert_eq!(assess(&healthy()), Assessment { flags: vec![], score: 0 });
    }

    #[test]
    fn each_fact_raises_its_flag_with_a_reason() {
        let facts = RiskFacts {
            renewal_in_days: Some(45),
            has_active_plan: false,
            high_influence: 1,
            high_detractors: 1,
            departed_sponsors: vec!["Priya Raman".into()],
            overdue_items: 3,
            plan_unchanged_days: Some(90),
        };
        let reasons: Vec<String> = assess(&facts).flags.iter().map(RiskFlag::reason).collect();
        assert_eq!(
            reasons,
            [
                "sponsor left: Priya Raman",
                "renews in 45 days with no active plan",
                "single-threaded (one high-influence contact)",
                "a high-influence detractor",
                "3 overdue items",
            ]
        );
        let stale = RiskFacts { plan_unchanged_days: Some(40), ..healthy() };
        assert_eq!(assess(&stale).flags, vec![RiskFlag::StalePlan { days: 40 }]);
    }

    #[test]
    fn ranking_puts_the_heaviest_first_and_drops_healthy_accounts() {
        let accounts = vec![
            ("stale", RiskFacts { plan_unchanged_days: Some(40), ..healthy() }),
            ("fine", healthy()),
            ("sponsor", RiskFacts { departed_sponsors: vec!["A".into()], ..healthy() }),
            ("renewal", RiskFacts { renewal_in_days: Some(10), has_active_plan: false, ..healthy() }),
            ("also stale", RiskFacts { plan_unchanged_days: Some(50), ..healthy() }),
        ];
        let order: Vec<&str> = rank(accounts, |name| *name).into_iter().map(|(name, _)| name).collect();
        assert_eq!(order, ["renewal", "sponsor", "also stale", "stale"]);
    }
}

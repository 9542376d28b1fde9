//! The closed vocabularies of the plan store. Each is stored as text in
//! PostgreSQL (where a check constraint holds the same list) and parsed from
//! user input and CSV cells with an error that lists the valid names.
//!
//! This module owns the vocabularies and the `text_enum!` macro that makes
//! them; it imports only `std`, `thiserror` and `sqlx` (for the text
//! encoding), never another planbot module.

use std::fmt;
use std::str::FromStr;

/// A value that is not one of a vocabulary's names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {what}; use one of: {valid}")]
pub struct UnknownName {
    pub what: &'static str,
    pub value: String,
    pub valid: String,
}

/// Makes a vocabulary: the enum, `ALL`, `as_str`, `Display`, a forgiving
/// `FromStr` (any case, spaces or hyphens for underscores) and the sqlx text
/// encoding. Two optional tails:
///
/// - `aliases { "m&a" | "mna" => Acquisition, ... }`: more names a value
///   answers to, written as the forgiving parser sees them (lowercase,
///   underscores for spaces and hyphens);
/// - `error SomeError`: the parse error type instead of [`UnknownName`],
///   made with `SomeError::new(input)` from the untrimmed input.
macro_rules! text_enum {
    (@error_type) => { UnknownName };
    (@error_type $err:ident) => { $err };
    (@unknown $name:ident, $what:literal, $input:ident) => {
        UnknownName {
            what: $what,
            value: $input.trim().to_string(),
            valid: $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
        }
    };
    (@unknown $name:ident, $what:literal, $input:ident, $err:ident) => { $err::new($input) };
    (
        $(#[$meta:meta])* $name:ident, $what:literal,
        { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }
        $(, aliases { $($($alias:literal)|+ => $target:ident),* $(,)? })?
        $(, error $err:ident)?
        $(,)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = text_enum!(@error_type $($err)?);
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
                if let Some(v) = $name::ALL.iter().copied().find(|v| v.as_str() == wanted) {
                    return Ok(v);
                }
                $(
                    match wanted.as_str() {
                        $($($alias)|+ => return Ok($name::$target),)*
                        _ => {}
                    }
                )?
                Err(text_enum!(@unknown $name, $what, s $(, $err)?))
            }
        }

        impl sqlx::Type<sqlx::Postgres> for $name {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <&str as sqlx::Type<sqlx::Postgres>>::type_info()
            }
            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <&str as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }

        impl<'q> sqlx::Encode<'q, sqlx::Postgres> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<sqlx::Postgres>>::encode(self.as_str(), buf)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Postgres> for $name {
            fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let text = <&str as sqlx::Decode<sqlx::Postgres>>::decode(value)?;
                Ok(text.parse()?)
            }
        }

        impl sqlx::postgres::PgHasArrayType for $name {
            fn array_type_info() -> sqlx::postgres::PgTypeInfo {
                <&str as sqlx::postgres::PgHasArrayType>::array_type_info()
            }
        }
    };
}

text_enum!(
    /// What a person may do beyond their own accounts.
    UserRole, "role", { Member => "member", Admin => "admin" }
);

text_enum!(
    /// A seat on an account team.
    TeamRole, "team role", {
        Owner => "owner", Sa => "sa", Csm => "csm", Tam => "tam", Renewals => "renewals",
        Sdr => "sdr", Partner => "partner", Leader => "leader",
    }
);

impl TeamRole {
    pub fn label(self) -> &'static str {
        match self {
            TeamRole::Owner => "Owner",
            TeamRole::Sa => "SA",
            TeamRole::Csm => "CSM",
            TeamRole::Tam => "TAM",
            TeamRole::Renewals => "Renewals",
            TeamRole::Sdr => "SDR",
            TeamRole::Partner => "Partner",
            TeamRole::Leader => "Leader",
        }
    }
}

text_enum!(
    PlanType, "plan type", {
        Land => "land", Expand => "expand", Opportunity => "opportunity", Command => "command",
        Success => "success",
    }
);

text_enum!(PlanStatus, "plan status", { Draft => "draft", Active => "active", Closed => "closed" });

text_enum!(ActionStatus, "action status", { Open => "open", Done => "done", Cancelled => "cancelled" });

text_enum!(Influence, "influence", { High => "high", Medium => "medium", Low => "low" });

text_enum!(
    BuyingRole, "buying role", {
        Champion => "champion", EconomicBuyer => "economic_buyer", TechnicalBuyer => "technical_buyer",
        Influencer => "influencer", User => "user", Blocker => "blocker",
    }
);

impl BuyingRole {
    pub fn label(self) -> &'static str {
        match self {
            BuyingRole::Champion => "champion",
            BuyingRole::EconomicBuyer => "economic buyer",
            BuyingRole::TechnicalBuyer => "technical buyer",
            BuyingRole::Influencer => "influencer",
            BuyingRole::User => "user",
            BuyingRole::Blocker => "blocker",
        }
    }
}

text_enum!(Sentiment, "sentiment", { Promoter => "promoter", Neutral => "neutral", Detractor => "detractor" });

text_enum!(
    /// The DevSecOps stage a whitespace row covers.
    Stage, "stage", {
        Plan => "plan", Create => "create", Verify => "verify", Package => "package",
        Secure => "secure", Release => "release", Configure => "configure", Monitor => "monitor",
        Govern => "govern",
    }
);

impl Stage {
    /// The stage's name as the whitespace map shows it.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Plan => "Plan",
            Stage::Create => "Create",
            Stage::Verify => "Verify",
            Stage::Package => "Package",
            Stage::Secure => "Secure",
            Stage::Release => "Release",
            Stage::Configure => "Configure",
            Stage::Monitor => "Monitor",
            Stage::Govern => "Govern",
        }
    }
}

text_enum!(Appetite, "appetite", { None => "none", Low => "low", Medium => "medium", High => "high" });

text_enum!(
    /// The kinds of direct message a person can turn off.
    DmKind, "notification kind", {
        Nudge => "nudge", Escalation => "escalation", Deadline => "deadline", Digest => "digest",
        Stale => "stale", Intel => "intel", Sponsor => "sponsor",
    }
);

text_enum!(DigestFrequency, "digest frequency", { Off => "off", Daily => "daily", Weekly => "weekly" });

text_enum!(
    /// An attribute of a tracked sponsor whose change planbot reports.
    SponsorAttribute, "sponsor attribute", { Title => "title", Company => "company", Location => "location" }
);

text_enum!(
    /// What kind of event a company-intelligence item reports about an
    /// account.
    IntelCategory, "intel category", {
        /// Equity or debt raised: venture rounds, IPOs, listings, loans.
        Funding => "funding",
        /// M&A: acquisitions, mergers, takeovers, stake purchases, divestitures.
        Acquisition => "acquisition",
        /// Executives or board members appointed, departing or replaced.
        LeadershipChange => "leadership_change",
        /// Job cuts, redundancies, furloughs, hiring freezes, plant closures.
        Layoffs => "layoffs",
        /// Financial results, guidance, dividends, buybacks.
        Earnings => "earnings",
        /// New products, features, releases and general availability.
        ProductLaunch => "product_launch",
        /// Partnerships, alliances, joint ventures and won contracts.
        Partnership => "partnership",
        /// Lawsuits, fines, probes, regulatory actions and approvals, recalls.
        LegalRegulatory => "legal_regulatory",
        /// Breaches, hacks, ransomware and other attacks (weakly: outages).
        SecurityIncident => "security_incident",
        /// Anything without a recognised cue.
        Other => "other",
    },
    // Names people type in Slack commands, and the labels that are not
    // names already ("Legal & regulatory" reads as `legal_&_regulatory`).
    aliases {
        "fundraising" | "raise" | "ipo" => Funding,
        "m&a" | "m_&_a" | "mna" | "m_and_a" | "merger" | "mergers" | "acquisitions" | "acq" => Acquisition,
        "leadership" | "exec" | "execs" | "executive" | "people" => LeadershipChange,
        "layoff" | "job_cuts" | "cuts" => Layoffs,
        "results" | "financials" => Earnings,
        "product" | "launch" | "products" => ProductLaunch,
        "partner" | "partnerships" | "alliance" => Partnership,
        "legal" | "regulatory" | "legal_&_regulatory" | "legal_and_regulatory" | "lawsuit" => LegalRegulatory,
        "security" | "breach" | "incident" | "cyber" => SecurityIncident,
    },
    error ParseIntelCategoryError
);

impl IntelCategory {
    /// Human-readable name for Slack messages.
    pub fn label(self) -> &'static str {
        match self {
            IntelCategory::Funding => "Funding",
            IntelCategory::Acquisition => "Acquisition",
            IntelCategory::LeadershipChange => "Leadership change",
            IntelCategory::Layoffs => "Layoffs",
            IntelCategory::Earnings => "Earnings",
            IntelCategory::ProductLaunch => "Product launch",
            IntelCategory::Partnership => "Partnership",
            IntelCategory::LegalRegulatory => "Legal & regulatory",
            IntelCategory::SecurityIncident => "Security incident",
            IntelCategory::Other => "Other",
        }
    }

    /// Slack emoji shortcode shown beside items of this category.
    pub fn emoji(self) -> &'static str {
        match self {
            IntelCategory::Funding => ":moneybag:",
            IntelCategory::Acquisition => ":briefcase:",
            IntelCategory::LeadershipChange => ":bust_in_silhouette:",
            IntelCategory::Layoffs => ":chart_with_downwards_trend:",
            IntelCategory::Earnings => ":bar_chart:",
            IntelCategory::ProductLaunch => ":rocket:",
            IntelCategory::Partnership => ":handshake:",
            IntelCategory::LegalRegulatory => ":scales:",
            IntelCategory::SecurityIncident => ":rotating_light:",
            IntelCategory::Other => ":newspaper:",
        }
    }
}

/// A string that names no [`IntelCategory`]. Worded as the intel API has
/// always answered, with the input exactly as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseIntelCategoryError {
    input: String,
}

impl ParseIntelCategoryError {
    fn new(input: &str) -> Self {
        ParseIntelCategoryError { input: input.to_owned() }
    }
}

impl fmt::Display for ParseIntelCategoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown intel category {:?}; expected one of: ", self.input)?;
        for (i, c) in IntelCategory::ALL.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(c.as_str())?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseIntelCategoryError {}

/// An account's strategic rank: 1 is the most strategic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rank(i16);

impl Rank {
    pub fn new(value: i16) -> Result<Self, UnknownName> {
        if (1..=3).contains(&value) {
            Ok(Rank(value))
        } else {
            Err(UnknownName { what: "rank", value: value.to_string(), valid: "1, 2, 3".into() })
        }
    }
    pub fn get(self) -> i16 {
        self.0
    }
}

impl FromStr for Rank {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || UnknownName { what: "rank", value: s.trim().to_string(), valid: "1, 2, 3".into() };
        s.trim().parse::<i16>().map_err(|_| bad()).and_then(|n| Rank::new(n).map_err(|_| bad()))
    }
}

impl fmt::Display for Rank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_forgivingly_and_round_trip() {
        assert_eq!("Economic Buyer".parse::<BuyingRole>().unwrap(), BuyingRole::EconomicBuyer);
        assert_eq!("economic-buyer".parse::<BuyingRole>().unwrap(), BuyingRole::EconomicBuyer);
        for stage in Stage::ALL {
            assert_eq!(stage.as_str().parse::<Stage>().unwrap(), *stage);
        }
    }

    #[test]
    fn an_unknown_name_lists_the_valid_ones() {
        let err = "chmpion".parse::<BuyingRole>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "`chmpion` is not a valid buying role; use one of: champion, economic_buyer, \
             technical_buyer, influencer, user, blocker"
        );
    }

    #[test]
    fn rank_is_one_to_three() {
        assert_eq!("2".parse::<Rank>().unwrap().get(), 2);
        assert!("4".parse::<Rank>().is_err());
        assert!("first".parse::<Rank>().is_err());
    }

    #[test]
    fn category_names_round_trip_and_aliases_parse() {
        use IntelCategory::*;
        for &c in IntelCategory::ALL {
            assert_eq!(c.as_str().parse::<IntelCategory>(), Ok(c));
            assert_eq!(c.as_str().to_uppercase().parse::<IntelCategory>(), Ok(c));
            assert_eq!(c.label().parse::<IntelCategory>(), Ok(c), "{}", c.label());
            assert_eq!(c.to_string(), c.as_str());
        }
        let aliases = [
            ("m&a", Acquisition),
            ("M&A", Acquisition),
            ("security", SecurityIncident),
            ("Leadership", LeadershipChange),
            ("legal", LegalRegulatory),
            ("product", ProductLaunch),
            (" leadership-change ", LeadershipChange),
        ];
        for (s, want) in aliases {
            assert_eq!(s.parse::<IntelCategory>(), Ok(want), "{s:?}");
        }
    }

    #[test]
    fn every_category_alias_parses_as_typed_in_slack() {
        use IntelCategory::*;
        let aliases = [
            (Funding, &["fundraising", "raise", "ipo", "IPO"][..]),
            (
                Acquisition,
                &["m&a", "m & a", "M&A", "mna", "m and a", "m-and-a", "merger", "mergers", "acquisitions", "acq"],
            ),
            (LeadershipChange, &["leadership", "exec", "execs", "executive", "people"]),
            (Layoffs, &["layoff", "job cuts", "job-cuts", "cuts"]),
            (Earnings, &["results", "financials"]),
            (ProductLaunch, &["product", "launch", "products"]),
            (Partnership, &["partner", "partnerships", "alliance"]),
            (
                LegalRegulatory,
                &["legal", "regulatory", "Legal & regulatory", "legal and regulatory", "lawsuit"],
            ),
            (SecurityIncident, &["security", "breach", "incident", "cyber"]),
        ];
        for (want, names) in aliases {
            for name in names {
                assert_eq!(name.parse::<IntelCategory>(), Ok(want), "{name:?}");
            }
        }
        for name in ["fund", "legal&regulatory", "partner ship", "leadership__change", ""] {
            assert!(name.parse::<IntelCategory>().is_err(), "{name:?}");
        }
    }

    #[test]
    fn unknown_category_names_are_rejected_with_the_valid_names() {
        let err = "gossip".parse::<IntelCategory>().unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("\"gossip\""), "{msg}");
        for c in IntelCategory::ALL {
            assert!(msg.contains(c.as_str()), "{msg} lacks {}", c.as_str());
        }
        assert_eq!(
            " gossip ".parse::<IntelCategory>().unwrap_err().to_string(),
            "unknown intel category \" gossip \"; expected one of: funding, acquisition, \
             leadership_change, layoffs, earnings, product_launch, partnership, legal_regulatory, \
             security_incident, other"
        );
    }

    #[test]
    fn labels_and_emoji_are_distinct_slack_codes() {
        use IntelCategory::*;
        let mut labels: Vec<&str> = IntelCategory::ALL.iter().map(|c| c.label()).collect();
        let mut emoji: Vec<&str> = IntelCategory::ALL.iter().map(|c| c.emoji()).collect();
        labels.sort_unstable();
        labels.dedup();
        emoji.sort_unstable();
        emoji.dedup();
        assert_eq!(labels.len(), 10);
        assert_eq!(emoji.len(), 10);
        for e in emoji {
            assert!(e.len() > 2 && e.starts_with(':') && e.ends_with(':'), "{e}");
        }
        assert_eq!(LeadershipChange.label(), "Leadership change");
        assert_eq!(SecurityIncident.label(), "Security incident");
    }
}

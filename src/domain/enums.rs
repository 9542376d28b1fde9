//! The closed vocabularies of the plan store. Each is stored as text in
//! PostgreSQL (where a check constraint holds the same list) and parsed from
//! user input and CSV cells with an error that lists the valid names.

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

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

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
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == wanted)
                    .ok_or_else(|| UnknownName {
                        what: $what,
                        value: s.trim().to_string(),
                        valid: $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
                    })
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
}

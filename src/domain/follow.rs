//! What `/plan follow Acme: funding, layoffs` asks for: an account, and the
//! kinds of news wanted (none named: every kind).
//!
//! It owns that parser; it imports only the category vocabulary from
//! [`super::enums`].

use super::enums::IntelCategory;

/// An account as typed, and the categories chosen after a colon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowTarget {
    pub account: String,
    pub categories: Vec<IntelCategory>,
}

/// Splits `Acme: funding, layoffs and m&a` into the account and the
/// categories (names, labels or the aliases of [`IntelCategory`]'s parser,
/// separated by commas or "and"). A word that is no category is refused
/// with the list of valid ones.
pub fn parse_follow_target(text: &str) -> Result<FollowTarget, String> {
    let Some((account, wanted)) = text.rsplit_once(':') else {
        return Ok(FollowTarget { account: text.trim().to_string(), categories: Vec::new() });
    };
    let mut categories = Vec::new();
    let mut unknown = Vec::new();
    for part in wanted.split([',', ';']).flat_map(|p| p.split(" and ")).map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<IntelCategory>() {
            Ok(category) if !categories.contains(&category) => categories.push(category),
            Ok(_) => {}
            Err(_) => unknown.push(format!("`{part}`")),
        }
    }
    if !unknown.is_empty() {
        let valid: Vec<&str> = IntelCategory::ALL.iter().map(|c| c.as_str()).collect();
        return Err(format!(
            "{} {} not a kind of news I know. Choose from {}, like `/plan follow {}: funding, leadership_change`.",
            unknown.join(", "),
            if unknown.len() == 1 { "is" } else { "are" },
            valid.join(", "),
            account.trim()
        ));
    }
    Ok(FollowTarget { account: account.trim().to_string(), categories })
}

#[cfg(test)]
mod tests {
    use super::*;
    use IntelCategory::*;

    #[test]
    fn an_account_alone_follows_everything() {
        assert_eq!(parse_follow_target(" Acme Corp ").unwrap(), FollowTarget { account: "Acme Corp".into(), categories: vec![] });
    }

    #[test]
    fn categories_after_a_colon_are_read_forgivingly() {
        let target = parse_follow_target("Acme: funding, Leadership change and m&a, funding").unwrap();
        assert_eq!(target.account, "Acme");
        assert_eq!(target.categories, vec![Funding, LeadershipChange, Acquisition]);
    }

    #[test]
    fn an_unknown_category_is_refused_with_the_valid_ones() {
        let err = parse_follow_target("Acme: funding, gossip").unwrap_err();
        assert!(err.starts_with("`gossip` is not a kind of news I know. Choose from funding, acquisition,"), "{err}");
        assert!(err.contains("`/plan follow Acme: funding, leadership_change`"), "{err}");
    }
}

//! What planbot calls a typo, once for every reader of what people type
//! (subcommands, keywords of a question, date words, account names): a
//! letter wrong, missing or extra, or two neighbouring letters swapped.
//! Each of those is one edit (the optimal string alignment distance).

/// How many typos apart two words are.
pub fn edits(typed: &str, word: &str) -> usize {
    strsim::osa_distance(typed, word)
}

/// Whether `typed` is `word` with exactly one typo.
pub fn one_typo_from(typed: &str, word: &str) -> bool {
    edits(typed, word) == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_slip_is_one_typo_and_two_slips_are_two() {
        for (typed, word) in [("akme", "acme"), ("acm", "acme"), ("acmee", "acme"), ("amce", "acme"), ("corporaton", "corporation")] {
            assert!(one_typo_from(typed, word), "{typed} → {word}");
        }
        assert!(!one_typo_from("acme", "acme"), "the word itself is not a typo of it");
        assert_eq!(edits("amke", "acme"), 2);
        assert!(!one_typo_from("glbx", "globex"), "two letters missing are two typos");
    }
}

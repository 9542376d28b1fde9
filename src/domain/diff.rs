//! A small word-level diff: what was added to and removed from an edited
//! text, shortened for a one-line "what changed". Plan sections are a few
//! paragraphs, so a plain longest-common-subsequence over the words that
//! differ (after the common start and end are set aside) is enough; a text
//! too long for that is reported as rewritten.

use super::text::brief;

/// A run of words the edit kept, added or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    Same(String),
    Added(String),
    Removed(String),
}

/// Past this many cells the middle of two texts is treated as replaced.
const MAX_CELLS: usize = 4_000_000;

/// The runs that turn `old` into `new`, word by word (whitespace is not a change).
pub fn word_diff(old: &str, new: &str) -> Vec<Run> {
    let a: Vec<&str> = old.split_whitespace().collect();
    let b: Vec<&str> = new.split_whitespace().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (mid_a, mid_b) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);

    let mut ops: Vec<(u8, &str)> = a[..prefix].iter().map(|w| (0, *w)).collect();
    if mid_a.len().saturating_mul(mid_b.len()) > MAX_CELLS {
        ops.extend(mid_a.iter().map(|w| (2, *w)));
        ops.extend(mid_b.iter().map(|w| (1, *w)));
    } else {
        // lengths[i][j]: the longest common subsequence of mid_a[i..] and mid_b[j..].
        let (n, m) = (mid_a.len(), mid_b.len());
        let mut lengths = vec![0u32; (n + 1) * (m + 1)];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lengths[i * (m + 1) + j] = if mid_a[i] == mid_b[j] {
                    lengths[(i + 1) * (m + 1) + j + 1] + 1
                } else {
                    lengths[(i + 1) * (m + 1) + j].max(lengths[i * (m + 1) + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && mid_a[i] == mid_b[j] {
                ops.push((0, mid_a[i]));
                i += 1;
                j += 1;
            } else if j < m && (i == n || lengths[i * (m + 1) + j + 1] >= lengths[(i + 1) * (m + 1) + j]) {
                ops.push((1, mid_b[j]));
                j += 1;
            } else {
                ops.push((2, mid_a[i]));
                i += 1;
            }
        }
    }
    ops.extend(a[a.len() - suffix..].iter().map(|w| (0, *w)));

    let mut runs: Vec<Run> = Vec::new();
    for (kind, word) in ops {
        let extend = |text: &mut String| {
            text.push(' ');
            text.push_str(word);
        };
        match (runs.last_mut(), kind) {
            (Some(Run::Same(text)), 0) | (Some(Run::Added(text)), 1) | (Some(Run::Removed(text)), 2) => extend(text),
            _ => runs.push(match kind {
                0 => Run::Same(word.to_string()),
                1 => Run::Added(word.to_string()),
                _ => Run::Removed(word.to_string()),
            }),
        }
    }
    runs
}

/// The edit in a few words: `added “…”; removed “…”`, each quote cut at a
/// word to about `max_quote` characters, at most three of each, the whole
/// at most `max_chars`. An unchanged text gives `None`.
pub fn describe_edit(old: &str, new: &str, max_quote: usize, max_chars: usize) -> Option<String> {
    let (old, new) = (old.trim(), new.trim());
    if old.is_empty() && new.is_empty() {
        return None;
    }
    if old.is_empty() {
        return Some(format!("wrote “{}”", brief(new, max_quote.max(max_chars / 2))));
    }
    if new.is_empty() {
        return Some(format!("cleared it (was “{}”)", brief(old, max_quote)));
    }
    let runs = word_diff(old, new);
    let added: Vec<&String> = runs.iter().filter_map(|r| if let Run::Added(t) = r { Some(t) } else { None }).collect();
    let removed: Vec<&String> = runs.iter().filter_map(|r| if let Run::Removed(t) = r { Some(t) } else { None }).collect();
    if added.is_empty() && removed.is_empty() {
        return None;
    }
    let quote = |texts: &[&String]| {
        let mut quoted: Vec<String> = texts.iter().take(3).map(|t| format!("“{}”", brief(t, max_quote))).collect();
        if texts.len() > 3 {
            quoted.push(format!("and {} more", texts.len() - 3));
        }
        quoted.join(", ")
    };
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("added {}", quote(&added)));
    }
    if !removed.is_empty() {
        parts.push(format!("removed {}", quote(&removed)));
    }
    Some(brief(&parts.join("; "), max_chars))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_added_and_removed_are_found_between_what_stayed() {
        let runs = word_diff("budget freeze in Q1 may delay rollout", "budget freeze in Q2 may delay the EMEA rollout");
        assert_eq!(
            runs,
            vec![
                Run::Same("budget freeze in".into()),
                Run::Added("Q2".into()),
                Run::Removed("Q1".into()),
                Run::Same("may delay".into()),
                Run::Added("the EMEA".into()),
                Run::Same("rollout".into()),
            ]
        );
    }

    #[test]
    fn an_edit_is_described_in_a_few_words() {
        let said = describe_edit("Budget freeze in Q1.", "Budget freeze in Q1. New CISO prefers GitHub.", 80, 300).unwrap();
        assert_eq!(said, "added “New CISO prefers GitHub.”");
        assert_eq!(describe_edit("same  text", "same text", 80, 300), None);
        assert!(describe_edit("", "fresh", 80, 300).unwrap().starts_with("wrote"));
        assert!(describe_edit("gone", "", 80, 300).unwrap().starts_with("cleared"));
    }

    #[test]
    fn long_edits_are_shortened() {
        let old = "word ".repeat(50);
        let new = format!("{old} {}", "added ".repeat(200));
        let said = describe_edit(&old, &new, 60, 120).unwrap();
        assert!(said.chars().count() <= 120, "{said}");
        assert!(said.contains('…'));
    }

    #[test]
    fn huge_texts_do_not_blow_up() {
        let old: String = (0..5000).map(|i| format!("a{i} ")).collect();
        let new: String = (0..5000).map(|i| format!("b{i} ")).collect();
        let runs = word_diff(&old, &new);
        assert_eq!(runs.len(), 2);
    }
}

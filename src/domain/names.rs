//! Forgiving account-name matching.
//!
//! People type account names the way they say them: "acme", "ACME Inc.",
//! "umbrela", "stark". Names are reduced to a comparison key ([`match_key`]),
//! keys are compared with [`score`], and [`resolve`] turns the scores into a
//! decision that prefers asking ("did you mean…?") over guessing wrong, because
//! summarising the wrong customer's plan is worse than one extra click.

use std::collections::HashSet;

use strsim::jaro_winkler;

use super::typo::edits;

/// Words that only say what kind of legal entity a company is. People leave
/// them out when they talk, so they carry no signal for matching.
const LEGAL_SUFFIXES: &str = "inc incorporated corp corporation co company llc ltd limited plc \
    gmbh ag sa sas bv nv pty oy ab srl spa kk";

/// Words too common to identify an account when typed on their own
/// ("of" should not match "Bank of America").
const CONNECTING_WORDS: &str = "and of the for de del la le du von van der y et";

/// Names and keys are compared on at most this many characters. Real account
/// names are far shorter; the cap bounds the edit-distance work when someone
/// pastes a paragraph.
const MAX_NAME_CHARS: usize = 120;

/// Score of a query equal to the whole key.
const EXACT_SCORE: f64 = 1.0;
/// Weight when the query equals the leading words of the name ("stark" for
/// "stark industries"): strong, but the name says more than the user did.
const LEADING_WORDS_WEIGHT: f64 = 0.92;
/// Weight when the query equals later words of the name ("enterprises" for
/// "wayne enterprises"): people usually start with the distinctive part.
const INNER_WORDS_WEIGHT: f64 = 0.88;
/// Score of a query that is the beginning of a name but stops inside a word
/// ("glob" for "globex"), before adding credit for how much of the word was typed.
const PARTIAL_WORD_BASE: f64 = 0.7;
/// Extra credit for a partial word typed in full, scaled by the share typed.
const PARTIAL_WORD_COVERAGE: f64 = 0.15;
/// Shortest beginning of a name worth matching on: "ac" starts too many names.
const MIN_PARTIAL_WORD_CHARS: usize = 3;
/// A typo is weaker evidence than an exact word, so even a near-perfect typo
/// scores below any exact word match of the same kind.
const TYPO_WEIGHT: f64 = 0.9;
/// Jaro-Winkler similarity a typo must keep. It rewards a shared beginning, so
/// it keeps "acm"→"acme" (0.94) while refusing "abc"→"abd" (0.82) and
/// "nike"→"mike" (0.83), which are one edit apart but read as other words.
const MIN_TYPO_SHAPE: f64 = 0.85;
/// How far ahead the best candidate must be to be picked without asking.
/// An exact word (0.92) beats a one-letter typo of a short word (at most
/// about 0.85) comfortably, while two names that are each one typo away from
/// the query land within a few hundredths of each other and get asked about.
pub const CLEAR_MARGIN: f64 = 0.05;
/// Longest list of accounts offered when the query is ambiguous.
pub const MAX_CHOICES: usize = 5;

/// Key used to compare account names: lowercase, accents folded for common
/// Latin letters (é→e, ü→u, ß→ss ...), `&` → "and", punctuation removed,
/// legal-entity suffixes dropped ("inc", "corp", "llc", "gmbh" ...), a leading
/// "the" dropped, words joined by single spaces.
///
/// Apostrophes and dots join the letters around them ("McDonald's" →
/// "mcdonalds", "S.A." → "sa"); other punctuation separates words
/// ("Coca-Cola" → "coca cola"). Suffixes are dropped from the end only, together
/// with an "and" that links them ("Smith & Co" → "smith"). Never returns empty
/// for a non-empty name made of letters: if dropping suffixes would leave
/// nothing, they are kept ("The Company" → "company"). Only the first
/// 120 characters of `name` are considered.
#[must_use]
pub fn match_key(name: &str) -> String {
    let mut key = String::new();
    write_match_key(name, &mut String::new(), &mut key);
    key
}

/// [`match_key`] writing into `key`, with `scratch` as working space, so that
/// scanning thousands of candidates reuses two buffers instead of allocating.
fn write_match_key(name: &str, scratch: &mut String, key: &mut String) {
    scratch.clear();
    key.clear();
    fold_to_words(name, scratch);
    let word_count = scratch.split_whitespace().count();
    let leading_the =
        usize::from(word_count > 1 && scratch.split_whitespace().next() == Some("the"));
    let name_words = word_count - leading_the;
    let suffixes = trailing_suffix_count(scratch.split_whitespace().rev().take(name_words));
    // A name made only of suffixes ("The Company") keeps them rather than vanish.
    let kept = if suffixes < name_words {
        name_words - suffixes
    } else {
        name_words
    };
    for word in scratch.split_whitespace().skip(leading_the).take(kept) {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(word);
    }
}

/// One account the user may mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate<'a> {
    /// Account id.
    pub id: i64,
    /// Account name as stored.
    pub name: &'a str,
}

/// Outcome of [`resolve`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameMatch {
    /// The user clearly meant this account.
    One(i64),
    /// Several accounts fit about equally well; ask which one. Best first, at most five.
    Choose(Vec<i64>),
    /// Nothing plausible.
    NoMatch,
}

/// Similarity of two keys made by [`match_key`], from 0 (implausible) to 1 (equal).
///
/// Scores, highest first:
/// - 1.0: the keys are equal.
/// - 0.92: the query is the leading words of the name ("stark").
/// - 0.88: the query is a later run of words ("enterprises").
///   Both need a query of at least two letters that is not only connecting
///   words like "of".
/// - 0.7 to 0.85: the name starts with the query, which stops inside a word
///   ("glob" for "globex"); more of the word typed scores higher. At least
///   three letters.
/// - A plausible typo of the whole name or of its words: the weight above ×
///   0.9 × the mean of Jaro-Winkler and edit similarity, so about 0.6 to 0.89.
/// - 0.0: anything else.
///
/// A typo is plausible when it keeps the word's shape (Jaro-Winkler ≥ 0.85)
/// and needs few edits (insert, delete, change or swap of adjacent letters)
/// for its length: none under 3 letters, 1 for 3–7, 2 for 8–15, 3 beyond.
/// Any score above zero is a plausible match.
#[must_use]
pub fn score(query_key: &str, candidate_key: &str) -> f64 {
    let query = first_chars(query_key.trim(), MAX_NAME_CHARS);
    let candidate = first_chars(candidate_key.trim(), MAX_NAME_CHARS);
    if query.is_empty() || candidate.is_empty() {
        return 0.0;
    }
    if query == candidate {
        return EXACT_SCORE;
    }
    let mut best =
        view_score(query, candidate, EXACT_SCORE).max(partial_word_score(query, candidate));

    let query_word_count = query.split(' ').count();
    let candidate_word_count = candidate.split(' ').count();
    if candidate_word_count <= query_word_count || !can_stand_for_part_of_a_name(query) {
        return best;
    }
    // Every run of as many consecutive words as the query has.
    let word_starts =
        std::iter::once(0).chain(candidate.match_indices(' ').map(|(space, _)| space + 1));
    let word_ends = candidate
        .match_indices(' ')
        .map(|(space, _)| space)
        .chain(std::iter::once(candidate.len()));
    let runs = word_starts.zip(word_ends.skip(query_word_count - 1));
    for (position, (start, end)) in runs.enumerate() {
        let weight = if position == 0 {
            LEADING_WORDS_WEIGHT
        } else {
            INNER_WORDS_WEIGHT
        };
        best = best.max(view_score(query, &candidate[start..end], weight));
    }
    best
}

/// Picks the account a user meant among candidates (already restricted to
/// accounts they may see).
///
/// An exact key match wins outright; several exact matches are offered as a
/// choice. Otherwise the best plausible candidate is picked only when it leads
/// the runner-up by at least [`CLEAR_MARGIN`]; when it does not, the plausible
/// candidates are offered best first (at most [`MAX_CHOICES`]). Candidates
/// sharing an id count once, at their best score, so aliases can be passed as
/// extra candidates.
#[must_use]
pub fn resolve(query: &str, candidates: &[Candidate<'_>]) -> NameMatch {
    let query_key = match_key(query);
    if query_key.is_empty() {
        return NameMatch::NoMatch;
    }

    let mut exact_ids = Vec::new();
    let mut plausible: Vec<(f64, i64)> = Vec::new();
    let (mut scratch, mut key) = (String::new(), String::new());
    for candidate in candidates {
        write_match_key(candidate.name, &mut scratch, &mut key);
        if key == query_key {
            exact_ids.push(candidate.id);
            continue;
        }
        let similarity = score(&query_key, &key);
        if similarity > 0.0 {
            plausible.push((similarity, candidate.id));
        }
    }

    let exact_ids = unique_ids(exact_ids);
    match exact_ids.len() {
        0 => {}
        1 => return NameMatch::One(exact_ids[0]),
        _ => return NameMatch::Choose(exact_ids.into_iter().take(MAX_CHOICES).collect()),
    }

    plausible.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    // Sorted best first, so keeping an id's first occurrence keeps its best score.
    let mut seen = HashSet::with_capacity(plausible.len());
    plausible.retain(|&(_, id)| seen.insert(id));
    match plausible.as_slice() {
        [] => NameMatch::NoMatch,
        [(_, only)] => NameMatch::One(*only),
        [(best_score, best), (runner_up_score, _), ..]
            if best_score - runner_up_score >= CLEAR_MARGIN =>
        {
            NameMatch::One(*best)
        }
        ranked => NameMatch::Choose(ranked.iter().take(MAX_CHOICES).map(|&(_, id)| id).collect()),
    }
}

/// The candidates a slip away from what was typed: one typo (a letter
/// wrong, missing, extra, or two swapped; see [`crate::domain::typo`]) from
/// the whole name as written ("acme corporaton"), its folded key, or one of
/// its words ("akme" for "Acme Corporation"); or two typos from a word of
/// six letters or more that starts with the same letter ("glbx" for Globex,
/// "initek" for Initech). The last resort of a name lookup, after exact and
/// similar names found nothing; one id is a match (and the reply says what
/// was understood), several are a choice.
#[must_use]
pub fn one_typo_away(query: &str, candidates: &[Candidate<'_>]) -> Vec<i64> {
    let typed = query.trim().to_lowercase();
    let typed_key = match_key(query);
    if typed_key.chars().count() < 3 {
        return Vec::new();
    }
    let slip = |word: &str| {
        let edits = crate::domain::typo::edits(&typed_key, word).min(crate::domain::typo::edits(&typed, word));
        let long_word = word.chars().count() >= 6 && typed_key.chars().count() >= 4;
        let same_start = word.chars().next() == typed_key.chars().next();
        edits == 1 || (edits == 2 && long_word && same_start)
    };
    let ids = candidates
        .iter()
        .filter(|candidate| {
            let lower = candidate.name.to_lowercase();
            let key = match_key(candidate.name);
            slip(&lower) || slip(&key) || key.split_whitespace().any(slip)
        })
        .map(|candidate| candidate.id)
        .collect();
    unique_ids(ids)
}

/// Score of `query` against one view of a candidate key (the whole key or a
/// run of its words), scaled by how much that view counts.
fn view_score(query: &str, view: &str, weight: f64) -> f64 {
    if query == view {
        return weight;
    }
    typo_similarity(query, view).map_or(0.0, |similarity| weight * TYPO_WEIGHT * similarity)
}

/// Score when `candidate` starts with `query` and the query ends inside a
/// word; zero otherwise (a query ending on a word boundary is a whole-word
/// prefix, scored higher by the caller).
fn partial_word_score(query: &str, candidate: &str) -> f64 {
    let Some(rest_of_name) = candidate.strip_prefix(query) else {
        return 0.0;
    };
    let typed_chars = query.chars().count();
    let untyped_chars = rest_of_name.split(' ').next().unwrap_or("").chars().count();
    if typed_chars < MIN_PARTIAL_WORD_CHARS || untyped_chars == 0 {
        return 0.0;
    }
    let word_start = query.rfind(' ').map_or(0, |space| space + 1);
    let typed_of_word = query[word_start..].chars().count();
    let coverage = typed_of_word as f64 / (typed_of_word + untyped_chars) as f64;
    PARTIAL_WORD_BASE + PARTIAL_WORD_COVERAGE * coverage
}

/// Similarity in 0..=1 when `typed` is a plausible misspelling of `intended`.
fn typo_similarity(typed: &str, intended: &str) -> Option<f64> {
    let typed_len = typed.chars().count();
    let intended_len = intended.chars().count();
    let budget = edit_budget(typed_len);
    // Each missing or extra letter costs an edit, so a length gap beyond the
    // budget rules the pair out before the costlier comparisons.
    if budget == 0
        || typed_len.abs_diff(intended_len) > budget
        || letter_count_gap(typed, intended) > budget
    {
        return None;
    }
    let shape = jaro_winkler(typed, intended);
    if shape < MIN_TYPO_SHAPE {
        return None;
    }
    let distance = edits(typed, intended);
    if distance > budget {
        return None;
    }
    let edit_similarity = 1.0 - distance as f64 / typed_len.max(intended_len) as f64;
    Some((shape + edit_similarity) / 2.0)
}

/// A cheap lower bound on the edit distance between `a` and `b`: letters one
/// has more of than the other each need an edit. Scanning 5,000 names, this
/// rejects nearly all of them before the costlier comparisons.
fn letter_count_gap(a: &str, b: &str) -> usize {
    // Letters, digits and the space get their own slot; every other character
    // shares the last one, which can only lower the bound, never raise it.
    fn slot(character: char) -> usize {
        match character {
            'a'..='z' => character as usize - 'a' as usize,
            '0'..='9' => 26 + character as usize - '0' as usize,
            ' ' => 36,
            _ => 37,
        }
    }
    let mut surplus = [0i32; 38];
    for character in a.chars() {
        surplus[slot(character)] += 1;
    }
    for character in b.chars() {
        surplus[slot(character)] -= 1;
    }
    let only_in_a: i32 = surplus.iter().filter(|&&n| n > 0).sum();
    let only_in_b: i32 = -surplus.iter().filter(|&&n| n < 0).sum::<i32>();
    only_in_a.max(only_in_b) as usize
}

/// Edits tolerated in a query of `len` characters. Two-letter queries must be
/// exact, since one edit would turn them into most other two-letter names.
fn edit_budget(len: usize) -> usize {
    if len < 3 { 0 } else { 1 + len / 8 }
}

/// Whether `query` may match only part of a longer name: a lone connecting
/// word or a single letter says nothing about which account is meant.
fn can_stand_for_part_of_a_name(query: &str) -> bool {
    query.chars().count() >= 2 && query.split(' ').any(|word| !listed(CONNECTING_WORDS, word))
}

/// Appends `name` to `folded` lowercased, with accents folded and with
/// spaces where it had punctuation; the result still needs splitting into words.
fn fold_to_words(name: &str, folded: &mut String) {
    for character in name.chars().take(MAX_NAME_CHARS) {
        match character {
            '&' => folded.push_str(" and "),
            '\'' | '’' | '‘' | '`' | '.' => {}
            // Combining accents (from decomposed "é") belong to the letter before.
            '\u{300}'..='\u{36f}' => {}
            c if c.is_ascii_alphanumeric() => folded.push(c.to_ascii_lowercase()),
            c if c.is_alphanumeric() => {
                for lower in c.to_lowercase() {
                    push_without_accent(lower, folded);
                }
            }
            _ => folded.push(' '),
        }
    }
}

/// Pushes `letter` with its accent removed, for the accented Latin letters
/// common in company names; any other character is pushed unchanged.
fn push_without_accent(letter: char, out: &mut String) {
    let plain = match letter {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ł' | 'ľ' | 'ĺ' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ř' => "r",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        other => {
            out.push(other);
            return;
        }
    };
    out.push_str(plain);
}

/// How many legal suffixes end a name, given its words last first, counting an
/// "and" that joins them to the name ("smith and co").
fn trailing_suffix_count<'w>(words_last_first: impl Iterator<Item = &'w str>) -> usize {
    let mut count = 0;
    for word in words_last_first {
        if listed(LEGAL_SUFFIXES, word) || (word == "and" && count > 0) {
            count += 1;
        } else {
            break;
        }
    }
    count
}

/// Whether `word` is one of the space-separated words of `list`.
fn listed(list: &str, word: &str) -> bool {
    list.split_ascii_whitespace().any(|listed| listed == word)
}

/// The longest prefix of `text` with at most `max` characters.
fn first_chars(text: &str, max: usize) -> &str {
    text.char_indices()
        .nth(max)
        .map_or(text, |(index, _)| &text[..index])
}

/// `ids` without repeats, keeping the first occurrence of each.
fn unique_ids(ids: Vec<i64>) -> Vec<i64> {
    let mut seen = HashSet::with_capacity(ids.len());
    ids.into_iter().filter(|id| seen.insert(*id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates<'a>(names: &[&'a str]) -> Vec<Candidate<'a>> {
        names
            .iter()
            .enumerate()
            .map(|(index, name)| Candidate {
                id: index as i64 + 1,
                name,
            })
            .collect()
    }

    /// A realistic book: ids are positions, starting at 1.
    const BOOK: &[&str] = &[
        "Acme Corporation",  // 1
        "Globex",            // 2
        "Initech",           // 3
        "Umbrella Corp",     // 4
        "Stark Industries",  // 5
        "Wayne Enterprises", // 6
        "United Airlines",   // 7
        "United Health",     // 8
        "Hooli",             // 9
        "Soylent Corp",      // 10
        "Bank of America",   // 11
        "Massive Dynamic",   // 12
    ];

    #[test]
    fn match_key_reduces_names_to_how_people_say_them() {
        let cases = [
            ("Acme Corporation", "acme"),
            ("ACME Inc.", "acme"),
            ("Acme, Corp", "acme"),
            ("acme", "acme"),
            ("The Coca-Cola Company", "coca cola"),
            ("Société Générale S.A.", "societe generale"),
            ("Müller GmbH", "muller"),
            ("Straße AG", "strasse"),
            ("Johnson & Johnson", "johnson and johnson"),
            ("Smith & Co.", "smith"),
            ("McDonald's", "mcdonalds"),
            ("  Stark   Industries  ", "stark industries"),
            ("Acme Holdings Pty Ltd", "acme holdings"),
            ("AB Volvo", "ab volvo"),
            ("The Company", "company"),
            ("Inc", "inc"),
            ("The", "the"),
            ("Co Ltd", "co ltd"),
            ("Re\u{301}sume\u{301} Labs", "resume labs"),
            ("3M", "3m"),
            ("", ""),
            ("!!!", ""),
        ];
        for (name, expected) in cases {
            assert_eq!(match_key(name), expected, "key of {name:?}");
        }
    }

    #[test]
    fn match_key_is_never_empty_for_a_name_with_letters() {
        for name in ["The", "Inc.", "Co & Co", "The Ltd", "AG", "ß", "É"] {
            assert!(!match_key(name).is_empty(), "key of {name:?} is empty");
        }
    }

    #[test]
    fn match_key_reads_only_the_start_of_an_overlong_name() {
        let long_name = "a".repeat(10_000);
        assert_eq!(match_key(&long_name).len(), MAX_NAME_CHARS);
    }

    #[test]
    fn score_ranks_evidence_from_exact_to_unrelated() {
        let cases: &[(&str, &str, f64, f64)] = &[
            // query key, candidate key, lowest accepted, highest accepted
            ("acme", "acme", 1.0, 1.0),
            ("stark", "stark industries", 0.92, 0.92),
            ("enterprises", "wayne enterprises", 0.88, 0.88),
            ("umbrela", "umbrella", 0.8, 0.9),
            ("acm", "acme", 0.7, 0.85),
            ("glob", "globex", 0.7, 0.85),
            ("stark ind", "stark industries", 0.7, 0.85),
            ("ac", "acme", 0.0, 0.0),
            ("acmee", "acme widgets", 0.6, 0.85),
            ("stark indstries", "stark industries", 0.85, 0.9),
            ("abc", "abd", 0.0, 0.0),
            ("umbrela", "umbra", 0.0, 0.0),
            ("ab", "abc", 0.0, 0.0),
            ("nike", "mike", 0.0, 0.0),
            ("ge", "ga", 0.0, 0.0),
            ("of", "bank of america", 0.0, 0.0),
            ("acme", "umbrella", 0.0, 0.0),
            ("initech", "initrode", 0.0, 0.0),
            ("", "acme", 0.0, 0.0),
            ("acme", "", 0.0, 0.0),
        ];
        for &(query, candidate, low, high) in cases {
            let similarity = score(query, candidate);
            assert!(
                (low..=high).contains(&similarity),
                "score({query:?}, {candidate:?}) = {similarity}, expected {low}..={high}"
            );
        }
    }

    #[test]
    fn letter_count_gap_never_exceeds_the_edit_distance() {
        let pairs = [
            ("acme", "acme"),
            ("acmee", "acme"),
            ("acme", "emca"),
            ("globx", "globex"),
            ("stark", "stark industries"),
            ("müller", "muller"),
            ("ab", "cd"),
            ("", "abc"),
        ];
        for (a, b) in pairs {
            let gap = letter_count_gap(a, b);
            assert!(gap <= edits(a, b), "{a:?} vs {b:?}: gap {gap}");
        }
        assert_eq!(letter_count_gap("ab", "cd"), 2);
        assert_eq!(letter_count_gap("acme", "emca"), 0);
    }

    #[test]
    fn score_stays_between_zero_and_one() {
        let keys = [
            "a",
            "ab",
            "acme",
            "acme corp",
            "stark industries",
            "x y z",
            "ééé",
        ];
        for query in keys {
            for candidate in keys {
                let similarity = score(query, candidate);
                assert!(
                    (0.0..=1.0).contains(&similarity),
                    "{query:?} vs {candidate:?}: {similarity}"
                );
            }
        }
    }

    #[test]
    fn resolve_picks_what_the_user_meant_or_asks() {
        use NameMatch::{Choose, NoMatch, One};
        let book = candidates(BOOK);
        let cases: Vec<(&str, NameMatch)> = vec![
            // exact keys
            ("acme", One(1)),
            ("ACME Inc.", One(1)),
            ("Acme, Corp", One(1)),
            ("the acme corporation", One(1)),
            ("GLOBEX", One(2)),
            // small typos
            ("acmee", One(1)),
            ("glob", One(2)),
            ("stark ind", One(5)),
            ("acm", One(1)),
            ("globx", One(2)),
            ("initch", One(3)),
            ("umbrela", One(4)),
            ("hooly", One(9)),
            ("stark indstries", One(5)),
            ("massive dynamics", One(12)),
            // words of a longer name
            ("stark", One(5)),
            ("wayne", One(6)),
            ("enterprises", One(6)),
            ("america", One(11)),
            ("united", Choose(vec![7, 8])),
            ("unitd", Choose(vec![7, 8])),
            // nothing shared
            ("lunch", NoMatch),
            ("zzz", NoMatch),
            ("xyz corp", NoMatch),
            ("of", NoMatch),
            ("a", NoMatch),
            ("", NoMatch),
            ("???", NoMatch),
        ];
        for (query, expected) in cases {
            assert_eq!(resolve(query, &book), expected, "resolving {query:?}");
        }
    }

    #[test]
    fn resolve_asks_when_names_are_equally_close() {
        use NameMatch::{Choose, One};
        let cases: Vec<(&[&str], &str, NameMatch)> = vec![
            (&["Acme Inc", "Acme Ltd"], "acme", Choose(vec![1, 2])),
            (&["Acne", "Acre"], "acme", Choose(vec![1, 2])),
            (&["Acme", "Acme Widgets"], "acme", One(1)),
            (&["Stark Industries", "Starks"], "stark", One(1)),
            (&["Initech", "Initrode"], "init", Choose(vec![1, 2])),
            (&["Globex", "Globe"], "globx", Choose(vec![1, 2])),
        ];
        for (names, query, expected) in cases {
            assert_eq!(
                resolve(query, &candidates(names)),
                expected,
                "{query:?} among {names:?}"
            );
        }
    }

    #[test]
    fn resolve_offers_at_most_five_choices_best_first() {
        let names = [
            "Acme One",
            "Acme Two",
            "Acme Three",
            "Acme Four",
            "Acme Five",
            "Acme Six",
            "Acm",
        ];
        let NameMatch::Choose(ids) = resolve("acme", &candidates(&names)) else {
            panic!("expected a choice");
        };
        assert_eq!(ids.len(), MAX_CHOICES);
        // Whole-word prefixes beat the typo "acm" and tie among themselves, so id order decides.
        assert_eq!(ids, vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn resolve_counts_aliases_of_one_account_once() {
        let book = [
            Candidate {
                id: 7,
                name: "International Business Machines",
            },
            Candidate { id: 7, name: "IBM" },
            Candidate {
                id: 7,
                name: "I.B.M.",
            },
            Candidate {
                id: 8,
                name: "Intel",
            },
        ];
        let cases = [
            ("ibm", NameMatch::One(7)),
            ("international", NameMatch::One(7)),
            // A typo close to two aliases of one account is still one account.
            ("ibmm", NameMatch::One(7)),
        ];
        for (query, expected) in cases {
            assert_eq!(resolve(query, &book), expected, "resolving {query:?}");
        }
    }

    #[test]
    fn resolve_offers_accounts_that_share_an_exact_key() {
        let book = [
            Candidate {
                id: 3,
                name: "Acme Inc",
            },
            Candidate {
                id: 9,
                name: "ACME Corp.",
            },
            Candidate {
                id: 4,
                name: "Acme Widgets",
            },
        ];
        assert_eq!(resolve("acme", &book), NameMatch::Choose(vec![3, 9]));
    }

    #[test]
    fn resolve_never_picks_a_name_sharing_nothing_with_the_query() {
        let book = candidates(BOOK);
        for query in [
            "q",
            "qq",
            "qqq",
            "zebra",
            "lunch plans",
            "how are you",
            "xyzzy inc",
        ] {
            assert_eq!(
                resolve(query, &book),
                NameMatch::NoMatch,
                "resolving {query:?}"
            );
        }
    }

    #[test]
    fn one_typo_finds_the_one_account_that_close_and_offers_a_choice_when_several_are() {
        let accounts = [
            Candidate { id: 1, name: "Acme Corporation" },
            Candidate { id: 2, name: "Globex Industries" },
            Candidate { id: 3, name: "Initech" },
            Candidate { id: 4, name: "Umbrella Health" },
        ];
        assert_eq!(one_typo_away("akme", &accounts), vec![1]);
        assert_eq!(one_typo_away("acme corporaton", &accounts), vec![1]);
        assert_eq!(one_typo_away("initec", &accounts), vec![3]);
        assert_eq!(one_typo_away("globx", &accounts), vec![2]);
        assert_eq!(one_typo_away("glbx", &accounts), vec![2], "two slips in a long word");
        assert_eq!(one_typo_away("initek", &accounts), vec![3]);
        assert!(one_typo_away("lbx", &accounts).is_empty(), "too short to guess");
        assert!(one_typo_away("lunch", &accounts).is_empty());
        let twins = [Candidate { id: 7, name: "Hooli" }, Candidate { id: 8, name: "Hoolu" }];
        assert_eq!(one_typo_away("hooly", &twins), vec![7, 8]);
    }
}

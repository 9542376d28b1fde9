//! Sponsor tracking: what a profile-tracking service observes of tracked
//! contacts, and which differences are real changes.
//!
//! A feature on the app layer: it may import `domain/`, `store/`, `render/`
//! and `intel/` (delivery windows); the ingest API calls it.
//!
//! A profile service reports what a page says today, and pages are edited
//! for reasons that are not news: "Acme" becomes "Acme Inc.", "VP,
//! Engineering" becomes "VP Engineering", "Seattle, WA" becomes "Seattle,
//! Washington, United States". Telling an account team about those would
//! teach them to ignore the one message that matters ("your champion left"),
//! so a change is reported only when the values differ after these rules:
//!
//! - **company**: the same [`match_key`] (case, punctuation, accents, a
//!   leading "The", legal suffixes like Inc, Corp, LLC, GmbH are ignored).
//! - **title**: case, punctuation and the filler words "of", "the", "for"
//!   are ignored, `&` reads "and", and common abbreviations are spelled out
//!   (VP, SVP, EVP, Sr, Jr, Dir, Mgr, Eng, Ops, GM, MD, Intl, CEO, CFO, COO,
//!   CTO, CIO, CISO, CMO, CRO). "VP, Engineering" = "Vice President of
//!   Engineering" = "vp engineering"; "VP Engineering" ≠ "SVP Engineering".
//!   Word order counts: "Engineering VP" is reported as a change.
//! - **location**: compared part by part (parts are separated by commas),
//!   with US state codes and common country names spelled out and
//!   "Greater … Area" reduced to the city; one location that only adds
//!   detail to the other ("Berlin" → "Berlin, Germany") is the same place.
//!   "Portland, OR" ≠ "Portland, ME".
//!
//! Whether a contact still works at the account ([`works_at`]) is looser:
//! the company must have the account's [`match_key`], or one must be the
//! other plus more words ("Globex" and "Globex Industries"), so a contact
//! recorded at a subsidiary or under a longer name is not reported as gone.

pub mod observe;

use crate::domain::enums::SponsorAttribute;
use crate::domain::names::match_key;

/// Whether `old` → `new` is a real change of `attribute` (see the module docs).
pub fn is_real_change(attribute: SponsorAttribute, old: &str, new: &str) -> bool {
    match attribute {
        SponsorAttribute::Title => title_key(old) != title_key(new),
        SponsorAttribute::Company => match_key(old) != match_key(new),
        SponsorAttribute::Location => !same_location(old, new),
    }
}

/// Whether someone whose company reads `company` works at the account named
/// `account_name`.
pub fn works_at(company: &str, account_name: &str) -> bool {
    let (company, account) = (match_key(company), match_key(account_name));
    if company.is_empty() || account.is_empty() {
        return false;
    }
    let starts_with_words = |long: &str, short: &str| long.strip_prefix(short).is_some_and(|rest| rest.starts_with(' '));
    company == account || starts_with_words(&company, &account) || starts_with_words(&account, &company)
}

/// Title words spelled out, so abbreviations and punctuation don't count as changes.
const TITLE_WORDS: &[(&str, &str)] = &[
    ("vp", "vice president"),
    ("svp", "senior vice president"),
    ("evp", "executive vice president"),
    ("avp", "assistant vice president"),
    ("sr", "senior"),
    ("snr", "senior"),
    ("jr", "junior"),
    ("dir", "director"),
    ("mgr", "manager"),
    ("eng", "engineering"),
    ("ops", "operations"),
    ("gm", "general manager"),
    ("md", "managing director"),
    ("intl", "international"),
    ("ceo", "chief executive officer"),
    ("cfo", "chief financial officer"),
    ("coo", "chief operating officer"),
    ("cto", "chief technology officer"),
    ("cio", "chief information officer"),
    ("ciso", "chief information security officer"),
    ("cmo", "chief marketing officer"),
    ("cro", "chief revenue officer"),
];

const TITLE_FILLER: &[&str] = &["of", "the", "for"];

/// A title reduced to what identifies the role.
pub fn title_key(title: &str) -> String {
    let words = plain_words(&title.replace('&', " and "));
    let mut out: Vec<&str> = Vec::new();
    for word in words.split_whitespace() {
        if TITLE_FILLER.contains(&word) {
            continue;
        }
        match TITLE_WORDS.iter().find(|(short, _)| *short == word) {
            Some((_, long)) => out.extend(long.split(' ')),
            None => out.push(word),
        }
    }
    out.join(" ")
}

/// Lowercase letters and digits; everything else separates words, except
/// apostrophes and dots, which join ("Int'l" → "intl", "U.S." → "us").
fn plain_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if c == '\'' || c == '’' || c == '.' {
            continue;
        } else {
            out.push(' ');
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

const US_STATES: &[(&str, &str)] = &[
    ("al", "alabama"), ("ak", "alaska"), ("az", "arizona"), ("ar", "arkansas"), ("ca", "california"),
    ("co", "colorado"), ("ct", "connecticut"), ("de", "delaware"), ("fl", "florida"), ("ga", "georgia"),
    ("hi", "hawaii"), ("id", "idaho"), ("il", "illinois"), ("in", "indiana"), ("ia", "iowa"),
    ("ks", "kansas"), ("ky", "kentucky"), ("la", "louisiana"), ("me", "maine"), ("md", "maryland"),
    ("ma", "massachusetts"), ("mi", "michigan"), ("mn", "minnesota"), ("ms", "mississippi"),
    ("mo", "missouri"), ("mt", "montana"), ("ne", "nebraska"), ("nv", "nevada"), ("nh", "new hampshire"),
    ("nj", "new jersey"), ("nm", "new mexico"), ("ny", "new york"), ("nc", "north carolina"),
    ("nd", "north dakota"), ("oh", "ohio"), ("ok", "oklahoma"), ("or", "oregon"), ("pa", "pennsylvania"),
    ("ri", "rhode island"), ("sc", "south carolina"), ("sd", "south dakota"), ("tn", "tennessee"),
    ("tx", "texas"), ("ut", "utah"), ("vt", "vermont"), ("va", "virginia"), ("wa", "washington"),
    ("wv", "west virginia"), ("wi", "wisconsin"), ("wy", "wyoming"), ("dc", "district of columbia"),
];

const COUNTRIES: &[(&str, &str)] = &[
    ("us", "united states"),
    ("usa", "united states"),
    ("united states of america", "united states"),
    ("uk", "united kingdom"),
    ("great britain", "united kingdom"),
    ("uae", "united arab emirates"),
    ("deutschland", "germany"),
];

/// One comma-separated part of a location, spelled out.
fn location_part(part: &str, is_first: bool) -> String {
    let mut words = plain_words(part);
    if is_first {
        if let Some(rest) = words.strip_prefix("greater ") {
            words = rest.to_string();
        }
        for suffix in [" metropolitan area", " metro area", " bay area", " area"] {
            if let Some(rest) = words.strip_suffix(suffix) {
                words = rest.to_string();
                break;
            }
        }
    }
    let expanded = US_STATES
        .iter()
        .chain(COUNTRIES)
        .find(|(short, _)| !is_first && *short == words)
        .map(|(_, long)| long.to_string());
    expanded.unwrap_or(words)
}

fn location_parts(location: &str) -> Vec<String> {
    location
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .enumerate()
        .map(|(i, p)| location_part(p, i == 0))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Whether two locations name the same place (see the module docs).
pub fn same_location(a: &str, b: &str) -> bool {
    let (a, b) = (location_parts(a), location_parts(b));
    if a.is_empty() || b.is_empty() {
        return a.is_empty() && b.is_empty();
    }
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    long.starts_with(short)
}

#[cfg(test)]
mod tests {
    use super::*;
    use SponsorAttribute::*;

    #[test]
    fn spelling_of_a_company_is_not_a_change() {
        for (old, new) in [
            ("Acme", "Acme Inc."),
            ("Acme Corporation", "ACME corp"),
            ("The Initech Company", "Initech"),
            ("Société Générale", "Societe Generale SA"),
            ("Smith & Co", "Smith and Co."),
        ] {
            assert!(!is_real_change(Company, old, new), "{old} → {new}");
        }
        assert!(is_real_change(Company, "Acme", "Initech"));
        assert!(is_real_change(Company, "Globex", "Globex Labs"));
    }

    #[test]
    fn titles_are_compared_without_punctuation_and_abbreviations() {
        for (old, new) in [
            ("VP, Engineering", "VP Engineering"),
            ("VP Engineering", "Vice President of Engineering"),
            ("Sr. Director, Platform & Infrastructure", "Senior Director Platform and Infrastructure"),
            ("CTO", "Chief Technology Officer"),
            ("Head of IT Ops", "head of it operations"),
            ("  Chief  Information Security Officer ", "CISO"),
        ] {
            assert!(!is_real_change(Title, old, new), "{old} → {new}");
        }
        for (old, new) in [
            ("VP Engineering", "SVP Engineering"),
            ("VP Engineering", "Chief Technology Officer"),
            ("Director of Sales", "Director of Marketing"),
            ("VP Engineering", "Engineering VP"),
        ] {
            assert!(is_real_change(Title, old, new), "{old} → {new}");
        }
    }

    #[test]
    fn locations_that_only_add_detail_are_the_same_place() {
        for (old, new) in [
            ("Seattle, WA", "Seattle, Washington, United States"),
            ("Berlin", "Berlin, Germany"),
            ("Greater Boston Area", "Boston, MA"),
            ("San Francisco Bay Area", "San Francisco, California"),
            ("London, UK", "London, United Kingdom"),
        ] {
            assert!(!is_real_change(Location, old, new), "{old} → {new}");
        }
        assert!(is_real_change(Location, "Portland, OR", "Portland, ME"));
        assert!(is_real_change(Location, "Berlin, Germany", "Munich, Germany"));
    }

    #[test]
    fn someone_at_a_longer_or_shorter_form_of_the_account_name_still_works_there() {
        assert!(works_at("Globex Industries", "Globex"));
        assert!(works_at("Acme Inc.", "Acme Corporation"));
        assert!(works_at("Acme", "Acme Labs"));
        assert!(!works_at("Initech", "Acme"));
        assert!(!works_at("Acmeworks", "Acme"));
        assert!(!works_at("", "Acme"));
    }
}

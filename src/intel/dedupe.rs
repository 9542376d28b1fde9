//! Duplicate detection for company-intelligence items: the canonical form
//! of an article link ([`normalize_link`]), the key of a headline
//! ([`headline_key`]) and whether two headlines tell the same story
//! ([`same_story`]). Storing and comparing whole items is
//! [`super::ingest`]'s job.
//!
//! Everything here is a pure function of its arguments. It imports `url`
//! and the classifier's tokeniser ([`super::classify`]), so a headline key
//! reads money and abbreviations the way the rules do; nothing else from
//! planbot.

use url::Url;

use super::classify::tokenize;

// ---------------------------------------------------------------------------
// Links
// ---------------------------------------------------------------------------

/// Query keys that only say where a click came from.
#[rustfmt::skip]
const TRACKING_KEYS: &[&str] = &[
    "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "twclid", "igshid", "mc_cid",
    "mc_eid", "ref", "ref_src", "ref_url", "referrer", "ocid", "sr_share", "smid", "smtyp", "spm",
    "mkt_tok", "_ga", "_gl", "guccounter", "guce_referrer", "guce_referrer_sig", "soc_src",
    "soc_trk", "s_cid", "wt.mc_id", "amp", "outputtype", "__twitter_impression", "at_medium",
    "at_campaign",
];
/// Query key prefixes that only say where a click came from (`CMP`, `cmpid`
/// and friends all start with `cmp`).
const TRACKING_PREFIXES: &[&str] = &["utm_", "cmp", "hsa_", "pk_", "mtm_", "_hs"];

fn is_tracking_param(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    TRACKING_KEYS.contains(&key.as_str()) || TRACKING_PREFIXES.iter().any(|p| key.starts_with(p))
}

/// Canonical form of an article link for dedupe: lowercase scheme+host,
/// `http`→`https`, drop `www.`/`m.`/`amp.` host prefixes, drop fragment, drop
/// tracking query params (utm_*, fbclid, gclid, mc_cid, mc_eid, ref, ref_src,
/// cmpid, ocid, sr_share, CMP...), sort remaining params, drop trailing slash
/// and `/amp` suffix, drop default ports. Unparseable input → trimmed
/// lowercase input.
///
/// User info is dropped, the path keeps its case (servers treat it as
/// case-sensitive), and remaining query pairs are re-encoded in
/// `application/x-www-form-urlencoded` style so `a%20b` and `a+b` agree.
/// Links with a scheme other than http(s) come back in the parser's
/// serialisation, untouched otherwise.
pub fn normalize_link(link: &str) -> String {
    let trimmed = link.trim();
    let Ok(url) = Url::parse(trimmed) else {
        return trimmed.to_lowercase();
    };
    if !matches!(url.scheme(), "http" | "https") {
        return url.into();
    }
    let Some(host) = url.host_str() else {
        return trimmed.to_lowercase();
    };
    let mut host = host.to_ascii_lowercase();
    'strip: loop {
        for prefix in ["www.", "m.", "amp."] {
            if let Some(rest) = host.strip_prefix(prefix)
                && rest.contains('.')
            {
                host = rest.to_owned();
                continue 'strip;
            }
        }
        break;
    }
    let mut path = url.path();
    loop {
        if let Some(p) = path.strip_suffix('/') {
            path = p;
        } else if path.len() >= 4 && path[path.len() - 4..].eq_ignore_ascii_case("/amp") {
            path = &path[..path.len() - 4];
        } else {
            break;
        }
    }
    let mut params: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_tracking_param(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    params.sort();

    let mut out = String::with_capacity(trimmed.len());
    out.push_str("https://");
    out.push_str(&host);
    // http's :443 becomes https's default; https's own default is already
    // elided by the parser.
    if let Some(port) = url.port().filter(|&p| p != 443) {
        out.push(':');
        out.push_str(&port.to_string());
    }
    out.push_str(path);
    if !params.is_empty() {
        out.push('?');
        out.push_str(
            &url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(params)
                .finish(),
        );
    }
    out
}

// ---------------------------------------------------------------------------
// Headline keys and story matching
// ---------------------------------------------------------------------------

/// Words that carry no story identity.
#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "for", "with", "by",
    "from", "as", "into", "onto", "over", "after", "amid", "via", "per", "than", "this", "that",
    "these", "those", "its", "it", "is", "are", "was", "were", "be", "been", "being", "has", "have",
    "had", "will", "would", "could", "should", "can", "may", "might", "do", "does", "did", "says",
    "said", "say", "tells", "told", "report", "reportedly", "sources", "source", "according", "s",
    "just",
];

/// Newsroom labels that prefix a headline: "Exclusive: ...", "UPDATE 2-...".
#[rustfmt::skip]
const KICKERS: &[&str] = &[
    "exclusive", "breaking", "breaking news", "update", "updated", "live", "analysis", "opinion",
    "factbox", "explainer", "insight", "scoop", "just in", "developing", "corrected", "correction",
    "refile", "brief", "buzz", "watch", "video", "podcast",
];

fn strip_kicker(h: &str) -> &str {
    // "Exclusive: Acme in talks ..." / "BREAKING: ..."
    if let Some((prefix, rest)) = h.split_once(':')
        && KICKERS.contains(&prefix.trim().to_lowercase().as_str())
    {
        return rest.trim_start();
    }
    // Wire style "UPDATE 2-Acme ...": an upper-case label, optional number.
    if let Some((prefix, rest)) = h.split_once('-') {
        let mut words = prefix.split_whitespace();
        let label_ok = words.next().is_some_and(|w| {
            w.chars().all(|c| c.is_ascii_uppercase())
                && KICKERS.contains(&w.to_lowercase().as_str())
        });
        if label_ok && words.all(|w| w.chars().all(|c| c.is_ascii_digit())) {
            return rest.trim_start();
        }
    }
    h
}

/// Does the text after a trailing separator look like a publication name
/// ("Reuters", "The Wall Street Journal", "finance.yahoo.com") rather than
/// the rest of the headline ("revenue up 10%")?
fn looks_like_source(tail: &str) -> bool {
    const CONNECTORS: &[&str] = &[
        "of", "the", "and", "&", "on", "for", "de", "la", "le", "del",
    ];
    let tail = tail.trim();
    let words: Vec<&str> = tail.split_whitespace().collect();
    if words.is_empty() || words.len() > 6 || tail.len() > 60 {
        return false;
    }
    let mut named = false;
    for w in &words {
        if w.chars().all(|c| c.is_ascii_digit()) || w.contains(['%', '$', '€', '£']) {
            return false;
        }
        let capital = w
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
        let domain = w.contains('.') && w.chars().any(char::is_alphabetic);
        if capital || domain {
            named = true;
        } else if !CONNECTORS.contains(w) {
            return false;
        }
    }
    named
}

fn strip_source_suffix(mut h: &str) -> &str {
    const SEPARATORS: &[&str] = &[" - ", " | ", " — ", " – ", " -- ", " · "];
    for _ in 0..2 {
        let cut = SEPARATORS
            .iter()
            .filter_map(|sep| h.rfind(sep).map(|i| (i, sep.len())))
            .max_by_key(|&(i, _)| i);
        let Some((i, len)) = cut else { break };
        let (head, tail) = (&h[..i], &h[i + len..]);
        if head.split_whitespace().count() >= 2 && looks_like_source(tail) {
            h = head.trim_end();
        } else {
            break;
        }
    }
    h
}

/// Key for "near-identical headline": lowercase words without punctuation
/// and stop words, numbers kept, source suffixes like " - Reuters" / " |
/// TechCrunch" removed.
///
/// Newsroom kickers ("Exclusive:", "UPDATE 2-") are removed too, and money
/// is canonicalised so "$2 billion", "$2bn" and "$2B" all read `2b`.
pub fn headline_key(headline: &str) -> String {
    let h = strip_source_suffix(strip_kicker(headline.trim()));
    let t = tokenize(h);
    let mut key = String::with_capacity(h.len());
    for i in 0..t.len() {
        let w = t.text(i);
        if STOP_WORDS.contains(&w) {
            continue;
        }
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(w);
    }
    key
}

/// Minimum distinct tokens each headline needs before fuzzy matching is
/// trusted; shorter keys must match exactly.
pub const SAME_STORY_MIN_TOKENS: usize = 4;
/// Jaccard similarity at or above which two headlines tell the same story
/// (0.8 = 4/5, compared in integers as `inter * 5 >= union * 4`).
pub const SAME_STORY_THRESHOLD: f64 = 0.8;
const JACCARD_NUM: usize = 4;
const JACCARD_DEN: usize = 5;

/// Folds plural and third-person `s` so "cuts 300 jobs" and "to cut 300
/// jobs" compare equal; wire services and magazines differ mostly in that.
fn fold(word: &str) -> String {
    let alpha = word.chars().all(|c| c.is_ascii_alphabetic());
    if alpha && word.len() > 4 && word.ends_with("ies") {
        format!("{}y", &word[..word.len() - 3])
    } else if alpha
        && word.len() > 3
        && word.ends_with('s')
        && !["ss", "us", "is"].iter().any(|e| word.ends_with(e))
    {
        word[..word.len() - 1].to_owned()
    } else {
        word.to_owned()
    }
}

fn token_set(key: &str) -> Vec<String> {
    let mut v: Vec<String> = key.split(' ').filter(|w| !w.is_empty()).map(fold).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// True when two headlines tell the same story: same [`headline_key`], or
/// Jaccard similarity of their key token sets at or above
/// [`SAME_STORY_THRESHOLD`] with at least [`SAME_STORY_MIN_TOKENS`] tokens
/// each. Tokens are compared after folding a trailing plural/verb `s`.
/// Headlines with an empty key never match.
pub fn same_story(a: &str, b: &str) -> bool {
    let (ka, kb) = (headline_key(a), headline_key(b));
    if ka.is_empty() || kb.is_empty() {
        return false;
    }
    if ka == kb {
        return true;
    }
    let (sa, sb) = (token_set(&ka), token_set(&kb));
    if sa.len() < SAME_STORY_MIN_TOKENS || sb.len() < SAME_STORY_MIN_TOKENS {
        return false;
    }
    let inter = sa.iter().filter(|w| sb.binary_search(w).is_ok()).count();
    let union = sa.len() + sb.len() - inter;
    inter * JACCARD_DEN >= union * JACCARD_NUM
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_normalized_for_dedupe() {
        let cases = [
            (
                "http://www.Example.com/News/Story/?utm_source=rss&utm_medium=feed",
                "https://example.com/News/Story",
            ),
            ("https://example.com/a#comments", "https://example.com/a"),
            ("https://m.example.com/a/", "https://example.com/a"),
            ("https://amp.example.com/a/amp", "https://example.com/a"),
            ("https://example.com/a/AMP/", "https://example.com/a"),
            ("https://example.com/amplify", "https://example.com/amplify"),
            (
                "https://example.com/a?b=2&a=1",
                "https://example.com/a?a=1&b=2",
            ),
            (
                "https://example.com/a?id=5&fbclid=XYZ&gclid=1&ref=hn&mc_cid=1&mc_eid=2",
                "https://example.com/a?id=5",
            ),
            (
                "https://www.theguardian.com/x?CMP=share_btn_tw",
                "https://theguardian.com/x",
            ),
            (
                "https://x.com/s?ref_src=twsrc&ocid=msn&cmpid=rss&sr_share=twitter",
                "https://x.com/s",
            ),
            ("https://example.com:443/a", "https://example.com/a"),
            ("http://example.com:80/a", "https://example.com/a"),
            ("http://example.com:443/a", "https://example.com/a"),
            ("https://example.com:8443/a/", "https://example.com:8443/a"),
            ("https://www.example.com/", "https://example.com"),
            ("HTTPS://EXAMPLE.COM/Path", "https://example.com/Path"),
            ("  https://example.com/a  ", "https://example.com/a"),
            (
                "https://example.com/s?q=a%20b",
                "https://example.com/s?q=a+b",
            ),
            ("https://www.com/a", "https://www.com/a"),
            ("  Not A URL  ", "not a url"),
            ("www.Example.com/a", "www.example.com/a"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_link(input), want, "{input:?}");
        }
    }

    #[test]
    fn differently_tracked_links_to_one_article_normalize_equal() {
        let a =
            "http://www.reuters.com/business/acme-buys-initech-2024-05-01/?utm_source=twitter&s=1";
        let b = "https://reuters.com/business/acme-buys-initech-2024-05-01?s=1&fbclid=abc#top";
        assert_eq!(normalize_link(a), normalize_link(b));
        assert_ne!(
            normalize_link("https://example.com/a?id=1"),
            normalize_link("https://example.com/a?id=2")
        );
    }

    #[test]
    fn headline_keys_drop_sources_kickers_punctuation_and_stop_words() {
        let cases = [
            (
                "Acme to buy Initech for $2 billion - Reuters",
                "acme buy initech 2b",
            ),
            (
                "Acme to Buy Initech for $2B | TechCrunch",
                "acme buy initech 2b",
            ),
            ("Acme's CEO steps down — The Verge", "acme ceo steps down"),
            ("Acme cuts jobs - The Wall Street Journal", "acme cuts jobs"),
            (
                "Acme beats estimates - finance.yahoo.com",
                "acme beats estimates",
            ),
            (
                "Exclusive: Acme in talks to buy Initech",
                "acme talks buy initech",
            ),
            ("UPDATE 2-Acme cuts 1,200 jobs", "acme cuts 1200 jobs"),
            (
                "Acme Q3 results - revenue up 10%",
                "acme q3 results revenue up 10",
            ),
            (
                "Acme results - Revenue Up 10%",
                "acme results revenue up 10",
            ),
            ("Acme - Reuters", "acme reuters"),
            ("", ""),
        ];
        for (h, want) in cases {
            assert_eq!(headline_key(h), want, "{h:?}");
        }
    }

    #[test]
    fn same_story_matches_rewordings_across_sources() {
        let same = [
            (
                "Acme to buy Initech for $2 billion in cloud push - Reuters",
                "Acme to Buy Initech for $2 Billion to Bolster Cloud Push - Bloomberg",
            ),
            (
                "UPDATE 1-Acme cuts 1,200 jobs in restructuring",
                "Acme to cut 1,200 jobs in restructuring - CNBC",
            ),
            (
                "Exclusive: Initech explores sale after takeover interest",
                "Initech Explores Sale After Takeover Interest, Sources Say",
            ),
            (
                "Acme names Jane Doe as new CFO",
                "Acme Names Jane Doe CFO - WSJ",
            ),
            ("Acme Q3 results", "Acme Q3 Results | Reuters"),
        ];
        for (a, b) in same {
            assert!(same_story(a, b), "{a:?} vs {b:?}");
            assert!(same_story(b, a), "{b:?} vs {a:?} (symmetry)");
        }
    }

    #[test]
    fn same_story_rejects_different_stories() {
        let different = [
            (
                "Acme to buy Initech for $2 billion",
                "Acme to buy Globex for $2 billion",
            ),
            ("Acme names Jane Doe CFO", "Acme cuts 300 jobs"),
            (
                "Acme beats Q3 estimates, raises guidance",
                "Acme misses Q3 estimates, cuts guidance",
            ),
            (
                "Acme launches AI assistant for retailers",
                "Acme partners with Initech on AI assistant for retailers",
            ),
            ("Acme cuts 300 jobs in Texas", "Acme cuts 300 jobs in Ohio"),
            ("Acme layoffs", "Acme layoffs continue"),
            ("", ""),
            ("The", "the"),
        ];
        for (a, b) in different {
            assert!(!same_story(a, b), "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn same_story_threshold_sits_at_four_fifths() {
        // 4 shared of 5 distinct tokens = 0.8 exactly: same story.
        assert!(same_story(
            "Acme Initech merger talks",
            "Acme Initech merger talks collapse"
        ));
        // 4 shared of 6 distinct = 0.67: not.
        assert!(!same_story(
            "Acme Initech merger talks stall",
            "Acme Initech merger talks collapse"
        ));
        assert!((SAME_STORY_THRESHOLD - JACCARD_NUM as f64 / JACCARD_DEN as f64).abs() < 1e-12);
    }
}

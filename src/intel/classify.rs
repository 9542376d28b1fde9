//! Headline classification for company-intelligence news items. Link
//! normalisation and headline dedupe live in [`super::dedupe`], which
//! borrows the tokeniser.
//!
//! It imports [`IntelCategory`] from `crate::domain` and nothing else from
//! planbot.
//!
//! Everything here is a pure function of its arguments: no I/O, no clock, no
//! global mutable state. The keyword tables are compiled once into a
//! [`LazyLock`] so classifying an item costs one pass of tokenising plus one
//! hash lookup per token.
//!
//! # How [`classify`] decides
//!
//! The text is split into lowercase word tokens (so `ceo` never matches inside
//! `ceoxyz`, nor `hack` inside `hackathon`) and into *clauses* at `,` `;` `:`
//! `|` dashes, brackets and sentence ends. Each category owns a set of
//! phrase rules, written as token sequences that may allow a bounded gap
//! ("`names ~5 @role`" matches "names Jane Doe CFO"). A rule is either a
//! **strong** cue (the headline reports that event), a **weak** cue (the
//! headline is about the topic) or a **veto** that cancels overlapping cues of
//! its category ("acquires new *customers*", "*stocks to* buy", "*fine*-tunes",
//! "breach *of contract*", "tool to *stop* ransomware").
//!
//! Words after a context marker (`amid`, `after`, `following`, `over`,
//! `despite`, `as`, `ahead of`, `on`, `while`, `pending`, `in partnership
//! with`, ...) up to the end of their clause are *backdrop*, not the event:
//! "Acme CEO steps down amid data breach probe" reports a leadership change
//! whose cause is the breach, so it is [`IntelCategory::LeadershipChange`].
//!
//! Among surviving cues the winner is, in order: strong before weak, main
//! clause before backdrop, then the category priority
//!
//! 1. `LegalRegulatory` — a lawsuit, fine or probe is the newest development
//!    of whatever it is about ("Acme fined €20M over data breach").
//! 2. `SecurityIncident`
//! 3. `Funding` — "raises $50M Series C to fund acquisition spree".
//! 4. `Acquisition`
//! 5. `Layoffs` — "new CEO cuts 10% of workforce" is about the cuts.
//! 6. `LeadershipChange`
//! 7. `Earnings`
//! 8. `Partnership` — "signs deal to launch ..." is about the deal.
//! 9. `ProductLaunch`
//!
//! and with no cue at all `Other`. The summary is read (its first
//! [`SUMMARY_SCAN_BYTES`] bytes, where ledes carry the news) only when the
//! headline has no strong cue; a strong summary cue then beats a weak
//! headline cue ("Acme: what investors should know" says little).
//!
//! Judgement calls, each pinned by a test:
//! - "Acme acquires new customers / land / streaming rights" is not an
//!   acquisition; customer wins without a named contract are `Other`.
//! - Winning or landing a contract is `Partnership` (a commercial tie-up),
//!   even with an amount: "lands $480M Pentagon contract" is not funding.
//! - IPOs, listings and debt raises are `Funding`; stake purchases and
//!   divestitures are `Acquisition`; dividends and buybacks are `Earnings`;
//!   a hiring freeze is `Layoffs`; regulatory approvals and recalls are
//!   `LegalRegulatory`; service outages are a weak `SecurityIncident` cue.
//! - Role words preceded by `former`/`ex` do not count, so "Former Acme CEO
//!   launches AI startup" is not a leadership change (and founding a company
//!   or a fund is not a product launch): `Other`.
//! - "Acme hires 500" is `Other`: hiring people is not a leadership change
//!   unless a role title follows.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use crate::domain::enums::IntelCategory;

/// Tie-break rank when cues of equal strength and position disagree;
/// higher wins. See the module docs for the reasoning behind the order.
fn priority(category: IntelCategory) -> u8 {
    match category {
        IntelCategory::LegalRegulatory => 9,
        IntelCategory::SecurityIncident => 8,
        IntelCategory::Funding => 7,
        IntelCategory::Acquisition => 6,
        IntelCategory::Layoffs => 5,
        IntelCategory::LeadershipChange => 4,
        IntelCategory::Earnings => 3,
        IntelCategory::Partnership => 2,
        IntelCategory::ProductLaunch => 1,
        IntelCategory::Other => 0,
    }
}

// ---------------------------------------------------------------------------
// Tokeniser
// ---------------------------------------------------------------------------

const F_NUMERIC: u8 = 1;
const F_AMOUNT: u8 = 2;
const F_BACKDROP: u8 = 4;
const F_MASKED: u8 = 8;

#[derive(Debug, Clone, Copy)]
struct Tok {
    start: u32,
    end: u32,
    clause: u32,
    /// Id in the rule vocabulary, [`NO_WORD`] until annotated or if unknown.
    word: u32,
    flags: u8,
}

/// Lowercased word tokens stored in one buffer, so tokenising a headline
/// costs two allocations rather than one per word.
pub(super) struct Tokens {
    buf: String,
    toks: Vec<Tok>,
}

impl Tokens {
    pub(super) fn len(&self) -> usize {
        self.toks.len()
    }

    pub(super) fn text(&self, i: usize) -> &str {
        let t = self.toks[i];
        &self.buf[t.start as usize..t.end as usize]
    }

    fn has(&self, i: usize, flag: u8) -> bool {
        self.toks[i].flags & flag != 0
    }
}

/// Canonical one-letter suffix for a magnitude word, so "$2 billion",
/// "$2bn" and "$2B" all become the token `2b`.
fn magnitude(word: &[u8]) -> Option<u8> {
    match word {
        b"m" | b"mn" | b"mln" | b"mil" | b"million" | b"millions" => Some(b'm'),
        b"b" | b"bn" | b"bln" | b"billion" | b"billions" => Some(b'b'),
        b"t" | b"tn" | b"trillion" => Some(b't'),
        b"k" | b"thousand" => Some(b'k'),
        _ => None,
    }
}

fn is_number_part(b: u8) -> bool {
    b.is_ascii_digit() || b == b'.'
}

/// Tokeniser state. The buffer holds bytes so the hot loop appends without
/// UTF-8 encoding; everything pushed is ASCII or an encoded `char`, so it is
/// valid UTF-8 when handed over as a `String`.
struct Lexer {
    buf: Vec<u8>,
    toks: Vec<Tok>,
    cur: Option<usize>,
    clause: u32,
}

impl Lexer {
    fn push(&mut self, c: char) {
        if self.cur.is_none() {
            self.cur = Some(self.buf.len());
        }
        if c.is_ascii() {
            self.buf.push(c.to_ascii_lowercase() as u8);
        } else {
            for lower in c.to_lowercase() {
                self.buf
                    .extend_from_slice(lower.encode_utf8(&mut [0; 4]).as_bytes());
            }
        }
    }

    fn cur_len(&self) -> usize {
        self.cur.map_or(0, |s| self.buf.len() - s)
    }

    fn end_token(&mut self) {
        let Some(start) = self.cur.take() else { return };
        if self.buf.len() == start {
            return;
        }
        let word = &self.buf[start..];
        // "480 million" → one amount token "480m" appended to the number.
        if let Some(prev) = self.toks.last_mut()
            && prev.end as usize == start
            && prev.clause == self.clause
            && self.buf[prev.start as usize].is_ascii_digit()
            && self.buf[prev.start as usize..start]
                .iter()
                .all(|&b| is_number_part(b))
            && let Some(suffix) = magnitude(word)
        {
            self.buf.truncate(start);
            self.buf.push(suffix);
            prev.end = self.buf.len() as u32;
            return;
        }
        // "20mn" / "1.2bn" → "20m" / "1.2b".
        if word[0].is_ascii_digit() {
            let split = word
                .iter()
                .position(|&b| !is_number_part(b))
                .unwrap_or(word.len());
            if split < word.len()
                && let Some(suffix) = magnitude(&word[split..])
            {
                self.buf.truncate(start + split);
                self.buf.push(suffix);
            }
        }
        self.toks.push(Tok {
            start: start as u32,
            end: self.buf.len() as u32,
            clause: self.clause,
            word: NO_WORD,
            flags: 0,
        });
    }
}

/// Which bytes are ASCII letters or digits; a table beats the range checks
/// in the tokeniser's innermost loop.
static ASCII_WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = (i as u8).is_ascii_alphanumeric();
        i += 1;
    }
    table
};

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

fn alnum(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// Splits text into lowercase alphanumeric tokens and numbers clauses.
///
/// Possessive `'s` is dropped so "Acme's" and "Acme" agree; other
/// apostrophes join ("don't" → "dont"); digits keep their decimal point and
/// lose thousands separators; "U.S." becomes "us".
pub(super) fn tokenize(text: &str) -> Tokens {
    let mut lx = Lexer {
        buf: Vec::with_capacity(text.len()),
        toks: Vec::with_capacity(text.len() / 5 + 1),
        cur: None,
        clause: 0,
    };
    let bytes = text.as_bytes();
    let mut prev = ' ';
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Fast paths: most text is runs of ASCII letters and digits
        // separated by single spaces.
        if ASCII_WORD[usize::from(b)] {
            if lx.cur.is_none() {
                lx.cur = Some(lx.buf.len());
            }
            while i < bytes.len() && ASCII_WORD[usize::from(bytes[i])] {
                // Setting bit 5 lowercases ASCII letters and keeps digits.
                lx.buf.push(bytes[i] | 0x20);
                i += 1;
            }
            prev = char::from(bytes[i - 1]);
            continue;
        }
        if b == b' ' {
            lx.end_token();
            prev = ' ';
            i += 1;
            continue;
        }
        let mut chars = text[i..].chars();
        let c = chars.next().expect("i is on a char boundary");
        let (n1, n2) = (chars.next(), chars.next());
        let skip_next = lex_char(&mut lx, c, prev, n1, n2);
        prev = c;
        i += c.len_utf8();
        if skip_next && let Some(n) = n1 {
            prev = n;
            i += n.len_utf8();
        }
    }
    lx.end_token();
    Tokens {
        buf: String::from_utf8(lx.buf).expect("only ASCII and encoded chars are pushed"),
        toks: lx.toks,
    }
}

/// Handles one character of [`tokenize`] given its neighbours; returns
/// true when the next character has been consumed too.
fn lex_char(lx: &mut Lexer, c: char, prev: char, n1: Option<char>, n2: Option<char>) -> bool {
    let in_token = lx.cur.is_some();
    if c.is_alphanumeric() {
        lx.push(c);
    } else if (c == '.' || c == ',')
        && in_token
        && lx.buf.last().is_some_and(u8::is_ascii_digit)
        && n1.is_some_and(|n| n.is_ascii_digit())
    {
        if c == '.' {
            lx.buf.push(b'.');
        }
    } else if c == '.'
        && lx.cur_len() == 1
        && n1.is_some_and(char::is_alphabetic)
        && n2 == Some('.')
    {
        // Dotted abbreviation such as "U.S.": keep gluing letters.
    } else if is_apostrophe(c) && in_token && alnum(n1) {
        if matches!(n1, Some('s' | 'S')) && !alnum(n2) {
            lx.end_token();
            return true;
        }
    } else {
        lx.end_token();
        let breaks = match c {
            ',' | ';' | ':' | '|' | '!' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '—' | '–'
            | '•' | '·' | '…' => true,
            '.' => n1.is_none_or(char::is_whitespace),
            '-' => prev.is_whitespace() && n1.is_none_or(char::is_whitespace),
            _ => false,
        };
        if breaks {
            lx.clause += 1;
        }
    }
    false
}

/// Words that open a backdrop phrase: what follows them in the clause
/// explains or qualifies the event rather than being the event.
#[rustfmt::skip]
const BACKDROP_MARKERS: &[&str] = &[
    "amid", "amidst", "after", "following", "over", "despite", "as", "ahead", "on", "while",
    "because", "pending", "wake", "due", "since",
];

/// "in partnership with X" qualifies a launch rather than announcing a deal.
#[rustfmt::skip]
const IN_BACKDROP: &[&str] = &[
    "partnership", "collaboration", "tandem", "cooperation", "conjunction",
];

/// A role title after one of these (within three words) is someone's past
/// job, not news: "former Acme CEO".
const FORMER: &[&str] = &["former", "ex", "onetime", "erstwhile"];

/// Looks tokens up in the rule vocabulary and marks numbers, amounts,
/// backdrop words and role titles of former holders.
fn annotate(t: &mut Tokens, rules: &RuleSet) {
    let Tokens { buf, toks } = t;
    let text_of = |tok: &Tok| &buf[tok.start as usize..tok.end as usize];
    let mut clause = u32::MAX;
    let mut backdrop = false;
    for i in 0..toks.len() {
        let text = text_of(&toks[i]);
        toks[i].word = rules.word_id(text);
        let tok = toks[i];
        if tok.clause != clause {
            clause = tok.clause;
            backdrop = false;
        }
        let mut flags = 0;
        if text.as_bytes()[0].is_ascii_digit() {
            flags |= F_NUMERIC;
            let (num, last) = text.split_at(text.len() - 1);
            if matches!(last, "m" | "b" | "t" | "k")
                && !num.is_empty()
                && num.bytes().all(is_number_part)
            {
                flags |= F_AMOUNT;
            }
        }
        if rules.is(tok.word, rules.backdrop)
            || (text == "in"
                && toks.get(i + 1).is_some_and(|n| {
                    n.clause == clause && rules.is(rules.word_id(text_of(n)), rules.in_backdrop)
                }))
        {
            backdrop = true;
        }
        if backdrop {
            flags |= F_BACKDROP;
        }
        if rules.is(tok.word, rules.role)
            && toks[i.saturating_sub(3)..i]
                .iter()
                .any(|p| p.clause == clause && rules.is(p.word, rules.former))
        {
            flags |= F_MASKED;
        }
        toks[i].flags = flags;
    }
}

// ---------------------------------------------------------------------------
// Rule tables
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    /// The text reports this kind of event.
    Strong,
    /// The text is about this topic but may not report an event.
    Weak,
    /// Cancels overlapping cues of the same category (a false friend).
    Veto,
}

const S: Cue = Cue::Strong;
const W: Cue = Cue::Weak;
const V: Cue = Cue::Veto;

/// Executive and board titles.
#[rustfmt::skip]
const ROLE: &[&str] = &[
    "ceo", "cfo", "coo", "cto", "cio", "ciso", "cmo", "cro", "cpo", "chro", "cso", "cdo", "cxo",
    "president", "chairman", "chairwoman", "chair", "chairperson", "founder", "cofounder", "boss",
    "chief", "executive", "exec", "head", "director", "vp", "svp", "evp",
];
/// Verbs that put someone into a role: "names Jane Doe CFO".
#[rustfmt::skip]
const APPOINT: &[&str] = &[
    "names", "named", "naming", "appoints", "appointed", "appointing", "hires", "hired", "taps",
    "tapped", "picks", "picked", "promotes", "promoted", "elevates", "elevated", "elects",
    "elected", "selects", "selected", "chooses", "chose", "nominates", "nominated", "poaches",
    "poached", "recruits", "recruited", "installs", "installed", "welcomes", "welcomed",
];
/// Things a role holder does or undergoes: "CFO Jane Doe to retire".
#[rustfmt::skip]
const DEPART_AFTER_ROLE: &[&str] = &[
    "steps", "step", "stepping", "stepped", "resigns", "resign", "resigned", "resigning", "quits",
    "quit", "quitting", "departs", "depart", "departed", "departing", "departure", "exits", "exit",
    "exiting", "exited", "leaves", "leave", "leaving", "ousted", "fired", "sacked", "axed",
    "retires", "retire", "retiring", "retired", "retirement", "replaced", "succeeded", "dismissed",
    "removed", "suspended",
];
/// Things done to a role holder: "Acme ousts CEO".
#[rustfmt::skip]
const DEPART_BEFORE_ROLE: &[&str] = &[
    "ousts", "oust", "ousted", "fires", "fire", "fired", "sacks", "sack", "sacked", "axes",
    "replaces", "replace", "replaced", "dismisses", "dismiss", "removes", "remove", "suspends",
    "suspend", "succeeds", "succeed", "succeeded", "exits",
];
#[rustfmt::skip]
const CUT_VERB: &[&str] = &[
    "cut", "cuts", "cutting", "slash", "slashes", "slashing", "slashed", "shed", "sheds",
    "shedding", "eliminate", "eliminates", "eliminating", "eliminated", "axe", "axes", "axing",
    "axed", "trim", "trims", "trimming", "trimmed", "reduce", "reduces", "reducing", "reduced",
    "fires", "fired", "firing", "sack", "sacks", "sacking", "sacked", "lose", "loses", "shrink",
    "shrinks", "shrinking", "cull", "culls", "scrap", "scraps",
];
#[rustfmt::skip]
const WORKERS: &[&str] = &[
    "jobs", "job", "roles", "positions", "workers", "employees", "staff", "staffers", "workforce",
    "headcount", "people", "posts", "personnel",
];
#[rustfmt::skip]
const FIN: &[&str] = &[
    "revenue", "revenues", "sales", "profit", "profits", "earnings", "income", "loss", "losses",
    "results", "eps", "margin", "margins", "bookings", "deliveries", "ebitda",
];
#[rustfmt::skip]
const PERIOD: &[&str] = &[
    "q1", "q2", "q3", "q4", "1q", "2q", "3q", "4q", "quarter", "quarterly", "annual", "fy",
    "fiscal", "half", "h1", "h2", "year", "yearly",
];
const MOVE: &[&str] = &[
    "rise", "rises", "rose", "jump", "jumps", "jumped", "fall", "falls", "fell", "drop", "drops",
    "dropped", "surge", "surges", "surged", "climb", "climbs", "climbed", "grow", "grows", "grew",
    "growth", "decline", "declines", "declined", "slump", "slumps", "slumped", "beat", "beats",
    "miss", "misses", "missed", "top", "tops", "topped", "soar", "soars", "soared", "plunge",
    "plunges", "plunged", "tumble", "tumbles", "tumbled", "slide", "slides", "slid", "dip", "dips",
    "dipped", "widen", "widens", "widened", "narrow", "narrows", "narrowed", "double", "doubles",
    "doubled", "triple", "triples", "tripled", "rebound", "rebounds", "halve", "halves", "slip",
    "slips", "slipped", "sink", "sinks", "sank", "gain", "gains", "hit", "hits", "up", "down",
];
#[rustfmt::skip]
const GUIDE_VERB: &[&str] = &[
    "raises", "raise", "raised", "lifts", "lifted", "ups", "hikes", "boosts", "cuts", "cut",
    "lowers", "lowered", "trims", "trimmed", "slashes", "slashed", "reaffirms", "reaffirmed",
    "reiterates", "maintains", "affirms", "withdraws", "withdrew", "pulls", "suspends", "narrows",
    "issues", "beats", "misses", "tops",
];
#[rustfmt::skip]
const BEAT: &[&str] = &[
    "beats", "beat", "misses", "miss", "missed", "tops", "topped", "exceeds", "exceeded",
    "surpasses", "surpassed", "meets", "met", "trails", "lags", "crushes", "smashes",
];
#[rustfmt::skip]
const REPORT: &[&str] = &[
    "reports", "reported", "posts", "posted", "books", "booked", "delivers", "announces", "swings",
    "swung", "logs", "logged", "records", "recorded",
];
#[rustfmt::skip]
const LAUNCH: &[&str] = &[
    "launches", "launch", "launched", "launching", "unveils", "unveil", "unveiled", "unveiling",
    "introduces", "introduce", "introduced", "introducing", "debuts", "debut", "debuted",
    "releases", "release", "released", "releasing",
];
/// Things that are "launched" or "released" without being products.
#[rustfmt::skip]
const NOT_PRODUCT: &[&str] = &[
    "probe", "probes", "investigation", "investigations", "inquiry", "review", "lawsuit", "suit",
    "bid", "offer", "takeover", "tender", "ipo", "results", "earnings", "report", "statement",
    "search", "layoffs", "restructuring", "buyback", "offering", "appeal", "campaign", "attack",
    "fund", "funds", "startup", "startups", "venture", "company", "firm", "spinoff", "hostile",
    "crackdown", "round",
];
const SIGN: &[&str] = &[
    "signs", "sign", "signed", "signing", "inks", "ink", "inked", "strikes", "strike", "struck",
    "seals", "sealed", "agrees", "agreed", "enters", "entered", "renews", "renewed", "extends",
    "extended", "expands", "expanded", "reaches", "reached", "forges", "forged", "cements",
];
const WIN: &[&str] = &[
    "wins", "won", "winning", "awarded", "lands", "landed", "secures", "secured", "bags", "bagged",
    "nabs", "nabbed", "clinches", "clinched", "snags",
];
/// Verbs that raise a stated amount of money: "raises $50M".
const RAISE_AMOUNT: &[&str] = &[
    "raises", "raise", "raised", "raising", "secures", "secured", "securing", "lands", "landed",
    "bags", "bagged", "nets", "netted", "snags", "snagged", "nabs", "nabbed", "rakes", "pulls",
    "grabs", "scoops", "collects", "garners", "attracts",
];
/// Verbs that can take a funding noun: "closes Series B", "gets funding".
const RAISE_ANY: &[&str] = &[
    "raises", "raise", "raised", "raising", "secures", "secured", "securing", "lands", "landed",
    "bags", "bagged", "nets", "netted", "snags", "snagged", "nabs", "nabbed", "rakes", "pulls",
    "grabs", "scoops", "collects", "garners", "attracts", "closes", "closed", "closing", "gets",
    "receives", "received", "obtains", "obtained", "wins", "won",
];
#[rustfmt::skip]
const REGULATOR: &[&str] = &[
    "ftc", "sec", "doj", "cma", "fcc", "fda", "cftc", "finra", "ico", "cnil", "ofcom", "regulator",
    "regulators", "watchdog", "watchdogs", "commission", "prosecutors", "authorities", "senators",
    "lawmakers", "attorneys",
];
#[rustfmt::skip]
const REG_ACTION: &[&str] = &[
    "approves", "approved", "approval", "clears", "cleared", "clearance", "nod", "authorization",
    "blocks", "blocked", "rejects", "rejected", "probes", "fines", "sues", "investigates",
    "investigating", "opens", "orders", "ordered", "raid", "raids", "raided", "scrutiny", "charges",
    "charged", "targets", "warns", "warning", "ban", "bans", "demands", "subpoenas", "questions",
];
#[rustfmt::skip]
const COURT_ACTION: &[&str] = &[
    "rules", "ruled", "orders", "ordered", "blocks", "blocked", "sides", "rejects", "rejected",
    "dismisses", "dismissed", "tosses", "tossed", "upholds", "upheld", "overturns", "halts",
    "approves", "backs",
];
#[rustfmt::skip]
const SEC_NOUN: &[&str] = &[
    "ransomware", "malware", "spyware", "ddos", "botnet", "breach", "breaches", "hack", "hacks",
    "hackers", "hacker", "hacking", "cyberattack", "cyberattacks", "cyber", "phishing", "intrusion",
    "data", "extortion", "zero",
];
#[rustfmt::skip]
const PROTECT: &[&str] = &[
    "against", "stop", "stops", "stopping", "prevent", "prevents", "preventing", "protect",
    "protects", "protecting", "protection", "detect", "detects", "detecting", "defend", "defends",
    "defending", "defense", "defence", "fight", "fights", "fighting", "combat", "combats",
    "combating", "counter", "counters", "thwart", "thwarts", "block", "blocks", "blocking",
    "mitigate", "mitigates", "resist", "resists", "tackle", "tackles", "tackling",
];
/// Nouns that turn a threat word into a product or industry term:
/// "ransomware protection", "breach detection startup".
#[rustfmt::skip]
const SEC_PRODUCT: &[&str] = &[
    "protection", "detection", "defense", "defence", "prevention", "insurance", "resilience",
    "readiness", "simulation", "training", "recovery", "scanner", "scanning", "detector", "tool",
    "tools", "solution", "solutions", "software", "startup", "firm", "specialist", "platform",
    "experts", "conference", "summit", "bounty", "challenge", "contest",
];

fn named_set(name: &str) -> &'static [&'static str] {
    match name {
        "role" => ROLE,
        "appoint" => APPOINT,
        "depart_after" => DEPART_AFTER_ROLE,
        "depart_before" => DEPART_BEFORE_ROLE,
        "cut" => CUT_VERB,
        "workers" => WORKERS,
        "fin" => FIN,
        "period" => PERIOD,
        "move" => MOVE,
        "guide" => GUIDE_VERB,
        "beat" => BEAT,
        "report" => REPORT,
        "launch" => LAUNCH,
        "not_product" => NOT_PRODUCT,
        "sign" => SIGN,
        "win" => WIN,
        "raise_amount" => RAISE_AMOUNT,
        "raise_any" => RAISE_ANY,
        "regulator" => REGULATOR,
        "reg_action" => REG_ACTION,
        "court_action" => COURT_ACTION,
        "sec_noun" => SEC_NOUN,
        "protect" => PROTECT,
        "sec_product" => SEC_PRODUCT,
        "former" => FORMER,
        "backdrop" => BACKDROP_MARKERS,
        "in_backdrop" => IN_BACKDROP,
        _ => panic!("unknown word set @{name} in classification rules"),
    }
}

/// The rule table. Pattern syntax, one slot per whitespace-separated item:
/// `a|b|c` one of these words, `@set` one of a named word set, `#amt` a money
/// amount token such as `50m`, `#num` any number, `*` any token, `~N` skip
/// up to N tokens.
/// A match never crosses a clause boundary.
#[rustfmt::skip]
const RULE_SPECS: &[(IntelCategory, Cue, &str)] = {
    use IntelCategory::*;
    &[
        // ----- Legal & regulatory -----
        (LegalRegulatory, S, "sues|sue|sued|suing|lawsuit|lawsuits|litigation|indicted|indictment|indicts|subpoena|subpoenas|subpoenaed|injunction|antitrust|penalty|penalties|fined|fines|settlement|settlements|settles|settle|settled|verdict|verdicts|jury|ruling|inquiry|investigation|investigations|bribery|embezzlement|infringement|infringes|infringe|infringed|infringing|sanctions|sanctioned|recall|recalls|recalled|recalling|violated|violates|violation|violations|accused|accuses|allegations|probe|probes|probed|probing|guilty"),
        (LegalRegulatory, S, "anti trust"),
        (LegalRegulatory, S, "sentenced|sentencing|convicted|conviction|acquitted|extradited"),
        (LegalRegulatory, S, "class ~1 action"),
        (LegalRegulatory, S, "charged|charges|charging ~4 with"),
        (LegalRegulatory, S, "charges ~3 against"),
        (LegalRegulatory, S, "faces|facing|face ~2 charges|lawsuit|suit|probe|fine|scrutiny|trial"),
        (LegalRegulatory, S, "criminal ~1 charges|case|complaint"),
        (LegalRegulatory, S, "files|filed|filing ~2 suit|complaint"),
        (LegalRegulatory, S, "court|judge|judges ~2 @court_action"),
        (LegalRegulatory, S, "supreme|appeals|federal|district|high ~1 court"),
        (LegalRegulatory, S, "patent ~2 dispute|case|battle|war|fight|trial"),
        (LegalRegulatory, S, "consent ~1 decree|order"),
        (LegalRegulatory, S, "breach|breaches|breached ~1 of ~3 contract|duty|fiduciary|agreement|covenant|warranty|sanctions|law|rules|regulations|terms|confidentiality|securities"),
        (LegalRegulatory, S, "insider ~1 trading"),
        (LegalRegulatory, S, "money ~1 laundering"),
        (LegalRegulatory, S, "#amt ~2 fine|penalty|verdict|judgment|judgement|damages"),
        (LegalRegulatory, S, "record|hefty|massive|gdpr|privacy ~1 fine"),
        (LegalRegulatory, S, "fine ~1 of|for"),
        (LegalRegulatory, S, "@regulator ~4 @reg_action"),
        (LegalRegulatory, S, "wins|loses|lost|won|files ~2 appeal"),
        (LegalRegulatory, W, "court|trial|regulator|regulators|regulatory|regulation|regulations|ftc|sec|doj|cma|fcc|fda|cftc|finra|ico|cnil|ofcom|gdpr|ccpa|hipaa|compliance|lawmakers|senators|senate|congress|congressional|parliament|hearing|testify|testifies|testimony|lobbying|fraud|whistleblower|scandal|misconduct|alleged|allegedly|appeal|appeals|ban|bans|banned|watchdog|lawyer|lawyers|prosecutors|fine|suit|tariff|tariffs"),
        (LegalRegulatory, V, "fine ~1 tune|tunes|tuned|tuning|tuner|print|grained|dining|art|arts|wine|wines|jewelry"),
        (LegalRegulatory, V, "space|mars|lunar|solar|moon|deep ~1 probe|probes"),
        (LegalRegulatory, V, "clinical|drug|phase|free|beta|pilot|field ~1 trial|trials"),
        (LegalRegulatory, V, "follow|follows|followed|following ~1 suit"),
        (LegalRegulatory, V, "shares|stock|stocks|prices|price|markets ~2 settle|settles|settled"),
        (LegalRegulatory, V, "hearing ~1 aid|aids|loss"),
        // ----- Security incident -----
        (SecurityIncident, S, "breach|breaches|breached|hack|hacks|hacked|hacking|hacker|hackers|cyberattack|cyberattacks|cyberattacked|ransomware|malware|spyware|ddos|botnet|intrusion|extortion|compromised|zeroday"),
        (SecurityIncident, S, "cyber ~1 attack|attacks|incident|breach|intrusion"),
        (SecurityIncident, S, "data ~1 leak|leaks|breach|theft|exposure|spill"),
        (SecurityIncident, S, "leaked|leaks|leak|stolen|stole|steal|steals|stealing|exposes|exposed|exposing ~3 data|records|credentials|passwords|emails|information|details|source|files|database|funds|crypto"),
        (SecurityIncident, S, "data|records|information|details|passwords|credentials ~4 leaked|stolen|exposed|compromised|hacked"),
        (SecurityIncident, S, "zero ~1 day|days"),
        (SecurityIncident, S, "security|cybersecurity ~1 flaw|flaws|hole|holes|lapse|lapses|incident|incidents|breach|vulnerability|vulnerabilities|bug|bugs|failure"),
        (SecurityIncident, S, "exploited|exploiting ~3 vulnerability|vulnerabilities|flaw|flaws|bug|bugs|zero"),
        (SecurityIncident, S, "hit|hits|struck|suffers|suffered|targeted|crippled|disrupted|paralyzed ~3 attack|attacks|cyberattack|outage"),
        (SecurityIncident, S, "phishing ~1 attack|attacks|campaign|scam|emails|email"),
        (SecurityIncident, W, "vulnerability|vulnerabilities|flaw|flaws|cve|outage|outages|downtime|phishing"),
        (SecurityIncident, V, "@protect ~2 @sec_noun"),
        (SecurityIncident, V, "@sec_noun ~1 @sec_product"),
        (SecurityIncident, V, "breach|breaches|breached ~1 of ~3 contract|duty|fiduciary|agreement|covenant|warranty|sanctions|law|rules|regulations|terms|trust|confidentiality|securities"),
        (SecurityIncident, V, "shares|stock|stocks|price|prices|index|bitcoin|yields|yield ~2 breach|breaches|breached"),
        (SecurityIncident, V, "breach|breaches|breached ~1 mark|level|levels|barrier|threshold|resistance|support|ceiling|milestone"),
        (SecurityIncident, V, "growth|life ~1 hack|hacks|hacking|hacker|hackers"),
        (SecurityIncident, V, "hack|hacks ~1 day|days|week|night|fest|a|thon"),
        (SecurityIncident, V, "ethical|white ~1 hat|hacker|hackers|hacking"),
        // ----- Funding -----
        (Funding, S, "@raise_amount ~3 #amt"),
        (Funding, S, "@raise_any ~4 funding|financing|investment|round|seed|series|grant|loan|loans"),
        (Funding, S, "@raise_amount ~4 capital|backing|debt"),
        (Funding, S, "series a|b|c|d|e|f|g|h"),
        (Funding, S, "seed|funding|financing|investment|venture|growth|equity|fundraising|bridge|extension|preseed|mega ~1 round|rounds"),
        (Funding, S, "round ~1 of ~1 funding|financing|investment"),
        (Funding, S, "pre seed"),
        (Funding, S, "seed ~1 funding|money|capital|financing|investment"),
        (Funding, S, "ipo|ipos|spac|spacs"),
        (Funding, S, "goes|go|going|went public"),
        (Funding, S, "public ~1 offering|listing|debut"),
        (Funding, S, "initial public"),
        (Funding, S, "direct listing"),
        (Funding, S, "market|trading|stock|nasdaq|nyse|exchange|listing ~1 debut|debuts|debuted"),
        (Funding, S, "bond|debt|convertible|notes ~1 offering|sale|issue|issuance"),
        (Funding, S, "share|stock|equity ~1 offering"),
        (Funding, S, "investment|funding|financing ~1 from"),
        // A stake in a company is news for the investee; money put into
        // places and plants is capex, vetoed below.
        (Funding, W, "invests|invest|invested|investing ~3 #amt ~1 in"),
        (Funding, V, "in ~3 plant|plants|factory|factories|facility|facilities|data|site|sites|expansion|infrastructure|manufacturing|capacity|operations|production|research|training|jobs|workforce|hub|campus|headquarters|network|grid|projects|stores"),
        (Funding, W, "funding|financing|valuation|valued|unicorn|decacorn|vc|fundraise|fundraising|crowdfunding"),
        (Funding, V, "#amt ~3 contract|contracts|deal|deals|order|orders|settlement|fine|penalty|acquisition|takeover|bid|offer|buyout|merger|purchase|lawsuit|verdict|award|damages|loss|losses|revenue|revenues|sales|profit|profits|bonus|pay|package|budget|judgment"),
        (Funding, V, "capital ~1 expenditure|expenditures|spending|markets|return|returns|gains|one"),
        (Funding, V, "investment ~1 grade|bank|banking|banks|banker|bankers|firm|arm|vehicle|strategy|plan|plans"),
        // ----- Acquisition -----
        (Acquisition, S, "acquire|acquires|acquired|acquiring|acquisition|acquisitions|acquirer|merger|mergers|merge|merges|merged|merging|takeover|takeovers|buyout|buyouts|divest|divests|divested|divestiture|divestment|divestments|spinoff|spinoffs"),
        (Acquisition, S, "spin|spins|spun|spinning off"),
        (Acquisition, S, "buy|buys|bought|buying"),
        // Needs an object: "Ramaswamy to take over" is a succession.
        (Acquisition, S, "take|takes|taking|took over *"),
        (Acquisition, S, "take|takes|taking|took ~1 private"),
        (Acquisition, S, "go|goes|going|went private"),
        (Acquisition, S, "takes|take|took|taking|buys|buy|bought|buying|acquires|acquire|acquired|sells|sell|sold|selling|builds|built|ups|raises|raised|increases|increased|boosts|trims ~3 stake|stakes"),
        (Acquisition, S, "sale ~1 of ~4 unit|division|business|arm|stake|subsidiary|brand|operations|assets|portfolio|company"),
        (Acquisition, S, "sells|sell|sold|selling|offloads|offload ~4 unit|division|business|businesses|arm|stake|subsidiary|subsidiaries|brand|brands|assets|portfolio"),
        (Acquisition, S, "completes|completed|finalizes|finalises|finalized|closes|closed ~3 purchase|sale|merger|acquisition|takeover|transaction"),
        (Acquisition, S, "explores|exploring|explore|weighs|weighing|weigh|considers|considering|mulls|mulling ~3 sale|bid|offer|merger|acquisition"),
        (Acquisition, W, "bid|bids|offer|offers|approach ~2 for"),
        (Acquisition, W, "m a"),
        (Acquisition, W, "deal ~1 for"),
        (Acquisition, W, "purchase|purchases ~1 of"),
        (Acquisition, W, "stake|stakes|consolidation"),
        (Acquisition, V, "customer|customers|user|users|talent|data|land|client|clients|subscriber|subscribers|lead|leads|patient|patients|member|members ~1 acquisition|acquisitions"),
        (Acquisition, V, "acquire|acquires|acquired|acquiring ~3 customers|users|clients|subscribers|members|talent|land|rights|licenses|spectrum|skills|followers|buyers|shoppers|patients|leads"),
        (Acquisition, V, "rated|rates|rating|upgraded|upgrades|upgrade|downgraded|downgrades|initiated|initiates|reiterated|reiterates|maintains|maintained|strong ~1 buy"),
        (Acquisition, V, "buy|buys|buying|bought ~1 rating|ratings|signal|recommendation|now|back|side|dip|sell|hold"),
        (Acquisition, V, "stock|stocks|shares ~1 to buy"),
        (Acquisition, V, "should|you|time ~2 buy"),
        (Acquisition, V, "takes|take|took|taking over as|from"),
        (Acquisition, W, "#amt ~2 deal|deals"),
        (Acquisition, W, "abandons|abandon|abandoned|scraps|scrapped|terminates|terminated|calls ~4 deal|bid|offer"),
        // ----- Layoffs -----
        (Layoffs, S, "layoff|layoffs|redundancies|redundancy|downsizing|downsizes|downsize|downsized|furlough|furloughs|furloughed"),
        (Layoffs, S, "lay|lays|laid|laying off"),
        (Layoffs, S, "job|jobs|workforce|staff|headcount ~1 cut|cuts|reduction|reductions|losses|cull|culls"),
        (Layoffs, S, "@cut ~4 @workers"),
        (Layoffs, S, "hiring ~1 freeze|pause|halt"),
        (Layoffs, S, "freezes|freeze|froze|pauses|halts ~1 hiring"),
        (Layoffs, W, "restructuring|restructure|restructures|restructured"),
        (Layoffs, W, "cost ~1 cutting|cuts|cut|savings"),
        (Layoffs, W, "closes|close|closing|shuts|shut|shutting ~3 plant|plants|factory|factories|stores|facility|facilities|offices|site|sites|locations|branches|clinics|outlets"),
        (Layoffs, W, "plant|factory|store|stores|office|offices ~1 closure|closures|closing|closings"),
        (Layoffs, V, "rules|ruled|rule ~1 out ~3 layoffs|layoff|job|jobs"),
        (Layoffs, V, "no|denies|deny|denied|avoid|avoids|avoided|without ~3 layoffs|layoff|job|jobs|redundancies"),
        // ----- Leadership change -----
        (LeadershipChange, S, "steps|step|stepping|stepped down"),
        (LeadershipChange, S, "resigns|resigned|resignation|resigning|ousted|ousts|oust|ouster|succession|reshuffle|reshuffles|appoints|appointment|appointments"),
        (LeadershipChange, S, "@appoint ~5 @role"),
        (LeadershipChange, S, "@appoint ~3 successor|replacement"),
        (LeadershipChange, S, "@role ~3 named|appointed|tapped|picked|promoted|elected|nominated|confirmed|hired|poached"),
        (LeadershipChange, S, "@role ~3 @depart_after"),
        (LeadershipChange, S, "@depart_before ~3 @role"),
        (LeadershipChange, S, "new|interim|incoming|acting|outgoing|next|permanent @role"),
        (LeadershipChange, S, "@role ~1 search|hunt|transition|succession|shakeup|shuffle|exit|departure|change|appointment|resignation|ouster|exodus"),
        (LeadershipChange, S, "leadership|management|executive|boardroom ~1 shakeup|shake|shuffle|reshuffle|overhaul|change|changes|transition|exodus|departures|departure|turmoil|upheaval"),
        (LeadershipChange, S, "c suite ~1 shakeup|shake|shuffle|reshuffle|overhaul|change|changes|exodus"),
        (LeadershipChange, S, "joins|joined|joining|rejoins ~5 as @role"),
        (LeadershipChange, S, "joins|joined|joining|rejoins|join ~3 board"),
        (LeadershipChange, S, "takes|took|taking|take over as|from"),
        (LeadershipChange, S, "@role out"),
        (LeadershipChange, W, "successor"),
        (LeadershipChange, V, "says|said|plans|vows|warns|tells|told|urges|considers|weighs|mulls|wants|expects ~3 exit|exits|exiting|leave|leaves|leaving|quit|quits|replace"),
        // ----- Earnings -----
        (Earnings, S, "earnings|eps|dividend|dividends|buyback|buybacks|repurchase|repurchases"),
        (Earnings, S, "buy|buys|bought|buying back"),
        (Earnings, S, "@guide ~3 guidance|outlook|forecast|forecasts"),
        (Earnings, S, "@beat ~3 estimates|expectations|forecasts|consensus|views|projections|street|estimate"),
        (Earnings, S, "@report ~4 @fin"),
        (Earnings, S, "@period ~3 @fin"),
        (Earnings, S, "@fin ~2 @move"),
        (Earnings, S, "net ~1 income|loss|profit|revenue|sales"),
        (Earnings, S, "operating ~1 income|loss|profit|margin"),
        (Earnings, S, "profit|earnings ~1 warning|warnings"),
        (Earnings, S, "warns ~3 profit|profits|revenue|sales|earnings|demand"),
        (Earnings, W, "results|q1|q2|q3|q4|quarter|quarterly|revenue|revenues|profit|profits|forecast|outlook|guidance|fiscal|estimates|shareholders"),
        (Earnings, V, "data ~1 loss|losses"),
        // ----- Partnership -----
        (Partnership, S, "partners|partnered|partnering|partnership|partnerships|alliance|alliances|collaboration|collaborations|collaborates|collaborate|collaborating|codevelop"),
        (Partnership, S, "partner ~1 with|to|on"),
        (Partnership, S, "teams|team|teaming|teamed up"),
        (Partnership, S, "joins|join|joining|joined forces"),
        (Partnership, S, "joint ~1 venture|ventures"),
        (Partnership, S, "ties|tie|tied up"),
        (Partnership, S, "tieup|tieups"),
        (Partnership, S, "@sign ~4 deal|deals|agreement|agreements|pact|contract|contracts|mou|memorandum|partnership|alliance"),
        (Partnership, S, "deal|deals|agreement|contract|pact|partnership ~1 with"),
        (Partnership, S, "@win ~4 contract|contracts|deal|deals|order|orders|tender"),
        (Partnership, W, "partner"),
        (Partnership, W, "selects|selected|chooses|chose|picks|picked|taps|tapped|adopts|adopted|deploys|deployed ~4 to|for|as"),
        (Partnership, W, "integrates|integration|integrations ~1 with"),
        // ----- Product launch -----
        (ProductLaunch, S, "@launch"),
        (ProductLaunch, S, "rolls|roll|rolling|rolled out"),
        (ProductLaunch, S, "now|generally|widely ~1 available"),
        (ProductLaunch, S, "general availability"),
        (ProductLaunch, S, "open sources|sourced|sourcing"),
        (ProductLaunch, W, "new ~2 product|products|feature|features|model|models|version|app|apps|platform|tool|tools|service|services|chip|chips|device|devices|suite|edition|lineup|capabilities|offering|api|sdk|plugin|integration"),
        (ProductLaunch, W, "beta|preview|upgrade"),
        (ProductLaunch, W, "adds|added|announces|brings|expands|extends|gets ~4 feature|features|support|capabilities|integration|integrations|model|models|mode"),
        (ProductLaunch, V, "@launch ~3 @not_product"),
        (ProductLaunch, V, "rolls|roll|rolling|rolled ~3 @not_product"),
        (ProductLaunch, V, "market|trading|stock|public|nasdaq|nyse|exchange|listing|ipo ~1 debut|debuts|debuted"),
        (ProductLaunch, V, "press ~1 release|releases"),
    ]
};

#[derive(Debug)]
enum Slot {
    /// One word of an interned word set.
    Words(u32),
    Amount,
    Number,
    Any,
    Gap(usize),
}

#[derive(Debug)]
struct Rule {
    category: IntelCategory,
    cue: Cue,
    slots: Vec<Slot>,
}

/// Longest vocabulary word; words are looked up packed into a `u128`.
const MAX_WORD: usize = 16;

/// A word of up to [`MAX_WORD`] bytes as one integer, so vocabulary lookups
/// hash and compare a number instead of a string.
fn pack(w: &str) -> Option<u128> {
    let b = w.as_bytes();
    if b.len() > MAX_WORD {
        return None;
    }
    Some(
        b.iter()
            .rev()
            .fold(0u128, |k, &byte| (k << 8) | u128::from(byte)),
    )
}

/// Multiply-fold hash for packed words: SipHash's DoS resistance buys
/// nothing for a fixed vocabulary and costs a noticeable share of the time.
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, i: u64) {
        let h = (self.0.rotate_left(5) ^ i).wrapping_mul(0x517c_c1b7_2722_0a95);
        // Multiplication only carries entropy upwards; fold the well-mixed
        // high half into the low bits the table indexes by.
        self.0 = h ^ (h >> 32);
    }

    fn write_u128(&mut self, i: u128) {
        self.write_u64(i as u64);
        self.write_u64((i >> 64) as u64);
    }
}

/// Word id of a token that no rule mentions.
const NO_WORD: u32 = u32::MAX;

/// The compiled rule table. Every word any rule mentions gets an id, and
/// every word set a bit, so testing "is this token one of @role" is one bit
/// lookup instead of a scan of string comparisons.
struct RuleSet {
    rules: Vec<Rule>,
    /// Bit per (first byte, last byte, length) class of vocabulary words; most
    /// words of a summary are not in the vocabulary and skip the hash lookup.
    maybe_word: Vec<u64>,
    vocab: HashMap<u128, u32, BuildHasherDefault<WordHasher>>,
    /// Rules whose first slot accepts the word, indexed by word id.
    first: Vec<Vec<u16>>,
    /// Rules whose first slot is `#amt` or `#num`.
    by_number: Vec<u16>,
    /// Membership bits, `stride` words of 64 bits per word id.
    member: Vec<u64>,
    stride: usize,
    role: u32,
    former: u32,
    backdrop: u32,
    in_backdrop: u32,
}

/// Class of a word for [`RuleSet::maybe_word`].
fn word_class(w: &str) -> usize {
    let b = w.as_bytes();
    (usize::from(b[0] & 31) << 9) | (usize::from(b[b.len() - 1] & 31) << 4) | (b.len() & 15)
}

impl RuleSet {
    fn word_id(&self, w: &str) -> u32 {
        let class = word_class(w);
        if self.maybe_word[class / 64] >> (class % 64) & 1 == 0 {
            return NO_WORD;
        }
        pack(w)
            .and_then(|k| self.vocab.get(&k).copied())
            .unwrap_or(NO_WORD)
    }

    fn is(&self, word: u32, set: u32) -> bool {
        word != NO_WORD
            && self.member[word as usize * self.stride + (set / 64) as usize] >> (set % 64) & 1 == 1
    }
}

/// Interns word sets while the rule table is compiled.
#[derive(Default)]
struct SetInterner {
    /// Pattern item (`@role`, `a|b|c`) → set id, so repeats share a bit.
    ids: HashMap<&'static str, u32>,
    /// Words of each set, by set id.
    sets: Vec<Vec<&'static str>>,
}

impl SetInterner {
    fn intern(&mut self, part: &'static str) -> u32 {
        if let Some(&id) = self.ids.get(part) {
            return id;
        }
        let id = u32::try_from(self.sets.len()).expect("few word sets");
        self.sets.push(match part.strip_prefix('@') {
            Some(name) => named_set(name).to_vec(),
            None => part.split('|').collect(),
        });
        self.ids.insert(part, id);
        id
    }
}

fn compile(pattern: &'static str, sets: &mut SetInterner) -> Vec<Slot> {
    let slots: Vec<Slot> = pattern
        .split_whitespace()
        .map(|part| {
            if let Some(n) = part.strip_prefix('~') {
                Slot::Gap(n.parse().expect("gap width must be a number"))
            } else if part == "#amt" {
                Slot::Amount
            } else if part == "#num" {
                Slot::Number
            } else if part == "*" {
                Slot::Any
            } else {
                Slot::Words(sets.intern(part))
            }
        })
        .collect();
    assert!(
        matches!(
            slots.first(),
            Some(Slot::Words(_) | Slot::Amount | Slot::Number)
        ) && !matches!(slots.last(), Some(Slot::Gap(_))),
        "pattern {pattern:?} must start with words or a number and not end in a gap"
    );
    slots
}

static RULES: LazyLock<RuleSet> = LazyLock::new(|| {
    let mut sets = SetInterner::default();
    // Interned first so the tokeniser's own sets have known ids.
    let role = sets.intern("@role");
    let former = sets.intern("@former");
    let backdrop = sets.intern("@backdrop");
    let in_backdrop = sets.intern("@in_backdrop");
    let compiled: Vec<Rule> = RULE_SPECS
        .iter()
        .map(|&(category, cue, pattern)| Rule {
            category,
            cue,
            slots: compile(pattern, &mut sets),
        })
        .collect();

    let stride = sets.sets.len().div_ceil(64);
    let mut vocab: HashMap<u128, u32, BuildHasherDefault<WordHasher>> = HashMap::default();
    let mut member: Vec<u64> = Vec::new();
    let mut maybe_word = vec![0u64; (1 << 14) / 64];
    for (set, words) in (0u32..).zip(&sets.sets) {
        for &w in words {
            let key = pack(w).unwrap_or_else(|| panic!("rule word {w:?} exceeds {MAX_WORD} bytes"));
            let class = word_class(w);
            maybe_word[class / 64] |= 1 << (class % 64);
            let next = u32::try_from(vocab.len()).expect("small vocabulary");
            let word = *vocab.entry(key).or_insert(next);
            if word == next {
                member.resize(member.len() + stride, 0);
            }
            member[word as usize * stride + (set / 64) as usize] |= 1 << (set % 64);
        }
    }

    let mut first = vec![Vec::new(); vocab.len()];
    let mut by_number = Vec::new();
    for (i, rule) in compiled.iter().enumerate() {
        let id = u16::try_from(i).expect("fewer than 65536 rules");
        match rule.slots[0] {
            Slot::Words(set) => {
                for &word in vocab.values() {
                    if member[word as usize * stride + (set / 64) as usize] >> (set % 64) & 1 == 1 {
                        first[word as usize].push(id);
                    }
                }
            }
            Slot::Amount | Slot::Number => by_number.push(id),
            Slot::Any | Slot::Gap(_) => unreachable!("compile checks the first slot"),
        }
    }
    for ids in &mut first {
        ids.sort_unstable();
    }
    RuleSet {
        rules: compiled,
        maybe_word,
        vocab,
        first,
        by_number,
        member,
        stride,
        role,
        former,
        backdrop,
        in_backdrop,
    }
});

/// End (exclusive) of the first match of `slots` starting at token `i`
/// within clause `clause`.
fn match_at(rules: &RuleSet, slots: &[Slot], t: &Tokens, i: usize, clause: u32) -> Option<usize> {
    let Some((slot, rest)) = slots.split_first() else {
        return Some(i);
    };
    if let Slot::Gap(n) = slot {
        return (0..=*n).find_map(|skip| match_at(rules, rest, t, i + skip, clause));
    }
    let tok = t.toks.get(i)?;
    if tok.clause != clause {
        return None;
    }
    let ok = match slot {
        Slot::Words(set) => tok.flags & F_MASKED == 0 && rules.is(tok.word, *set),
        Slot::Amount => tok.flags & F_AMOUNT != 0,
        Slot::Number => tok.flags & F_NUMERIC != 0,
        Slot::Any => true,
        Slot::Gap(_) => unreachable!("handled above"),
    };
    if ok {
        match_at(rules, rest, t, i + 1, clause)
    } else {
        None
    }
}

#[derive(Clone, Copy)]
struct Hit {
    category: IntelCategory,
    cue: Cue,
    start: usize,
    end: usize,
}

/// Best category cue in `text` and whether it is strong, or `None` when the
/// text has no cue at all.
fn best_cue(text: &str) -> Option<(IntelCategory, bool)> {
    let rules = &*RULES;
    let mut t = tokenize(text);
    annotate(&mut t, rules);
    let mut hits: Vec<Hit> = Vec::new();
    for (i, tok) in t.toks.iter().enumerate() {
        let by_word = match tok.word {
            NO_WORD => &[][..],
            w => rules.first[w as usize].as_slice(),
        };
        let by_number = if tok.flags & F_NUMERIC != 0 {
            rules.by_number.as_slice()
        } else {
            &[]
        };
        for &id in by_word.iter().chain(by_number) {
            let rule = &rules.rules[usize::from(id)];
            if let Some(end) = match_at(rules, &rule.slots, &t, i, tok.clause) {
                hits.push(Hit {
                    category: rule.category,
                    cue: rule.cue,
                    start: i,
                    end,
                });
            }
        }
    }
    let vetoed = |h: &Hit| {
        hits.iter().any(|v| {
            v.cue == Cue::Veto && v.category == h.category && v.start < h.end && h.start < v.end
        })
    };
    hits.iter()
        .filter(|h| h.cue != Cue::Veto && !vetoed(h))
        .max_by_key(|h| {
            (
                h.cue == Cue::Strong,
                !t.has(h.start, F_BACKDROP),
                priority(h.category),
            )
        })
        .map(|h| (h.category, h.cue == Cue::Strong))
}

/// How much of a summary is read when the headline is inconclusive: ledes
/// carry the news, while later boilerplate ("Acme, a leader in ...") only
/// adds noise.
pub const SUMMARY_SCAN_BYTES: usize = 320;

/// The first [`SUMMARY_SCAN_BYTES`] of a summary, cut at a word boundary so
/// a truncated "layoffs" cannot read as "lay".
fn summary_lede(summary: &str) -> &str {
    if summary.len() <= SUMMARY_SCAN_BYTES {
        return summary;
    }
    let mut end = SUMMARY_SCAN_BYTES;
    while !summary.is_char_boundary(end) {
        end -= 1;
    }
    let head = &summary[..end];
    match head.rfind(char::is_whitespace) {
        Some(space) => &head[..space],
        None => head,
    }
}

/// Rule-based classification of a news item from its headline (and summary
/// when the headline is inconclusive).
///
/// A headline with a strong cue decides alone. Otherwise a strong cue in the
/// summary wins, then a weak headline cue, then a weak summary cue, then
/// [`IntelCategory::Other`]. See the module documentation for the priority
/// order and judgement calls.
pub fn classify(headline: &str, summary: &str) -> IntelCategory {
    let from_headline = best_cue(headline);
    if let Some((c, true)) = from_headline {
        return c;
    }
    let from_summary = best_cue(summary_lede(summary));
    match (from_headline, from_summary) {
        (_, Some((c, true))) | (Some((c, _)), _) | (None, Some((c, false))) => c,
        (None, None) => IntelCategory::Other,
    }
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use IntelCategory::*;

    /// Realistic headlines in several newsroom styles, each with the category
    /// the rules must produce.
    const HEADLINES: &[(&str, IntelCategory)] = &[
        // The brief's anchor cases.
        (
            "Acme raises $50M Series C to fund acquisition spree",
            Funding,
        ),
        ("Acme to acquire Initech for $2B", Acquisition),
        ("Acme names Jane Doe CFO", LeadershipChange),
        (
            "Acme CEO steps down amid data breach probe",
            LeadershipChange,
        ),
        ("Acme cuts 300 jobs", Layoffs),
        ("Acme beats Q3 estimates, raises guidance", Earnings),
        ("Acme launches AI-powered platform", ProductLaunch),
        ("Acme partners with AWS", Partnership),
        (
            "FTC sues Acme over deceptive subscription practices",
            LegalRegulatory,
        ),
        ("Acme fined €20M under GDPR", LegalRegulatory),
        ("Acme discloses ransomware attack", SecurityIncident),
        ("Acme opens new office in Austin", Other),
        // False friends and judgement calls.
        ("Hooli acquires new customers with self-serve plan", Other),
        ("Globex hires 500 engineers for new Dublin hub", Other),
        (
            "Initech Q3 earnings call scheduled for October 24",
            Earnings,
        ),
        ("Former Pied Piper CEO launches AI startup", Other),
        ("Former Hooli CEO out with memoir on startup years", Other),
        (
            "Vandelay Industries to refund customers after billing glitch",
            Other,
        ),
        ("Cyberdyne hosts 48-hour hackathon for developers", Other),
        (
            "Dunder Mifflin names Ceoworks its preferred payroll vendor",
            Other,
        ),
        ("Top CEOs say AI will reshape the workforce", Other),
        ("Hooli CEO: AI will not replace our engineers", Other),
        (
            "Wayne Enterprises CEO rules out layoffs despite slowdown",
            Other,
        ),
        ("Stark Industries acquires land for new headquarters", Other),
        ("Oscorp shares breach $100 for first time", Other),
        ("Massive Dynamic fine-tunes Llama for legal research", Other),
        ("Tyrell stock rated buy at Goldman", Other),
        ("3 AI stocks to buy now: Hooli, Initech, Globex", Other),
        (
            "Umbrella launches $100M venture fund for AI startups",
            Other,
        ),
        ("Soylent Stock Falls 5% After Analyst Downgrade", Other),
        ("Aperture to invest $500M in new Ohio plant", Other),
        (
            "Cyberdyne launches tool to stop ransomware attacks",
            ProductLaunch,
        ),
        ("Hooli launches GDPR compliance tool", ProductLaunch),
        (
            "Initech sued for breach of contract by former supplier",
            LegalRegulatory,
        ),
        (
            "Stark Industries lands $480 million Pentagon cloud contract",
            Partnership,
        ),
        (
            "Wonka inks $300M deal to supply cocoa to Soylent",
            Partnership,
        ),
        // Funding.
        (
            "Stripe-backed Pied Piper lands $120 million in Series B funding",
            Funding,
        ),
        (
            "Tyrell, which makes robotic lawnmowers, raises $40 million",
            Funding,
        ),
        ("Aperture snags $12M seed round led by Sequoia", Funding),
        ("Oscorp's stock soars in Nasdaq debut", Funding),
        ("Massive Dynamic files confidentially for U.S. IPO", Funding),
        (
            "Vandelay secures $200M credit facility to fund expansion",
            Funding,
        ),
        ("Pied Piper valued at $10B after new funding", Funding),
        ("Cyberdyne raises $30M to fight phishing", Funding),
        ("Wonka plans to go public in 2025", Funding),
        ("Google invests $2 billion in Hooli", Funding),
        // Acquisition.
        (
            "Exclusive: Globex in talks to buy Initech, sources say",
            Acquisition,
        ),
        (
            "Hooli and Pied Piper agree to merge in all-stock deal",
            Acquisition,
        ),
        (
            "Initech agrees to be acquired by Acme for $4.1 billion",
            Acquisition,
        ),
        (
            "Dunder Mifflin completes sale of legacy paper unit to Sabre",
            Acquisition,
        ),
        ("KKR to take Tyrell private in $6bn deal", Acquisition),
        (
            "Stark Industries takes 20% stake in battery maker Oscorp",
            Acquisition,
        ),
        (
            "Wayne Enterprises to sell consumer unit to Oscorp for $1.2 billion",
            Acquisition,
        ),
        ("Umbrella seals $1.3B deal to buy Aperture", Acquisition),
        (
            "Soylent strikes $5 billion deal to buy Wonka's chip unit",
            Acquisition,
        ),
        ("Hooli, Globex end merger talks", Acquisition),
        (
            "Massive Dynamic Is Said to Weigh Sale of Cloud Unit",
            Acquisition,
        ),
        (
            "Initech shares plunge after Acme drops takeover bid",
            Acquisition,
        ),
        (
            "Cyberdyne abandons $20 billion Tyrell deal amid regulatory pushback",
            Acquisition,
        ),
        // Leadership.
        (
            "Pied Piper co-founder and CTO Raj Patel to depart",
            LeadershipChange,
        ),
        (
            "Hooli taps former Google exec as chief operating officer",
            LeadershipChange,
        ),
        (
            "Globex names new CEO after founder's abrupt exit",
            LeadershipChange,
        ),
        ("After data breach, Initech CEO resigns", LeadershipChange),
        (
            "Wonka founder Jane Doe steps down as chief executive",
            LeadershipChange,
        ),
        (
            "Vandelay appoints Deloitte veteran to board",
            LeadershipChange,
        ),
        ("Jane Doe takes over as Oscorp CEO", LeadershipChange),
        ("Tyrell ousts CEO after board clash", LeadershipChange),
        (
            "Aperture’s CFO to retire at year-end; successor search under way",
            LeadershipChange,
        ),
        ("Soylent boss quits after just 18 months", LeadershipChange),
        (
            "Umbrella names Initech veteran Maria Lopez as chief revenue officer",
            LeadershipChange,
        ),
        (
            "Massive Dynamic CEO Jane Doe retires, CFO John Roe to take over",
            LeadershipChange,
        ),
        (
            "Dunder Mifflin's Jo Bennett to take over from founder as CEO",
            LeadershipChange,
        ),
        // Layoffs.
        (
            "UPDATE 2-Globex to cut 1,200 jobs as quarterly profit slumps",
            Layoffs,
        ),
        (
            "Hooli lays off 10% of staff in second round of cuts this year",
            Layoffs,
        ),
        ("Initech to shed 4,000 roles in restructuring", Layoffs),
        ("Pied Piper announces hiring freeze", Layoffs),
        ("Tyrell warns of job cuts as sales slump", Layoffs),
        ("Aperture axes 200 staff in UK shake-up", Layoffs),
        (
            "Wonka to close three plants, affecting 900 workers",
            Layoffs,
        ),
        ("New Oscorp CEO cuts 10% of workforce", Layoffs),
        // Earnings.
        (
            "Stark shares tumble as third-quarter revenue misses estimates",
            Earnings,
        ),
        ("Soylent posts surprise fourth-quarter loss", Earnings),
        (
            "Umbrella lowers full-year outlook on weak China demand",
            Earnings,
        ),
        ("Hooli reports record Q2 revenue, shares jump 8%", Earnings),
        ("Vandelay declares quarterly dividend", Earnings),
        (
            "Cyberdyne board approves $5 billion share buyback",
            Earnings,
        ),
        ("Globex Q3 preview: what to expect", Earnings),
        (
            "Initech's quarterly revenue tops $1 billion for the first time",
            Earnings,
        ),
        (
            "Wayne beats on earnings but revenue guidance disappoints - Reuters",
            Earnings,
        ),
        (
            "Massive Dynamic (MDYN) Q3 2024 Earnings Call Transcript",
            Earnings,
        ),
        (
            "Acme Energy's Q4 profit doubles on higher gas prices",
            Earnings,
        ),
        (
            "Oscorp unveils $2B share buyback, raises dividend",
            Earnings,
        ),
        // Partnership.
        ("Microsoft and Pied Piper team up on AI chips", Partnership),
        ("Hooli signs multi-year cloud deal with Google", Partnership),
        (
            "Globex selects Initech to modernize payments stack",
            Partnership,
        ),
        (
            "Tyrell expands partnership with Salesforce to include Slack",
            Partnership,
        ),
        (
            "Stark, Wayne form joint venture for EV batteries",
            Partnership,
        ),
        (
            "Aperture partners with Nvidia to launch AI cloud",
            Partnership,
        ),
        // Product launch.
        ("Hooli unveils next-generation M4 chip", ProductLaunch),
        (
            "Initech rolls out generative AI assistant to all customers",
            ProductLaunch,
        ),
        (
            "Pied Piper's new compression API is now generally available",
            ProductLaunch,
        ),
        (
            "Umbrella open-sources its internal observability toolkit",
            ProductLaunch,
        ),
        (
            "Soylent debuts AI-powered dashboards at annual user conference",
            ProductLaunch,
        ),
        (
            "Dunder Mifflin adds real-time translation feature to Teams",
            ProductLaunch,
        ),
        (
            "Globex launches AI platform in partnership with AWS",
            ProductLaunch,
        ),
        // Legal & regulatory.
        (
            "EU regulators open antitrust probe into Hooli's cloud licensing",
            LegalRegulatory,
        ),
        (
            "Wonka agrees to $20 million settlement in shareholder lawsuit",
            LegalRegulatory,
        ),
        (
            "Aperture recalls 50,000 e-bikes over battery fire risk",
            LegalRegulatory,
        ),
        (
            "SEC charges former Tyrell CFO with accounting fraud",
            LegalRegulatory,
        ),
        (
            "Massive Dynamic wins FDA clearance for AI stroke detection",
            LegalRegulatory,
        ),
        (
            "Oscorp offices raided by EU antitrust regulators",
            LegalRegulatory,
        ),
        (
            "Vandelay pleads guilty to bribery charges, pays $300M",
            LegalRegulatory,
        ),
        (
            "Initech settles patent dispute with Globex",
            LegalRegulatory,
        ),
        (
            "FTC sues to block Hooli's acquisition of Pied Piper",
            LegalRegulatory,
        ),
        (
            "Soylent's former CFO sentenced to prison for fraud",
            LegalRegulatory,
        ),
        // Security incident.
        (
            "Cyberdyne hit by cyberattack; customer data exposed",
            SecurityIncident,
        ),
        (
            "Hackers steal customer data in Umbrella breach",
            SecurityIncident,
        ),
        (
            "Stark confirms data breach affecting 2 million users",
            SecurityIncident,
        ),
        (
            "Hooli patches zero-day exploited in the wild",
            SecurityIncident,
        ),
        ("Initech hackers leak Globex source code", SecurityIncident),
        (
            "Wayne cloud outage disrupts thousands of businesses",
            SecurityIncident,
        ),
        (
            "Wonka customer records exposed in misconfigured database",
            SecurityIncident,
        ),
    ];
    #[test]
    fn headlines_are_classified_into_the_expected_category() {
        assert!(HEADLINES.len() >= 60);
        let wrong: Vec<String> = HEADLINES
            .iter()
            .filter_map(|&(h, want)| {
                let got = classify(h, "");
                (got != want).then(|| format!("{h:?}: got {got:?}, want {want:?}"))
            })
            .collect();
        assert!(
            wrong.is_empty(),
            "{} misclassified:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    }

    #[test]
    fn every_category_appears_in_the_headline_table() {
        for &c in IntelCategory::ALL {
            assert!(
                HEADLINES.iter().any(|&(_, want)| want == c),
                "{c:?} untested"
            );
        }
    }

    #[test]
    fn the_summary_decides_only_when_the_headline_has_no_cue() {
        let cases = [
            (
                "Acme shares slide",
                "The company said it would cut 300 jobs in Europe.",
                Layoffs,
            ),
            (
                "Acme names Jane Doe CFO",
                "The appointment comes weeks after Acme raised $50M in a Series C round.",
                LeadershipChange,
            ),
            ("What Acme's week tells us", "", Other),
            (
                "Acme: what investors need to know",
                "Acme disclosed a ransomware attack that disrupted shipping.",
                SecurityIncident,
            ),
            (
                "Acme Q3 preview: what to expect",
                "Analysts watch margins and the regulatory backdrop.",
                Earnings,
            ),
            (
                "Acme weekly roundup",
                "Regulators are watching the sector.",
                LegalRegulatory,
            ),
            (
                "Globex faces a tough quarter",
                "Globex said on Tuesday it will lay off 1,200 workers.",
                Layoffs,
            ),
        ];
        for (headline, summary, want) in cases {
            assert_eq!(
                classify(headline, summary),
                want,
                "{headline:?} / {summary:?}"
            );
        }
    }

    #[test]
    fn only_the_start_of_a_long_summary_is_read() {
        let filler = "Acme makes widgets for retailers and wholesalers. ".repeat(20);
        let summary = format!("{filler}Separately, Acme lays off 200 staff.");
        assert!(filler.len() > SUMMARY_SCAN_BYTES);
        assert_eq!(classify("Acme weekly roundup", &summary), Other);
        assert_eq!(
            classify("Acme weekly roundup", &summary[filler.len()..]),
            Layoffs
        );
    }

    #[test]
    fn a_long_summary_is_cut_at_a_word_boundary() {
        let pad = "x".repeat(SUMMARY_SCAN_BYTES - 4);
        // "layoffs" straddles the limit: only "lay" would fit.
        let summary = format!("{pad} layoffs ahead");
        assert_eq!(summary_lede(&summary), pad);
        assert_eq!(summary_lede("short summary"), "short summary");
        let unbroken = "y".repeat(SUMMARY_SCAN_BYTES * 2);
        assert_eq!(summary_lede(&unbroken).len(), SUMMARY_SCAN_BYTES);
    }

    #[test]
    fn a_summary_cut_inside_a_multibyte_character_does_not_panic() {
        let summary = "é".repeat(SUMMARY_SCAN_BYTES);
        assert_eq!(classify("Acme weekly roundup", &summary), Other);
    }

    #[test]
    fn matching_is_by_whole_word_not_substring() {
        let cases = [
            ("Acme appoints ceoxyz", LeadershipChange), // "appoints" alone
            ("Acme names Ceoxyz Labs preferred vendor", Other),
            ("Acme names Jane Doe CEO", LeadershipChange),
            ("Acme hackathon draws 2,000 coders", Other),
            ("Acme hack exposes 2,000 coders", SecurityIncident),
            ("Acme refunding bondholders", Other),
        ];
        for (h, want) in cases {
            assert_eq!(classify(h, ""), want, "{h:?}");
        }
    }

    #[test]
    fn backdrop_clauses_lose_to_the_main_event_but_beat_no_event() {
        let cases = [
            (
                "Acme CFO resigns following accounting probe",
                LeadershipChange,
            ),
            ("Accounting probe widens, Acme CFO resigns", LegalRegulatory),
            ("Acme shares rise ahead of earnings", Earnings),
            ("Acme cuts jobs after merger with Initech", Layoffs),
        ];
        for (h, want) in cases {
            assert_eq!(classify(h, ""), want, "{h:?}");
        }
    }

    #[test]
    fn category_priority_breaks_ties_between_main_clause_cues() {
        let cases = [
            ("Acme fined $10M for data breach", LegalRegulatory),
            ("Acme to acquire Initech and cut 2,000 jobs", Acquisition),
            ("Acme posts quarterly loss and lays off 500", Layoffs),
            (
                "Acme signs deal to launch satellites with Initech",
                Partnership,
            ),
        ];
        for (h, want) in cases {
            assert_eq!(classify(h, ""), want, "{h:?}");
        }
    }

    #[test]
    fn every_rule_compiles_and_is_indexed() {
        let rules = &*RULES;
        assert_eq!(rules.rules.len(), RULE_SPECS.len());
        let mut indexed: Vec<u16> = rules
            .first
            .iter()
            .flatten()
            .chain(&rules.by_number)
            .copied()
            .collect();
        indexed.sort_unstable();
        indexed.dedup();
        assert_eq!(
            indexed.len(),
            rules.rules.len(),
            "some rule can never start a match"
        );
        for word in [
            "ceo",
            "chief",
            "acquires",
            "the",
            "ceoxyz",
            "hackathon",
            "a",
        ] {
            let id = rules.word_id(word);
            assert_eq!(rules.is(id, rules.role), ROLE.contains(&word), "{word}");
        }
        assert_eq!(rules.word_id("hackathon"), NO_WORD);
        assert_eq!(rules.word_id("supercalifragilistic"), NO_WORD);
        assert_ne!(rules.word_id("investigations"), NO_WORD);
    }

    #[test]
    fn priority_ranks_are_distinct_and_other_is_lowest() {
        let mut ranks: Vec<u8> = IntelCategory::ALL.iter().map(|&c| priority(c)).collect();
        ranks.sort_unstable();
        ranks.dedup();
        assert_eq!(ranks.len(), IntelCategory::ALL.len());
        assert_eq!(priority(Other), ranks[0]);
    }

    #[test]
    fn tokens_fold_money_possessives_and_abbreviations() {
        let cases = [
            ("Acme's $2 billion deal", "acme 2b deal"),
            (
                "raises $1.2bn, €20M and 480 million",
                "raises 1.2b 20m and 480m",
            ),
            ("U.S. regulators", "us regulators"),
            ("Cuts 1,200 jobs", "cuts 1200 jobs"),
            ("Don’t panic", "dont panic"),
            ("ÉCLAIR Über", "éclair über"),
        ];
        for (text, want) in cases {
            let t = tokenize(text);
            let got: Vec<&str> = (0..t.len()).map(|i| t.text(i)).collect();
            assert_eq!(got.join(" "), want, "{text:?}");
        }
    }
}

//! Headline classification for company-intelligence news items: the rules
//! engine. Which words are cues is data, in `rules.txt` beside this file (its
//! header gives the syntax); this module owns the tokeniser, the reader and
//! compiler of that file, the matcher and the priority between categories.
//! Link normalisation and headline dedupe live in [`super::dedupe`], which
//! borrows the tokeniser.
//!
//! It imports [`IntelCategory`] from `crate::domain` and nothing else from
//! planbot.
//!
//! Everything here is a pure function of its arguments: no I/O, no clock, no
//! global mutable state. The rules file is embedded at build time and
//! compiled once into a [`LazyLock`] so classifying an item costs one pass of
//! tokenising plus one hash lookup per token. A unit test reads and compiles
//! the shipped file, so a mistake in it fails the tests rather than the first
//! classification.
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

use std::collections::{BTreeMap, HashMap, HashSet};
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
// Compiled rules
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

// ---------------------------------------------------------------------------
// The rules file
// ---------------------------------------------------------------------------

/// The shipped word sets and rules; the file's header gives the syntax.
const RULES_FILE: &str = include_str!("rules.txt");

/// Word sets the engine itself reads (role titles, words that make one a
/// former role, backdrop markers), so the rules file must define them.
const ENGINE_SETS: [&str; 4] = ["@role", "@former", "@backdrop", "@in_backdrop"];

/// One rule as the file writes it.
#[derive(Debug, Clone, Copy)]
struct RuleSpec<'a> {
    line: usize,
    category: IntelCategory,
    cue: Cue,
    pattern: &'a str,
}

/// The rules file read into its parts, not yet compiled.
#[derive(Debug, Default)]
struct RuleSpecs<'a> {
    /// Named word sets: name → (line defined on, words).
    sets: BTreeMap<&'a str, (usize, Vec<&'a str>)>,
    rules: Vec<RuleSpec<'a>>,
}

/// A rule word must be one the tokeniser can produce, or it never matches.
fn check_word(w: &str) -> Result<(), String> {
    if w.len() > MAX_WORD {
        return Err(format!("`{w}` is longer than {MAX_WORD} bytes"));
    }
    let t = tokenize(w);
    if t.len() != 1 || t.text(0) != w {
        return Err(format!(
            "`{w}` is not a word the tokeniser produces (lowercase letters and digits)"
        ));
    }
    Ok(())
}

/// Reads the rules file's lines; errors name the line.
fn read_rules(text: &str) -> Result<RuleSpecs<'_>, String> {
    let mut specs = RuleSpecs::default();
    // The word set that indented lines continue.
    let mut open: Option<&str> = None;
    for (n, raw) in (1..).zip(text.lines()) {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if raw.starts_with(char::is_whitespace) {
            let Some(name) = open else {
                return Err(format!("line {n}: an indented line continues no word set"));
            };
            let words = &mut specs.sets.get_mut(name).expect("the open set is defined").1;
            for w in line.split_whitespace() {
                check_word(w).map_err(|e| format!("line {n}: {e}"))?;
                words.push(w);
            }
            continue;
        }
        open = None;
        if let Some(definition) = line.strip_prefix('@') {
            let Some((name, words)) = definition.split_once('=') else {
                return Err(format!(
                    "line {n}: a word set is written `@name = word word ...`"
                ));
            };
            let name = name.trim();
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                return Err(format!(
                    "line {n}: `@{name}` is not a set name (lowercase letters and `_`)"
                ));
            }
            let words: Vec<&str> = words.split_whitespace().collect();
            for w in &words {
                check_word(w).map_err(|e| format!("line {n}: {e}"))?;
            }
            if let Some((first, _)) = specs.sets.insert(name, (n, words)) {
                return Err(format!(
                    "line {n}: @{name} is already defined on line {first}"
                ));
            }
            open = Some(name);
            continue;
        }
        let (category, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim_start();
        let (cue, pattern) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let Some(category) = IntelCategory::ALL
            .iter()
            .copied()
            .find(|c| *c != IntelCategory::Other && c.as_str() == category)
        else {
            let valid: Vec<&str> = IntelCategory::ALL
                .iter()
                .filter(|c| **c != IntelCategory::Other)
                .map(|c| c.as_str())
                .collect();
            return Err(format!(
                "line {n}: `{category}` is not a category a rule can give; use one of: {}",
                valid.join(", ")
            ));
        };
        let cue = match cue {
            "strong" => Cue::Strong,
            "weak" => Cue::Weak,
            "veto" => Cue::Veto,
            _ => {
                return Err(format!(
                    "line {n}: `{cue}` is not a cue; use strong, weak or veto"
                ));
            }
        };
        let pattern = pattern.trim();
        if pattern.is_empty() {
            return Err(format!("line {n}: the rule has no pattern"));
        }
        specs.rules.push(RuleSpec {
            line: n,
            category,
            cue,
            pattern,
        });
    }
    Ok(specs)
}

/// Interns word sets while the rule table is compiled.
struct SetInterner<'a, 's> {
    named: &'s BTreeMap<&'a str, (usize, Vec<&'a str>)>,
    /// Pattern item (`@role`, `a|b|c`) → set id, so repeats share a bit.
    ids: HashMap<&'a str, u32>,
    /// Words of each set, by set id.
    sets: Vec<Vec<&'a str>>,
    /// Named sets some pattern or the engine uses.
    used: HashSet<&'a str>,
}

impl<'a> SetInterner<'a, '_> {
    fn intern(&mut self, part: &'a str) -> Result<u32, String> {
        if let Some(&id) = self.ids.get(part) {
            return Ok(id);
        }
        let id = u32::try_from(self.sets.len()).expect("few word sets");
        let words = match part.strip_prefix('@') {
            Some(name) => {
                let Some((_, words)) = self.named.get(name) else {
                    return Err(format!("there is no word set @{name}"));
                };
                self.used.insert(name);
                words.clone()
            }
            None => {
                let words: Vec<&str> = part.split('|').collect();
                for w in &words {
                    if w.is_empty() {
                        return Err(format!("`{part}` has an empty alternative"));
                    }
                    check_word(w)?;
                }
                words
            }
        };
        self.sets.push(words);
        self.ids.insert(part, id);
        Ok(id)
    }
}

fn compile<'a>(pattern: &'a str, sets: &mut SetInterner<'a, '_>) -> Result<Vec<Slot>, String> {
    let mut slots = Vec::new();
    for part in pattern.split_whitespace() {
        slots.push(if let Some(n) = part.strip_prefix('~') {
            Slot::Gap(
                n.parse()
                    .map_err(|_| format!("`{part}` is not a gap: `~` and a number"))?,
            )
        } else if part == "#amt" {
            Slot::Amount
        } else if part == "#num" {
            Slot::Number
        } else if part == "*" {
            Slot::Any
        } else if part.starts_with('#') {
            return Err(format!("`{part}` is neither #amt nor #num"));
        } else {
            Slot::Words(sets.intern(part)?)
        });
    }
    if !matches!(
        slots.first(),
        Some(Slot::Words(_) | Slot::Amount | Slot::Number)
    ) || matches!(slots.last(), Some(Slot::Gap(_)))
    {
        return Err(format!(
            "pattern {pattern:?} must start with words or a number and not end in a gap"
        ));
    }
    Ok(slots)
}

/// Compiles what [`read_rules`] read: every word gets an id, every set a
/// bit, every rule a place in the index of the words it can start with.
fn compile_rules(specs: &RuleSpecs<'_>) -> Result<RuleSet, String> {
    let mut sets = SetInterner {
        named: &specs.sets,
        ids: HashMap::new(),
        sets: Vec::new(),
        used: HashSet::new(),
    };
    // Interned first so the tokeniser's own sets have known ids.
    let mut engine = [0; ENGINE_SETS.len()];
    for (id, set) in engine.iter_mut().zip(ENGINE_SETS) {
        *id = sets
            .intern(set)
            .map_err(|e| format!("the engine needs {set}: {e}"))?;
    }
    let [role, former, backdrop, in_backdrop] = engine;
    let mut compiled = Vec::with_capacity(specs.rules.len());
    for spec in &specs.rules {
        compiled.push(Rule {
            category: spec.category,
            cue: spec.cue,
            slots: compile(spec.pattern, &mut sets)
                .map_err(|e| format!("line {}: {e}", spec.line))?,
        });
    }
    for (name, (line, words)) in &specs.sets {
        if words.is_empty() {
            return Err(format!("line {line}: @{name} has no words"));
        }
        if !sets.used.contains(name) {
            return Err(format!("line {line}: @{name} is used by no rule"));
        }
    }

    let stride = sets.sets.len().div_ceil(64);
    let mut vocab: HashMap<u128, u32, BuildHasherDefault<WordHasher>> = HashMap::default();
    let mut member: Vec<u64> = Vec::new();
    let mut maybe_word = vec![0u64; (1 << 14) / 64];
    for (set, words) in (0u32..).zip(&sets.sets) {
        for &w in words {
            let key = pack(w).expect("rule words are checked when read");
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
        let id = u16::try_from(i).map_err(|_| "more than 65536 rules".to_string())?;
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
    Ok(RuleSet {
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
    })
}

/// The shipped rules, compiled on first use. The unit tests compile the
/// same file, so a mistake in it fails them first.
static RULES: LazyLock<RuleSet> = LazyLock::new(|| {
    read_rules(RULES_FILE)
        .and_then(|specs| compile_rules(&specs))
        .unwrap_or_else(|err| panic!("intel rules (src/intel/rules.txt), {err}"))
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
    /// the rules must produce; the file's header gives the format.
    const CORPUS: &str = include_str!("../../tests/fixtures/intel_corpus.tsv");

    /// The corpus's cases as (line, headline, category). A malformed line
    /// fails the test that reads it.
    fn corpus() -> Vec<(usize, &'static str, IntelCategory)> {
        (1..)
            .zip(CORPUS.lines())
            .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
            .map(|(n, line)| {
                let (name, headline) = line.split_once('\t').unwrap_or_else(|| {
                    panic!("intel_corpus.tsv line {n}: a category, a tab, a headline")
                });
                let category = IntelCategory::ALL
                    .iter()
                    .copied()
                    .find(|c| c.as_str() == name)
                    .unwrap_or_else(|| {
                        panic!("intel_corpus.tsv line {n}: `{name}` is not a category")
                    });
                assert!(
                    !headline.trim().is_empty(),
                    "intel_corpus.tsv line {n}: no headline"
                );
                (n, headline, category)
            })
            .collect()
    }

    #[test]
    fn headlines_are_classified_into_the_expected_category() {
        let cases = corpus();
        assert!(cases.len() >= 60);
        let wrong: Vec<String> = cases
            .iter()
            .filter_map(|&(n, h, want)| {
                let got = classify(h, "");
                (got != want).then(|| format!("line {n}: {h:?}: got {got:?}, want {want:?}"))
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
        let cases = corpus();
        for &c in IntelCategory::ALL {
            assert!(
                cases.iter().any(|&(_, _, want)| want == c),
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
    fn the_shipped_rules_file_reads_and_every_rule_compiles() {
        let specs = read_rules(RULES_FILE).unwrap_or_else(|err| panic!("rules.txt, {err}"));
        let rules = compile_rules(&specs).unwrap_or_else(|err| panic!("rules.txt, {err}"));
        // Every line that is not a comment, a set or a set's continuation
        // is a rule, and each became one.
        let rule_lines = RULES_FILE
            .lines()
            .filter(|l| {
                !l.trim().is_empty()
                    && !l.starts_with(['#', '@'])
                    && !l.starts_with(char::is_whitespace)
            })
            .count();
        assert_eq!(specs.rules.len(), rule_lines);
        assert_eq!(rules.rules.len(), rule_lines);
        for category in IntelCategory::ALL.iter().filter(|c| **c != Other) {
            assert!(
                specs
                    .rules
                    .iter()
                    .any(|r| r.category == *category && r.cue == Cue::Strong),
                "no strong cue for {category:?}"
            );
        }
    }

    #[test]
    fn every_rule_compiles_and_is_indexed() {
        let rules = &*RULES;
        let role = &read_rules(RULES_FILE).expect("checked above").sets["role"].1;
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
            assert_eq!(rules.is(id, rules.role), role.contains(&word), "{word}");
        }
        assert_eq!(rules.word_id("hackathon"), NO_WORD);
        assert_eq!(rules.word_id("supercalifragilistic"), NO_WORD);
        assert_ne!(rules.word_id("investigations"), NO_WORD);
    }

    #[test]
    fn a_malformed_rules_file_is_refused_with_the_line_at_fault() {
        // The sets the engine needs, on lines 1 to 4.
        let base = "@role = ceo\n@former = former\n@backdrop = amid\n@in_backdrop = partnership\n";
        let cases = [
            ("funding strong raises ~x #amt", "line 5: `~x` is not a gap"),
            (
                "funding strong ~2 raises",
                "line 5: pattern \"~2 raises\" must start with words",
            ),
            (
                "funding strong raises ~2",
                "line 5: pattern \"raises ~2\" must start with words or a number and not end in a gap",
            ),
            (
                "funding strong raises #amx",
                "line 5: `#amx` is neither #amt nor #num",
            ),
            (
                "fundin strong raises",
                "line 5: `fundin` is not a category a rule can give; use one of: funding,",
            ),
            ("other weak news", "line 5: `other` is not a category"),
            ("funding sure raises", "line 5: `sure` is not a cue"),
            ("funding strong", "line 5: the rule has no pattern"),
            (
                "funding strong @nothing",
                "line 5: there is no word set @nothing",
            ),
            (
                "funding strong Raises",
                "line 5: `Raises` is not a word the tokeniser produces",
            ),
            (
                "funding strong raises|u.s.",
                "line 5: `u.s.` is not a word the tokeniser produces",
            ),
            (
                "funding strong raises||gets",
                "line 5: `raises||gets` has an empty alternative",
            ),
            (
                "funding strong supercalifragilistic",
                "line 5: `supercalifragilistic` is longer than 16 bytes",
            ),
            ("@role = cfo", "line 5: @role is already defined on line 1"),
            ("@Role = cfo", "line 5: `@Role` is not a set name"),
            (
                "@roles ceo cfo",
                "line 5: a word set is written `@name = word word ...`",
            ),
            (
                "@unused = cfo\nfunding strong ceo",
                "line 5: @unused is used by no rule",
            ),
            (
                "@empty =\nfunding strong @empty",
                "line 5: @empty has no words",
            ),
            (
                "funding strong ceo\n    cfo",
                "line 6: an indented line continues no word set",
            ),
            ("    Cfo", "line 5: `Cfo` is not a word"),
        ];
        for (tail, want) in cases {
            let text = format!("{base}{tail}\n");
            let err = read_rules(&text)
                .and_then(|specs| compile_rules(&specs))
                .err()
                .unwrap_or_else(|| panic!("{tail:?} was accepted"));
            assert!(err.starts_with(want), "{tail:?}: {err}");
        }
        let err = read_rules("funding strong raises\n")
            .and_then(|specs| compile_rules(&specs))
            .err()
            .expect("no engine sets");
        assert_eq!(err, "the engine needs @role: there is no word set @role");
        // The base with one rule is fine, and a set continues on indented
        // lines, across comments.
        let text = format!("{base}#\n    cfo\nfunding strong ceo\n");
        let specs = read_rules(&text).unwrap();
        assert_eq!(specs.sets["in_backdrop"].1, ["partnership", "cfo"]);
        assert!(compile_rules(&specs).is_ok());
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

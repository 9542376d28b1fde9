//! Finding accounts by the names and ids other systems use (CSV files, the
//! ingest API): exact name in any case, else the one account whose folded
//! name matches, or the CRM's external id.

use std::collections::HashMap;

use crate::domain::names::match_key;

/// What identifies an account to systems outside Slack: its name, its
/// folded name and its CRM id.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccountKey {
    pub account_id: i64,
    pub name: String,
    pub external_id: Option<String>,
    pub match_key: String,
}

/// Why a name or external id names no single account.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unresolved {
    #[error("there is no account named “{0}”")]
    NoName(String),
    #[error("there is no account with external_id “{0}”")]
    NoExternalId(String),
    #[error("“{0}” could mean {1}; write the account's full name")]
    Ambiguous(String, String),
}

/// Finds accounts by name or external id the way imports and the API name
/// them: the exact name in any case first, else the one account whose
/// folded name matches ("Acme" for "Acme, Inc."); external ids exactly.
#[derive(Debug, Default)]
pub struct AccountIndex {
    keys: Vec<AccountKey>,
    by_lower: HashMap<String, usize>,
    by_match: HashMap<String, Vec<usize>>,
    by_external: HashMap<String, usize>,
}

impl AccountIndex {
    pub fn new(keys: Vec<AccountKey>) -> Self {
        let mut index = AccountIndex::default();
        for key in keys {
            index.add(key);
        }
        index
    }

    /// Adds (or replaces, by id) an account, as an import creates it.
    pub fn add(&mut self, key: AccountKey) {
        let at = self.keys.len();
        self.by_lower.insert(key.name.to_lowercase(), at);
        self.by_match.entry(key.match_key.clone()).or_default().push(at);
        if let Some(external) = &key.external_id {
            self.by_external.insert(external.clone(), at);
        }
        self.keys.push(key);
    }

    /// The account with exactly this name, in any case.
    pub fn exact(&self, name: &str) -> Option<&AccountKey> {
        self.by_lower.get(&name.trim().to_lowercase()).map(|&at| &self.keys[at])
    }

    pub fn by_name(&self, name: &str) -> Result<&AccountKey, Unresolved> {
        if let Some(&at) = self.by_lower.get(&name.trim().to_lowercase()) {
            return Ok(&self.keys[at]);
        }
        let mut ids: Vec<&AccountKey> = self
            .by_match
            .get(&match_key(name))
            .into_iter()
            .flatten()
            .map(|&at| &self.keys[at])
            .collect();
        ids.dedup_by_key(|k| k.account_id);
        match ids.as_slice() {
            [] => Err(Unresolved::NoName(name.trim().to_string())),
            [one] => Ok(one),
            several => Err(Unresolved::Ambiguous(
                name.trim().to_string(),
                several.iter().take(5).map(|k| format!("“{}”", k.name)).collect::<Vec<_>>().join(", "),
            )),
        }
    }

    pub fn by_external_id(&self, external_id: &str) -> Result<&AccountKey, Unresolved> {
        self.by_external
            .get(external_id.trim())
            .map(|&at| &self.keys[at])
            .ok_or_else(|| Unresolved::NoExternalId(external_id.trim().to_string()))
    }
}

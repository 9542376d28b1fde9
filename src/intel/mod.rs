//! Company intelligence: classifying and deduplicating news about accounts.

pub mod classify;

//! Company intelligence: news about accounts, from polled feeds and the
//! ingest API, classified, deduplicated and delivered to followers.

pub mod classify;
pub mod dedupe;
pub mod deliver;
pub mod ingest;
pub mod poll;

//! Company intelligence: news about accounts, from polled feeds and the
//! ingest API, classified, deduplicated and delivered to followers.
//!
//! A feature on the app layer: it may import `domain/`, `store/`, `render/`;
//! the transports and jobs call it.

pub mod classify;
pub mod deliver;
pub mod ingest;
pub mod poll;

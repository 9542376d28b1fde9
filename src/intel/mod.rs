//! Company intelligence: news about accounts, from polled feeds and the
//! ingest API, classified, deduplicated and delivered to followers.
//!
//! The pure parts are [`classify`] (the rules engine; which words are cues
//! is the data file `rules.txt` beside it) and [`dedupe`] (links and
//! headlines). [`ingest`], [`poll`] and [`deliver`] read and write through
//! `crate::store`, which holds all of their SQL; none runs a query itself.
//! The category vocabulary is `crate::domain::enums::IntelCategory`, so the
//! domain and the store never need to import from here.
//!
//! A feature on the app layer: it may import `domain/`, `store/`, `render/`;
//! the transports and jobs call it.

pub mod classify;
pub mod dedupe;
pub mod deliver;
pub mod ingest;
pub mod poll;

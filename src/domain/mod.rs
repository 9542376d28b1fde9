//! planbot's own vocabulary, and the pure parsers that turn what people type
//! into it: dates, `/plan` commands, what a message means, account names.
//! Nothing here reads the clock or the database.
//!
//! The floor everything stands on: it may import only its own modules and
//! outside crates, never another planbot module.

pub mod account_index;
pub mod command;
pub mod diff;
pub mod enums;
pub mod exchange;
pub mod follow;
pub mod horizons;
pub mod intent;
pub mod message;
pub mod names;
pub mod pacing;
pub mod people;
pub mod plan;
pub mod review;
pub mod risk;
pub mod schedule;
pub mod since;
pub mod typo;
pub mod validate;
pub mod text;
pub mod when;
pub mod window;

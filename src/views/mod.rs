//! Pure renderers of what planbot shows besides the summary: item lists,
//! account lists and modals.

pub mod accounts;
pub mod home;
pub mod intel;
pub mod items;
pub mod modals;
pub mod sponsors;

//! Pure renderers of what planbot shows besides the summary: item lists,
//! account lists, modals, and the scheduled jobs' messages.

pub mod accounts;
pub mod home;
pub mod intel;
pub mod items;
pub mod modals;
pub mod notices;
pub mod sponsors;

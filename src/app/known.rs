//! What this replica remembers of callers and the one account they named,
//! so a `/plan add` for the same account can skip the lookup: each view is
//! kept with the access epoch read in the statement that read it, and a
//! write made from it checks that epoch in its own statement
//! (`store::accounts::add_known`). A view is never trusted on its own.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::store::accounts::CallerView;

/// Views remembered per replica; each is one person, one account and its
/// active plan (about 1 KiB).
const CAPACITY: usize = 4096;

/// Who asked, whether the configuration makes them an admin, and the
/// folded account name they typed.
pub type Key = (String, bool, String);

pub struct KnownCallers {
    views: Mutex<lru::LruCache<Key, Arc<CallerView>>>,
    /// The newest access epoch seen; older views are forgotten.
    epoch: AtomicI64,
    /// Items written from a remembered view.
    written: AtomicU64,
}

impl Default for KnownCallers {
    fn default() -> Self {
        KnownCallers { views: Mutex::new(lru::LruCache::new(NonZeroUsize::new(CAPACITY).expect("not zero"))), epoch: AtomicI64::new(0), written: AtomicU64::new(0) }
    }
}

impl KnownCallers {
    /// The view remembered for `key`, unless a newer epoch has been seen since.
    pub fn get(&self, key: &Key) -> Option<Arc<CallerView>> {
        let mut views = self.views.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let view = views.get(key)?.clone();
        if view.epoch < self.epoch.load(Ordering::Relaxed) {
            views.pop(key);
            return None;
        }
        Some(view)
    }

    /// Remembers a view worth adding from: one account, with an active plan.
    pub fn remember(&self, key: Key, view: &CallerView) {
        let newest = self.epoch.fetch_max(view.epoch, Ordering::Relaxed).max(view.epoch);
        if view.epoch < newest || view.accounts.len() != 1 || view.active_plan_id.is_none() {
            return;
        }
        let view = CallerView { recent_item_id: None, added: None, ..view.clone() };
        self.views.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).put(key, Arc::new(view));
    }

    /// An item was written from a remembered view.
    pub fn wrote(&self) {
        self.written.fetch_add(1, Ordering::Relaxed);
        metrics::counter!("planbot_plan_adds_total", "way" => "remembered").increment(1);
    }

    /// How many items this replica has written from remembered views.
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    /// The access epoch has moved to `epoch`: every view read before it is forgotten.
    pub fn moved(&self, epoch: i64) {
        if self.epoch.fetch_max(epoch, Ordering::Relaxed) < epoch {
            self.views.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::accounts::Account;

    fn view(epoch: i64, accounts: i64, plan: Option<i64>) -> CallerView {
        let user = crate::store::users::User::example();
        let account = |account_id| Account::example(account_id, &format!("Account {account_id}"));
        CallerView { user, accounts: (0..accounts).map(account).collect(), recent_item_id: Some(9), added: None, active_plan_id: plan, epoch }
    }

    fn key(name: &str) -> Key {
        ("U1".into(), false, name.into())
    }

    #[test]
    fn a_view_is_kept_until_a_newer_epoch_is_seen_and_only_when_one_account_with_a_plan_was_found() {
        let known = KnownCallers::default();
        known.remember(key("acme"), &view(3, 1, Some(7)));
        known.remember(key("none"), &view(3, 0, None));
        known.remember(key("two"), &view(3, 2, None));
        known.remember(key("planless"), &view(3, 1, None));
        let acme = known.get(&key("acme")).expect("remembered");
        assert_eq!((acme.epoch, acme.active_plan_id, acme.recent_item_id), (3, Some(7), None));
        for name in ["none", "two", "planless"] {
            assert!(known.get(&key(name)).is_none(), "{name}");
        }
        // Another view read at a newer epoch makes the older one stale.
        known.remember(key("globex"), &view(4, 1, Some(8)));
        assert!(known.get(&key("acme")).is_none());
        assert!(known.get(&key("globex")).is_some());
        // A view read before the newest epoch seen is not kept.
        known.remember(key("acme"), &view(3, 1, Some(7)));
        assert!(known.get(&key("acme")).is_none());
        // Moving forgets everything older.
        known.moved(5);
        assert!(known.get(&key("globex")).is_none());
        known.remember(key("acme"), &view(5, 1, Some(7)));
        assert!(known.get(&key("acme")).is_some());
        // An epoch already seen forgets nothing.
        known.moved(5);
        assert!(known.get(&key("acme")).is_some());
    }
}

//! Who is asking: the Slack user behind a request, linked by email to the
//! person imported into planbot, and kept current (time zone) from Slack
//! at most once in a while.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::{App, Caller, Reply};
use crate::store::users::{self, User};
use crate::telemetry::ErrorChain;

/// How often planbot asks Slack for a known person's time zone (people
/// travel, and move), so their reminders follow them.
const SLACK_SYNC_INTERVAL: chrono::Duration = chrono::Duration::hours(24);

/// How long after asking Slack about a person this process waits before
/// asking again, whether or not the answer came (or was recorded).
const SLACK_SYNC_RETRY: Duration = Duration::from_secs(600);

/// Until when this process leaves each person alone: a busy person's
/// requests, or Slack failing, never turn into a `users.info` per request,
/// and a person whose profile was just recorded is not asked about again
/// for the whole interval, even by a request that carries what was known
/// of them before (a remembered lookup, see `known`).
#[derive(Debug, Default)]
pub struct SyncGate(std::sync::Mutex<QuietUntil>);

/// Each person's quiet time, and the size at which the map is next pruned:
/// twice what a pruning left (at least [`PRUNE_AT`]), so that many people
/// in their quiet day are not walked over again on every new one.
#[derive(Debug, Default)]
struct QuietUntil {
    people: HashMap<i64, Instant>,
    prune_at: usize,
}

/// People remembered before the first pruning.
const PRUNE_AT: usize = 10_000;

impl SyncGate {
    /// Whether to ask Slack about `user_id` now; if so, the attempt is noted.
    pub fn may_ask(&self, user_id: i64) -> bool {
        self.may_ask_at(user_id, Instant::now())
    }

    fn may_ask_at(&self, user_id: i64, now: Instant) -> bool {
        let mut quiet = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match quiet.people.get(&user_id) {
            Some(until) if now < *until => false,
            _ => {
                // Forget people whose quiet time is over, so the map stays small.
                if quiet.people.len() >= quiet.prune_at.max(PRUNE_AT) {
                    quiet.people.retain(|_, until| now < *until);
                    quiet.prune_at = 2 * quiet.people.len();
                }
                quiet.people.insert(user_id, now + SLACK_SYNC_RETRY);
                true
            }
        }
    }

    /// Slack's answer about `user_id` was recorded: not again this interval.
    fn synced_at(&self, user_id: i64, now: Instant) {
        let interval = SLACK_SYNC_INTERVAL.to_std().expect("a positive interval");
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).people.insert(user_id, now + interval);
    }
}

impl App {
    /// The caller of a request, or the reply to give when planbot can't tell
    /// who they are (Slack unreachable for a first-time user). A person not
    /// asked about in a while is looked up again in the background.
    pub async fn identify(&self, slack_user_id: &str, now: DateTime<Utc>) -> Result<Caller, Reply> {
        let caller = self.caller(slack_user_id).await.map_err(|err| {
            tracing::error!(error = %ErrorChain(&err), "could not identify a Slack user");
            Reply::note("I couldn't look you up in Slack just now, so I did nothing. Please try again in a moment.")
        })?;
        self.keep_current(&caller, slack_user_id, now);
        Ok(caller)
    }

    /// Asks Slack again about a person planbot has not asked about for a while
    /// (their time zone may have changed), in the background.
    pub fn keep_current(&self, caller: &Caller, slack_user_id: &str, now: DateTime<Utc>) {
        let stale = caller.user.slack_synced_at.is_none_or(|at| now - at > SLACK_SYNC_INTERVAL);
        if stale && self.slack_sync.may_ask(caller.user.user_id) {
            let (app, slack_id, user_id) = (self.clone(), slack_user_id.to_string(), caller.user.user_id);
            self.tasks.spawn(async move { app.refresh_from_slack(&slack_id, user_id).await });
        }
    }

    async fn refresh_from_slack(&self, slack_user_id: &str, user_id: i64) {
        let result = match self.slack.user_info(slack_user_id).await {
            Ok(person) => users::record_slack_sync(&self.pool, user_id, person.tz.as_deref()).await.map_err(anyhow::Error::from),
            Err(err) => Err(err.into()),
        };
        match result {
            Ok(()) => self.slack_sync.synced_at(user_id, Instant::now()),
            Err(err) => tracing::warn!(error = %ErrorChain(&err), "could not refresh a person's time zone from Slack"),
        }
    }

    /// Who a Slack user is. The first time an id is seen, Slack is asked for
    /// the person's email and time zone (`users.info`) and the id is linked to
    /// the imported person with that email.
    pub async fn caller(&self, slack_user_id: &str) -> anyhow::Result<Caller> {
        if let Some(user) = users::by_slack_id(&self.pool, slack_user_id).await? {
            return Ok(self.caller_from(user));
        }
        let user = self.learn_slack_user(slack_user_id).await?;
        Ok(self.caller_from(user))
    }

    /// The person behind a Slack id, asking Slack when planbot has not met
    /// them yet (an owner mentioned in `/plan add`, say).
    pub async fn person(&self, slack_user_id: &str) -> anyhow::Result<User> {
        match users::by_slack_id(&self.pool, slack_user_id).await? {
            Some(user) => Ok(user),
            None => self.learn_slack_user(slack_user_id).await,
        }
    }

    async fn learn_slack_user(&self, slack_user_id: &str) -> anyhow::Result<User> {
        let person = self.slack.user_info(slack_user_id).await?;
        let email = person.email.clone().unwrap_or_else(|| format!("{}@slack.invalid", person.id.to_lowercase()));
        let user = users::link_slack_identity(&self.pool, &person.id, &email, &person.name, person.tz.as_deref()).await?;
        tracing::info!(user_id = user.user_id, "linked a Slack user to a person by email");
        Ok(user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_is_asked_about_a_person_at_most_once_in_a_while() {
        let gate = SyncGate::default();
        let start = Instant::now();
        assert!(gate.may_ask_at(7, start));
        assert!(!gate.may_ask_at(7, start + Duration::from_secs(5)), "a second request soon after asks nothing");
        assert!(gate.may_ask_at(8, start + Duration::from_secs(5)), "another person is asked about");
        assert!(gate.may_ask_at(7, start + SLACK_SYNC_RETRY), "after the pause, Slack is asked again");
        // Once the answer is recorded, not before the next interval.
        gate.synced_at(8, start + Duration::from_secs(6));
        let interval = SLACK_SYNC_INTERVAL.to_std().unwrap();
        assert!(!gate.may_ask_at(8, start + SLACK_SYNC_RETRY * 2), "recorded: the retry pause does not reopen it");
        assert!(!gate.may_ask_at(8, start + interval), "{interval:?}");
        assert!(gate.may_ask_at(8, start + Duration::from_secs(6) + interval), "a day later, Slack is asked again");
    }

    #[test]
    fn people_whose_quiet_time_is_over_are_forgotten_and_the_others_are_not_walked_over_for_each_new_one() {
        let gate = SyncGate::default();
        let start = Instant::now();
        let day = SLACK_SYNC_INTERVAL.to_std().unwrap();
        let people = |gate: &SyncGate| gate.0.lock().unwrap().people.len();
        // A day's worth of people synced: all still quiet.
        for user_id in 0..PRUNE_AT as i64 {
            assert!(gate.may_ask_at(user_id, start));
            gate.synced_at(user_id, start);
        }
        // The next one prunes nothing (all are quiet) and sets the next
        // pruning at twice that many, so those after it add without a walk.
        assert!(gate.may_ask_at(-1, start));
        assert_eq!(gate.0.lock().unwrap().prune_at, 2 * PRUNE_AT);
        for user_id in PRUNE_AT as i64..(2 * PRUNE_AT - 1) as i64 {
            assert!(gate.may_ask_at(user_id, start + Duration::from_secs(1)));
        }
        assert_eq!(people(&gate), 2 * PRUNE_AT);
        // A day later, the first newcomer prunes everyone whose quiet is over.
        assert!(gate.may_ask_at(-2, start + day + Duration::from_secs(1)));
        assert_eq!(people(&gate), 1, "only the newcomer is left");
        assert!(gate.may_ask_at(0, start + day + Duration::from_secs(2)), "a forgotten person may be asked about again");
    }
}

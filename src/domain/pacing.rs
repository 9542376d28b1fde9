//! Pacing of sends: the workspace-wide token bucket that every replica's
//! outbox claims share (its state lives in the database; the arithmetic
//! lives here).

use chrono::{DateTime, Duration, Utc};

/// The workspace-wide ceiling: a token bucket refilled at `per_second`, up
/// to `burst` tokens; each send takes one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TokenBucket {
    pub tokens: f64,
    pub refilled_at: DateTime<Utc>,
}

impl TokenBucket {
    /// The bucket as it stands at `now`. A clock that went backwards (another
    /// replica's clock ran ahead) adds nothing rather than taking away.
    pub fn refilled(self, now: DateTime<Utc>, per_second: f64, burst: f64) -> Self {
        let elapsed = (now - self.refilled_at).num_milliseconds().max(0) as f64 / 1000.0;
        TokenBucket { tokens: (self.tokens + elapsed * per_second).min(burst), refilled_at: now.max(self.refilled_at) }
    }

    /// Whole sends the bucket allows now.
    pub fn available(&self) -> usize {
        self.tokens.max(0.0).floor() as usize
    }

    /// When the next whole token will be there.
    pub fn next_token_at(&self, per_second: f64) -> DateTime<Utc> {
        let missing = (1.0 - self.tokens).max(0.0);
        self.refilled_at + Duration::milliseconds((missing / per_second * 1000.0).ceil() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn the_bucket_refills_at_its_rate_up_to_its_burst() {
        let empty = TokenBucket { tokens: 0.0, refilled_at: at(0) };
        assert_eq!(empty.refilled(at(1), 5.0, 10.0).available(), 5);
        assert_eq!(empty.refilled(at(60), 5.0, 10.0).available(), 10);
        let fresh = TokenBucket { tokens: 0.0, refilled_at: DateTime::UNIX_EPOCH };
        assert_eq!(fresh.refilled(at(0), 5.0, 10.0).available(), 10);
    }

    #[test]
    fn an_empty_bucket_says_when_the_next_send_may_go() {
        let bucket = TokenBucket { tokens: 0.5, refilled_at: at(0) };
        assert_eq!(bucket.available(), 0);
        assert_eq!(bucket.next_token_at(2.0), at(0) + Duration::milliseconds(250));
    }

    #[test]
    fn a_clock_running_behind_takes_no_tokens_away() {
        let bucket = TokenBucket { tokens: 3.0, refilled_at: at(10) };
        let later = bucket.refilled(at(5), 1.0, 10.0);
        assert_eq!(later.available(), 3);
        assert_eq!(later.refilled_at, at(10));
    }
}


//! Slack request signing: every request from Slack carries
//! `X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:{timestamp}:{body}"))`
//! and `X-Slack-Request-Timestamp`. planbot checks both before it reads
//! anything else of the request.
//!
//! slack-morphism ships a verifier too, but it reads the clock inside and
//! cannot be checked against Slack's published example; this one takes `now`
//! as an argument. The HMAC is the `hmac` crate's, whose `verify_slice`
//! compares in constant time.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Requests signed longer ago than this (or this far in the future) are
/// refused, so a captured request cannot be replayed later.
pub const MAX_AGE_SECONDS: i64 = 5 * 60;

pub const SIGNATURE_HEADER: &str = "x-slack-signature";
pub const TIMESTAMP_HEADER: &str = "x-slack-request-timestamp";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the request carries no Slack signature or timestamp")]
    Missing,
    #[error("the request timestamp is not a number")]
    BadTimestamp,
    #[error("the request was signed {age} seconds away from now")]
    Stale { age: i64 },
    #[error("the request signature does not match")]
    Mismatch,
}

/// Checks a request's signature and timestamp against the signing secret.
pub fn verify(
    secret: &str,
    signature: Option<&str>,
    timestamp: Option<&str>,
    body: &[u8],
    now_unix: i64,
) -> Result<(), VerifyError> {
    let (Some(signature), Some(timestamp)) = (signature, timestamp) else {
        return Err(VerifyError::Missing);
    };
    let signed_at: i64 = timestamp.trim().parse().map_err(|_| VerifyError::BadTimestamp)?;
    let age = now_unix - signed_at;
    if age.abs() > MAX_AGE_SECONDS {
        return Err(VerifyError::Stale { age });
    }
    let expected = signature.strip_prefix("v0=").ok_or(VerifyError::Mismatch)?;
    let expected = decode_hex(expected).ok_or(VerifyError::Mismatch)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| VerifyError::Mismatch)?;
    mac.update(b"v0:");
    mac.update(timestamp.trim().as_bytes());
    mac.update(b":");
    mac.update(body);
    mac.verify_slice(&expected).map_err(|_| VerifyError::Mismatch)
}

/// Signs a body as Slack does (for tests and for tools that replay requests).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(format!("v0:{timestamp}:").as_bytes());
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("v0={hex}")
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| text.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Slack's published example (its SDKs test against it).
    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const TIMESTAMP: i64 = 1531420618;
    const SIGNATURE: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

    #[test]
    fn slacks_published_example_verifies() {
        assert_eq!(verify(SECRET, Some(SIGNATURE), Some("1531420618"), BODY.as_bytes(), TIMESTAMP + 10), Ok(()));
        assert_eq!(sign(SECRET, TIMESTAMP, BODY.as_bytes()), SIGNATURE);
    }

    #[test]
    fn a_changed_body_or_secret_is_refused() {
        let tampered = BODY.replace("roadrunner", "coyote");
        assert_eq!(
            verify(SECRET, Some(SIGNATURE), Some("1531420618"), tampered.as_bytes(), TIMESTAMP),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            verify("another-secret", Some(SIGNATURE), Some("1531420618"), BODY.as_bytes(), TIMESTAMP),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, Some("v0=zz"), Some("1531420618"), BODY.as_bytes(), TIMESTAMP),
            Err(VerifyError::Mismatch)
        );
    }

    #[test]
    fn old_or_future_timestamps_are_refused_even_when_correctly_signed() {
        assert_eq!(
            verify(SECRET, Some(SIGNATURE), Some("1531420618"), BODY.as_bytes(), TIMESTAMP + 301),
            Err(VerifyError::Stale { age: 301 })
        );
        assert_eq!(
            verify(SECRET, Some(SIGNATURE), Some("1531420618"), BODY.as_bytes(), TIMESTAMP - 301),
            Err(VerifyError::Stale { age: -301 })
        );
        assert!(verify(SECRET, Some(SIGNATURE), Some("1531420618"), BODY.as_bytes(), TIMESTAMP + 300).is_ok());
    }

    #[test]
    fn missing_headers_are_refused() {
        assert_eq!(verify(SECRET, None, Some("1"), b"", 1), Err(VerifyError::Missing));
        assert_eq!(verify(SECRET, Some(SIGNATURE), None, b"", 1), Err(VerifyError::Missing));
        assert_eq!(verify(SECRET, Some(SIGNATURE), Some("soon"), b"", 1), Err(VerifyError::BadTimestamp));
    }
}

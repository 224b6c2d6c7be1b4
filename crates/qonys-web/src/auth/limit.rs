//! The login rate limit: after [`MAX_FAILURES`] failed sign-ins for one e-mail address, or
//! [`MAX_FAILURES_PER_ADDRESS`] from one client address, within [`WINDOW`], further attempts
//! are refused with 429 until the window has passed — whether or not the password is right.
//! Kept in memory per process (several processes on one database each apply it); bounded in
//! size so that it cannot be used to exhaust memory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed attempts allowed per account within the window.
pub const MAX_FAILURES: u32 = 5;
/// Failed attempts allowed per client address within the window.
pub const MAX_FAILURES_PER_ADDRESS: u32 = 20;
/// The window.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Most keys remembered; the oldest are dropped beyond this.
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    first: Instant,
}

/// Counts failed sign-ins by account and by client address.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    entries: Mutex<HashMap<String, Entry>>,
}

impl LoginLimiter {
    /// A limiter with nothing counted.
    pub fn new() -> LoginLimiter {
        LoginLimiter::default()
    }

    fn keys(email: &str, client: &str) -> [(String, u32); 2] {
        [
            (format!("e:{}", email.trim().to_lowercase()), MAX_FAILURES),
            (format!("a:{client}"), MAX_FAILURES_PER_ADDRESS),
        ]
    }

    /// `Some(wait)` when sign-in for this account or from this address is blocked now.
    pub fn blocked(&self, email: &str, client: &str, now: Instant) -> Option<Duration> {
        let map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        Self::keys(email, client)
            .iter()
            .filter_map(|(k, max)| {
                let e = map.get(k)?;
                let age = now.saturating_duration_since(e.first);
                (age < WINDOW && e.failures >= *max).then(|| WINDOW - age)
            })
            .max()
    }

    /// Records a failed sign-in.
    pub fn failed(&self, email: &str, client: &str, now: Instant) {
        let mut map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_KEYS {
            map.retain(|_, e| now.saturating_duration_since(e.first) < WINDOW);
            if map.len() >= MAX_KEYS {
                map.clear();
            }
        }
        for (k, _) in Self::keys(email, client) {
            let e = map.entry(k).or_insert(Entry {
                failures: 0,
                first: now,
            });
            if now.saturating_duration_since(e.first) >= WINDOW {
                *e = Entry {
                    failures: 0,
                    first: now,
                };
            }
            e.failures += 1;
        }
    }

    /// Forgets the account's failures after a successful sign-in.
    pub fn succeeded(&self, email: &str) {
        let mut map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&format!("e:{}", email.trim().to_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_five_failures_and_forgets_after_the_window() {
        let l = LoginLimiter::new();
        let t0 = Instant::now();
        for _ in 0..MAX_FAILURES {
            assert!(l.blocked("A@x.kz", "1.2.3.4", t0).is_none());
            l.failed("a@x.kz", "1.2.3.4", t0);
        }
        assert!(l.blocked("a@x.kz", "5.6.7.8", t0).is_some());
        assert!(l.blocked("b@x.kz", "1.2.3.4", t0).is_none());
        assert!(l.blocked("a@x.kz", "1.2.3.4", t0 + WINDOW).is_none());
    }

    #[test]
    fn one_address_cannot_try_many_accounts() {
        let l = LoginLimiter::new();
        let t0 = Instant::now();
        for i in 0..MAX_FAILURES_PER_ADDRESS {
            l.failed(&format!("u{i}@x.kz"), "9.9.9.9", t0);
        }
        assert!(l.blocked("new@x.kz", "9.9.9.9", t0).is_some());
    }
}

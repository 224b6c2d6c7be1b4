//! Stored forms of times and dates: fixed-width RFC 3339 UTC text with microseconds
//! (`2026-11-25T23:14:00.123456Z`, which sorts as it should as text on both backends) and
//! `YYYY-MM-DD` dates.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::error::{Result, StoreError};

/// The stored "no deadline" value: sorts after every real date.
pub(crate) const NO_DEADLINE: &str = "9999-12-31";

/// Timestamp → stored text (truncated to microseconds).
pub fn ts_text(ts: Timestamp) -> String {
    let micro = Timestamp::from_microsecond(ts.as_microsecond()).unwrap_or(ts);
    micro.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Stored text → timestamp.
pub fn parse_ts(s: &str) -> Result<Timestamp> {
    s.parse::<Timestamp>()
        .map_err(|_| StoreError::Integrity("stored timestamp unreadable".into()))
}

/// Stored text → date.
pub fn parse_date(s: &str) -> Result<Date> {
    s.parse::<Date>()
        .map_err(|_| StoreError::Integrity("stored date unreadable".into()))
}

/// Current time truncated to what is stored, so values read back compare equal.
pub fn now() -> Timestamp {
    Timestamp::from_microsecond(Timestamp::now().as_microsecond())
        .unwrap_or_else(|_| Timestamp::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_with_fixed_width() {
        let t: Timestamp = "2026-11-25T23:14:00.1234567Z".parse().unwrap();
        let s = ts_text(t);
        assert_eq!(s, "2026-11-25T23:14:00.123456Z");
        assert_eq!(ts_text(parse_ts(&s).unwrap()), s);
        let whole: Timestamp = "2026-01-02T03:04:05Z".parse().unwrap();
        assert_eq!(ts_text(whole), "2026-01-02T03:04:05.000000Z");
        assert!(ts_text(whole) < ts_text(t));
    }
}

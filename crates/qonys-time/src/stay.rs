//! The visa-free stay counter: days of stay per entry and in a rolling window.
//!
//! Since 27 Jan 2023 a visa-free visitor may stay up to 30 days from crossing the border and 90
//! days in total in any 180-day period; EAEU citizens may stay 90 days in 180 with no 30-day
//! cap (kz-facts §2.1). The numbers are **parameters** ([`StayLimits`]) supplied by the rule
//! pack; nothing here hard-codes them.
//!
//! # Counting convention (practice reading, to be confirmed)
//!
//! The entry day and the exit day **both count** as days of stay, so a visitor who enters on
//! 1 March and leaves on 30 March has stayed 30 days, and the 30-day cap ends on the 29th day
//! after entry. A day spent in the country is counted once even if the person left and came back
//! on that same day; the per-stay counter restarts with each entry. This is the practice reading
//! used by migration-service calculators and is **to be confirmed** against the official text.
//!
//! The rolling window ending on day `t` is the `window_days` days from `t - window_days + 1`
//! to `t`, both included (for 180 days: the day itself and the 179 days before it).
//!
//! All answers are computed exactly by walking day by day (no approximations): the limit in
//! force on a day is checked against the days of presence in the window that ends on that day.

use crate::Date;

/// One stay in the country: entered on `entry`, left on `exit` (`None` = still there).
///
/// Both the entry day and the exit day count as days of stay — the practice reading, **to be
/// confirmed** against the official text (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Stay {
    /// The day the border was crossed inward (counts as a day of stay).
    pub entry: Date,
    /// The day the border was crossed outward (counts as a day of stay); `None` while the
    /// person is still in the country.
    pub exit: Option<Date>,
}

/// The stay limits that apply to a person, as the rule pack states them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct StayLimits {
    /// Longest single stay in days, counted from entry (30 for visa-free visitors); `None` when
    /// there is no per-stay cap (EAEU citizens).
    pub per_stay: Option<u32>,
    /// Most days of stay in any rolling window (90).
    pub max_days: u32,
    /// Length of the rolling window in days (180).
    pub window_days: u32,
}

/// Longest rolling window accepted (about 100 years), to keep the day-by-day walk bounded.
const MAX_WINDOW_DAYS: u32 = 36_600;

/// Which limit an answer rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    /// The per-stay cap (30 days from entry).
    PerStay,
    /// The rolling-window total (90 days in 180).
    Rolling,
}

/// Why a stay history could not be evaluated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StayError {
    /// A limit is zero, or the window is longer than 36 600 days.
    #[error("stay limits must be positive and the window at most 36600 days")]
    InvalidLimits,
    /// A stay ends before it starts.
    #[error("a stay cannot end ({exit}) before it starts ({entry})")]
    ExitBeforeEntry {
        /// The entry date.
        entry: Date,
        /// The exit date.
        exit: Date,
    },
    /// A stay starts or ends after the as-of date; future trips are not history.
    #[error("the stay date {0} lies after the as-of date")]
    AfterAsOf(Date),
    /// Two stays overlap (leaving and coming back on the same day is allowed).
    #[error("the stay entered on {second} begins before the stay entered on {first} ended")]
    Overlap {
        /// Entry of the earlier stay.
        first: Date,
        /// Entry of the later stay.
        second: Date,
    },
    /// A stay without an exit date is followed by another stay.
    #[error("the stay entered on {0} has no exit date but is not the last stay")]
    OpenStayNotLast(Date),
}

/// The stay situation on the as-of date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct StayStatus {
    /// The date the status is computed for.
    pub as_of: Date,
    /// First day of the rolling window ending on `as_of`.
    pub window_start: Date,
    /// Last day of the window (= `as_of`).
    pub window_end: Date,
    /// Days of stay in the window.
    pub days_in_window: u32,
    /// Days still available in the window (`max_days - days_in_window`, at least 0).
    pub days_left_in_window: u32,
    /// The person is in the country (the last stay has no exit date).
    pub in_country: bool,
    /// Entry date of the current stay, when in the country.
    pub current_entry: Option<Date>,
    /// Days of the current stay up to `as_of`, entry day included (0 when not in the country).
    pub current_stay_days: u32,
    /// When in the country: the last day the person may still be in the country (they must
    /// have left by the end of it), the earlier of the per-stay cap and the rolling cap,
    /// simulated day by day assuming they stay. It lies before `as_of` when the person has
    /// already overstayed, and may even lie before the entry if the entry itself was over the
    /// limit. `None` when not in the country, or when no limit can ever be reached.
    pub must_leave_by: Option<Date>,
    /// Which limit fixes `must_leave_by`.
    pub binding_limit: Option<LimitKind>,
    /// Days of stay, over the whole history up to `as_of`, that were beyond a limit.
    pub overstayed_days: u32,
    /// The earliest date a new entry is allowed (one day of stay available): after the current
    /// stay, assuming the person leaves on `must_leave_by` (or on `as_of` if that has passed);
    /// otherwise from `as_of` (the day after, if they left on `as_of`). `None` when in the
    /// country with no limit ever reached.
    pub next_entry_possible_from: Option<Date>,
}

/// The stay situation on `as_of` for a history of stays (in any order) under `limits`.
pub fn stay_status(
    stays: &[Stay],
    as_of: Date,
    limits: StayLimits,
) -> Result<StayStatus, StayError> {
    let history = History::new(stays, as_of, limits)?;
    let asof = i64::from(as_of.day_number());
    let w = i64::from(limits.window_days);
    let max = i64::from(limits.max_days);

    let real = history.presence(None);
    let days_in_window = real.count(asof - w + 1, asof);
    let overstayed_days = history.overstayed_days(&real, asof);

    let (current_entry, must_leave_by, binding_limit, exit_for_planning) = match history.open_entry
    {
        Some(entry) => {
            let (last_ok, binding) = history.simulate_open_stay(entry);
            let exit = last_ok.map(|d| d.max(asof));
            (Some(entry), last_ok, binding, exit)
        }
        None => (None, None, None, history.last_exit()),
    };
    let next_entry_possible_from = if history.open_entry.is_some() && must_leave_by.is_none() {
        None
    } else {
        history.earliest_entry(exit_for_planning, 1)
    };
    Ok(StayStatus {
        as_of,
        window_start: day(asof - w + 1),
        window_end: as_of,
        days_in_window: to_u32(days_in_window),
        days_left_in_window: to_u32((max - days_in_window).max(0)),
        in_country: current_entry.is_some(),
        current_entry: current_entry.map(day),
        current_stay_days: current_entry.map_or(0, |e| to_u32(asof - e + 1)),
        must_leave_by: must_leave_by.map(day),
        binding_limit,
        overstayed_days: to_u32(overstayed_days),
        next_entry_possible_from: next_entry_possible_from.map(day),
    })
}

/// The earliest date on which the person may enter and stay `days` consecutive days (entry day
/// and last day included) without breaking either limit — "when will N more days be
/// available?". If the person is in the country, they are assumed to leave on
/// [`StayStatus::must_leave_by`] (or on `as_of` if that has passed).
///
/// `Ok(None)` when `days` exceeds a limit (more than the per-stay cap or the window total), or
/// when the person is in the country with no limit ever reached.
pub fn days_available_from(
    stays: &[Stay],
    as_of: Date,
    limits: StayLimits,
    days: u32,
) -> Result<Option<Date>, StayError> {
    let history = History::new(stays, as_of, limits)?;
    let exit = match history.open_entry {
        Some(entry) => match history.simulate_open_stay(entry).0 {
            Some(last_ok) => Some(last_ok.max(i64::from(as_of.day_number()))),
            None => return Ok(None),
        },
        None => history.last_exit(),
    };
    Ok(history.earliest_entry(exit, days).map(day))
}

fn day(n: i64) -> Date {
    Date::from_day_number(i32::try_from(n).unwrap_or(if n < 0 { i32::MIN } else { i32::MAX }))
}

fn to_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// A validated, sorted stay history as day-number intervals.
struct History {
    /// `(entry, exit)` of closed stays, sorted by entry.
    closed: Vec<(i64, i64)>,
    /// Entry of the open stay, if any (it is after every closed stay).
    open_entry: Option<i64>,
    as_of: i64,
    limits: StayLimits,
}

impl History {
    fn new(stays: &[Stay], as_of: Date, limits: StayLimits) -> Result<History, StayError> {
        if limits.max_days == 0
            || limits.window_days == 0
            || limits.window_days > MAX_WINDOW_DAYS
            || limits.per_stay == Some(0)
        {
            return Err(StayError::InvalidLimits);
        }
        let mut sorted: Vec<Stay> = stays.to_vec();
        sorted.sort_by_key(|s| (s.entry, s.exit.is_none(), s.exit));
        let mut closed = Vec::with_capacity(sorted.len());
        let mut open_entry = None;
        let mut previous: Option<(Date, Date)> = None;
        for stay in &sorted {
            if stay.entry > as_of {
                return Err(StayError::AfterAsOf(stay.entry));
            }
            if let Some(entry) = open_entry {
                return Err(StayError::OpenStayNotLast(day(entry)));
            }
            if let Some((first, end)) = previous
                && stay.entry < end
            {
                return Err(StayError::Overlap {
                    first,
                    second: stay.entry,
                });
            }
            match stay.exit {
                Some(exit) if exit < stay.entry => {
                    return Err(StayError::ExitBeforeEntry {
                        entry: stay.entry,
                        exit,
                    });
                }
                Some(exit) if exit > as_of => return Err(StayError::AfterAsOf(exit)),
                Some(exit) => {
                    closed.push((
                        i64::from(stay.entry.day_number()),
                        i64::from(exit.day_number()),
                    ));
                    previous = Some((stay.entry, exit));
                }
                None => open_entry = Some(i64::from(stay.entry.day_number())),
            }
        }
        Ok(History {
            closed,
            open_entry,
            as_of: i64::from(as_of.day_number()),
            limits,
        })
    }

    fn last_exit(&self) -> Option<i64> {
        self.closed.last().map(|&(_, exit)| exit)
    }

    /// All stays as intervals, the open one (if any) ending on `open_until` (default `as_of`).
    fn stays(&self, open_until: Option<i64>) -> Vec<(i64, i64)> {
        let mut v = self.closed.clone();
        if let Some(entry) = self.open_entry {
            v.push((entry, open_until.unwrap_or(self.as_of).max(entry)));
        }
        v
    }

    fn presence(&self, open_until: Option<i64>) -> Presence {
        Presence::new(&self.stays(open_until))
    }

    fn violates(&self, presence: &Presence, t: i64, stay_entry: i64) -> Option<LimitKind> {
        let w = i64::from(self.limits.window_days);
        if let Some(cap) = self.limits.per_stay
            && t - stay_entry + 1 > i64::from(cap)
        {
            return Some(LimitKind::PerStay);
        }
        if presence.count(t - w + 1, t) > i64::from(self.limits.max_days) {
            return Some(LimitKind::Rolling);
        }
        None
    }

    /// Days of stay up to `as_of` that broke a limit. A day shared by two stays (left and came
    /// back that day) belongs to the later stay.
    fn overstayed_days(&self, presence: &Presence, as_of: i64) -> i64 {
        let stays = self.stays(None);
        let mut n = 0;
        for (i, &(entry, exit)) in stays.iter().enumerate() {
            let next_entry = stays.get(i + 1).map(|&(e, _)| e);
            for t in entry..=exit.min(as_of) {
                if Some(t) == next_entry {
                    continue;
                }
                if self.violates(presence, t, entry).is_some() {
                    n += 1;
                }
            }
        }
        n
    }

    /// The last day the open stay may last, walking from its entry and assuming the person stays
    /// on; `None` when no limit is ever reached.
    fn simulate_open_stay(&self, entry: i64) -> (Option<i64>, Option<LimitKind>) {
        let w = i64::from(self.limits.window_days);
        let cap = self.limits.per_stay.map_or(0, i64::from);
        // After `w` days of continuous presence the window is full and nothing changes any more.
        let horizon = self.as_of.max(entry + w + cap) + 1;
        let presence = self.presence(Some(horizon));
        for t in entry..=horizon {
            if let Some(kind) = self.violates(&presence, t, entry) {
                return (Some(t - 1), Some(kind));
            }
        }
        (None, None)
    }

    /// The earliest entry day after `exit` (and not before `as_of`) that allows `days`
    /// consecutive days of stay; the open stay, if any, is taken to end on `exit`.
    fn earliest_entry(&self, exit: Option<i64>, days: u32) -> Option<i64> {
        let n = i64::from(days);
        let max = i64::from(self.limits.max_days);
        let w = i64::from(self.limits.window_days);
        if n > max || self.limits.per_stay.is_some_and(|cap| days > cap) {
            return None;
        }
        let start = match exit {
            Some(e) => self.as_of.max(e + 1),
            None => self.as_of,
        };
        if n == 0 {
            return Some(start);
        }
        let history = self.presence(exit);
        // Once the whole history has left the window every start works.
        let last_candidate = start.max(exit.unwrap_or(start) + w);
        (start..=last_candidate)
            .find(|&d| (d..d + n).all(|t| history.count(t - w + 1, t) + (t - d + 1) <= max))
    }
}

/// Days of presence as merged intervals with running totals, for O(log n) window counts.
struct Presence {
    /// Disjoint, sorted, non-adjacent `(first, last)` day intervals.
    intervals: Vec<(i64, i64)>,
    /// `before[i]` = days in `intervals[..i]`.
    before: Vec<i64>,
}

impl Presence {
    fn new(stays: &[(i64, i64)]) -> Presence {
        let mut sorted = stays.to_vec();
        sorted.sort_unstable();
        let mut intervals: Vec<(i64, i64)> = Vec::with_capacity(sorted.len());
        for (s, e) in sorted {
            match intervals.last_mut() {
                Some(last) if s <= last.1 + 1 => last.1 = last.1.max(e),
                _ => intervals.push((s, e)),
            }
        }
        let mut before = Vec::with_capacity(intervals.len());
        let mut total = 0;
        for &(s, e) in &intervals {
            before.push(total);
            total += e - s + 1;
        }
        Presence { intervals, before }
    }

    /// Days of presence on or before `x`.
    fn up_to(&self, x: i64) -> i64 {
        let k = self.intervals.partition_point(|&(s, _)| s <= x);
        if k == 0 {
            return 0;
        }
        let (s, e) = self.intervals[k - 1];
        self.before[k - 1] + (e.min(x) - s + 1)
    }

    /// Days of presence from `lo` to `hi`, both included.
    fn count(&self, lo: i64, hi: i64) -> i64 {
        if hi < lo {
            0
        } else {
            self.up_to(hi) - self.up_to(lo - 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    const VISA_FREE: StayLimits = StayLimits {
        per_stay: Some(30),
        max_days: 90,
        window_days: 180,
    };
    const EAEU: StayLimits = StayLimits {
        per_stay: None,
        max_days: 90,
        window_days: 180,
    };

    fn closed(entry: &str, exit: &str) -> Stay {
        Stay {
            entry: d(entry),
            exit: Some(d(exit)),
        }
    }

    fn open(entry: &str) -> Stay {
        Stay {
            entry: d(entry),
            exit: None,
        }
    }

    #[test]
    fn single_visa_free_stay_ends_on_the_thirtieth_day() {
        let s = stay_status(&[open("2026-03-01")], d("2026-03-10"), VISA_FREE).unwrap();
        assert_eq!(s.days_in_window, 10);
        assert_eq!(s.days_left_in_window, 80);
        assert_eq!(s.window_start, d("2025-09-12"));
        assert_eq!(s.window_end, d("2026-03-10"));
        assert!(s.in_country);
        assert_eq!(s.current_entry, Some(d("2026-03-01")));
        assert_eq!(s.current_stay_days, 10);
        assert_eq!(s.must_leave_by, Some(d("2026-03-30")));
        assert_eq!(s.binding_limit, Some(LimitKind::PerStay));
        assert_eq!(s.overstayed_days, 0);
        assert_eq!(s.next_entry_possible_from, Some(d("2026-03-31")));
    }

    #[test]
    fn rolling_limit_binds_before_the_per_stay_cap() {
        let stays = [
            closed("2026-01-01", "2026-01-30"),
            closed("2026-02-05", "2026-03-06"),
            closed("2026-03-10", "2026-03-29"),
            open("2026-04-01"),
        ];
        let s = stay_status(&stays, d("2026-04-01"), VISA_FREE).unwrap();
        assert_eq!(s.days_in_window, 81);
        assert_eq!(s.must_leave_by, Some(d("2026-04-10")));
        assert_eq!(s.binding_limit, Some(LimitKind::Rolling));
        // 90 days used by 10 Apr; 1 Jan leaves the window on 30 Jun (30 Jun - 179 = 2 Jan).
        assert_eq!(s.next_entry_possible_from, Some(d("2026-06-30")));
        assert_eq!(
            days_available_from(&stays, d("2026-04-01"), VISA_FREE, 1).unwrap(),
            Some(d("2026-06-30"))
        );
        // A full 30-day trip can start then too: each day of it is matched by a January day
        // leaving the window (on 29 Jul the window starts on 31 Jan: 60 + 30 = 90).
        let thirty = days_available_from(&stays, d("2026-04-01"), VISA_FREE, 30)
            .unwrap()
            .unwrap();
        assert_eq!(thirty, d("2026-06-30"));
        // Forty days (EAEU, no cap): the 5-day gap after January must be made up, so five days
        // later; on the last day, 13 Aug, the window starts 15 Feb: 50 + 40 = 90.
        let forty = days_available_from(&stays, d("2026-04-01"), EAEU, 40)
            .unwrap()
            .unwrap();
        assert_eq!(forty, d("2026-07-05"));
        assert_eq!(
            days_available_from(&stays, d("2026-04-01"), VISA_FREE, 31).unwrap(),
            None
        );
    }

    #[test]
    fn eaeu_citizens_have_no_thirty_day_cap() {
        let s = stay_status(&[open("2026-01-01")], d("2026-02-01"), EAEU).unwrap();
        assert_eq!(s.current_stay_days, 32);
        assert_eq!(s.overstayed_days, 0);
        assert_eq!(s.must_leave_by, Some(d("2026-03-31")));
        assert_eq!(s.binding_limit, Some(LimitKind::Rolling));
        assert_eq!(
            days_available_from(&[], d("2026-02-01"), EAEU, 90).unwrap(),
            Some(d("2026-02-01"))
        );
    }

    #[test]
    fn overstay_is_counted_and_must_leave_by_lies_in_the_past() {
        let s = stay_status(&[open("2026-03-01")], d("2026-04-04"), VISA_FREE).unwrap();
        assert_eq!(s.current_stay_days, 35);
        assert_eq!(s.overstayed_days, 5);
        assert_eq!(s.must_leave_by, Some(d("2026-03-30")));
        assert_eq!(s.next_entry_possible_from, Some(d("2026-04-05")));
    }

    #[test]
    fn leaving_and_returning_the_same_day_counts_the_day_once() {
        let stays = [closed("2026-03-01", "2026-03-30"), open("2026-03-30")];
        let s = stay_status(&stays, d("2026-03-30"), VISA_FREE).unwrap();
        assert_eq!(s.days_in_window, 30);
        assert_eq!(s.current_stay_days, 1);
        assert_eq!(s.overstayed_days, 0);
        // The per-stay counter restarts; the rolling one ends it after 60 more days.
        assert_eq!(s.must_leave_by, Some(d("2026-04-28")));
        assert_eq!(s.binding_limit, Some(LimitKind::PerStay));
    }

    #[test]
    fn not_in_country() {
        let stays = [closed("2026-01-10", "2026-02-08")];
        let s = stay_status(&stays, d("2026-03-01"), VISA_FREE).unwrap();
        assert!(!s.in_country);
        assert_eq!(s.current_stay_days, 0);
        assert_eq!(s.must_leave_by, None);
        assert_eq!(s.next_entry_possible_from, Some(d("2026-03-01")));
        // Left today: the next entry is tomorrow.
        let s = stay_status(&stays, d("2026-02-08"), VISA_FREE).unwrap();
        assert_eq!(s.next_entry_possible_from, Some(d("2026-02-09")));
        let empty = stay_status(&[], d("2026-02-08"), VISA_FREE).unwrap();
        assert_eq!(empty.days_in_window, 0);
    }

    #[test]
    fn limits_that_never_bind() {
        let generous = StayLimits {
            per_stay: None,
            max_days: 200,
            window_days: 180,
        };
        let s = stay_status(&[open("2026-01-01")], d("2026-12-01"), generous).unwrap();
        assert_eq!(s.must_leave_by, None);
        assert_eq!(s.next_entry_possible_from, None);
        assert_eq!(s.days_in_window, 180);
    }

    #[test]
    fn bad_histories_are_errors() {
        let as_of = d("2026-05-01");
        assert_eq!(
            stay_status(&[closed("2026-03-10", "2026-03-01")], as_of, VISA_FREE),
            Err(StayError::ExitBeforeEntry {
                entry: d("2026-03-10"),
                exit: d("2026-03-01")
            })
        );
        assert_eq!(
            stay_status(
                &[
                    closed("2026-03-01", "2026-03-10"),
                    closed("2026-03-05", "2026-03-20")
                ],
                as_of,
                VISA_FREE
            ),
            Err(StayError::Overlap {
                first: d("2026-03-01"),
                second: d("2026-03-05")
            })
        );
        assert_eq!(
            stay_status(&[open("2026-06-01")], as_of, VISA_FREE),
            Err(StayError::AfterAsOf(d("2026-06-01")))
        );
        assert_eq!(
            stay_status(&[closed("2026-04-01", "2026-06-01")], as_of, VISA_FREE),
            Err(StayError::AfterAsOf(d("2026-06-01")))
        );
        assert_eq!(
            stay_status(
                &[open("2026-03-01"), closed("2026-04-01", "2026-04-02")],
                as_of,
                VISA_FREE
            ),
            Err(StayError::OpenStayNotLast(d("2026-03-01")))
        );
        for bad in [
            StayLimits {
                per_stay: Some(0),
                ..VISA_FREE
            },
            StayLimits {
                max_days: 0,
                ..VISA_FREE
            },
            StayLimits {
                window_days: 0,
                ..VISA_FREE
            },
            StayLimits {
                window_days: u32::MAX,
                ..VISA_FREE
            },
        ] {
            assert_eq!(stay_status(&[], as_of, bad), Err(StayError::InvalidLimits));
        }
    }

    // ---- brute force ----

    /// Stays as day intervals; the brute-force reading of every rule.
    struct Brute {
        stays: Vec<(i64, i64)>,
        limits: StayLimits,
    }

    impl Brute {
        fn days(&self) -> BTreeSet<i64> {
            self.stays.iter().flat_map(|&(s, e)| s..=e).collect()
        }

        fn window(&self, days: &BTreeSet<i64>, t: i64) -> i64 {
            days.range(t - i64::from(self.limits.window_days) + 1..=t)
                .count() as i64
        }

        /// Broken days of stay `i` (days shared with the next stay belong to it).
        fn broken_in(&self, i: usize) -> Vec<i64> {
            let days = self.days();
            let (s, e) = self.stays[i];
            let next = self.stays.get(i + 1).map(|x| x.0);
            (s..=e)
                .filter(|&t| Some(t) != next)
                .filter(|&t| {
                    self.limits
                        .per_stay
                        .is_some_and(|c| t - s + 1 > i64::from(c))
                        || self.window(&days, t) > i64::from(self.limits.max_days)
                })
                .collect()
        }

        fn broken(&self) -> usize {
            (0..self.stays.len()).map(|i| self.broken_in(i).len()).sum()
        }

        fn with(&self, stay: (i64, i64)) -> Brute {
            let mut stays = self.stays.clone();
            stays.push(stay);
            Brute {
                stays,
                limits: self.limits,
            }
        }

        /// Entering on `d` for `n` days breaks nothing.
        fn trip_ok(&self, d: i64, n: i64) -> bool {
            let b = self.with((d, d + n - 1));
            b.broken_in(b.stays.len() - 1).is_empty()
        }
    }

    fn dn(date: Date) -> i64 {
        i64::from(date.day_number())
    }

    prop_compose! {
        fn arb_limits()(cap in proptest::option::of(1u32..50), max in 1u32..100, window in 1u32..200) -> StayLimits {
            StayLimits { per_stay: cap, max_days: max, window_days: window }
        }
    }

    prop_compose! {
        /// Closed stays in order, possibly an open last stay, and the as-of date.
        fn arb_history()(trips in proptest::collection::vec((0i64..70, 1i64..50), 0..7),
                         is_open in any::<bool>(), gap in 0i64..40, len in 0i64..80)
                         -> (Vec<Stay>, Date) {
            let mut cursor = 20_000i64;
            let mut stays = Vec::new();
            for (g, l) in trips {
                let entry = cursor + g;
                let exit = entry + l - 1;
                stays.push(Stay { entry: day(entry), exit: Some(day(exit)) });
                cursor = exit;
            }
            if is_open {
                let entry = cursor + gap;
                stays.push(Stay { entry: day(entry), exit: None });
                (stays, day(entry + len))
            } else {
                (stays, day(cursor + gap))
            }
        }
    }

    /// The history with the open stay (if any) ending on `open_until`, sorted by entry.
    fn brute_of(stays: &[Stay], limits: StayLimits, open_until: i64) -> Brute {
        let mut stays: Vec<(i64, i64)> = stays
            .iter()
            .map(|s| (dn(s.entry), s.exit.map_or(open_until, dn)))
            .collect();
        stays.sort();
        Brute { stays, limits }
    }

    proptest! {
        #[test]
        fn window_count_and_overstays_agree_with_brute_force((stays, as_of) in arb_history(), limits in arb_limits()) {
            let s = stay_status(&stays, as_of, limits).unwrap();
            let brute = brute_of(&stays, limits, dn(as_of));
            let days = brute.days();
            prop_assert_eq!(i64::from(s.days_in_window), brute.window(&days, dn(as_of)));
            prop_assert_eq!(s.overstayed_days as usize, brute.broken());
            prop_assert_eq!(dn(s.window_start), dn(as_of) - i64::from(limits.window_days) + 1);
        }

        #[test]
        fn following_must_leave_by_never_breaks_a_limit((stays, as_of) in arb_history(), limits in arb_limits()) {
            let s = stay_status(&stays, as_of, limits).unwrap();
            let Some(entry) = s.current_entry else {
                prop_assert_eq!(s.must_leave_by, None);
                return Ok(());
            };
            let last = stays.len() - 1;
            match s.must_leave_by {
                Some(m) => {
                    if m >= entry {
                        // Leaving on must_leave_by: no day of the current stay is over a limit.
                        let b = brute_of(&stays, limits, dn(m));
                        prop_assert!(b.broken_in(last).is_empty());
                    }
                    // One more day is over a limit.
                    let b = brute_of(&stays, limits, dn(m) + 1);
                    prop_assert!(b.broken_in(last).contains(&(dn(m) + 1)));
                }
                None => {
                    let horizon = dn(as_of) + i64::from(limits.window_days) + 60;
                    let b = brute_of(&stays, limits, horizon);
                    prop_assert!(b.broken_in(last).is_empty());
                }
            }
        }

        #[test]
        fn next_entry_and_available_days_are_exact((stays, as_of) in arb_history(), limits in arb_limits(), n in 1u32..60) {
            let s = stay_status(&stays, as_of, limits).unwrap();
            let exit = match (s.current_entry, s.must_leave_by) {
                (Some(_), Some(m)) => Some(dn(m).max(dn(as_of))),
                (Some(_), None) => {
                    prop_assert_eq!(s.next_entry_possible_from, None);
                    return Ok(());
                }
                (None, _) => stays.iter().filter_map(|x| x.exit).map(dn).max(),
            };
            let history = brute_of(&stays, limits, exit.unwrap_or(dn(as_of)));
            let start = exit.map_or(dn(as_of), |e| (e + 1).max(dn(as_of)));
            for (days, answer) in [(1u32, s.next_entry_possible_from), (n, days_available_from(&stays, as_of, limits, n).unwrap())] {
                let too_long = days > limits.max_days || limits.per_stay.is_some_and(|c| days > c);
                match answer {
                    None => prop_assert!(too_long),
                    Some(date) => {
                        prop_assert!(!too_long);
                        let first = dn(date);
                        prop_assert!(first >= start);
                        prop_assert!(history.trip_ok(first, i64::from(days)));
                        if first > start {
                            prop_assert!(!history.trip_ok(first - 1, i64::from(days)));
                        }
                    }
                }
            }
        }

        #[test]
        fn arbitrary_histories_never_panic(raw in proptest::collection::vec((-3_000_000i32..3_000_000, proptest::option::of(-3_000_000i32..3_000_000)), 0..4),
                                           as_of in -3_000_000i32..3_000_000, limits in arb_limits(), n in any::<u32>()) {
            let stays: Vec<Stay> = raw.iter().map(|&(e, x)| Stay { entry: Date::from_day_number(e), exit: x.map(Date::from_day_number) }).collect();
            let as_of = Date::from_day_number(as_of);
            // Long stays are legal but slow to walk in a debug build; keep them short here.
            let short = stays.iter().all(|s| s.exit.unwrap_or(as_of).day_number() - s.entry.day_number() < 20_000);
            if short {
                let _ = stay_status(&stays, as_of, limits);
                let _ = days_available_from(&stays, as_of, limits, n);
            }
        }
    }
}

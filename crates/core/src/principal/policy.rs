//! The one-time code's policy: how often a code is made, how many tries it has, who is locked
//! out and for how long. Times are unix milliseconds, as the store keeps them; the use cases in
//! [`super::signin`] apply these decisions over the principal port.
//!
//! Failures count per (contact, client address): every [`MAX_ATTEMPTS`] in a row lock that
//! address out ([`LOCKOUT`], doubling each round, a day at most). The address that asked for
//! the code has [`MAX_ATTEMPTS`] tries on it; all other addresses together have
//! [`MAX_FOREIGN_ATTEMPTS`], after which they are refused while the code stays good for its
//! owner. Guesses from elsewhere never lock the contact out as a whole, nor void its code.

use time::Duration;

/// How long a sign-in code lives.
pub const CODE_TTL: Duration = Duration::minutes(5);
/// A new code for the same contact is made at most this often.
pub const RESEND_AFTER: Duration = Duration::seconds(30);
/// Wrong codes tolerated before the code is void, and between lock-outs of the contact.
pub const MAX_ATTEMPTS: i64 = 5;
/// Codes a contact can be sent in 24 hours.
pub const MAX_CODES_PER_DAY: i64 = 10;
/// The first lock-out after MAX_ATTEMPTS failures in a row; it doubles with each further round,
/// up to a day.
pub const LOCKOUT: Duration = Duration::minutes(15);
/// Tries on one code from addresses other than the one that asked for it (together).
pub const MAX_FOREIGN_ATTEMPTS: i64 = 10;
/// The longest lock-out, and how long unlocked failure counts are kept.
pub const DAY: Duration = Duration::days(1);

/// Milliseconds of a duration.
pub fn ms_of(d: Duration) -> i64 {
    d.whole_milliseconds() as i64
}

/// The contact's current code, as far as issuing another is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Issued {
    pub expires_at: i64,
    /// Start of the 24-hour window codes are counted in, and how many it has seen.
    pub window_start: i64,
    pub issued: i64,
}

/// Whether a new code may be made now: the (window start, count) to store with it, or None
/// (answered exactly like an unknown contact: nothing is revealed) within [`RESEND_AFTER`] of
/// the last code or past [`MAX_CODES_PER_DAY`] in the current window.
pub fn next_code(last: Option<Issued>, now: i64) -> Option<(i64, i64)> {
    let Some(last) = last else {
        return Some((now, 1));
    };
    let recent = now < last.expires_at - ms_of(CODE_TTL) + ms_of(RESEND_AFTER);
    let in_window = now - last.window_start < ms_of(DAY);
    if recent || (in_window && last.issued >= MAX_CODES_PER_DAY) {
        return None;
    }
    Some(if in_window {
        (last.window_start, last.issued + 1)
    } else {
        (now, 1)
    })
}

/// The failures of one client address on one contact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AddressFailures {
    /// Failures in a row.
    pub failures: i64,
    /// Refused until then (0: never locked).
    pub locked_until: i64,
}

impl AddressFailures {
    pub fn locked(&self, now: i64) -> bool {
        now < self.locked_until
    }

    /// One more failure: every [`MAX_ATTEMPTS`] in a row lock the address for twice as long as
    /// the lock before (from [`LOCKOUT`], a day at most).
    pub fn fail(self, now: i64) -> AddressFailures {
        let failures = self.failures + 1;
        let rounds = failures / MAX_ATTEMPTS;
        let locked_until = if failures % MAX_ATTEMPTS == 0 {
            let wait = ms_of(LOCKOUT) << (rounds - 1).clamp(0, 7);
            now + wait.min(ms_of(DAY))
        } else {
            self.locked_until
        };
        AddressFailures {
            failures,
            locked_until,
        }
    }
}

/// A live code as checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    pub expires_at: i64,
    /// Tries from the address that asked for it, and from all others together.
    pub attempts: i64,
    pub foreign_attempts: i64,
}

/// The outcome of offering a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Signed in: the code is used up and this address's failures forgotten.
    Accepted,
    /// The address is locked out: nothing is counted.
    Locked,
    /// Refused and counted: the address's new failures; `own` counts against the code's own
    /// tries (else the foreign ones); `void` when the owner's lock-out voids the code.
    Refused {
        failures: AddressFailures,
        own: bool,
        void: bool,
    },
}

/// Decides a code offered from an address. `own`: the address is the one that asked for the
/// code (codes from before addresses were recorded belong to whoever asks); `matches`: the
/// code is right (compared in constant time by the caller).
pub fn check_code(
    code: Code,
    address: AddressFailures,
    own: bool,
    matches: bool,
    now: i64,
) -> Check {
    if address.locked(now) {
        return Check::Locked;
    }
    let tries_left = if own {
        code.attempts < MAX_ATTEMPTS
    } else {
        code.foreign_attempts < MAX_FOREIGN_ATTEMPTS
    };
    if matches && now < code.expires_at && tries_left {
        return Check::Accepted;
    }
    let failures = address.fail(now);
    Check::Refused {
        failures,
        own,
        // The owner's own lock-out voids their live code; guesses from elsewhere never do.
        void: own && failures.locked(now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_700_000_000_000;
    const MIN: i64 = 60_000;

    #[test]
    fn codes_are_made_at_most_every_30_seconds_and_ten_a_day() {
        assert_eq!(next_code(None, T0), Some((T0, 1)));
        let mut last = Issued {
            expires_at: T0 + ms_of(CODE_TTL),
            window_start: T0,
            issued: 1,
        };
        assert_eq!(next_code(Some(last), T0 + 29_999), None, "resent too soon");
        let mut now = T0 + 30_000;
        for n in 2..=MAX_CODES_PER_DAY {
            let (w, i) = next_code(Some(last), now).unwrap();
            assert_eq!((w, i), (T0, n));
            last = Issued {
                expires_at: now + ms_of(CODE_TTL),
                window_start: w,
                issued: i,
            };
            now += 30_000;
        }
        assert_eq!(next_code(Some(last), now), None, "the eleventh in a day");
        // A new window after 24 hours.
        assert_eq!(
            next_code(Some(last), T0 + ms_of(DAY)),
            Some((T0 + ms_of(DAY), 1))
        );
    }

    #[test]
    fn every_fifth_failure_in_a_row_locks_the_address_doubling_up_to_a_day() {
        let mut a = AddressFailures::default();
        let mut locks = vec![];
        let now = T0;
        for _ in 0..(MAX_ATTEMPTS * 9) {
            a = a.fail(now);
            if a.failures % MAX_ATTEMPTS == 0 {
                locks.push((a.locked_until - now) / MIN);
            }
        }
        assert_eq!(locks, vec![15, 30, 60, 120, 240, 480, 960, 1440, 1440]);
    }

    #[test]
    fn the_owner_has_five_tries_and_others_ten_together_without_voiding_the_code() {
        let code = Code {
            expires_at: T0 + ms_of(CODE_TTL),
            attempts: 0,
            foreign_attempts: 0,
        };
        let free = AddressFailures::default();
        assert_eq!(check_code(code, free, true, true, T0), Check::Accepted);
        // Expired: refused even when right.
        assert!(matches!(
            check_code(code, free, true, true, code.expires_at),
            Check::Refused {
                own: true,
                void: false,
                ..
            }
        ));
        // The owner's fifth failure in a row locks their address and voids the code.
        let four = AddressFailures {
            failures: 4,
            locked_until: 0,
        };
        assert!(matches!(
            check_code(code, four, true, false, T0),
            Check::Refused {
                own: true,
                void: true,
                ..
            }
        ));
        // A stranger's lock never voids the code.
        assert!(matches!(
            check_code(code, four, false, false, T0),
            Check::Refused {
                own: false,
                void: false,
                ..
            }
        ));
        // Used-up tries refuse even the right code.
        let used = Code {
            attempts: MAX_ATTEMPTS,
            ..code
        };
        assert!(matches!(
            check_code(used, free, true, true, T0),
            Check::Refused { .. }
        ));
        assert_eq!(check_code(used, free, false, true, T0), Check::Accepted);
        let crowded = Code {
            foreign_attempts: MAX_FOREIGN_ATTEMPTS,
            ..code
        };
        assert!(matches!(
            check_code(crowded, free, false, true, T0),
            Check::Refused { .. }
        ));
        assert_eq!(check_code(crowded, free, true, true, T0), Check::Accepted);
        // A locked address is refused without counting.
        let locked = AddressFailures {
            failures: 5,
            locked_until: T0 + 1,
        };
        assert_eq!(check_code(code, locked, true, true, T0), Check::Locked);
    }
}

//! Waiting with a limit: polling until a condition holds (a clear message naming what was
//! awaited when it does not), and a ticker for the progress lines of long waits.

use std::time::{Duration, Instant};

/// How often a long wait (a cold build) prints a line of progress.
pub const PROGRESS_EVERY: Duration = Duration::from_secs(30);

/// Polls `probe` every `every` until it returns `Ok`, for at most `limit`.
///
/// `probe` returns `Err(state)` while the condition does not hold yet; `state` (what it
/// saw, e.g. `"starting"`) goes into the message. Returns the value and the time from the
/// first poll, or `Err("{what}: not within {limit} s (last: {state})")`. A probe that must
/// give up early returns `Ok(Err(reason))` and the caller unwraps twice.
pub fn until<T>(
    what: &str,
    limit: Duration,
    every: Duration,
    mut probe: impl FnMut() -> Result<T, String>,
) -> Result<(T, Duration), String> {
    let t0 = Instant::now();
    loop {
        match probe() {
            Ok(value) => return Ok((value, t0.elapsed())),
            Err(state) if t0.elapsed() >= limit => {
                return Err(format!(
                    "{what}: not within {} s (last: {state})",
                    limit.as_secs()
                ))
            }
            Err(_) => std::thread::sleep(every),
        }
    }
}

/// Says when a progress line is due: every `every`, from its creation.
pub struct Ticker {
    start: Instant,
    every: Duration,
    next: Duration,
}

impl Ticker {
    /// A ticker whose first line is due `every` from now.
    pub fn new(every: Duration) -> Self {
        Self {
            start: Instant::now(),
            every,
            next: every,
        }
    }

    /// Whether a line is due now (then the next one is due `every` later).
    pub fn due(&mut self) -> bool {
        if self.start.elapsed() < self.next {
            return false;
        }
        self.next = self.start.elapsed() + self.every;
        true
    }

    /// The time since the ticker was made.
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }
}

/// A duration as seconds with one decimal, e.g. `"12.3"` (for the suites' lines).
pub fn secs(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn until_returns_the_value_once_the_probe_holds() {
        let mut n = 0;
        let (v, _) = until(
            "n reaches 3",
            Duration::from_secs(5),
            Duration::ZERO,
            || {
                n += 1;
                if n == 3 {
                    Ok(n)
                } else {
                    Err(format!("n = {n}"))
                }
            },
        )
        .unwrap();
        assert_eq!(v, 3);
    }

    #[test]
    fn until_names_what_it_awaited_and_the_last_state_at_the_limit() {
        let err = until(
            "the backend is healthy",
            Duration::from_millis(30),
            Duration::from_millis(5),
            || Err::<(), _>("starting".to_owned()),
        )
        .unwrap_err();
        assert_eq!(
            err,
            "the backend is healthy: not within 0 s (last: starting)"
        );
    }

    #[test]
    fn a_ticker_is_due_once_per_period() {
        let mut t = Ticker::new(Duration::from_millis(40));
        assert!(!t.due(), "not due at once");
        std::thread::sleep(Duration::from_millis(50));
        assert!(t.due());
        assert!(!t.due(), "not twice in one period");
    }

    #[test]
    fn secs_has_one_decimal() {
        assert_eq!(secs(Duration::from_millis(12_345)), "12.3");
    }
}

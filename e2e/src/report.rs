//! A suite's report: named phases with their durations, named checks that pass or fail
//! (every failure is kept, the suite goes on), and one verdict at the end that lists
//! every failed check by name.
//!
//! ```text
//! == goals CRUD through the published backend port (18080)
//!   ok    GET /goals on a fresh volume: 200, no goals
//!   FAIL  POST /goals: 201, stored trimmed
//!         got 500: {"message":"…"}
//!   -- goals CRUD through the published backend port (18080): 0.4 s
//! ```

use std::fmt::Debug;
use std::time::Instant;

use crate::wait::secs;

/// The checks of one suite run, printed as they happen.
pub struct Report {
    suite: String,
    start: Instant,
    phase: Option<(String, Instant)>,
    passed: usize,
    failed: Vec<String>,
    finished: bool,
}

impl Report {
    /// A report for `suite` (its name starts every verdict line), its clock started now.
    pub fn new(suite: &str) -> Self {
        Self {
            suite: suite.to_owned(),
            start: Instant::now(),
            phase: None,
            passed: 0,
            failed: Vec::new(),
            finished: false,
        }
    }

    /// Ends the current phase (printing its duration) and starts the phase `name`.
    pub fn phase(&mut self, name: &str) {
        self.end_phase();
        println!("== {name}");
        self.phase = Some((name.to_owned(), Instant::now()));
    }

    fn end_phase(&mut self) {
        if let Some((name, t0)) = self.phase.take() {
            println!("  -- {name}: {} s", secs(t0.elapsed()));
        }
    }

    /// Runs the check `name`: `Ok` passes; `Err(why)` fails, printing why. Returns whether
    /// it passed.
    pub fn check(&mut self, name: &str, f: impl FnOnce() -> Result<(), String>) -> bool {
        match f() {
            Ok(()) => {
                self.pass(name);
                true
            }
            Err(why) => {
                self.fail(name, &why);
                false
            }
        }
    }

    /// Records the check `name` as passed.
    pub fn pass(&mut self, name: &str) {
        self.passed += 1;
        println!("  ok    {name}");
    }

    /// Records the check `name` as failed, because of `why`.
    pub fn fail(&mut self, name: &str, why: &str) {
        println!("  FAIL  {name}");
        for line in why.lines() {
            println!("        {line}");
        }
        self.failed.push(format!("{name}: {}", first_line(why)));
    }

    /// Prints an indented line of information (not a check).
    pub fn note(&self, text: &str) {
        println!("        {text}");
    }

    /// How many checks have failed so far.
    pub fn failures(&self) -> usize {
        self.failed.len()
    }

    /// The check `name` failed in a way the suite cannot go on from (the stack did not
    /// start): records it and panics with it. Whoever holds the stack prints its state
    /// and cleans up as the panic unwinds.
    pub fn fatal(&mut self, name: &str, why: &str) -> ! {
        self.fail(name, why);
        println!("  (cannot go on)");
        panic!("{}: cannot go on: {name}: {}", self.suite, first_line(why));
    }

    /// Ends the suite: prints the last phase's duration, the total and
    /// `{suite}: N passed, M failed`; panics listing every failed check when there is one.
    pub fn finish(mut self) {
        self.summary();
        if !self.failed.is_empty() {
            panic!(
                "{}: {} check(s) failed:\n  - {}",
                self.suite,
                self.failed.len(),
                self.failed.join("\n  - ")
            );
        }
    }

    fn summary(&mut self) {
        self.end_phase();
        self.finished = true;
        println!("total: {} s", secs(self.start.elapsed()));
        println!(
            "{}: {} passed, {} failed",
            self.suite,
            self.passed,
            self.failed.len()
        );
    }
}

impl Drop for Report {
    /// A suite stopped by a panic still prints its phase, total and counts.
    fn drop(&mut self) {
        if !self.finished {
            self.summary();
        }
    }
}

fn first_line(text: &str) -> &str {
    crate::clip(text.lines().next().unwrap_or(""), 200)
}

/// `Ok` when `cond` holds; else `Err(why())`.
pub fn ensure(cond: bool, why: impl FnOnce() -> String) -> Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(why())
    }
}

/// `Ok` when `got == want`; else `Err("{what}: got …, want …")`.
pub fn same<T: PartialEq + Debug>(what: &str, got: T, want: T) -> Result<(), String> {
    ensure(got == want, || {
        format!("{what}: got {got:?}, want {want:?}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_check_is_named_in_the_verdict_and_the_others_still_run() {
        let mut r = Report::new("demo");
        r.phase("one");
        assert!(r.check("passes", || Ok(())));
        assert!(!r.check("the goal list is empty", || same("goals", 1, 0)));
        assert!(r.check("runs after a failure", || ensure(true, String::new)));
        assert_eq!(r.failures(), 1);
        let verdict = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| r.finish()))
            .expect_err("a failed check fails the suite");
        let text = verdict.downcast_ref::<String>().unwrap();
        assert!(
            text.contains("demo: 1 check(s) failed")
                && text.contains("the goal list is empty: goals: got 1, want 0"),
            "{text}"
        );
    }

    #[test]
    fn a_suite_without_failures_finishes_quietly() {
        let mut r = Report::new("demo");
        r.pass("fine");
        r.finish();
    }

    #[test]
    fn fatal_panics_with_the_suite_and_the_check() {
        let mut r = Report::new("demo");
        let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            r.fatal("compose up -d --wait", "exit 1\nmore")
        }))
        .expect_err("fatal panics");
        assert_eq!(
            err.downcast_ref::<String>().unwrap(),
            "demo: cannot go on: compose up -d --wait: exit 1"
        );
    }
}

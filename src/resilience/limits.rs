//! Learning the largest batch cost that fits in memory.

use crate::error::{Error, Result};

/// What the runs so far say about memory: the largest batch cost that ran and the smallest
/// that ran out of memory (both at the call's own parameters, on the GPU).
///
/// Memory is not a fixed budget (fragmentation, other processes), so the two can contradict
/// each other; the newest evidence wins: a success at or above the smallest failure drops
/// that failure (it was transient), and a failure at or below the largest success drops that
/// success (memory got tighter). Successes below the new failure re-teach it at once, because
/// the ladder splits the failed batch right after.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SafeCost {
    largest_ok: Option<f64>,
    smallest_failed: Option<f64>,
}

impl SafeCost {
    /// Restores learned limits (e.g. from a previous process); each must be finite and >= 0.
    pub fn new(largest_ok: Option<f64>, smallest_failed: Option<f64>) -> Result<Self> {
        for (name, value) in [
            ("largest_ok", largest_ok),
            ("smallest_failed", smallest_failed),
        ] {
            if let Some(v) = value {
                check_cost(name, v)?;
            }
        }
        let mut limits = SafeCost::default();
        // Replaying through the rules keeps the invariant largest_ok < smallest_failed.
        if let Some(v) = largest_ok {
            limits.record_ok(v);
        }
        if let Some(v) = smallest_failed {
            limits.record_oom(v);
        }
        Ok(limits)
    }

    pub fn largest_ok(&self) -> Option<f64> {
        self.largest_ok
    }

    pub fn smallest_failed(&self) -> Option<f64> {
        self.smallest_failed
    }

    /// The cost the batcher should stay at or under: the largest success, once some failure
    /// shows there is a ceiling at all (before that, capping at the largest batch seen would
    /// stop the batcher from ever growing).
    pub fn max_safe_cost(&self) -> Option<f64> {
        self.smallest_failed.and(self.largest_ok)
    }

    /// Whether a batch of this cost has already run out of memory (so running it again
    /// would only waste the time to the next OOM).
    pub fn known_to_fail(&self, cost: f64) -> bool {
        self.smallest_failed.is_some_and(|failed| cost >= failed)
    }

    pub fn record_ok(&mut self, cost: f64) {
        self.largest_ok = Some(self.largest_ok.map_or(cost, |ok| ok.max(cost)));
        if self.smallest_failed.is_some_and(|failed| failed <= cost) {
            self.smallest_failed = None;
        }
    }

    pub fn record_oom(&mut self, cost: f64) {
        self.smallest_failed = Some(self.smallest_failed.map_or(cost, |f| f.min(cost)));
        if self.largest_ok.is_some_and(|ok| ok >= cost) {
            self.largest_ok = None;
        }
    }
}

/// Costs are budgets (tiles, tokens): finite and not negative.
pub(crate) fn check_cost(what: &str, cost: f64) -> Result<()> {
    if cost.is_finite() && cost >= 0.0 {
        Ok(())
    } else {
        Err(Error::invalid_argument(format!(
            "{what} must be a finite number >= 0, got {cost}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_the_band_between_success_and_failure() {
        let mut limits = SafeCost::default();
        limits.record_ok(4.0);
        assert_eq!(limits.max_safe_cost(), None, "no ceiling seen yet");
        limits.record_oom(16.0);
        limits.record_oom(12.0);
        limits.record_ok(8.0);
        limits.record_ok(6.0);
        assert_eq!(limits.largest_ok(), Some(8.0));
        assert_eq!(limits.smallest_failed(), Some(12.0));
        assert_eq!(limits.max_safe_cost(), Some(8.0));
        assert!(limits.known_to_fail(12.0) && !limits.known_to_fail(11.5));
    }

    #[test]
    fn newest_evidence_wins() {
        let mut limits = SafeCost::new(Some(8.0), Some(12.0)).unwrap();
        limits.record_oom(6.0);
        assert_eq!(
            (limits.largest_ok(), limits.smallest_failed()),
            (None, Some(6.0))
        );
        limits.record_ok(3.0);
        assert_eq!(limits.max_safe_cost(), Some(3.0));
        limits.record_ok(7.0);
        assert_eq!(
            (limits.largest_ok(), limits.smallest_failed()),
            (Some(7.0), None)
        );
        assert_eq!(limits.max_safe_cost(), None);
    }

    #[test]
    fn restored_limits_are_checked_and_consistent() {
        assert!(SafeCost::new(Some(f64::NAN), None).is_err());
        assert!(SafeCost::new(None, Some(-1.0)).is_err());
        let limits = SafeCost::new(Some(9.0), Some(5.0)).unwrap();
        assert_eq!(
            (limits.largest_ok(), limits.smallest_failed()),
            (None, Some(5.0))
        );
    }
}

//! Fragmentation of PyTorch's caching allocator, measured from `torch.cuda.memory_stats()`,
//! and a trigger deciding when releasing the cache is worth it.

use crate::error::{Error, Result};

/// The numbers used from `torch.cuda.memory_stats()` (the `*.all.current` byte counters,
/// `num_alloc_retries`, `num_ooms`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemoryStats {
    pub allocated_bytes: u64,
    pub reserved_bytes: u64,
    pub active_bytes: u64,
    pub inactive_split_bytes: u64,
    pub alloc_retries: u64,
    pub ooms: u64,
}

/// How much of the reserved memory is wasted, and how much of it can be given back.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FragmentationReport {
    /// `1 - allocated / reserved`: the reserved-but-unallocated fraction, in `[0, 1]`;
    /// 0.0 when nothing is reserved.
    pub fragmentation: f64,
    /// `inactive_split / reserved`: free pieces of split blocks, which `empty_cache` cannot
    /// release (only reuse or `max_split_size_mb` helps); 0.0 when nothing is reserved.
    pub inactive_split_fraction: f64,
    /// `reserved - max(active, allocated) - inactive_split`: roughly what `empty_cache`
    /// could return to the driver (whole unused segments).
    pub releasable_bytes: u64,
    pub allocated_bytes: u64,
    pub reserved_bytes: u64,
    pub inactive_split_bytes: u64,
    /// cudaMalloc failures that flushed the cache and retried: a sign of pressure.
    pub alloc_retries: u64,
    pub ooms: u64,
}

fn fraction(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (part.min(whole) as f64) / (whole as f64)
}

/// The report for one snapshot of the allocator statistics.
pub fn fragmentation(s: &MemoryStats) -> FragmentationReport {
    // Snapshots of separate counters can disagree by a block; clamp instead of going negative.
    let unallocated = s.reserved_bytes.saturating_sub(s.allocated_bytes);
    let in_use = s.active_bytes.max(s.allocated_bytes);
    FragmentationReport {
        fragmentation: fraction(unallocated, s.reserved_bytes),
        inactive_split_fraction: fraction(s.inactive_split_bytes, s.reserved_bytes),
        releasable_bytes: s
            .reserved_bytes
            .saturating_sub(in_use)
            .saturating_sub(s.inactive_split_bytes),
        allocated_bytes: s.allocated_bytes,
        reserved_bytes: s.reserved_bytes,
        inactive_split_bytes: s.inactive_split_bytes,
        alloc_retries: s.alloc_retries,
        ooms: s.ooms,
    }
}

/// When to release the cache (`gc.collect()` + `torch.cuda.empty_cache()`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DefragPolicy {
    /// Run when `fragmentation >= threshold`.
    pub threshold: f64,
    /// After a run, stay disarmed until fragmentation falls below `threshold - hysteresis`:
    /// if releasing did not bring it down, releasing again will not either.
    pub hysteresis: f64,
    /// Never run twice within this many seconds (`empty_cache` synchronises the device and
    /// the next allocations pay cudaMalloc again).
    pub min_interval_s: f64,
    /// Ignore caches smaller than this: too little to be worth a synchronisation.
    pub min_reserved_bytes: u64,
}

impl Default for DefragPolicy {
    fn default() -> Self {
        DefragPolicy {
            threshold: 0.3,
            hysteresis: 0.1,
            min_interval_s: 30.0,
            min_reserved_bytes: 512 << 20,
        }
    }
}

impl DefragPolicy {
    fn validate(&self) -> Result<()> {
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return Err(Error::invalid_argument(format!(
                "threshold is {}; pass a fraction in (0, 1]",
                self.threshold
            )));
        }
        if !(self.hysteresis >= 0.0 && self.hysteresis <= self.threshold) {
            return Err(Error::invalid_argument(format!(
                "hysteresis is {}; pass a value in [0, threshold={}]",
                self.hysteresis, self.threshold
            )));
        }
        if !(self.min_interval_s >= 0.0 && self.min_interval_s.is_finite()) {
            return Err(Error::invalid_argument(format!(
                "min_interval_s is {}; pass a finite number of seconds >= 0",
                self.min_interval_s
            )));
        }
        Ok(())
    }
}

/// The trigger's state. Time is passed in (seconds on any monotonic clock) so tests can use
/// a fake clock.
#[derive(Clone, Debug)]
pub struct Defragmenter {
    pub policy: DefragPolicy,
    armed: bool,
    last_run_s: Option<f64>,
    runs: u64,
}

impl Defragmenter {
    pub fn new(policy: DefragPolicy) -> Result<Self> {
        policy.validate()?;
        Ok(Defragmenter {
            policy,
            armed: true,
            last_run_s: None,
            runs: 0,
        })
    }

    /// Whether to release the cache now. A `true` answer counts as a run (it disarms the
    /// trigger and starts the interval), so ask only when you will act on it.
    pub fn should_run(&mut self, report: &FragmentationReport, now_s: f64) -> bool {
        let p = self.policy;
        if report.fragmentation < p.threshold - p.hysteresis {
            self.armed = true;
        }
        let due = self.armed
            && report.fragmentation >= p.threshold
            && report.reserved_bytes >= p.min_reserved_bytes
            && self
                .last_run_s
                .is_none_or(|t| now_s - t >= p.min_interval_s);
        if due {
            self.armed = false;
            self.last_run_s = Some(now_s);
            self.runs += 1;
            log::debug!(
                "defragment: fragmentation {:.3} >= {:.3}, {} bytes reserved",
                report.fragmentation,
                p.threshold,
                report.reserved_bytes
            );
        }
        due
    }

    /// How many times `should_run` said yes.
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// Whether the trigger would fire on the next high reading (ignoring the interval).
    pub fn armed(&self) -> bool {
        self.armed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1 << 20;

    fn stats(allocated: u64, reserved: u64) -> MemoryStats {
        MemoryStats {
            allocated_bytes: allocated,
            reserved_bytes: reserved,
            active_bytes: allocated,
            ..Default::default()
        }
    }

    fn report(allocated: u64, reserved: u64) -> FragmentationReport {
        fragmentation(&stats(allocated, reserved))
    }

    #[test]
    fn arithmetic() {
        let s = MemoryStats {
            allocated_bytes: 600 * MIB,
            reserved_bytes: 1000 * MIB,
            active_bytes: 650 * MIB,
            inactive_split_bytes: 150 * MIB,
            alloc_retries: 3,
            ooms: 1,
        };
        let r = fragmentation(&s);
        assert!((r.fragmentation - 0.4).abs() < 1e-12);
        assert!((r.inactive_split_fraction - 0.15).abs() < 1e-12);
        assert_eq!(r.releasable_bytes, 200 * MIB);
        assert_eq!((r.alloc_retries, r.ooms), (3, 1));
    }

    #[test]
    fn degenerate_snapshots() {
        let empty = fragmentation(&MemoryStats::default());
        assert_eq!(
            (empty.fragmentation, empty.inactive_split_fraction),
            (0.0, 0.0)
        );
        assert_eq!(empty.releasable_bytes, 0);
        // allocated > reserved (racy snapshot): clamped, not negative.
        assert_eq!(report(2 * MIB, MIB).fragmentation, 0.0);
        assert_eq!(report(0, MIB).fragmentation, 1.0);
        let huge = report(u64::MAX / 2, u64::MAX);
        assert!((huge.fragmentation - 0.5).abs() < 1e-9);
    }

    fn defrag(min_interval_s: f64) -> Defragmenter {
        Defragmenter::new(DefragPolicy {
            threshold: 0.3,
            hysteresis: 0.1,
            min_interval_s,
            min_reserved_bytes: 100 * MIB,
        })
        .unwrap()
    }

    #[test]
    fn fires_above_threshold_only() {
        let mut d = defrag(0.0);
        assert!(!d.should_run(&report(800 * MIB, 1000 * MIB), 0.0)); // 0.2
        assert!(d.should_run(&report(700 * MIB, 1000 * MIB), 1.0)); // 0.3, inclusive
        assert_eq!(d.runs(), 1);
    }

    #[test]
    fn hysteresis_needs_a_drop_below_the_rearm_level() {
        let mut d = defrag(0.0);
        let high = report(500 * MIB, 1000 * MIB); // 0.5
        assert!(d.should_run(&high, 0.0));
        assert!(!d.should_run(&high, 100.0)); // still high after the run: do not thrash
        assert!(!d.should_run(&report(750 * MIB, 1000 * MIB), 101.0)); // 0.25: not below 0.2
        assert!(!d.armed());
        assert!(!d.should_run(&report(850 * MIB, 1000 * MIB), 102.0)); // 0.15: re-arms
        assert!(d.armed());
        assert!(d.should_run(&high, 103.0));
        assert_eq!(d.runs(), 2);
    }

    #[test]
    fn min_interval_with_a_fake_clock() {
        let mut d = defrag(30.0);
        let high = report(500 * MIB, 1000 * MIB);
        let low = report(950 * MIB, 1000 * MIB);
        assert!(d.should_run(&high, 1000.0));
        assert!(!d.should_run(&low, 1010.0)); // re-armed
        assert!(!d.should_run(&high, 1029.9)); // armed but too soon
        assert!(d.should_run(&high, 1030.0));
    }

    #[test]
    fn small_caches_are_left_alone() {
        let mut d = defrag(0.0);
        assert!(!d.should_run(&report(10 * MIB, 99 * MIB), 0.0));
        assert!(d.should_run(&report(10 * MIB, 100 * MIB), 0.0));
    }

    #[test]
    fn policy_validation() {
        let bad = |p: DefragPolicy| matches!(Defragmenter::new(p), Err(Error::InvalidArgument(_)));
        let ok = DefragPolicy::default();
        assert!(Defragmenter::new(ok).is_ok());
        assert!(bad(DefragPolicy {
            threshold: 0.0,
            ..ok
        }));
        assert!(bad(DefragPolicy {
            threshold: f64::NAN,
            ..ok
        }));
        assert!(bad(DefragPolicy {
            threshold: 1.5,
            ..ok
        }));
        assert!(bad(DefragPolicy {
            hysteresis: 0.5,
            ..ok
        }));
        assert!(bad(DefragPolicy {
            hysteresis: -0.1,
            ..ok
        }));
        assert!(bad(DefragPolicy {
            min_interval_s: f64::INFINITY,
            ..ok
        }));
        assert!(bad(DefragPolicy {
            min_interval_s: -1.0,
            ..ok
        }));
    }
}

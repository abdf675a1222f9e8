//! The ladder driven by simulated models: exact walks, learned limits, and exactly-once
//! answers under random failure patterns.

use std::ops::Range;

use super::*;
use crate::error::Error;

/// How each item ended, as the caller would see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    Value,
    Failed,
    OutOfMemory,
}

/// A caller: answers every step through `respond` and records each item's answer
/// (panicking if one is answered twice).
fn drive(ladder: &mut OomLadder, mut respond: impl FnMut(&Step) -> Outcome) -> Vec<Answer> {
    let mut answers: Vec<Option<Answer>> = vec![None; ladder.item_count()];
    let mut set = |items: Range<usize>, answer| {
        for i in items {
            assert!(answers[i].is_none(), "item {i} answered twice");
            answers[i] = Some(answer);
        }
    };
    for _ in 0..100_000 {
        let step = ladder.next_step().expect("next_step");
        let outcome = match &step {
            Step::Done => {
                return answers
                    .into_iter()
                    .map(|a| a.expect("unanswered"))
                    .collect()
            }
            Step::GiveUp { items, .. } => {
                set(items.clone(), Answer::OutOfMemory);
                continue;
            }
            _ => respond(&step),
        };
        match (&step, outcome) {
            (Step::Run { items, .. }, Outcome::Ok) => set(items.clone(), Answer::Value),
            (_, Outcome::Failed) => set(step_items(&step), Answer::Failed),
            _ => {}
        }
        ladder.report(outcome).expect("report");
    }
    panic!("the ladder did not finish");
}

fn step_items(step: &Step) -> Range<usize> {
    match step {
        Step::Run { items, .. }
        | Step::Release { items }
        | Step::Shrink { items, .. }
        | Step::Reload { items }
        | Step::GiveUp { items, .. } => items.clone(),
        Step::Done => 0..0,
    }
}

/// The walk as compact strings: "run 0..8", "oom 0..8", "split 0..8"...
fn walk(ladder: &OomLadder) -> Vec<String> {
    ladder
        .events()
        .iter()
        .map(|e| format!("{} {}..{}", e.kind.name(), e.items.start, e.items.end))
        .collect()
}

fn tiers(names: &[&str]) -> Vec<Tier> {
    names.iter().map(|n| Tier::parse(n).unwrap()).collect()
}

fn ladder(tier_names: &[&str], costs: &[f64]) -> OomLadder {
    OomLadder::new(tiers(tier_names), costs.to_vec(), SafeCost::default()).unwrap()
}

/// A GPU that runs out of memory above `cap` (at any parameters) and a CPU that never does.
fn capped(cap: f64, costs: &[f64]) -> impl FnMut(&Step) -> Outcome + '_ {
    move |step| match step {
        Step::Run {
            items,
            device: Device::Gpu,
            ..
        } => {
            if costs[items.clone()].iter().sum::<f64>() > cap {
                Outcome::Oom
            } else {
                Outcome::Ok
            }
        }
        _ => Outcome::Ok,
    }
}

#[test]
fn no_oom_is_one_run() {
    let mut l = ladder(&["release", "split"], &[1.0, 2.0, 3.0]);
    let answers = drive(&mut l, |_| Outcome::Ok);
    assert_eq!(answers, [Answer::Value; 3]);
    assert_eq!(walk(&l), ["run 0..3", "ok 0..3"]);
    assert!(l.tiers_used().is_empty());
    assert_eq!(l.ooms(), 0);
    assert_eq!(l.limits().largest_ok(), Some(6.0));
    assert_eq!(l.limits().max_safe_cost(), None);
}

#[test]
fn empty_batch_is_done_at_once() {
    let mut l = ladder(&["release"], &[]);
    assert_eq!(l.next_step().unwrap(), Step::Done);
}

#[test]
fn release_then_split_down_to_what_fits() {
    let costs = [1.0; 8];
    let mut l = ladder(&["release", "split"], &costs);
    let answers = drive(&mut l, capped(2.0, &costs));
    assert_eq!(answers, [Answer::Value; 8]);
    #[rustfmt::skip]
    let expected = [
        "run 0..8", "oom 0..8", "release 0..8", "run 0..8", "oom 0..8", "split 0..8",
        "run 0..4", "oom 0..4", "split 0..4", "run 0..2", "ok 0..2", "run 2..4", "ok 2..4",
        // 4..8 costs 4, which already failed: split without running it.
        "split 4..8", "run 4..6", "ok 4..6", "run 6..8", "ok 6..8",
    ];
    assert_eq!(walk(&l), expected);
    assert_eq!(l.tiers_used(), [Tier::Release, Tier::Split]);
    assert_eq!(l.ooms(), 3);
    assert_eq!(l.limits().largest_ok(), Some(2.0));
    assert_eq!(l.limits().smallest_failed(), Some(4.0));
    assert_eq!(l.limits().max_safe_cost(), Some(2.0));
}

#[test]
fn splits_by_cost_not_count() {
    let costs = [8.0, 1.0, 1.0, 1.0, 1.0];
    let mut l = ladder(&["split"], &costs);
    drive(&mut l, capped(8.0, &costs));
    assert_eq!(
        walk(&l),
        [
            "run 0..5",
            "oom 0..5",
            "split 0..5",
            "run 0..1",
            "ok 0..1",
            "run 1..5",
            "ok 1..5"
        ]
    );
    // Equal costs: the left half takes the extra item.
    let costs = [1.0; 3];
    let mut l = ladder(&["split"], &costs);
    drive(&mut l, capped(2.0, &costs));
    assert_eq!(walk(&l)[2..4], ["split 0..3", "run 0..2"]);
}

#[test]
fn shrink_asks_the_hook_until_the_item_fits() {
    // One item that fits once its parameters were shrunk twice.
    let mut l = ladder(&["release", "split", "shrink", "reload", "cpu"], &[5.0]);
    let mut steps = Vec::new();
    let answers = drive(&mut l, |step| {
        steps.push(step.clone());
        match step {
            Step::Run { params, .. } if *params < 2 => Outcome::Oom,
            _ => Outcome::Ok,
        }
    });
    assert_eq!(answers, [Answer::Value]);
    #[rustfmt::skip]
    assert_eq!(steps, [
        Step::Run { items: 0..1, params: 0, device: Device::Gpu },
        Step::Release { items: 0..1 },
        Step::Run { items: 0..1, params: 0, device: Device::Gpu },
        Step::Shrink { items: 0..1, from: 0, to: 1 },
        Step::Run { items: 0..1, params: 1, device: Device::Gpu },
        Step::Shrink { items: 0..1, from: 1, to: 2 },
        Step::Run { items: 0..1, params: 2, device: Device::Gpu },
    ]);
    assert_eq!(l.tiers_used(), [Tier::Release, Tier::Shrink]);
    // Only runs at the call's own parameters teach the limits.
    assert_eq!(l.limits().largest_ok(), None);
    assert_eq!(l.limits().smallest_failed(), Some(5.0));
}

#[test]
fn shrink_reload_then_cpu_with_original_params() {
    let mut l = ladder(&["shrink", "reload", "cpu"], &[1.0]);
    let mut steps = Vec::new();
    let answers = drive(&mut l, |step| {
        steps.push(step.clone());
        match step {
            Step::Run {
                device: Device::Gpu,
                ..
            } => Outcome::Oom,
            Step::Shrink { from: 1, .. } => Outcome::CannotShrink,
            _ => Outcome::Ok,
        }
    });
    assert_eq!(answers, [Answer::Value]);
    #[rustfmt::skip]
    assert_eq!(steps, [
        Step::Run { items: 0..1, params: 0, device: Device::Gpu },
        Step::Shrink { items: 0..1, from: 0, to: 1 },
        Step::Run { items: 0..1, params: 1, device: Device::Gpu },
        Step::Shrink { items: 0..1, from: 1, to: 2 },
        Step::Reload { items: 0..1 },
        Step::Run { items: 0..1, params: 1, device: Device::Gpu },
        Step::Run { items: 0..1, params: 0, device: Device::Cpu },
    ]);
    assert_eq!(l.tiers_used(), [Tier::Shrink, Tier::Reload, Tier::Cpu]);
    assert_eq!(walk(&l).last().unwrap(), "ok 0..1");
    assert!(walk(&l).contains(&"cpu 0..1".to_string()));
}

#[test]
fn shrink_answers_and_reload_are_shared_across_sub_batches() {
    // Every GPU run out of memory: each item shrinks (hook asked once per parameter set),
    // the model reloads once for the whole call, then each item falls back to the CPU.
    let mut l = ladder(&["split", "shrink", "reload", "cpu"], &[1.0, 1.0]);
    let mut hooks = Vec::new();
    drive(&mut l, |step| match step {
        Step::Run {
            device: Device::Gpu,
            ..
        } => Outcome::Oom,
        Step::Shrink { from, .. } => {
            hooks.push(format!("shrink {from}"));
            if *from == 0 {
                Outcome::Ok
            } else {
                Outcome::CannotShrink
            }
        }
        Step::Reload { .. } => {
            hooks.push("reload".into());
            Outcome::Ok
        }
        _ => Outcome::Ok,
    });
    assert_eq!(hooks, ["shrink 0", "shrink 1", "reload"]);
    #[rustfmt::skip]
    assert_eq!(walk(&l), [
        "run 0..2", "oom 0..2", "split 0..2",
        "run 0..1", "oom 0..1", "shrink 0..1", "run 0..1", "oom 0..1", "reload 0..1",
        "run 0..1", "oom 0..1", "cpu 0..1", "ok 0..1",
        "run 1..2", "oom 1..2", "shrink 1..2", "run 1..2", "oom 1..2", "cpu 1..2", "ok 1..2",
    ]);
}

#[test]
fn a_shrink_hook_that_never_gives_up_is_capped() {
    let mut l = ladder(&["shrink"], &[1.0]);
    let mut shrinks = 0;
    let answers = drive(&mut l, |step| match step {
        Step::Shrink { .. } => {
            shrinks += 1;
            Outcome::Ok
        }
        _ => Outcome::Oom,
    });
    assert_eq!(answers, [Answer::OutOfMemory]);
    assert_eq!(shrinks, MAX_SHRINKS);
}

#[test]
fn giving_up_says_what_to_change() {
    let mut l = ladder(&["release"], &[2.0, 3.0]);
    let mut message = String::new();
    loop {
        match l.next_step().unwrap() {
            Step::Done => break,
            Step::GiveUp { items, message: m } => {
                assert_eq!(items, 0..2);
                message = m;
            }
            Step::Run { .. } => l.report(Outcome::Oom).unwrap(),
            _ => l.report(Outcome::Ok).unwrap(),
        }
    }
    assert_eq!(
        message,
        "2 items (items 0..2, cost 5) still ran out of memory after every recovery tier \
         (release); to fix: add the \"split\" tier or send smaller batches, lower \
         max_new_tokens or the tile limit for this request, pass shrink=... so the ladder \
         can do that itself, pass cpu_generate=... to fall back to the CPU, or free GPU \
         memory held by other processes"
    );
    assert_eq!(
        walk(&l),
        [
            "run 0..2",
            "oom 0..2",
            "release 0..2",
            "run 0..2",
            "oom 0..2",
            "give_up 0..2"
        ]
    );
}

#[test]
fn other_errors_are_not_retried() {
    let costs = [1.0; 4];
    let mut l = ladder(&["release", "split"], &costs);
    // OOM for the whole batch; after the split the left half fails for another reason.
    let answers = drive(&mut l, |step| match step {
        Step::Run { items, .. } if items.len() == 4 => Outcome::Oom,
        Step::Run { items, .. } if items.start == 0 => Outcome::Failed,
        _ => Outcome::Ok,
    });
    assert_eq!(
        answers,
        [Answer::Failed, Answer::Failed, Answer::Value, Answer::Value]
    );
    assert_eq!(
        walk(&l)[5..],
        [
            "split 0..4",
            "run 0..2",
            "failed 0..2",
            "run 2..4",
            "ok 2..4"
        ]
    );
}

#[test]
fn a_failing_hook_fails_its_items() {
    let mut l = ladder(&["release", "split"], &[1.0, 1.0]);
    let answers = drive(&mut l, |step| match step {
        Step::Release { .. } => Outcome::Failed,
        _ => Outcome::Oom,
    });
    assert_eq!(answers, [Answer::Failed; 2]);
}

#[test]
fn learned_failures_pre_split_later_calls_sub_batches_only() {
    let limits = SafeCost::new(Some(2.0), Some(3.0)).unwrap();
    let costs = [1.0; 4];
    let mut l = OomLadder::new(tiers(&["split"]), costs.to_vec(), limits).unwrap();
    drive(&mut l, capped(2.0, &costs));
    // The whole batch still gets one probe run (memory may have freed up since).
    #[rustfmt::skip]
    assert_eq!(walk(&l), [
        "run 0..4", "oom 0..4", "split 0..4", "run 0..2", "ok 0..2", "run 2..4", "ok 2..4",
    ]);
}

#[test]
fn protocol_misuse_is_an_error_not_a_panic() {
    let mut l = ladder(&["shrink"], &[1.0]);
    assert!(matches!(
        l.report(Outcome::Ok),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(l.next_step().unwrap(), Step::Run { .. }));
    assert!(matches!(l.next_step(), Err(Error::InvalidArgument(_))));
    assert!(matches!(
        l.report(Outcome::CannotShrink),
        Err(Error::InvalidArgument(_))
    ));
    l.report(Outcome::Ok).unwrap();
    assert_eq!(l.next_step().unwrap(), Step::Done);
    let err = OomLadder::new(vec![], vec![1.0, f64::NAN], SafeCost::default()).unwrap_err();
    assert!(err.to_string().contains("cost of item 1"), "{err}");
}

/// splitmix64: a tiny seeded generator, so the random cases are reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn random_tiers(rng: &mut Rng) -> Vec<Tier> {
    let mut gpu: Vec<Tier> = Tier::ALL[..4].to_vec();
    // Fisher-Yates, then keep a random prefix; cpu (if kept) goes last.
    for i in (1..gpu.len()).rev() {
        gpu.swap(i, rng.below(i as u64 + 1) as usize);
    }
    gpu.truncate(rng.below(5) as usize);
    if rng.chance(50) {
        gpu.push(Tier::Cpu);
    }
    gpu
}

#[test]
fn every_item_is_answered_exactly_once_under_random_failures() {
    let mut rng = Rng(0x5eed);
    for case in 0..3000 {
        let n = rng.below(24) as usize;
        let costs: Vec<f64> = (0..n).map(|_| rng.below(6) as f64).collect();
        let cap = rng.below(20) as f64;
        let tier_list = random_tiers(&mut rng);
        let mut l = OomLadder::new(tier_list.clone(), costs.clone(), SafeCost::default()).unwrap();
        let mut item_runs = vec![0usize; n];
        let answers = drive(&mut l, |step| {
            if let Step::Run { items, .. } = step {
                for i in items.clone() {
                    item_runs[i] += 1;
                }
            }
            match step {
                _ if rng.chance(5) => Outcome::Failed,
                Step::Run {
                    items,
                    device: Device::Gpu,
                    ..
                } => {
                    let cost: f64 = costs[items.clone()].iter().sum();
                    if cost > cap || rng.chance(20) {
                        Outcome::Oom
                    } else {
                        Outcome::Ok
                    }
                }
                Step::Run { .. } => {
                    if rng.chance(10) {
                        Outcome::Oom
                    } else {
                        Outcome::Ok
                    }
                }
                Step::Shrink { .. } if rng.chance(40) => Outcome::CannotShrink,
                _ if rng.chance(15) => Outcome::Oom,
                _ => Outcome::Ok,
            }
        });
        assert_eq!(answers.len(), n, "case {case}");
        // Every item ran at least once, unless a hook failed it first; none ran unboundedly.
        let bound = 4 + MAX_SHRINKS + 2 * tier_list.len();
        assert!(
            item_runs.iter().all(|&r| r <= bound),
            "case {case}: {item_runs:?}"
        );
        // A value never comes with an OOM answer for the same item, and limits stay ordered.
        let limits = l.limits();
        if let (Some(ok), Some(failed)) = (limits.largest_ok(), limits.smallest_failed()) {
            assert!(ok < failed, "case {case}: {limits:?}");
        }
        assert_eq!(
            l.next_step().unwrap(),
            Step::Done,
            "case {case}: Done is sticky"
        );
    }
}

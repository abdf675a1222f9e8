//! The out-of-memory ladder: a state machine that says what to run next and keeps the books.
//!
//! The caller loops: `next_step()`, do the step, `report(outcome)` (for steps that need one),
//! until `Step::Done`. Work is a stack of tasks (contiguous item ranges with the parameters and
//! device to run them with, and the next tier to try should they run out of memory); the left
//! half of a split sits on top, so sub-batches run depth-first in input order.

use std::collections::HashMap;
use std::ops::Range;

use super::limits::{check_cost, SafeCost};
use super::tier::Tier;
use crate::error::{Error, Result};

/// Names one set of generation parameters; 0 is the call's own, each successful shrink adds one.
pub type ParamsId = usize;

/// Shrinks one task may take before the ladder moves on, so a hook that never answers None
/// cannot keep a request out of memory forever.
pub const MAX_SHRINKS: usize = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Device {
    Gpu,
    Cpu,
}

/// What the caller must do next.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Generate `items` with parameters `params` (the model on the GPU, or the CPU hook);
    /// report `Ok`, `Oom` or `Failed` (a non-OOM error: every item of the run gets it).
    Run {
        items: Range<usize>,
        params: ParamsId,
        device: Device,
    },
    /// Free memory, then report. `items` waits on it and gets the hook's error if it fails.
    Release { items: Range<usize> },
    /// Ask the shrink hook for parameters cheaper than `from`; store them as `to` and report
    /// `Ok`, or report `CannotShrink` when the hook has nothing smaller.
    Shrink {
        items: Range<usize>,
        from: ParamsId,
        to: ParamsId,
    },
    /// Reload the model, then report.
    Reload { items: Range<usize> },
    /// Every tier ran out of memory for `items`: each gets an out-of-memory error saying
    /// `message`. Needs no report.
    GiveUp {
        items: Range<usize>,
        message: String,
    },
    /// Every item has its result or error.
    Done,
}

/// How a step ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Oom,
    Failed,
    /// Only after `Step::Shrink`: the parameters cannot get any smaller.
    CannotShrink,
}

/// One line of the record of a call, for logs and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// A run on the GPU, or on the CPU.
    Run,
    Cpu,
    /// How the last run (or hook) ended.
    Ok,
    Oom,
    Failed,
    /// A tier acting on the items.
    Release,
    Split,
    Shrink,
    Reload,
    GiveUp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub kind: EventKind,
    pub items: Range<usize>,
}

impl EventKind {
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Run => "run",
            EventKind::Cpu => "cpu",
            EventKind::Ok => "ok",
            EventKind::Oom => "oom",
            EventKind::Failed => "failed",
            EventKind::Release => "release",
            EventKind::Split => "split",
            EventKind::Shrink => "shrink",
            EventKind::Reload => "reload",
            EventKind::GiveUp => "give_up",
        }
    }
}

#[derive(Clone, Debug)]
struct Task {
    items: Range<usize>,
    params: ParamsId,
    device: Device,
    /// Index into the tiers of the one to try if this task runs out of memory.
    next_tier: usize,
    /// Made by a split: may be split again without a run when its cost is known to fail.
    from_split: bool,
    /// Shrinks applied so far (capped by `MAX_SHRINKS`).
    shrinks: usize,
}

/// A step handed out (or about to be), with the task it belongs to.
#[derive(Debug)]
enum Action {
    Run(Task),
    /// Release or Reload.
    Hook(Tier, Task),
    Shrink(Task, ParamsId),
    GiveUp(Task),
}

/// The ladder for one generate call. See the module docs for the protocol.
#[derive(Debug)]
pub struct OomLadder {
    tiers: Vec<Tier>,
    costs: Vec<f64>,
    limits: SafeCost,
    todo: Vec<Task>,
    /// The hook or give-up an out-of-memory report led to; goes before `todo`.
    queued: Option<Action>,
    /// The step handed out that still needs its outcome.
    awaiting: Option<Action>,
    /// Memoised shrink answers: the hook is asked once per distinct parameter set.
    shrunk: HashMap<ParamsId, Option<ParamsId>>,
    params_count: usize,
    reloaded: bool,
    /// Times each item was answered; exactly one each by the end.
    answers: Vec<u32>,
    used: Vec<Tier>,
    events: Vec<Event>,
    ooms: usize,
}

impl OomLadder {
    /// A ladder over items with these costs, starting from what earlier calls learned.
    pub fn new(tiers: Vec<Tier>, costs: Vec<f64>, limits: SafeCost) -> Result<Self> {
        for (i, &cost) in costs.iter().enumerate() {
            check_cost(&format!("cost of item {i}"), cost)?;
        }
        let n = costs.len();
        let root = (n > 0).then_some(Task {
            items: 0..n,
            params: 0,
            device: Device::Gpu,
            next_tier: 0,
            from_split: false,
            shrinks: 0,
        });
        Ok(OomLadder {
            tiers,
            costs,
            limits,
            todo: root.into_iter().collect(),
            queued: None,
            awaiting: None,
            shrunk: HashMap::new(),
            params_count: 1,
            reloaded: false,
            answers: vec![0; n],
            used: Vec::new(),
            events: Vec::new(),
            ooms: 0,
        })
    }

    /// Items in the call.
    pub fn item_count(&self) -> usize {
        self.answers.len()
    }

    /// The limits as updated by this call's runs.
    pub fn limits(&self) -> SafeCost {
        self.limits
    }

    /// The tiers that acted, in the order each first did.
    pub fn tiers_used(&self) -> &[Tier] {
        &self.used
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Out-of-memory outcomes reported so far.
    pub fn ooms(&self) -> usize {
        self.ooms
    }

    /// The next thing to do. Errors if the previous step still needs its outcome.
    pub fn next_step(&mut self) -> Result<Step> {
        if self.awaiting.is_some() {
            return Err(Error::invalid_argument(
                "report the outcome of the previous step before asking for the next one",
            ));
        }
        let Some(action) = self.queued.take().or_else(|| self.next_run()) else {
            return self.finish();
        };
        let step = self.step_for(&action);
        match action {
            Action::GiveUp(task) => self.resolve(&task, EventKind::GiveUp),
            waiting => self.awaiting = Some(waiting),
        }
        Ok(step)
    }

    /// How the step from `next_step` ended.
    pub fn report(&mut self, outcome: Outcome) -> Result<()> {
        let Some(action) = self.awaiting.take() else {
            return Err(Error::invalid_argument(
                "no step is waiting for an outcome; call next_step first",
            ));
        };
        if outcome == Outcome::CannotShrink && !matches!(action, Action::Shrink(..)) {
            self.awaiting = Some(action);
            return Err(Error::invalid_argument(
                "\"cannot_shrink\" only answers a shrink step",
            ));
        }
        if outcome == Outcome::Oom {
            self.ooms += 1;
        }
        match action {
            Action::Run(task) => self.ran(task, outcome),
            Action::Hook(_, task) => self.hooked(task, outcome),
            Action::Shrink(task, to) => self.shrank(task, to, outcome),
            Action::GiveUp(_) => unreachable!("give-up steps never wait for an outcome"),
        }
        Ok(())
    }

    /// The next task from the stack, first splitting any split-made sub-batch whose cost
    /// already failed (running it would only waste the time to the next OOM).
    fn next_run(&mut self) -> Option<Action> {
        loop {
            let task = self.todo.pop()?;
            let doomed = task.from_split
                && task.device == Device::Gpu
                && task.params == 0
                && task.items.len() > 1
                && self.limits.known_to_fail(self.cost(&task.items));
            if !doomed {
                return Some(Action::Run(task));
            }
            log::debug!(
                "items {:?}: cost known to run out of memory; splitting without a run",
                task.items
            );
            self.split(task);
        }
    }

    fn step_for(&self, action: &Action) -> Step {
        match action {
            Action::Run(t) => Step::Run {
                items: t.items.clone(),
                params: t.params,
                device: t.device,
            },
            Action::Hook(Tier::Reload, t) => Step::Reload {
                items: t.items.clone(),
            },
            Action::Hook(_, t) => Step::Release {
                items: t.items.clone(),
            },
            Action::Shrink(t, to) => Step::Shrink {
                items: t.items.clone(),
                from: t.params,
                to: *to,
            },
            Action::GiveUp(t) => Step::GiveUp {
                items: t.items.clone(),
                message: self.give_up_message(t),
            },
        }
    }

    fn finish(&self) -> Result<Step> {
        match self.answers.iter().position(|&n| n != 1) {
            None => Ok(Step::Done),
            Some(i) => Err(Error::Internal(format!(
                "the recovery ladder finished with item {i} answered {} times instead of once",
                self.answers[i]
            ))),
        }
    }

    fn ran(&mut self, task: Task, outcome: Outcome) {
        let kind = if task.device == Device::Cpu {
            EventKind::Cpu
        } else {
            EventKind::Run
        };
        self.event(kind, &task.items);
        // Costs are learned at the call's own parameters on the GPU: that is what the
        // batcher's budget means.
        let learn = task.device == Device::Gpu && task.params == 0;
        let cost = self.cost(&task.items);
        match outcome {
            Outcome::Ok => {
                if learn {
                    self.limits.record_ok(cost);
                }
                self.resolve(&task, EventKind::Ok);
            }
            Outcome::Oom => {
                if learn {
                    self.limits.record_oom(cost);
                }
                self.event(EventKind::Oom, &task.items);
                self.escalate(task);
            }
            Outcome::Failed | Outcome::CannotShrink => self.resolve(&task, EventKind::Failed),
        }
    }

    /// After a release or reload hook: rerun the task, or go on up the ladder.
    fn hooked(&mut self, task: Task, outcome: Outcome) {
        match outcome {
            Outcome::Ok => self.todo.push(task),
            Outcome::Oom => {
                self.event(EventKind::Oom, &task.items);
                self.escalate(task);
            }
            Outcome::Failed | Outcome::CannotShrink => self.resolve(&task, EventKind::Failed),
        }
    }

    fn shrank(&mut self, mut task: Task, to: ParamsId, outcome: Outcome) {
        match outcome {
            Outcome::Ok => {
                self.shrunk.insert(task.params, Some(to));
                self.apply_shrink(task, to);
            }
            Outcome::CannotShrink | Outcome::Oom => {
                if outcome == Outcome::CannotShrink {
                    self.shrunk.insert(task.params, None);
                }
                task.next_tier += 1;
                self.escalate(task);
            }
            Outcome::Failed => self.resolve(&task, EventKind::Failed),
        }
    }

    /// Moves an out-of-memory task up the ladder to the first tier that can still act on it.
    fn escalate(&mut self, mut task: Task) {
        while let Some(&tier) = self.tiers.get(task.next_tier) {
            match tier {
                Tier::Release => {
                    task.next_tier += 1;
                    return self.queue_hook(Tier::Release, task);
                }
                Tier::Split if task.items.len() > 1 => return self.split(task),
                Tier::Shrink if task.shrinks < MAX_SHRINKS => match self.shrunk.get(&task.params) {
                    None => {
                        self.queued = Some(Action::Shrink(task, self.params_count));
                        self.params_count += 1;
                        return;
                    }
                    Some(&Some(to)) => return self.apply_shrink(task, to),
                    Some(None) => {}
                },
                // One reload per call: a task that ran out of memory after it gains nothing
                // from another.
                Tier::Reload if !self.reloaded => {
                    self.reloaded = true;
                    task.next_tier += 1;
                    return self.queue_hook(Tier::Reload, task);
                }
                Tier::Cpu => {
                    // Shrinking traded quality for GPU memory; the CPU has host memory.
                    task.next_tier += 1;
                    task.device = Device::Cpu;
                    task.params = 0;
                    self.mark_used(Tier::Cpu);
                    log::debug!("items {:?}: falling back to the CPU", task.items);
                    return self.todo.push(task);
                }
                Tier::Split | Tier::Shrink | Tier::Reload => {}
            }
            task.next_tier += 1;
        }
        self.queued = Some(Action::GiveUp(task));
    }

    fn queue_hook(&mut self, tier: Tier, task: Task) {
        let kind = match tier {
            Tier::Reload => EventKind::Reload,
            _ => EventKind::Release,
        };
        self.event(kind, &task.items);
        self.mark_used(tier);
        log::debug!("items {:?}: {}", task.items, tier.name());
        self.queued = Some(Action::Hook(tier, task));
    }

    fn apply_shrink(&mut self, mut task: Task, to: ParamsId) {
        self.event(EventKind::Shrink, &task.items);
        self.mark_used(Tier::Shrink);
        log::debug!(
            "items {:?}: retrying with smaller parameters #{to}",
            task.items
        );
        task.params = to;
        task.shrinks += 1;
        self.todo.push(task);
    }

    /// Two halves of about equal cost, the left one on top of the stack; both stay on the
    /// split tier so they split again if they too run out of memory.
    fn split(&mut self, task: Task) {
        self.event(EventKind::Split, &task.items);
        self.mark_used(Tier::Split);
        let at = self.split_point(&task.items);
        log::debug!(
            "items {:?}: splitting into {:?} and {:?}",
            task.items,
            task.items.start..at,
            at..task.items.end
        );
        for items in [at..task.items.end, task.items.start..at] {
            self.todo.push(Task {
                items,
                from_split: true,
                ..task.clone()
            });
        }
    }

    /// The cut that makes the costlier half as cheap as possible; on a tie the left half
    /// takes the extra item (so equal costs split 3+2, 2+2, 2+1).
    fn split_point(&self, items: &Range<usize>) -> usize {
        let total = self.cost(items);
        let mut prefix = 0.0;
        let mut best = (f64::INFINITY, items.start + 1);
        for at in items.start + 1..items.end {
            prefix += self.costs[at - 1];
            let worst = prefix.max(total - prefix);
            if worst <= best.0 {
                best = (worst, at);
            }
        }
        best.1
    }

    fn give_up_message(&self, task: &Task) -> String {
        let n = task.items.len();
        let walked = if self.tiers.is_empty() {
            "no recovery tiers are configured".to_string()
        } else {
            let names: Vec<_> = self.tiers.iter().map(|t| t.name()).collect();
            format!("after every recovery tier ({})", names.join(", "))
        };
        let mut advice = vec![];
        if n > 1 && !self.tiers.contains(&Tier::Split) {
            advice.push("add the \"split\" tier or send smaller batches");
        }
        advice.push("lower max_new_tokens or the tile limit for this request");
        if !self.tiers.contains(&Tier::Shrink) {
            advice.push("pass shrink=... so the ladder can do that itself");
        }
        if task.device == Device::Cpu {
            advice.push("give the CPU fallback more host memory");
        } else if !self.tiers.contains(&Tier::Cpu) {
            advice.push("pass cpu_generate=... to fall back to the CPU");
        }
        advice.push("or free GPU memory held by other processes");
        format!(
            "{n} item{} (items {}..{}, cost {}) still ran out of memory {walked}; to fix: {}",
            if n == 1 { "" } else { "s" },
            task.items.start,
            task.items.end,
            self.cost(&task.items),
            advice.join(", ")
        )
    }

    fn cost(&self, items: &Range<usize>) -> f64 {
        self.costs[items.clone()].iter().sum()
    }

    fn mark_used(&mut self, tier: Tier) {
        if !self.used.contains(&tier) {
            self.used.push(tier);
        }
    }

    fn event(&mut self, kind: EventKind, items: &Range<usize>) {
        self.events.push(Event {
            kind,
            items: items.clone(),
        });
    }

    /// Counts an answer for each of the task's items (`finish` checks it is exactly one).
    fn resolve(&mut self, task: &Task, kind: EventKind) {
        self.event(kind, &task.items);
        for n in &mut self.answers[task.items.clone()] {
            *n += 1;
        }
    }
}

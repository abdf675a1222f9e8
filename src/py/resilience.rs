//! `OomLadder`, `Step` and `SafeCost` as seen from Python: thin faces over `resilience`.
//! The loop that runs the user's callables lives in `vlmserve/resilience.py`.

use std::ops::Range;

use pyo3::prelude::*;

use crate::error::Error;
use crate::resilience::{self, Device, Hooks, OomLadder, Outcome, SafeCost, Step, Tier};

/// What the largest and smallest batch costs that ran / ran out of memory say.
#[pyclass(name = "SafeCost", module = "vlmserve._core", frozen)]
pub struct PySafeCost(SafeCost);

#[pymethods]
impl PySafeCost {
    #[new]
    #[pyo3(signature = (largest_ok=None, smallest_failed=None))]
    fn new(largest_ok: Option<f64>, smallest_failed: Option<f64>) -> PyResult<Self> {
        Ok(PySafeCost(SafeCost::new(largest_ok, smallest_failed)?))
    }
    #[getter]
    fn largest_ok(&self) -> Option<f64> {
        self.0.largest_ok()
    }
    #[getter]
    fn smallest_failed(&self) -> Option<f64> {
        self.0.smallest_failed()
    }
    /// The cost to keep batches at or under; None until some batch ran out of memory.
    #[getter]
    fn max_safe_cost(&self) -> Option<f64> {
        self.0.max_safe_cost()
    }
    fn __eq__(&self, other: &Self) -> bool {
        self.0 == other.0
    }
    fn __repr__(&self) -> String {
        let show = |v: Option<f64>| v.map_or("None".to_string(), |v| format!("{v:?}"));
        format!(
            "SafeCost(largest_ok={}, smallest_failed={})",
            show(self.0.largest_ok()),
            show(self.0.smallest_failed())
        )
    }
}

/// One thing the ladder asks the caller to do (see `OomLadder.next_step`).
#[pyclass(name = "Step", module = "vlmserve._core", frozen, get_all)]
pub struct PyStep {
    /// "run", "release", "shrink", "reload", "give_up" or "done".
    kind: &'static str,
    /// The items concerned: `batch[start:stop]`.
    start: usize,
    stop: usize,
    /// run: the parameter set to use; shrink: the one to shrink.
    params: usize,
    /// shrink: the id to store the hook's answer under.
    new_params: usize,
    /// run: use the CPU hook instead of the model.
    on_cpu: bool,
    /// give_up: the out-of-memory error's message.
    message: String,
}

impl PyStep {
    fn new(kind: &'static str, items: Range<usize>) -> Self {
        PyStep {
            kind,
            start: items.start,
            stop: items.end,
            params: 0,
            new_params: 0,
            on_cpu: false,
            message: String::new(),
        }
    }
}

impl From<Step> for PyStep {
    fn from(step: Step) -> Self {
        match step {
            Step::Run {
                items,
                params,
                device,
            } => PyStep {
                params,
                on_cpu: device == Device::Cpu,
                ..PyStep::new("run", items)
            },
            Step::Release { items } => PyStep::new("release", items),
            Step::Shrink { items, from, to } => PyStep {
                params: from,
                new_params: to,
                ..PyStep::new("shrink", items)
            },
            Step::Reload { items } => PyStep::new("reload", items),
            Step::GiveUp { items, message } => PyStep {
                message,
                ..PyStep::new("give_up", items)
            },
            Step::Done => PyStep::new("done", 0..0),
        }
    }
}

#[pymethods]
impl PyStep {
    fn __repr__(&self) -> String {
        format!(
            "Step(kind={:?}, start={}, stop={}, params={}, new_params={}, on_cpu={})",
            self.kind, self.start, self.stop, self.params, self.new_params, self.on_cpu
        )
    }
}

/// The recovery ladder for one generate call: `next_step()`, do it, `report(outcome)`.
#[pyclass(name = "OomLadder", module = "vlmserve._core")]
pub struct PyOomLadder(OomLadder);

fn parse_outcome(outcome: &str) -> Result<Outcome, Error> {
    match outcome {
        "ok" => Ok(Outcome::Ok),
        "oom" => Ok(Outcome::Oom),
        "error" => Ok(Outcome::Failed),
        "cannot_shrink" => Ok(Outcome::CannotShrink),
        other => Err(Error::invalid_argument(format!(
            "outcome must be \"ok\", \"oom\", \"error\" or \"cannot_shrink\", got {other:?}"
        ))),
    }
}

#[pymethods]
impl PyOomLadder {
    #[new]
    fn new(tiers: Vec<String>, costs: Vec<f64>, limits: PyRef<'_, PySafeCost>) -> PyResult<Self> {
        let all = Hooks {
            shrink: true,
            reload: true,
            cpu: true,
        };
        let tiers = resilience::resolve_tiers(Some(&tiers), all)?;
        Ok(PyOomLadder(OomLadder::new(tiers, costs, limits.0)?))
    }

    fn next_step(&mut self) -> PyResult<PyStep> {
        Ok(self.0.next_step()?.into())
    }

    /// How the last step ended: "ok", "oom", "error" or (shrink only) "cannot_shrink".
    fn report(&mut self, outcome: &str) -> PyResult<()> {
        Ok(self.0.report(parse_outcome(outcome)?)?)
    }

    #[getter]
    fn limits(&self) -> PySafeCost {
        PySafeCost(self.0.limits())
    }

    /// Tier names that acted, in the order each first did.
    #[getter]
    fn tiers_used(&self) -> Vec<&'static str> {
        self.0.tiers_used().iter().map(|t| t.name()).collect()
    }

    /// The walk: `(event, start, stop)` tuples, e.g. `("split", 0, 8)`.
    #[getter]
    fn events(&self) -> Vec<(&'static str, usize, usize)> {
        let events = self.0.events().iter();
        events
            .map(|e| (e.kind.name(), e.items.start, e.items.end))
            .collect()
    }

    #[getter]
    fn ooms(&self) -> usize {
        self.0.ooms()
    }
}

/// The tiers a generator walks: `tiers` validated, or (None) every tier whose hook is given.
#[pyfunction]
#[pyo3(signature = (tiers, *, shrink, reload, cpu))]
pub fn resolve_tiers(
    tiers: Option<Vec<String>>,
    shrink: bool,
    reload: bool,
    cpu: bool,
) -> PyResult<Vec<&'static str>> {
    let hooks = Hooks {
        shrink,
        reload,
        cpu,
    };
    let resolved = resilience::resolve_tiers(tiers.as_deref(), hooks)?;
    Ok(resolved.into_iter().map(Tier::name).collect())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySafeCost>()?;
    m.add_class::<PyStep>()?;
    m.add_class::<PyOomLadder>()?;
    m.add_function(wrap_pyfunction!(resolve_tiers, m)?)
}

//! `vlmserve.client.InferenceClient`'s core: a thin face over `crate::fetch`. A run waits
//! with the GIL released, waking every 100 ms to report progress and let Ctrl-C through.

use std::path::PathBuf;
use std::time::Duration;

use pyo3::prelude::*;

use super::extract::PySchema;
use crate::error::Error;
use crate::fetch::{Client, ClientConfig, Protocol, Run, Sink, Summary};

/// How often a waiting run reports progress and checks for signals.
const TICK: Duration = Duration::from_millis(100);

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyInferenceClient>()
}

/// `(total, done, skipped, failed, seconds)`.
type SummaryTuple = (usize, usize, usize, usize, f64);

#[pyclass(name = "InferenceClient", module = "vlmserve._core", frozen)]
pub struct PyInferenceClient(Client);

#[pymethods]
impl PyInferenceClient {
    #[new]
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (url, model, protocol, concurrency, timeout_s, retries, backoff_s, token, schema))]
    fn new(
        url: String,
        model: String,
        protocol: &str,
        concurrency: usize,
        timeout_s: f64,
        retries: usize,
        backoff_s: f64,
        token: Option<String>,
        schema: &PySchema,
    ) -> PyResult<Self> {
        let config = ClientConfig {
            url,
            model,
            protocol: Protocol::parse(protocol)?,
            concurrency,
            timeout: seconds(timeout_s, "timeout_s")?,
            retries,
            backoff: seconds(backoff_s, "backoff_s")?,
            token,
        };
        let client = Error::catch_panic(|| Client::new(config, schema.0.clone()))?;
        Ok(PyInferenceClient(client))
    }

    fn ping(&self, py: Python<'_>) -> PyResult<bool> {
        Ok(py.detach(|| Error::catch_panic(|| self.0.ping()))?)
    }

    /// Sends `paths`, appending records to `out`; the summary.
    #[pyo3(signature = (paths, out, resume, progress=None))]
    fn run(
        &self,
        py: Python<'_>,
        paths: Vec<String>,
        out: PathBuf,
        resume: bool,
        progress: Option<Bound<'_, PyAny>>,
    ) -> PyResult<SummaryTuple> {
        let run = py.detach(|| Error::catch_panic(|| self.0.run_to(paths, &out, resume)))?;
        let (_, s) = wait(py, run, progress.as_ref())?;
        Ok((s.total, s.done, s.skipped, s.failed, s.seconds))
    }

    /// The records of `paths` in input order, as a JSON array.
    #[pyo3(signature = (paths, progress=None))]
    fn infer(
        &self,
        py: Python<'_>,
        paths: Vec<String>,
        progress: Option<Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let run = Error::catch_panic(|| Ok(self.0.infer(paths)))?;
        let (records, _) = wait(py, run, progress.as_ref())?;
        Ok(serde_json::Value::Array(records.into_records()).to_string())
    }
}

fn seconds(value: f64, name: &str) -> Result<Duration, Error> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        Error::invalid_argument(format!(
            "{name} is {value}; pass a finite number of seconds >= 0"
        ))
    })
}

/// Waits for `run` with the GIL released. A progress callback error or a signal
/// (KeyboardInterrupt) cancels the run and is raised.
fn wait<S: Sink>(
    py: Python<'_>,
    mut run: Run<S>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<(S, Summary)> {
    let mut shown = None;
    loop {
        if let Some(out) = py.detach(|| run.wait(TICK)) {
            report(&run, progress, &mut shown)?;
            return Ok(out?);
        }
        if let Err(err) = report(&run, progress, &mut shown).and_then(|()| py.check_signals()) {
            py.detach(|| run.cancel());
            return Err(err);
        }
    }
}

/// Calls `progress(finished, total)` when `finished` moved since the last call.
fn report<S: Sink>(
    run: &Run<S>,
    progress: Option<&Bound<'_, PyAny>>,
    shown: &mut Option<usize>,
) -> PyResult<()> {
    let Some(callback) = progress else {
        return Ok(());
    };
    let (finished, total) = run.progress();
    if *shown != Some(finished) {
        *shown = Some(finished);
        callback.call1((finished, total))?;
    }
    Ok(())
}

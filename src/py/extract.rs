//! `vlmserve.extract` as seen from Python: thin wrappers over `crate::extract`. Structured
//! results cross as JSON text (`vlmserve/extract.py` loads them), which keeps this layer
//! free of per-type conversions and gives Python plain dicts and lists.

use std::sync::Arc;

use pyo3::prelude::*;

use crate::error::{Error, Result};
use crate::extract::normalize;
use crate::extract::record::{self, RecordInput};
use crate::extract::schema::KIND_NAMES;
use crate::extract::{parse, prompt, score, Kind, Schema};

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySchema>()?;
    m.add("EXTRACT_GOOD_AT", record::GOOD_AT)?;
    m.add("EXTRACT_PARTIAL_AT", record::PARTIAL_AT)?;
    m.add_function(wrap_pyfunction!(extract_normalize, m)?)?;
    m.add_function(wrap_pyfunction!(extract_abn_valid, m)?)?;
    m.add_function(wrap_pyfunction!(extract_score, m)?)?;
    Ok(())
}

fn to_json(value: &serde_json::Value) -> String {
    value.to_string()
}

/// A field schema (the core's); `vlmserve.extract.Schema` is its Python face.
#[pyclass(name = "Schema", module = "vlmserve._core", frozen)]
pub struct PySchema(pub(crate) Arc<Schema>);

#[pymethods]
impl PySchema {
    #[staticmethod]
    fn default() -> Self {
        PySchema(Arc::new(Schema::default_schema()))
    }
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        Ok(PySchema(Arc::new(Schema::from_json(text)?)))
    }
    #[getter]
    fn name(&self) -> String {
        self.0.name.clone()
    }
    /// `[{"name", "kind", "description", "values"}]` as JSON, in schema order.
    fn fields_json(&self) -> String {
        let fields: Vec<serde_json::Value> = self
            .0
            .fields
            .iter()
            .map(|f| {
                serde_json::json!({"name": f.name, "kind": f.kind.name(),
                    "description": f.description, "values": f.values})
            })
            .collect();
        to_json(&serde_json::Value::Array(fields))
    }
    fn prompt(&self) -> String {
        prompt::build(&self.0)
    }
    /// `{FIELD: value or null}` as JSON.
    fn parse_json(&self, py: Python<'_>, text: &str) -> PyResult<String> {
        let schema = self.0.clone();
        let out = py.detach(|| {
            Error::catch_panic(|| {
                let values = parse::parse(&schema, text);
                Ok(to_json(&serde_json::Value::Object(record::fields_json(
                    &schema, &values,
                ))))
            })
        })?;
        Ok(out)
    }
    /// The output record as JSON.
    #[pyo3(signature = (document, model, raw_text, timing_ms, recovery, error=None))]
    fn record_json(
        &self,
        document: String,
        model: String,
        raw_text: String,
        timing_ms: Vec<(String, f64)>,
        recovery: Vec<String>,
        error: Option<(String, String)>,
    ) -> PyResult<String> {
        let input = RecordInput {
            document,
            model,
            raw_text,
            timing_ms,
            recovery,
            error,
        };
        let schema = &self.0;
        Ok(Error::catch_panic(|| {
            Ok(to_json(&record::build(schema, input)))
        })?)
    }
    fn __len__(&self) -> usize {
        self.0.fields.len()
    }
    fn __repr__(&self) -> String {
        format!(
            "Schema(name={:?}, fields={})",
            self.0.name,
            self.0.fields.len()
        )
    }
}

/// `value` normalised as `kind` (`"money"`, `"list[date]"`...), as JSON: a string, a list
/// of strings, or null.
#[pyfunction]
fn extract_normalize(kind: &str, value: &str) -> PyResult<String> {
    let kind = Kind::parse(kind.trim(), false).ok_or_else(|| {
        Error::invalid_argument(format!("unknown kind {kind:?}; use one of {KIND_NAMES}"))
    })?;
    Ok(to_json(&record::value_json(&normalize::value(
        &kind, None, value,
    ))))
}

/// True when `abn` is 11 digits with a valid ABN checksum.
#[pyfunction]
fn extract_abn_valid(abn: &str) -> bool {
    normalize::abn_checksum_ok(abn)
}

fn read_truth(schema: &Schema, path: &str) -> Result<Vec<score::Document>> {
    let file = std::fs::File::open(path)
        .map_err(|e| Error::invalid_argument(format!("cannot open ground truth {path:?}: {e}")))?;
    score::truth_from_csv(schema, file, path)
}

/// Scores JSONL prediction records (text, or read from `predictions_path`) against the
/// truth CSV at `truth_path`: `(report as JSON, text table)`.
#[pyfunction]
#[pyo3(signature = (schema, truth_path, predictions_jsonl=None, predictions_path=None))]
fn extract_score(
    py: Python<'_>,
    schema: &PySchema,
    truth_path: &str,
    predictions_jsonl: Option<String>,
    predictions_path: Option<String>,
) -> PyResult<(String, String)> {
    let schema = schema.0.clone();
    let out = py.detach(|| {
        Error::catch_panic(|| {
            let text = match (predictions_jsonl, predictions_path) {
                (Some(text), None) => text,
                (None, Some(path)) => std::fs::read_to_string(&path).map_err(|e| {
                    Error::invalid_argument(format!("cannot read predictions {path:?}: {e}"))
                })?,
                _ => {
                    return Err(Error::invalid_argument(
                        "pass predictions as JSONL text or a path, not both",
                    ))
                }
            };
            let predictions = score::predictions_from_jsonl(&schema, &text)?;
            let truth = read_truth(&schema, truth_path)?;
            let report = score::score(&schema, &predictions, &truth);
            Ok((to_json(&report.to_json()), report.table()))
        })
    })?;
    Ok(out)
}

//! Scoring predictions against a ground-truth CSV (FIELDS.md): one row per document, first
//! column `image_file`, then a column per field, `NOT_FOUND` or empty for absent.
//!
//! Both sides are normalised by kind, then compared: money within 0.005; text ignoring case
//! (plus a Levenshtein similarity in [0, 1], reported apart); lists by the F1 of their items
//! as multisets (items compared as their element kind), and a list counts as *correct* only
//! when F1 is 1; everything else by equal normal forms. Absent on both sides is correct.
//! Documents are matched on base name (`dir/a.png` is `a.png`); ones on one side only are
//! listed in the report, never silently dropped.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Read;

use serde_json::{json, Value as Json};

use super::normalize::{self, Value};
use super::schema::{Kind, Schema};
use crate::error::{Error, Result};

/// Two amounts closer than this are the same amount (half a cent, plus float slack).
const MONEY_TOLERANCE: f64 = 0.005 + 1e-9;

/// One document's normalised values, in schema order.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub name: String,
    pub values: Vec<Option<Value>>,
}

/// The file name of a path written with `/` or `\`.
fn base_name(path: &str) -> &str {
    path.trim().rsplit(['/', '\\']).next().unwrap_or("")
}

/// Documents from JSONL output records (`{"document": ..., "fields": {...}}` per line);
/// the values are normalised again (normalisers are idempotent), so hand-written
/// predictions score the same as parsed ones.
pub fn predictions_from_jsonl(schema: &Schema, text: &str) -> Result<Vec<Document>> {
    let mut out = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let bad = |why: String| {
            Error::invalid_argument(format!("prediction record on line {}: {why}", n + 1))
        };
        let record: Json =
            serde_json::from_str(line).map_err(|e| bad(format!("not JSON ({e})")))?;
        let name = record["document"]
            .as_str()
            .ok_or_else(|| bad("needs a \"document\" string (the image's file name)".into()))?;
        let fields = &record["fields"];
        if !(fields.is_object() || fields.is_null()) {
            return Err(bad("\"fields\" must be an object of FIELD: value".into()));
        }
        let values = schema
            .fields
            .iter()
            .map(|f| normalize::field_value(f, &json_raw(&fields[&f.name])?))
            .collect();
        out.push(Document {
            name: name.to_string(),
            values,
        });
    }
    Ok(out)
}

/// A record's value as text: arrays `|`-joined, null absent.
fn json_raw(value: &Json) -> Option<String> {
    match value {
        Json::Null => None,
        Json::String(s) => Some(s.clone()),
        Json::Array(items) => Some(
            items
                .iter()
                .filter_map(json_raw)
                .collect::<Vec<_>>()
                .join("|"),
        ),
        other => Some(other.to_string()),
    }
}

/// Ground-truth documents from CSV text; a missing column is an error naming it.
pub fn truth_from_csv(schema: &Schema, reader: impl Read, source: &str) -> Result<Vec<Document>> {
    let csv_error = |e: csv::Error| Error::invalid_argument(format!("ground truth {source}: {e}"));
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let headers: Vec<String> = rdr
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let wanted: Vec<&str> = std::iter::once("image_file")
        .chain(schema.fields.iter().map(|f| f.name.as_str()))
        .collect();
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|w| column(w).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(Error::invalid_argument(format!(
            "ground truth {source} lacks columns: {}; it needs image_file and one column per schema field",
            missing.join(", ")
        )));
    }
    let columns: Vec<usize> = wanted.iter().filter_map(|w| column(w)).collect();
    let mut out = Vec::new();
    for row in rdr.records() {
        let row = row.map_err(csv_error)?;
        let cell = |i: usize| row.get(columns[i]).unwrap_or("");
        let values = schema
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| normalize::field_value(f, cell(i + 1)))
            .collect();
        out.push(Document {
            name: cell(0).to_string(),
            values,
        });
    }
    Ok(out)
}

/// How one field of one document compares.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cell {
    correct: bool,
    /// List fields: item F1.
    f1: Option<f64>,
    /// Text fields (and lists of text): similarity of the normal forms.
    similarity: Option<f64>,
}

/// Equal as values of `kind`.
fn same(kind: &Kind, a: &str, b: &str) -> bool {
    match kind {
        Kind::Money => match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(x), Ok(y)) => (x - y).abs() <= MONEY_TOLERANCE,
            _ => a == b,
        },
        Kind::Text => a.to_lowercase() == b.to_lowercase(),
        _ => a == b,
    }
}

/// F1 of two item multisets; each truth item matches at most one predicted item.
fn list_f1(kind: &Kind, predicted: &[String], truth: &[String]) -> f64 {
    if predicted.is_empty() && truth.is_empty() {
        return 1.0;
    }
    let mut unused: Vec<&String> = truth.iter().collect();
    let hits = predicted
        .iter()
        .filter(|p| {
            unused
                .iter()
                .position(|t| same(kind, p, t))
                .map(|i| unused.swap_remove(i))
                .is_some()
        })
        .count() as f64;
    if hits == 0.0 {
        return 0.0;
    }
    let (precision, recall) = (hits / predicted.len() as f64, hits / truth.len() as f64);
    2.0 * precision * recall / (precision + recall)
}

fn as_text(v: &Value) -> String {
    match v {
        Value::One(s) => s.to_lowercase(),
        Value::Many(items) => items.join(" | ").to_lowercase(),
    }
}

fn compare(kind: &Kind, predicted: &Option<Value>, truth: &Option<Value>) -> Cell {
    let texty = matches!(kind, Kind::Text) || *kind == Kind::List(Box::new(Kind::Text));
    let similarity = |score: f64| texty.then_some(score);
    let f1 = |score: f64| matches!(kind, Kind::List(_)).then_some(score);
    match (predicted, truth) {
        (None, None) => Cell {
            correct: true,
            f1: f1(1.0),
            similarity: similarity(1.0),
        },
        (None, Some(_)) | (Some(_), None) => Cell {
            correct: false,
            f1: f1(0.0),
            similarity: similarity(0.0),
        },
        (Some(p), Some(t)) => {
            let sim = similarity(strsim::normalized_levenshtein(&as_text(p), &as_text(t)));
            match (kind, p, t) {
                (Kind::List(element), Value::Many(p), Value::Many(t)) => {
                    let score = list_f1(element, p, t);
                    Cell {
                        correct: score == 1.0,
                        f1: Some(score),
                        similarity: sim,
                    }
                }
                (_, Value::One(p), Value::One(t)) => Cell {
                    correct: same(kind, p, t),
                    f1: None,
                    similarity: sim,
                },
                _ => Cell {
                    correct: false,
                    f1: f1(0.0),
                    similarity: sim,
                },
            }
        }
    }
}

/// Per-field totals.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldStats {
    pub name: String,
    pub kind: String,
    pub correct: usize,
    pub total: usize,
    pub accuracy: f64,
    /// List fields: mean item F1 (accuracy is the share with F1 == 1).
    pub mean_f1: Option<f64>,
    /// Text fields: mean similarity.
    pub similarity: Option<f64>,
}

/// Per-document totals.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentStats {
    pub document: String,
    pub correct: usize,
    pub total: usize,
    pub accuracy: f64,
}

/// The scorer's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub per_field: Vec<FieldStats>,
    pub per_document: Vec<DocumentStats>,
    /// Correct cells / scored cells, over matched documents.
    pub accuracy: f64,
    pub correct: usize,
    pub total: usize,
    /// Documents in the truth with no prediction, and predictions with no truth row.
    pub not_in_predictions: Vec<String>,
    pub not_in_truth: Vec<String>,
    /// Base names seen more than once on a side; the first one is scored.
    pub duplicates: Vec<String>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Scores `predictions` against `truth` (documents in truth order).
pub fn score(schema: &Schema, predictions: &[Document], truth: &[Document]) -> Report {
    let mut duplicates = Vec::new();
    let mut by_name: HashMap<&str, &Document> = HashMap::new();
    for p in predictions {
        match by_name.entry(base_name(&p.name)) {
            Entry::Vacant(slot) => {
                slot.insert(p);
            }
            Entry::Occupied(_) => duplicates.push(p.name.clone()),
        }
    }
    let mut seen_truth = std::collections::HashSet::new();
    let mut cells: Vec<Vec<Cell>> = vec![Vec::new(); schema.fields.len()];
    let mut per_document = Vec::new();
    let mut not_in_predictions = Vec::new();
    for t in truth {
        if !seen_truth.insert(base_name(&t.name)) {
            duplicates.push(t.name.clone());
            continue;
        }
        let Some(p) = by_name.get(base_name(&t.name)) else {
            not_in_predictions.push(t.name.clone());
            continue;
        };
        let mut correct = 0;
        for (i, field) in schema.fields.iter().enumerate() {
            let cell = compare(&field.kind, &p.values[i], &t.values[i]);
            correct += usize::from(cell.correct);
            cells[i].push(cell);
        }
        let total = schema.fields.len();
        per_document.push(DocumentStats {
            document: t.name.clone(),
            correct,
            total,
            accuracy: ratio(correct, total),
        });
    }
    let mut seen_pred = std::collections::HashSet::new();
    let not_in_truth = predictions
        .iter()
        .filter(|p| {
            seen_pred.insert(base_name(&p.name)) && !seen_truth.contains(base_name(&p.name))
        })
        .map(|p| p.name.clone())
        .collect();
    let per_field: Vec<FieldStats> = schema
        .fields
        .iter()
        .zip(&cells)
        .map(|(field, cells)| {
            let correct = cells.iter().filter(|c| c.correct).count();
            let f1s: Vec<f64> = cells.iter().filter_map(|c| c.f1).collect();
            let sims: Vec<f64> = cells.iter().filter_map(|c| c.similarity).collect();
            FieldStats {
                name: field.name.clone(),
                kind: field.kind.name(),
                correct,
                total: cells.len(),
                accuracy: ratio(correct, cells.len()),
                mean_f1: mean(&f1s),
                similarity: mean(&sims),
            }
        })
        .collect();
    let correct = per_field.iter().map(|f| f.correct).sum();
    let total = per_field.iter().map(|f| f.total).sum();
    Report {
        per_field,
        per_document,
        accuracy: ratio(correct, total),
        correct,
        total,
        not_in_predictions,
        not_in_truth,
        duplicates,
    }
}

impl Report {
    /// Mean of the per-document accuracies (each document weighs the same).
    pub fn mean_document_accuracy(&self) -> f64 {
        mean(
            &self
                .per_document
                .iter()
                .map(|d| d.accuracy)
                .collect::<Vec<_>>(),
        )
        .unwrap_or(0.0)
    }

    /// The report as JSON (what `ScoreReport.to_dict()` returns).
    pub fn to_json(&self) -> Json {
        let per_field: serde_json::Map<String, Json> = self
            .per_field
            .iter()
            .map(|f| {
                let stats = json!({"kind": f.kind, "correct": f.correct, "total": f.total,
                    "accuracy": f.accuracy, "mean_f1": f.mean_f1, "similarity": f.similarity});
                (f.name.clone(), stats)
            })
            .collect();
        let per_document: serde_json::Map<String, Json> = self
            .per_document
            .iter()
            .map(|d| {
                (
                    d.document.clone(),
                    json!({"correct": d.correct, "total": d.total, "accuracy": d.accuracy}),
                )
            })
            .collect();
        let similarity: serde_json::Map<String, Json> = self
            .per_field
            .iter()
            .filter_map(|f| Some((f.name.clone(), json!(f.similarity?))))
            .collect();
        json!({
            "overall": {
                "accuracy": self.accuracy,
                "correct": self.correct,
                "total": self.total,
                "documents": self.per_document.len(),
                "mean_document_accuracy": self.mean_document_accuracy(),
            },
            "per_field": per_field,
            "per_document": per_document,
            "similarity": similarity,
            "missing": {
                "not_in_predictions": self.not_in_predictions,
                "not_in_truth": self.not_in_truth,
                "duplicates": self.duplicates,
            },
        })
    }

    /// A plain-text table: one row per field, then the overall line and any unmatched names.
    pub fn table(&self) -> String {
        let width = self
            .per_field
            .iter()
            .map(|f| f.name.len())
            .max()
            .unwrap_or(5)
            .max(5);
        let opt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.3}"));
        let mut out = format!(
            "{:<width$}  {:>8}  {:>7}  {:>7}  {:>10}\n",
            "field", "accuracy", "correct", "mean_f1", "similarity"
        );
        for f in &self.per_field {
            let _ = writeln!(
                out,
                "{:<width$}  {:>8.3}  {:>3}/{:<3}  {:>7}  {:>10}",
                f.name,
                f.accuracy,
                f.correct,
                f.total,
                opt(f.mean_f1),
                opt(f.similarity)
            );
        }
        let _ = writeln!(
            out,
            "overall: {:.3} ({}/{} fields) over {} documents; mean per document {:.3}",
            self.accuracy,
            self.correct,
            self.total,
            self.per_document.len(),
            self.mean_document_accuracy()
        );
        for (label, names) in [
            ("not in predictions", &self.not_in_predictions),
            ("not in truth", &self.not_in_truth),
            ("duplicates", &self.duplicates),
        ] {
            if !names.is_empty() {
                let _ = writeln!(out, "{label}: {}", names.join(", "));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r#"{"fields": [
        {"name": "NAME", "kind": "text"}, {"name": "TOTAL", "kind": "money"},
        {"name": "ITEMS", "kind": "list[text]"}, {"name": "DATE", "kind": "date"}]}"#;

    fn schema() -> Schema {
        Schema::from_json(SCHEMA).unwrap()
    }

    fn truth(csv: &str) -> Result<Vec<Document>> {
        truth_from_csv(&schema(), csv.as_bytes(), "test.csv")
    }

    #[test]
    fn missing_columns_are_named() {
        let err = truth("image_file,NAME,DATE\na.png,x,1/1/2025\n").unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)));
        assert!(
            err.to_string().contains("lacks columns: TOTAL, ITEMS"),
            "{err}"
        );
    }

    #[test]
    fn list_f1_arithmetic() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(list_f1(&Kind::Text, &s(&["a", "b"]), &s(&["a", "b"])), 1.0);
        assert_eq!(list_f1(&Kind::Text, &s(&["a"]), &s(&["a", "b"])), 2.0 / 3.0);
        assert_eq!(list_f1(&Kind::Text, &s(&["a", "a"]), &s(&["a", "b"])), 0.5);
        assert_eq!(list_f1(&Kind::Text, &s(&["x"]), &s(&["a"])), 0.0);
        assert_eq!(list_f1(&Kind::Money, &s(&["1.00"]), &s(&["1.00"])), 1.0);
    }

    #[test]
    fn scores_known_errors() {
        let t = truth(
            "image_file,NAME,TOTAL,ITEMS,DATE\n\
             a.png,Acme Pty Ltd,10.00,Widget|Gadget,05/03/2025\n\
             b.png,Bolt Co,NOT_FOUND,Nut,\n\
             c.png,Cog,1.00,,01/01/2025\n",
        )
        .unwrap();
        let p = predictions_from_jsonl(
            &schema(),
            r#"{"document": "/imgs/a.png", "fields": {"NAME": "ACME PTY  LTD", "TOTAL": "$10.004", "ITEMS": ["Widget"], "DATE": "2025-03-05"}}
{"document": "b.png", "fields": {"NAME": "Bolt Company", "TOTAL": null, "ITEMS": "Nut", "DATE": null}}
{"document": "z.png", "fields": {}}
{"document": "a.png", "fields": {}}"#,
        )
        .unwrap();
        let r = score(&schema(), &p, &t);
        // a: NAME ok (case), TOTAL ok (10.00 both), ITEMS F1 2/3 wrong, DATE ok -> 3/4
        // b: NAME wrong, TOTAL ok (absent both), ITEMS ok, DATE ok -> 3/4
        assert_eq!(
            r.per_document.iter().map(|d| d.correct).collect::<Vec<_>>(),
            [3, 3]
        );
        assert_eq!((r.correct, r.total), (6, 8));
        assert_eq!(r.accuracy, 0.75);
        let items = &r.per_field[2];
        assert_eq!((items.correct, items.total), (1, 2));
        assert!((items.mean_f1.unwrap() - (2.0 / 3.0 + 1.0) / 2.0).abs() < 1e-12);
        let name = &r.per_field[0];
        assert_eq!(name.accuracy, 0.5);
        // "bolt co" vs "bolt company": 5 insertions over 12 characters.
        assert!((name.similarity.unwrap() - (1.0 + 7.0 / 12.0) / 2.0).abs() < 1e-12);
        assert_eq!(r.not_in_predictions, ["c.png"]);
        assert_eq!(r.not_in_truth, ["z.png"]);
        assert_eq!(r.duplicates, ["a.png"]);
        let table = r.table();
        assert!(
            table.contains("overall: 0.750 (6/8 fields) over 2 documents"),
            "{table}"
        );
        assert_eq!(r.to_json()["missing"]["not_in_truth"], json!(["z.png"]));
    }

    #[test]
    fn money_tolerance_and_bad_records() {
        let money = |a: &str, b: &str| {
            compare(
                &Kind::Money,
                &Some(Value::One(a.into())),
                &Some(Value::One(b.into())),
            )
            .correct
        };
        assert!(money("10.00", "10.00"));
        assert!(!money("10.00", "10.01"));
        assert!(money("-0.00", "0.00"));
        let err = predictions_from_jsonl(&schema(), "{\"fields\": {}}").unwrap_err();
        assert!(err.to_string().contains("line 1") && err.to_string().contains("\"document\""));
        assert!(predictions_from_jsonl(&schema(), "not json").is_err());
    }
}

//! The per-document output record (DESIGN.md "Output record") and its quality summary.

use serde_json::{json, Map, Value as Json};

use super::normalize::Value;
use super::parse::parse;
use super::schema::Schema;

/// Share of fields found at or above which a document is "good"; at or above
/// [`PARTIAL_AT`] "partial"; below, "poor". A receipt legitimately lacks bank fields, so
/// compare labels within one document type rather than across types.
pub const GOOD_AT: f64 = 0.8;
pub const PARTIAL_AT: f64 = 0.4;

/// How many of the schema's fields a document's answer carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Quality {
    pub fields_found: usize,
    pub fields_total: usize,
    pub label: &'static str,
}

impl Quality {
    pub fn of(values: &[Option<Value>]) -> Quality {
        let found = values.iter().filter(|v| v.is_some()).count();
        let share = if values.is_empty() {
            0.0
        } else {
            found as f64 / values.len() as f64
        };
        let label = match share {
            s if s >= GOOD_AT => "good",
            s if s >= PARTIAL_AT => "partial",
            _ => "poor",
        };
        Quality {
            fields_found: found,
            fields_total: values.len(),
            label,
        }
    }
}

/// A value as JSON: a string, or an array for a list field, or null.
pub fn value_json(value: &Option<Value>) -> Json {
    match value {
        None => Json::Null,
        Some(Value::One(s)) => Json::String(s.clone()),
        Some(Value::Many(items)) => json!(items),
    }
}

/// `{FIELD: value or null}` in schema order.
pub fn fields_json(schema: &Schema, values: &[Option<Value>]) -> Map<String, Json> {
    schema
        .fields
        .iter()
        .zip(values)
        .map(|(f, v)| (f.name.clone(), value_json(v)))
        .collect()
}

/// What goes into a record besides the model's text.
#[derive(Debug, Clone, Default)]
pub struct RecordInput {
    pub document: String,
    pub model: String,
    pub raw_text: String,
    /// Stage name -> milliseconds, in the caller's order.
    pub timing_ms: Vec<(String, f64)>,
    /// Recovery tiers used (`release`, `split`...), in order.
    pub recovery: Vec<String>,
    /// (exception type name, message) when the document failed.
    pub error: Option<(String, String)>,
}

/// The output record: raw text parsed against `schema`. A failed document still gets every
/// field (null, unless some text came back before the failure) and its error.
pub fn build(schema: &Schema, input: RecordInput) -> Json {
    let values = parse(schema, &input.raw_text);
    let quality = Quality::of(&values);
    let timing: Map<String, Json> = input
        .timing_ms
        .into_iter()
        .map(|(k, v)| (k, json!(v)))
        .collect();
    json!({
        "document": input.document,
        "model": input.model,
        "fields": fields_json(schema, &values),
        "raw_text": input.raw_text,
        "quality": {
            "fields_found": quality.fields_found,
            "fields_total": quality.fields_total,
            "label": quality.label,
        },
        "timing_ms": timing,
        "recovery": input.recovery,
        "error": input.error.map(|(kind, message)| json!({"type": kind, "message": message})),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_labels_at_the_thresholds() {
        let v = |found: usize, total: usize| {
            (0..total)
                .map(|i| (i < found).then(|| Value::One("x".into())))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            Quality::of(&v(20, 25)),
            Quality {
                fields_found: 20,
                fields_total: 25,
                label: "good"
            }
        );
        assert_eq!(Quality::of(&v(19, 25)).label, "partial");
        assert_eq!(Quality::of(&v(10, 25)).label, "partial");
        assert_eq!(Quality::of(&v(9, 25)).label, "poor");
        assert_eq!(Quality::of(&[]).label, "poor");
    }

    #[test]
    fn record_has_the_design_shape() {
        let schema = Schema::default_schema();
        let rec = build(
            &schema,
            RecordInput {
                document: "a.png".into(),
                model: "internvl3".into(),
                raw_text: "TOTAL_AMOUNT: $5\nLINE_ITEM_QUANTITIES: 1|2".into(),
                timing_ms: vec![("generate".into(), 12.5)],
                recovery: vec!["split".into()],
                error: None,
            },
        );
        let keys: Vec<&String> = rec.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "document",
                "model",
                "fields",
                "raw_text",
                "quality",
                "timing_ms",
                "recovery",
                "error"
            ]
        );
        let fields = rec["fields"].as_object().unwrap();
        assert_eq!(fields.len(), 25);
        assert_eq!(fields.keys().next().unwrap(), "DOCUMENT_TYPE");
        assert_eq!(rec["fields"]["TOTAL_AMOUNT"], "5.00");
        assert_eq!(rec["fields"]["LINE_ITEM_QUANTITIES"], json!(["1", "2"]));
        assert_eq!(rec["fields"]["DUE_DATE"], Json::Null);
        assert_eq!(
            rec["quality"],
            json!({"fields_found": 2, "fields_total": 25, "label": "poor"})
        );
        assert_eq!(rec["timing_ms"], json!({"generate": 12.5}));
        assert_eq!(rec["recovery"], json!(["split"]));
        assert_eq!(rec["error"], Json::Null);
        let failed = build(
            &schema,
            RecordInput {
                error: Some(("OutOfMemoryError".into(), "no memory".into())),
                ..Default::default()
            },
        );
        assert_eq!(
            failed["error"],
            json!({"type": "OutOfMemoryError", "message": "no memory"})
        );
        assert_eq!(failed["quality"]["fields_found"], 0);
    }
}

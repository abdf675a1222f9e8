//! Raw model text to field values. Models rarely keep to the prompt's `FIELD: value` lines,
//! so this reads what they actually write: markdown (`**FIELD:**`, headings, tables, code
//! fences), bullets and numbering, JSON or JSON-ish (`{'FIELD': 'value'}`), the value on the
//! line after its key, and keys spelt `Invoice Number` or `invoice_number`.
//!
//! A key that appears more than once keeps its first value that is not absent, so a model
//! that repeats the list with NOT_FOUND (or restates a field) does not erase an answer; a
//! value that is the prompt's own description of the field (an echoed prompt) is skipped.

use std::collections::HashMap;

use super::normalize::{self, Value};
use super::prompt;
use super::schema::{canonical_key, Kind, Schema};

/// The schema's values read from `text`, in schema order (None: absent).
pub fn parse(schema: &Schema, text: &str) -> Vec<Option<Value>> {
    let keys: HashMap<String, usize> = schema
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| (canonical_key(&f.name), i))
        .collect();
    let mut candidates = json_candidates(&keys, text);
    if candidates.is_empty() {
        candidates = line_candidates(schema, &keys, text);
    }
    let mut values = vec![None; schema.fields.len()];
    for (index, raw) in candidates {
        // A model that echoes the prompt's field list first must not answer with it.
        if values[index].is_none() && raw != prompt::describe(&schema.fields[index]) {
            values[index] = normalize::field_value(&schema.fields[index], &raw);
        }
    }
    values
}

/// (field index, raw value) pairs from a JSON object in the text (the outermost braces), or
/// from one with single quotes; none when there is no such object.
fn json_candidates(keys: &HashMap<String, usize>, text: &str) -> Vec<(usize, String)> {
    let (Some(start), Some(end)) = (text.find('{'), text.rfind('}')) else {
        return Vec::new();
    };
    if end < start {
        return Vec::new();
    }
    let body = &text[start..=end];
    let object = serde_json::from_str::<serde_json::Value>(body)
        .or_else(|_| serde_json::from_str(&body.replace('\'', "\"")));
    match object {
        Ok(serde_json::Value::Object(map)) => object_candidates(keys, &map),
        _ => Vec::new(),
    }
}

/// The object's keys that name fields; when none does, the first nested object that has
/// some (`{"fields": {...}}`).
fn object_candidates(
    keys: &HashMap<String, usize>,
    map: &serde_json::Map<String, serde_json::Value>,
) -> Vec<(usize, String)> {
    let found: Vec<(usize, String)> = map
        .iter()
        .filter_map(|(k, v)| Some((*keys.get(&canonical_key(k))?, json_text(v)?)))
        .collect();
    if !found.is_empty() {
        return found;
    }
    map.values()
        .filter_map(|v| v.as_object())
        .map(|inner| object_candidates(keys, inner))
        .find(|c| !c.is_empty())
        .unwrap_or_default()
}

/// A JSON value as model text: arrays become `|`-separated, null is absent.
fn json_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(items) => Some(
            items
                .iter()
                .filter_map(json_text)
                .collect::<Vec<_>>()
                .join("|"),
        ),
        other => Some(other.to_string()),
    }
}

/// Candidates from `KEY: value` lines. A key with nothing after it takes the next non-empty
/// line (a list field: every line up to a blank line or the next key, as items).
fn line_candidates(
    schema: &Schema,
    keys: &HashMap<String, usize>,
    text: &str,
) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut pending: Option<(usize, Vec<String>)> = None;
    let flush = |pending: &mut Option<(usize, Vec<String>)>, out: &mut Vec<(usize, String)>| {
        if let Some((index, lines)) = pending.take() {
            let sep = if matches!(schema.fields[index].kind, Kind::List(_)) {
                "|"
            } else {
                " "
            };
            out.push((index, lines.join(sep)));
        }
    };
    for line in text.lines() {
        let line = strip_decoration(line);
        if line.starts_with("```") {
            continue;
        }
        if let Some((index, value)) = key_value(keys, line) {
            flush(&mut pending, &mut out);
            if value.is_empty() {
                pending = Some((index, Vec::new()));
            } else {
                out.push((index, value));
            }
            continue;
        }
        let Some((index, lines)) = pending.as_mut() else {
            continue;
        };
        let value = clean_value(line);
        if !value.is_empty() {
            lines.push(value);
        }
        let is_list = matches!(schema.fields[*index].kind, Kind::List(_));
        if (!is_list && !lines.is_empty()) || (line.is_empty() && !lines.is_empty()) {
            flush(&mut pending, &mut out);
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// The line without indentation, heading marks, quote marks, bullets or numbering.
fn strip_decoration(line: &str) -> &str {
    let mut s = line.trim();
    loop {
        let before = s;
        s = s.trim_start_matches(['#', '>']).trim_start();
        for bullet in ["- ", "* ", "+ ", "• ", "· "] {
            s = s.strip_prefix(bullet).unwrap_or(s).trim_start();
        }
        let digits = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if (1..=3).contains(&digits) {
            if let Some(rest) = s[digits..]
                .strip_prefix(". ")
                .or(s[digits..].strip_prefix(") "))
            {
                s = rest.trim_start();
            }
        }
        if s == before {
            return s;
        }
    }
}

/// `KEY: value`, `KEY = value` or a table row `| KEY | value |` whose key names a field.
fn key_value(keys: &HashMap<String, usize>, line: &str) -> Option<(usize, String)> {
    if let Some(row) = line.strip_prefix('|') {
        let cells: Vec<&str> = row
            .trim_end_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        let (key, rest) = cells.split_first()?;
        let index = *keys.get(&canonical_key(key))?;
        return Some((index, clean_value(&rest.join(" | "))));
    }
    [':', '=']
        .iter()
        .filter_map(|sep| line.split_once(*sep))
        .find_map(|(key, value)| Some((*keys.get(&canonical_key(key))?, clean_value(value))))
}

/// The value without markdown emphasis, code ticks, quotes or a JSON-ish trailing comma.
fn clean_value(value: &str) -> String {
    let v = value.trim().trim_end_matches(',').trim();
    let v = v.trim_matches(|c| matches!(c, '*' | '`' | '_')).trim();
    let unquoted = [('"', '"'), ('\'', '\''), ('“', '”')]
        .iter()
        .find_map(|(open, close)| v.strip_prefix(*open)?.strip_suffix(*close))
        .unwrap_or(v);
    unquoted.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(text: &str) -> HashMap<String, Value> {
        let schema = Schema::default_schema();
        let values = parse(&schema, text);
        schema
            .fields
            .iter()
            .zip(values)
            .filter_map(|(f, v)| Some((f.name.clone(), v?)))
            .collect()
    }

    fn one(s: &str) -> Value {
        Value::One(s.into())
    }

    #[test]
    fn plain_lines() {
        let got = get("DOCUMENT_TYPE: Tax Invoice\nSUPPLIER_NAME:  Acme  Pty Ltd\nBUSINESS_ABN: 51 824 753 556\n\
             INVOICE_DATE: 05/03/2025\nTOTAL_AMOUNT: $1,234.5\nGST_AMOUNT: NOT_FOUND\nPAYER_EMAIL: N/A\n\
             LINE_ITEM_PRICES: $10 | 20.5\n");
        assert_eq!(got["DOCUMENT_TYPE"], one("INVOICE"));
        assert_eq!(got["SUPPLIER_NAME"], one("Acme Pty Ltd"));
        assert_eq!(got["BUSINESS_ABN"], one("51824753556"));
        assert_eq!(got["INVOICE_DATE"], one("2025-03-05"));
        assert_eq!(got["TOTAL_AMOUNT"], one("1234.50"));
        assert_eq!(
            got["LINE_ITEM_PRICES"],
            Value::Many(vec!["10.00".into(), "20.50".into()])
        );
        assert!(!got.contains_key("GST_AMOUNT") && !got.contains_key("PAYER_EMAIL"));
        assert_eq!(got.len(), 6);
    }

    #[test]
    fn markdown_bullets_and_key_variants() {
        let got = get("## Extracted fields\n\n- **DOCUMENT_TYPE:** RECEIPT\n* **Supplier Name**: Joe's Café\n\
             1. invoice_number: `INV-042`\n2) Total Amount = $15.00\n> **BANK BSB NUMBER:** 062-000\n\
             | PAYER_NAME | Jane Citizen |\n|---|---|\n");
        assert_eq!(got["DOCUMENT_TYPE"], one("RECEIPT"));
        assert_eq!(got["SUPPLIER_NAME"], one("Joe's Café"));
        assert_eq!(got["INVOICE_NUMBER"], one("INV-042"));
        assert_eq!(got["TOTAL_AMOUNT"], one("15.00"));
        assert_eq!(got["BANK_BSB_NUMBER"], one("062000"));
        assert_eq!(got["PAYER_NAME"], one("Jane Citizen"));
    }

    #[test]
    fn json_and_json_ish() {
        let strict = get(
            "```json\n{\"DOCUMENT_TYPE\": \"invoice\", \"TOTAL_AMOUNT\": 99.5, \
             \"LINE_ITEM_QUANTITIES\": [1, 2], \"DUE_DATE\": null, \"GST_AMOUNT\": \"N/A\"}\n```",
        );
        assert_eq!(strict["DOCUMENT_TYPE"], one("INVOICE"));
        assert_eq!(strict["TOTAL_AMOUNT"], one("99.50"));
        assert_eq!(
            strict["LINE_ITEM_QUANTITIES"],
            Value::Many(vec!["1".into(), "2".into()])
        );
        assert_eq!(strict.len(), 3);
        let nested = get("{\"fields\": {\"invoice_number\": \"A1\"}}");
        assert_eq!(nested["INVOICE_NUMBER"], one("A1"));
        let single = get("{'SUPPLIER_NAME': 'Acme', 'TOTAL_AMOUNT': '$5'}");
        assert_eq!(single["SUPPLIER_NAME"], one("Acme"));
        assert_eq!(single["TOTAL_AMOUNT"], one("5.00"));
        // Not JSON after the quote swap (an apostrophe); the line reader still gets it.
        let ish = get("{\n  'SUPPLIER_NAME': 'Joe's Diner',\n  'PAYER_NAME': None,\n  'TOTAL_AMOUNT': '7',\n}");
        assert_eq!(ish["SUPPLIER_NAME"], one("Joe's Diner"));
        assert_eq!(ish["TOTAL_AMOUNT"], one("7.00"));
        assert!(!ish.contains_key("PAYER_NAME"));
    }

    #[test]
    fn value_on_next_line() {
        let got = get(
            "SUPPLIER_NAME:\nAcme Pty Ltd\nBUSINESS_ADDRESS:\n\n1 Main St Sydney\nignored prose\n\
             LINE_ITEM_DESCRIPTIONS:\n- Widget\n- Gadget\n\nTOTAL_AMOUNT: 3\n",
        );
        assert_eq!(got["SUPPLIER_NAME"], one("Acme Pty Ltd"));
        assert_eq!(got["BUSINESS_ADDRESS"], one("1 Main St Sydney"));
        assert_eq!(
            got["LINE_ITEM_DESCRIPTIONS"],
            Value::Many(vec!["Widget".into(), "Gadget".into()])
        );
        assert_eq!(got["TOTAL_AMOUNT"], one("3.00"));
    }

    #[test]
    fn repeated_keys_first_present_value_wins() {
        let got = get("TOTAL_AMOUNT: NOT_FOUND\nTOTAL_AMOUNT: 10\nTOTAL_AMOUNT: 20\nDUE_DATE: soon\nDUE_DATE: 1/2/2025");
        assert_eq!(got["TOTAL_AMOUNT"], one("10.00"));
        assert_eq!(
            got["DUE_DATE"],
            one("2025-02-01"),
            "an unreadable date counts as absent"
        );
    }

    #[test]
    fn an_echoed_prompt_is_not_an_answer() {
        let schema = Schema::default_schema();
        let text = format!(
            "{}TOTAL_AMOUNT: $9\nBUSINESS_ABN: 51824753556",
            prompt::build(&schema)
        );
        let values = parse(&schema, &text);
        assert_eq!(values.iter().filter(|v| v.is_some()).count(), 2);
        assert_eq!(
            values[0], None,
            "DOCUMENT_TYPE's description names all three values"
        );
    }

    #[test]
    fn prose_and_empty_text_give_nothing() {
        assert!(get("").is_empty());
        assert!(get("I'm sorry, I cannot read this image.\nNote: blurry").is_empty());
    }
}

//! The field schema: data (JSON), never code. The default one ships inside the Python
//! package and is embedded here so the crate works on its own.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::{Error, Result};

/// The default 25-field schema (FIELDS.md), the same file the wheel ships.
const DEFAULT_JSON: &str = include_str!("../../python/vlmserve/schemas/default.json");

/// What a field holds; picks its normaliser and how the scorer compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Printed identifier, kept as written (trimmed); `digits` keeps the digits only.
    Id {
        digits: bool,
    },
    Enum,
    Abn,
    Phone,
    Email,
    Url,
    Date,
    DateRange,
    Money,
    Number,
    Bsb,
    /// `|`-separated values of one element kind (never a list of lists).
    List(Box<Kind>),
}

impl Kind {
    /// Parses `text`, `money`, `list[money]`...; `digits` applies to `id` (and list elements).
    pub fn parse(name: &str, digits: bool) -> Option<Kind> {
        if let Some(inner) = name.strip_prefix("list[").and_then(|s| s.strip_suffix(']')) {
            return match Kind::parse(inner, digits)? {
                Kind::List(_) => None,
                element => Some(Kind::List(Box::new(element))),
            };
        }
        Some(match name {
            "text" => Kind::Text,
            "id" => Kind::Id { digits },
            "enum" => Kind::Enum,
            "abn" => Kind::Abn,
            "phone" => Kind::Phone,
            "email" => Kind::Email,
            "url" => Kind::Url,
            "date" => Kind::Date,
            "date_range" => Kind::DateRange,
            "money" => Kind::Money,
            "number" => Kind::Number,
            "bsb" => Kind::Bsb,
            _ => return None,
        })
    }

    /// The name as written in a schema file.
    pub fn name(&self) -> String {
        match self {
            Kind::Text => "text".into(),
            Kind::Id { .. } => "id".into(),
            Kind::Enum => "enum".into(),
            Kind::Abn => "abn".into(),
            Kind::Phone => "phone".into(),
            Kind::Email => "email".into(),
            Kind::Url => "url".into(),
            Kind::Date => "date".into(),
            Kind::DateRange => "date_range".into(),
            Kind::Money => "money".into(),
            Kind::Number => "number".into(),
            Kind::Bsb => "bsb".into(),
            Kind::List(element) => format!("list[{}]", element.name()),
        }
    }
}

/// Accepted kind names, for error messages.
pub const KIND_NAMES: &str =
    "text, id, enum, abn, phone, email, url, date, date_range, money, number, bsb, list[<kind>]";

/// One field of a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub kind: Kind,
    pub description: String,
    /// Enum: the allowed values (upper case).
    pub values: Vec<String>,
    /// Enum: other spellings (upper snake case) mapped to an allowed value.
    pub synonyms: BTreeMap<String, String>,
}

/// An ordered set of fields; the order is the prompt's and the output's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    pub name: String,
    pub fields: Vec<Field>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchema {
    #[serde(default)]
    name: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
    fields: Vec<RawField>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    name: String,
    kind: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    values: Vec<String>,
    #[serde(default)]
    synonyms: BTreeMap<String, String>,
    #[serde(default)]
    digits: bool,
}

impl Schema {
    /// The default 25-field schema.
    pub fn default_schema() -> Schema {
        Schema::from_json(DEFAULT_JSON).expect("the embedded default schema is valid")
    }

    /// Reads a schema from its JSON text, checking what the parser and scorer rely on.
    pub fn from_json(text: &str) -> Result<Schema> {
        let raw: RawSchema = serde_json::from_str(text)
            .map_err(|e| Error::invalid_argument(format!("schema JSON is not valid: {e}")))?;
        if raw.fields.is_empty() {
            return Err(Error::invalid_argument(
                "schema has no fields; list at least one",
            ));
        }
        let fields = raw
            .fields
            .into_iter()
            .map(Field::from_raw)
            .collect::<Result<Vec<_>>>()?;
        let mut seen = std::collections::BTreeSet::new();
        for field in &fields {
            if !seen.insert(canonical_key(&field.name)) {
                return Err(Error::invalid_argument(format!(
                    "schema names field {:?} twice (names are compared ignoring case, spaces and _)",
                    field.name
                )));
            }
        }
        Ok(Schema {
            name: raw.name,
            fields,
        })
    }

    /// The field called `name` (exact).
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

impl Field {
    fn from_raw(raw: RawField) -> Result<Field> {
        let bad =
            |why: String| Error::invalid_argument(format!("schema field {:?}: {why}", raw.name));
        if raw.name.trim().is_empty() {
            return Err(Error::invalid_argument(
                "schema has a field with an empty name",
            ));
        }
        let kind = Kind::parse(raw.kind.trim(), raw.digits).ok_or_else(|| {
            bad(format!(
                "unknown kind {:?}; use one of {KIND_NAMES}",
                raw.kind
            ))
        })?;
        let values: Vec<String> = raw.values.iter().map(|v| v.trim().to_uppercase()).collect();
        if kind == Kind::Enum && values.is_empty() {
            return Err(bad("an enum needs \"values\" (the allowed values)".into()));
        }
        let mut synonyms = BTreeMap::new();
        for (from, to) in raw.synonyms {
            let to = to.trim().to_uppercase();
            if !values.contains(&to) {
                return Err(bad(format!(
                    "synonym {from:?} maps to {to:?}, not one of {values:?}"
                )));
            }
            synonyms.insert(super::normalize::snake_upper(&from), to);
        }
        Ok(Field {
            name: raw.name.trim().to_string(),
            kind,
            description: raw.description,
            values,
            synonyms,
        })
    }
}

/// A field name compared ignoring case, spaces and punctuation: `Invoice Number`,
/// `invoice_number` and `INVOICE-NUMBER` are one key.
pub fn canonical_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schema_has_25_fields_in_order() {
        let s = Schema::default_schema();
        assert_eq!(s.fields.len(), 25);
        assert_eq!(s.fields[0].name, "DOCUMENT_TYPE");
        assert_eq!(s.fields[0].values, ["INVOICE", "RECEIPT", "BANK_STATEMENT"]);
        assert_eq!(s.fields[24].name, "CLOSING_BALANCE");
        assert_eq!(
            s.field("LINE_ITEM_PRICES").unwrap().kind,
            Kind::List(Box::new(Kind::Money))
        );
        assert_eq!(
            s.field("BANK_ACCOUNT_NUMBER").unwrap().kind,
            Kind::Id { digits: true }
        );
        assert_eq!(
            s.field("INVOICE_NUMBER").unwrap().kind,
            Kind::Id { digits: false }
        );
    }

    #[test]
    fn bad_schemas_say_what_to_fix() {
        let err = |t: &str| Schema::from_json(t).unwrap_err().to_string();
        assert!(err("{").contains("not valid"));
        assert!(err(r#"{"fields": []}"#).contains("no fields"));
        assert!(
            err(r#"{"fields": [{"name": "A", "kind": "blob"}]}"#).contains("unknown kind \"blob\"")
        );
        assert!(
            err(r#"{"fields": [{"name": "A", "kind": "list[list[text]]"}]}"#)
                .contains("unknown kind")
        );
        assert!(err(r#"{"fields": [{"name": "A", "kind": "enum"}]}"#).contains("needs \"values\""));
        assert!(err(
            r#"{"fields": [{"name": "A", "kind": "text"}, {"name": "a", "kind": "text"}]}"#
        )
        .contains("twice"));
        assert!(err(r#"{"fields": [{"name": "A", "kind": "enum", "values": ["X"], "synonyms": {"Y": "Z"}}]}"#)
            .contains("not one of"));
    }
}

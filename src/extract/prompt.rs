//! The extraction prompt for a schema: one `FIELD: value` line per field, in schema order,
//! so that `parse` has a format to expect (it tolerates much more).

use super::schema::{Field, Kind, Schema};
use super::NOT_FOUND;

/// The prompt asking a VLM for every field of `schema`.
pub fn build(schema: &Schema) -> String {
    let mut out = String::from(
        "Extract the following fields from this business document image.\n\
         Answer with exactly one line per field, in this order, formatted as FIELD: value.\n",
    );
    out.push_str(&format!(
        "Write {NOT_FOUND} when the document does not show a field. \
         Separate the items of a list field with | (one item per line item, same order in every list). \
         Do not add any other text, markdown or explanation.\n\nFields:\n"
    ));
    for field in &schema.fields {
        out.push_str(&format!("- {}: {}\n", field.name, describe(field)));
    }
    out.push_str("\nAnswer:\n");
    for field in &schema.fields {
        out.push_str(&format!("{}: \n", field.name));
    }
    out
}

/// The field's description plus the normal form its kind expects.
pub(super) fn describe(field: &Field) -> String {
    let form = match &field.kind {
        Kind::Enum => format!("one of {}", field.values.join(", ")),
        Kind::List(element) => format!("a |-separated list; each item {}", form_of(element)),
        kind => form_of(kind).to_string(),
    };
    match field.description.trim() {
        "" => form,
        d => format!("{d} ({form})"),
    }
}

fn form_of(kind: &Kind) -> &'static str {
    match kind {
        Kind::Text | Kind::Enum | Kind::List(_) => "as printed, on one line",
        Kind::Id { digits: false } => "as printed",
        Kind::Id { digits: true } => "digits only",
        Kind::Abn => "11 digits, no spaces",
        Kind::Phone => "digits only",
        Kind::Email => "lower case",
        Kind::Url => "lower case, without http:// or www.",
        Kind::Date => "YYYY-MM-DD",
        Kind::DateRange => "YYYY-MM-DD/YYYY-MM-DD",
        Kind::Money => "a number with 2 decimals, no currency symbol or commas, e.g. 1234.50",
        Kind::Number => "a number, e.g. 2 or 1.5",
        Kind::Bsb => "6 digits",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_lists_every_field_twice_in_order() {
        let schema = Schema::default_schema();
        let p = build(&schema);
        let mut last = 0;
        for field in &schema.fields {
            let at = p.find(&format!("\n{}: \n", field.name)).unwrap();
            assert!(at > last, "{} out of order", field.name);
            last = at;
            assert!(p.contains(&format!("- {}: ", field.name)));
        }
        assert!(p.contains("NOT_FOUND"));
        assert!(p.contains("one of INVOICE, RECEIPT, BANK_STATEMENT"));
        assert!(p.contains("YYYY-MM-DD/YYYY-MM-DD"));
    }
}

//! Field extraction: the schema (data), the prompt, parsing a VLM's raw text into fields,
//! normalising each value by its kind, the per-document output record, and scoring
//! predictions against a ground-truth CSV. Pure Rust; `src/py/extract.rs` is its face.

mod date;
pub mod normalize;
pub mod parse;
pub mod prompt;
pub mod record;
pub mod schema;
pub mod score;

pub use schema::{Field, Kind, Schema};

/// What the model writes, and the CSV holds, for a field the document does not carry.
pub const NOT_FOUND: &str = "NOT_FOUND";

//! The results file: one output record per line, appended as each document finishes, so a
//! run that stops half-way leaves every finished document on disk and a rerun can skip them.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use serde_json::Value as Json;

use crate::error::{Error, Result};

/// True when `record` is a success: it has no error (`"error"` null or absent).
pub fn succeeded(record: &Json) -> bool {
    record.get("error").is_none_or(Json::is_null)
}

/// The documents whose latest line in `path` is a success; empty when there is no file.
/// Lines that are not records (a line cut short by a kill) are skipped.
pub fn finished(path: &Path) -> Result<HashSet<String>> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashSet::new()),
        Err(e) => return Err(cannot_open(path, &e)),
    };
    let mut latest: HashMap<String, bool> = HashMap::new();
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|e| cannot_open(path, &e))?;
        let Ok(record) = serde_json::from_str::<Json>(&line) else {
            log::debug!("{}: skipping a line that is not JSON", path.display());
            continue;
        };
        if let Some(doc) = record.get("document").and_then(Json::as_str) {
            latest.insert(doc.to_string(), succeeded(&record));
        }
    }
    Ok(latest
        .into_iter()
        .filter(|(_, ok)| *ok)
        .map(|(d, _)| d)
        .collect())
}

fn cannot_open(path: &Path, err: &std::io::Error) -> Error {
    Error::invalid_argument(format!(
        "cannot use {} as the results file: {err}; pass a writable path whose directory exists",
        path.display()
    ))
}

/// Appends records to a JSONL file, one complete line per write.
pub struct JsonlWriter {
    file: File,
}

impl JsonlWriter {
    /// Opens `path` for appending (`keep`) or truncates it. A last line left without its
    /// newline by a killed run is closed first, so the next record starts a line of its own.
    pub fn open(path: &Path, keep: bool) -> Result<JsonlWriter> {
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(keep)
            .write(true)
            .truncate(!keep)
            .open(path)
            .map_err(|e| cannot_open(path, &e))?;
        if keep && ends_mid_line(&mut file).map_err(|e| cannot_open(path, &e))? {
            file.write_all(b"\n").map_err(|e| cannot_open(path, &e))?;
        }
        Ok(JsonlWriter { file })
    }

    /// Writes `record` and its newline in one `write` call (the file is unbuffered, so the
    /// line is in the OS's hands when this returns).
    pub fn write(&mut self, record: &Json) -> Result<()> {
        let mut line = serde_json::to_vec(record)
            .map_err(|e| Error::Internal(format!("record not serialisable: {e}")))?;
        line.push(b'\n');
        self.file.write_all(&line).map_err(|e| {
            Error::invalid_argument(format!(
                "writing the results file failed: {e}; free disk space or choose another path"
            ))
        })
    }
}

fn ends_mid_line(file: &mut File) -> std::io::Result<bool> {
    if file.metadata()?.len() == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn finished_keeps_documents_whose_latest_line_succeeded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        assert!(finished(&path).unwrap().is_empty());
        let lines = [
            json!({"document": "a", "error": null}).to_string(),
            json!({"document": "b", "error": {"type": "FetchError", "message": "x"}}).to_string(),
            json!({"document": "c", "error": {"type": "FetchError", "message": "x"}}).to_string(),
            json!({"document": "c", "fields": {}}).to_string(),
            json!({"document": "a", "error": {"type": "FetchError", "message": "x"}}).to_string(),
            json!({"document": "d", "error": null}).to_string(),
            "{\"document\": \"e\", \"err".to_string(),
        ];
        std::fs::write(&path, lines.join("\n")).unwrap();
        let mut got: Vec<String> = finished(&path).unwrap().into_iter().collect();
        got.sort();
        assert_eq!(got, ["c", "d"]);
    }

    #[test]
    fn writer_appends_whole_lines_after_a_cut_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, "{\"document\": \"a\"}\n{\"document\": \"b\", \"fie").unwrap();
        let mut w = JsonlWriter::open(&path, true).unwrap();
        w.write(&json!({"document": "c", "error": null})).unwrap();
        drop(w);
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[2], r#"{"document":"c","error":null}"#);
        assert!(text.ends_with('\n'));
        let mut fresh = JsonlWriter::open(&path, false).unwrap();
        fresh.write(&json!({"document": "z"})).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"document\":\"z\"}\n"
        );
    }

    #[test]
    fn unwritable_path_says_what_to_change() {
        let err = JsonlWriter::open(Path::new("/nonexistent-dir/x.jsonl"), true)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("directory exists"), "{err}");
    }
}

//! Client-level checks that need no server: argument validation, error records, and a run
//! against a port with nothing listening.

use std::net::TcpListener;
use std::time::Duration;

use serde_json::Value as Json;

use super::*;

fn config(url: &str) -> ClientConfig {
    ClientConfig::new(url, "inv", Protocol::TorchServe)
}

fn client(cfg: ClientConfig) -> Result<Client> {
    Client::new(cfg, Arc::new(Schema::default_schema()))
}

/// A loopback port that refuses connections (bound, then released).
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn bad_arguments_say_what_to_change() {
    let msg = |cfg: ClientConfig| client(cfg).err().unwrap().to_string();
    assert!(msg(config("ftp://h/")).contains("http:// or https://"));
    assert!(msg(config("not a url")).contains("base URL"));
    assert!(msg(config("http://h/?a=1")).contains("query"));
    let mut zero = config("http://h");
    zero.concurrency = 0;
    assert!(msg(zero).contains("1 to 1024"));
    let mut no_time = config("http://h");
    no_time.timeout = Duration::ZERO;
    assert!(msg(no_time).contains("timeout_s"));
    let mut no_model = config("http://h");
    no_model.model = " ".into();
    assert!(msg(no_model).contains("model"));
    let mut bad_token = config("http://h");
    bad_token.token = Some("a\nb".into());
    assert!(msg(bad_token).contains("token"));
}

#[test]
fn error_record_has_every_field_null_and_the_status() {
    let c = client(config("http://user:secret@127.0.0.1:9")).unwrap();
    let rec = c.error_record("a.png", &Error::fetch("HTTP 503"), Some(503));
    assert_eq!(rec["document"], "a.png");
    assert_eq!(rec["model"], "inv");
    let fields = rec["fields"].as_object().unwrap();
    assert_eq!(fields.len(), 25);
    assert!(fields.values().all(Json::is_null));
    assert_eq!(
        rec["error"],
        serde_json::json!({"type": "FetchError", "message": "HTTP 503", "status": 503})
    );
    assert!(!succeeded(&rec));
}

#[test]
fn server_down_gives_every_document_an_error_record() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("a.png");
    std::fs::write(&image, b"\x89PNG\r\n\x1a\nbytes").unwrap();
    let mut cfg = config(&format!("http://127.0.0.1:{}", closed_port()));
    cfg.retries = 2;
    cfg.backoff = Duration::from_millis(1);
    let c = client(cfg).unwrap();
    assert!(c
        .ping()
        .unwrap_err()
        .to_string()
        .contains("/ping is not answering"));
    let docs = vec![image.display().to_string(), "missing.png".to_string()];
    let (records, summary) = c.infer(docs).finish().unwrap();
    let records = records.into_records();
    assert_eq!((summary.total, summary.done, summary.failed), (2, 0, 2));
    let down = records[0]["error"]["message"].as_str().unwrap();
    assert!(down.contains("after 3 attempts"), "{down}");
    assert!(down.contains("/predictions/inv"), "{down}");
    assert_eq!(records[1]["error"]["type"], "InvalidImageError");
    assert!(records[1]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("missing.png"));
}

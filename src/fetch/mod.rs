//! The inference client: sends document images to a model server (TorchServe, KServe V1/V2,
//! an OpenAI-style chat endpoint) with bounded concurrency, retries with backoff, and a
//! resumable JSONL results file. Every input ends as exactly one output record: the
//! server's, or an error record saying what went wrong.
//!
//! Unlike image URLs fetched on a user's behalf (`image::source::fetch`, SSRF-guarded), this
//! client talks to the user's own server, so loopback and private addresses are allowed;
//! only the scheme is checked.
//!
//! ```no_run
//! use std::sync::Arc;
//! use vlmserve::extract::Schema;
//! use vlmserve::fetch::{Client, ClientConfig, Protocol};
//!
//! let config = ClientConfig::new("http://127.0.0.1:8080", "internvl3", Protocol::TorchServe);
//! let client = Client::new(config, Arc::new(Schema::default_schema())).unwrap();
//! let (_, summary) = client
//!     .run_to(vec!["a.png".into()], "out.jsonl".as_ref(), true)
//!     .unwrap()
//!     .finish()
//!     .unwrap();
//! assert_eq!(summary.total, 1);
//! ```

mod jsonl;
mod protocol;
mod retry;
mod run;
mod send;

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value as Json;
use tokio::runtime::Runtime;
use url::Url;

pub use jsonl::{finished, succeeded, JsonlWriter};
pub use protocol::{Answer, Protocol, PROTOCOL_NAMES};
pub use retry::{backoff, parse_retry_after, Failure};
pub use run::{Collected, Run, Sink, Summary};

use crate::error::{Error, Result};
use crate::extract::Schema;

/// Most requests one client keeps in flight.
pub const MAX_CONCURRENCY: usize = 1024;

/// How to reach the server and how hard to try.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The server's base URL (`http://host:8080`; a path prefix is kept).
    pub url: String,
    pub model: String,
    pub protocol: Protocol,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Per-request limit, connect to last body byte.
    pub timeout: Duration,
    /// Tries after the first, for connection errors, timeouts, 429 and 5xx.
    pub retries: usize,
    /// The first backoff; it doubles per retry (plus jitter).
    pub backoff: Duration,
    /// Sent as `Authorization: Bearer <token>` (TorchServe's inference key, or a token).
    pub token: Option<String>,
}

impl ClientConfig {
    /// The defaults of `vlmserve.client.InferenceClient`.
    pub fn new(url: &str, model: &str, protocol: Protocol) -> ClientConfig {
        ClientConfig {
            url: url.to_string(),
            model: model.to_string(),
            protocol,
            concurrency: 8,
            timeout: Duration::from_secs(120),
            retries: 4,
            backoff: Duration::from_millis(500),
            token: None,
        }
    }
}

/// A client for one model on one server. Owns the async runtime its requests run on.
pub struct Client {
    shared: Arc<send::Shared>,
    runtime: Option<Runtime>,
}

impl Client {
    pub fn new(config: ClientConfig, schema: Arc<Schema>) -> Result<Client> {
        let base = base_url(&config.url)?;
        if config.model.trim().is_empty() {
            return Err(Error::invalid_argument(
                "model is empty; pass the name the server serves the model under",
            ));
        }
        if !(1..=MAX_CONCURRENCY).contains(&config.concurrency) {
            return Err(Error::invalid_argument(format!(
                "concurrency is {}; use 1 to {MAX_CONCURRENCY}",
                config.concurrency
            )));
        }
        if config.timeout.is_zero() {
            return Err(Error::invalid_argument("timeout_s must be above 0"));
        }
        // The work is waiting on sockets; two workers keep base64 and JSON of one response
        // from delaying the others without a thread per core.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("vlmserve-fetch")
            .enable_all()
            .build()
            .map_err(|e| Error::Internal(format!("cannot start the client's runtime: {e}")))?;
        let shared = send::Shared::new(config, base, schema)?;
        Ok(Client {
            shared: Arc::new(shared),
            runtime: Some(runtime),
        })
    }

    fn runtime(&self) -> &Runtime {
        self.runtime.as_ref().expect("runtime lives until drop")
    }

    /// True when the server answers its health endpoint; a `Fetch` error naming the URL
    /// when it is down or not ready.
    pub fn ping(&self) -> Result<bool> {
        self.runtime().block_on(self.shared.ping())
    }

    /// Starts sending `documents` (image paths), appending each record to `out` as it
    /// arrives. With `resume`, documents whose latest line in `out` is a success are
    /// skipped; without, `out` is started afresh.
    pub fn run_to(
        &self,
        documents: Vec<String>,
        out: &Path,
        resume: bool,
    ) -> Result<Run<JsonlWriter>> {
        let skip = if resume {
            finished(out)?
        } else {
            HashSet::new()
        };
        let writer = JsonlWriter::open(out, resume)?;
        let total = documents.len();
        let jobs: Vec<(usize, String)> = documents
            .into_iter()
            .enumerate()
            .filter(|(_, d)| !skip.contains(d))
            .collect();
        Ok(self.start(jobs, total, writer))
    }

    /// Starts sending `documents`, keeping the records in input order.
    pub fn infer(&self, documents: Vec<String>) -> Run<Collected> {
        let total = documents.len();
        self.start(
            documents.into_iter().enumerate().collect(),
            total,
            Collected::new(total),
        )
    }

    fn start<S: Sink>(&self, jobs: Vec<(usize, String)>, total: usize, sink: S) -> Run<S> {
        Run::start(
            self.runtime().handle(),
            self.shared.clone(),
            jobs,
            total,
            sink,
        )
    }

    /// The error record of `document` (what the client writes when it gets no record).
    pub fn error_record(&self, document: &str, error: &Error, status: Option<u16>) -> Json {
        self.shared.error_record(document, error, status)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // Never block in drop: a worker may be waiting on something the dropping thread
        // holds (the GIL, when logging reaches Python).
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// The server's base URL, checked: http or https only, no query or fragment.
fn base_url(url: &str) -> Result<Url> {
    let parsed = Url::parse(url.trim()).map_err(|e| {
        Error::invalid_argument(format!(
            "url {url:?} is not a URL ({e}); pass the server's base URL like http://127.0.0.1:8080"
        ))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || !parsed.has_host() {
        return Err(Error::invalid_argument(format!(
            "url {url:?} must be an http:// or https:// URL with a host"
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::invalid_argument(format!(
            "url {url:?} has a query or fragment; pass only scheme, host, port and path prefix"
        )));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests;

//! One document, start to finish: read the file, send it with retries, turn the answer (or
//! the failure) into its output record.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use backon::{ExponentialBuilder, Retryable};
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use serde_json::Value as Json;
use url::Url;

use super::protocol::{snippet, Answer, Protocol};
use super::retry::{backoff, next_wait, parse_retry_after, refused_credentials, Failure};
use super::ClientConfig;
use crate::error::{Error, Result};
use crate::extract::record::{self, RecordInput};
use crate::extract::{prompt, Schema};

/// Longest a single backoff step grows to.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// What every request of a client shares.
pub struct Shared {
    pub config: ClientConfig,
    http: reqwest::Client,
    endpoint: Url,
    health: Url,
    backoff: ExponentialBuilder,
    schema: Arc<Schema>,
    prompt: String,
}

impl Shared {
    pub fn new(config: ClientConfig, mut base: Url, schema: Arc<Schema>) -> Result<Shared> {
        // Credentials in the URL would be repeated in every error record.
        let _ = base.set_username("");
        let _ = base.set_password(None);
        let mut headers = HeaderMap::new();
        if let Some(token) = &config.token {
            let mut value =
                HeaderValue::from_str(&format!("Bearer {}", token.trim())).map_err(|_| {
                    Error::invalid_argument("token has characters a header cannot carry")
                })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(config.timeout)
            .pool_max_idle_per_host(config.concurrency)
            .user_agent(concat!("vlmserve/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Internal(format!("cannot build the HTTP client: {e}")))?;
        Ok(Shared {
            endpoint: config.protocol.infer_url(&base, &config.model),
            health: config.protocol.health_url(&base, &config.model),
            backoff: backoff(
                config.backoff,
                MAX_BACKOFF.max(config.backoff),
                config.retries,
            ),
            prompt: prompt::build(&schema),
            schema,
            http,
            config,
        })
    }

    pub async fn ping(&self) -> Result<bool> {
        let response = self.http.get(self.health.clone()).send().await;
        let down = |why: String| {
            Error::fetch(format!(
                "{} is not answering: {why}; check that the server is running and the URL is right",
                self.health
            ))
        };
        let response = response.map_err(|e| down(cause(&e)))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| down(cause(&e)))?;
        if status.is_success() && Protocol::healthy(&body) {
            return Ok(true);
        }
        let body = snippet(&body);
        let hint = if refused_credentials(status.as_u16(), &body) {
            "pass the server's inference key or bearer token as token="
        } else {
            "wait for the model to load or check the model name"
        };
        Err(Error::fetch(format!(
            "{} is not ready (HTTP {status}: {body}); {hint}",
            self.health
        )))
    }

    /// The output record of `document`: the server's, or an error record.
    pub async fn record(&self, document: &str) -> Json {
        let started = Instant::now();
        match self.infer(document, started).await {
            Ok(record) => record,
            Err((error, status)) => self.error_record(document, &error, status),
        }
    }

    async fn infer(
        &self,
        document: &str,
        started: Instant,
    ) -> std::result::Result<Json, (Error, Option<u16>)> {
        // Read when the request starts, not up front: memory holds `concurrency` images.
        let image = tokio::fs::read(document).await.map_err(|e| {
            let msg = format!("cannot read image file {document}: {e}; check the path");
            (Error::invalid_image(msg), None)
        })?;
        let protocol = self.config.protocol;
        let (content_type, body) =
            protocol.body(&self.config.model, &self.prompt, Bytes::from(image));
        let response = self
            .send(content_type, body)
            .await
            .map_err(|(failure, attempts)| {
                let msg = failure.describe(
                    self.endpoint.as_str(),
                    &self.config.model,
                    attempts,
                    self.config.timeout,
                );
                (Error::fetch(msg), failure.status())
            })?;
        let answer = protocol.answer(&response).map_err(|why| {
            let msg = format!(
                "{} answered, but {why}; check that the server speaks the {} protocol",
                self.endpoint,
                protocol.name()
            );
            (Error::fetch(msg), None)
        })?;
        Ok(self.success_record(document, answer, started.elapsed()))
    }

    fn success_record(&self, document: &str, answer: Answer, took: Duration) -> Json {
        match answer {
            Answer::Record(mut record) => {
                // The server sees bytes, not the path: the record names the input as given.
                record.insert("document".into(), Json::String(document.to_string()));
                Json::Object(record)
            }
            Answer::Text(raw_text) => record::build(
                &self.schema,
                RecordInput {
                    document: document.to_string(),
                    model: self.config.model.clone(),
                    raw_text,
                    timing_ms: vec![("request".into(), took.as_secs_f64() * 1e3)],
                    ..Default::default()
                },
            ),
        }
    }

    /// An output record with every field null and `error: {type, message, status}`.
    pub fn error_record(&self, document: &str, error: &Error, status: Option<u16>) -> Json {
        let mut record = record::build(
            &self.schema,
            RecordInput {
                document: document.to_string(),
                model: self.config.model.clone(),
                error: Some((error.type_name().to_string(), error.to_string())),
                ..Default::default()
            },
        );
        if let Some(Json::Object(err)) = record.get_mut("error") {
            err.insert("status".into(), status.map_or(Json::Null, Json::from));
        }
        record
    }

    /// POSTs the body, retrying what may pass; the failure and the number of attempts when
    /// the tries run out.
    async fn send(
        &self,
        content_type: &'static str,
        body: Bytes,
    ) -> std::result::Result<Bytes, (Failure, usize)> {
        let mut attempts = 0;
        let result = (|| {
            attempts += 1;
            self.attempt(content_type, body.clone())
        })
        .retry(self.backoff)
        .sleep(tokio::time::sleep)
        .when(Failure::retryable)
        .adjust(|failure, wait| next_wait(failure, wait, self.config.timeout))
        .notify(|failure, wait| {
            log::debug!("{}: {failure:?}; retrying in {wait:?}", self.endpoint);
        })
        .await;
        result.map_err(|failure| (failure, attempts))
    }

    async fn attempt(
        &self,
        content_type: &'static str,
        body: Bytes,
    ) -> std::result::Result<Bytes, Failure> {
        let response = self
            .http
            .post(self.endpoint.clone())
            .header(CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .map_err(|e| failure(&e))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let body = response.bytes().await.map_err(|e| failure(&e))?;
        if status.is_success() {
            return Ok(body);
        }
        Err(Failure::Status {
            status: status.as_u16(),
            body: snippet(&body),
            retry_after,
        })
    }
}

fn failure(err: &reqwest::Error) -> Failure {
    if err.is_timeout() {
        Failure::Timeout
    } else if err.is_connect() {
        Failure::Connect(cause(err))
    } else {
        Failure::Transport(cause(err))
    }
}

/// The root cause of an error ("Connection refused (os error 111)"), which says more than
/// reqwest's "error sending request for url (...)".
fn cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut last = err;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

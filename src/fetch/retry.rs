//! Which failed attempts are worth another try, how long to wait before it, and what to
//! tell the user when the tries run out.

use std::time::{Duration, SystemTime};

use backon::ExponentialBuilder;

/// How an attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No connection could be made (refused, unreachable, DNS).
    Connect(String),
    /// No complete answer within the per-request timeout.
    Timeout,
    /// The connection broke mid-request (reset, closed early, truncated body).
    Transport(String),
    /// The server answered with a non-2xx status.
    Status {
        status: u16,
        body: String,
        retry_after: Option<Duration>,
    },
}

impl Failure {
    /// Connection problems, timeouts, 429 and 5xx may pass; other 4xx will not.
    pub fn retryable(&self) -> bool {
        match self {
            Failure::Status { status, .. } => *status == 429 || *status >= 500,
            _ => true,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            Failure::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The wait the server asked for (`Retry-After`), if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Failure::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The message of the error record after `attempts` tries.
    pub fn describe(
        &self,
        endpoint: &str,
        model: &str,
        attempts: usize,
        timeout: Duration,
    ) -> String {
        let tries = match attempts {
            1 => "1 attempt".to_string(),
            n => format!("{n} attempts"),
        };
        match self {
            Failure::Connect(why) => format!(
                "cannot connect to {endpoint} after {tries}: {why}; check that the server is \
                 running and the URL is right"
            ),
            Failure::Timeout => format!(
                "no answer from {endpoint} within {:.1} s after {tries}; raise timeout_s or \
                 lower concurrency",
                timeout.as_secs_f64()
            ),
            Failure::Transport(why) => format!(
                "the connection to {endpoint} failed after {tries}: {why}; check the server's \
                 logs"
            ),
            Failure::Status {
                status: 404, body, ..
            } => format!(
                "model {model:?} is not served at {endpoint} (HTTP 404: {body}); check the \
                 model name and that the model is registered"
            ),
            Failure::Status { status, body, .. } if refused_credentials(*status, body) => format!(
                "{endpoint} refused the request (HTTP {status}: {body}); pass the server's \
                 inference key or bearer token as token="
            ),
            Failure::Status { status, body, .. } if self.retryable() => format!(
                "{endpoint} answered HTTP {status} after {tries}: {body}; the server is \
                 overloaded or failing, check its logs or lower concurrency"
            ),
            Failure::Status { status, body, .. } => format!(
                "{endpoint} rejected the request (HTTP {status}: {body}); check the input \
                 file and that the server speaks this protocol"
            ),
        }
    }
}

/// Whether an answer means "wrong or missing credentials": 401/403, or TorchServe 0.12's
/// 400 with `InvalidKeyException` when the inference key is missing or wrong.
pub fn refused_credentials(status: u16, body: &str) -> bool {
    matches!(status, 401 | 403) || (status == 400 && body.contains("InvalidKeyException"))
}

/// Exponential backoff: `base`, `2 base`, `4 base`... each plus a random jitter below
/// itself (so retries of many documents spread out), capped at `max`, `retries` times.
pub fn backoff(base: Duration, max: Duration, retries: usize) -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(base)
        .with_factor(2.0)
        .with_max_delay(max)
        .with_max_times(retries)
        .with_jitter()
}

/// The wait before the next try: the server's `Retry-After` when it gave one (up to
/// `cap`), else the backoff's; `None` when the backoff is spent.
pub fn next_wait(
    failure: &Failure,
    from_backoff: Option<Duration>,
    cap: Duration,
) -> Option<Duration> {
    from_backoff.map(|d| failure.retry_after().map_or(d, |asked| asked.min(cap)))
}

/// A `Retry-After` header value: delay-seconds or an HTTP-date (RFC 9110 10.2.3).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use backon::BackoffBuilder;

    use super::*;

    fn status(status: u16) -> Failure {
        Failure::Status {
            status,
            body: "x".into(),
            retry_after: None,
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_below_each_step() {
        let base = Duration::from_millis(100);
        for _ in 0..50 {
            let waits: Vec<Duration> = backoff(base, Duration::from_secs(1), 5).build().collect();
            assert_eq!(waits.len(), 5);
            let steps = [100, 200, 400, 800, 1000].map(Duration::from_millis);
            for (wait, step) in waits.iter().zip(steps) {
                // f32 arithmetic inside backon: allow a microsecond of rounding.
                let slack = Duration::from_micros(1);
                assert!(
                    *wait + slack >= step && *wait < step * 2 + slack,
                    "{wait:?} at {step:?}"
                );
            }
        }
        assert_eq!(backoff(base, base, 0).build().next(), None);
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn server_asked_wait_wins_up_to_the_cap() {
        let cap = Duration::from_secs(10);
        let asked = |secs| Failure::Status {
            status: 429,
            body: String::new(),
            retry_after: Some(Duration::from_secs(secs)),
        };
        let own = Some(Duration::from_millis(300));
        assert_eq!(next_wait(&asked(2), own, cap), Some(Duration::from_secs(2)));
        assert_eq!(next_wait(&asked(3600), own, cap), Some(cap));
        assert_eq!(next_wait(&status(503), own, cap), own);
        assert_eq!(next_wait(&asked(2), None, cap), None);
    }

    #[test]
    fn which_failures_are_retried() {
        assert!(Failure::Connect("refused".into()).retryable());
        assert!(Failure::Timeout.retryable());
        assert!(Failure::Transport("reset".into()).retryable());
        for code in [429, 500, 502, 503, 504] {
            assert!(status(code).retryable(), "{code}");
        }
        for code in [400, 401, 403, 404, 413, 422] {
            assert!(!status(code).retryable(), "{code}");
        }
    }

    #[test]
    fn messages_say_what_to_change() {
        let t = Duration::from_secs(2);
        let down = Failure::Connect("Connection refused".into()).describe("http://h/p", "m", 5, t);
        assert!(
            down.contains("http://h/p after 5 attempts: Connection refused"),
            "{down}"
        );
        let missing = status(404).describe("http://h/p", "inv", 1, t);
        assert!(missing.contains("model \"inv\" is not served"), "{missing}");
        assert!(status(401).describe("u", "m", 1, t).contains("token="));
        let torchserve = Failure::Status {
            status: 400,
            body: r#"{"code": 400, "type": "InvalidKeyException", "message": "Token..."}"#.into(),
            retry_after: None,
        };
        assert!(torchserve.describe("u", "m", 1, t).contains("token="));
        assert!(!status(400).describe("u", "m", 1, t).contains("token="));
        assert!(status(503)
            .describe("u", "m", 3, t)
            .contains("after 3 attempts"));
        assert!(Failure::Timeout
            .describe("u", "m", 2, t)
            .contains("within 2.0 s"));
    }
}

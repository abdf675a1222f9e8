//! Guarded http(s) fetching.
//!
//! Every hop (the first URL and each redirect target) goes through [`check_url`]: scheme,
//! `allow_urls`, `allowed_hosts`, then one DNS resolution whose every address must pass
//! [`url_guard::classify`]. The request then connects only to those checked addresses
//! (`ClientBuilder::resolve_to_addrs` pins them, so there is no second lookup a rebinding DNS
//! server could answer differently), with proxies disabled (a proxy would make the
//! connection on our behalf, to wherever it resolves). Redirects are never followed by
//! reqwest; they are followed here, up to `max_redirects`. The body is read in chunks and
//! abandoned at `max_bytes + 1` whatever `Content-Length` says. One deadline of
//! `policy.timeout` covers DNS, connects, redirects and the body.
use std::io::Read;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use reqwest::blocking::{Client, Response};
use reqwest::header::{CONTENT_LENGTH, LOCATION};
use url::{Host, Url};

use super::url_guard::{classify, AddressClass};
use super::SourcePolicy;
use crate::error::{Error, Result};

/// The URL for messages: no credentials, no query (signed URLs carry secrets there).
fn redact(url: &Url) -> String {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.set_fragment(None);
    if u.query().is_some() {
        u.set_query(Some("<redacted>"));
    }
    let s = u.to_string();
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s,
    }
}

fn normalise_host(h: &str) -> String {
    h.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

fn host_allowed(host: &Host<&str>, allowed: &[String]) -> bool {
    let ours = match host {
        Host::Domain(d) => normalise_host(d),
        Host::Ipv4(ip) => ip.to_string(),
        Host::Ipv6(ip) => ip.to_string(),
    };
    allowed.iter().any(|a| normalise_host(a) == ours)
}

fn remaining(deadline: Instant, policy: &SourcePolicy, url: &Url) -> Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(timed_out(policy, url));
    }
    Ok(left)
}

fn timed_out(policy: &SourcePolicy, url: &Url) -> Error {
    Error::fetch(format!(
        "fetching {} timed out after {:?}; raise timeout or use a faster server",
        redact(url),
        policy.timeout
    ))
}

/// Resolve `host` once, giving up at `timeout` (std's resolver has no timeout of its own).
pub(crate) fn resolve(host: &str, port: u16, timeout: Duration) -> Result<Vec<SocketAddr>> {
    let (tx, rx) = mpsc::channel();
    let name = host.to_string();
    std::thread::spawn(move || {
        let _ = tx.send((name.as_str(), port).to_socket_addrs().map(|a| a.collect()));
    });
    let addrs: Vec<SocketAddr> = match rx.recv_timeout(timeout) {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => {
            return Err(Error::fetch(format!(
                "cannot resolve host {host}: {e}; check the URL's host name"
            )))
        }
        Err(_) => {
            return Err(Error::fetch(format!(
                "resolving host {host} timed out after {timeout:?}; raise timeout or check DNS"
            )))
        }
    };
    if addrs.is_empty() {
        return Err(Error::fetch(format!(
            "host {host} resolved to no addresses; check the URL's host name"
        )));
    }
    Ok(addrs)
}

/// All the checks for one hop. Returns the addresses the request may connect to.
pub(crate) fn check_url(
    url: &Url,
    policy: &SourcePolicy,
    dns_timeout: Duration,
) -> Result<Vec<SocketAddr>> {
    let shown = redact(url);
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::not_allowed(format!(
            "URL {shown} uses the {}: scheme; only http and https URLs are fetched (for a local \
             file pass its path and add its directory to allowed_roots)",
            url.scheme()
        )));
    }
    if !policy.allow_urls {
        return Err(Error::not_allowed(format!(
            "fetching image URLs is disabled, refusing {shown}; set allow_urls (and ideally \
             allowed_hosts) to fetch images over http(s)"
        )));
    }
    let Some(host) = url.host() else {
        return Err(Error::invalid_argument(format!(
            "URL {shown} has no host; pass an absolute http(s) URL"
        )));
    };
    if !policy.allowed_hosts.is_empty() && !host_allowed(&host, &policy.allowed_hosts) {
        return Err(Error::not_allowed(format!(
            "host {host} of URL {shown} is not in allowed_hosts {:?}; add it to allowed_hosts",
            policy.allowed_hosts
        )));
    }
    let port = url.port_or_known_default().unwrap_or(80);
    let addrs = match host {
        Host::Ipv4(ip) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Host::Ipv6(ip) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Host::Domain(d) => resolve(d, port, dns_timeout)?,
    };
    if !policy.allow_private_networks {
        for a in &addrs {
            let class = classify(a.ip());
            if class != AddressClass::Public {
                return Err(Error::not_allowed(format!(
                    "host {host} of URL {shown} resolves to {}, {}; fetching from non-public \
                     networks is refused (set allow_private_networks only if every URL you \
                     pass is trusted)",
                    a.ip(),
                    class.describe()
                )));
            }
        }
    }
    Ok(addrs)
}

/// The error and its causes on one line (reqwest's own message omits the cause).
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

fn send(
    url: &Url,
    addrs: &[SocketAddr],
    policy: &SourcePolicy,
    left: Duration,
) -> Result<Response> {
    // `timeout` on the request (below) is reqwest's total timeout, body included.
    let mut builder = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .referer(false)
        .timeout(left)
        .connect_timeout(left)
        .user_agent(concat!("vlmserve/", env!("CARGO_PKG_VERSION")));
    if let Some(Host::Domain(d)) = url.host() {
        builder = builder.resolve_to_addrs(d, addrs);
    }
    let client = builder
        .build()
        .map_err(|e| Error::fetch(format!("cannot set up the HTTP client: {}", chain(&e))))?;
    client.get(url.clone()).timeout(left).send().map_err(|e| {
        if e.is_timeout() {
            timed_out(policy, url)
        } else {
            Error::fetch(format!(
                "cannot fetch {}: {}; check the URL and that the server is reachable",
                redact(url),
                chain(&e)
            ))
        }
    })
}

fn read_body(
    mut resp: Response,
    url: &Url,
    policy: &SourcePolicy,
    deadline: Instant,
) -> Result<Vec<u8>> {
    let max = policy.max_bytes;
    let too_big = |n: String| {
        Error::fetch(format!(
            "{} is {n} bytes, over max_bytes {max}; raise max_bytes or fetch a smaller image",
            redact(url)
        ))
    };
    if let Some(len) = resp
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        if len > max {
            return Err(too_big(len.to_string()));
        }
    }
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        remaining(deadline, policy, url)?;
        let n = match resp.read(&mut chunk) {
            Ok(n) => n,
            Err(e) => {
                let reqwest_timeout = e
                    .get_ref()
                    .and_then(|i| i.downcast_ref::<reqwest::Error>())
                    .is_some_and(reqwest::Error::is_timeout);
                if reqwest_timeout || Instant::now() >= deadline {
                    return Err(timed_out(policy, url));
                }
                return Err(Error::fetch(format!(
                    "reading the body of {} failed: {}; retry or check the server",
                    redact(url),
                    chain(&e)
                )));
            }
        };
        if n == 0 {
            break;
        }
        if (buf.len() + n) as u64 > max {
            return Err(too_big(format!("more than {max}")));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    if buf.is_empty() {
        return Err(Error::invalid_image(format!(
            "{} returned an empty body; check the URL points at an image",
            redact(url)
        )));
    }
    Ok(buf)
}

/// Fetch an http(s) URL under `policy`; see the module docs.
pub(crate) fn fetch_url(url: &str, policy: &SourcePolicy) -> Result<Vec<u8>> {
    let deadline = Instant::now() + policy.timeout;
    let first = Url::parse(url.trim()).map_err(|e| {
        Error::invalid_argument(format!(
            "invalid image URL {:?}: {e}; pass an absolute http(s) URL",
            url.chars().take(200).collect::<String>()
        ))
    })?;
    let mut current = first.clone();
    let mut hops = 0usize;
    loop {
        let addrs = check_url(&current, policy, remaining(deadline, policy, &current)?)?;
        let resp = send(
            &current,
            &addrs,
            policy,
            remaining(deadline, policy, &current)?,
        )?;
        let status = resp.status();
        if matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
            let location = resp
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| {
                    Error::fetch(format!(
                        "HTTP {status} from {} has no usable Location header; fetch the final \
                         URL directly",
                        redact(&current)
                    ))
                })?;
            let next = current.join(location.trim()).map_err(|e| {
                Error::fetch(format!(
                    "HTTP {status} from {} redirects to an invalid Location: {e}; fetch the \
                     final URL directly",
                    redact(&current)
                ))
            })?;
            hops += 1;
            if hops > policy.max_redirects {
                return Err(Error::fetch(format!(
                    "{} redirected more than max_redirects={} times; raise max_redirects or \
                     pass the final URL",
                    redact(&first),
                    policy.max_redirects
                )));
            }
            current = next;
            continue;
        }
        if !status.is_success() {
            return Err(Error::fetch(format!(
                "HTTP {status} from {}; check the URL and that the image is accessible",
                redact(&current)
            )));
        }
        return read_body(resp, &current, policy, deadline);
    }
}

#[cfg(test)]
mod tests;

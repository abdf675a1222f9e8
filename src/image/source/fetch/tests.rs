//! Fetch tests. Every connection goes to a server on 127.0.0.1 started here; nothing else
//! is ever contacted.
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use super::*;

const IMG: &[u8] = b"\x89PNG\r\n\x1a\n-not-really-a-png-but-bytes";

struct Server {
    port: u16,
    hits: Arc<AtomicUsize>,
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn serve() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            h.fetch_add(1, Ordering::SeqCst);
            thread::spawn(move || {
                let _ = handle(stream, port);
            });
        }
    });
    Server { port, hits }
}

fn head(status: &str, extra: &str) -> String {
    format!("HTTP/1.1 {status}\r\nConnection: close\r\n{extra}\r\n")
}

fn handle(mut s: TcpStream, port: u16) -> std::io::Result<()> {
    let mut reader = BufReader::new(s.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" {
            break;
        }
    }
    let ok = |body: &[u8]| {
        let mut r = head(
            "200 OK",
            &format!(
                "Content-Type: image/png\r\nContent-Length: {}\r\n",
                body.len()
            ),
        )
        .into_bytes();
        r.extend_from_slice(body);
        r
    };
    let redirect = |code: &str, to: &str| head(code, &format!("Location: {to}\r\n")).into_bytes();
    let big = vec![b'x'; 5000];
    let resp: Vec<u8> = match path.as_str() {
        "/img" => ok(IMG),
        "/empty" => ok(b""),
        p if p.starts_with("/redir/") => {
            let n: usize = p["/redir/".len()..].parse().unwrap();
            if n <= 1 {
                redirect("302 Found", "/img")
            } else {
                redirect("307 Temporary Redirect", &format!("/redir/{}", n - 1))
            }
        }
        "/abs-redir" => redirect(
            "301 Moved Permanently",
            &format!("http://127.0.0.1:{port}/img"),
        ),
        "/to-localhost" => redirect("302 Found", &format!("http://localhost:{port}/img")),
        "/to-ftp" => redirect("302 Found", &format!("ftp://127.0.0.1:{port}/img")),
        "/to-file" => redirect("302 Found", "file:///etc/passwd"),
        "/loop" => redirect("302 Found", "/loop"),
        "/no-location" => head("302 Found", "").into_bytes(),
        "/404" => head("404 Not Found", "Content-Length: 0\r\n").into_bytes(),
        "/500" => head("500 Internal Server Error", "Content-Length: 0\r\n").into_bytes(),
        "/big-cl" => ok(&big),
        "/big-no-cl" => {
            let mut r = head("200 OK", "").into_bytes();
            r.extend_from_slice(&big);
            r
        }
        "/big-chunked" => {
            let mut r = head("200 OK", "Transfer-Encoding: chunked\r\n").into_bytes();
            for c in big.chunks(1000) {
                r.extend_from_slice(format!("{:x}\r\n", c.len()).as_bytes());
                r.extend_from_slice(c);
                r.extend_from_slice(b"\r\n");
            }
            r.extend_from_slice(b"0\r\n\r\n");
            r
        }
        "/lying-cl" => {
            let mut r = head("200 OK", "Content-Length: 10\r\n").into_bytes();
            r.extend_from_slice(&big);
            r
        }
        "/truncated" => {
            let mut r = head("200 OK", "Content-Length: 100\r\n").into_bytes();
            r.extend_from_slice(b"only ten b");
            r
        }
        "/endless" => {
            s.write_all(head("200 OK", "").as_bytes())?;
            let chunk = [b'y'; 4096];
            // Until the client hangs up.
            loop {
                s.write_all(&chunk)?;
            }
        }
        "/slow-headers" => {
            thread::sleep(Duration::from_secs(3));
            ok(IMG)
        }
        "/slow-body" => {
            s.write_all(head("200 OK", "Content-Length: 100\r\n").as_bytes())?;
            for _ in 0..30 {
                s.write_all(b"zzz")?;
                s.flush()?;
                thread::sleep(Duration::from_millis(100));
            }
            return Ok(());
        }
        _ => head("400 Bad Request", "Content-Length: 0\r\n").into_bytes(),
    };
    s.write_all(&resp)?;
    s.flush()
}

/// URLs on, loopback allowed (the test server), small limits.
fn open_policy() -> SourcePolicy {
    SourcePolicy {
        allow_urls: true,
        allow_private_networks: true,
        timeout: Duration::from_secs(5),
        max_bytes: 1000,
        ..SourcePolicy::default()
    }
}

fn fetch_err(url: &str, p: &SourcePolicy) -> Error {
    match fetch_url(url, p) {
        Ok(b) => panic!("{url}: expected an error, got {} bytes", b.len()),
        Err(e) => e,
    }
}

fn assert_fetch(e: Error, needle: &str) {
    assert!(
        matches!(e, Error::Fetch(ref m) if m.contains(needle)),
        "{e:?}"
    );
}

fn assert_refused(e: Error, needle: &str) {
    assert!(
        matches!(e, Error::SourceNotAllowed(ref m) if m.contains(needle)),
        "{e:?}"
    );
}

#[test]
fn fetches_an_image_from_loopback_when_allowed() {
    let s = serve();
    assert_eq!(fetch_url(&s.url("/img"), &open_policy()).unwrap(), IMG);
    let exact = SourcePolicy {
        max_bytes: IMG.len() as u64,
        ..open_policy()
    };
    assert_eq!(fetch_url(&s.url("/img"), &exact).unwrap(), IMG);
}

#[test]
fn loopback_is_refused_by_default_without_connecting() {
    let s = serve();
    let p = SourcePolicy {
        allow_urls: true,
        ..SourcePolicy::default()
    };
    let e = fetch_err(&s.url("/img"), &p);
    assert_refused(e.clone(), "loopback");
    assert_refused(e, "allow_private_networks");
    // Other spellings of 127.0.0.1 normalise to it and are refused too.
    for alt in [
        format!("http://2130706433:{}/img", s.port),
        format!("http://0x7f.0.0.1:{}/img", s.port),
        format!("http://127.1:{}/img", s.port),
        format!("http://[::ffff:127.0.0.1]:{}/img", s.port),
        format!("http://[::1]:{}/img", s.port),
    ] {
        assert_refused(fetch_err(&alt, &p), "loopback");
    }
    assert_eq!(s.hits(), 0, "nothing may connect when refused");
}

#[test]
fn urls_off_by_default() {
    let s = serve();
    let e = fetch_err(&s.url("/img"), &SourcePolicy::default());
    assert_refused(e, "allow_urls");
    assert_eq!(s.hits(), 0);
}

#[test]
fn localhost_resolves_and_is_classified() {
    let addrs = resolve("localhost", 80, Duration::from_secs(2)).unwrap();
    assert!(!addrs.is_empty());
    for a in &addrs {
        assert_eq!(classify(a.ip()), AddressClass::Loopback, "{a}");
    }
    let s = serve();
    let url = format!("http://localhost:{}/img", s.port);
    let p = SourcePolicy {
        allow_urls: true,
        ..SourcePolicy::default()
    };
    assert_refused(fetch_err(&url, &p), "loopback");
    assert_refused(
        fetch_err(&url.replace("localhost", "LocalHost"), &p),
        "loopback",
    );
    assert_eq!(s.hits(), 0);
    assert_eq!(fetch_url(&url, &open_policy()).unwrap(), IMG);
}

#[test]
fn redirects_are_followed_up_to_the_limit() {
    let s = serve();
    let p = open_policy();
    assert_eq!(fetch_url(&s.url("/redir/3"), &p).unwrap(), IMG);
    assert_eq!(fetch_url(&s.url("/abs-redir"), &p).unwrap(), IMG);
    let two = SourcePolicy {
        max_redirects: 2,
        ..open_policy()
    };
    assert_fetch(fetch_err(&s.url("/redir/3"), &two), "max_redirects");
    assert_fetch(fetch_err(&s.url("/loop"), &p), "max_redirects");
    let none = SourcePolicy {
        max_redirects: 0,
        ..open_policy()
    };
    assert_fetch(fetch_err(&s.url("/abs-redir"), &none), "max_redirects");
    assert_fetch(fetch_err(&s.url("/no-location"), &p), "Location");
}

#[test]
fn every_redirect_hop_is_rechecked() {
    let s = serve();
    let pinned = SourcePolicy {
        allowed_hosts: vec!["127.0.0.1".into()],
        ..open_policy()
    };
    assert_eq!(fetch_url(&s.url("/img"), &pinned).unwrap(), IMG);
    assert_eq!(fetch_url(&s.url("/redir/2"), &pinned).unwrap(), IMG);
    let before = s.hits();
    // Redirect to a host outside allowed_hosts: refused before connecting to it.
    assert_refused(fetch_err(&s.url("/to-localhost"), &pinned), "allowed_hosts");
    assert_eq!(
        s.hits(),
        before + 1,
        "only the redirecting request connected"
    );
    // Redirects to other schemes are refused whatever the policy.
    assert_refused(
        fetch_err(&s.url("/to-ftp"), &open_policy()),
        "only http and https",
    );
    assert_refused(
        fetch_err(&s.url("/to-file"), &open_policy()),
        "only http and https",
    );
}

#[test]
fn allowed_hosts_match_exactly_and_case_insensitively() {
    let s = serve();
    let by_name = |hosts: &[&str]| SourcePolicy {
        allowed_hosts: hosts.iter().map(|h| h.to_string()).collect(),
        ..open_policy()
    };
    let url = format!("http://localhost:{}/img", s.port);
    assert_eq!(fetch_url(&url, &by_name(&["LOCALHOST"])).unwrap(), IMG);
    assert_eq!(
        fetch_url(&url, &by_name(&["other", "localhost."])).unwrap(),
        IMG
    );
    assert_refused(
        fetch_err(&url, &by_name(&["localhost.localdomain"])),
        "allowed_hosts",
    );
    assert_refused(fetch_err(&url, &by_name(&["calhost"])), "allowed_hosts");
    assert_refused(
        fetch_err(&s.url("/img"), &by_name(&["localhost"])),
        "allowed_hosts",
    );
}

#[test]
fn http_errors_carry_the_status() {
    let s = serve();
    assert_fetch(fetch_err(&s.url("/404"), &open_policy()), "404");
    assert_fetch(fetch_err(&s.url("/500"), &open_policy()), "500");
    let e = fetch_err(&s.url("/empty"), &open_policy());
    assert!(
        matches!(e, Error::InvalidImage(ref m) if m.contains("empty")),
        "{e:?}"
    );
}

#[test]
fn oversize_bodies_are_cut_off() {
    let s = serve();
    let p = open_policy();
    for path in ["/big-cl", "/big-no-cl", "/big-chunked", "/endless"] {
        assert_fetch(fetch_err(&s.url(path), &p), "max_bytes");
    }
    // A Content-Length smaller than the body: never more than the declared bytes are read.
    let got = fetch_url(&s.url("/lying-cl"), &p).unwrap();
    assert_eq!(got.len(), 10);
    // A Content-Length larger than the body: the short read is an error, not an image.
    assert_fetch(fetch_err(&s.url("/truncated"), &p), "reading the body");
}

#[test]
fn slow_servers_time_out() {
    let s = serve();
    let p = SourcePolicy {
        timeout: Duration::from_millis(400),
        ..open_policy()
    };
    for path in ["/slow-headers", "/slow-body"] {
        let t = Instant::now();
        assert_fetch(fetch_err(&s.url(path), &p), "timed out");
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "{path}: {:?}",
            t.elapsed()
        );
    }
}

#[test]
fn malformed_urls() {
    for bad in [
        "http://",
        "http://exa mple.com/",
        "http://[::1/",
        "not a url",
    ] {
        let e = fetch_err(bad, &open_policy());
        assert!(matches!(e, Error::InvalidArgument(_)), "{bad}: {e:?}");
    }
}

#[test]
fn messages_hide_credentials_and_queries() {
    let s = serve();
    let url = format!(
        "http://user:hunter2@127.0.0.1:{}/404?token=secret#frag",
        s.port
    );
    let m = fetch_err(&url, &open_policy()).to_string();
    assert!(m.contains("404") && m.contains("/404"), "{m}");
    assert!(
        !m.contains("hunter2") && !m.contains("secret") && !m.contains("user"),
        "{m}"
    );
}

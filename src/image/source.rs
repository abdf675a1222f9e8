//! Where image bytes come from, and the policy that guards paths and URLs.
//!
//! * [`ImageSource::Bytes`]: used as is.
//! * [`ImageSource::Base64`]: standard or URL-safe alphabet, padded or not, whitespace and
//!   line breaks ignored.
//! * [`ImageSource::DataUrl`]: `data:image/<subtype>[;params];base64,<payload>` only.
//! * [`ImageSource::Path`]: canonicalised (symlinks and `..` resolved) and then required to
//!   lie under a canonicalised [`SourcePolicy::allowed_roots`] entry, compared by path
//!   component; regular files only.
//! * [`ImageSource::Url`]: http(s) only, when [`SourcePolicy::allow_urls`]; see `fetch` for
//!   the SSRF defences and `url_guard` for the refused address ranges.
//!
//! Every source is limited to [`SourcePolicy::max_bytes`] and must not be empty.
use std::path::PathBuf;
use std::time::Duration;

use crate::error::{Error, Result};

mod encoded;
mod fetch;
mod path;
pub mod url_guard;

pub use url_guard::{classify, is_forbidden, AddressClass};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageSource {
    Bytes(Vec<u8>),
    Base64(String),
    DataUrl(String),
    Path(PathBuf),
    Url(String),
}

/// Strings at least this long that look like base64 are taken as base64, not as a path.
pub const BASE64_GUESS_MIN_LEN: usize = 256;

impl ImageSource {
    /// Classify a string from Python (or any other caller) without touching the file system
    /// or the network:
    ///
    /// 1. starts with `data:` (any case) -> [`ImageSource::DataUrl`];
    /// 2. starts with `<scheme>://`, where the scheme is at least two characters of
    ///    `[A-Za-z][A-Za-z0-9+.-]*` -> [`ImageSource::Url`]. `http`/`https` are fetched
    ///    (subject to the policy); any other scheme (`file://`, `ftp://`, ...) is refused by
    ///    [`read_source`] with `SourceNotAllowed`, never read as a path;
    /// 3. at least [`BASE64_GUESS_MIN_LEN`] characters, made only of base64 characters
    ///    (one alphabet, `=` padding only at the end) and whitespace, with a decodable
    ///    length -> [`ImageSource::Base64`]. A `/` does not prevent this (standard base64
    ///    uses it and every JPEG's base64 starts `/9j/`), but a `.` does, so real file
    ///    paths with an extension are never mistaken for base64;
    /// 4. anything else -> [`ImageSource::Path`].
    pub fn guess(s: &str) -> ImageSource {
        let t = s.trim_start();
        if t.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("data:")) {
            return ImageSource::DataUrl(s.trim().to_string());
        }
        if has_url_scheme(t) {
            return ImageSource::Url(s.trim().to_string());
        }
        if s.len() >= BASE64_GUESS_MIN_LEN && encoded::looks_like_base64(s) {
            return ImageSource::Base64(s.to_string());
        }
        ImageSource::Path(PathBuf::from(s))
    }

    /// What kind of source this is, as one word (`bytes`, `base64`, `data_url`, `path`,
    /// `url`): how callers name a record without re-implementing [`ImageSource::guess`].
    pub fn kind(&self) -> &'static str {
        match self {
            ImageSource::Bytes(_) => "bytes",
            ImageSource::Base64(_) => "base64",
            ImageSource::DataUrl(_) => "data_url",
            ImageSource::Path(_) => "path",
            ImageSource::Url(_) => "url",
        }
    }
}

/// `scheme://` at the start, with a scheme of two or more characters (so `C://x` stays a path).
fn has_url_scheme(s: &str) -> bool {
    let Some(end) = s.find("://") else {
        return false;
    };
    let scheme = &s[..end];
    scheme.len() >= 2
        && scheme.as_bytes()[0].is_ascii_alphabetic()
        && scheme
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
}

#[derive(Clone, Debug)]
pub struct SourcePolicy {
    /// Paths must canonicalise to somewhere under one of these; empty refuses every path.
    pub allowed_roots: Vec<PathBuf>,
    /// URLs are refused unless this is set.
    pub allow_urls: bool,
    /// When non-empty, a URL's host must be one of these (exact, case-insensitive; IP
    /// literals compare in canonical form, IPv6 with or without brackets).
    pub allowed_hosts: Vec<String>,
    /// Allow loopback/private/link-local/metadata addresses (tests against 127.0.0.1).
    /// This lifts the whole address check of `url_guard`.
    pub allow_private_networks: bool,
    /// One deadline for a whole URL fetch: DNS, connects, redirects and body.
    pub timeout: Duration,
    /// The largest image accepted from any source, in bytes.
    pub max_bytes: u64,
    /// Redirects followed (each re-checked like the first URL) before giving up.
    pub max_redirects: usize,
}

impl Default for SourcePolicy {
    /// Paths refused (no roots), URLs off, private networks refused, 10 s, 50 MiB, 3 redirects.
    fn default() -> Self {
        SourcePolicy {
            allowed_roots: Vec::new(),
            allow_urls: false,
            allowed_hosts: Vec::new(),
            allow_private_networks: false,
            timeout: Duration::from_secs(10),
            max_bytes: 50 << 20,
            max_redirects: 3,
        }
    }
}

/// The raw (still encoded) image bytes of `src`, if `policy` allows reading it.
pub fn read_source(src: &ImageSource, policy: &SourcePolicy) -> Result<Vec<u8>> {
    match src {
        ImageSource::Bytes(b) => {
            if b.is_empty() {
                return Err(Error::invalid_image(
                    "image bytes are empty; pass the encoded image file contents",
                ));
            }
            if b.len() as u64 > policy.max_bytes {
                return Err(Error::not_allowed(format!(
                    "image bytes are {} long, over max_bytes {}; raise max_bytes or send a \
                     smaller image",
                    b.len(),
                    policy.max_bytes
                )));
            }
            Ok(b.clone())
        }
        ImageSource::Base64(s) => encoded::decode_base64(s, policy.max_bytes, "base64 image"),
        ImageSource::DataUrl(s) => encoded::decode_data_url(s, policy.max_bytes),
        ImageSource::Path(p) => path::read_path(p, &policy.allowed_roots, policy.max_bytes),
        ImageSource::Url(u) => fetch::fetch_url(u, policy),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn b64(n: usize) -> String {
        base64::engine::general_purpose::STANDARD.encode(vec![0xffu8; n])
    }

    #[test]
    fn default_policy() {
        let p = SourcePolicy::default();
        assert!(p.allowed_roots.is_empty() && p.allowed_hosts.is_empty());
        assert!(!p.allow_urls && !p.allow_private_networks);
        assert_eq!(p.timeout, Duration::from_secs(10));
        assert_eq!(p.max_bytes, 50 * 1024 * 1024);
        assert_eq!(p.max_redirects, 3);
    }

    #[test]
    fn guess_rules() {
        use ImageSource as S;
        let g = ImageSource::guess;
        assert!(matches!(g("data:image/png;base64,AAAA"), S::DataUrl(_)));
        assert!(matches!(g("DATA:image/png;base64,AAAA"), S::DataUrl(_)));
        assert!(matches!(g("data:text/plain,hi"), S::DataUrl(_)));
        assert!(matches!(g("http://example.com/a.png"), S::Url(_)));
        assert!(matches!(g("HTTPS://example.com/a.png"), S::Url(_)));
        for other in [
            "file:///etc/passwd",
            "ftp://h/x",
            "gopher://h/",
            "s3://b/k.png",
        ] {
            assert!(matches!(g(other), S::Url(_)), "{other}");
        }
        assert_eq!(g("/data/cat.png"), S::Path("/data/cat.png".into()));
        assert_eq!(g("cat.png"), S::Path("cat.png".into()));
        assert_eq!(g("C://x/cat.png"), S::Path("C://x/cat.png".into()));
        assert_eq!(g("dir/a://b.png"), S::Path("dir/a://b.png".into()));
        // Short base64 is a path (a file called "AAAA" is plausible); long base64 is base64.
        assert!(matches!(g("AAAA"), S::Path(_)));
        assert_eq!(g("AAAA").kind(), "path");
        assert_eq!(g("data:image/png;base64,AAAA").kind(), "data_url");
        assert_eq!(g("https://h/a.png").kind(), "url");
        assert_eq!(g(&b64(300)).kind(), "base64");
        let long = b64(300);
        assert!(long.contains('/'), "standard base64 with '/'");
        assert!(matches!(g(&long), S::Base64(_)));
        assert!(matches!(g(&format!("/9j/{}", &long[4..])), S::Base64(_)));
        let wrapped: String = long
            .as_bytes()
            .chunks(76)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(matches!(g(&wrapped), S::Base64(_)));
        let urlsafe = long.replace('+', "-").replace('/', "_");
        assert!(matches!(g(&urlsafe), S::Base64(_)));
        // A long path with an extension is still a path.
        let long_path = format!("/{}/img.png", "a".repeat(300));
        assert!(matches!(g(&long_path), S::Path(_)));
    }

    #[test]
    fn other_schemes_are_refused_not_read() {
        let p = SourcePolicy {
            allow_urls: true,
            allowed_roots: vec!["/".into()],
            ..SourcePolicy::default()
        };
        for s in ["file:///etc/passwd", "ftp://h/x", "gopher://h:70/x"] {
            let e = read_source(&ImageSource::guess(s), &p).unwrap_err();
            assert!(
                matches!(e, Error::SourceNotAllowed(ref m) if m.contains("only http and https")),
                "{s}: {e}"
            );
        }
    }

    #[test]
    fn bytes_and_inline_sources() {
        let p = SourcePolicy::default();
        assert_eq!(
            read_source(&ImageSource::Bytes(vec![1, 2]), &p).unwrap(),
            [1, 2]
        );
        let e = read_source(&ImageSource::Bytes(vec![]), &p).unwrap_err();
        assert!(matches!(e, Error::InvalidImage(_)), "{e}");
        let small = SourcePolicy {
            max_bytes: 1,
            ..SourcePolicy::default()
        };
        let e = read_source(&ImageSource::Bytes(vec![1, 2]), &small).unwrap_err();
        assert!(matches!(e, Error::SourceNotAllowed(_)), "{e}");
        let s = b64(300);
        assert_eq!(
            read_source(&ImageSource::guess(&s), &p).unwrap(),
            vec![0xff; 300]
        );
        let d = format!("data:image/png;base64,{s}");
        assert_eq!(
            read_source(&ImageSource::guess(&d), &p).unwrap(),
            vec![0xff; 300]
        );
        let e = read_source(&ImageSource::guess("data:text/plain;base64,AAAA"), &p).unwrap_err();
        assert!(matches!(e, Error::InvalidImage(_)), "{e}");
    }

    #[test]
    fn default_policy_refuses_paths_and_urls() {
        let p = SourcePolicy::default();
        let e = read_source(&ImageSource::guess("/etc/passwd"), &p).unwrap_err();
        assert!(
            matches!(e, Error::SourceNotAllowed(ref m) if m.contains("allowed_roots")),
            "{e}"
        );
        let e = read_source(&ImageSource::guess("http://127.0.0.1:9/x.png"), &p).unwrap_err();
        assert!(
            matches!(e, Error::SourceNotAllowed(ref m) if m.contains("allow_urls")),
            "{e}"
        );
    }
}

//! Where image bytes come from, and the policy that guards paths and URLs (OWNER: source helper).
use std::path::PathBuf;
use std::time::Duration;

use crate::error::Result;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageSource {
    Bytes(Vec<u8>),
    Base64(String),
    DataUrl(String),
    Path(PathBuf),
    Url(String),
}

#[derive(Clone, Debug)]
pub struct SourcePolicy {
    /// Paths must canonicalise to somewhere under one of these; empty refuses every path.
    pub allowed_roots: Vec<PathBuf>,
    /// URLs are refused unless this is set.
    pub allow_urls: bool,
    /// When non-empty, a URL's host must be one of these.
    pub allowed_hosts: Vec<String>,
    /// Allow loopback/private/link-local/metadata addresses (tests against 127.0.0.1).
    pub allow_private_networks: bool,
    pub timeout: Duration,
    pub max_bytes: u64,
    pub max_redirects: usize,
}

pub fn read_source(src: &ImageSource, policy: &SourcePolicy) -> Result<Vec<u8>> {
    let _ = (src, policy);
    todo!()
}

impl Default for SourcePolicy {
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

impl ImageSource {
    /// Interprets a string from Python: data URL, http(s) URL, long base64, else a path.
    pub fn guess(s: &str) -> ImageSource {
        if s.starts_with("data:") {
            ImageSource::DataUrl(s.to_string())
        } else if s.contains("://") {
            ImageSource::Url(s.to_string())
        } else if s.len() >= 256 && !s.contains('/') {
            ImageSource::Base64(s.to_string())
        } else {
            ImageSource::Path(PathBuf::from(s))
        }
    }
}

//! Inline image sources: base64 text and `data:` URLs.
use base64::alphabet::{self, Alphabet};
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

use crate::error::{Error, Result};

const DATA_URL_FORM: &str = "data:image/<type>[;params];base64,<payload>";

fn engine(alphabet: &Alphabet) -> GeneralPurpose {
    GeneralPurpose::new(
        alphabet,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    )
}

fn is_b64_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_' | b'=')
}

/// The base64 text without the whitespace clients insert when wrapping lines.
fn strip_whitespace(s: &str) -> Vec<u8> {
    s.bytes().filter(|c| !c.is_ascii_whitespace()).collect()
}

/// Cheap structural test used by `ImageSource::guess`: only base64 characters (either
/// alphabet, not mixed) and whitespace, padding only at the end, a length that can decode.
pub(crate) fn looks_like_base64(s: &str) -> bool {
    let clean = strip_whitespace(s);
    if clean.is_empty() || clean.len() % 4 == 1 || !clean.iter().all(|&c| is_b64_char(c)) {
        return false;
    }
    let body_len = clean.len() - clean.iter().rev().take_while(|&&c| c == b'=').count();
    if clean.len() - body_len > 2 || clean[..body_len].contains(&b'=') {
        return false;
    }
    let std = clean.iter().any(|c| matches!(c, b'+' | b'/'));
    let url = clean.iter().any(|c| matches!(c, b'-' | b'_'));
    !(std && url)
}

/// Decode standard or URL-safe base64, padded or not, ignoring ASCII whitespace.
pub(crate) fn decode_base64(s: &str, max_bytes: u64, what: &str) -> Result<Vec<u8>> {
    let clean = strip_whitespace(s);
    let std = clean.iter().any(|c| matches!(c, b'+' | b'/'));
    let url = clean.iter().any(|c| matches!(c, b'-' | b'_'));
    if std && url {
        return Err(Error::invalid_image(format!(
            "invalid base64 in {what}: it mixes the standard (+ /) and URL-safe (- _) alphabets; \
             encode the image with one alphabet"
        )));
    }
    let estimate = (clean.len() as u64 / 4) * 3;
    if estimate > max_bytes.saturating_add(3) {
        return Err(Error::not_allowed(format!(
            "{what} decodes to about {estimate} bytes, over max_bytes {max_bytes}; \
             raise max_bytes or send a smaller image"
        )));
    }
    let alphabet = if url {
        &alphabet::URL_SAFE
    } else {
        &alphabet::STANDARD
    };
    let bytes = engine(alphabet).decode(&clean).map_err(|e| {
        Error::invalid_image(format!(
            "invalid base64 in {what}: {e} (offset ignores whitespace); send the image bytes \
             base64-encoded with the standard or URL-safe alphabet"
        ))
    })?;
    if bytes.is_empty() {
        return Err(Error::invalid_image(format!(
            "{what} is empty after base64 decoding; send the encoded image bytes"
        )));
    }
    if bytes.len() as u64 > max_bytes {
        return Err(Error::not_allowed(format!(
            "{what} decodes to {} bytes, over max_bytes {max_bytes}; raise max_bytes or send a \
             smaller image",
            bytes.len()
        )));
    }
    Ok(bytes)
}

fn preview(s: &str) -> String {
    const MAX: usize = 48;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

fn bad_data_url(header: &str, why: &str) -> Error {
    Error::invalid_image(format!(
        "data URL {:?} {why}; expected {DATA_URL_FORM}, e.g. data:image/png;base64,iVBORw0KGgo...",
        preview(header)
    ))
}

/// Percent-decode a data URL payload (some clients escape `+`, `/` and `=`).
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Decode `data:image/<subtype>[;params];base64,<payload>`.
pub(crate) fn decode_data_url(s: &str, max_bytes: u64) -> Result<Vec<u8>> {
    let rest = match s.get(..5) {
        Some(p) if p.eq_ignore_ascii_case("data:") => &s[5..],
        _ => return Err(bad_data_url(s, "does not start with data:")),
    };
    let Some(comma) = rest.find(',') else {
        return Err(bad_data_url(s, "has no ',' before the payload"));
    };
    let header = &rest[..comma];
    let shown = &s[..5 + comma];
    let mut parts = header.split(';').map(str::trim);
    let mime = parts.next().unwrap_or("");
    let subtype = match mime.get(..6) {
        Some(p) if p.eq_ignore_ascii_case("image/") => &mime[6..],
        _ => {
            return Err(bad_data_url(
                shown,
                &format!("has media type {mime:?}, not image/*"),
            ))
        }
    };
    if subtype.is_empty()
        || !subtype
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"+-.".contains(&c))
    {
        return Err(bad_data_url(shown, "has an invalid image subtype"));
    }
    let params: Vec<&str> = parts.collect();
    if !params
        .last()
        .is_some_and(|p| p.eq_ignore_ascii_case("base64"))
    {
        return Err(bad_data_url(shown, "is not base64-encoded (no ;base64)"));
    }
    let payload = &rest[comma + 1..];
    let decoded;
    let payload = if payload.contains('%') {
        decoded = percent_decode(payload)
            .ok_or_else(|| bad_data_url(shown, "has a malformed %-escape in its payload"))?;
        decoded.as_str()
    } else {
        payload
    };
    decode_base64(payload, max_bytes, "data URL payload")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: u64 = 1 << 20;
    // Bytes that differ between the standard and URL-safe alphabets: 0xfb 0xff -> "+/8" / "-_8".
    const RAW: &[u8] = &[0x89, b'P', b'N', b'G', 0xfb, 0xff, 0xbf, 0x00, 0x01];

    fn std_b64(b: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(b)
    }

    #[test]
    fn base64_standard_urlsafe_padding_whitespace() {
        let s = std_b64(RAW);
        assert!(s.contains('+') || s.contains('/'), "{s}");
        let url = s.replace('+', "-").replace('/', "_");
        let nopad = s.trim_end_matches('=').to_string();
        let url_nopad = url.trim_end_matches('=').to_string();
        let wrapped: String = s
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join("\r\n ");
        for v in [&s, &url, &nopad, &url_nopad, &wrapped, &format!("\n{s}\n")] {
            assert_eq!(decode_base64(v, MAX, "t").unwrap(), RAW, "{v:?}");
        }
    }

    #[test]
    fn base64_bad_cases() {
        let mixed = "ab+-abcd";
        let e = decode_base64(mixed, MAX, "t").unwrap_err();
        assert!(
            matches!(e, Error::InvalidImage(ref m) if m.contains("mixes")),
            "{e}"
        );
        for bad in ["abc$def", "a", "abcd=efg", "!!!!"] {
            let e = decode_base64(bad, MAX, "t").unwrap_err();
            assert!(
                matches!(e, Error::InvalidImage(ref m) if m.contains("base64")),
                "{e}"
            );
        }
        for empty in ["", "   \n", "===="] {
            let e = decode_base64(empty, MAX, "t").unwrap_err();
            assert!(matches!(e, Error::InvalidImage(_)), "{empty:?}: {e}");
        }
    }

    #[test]
    fn base64_over_max_bytes() {
        let s = std_b64(&[7u8; 100]);
        assert_eq!(decode_base64(&s, 100, "t").unwrap().len(), 100);
        let e = decode_base64(&s, 99, "t").unwrap_err();
        assert!(
            matches!(e, Error::SourceNotAllowed(ref m) if m.contains("max_bytes")),
            "{e}"
        );
        let e = decode_base64(&s, 10, "t").unwrap_err();
        assert!(matches!(e, Error::SourceNotAllowed(_)), "{e}");
    }

    #[test]
    fn data_url_good() {
        let b = std_b64(RAW);
        for url in [
            format!("data:image/png;base64,{b}"),
            format!("DATA:Image/PNG;BASE64,{b}"),
            format!("data:image/jpeg;name=x.jpg;charset=binary;base64,{b}"),
            format!("data:image/svg+xml;base64,{b}"),
            format!(
                "data:image/png;base64,{}",
                b.replace('+', "%2B").replace('/', "%2F")
            ),
            format!("data:image/webp;base64,{}", b.trim_end_matches('=')),
            format!(
                "data:image/png;base64,{}",
                b.replace('+', "-").replace('/', "_")
            ),
        ] {
            assert_eq!(decode_data_url(&url, MAX).unwrap(), RAW, "{url}");
        }
    }

    #[test]
    fn data_url_bad() {
        let b = std_b64(RAW);
        for (url, needle) in [
            (format!("data:text/plain;base64,{b}"), "not image/*"),
            (format!("data:image/png,{b}"), "no ;base64"),
            (format!("data:image/png;base64;foo,{b}"), "no ;base64"),
            (format!("data:;base64,{b}"), "not image/*"),
            (format!("data:image/;base64,{b}"), "subtype"),
            (format!("data:image/png;base64{b}"), "no ','"),
            (format!("image/png;base64,{b}"), "does not start"),
            ("data:image/png;base64,%zz".to_string(), "%-escape"),
        ] {
            let e = decode_data_url(&url, MAX).unwrap_err();
            match &e {
                Error::InvalidImage(m) => {
                    assert!(m.contains(needle), "{url}: {m}");
                    assert!(m.contains("data:image/<type>"), "{m}");
                }
                other => panic!("{url}: {other:?}"),
            }
        }
        let e = decode_data_url("data:image/png;base64,", MAX).unwrap_err();
        assert!(
            matches!(e, Error::InvalidImage(ref m) if m.contains("empty")),
            "{e}"
        );
        let e = decode_data_url("data:image/png;base64,@@@@", MAX).unwrap_err();
        assert!(
            matches!(e, Error::InvalidImage(ref m) if m.contains("base64")),
            "{e}"
        );
    }

    #[test]
    fn data_url_error_does_not_echo_the_payload() {
        let long = format!("data:text/plain;base64,{}", "A".repeat(10_000));
        let m = decode_data_url(&long, MAX).unwrap_err().to_string();
        assert!(m.len() < 400, "{m}");
    }

    #[test]
    fn looks_like_base64_rules() {
        assert!(looks_like_base64(&std_b64(&[1u8; 300])));
        assert!(looks_like_base64("/9j/4AAQSkZJRg=="));
        assert!(looks_like_base64("ab_-cd\nef"));
        assert!(!looks_like_base64("/data/images/cat.jpg"));
        assert!(!looks_like_base64("ab+_"));
        assert!(!looks_like_base64("abcde"));
        assert!(!looks_like_base64("ab=c"));
        assert!(!looks_like_base64("a==="));
        assert!(!looks_like_base64(""));
    }
}

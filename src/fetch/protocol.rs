//! What each serving protocol expects on the wire: the endpoint paths, the request body for
//! one image, and where the answer sits in the response.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use bytes::Bytes;
use serde_json::{json, Map, Value as Json};
use url::Url;

use crate::error::{Error, Result};

/// The protocols [`Protocol::parse`] accepts, for messages.
pub const PROTOCOL_NAMES: &str = "torchserve, kserve-v1, kserve-v2, openai";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `POST /predictions/{model}`, raw image bytes in, the output record out.
    TorchServe,
    /// KServe V1: `POST /v1/models/{model}:predict`, `{"instances": [{"image": {"b64"}}]}`.
    KServeV1,
    /// KServe V2 (Open Inference Protocol): a BYTES input `image`, the record in `outputs[0]`.
    KServeV2,
    /// An OpenAI-style chat completion: prompt + image data URL in, the model's text out.
    OpenAi,
}

/// What a successful response carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The server built the output record itself.
    Record(Map<String, Json>),
    /// The model's raw text; the client parses it into a record.
    Text(String),
}

impl Protocol {
    pub fn parse(name: &str) -> Result<Protocol> {
        match name.trim().to_ascii_lowercase().as_str() {
            "torchserve" => Ok(Protocol::TorchServe),
            "kserve-v1" => Ok(Protocol::KServeV1),
            "kserve-v2" => Ok(Protocol::KServeV2),
            "openai" => Ok(Protocol::OpenAi),
            _ => Err(Error::invalid_argument(format!(
                "unknown protocol {name:?}; use one of {PROTOCOL_NAMES}"
            ))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Protocol::TorchServe => "torchserve",
            Protocol::KServeV1 => "kserve-v1",
            Protocol::KServeV2 => "kserve-v2",
            Protocol::OpenAi => "openai",
        }
    }

    /// The path segments of the inference endpoint.
    fn infer_segments(self, model: &str) -> Vec<String> {
        match self {
            Protocol::TorchServe => vec!["predictions".into(), model.into()],
            Protocol::KServeV1 => vec!["v1".into(), "models".into(), format!("{model}:predict")],
            Protocol::KServeV2 => vec!["v2".into(), "models".into(), model.into(), "infer".into()],
            Protocol::OpenAi => vec!["v1".into(), "chat".into(), "completions".into()],
        }
    }

    /// The path segments of the health (readiness) endpoint.
    fn health_segments(self, model: &str) -> Vec<String> {
        match self {
            Protocol::TorchServe => vec!["ping".into()],
            Protocol::KServeV1 => vec!["v1".into(), "models".into(), model.into()],
            Protocol::KServeV2 => vec!["v2".into(), "models".into(), model.into(), "ready".into()],
            Protocol::OpenAi => vec!["v1".into(), "models".into()],
        }
    }

    pub fn infer_url(self, base: &Url, model: &str) -> Url {
        join(base, &self.infer_segments(model))
    }

    pub fn health_url(self, base: &Url, model: &str) -> Url {
        join(base, &self.health_segments(model))
    }

    /// `(content type, body)` of the request for one image.
    pub fn body(self, model: &str, prompt: &str, image: Bytes) -> (&'static str, Bytes) {
        let json_body = |value: Json| ("application/json", Bytes::from(value.to_string()));
        match self {
            Protocol::TorchServe => ("application/octet-stream", image),
            Protocol::KServeV1 => json_body(json!({
                "instances": [{"image": {"b64": BASE64.encode(&image)}}]
            })),
            Protocol::KServeV2 => json_body(json!({
                "inputs": [{"name": "image", "shape": [1], "datatype": "BYTES",
                            "data": [BASE64.encode(&image)]}]
            })),
            Protocol::OpenAi => json_body(json!({
                "model": model,
                "temperature": 0,
                "messages": [{"role": "user", "content": [
                    {"type": "text", "text": prompt},
                    {"type": "image_url", "image_url": {"url": data_url(&image)}},
                ]}],
            })),
        }
    }

    /// The answer in a 2xx response body, or what is wrong with the body.
    pub fn answer(self, body: &[u8]) -> std::result::Result<Answer, String> {
        let value: Json = serde_json::from_slice(body)
            .map_err(|e| format!("the response is not JSON ({e}): {}", snippet(body)))?;
        let (found, place) = match self {
            Protocol::TorchServe => (Some(&value), "the body"),
            Protocol::KServeV1 => (value.pointer("/predictions/0"), "predictions[0]"),
            Protocol::KServeV2 => (value.pointer("/outputs/0/data/0"), "outputs[0].data[0]"),
            Protocol::OpenAi => {
                let text = value.pointer("/choices/0/message/content");
                return match text.and_then(Json::as_str) {
                    Some(t) => Ok(Answer::Text(t.to_string())),
                    None => Err(format!(
                        "no text at choices[0].message.content: {}",
                        snippet(body)
                    )),
                };
            }
        };
        let record = match found {
            // A record may also come JSON-encoded inside a string (BYTES tensors do).
            Some(Json::String(text)) => serde_json::from_str(text).ok(),
            Some(other) => Some(other.clone()),
            None => None,
        };
        match record {
            Some(Json::Object(map)) if map.contains_key("fields") => Ok(Answer::Record(map)),
            _ => Err(format!(
                "no output record (an object with \"fields\") at {place}: {}",
                snippet(body)
            )),
        }
    }

    /// Whether a 2xx health response says ready: KServe V1 answers `{"ready": bool}`,
    /// TorchServe `{"status": "Healthy"}`; a body without those fields counts as ready.
    pub fn healthy(body: &[u8]) -> bool {
        let Ok(value) = serde_json::from_slice::<Json>(body) else {
            return true;
        };
        let ready = value.get("ready").and_then(Json::as_bool) != Some(false);
        let status = value.get("status").and_then(Json::as_str);
        ready && status.is_none_or(|s| s.eq_ignore_ascii_case("healthy"))
    }
}

fn join(base: &Url, segments: &[String]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

/// A `data:` URL for the image, its type sniffed from the magic bytes.
fn data_url(image: &[u8]) -> String {
    let mime = image::guess_format(image)
        .map(|f| f.to_mime_type())
        .unwrap_or("application/octet-stream");
    format!("data:{mime};base64,{}", BASE64.encode(image))
}

/// The start of a body on one line, for messages.
pub fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None if text.is_empty() => "(empty body)".to_string(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("http://127.0.0.1:8080/prefix/").unwrap()
    }

    #[test]
    fn endpoint_paths_per_protocol() {
        let paths: Vec<(String, String)> = [
            Protocol::TorchServe,
            Protocol::KServeV1,
            Protocol::KServeV2,
            Protocol::OpenAi,
        ]
        .iter()
        .map(|p| {
            let infer = p.infer_url(&base(), "inv");
            (
                infer.path().to_string(),
                p.health_url(&base(), "inv").path().to_string(),
            )
        })
        .collect();
        let want = [
            ("/prefix/predictions/inv", "/prefix/ping"),
            ("/prefix/v1/models/inv:predict", "/prefix/v1/models/inv"),
            ("/prefix/v2/models/inv/infer", "/prefix/v2/models/inv/ready"),
            ("/prefix/v1/chat/completions", "/prefix/v1/models"),
        ];
        for (got, want) in paths.iter().zip(want) {
            assert_eq!((got.0.as_str(), got.1.as_str()), want);
        }
        let odd = Protocol::TorchServe.infer_url(&base(), "a b/c");
        assert_eq!(odd.path(), "/prefix/predictions/a%20b%2Fc");
    }

    #[test]
    fn request_bodies_carry_the_image() {
        let png = Bytes::from_static(b"\x89PNG\r\n\x1a\n rest");
        let b64 = BASE64.encode(&png);
        let (ct, body) = Protocol::TorchServe.body("m", "p", png.clone());
        assert_eq!((ct, &body), ("application/octet-stream", &png));
        let json_of = |p: Protocol| {
            let (ct, body) = p.body("m", "PROMPT", png.clone());
            assert_eq!(ct, "application/json");
            serde_json::from_slice::<Json>(&body).unwrap()
        };
        assert_eq!(
            json_of(Protocol::KServeV1),
            json!({"instances": [{"image": {"b64": b64}}]})
        );
        let v2 = json_of(Protocol::KServeV2);
        assert_eq!(v2["inputs"][0]["name"], "image");
        assert_eq!(v2["inputs"][0]["datatype"], "BYTES");
        assert_eq!(v2["inputs"][0]["data"][0], json!(b64));
        let chat = json_of(Protocol::OpenAi);
        assert_eq!(chat["model"], "m");
        let content = &chat["messages"][0]["content"];
        assert_eq!(content[0], json!({"type": "text", "text": "PROMPT"}));
        assert_eq!(
            content[1]["image_url"]["url"],
            json!(format!("data:image/png;base64,{b64}"))
        );
    }

    #[test]
    fn answers_are_found_where_each_protocol_puts_them() {
        let rec = json!({"document": "x", "fields": {"A": null}});
        let want = rec.as_object().unwrap().clone();
        let answer = |p: Protocol, body: Json| p.answer(body.to_string().as_bytes());
        assert_eq!(
            answer(Protocol::TorchServe, rec.clone()),
            Ok(Answer::Record(want.clone()))
        );
        assert_eq!(
            answer(Protocol::KServeV1, json!({"predictions": [rec.clone()]})),
            Ok(Answer::Record(want.clone()))
        );
        let v2 = json!({"outputs": [{"name": "record", "datatype": "BYTES", "shape": [1],
                                     "data": [rec.to_string()]}]});
        assert_eq!(answer(Protocol::KServeV2, v2), Ok(Answer::Record(want)));
        let chat = json!({"choices": [{"message": {"role": "assistant", "content": "TOTAL: 5"}}]});
        assert_eq!(
            answer(Protocol::OpenAi, chat),
            Ok(Answer::Text("TOTAL: 5".into()))
        );
        let wrong = answer(Protocol::KServeV1, json!({"predictions": [1]})).unwrap_err();
        assert!(wrong.contains("predictions[0]"), "{wrong}");
        let junk = Protocol::TorchServe
            .answer(b"<html>oops</html>")
            .unwrap_err();
        assert!(
            junk.contains("not JSON") && junk.contains("<html>"),
            "{junk}"
        );
    }

    #[test]
    fn health_bodies() {
        assert!(Protocol::healthy(br#"{"status": "Healthy"}"#));
        assert!(!Protocol::healthy(br#"{"status": "Unhealthy"}"#));
        assert!(Protocol::healthy(br#"{"name": "m", "ready": true}"#));
        assert!(!Protocol::healthy(br#"{"name": "m", "ready": false}"#));
        assert!(Protocol::healthy(b""));
        assert!(Protocol::healthy(br#"{"object": "list", "data": []}"#));
    }

    #[test]
    fn protocol_names_round_trip() {
        for name in PROTOCOL_NAMES.split(", ") {
            assert_eq!(Protocol::parse(name).unwrap().name(), name);
        }
        let err = Protocol::parse("grpc").unwrap_err().to_string();
        assert!(err.contains("torchserve"), "{err}");
    }
}

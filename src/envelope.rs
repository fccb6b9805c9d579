//! Captured requests: a line of captured traffic may be the whole request, not only its body:
//! `{"received_at": "...", "from": "Tigera", "token": "...", "content_type": "application/json",
//! "body": {...}}`. An envelope may also carry the `url` (whose `from=` and `token=` parameters count)
//! and `headers` (whose `Authorization: Bearer` counts as the token).
//!
//! Detection rule (without `--envelope`): a JSON object with a `body` key, all of whose keys are
//! envelope keys, is an envelope; anything else is a bare body.

use crate::payload::{Json, NotJson, Payload};
use crate::timestamp::{self, Millis};
use serde_json::{Map, Value};

/// The keys an envelope may have.
pub const KEYS: [&str; 7] = [
    "received_at",
    "from",
    "token",
    "content_type",
    "body",
    "url",
    "headers",
];

/// One request of captured traffic.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The body as Callgoose sees it (empty for a content type it does not process).
    pub payload: Payload,
    /// The `from=` parameter, when the capture has one.
    pub from: Option<String>,
    /// The API token the request carried, when the capture has one. A secret: never shown.
    pub token: Option<String>,
    /// When it was received.
    pub received_at: Option<Millis>,
}

impl Request {
    /// A bare body: no envelope around it.
    pub fn bare(payload: Payload) -> Request {
        Request {
            payload,
            from: None,
            token: None,
            received_at: None,
        }
    }
}

/// How bodies are read as requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvelopeMode {
    /// By the detection rule.
    Detect,
    /// Every body is an envelope.
    Always,
}

/// A body as a request: opened when it is an envelope.
pub fn request_of(payload: Payload, mode: EnvelopeMode) -> Result<Request, String> {
    let is_envelope = match (&payload.json, mode) {
        (Ok(Json::Full(value)), EnvelopeMode::Detect) => looks_like_envelope(value),
        (Ok(Json::Lazy(doc)), EnvelopeMode::Detect) => doc.looks_like_envelope(),
        (_, EnvelopeMode::Always) => true,
        (Err(_), EnvelopeMode::Detect) => false,
    };
    if !is_envelope {
        return Ok(Request::bare(payload));
    }
    match payload.value() {
        Some(value) => open(&value),
        None => Err("an envelope must be JSON".into()),
    }
}

/// Whether `value` is an envelope by the detection rule.
pub fn looks_like_envelope(value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            map.contains_key("body") && map.keys().all(|k| KEYS.contains(&k.as_str()))
        }
        _ => false,
    }
}

/// Opens an envelope. The error says what is wrong with it, never its content.
pub fn open(value: &Value) -> Result<Request, String> {
    let Value::Object(map) = value else {
        return Err("an envelope is a JSON object with a `body`".into());
    };
    if let Some(unknown) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!(
            "unknown envelope key `{unknown}`: an envelope has {}",
            KEYS.join(", ")
        ));
    }
    let text = |key: &str| -> Result<Option<String>, String> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("the envelope's `{key}` must be a string")),
        }
    };
    let query = text("url")?.map(|u| query_params(&u)).unwrap_or_default();
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let token = text("token")?
        .or_else(|| bearer(map))
        .or_else(|| param("token"));
    let from = text("from")?.or_else(|| param("from"));
    let received_at = match map.get("received_at") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            timestamp::parse_value(v)
                .ok_or("the envelope's `received_at` is not an RFC 3339 time or an epoch number")?,
        ),
    };
    let body = map.get("body").ok_or("the envelope has no `body`")?;
    let content_type = text("content_type")?;
    let payload = match content_type.as_deref() {
        Some(ct) if !is_text(ct) => Payload {
            raw: String::new(),
            json: Err(NotJson {
                line: 1,
                column: 1,
                message: format!("content type {ct} is not processed, so the body counts as empty"),
            }),
        },
        _ => body_payload(body),
    };
    Ok(Request {
        payload,
        from,
        token,
        received_at,
    })
}

/// The body of an envelope: a JSON value as it is, or a string holding the body's text.
fn body_payload(body: &Value) -> Payload {
    match body {
        Value::String(raw) => match serde_json::from_str::<Value>(raw) {
            Ok(value) => Payload::json(raw.clone(), value),
            Err(e) => Payload {
                raw: raw.clone(),
                json: Err(NotJson {
                    line: e.line().max(1),
                    column: e.column().max(1),
                    message: "the body is not JSON".into(),
                }),
            },
        },
        value => Payload::json(value.to_string(), value.clone()),
    }
}

/// Text content types are processed; any other counts as an empty payload.
fn is_text(content_type: &str) -> bool {
    let ct = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    ct.starts_with("text/")
        || ct.ends_with("/json")
        || ct.ends_with("+json")
        || ct.ends_with("/xml")
        || ct.ends_with("+xml")
        || ct == "application/x-www-form-urlencoded"
        || ct == "application/javascript"
}

fn bearer(map: &Map<String, Value>) -> Option<String> {
    let Some(Value::Object(headers)) = map.get("headers") else {
        return None;
    };
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, v)| v.as_str())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_owned())
}

/// The query parameters of a URL, percent-decoded.
fn query_params(url: &str) -> Vec<(String, String)> {
    let Some((_, query)) = url.split_once('?') else {
        return Vec::new();
    };
    let query = query.split('#').next().unwrap_or("");
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| s.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[i], escaped) {
            (_, Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (b, None) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn detection_needs_a_body_and_only_envelope_keys() {
        assert!(looks_like_envelope(&json!({"body": {}, "token": "t"})));
        assert!(!looks_like_envelope(
            &json!({"body": "x", "status": "firing"})
        ));
        assert!(!looks_like_envelope(&json!({"status": "firing"})));
        assert!(!looks_like_envelope(&json!(["body"])));
    }

    #[test]
    fn opens_every_field() {
        let r = open(&json!({
            "received_at": "2026-04-17T12:00:00Z", "from": "Tigera", "token": "s3cret",
            "content_type": "application/json; charset=utf-8", "body": {"status": "firing"}
        }))
        .unwrap();
        assert_eq!(r.from.as_deref(), Some("Tigera"));
        assert_eq!(r.token.as_deref(), Some("s3cret"));
        assert_eq!(r.received_at, Some(1_776_427_200_000));
        assert_eq!(
            r.payload.value().as_deref(),
            Some(&json!({"status": "firing"}))
        );
        assert_eq!(r.payload.raw, r#"{"status":"firing"}"#);
    }

    #[test]
    fn token_and_from_from_the_url_or_a_bearer_header() {
        let r = open(&json!({"url": "https://x.callgoose.com/v1/process?from=Grafana%20Cloud&token=a%2Bb", "body": {}}))
            .unwrap();
        assert_eq!(
            (r.from.as_deref(), r.token.as_deref()),
            (Some("Grafana Cloud"), Some("a+b"))
        );
        let r = open(&json!({"headers": {"authorization": "Bearer t-1"}, "body": {}})).unwrap();
        assert_eq!(r.token.as_deref(), Some("t-1"));
    }

    #[test]
    fn a_string_body_is_the_text_as_received() {
        let r = open(&json!({"body": "{\"a\": 1}"})).unwrap();
        assert_eq!(r.payload.raw, "{\"a\": 1}");
        assert_eq!(r.payload.value().as_deref(), Some(&json!({"a": 1})));
        let r = open(&json!({"body": "disk full"})).unwrap();
        assert!(r.payload.json.is_err());
    }

    #[test]
    fn a_binary_content_type_counts_as_an_empty_payload() {
        let r = open(
            &json!({"content_type": "application/octet-stream", "body": {"status": "firing"}}),
        )
        .unwrap();
        assert_eq!(r.payload.raw, "");
        assert!(r.payload.json.is_err());
        assert!(
            is_text("text/plain") && is_text("application/vnd.api+json") && !is_text("image/png")
        );
    }

    #[test]
    fn errors_never_quote_the_content() {
        let e = open(&json!({"body": {}, "token": 42})).unwrap_err();
        assert_eq!(e, "the envelope's `token` must be a string");
        let e = open(&json!({"body": {}, "received_at": "yesterday"})).unwrap_err();
        assert!(!e.contains("yesterday"));
    }
}

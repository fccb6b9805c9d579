//! Captured requests: a line of captured traffic may be the whole request, not only its body:
//! `{"received_at": "...", "from": "Tigera", "token": "...", "content_type": "application/json",
//! "body": {...}}`. An envelope may also carry the `url` (whose `from=` and `token=` parameters count)
//! and `headers` (whose `Authorization: Bearer` counts as the token).
//!
//! Reading rules: the token is the envelope's `token`, else the `Authorization` header's (scheme `Bearer`
//! in any case, then any white space), else the URL's `token=`; `from` is the envelope's, else the URL's.
//! The URL's query ends at the fragment (`#`) and is form-decoded; a parameter repeated with different
//! values makes the line unreadable.
//!
//! Detection rule (without `--envelope`): a JSON object with a `body` key, all of whose keys are
//! envelope keys, is an envelope; anything else is a bare body.
//!
//! `serve` takes what it receives by the same rules: the content type ([`payload_of`]), the URL's
//! parameters and the `Authorization` header; so a recorded request replays as it was answered.

use crate::document::ENVELOPE_KEYS as KEYS;
use crate::payload::{Json, NotJson, Payload};
use crate::timestamp::{self, Millis};
use serde_json::Value;

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
    let (url_token, url_from) = match text("url")? {
        Some(url) => query_token_and_from(url_query(&url)).map_err(|name| {
            format!(
                "the envelope's `url` has the `{name}` parameter more than once, with different values: a request carries one"
            )
        })?,
        None => (None, None),
    };
    // One source of each: the envelope's own key, then (for the token) the header, then the URL.
    let header = match map.get("headers") {
        Some(Value::Object(headers)) => headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .and_then(|(_, v)| v.as_str())
            .and_then(bearer),
        _ => None,
    };
    let token = text("token")?.or(header).or(url_token);
    let from = text("from")?.or(url_from);
    let received_at = match map.get("received_at") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            timestamp::parse_value(v)
                .map_err(|e| format!("the envelope's `received_at` is {e}"))?,
        ),
    };
    let body = map.get("body").ok_or("the envelope has no `body`")?;
    let content_type = text("content_type")?;
    let payload = match (content_type.as_deref(), body) {
        (Some(ct), _) if !is_text(ct) => unprocessed(ct),
        (_, Value::String(raw)) => text_payload(raw.clone()),
        (_, value) => Payload::json(value.to_string(), value.clone()),
    };
    Ok(Request {
        payload,
        from,
        token,
        received_at,
    })
}

/// A body received as text with its `Content-Type`, as Callgoose takes it: a text type's body is
/// processed (as JSON when it parses), any other counts as an empty payload. No content type at all
/// is processed, as an envelope without `content_type` is.
pub fn payload_of(text: String, content_type: Option<&str>) -> Payload {
    match content_type {
        Some(ct) if !is_text(ct) => unprocessed(ct),
        _ => text_payload(text),
    }
}

/// The empty payload a body of a content type Callgoose does not process counts as.
fn unprocessed(content_type: &str) -> Payload {
    Payload {
        raw: String::new(),
        json: Err(NotJson {
            line: 1,
            column: 1,
            message: format!(
                "content type {content_type} is not processed, so the body counts as empty"
            ),
        }),
    }
}

/// A body's text as received: JSON when it parses, else a text body.
fn text_payload(raw: String) -> Payload {
    match crate::json_text::parse_json::<Value>(raw.as_bytes()) {
        Ok(value) => Payload::json(raw, value),
        Err(e) => Payload {
            raw,
            json: Err(NotJson {
                line: e.line().max(1),
                column: e.column().max(1),
                message: "the body is not JSON".into(),
            }),
        },
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

/// The token of an `Authorization` header's value: the scheme `Bearer` in any case, then any white
/// space.
pub(crate) fn bearer(value: &str) -> Option<String> {
    let (scheme, token) = value
        .trim_start()
        .split_once(|c: char| c.is_ascii_whitespace())?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

/// The query of a URL: after the `?`, up to the fragment (`#`); empty when it has none.
fn url_query(url: &str) -> &str {
    let url = url.split_once('#').map_or(url, |(before, _)| before);
    url.split_once('?').map_or("", |(_, query)| query)
}

/// The `token` and `from` parameters of a URL's query, decoded as a form (`+` is a space, `%2B` a
/// plus, a `%` without two hex digits stays as written). A parameter repeated with different values
/// is an error naming it: the request names two tokens (or two senders), and guessing which one
/// Callgoose reads would make the verdict a guess.
pub(crate) fn query_token_and_from(
    query: &str,
) -> Result<(Option<String>, Option<String>), &'static str> {
    let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let one = |name: &'static str| {
        let mut values = params.iter().filter(|(k, _)| k == name).map(|(_, v)| v);
        let Some(first) = values.next() else {
            return Ok(None);
        };
        if values.any(|v| v != first) {
            return Err(name);
        }
        Ok(Some(first.clone()))
    };
    Ok((one("token")?, one("from")?))
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

    fn token_of(envelope: serde_json::Value) -> Result<Option<String>, String> {
        open(&envelope).map(|r| r.token)
    }

    #[test]
    fn the_auth_scheme_is_case_insensitive_with_any_white_space_after_it() {
        for header in [
            "BEARER t-1",
            "bearer t-1",
            "BeArEr\tt-1",
            "Bearer   t-1 ",
            " Bearer\r\n t-1",
        ] {
            let got = token_of(json!({"headers": {"Authorization": header}, "body": {}}));
            assert_eq!(got, Ok(Some("t-1".into())), "{header:?}");
        }
        for not_bearer in ["Basic dXNlcg==", "Bearer", "Bearer   ", "Bearert-1", "t-1"] {
            let got = token_of(json!({"headers": {"authorization": not_bearer}, "body": {}}));
            assert_eq!(got, Ok(None), "{not_bearer:?}");
        }
    }

    #[test]
    fn url_parameters_are_form_decoded_and_the_fragment_is_not_the_query() {
        let url = |u: &str| token_of(json!({"url": u, "body": {}}));
        // `%+1` is no escape: the `+` is a space and the `%` stays as written.
        assert_eq!(url("/v1/process?token=%+1"), Ok(Some("% 1".into())));
        assert_eq!(
            url("/v1/process?token=a+b%2Bc%zz"),
            Ok(Some("a b+c%zz".into()))
        );
        assert_eq!(url("/v1/process?from=x#token=t-1"), Ok(None));
        assert_eq!(url("/v1/process#frag?token=t-1"), Ok(None));
        assert_eq!(
            url("/v1/process?token=t-1#token=t-2"),
            Ok(Some("t-1".into()))
        );
        assert_eq!(
            url("/v1/process?token=%E2%9C%93"),
            Ok(Some("\u{2713}".into()))
        );
    }

    #[test]
    fn a_repeated_token_parameter_must_repeat_the_same_value() {
        let url = |u: &str| token_of(json!({"url": u, "body": {}}));
        assert_eq!(
            url("/v1/process?token=t-1&token=t-1"),
            Ok(Some("t-1".into()))
        );
        let e = url("/v1/process?token=t-1&from=x&token=t-2").unwrap_err();
        assert_eq!(
            e,
            "the envelope's `url` has the `token` parameter more than once, with different values: a request carries one"
        );
        // The rule holds whichever source wins, and errors never quote a token.
        let e = token_of(json!({"url": "/p?token=t-1&token=t-2", "token": "t-0", "body": {}}))
            .unwrap_err();
        assert!(!e.contains("t-1") && !e.contains("t-2"), "{e}");
        // The envelope's own key wins over the header, which wins over the URL.
        let all =
            json!({"url": "/p?token=u", "headers": {"authorization": "Bearer h"}, "body": {}});
        assert_eq!(token_of(all), Ok(Some("h".into())));
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

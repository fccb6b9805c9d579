//! One request body as Callgoose sees it: the text as received and, when that text is JSON, its value.
//! Also the one rule for turning any JSON value into the text that conditions, titles and mapping keys
//! compare and show.

use crate::document::LazyDoc;
use serde_json::Value;
use std::borrow::Cow;

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Payload {
    /// The body exactly as received: the whole-payload description.
    pub raw: String,
    /// The parsed body, or why it is not JSON (then no key can be read from it).
    pub json: Result<Json, NotJson>,
}

/// A JSON body, parsed whole or read lazily (only what the filters need).
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// Parsed whole.
    Full(Value),
    /// Validated, with the top-level values the filters can reach located in the raw text.
    Lazy(LazyDoc),
}

/// Why a body is not JSON, positioned in its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotJson {
    /// 1-based line in the input.
    pub line: usize,
    /// 1-based column in the input.
    pub column: usize,
    /// The parser's message.
    pub message: String,
}

impl Payload {
    /// A body that parsed as JSON.
    pub fn json(raw: impl Into<String>, value: Value) -> Payload {
        Payload {
            raw: raw.into(),
            json: Ok(Json::Full(value)),
        }
    }

    /// The whole parsed body, when it is JSON: parsed now if it was read lazily.
    pub fn value(&self) -> Option<Cow<'_, Value>> {
        match &self.json {
            Ok(Json::Full(value)) => Some(Cow::Borrowed(value)),
            Ok(Json::Lazy(_)) => serde_json::from_str(&self.raw).ok().map(Cow::Owned),
            Err(_) => None,
        }
    }
}

/// The text of a value: strings as themselves, numbers and booleans (and null) as their JSON text,
/// objects and arrays as compact JSON text in the sender's key order.
pub fn text_of(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(json: &str) -> String {
        text_of(&serde_json::from_str(json).unwrap()).into_owned()
    }

    #[test]
    fn strings_are_themselves() {
        assert_eq!(text(r#""firing""#), "firing");
    }

    #[test]
    fn numbers_and_booleans_are_their_json_text() {
        assert_eq!(text("5"), "5");
        assert_eq!(text("true"), "true");
        assert_eq!(text("null"), "null");
    }

    #[test]
    fn numbers_keep_the_senders_spelling() {
        assert_eq!(text("5.0"), "5.0");
        assert_eq!(text("1.50"), "1.50");
        assert_eq!(
            text("123456789012345678901234567890"),
            "123456789012345678901234567890"
        );
    }

    #[test]
    fn objects_and_arrays_are_compact_json_in_sender_order() {
        assert_eq!(
            text(r#"{ "z": 1, "a": [ true, "x" ] }"#),
            r#"{"z":1,"a":[true,"x"]}"#
        );
    }
}

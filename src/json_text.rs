//! How Callgoose reads JSON text and shows a JSON value as text: the one rule for reading JSON text
//! (every read of a body, and of a value inside one, goes through [`parse_json`] or [`parse_json_str`]),
//! and the one rule for turning any JSON value into the text that conditions, titles and mapping keys
//! compare and show ([`text_of`]). A leaf: the payload, the lazy reader and the envelope all read JSON
//! through it.

use serde::de::DeserializeOwned;
use serde_json::Value;
use std::borrow::Cow;

/// Parses JSON text as Callgoose's JSON parser reads it. One difference from serde_json's own reading:
/// a lone surrogate escape (`"\ud83d"` without the low half of its pair, or a low half alone), which
/// JavaScript's, Java's and Python's parsers accept, is read as U+FFFD, the replacement character,
/// instead of refusing the body. A body is kept as received; only what is read from it changes.
pub fn parse_json<T: DeserializeOwned>(text: &[u8]) -> serde_json::Result<T> {
    match serde_json::from_slice(text) {
        // Repairing only after a failure keeps the common case a single parse.
        Err(e) if e.is_syntax() => match without_lone_surrogates(text) {
            Some(repaired) => serde_json::from_slice(&repaired),
            None => Err(e),
        },
        read => read,
    }
}

/// The text of a JSON string literal, quotes and escapes undone, read as [`parse_json`] reads it.
pub fn parse_json_str(literal: &str) -> Option<Cow<'_, str>> {
    match serde_json::from_str::<Cow<'_, str>>(literal) {
        Ok(text) => Some(text),
        Err(_) => {
            let repaired = without_lone_surrogates(literal.as_bytes())?;
            serde_json::from_slice::<String>(&repaired)
                .ok()
                .map(Cow::Owned)
        }
    }
}

/// `text` with every lone surrogate escape replaced by `\ufffd`, the same length, so that positions
/// stay those of the text as received; `None` when it has none. Backslashes pair off from the left:
/// in JSON text, every one is inside a string.
fn without_lone_surrogates(text: &[u8]) -> Option<Vec<u8>> {
    let escape = |at: usize| -> Option<u16> {
        let hex = text.get(at..at + 6)?.strip_prefix(b"\\u")?;
        if !hex.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
    };
    let mut repaired: Option<Vec<u8>> = None;
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'\\', &text[i..]) {
        let at = i + k;
        i = (at + 2).min(text.len());
        let Some(unit) = escape(at) else {
            continue;
        };
        i = at + 6;
        let lone = match unit {
            0xD800..=0xDBFF => match escape(at + 6) {
                Some(0xDC00..=0xDFFF) => {
                    i = at + 12;
                    false
                }
                _ => true,
            },
            0xDC00..=0xDFFF => true,
            _ => false,
        };
        if lone {
            let out = repaired.get_or_insert_with(|| text.to_vec());
            out[at..at + 6].copy_from_slice(b"\\ufffd");
        }
    }
    repaired
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
    fn a_lone_surrogate_reads_as_the_replacement_character() {
        for (json, text) in [
            (r#""\ud83d""#, "\u{fffd}"),
            (r#""a\udc00b""#, "a\u{fffd}b"),
            (r#""\ud83d\ud83d\ude00""#, "\u{fffd}\u{1f600}"),
            (r#""\ud83d\u0041""#, "\u{fffd}A"),
            (r#""\\ud83d""#, "\\ud83d"),
            (r#""\ud83d\ude00""#, "\u{1f600}"),
        ] {
            let value: Value = parse_json(json.as_bytes()).unwrap();
            assert_eq!(value, Value::String(text.into()), "{json}");
            assert_eq!(parse_json_str(json).as_deref(), Some(text), "{json}");
        }
    }

    #[test]
    fn a_repaired_body_keeps_its_other_errors_and_their_positions() {
        let e = parse_json::<Value>(br#"{"a": "\ud83d", "b": tru}"#).unwrap_err();
        assert_eq!((e.line(), e.column()), (1, 25));
        assert!(e.to_string().starts_with("expected ident"), "{e}");
        assert!(parse_json::<Value>(br#""\ud83d"#).is_err());
        assert_eq!(parse_json_str(r#""\q""#), None);
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

//! A body as handed out: its name, its position in its input and its payload, or the error of a
//! broken one; and the text of the bytes a payload is made of, a whole input read as one text body
//! included.

use crate::payload::{NotJson, Payload};
use std::fmt;

/// One request body of an input.
#[derive(Debug)]
pub struct Body {
    /// `path`, or `path#N` when the input holds more than one body.
    pub name: String,
    /// 1-based position of the body in its input.
    pub index: usize,
    /// The body, or why it could not be read.
    pub payload: Result<Payload, BodyError>,
}

/// A body of a multi-body input that is not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyError(pub NotJson);

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        write!(
            f,
            "line {}, column {}: {}: the body is skipped",
            e.line, e.column, e.message
        )
    }
}

/// The whole input as one text body, with the position where it stops being JSON (where its first
/// body failed).
pub(super) fn text_body(raw: Vec<u8>, first_error: Option<NotJson>) -> Payload {
    let error = first_error.unwrap_or_else(|| NotJson {
        line: 1,
        column: 1,
        message: "not a JSON value".to_owned(),
    });
    Payload {
        raw: into_text(raw),
        json: Err(error),
    }
}

/// The bytes as text, any invalid UTF-8 replaced (a JSON body has none).
pub(super) fn into_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

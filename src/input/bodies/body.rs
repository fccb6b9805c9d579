//! A body as handed out: its name, its position in its input and its payload, or the error of a
//! broken one; and the text of the bytes a payload is made of, a whole input read as one text body
//! included.

use super::parse::{not_utf8, parse_text};
use crate::document::KeySet;
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

/// A body as the reading hands it out: parsed, or (when the reading was told to leave that to its
/// taker, see [`super::Bodies::deferring`]) cut but not yet parsed, so that another thread can parse
/// it. [`RawBody::parse`] makes the same [`Body`] either way.
#[derive(Debug)]
pub struct RawBody {
    /// As [`Body::name`].
    pub name: String,
    /// As [`Body::index`].
    pub index: usize,
    content: Content,
}

#[derive(Debug)]
enum Content {
    Parsed(Result<Payload, BodyError>),
    /// The body's bytes, which start at `line` and `column` of the input.
    Unparsed {
        bytes: Vec<u8>,
        line: usize,
        column: usize,
    },
}

impl RawBody {
    /// A body already parsed.
    pub(super) fn parsed(name: String, index: usize, payload: Result<Payload, BodyError>) -> Self {
        RawBody {
            name,
            index,
            content: Content::Parsed(payload),
        }
    }

    /// A body to be parsed by its taker.
    pub(super) fn unparsed(
        name: String,
        index: usize,
        bytes: Vec<u8>,
        line: usize,
        column: usize,
    ) -> Self {
        RawBody {
            name,
            index,
            content: Content::Unparsed {
                bytes,
                line,
                column,
            },
        }
    }

    /// Roughly the memory the body holds.
    pub fn size(&self) -> usize {
        match &self.content {
            Content::Parsed(payload) => payload.as_ref().map_or(0, |p| p.raw.len()),
            Content::Unparsed { bytes, .. } => bytes.len(),
        }
    }

    /// The body, parsed now if it was not yet: `keys` must be those the reading was given
    /// ([`super::Bodies::reading_only`]), so that it reads as the reading would have.
    pub fn parse(self, keys: Option<&KeySet>) -> Body {
        let payload = match self.content {
            Content::Parsed(payload) => payload,
            Content::Unparsed {
                bytes,
                line,
                column,
            } => {
                // Made text first, checking UTF-8 once: `parse` would check it, then `into_text`.
                match String::from_utf8(bytes) {
                    Ok(raw) => match parse_text(raw.as_bytes(), line, column, keys) {
                        Ok(json) => Ok(Payload {
                            raw,
                            json: Ok(json),
                        }),
                        Err(e) => Err(BodyError(e)),
                    },
                    Err(e) => Err(BodyError(not_utf8(
                        e.as_bytes(),
                        e.utf8_error(),
                        line,
                        column,
                    ))),
                }
            }
        };
        Body {
            name: self.name,
            index: self.index,
            payload,
        }
    }
}

/// The payload of a body whose bytes parsed as `parsed`, or its error.
pub(super) fn payload_of(
    bytes: Vec<u8>,
    parsed: Result<crate::payload::Json, NotJson>,
) -> Result<Payload, BodyError> {
    match parsed {
        Ok(json) => Ok(Payload {
            raw: into_text(bytes),
            json: Ok(json),
        }),
        Err(e) => Err(BodyError(e)),
    }
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

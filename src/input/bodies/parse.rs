//! Parsing one body cut from its input: lazily when keys are given (refusing what a full parse
//! refuses, serde_json's nesting limit included), else whole, with any error worded as a full parse
//! words it and placed in the input's coordinates.

use crate::document::{KeySet, LazyDoc};
use crate::json_text;
use crate::payload::{Json, NotJson};
use memchr::memchr2;
use serde_json::Value;

/// Parses one body that starts at `line` and `column` of its input, placing any error in the input's
/// coordinates.
pub(super) fn parse(
    bytes: &[u8],
    line: usize,
    column: usize,
    keys: Option<&KeySet>,
) -> Result<Json, NotJson> {
    // Checked first and for the whole body: a lazy read skips the strings it does not need, and a body
    // must be refused the same way however it is read.
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(not_utf8(bytes, e, line, column));
    }
    parse_text(bytes, line, column, keys)
}

/// The error of a body that is not UTF-8 (`e` says where), placed as [`parse`] places it.
pub(super) fn not_utf8(
    bytes: &[u8],
    e: std::str::Utf8Error,
    line: usize,
    column: usize,
) -> NotJson {
    let before = &bytes[..e.valid_up_to()];
    let lines = before.iter().filter(|b| **b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let chars = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count();
    let (line, column) = place(line, column, lines + 1, chars + 1);
    NotJson {
        line,
        column,
        message: "invalid UTF-8".to_owned(),
    }
}

/// [`parse`] for a body known to be UTF-8 (the bytes of a `str`), which is not checked again.
pub(super) fn parse_text(
    bytes: &[u8],
    line: usize,
    column: usize,
    keys: Option<&KeySet>,
) -> Result<Json, NotJson> {
    let full = |bytes: &[u8]| json_text::parse_json::<Value>(bytes).map(Json::Full);
    let parsed = match keys {
        Some(keys) => match LazyDoc::parse(bytes, keys) {
            // A lazy read skips values without serde_json's nesting limit, which a full parse applies:
            // refuse what it refuses, where it refuses it.
            Ok(Some(doc)) => match too_deep(bytes) {
                None => Ok(Json::Lazy(doc)),
                Some(at) => {
                    let start_of_line = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
                    let lines = memchr::memchr_iter(b'\n', &bytes[..start_of_line]).count();
                    let (line, column) = place(line, column, lines + 1, at - start_of_line + 1);
                    return Err(NotJson {
                        line,
                        column,
                        message: "recursion limit exceeded".to_owned(),
                    });
                }
            },
            Ok(None) => full(bytes),
            // Errors are rare: the full parse words and places them, so that both reads report a
            // broken body the same way (skipping a string reports its column differently).
            Err(_) => full(bytes),
        },
        None => full(bytes),
    };
    parsed.map_err(|e| {
        let (line, column) = place(line, column, e.line(), e.column());
        not_json(&e, line, column)
    })
}

/// A position inside a body (1-based `inner_line` and `inner_column`) in the input's coordinates, for
/// a body starting at `line` and `column`.
fn place(line: usize, column: usize, inner_line: usize, inner_column: usize) -> (usize, usize) {
    if inner_line <= 1 {
        (line, column + inner_column.saturating_sub(1))
    } else {
        (line + inner_line - 1, inner_column)
    }
}

/// How deep serde_json lets a full parse nest: its depth budget is 128, and the level that spends the
/// last of it is refused.
const NESTING_LIMIT: usize = 127;

/// Where a valid JSON body first nests deeper than [`NESTING_LIMIT`]: the offset of the bracket a full
/// parse refuses. Every body passes here, so the common case (fewer brackets than the limit, counted
/// vectorised) stops early, and strings are skipped whole.
fn too_deep(bytes: &[u8]) -> Option<usize> {
    memchr::memchr2_iter(b'{', b'[', bytes).nth(NESTING_LIMIT)?;
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                // The body is valid JSON: its string ends at the next quote that is not escaped.
                loop {
                    i += 1;
                    i += memchr2(b'"', b'\\', &bytes[i..])?;
                    if bytes[i] == b'"' {
                        break;
                    }
                    i += 1;
                }
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > NESTING_LIMIT {
                    return Some(i);
                }
            }
            b'}' | b']' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// A serde_json error as [`NotJson`], its message without serde's own position suffix.
fn not_json(e: &serde_json::Error, line: usize, column: usize) -> NotJson {
    let message = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    NotJson {
        line,
        column,
        message: message.strip_suffix(&suffix).unwrap_or(&message).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Bodies;
    use std::sync::Arc;

    #[test]
    fn lazy_and_full_reads_refuse_the_same_deep_bodies() {
        let deep = format!("{}1{}", "{\"a\":".repeat(200), "}".repeat(200));
        let shallow = format!("{}1{}", "{\"a\":".repeat(100), "}".repeat(100));
        let keys = Arc::new(KeySet::default());
        for (body, refused) in [(deep, true), (shallow, false)] {
            let input = format!("{body}\n{{}}\n");
            let lazy = Bodies::new("in", input.as_bytes()).reading_only(Arc::clone(&keys));
            let full = Bodies::new("in", input.as_bytes());
            for mut bodies in [lazy, full] {
                let first = bodies.next().unwrap().unwrap();
                assert_eq!(first.payload.is_err(), refused);
            }
        }
    }

    #[test]
    fn lazy_and_full_reads_agree_around_the_nesting_limit() {
        let keys = Arc::new(KeySet::default());
        for depth in NESTING_LIMIT - 2..NESTING_LIMIT + 3 {
            let body = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
            let input = format!("{body}\n{{}}\n");
            let lazy = Bodies::new("in", input.as_bytes()).reading_only(Arc::clone(&keys));
            let full = Bodies::new("in", input.as_bytes());
            let refused: Vec<_> = [lazy, full]
                .into_iter()
                .map(|mut b| b.next().unwrap().unwrap().payload.is_err())
                .collect();
            assert_eq!(refused[0], refused[1], "depth {depth}");
            assert_eq!(refused[0], depth > NESTING_LIMIT, "depth {depth}");
        }
    }

    #[test]
    fn a_too_deep_body_is_refused_where_a_full_parse_refuses_it() {
        let deep = |n: usize| "[".repeat(n) + &"]".repeat(n);
        let wide = "[".to_owned() + &"[],".repeat(200) + "[]]";
        assert_eq!(too_deep(deep(NESTING_LIMIT).as_bytes()), None);
        assert_eq!(too_deep(wide.as_bytes()), None);
        let bodies = [
            deep(NESTING_LIMIT + 1),
            format!("{{\"a\": \"[[[{{\\\"\",\n \"b\": {}}}", deep(300)),
            format!(
                "{{\"x\": [1,\n\n  {}]}}",
                "{\"é\": ".repeat(200) + "1" + &"}".repeat(200)
            ),
        ];
        for body in bodies {
            let full = serde_json::from_str::<Value>(&body).unwrap_err();
            let keys = KeySet::default();
            let lazy = parse(body.as_bytes(), 3, 7, Some(&keys)).unwrap_err();
            let expected = not_json(&full, 0, 0).message;
            let (line, column) = place(3, 7, full.line(), full.column());
            assert_eq!(
                lazy,
                NotJson {
                    line,
                    column,
                    message: expected
                },
                "{body}"
            );
            assert_eq!(parse(body.as_bytes(), 3, 7, None).unwrap_err(), lazy);
        }
    }
}

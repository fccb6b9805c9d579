//! Reading a key as written into the segments of a path: names between dots, `[N]` indexes and quoted
//! names, or the plain reading when the quotes or brackets are not well formed.

use super::Segment;

/// The reading of a key without (well formed) quotes: names between dots, each with its `[N]` indexes.
pub(super) fn parse_plain(raw: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    for part in raw.split('.') {
        let (name, indexes) = split_brackets(part);
        segments.push(Segment::Name(name.to_owned()));
        segments.extend(indexes.into_iter().map(Segment::Index));
    }
    segments
}

/// The reading of a key with quoted names, or `None` when its quotes or brackets are not well formed.
/// Bare names between the quoted ones are read as in [`parse_plain`], except that they cannot hold a
/// quote or a bracket.
pub(super) fn parse_quoted(raw: &str) -> Option<Vec<Segment>> {
    let mut segments = Vec::new();
    let mut rest = raw;
    // Whether a name may start here: at the start and after a dot, not after a name or a bracket.
    let mut name_allowed = true;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            if name_allowed && !segments.is_empty() {
                return None; // a bracket right after a dot: `a.[0]`
            }
            let (segment, tail) = match after.strip_prefix('"') {
                Some(quoted) => {
                    let (name, tail) = unquote(quoted)?;
                    (Segment::Quoted(name), tail)
                }
                None => {
                    let (digits, tail) = after.split_once(']')?;
                    (Segment::Index(parse_index(digits)?), tail)
                }
            };
            rest = match segment {
                Segment::Quoted(_) => tail.strip_prefix(']')?,
                _ => tail,
            };
            segments.push(segment);
            name_allowed = false;
        } else if let Some(after) = rest.strip_prefix('.') {
            if name_allowed {
                return None; // an empty name: `a..b`, `.a`
            }
            rest = after;
            name_allowed = true;
            if rest.is_empty() {
                return None; // a trailing dot
            }
        } else if !name_allowed {
            return None; // text right after a closing quote or bracket
        } else if let Some(after) = rest.strip_prefix('"') {
            let (name, tail) = unquote(after)?;
            segments.push(Segment::Quoted(name));
            rest = tail;
            name_allowed = false;
        } else {
            let end = rest.find(['.', '[', ']', '"']).unwrap_or(rest.len());
            if rest[end..].starts_with(['"', ']']) {
                return None;
            }
            segments.push(Segment::Name(rest[..end].to_owned()));
            rest = &rest[end..];
            name_allowed = false;
        }
    }
    Some(segments)
}

/// The name of a quoted string whose opening quote is already read, and the text after its closing
/// quote: `\"` is a quote, `\\` a backslash, any other backslash itself.
fn unquote(text: &str) -> Option<(String, &str)> {
    let mut name = String::new();
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((name, &text[at + 1..])),
            '\\' => match text[at + 1..].chars().next() {
                Some(escaped @ ('"' | '\\')) => {
                    name.push(escaped);
                    chars.next();
                }
                _ => name.push('\\'),
            },
            c => name.push(c),
        }
    }
    None
}

/// Splits `alerts[0][1]` into `alerts` and `[0, 1]`. A part whose brackets are not all well formed
/// indexes is kept whole as a name, so that a literal key such as `a[b]` can still be matched.
fn split_brackets(part: &str) -> (&str, Vec<usize>) {
    let Some(open) = part.find('[') else {
        return (part, Vec::new());
    };
    let (name, mut rest) = part.split_at(open);
    let mut indexes = Vec::new();
    while !rest.is_empty() {
        let parsed = rest
            .strip_prefix('[')
            .and_then(|r| r.split_once(']'))
            .and_then(|(digits, tail)| Some((parse_index(digits)?, tail)));
        match parsed {
            Some((index, tail)) => {
                indexes.push(index);
                rest = tail;
            }
            None => return (part, Vec::new()),
        }
    }
    (name, indexes)
}

pub(super) fn parse_index(digits: &str) -> Option<usize> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

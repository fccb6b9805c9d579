//! A place in a source file and the line shown with it: located in characters, tabs expanded and
//! invisible characters escaped so that the underline lines up in a terminal, and a long line cut
//! around the span instead of echoed whole.

use crate::sanitize::escape;
use crate::secrets::Mask;
use std::ops::Range;
use unicode_width::UnicodeWidthChar;

/// A place in a source file, with the part of its line to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters (a tab is one, as are a wide character and `é`).
    pub column: usize,
    /// The source line as shown: tabs expanded, invisible and control characters escaped, and cut
    /// around the span when the line is long.
    pub shown: String,
    /// The terminal columns of `shown` to underline (at least one).
    pub underline: Range<usize>,
}

/// Lines up to this many terminal columns are shown whole.
const SHOWN_COLUMNS: usize = 160;
/// Of a longer line, at most this many columns are shown before the span.
const CONTEXT_COLUMNS: usize = 40;
/// Marks the part of a long line that is not shown.
const CUT: &str = "...";
/// How a tab is shown: as rustc does, four spaces, so that the underline can line up.
const TAB: &str = "    ";

impl Location {
    /// This location with the secrets of `mask` hidden in the line shown. A line that held one is
    /// underlined whole: the mask changes its width, and the message says what is wrong.
    pub fn hiding(mut self, mask: Mask<'_>) -> Location {
        let hidden = mask.hidden(&self.shown);
        if !hidden.is_empty() {
            self.shown = hidden.apply(&self.shown).into_owned();
            let width = self
                .shown
                .chars()
                .map(|c| UnicodeWidthChar::width(c).unwrap_or(0))
                .sum::<usize>();
            self.underline = 0..width.max(1);
        }
        self
    }

    /// Locates the byte range `span` of `source` (the text of `file`).
    pub fn from_span(file: &str, source: &str, span: Range<usize>) -> Location {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let text = &source[line_start..line_end];
        let text = text.strip_suffix('\r').unwrap_or(text);
        // A span may start on the `\r` of a CRLF line break, past the text shown.
        let from = (start - line_start).min(text.len());
        let to = (end.min(line_end) - line_start).min(text.len());
        let (shown, underline) = shown(text, from, to);
        Location {
            file: file.to_owned(),
            line: source[..start].matches('\n').count() + 1,
            column: source[line_start..start].chars().count() + 1,
            shown,
            underline,
        }
    }
}

/// How one character is shown, and how many terminal columns that takes.
fn glyph(c: char) -> (std::borrow::Cow<'static, str>, usize) {
    if c == '\t' {
        return (TAB.into(), TAB.len());
    }
    let escaped = escape(c.encode_utf8(&mut [0; 4]), false);
    if escaped.chars().count() > 1 {
        let width = escaped.len();
        return (escaped.into(), width);
    }
    (escaped.into(), UnicodeWidthChar::width(c).unwrap_or(0))
}

/// `line` as shown, and the columns under which the bytes `from..to` of it appear. A line too long for
/// a terminal is cut around `from`, so that a file holding a multi-megabyte line is never echoed whole.
fn shown(line: &str, from: usize, to: usize) -> (String, Range<usize>) {
    let fits = {
        let mut width = 0;
        line.chars().all(|c| {
            width += glyph(c).1;
            width <= SHOWN_COLUMNS
        })
    };
    let (begin, cut_before) = if fits {
        (0, false)
    } else {
        // Back from the span's start by at most CONTEXT_COLUMNS.
        let mut width = 0;
        let begin = line[..from]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| {
                width += glyph(c).1;
                width <= CONTEXT_COLUMNS
            })
            .last()
            .map_or(from, |(i, _)| i);
        (begin, begin > 0)
    };
    let mut out = String::new();
    let mut column = 0;
    let mut underline = None::<Range<usize>>;
    if cut_before {
        out.push_str(CUT);
        column += CUT.len();
    }
    let budget = if fits {
        usize::MAX
    } else {
        SHOWN_COLUMNS - CUT.len()
    };
    let mut cut_after = false;
    for (i, c) in line[begin..].char_indices() {
        let i = begin + i;
        let (text, width) = glyph(c);
        if column + width > budget {
            cut_after = true;
            break;
        }
        if (from..to.max(from + 1)).contains(&i) {
            let u = underline.get_or_insert(column..column);
            u.end = column + width;
        }
        out.push_str(&text);
        column += width;
    }
    if cut_after {
        out.push_str(CUT);
    }
    // An empty span, or one at the end of the line, gets one caret after the last character shown.
    let underline = match underline {
        Some(u) if u.end > u.start => u,
        Some(u) => u.start..u.start + 1,
        None => column..column + 1,
    };
    (out, underline)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_line_and_column_in_characters() {
        let src = "a = 1\nbé = \"x\"\n";
        let at = src.find("\"x\"").unwrap();
        let l = Location::from_span("f.toml", src, at..at + 3);
        assert_eq!((l.line, l.column, l.underline), (2, 6, 5..8));
        assert_eq!(l.shown, "bé = \"x\"");
    }

    #[test]
    fn span_past_the_end_is_clamped() {
        let l = Location::from_span("f", "abc", 10..20);
        assert_eq!((l.line, l.column, l.underline), (1, 4, 3..4));
    }

    /// The source line and underline as printed.
    fn drawn(source: &str, needle: &str) -> (String, String) {
        let at = source.find(needle).unwrap();
        let l = Location::from_span("f", source, at..at + needle.len());
        let under = format!(
            "{}{}",
            " ".repeat(l.underline.start),
            "^".repeat(l.underline.len())
        );
        (l.shown, under)
    }

    proptest::proptest! {
        #[test]
        fn any_span_of_any_text_is_located_and_underlined_within_what_is_shown(
            text in "(\\PC|[\t\r\n\u{200b}\u{1b}]){0,300}",
            a in 0usize..400,
            b in 0usize..400,
        ) {
            let l = Location::from_span("f", &text, a.min(b)..a.max(b));
            let width: usize = l.shown.chars().map(|c| glyph(c).1).sum();
            proptest::prop_assert!(!l.underline.is_empty());
            proptest::prop_assert!(l.underline.end <= width + 1, "{:?} {}", l.underline, width);
            proptest::prop_assert!(width <= SHOWN_COLUMNS);
            proptest::prop_assert!(!l.shown.contains(['\n', '\t']));
        }
    }

    #[test]
    fn a_span_on_a_crlf_line_break_points_after_the_line() {
        let src = "a = 1\r\nb = 2\r\n";
        for at in [5, 6] {
            let l = Location::from_span("f", src, at..at + 1);
            assert_eq!((l.line, l.shown.as_str(), l.underline), (1, "a = 1", 5..6));
        }
    }

    #[test]
    fn the_underline_lines_up_after_tabs() {
        let (line, under) = drawn("\tkey =\t\"x\"", "\"x\"");
        assert_eq!(line, "    key =    \"x\"");
        assert_eq!(under, "             ^^^");
    }

    #[test]
    fn the_underline_lines_up_after_wide_characters() {
        // CJK and emoji take two terminal columns each.
        let (line, under) = drawn("name = \"警报🚨\" # x", "# x");
        assert_eq!(line, "name = \"警报🚨\" # x");
        assert_eq!(under, "                ^^^");
        let (_, under) = drawn("name = \"警报🚨\"", "\"警报🚨\"");
        assert_eq!(under, "       ^^^^^^^^");
    }

    #[test]
    fn invisible_characters_are_shown_escaped_and_underlined_whole() {
        let (line, under) = drawn("a = \"\u{200b}\" # b", "# b");
        assert_eq!(line, "a = \"\\u{200b}\" # b");
        assert_eq!(under, "               ^^^");
    }

    #[test]
    fn a_long_line_is_cut_around_the_span() {
        let source = format!(
            "x = \"{}\" y = \"z\" {}",
            "a".repeat(3_000_000),
            "b".repeat(1000)
        );
        let (line, under) = drawn(&source, "y = ");
        assert!(line.len() <= SHOWN_COLUMNS, "{}", line.len());
        assert_eq!(
            line,
            format!("...{}\" y = \"z\" {}...", "a".repeat(38), "b".repeat(106))
        );
        assert_eq!(under, format!("{}^^^^", " ".repeat(43)));
        // A span at the start of a long line is not cut before.
        let (line, under) = drawn(&source, "x = ");
        assert!(
            line.starts_with("x = \"aaa") && line.ends_with("a..."),
            "{line}"
        );
        assert_eq!(under, "^^^^");
    }

    #[test]
    fn a_span_longer_than_what_is_shown_is_underlined_to_the_cut() {
        let source = format!("k = \"{}\"", "a".repeat(500));
        let at = source.find('"').unwrap();
        let l = Location::from_span("f", &source, at..source.len());
        assert_eq!(l.underline, 4..SHOWN_COLUMNS - CUT.len());
    }
}

//! Making untrusted text safe to show: payload values can hold secrets (see `secrets`), and escape
//! sequences, bidirectional overrides and invisible characters that would rewrite or hide what a
//! terminal shows. Every value a report shows from a request passes here: masked first, as a value,
//! then escaped for a terminal ([`shown`]) or serialised as JSON ([`masked`]), so neither can break the
//! other's syntax.

use crate::secrets::Mask;
use std::borrow::Cow;
use std::fmt::Write;

/// A value from a request as a terminal shows it: its secrets hidden, then escaped (see [`escape`]).
pub fn shown(text: &str, mask: Mask<'_>, keep_newlines: bool) -> String {
    escape(&mask.apply(text), keep_newlines)
}

/// A value from a request as JSON output holds it: its secrets hidden; serialisation escapes the rest.
pub fn masked<'t>(text: &'t str, mask: Mask<'_>) -> Cow<'t, str> {
    mask.apply(text)
}

/// `text` with every control, bidirectional-formatting and zero-width character escaped (`\n`, `\t`,
/// `\u{202e}`…). With `keep_newlines`, line breaks stay real line breaks.
pub fn escape(text: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(escape("a\u{1b}[31mb", false), "a\\u{1b}[31mb");
        assert_eq!(escape("x\u{7f}\u{9b}", false), "x\\u{7f}\\u{9b}");
    }

    #[test]
    fn escapes_bidi_and_zero_width() {
        assert_eq!(
            escape("a\u{202e}b\u{200b}c\u{2066}", false),
            "a\\u{202e}b\\u{200b}c\\u{2066}"
        );
    }

    #[test]
    fn line_breaks_are_escaped_unless_kept() {
        assert_eq!(escape("a\nb\tc\r", false), "a\\nb\\tc\\r");
        assert_eq!(escape("a\nb", true), "a\nb");
    }

    #[test]
    fn secrets_are_hidden_before_escaping() {
        let secrets = crate::secrets::Secrets::new(["a\u{1b}b-secret".to_owned()]);
        let mask = secrets.mask(None);
        assert_eq!(shown("x a\u{1b}b-secret\ny", mask, false), "x ***\\ny");
        assert_eq!(masked("\"a\u{1b}b-secret\"", mask), "\"***\"");
    }

    #[test]
    fn ordinary_text_is_untouched() {
        assert_eq!(
            escape("Tigera - Lateral Movement é ✓", false),
            "Tigera - Lateral Movement é ✓"
        );
    }
}

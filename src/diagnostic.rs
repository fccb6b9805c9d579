//! Located messages about a source file (a filter file, later a case file), rendered the way rustc does:
//! the message, an arrow to `file:line:column`, the source line with the offending part underlined, and
//! notes saying where and what to do.

use std::fmt;
use std::ops::Range;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Something to look at; does not stop anything on its own.
    Warning,
    /// The file cannot be used as it is.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A place in a source file, with the line's text kept for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// The whole source line, without its line break.
    pub source_line: String,
    /// How many characters to underline (at least 1).
    pub width: usize,
}

impl Location {
    /// Locates the byte range `span` of `source` (the text of `file`).
    pub fn from_span(file: &str, source: &str, span: Range<usize>) -> Location {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let source_line = source[line_start..line_end]
            .trim_end_matches('\r')
            .to_owned();
        let column = source[line_start..start].chars().count() + 1;
        let width = source[start..end.min(line_end)].chars().count().max(1);
        Location {
            file: file.to_owned(),
            line: source[..start].matches('\n').count() + 1,
            column,
            source_line,
            width,
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One message about a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A short name of the check that found it (`shadowed-filter`), for lint findings.
    pub code: Option<&'static str>,
    /// What is wrong, lowercase, no trailing period.
    pub message: String,
    /// Where, when known.
    pub location: Option<Location>,
    /// Which part of the file this belongs to, e.g. `in filter #2 "resolved"`.
    pub context: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `location`.
    pub fn error(message: impl Into<String>, location: Option<Location>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code: None,
            message: message.into(),
            location,
            context: None,
            help: None,
        }
    }

    /// A lint finding: `code` names the check.
    pub fn finding(
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
        location: Option<Location>,
    ) -> Diagnostic {
        Diagnostic {
            severity,
            code: Some(code),
            ..Diagnostic::error(message, location)
        }
    }

    /// Adds where in the file's structure this happened.
    pub fn in_context(mut self, context: Option<String>) -> Diagnostic {
        self.context = context;
        self
    }

    /// Adds what to do about it.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some(code) => write!(f, "{}[{code}]: {}", self.severity, self.message)?,
            None => write!(f, "{}: {}", self.severity, self.message)?,
        }
        let gutter = self
            .location
            .as_ref()
            .map_or(1, |l| l.line.to_string().len());
        let pad = " ".repeat(gutter);
        if let Some(l) = &self.location {
            write!(f, "\n{pad}--> {}:{}:{}", l.file, l.line, l.column)?;
            write!(f, "\n{pad} |")?;
            write!(f, "\n{} | {}", l.line, l.source_line)?;
            write!(
                f,
                "\n{pad} | {}{}",
                " ".repeat(l.column - 1),
                "^".repeat(l.width)
            )?;
        }
        if let Some(context) = &self.context {
            write!(f, "\n{pad} = note: {context}")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n{pad} = help: {help}")?;
        }
        Ok(())
    }
}

/// Every error found in one file, reported together so that one run shows them all.
#[derive(Debug)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_line_and_column_in_characters() {
        let src = "a = 1\nbé = \"x\"\n";
        let at = src.find("\"x\"").unwrap();
        let l = Location::from_span("f.toml", src, at..at + 3);
        assert_eq!((l.line, l.column, l.width), (2, 6, 3));
        assert_eq!(l.source_line, "bé = \"x\"");
    }

    #[test]
    fn renders_like_rustc() {
        let src = "[[filter]]\nurgncy = \"high\"\n";
        let d = Diagnostic::error(
            "unknown field `urgncy`",
            Some(Location::from_span("f.toml", src, 11..17)),
        )
        .in_context(Some("in filter #1 \"filter 1\"".into()))
        .with_help("did you mean `urgency`?");
        assert_eq!(
            d.to_string(),
            "error: unknown field `urgncy`\n --> f.toml:2:1\n  |\n2 | urgncy = \"high\"\n  | ^^^^^^\n  = note: in filter #1 \"filter 1\"\n  = help: did you mean `urgency`?"
        );
    }

    #[test]
    fn span_past_the_end_is_clamped() {
        let l = Location::from_span("f", "abc", 10..20);
        assert_eq!((l.line, l.column, l.width), (1, 4, 1));
    }
}

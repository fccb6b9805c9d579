//! Located messages about a source file (a filter file, a case file), rendered the way rustc does: the
//! message, an arrow to `file:line:column`, the source line with the offending part underlined, and notes
//! saying where and what to do. The underline lines up in a terminal whatever the line holds (tabs, wide
//! characters, escaped invisible ones), and a long line or value is never echoed whole.
//!
//! This module owns the messages and how they render; the place in the file and the line shown with
//! it (cut, escaped and underlined) are `location`'s.

mod location;

pub use location::Location;

use std::fmt;

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

/// Longest message, note or help kept whole: longer ones quote some value of the file at length.
const MESSAGE_CHARS: usize = 400;

/// `text`, or its beginning and end around a mark saying how much was left out.
fn bounded(text: String) -> String {
    let count = text.chars().count();
    if count <= MESSAGE_CHARS {
        return text;
    }
    let head: String = text.chars().take(MESSAGE_CHARS / 2).collect();
    let tail: String = text.chars().skip(count - MESSAGE_CHARS / 4).collect();
    let left_out = count - MESSAGE_CHARS / 2 - MESSAGE_CHARS / 4;
    format!("{head}... ({left_out} characters left out) ...{tail}")
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
            message: bounded(message.into()),
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
        self.context = context.map(bounded);
        self
    }

    /// Adds what to do about it.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(bounded(help.into()));
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
            write!(f, "\n{} | {}", l.line, l.shown)?;
            write!(
                f,
                "\n{pad} | {}{}",
                " ".repeat(l.underline.start),
                "^".repeat(l.underline.len())
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
    fn long_messages_keep_their_beginning_and_end() {
        let d = Diagnostic::error(
            format!(
                "invalid type: string \"{}\", expected a sequence",
                "a".repeat(1_000_000)
            ),
            None,
        );
        assert!(d.message.len() < 500, "{}", d.message.len());
        assert!(d.message.starts_with("invalid type: string \"aaa"));
        assert!(d.message.ends_with("aaa\", expected a sequence"));
        assert!(
            d.message.contains("(999744 characters left out)"),
            "{}",
            d.message
        );
    }
}

//! Everything the user sees is written here: the reports of each command (one module per format, each
//! implementing the report trait its command defines) and the error and warning lines on standard
//! error. Nothing else in the crate prints. Every value a report shows from a request passes `sanitize`
//! on the way, with that request's mask.

mod github;
mod human;
mod json;
pub mod junit;
pub mod lint;
mod palette;
mod replay;
pub mod sanitize;
mod test_human;
mod test_json;
mod trace_json;
mod why;

pub use github::GithubTest;
pub use human::HumanCheck;
pub use json::JsonCheck;
pub use palette::Palette;
pub use replay::{HumanReplay, JsonReplay};
pub use test_human::HumanTest;
pub use test_json::JsonTest;

use crate::diagnostic::Diagnostics;
use std::fmt::Display;
use std::io::Write;

/// Error and warning lines on standard error.
pub struct Messages<'w> {
    out: &'w mut dyn Write,
    palette: Palette,
}

impl<'w> Messages<'w> {
    /// Messages written to `out` with `palette`.
    pub fn new(out: &'w mut dyn Write, palette: Palette) -> Messages<'w> {
        Messages { out, palette }
    }

    /// An error that stopped something: located diagnostics as they are (after the context that
    /// carried them, if any), anything else as `error: <message>` with its causes.
    pub fn report(&mut self, e: &anyhow::Error) {
        match e.downcast_ref::<Diagnostics>() {
            Some(d) => {
                let outer = e.to_string();
                if outer != d.to_string() {
                    self.error(&outer);
                }
                let _ = writeln!(self.out, "{}", sanitize::escape(&d.to_string(), true));
            }
            None => self.error(&format!("{e:#}")),
        }
    }

    /// A progress line that the next one overwrites; empty clears it. Only for a terminal.
    pub fn progress(&mut self, message: &str) {
        let _ = write!(self.out, "\r\x1b[K{message}");
        let _ = self.out.flush();
    }

    /// `note: <message>`.
    pub fn note(&mut self, message: &dyn Display) {
        let _ = writeln!(self.out, "{}: {message}", self.palette.hint("note"));
    }

    /// `error: <message>`. Standard error is best effort: a failure to write it is not reported.
    pub fn error(&mut self, message: &dyn Display) {
        let _ = writeln!(
            self.out,
            "{}: {}",
            self.palette.error("error"),
            sanitize::escape(&message.to_string(), true)
        );
    }
}

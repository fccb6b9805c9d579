//! Everything the user sees is written here: the reports of each command (one module per format) and
//! the error and warning lines on standard error. Nothing else in the crate prints.

mod human;
mod json;
mod palette;
pub mod sanitize;

pub use human::HumanCheck;
pub use json::JsonCheck;
pub use palette::Palette;

use crate::filter::Service;
use crate::outcome::Outcome;
use crate::payload::Payload;
use std::fmt::Display;
use std::io::{self, Write};

/// One request and what every service made of it.
#[derive(Debug)]
pub struct RequestResult<'a> {
    /// The input's name (`<stdin>` for standard input).
    pub input: &'a str,
    /// The request's name: the input's, or `input#N` in a multi-body input.
    pub name: &'a str,
    /// 1-based position of the body in its input.
    pub index: usize,
    /// The body.
    pub payload: &'a Payload,
    /// Each service and its outcome, in loading order.
    pub outcomes: Vec<(&'a Service, Outcome)>,
}

/// Counts over a whole `check` run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckSummary {
    /// Requests evaluated.
    pub requests: usize,
    /// Services each request was evaluated against.
    pub services: usize,
    /// Request-service pairs that created an incident (201).
    pub created: usize,
    /// Request-service pairs that only resolved (200).
    pub resolved: usize,
    /// Request-service pairs that were discarded (202).
    pub discarded: usize,
    /// Bodies and inputs that could not be read.
    pub skipped: usize,
}

/// A report of `check`, in one output format.
pub trait CheckReport {
    /// Shows one request.
    fn request(&mut self, result: &RequestResult<'_>) -> io::Result<()>;
    /// Ends the report.
    fn summary(&mut self, summary: &CheckSummary) -> io::Result<()>;
}

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

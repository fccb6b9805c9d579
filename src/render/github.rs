//! GitHub Actions output for `test` and `lint`: the readable log, then one workflow command per
//! failing case, lint finding and uncovered filter part, which GitHub shows as an annotation at that
//! file and line of the pull request.
//!
//! The log holds text from payloads and filter files, which anyone opening a pull request can shape.
//! It is written between `::stop-commands::` and its resume marker, a fresh random word per run, so
//! that nothing in it can be read as a workflow command; the annotations come after, their text
//! escaped as GitHub's format requires, so a value can break neither a command nor the log.

use super::Palette;
use super::sanitize::escape;
use super::test_human::HumanTest;
use crate::command::test::{CaseRecord, CaseStatus, TestReport, TestSummary};
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// An annotation's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Level {
    Error,
    Warning,
}

/// Where an annotation points.
pub(super) struct At<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: Option<usize>,
}

/// Workflow commands on `out`, the log between them kept out of GitHub's command parser.
pub(super) struct Workflow<'w> {
    out: &'w mut dyn Write,
    resume: String,
    /// `::stop-commands::` is written: the log has begun.
    stopped: bool,
}

impl<'w> Workflow<'w> {
    /// Workflow commands on `out`; nothing is written until the log or the annotations begin.
    pub(super) fn new(out: &'w mut dyn Write) -> Workflow<'w> {
        // Random per process (the standard library seeds it from the system), so that text in the log
        // cannot know the marker that resumes commands.
        let word = RandomState::new().hash_one(std::process::id());
        Workflow {
            out,
            resume: format!("sqibs-filter-{word:016x}"),
            stopped: false,
        }
    }

    /// Where the log is written: from its first line until [`Workflow::annotations`], no line is a
    /// command.
    pub(super) fn log(&mut self) -> io::Result<&mut dyn Write> {
        if !std::mem::replace(&mut self.stopped, true) {
            writeln!(self.out, "::stop-commands::{}", self.resume)?;
        }
        Ok(&mut *self.out)
    }

    /// Ends the log (an empty one too): the lines after are workflow commands.
    pub(super) fn annotations(&mut self) -> io::Result<()> {
        self.log()?;
        writeln!(self.out, "::{}::", self.resume)
    }

    pub(super) fn annotate(
        &mut self,
        level: Level,
        at: Option<At<'_>>,
        title: &str,
        message: &str,
    ) -> io::Result<()> {
        let name = match level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        let mut properties = Vec::new();
        if let Some(at) = at {
            properties.push(format!("file={}", property(at.file)));
            properties.push(format!("line={}", at.line));
            if let Some(column) = at.column {
                properties.push(format!("col={column}"));
            }
        }
        properties.push(format!("title={}", property(title)));
        writeln!(
            self.out,
            "::{name} {}::{}",
            properties.join(","),
            data(message)
        )
    }
}

/// A command's message as GitHub reads it back: `%` and line breaks escaped its way; other controls
/// (carriage returns included) escaped as the terminal output escapes them.
fn data(text: &str) -> String {
    escape(text, true).replace('%', "%25").replace('\n', "%0A")
}

/// A command's property: as [`data`], and `:` and `,`, which end a property.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `test --format github`: the readable report as the log, then an annotation per failing case,
/// fragile scenario step, uncovered filter part and case file that could not run.
pub struct GithubTest<'w> {
    workflow: Workflow<'w>,
    base: PathBuf,
}

impl<'w> GithubTest<'w> {
    /// A report written to `out`, its files named relative to `base` (the current folder, where the
    /// workflow runs, normally the checkout) as GitHub matches them to the pull request's.
    pub fn new(out: &'w mut dyn Write, base: PathBuf) -> GithubTest<'w> {
        GithubTest {
            workflow: Workflow::new(out),
            base,
        }
    }
}

impl TestReport for GithubTest<'_> {
    fn case(&mut self, r: &CaseRecord) -> io::Result<()> {
        HumanTest::new(self.workflow.log()?, Palette::plain()).case(r)
    }

    fn finish(&mut self, records: &[CaseRecord], s: &TestSummary) -> io::Result<()> {
        let base = &self.base;
        let relative = |file: &str| -> String {
            Path::new(file)
                .strip_prefix(base)
                .map_or_else(|_| file.to_owned(), |p| p.display().to_string())
        };
        let w = &mut self.workflow;
        HumanTest::new(w.log()?, Palette::plain()).finish(records, s)?;
        w.annotations()?;
        for r in records.iter().filter(|r| r.status == CaseStatus::Failed) {
            let message = if r.diff.is_empty() {
                "the case states no expectation yet: run with --bless to write the actual outcome"
                    .to_owned()
            } else {
                let mut m = String::from("--- expected\n+++ actual\n");
                for line in &r.diff {
                    m.push_str(&line.text());
                    m.push('\n');
                }
                m
            };
            let at = At {
                file: &r.file,
                line: r.expect_line.unwrap_or(r.line),
                column: None,
            };
            let title = format!("{} \"{}\" failed", r.kind, r.name);
            w.annotate(Level::Error, Some(at), &title, message.trim_end())?;
        }
        for r in records {
            for (step, f) in &r.fragile {
                let at = At {
                    file: &r.file,
                    line: r.line,
                    column: None,
                };
                let message = format!(
                    "step {} would {} with {}; the result depends on a reading Callgoose does not document",
                    step + 1,
                    f.outcome,
                    f.reading
                );
                w.annotate(Level::Warning, Some(at), "fragile scenario step", &message)?;
            }
        }
        let level = if s.deny_uncovered {
            Level::Error
        } else {
            Level::Warning
        };
        for u in &s.uncovered {
            let file = relative(&u.file);
            let at = At {
                file: &file,
                line: u.line,
                column: None,
            };
            let message = format!("{u}: no case exercises it");
            w.annotate(level, Some(at), "filter part not exercised", &message)?;
        }
        for e in &s.errors {
            let at = At {
                file: &e.path,
                line: 1,
                column: None,
            };
            w.annotate(Level::Error, Some(at), "test could not run", &e.what)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_properties_escape_what_ends_them() {
        assert_eq!(data("50% a\nb"), "50%25 a%0Ab");
        // A carriage return is escaped as the terminal output escapes it, so no CR reaches GitHub.
        assert_eq!(data("a\rb"), "a\\rb");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
        // Terminal controls are escaped as everywhere else; a line break stays one, for GitHub.
        assert_eq!(data("a\u{1b}[31m\nb"), "a\\u{1b}[31m%0Ab");
    }

    #[test]
    fn no_line_of_a_value_can_start_a_command() {
        let mut out = Vec::new();
        let mut w = Workflow::new(&mut out);
        w.annotations().unwrap();
        let at = At {
            file: "x.toml",
            line: 3,
            column: None,
        };
        w.annotate(
            Level::Error,
            Some(at),
            "t",
            "a\n::add-mask::b\r\n::error::c",
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("::stop-commands::sqibs-filter-"));
        assert_eq!(
            lines[1],
            format!("::{}::", &lines[0]["::stop-commands::".len()..])
        );
        assert_eq!(
            lines[2],
            "::error file=x.toml,line=3,title=t::a%0A::add-mask::b\\r%0A::error::c"
        );
    }

    #[test]
    fn each_run_resumes_with_its_own_word() {
        let first = || {
            let mut out = Vec::new();
            Workflow::new(&mut out).log().unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_ne!(first(), first());
    }
}

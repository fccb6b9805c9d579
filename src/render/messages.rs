//! The lines on standard error: errors, notes, and the progress line of long work, which is cleared
//! before any other line so that it never shares one.

use super::{Palette, sanitize};
use crate::diagnostic::Diagnostics;
use std::fmt::Display;
use std::io::Write;
use std::time::{Duration, Instant};

/// Error and warning lines on standard error, and the progress line of long work.
pub struct Messages<'w> {
    out: &'w mut dyn Write,
    palette: Palette,
    progress: Option<Progress>,
}

/// The progress line: drawn once the work has gone on for [`FIRST`], then at most every [`EVERY`].
struct Progress {
    started: Instant,
    next: Instant,
    shown: bool,
}

/// How long work goes on before it shows progress: a quick run shows none.
const FIRST: Duration = Duration::from_millis(250);

/// How often the progress line is redrawn at most.
const EVERY: Duration = Duration::from_millis(100);

impl<'w> Messages<'w> {
    /// Messages written to `out` with `palette`.
    pub fn new(out: &'w mut dyn Write, palette: Palette) -> Messages<'w> {
        Messages {
            out,
            palette,
            progress: None,
        }
    }

    /// From now on, [`Messages::progress`] draws. Only for a terminal that shows nothing else (standard
    /// output goes elsewhere), so that the line never shares one with the report.
    pub fn start_progress(&mut self) {
        self.start_progress_after(FIRST);
    }

    fn start_progress_after(&mut self, first: Duration) {
        let started = Instant::now();
        self.progress = Some(Progress {
            started,
            next: started + first,
            shown: false,
        });
    }

    /// Redraws the progress line with `count` things done, when one is due; `what` names them
    /// (`requests`). Without [`Messages::start_progress`], nothing: one branch per call.
    pub fn progress(&mut self, count: usize, what: &str) {
        let Some(p) = &mut self.progress else {
            return;
        };
        let now = Instant::now();
        if now < p.next {
            return;
        }
        p.next = now + EVERY;
        p.shown = true;
        let seconds = now.duration_since(p.started).as_secs_f64();
        let rate = count as f64 / seconds.max(1e-9);
        let _ = write!(self.out, "\r\x1b[K{count} {what} ({rate:.0}/s)");
        let _ = self.out.flush();
    }

    /// Clears the progress line and draws no more.
    pub fn end_progress(&mut self) {
        self.clear_progress();
        self.progress = None;
    }

    /// Clears the progress line, if shown, so that the next message starts a line of its own.
    fn clear_progress(&mut self) {
        if let Some(p) = &mut self.progress
            && std::mem::take(&mut p.shown)
        {
            let _ = write!(self.out, "\r\x1b[K");
        }
    }

    /// An error that stopped something: located diagnostics as they are (after the context that
    /// carried them, if any), anything else as `error: <message>` with its causes.
    pub fn report(&mut self, e: &anyhow::Error) {
        self.clear_progress();
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

    /// `note: <message>`.
    pub fn note(&mut self, message: &dyn Display) {
        self.clear_progress();
        let _ = writeln!(self.out, "{}: {message}", self.palette.hint("note"));
    }

    /// `warning: <message>`: something works, but not as the user may think.
    pub fn warning(&mut self, message: &dyn Display) {
        self.clear_progress();
        let _ = writeln!(
            self.out,
            "{}: {}",
            self.palette.warning("warning"),
            sanitize::escape(&message.to_string(), true)
        );
    }

    /// `error: <message>`. Standard error is best effort: a failure to write it is not reported.
    pub fn error(&mut self, message: &dyn Display) {
        self.clear_progress();
        let _ = writeln!(
            self.out,
            "{}: {}",
            self.palette.error("error"),
            sanitize::escape(&message.to_string(), true)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_cleared_before_any_message_and_at_the_end() {
        let mut out = Vec::new();
        let mut m = Messages::new(&mut out, Palette::plain());
        m.start_progress_after(Duration::ZERO);
        m.progress(10, "requests");
        m.note(&"a note");
        m.progress(20, "requests");
        m.error(&"an error");
        m.end_progress();
        m.progress(30, "requests");
        let text = String::from_utf8(out).unwrap();
        let shown: Vec<&str> = text.split("\r\x1b[K").collect();
        // Drawn, cleared before the note; the second is not due yet (throttled), so the error follows
        // the note directly; nothing after the end.
        assert_eq!(shown.len(), 3, "{text:?}");
        assert!(shown[1].starts_with("10 requests ("), "{text:?}");
        assert_eq!(shown[2], "note: a note\nerror: an error\n");
    }

    #[test]
    fn without_progress_nothing_is_drawn() {
        let mut out = Vec::new();
        let mut m = Messages::new(&mut out, Palette::plain());
        m.progress(10, "requests");
        m.note(&"n");
        m.end_progress();
        assert_eq!(String::from_utf8(out).unwrap(), "note: n\n");
    }
}

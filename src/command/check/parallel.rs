//! `check` on a pool of workers ([`crate::input::pool`]): each batch of bodies is parsed, evaluated
//! and rendered by a worker into a buffer of its own, and the calling thread writes the buffers in
//! input order and adds up the counts.
//!
//! The output is the sequential run's, byte for byte: a worker checks every item with the same
//! [`Checker::item`] and renders with the same report code; what it cannot know is whether a
//! request is the run's first, so it writes the separator a report puts between two requests before
//! every request, and the calling thread leaves it out before the first one. Errors and notes for
//! standard error are kept in the batch in their place among the requests, and written by the
//! calling thread as it writes the requests around them: standard error and standard output get
//! the same writes in the same order as in the sequential run (standard output is buffered, there
//! as here, so a terminal shows them interleaved as closely as it did). Progress counts requests as
//! they are written, and so does the summary: each piece of a batch carries the batch's counts up to
//! it, so that a run stopped by a closed pipe has counted what it was writing, as the sequential run
//! has (which request the pipe closes on depends on timing, in both).

use super::{CheckReport, CheckSettings, Checker, Sink, finish, report_on};
use crate::cli::Format;
use crate::exit::ExitStatus;
use crate::filter::Service;
use crate::input::{Item, pool};
use crate::render::{HumanCheck, JsonCheck, Messages, Palette};
use std::io::{self, Write};
use std::sync::Arc;

/// A batch as a worker left it: its rendered output and what goes between.
struct Rendered {
    out: Vec<u8>,
    /// What the batch shows, in order, each with the batch's counts up to and including it (its
    /// services are not counted): a run that stops at a piece has counted it, as the sequential run
    /// counts a request before it writes it.
    pieces: Vec<(Piece, super::CheckSummary)>,
}

/// One thing a batch shows.
enum Piece {
    /// A request: `out[between..start]` sets it apart from the one before, `out[start..end]` is it.
    Request {
        between: usize,
        start: usize,
        end: usize,
    },
    Error(String),
    Note(String),
}

/// Runs `check` with `settings.jobs` workers: the same output, exit status and messages as
/// [`super::run`], and the same early stop when the report's reader goes away.
pub(super) fn run(
    settings: &CheckSettings,
    services: &[Service],
    palette: Palette,
    stdout: &mut dyn Write,
    messages: &mut Messages<'_>,
) -> io::Result<ExitStatus> {
    let checker = Checker::new(settings, services, messages);
    let mut summary = checker.summary();
    if settings.progress {
        messages.start_progress();
    }
    let mut shown = 0;
    let read = pool::in_order(
        &settings.paths,
        Arc::clone(&checker.keys),
        settings.max_body,
        settings.jobs,
        |items| render(&checker, palette, items),
        |rendered| {
            let rendered = rendered?;
            let before = summary.clone();
            for (piece, counts) in &rendered.pieces {
                summary.clone_from(&before);
                summary.add(counts);
                match piece {
                    Piece::Request {
                        between,
                        start,
                        end,
                    } => {
                        let from = if shown > 0 { *between } else { *start };
                        stdout.write_all(&rendered.out[from..*end])?;
                        shown += 1;
                        messages.progress(shown, "bodies checked");
                    }
                    Piece::Error(message) => messages.error(message),
                    Piece::Note(message) => messages.note(message),
                }
            }
            Ok(())
        },
    );
    messages.end_progress();
    let mut report = report_on(settings, palette, stdout);
    finish(read, report.as_mut(), &summary)
}

/// A worker's part: checks a batch's items and renders them into one buffer.
fn render(checker: &Checker<'_>, palette: Palette, items: Vec<Item>) -> io::Result<Rendered> {
    let mut counts = super::CheckSummary::default();
    let mut pieces = Vec::with_capacity(items.len());
    let mut batch = Batch {
        settings: checker.settings,
        palette,
        out: Vec::new(),
        shown: Vec::with_capacity(1),
    };
    for item in items {
        checker.item(item, &mut counts, &mut batch)?;
        pieces.extend(batch.shown.drain(..).map(|piece| (piece, counts.clone())));
    }
    Ok(Rendered {
        out: batch.out,
        pieces,
    })
}

/// The batch being rendered: the reports' output in `out`, and in `shown` what the item being
/// checked showed, and where.
struct Batch<'s> {
    settings: &'s CheckSettings,
    palette: Palette,
    out: Vec<u8>,
    shown: Vec<Piece>,
}

impl Sink for Batch<'_> {
    fn error(&mut self, message: String) {
        self.shown.push(Piece::Error(message));
    }

    fn note(&mut self, message: String) {
        self.shown.push(Piece::Note(message));
    }

    fn request(&mut self, result: &super::RequestResult<'_>) -> io::Result<()> {
        let s = self.settings;
        let between = self.out.len();
        let start = match s.format {
            // The report has no state between requests: one for the separator, one for the request.
            Format::Human => {
                HumanCheck::new(&mut self.out, self.palette, s.full, s.explain).between()?;
                let start = self.out.len();
                HumanCheck::new(&mut self.out, self.palette, s.full, s.explain).request(result)?;
                start
            }
            // Nothing sets JSON lines apart. They are serialised where they are kept, so that a huge
            // description is held in the batch alone, not in a line buffer too.
            Format::Json => {
                JsonCheck::lines_into(&mut self.out, result)?;
                between
            }
        };
        self.shown.push(Piece::Request {
            between,
            start,
            end: self.out.len(),
        });
        Ok(())
    }
}

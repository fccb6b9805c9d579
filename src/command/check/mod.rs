//! The `check` command: every body of every input, evaluated against every service, reported as it
//! goes. A body or input that cannot be read is reported and counted, and the others go on. A captured
//! request's token is a secret of its report.
//!
//! Here: the settings, what a report is shown, and checking one item read; with one job the items are
//! checked on the calling thread as the reading thread parses them (`run`), with more on a pool of
//! workers whose rendered batches are written in input order (`parallel`). Both check an item with
//! the same [`Checker::item`], so that their output is the same, byte for byte.

mod parallel;

use crate::cli::{CheckArgs, Format};
use crate::document::KeySet;
use crate::envelope::{self, EnvelopeMode, Request};
use crate::eval::evaluate_from;
use crate::exit::ExitStatus;
use crate::explain::{self, Fragility, Trace};
use crate::filter::locate::Origin;
use crate::filter::{self, FilterOptions, Service};
use crate::input::{self, Item};
use crate::outcome::{Code, Outcome};
use crate::payload::Payload;
use crate::render::{HumanCheck, JsonCheck, Messages, Palette};
use crate::secrets::{Mask, Secrets};
use crate::settings::{Environment, filter_options, input_paths};
use anyhow::Result;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

/// `check`, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckSettings {
    /// Inputs, with `-` for standard input; never empty.
    pub paths: Vec<PathBuf>,
    /// The filters to evaluate against.
    pub filters: FilterOptions,
    pub format: Format,
    /// Show descriptions whole.
    pub full: bool,
    /// Show the evaluation's trace.
    pub explain: bool,
    /// The longest body read.
    pub max_body: usize,
    /// Show progress on standard error (a terminal, while the report goes elsewhere).
    pub progress: bool,
    /// Workers that check batches of bodies side by side; 1 checks them on the calling thread.
    pub jobs: usize,
}

impl CheckSettings {
    /// Resolves `check`'s arguments in `env`.
    pub fn resolve(args: CheckArgs, env: &Environment) -> Result<CheckSettings> {
        Ok(CheckSettings {
            paths: input_paths(args.paths, env)?,
            filters: filter_options(args.filters, args.request, env),
            format: args.format,
            full: args.full,
            explain: args.explain,
            max_body: args.reading.max_body,
            progress: env.shows_progress(),
            jobs: args
                .jobs
                .map_or_else(input::pool::default_jobs, usize::from),
        })
    }
}

/// One request and what every service made of it.
#[derive(Debug)]
pub struct RequestResult<'a> {
    /// The input's name (`<stdin>` for standard input).
    pub input: &'a str,
    /// The request's name: the input's, or `input#N` in a multi-body input.
    pub name: &'a str,
    /// 1-based position of the body in its input.
    pub index: usize,
    pub payload: &'a Payload,
    /// The secrets this request's report hides: the run's and the request's own token.
    pub mask: Mask<'a>,
    /// Each service's result, in loading order.
    pub outcomes: Vec<ServiceResult<'a>>,
}

/// What one service made of a request.
#[derive(Debug)]
pub struct ServiceResult<'a> {
    pub service: &'a Service,
    pub outcome: Outcome,
    /// The retraced evaluation, when it is to be shown (`--explain`, or near misses of a discard).
    pub trace: Option<Trace>,
    /// The readings under which the outcome would differ, when they are to be shown.
    pub fragile: Vec<Fragility>,
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
    /// Of those, incidents a service in maintenance did not create.
    pub suppressed: usize,
    /// Bodies and inputs that could not be read.
    pub skipped: Skipped,
}

/// What a run could not read, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skipped {
    /// Paths and inputs that could not be read at all (missing, unreadable, empty).
    pub inputs: usize,
    /// Bodies of a stream that are not JSON, and envelopes that cannot be opened.
    pub bodies: usize,
}

impl Skipped {
    /// Everything skipped.
    pub fn total(&self) -> usize {
        self.inputs + self.bodies
    }
}

/// A report of `check`, in one output format.
pub trait CheckReport {
    /// Sets a request apart from the one shown before it: called between two requests.
    fn between(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// Shows one request.
    fn request(&mut self, result: &RequestResult<'_>) -> io::Result<()>;
    /// Ends the report.
    fn summary(&mut self, summary: &CheckSummary) -> io::Result<()>;
}

/// Loads the filters and runs `check` with the report in the chosen format: on the calling thread
/// with one job, on a pool of workers with more.
pub fn execute(
    settings: &CheckSettings,
    palette: Palette,
    stdout: &mut dyn Write,
    messages: &mut Messages<'_>,
) -> Result<ExitStatus> {
    let services = filter::load(&settings.filters)?;
    // Workers pay off from a second batch on: one batch is checked on the calling thread.
    if settings.jobs > 1 && !input::fits_one_batch(&settings.paths) {
        return Ok(parallel::run(
            settings, &services, palette, stdout, messages,
        )?);
    }
    let mut report = report_on(settings, palette, stdout);
    Ok(run(settings, &services, report.as_mut(), messages)?)
}

/// The report in the chosen format, written to `out`.
fn report_on<'w>(
    settings: &CheckSettings,
    palette: Palette,
    out: &'w mut dyn Write,
) -> Box<dyn CheckReport + 'w> {
    match settings.format {
        Format::Human => Box::new(HumanCheck::new(
            out,
            palette,
            settings.full,
            settings.explain,
        )),
        Format::Json => Box::new(JsonCheck::new(out)),
    }
}

/// Runs `check` on the calling thread. Only a failure to write the report is an error; everything
/// else is in the status. When the report's reader goes away (`check | head`), reading stops, and
/// the status is the one the requests read so far earned.
pub fn run(
    settings: &CheckSettings,
    services: &[Service],
    report: &mut dyn CheckReport,
    messages: &mut Messages<'_>,
) -> io::Result<ExitStatus> {
    let checker = Checker::new(settings, services, messages);
    let mut summary = checker.summary();
    if settings.progress {
        messages.start_progress();
    }
    let mut direct = Direct {
        report,
        messages,
        shown: 0,
    };
    let keys = Some(Arc::clone(&checker.keys));
    let read = input::for_each(&settings.paths, keys, settings.max_body, |item| {
        checker.item(item, &mut summary, &mut direct)
    });
    let Direct {
        report, messages, ..
    } = direct;
    messages.end_progress();
    finish(read, report, &summary)
}

/// Ends the report with the summary, unless its reader has gone, and says the run's status.
fn finish(
    read: io::Result<()>,
    report: &mut dyn CheckReport,
    summary: &CheckSummary,
) -> io::Result<ExitStatus> {
    match read.and_then(|()| report.summary(summary)) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        read => read?,
    }
    Ok(status(summary))
}

/// Where the checking of items goes: straight to the report and the messages, or into a batch's
/// buffer for the calling thread to write later.
trait Sink {
    /// An item could not be read: `error: <message>` on standard error.
    fn error(&mut self, message: String);
    /// `note: <message>` on standard error.
    fn note(&mut self, message: String);
    /// A request checked, for the report.
    fn request(&mut self, result: &RequestResult<'_>) -> io::Result<()>;
}

/// The report and the messages themselves, as items are checked.
struct Direct<'r, 'm, 'w> {
    report: &'r mut dyn CheckReport,
    messages: &'m mut Messages<'w>,
    /// Requests shown so far.
    shown: usize,
}

impl Sink for Direct<'_, '_, '_> {
    fn error(&mut self, message: String) {
        self.messages.error(&message);
    }

    fn note(&mut self, message: String) {
        self.messages.note(&message);
    }

    fn request(&mut self, result: &RequestResult<'_>) -> io::Result<()> {
        if self.shown > 0 {
            self.report.between()?;
        }
        self.shown += 1;
        self.messages.progress(self.shown, "bodies checked");
        self.report.request(result)
    }
}

/// What every item is checked with: the services that evaluate, each under every other reading
/// where the report shows how sturdy an outcome is, and the keys the bodies are read for.
struct Checker<'a> {
    settings: &'a CheckSettings,
    active: Vec<&'a Service>,
    flipped: Vec<Option<explain::Flipped>>,
    /// `check` takes no token of its own: only the requests' are secrets.
    secrets: Secrets,
    keys: Arc<KeySet>,
}

impl<'a> Checker<'a> {
    /// Prepares the run, with its notes: where the filters come from when a trace shows it, and
    /// which services are disabled.
    fn new(
        settings: &'a CheckSettings,
        services: &'a [Service],
        messages: &mut Messages<'_>,
    ) -> Checker<'a> {
        // A trace explains a decision, and which filters made it is part of that when neither a flag
        // nor the current folder's filters/ gave them: a folder found above, or SQIBS_FILTERS.
        let found_above = settings.filters.path.starts_with("..");
        let origin = &settings.filters.origin;
        if settings.explain
            && (*origin == Origin::Environment || (*origin == Origin::Found && found_above))
        {
            messages.note(&format!(
                "filters from {} ({})",
                settings.filters.path.display(),
                settings.filters.origin.describe()
            ));
        }
        // A disabled service evaluates nothing and keeps no log: it is left out, with a note.
        let (active, disabled): (Vec<&Service>, Vec<&Service>) = services
            .iter()
            .partition(|s| s.state != filter::State::Disabled);
        for s in disabled {
            messages.note(&format!(
                "service \"{}\" is disabled (state = \"disabled\" in {}): it evaluates nothing",
                s.name,
                s.file.display()
            ));
        }
        let keys = Arc::new(KeySet::of(services, std::iter::empty()));
        // Each service under every other reading, once for the run, where the report shows how
        // sturdy an outcome is.
        let sturdiness = settings.explain || settings.format == Format::Human;
        let flipped = active
            .iter()
            .map(|s| sturdiness.then(|| explain::Flipped::of(s)))
            .collect();
        Checker {
            settings,
            active,
            flipped,
            secrets: Secrets::default(),
            keys,
        }
    }

    /// The summary before anything is read.
    fn summary(&self) -> CheckSummary {
        CheckSummary {
            services: self.active.len(),
            ..CheckSummary::default()
        }
    }

    /// Checks one item read, counting it in `counts`, and hands what it shows to `sink`.
    fn item(&self, item: Item, counts: &mut CheckSummary, sink: &mut dyn Sink) -> io::Result<()> {
        let (label, body) = match item {
            Item::Body(label, body) => (label, body),
            Item::Error(e) => {
                sink.error(format!("{e:#}"));
                counts.skipped.inputs += 1;
                return Ok(());
            }
            Item::Skipped(why) => {
                sink.note(why);
                return Ok(());
            }
        };
        // A captured envelope is opened: its body is the request, its `from` is the request's.
        let request = body
            .payload
            .map_err(|e| e.to_string())
            .and_then(|p| envelope::request_of(p, EnvelopeMode::Detect));
        let request = match request {
            Ok(request) => request,
            Err(e) => {
                sink.error(format!("{}: {e}", body.name));
                counts.skipped.bodies += 1;
                return Ok(());
            }
        };
        let outcomes: Vec<_> = self
            .active
            .iter()
            .zip(&self.flipped)
            .map(|(service, flipped)| result(self.settings, service, flipped.as_ref(), &request))
            .collect();
        counts.requests += 1;
        for r in &outcomes {
            counts.suppressed += usize::from(r.outcome.suppressed.is_some());
            match r.outcome.code {
                Code::Created => counts.created += 1,
                Code::Resolved => counts.resolved += 1,
                Code::Discarded => counts.discarded += 1,
            }
        }
        sink.request(&RequestResult {
            input: &label,
            name: &body.name,
            index: body.index,
            payload: &request.payload,
            mask: self.secrets.mask(request.token.as_deref()),
            outcomes,
        })
    }
}

impl CheckSummary {
    /// Adds the counts of `other` (a part of the run) to these; the services stay.
    fn add(&mut self, other: &CheckSummary) {
        self.requests += other.requests;
        self.created += other.created;
        self.resolved += other.resolved;
        self.discarded += other.discarded;
        self.suppressed += other.suppressed;
        self.skipped.inputs += other.skipped.inputs;
        self.skipped.bodies += other.skipped.bodies;
    }
}

/// One service's result, with as much of the why as the output will show: the trace with `--explain`,
/// or for a discard in human output (its near misses); the fragile readings in human output or with
/// `--explain`. Plain JSON stays as fast as evaluation alone.
fn result<'a>(
    settings: &CheckSettings,
    service: &'a Service,
    flipped: Option<&explain::Flipped>,
    request: &Request,
) -> ServiceResult<'a> {
    let payload = &request.payload;
    let from = filter::request_from(request.from.as_deref(), service);
    let outcome = evaluate_from(service, payload, from);
    let human = settings.format == Format::Human;
    // Near misses explain a discard; a suppressed incident is no miss.
    let missed = outcome.code == Code::Discarded && outcome.suppressed.is_none();
    ServiceResult {
        service,
        trace: match (settings.explain, human && missed) {
            (true, _) => Some(explain::trace(service, payload)),
            (false, true) => Some(explain::near_misses(service, payload)),
            (false, false) => None,
        },
        fragile: match flipped {
            Some(flipped) => explain::fragility_among(flipped, service, payload, from, &outcome),
            None => Vec::new(),
        },
        outcome,
    }
}

/// 2 when anything was skipped, else 0 when some request made Callgoose act, else 1.
fn status(s: &CheckSummary) -> ExitStatus {
    if s.skipped.total() > 0 {
        ExitStatus::Error
    } else if s.created + s.resolved > 0 {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(created: usize, resolved: usize, discarded: usize, skipped: usize) -> CheckSummary {
        let skipped = Skipped {
            inputs: 0,
            bodies: skipped,
        };
        CheckSummary {
            requests: 1,
            services: 1,
            created,
            resolved,
            discarded,
            suppressed: 0,
            skipped,
        }
    }

    #[test]
    fn status_follows_the_exit_code_table() {
        assert_eq!(status(&summary(1, 0, 3, 0)), ExitStatus::Success);
        assert_eq!(status(&summary(0, 1, 0, 0)), ExitStatus::Success);
        assert_eq!(status(&summary(0, 0, 2, 0)), ExitStatus::Failure);
        assert_eq!(status(&summary(5, 0, 0, 1)), ExitStatus::Error);
    }
}

//! The `check` command: every body of every input, evaluated against every service, reported as it
//! goes. A body or input that cannot be read is reported and counted, and the others go on. A captured
//! request's token is a secret of its report.

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
    /// Shows one request.
    fn request(&mut self, result: &RequestResult<'_>) -> io::Result<()>;
    /// Ends the report.
    fn summary(&mut self, summary: &CheckSummary) -> io::Result<()>;
}

/// Loads the filters and runs `check` with the report in the chosen format.
pub fn execute(
    settings: &CheckSettings,
    palette: Palette,
    stdout: &mut dyn Write,
    messages: &mut Messages<'_>,
) -> Result<ExitStatus> {
    let services = filter::load(&settings.filters)?;
    let mut report: Box<dyn CheckReport + '_> = match settings.format {
        Format::Human => Box::new(HumanCheck::new(
            stdout,
            palette,
            settings.full,
            settings.explain,
        )),
        Format::Json => Box::new(JsonCheck::new(stdout)),
    };
    Ok(run(settings, &services, report.as_mut(), messages)?)
}

/// Runs `check`. Only a failure to write the report is an error; everything else is in the status.
/// When the report's reader goes away (`check | head`), reading stops, and the status is the one the
/// requests read so far earned.
pub fn run(
    settings: &CheckSettings,
    services: &[Service],
    report: &mut dyn CheckReport,
    messages: &mut Messages<'_>,
) -> io::Result<ExitStatus> {
    // A trace explains a decision, and which filters made it is part of that when neither a flag nor
    // the current folder's filters/ gave them: a folder found above, or SQIBS_FILTERS.
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
    let mut summary = CheckSummary {
        services: active.len(),
        ..CheckSummary::default()
    };
    let keys = Arc::new(KeySet::of(services, std::iter::empty()));
    // Each service under every other reading, once for the run, where the report shows how sturdy an
    // outcome is.
    let sturdiness = settings.explain || settings.format == Format::Human;
    let flipped: Vec<Option<explain::Flipped>> = active
        .iter()
        .map(|s| sturdiness.then(|| explain::Flipped::of(s)))
        .collect();
    // `check` takes no token of its own: only the requests' are secrets.
    let secrets = Secrets::default();
    if settings.progress {
        messages.start_progress();
    }
    let read = input::for_each(&settings.paths, Some(keys), settings.max_body, |item| {
        let (label, body) = match item {
            Item::Body(label, body) => (label, body),
            Item::Error(e) => {
                messages.error(&format!("{e:#}"));
                summary.skipped.inputs += 1;
                return Ok(());
            }
            Item::Skipped(why) => {
                messages.note(&why);
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
                messages.error(&format!("{}: {e}", body.name));
                summary.skipped.bodies += 1;
                return Ok(());
            }
        };
        let outcomes: Vec<_> = active
            .iter()
            .zip(&flipped)
            .map(|(service, flipped)| result(settings, service, flipped.as_ref(), &request))
            .collect();
        summary.requests += 1;
        for r in &outcomes {
            summary.suppressed += usize::from(r.outcome.suppressed.is_some());
            match r.outcome.code {
                Code::Created => summary.created += 1,
                Code::Resolved => summary.resolved += 1,
                Code::Discarded => summary.discarded += 1,
            }
        }
        messages.progress(summary.requests, "bodies checked");
        report.request(&RequestResult {
            input: &label,
            name: &body.name,
            index: body.index,
            payload: &request.payload,
            mask: secrets.mask(request.token.as_deref()),
            outcomes,
        })
    });
    messages.end_progress();
    match read.and_then(|()| report.summary(&summary)) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        read => read?,
    }
    Ok(status(&summary))
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

//! The `check` command: every body of every input, evaluated against every service, reported as it
//! goes. A body or input that cannot be read is reported and counted, and the others go on. A captured
//! request's token is a secret of its report.

use crate::cli::Format;
use crate::document::KeySet;
use crate::envelope::{self, EnvelopeMode, Request};
use crate::eval::evaluate_from;
use crate::exit::ExitStatus;
use crate::explain;
use crate::filter::locate::Origin;
use crate::filter::{self, Service};
use crate::input::{self, Item};
use crate::outcome::Code;
use crate::render::{CheckReport, CheckSummary, Messages, RequestResult, ServiceResult};
use crate::secrets::Secrets;
use crate::settings::CheckSettings;
use std::io;
use std::sync::Arc;

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
    // `check` takes no token of its own: only the requests' are secrets.
    let secrets = Secrets::default();
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
            .map(|service| result(settings, service, &request))
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
        report.request(&RequestResult {
            input: &label,
            name: &body.name,
            index: body.index,
            payload: &request.payload,
            mask: secrets.mask(request.token.as_deref()),
            outcomes,
        })
    });
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
    request: &Request,
) -> ServiceResult<'a> {
    let payload = &request.payload;
    let from = filter::request_from(request.from.as_deref(), service);
    let outcome = evaluate_from(service, payload, from);
    let human = settings.format == Format::Human;
    // Near misses explain a discard; a suppressed incident is no miss.
    let missed = outcome.code == Code::Discarded && outcome.suppressed.is_none();
    let traced = settings.explain || (human && missed);
    ServiceResult {
        service,
        trace: traced.then(|| explain::trace(service, payload)),
        fragile: if settings.explain || human {
            explain::fragility(service, payload, from, &outcome)
        } else {
            Vec::new()
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
    use crate::render::Skipped;

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

//! The `replay` command: read captured traffic as a stream, turn each body or envelope into a request,
//! replay it (or, with `--diff-filters`, replay it through two filter sets at once) and report as it
//! goes. Memory holds the open incidents and the duplicate window, never the stream. Each request's
//! report hides the run's tokens and the request's own token.

use super::{ReplayOptions, Replayer, changes};
use crate::access::Tokens;
use crate::document::KeySet;
use crate::envelope::{EnvelopeMode, request_of};
use crate::exit::ExitStatus;
use crate::filter::Service;
use crate::input::{self, Item};
use crate::keypath::KeyPath;
use crate::render::{Messages, ReplayReport};
use crate::secrets::{Secret, Secrets};
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

/// `replay`, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplaySettings {
    /// Inputs, with `-` for standard input.
    pub paths: Vec<PathBuf>,
    /// The tokens Callgoose knows, as written (`SECRET` or `SERVICE=SECRET`); read against the
    /// services once they are loaded.
    pub tokens: Vec<Secret>,
    /// Replay rules.
    pub options: ReplayOptions,
    /// How bodies are read.
    pub envelope: EnvelopeMode,
    /// Show progress on standard error.
    pub progress: bool,
    /// The longest body read.
    pub max_body: usize,
}

/// How often progress is shown.
const PROGRESS_EVERY: usize = 10_000;

/// Replays the traffic through `services`, or through `old` and `new` side by side when `diff` is
/// given. Only a failure to write the report is an error.
pub fn replay(
    settings: &ReplaySettings,
    services: &[Service],
    diff: Option<&[Service]>,
    report: &mut dyn ReplayReport,
    messages: &mut Messages<'_>,
) -> io::Result<ExitStatus> {
    let mut names: Vec<&str> = services
        .iter()
        .chain(diff.unwrap_or_default())
        .map(|s| s.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    let (tokens, found) = Tokens::parse(settings.tokens.iter().map(Secret::expose), &names);
    if let Some((position, service)) = found.empty.first() {
        messages.error(&format!(
            "token #{position} is `{service}=` with no secret after it (an unset variable, as in {service}=$TOKEN, gives one); give the token Callgoose knows for {service}"
        ));
        return Ok(ExitStatus::Error);
    }
    for position in found.read_as_global {
        // The token is named by its position only: the text before `=` may be part of the secret.
        messages.note(&format!(
            "token #{position} is written NAME=SECRET but NAME is no loaded service, so the whole text is one global token; write SERVICE=SECRET with a service of the filters ({}), or *=SECRET to say it is global",
            names.join(", ")
        ));
    }
    let secrets = Secrets::new(tokens.secrets());
    let options = ReplayOptions {
        tokens,
        ..settings.options.clone()
    };
    let mut main = Replayer::new(services, options.clone());
    let mut other = diff.map(|d| Replayer::new(d, options.clone()));
    let mut skipped = 0;
    let mut changed = 0;
    let time_key = settings.options.time_key.as_deref().map(KeyPath::parse);
    let all: Vec<Service> = services
        .iter()
        .chain(diff.unwrap_or_default())
        .cloned()
        .collect();
    let keys = Arc::new(KeySet::of(&all, time_key.iter()));
    input::for_each(&settings.paths, Some(keys), settings.max_body, |item| {
        let request = match item {
            Item::Body(_, b) => b
                .payload
                .map_err(|e| format!("{}: {e}", b.name))
                .and_then(|payload| {
                    request_of(payload, settings.envelope).map_err(|e| format!("{}: {e}", b.name))
                })
                .map(|r| (b.name, r)),
            Item::Error(e) => Err(format!("{e:#}")),
            Item::Skipped(why) => {
                messages.note(&why);
                return Ok(());
            }
        };
        let (name, request) = match request {
            Ok(r) => r,
            Err(e) => {
                messages.error(&e);
                skipped += 1;
                return Ok(());
            }
        };
        let mask = secrets.mask(request.token.as_deref());
        let record = main.apply(&name, &request);
        match &mut other {
            None => report.record(&record, mask)?,
            Some(other) => {
                let new = other.apply(&name, &request);
                let changes = changes(&record, &new);
                if !changes.is_empty() {
                    changed += 1;
                    report.change(&record, &new, &changes, &request.payload.raw, mask)?;
                }
            }
        }
        let n = main.counts().requests;
        if settings.progress && n.is_multiple_of(PROGRESS_EVERY) {
            messages.progress(&format!("replayed {n} requests"));
        }
        Ok::<(), io::Error>(())
    })?;
    if settings.progress {
        messages.progress("");
    }
    match &other {
        None => {
            let open: Vec<_> = main
                .open()
                .into_iter()
                .map(|(i, age)| (i, age, secrets.mask(main.opened_with(i.id))))
                .collect();
            report.summary(main.counts(), &open, skipped)?
        }
        Some(other) => report.diff_summary(main.counts(), other.counts(), changed, skipped)?,
    }
    Ok(if skipped > 0 {
        ExitStatus::Error
    } else if changed > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

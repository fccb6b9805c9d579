//! The `replay` command: read captured traffic as a stream, turn each body or envelope into a request,
//! replay it (or, with `--diff-filters`, replay it through two filter sets at once) and report as it
//! goes. Memory holds the open incidents and the duplicate window, never the stream.

use super::{Record, ReplayOptions, Replayer, ResolveAction, TriggerAction};
use crate::document::KeySet;
use crate::envelope::{EnvelopeMode, request_of};
use crate::exit::ExitStatus;
use crate::filter::Service;
use crate::input::{self, Item};
use crate::keypath::KeyPath;
use crate::render::{Messages, ReplayReport};
use crate::secrets::Secrets;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

/// `replay`, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplaySettings {
    /// Inputs, with `-` for standard input.
    pub paths: Vec<PathBuf>,
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
    secrets: &Secrets,
) -> io::Result<ExitStatus> {
    if let Some(token) = &settings.options.token {
        secrets.add(token);
    }
    let mut main = Replayer::new(services, settings.options.clone());
    let mut other = diff.map(|d| Replayer::new(d, settings.options.clone()));
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
        if let Some(token) = &request.token {
            secrets.add(token);
        }
        let record = main.apply(&name, &request);
        match &mut other {
            None => report.record(&record)?,
            Some(other) => {
                let new = other.apply(&name, &request);
                if signature(&record) != signature(&new) {
                    changed += 1;
                    report.change(&record, &new)?;
                }
            }
        }
        let n = main.counts().requests;
        if settings.progress && n % PROGRESS_EVERY == 0 {
            messages.progress(&format!("replayed {n} requests"));
        }
        Ok::<(), io::Error>(())
    })?;
    if settings.progress {
        messages.progress("");
    }
    match &other {
        None => report.summary(main.counts(), &main.open(), skipped)?,
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

/// What a request did, in a form that compares across filter sets: incident numbers and service names
/// aside (a new filter file may rename its service).
fn signature(r: &Record) -> Vec<(u16, &'static str, &'static str)> {
    r.actions
        .iter()
        .map(|a| {
            let trigger = match a.trigger {
                Some(TriggerAction::Created(ref i)) if i.map_key.is_none() => "created-keyless",
                Some(TriggerAction::Created(_)) => "created",
                Some(TriggerAction::Duplicate(_)) => "duplicate",
                None => "",
            };
            let resolve = match a.resolve {
                Some(ResolveAction::Closed(_)) => "resolved",
                Some(ResolveAction::Repeated) => "repeated",
                Some(ResolveAction::NoOpenIncident(_)) => "no-open-incident",
                None => "",
            };
            (a.code.status(), trigger, resolve)
        })
        .chain(std::iter::once((r.code, "", "")))
        .collect()
}

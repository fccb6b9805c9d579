//! The `replay` command: read captured traffic as a stream, turn each body or envelope into a request,
//! replay it (or, with `--diff-filters`, replay it through two filter sets at once) and report as it
//! goes. Memory holds the open incidents and the duplicate window, never the stream. Each request's
//! report hides the run's tokens and the request's own token.

use super::case_draft::{self as cases, Draft, DraftScenario, Request, Sent};
use super::tokens;
use crate::access::Tokens;
use crate::cli::{Format, ReplayArgs};
use crate::document::KeySet;
use crate::envelope::{EnvelopeMode, request_of};
use crate::exit::ExitStatus;
use crate::filter::locate::Origin;
use crate::filter::{self, FilterOptions, Service};
use crate::input::{self, Item};
use crate::keypath::KeyPath;
use crate::render::{HumanReplay, JsonReplay, Messages, Palette};
use crate::replay::{Change, Counts, Record, ReplayOptions, Replayer, changes};
use crate::secrets::{Mask, Secret, Secrets};
use crate::settings::{Environment, filter_options, input_paths};
use crate::simulation::OpenIncident;
use crate::timestamp::Millis;
use anyhow::Result;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

/// `replay`, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplaySettings {
    /// Inputs, with `-` for standard input.
    pub paths: Vec<PathBuf>,
    /// The filters to replay through (the old ones under `--diff-filters`).
    pub filters: FilterOptions,
    /// The new filters under `--diff-filters`.
    pub diff: Option<FilterOptions>,
    /// The tokens Callgoose knows, as written (`SECRET` or `SERVICE=SECRET`); read against the
    /// services once they are loaded.
    pub tokens: Vec<Secret>,
    pub options: ReplayOptions,
    /// How bodies are read.
    pub envelope: EnvelopeMode,
    /// Show progress on standard error (a terminal, while the report goes elsewhere).
    pub progress: bool,
    /// The longest body read.
    pub max_body: usize,
    pub format: Format,
    /// `--cases`: the case file to write.
    pub cases: Option<PathBuf>,
}

impl ReplaySettings {
    /// Resolves `replay`'s arguments in `env`.
    pub fn resolve(args: ReplayArgs, env: &Environment) -> Result<ReplaySettings> {
        let filters = filter_options(args.filters, args.request, env);
        let (filters, diff) = match args.diff_filters.as_deref() {
            Some([old, new]) => (
                FilterOptions {
                    path: old.clone(),
                    origin: Origin::Flag("--diff-filters"),
                    ..filters.clone()
                },
                Some(FilterOptions {
                    path: new.clone(),
                    origin: Origin::Flag("--diff-filters"),
                    ..filters
                }),
            ),
            _ => (filters, None),
        };
        Ok(ReplaySettings {
            paths: input_paths(args.paths, env)?,
            filters,
            diff,
            tokens: tokens::given(args.token, env, "replay without checking tokens")?,
            options: ReplayOptions {
                tokens: Tokens::default(),
                dedup_window: args.dedup_window,
                time_key: args.time_key,
            },
            envelope: if args.envelope {
                EnvelopeMode::Always
            } else {
                EnvelopeMode::Detect
            },
            progress: env.shows_progress(),
            max_body: args.reading.max_body,
            format: args.format,
            cases: args.cases,
        })
    }
}

/// Loads the filters (both sets under `--diff-filters`) and replays with the report in the chosen
/// format.
pub fn execute(
    settings: &ReplaySettings,
    palette: Palette,
    stdout: &mut dyn Write,
    messages: &mut Messages<'_>,
) -> Result<ExitStatus> {
    if let Some(out) = &settings.cases {
        cases::refuse_existing(out)?;
    }
    let services = filter::load(&settings.filters)?;
    if settings.cases.is_some() && services.len() != 1 {
        anyhow::bail!(
            "--cases writes one scenario, which runs through one service, and the filters hold {}: say which with --service",
            services.len()
        );
    }
    let diff = settings.diff.as_ref().map(filter::load).transpose()?;
    let mut report: Box<dyn ReplayReport + '_> = match settings.format {
        Format::Human => Box::new(HumanReplay::new(stdout, palette)),
        Format::Json => Box::new(JsonReplay::new(stdout)),
    };
    let mut steps = settings.cases.as_ref().map(|_| Vec::new());
    let status = replay(
        settings,
        &services,
        diff.as_deref(),
        report.as_mut(),
        messages,
        steps.as_mut(),
    )?;
    if let (Some(out), Some(steps)) = (&settings.cases, steps) {
        let count = steps.len();
        cases::write(out, &draft(settings, &services[0].name, steps), false)?;
        messages.note(&format!(
            "wrote {}: one scenario of {} step{}; run sqibs-filter test {} to check it",
            out.display(),
            count,
            if count == 1 { "" } else { "s" },
            out.display()
        ));
    }
    Ok(status)
}

/// One request as captured for `--cases`: its body as Callgoose sees it, and its `from`.
pub struct Captured {
    body: String,
    from: Option<String>,
    /// What secret the body holds, by the run's tokens and the request's own.
    secret: Option<crate::secrets::Kind>,
}

/// The captured traffic as a case file: one scenario, the requests in order, bodies inline.
fn draft(settings: &ReplaySettings, service: &str, steps: Vec<Captured>) -> Draft {
    let from = steps.first().and_then(|s| s.from.clone());
    let one_from = steps.iter().all(|s| s.from == from);
    let name = format!(
        "captured traffic: {} request{}",
        steps.len(),
        if steps.len() == 1 { "" } else { "s" }
    );
    let steps = steps.into_iter().map(|step| Request {
        // A scenario has one `from`: a step's own is kept as a note.
        note: match (one_from, &step.from) {
            (false, Some(from)) => Some(format!("captured with from = {}", cases::string(from))),
            _ => None,
        },
        sent: Sent::Inline(step.body),
        secret: step.secret,
    });
    Draft {
        header: vec![
            "Captured traffic, written by `sqibs-filter replay --cases`: the requests in order, and the"
                .into(),
            "actions they took as expectations. Tokens are not written.".into(),
        ],
        filters: settings.filters.path.clone(),
        service: service.to_owned(),
        cases: Vec::new(),
        scenarios: vec![DraftScenario {
            name,
            from: if one_from { from } else { None },
            steps: steps.collect(),
        }],
    }
}

/// An incident left open, its age, and the mask of the request that opened it.
pub type LeftOpen<'a> = (OpenIncident<'a>, Option<Millis>, Mask<'a>);

/// The incidents left open, in order of creation, one at a time (a replay can leave millions).
pub type LeftOpenIncidents<'i, 'a> = dyn ExactSizeIterator<Item = LeftOpen<'a>> + 'i;

/// A report of `replay`, in one output format.
pub trait ReplayReport {
    /// One request replayed, shown with `mask`.
    fn record(&mut self, r: &Record, mask: Mask<'_>) -> io::Result<()>;
    /// The end of a replay: counts and the incidents left open.
    fn summary(
        &mut self,
        c: &Counts,
        open: &mut LeftOpenIncidents<'_, '_>,
        skipped: usize,
    ) -> io::Result<()>;
    /// A request whose outcome differs between the old and the new filters, shown with `mask`: what
    /// differs, and the payload's text (a description may be the whole payload).
    fn change(
        &mut self,
        old: &Record,
        new: &Record,
        changes: &[Change],
        raw: &str,
        mask: Mask<'_>,
    ) -> io::Result<()>;
    /// The end of a filter diff.
    fn diff_summary(
        &mut self,
        old: &Counts,
        new: &Counts,
        changed: usize,
        skipped: usize,
    ) -> io::Result<()>;
}

/// Replays the traffic through `services`, or through `old` and `new` side by side when `diff` is
/// given. Only a failure to write the report is an error.
pub fn replay(
    settings: &ReplaySettings,
    services: &[Service],
    diff: Option<&[Service]>,
    report: &mut dyn ReplayReport,
    messages: &mut Messages<'_>,
    mut steps: Option<&mut Vec<Captured>>,
) -> io::Result<ExitStatus> {
    let mut names: Vec<&str> = services
        .iter()
        .chain(diff.unwrap_or_default())
        .map(|s| s.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    let Some(tokens) = tokens::read(&settings.tokens, &names, messages) else {
        return Ok(ExitStatus::Error);
    };
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
    if settings.progress {
        messages.start_progress();
    }
    let read = input::for_each(&settings.paths, Some(keys), settings.max_body, |item| {
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
        if let Some(steps) = steps.as_deref_mut() {
            steps.push(Captured {
                body: request.payload.raw.clone(),
                from: request.from.clone(),
                secret: crate::suite::val::Val::str(&request.payload.raw).secret(mask),
            });
        }
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
        messages.progress(main.counts().requests, "requests replayed");
        Ok::<(), io::Error>(())
    });
    messages.end_progress();
    read?;
    match &other {
        None => {
            let counts = main.counts().clone();
            let mut open = main
                .open()
                .map(|(i, age)| (i, age, secrets.mask(i.opened_with)));
            report.summary(&counts, &mut open, skipped)?
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

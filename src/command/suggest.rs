//! The `suggest` command: sample payloads read, a filter file proposed (see [`crate::suggest`]), loaded
//! back and run on the samples before it is shown or written, and with `--cases` a case file from the
//! samples whose expectations are the proposal's actions.

use super::case_draft::{self, Draft, DraftCase, DraftScenario, Request, Sent};
use crate::atomic_write;
use crate::cli::SuggestArgs;
use crate::eval;
use crate::exit::ExitStatus;
use crate::filter::parse_service;
use crate::input::{self, Source};
use crate::payload::{Json, Payload};
use crate::render::Messages;
use crate::secrets::{Mask, Secrets};
use crate::semantics::{Semantics, SemanticsLayer};
use crate::settings::{Environment, semantics_layer};
use crate::simulation::Simulation;
use crate::suggest::{self, Fold, Sample, write};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};

/// `suggest`'s resolved settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestSettings {
    /// The sample paths.
    pub samples: Vec<PathBuf>,
    /// `--output`.
    pub output: Option<PathBuf>,
    /// `--cases`.
    pub cases: Option<PathBuf>,
    /// The service's name.
    pub service: String,
    /// `--from`.
    pub from: Option<String>,
    /// `--force`.
    pub force: bool,
    /// The readings the command line states.
    pub semantics: SemanticsLayer,
    /// The tokens of `SQIBS_TOKEN`, hidden wherever a sample value is shown.
    pub secrets: Secrets,
}

impl SuggestSettings {
    /// Resolves `suggest`'s arguments in `env`.
    pub fn resolve(args: SuggestArgs, env: &Environment) -> SuggestSettings {
        let service = args.service.unwrap_or_else(|| {
            args.output
                .as_deref()
                .and_then(Path::file_stem)
                .map(|s| s.to_string_lossy().into_owned())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "suggested".to_owned())
        });
        let tokens = env
            .tokens
            .as_ref()
            .map(|t| t.expose().to_owned())
            .unwrap_or_default();
        SuggestSettings {
            samples: args.samples,
            output: args.output,
            cases: args.cases,
            service,
            from: args.from.filter(|f| !f.is_empty()),
            force: args.force,
            semantics: semantics_layer(&args.semantics),
            secrets: Secrets::new(tokens.split_whitespace().map(str::to_owned)),
        }
    }
}

/// A sample as read: its payload and, where it is its file's only body, that file.
struct Read {
    label: String,
    payload: Payload,
    file: Option<PathBuf>,
}

/// Proposes, checks and writes.
pub fn execute(
    settings: &SuggestSettings,
    stdout: &mut dyn Write,
    messages: &mut Messages<'_>,
) -> Result<ExitStatus> {
    for (flag, path) in [("--output", &settings.output), ("--cases", &settings.cases)] {
        if let Some(path) = path
            && !settings.force
            && std::fs::symlink_metadata(path).is_ok()
        {
            bail!(
                "{} exists: {flag} never overwrites a file without --force",
                path.display()
            );
        }
    }
    let semantics = Semantics::default().with(settings.semantics);
    let read = read_samples(&settings.samples, messages)?;
    let samples: Vec<Sample> = read
        .iter()
        .map(|r| {
            let value = r.payload.value().expect("only objects are kept");
            Sample::new(&r.label, &value, semantics.nested_keys)
        })
        .collect();
    let proposal = suggest::propose(
        &samples,
        Fold {
            case_sensitive: semantics.case_sensitive,
        },
    );
    let mask = settings.secrets.mask(None);
    let names = write::Names {
        service: &settings.service,
        from: settings.from.as_deref(),
        semantics: settings.semantics,
    };
    let mut text = write::filter_file(&proposal, names, mask);
    // The proposal is loaded back as any filter file is, and run on the samples: what the header says
    // it does is what it does.
    let label = settings
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("<suggested>"));
    let service = parse_service(&label, &text, SemanticsLayer::default()).context(
        "the proposed filter file does not load: this is a bug in suggest, please report it",
    )?;
    // In order through one simulation, as Callgoose would see them: a repeat is a duplicate.
    let mut summary = String::from("#\n# On these samples, in order:\n");
    let mut simulation = Simulation::new();
    for (i, r) in read.iter().enumerate() {
        let outcome = eval::evaluate_from(&service, &r.payload, settings.from.as_deref());
        let step = simulation.apply(
            &service.name,
            &outcome,
            i + 1,
            service.semantics.resolve_scope,
        );
        let actions: Vec<&str> = step.actions().iter().map(|a| a.name()).collect();
        let map_key = outcome
            .trigger
            .as_ref()
            .map(|t| t.map_key.as_deref())
            .or(outcome.resolve.as_ref().map(|r| r.map_key.as_deref()));
        let key = match map_key {
            Some(Some(k)) => format!(" (mapping key {})", suggest::quote(&mask.apply(k))),
            _ => String::new(),
        };
        summary += &format!(
            "#   {}: {}{key}\n",
            crate::sanitize::escape(&mask.apply(&r.label), false),
            actions.join("+")
        );
    }
    // Above the `service` line: the first comment block stays the file's summary.
    let at = text.find("\nservice = ").map_or(0, |i| i + 1);
    text.insert_str(at, &summary);
    for missing in &proposal.missing {
        messages.warning(missing);
    }
    match &settings.output {
        None => stdout.write_all(text.as_bytes())?,
        Some(out) => {
            let written = if settings.force {
                atomic_write::replace(out, &text, None)
            } else {
                atomic_write::create(out, &text)
            };
            written.with_context(|| format!("cannot write {}", out.display()))?;
            messages.note(&format!("wrote {}", out.display()));
        }
    }
    if let (Some(cases), Some(filters)) = (&settings.cases, &settings.output) {
        let draft = draft(settings, filters, &read, mask);
        case_draft::write(cases, &draft, settings.force)?;
        messages.note(&format!(
            "wrote {}: run sqibs-filter test {} to check it",
            cases.display(),
            cases.display()
        ));
    }
    Ok(if proposal.missing.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// Reads every sample; each that cannot be used is reported, and the run stops after all are read.
fn read_samples(paths: &[PathBuf], messages: &mut Messages<'_>) -> Result<Vec<Read>> {
    let expansion = input::expand(paths);
    let mut failed = expansion.errors.len();
    for e in &expansion.errors {
        messages.error(e);
    }
    let mut read = Vec::new();
    for source in &expansion.sources {
        let bodies: Vec<_> = match source.bodies() {
            Ok(bodies) => bodies.collect(),
            Err(e) => {
                messages.error(&e);
                failed += 1;
                continue;
            }
        };
        let only = bodies.len() == 1;
        for body in bodies {
            let body = match body {
                Ok(body) => body,
                Err(e) => {
                    messages.error(&format!("{}: {e}", source.label()));
                    failed += 1;
                    continue;
                }
            };
            match body.payload {
                Ok(payload)
                    if matches!(&payload.json, Ok(Json::Full(serde_json::Value::Object(_)))) =>
                {
                    read.push(Read {
                        label: body.name,
                        payload,
                        file: match (only, source) {
                            (true, Source::File(path)) => Some(path.clone()),
                            _ => None,
                        },
                    })
                }
                Ok(Payload { json: Err(e), .. }) | Err(input::BodyError(e)) => {
                    messages.error(&format!(
                        "{}: line {}, column {}: {}: a sample must be a JSON object",
                        body.name, e.line, e.column, e.message
                    ));
                    failed += 1;
                }
                Ok(_) => {
                    messages.error(&format!(
                        "{}: not a JSON object: a sample is a webhook body, an object whose keys filters read",
                        body.name
                    ));
                    failed += 1;
                }
            }
        }
    }
    if failed > 0 {
        bail!(
            "{failed} sample{} could not be used: nothing proposed",
            if failed == 1 { "" } else { "s" }
        );
    }
    if read.is_empty() {
        bail!("no samples: give a firing and a resolved payload");
    }
    Ok(read)
}

/// The case file: a case per sample, and the samples in order as one scenario.
fn draft(settings: &SuggestSettings, filters: &Path, read: &[Read], mask: Mask<'_>) -> Draft {
    let request = |r: &Read| Request {
        sent: match &r.file {
            Some(path) => Sent::File(path.clone()),
            None => Sent::Inline(r.payload.raw.clone()),
        },
        secret: crate::suite::val::Val::str(&r.payload.raw).secret(mask),
        note: None,
    };
    let short = |r: &Read| -> String {
        Path::new(&r.label)
            .file_name()
            .map_or(r.label.clone(), |f| f.to_string_lossy().into_owned())
    };
    Draft {
        header: vec![
            "Written by `sqibs-filter suggest --cases`: what the suggested filters do with each sample."
                .into(),
            "Check every expectation against what the sender means before trusting it.".into(),
        ],
        filters: filters.to_path_buf(),
        service: settings.service.clone(),
        cases: read
            .iter()
            .map(|r| DraftCase {
                name: format!("{}: {}", settings.service, short(r)),
                request: request(r),
            })
            .collect(),
        scenarios: vec![DraftScenario {
            name: format!(
                "{}: the samples in order ({})",
                settings.service,
                read.iter().map(short).collect::<Vec<_>>().join(", ")
            ),
            from: None,
            steps: read.iter().map(request).collect(),
        }],
    }
}

//! Filters against real payloads (`lint --samples DIR`): keys the filters read that no sample carries,
//! filter parts no sample exercises, and samples that no filter of any service handles. A sample that
//! cannot be read is an error, never skipped in silence; every hint names the `check` command that shows
//! the same evaluation, with the filters and readings lint used.

use super::{FilterSet, LintOptions};
use crate::command_line::CommandLine;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::envelope::{self, EnvelopeMode};
use crate::eval::{evaluate, rule, trigger_holds};
use crate::filter::schema::{conditions_span, set_key};
use crate::input::{self, Source};
use crate::outcome::Code;
use crate::payload::Payload;
use crate::warning::Warning;
use anyhow::{Result, bail};
use serde_json::Value;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// One sample: its name (`path#N` in a stream), the input it is in, and its body.
struct Sample {
    name: String,
    input: PathBuf,
    payload: Payload,
}

/// The findings of the filter `sets` against the samples `options` names.
pub(super) fn check(options: &LintOptions, sets: &[FilterSet<'_>]) -> Result<Vec<Diagnostic>> {
    let input::Expansion {
        sources, errors, ..
    } = input::expand(&options.samples);
    if let Some(e) = errors.into_iter().next() {
        bail!("cannot read the samples: {e}");
    }
    let mut out = Vec::new();
    let mut samples = Vec::new();
    for source in sources {
        read(&source, options.max_body, &mut samples, &mut out);
    }
    let explain = |filters: &Path, paths: Vec<&Path>| {
        CommandLine::new("check")
            .arg("--explain")
            .path_option("--filters", filters)
            .semantics(options.semantics)
            .paths(paths)
    };
    let values: Vec<Value> = samples
        .iter()
        .filter_map(|s| s.payload.value().map(std::borrow::Cow::into_owned))
        .collect();
    let json: Vec<&Value> = values.iter().collect();
    for loaded in sets.iter().flat_map(|s| &s.loaded) {
        let (service, doc, text) = (&loaded.service, &loaded.doc, &loaded.text);
        let file = service.file.display().to_string();
        // The filters of this one file, against every sample.
        let see = explain(
            &service.file,
            options.samples.iter().map(PathBuf::as_path).collect(),
        );
        let at = |span: std::ops::Range<usize>| Some(Location::from_span(&file, text, span));
        for (filter, fdoc) in service.filters.iter().zip(&doc.filter) {
            let ctx = format!("in filter #{} \"{}\"", filter.position, filter.name);
            let finding = |code, message: String, span, help: String| {
                Diagnostic::finding(Severity::Warning, code, message, at(span))
                    .in_context(Some(ctx.clone()))
                    .with_help(help)
            };
            let f = fdoc.get_ref();
            let t = f.trigger.get_ref();
            let mut keys: Vec<&Spanned<String>> =
                t.conditions().iter().map(|c| &c.get_ref().key).collect();
            keys.extend(
                set_key(&t.title_from)
                    .into_iter()
                    .chain(set_key(&t.description_from))
                    .chain(set_key(&t.map_with)),
            );
            if let Some(r) = &f.resolve {
                let r = r.get_ref();
                keys.extend(r.conditions.get_ref().iter().map(|c| &c.get_ref().key));
                keys.push(&r.mapped_with);
            }
            let mut seen = Vec::new();
            for key in keys {
                let path = crate::keypath::KeyPath::parse(key.get_ref())
                    .read_as(service.semantics.nested_keys);
                if seen.contains(&key.get_ref()) || json.iter().any(|j| path.lookup(j).is_some()) {
                    continue;
                }
                seen.push(key.get_ref());
                out.push(finding(
                    "key-in-no-sample",
                    format!("no sample has the key `{}`", key.get_ref()),
                    key.span(),
                    "check the key against a real body from Callgoose's API log: keys are case-sensitive and may be nested".into(),
                ));
            }
            // A catch-all fires on every sample, text ones included.
            let fires = json
                .iter()
                .any(|j| trigger_holds(filter, *j, service.semantics))
                || (filter.trigger.conditions.is_empty() && !samples.is_empty());
            if !fires {
                out.push(finding(
                    "fires-on-no-sample",
                    "no sample fires this filter's trigger part".into(),
                    conditions_span(&f.trigger),
                    format!(
                        "add a sample of the alert it is for, or see why none fires it with `{see}`"
                    ),
                ));
            }
            if let (Some(r), Some(rdoc)) = (&filter.resolve, &f.resolve)
                && !json
                    .iter()
                    .any(|j| rule::holds(&r.condition, *j, service.semantics))
            {
                out.push(finding(
                        "resolves-no-sample",
                        "no sample matches this filter's resolve part".into(),
                        rdoc.get_ref().conditions.span(),
                        format!("add a sample of the sender's resolved notification, or see why none matches with `{see}`"),
                    ));
            }
        }
    }
    out.extend(null_values(&samples, sets, options));
    for sample in &samples {
        let handled = sets
            .iter()
            .flat_map(|s| &s.loaded)
            .any(|l| evaluate(&l.service, &sample.payload).code != Code::Discarded);
        if handled {
            continue;
        }
        // `check` takes one filter set: one command per PATH of lint.
        let commands: Vec<String> = sets
            .iter()
            .map(|s| format!("`{}`", explain(s.path, vec![sample.input.as_path()])))
            .collect();
        out.push(
            Diagnostic::finding(
                Severity::Warning,
                "unhandled-sample",
                format!(
                    "{}: no filter of any service handles this sample",
                    sample.name
                ),
                None,
            )
            .with_help(format!("see why with {}", commands.join(" and "))),
        );
    }
    Ok(out)
}

/// Samples on which a filter reads JSON `null` as a title, description or mapping value (it becomes the
/// text `null`): one finding per key of a filter file, at the key, naming the first such sample.
fn null_values(
    samples: &[Sample],
    sets: &[FilterSet<'_>],
    options: &LintOptions,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for loaded in sets.iter().flat_map(|s| &s.loaded) {
        let (service, doc, text) = (&loaded.service, &loaded.doc, &loaded.text);
        let file = service.file.display().to_string();
        let mut reported = Vec::new();
        for sample in samples {
            let outcome = evaluate(service, &sample.payload);
            let fired = outcome.trigger.as_ref().map(|i| {
                doc.filter[i.filter.position - 1]
                    .get_ref()
                    .trigger
                    .get_ref()
            });
            let resolved = outcome
                .resolve
                .as_ref()
                .and_then(|r| doc.filter[r.filter.position - 1].get_ref().resolve.as_ref());
            for w in &outcome.warnings {
                let key = match (w, fired) {
                    (Warning::NullTitle { .. }, Some(t)) => set_key(&t.title_from),
                    (Warning::NullDescription { .. }, Some(t)) => set_key(&t.description_from),
                    (Warning::NullMapKey { key }, _) => fired
                        .and_then(|t| set_key(&t.map_with))
                        .filter(|k| k.get_ref() == key)
                        .or(resolved.map(|r| &r.get_ref().mapped_with)),
                    _ => None,
                };
                let Some(key) = key else { continue };
                if reported.contains(&key.span().start) {
                    continue;
                }
                reported.push(key.span().start);
                out.push(
                    Diagnostic::finding(
                        Severity::Warning,
                        "null-value",
                        format!("{}: {w}", sample.name),
                        Some(Location::from_span(&file, text, key.span())),
                    )
                    .with_help(format!(
                        "see it with `{}`",
                        CommandLine::new("check")
                            .path_option("--filters", &service.file)
                            .semantics(options.semantics)
                            .paths(vec![sample.input.as_path()])
                    )),
                );
            }
        }
    }
    out
}

/// Adds the samples of `source` to `samples`, and an error to `out` for every body that cannot be read
/// or opened as a request: lint cannot check the filters against it, and says so.
fn read(source: &Source, max_body: usize, samples: &mut Vec<Sample>, out: &mut Vec<Diagnostic>) {
    let unreadable = |message: String| {
        Diagnostic::finding(Severity::Error, "unreadable-sample", message, None)
            .with_help("fix the sample or remove it: the filters were not checked against it")
    };
    let input = match source {
        Source::Stdin => PathBuf::from("-"),
        Source::File(path) => path.clone(),
    };
    let bodies = match source.bodies() {
        Ok(bodies) => bodies.limited_to(max_body),
        Err(e) => return out.push(unreadable(format!("{e:#}"))),
    };
    for body in bodies {
        let body = match body {
            Ok(body) => body,
            Err(e) => {
                out.push(unreadable(format!("{}: {e:#}", source.label())));
                continue;
            }
        };
        let request = body
            .payload
            .map_err(|e| e.to_string())
            .and_then(|p| envelope::request_of(p, EnvelopeMode::Detect));
        match request {
            Ok(request) => samples.push(Sample {
                name: body.name,
                input: input.clone(),
                payload: request.payload,
            }),
            Err(e) => out.push(unreadable(format!("{}: {e}", body.name))),
        }
    }
}

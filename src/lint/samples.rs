//! Filters against real payloads (`lint --samples DIR`): keys the filters read that no sample carries,
//! filter parts no sample exercises, and samples that no filter of any service handles.

use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::envelope::{self, EnvelopeMode};
use crate::eval::{condition_holds, evaluate, trigger_holds};
use crate::filter::Service;
use crate::filter::schema::FileDoc;
use crate::input;
use crate::outcome::Code;
use crate::payload::Payload;
use anyhow::{Result, bail};
use serde_json::Value;
use std::path::PathBuf;
use toml::Spanned;

/// The findings of `services` (each with its spanned file and text) against the samples in `paths`.
pub(super) fn check(
    paths: &[PathBuf],
    max_body: usize,
    services: &[(Service, FileDoc, String)],
) -> Result<Vec<Diagnostic>> {
    let input::Expansion {
        sources, errors, ..
    } = input::expand(paths);
    if let Some(e) = errors.into_iter().next() {
        bail!("cannot read the samples: {e}");
    }
    // Each sample: its name (`path#N` in a stream), its input, and its body.
    let mut samples: Vec<(String, String, Payload)> = Vec::new();
    for source in sources {
        let label = source.label();
        for body in source.bodies()?.limited_to(max_body) {
            let body = body?;
            let request = body
                .payload
                .map_err(|e| e.to_string())
                .and_then(|p| envelope::request_of(p, EnvelopeMode::Detect));
            if let Ok(request) = request {
                samples.push((body.name, label.clone(), request.payload));
            }
        }
    }
    let values: Vec<Value> = samples
        .iter()
        .filter_map(|(_, _, p)| p.value().map(std::borrow::Cow::into_owned))
        .collect();
    let json: Vec<&Value> = values.iter().collect();
    let mut out = Vec::new();
    for (service, doc, text) in services {
        let file = service.file.display().to_string();
        let at = |span: std::ops::Range<usize>| Some(Location::from_span(&file, text, span));
        for (filter, fdoc) in service.filters.iter().zip(&doc.filter) {
            let ctx = format!("in filter #{} \"{}\"", filter.position, filter.name);
            let finding = |code, message: String, span, help: &str| {
                Diagnostic::finding(Severity::Warning, code, message, at(span))
                    .in_context(Some(ctx.clone()))
                    .with_help(help)
            };
            let f = fdoc.get_ref();
            let t = f.trigger.get_ref();
            let mut keys: Vec<&Spanned<String>> = t
                .conditions
                .get_ref()
                .iter()
                .map(|c| &c.get_ref().key)
                .collect();
            keys.push(&t.title_from);
            keys.extend(t.description_from.iter().chain(&t.map_with));
            if let Some(r) = &f.resolve {
                let r = r.get_ref();
                keys.extend(r.conditions.get_ref().iter().map(|c| &c.get_ref().key));
                keys.push(&r.mapped_with);
            }
            let mut seen = Vec::new();
            for key in keys {
                let path = crate::keypath::KeyPath::parse(key.get_ref());
                if seen.contains(&key.get_ref()) || json.iter().any(|j| path.lookup(j).is_some()) {
                    continue;
                }
                seen.push(key.get_ref());
                out.push(finding(
                    "key-in-no-sample",
                    format!("no sample has the key `{}`", key.get_ref()),
                    key.span(),
                    "check the key against a real body from Callgoose's API log: keys are case-sensitive and may be nested",
                ));
            }
            if !json
                .iter()
                .any(|j| trigger_holds(filter, *j, service.semantics))
            {
                out.push(finding(
                    "fires-on-no-sample",
                    "no sample fires this filter's trigger part".into(),
                    t.conditions.span(),
                    "add a sample of the alert it is for, or check its conditions with `check --explain`",
                ));
            }
            if let (Some(r), Some(rdoc)) = (&filter.resolve, &f.resolve) {
                if !json
                    .iter()
                    .any(|j| condition_holds(&r.condition, *j, service.semantics.case_sensitive))
                {
                    out.push(finding(
                        "resolves-no-sample",
                        "no sample matches this filter's resolve part".into(),
                        rdoc.get_ref().conditions.span(),
                        "add a sample of the sender's resolved notification, or check the condition with `check --explain`",
                    ));
                }
            }
        }
    }
    for (name, input, payload) in &samples {
        let handled = services
            .iter()
            .any(|(s, _, _)| evaluate(s, payload).code != Code::Discarded);
        if !handled {
            out.push(
                Diagnostic::finding(
                    Severity::Warning,
                    "unhandled-sample",
                    format!("{name}: no filter of any service handles this sample"),
                    None,
                )
                .with_help(format!(
                    "see why with `sqibs-filter check --explain {input}`"
                )),
            );
        }
    }
    Ok(out)
}

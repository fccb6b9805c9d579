//! Reading filter files: one file, or every `*.toml` in a folder, each becoming a [`Service`].
//!
//! The text is parsed once into a spanned TOML tree. That tree is first searched for unknown fields (all
//! of them, each with the closest known name), then deserialised into the schema and checked against
//! Callgoose's limits. Every error names the file, line and column, and the filter it belongs to.

use super::Service;
use super::schema::{FileDoc, Table};
use super::validate::{SourceFile, filter_context, validate};
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::semantics::SemanticsLayer;
use crate::suggest;
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Loads every service `path` names (a filter file, or a folder of them), applying the command line's
/// semantics on top of each file's.
pub fn load_services(path: &Path, cli: SemanticsLayer) -> Result<Vec<Service>> {
    let meta = std::fs::metadata(path).with_context(|| {
        format!(
            "cannot read filters from {}: give an existing filter file or folder with --filters",
            path.display()
        )
    })?;
    let files = if meta.is_dir() {
        toml_files_in(path)?
    } else {
        vec![path.to_owned()]
    };
    let mut services: Vec<Service> = Vec::new();
    let mut names: BTreeMap<String, PathBuf> = BTreeMap::new();
    for file in files {
        let service = load_file(&file, cli)?;
        if let Some(earlier) = names.insert(service.name.clone(), file.clone()) {
            bail!(
                "two filter files define the service \"{}\": {} and {}: give one of them another `service = \"...\"`",
                service.name,
                earlier.display(),
                file.display()
            );
        }
        services.push(service);
    }
    Ok(services)
}

fn toml_files_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)
        .with_context(|| format!("cannot list filter folder {}", dir.display()))?
    {
        let entry =
            entry.with_context(|| format!("cannot list filter folder {}", dir.display()))?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        bail!(
            "no filter files in {}: a filter folder holds one *.toml file per service",
            dir.display()
        );
    }
    Ok(files)
}

/// Loads one filter file.
fn load_file(path: &Path, cli: SemanticsLayer) -> Result<Service> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read filter file {}", path.display()))?;
    parse_service(path, &text, cli)
}

/// Builds a service from the text of a filter file; `path` names it in errors and gives the default
/// service name.
pub fn parse_service(path: &Path, text: &str, cli: SemanticsLayer) -> Result<Service> {
    let name = path.display().to_string();
    let src = SourceFile { name: &name, text };
    let tree = DeTable::parse(text).map_err(|e| Diagnostics(vec![toml_error(&src, &e, &[])]))?;
    let sections = sections(tree.get_ref());

    let mut unknown = Vec::new();
    find_unknown_fields(&src, tree.get_ref(), Table::Root, None, &mut unknown);
    if !unknown.is_empty() {
        // The tree's keys are sorted by name; the user reads the file top to bottom.
        unknown.sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
        return Err(Diagnostics(unknown).into());
    }

    let doc = FileDoc::deserialize(toml::de::Deserializer::from(tree))
        .map_err(|e| Diagnostics(vec![toml_error(&src, &e, &sections)]))?;
    validate(&src, path, doc, cli).map_err(|errors| Diagnostics(errors).into())
}

/// A TOML syntax or type error as a diagnostic, placed in its filter when it lies in one.
fn toml_error(src: &SourceFile<'_>, e: &toml::de::Error, sections: &[Section]) -> Diagnostic {
    let message = e.message().trim_end().replace('\n', "; ");
    let span = e.span();
    let context = span.as_ref().and_then(|s| {
        sections
            .iter()
            .rev()
            .find(|section| section.start <= s.start)
            .and_then(|section| section.filter.clone())
    });
    Diagnostic::error(
        message,
        span.map(|s| Location::from_span(src.name, src.text, s)),
    )
    .in_context(context)
    .with_help("see the filter-file format in the README")
}

/// Where a part of the file starts: a `[[filter]]` (with its context line) or any other top-level
/// item. An error belongs to the last part starting before it.
struct Section {
    start: usize,
    filter: Option<String>,
}

fn sections(root: &DeTable<'_>) -> Vec<Section> {
    let mut sections = Vec::new();
    for (key, value) in root {
        match value.get_ref() {
            DeValue::Array(list) if key.get_ref() == "filter" => {
                sections.extend(list.iter().enumerate().map(|(i, f)| Section {
                    start: f.span().start,
                    filter: Some(filter_context(i + 1, &filter_name(f.get_ref(), i + 1))),
                }));
            }
            _ => sections.push(Section {
                start: key.span().start,
                filter: None,
            }),
        }
    }
    sections.sort_by_key(|s| s.start);
    sections
}

fn filter_name(filter: &DeValue<'_>, position: usize) -> String {
    match filter {
        DeValue::Table(t) => match t.get("name").map(Spanned::get_ref) {
            Some(DeValue::String(name)) => name.to_string(),
            _ => format!("filter {position}"),
        },
        _ => format!("filter {position}"),
    }
}

/// Collects a diagnostic for every key that `table` (of kind `kind`) does not allow, descending into
/// the tables it holds. `ctx` names the filter being walked, once inside one.
fn find_unknown_fields(
    src: &SourceFile<'_>,
    table: &DeTable<'_>,
    kind: Table,
    ctx: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let allowed = kind.fields();
    for (key, value) in table {
        let name = key.get_ref().as_ref();
        if !allowed.contains(&name) {
            let mut d = src
                .error(
                    format!("unknown field `{name}` in {}", kind.header()),
                    key.span(),
                )
                .in_context(ctx.map(str::to_owned));
            d = match suggest::closest(name, allowed.iter().copied()) {
                Some(known) => d.with_help(format!("did you mean `{known}`?")),
                None => d.with_help(format!("allowed here: {}", allowed.join(", "))),
            };
            out.push(d);
            continue;
        }
        let Some(child) = kind.child(name) else {
            continue;
        };
        match value.get_ref() {
            DeValue::Table(t) => find_unknown_fields(src, t, child, ctx, out),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let DeValue::Table(t) = item.get_ref() {
                        let filter_ctx = (child == Table::Filter)
                            .then(|| filter_context(i + 1, &filter_name(item.get_ref(), i + 1)));
                        find_unknown_fields(src, t, child, filter_ctx.as_deref().or(ctx), out);
                    }
                }
            }
            // A wrong type is reported by deserialisation, with the expected type.
            _ => {}
        }
    }
}

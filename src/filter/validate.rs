//! Reading a filter file into a [`Service`]: every field of every filter is read on its own and checked
//! against the file format and Callgoose's limits as it is read. Nothing stops at the first problem:
//! unknown fields, missing fields, wrong types and broken limits are all collected, located, so that one
//! run shows everything to fix.
//!
//! This module reads the file and each filter; a filter's urgency and priority are read in `urgency`,
//! its trigger and resolve parts, with their conditions and items, in `parts`.

mod parts;
mod urgency;

use super::schema::{Table, filter_context};
use super::{Filter, Service, State, limits};
use crate::diagnostic::Diagnostic;
use crate::filter;
use crate::keypath::KeyPath;
use crate::semantics::{Semantics, SemanticsLayer};
use crate::strict_toml::{self, Reader, Schema, SourceFile, TableRef, string_field};
use parts::{resolve, trigger};
use std::path::Path;
use toml::Spanned;
use urgency::urgency;

/// Shown with syntax and type errors.
pub(super) const FORMAT_HELP: &str = "see the filter-file format in the README";

/// Reads the filter file `src` (at `path`) into a [`Service`], or every reason it cannot be one.
pub(super) fn read(
    src: SourceFile<'_>,
    path: &Path,
    cli: SemanticsLayer,
) -> Result<Service, Vec<Diagnostic>> {
    let tree = strict_toml::tree(&src, FORMAT_HELP).map_err(|d| d.0)?;
    let unknown = strict_toml::unknown_fields(&src, &tree, Table::Root);
    let mut r = Reader::new(src, unknown, FORMAT_HELP);
    let root = TableRef::root(&tree);

    let name = match r.optional::<String>(&root, "service", None) {
        Some(s) => non_empty(&mut r, s, "service", None),
        None => path
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
    };
    // An empty `from` counts as none, as Callgoose reads an empty `from=` parameter.
    let from = filter::from_parameter(
        r.optional::<String>(&root, "from", None)
            .map(Spanned::into_inner),
    );
    let state = r.optional::<String>(&root, "state", None).and_then(|s| {
        let read = State::parse(s.get_ref());
        if read.is_none() {
            r.error(
                format!("unknown state `{}`", s.get_ref()),
                s.span(),
                None,
                State::help(),
            );
        }
        read
    });
    let semantics = r
        .table(&root, "semantics", false, None)
        .and_then(|t| r.all_optional::<SemanticsLayer>(&t, Table::Semantics.fields(), None));

    let tables = r.tables(&root, "filter", false, None);
    let count = tables.as_ref().map_or(0, |t| t.get_ref().len());
    // A `filter` of the wrong type is reported as such, not as a file without filters.
    if count == 0 && (tables.is_some() || !root.table.contains_key("filter")) {
        r.error(
            "the file has no filters",
            0..0,
            None,
            "add a [[filter]] table with a [filter.trigger] part",
        );
    }
    if let Some(extra) = tables
        .as_ref()
        .and_then(|t| t.get_ref().get(limits::FILTERS))
    {
        let span = extra.as_ref().map_or(0..0, |t| t.span.clone());
        r.error(
            format!(
                "{count} filters in one service: Callgoose allows at most {}",
                limits::FILTERS
            ),
            span,
            None,
            "split the filters over two services, or merge filters that share a key",
        );
    }
    let filters: Vec<Option<Filter>> = tables
        .map(Spanned::into_inner)
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, table)| filter(&mut r, i + 1, table?))
        .collect();

    let errors = r.finish();
    // Every part that could not be read left an error, so without errors every part is there.
    match filters.into_iter().collect::<Option<Vec<_>>>() {
        Some(filters) if errors.is_empty() => {
            let semantics = Semantics::default()
                .with(semantics.unwrap_or_default())
                .with(cli);
            let mut service = Service {
                name,
                file: path.to_owned(),
                from,
                semantics,
                state: state.unwrap_or_default(),
                filters,
            };
            if !semantics.nested_keys {
                service.read_keys(false);
            }
            Ok(service)
        }
        _ => Err(errors),
    }
}

fn filter(r: &mut Reader<'_>, position: usize, table: TableRef<'_, '_>) -> Option<Filter> {
    let name = string_field(table.table, "name")
        .map_or_else(|| format!("filter {position}"), str::to_owned);
    let ctx = filter_context(position, &name);
    let ctx = Some(ctx.as_str());
    // A name of the wrong type is reported; the note keeps the default name.
    let _ = r.optional::<String>(&table, "name", ctx);

    let urgency = urgency(r, &table, ctx);
    let trigger = r
        .table(&table, "trigger", true, ctx)
        .and_then(|t| trigger(r, &t, ctx));
    let resolve = r
        .table(&table, "resolve", false, ctx)
        .and_then(|t| resolve(r, &t, ctx));
    let (urgency, priority) = urgency?;
    Some(Filter {
        name,
        position,
        urgency,
        priority,
        trigger: trigger?,
        resolve,
    })
}

/// A key field (`key`, `title_from`, ...), which must not be empty.
fn key(r: &mut Reader<'_>, value: Spanned<String>, field: &str, ctx: Option<&str>) -> KeyPath {
    KeyPath::parse(&non_empty(r, value, field, ctx))
}

fn non_empty(r: &mut Reader<'_>, value: Spanned<String>, field: &str, ctx: Option<&str>) -> String {
    if value.get_ref().is_empty() {
        r.error(
            format!("`{field}` is empty"),
            value.span(),
            ctx,
            format!("give `{field}` a value, or remove it where it is optional"),
        );
    }
    value.into_inner()
}

#[cfg(test)]
mod tests;

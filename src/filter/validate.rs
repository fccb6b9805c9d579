//! Reading a filter file into a [`Service`]: every field of every filter is read on its own and checked
//! against the file format and Callgoose's limits as it is read. Nothing stops at the first problem:
//! unknown fields, missing fields, wrong types and broken limits are all collected, located, so that one
//! run shows everything to fix.

use super::schema::{Table, filter_context};
use super::{Condition, Filter, Resolve, Service, Trigger, Urgency, limits};
use crate::diagnostic::Diagnostic;
use crate::keypath::KeyPath;
use crate::semantics::{Semantics, SemanticsLayer};
use crate::strict_toml::{self, Reader, Schema, SourceFile, TableRef, string_field};
use std::ops::RangeInclusive;
use std::path::Path;
use toml::Spanned;

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
    let from = r
        .optional::<String>(&root, "from", None)
        .map(|f| non_empty(&mut r, f, "from", None));
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

    let urgency = r.required::<String>(&table, "urgency", ctx).and_then(|u| {
        match Urgency::parse(u.get_ref()) {
            Some(urgency) => Some(urgency),
            None => {
                r.error(
                    format!("unknown urgency `{}`", u.get_ref()),
                    u.span(),
                    ctx,
                    "use \"high\" or \"low\" (any case), or a priority \"P1\" to \"P5\"",
                );
                None
            }
        }
    });
    let trigger = r
        .table(&table, "trigger", true, ctx)
        .and_then(|t| trigger(r, &t, ctx));
    let resolve = r
        .table(&table, "resolve", false, ctx)
        .and_then(|t| resolve(r, &t, ctx));
    Some(Filter {
        name,
        position,
        urgency: urgency?,
        trigger: trigger?,
        resolve,
    })
}

fn trigger(r: &mut Reader<'_>, t: &TableRef<'_, '_>, ctx: Option<&str>) -> Option<Trigger> {
    let conditions = conditions(r, t, 1..=limits::TRIGGER_CONDITIONS, ctx);
    let title_from = r
        .required::<String>(t, "title_from", ctx)
        .map(|k| key(r, k, "title_from", ctx));
    let description_from = r
        .optional::<String>(t, "description_from", ctx)
        .map(|k| key(r, k, "description_from", ctx));
    let map_with = r
        .optional::<String>(t, "map_with", ctx)
        .map(|k| key(r, k, "map_with", ctx));
    Some(Trigger {
        conditions: conditions?,
        title_from: title_from?,
        description_from,
        map_with,
    })
}

fn resolve(r: &mut Reader<'_>, t: &TableRef<'_, '_>, ctx: Option<&str>) -> Option<Resolve> {
    let condition = conditions(r, t, 1..=1, ctx).and_then(|mut c| c.pop());
    let mapped_with = r
        .required::<String>(t, "mapped_with", ctx)
        .map(|k| key(r, k, "mapped_with", ctx));
    Some(Resolve {
        condition: condition?,
        mapped_with: mapped_with?,
    })
}

/// The `conditions` of a trigger or resolve part, which Callgoose allows `allowed` of.
fn conditions(
    r: &mut Reader<'_>,
    part: &TableRef<'_, '_>,
    allowed: RangeInclusive<usize>,
    ctx: Option<&str>,
) -> Option<Vec<Condition>> {
    let list = r.tables(part, "conditions", true, ctx)?;
    let span = list.span();
    let list = list.into_inner();
    if !allowed.contains(&list.len()) {
        let (name, rule) = if *allowed.end() == 1 {
            ("resolve part", "exactly 1 condition".to_owned())
        } else {
            ("trigger part", format!("1 or {} conditions", allowed.end()))
        };
        r.error(
            format!(
                "the {name} has {} conditions: Callgoose allows {rule}",
                list.len()
            ),
            span,
            ctx,
            match (list.len(), *allowed.end()) {
                (0, _) => "add a condition such as { key = \"status\", contains = [\"firing\"] }",
                (_, 1) => "a second resolve condition needs a filter of its own",
                _ => "a third condition needs a filter of its own, or a longer contains list",
            },
        );
    }
    let read: Vec<Option<Condition>> = list.into_iter().map(|c| condition(r, &c?, ctx)).collect();
    read.into_iter()
        .collect::<Option<Vec<_>>>()
        .filter(|c| allowed.contains(&c.len()))
}

fn condition(r: &mut Reader<'_>, c: &TableRef<'_, '_>, ctx: Option<&str>) -> Option<Condition> {
    let key = r
        .required::<String>(c, "key", ctx)
        .map(|k| self::key(r, k, "key", ctx));
    let items = r
        .required::<Vec<Spanned<String>>>(c, "contains", ctx)
        .map(|list| items(r, list, ctx));
    Some(Condition::new(key?, items?))
}

fn items(
    r: &mut Reader<'_>,
    list: Spanned<Vec<Spanned<String>>>,
    ctx: Option<&str>,
) -> Vec<String> {
    let span = list.span();
    let list = list.into_inner();
    if list.is_empty() || list.len() > limits::ITEMS {
        r.error(
            format!(
                "the contains list has {} items: Callgoose allows 1 to {}",
                list.len(),
                limits::ITEMS
            ),
            span,
            ctx,
            "items are ANDed: every one must be in the value; alternatives need separate filters",
        );
    }
    list.into_iter()
        .map(|item| {
            if let Some(c) = item.get_ref().chars().find(|c| c.is_control()) {
                r.error(
                    format!(
                        "this item holds the control character U+{:04X}: Callgoose's form cannot hold one",
                        c as u32
                    ),
                    item.span(),
                    ctx,
                    "remove it; match on the visible text around it",
                );
            }
            let chars = item.get_ref().chars().count();
            if chars > limits::ITEM_CHARS {
                r.error(
                    format!(
                        "this item has {chars} characters: Callgoose allows at most {}",
                        limits::ITEM_CHARS
                    ),
                    item.span(),
                    ctx,
                    "keep a distinctive part of the value; contains matches substrings",
                );
            }
            item.into_inner()
        })
        .collect()
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
mod tests {
    use super::*;
    use crate::filter::parse_doc;

    const VALID: &str = r#"
service = "s"
from = "F"
[semantics]
case_sensitive = true
[[filter]]
name = "a"
urgency = "P2"
[filter.trigger]
conditions = [{ key = "s", contains = ["x"] }, { key = "t", contains = ["y", "z"] }]
title_from = "t"
description_from = "d"
map_with = "id"
[filter.resolve]
conditions = [{ key = "s", contains = ["ok"] }]
mapped_with = "id"
"#;

    /// Whether the field-by-field reading and the derived types (which `lint` points into) accept it.
    fn both(text: &str) -> (bool, bool) {
        let src = SourceFile {
            name: "f.toml",
            text,
        };
        let read = read(src, Path::new("f.toml"), SemanticsLayer::default()).is_ok();
        (read, parse_doc(&src).is_ok())
    }

    #[test]
    fn the_reader_and_the_types_accept_the_same_structure() {
        assert_eq!(both(VALID), (true, true));
        // Each structural change breaks both; limits (not structure) are the reader's alone.
        for (from, to) in [
            ("urgency = \"P2\"\n", ""),
            ("title_from = \"t\"\n", ""),
            ("mapped_with = \"id\"\n", ""),
            ("key = \"s\", contains = [\"ok\"]", "key = \"s\""),
            ("key = \"s\", contains = [\"ok\"]", "contains = [\"ok\"]"),
            ("[filter.trigger]", "[filter.trigger]\nextra = 1"),
            ("map_with = \"id\"", "map_with = 1"),
            ("name = \"a\"", "name = []"),
            ("from = \"F\"", "from = { a = 1 }"),
            ("case_sensitive = true", "case_sensitive = \"yes\""),
            ("case_sensitive = true", "conditions = \"some\""),
            ("case_sensitive = true", "case = true"),
            ("contains = [\"y\", \"z\"]", "contains = [\"y\", 2]"),
        ] {
            let text = VALID.replacen(from, to, 1);
            assert_eq!(both(&text), (false, false), "{to}");
        }
        let optional = VALID
            .replace("description_from = \"d\"\n", "")
            .replace("map_with = \"id\"\n", "")
            .replace("name = \"a\"\n", "")
            .replace("[semantics]\ncase_sensitive = true\n", "");
        assert_eq!(both(&optional), (true, true));
    }

    #[test]
    fn a_filter_list_of_the_wrong_type_is_one_error() {
        let src = SourceFile {
            name: "f.toml",
            text: "filter = \"x\"\n",
        };
        let errors = read(src, Path::new("f.toml"), SemanticsLayer::default()).unwrap_err();
        let messages: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            ["invalid type: string \"x\", expected an array of tables"]
        );
    }
}

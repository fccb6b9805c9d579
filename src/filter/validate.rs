//! Reading a filter file into a [`Service`]: every field of every filter is read on its own and checked
//! against the file format and Callgoose's limits as it is read. Nothing stops at the first problem:
//! unknown fields, missing fields, wrong types and broken limits are all collected, located, so that one
//! run shows everything to fix.

use super::schema::{Table, filter_context};
use super::{Condition, Filter, Priority, Resolve, Service, State, Trigger, Urgency, limits};
use crate::diagnostic::Diagnostic;
use crate::filter;
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

/// The urgency and priority of a filter: `urgency` (high, low, or a priority), `priority` (P1-P5), or
/// both when they agree. `None` when either cannot be read or they disagree (the error is recorded).
fn urgency(
    r: &mut Reader<'_>,
    table: &TableRef<'_, '_>,
    ctx: Option<&str>,
) -> Option<(Urgency, Option<Priority>)> {
    r.require_one_of(table, &["urgency", "priority"], ctx);
    let urgency = r.optional::<String>(table, "urgency", ctx);
    let priority = r.optional::<String>(table, "priority", ctx);
    let urgency_text = urgency.as_ref().map(|u| u.get_ref().clone());
    let priority_span = priority.as_ref().map(Spanned::span);
    let read_urgency = urgency.as_ref().map(|u| {
        let text = u.get_ref();
        let read = Urgency::parse(text).map(|urgency| (urgency, Priority::parse(text)));
        if read.is_none() {
            r.error(
                format!("unknown urgency `{text}`"),
                u.span(),
                ctx,
                "use \"high\" or \"low\" (any case), or a priority \"P1\" to \"P5\"",
            );
        }
        read
    });
    let read_priority = priority.as_ref().map(|p| {
        let read = Priority::parse(p.get_ref());
        if read.is_none() {
            r.error(
                format!("unknown priority `{}`", p.get_ref()),
                p.span(),
                ctx,
                "use \"P1\" to \"P5\": P1-P3 page with high urgency, P4-P5 with low",
            );
        }
        read
    });
    match (read_urgency, read_priority) {
        (Some(u), None) => u,
        (None, Some(p)) => p.map(|p| (p.urgency(), Some(p))),
        (Some(u), Some(p)) => {
            let ((urgency, as_priority), priority) = (u?, p?);
            let agree = match as_priority {
                Some(given) => given == priority,
                None => urgency == priority.urgency(),
            };
            if !agree {
                let written = urgency_text.unwrap_or_default();
                let message = match as_priority {
                    Some(_) => format!(
                        "`priority = \"{priority}\"` and `urgency = \"{written}\"` give two different priorities"
                    ),
                    None => format!(
                        "`priority = \"{priority}\"` pages with {} urgency, but `urgency = \"{written}\"`",
                        priority.urgency()
                    ),
                };
                r.error(
                    message,
                    priority_span.unwrap_or_default(),
                    ctx,
                    "give the priority alone (it sets the urgency), or an urgency that agrees with it",
                );
                return None;
            }
            Some((urgency, Some(priority)))
        }
        // Neither given: recorded above.
        (None, None) => None,
    }
}

fn trigger(r: &mut Reader<'_>, t: &TableRef<'_, '_>, ctx: Option<&str>) -> Option<Trigger> {
    let conditions = conditions(r, t, 0..=limits::TRIGGER_CONDITIONS, ctx);
    let title_from = optional_key(r, t, "title_from", ctx);
    let description_from = optional_key(r, t, "description_from", ctx);
    let map_with = optional_key(r, t, "map_with", ctx);
    Some(Trigger {
        line: r.line(&t.span),
        conditions: conditions?,
        title_from,
        description_from,
        map_with,
    })
}

/// An optional key field (`title_from`, ...): an empty one is not set, as Callgoose leaves an empty
/// field of its form.
fn optional_key(
    r: &mut Reader<'_>,
    t: &TableRef<'_, '_>,
    field: &str,
    ctx: Option<&str>,
) -> Option<KeyPath> {
    r.optional::<String>(t, field, ctx)
        .filter(|k| !k.get_ref().is_empty())
        .map(|k| KeyPath::parse(k.get_ref()))
}

fn resolve(r: &mut Reader<'_>, t: &TableRef<'_, '_>, ctx: Option<&str>) -> Option<Resolve> {
    let condition = conditions(r, t, 1..=1, ctx).and_then(|mut c| c.pop());
    let mapped_with = r
        .required::<String>(t, "mapped_with", ctx)
        .map(|k| key(r, k, "mapped_with", ctx));
    Some(Resolve {
        line: r.line(&t.span),
        condition: condition?,
        mapped_with: mapped_with?,
    })
}

/// The `conditions` of a trigger or resolve part, which Callgoose allows `allowed` of. A part that may
/// have none may leave the field out.
fn conditions(
    r: &mut Reader<'_>,
    part: &TableRef<'_, '_>,
    allowed: RangeInclusive<usize>,
    ctx: Option<&str>,
) -> Option<Vec<Condition>> {
    let required = *allowed.start() > 0;
    if !required && !part.table.contains_key("conditions") {
        return Some(Vec::new());
    }
    let list = r.tables(part, "conditions", true, ctx)?;
    let span = list.span();
    let list = list.into_inner();
    if !allowed.contains(&list.len()) {
        let (name, rule, help) = if required {
            (
                "resolve part",
                "exactly 1 condition".to_owned(),
                if list.is_empty() {
                    "add a condition such as { key = \"status\", contains = [\"firing\"] }"
                } else {
                    "a second resolve condition needs a filter of its own"
                },
            )
        } else {
            (
                "trigger part",
                format!("at most {} conditions", allowed.end()),
                "a third condition needs a filter of its own, or a longer contains list",
            )
        };
        r.error(
            format!(
                "the {name} has {} conditions: Callgoose allows {rule}",
                list.len()
            ),
            span,
            ctx,
            help,
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
            ("urgency = \"P2\"", "priority = 2"),
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
            .replace("title_from = \"t\"\n", "")
            .replace("conditions = [{ key = \"s\", contains = [\"x\"] }, { key = \"t\", contains = [\"y\", \"z\"] }]\n", "")
            .replace("description_from = \"d\"\n", "")
            .replace("map_with = \"id\"\n", "")
            .replace("name = \"a\"\n", "")
            .replace("[semantics]\ncase_sensitive = true\n", "");
        assert_eq!(both(&optional), (true, true));
    }

    fn service(text: &str) -> Result<Service, Vec<String>> {
        let src = SourceFile {
            name: "f.toml",
            text,
        };
        read(src, Path::new("f.toml"), SemanticsLayer::default())
            .map_err(|errors| errors.into_iter().map(|d| d.message).collect())
    }

    #[test]
    fn urgency_and_priority_give_each_other_or_must_agree() {
        let with = |fields: &str| service(&VALID.replace("urgency = \"P2\"", fields));
        let level = |fields: &str| {
            let f = &with(fields).unwrap().filters[0];
            (f.urgency, f.priority.map(Priority::as_str))
        };
        assert_eq!(level("urgency = \"high\""), (Urgency::High, None));
        assert_eq!(level("urgency = \"p4\""), (Urgency::Low, Some("P4")));
        assert_eq!(level("priority = \"P4\""), (Urgency::Low, Some("P4")));
        assert_eq!(
            level("urgency = \"High\"\npriority = \"P3\""),
            (Urgency::High, Some("P3"))
        );
        assert_eq!(
            level("urgency = \"P5\"\npriority = \"P5\""),
            (Urgency::Low, Some("P5"))
        );
        assert_eq!(
            with("urgency = \"low\"\npriority = \"P2\"").unwrap_err(),
            ["`priority = \"P2\"` pages with high urgency, but `urgency = \"low\"`"]
        );
        assert_eq!(
            with("urgency = \"P2\"\npriority = \"P3\"").unwrap_err(),
            ["`priority = \"P3\"` and `urgency = \"P2\"` give two different priorities"]
        );
        assert_eq!(
            with("priority = \"high\"").unwrap_err(),
            ["unknown priority `high`"]
        );
        assert_eq!(
            with("").unwrap_err(),
            ["missing field `urgency` or `priority`"]
        );
    }

    #[test]
    fn empty_optional_keys_and_from_are_not_set() {
        let text = VALID
            .replace("from = \"F\"", "from = \"\"")
            .replace("title_from = \"t\"", "title_from = \"\"")
            .replace("description_from = \"d\"", "description_from = \"\"")
            .replace("map_with = \"id\"", "map_with = \"\"");
        let s = service(&text).unwrap();
        let t = &s.filters[0].trigger;
        assert_eq!(s.from, None);
        assert_eq!(
            (&t.title_from, &t.description_from, &t.map_with),
            (&None, &None, &None)
        );
    }

    #[test]
    fn a_trigger_may_have_no_conditions_but_not_three() {
        let two = "conditions = [{ key = \"s\", contains = [\"x\"] }, { key = \"t\", contains = [\"y\", \"z\"] }]";
        for none in ["conditions = []", ""] {
            let s = service(&VALID.replace(two, none)).unwrap();
            assert!(s.filters[0].trigger.conditions.is_empty(), "{none:?}");
        }
        let three = two.replace("] }]", "] }, { key = \"u\", contains = [\"w\"] }]");
        assert_eq!(
            service(&VALID.replace(two, &three)).unwrap_err(),
            ["the trigger part has 3 conditions: Callgoose allows at most 2 conditions"]
        );
        // A resolve part still needs its one condition.
        let no_resolve_condition = VALID.replace(
            "[filter.resolve]\nconditions = [{ key = \"s\", contains = [\"ok\"] }]\n",
            "[filter.resolve]\n",
        );
        assert_eq!(
            service(&no_resolve_condition).unwrap_err(),
            ["missing field `conditions`"]
        );
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

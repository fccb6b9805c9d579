//! Callgoose's limits and the file format's own rules, applied to a parsed filter file. Every broken rule
//! becomes a located diagnostic, all of them collected, so that one run shows everything to fix.

use super::schema::{ConditionDoc, FileDoc, FilterDoc, filter_context};
use super::{Condition, Filter, Resolve, Service, Trigger, Urgency, limits};
use crate::diagnostic::Diagnostic;
use crate::keypath::KeyPath;
use crate::semantics::{Semantics, SemanticsLayer};
use crate::strict_toml::SourceFile;
use std::path::Path;
use toml::Spanned;

/// Turns a parsed file into a [`Service`], or every reason it cannot be one.
pub(super) fn validate(
    src: &SourceFile<'_>,
    path: &Path,
    doc: FileDoc,
    cli: SemanticsLayer,
) -> Result<Service, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let name = match doc.service {
        Some(s) => non_empty(src, s, "service", &mut errors, None),
        None => path
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
    };
    let from = doc
        .from
        .map(|f| non_empty(src, f, "from", &mut errors, None));
    if doc.filter.is_empty() {
        errors.push(
            src.error("the file has no filters", 0..0)
                .with_help("add a [[filter]] table with a [filter.trigger] part"),
        );
    }
    if doc.filter.len() > limits::FILTERS {
        let extra = &doc.filter[limits::FILTERS];
        errors.push(
            src.error(
                format!(
                    "{} filters in one service: Callgoose allows at most {}",
                    doc.filter.len(),
                    limits::FILTERS
                ),
                extra.span(),
            )
            .with_help("split the filters over two services, or merge filters that share a key"),
        );
    }
    let filters = doc
        .filter
        .into_iter()
        .enumerate()
        .map(|(i, f)| filter(src, i + 1, f.into_inner(), &mut errors))
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let semantics = Semantics::default()
        .with(doc.semantics.unwrap_or_default())
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

fn filter(
    src: &SourceFile<'_>,
    position: usize,
    doc: FilterDoc,
    errors: &mut Vec<Diagnostic>,
) -> Filter {
    let name = doc
        .name
        .map_or_else(|| format!("filter {position}"), |n| n.into_inner());
    let ctx = filter_context(position, &name);
    let urgency = Urgency::parse(doc.urgency.get_ref()).unwrap_or_else(|| {
        errors.push(
            src.error(
                format!("unknown urgency `{}`", doc.urgency.get_ref()),
                doc.urgency.span(),
            )
            .in_context(Some(ctx.clone()))
            .with_help("use \"high\" or \"low\" (any case), or a priority \"P1\" to \"P5\""),
        );
        Urgency::High
    });

    let t = doc.trigger.into_inner();
    let conditions = check_conditions(
        src,
        t.conditions,
        1..=limits::TRIGGER_CONDITIONS,
        &ctx,
        errors,
    );
    let key = |k: Spanned<String>, field: &str, errors: &mut Vec<Diagnostic>| {
        KeyPath::parse(&non_empty(src, k, field, errors, Some(&ctx)))
    };
    let trigger = Trigger {
        conditions,
        title_from: key(t.title_from, "title_from", errors),
        description_from: t
            .description_from
            .map(|k| key(k, "description_from", errors)),
        map_with: t.map_with.map(|k| key(k, "map_with", errors)),
    };

    let resolve = doc.resolve.map(|r| {
        let r = r.into_inner();
        let mut conditions = check_conditions(src, r.conditions, 1..=1, &ctx, errors);
        Resolve {
            // Without its one condition the file is already in error; this placeholder is never used.
            condition: conditions
                .pop()
                .unwrap_or_else(|| Condition::new(KeyPath::parse(""), Vec::new())),
            mapped_with: key(r.mapped_with, "mapped_with", errors),
        }
    });

    Filter {
        name,
        position,
        urgency,
        trigger,
        resolve,
    }
}

fn check_conditions(
    src: &SourceFile<'_>,
    list: Spanned<Vec<Spanned<ConditionDoc>>>,
    allowed: std::ops::RangeInclusive<usize>,
    ctx: &str,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Condition> {
    let span = list.span();
    let list = list.into_inner();
    if !allowed.contains(&list.len()) {
        let (part, rule) = if *allowed.end() == 1 {
            ("resolve part", "exactly 1 condition".to_owned())
        } else {
            ("trigger part", format!("1 or {} conditions", allowed.end()))
        };
        errors.push(
            src.error(
                format!(
                    "the {part} has {} conditions: Callgoose allows {rule}",
                    list.len()
                ),
                span,
            )
            .in_context(Some(ctx.to_owned()))
            .with_help(match (list.len(), *allowed.end()) {
                (0, _) => "add a condition such as { key = \"status\", contains = [\"firing\"] }",
                (_, 1) => "a second resolve condition needs a filter of its own",
                _ => "a third condition needs a filter of its own, or a longer contains list",
            }),
        );
    }
    list.into_iter()
        .map(|c| {
            let c = c.into_inner();
            Condition::new(
                KeyPath::parse(&non_empty(src, c.key, "key", errors, Some(ctx))),
                items(src, c.contains, ctx, errors),
            )
        })
        .collect()
}

fn items(
    src: &SourceFile<'_>,
    list: Spanned<Vec<Spanned<String>>>,
    ctx: &str,
    errors: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let span = list.span();
    let list = list.into_inner();
    if list.is_empty() || list.len() > limits::ITEMS {
        errors.push(
            src.error(
                format!(
                    "the contains list has {} items: Callgoose allows 1 to {}",
                    list.len(),
                    limits::ITEMS
                ),
                span,
            )
            .in_context(Some(ctx.to_owned()))
            .with_help("items are ANDed: every one must be in the value; alternatives need separate filters"),
        );
    }
    list.into_iter()
        .map(|item| {
            if let Some(c) = item.get_ref().chars().find(|c| c.is_control()) {
                errors.push(
                    src.error(
                        format!(
                            "this item holds the control character U+{:04X}: Callgoose's form cannot hold one",
                            c as u32
                        ),
                        item.span(),
                    )
                    .in_context(Some(ctx.to_owned()))
                    .with_help("remove it; match on the visible text around it"),
                );
            }
            let chars = item.get_ref().chars().count();
            if chars > limits::ITEM_CHARS {
                errors.push(
                    src.error(
                        format!(
                            "this item has {chars} characters: Callgoose allows at most {}",
                            limits::ITEM_CHARS
                        ),
                        item.span(),
                    )
                    .in_context(Some(ctx.to_owned()))
                    .with_help("keep a distinctive part of the value; contains matches substrings"),
                );
            }
            item.into_inner()
        })
        .collect()
}

fn non_empty(
    src: &SourceFile<'_>,
    value: Spanned<String>,
    field: &str,
    errors: &mut Vec<Diagnostic>,
    ctx: Option<&str>,
) -> String {
    if value.get_ref().is_empty() {
        errors.push(
            src.error(format!("`{field}` is empty"), value.span())
                .in_context(ctx.map(str::to_owned))
                .with_help(format!(
                    "give `{field}` a value, or remove it where it is optional"
                )),
        );
    }
    value.into_inner()
}

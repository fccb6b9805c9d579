//! The trigger and resolve parts of a filter: their key fields, and their conditions and items within
//! Callgoose's limits (how many conditions a part has, how many items a list, how long an item is).

use super::key;
use crate::filter::{Condition, Resolve, Trigger, limits};
use crate::keypath::KeyPath;
use crate::strict_toml::{Reader, TableRef};
use std::ops::RangeInclusive;
use toml::Spanned;

pub(super) fn trigger(
    r: &mut Reader<'_>,
    t: &TableRef<'_, '_>,
    ctx: Option<&str>,
) -> Option<Trigger> {
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

pub(super) fn resolve(
    r: &mut Reader<'_>,
    t: &TableRef<'_, '_>,
    ctx: Option<&str>,
) -> Option<Resolve> {
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
        .map(|k| super::key(r, k, "key", ctx));
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

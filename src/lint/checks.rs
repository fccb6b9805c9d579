//! The static checks of one filter file that loaded: mapping keys, shadowed filters, resolve and
//! trigger conditions that match each other's values, and items that do not say what they seem to.
//!
//! This module walks the file and holds what every check shares; the checks of the keys a filter reads
//! are in `keys`, of the items of a condition in `items`, and of conditions that imply each other
//! across filters (a shadowed filter, a resolve that matches a trigger) in `overlap`.

mod items;
mod keys;
mod overlap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::filter::Service;
use crate::filter::schema::{ConditionDoc, FileDoc, FilterDoc, conditions_span};
use crate::keypath::KeyPath;
use crate::strict_toml::SourceFile;
use items::items;
use keys::{key_quotes, keys, mapping, unreadable_without_nesting};
use overlap::{overlapping, shadowed};
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;

/// Every finding about `doc` (the file `src`, loaded as `service`).
pub fn check(src: &SourceFile<'_>, doc: &FileDoc, service: &Service) -> Vec<Diagnostic> {
    let mut out = Findings {
        src,
        fold: !service.semantics.case_sensitive,
        nested: service.semantics.nested_keys,
        list: Vec::new(),
    };
    let filters: Vec<(usize, &Spanned<FilterDoc>)> = doc
        .filter
        .iter()
        .enumerate()
        .map(|(i, f)| (i + 1, f))
        .collect();
    let mut names: HashMap<&str, usize> = HashMap::new();
    for &(position, f) in &filters {
        let filter = f.get_ref();
        let ctx = context(position, filter);
        if let Some(name) = &filter.name
            && let Some(first) = names.insert(name.get_ref(), position)
        {
            out.push(
                Severity::Warning,
                "duplicate-name",
                format!("filter #{first} has the same name"),
                name.span(),
                &ctx,
                "give each filter its own name, so that reports and case files can tell them apart",
            );
        }
        if filter.trigger.get_ref().conditions().is_empty() {
            out.push(
                Severity::Warning,
                "catch-all",
                "this trigger has no conditions: every request the service receives creates an incident, bodies that are not JSON included".into(),
                conditions_span(&filter.trigger),
                &ctx,
                "keep a catch-all only as the last filter, for what no other filter takes (it is the only way to take a body that is not JSON); otherwise add a condition such as { key = \"status\", contains = [\"firing\"] }",
            );
        }
        mapping(&mut out, filter, &ctx);
        for key in keys(filter) {
            key_quotes(&mut out, key, &ctx);
            unreadable_without_nesting(&mut out, key, &ctx);
        }
        for c in trigger_conditions(filter) {
            items(&mut out, c, &ctx);
        }
        if let Some(r) = &filter.resolve {
            for c in r.get_ref().conditions.get_ref() {
                items(&mut out, c.get_ref(), &ctx);
            }
        }
    }
    shadowed(&mut out, &filters, service.semantics.conditions);
    overlapping(&mut out, &filters);
    out.list
}

struct Findings<'a> {
    src: &'a SourceFile<'a>,
    /// Items compare case-insensitively.
    fold: bool,
    /// Keys reach into objects and arrays (`nested_keys`).
    nested: bool,
    list: Vec<Diagnostic>,
}

impl Findings<'_> {
    fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        message: String,
        span: Range<usize>,
        ctx: &str,
        help: &str,
    ) {
        let at = self.src.error("", span).location;
        self.list.push(
            Diagnostic::finding(severity, code, message, at)
                .in_context(Some(ctx.to_owned()))
                .with_help(help),
        );
    }

    fn norm(&self, s: &str) -> String {
        if self.fold {
            s.to_lowercase()
        } else {
            s.to_owned()
        }
    }

    /// Whether `outer` contains `inner` under the service's case rule.
    fn contains(&self, outer: &str, inner: &str) -> bool {
        self.norm(outer).contains(&self.norm(inner))
    }

    /// Whether two keys as written read the same value under the service's key reading.
    fn same_key(&self, a: &str, b: &str) -> bool {
        a == b
            || KeyPath::parse(a)
                .read_as(self.nested)
                .reads_as(&KeyPath::parse(b).read_as(self.nested))
    }
}

fn context(position: usize, f: &FilterDoc) -> String {
    let name = f
        .name
        .as_ref()
        .map_or_else(|| format!("filter {position}"), |n| n.get_ref().clone());
    format!("in filter #{position} \"{name}\"")
}

fn trigger_conditions(f: &FilterDoc) -> impl Iterator<Item = &ConditionDoc> {
    f.trigger
        .get_ref()
        .conditions()
        .iter()
        .map(Spanned::get_ref)
}

#[cfg(test)]
mod tests;

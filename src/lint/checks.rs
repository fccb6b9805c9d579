//! The static checks of one filter file that loaded: mapping keys, shadowed filters, resolve and
//! trigger conditions that match each other's values, and items that do not say what they seem to.

use crate::diagnostic::{Diagnostic, Severity};
use crate::filter::Service;
use crate::filter::schema::{ConditionDoc, FileDoc, FilterDoc, conditions_span, set_key};
use crate::keypath::KeyPath;
use crate::semantics::Combine;
use crate::strict_toml::SourceFile;
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

/// A resolve part needs a mapping key on both sides, and the same one.
fn mapping(out: &mut Findings<'_>, f: &FilterDoc, ctx: &str) {
    let Some(resolve) = &f.resolve else { return };
    let mapped_with = &resolve.get_ref().mapped_with;
    match set_key(&f.trigger.get_ref().map_with) {
        None => out.push(
            Severity::Error,
            "resolve-without-map-with",
            "the resolve part is on, but the trigger has no map_with: nothing it creates can ever be resolved".into(),
            mapped_with.span(),
            ctx,
            &format!("add map_with = \"{}\" to [filter.trigger]", mapped_with.get_ref()),
        ),
        Some(map_with) if !out.same_key(map_with.get_ref(), mapped_with.get_ref()) => {
            out.push(
            Severity::Warning,
            "mapping-keys-differ",
            format!(
                "mapped_with `{}` differs from the trigger's map_with `{}`",
                mapped_with.get_ref(),
                map_with.get_ref()
            ),
            mapped_with.span(),
            ctx,
            "the resolving payload's value must equal the triggering payload's: map both on the key that identifies the alert in both",
            )
        }
        Some(_) => {}
    }
}

/// Every key a filter reads, as written.
fn keys(f: &FilterDoc) -> impl Iterator<Item = &Spanned<String>> {
    let t = f.trigger.get_ref();
    let resolve = f.resolve.iter().flat_map(|r| {
        let r = r.get_ref();
        r.conditions
            .get_ref()
            .iter()
            .map(|c| &c.get_ref().key)
            .chain([&r.mapped_with])
    });
    trigger_conditions(f)
        .map(|c| &c.key)
        .chain(set_key(&t.title_from))
        .chain(set_key(&t.description_from))
        .chain(set_key(&t.map_with))
        .chain(resolve)
}

/// Quotes in a key that do not quote: not well formed, or typographic.
fn key_quotes(out: &mut Findings<'_>, key: &Spanned<String>, ctx: &str) {
    let text = key.get_ref();
    let finding = if text.contains(['“', '”', '„']) {
        (
            "typographic-quote",
            format!("the key `{text}` has typographic quotes"),
            "only straight double quotes (\") quote a name, as in labels.\"app.kubernetes.io/name\"; a copy from a document brought curly ones",
        )
    } else if KeyPath::parse(text).has_stray_quote() {
        (
            "key-quotes",
            format!(
                "the quotes in the key `{text}` are not well formed, so they are read as part of a name"
            ),
            "quote whole names: labels.\"app.kubernetes.io/name\" or labels[\"app.kubernetes.io/name\"], with \\\" for a quote inside",
        )
    } else {
        return;
    };
    let (code, message, help) = finding;
    out.push(Severity::Warning, code, message, key.span(), ctx, help);
}

/// A quoted path through several names under `nested_keys = false`: it can only mean a nested value,
/// and no key reaches one.
fn unreadable_without_nesting(out: &mut Findings<'_>, key: &Spanned<String>, ctx: &str) {
    let text = key.get_ref();
    if out.nested
        || KeyPath::parse(text)
            .read_as(false)
            .top_level_name()
            .is_some()
    {
        return;
    }
    out.push(
        Severity::Warning,
        "nested-key-without-nesting",
        format!("the key `{text}` is a quoted path into a nested value, and keys do not nest here (nested_keys = false): it reads nothing"),
        key.span(),
        ctx,
        "name one top-level key (quote the whole name if it has dots: \"a.b\"), or switch nested keys on",
    );
}

/// Items that are empty, padded, typographic, repeated, or made redundant by a longer one.
fn items(out: &mut Findings<'_>, c: &ConditionDoc, ctx: &str) {
    let key = c.key.get_ref();
    if key.trim() != key {
        out.push(
            Severity::Warning,
            "padded-key",
            format!("the key `{key}` has leading or trailing spaces"),
            c.key.span(),
            ctx,
            "keys are matched exactly: remove the spaces",
        );
    }
    let list = c.contains.get_ref();
    for (i, item) in list.iter().enumerate() {
        let text = item.get_ref();
        let finding = if text.trim().is_empty() {
            Some((
                "empty-item",
                "this item is empty or only spaces: it adds nothing, or matches any value with a space".to_owned(),
                "remove it, or write the text the value must contain",
            ))
        } else if text.trim() != text {
            Some((
                "padded-item",
                format!("the item \"{text}\" has leading or trailing spaces"),
                "spaces are part of the item and must be in the value too: remove them unless they are meant",
            ))
        } else if text.contains(['“', '”', '‘', '’', '„', '«', '»']) {
            Some((
                "typographic-quote",
                format!("the item \"{text}\" has typographic quotes"),
                "payloads carry straight quotes (\" and '); a copy from a document brought curly ones",
            ))
        } else {
            None
        };
        if let Some((code, message, help)) = finding {
            out.push(Severity::Warning, code, message, item.span(), ctx, help);
        }
        if text.trim().is_empty() {
            continue;
        }
        // One finding per item: the first earlier item it repeats, or that contains it or it contains.
        let earlier = list
            .iter()
            .enumerate()
            .take(i)
            .filter(|(_, o)| !o.get_ref().trim().is_empty());
        let pair = earlier.map(|(j, other)| (j, other.get_ref())).find_map(|(j, a)| {
            if out.norm(a) == out.norm(text) {
                Some((
                    "duplicate-item",
                    format!("\"{text}\" repeats item {}", j + 1),
                    "remove the repeat",
                ))
            } else if out.contains(a, text) || out.contains(text, a) {
                let (short, long) = if out.contains(a, text) { (text, a) } else { (a, text) };
                Some((
                    "redundant-item",
                    format!("\"{short}\" is part of \"{long}\" (items {} and {})", j + 1, i + 1),
                    "items are ANDed: a value containing the longer item contains the shorter; keep the longer",
                ))
            } else {
                None
            }
        });
        if let Some((code, message, help)) = pair {
            out.push(Severity::Warning, code, message, item.span(), ctx, help);
        }
    }
}

/// Whether every value that satisfies `given` also satisfies `implied`: same key, and every item of
/// `implied` is part of some item of `given`.
fn implies(out: &Findings<'_>, given: &ConditionDoc, implied: &ConditionDoc) -> bool {
    out.same_key(given.key.get_ref(), implied.key.get_ref())
        && implied.contains.get_ref().iter().all(|i| {
            given
                .contains
                .get_ref()
                .iter()
                .any(|g| out.contains(g.get_ref(), i.get_ref()))
        })
}

/// A filter whose trigger part holds whenever a later one's does: the later one can never fire.
fn shadowed(out: &mut Findings<'_>, filters: &[(usize, &Spanned<FilterDoc>)], combine: Combine) {
    for (b_index, &(b_pos, b)) in filters.iter().enumerate() {
        let later: Vec<&ConditionDoc> = trigger_conditions(b.get_ref()).collect();
        for &(a_pos, a) in &filters[..b_index] {
            let earlier: Vec<&ConditionDoc> = trigger_conditions(a.get_ref()).collect();
            let covered = |cb: &ConditionDoc| earlier.iter().any(|ca| implies(out, cb, ca));
            let always = match (earlier.is_empty(), later.is_empty(), combine) {
                // A catch-all holds for every request, and is never implied by conditions.
                (true, _, _) => true,
                (false, true, _) => false,
                // `all`: some condition of B implies each of A's.
                (false, false, Combine::All) => earlier
                    .iter()
                    .all(|ca| later.iter().any(|cb| implies(out, cb, ca))),
                // `any`: whichever condition of B holds, one of A's holds too.
                (false, false, Combine::Any) => later.iter().all(|cb| covered(cb)),
            };
            if always {
                let b_doc = b.get_ref();
                out.push(
                    Severity::Error,
                    "shadowed-filter",
                    format!(
                        "this filter can never fire: filter #{a_pos} \"{}\" comes first and holds whenever it does",
                        a.get_ref().name.as_ref().map_or("", |n| n.get_ref().as_str())
                    ),
                    conditions_span(&b_doc.trigger),
                    &context(b_pos, b_doc),
                    "the first filter that holds wins: move the narrower filter above the broader one",
                );
                break;
            }
        }
    }
}

/// A resolve condition and a trigger condition on the same key where one's items are part of the
/// other's: then a triggering payload also resolves, or a resolving payload also triggers.
fn overlapping(out: &mut Findings<'_>, filters: &[(usize, &Spanned<FilterDoc>)]) {
    for &(r_pos, r) in filters {
        let Some(resolve) = &r.get_ref().resolve else {
            continue;
        };
        let r_ctx = context(r_pos, r.get_ref());
        for rc in resolve.get_ref().conditions.get_ref() {
            let rc = rc.get_ref();
            for &(t_pos, t) in filters {
                for tc in trigger_conditions(t.get_ref()) {
                    let message = if implies(out, tc, rc) {
                        format!(
                            "this resolve condition also matches the values that fire filter #{t_pos}'s trigger ({} in {}): those alerts resolve as they fire",
                            quoted(rc),
                            quoted(tc)
                        )
                    } else if implies(out, rc, tc) {
                        format!(
                            "the trigger of filter #{t_pos} also matches the values this resolve condition looks for ({} in {}): resolved notifications create incidents",
                            quoted(tc),
                            quoted(rc)
                        )
                    } else {
                        continue;
                    };
                    out.push(
                        Severity::Warning,
                        "resolve-matches-trigger",
                        message,
                        rc.contains.span(),
                        &r_ctx,
                        "short items match more than intended (\"OK\" is in \"BROKEN\" and \"TOKEN_EXPIRED\"): use items that appear only in one state",
                    );
                }
            }
        }
    }
}

fn quoted(c: &ConditionDoc) -> String {
    c.contains
        .get_ref()
        .iter()
        .map(|i| format!("\"{}\"", i.get_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{parse_doc, parse_service};
    use crate::semantics::SemanticsLayer;
    use std::path::Path;

    fn codes(toml: &str, cli: SemanticsLayer) -> Vec<&'static str> {
        let src = SourceFile {
            name: "f.toml",
            text: toml,
        };
        let service = parse_service(Path::new("f.toml"), toml, cli).unwrap();
        let doc = parse_doc(&src).unwrap();
        check(&src, &doc, &service)
            .iter()
            .filter_map(|d| d.code)
            .collect()
    }

    const TWO: &str = r#"
[[filter]]
urgency = "high"
[filter.trigger]
conditions = [{ key = "a", contains = ["x"] }, { key = "b", contains = ["y"] }]
title_from = "t"

[[filter]]
urgency = "high"
[filter.trigger]
conditions = [{ key = "a", contains = ["xx"] }]
title_from = "t"
"#;

    #[test]
    fn shadowing_depends_on_how_conditions_combine() {
        // all: the first needs b too, which the second does not guarantee.
        assert_eq!(codes(TWO, SemanticsLayer::default()), Vec::<&str>::new());
        // any: a alone fires the first, and the second's a = "xx" always contains "x".
        let any = SemanticsLayer {
            conditions: Some(Combine::Any),
            ..SemanticsLayer::default()
        };
        assert_eq!(codes(TWO, any), ["shadowed-filter"]);
    }

    #[test]
    fn case_sensitivity_decides_what_contains_what() {
        let toml = r#"
[[filter]]
urgency = "high"
[filter.trigger]
conditions = [{ key = "s", contains = ["Firing", "firing"] }]
title_from = "t"
"#;
        assert_eq!(codes(toml, SemanticsLayer::default()), ["duplicate-item"]);
        let sensitive = SemanticsLayer {
            case_sensitive: Some(true),
            ..SemanticsLayer::default()
        };
        assert_eq!(codes(toml, sensitive), Vec::<&str>::new());
    }

    #[test]
    fn keys_compare_as_the_service_reads_them() {
        let flat = SemanticsLayer {
            nested_keys: Some(false),
            ..SemanticsLayer::default()
        };
        // Without nesting, `a.b` and `"a.b"` are the one top-level key; with it, `a.b` may be a path.
        let mapping = r#"
[[filter]]
urgency = "high"
[filter.trigger]
conditions = [{ key = "s", contains = ["firing"] }]
title_from = "t"
map_with = "a.b"
[filter.resolve]
conditions = [{ key = "s", contains = ["resolved"] }]
mapped_with = '"a.b"'
"#;
        assert_eq!(
            codes(mapping, SemanticsLayer::default()),
            ["mapping-keys-differ"]
        );
        assert_eq!(codes(mapping, flat), Vec::<&str>::new());
        let shadowing = r#"
[[filter]]
urgency = "high"
[filter.trigger]
conditions = [{ key = "a.b", contains = ["x"] }]
title_from = "t"

[[filter]]
urgency = "high"
[filter.trigger]
conditions = [{ key = '"a.b"', contains = ["xx"] }]
title_from = "t"
"#;
        assert_eq!(
            codes(shadowing, SemanticsLayer::default()),
            Vec::<&str>::new()
        );
        assert_eq!(codes(shadowing, flat), ["shadowed-filter"]);
    }

    #[test]
    fn a_quoted_path_without_nesting_reads_nothing() {
        let toml = r#"
[[filter]]
urgency = "high"
[filter.trigger]
conditions = [{ key = 'labels."app.kubernetes.io/name"', contains = ["x"] }]
title_from = '"a.b"'
"#;
        assert_eq!(codes(toml, SemanticsLayer::default()), Vec::<&str>::new());
        let flat = SemanticsLayer {
            nested_keys: Some(false),
            ..SemanticsLayer::default()
        };
        assert_eq!(codes(toml, flat), ["nested-key-without-nesting"]);
    }
}

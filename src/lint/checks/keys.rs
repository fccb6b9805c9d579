//! The keys a filter reads: a resolve part's mapping keys on both sides, quotes in a key that do not
//! quote, and a quoted path that reads nothing when keys do not nest.

use super::{Findings, trigger_conditions};
use crate::diagnostic::Severity;
use crate::filter::schema::{FilterDoc, set_key};
use crate::keypath::KeyPath;
use toml::Spanned;

/// A resolve part needs a mapping key on both sides, and the same one.
pub(super) fn mapping(out: &mut Findings<'_>, f: &FilterDoc, ctx: &str) {
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
pub(super) fn keys(f: &FilterDoc) -> impl Iterator<Item = &Spanned<String>> {
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
pub(super) fn key_quotes(out: &mut Findings<'_>, key: &Spanned<String>, ctx: &str) {
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
pub(super) fn unreadable_without_nesting(out: &mut Findings<'_>, key: &Spanned<String>, ctx: &str) {
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

//! Strict, hand-written TOML documents (filter files, case files): parsed once into a spanned tree,
//! searched for unknown fields (every one, with the closest known name), then deserialised, with every
//! error located and placed in the section (`[[filter]]`, `[[case]]`) it belongs to.

use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::suggest;
use serde::Deserialize;
use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// A source file: its name as the user gave it, and its text.
#[derive(Debug, Clone, Copy)]
pub struct SourceFile<'a> {
    /// The file's name in messages.
    pub name: &'a str,
    /// The whole text.
    pub text: &'a str,
}

impl SourceFile<'_> {
    /// An error at the byte range `span` of this file.
    pub fn error(&self, message: impl Into<String>, span: Range<usize>) -> Diagnostic {
        Diagnostic::error(
            message,
            Some(Location::from_span(self.name, self.text, span)),
        )
    }
}

/// The shape of a document: its kinds of table, the fields each allows and the tables those hold.
pub trait Schema: Copy + PartialEq {
    /// The fields this kind of table allows.
    fn fields(self) -> &'static [&'static str];
    /// The kind of table `field` holds, directly or as the elements of an array.
    fn child(self, field: &str) -> Option<Self>;
    /// How the table is written in the file, for messages.
    fn header(self) -> &'static str;
    /// For the elements of an array of this kind, the note naming element `position` (1-based), e.g.
    /// `in filter #2 "resolved"`; `None` where elements are not sections of their own.
    fn item_context(self, position: usize, item: &DeTable<'_>) -> Option<String>;
}

/// Parses `src` into `T`, refusing unknown fields. `help` is shown with syntax and type errors.
pub fn parse<T, S>(src: &SourceFile<'_>, root: S, help: &str) -> Result<T, Diagnostics>
where
    T: for<'de> Deserialize<'de>,
    S: Schema,
{
    let located = |e: toml::de::Error, sections: &[Section]| {
        let span = e.span();
        let context = span.as_ref().and_then(|s| {
            sections
                .iter()
                .rev()
                .find(|section| section.start <= s.start)
                .and_then(|section| section.context.clone())
        });
        Diagnostic::error(
            e.message().trim_end().replace('\n', "; "),
            span.map(|s| Location::from_span(src.name, src.text, s)),
        )
        .in_context(context)
        .with_help(help)
    };
    let tree = DeTable::parse(src.text).map_err(|e| Diagnostics(vec![located(e, &[])]))?;
    let sections = sections(tree.get_ref(), root);

    let mut unknown = Vec::new();
    find_unknown_fields(src, tree.get_ref(), root, None, None, &mut unknown);
    if !unknown.is_empty() {
        // The tree's keys are sorted by name; the user reads the file top to bottom.
        unknown.sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
        return Err(Diagnostics(unknown));
    }
    T::deserialize(toml::de::Deserializer::from(tree))
        .map_err(|e| Diagnostics(vec![located(e, &sections)]))
}

/// Where a part of the file starts: an element of a top-level array of sections (with its note), or
/// any other top-level item. An error belongs to the last part starting before it.
struct Section {
    start: usize,
    context: Option<String>,
}

fn sections<S: Schema>(root: &DeTable<'_>, kind: S) -> Vec<Section> {
    let mut sections = Vec::new();
    for (key, value) in root {
        let child = kind.child(key.get_ref());
        match (value.get_ref(), child) {
            (DeValue::Array(list), Some(child)) => {
                sections.extend(list.iter().enumerate().map(|(i, item)| Section {
                    start: item.span().start,
                    context: match item.get_ref() {
                        DeValue::Table(t) => child.item_context(i + 1, t),
                        _ => None,
                    },
                }));
            }
            _ => sections.push(Section {
                start: key.span().start,
                context: None,
            }),
        }
    }
    sections.sort_by_key(|s| s.start);
    sections
}

/// Collects a diagnostic for every key that `table` (of kind `kind`, inside a table of kind `parent`)
/// does not allow, descending into the tables it holds. `ctx` is the note of the section being walked,
/// once inside one.
fn find_unknown_fields<S: Schema>(
    src: &SourceFile<'_>,
    table: &DeTable<'_>,
    kind: S,
    parent: Option<S>,
    ctx: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let allowed = kind.fields();
    for (key, value) in table {
        let name = key.get_ref().as_ref();
        if !allowed.contains(&name) {
            let d = src
                .error(
                    format!("unknown field `{name}` in {}", kind.header()),
                    key.span(),
                )
                .in_context(ctx.map(str::to_owned));
            let help = match (parent, suggest::closest(name, allowed.iter().copied())) {
                // TOML's trap: a key written after a table header belongs to that table.
                (Some(p), _) if p.fields().contains(&name) => format!(
                    "`{name}` belongs to {}: write it above the first {} header, since every key after a header belongs to that table",
                    p.header(),
                    kind.header()
                ),
                (_, Some(known)) => format!("did you mean `{known}`?"),
                (_, None) => format!("allowed here: {}", allowed.join(", ")),
            };
            out.push(d.with_help(help));
            continue;
        }
        let Some(child) = kind.child(name) else {
            continue;
        };
        match value.get_ref() {
            DeValue::Table(t) => find_unknown_fields(src, t, child, Some(kind), ctx, out),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let DeValue::Table(t) = item.get_ref() {
                        let item_ctx = child.item_context(i + 1, t);
                        let ctx = item_ctx.as_deref().or(ctx);
                        find_unknown_fields(src, t, child, Some(kind), ctx, out);
                    }
                }
            }
            // A wrong type is reported by deserialisation, with the expected type.
            _ => {}
        }
    }
}

/// The string value of `field` in `table`, if it is a string.
pub fn string_field<'t>(table: &'t DeTable<'_>, field: &str) -> Option<&'t str> {
    match table.get(field).map(|v| v.get_ref()) {
        Some(DeValue::String(s)) => Some(s),
        _ => None,
    }
}

/// The field names a derived `Deserialize` struct accepts, read from the derive itself: it hands them
/// to `deserialize_struct`, which this probe records and then refuses.
pub fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut probe = FieldProbe(&[]);
    // The probe always refuses; the fields were recorded before that.
    let _ = T::deserialize(&mut probe);
    probe.0
}

struct FieldProbe(&'static [&'static str]);

#[derive(Debug)]
struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field probe")
    }
}

impl std::error::Error for Refused {}

impl serde::de::Error for Refused {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Refused
    }
}

impl<'de> serde::Deserializer<'de> for &mut FieldProbe {
    type Error = Refused;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Refused> {
        Err(Refused)
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Refused> {
        self.0 = fields;
        Err(Refused)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

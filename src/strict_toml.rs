//! Strict, hand-written TOML documents (filter files, case files): parsed once into a spanned tree,
//! searched for unknown fields (every one, with the closest known name), then either deserialised whole
//! or read field by field with a [`Reader`] (see `reader`), which collects every error instead of
//! stopping at the first.
//! Every error is located and placed in the section (`[[filter]]`, `[[case]]`) it belongs to.

mod reader;

pub use reader::{Reader, TableRef};

use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::did_you_mean;
use serde::Deserialize;
use std::ops::Range;
use toml::Spanned;
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

    /// A TOML error (syntax or type) as a located diagnostic.
    pub(crate) fn toml_error(&self, e: &toml::de::Error) -> Diagnostic {
        Diagnostic::error(
            e.message().trim_end().replace('\n', "; "),
            e.span()
                .map(|s| Location::from_span(self.name, self.text, s)),
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

/// Parses `src` into its spanned tree; a syntax error is located.
pub fn tree<'t>(src: &SourceFile<'t>, help: &str) -> Result<Spanned<DeTable<'t>>, Diagnostics> {
    DeTable::parse(src.text).map_err(|e| Diagnostics(vec![src.toml_error(&e).with_help(help)]))
}

/// Parses `src` into `T`, refusing unknown fields. `help` is shown with syntax and type errors.
pub fn parse<T, S>(src: &SourceFile<'_>, root: S, help: &str) -> Result<T, Diagnostics>
where
    T: for<'de> Deserialize<'de>,
    S: Schema,
{
    let tree = tree(src, help)?;
    let sections = sections(tree.get_ref(), root);
    let unknown = unknown_fields(src, &tree, root);
    if !unknown.diagnostics.is_empty() {
        return Err(Diagnostics(unknown.diagnostics));
    }
    T::deserialize(toml::de::Deserializer::from(tree)).map_err(|e| {
        let context = e.span().and_then(|s| {
            sections
                .iter()
                .rev()
                .find(|section| section.start <= s.start)
                .and_then(|section| section.context.clone())
        });
        Diagnostics(vec![src.toml_error(&e).in_context(context).with_help(help)])
    })
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

/// The unknown fields of a document: a diagnostic for each, in file order, and the known fields they
/// stand for, so that a misspelt or misplaced field is not reported a second time as missing.
pub struct UnknownFields {
    /// One error per unknown field, with the closest known name or where the field belongs.
    pub diagnostics: Vec<Diagnostic>,
    /// `(start of a table's span, field)`: a field that table lacks because the file wrote it under
    /// another name or in another table.
    pub explained: Vec<(usize, &'static str)>,
}

/// Every key of `tree` (of kind `root`) that its table does not allow, in file order.
pub fn unknown_fields<S: Schema>(
    src: &SourceFile<'_>,
    tree: &Spanned<DeTable<'_>>,
    root: S,
) -> UnknownFields {
    let mut found = UnknownFields {
        diagnostics: Vec::new(),
        explained: Vec::new(),
    };
    let walk = Walk {
        src,
        table: tree.get_ref(),
        span: tree.span(),
        kind: root,
        parent: None,
        ctx: None,
    };
    walk.run(&mut found);
    // The tree's keys are sorted by name; the user reads the file top to bottom.
    found
        .diagnostics
        .sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
    found
}

/// One table being searched for unknown fields: its kind, the kind and span of the table holding it,
/// and the note of the section it is in, once inside one.
struct Walk<'w, 't, S> {
    src: &'w SourceFile<'w>,
    table: &'w DeTable<'t>,
    span: Range<usize>,
    kind: S,
    parent: Option<(S, Range<usize>)>,
    ctx: Option<&'w str>,
}

impl<S: Schema> Walk<'_, '_, S> {
    fn run(&self, out: &mut UnknownFields) {
        let allowed = self.kind.fields();
        for (key, value) in self.table {
            let name = key.get_ref().as_ref();
            if !allowed.contains(&name) {
                self.unknown(name, key.span(), out);
                continue;
            }
            let Some(child) = self.kind.child(name) else {
                continue;
            };
            let parent = Some((self.kind, self.span.clone()));
            match value.get_ref() {
                DeValue::Table(t) => Walk {
                    table: t,
                    span: value.span(),
                    kind: child,
                    parent,
                    ..*self
                }
                .run(out),
                DeValue::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if let DeValue::Table(t) = item.get_ref() {
                            let item_ctx = child.item_context(i + 1, t);
                            Walk {
                                table: t,
                                span: item.span(),
                                kind: child,
                                parent: parent.clone(),
                                ctx: item_ctx.as_deref().or(self.ctx),
                                ..*self
                            }
                            .run(out);
                        }
                    }
                }
                // A wrong type is reported where the value is read, with the expected type.
                _ => {}
            }
        }
    }

    fn unknown(&self, name: &str, span: Range<usize>, out: &mut UnknownFields) {
        let allowed = self.kind.fields();
        let d = self
            .src
            .error(
                format!("unknown field `{name}` in {}", self.kind.header()),
                span,
            )
            .in_context(self.ctx.map(str::to_owned));
        let belongs = self
            .parent
            .as_ref()
            .and_then(|(p, span)| Some((p, span, p.fields().iter().find(|f| **f == name)?)));
        let help = match (
            belongs,
            did_you_mean::closest(name, allowed.iter().copied()),
        ) {
            // TOML's trap: a key written after a table header belongs to that table.
            (Some((p, span, field)), _) => {
                out.explained.push((span.start, field));
                format!(
                    "`{name}` belongs to {}: write it above the first {} header, since every key after a header belongs to that table",
                    p.header(),
                    self.kind.header()
                )
            }
            (None, Some(known)) => {
                out.explained.push((self.span.start, known));
                format!("did you mean `{known}`?")
            }
            (None, None) => format!("allowed here: {}", allowed.join(", ")),
        };
        out.diagnostics.push(d.with_help(help));
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

//! The JSON Schemas of filter files and case files, printed by `sqibs-filter schema` and shipped under
//! `schema/`, for editors that check TOML against a schema as it is typed (taplo, and Even Better TOML
//! built on it, find one through a `#:schema` comment on a file's first line).
//!
//! They are derived from the types that read the files (`filter::schema`, `suite::schema`): a field
//! the reader takes is in the schema with the doc comment that describes it, and the limits are the
//! readers' own constants. `filter::shapes` and `suite::shapes` describe what the types alone cannot. Draft 7, inlined: the
//! dialect taplo validates best, and an inline schema keeps each field's description next to its type,
//! where taplo's hover and completion look for it.

#[cfg(test)]
mod tests;

use schemars::Schema;
use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use serde_json::{Map, Value};

/// The file formats that have a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    /// Filter files (`filters/*.toml`).
    Filters,
    /// Case files (`cases.toml`, `*.cases.toml`).
    Cases,
}

impl SchemaKind {
    /// Every kind, in the order the README lists them.
    pub const ALL: [SchemaKind; 2] = [SchemaKind::Filters, SchemaKind::Cases];

    /// The name of the shipped copy in `schema/`.
    pub fn file_name(self) -> &'static str {
        match self {
            SchemaKind::Filters => "filters.schema.json",
            SchemaKind::Cases => "cases.schema.json",
        }
    }
}

/// The schema of `kind`'s files.
pub fn schema(kind: SchemaKind) -> Value {
    let settings = SchemaSettings::draft07().with(|s| {
        s.inline_subschemas = true;
        s.transforms
            .push(Box::new(RecursiveTransform(no_null as fn(&mut Schema))));
        s.transforms.push(Box::new(RecursiveTransform(
            unwrap_description as fn(&mut Schema),
        )));
    });
    let generator = settings.into_generator();
    let schema = match kind {
        SchemaKind::Filters => generator.into_root_schema_for::<crate::filter::schema::FileDoc>(),
        SchemaKind::Cases => crate::suite::schema::json_schema(generator),
    };
    // What a reader of the file looks for first comes first: the dialect, then what the file is.
    let mut rest = match schema.to_value() {
        Value::Object(object) => object,
        other => return other,
    };
    let mut object = Map::new();
    for key in ["$schema", "title", "description"] {
        if let Some(value) = rest.remove(key) {
            object.insert(key.into(), value);
        }
    }
    object.append(&mut rest);
    Value::Object(object)
}

/// The schema as `sqibs-filter schema` prints it and `schema/` ships it: indented JSON and a newline.
pub fn text(kind: SchemaKind) -> String {
    // A `Value` always serialises.
    let mut text = serde_json::to_string_pretty(&schema(kind)).unwrap_or_default();
    text.push('\n');
    text
}

/// TOML has no null: an optional field is one that may be left out, never one that may be null, which
/// is how `schemars` describes an `Option` for JSON. Takes `null` out of `type` lists and `enum`s, and
/// an `anyOf` of a schema and null becomes that schema.
fn no_null(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(types)) = object.get_mut("type") {
        types.retain(|t| t != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            object.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(values)) = object.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
    let Some(Value::Array(choices)) = object.get_mut("anyOf") else {
        return;
    };
    choices.retain(|c| c.get("type").is_none_or(|t| t != "null"));
    if let [Value::Object(only)] = choices.as_slice() {
        let only = only.clone();
        object.remove("anyOf");
        for (key, value) in only {
            // The field's own words (its description) win over its type's.
            object.entry(key).or_insert(value);
        }
    }
}

/// Doc comments are wrapped for the source; an editor wraps a description for itself. Lines of a
/// paragraph are joined, paragraphs kept.
fn unwrap_description(schema: &mut Schema) {
    if let Some(Value::String(text)) = schema.get("description") {
        let unwrapped = text
            .split("\n\n")
            .map(|paragraph| paragraph.replace('\n', " "))
            .collect::<Vec<_>>()
            .join("\n\n");
        schema.insert("description".into(), unwrapped.into());
    }
}

//! The pieces of JSON Schema that `#[derive(JsonSchema)]` cannot describe from the types alone, shared
//! by the filter-file and case-file formats: a schema with no Rust type of its own ([`shape!`]), "a value
//! or `false`", a word in any case, a field made required. Each format builds its own shapes from the
//! lists its reader uses (`filter::shapes`, `suite::shapes`), so a new word reaches the schema too.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Value, json};
use std::borrow::Cow;
use std::marker::PhantomData;

/// An item of a contains list: Callgoose's form cannot hold a control character (Unicode `Cc`, what
/// `char::is_control` tells).
pub(crate) const NO_CONTROL_CHARACTERS: &str = r"^[^\u0000-\u001F\u007F-\u009F]*$";

/// A value schema with no Rust type of its own: a marker type whose schema is `$schema`, inlined where
/// it is used.
macro_rules! shape {
    ($(#[$doc:meta])* $name:ident, $generator:ident => $schema:expr) => {
        $(#[$doc])*
        pub(crate) struct $name;

        impl schemars::JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema($generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                $schema
            }
        }
    };
}

pub(crate) use shape;

/// `T`, or `false` for "none": how expectations say that no incident, filter or mapping key is
/// expected.
pub(crate) struct FalseOr<T>(PhantomData<T>);

impl<T: JsonSchema> JsonSchema for FalseOr<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("FalseOr_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let inner = generator.subschema_for::<T>();
        // A bare choice is spliced in, so that editors see one flat list of alternatives.
        let mut choices = match inner.as_object().map(|o| (o.len(), o.get("anyOf"))) {
            Some((1, Some(Value::Array(choices)))) => choices.clone(),
            _ => vec![inner.to_value()],
        };
        choices.push(json!({ "const": false }));
        json_schema!({ "anyOf": choices })
    }
}

/// `high` as a pattern of any case: `[hH][iI][gG][hH]`. The patterns of JSON Schema have no flag for
/// case.
pub(crate) fn any_case(word: &str) -> String {
    word.chars()
        .map(|c| match (c.to_ascii_lowercase(), c.to_ascii_uppercase()) {
            (lower, upper) if lower != upper => format!("[{lower}{upper}]"),
            _ => c.to_string(),
        })
        .collect()
}

/// Makes `field` required in `schema`.
pub(crate) fn require(schema: &mut Schema, field: &str) {
    let required = schema
        .ensure_object()
        .entry("required")
        .or_insert_with(|| json!([]));
    if let Value::Array(fields) = required {
        fields.push(field.into());
    }
}

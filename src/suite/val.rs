//! The values a case expects, in one small type: what a case file states, what a run actually gave in
//! the same form, the text a diff shows (TOML syntax, so that it reads like the case file, with secrets
//! masked), and what `--bless` writes back.

use crate::secrets::{Kind, Mask};
use std::fmt;

/// A TOML-like value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    /// `201`, `1`.
    Int(i64),
    /// `"text"`.
    Str(String),
    /// `false`.
    Bool(bool),
    /// `["a", "b"]`.
    Array(Vec<Val>),
    /// `{ filter = "x", map_key = "y" }`, fields in the order written.
    Table(Vec<(String, Val)>),
}

impl Val {
    /// A string value.
    pub fn str(s: impl Into<String>) -> Val {
        Val::Str(s.into())
    }

    /// Converts a value read from a case file; dates and floats have no place in expectations.
    pub fn from_toml(value: &toml::Value) -> Option<Val> {
        Some(match value {
            toml::Value::Integer(i) => Val::Int(*i),
            toml::Value::String(s) => Val::Str(s.clone()),
            toml::Value::Boolean(b) => Val::Bool(*b),
            toml::Value::Array(items) => {
                Val::Array(items.iter().map(Val::from_toml).collect::<Option<_>>()?)
            }
            toml::Value::Table(t) => Val::Table(
                t.iter()
                    .map(|(k, v)| Some((k.clone(), Val::from_toml(v)?)))
                    .collect::<Option<_>>()?,
            ),
            toml::Value::Float(_) | toml::Value::Datetime(_) => return None,
        })
    }

    /// The value with the secrets of every string hidden by `mask`: what a diff shows. Only shown,
    /// never compared: a test compares values as they are.
    pub fn masked(&self, mask: Mask<'_>) -> Val {
        match self {
            Val::Str(s) => Val::Str(mask.apply(s).into_owned()),
            Val::Array(items) => Val::Array(items.iter().map(|v| v.masked(mask)).collect()),
            Val::Table(fields) => Val::Table(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.masked(mask)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// What the first secret in the value's strings is, if it holds one by `mask`.
    pub fn secret(&self, mask: Mask<'_>) -> Option<Kind> {
        match self {
            Val::Str(s) => mask.hidden(s).first(),
            Val::Array(items) => items.iter().find_map(|v| v.secret(mask)),
            Val::Table(fields) => fields.iter().find_map(|(_, v)| v.secret(mask)),
            Val::Int(_) | Val::Bool(_) => None,
        }
    }

    /// The value as TOML text that reads back exactly, for a file the tool writes.
    pub fn toml_text(&self) -> String {
        self.to_edit().to_string().trim().to_owned()
    }

    /// The value as `toml_edit` writes it.
    pub fn to_edit(&self) -> toml_edit::Value {
        match self {
            Val::Int(i) => toml_edit::Value::from(*i),
            Val::Str(s) => toml_edit::Value::from(s.as_str()),
            Val::Bool(b) => toml_edit::Value::from(*b),
            Val::Array(items) => toml_edit::Value::Array(items.iter().map(Val::to_edit).collect()),
            Val::Table(fields) => {
                let mut t = toml_edit::InlineTable::new();
                for (k, v) in fields {
                    t.insert(k, v.to_edit());
                }
                toml_edit::Value::InlineTable(t)
            }
        }
    }
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::Int(i) => write!(f, "{i}"),
            // TOML basic strings escape like JSON strings, which serde_json does exactly.
            Val::Str(s) => write!(f, "{}", serde_json::Value::from(s.as_str())),
            Val::Bool(b) => write!(f, "{b}"),
            Val::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Val::Table(fields) => {
                f.write_str("{ ")?;
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k} = {v}")?;
                }
                f.write_str(" }")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_toml() {
        let v = Val::Table(vec![
            ("filter".into(), Val::str("open")),
            ("map_key".into(), Val::Bool(false)),
            (
                "n".into(),
                Val::Array(vec![Val::Int(1), Val::str("a\"b\n")]),
            ),
        ]);
        assert_eq!(
            v.to_string(),
            r#"{ filter = "open", map_key = false, n = [1, "a\"b\n"] }"#
        );
    }

    #[test]
    fn display_and_toml_edit_agree() {
        let v = Val::Array(vec![Val::str("x"), Val::Int(2), Val::Bool(true)]);
        let edited = v.to_edit().to_string();
        assert_eq!(edited.trim(), v.to_string());
        let back: toml::Value =
            toml::from_str::<toml::Table>(&format!("v = {v}")).unwrap()["v"].clone();
        assert_eq!(Val::from_toml(&back), Some(v));
    }

    #[test]
    fn floats_are_not_expectations() {
        assert_eq!(Val::from_toml(&toml::Value::Float(1.5)), None);
    }
}

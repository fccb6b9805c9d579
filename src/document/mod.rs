//! Reading only what the filters need. A [`LazyDoc`] is a JSON body validated in full but kept as its
//! text, with the byte ranges of just the top-level values that some filter key can reach; a deeper key
//! is followed in the text of the one value it goes through, and only the value it names is parsed, so
//! a lookup holds nothing of a 200 MB `alerts` array. [`Document`] is what evaluation reads, whether the
//! body was parsed whole (`serde_json::Value`) or lazily: both give the same text for every key.
//!
//! The lazy top-level read lives in `top_level`, lookups in the text it keeps in `lookup`, and the
//! pruned values that retrace a big body for near-miss hints in `traced`.

mod lookup;
mod top_level;
mod traced;

pub use lookup::LazyRef;
pub use top_level::{ENVELOPE_KEYS, KeySet, LazyDoc};
pub use traced::TRACE_NODES;

use crate::json_text::text_of;
use crate::keypath::KeyPath;
use serde_json::Value;
use std::borrow::Cow;

/// A payload that keys can be looked up in.
pub trait Document {
    /// The text of the value `key` names (see [`text_of`]), or `None` when the key is absent.
    fn text(&self, key: &KeyPath) -> Option<Cow<'_, str>>;

    /// Whether the value `key` names is JSON `null` (whose text is `null`, as is the string's).
    fn is_null(&self, key: &KeyPath) -> bool;
}

impl Document for Value {
    fn text(&self, key: &KeyPath) -> Option<Cow<'_, str>> {
        key.lookup(self).map(text_of)
    }

    fn is_null(&self, key: &KeyPath) -> bool {
        key.lookup(self).is_some_and(Value::is_null)
    }
}

/// The document of a body that is not JSON: it has no keys.
#[derive(Debug, Clone, Copy)]
pub struct NoKeys;

impl Document for NoKeys {
    fn text(&self, _: &KeyPath) -> Option<Cow<'_, str>> {
        None
    }

    fn is_null(&self, _: &KeyPath) -> bool {
        false
    }
}

//! Whether a filter condition holds: the one rule that evaluation decides by and that a trace retraces,
//! so that the two cannot disagree. A condition's key reads a text (a JSON `null` is no value under
//! `null_values = "missing"`); the condition holds when the key reads one and every item of its list is
//! contained in it, both compared as written or, when matching ignores case, both lower-cased. How the
//! conditions of one trigger part combine is the trigger's ([`crate::filter::Trigger::holds`]).

use crate::document::Document;
use crate::filter::Condition;
use crate::keypath::KeyPath;
use crate::semantics::{NullValues, Semantics};
use std::borrow::Cow;
use std::ops::Range;

/// Whether `condition` holds for `json` under `semantics`.
pub fn holds<D: Document + ?Sized>(condition: &Condition, json: &D, semantics: Semantics) -> bool {
    Match::of(condition, json, semantics).holds()
}

/// One condition read in one payload: the text its key reads and its items, as they are compared.
/// The verdict ([`Match::holds`]) and a trace's item by item detail ([`Match::positions`]) both come
/// from it.
#[derive(Debug)]
pub struct Match<'c, 'j> {
    /// The text the key reads, lower-cased when matching ignores case; `None` when it reads no value.
    text: Option<Cow<'j, str>>,
    /// The items, lower-cased alike.
    items: &'c [String],
}

impl<'c, 'j> Match<'c, 'j> {
    /// `condition` read in `json` under `semantics`.
    pub fn of<D: Document + ?Sized>(
        condition: &'c Condition,
        json: &'j D,
        semantics: Semantics,
    ) -> Match<'c, 'j> {
        let text = read(&condition.key, json, semantics);
        if semantics.case_sensitive {
            Match {
                text,
                items: &condition.contains,
            }
        } else {
            Match {
                // Folded once per condition, not per item: the items were folded when loaded.
                text: text.map(|t| Cow::Owned(t.to_lowercase())),
                items: &condition.folded,
            }
        }
    }

    /// Whether the key reads a value.
    pub fn found(&self) -> bool {
        self.text.is_some()
    }

    /// Whether the condition holds: the key reads a value and every item is contained in it. Stops at
    /// the first item that is not.
    pub fn holds(&self) -> bool {
        self.text
            .as_deref()
            .is_some_and(|text| self.items.iter().all(|item| contained(text, item)))
    }

    /// Where each item first occurs in the compared text, in order: `None` for an item that is not
    /// contained, and for every item when the key reads no value. Ignoring case, positions are those
    /// of the lower-cased text, which are the original's whenever lower-casing keeps every character's
    /// length.
    pub fn positions(&self) -> impl Iterator<Item = Option<Range<usize>>> + '_ {
        self.items.iter().map(|item| {
            let text = self.text.as_deref()?;
            if !contained(text, item) {
                return None;
            }
            text.find(item.as_str()).map(|at| at..at + item.len())
        })
    }
}

/// Whether `item` is contained in `text`: the test of one item, for the verdict and the positions
/// alike. `contains` rather than `find`: evaluation needs no position, and `contains` tests short items
/// faster.
fn contained(text: &str, item: &str) -> bool {
    text.contains(item)
}

/// The text `key` reads in `json` under `semantics`: a JSON `null` is no value under
/// `null_values = "missing"` (the text is compared first, so the default reading costs nothing).
pub fn read<'j, D: Document + ?Sized>(
    key: &KeyPath,
    json: &'j D,
    semantics: Semantics,
) -> Option<Cow<'j, str>> {
    let text = json.text(key)?;
    if semantics.null_values == NullValues::Missing && is_null(key, &text, json) {
        return None;
    }
    Some(text)
}

/// Whether `value`, the text `key` reads, comes from a JSON `null`. The text is compared first, so
/// the value is looked at again only for the rare text `null`.
pub fn is_null<D: Document + ?Sized>(key: &KeyPath, value: &str, json: &D) -> bool {
    value == "null" && json.is_null(key)
}

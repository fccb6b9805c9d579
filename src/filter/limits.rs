//! Callgoose's limits on a service's filters: `validate` checks filter files against them, and
//! `schema` writes them into the filter file's JSON Schema.

/// Filters per service.
pub const FILTERS: usize = 10;
/// Conditions of one trigger part.
pub const TRIGGER_CONDITIONS: usize = 2;
/// Items of one "key value contains" list.
pub const ITEMS: usize = 10;
/// Characters of one item.
pub const ITEM_CHARS: usize = 50;

//! The key and items of one condition: padded keys, and items that are empty, padded, typographic,
//! repeated, or made redundant by a longer one.

use super::Findings;
use crate::diagnostic::Severity;
use crate::filter::schema::ConditionDoc;

/// Items that are empty, padded, typographic, repeated, or made redundant by a longer one.
pub(super) fn items(out: &mut Findings<'_>, c: &ConditionDoc, ctx: &str) {
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

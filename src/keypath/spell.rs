//! Spelling a path that a lookup followed as a key that reads it back: quoting only the names that
//! need it, or every name and index so that it reads nothing else.

use super::Step;

/// A path as a key would spell it, quoting only names that need it: `alerts.0.labels."app.kubernetes.io/name"`.
/// Unquoted names may still be read another way where a literal dotted key exists; see [`spell_exact`].
pub fn spell(steps: &[Step]) -> String {
    let mut out = String::new();
    for (i, step) in steps.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        match step {
            Step::Key(key) => out.push_str(&spell_name(key)),
            Step::Index(index) => out.push_str(&index.to_string()),
        }
    }
    out
}

/// One name of a path as [`spell`] writes it: quoted only where it needs to be. A path's spelling is
/// its names' joined by dots, so a walk can spell each path from its parent's.
pub fn spell_name(key: &str) -> std::borrow::Cow<'_, str> {
    if needs_quotes(key) {
        std::borrow::Cow::Owned(quoted(key))
    } else {
        std::borrow::Cow::Borrowed(key)
    }
}

/// A path as a key that reads exactly it and nothing else: every name quoted, every index in
/// brackets (`"alerts"[0]."labels"`).
pub fn spell_exact(steps: &[Step]) -> String {
    let mut out = String::new();
    for (i, step) in steps.iter().enumerate() {
        match step {
            Step::Key(key) => {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(&quoted(key));
            }
            Step::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// Whether a name must be quoted to be read as one key: it holds a character of the path syntax, or
/// is empty.
fn needs_quotes(key: &str) -> bool {
    key.is_empty() || key.contains(['.', '[', ']', '"'])
}

/// `text` in double quotes, with its quotes and backslashes escaped: how a key quotes a name, and how
/// a trace shows a string or an item, so that one holding quotes reads unambiguously (`say "hi"` is
/// `"say \"hi\""`).
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

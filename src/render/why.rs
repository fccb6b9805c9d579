//! The "why" of human `check` output: the full trace under `--explain`, the near misses of a discarded
//! request, and the readings of undocumented behaviour a result depends on.

use super::Palette;
use super::sanitize::{escape, shown};
use crate::explain::{ConditionTrace, Found, Fragility, Hint, PartTrace, Trace, Verdict};
use crate::keypath::{quoted, spell};
use crate::secrets::{MASK, Mask};
use std::io::{self, Write};

/// Characters of a value shown in a trace.
const SHORT_VALUE: usize = 80;

/// Writes the why of one service's result, hiding the request's secrets.
pub(super) struct WhyWriter<'w, 'm> {
    out: &'w mut dyn Write,
    palette: Palette,
    mask: Mask<'m>,
}

impl<'w, 'm> WhyWriter<'w, 'm> {
    pub fn new(out: &'w mut dyn Write, palette: Palette, mask: Mask<'m>) -> WhyWriter<'w, 'm> {
        WhyWriter { out, palette, mask }
    }

    fn shown(&self, text: &str) -> String {
        shown(text, self.mask, false)
    }

    /// Every filter, part, condition and item.
    pub fn trace(&mut self, trace: &Trace) -> io::Result<()> {
        let p = self.palette;
        writeln!(self.out, "    {}", p.label("why"))?;
        for f in &trace.filters {
            writeln!(
                self.out,
                "      #{} \"{}\"",
                f.filter.position,
                self.shown(&f.filter.name)
            )?;
            self.part("trigger", &f.trigger)?;
            if let Some(resolve) = &f.resolve {
                self.part("resolve", resolve)?;
            }
        }
        Ok(())
    }

    fn part(&mut self, name: &str, part: &PartTrace) -> io::Result<()> {
        let p = self.palette;
        let verdict = match part.verdict {
            Verdict::Used => p.created("holds: used"),
            Verdict::Shadowed => p.discarded("holds, but shadowed by an earlier filter"),
            Verdict::Missed => p.hint("does not hold"),
        };
        writeln!(self.out, "        {name} {verdict}")?;
        if part.conditions.is_empty() {
            writeln!(
                self.out,
                "          {}",
                p.hint("no conditions: a catch-all, which holds for every request")
            )?;
        }
        for c in &part.conditions {
            self.condition(c)?;
        }
        for k in &part.keys {
            let value = self.located(&k.key, &k.found, &[]);
            writeln!(self.out, "          {} {value}", k.field)?;
            self.note(&k.key, &k.found)?;
        }
        Ok(())
    }

    /// `key (at path) = value`: the path when it is not spelled as the key is.
    fn located(&self, key: &str, found: &Found, ranges: &[std::ops::Range<usize>]) -> String {
        let at = spell(&found.path);
        let place = if at == key {
            String::new()
        } else {
            format!(" (at {})", self.shown(&at))
        };
        format!(
            "{}{place} = {}",
            self.shown(key),
            self.highlighted(found, ranges)
        )
    }

    /// The `note:` on a key that reads two ways, if it does.
    fn note(&mut self, key: &str, found: &Found) -> io::Result<()> {
        match found.reading_note(key) {
            Some(note) => writeln!(
                self.out,
                "            {}: {}",
                self.palette.hint("note"),
                self.shown(&note)
            ),
            None => Ok(()),
        }
    }

    fn condition(&mut self, c: &ConditionTrace) -> io::Result<()> {
        let p = self.palette;
        let mark = if c.holds {
            p.created("✓")
        } else {
            p.error("✗")
        };
        match &c.found {
            None => writeln!(
                self.out,
                "          {mark} {}: not in the payload",
                self.shown(&c.key)
            )?,
            Some(found) => {
                let ranges: Vec<_> = c.items.iter().filter_map(|i| i.at.clone()).collect();
                let value = self.located(&c.key, found, &ranges);
                writeln!(self.out, "          {mark} {value}")?;
                for item in &c.items {
                    let (mark, word) = match &item.at {
                        Some(_) => (p.created("✓"), "contained"),
                        None => (p.error("✗"), "not contained"),
                    };
                    writeln!(
                        self.out,
                        "              {mark} {} {}",
                        escape(&quoted(&self.mask.apply(&item.item)), false),
                        p.hint(word)
                    )?;
                }
                self.note(&c.key, found)?;
            }
        }
        self.hints(12, &c.hints)
    }

    /// One `hint:` line per hint, indented by `indent`.
    fn hints(&mut self, indent: usize, hints: &[Hint]) -> io::Result<()> {
        for h in hints {
            writeln!(
                self.out,
                "{:indent$}{}: {}",
                "",
                self.palette.hint("hint"),
                self.shown(&h.to_string())
            )?;
        }
        Ok(())
    }

    /// The value shortened, a string quoted (see [`quoted`]) and anything else as its JSON text, with
    /// the contained items highlighted when colour is on. A secret counts as one character and is never
    /// highlighted: colour must not split it.
    fn highlighted(&self, found: &Found, ranges: &[std::ops::Range<usize>]) -> String {
        let quote = found.kind == "string";
        let text = &found.text;
        let hidden = self.mask.hidden(text);
        let mut shown = String::from(if quote { "\"" } else { "" });
        let mut count = 0;
        let mut next = 0;
        for (at, c) in text.char_indices() {
            if at < next {
                continue;
            }
            if count == SHORT_VALUE {
                shown.push('…');
                break;
            }
            count += 1;
            if let Some(secret) = hidden.starting_at(at) {
                shown.push_str(MASK);
                next = secret.end;
                continue;
            }
            let mut piece = escape(c.encode_utf8(&mut [0; 4]), false);
            if quote && matches!(c, '"' | '\\') {
                piece.insert(0, '\\');
            }
            if ranges.iter().any(|r| r.contains(&at)) {
                shown.push_str(&self.palette.heading(&piece));
            } else {
                shown.push_str(&piece);
            }
        }
        if quote {
            shown.push('"');
        }
        shown
    }

    /// For a discarded request: per filter and part, the first reason the part does not hold.
    pub fn near_misses(&mut self, trace: &Trace) -> io::Result<()> {
        let p = self.palette;
        let parts = trace.filters.iter().flat_map(|f| {
            let resolve = f.resolve.as_ref().map(|r| (f, " resolve", r));
            std::iter::once((f, "", &f.trigger)).chain(resolve)
        });
        for (f, part, trace) in parts {
            let Some(c) = trace.conditions.iter().find(|c| !c.holds) else {
                continue;
            };
            // Each value masked whole before it is cut and composed.
            let key = self.mask.apply(&c.key);
            let reason = match &c.found {
                None => format!("`{key}` is not in the payload"),
                Some(found) => {
                    let lacking: Vec<String> = c
                        .items
                        .iter()
                        .filter(|i| i.at.is_none())
                        .map(|i| quoted(&self.mask.apply(&i.item)))
                        .collect();
                    let value: String = self
                        .mask
                        .apply(&found.text)
                        .chars()
                        .take(SHORT_VALUE)
                        .collect();
                    let value = if found.kind == "string" {
                        quoted(&value)
                    } else {
                        value
                    };
                    format!("`{key}` is {value}, which lacks {}", lacking.join(", "))
                }
            };
            writeln!(
                self.out,
                "    {} #{} \"{}\"{part}: {}",
                p.label("near miss"),
                f.filter.position,
                self.shown(&f.filter.name),
                escape(&reason, false)
            )?;
            self.hints(6, &c.hints)?;
        }
        Ok(())
    }

    /// The readings under which the outcome would differ.
    pub fn fragile(&mut self, fragile: &[Fragility]) -> io::Result<()> {
        for f in fragile {
            writeln!(
                self.out,
                "    {}: with {} this would be {}; the result depends on a reading Callgoose does not document",
                self.palette.warning("fragile"),
                f.reading,
                self.shown(&f.outcome)
            )?;
        }
        Ok(())
    }
}

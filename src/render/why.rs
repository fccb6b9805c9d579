//! The "why" of human `check` output: the full trace under `--explain`, the near misses of a discarded
//! request, and the readings of undocumented behaviour a result depends on.

use super::Palette;
use super::sanitize::{escape, shown};
use crate::explain::{ConditionTrace, Fragility, Hint, PartTrace, Trace, Verdict};
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
        for c in &part.conditions {
            self.condition(c)?;
        }
        Ok(())
    }

    fn condition(&mut self, c: &ConditionTrace) -> io::Result<()> {
        let p = self.palette;
        let mark = if c.holds {
            p.created("✓")
        } else {
            p.error("✗")
        };
        let key = self.shown(&c.key);
        match &c.found {
            None => writeln!(self.out, "          {mark} {key}: not in the payload")?,
            Some(found) => {
                let at = found.path.join(".");
                let place = if at == c.key {
                    String::new()
                } else {
                    format!(" (at {})", self.shown(&at))
                };
                let ranges: Vec<_> = c.items.iter().filter_map(|i| i.at.clone()).collect();
                let value = self.highlighted(&found.text, &ranges);
                writeln!(self.out, "          {mark} {key}{place} = {value}")?;
                for item in &c.items {
                    let (mark, word) = match &item.at {
                        Some(_) => (p.created("✓"), "contained"),
                        None => (p.error("✗"), "not contained"),
                    };
                    writeln!(
                        self.out,
                        "              {mark} \"{}\" {}",
                        self.shown(&item.item),
                        p.hint(word)
                    )?;
                }
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

    /// The value, quoted and shortened, with the contained items highlighted when colour is on. A
    /// secret counts as one character and is never highlighted: colour must not split it.
    fn highlighted(&self, text: &str, ranges: &[std::ops::Range<usize>]) -> String {
        let hidden = self.mask.hidden(text);
        let mut shown = String::from("\"");
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
            let piece = escape(c.encode_utf8(&mut [0; 4]), false);
            if ranges.iter().any(|r| r.contains(&at)) {
                shown.push_str(&self.palette.heading(&piece));
            } else {
                shown.push_str(&piece);
            }
        }
        shown.push('"');
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
                        .map(|i| format!("\"{}\"", self.mask.apply(&i.item)))
                        .collect();
                    let value: String = self
                        .mask
                        .apply(&found.text)
                        .chars()
                        .take(SHORT_VALUE)
                        .collect();
                    format!("`{key}` is \"{value}\", which lacks {}", lacking.join(", "))
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

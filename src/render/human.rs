//! The readable `check` report: per request, per service, the outcome in words and code and the
//! incident's fields, with payload text escaped and descriptions shortened unless `--full`.

use super::Palette;
use super::sanitize::{escape, shown};
use super::why::WhyWriter;
use crate::command::check::{CheckReport, CheckSummary, RequestResult};
use crate::outcome::{Code, FilterRef, Outcome};
use crate::secrets::Mask;
use std::io::{self, Write};

/// Characters of a description shown without `--full`.
const SHORT_DESCRIPTION: usize = 100;

/// Width of the field labels, so that values line up.
const LABEL_WIDTH: usize = 12;

/// Human `check` output.
pub struct HumanCheck<'w> {
    out: &'w mut dyn Write,
    palette: Palette,
    full: bool,
    explain: bool,
}

impl<'w> HumanCheck<'w> {
    /// A report written to `out`; `full` shows descriptions whole, `explain` the whole trace.
    pub fn new(
        out: &'w mut dyn Write,
        palette: Palette,
        full: bool,
        explain: bool,
    ) -> HumanCheck<'w> {
        HumanCheck {
            out,
            palette,
            full,
            explain,
        }
    }

    fn field(&mut self, label: &str, value: &str) -> io::Result<()> {
        let label = self.palette.label(&format!("{label:<LABEL_WIDTH$}"));
        writeln!(self.out, "    {label} {value}")
    }

    fn outcome(&mut self, service: &str, o: &Outcome, raw: &str, mask: Mask<'_>) -> io::Result<()> {
        let p = self.palette;
        let headline = match (o.code, &o.resolve) {
            _ if o.suppressed.is_some() => {
                let code = o.code;
                p.warning(&format!(
                    "{code} in maintenance: the incident it would create is suppressed"
                ))
            }
            (Code::Created, _) => p.created("201 creates an incident"),
            (Code::Resolved, Some(r)) if r.map_key.is_some() => {
                p.resolved("200 resolves the open incident(s) with its mapping value")
            }
            (Code::Resolved, _) => {
                p.resolved("200 a resolve part matched, but without a mapping value")
            }
            (Code::Discarded, _) => p.discarded("202 discarded: no filter matched"),
        };
        let service = shown(service, mask, false);
        writeln!(self.out, "  {}: {headline}", p.service(&service))?;
        if let Some(i) = o.trigger.as_ref().or(o.suppressed.as_ref()) {
            self.field("filter", &filter_ref(&i.filter, mask))?;
            self.field("urgency", i.urgency.as_str())?;
            if let Some(priority) = i.priority {
                self.field("priority", priority.as_str())?;
            }
            self.field("title", &shown(&i.title, mask, false))?;
            let description = self.description(&mask.apply(i.description.text(raw)));
            self.field("description", &description)?;
            let key = match &i.map_key {
                Some(key) => shown(key, mask, false),
                None => p.hint("none: the incident can never be resolved through the API"),
            };
            self.field("map key", &key)?;
        }
        match (&o.resolve, o.code) {
            (Some(r), _) => {
                let target = match &r.map_key {
                    Some(key) => {
                        format!("resolves incidents mapped to {}", shown(key, mask, false))
                    }
                    None => p.hint("matched, but the payload has no mapping value"),
                };
                self.field(
                    "resolve",
                    &format!("{} {target}", filter_ref(&r.filter, mask)),
                )?;
            }
            (None, Code::Created) => self.field("resolve", &p.hint("no resolve part matched"))?,
            (None, _) if o.suppressed.is_some() => {
                self.field("resolve", &p.hint("no resolve part matched"))?
            }
            (None, _) => {}
        }
        for w in &o.warnings {
            writeln!(
                self.out,
                "    {}: {}",
                p.warning("warning"),
                shown(&w.to_string(), mask, false)
            )?;
        }
        Ok(())
    }

    /// The (masked) description as shown: whole with `--full` (line breaks kept, indented under the field),
    /// otherwise on one line, white space folded, cut to [`SHORT_DESCRIPTION`] characters with a note
    /// of what was left out.
    fn description(&self, text: &str) -> String {
        let indent = format!("\n{}", " ".repeat(4 + LABEL_WIDTH + 1));
        if self.full {
            return escape(text, true).replace('\n', &indent);
        }
        // Folded lazily: a description can be the whole of a body of hundreds of megabytes.
        let head = folded_head(text, SHORT_DESCRIPTION);
        let head = head.trim_end();
        let total = folded_chars(text);
        let kept = head.chars().count();
        let mut out = escape(head, false);
        if kept < total {
            out.push_str(&self.palette.hint(&format!(
                " … ({} more characters; --full shows all)",
                total - kept
            )));
        }
        out
    }
}

/// The first `max` characters of `text` with its white space folded (words joined by single spaces),
/// reading no further than those.
fn folded_head(text: &str, max: usize) -> String {
    let mut out = String::new();
    let (mut n, mut space) = (0, false);
    for c in text.trim_start().chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        // A word after white space starts with the one space that stands for it.
        let spaced = [' ', c];
        let part = if std::mem::take(&mut space) {
            &spaced[..]
        } else {
            &spaced[1..]
        };
        for &c in part {
            if n == max {
                return out;
            }
            out.push(c);
            n += 1;
        }
    }
    out
}

/// How many characters `text` has once its white space is folded as the short description folds it
/// (`split_whitespace`, words joined by single spaces): its characters that are not white space, plus
/// one fewer space than it has words. One pass over the bytes, decoding only what is not ASCII: a
/// description can be a whole body of hundreds of megabytes.
fn folded_chars(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut chars, mut words, mut in_word) = (0usize, 0usize, false);
    let mut i = 0;
    while i < bytes.len() {
        let (white, len) = match bytes[i] {
            // The ASCII white space of `char::is_whitespace`: tab, line feed, vertical tab, form feed,
            // carriage return and space.
            b @ 0..0x80 => (matches!(b, b'\t'..=b'\r' | b' '), 1),
            _ => {
                let c = text[i..].chars().next().unwrap_or_default();
                (c.is_whitespace(), c.len_utf8())
            }
        };
        if white {
            in_word = false;
        } else {
            chars += 1;
            words += usize::from(!std::mem::replace(&mut in_word, true));
        }
        i += len;
    }
    (chars + words).saturating_sub(1)
}

/// `1 request`, `2 requests`.
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

fn filter_ref(f: &FilterRef, mask: Mask<'_>) -> String {
    format!("#{} \"{}\"", f.position, shown(&f.name, mask, false))
}

impl CheckReport for HumanCheck<'_> {
    fn between(&mut self) -> io::Result<()> {
        writeln!(self.out)
    }

    fn request(&mut self, result: &RequestResult<'_>) -> io::Result<()> {
        writeln!(
            self.out,
            "{}",
            self.palette.heading(&escape(result.name, false))
        )?;
        for r in &result.outcomes {
            self.outcome(
                &r.service.name,
                &r.outcome,
                &result.payload.raw,
                result.mask,
            )?;
            let mut why = WhyWriter::new(&mut *self.out, self.palette, result.mask);
            match &r.trace {
                Some(trace) if self.explain => why.trace(trace)?,
                Some(trace) => why.near_misses(trace)?,
                None => {}
            }
            why.fragile(&r.fragile)?;
        }
        Ok(())
    }

    fn summary(&mut self, s: &CheckSummary) -> io::Result<()> {
        // One rule for any number of inputs and requests: the counts behind the exit code.
        let mut line = format!(
            "{}, {}: {} created (201), {} resolved (200), {} discarded (202)",
            count(s.requests, "request"),
            count(s.services, "service"),
            s.created,
            s.resolved,
            s.discarded
        );
        if s.suppressed > 0 {
            line.push_str(&format!(" ({} suppressed: maintenance)", s.suppressed));
        }
        if s.skipped.total() > 0 {
            let mut why = Vec::new();
            if s.skipped.inputs > 0 {
                why.push(count(s.skipped.inputs, "unreadable input"));
            }
            if s.skipped.bodies > 0 {
                why.push(count(s.skipped.bodies, "unreadable body"));
            }
            line.push_str(&format!(
                ", {} skipped ({})",
                s.skipped.total(),
                why.join(", ")
            ));
        }
        // Set apart from the requests above it, if any.
        let gap = if s.requests > 0 { "\n" } else { "" };
        writeln!(self.out, "{gap}{}", self.palette.heading(&line))
    }
}

#[cfg(test)]
mod tests {
    use super::{folded_chars, folded_head};

    #[test]
    fn the_folded_length_is_that_of_the_words_joined_by_single_spaces() {
        for text in [
            "",
            " ",
            "a",
            "  a  b\t\nc ",
            "\u{0b}x\u{0c}y\rz",
            "naïve  café\u{a0}au\u{2003}lait\u{85}end",
            "日本語 の\u{3000}テキスト",
            "\u{200b}zero-width is no white space",
        ] {
            let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(folded_chars(text), folded.chars().count(), "{text:?}");
            for max in 0..12 {
                let head: String = folded.chars().take(max).collect();
                assert_eq!(
                    folded_head(text, max).trim_end(),
                    head.trim_end(),
                    "{text:?} {max}"
                );
            }
        }
    }
}

//! The JUnit XML report that CI systems read: one `<testsuite>` per case file, one `<testcase>` per case,
//! a `<failure>` carrying the diff, `<skipped/>` for skipped cases.

use crate::command::test::{CaseRecord, CaseStatus};
use crate::diff::DiffLine;
use std::io::{self, Write};

/// Writes the JUnit report of `records` (in run order) to `out`.
pub fn write(out: &mut dyn Write, records: &[CaseRecord]) -> io::Result<()> {
    let count = |rs: &[&CaseRecord], s: CaseStatus| rs.iter().filter(|r| r.status == s).count();
    let seconds = |rs: &[&CaseRecord]| rs.iter().map(|r| r.elapsed.as_secs_f64()).sum::<f64>();
    let all: Vec<&CaseRecord> = records.iter().collect();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="sqibs-filter" tests="{}" failures="{}" errors="0" skipped="{}" time="{:.6}">"#,
        all.len(),
        count(&all, CaseStatus::Failed),
        count(&all, CaseStatus::Skipped),
        seconds(&all)
    )?;
    let mut files: Vec<&str> = Vec::new();
    for r in records {
        if !files.contains(&r.file.as_str()) {
            files.push(&r.file);
        }
    }
    for file in files {
        let cases: Vec<&CaseRecord> = records.iter().filter(|r| r.file == file).collect();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{}" errors="0" skipped="{}" time="{:.6}">"#,
            escape(file),
            cases.len(),
            count(&cases, CaseStatus::Failed),
            count(&cases, CaseStatus::Skipped),
            seconds(&cases)
        )?;
        for r in cases {
            write!(
                out,
                r#"    <testcase name="{}" classname="{}" file="{}" line="{}" time="{:.6}""#,
                escape(&r.name),
                escape(file),
                escape(file),
                r.line,
                r.elapsed.as_secs_f64()
            )?;
            match r.status {
                CaseStatus::Passed | CaseStatus::Blessed => writeln!(out, "/>")?,
                CaseStatus::Skipped => writeln!(out, ">\n      <skipped/>\n    </testcase>")?,
                CaseStatus::Failed => {
                    let diff: Vec<String> = r.diff.iter().map(DiffLine::text).collect();
                    let changed = r
                        .diff
                        .iter()
                        .filter(|l| matches!(l, DiffLine::Expected(_)))
                        .count();
                    writeln!(
                        out,
                        ">\n      <failure type=\"mismatch\" message=\"{changed} expected value(s) differ\">{}</failure>\n    </testcase>",
                        cdata(&diff.join("\n"))
                    )?;
                }
            }
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Text as a CDATA section, which consumers read back verbatim (a diff is full of quotes).
fn cdata(text: &str) -> String {
    format!(
        "<![CDATA[{}]]>",
        valid_chars(text).replace("]]>", "]]]]><![CDATA[>")
    )
}

/// Replaces the characters XML 1.0 cannot hold at all.
fn valid_chars(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// Escapes text for XML attributes, and replaces the characters XML 1.0 cannot hold.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in valid_chars(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{cdata, escape};

    #[test]
    fn escapes_markup_and_characters_xml_cannot_hold() {
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
        assert_eq!(escape("x\u{1b}y"), "x\u{FFFD}y");
    }

    #[test]
    fn cdata_cannot_be_closed_early() {
        assert_eq!(cdata("a]]>b\u{0}"), "<![CDATA[a]]]]><![CDATA[>b\u{FFFD}]]>");
    }
}

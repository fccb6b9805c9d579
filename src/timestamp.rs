//! Times in captured traffic: RFC 3339 timestamps (`2026-04-17T12:00:00Z`) or epoch numbers, read into
//! milliseconds since the epoch, and durations written `90s`, `5m`, `1h30m`.
//!
//! Timestamps are read by `jiff` (RFC 3339 and the ISO 8601 forms of its Temporal grammar: an offset is
//! required, calendar dates and offsets are validated). Every time read lies within jiff's range, the
//! years -9999 to 9999, so differences of two times never overflow.

use serde_json::Value;
use std::fmt;

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

/// Why a value is not a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeError {
    /// Neither a timestamp nor a number.
    NotATime,
    /// It looks like a timestamp but is not a valid one: the parser's reason.
    Invalid(String),
    /// An epoch number outside the years -9999 to 9999.
    OutOfRange,
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeError::NotATime => f.write_str(
                "not an RFC 3339 time (2026-04-17T12:00:00Z) or an epoch number of seconds or milliseconds",
            ),
            TimeError::Invalid(reason) => write!(f, "not a valid RFC 3339 time: {reason}"),
            TimeError::OutOfRange => f.write_str(
                "an epoch number outside the years -9999 to 9999 (seconds below 1e11, milliseconds above)",
            ),
        }
    }
}

/// Epoch numbers at least this large (in absolute value) are milliseconds: 1e11 seconds is the year 5138.
const MILLIS_FROM: f64 = 1e11;

/// Reads a timestamp value: an RFC 3339 string, or a number of seconds (or milliseconds, when it is
/// too large to be seconds) since the epoch.
pub fn parse_value(value: &Value) -> Result<Millis, TimeError> {
    match value {
        Value::String(s) => parse_text(s),
        Value::Number(n) => epoch(n),
        _ => Err(TimeError::NotATime),
    }
}

/// Reads a timestamp from a value's text: RFC 3339, or an epoch number as [`parse_value`] reads one.
pub fn parse_text(text: &str) -> Result<Millis, TimeError> {
    let text = text.trim();
    match text.parse::<serde_json::Number>() {
        Ok(n) => epoch(&n),
        Err(_) => parse_rfc3339(text),
    }
}

/// Reads `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` (a space may stand for the `T`).
pub fn parse_rfc3339(s: &str) -> Result<Millis, TimeError> {
    // Only text that starts like a date gets the parser's reason; anything else is simply not a time.
    if !s
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b == b'+' || b == b'-')
    {
        return Err(TimeError::NotATime);
    }
    s.parse::<jiff::Timestamp>()
        .map(jiff::Timestamp::as_millisecond)
        .map_err(|e| TimeError::Invalid(e.to_string()))
}

/// The time now, to the millisecond.
pub fn now() -> Millis {
    jiff::Timestamp::now().as_millisecond()
}

/// A time as RFC 3339 in UTC, with as many fractional digits as it has (`2026-04-17T12:00:00.25Z`),
/// which [`parse_rfc3339`] reads back to the same millisecond. A time out of range (never one this
/// module read, nor [`now`]) is written as the nearest one in range.
pub fn rfc3339(millis: Millis) -> String {
    let clamped = millis.clamp(
        jiff::Timestamp::MIN.as_millisecond(),
        jiff::Timestamp::MAX.as_millisecond(),
    );
    jiff::Timestamp::from_millisecond(clamped)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_string()
}

/// An epoch number: seconds, or milliseconds from [`MILLIS_FROM`] on; out of jiff's range is an error.
fn epoch(n: &serde_json::Number) -> Result<Millis, TimeError> {
    let millis = match n.as_i64() {
        Some(i) if (i as f64).abs() < MILLIS_FROM => i * 1000,
        Some(i) => i,
        None => {
            let x = n.as_f64().ok_or(TimeError::OutOfRange)?;
            let millis = if x.abs() < MILLIS_FROM { x * 1000.0 } else { x };
            let (min, max) = (
                jiff::Timestamp::MIN.as_millisecond(),
                jiff::Timestamp::MAX.as_millisecond(),
            );
            // Checked in floating point first: casting an out-of-range float would saturate.
            if !(min as f64..=max as f64).contains(&millis) {
                return Err(TimeError::OutOfRange);
            }
            millis.floor() as Millis
        }
    };
    jiff::Timestamp::from_millisecond(millis)
        .map(jiff::Timestamp::as_millisecond)
        .map_err(|_| TimeError::OutOfRange)
}

/// Reads a duration such as `90s`, `5m`, `1h30m`, `2d`, `500ms`.
pub fn parse_duration(text: &str) -> Result<Millis, String> {
    let bad = || format!("invalid duration `{text}`: write it like 90s, 5m, 1h30m or 2d");
    let mut total: Millis = 0;
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let amount: Millis = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let unit = match &rest[..unit_len] {
            "ms" => 1,
            "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => return Err(bad()),
        };
        total = amount
            .checked_mul(unit)
            .and_then(|x| total.checked_add(x))
            .ok_or_else(bad)?;
        rest = &rest[unit_len..];
    }
    Ok(total)
}

/// A duration in its largest two units: `1h 05m`, `3m 20s`, `12s`.
pub fn format_duration(millis: Millis) -> String {
    let s = millis.max(0) / 1000;
    let (d, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{sec}s"),
        (0, 0, _) => format!("{m}m {sec:02}s"),
        (0, _, _) => format!("{h}h {m:02}m"),
        _ => format!("{d}d {h:02}h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_written_time_reads_back_to_the_same_millisecond() {
        for millis in [0, 1_776_427_200_000, 1_776_427_200_250, -1, now()] {
            assert_eq!(parse_rfc3339(&rfc3339(millis)), Ok(millis), "{millis}");
        }
        assert_eq!(rfc3339(1_776_427_200_250), "2026-04-17T12:00:00.25Z");
        assert_eq!(
            rfc3339(Millis::MAX),
            rfc3339(jiff::Timestamp::MAX.as_millisecond())
        );
    }

    #[test]
    fn rfc3339_in_utc_and_with_offsets() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse_rfc3339("2026-04-17T12:00:00Z"), Ok(1_776_427_200_000));
        assert_eq!(
            parse_rfc3339("2026-04-17T14:00:00.250+02:00"),
            Ok(1_776_427_200_250)
        );
        assert_eq!(parse_rfc3339("2026-04-17 12:00:00z"), Ok(1_776_427_200_000));
        assert_eq!(parse_text(" 2026-04-17T12:00:00Z "), Ok(1_776_427_200_000));
        for no_time in ["2026-04-17", "2026-04-17T12:00:00"] {
            assert!(
                matches!(parse_rfc3339(no_time), Err(TimeError::Invalid(_))),
                "{no_time}"
            );
        }
        assert_eq!(parse_text("yesterday"), Err(TimeError::NotATime));
        assert_eq!(parse_value(&json!(true)), Err(TimeError::NotATime));
    }

    #[test]
    fn calendar_dates_and_offsets_are_validated() {
        assert_eq!(parse_rfc3339("2024-02-29T00:00:00Z"), Ok(1_709_164_800_000));
        for bad in [
            "2026-02-31T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-04-17T24:00:01Z",
            "2026-04-17T12:61:00Z",
            "2026-04-17T12:00:00+99:99",
            "2026-04-17T12:00:00+02:60",
        ] {
            let got = parse_rfc3339(bad);
            assert!(matches!(got, Err(TimeError::Invalid(_))), "{bad}: {got:?}");
        }
        let reason = parse_text("2026-02-31T00:00:00Z").unwrap_err().to_string();
        assert!(
            reason.starts_with("not a valid RFC 3339 time: "),
            "{reason}"
        );
    }

    #[test]
    fn epoch_numbers_in_seconds_or_millis() {
        assert_eq!(parse_value(&json!(1_776_427_200)), Ok(1_776_427_200_000));
        assert_eq!(
            parse_value(&json!(1_776_427_200_000_i64)),
            Ok(1_776_427_200_000)
        );
        assert_eq!(parse_text("1776427200.5"), Ok(1_776_427_200_500));
        assert_eq!(parse_text("-1"), Ok(-1000));
        assert_eq!(parse_value(&json!("1776427200")), Ok(1_776_427_200_000));
    }

    #[test]
    fn extreme_epoch_numbers_are_an_error_not_an_overflow() {
        for extreme in [
            json!(i64::MAX),
            json!(i64::MIN),
            json!(u64::MAX),
            json!(1e300),
            json!(-1e300),
            json!(253_402_300_800_000_i64),
        ] {
            assert_eq!(
                parse_value(&extreme),
                Err(TimeError::OutOfRange),
                "{extreme}"
            );
        }
        for extreme in ["1e400", "-1e400", "99999999999999999999999999", "9.3e18"] {
            assert_eq!(parse_text(extreme), Err(TimeError::OutOfRange), "{extreme}");
        }
        // The edges of the range are times, and their difference does not overflow.
        let (first, last) = (
            parse_text("-377705023201000").unwrap(),
            parse_text("9999-12-30T22:00:00Z").unwrap(),
        );
        assert!(last - first > 0);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5m"), Ok(300_000));
        assert_eq!(parse_duration("1h30m"), Ok(5_400_000));
        assert_eq!(parse_duration("500ms"), Ok(500));
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("").is_err());
        assert_eq!(format_duration(3_900_000), "1h 05m");
        assert_eq!(format_duration(200_000), "3m 20s");
        assert_eq!(format_duration(12_000), "12s");
    }
}

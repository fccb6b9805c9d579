//! Times in captured traffic: RFC 3339 timestamps (`2026-04-17T12:00:00Z`) or epoch numbers, read into
//! milliseconds since the epoch, and durations written `90s`, `5m`, `1h30m`.

use serde_json::Value;

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

/// Reads a timestamp value: an RFC 3339 string, or a number of seconds (or milliseconds, when it is
/// too large to be seconds) since the epoch.
pub fn parse_value(value: &Value) -> Option<Millis> {
    match value {
        Value::String(s) => parse_rfc3339(s),
        Value::Number(n) => {
            let x = n.as_f64()?;
            // 1e11 seconds is the year 5138: anything above is milliseconds.
            let millis = if x.abs() >= 1e11 { x } else { x * 1000.0 };
            millis.is_finite().then_some(millis as Millis)
        }
        _ => None,
    }
}

/// Reads a timestamp from a value's text: RFC 3339, or an epoch number as [`parse_value`] reads one.
pub fn parse_text(text: &str) -> Option<Millis> {
    parse_rfc3339(text).or_else(|| {
        let number: serde_json::Number = text.trim().parse().ok()?;
        parse_value(&Value::Number(number))
    })
}

/// Reads `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` (a space may stand for the `T`).
pub fn parse_rfc3339(s: &str) -> Option<Millis> {
    let b = s.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(range)?;
        (!part.is_empty() && part.bytes().all(|c| c.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &s[19..];
    let mut millis = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let first3: String = frac[..digits]
            .chars()
            .chain("000".chars())
            .take(3)
            .collect();
        millis = first3.parse().ok()?;
        rest = &frac[digits..];
    }
    let offset_minutes = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let o = rest.get(1..)?;
            if o.len() != 5 || o.as_bytes()[2] != b':' {
                return None;
            }
            let (h, m): (i64, i64) = (o[..2].parse().ok()?, o[3..].parse().ok()?);
            sign * (h * 60 + m)
        }
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
    fn rfc3339_in_utc_and_with_offsets() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339("2026-04-17T12:00:00Z"),
            Some(1_776_427_200_000)
        );
        assert_eq!(
            parse_rfc3339("2026-04-17T14:00:00.250+02:00"),
            Some(1_776_427_200_250)
        );
        assert_eq!(
            parse_rfc3339("2026-04-17 12:00:00z"),
            Some(1_776_427_200_000)
        );
        assert_eq!(parse_rfc3339("2026-04-17"), None);
        assert_eq!(parse_rfc3339("2026-13-01T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2026-04-17T12:00:00"), None);
    }

    #[test]
    fn epoch_numbers_in_seconds_or_millis() {
        assert_eq!(parse_value(&json!(1_776_427_200)), Some(1_776_427_200_000));
        assert_eq!(
            parse_value(&json!(1_776_427_200_000_i64)),
            Some(1_776_427_200_000)
        );
        assert_eq!(parse_value(&json!(true)), None);
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

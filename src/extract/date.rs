//! Dates as printed on Australian documents (day first) to ISO 8601.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    year: u32,
    month: u32,
    day: u32,
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// A word's month number (`Mar`, `March`, `Sept`); None for anything else.
fn month_of(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    if w.len() < 3 {
        return None;
    }
    let pos = MONTHS.iter().position(|m| w.starts_with(m))?;
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    (full[pos].starts_with(&w) || w == "sept").then_some(pos as u32 + 1)
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn make(year: u32, month: u32, day: u32) -> Option<Date> {
    let year = if year < 100 { 2000 + year } else { year };
    ((1000..=9999).contains(&year)
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in(year, month))
    .then_some(Date { year, month, day })
}

/// Reads one date: `05/03/2025` (day first), `5-3-25`, `2025-03-05` (year first when the
/// first number has 4 digits), `5 March 2025`, `05-Mar-2025`, `March 5, 2025`,
/// `Wed 5th Mar 2025`, `20250305`. Impossible dates (31/02) are None.
pub fn parse(raw: &str) -> Option<Date> {
    let raw = without_time(raw);
    let mut numbers: Vec<&str> = Vec::new();
    let mut month = None;
    for token in raw
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
    {
        let digits_end = token
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(token.len());
        let (num, rest) = token.split_at(digits_end);
        if !num.is_empty() && matches!(rest.to_lowercase().as_str(), "" | "st" | "nd" | "rd" | "th")
        {
            numbers.push(num);
        } else if num.is_empty() {
            match (month_of(token), month) {
                (Some(m), None) => month = Some(m),
                (Some(_), Some(_)) => return None,
                _ => {} // weekday names and other words carry no date
            }
        } else {
            return None;
        }
    }
    let n = |s: &str| s.parse::<u32>().ok();
    match (month, numbers.as_slice()) {
        (None, [compact]) if compact.len() == 8 => {
            make(n(&compact[..4])?, n(&compact[4..6])?, n(&compact[6..])?)
        }
        (None, [y, m, d]) if y.len() == 4 => make(n(y)?, n(m)?, n(d)?),
        (None, [d, m, y]) if y.len() == 4 || y.len() == 2 => make(n(y)?, n(m)?, n(d)?),
        (Some(m), [y, d]) if y.len() == 4 => make(n(y)?, m, n(d)?),
        (Some(m), [d, y]) if y.len() == 4 || y.len() == 2 => make(n(y)?, m, n(d)?),
        _ => None,
    }
}

/// `raw` without a time of day (`10:32`, `10:32:05 AM`, ISO `T10:32:05Z`): receipts print
/// one beside the date.
fn without_time(raw: &str) -> String {
    raw.split_whitespace()
        .filter(|w| !matches!(w.to_lowercase().as_str(), "am" | "pm" | "a.m." | "p.m."))
        .filter_map(|w| match w.find(':') {
            None => Some(w),
            Some(_) => w
                .split_once('T')
                .map(|(date, _)| date)
                .filter(|d| !d.is_empty()),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Separators between the two dates of a range, tried at every place they occur.
const RANGE_SEPARATORS: &[&str] = &[" to ", " - ", "–", "—", " until ", " through ", "/", "-"];

/// Reads a range: `01/03/2025 - 31/03/2025`, `1 Mar 2025 to 31 Mar 2025`,
/// `2025-03-01/2025-03-31`. Both ends must be dates; the start must not be after the end.
pub fn parse_range(raw: &str) -> Option<(Date, Date)> {
    let raw = raw.trim();
    let lower = raw.to_lowercase();
    let raw = if lower.starts_with("from ") {
        &raw[5..]
    } else {
        raw
    };
    let lower = raw.to_lowercase();
    for sep in RANGE_SEPARATORS {
        for (at, _) in lower.match_indices(sep) {
            if let (Some(a), Some(b)) = (parse(&raw[..at]), parse(&raw[at + sep.len()..])) {
                if a <= b {
                    return Some((a, b));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(raw: &str) -> Option<String> {
        parse(raw).map(|d| d.to_string())
    }

    #[test]
    fn day_first_and_named_months() {
        let cases = [
            ("05/03/2025", "2025-03-05"),
            ("5/3/2025", "2025-03-05"),
            ("05-03-25", "2025-03-05"),
            ("05.03.2025", "2025-03-05"),
            ("2025-03-05", "2025-03-05"),
            ("2025/03/05", "2025-03-05"),
            ("5 March 2025", "2025-03-05"),
            ("05-Mar-2025", "2025-03-05"),
            ("March 5, 2025", "2025-03-05"),
            ("Wed 5th Mar 2025", "2025-03-05"),
            ("5th of March, 2025", "2025-03-05"),
            ("20250305", "2025-03-05"),
            ("29/02/2024", "2024-02-29"),
            ("Sept 1 2025", "2025-09-01"),
            ("31 Dec 99", "2099-12-31"),
            ("05/03/2025 10:32 AM", "2025-03-05"),
            ("2025-03-05T10:32:00Z", "2025-03-05"),
            ("14:05 5 Mar 2025", "2025-03-05"),
        ];
        for (raw, want) in cases {
            assert_eq!(iso(raw).as_deref(), Some(want), "{raw:?}");
            assert_eq!(iso(want).as_deref(), Some(want), "idempotent");
        }
    }

    #[test]
    fn bad_dates() {
        for raw in [
            "31/02/2025",
            "29/02/2025",
            "13/13/2025",
            "March 2025",
            "5 Marchy 2025",
            "yesterday",
            "",
            "1/2",
            "5 Mar Apr 2025",
            "12345",
        ] {
            assert_eq!(iso(raw), None, "{raw:?}");
        }
    }

    #[test]
    fn ranges() {
        let r = |raw: &str| parse_range(raw).map(|(a, b)| format!("{a}/{b}"));
        for raw in [
            "01/03/2025 - 31/03/2025",
            "1 Mar 2025 to 31 Mar 2025",
            "2025-03-01/2025-03-31",
            "01/03/2025–31/03/2025",
            "From 1 March 2025 to 31 March 2025",
            "01-03-2025 - 31-03-2025",
        ] {
            assert_eq!(r(raw).as_deref(), Some("2025-03-01/2025-03-31"), "{raw:?}");
        }
        assert_eq!(r("31/03/2025 - 01/03/2025"), None, "start after end");
        assert_eq!(r("01/03/2025"), None);
    }
}

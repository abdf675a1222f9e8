//! Normal forms, one normaliser per kind (FIELDS.md). Every normaliser is idempotent (its
//! output normalises to itself), so the scorer can normalise predictions and truth alike.
//! `None` means "absent": a NOT_FOUND marker, or text that is not a value of the kind.

use super::date;
use super::schema::{Field, Kind};

/// A normalised field value: one string, or the items of a list field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    One(String),
    Many(Vec<String>),
}

/// Spellings of "no value" a model uses besides NOT_FOUND (compared case-insensitively,
/// ignoring spaces, `_`, `/` and `.`).
const ABSENT: &[&str] = &[
    "NOTFOUND",
    "NA",
    "NONE",
    "NULL",
    "NIL",
    "",
    "-",
    "--",
    "—",
    "–",
    "NOTAPPLICABLE",
    "NOTAVAILABLE",
    "NOTPROVIDED",
    "NOTSHOWN",
    "UNKNOWN",
    "NOTSTATED",
];

/// True when `raw` says the value is absent.
pub fn is_absent(raw: &str) -> bool {
    let squashed: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '/' | '.' | '*' | '`' | '"' | '\''))
        .flat_map(char::to_uppercase)
        .collect();
    ABSENT.contains(&squashed.as_str())
        || raw
            .trim()
            .chars()
            .all(|c| matches!(c, '-' | '—' | '–' | '_'))
}

/// Normalises `raw` for `field` (enum values and synonyms come from the field).
pub fn field_value(field: &Field, raw: &str) -> Option<Value> {
    value(&field.kind, Some(field), raw)
}

/// Normalises `raw` as `kind`; an enum with no field context is upper snake case.
pub fn value(kind: &Kind, field: Option<&Field>, raw: &str) -> Option<Value> {
    if is_absent(raw) {
        return None;
    }
    match kind {
        Kind::List(element) => {
            let items: Vec<String> = raw
                .split('|')
                .filter_map(|item| scalar(element, field, item))
                .collect();
            (!items.is_empty()).then_some(Value::Many(items))
        }
        _ => scalar(kind, field, raw).map(Value::One),
    }
}

fn scalar(kind: &Kind, field: Option<&Field>, raw: &str) -> Option<String> {
    let raw = raw.trim();
    if is_absent(raw) {
        return None;
    }
    match kind {
        Kind::Text => Some(text(raw)),
        Kind::Id { digits: false } => Some(text(raw)),
        Kind::Id { digits: true } => non_empty(digits(raw)),
        Kind::Enum => enumeration(field, raw),
        Kind::Abn => abn(raw),
        Kind::Phone => phone(raw),
        Kind::Email => Some(
            text(raw)
                .trim_start_matches("mailto:")
                .replace(' ', "")
                .to_lowercase(),
        ),
        Kind::Url => url(raw),
        Kind::Date => date::parse(raw).map(|d| d.to_string()),
        Kind::DateRange => date::parse_range(raw).map(|(a, b)| format!("{a}/{b}")),
        Kind::Money => money(raw),
        Kind::Number => number(raw),
        Kind::Bsb => Some(digits(raw)).filter(|d| d.len() == 6),
        Kind::List(_) => None, // lists of lists are refused when the schema is read
    }
}

/// Trimmed, whitespace runs collapsed to one space.
pub fn text(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn digits(raw: &str) -> String {
    raw.chars().filter(char::is_ascii_digit).collect()
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// Upper case with every run of non-alphanumerics as one `_` (`Tax Invoice` -> TAX_INVOICE).
pub fn snake_upper(raw: &str) -> String {
    raw.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_uppercase)
        .collect::<Vec<_>>()
        .join("_")
}

/// An allowed value, a synonym of one, or the one allowed value whose words the answer
/// contains (`TAX_INVOICE_RECEIPT` is ambiguous and stays as written, upper snake case).
fn enumeration(field: Option<&Field>, raw: &str) -> Option<String> {
    let key = non_empty(snake_upper(raw))?;
    let Some(field) = field else { return Some(key) };
    if field.values.contains(&key) {
        return Some(key);
    }
    if let Some(v) = field.synonyms.get(&key) {
        return Some(v.clone());
    }
    let words: Vec<&str> = key.split('_').collect();
    let contains = |value: &str| {
        let v: Vec<&str> = value.split('_').collect();
        words.windows(v.len()).any(|w| w == v.as_slice())
    };
    let matches: Vec<&String> = field.values.iter().filter(|v| contains(v)).collect();
    match matches.as_slice() {
        [one] => Some((*one).clone()),
        _ => Some(key),
    }
}

/// ABN checksum: subtract 1 from the first digit, weight 10,1,3,...,19, sum divisible by 89.
pub fn abn_checksum_ok(abn: &str) -> bool {
    const WEIGHTS: [u32; 11] = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
    let d: Vec<u32> = abn.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 11 || d[0] == 0 || abn.chars().any(|c| !c.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = d
        .iter()
        .zip(WEIGHTS)
        .enumerate()
        .map(|(i, (&x, w))| (x - u32::from(i == 0)) * w)
        .sum();
    sum.is_multiple_of(89)
}

/// 11 digits. A wrong checksum is kept (the model may have read a misprint faithfully and
/// the truth holds the same digits); check it with [`abn_checksum_ok`]. Another digit count
/// is not an ABN (often an ACN, 9 digits): absent.
fn abn(raw: &str) -> Option<String> {
    let raw = raw.trim_start_matches(|c: char| !c.is_ascii_digit());
    Some(digits(raw)).filter(|d| d.len() == 11)
}

/// Digits only; the international `+61` prefix (and a `(0)` after it) becomes the national
/// trunk `0`, so `+61 2 9999 1234` and `(02) 9999 1234` compare equal.
fn phone(raw: &str) -> Option<String> {
    let raw = raw.replace("(0)", "");
    // The first number only: `02 9999 1234 / 0412 345 678` is the landline.
    let (_, run) = first_run(
        &raw,
        |c, _| c.is_ascii_digit() || matches!(c, '+' | '('),
        |_, c, _| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.'),
    )?;
    let d = digits(run);
    let international = run.starts_with('+') || d.starts_with("0061");
    let d = match (
        international,
        d.strip_prefix("0061").or(d.strip_prefix("61")),
    ) {
        (true, Some(rest)) => format!("0{rest}"),
        _ => d,
    };
    non_empty(d)
}

/// The first stretch of `t` that begins at a char where `start(c, next)` holds and goes on
/// while `more(prev, c, next)` does: its byte offset and text.
fn first_run(
    t: &str,
    start: impl Fn(char, Option<char>) -> bool,
    more: impl Fn(Option<char>, char, Option<char>) -> bool,
) -> Option<(usize, &str)> {
    let chars: Vec<(usize, char)> = t.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let first = (0..chars.len()).find(|&i| start(chars[i].1, at(i + 1)))?;
    let last = (first + 1..chars.len())
        .take_while(|&i| more(at(i - 1), chars[i].1, at(i + 1)))
        .last()
        .unwrap_or(first);
    let end = chars.get(last + 1).map_or(t.len(), |&(i, _)| i);
    Some((chars[first].0, &t[chars[first].0..end]))
}

/// Lower case, no scheme, no `www.`, no trailing `/`.
fn url(raw: &str) -> Option<String> {
    let lower = text(raw).to_lowercase();
    let no_scheme = lower
        .split_once("://")
        .map_or(lower.as_str(), |(_, rest)| rest);
    let bare = no_scheme
        .strip_prefix("www.")
        .unwrap_or(no_scheme)
        .trim_end_matches('/');
    non_empty(bare.to_string())
}

/// A decimal read from money-ish text: value in units of 10^-scale, kept exact.
struct Decimal {
    negative: bool,
    int: String,
    frac: String,
}

/// Reads `$1,234.5`, `(12.00)`, `-12`, `AUD 12`, `12.00 DR`, and a decimal comma when the
/// last comma follows every point (`1.234,56`) or, with no point, has 1-2 digits after it
/// (`1 234,50`; `1,234` stays a thousands separator). None without digits.
fn decimal(raw: &str) -> Option<Decimal> {
    let t = raw.trim();
    // The first number only: `12.50 (incl. GST)` is 12.50, not 12.50 and a stray point.
    let (start, run) = first_run(
        t,
        |c, next| c.is_ascii_digit() || c == '.' && next.is_some_and(|n| n.is_ascii_digit()),
        |prev, c, next| {
            c.is_ascii_digit()
                || matches!(c, '.' | ',')
                || c == ' '
                    && prev.is_some_and(|p| p.is_ascii_digit())
                    && next.is_some_and(|n| n.is_ascii_digit())
        },
    )?;
    let before = &t[..start];
    let upper = t.to_uppercase();
    let negative = before.contains('-')
        || before.contains('(') && t[start..].contains(')')
        || t.ends_with('-')
        || upper.ends_with("DR");
    let kept: String = run
        .trim_end_matches(['.', ','])
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
        .collect();
    let decimal_comma = |i: usize| match kept.rfind('.') {
        Some(point) => point < i,                        // 1.234,56
        None => (1..=2).contains(&(kept.len() - i - 1)), // 1 234,50 (but 1,234 is thousands)
    };
    let kept = match kept.rfind(',') {
        Some(i) if decimal_comma(i) => {
            format!("{}.{}", kept[..i].replace([',', '.'], ""), &kept[i + 1..])
        }
        _ => kept.replace(',', ""),
    };
    let (int, frac) = kept.split_once('.').unwrap_or((kept.as_str(), ""));
    if frac.contains('.') || (int.is_empty() && frac.is_empty()) {
        return None;
    }
    let int = int.trim_start_matches('0');
    Some(Decimal {
        negative,
        int: if int.is_empty() {
            "0".into()
        } else {
            int.into()
        },
        frac: frac.into(),
    })
}

/// Two decimal places, half away from zero, no symbol or separators; `-0.00` is `0.00`.
fn money(raw: &str) -> Option<String> {
    let d = decimal(raw)?;
    let frac3: String = d.frac.chars().chain("000".chars()).take(3).collect();
    let mut cents: u128 = format!("{}{}", d.int, &frac3[..2]).parse().ok()?;
    if frac3.as_bytes()[2] >= b'5' {
        cents += 1;
    }
    let sign = if d.negative && cents > 0 { "-" } else { "" };
    Some(format!("{sign}{}.{:02}", cents / 100, cents % 100))
}

/// Shortest decimal: `2.50` -> `2.5`, `1,000` -> `1000`, `3.0` -> `3`.
fn number(raw: &str) -> Option<String> {
    let d = decimal(raw)?;
    let frac = d.frac.trim_end_matches('0');
    let sign = if d.negative && (d.int != "0" || !frac.is_empty()) {
        "-"
    } else {
        ""
    };
    Some(if frac.is_empty() {
        format!("{sign}{}", d.int)
    } else {
        format!("{sign}{}.{frac}", d.int)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(kind: &str, raw: &str) -> Option<String> {
        let schema = super::super::Schema::from_json(&format!(
            r#"{{"fields": [{{"name": "F", "kind": "{kind}"}}]}}"#
        ))
        .unwrap();
        match value(&schema.fields[0].kind, None, raw)? {
            Value::One(s) => Some(s),
            Value::Many(v) => Some(v.join("|")),
        }
    }

    #[test]
    fn absent_markers() {
        for raw in [
            "NOT_FOUND",
            "not found",
            "N/A",
            "n.a.",
            "None",
            "null",
            "",
            "  ",
            "-",
            "**NOT_FOUND**",
            "'N/A'",
        ] {
            assert!(is_absent(raw), "{raw:?}");
        }
        for raw in ["0", "NAB", "Nonna's Pizza"] {
            assert!(!is_absent(raw), "{raw:?}");
        }
    }

    #[test]
    fn money_variants() {
        let cases = [
            ("$1,234.5", "1234.50"),
            ("1234.50", "1234.50"),
            ("AUD 12", "12.00"),
            ("A$ 0.5", "0.50"),
            ("(12.00)", "-12.00"),
            ("-12", "-12.00"),
            ("-$3.10", "-3.10"),
            ("$ -3.10", "-3.10"),
            ("12.345", "12.35"),
            ("12.344", "12.34"),
            ("1 234,50", "1234.50"),
            ("1,234", "1234.00"),
            ("$0.00", "0.00"),
            ("-0.001", "0.00"),
            ("150.00 DR", "-150.00"),
            ("150.00 CR", "150.00"),
            ("$.99", "0.99"),
            ("007.1", "7.10"),
        ];
        for (raw, want) in cases {
            assert_eq!(n("money", raw).as_deref(), Some(want), "{raw:?}");
            assert_eq!(
                n("money", want).as_deref(),
                Some(want),
                "idempotent {want:?}"
            );
        }
        for bad in ["free", "$", "1.2.3", "NOT_FOUND"] {
            assert_eq!(n("money", bad), None, "{bad:?}");
        }
    }

    #[test]
    fn number_variants() {
        for (raw, want) in [
            ("2", "2"),
            ("2.50", "2.5"),
            ("1,000", "1000"),
            ("3.0", "3"),
            ("x2", "2"),
            ("0.25", "0.25"),
        ] {
            assert_eq!(n("number", raw).as_deref(), Some(want), "{raw:?}");
        }
        assert_eq!(n("number", "two"), None);
    }

    #[test]
    fn abn_checksum() {
        assert!(abn_checksum_ok("51824753556"));
        assert!(abn_checksum_ok("53004085616"));
        assert!(!abn_checksum_ok("51824753557"));
        assert!(!abn_checksum_ok("12345678901"));
        assert!(!abn_checksum_ok("5182475355"));
        assert!(
            !abn_checksum_ok("51 824 753 556"),
            "normal form has no spaces"
        );
        assert_eq!(
            n("abn", "ABN 51 824 753 556").as_deref(),
            Some("51824753556")
        );
        assert_eq!(n("abn", "51-824-753-556").as_deref(), Some("51824753556"));
        assert_eq!(
            n("abn", "51 824 753 557").as_deref(),
            Some("51824753557"),
            "bad checksum kept"
        );
        assert_eq!(n("abn", "ACN 004 085 616"), None, "9 digits is not an ABN");
    }

    #[test]
    fn phone_bsb_id_email_url() {
        assert_eq!(n("phone", "(02) 9999 1234").as_deref(), Some("0299991234"));
        assert_eq!(n("phone", "+61 2 9999 1234").as_deref(), Some("0299991234"));
        assert_eq!(
            n("phone", "+61 (0)2 9999 1234").as_deref(),
            Some("0299991234")
        );
        assert_eq!(n("phone", "0412 345 678").as_deref(), Some("0412345678"));
        assert_eq!(n("phone", "1300 655 506").as_deref(), Some("1300655506"));
        assert_eq!(
            n("phone", "61 is not a prefix without +").as_deref(),
            Some("61")
        );
        assert_eq!(n("phone", "call us"), None);
        assert_eq!(
            n("phone", "Ph (02) 9999 1234 / 0412 345 678").as_deref(),
            Some("0299991234")
        );
        assert_eq!(
            n("phone", "0061 2 9999 1234").as_deref(),
            Some("0299991234")
        );
        assert_eq!(n("bsb", "062-000").as_deref(), Some("062000"));
        assert_eq!(n("bsb", "06200"), None);
        assert_eq!(n("id", "  INV-  0042 ").as_deref(), Some("INV- 0042"));
        let digits = value(&Kind::Id { digits: true }, None, "Acct 1234 5678").unwrap();
        assert_eq!(digits, Value::One("12345678".into()));
        assert_eq!(
            n("email", " Jane.Doe@Example.COM ").as_deref(),
            Some("jane.doe@example.com")
        );
        assert_eq!(n("email", "mailto:a@b.au").as_deref(), Some("a@b.au"));
        assert_eq!(
            n("url", "https://www.Example.com.au/").as_deref(),
            Some("example.com.au")
        );
        assert_eq!(n("url", "WWW.SHOP.COM").as_deref(), Some("shop.com"));
        assert_eq!(
            n("url", "shop.com/contact").as_deref(),
            Some("shop.com/contact")
        );
    }

    #[test]
    fn text_and_lists() {
        assert_eq!(
            n("text", "  Acme   Pty\tLtd \n").as_deref(),
            Some("Acme Pty Ltd")
        );
        assert_eq!(
            n("list[text]", " Widget | Gadget  x |  | N/A").as_deref(),
            Some("Widget|Gadget x")
        );
        assert_eq!(
            n("list[money]", "$1.5 | 2 | (3)").as_deref(),
            Some("1.50|2.00|-3.00")
        );
        assert_eq!(
            n("list[number]", "1|2.0|x").as_deref(),
            Some("1|2"),
            "x has no digits"
        );
        assert_eq!(n("list[text]", "|"), None);
    }

    #[test]
    fn enum_mapping() {
        let schema = super::super::Schema::default_schema();
        let f = &schema.fields[0];
        let e = |raw: &str| match field_value(f, raw) {
            Some(Value::One(s)) => s,
            other => panic!("{other:?}"),
        };
        assert_eq!(e("invoice"), "INVOICE");
        assert_eq!(e("Tax Invoice"), "INVOICE");
        assert_eq!(e("bank statement"), "BANK_STATEMENT");
        assert_eq!(e("Bank-Statement"), "BANK_STATEMENT");
        assert_eq!(e("Statement"), "BANK_STATEMENT");
        assert_eq!(e("Docket"), "RECEIPT");
        assert_eq!(e("Sales Receipt"), "RECEIPT");
        assert_eq!(
            e("Invoice / Receipt"),
            "INVOICE_RECEIPT",
            "ambiguous: kept, scores wrong"
        );
        assert_eq!(e("purchase order"), "PURCHASE_ORDER");
        assert_eq!(field_value(f, "N/A"), None);
    }
}

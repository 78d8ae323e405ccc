//! Masking of personal identifiers for messages, logs and bureau views: a reader sees
//! enough to find the row (the region code and the last digits) but never a full ID
//! number or phone. One value ([`id`], [`phone`], [`identifier`]) or every number in a
//! text or JSON value ([`in_text`], [`in_json`]).

use std::sync::OnceLock;

use regex::Regex;

/// `210102199001011234` → `210102********1234`. Anything shorter than 11 characters is
/// masked but for its last 2, so a malformed value never leaks whole either.
pub fn id(text: &str) -> String {
    let chars: Vec<char> = text.trim().chars().collect();
    let n = chars.len();
    if n >= 11 {
        let head: String = chars[..6].iter().collect();
        let tail: String = chars[n - 4..].iter().collect();
        format!("{head}{}{tail}", "*".repeat(n - 10))
    } else {
        keep_last(&chars, 2)
    }
}

/// `13812345678` → `138****5678`; a landline `024-22955377` → `024*****5377`.
pub fn phone(text: &str) -> String {
    let chars: Vec<char> = text.trim().chars().collect();
    let n = chars.len();
    if n >= 8 {
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[n - 4..].iter().collect();
        format!("{head}{}{tail}", "*".repeat(n - 7))
    } else {
        keep_last(&chars, 2)
    }
}

/// Certificate numbers and other identifiers: keep the first and last 4 characters.
pub fn identifier(text: &str) -> String {
    let chars: Vec<char> = text.trim().chars().collect();
    let n = chars.len();
    if n > 10 {
        let head: String = chars[..4].iter().collect();
        let tail: String = chars[n - 4..].iter().collect();
        format!("{head}{}{tail}", "*".repeat(n - 8))
    } else {
        text.trim().to_string()
    }
}

fn keep_last(chars: &[char], keep: usize) -> String {
    let n = chars.len();
    let shown = keep.min(n / 2);
    let tail: String = chars[n - shown..].iter().collect();
    format!("{}{tail}", "*".repeat(n - shown))
}

fn id_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // 17 digits and a digit or X (or a 15-digit first-generation ID), not inside a longer digit run.
    RE.get_or_init(|| Regex::new(r"(^|[^0-9])([0-9]{6})([0-9]{8}|[0-9]{5})([0-9]{3}[0-9Xx])([^0-9]|$)").expect("static regex"))
}

fn phone_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(^|[^0-9])(1[3-9][0-9])([0-9]{4})([0-9]{4})([^0-9]|$)").expect("static regex"))
}

/// Free text (a message, a report rendered for a bureau) with every 18- or 15-digit ID
/// number and mobile number in it masked the way [`id`] and [`phone`] mask one value.
pub fn in_text(text: &str) -> String {
    // Applied twice: adjacent numbers share the separator the pattern consumes.
    let mut out = text.to_string();
    for _ in 0..2 {
        out = id_pattern()
            .replace_all(&out, |c: &regex::Captures| format!("{}{}{}{}{}", &c[1], &c[2], "*".repeat(c[3].len()), &c[4], &c[5]))
            .into_owned();
        out = phone_pattern().replace_all(&out, |c: &regex::Captures| format!("{}{}****{}{}", &c[1], &c[2], &c[4], &c[5])).into_owned();
    }
    out
}

/// Masks every string inside a JSON value.
pub fn in_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) => *s = in_text(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(in_json),
        serde_json::Value::Object(map) => map.values_mut().for_each(in_json),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_keeps_region_and_last_four() {
        assert_eq!(id("210102199001011234"), "210102********1234");
        assert_eq!(id(" 21010219900101123X "), "210102********123X");
        assert_eq!(id("210102900101123"), "210102*****1123", "15-digit old number");
    }

    #[test]
    fn short_values_never_leak_whole() {
        assert_eq!(id("123456"), "****56");
        assert_eq!(phone("1234"), "**34");
        assert_eq!(id(""), "");
    }

    #[test]
    fn phone_keeps_prefix_and_last_four() {
        assert_eq!(phone("13812345678"), "138****5678");
        assert_eq!(phone("024-22955377"), "024*****5377");
    }

    #[test]
    fn identifier_keeps_ends() {
        assert_eq!(identifier("S000021010234567"), "S000********4567");
        assert_eq!(identifier("A123"), "A123");
    }
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn id_and_phone_are_masked_but_other_numbers_are_not() {
        let text = "身份证号210102199001011234重复，电话13912345678，人数2150";
        let masked = in_text(text);
        assert_eq!(masked, "身份证号210102********1234重复，电话139****5678，人数2150");
    }

    #[test]
    fn id_with_x_is_masked() {
        assert_eq!(in_text("21010219900101123X"), "210102********123X");
    }

    #[test]
    fn json_strings_are_masked_deeply() {
        let mut v = serde_json::json!({"findings": [{"message": "13912345678", "expected": "2"}]});
        in_json(&mut v);
        assert_eq!(v["findings"][0]["message"], "139****5678");
        assert_eq!(v["findings"][0]["expected"], "2");
    }
}

//! Masking of personal identifiers for bureau views: an 18-digit ID number keeps its
//! first 6 (region) and last 4 characters, a mobile number its first 3 and last 4.
//! Reviewers and admins see values in full; logs never do. (The lead will merge this with
//! `domain::mask` if both exist.)

use std::sync::OnceLock;

use regex::Regex;

fn id_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // 17 digits and a digit or X (or a 15-digit first-generation ID), not inside a longer digit run.
    RE.get_or_init(|| Regex::new(r"(^|[^0-9])([0-9]{6})([0-9]{8}|[0-9]{5})([0-9]{3}[0-9Xx])([^0-9]|$)").expect("static regex"))
}

fn phone_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(^|[^0-9])(1[3-9][0-9])([0-9]{4})([0-9]{4})([^0-9]|$)").expect("static regex"))
}

/// The text with ID and phone numbers masked.
pub fn mask_text(text: &str) -> String {
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
pub fn mask_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) => *s = mask_text(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask_json),
        serde_json::Value::Object(map) => map.values_mut().for_each(mask_json),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_and_phone_are_masked_but_other_numbers_are_not() {
        let text = "身份证号210102199001011234重复，电话13912345678，人数2150";
        let masked = mask_text(text);
        assert_eq!(masked, "身份证号210102********1234重复，电话139****5678，人数2150");
    }

    #[test]
    fn id_with_x_is_masked() {
        assert_eq!(mask_text("21010219900101123X"), "210102********123X");
    }

    #[test]
    fn json_strings_are_masked_deeply() {
        let mut v = serde_json::json!({"findings": [{"message": "13912345678", "expected": "2"}]});
        mask_json(&mut v);
        assert_eq!(v["findings"][0]["message"], "139****5678");
        assert_eq!(v["findings"][0]["expected"], "2");
    }
}

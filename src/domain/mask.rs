//! Masking of personal identifiers for messages and logs: a reviewer sees enough to find
//! the row (the region code and the last digits) but never a full ID number or phone.

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

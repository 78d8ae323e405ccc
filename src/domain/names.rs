//! Names of bodies as texts carry them: normalised for comparison, and whether a text (a
//! path, a page's title, a seal's reading) names a 依托单位.

use unicode_normalization::UnicodeNormalization;

use crate::config::Rules;

/// How much of a file's first page is its title, where a unit names itself.
pub const TITLE_CHARS: usize = 300;

/// The head of a page's text, where its title (and the unit issuing it) stands.
pub fn title(page_text: &str) -> &str {
    match page_text.char_indices().nth(TITLE_CHARS) {
        Some((end, _)) => &page_text[..end],
        None => page_text,
    }
}

/// Text for comparing names: NFKC, no whitespace or punctuation, ASCII upper-cased.
pub fn normalize(text: &str) -> String {
    text.nfkc()
        .filter(|c| c.is_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Letters that end a place name (省, 市, 区, 县, 旗).
const PLACE_ENDS: [char; 5] = ['省', '市', '区', '县', '旗'];

/// How many letters of `name` its leading place name takes: up to the last letter ending a
/// place within its first seven (沈阳市和平区… → 6, 沈阳职业技术学院 → 0). The place is
/// what the bodies of one city share, so it tells nothing of which body a name is.
pub fn place_prefix_len(name: &str) -> usize {
    name.chars().take(7).enumerate().filter(|(_, c)| PLACE_ENDS.contains(c)).map(|(i, _)| i + 1).last().unwrap_or(0)
}

/// The letters of `name`'s leading place name with their positions, the words that end a
/// place (市, 区…) left out: 沈阳 of 沈阳市人力资源和社会保障局, 本溪振兴 of
/// 本溪市振兴区阳光职业培训学校.
pub fn place_letters(name: &str) -> Vec<(usize, char)> {
    name.chars().enumerate().take(place_prefix_len(name)).filter(|(_, c)| !PLACE_ENDS.contains(c)).collect()
}

/// Length in characters of the longest run of `needle` found somewhere in `haystack`.
pub fn longest_common_run(needle: &str, haystack: &str) -> usize {
    let n: Vec<char> = needle.chars().collect();
    let h: Vec<char> = haystack.chars().collect();
    let mut best = 0;
    let mut previous = vec![0usize; h.len() + 1];
    let mut current = vec![0usize; h.len() + 1];
    for a in &n {
        for (j, b) in h.iter().enumerate() {
            current[j + 1] = if a == b { previous[j] + 1 } else { 0 };
            best = best.max(current[j + 1]);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    best
}

/// A unit's name, normalised, and its distinctive part.
pub struct UnitName {
    full: String,
    core: String,
}

impl UnitName {
    pub fn new(name: &str, rules: &Rules) -> UnitName {
        let full = normalize(name);
        let mut removable: Vec<String> = rules.matching.unit_generic_words.iter().map(|w| normalize(w)).collect();
        for city in &rules.cities {
            removable.push(normalize(&city.name));
            removable.extend(city.short.iter().filter(|s| s.chars().count() >= 2).map(|s| normalize(s)));
        }
        // Longest first, so 有限责任公司 goes before 公司.
        removable.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        let mut core = full.clone();
        for word in removable.iter().filter(|w| !w.is_empty()) {
            core = core.replace(word.as_str(), "");
        }
        if core.chars().count() < 2 {
            core = full.clone();
        }
        UnitName { full, core }
    }

    /// Whether `haystack` (normalised) names the unit: its full name, its distinctive part,
    /// or a run of at least `min_share` of that part (one OCR error does not hide a unit).
    pub fn found_in(&self, haystack: &str, min_share: f64) -> bool {
        if self.full.is_empty() || haystack.contains(&self.full) || haystack.contains(&self.core) {
            return true;
        }
        let len = self.core.chars().count();
        let needed = ((len as f64 * min_share).ceil() as usize).max(2);
        longest_common_run(&self.core, haystack) >= needed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_drops_spaces_and_punctuation() {
        assert_eq!(normalize(" 沈阳（巧嫂）\n家政 "), "沈阳巧嫂家政");
        assert_eq!(normalize("ｘ１"), "X1");
    }

    #[test]
    fn a_places_letters_leave_out_the_words_ending_it() {
        assert_eq!(place_letters("沈阳市人力资源和社会保障局"), vec![(0, '沈'), (1, '阳')]);
        assert_eq!(place_letters("本溪市振兴区阳光职业培训学校"), vec![(0, '本'), (1, '溪'), (3, '振'), (4, '兴')]);
        assert_eq!(place_letters("大连阳光家政服务职业培训学校"), Vec::new());
    }

    #[test]
    fn common_run() {
        assert_eq!(longest_common_run("巧嫂家政服务", "3.依托单位材料/巧嫂家政/名单.xlsx"), 4);
        assert_eq!(longest_common_run("", "abc"), 0);
    }

    #[test]
    fn the_place_name_leads_a_bodys_name() {
        assert_eq!(place_prefix_len("沈阳市人力资源和社会保障局"), 3);
        assert_eq!(place_prefix_len("葫芦岛市人力资源和社会保障局"), 4);
        assert_eq!(place_prefix_len("沈阳市和平区巧嫂职业培训学校"), 6);
        assert_eq!(place_prefix_len("沈抚示范区党建工作部"), 5);
        assert_eq!(place_prefix_len("沈阳职业技术学院"), 0);
        assert_eq!(place_prefix_len(""), 0);
    }

    #[test]
    fn a_title_is_the_head_of_the_page() {
        let page = "沈阳市巧嫂家政服务有限公司培训就业情况报告".repeat(30);
        assert_eq!(title(&page).chars().count(), TITLE_CHARS);
        assert_eq!(title("短"), "短");
    }

    #[test]
    fn generic_words_alone_do_not_match_another_unit() {
        let rules = crate::config::Config::builtin().expect("built-in config").rules;
        let key = UnitName::new("沈阳市金牌职业培训学校", &rules);
        assert_eq!(key.core, "金牌");
        assert!(!key.found_in(&normalize("3.依托单位材料/沈阳市巧嫂职业培训学校/情况.pdf"), 0.6));
        // defect-10 of the corpus: a unit not in the form, both "…职业(技能)培训学校" of one city.
        let key = UnitName::new("丹东市烹饪协会职业技能培训学校", &rules);
        assert_eq!(key.core, "烹饪");
        assert!(!key.found_in(&normalize("丹东市丹东面点师申报材料/丹东市振兴区阳光职业技能培训学校/报告.pdf"), 0.6));
    }
}

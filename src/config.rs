//! Settings and rules, loaded as data and validated before anything runs.
//!
//! Two files: the settings (`config/default.toml`: limits, OCR, tolerances) and the rules
//! of the round (`config/rules/*.toml`: years, cities, thresholds of notice §四, the
//! Annex 2 catalogue, keyword lists). Loading is two phases: parse into raw serde types,
//! then [`Config::validate`] refuses values that would make the checks meaningless
//! (a rate above 1, a round without years, a type without thresholds) with a message
//! that names the file and the key. The built-in copies of both files are compiled into
//! the binary, so `dossier-verify check` works without a config directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The settings file shipped with the product, used when no `--config` is given.
pub const BUILTIN_SETTINGS: &str = include_str!("../config/default.toml");
/// The rules file the built-in settings name.
pub const BUILTIN_RULES: &str = include_str!("../config/rules/liaoning-2024.toml");

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: {source}")]
    Parse { path: String, source: toml::de::Error },
    #[error("{path}: {key}: {problem}")]
    Invalid { path: String, key: String, problem: String },
}

/// Everything a verification needs besides the dossier.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    pub settings: Settings,
    pub rules: Rules,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Path of the rules file, relative to the settings file.
    pub rules: String,
    pub limits: Limits,
    pub ocr: OcrSettings,
    pub tolerances: Tolerances,
    pub pdf: PdfSettings,
    pub images: ImageSettings,
    /// Seal judgement (`checks/stamps.rs`); defaults when the section is absent.
    #[serde(default)]
    pub seals: SealSettings,
    /// The service's section (`[server]`, `[auth]`); absent for CLI-only use.
    #[serde(default)]
    pub server: ServerSettings,
    #[serde(default)]
    pub auth: AuthSettings,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub max_entries: u64,
    pub max_total_unpacked_bytes: u64,
    pub max_entry_bytes: u64,
    pub max_compression_ratio: u64,
    pub min_ratio_checked_bytes: u64,
    pub max_nesting_depth: u32,
    pub max_pdf_pages: u32,
    pub max_sheet_cells: u64,
    pub max_image_pixels: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OcrSettings {
    pub language: String,
    pub page_segmentation_mode: u32,
    pub render_dpi: u32,
    pub min_page_confidence: f64,
    pub page_timeout_seconds: u64,
    /// Language figures that read doubtfully ("85o") are read again in, one word each;
    /// absent or empty: no second reading.
    #[serde(default)]
    pub figure_language: Option<String>,
    /// Page segmentation mode of a second reading of a scanned 申报表's first page when
    /// the first reading left fields of the form unread; absent: no second reading.
    #[serde(default)]
    pub form_retry_page_segmentation_mode: Option<u32>,
    /// Page segmentation mode of a reading of a scanned 申报表's occupation value alone (a
    /// crop of its cell); absent: the page reading's value stands.
    #[serde(default)]
    pub form_cell_page_segmentation_mode: Option<u32>,
    /// Where white begins in the image OCR reads, as a share of the way from the page's
    /// ink level to its paper level (see `raster::ocr_grey`).
    #[serde(default = "default_white_point")]
    pub white_point: f64,
}

fn default_white_point() -> f64 {
    0.9
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tolerances {
    pub rate_points: f64,
    pub employment_window_days: i64,
    pub pdf_modified_slack_days: i64,
    pub shared_phone_max_persons: usize,
    pub sequential_run_length: usize,
    pub min_age: u32,
    pub max_age: u32,
    /// Row-level findings one check reports per table before summing the rest up in one.
    #[serde(default = "default_max_row_findings")]
    pub max_row_findings: usize,
    /// Similarity in [0, 1] (1 − edit distance / length) above which two text fields of
    /// the form are the same despite OCR noise (editable vs scanned version).
    #[serde(default = "default_text_match_min_similarity")]
    pub text_match_min_similarity: f64,
    /// Share of a unit name's distinctive part that a file's path or text must contain for
    /// the file to count as that unit's materials.
    #[serde(default = "default_unit_match_min_similarity")]
    pub unit_match_min_similarity: f64,
    /// Whether FORM_VERSION_MISMATCH compares the checked 品牌范围/品牌类型 boxes of the
    /// scan: off while reading tick marks by OCR misreads clean forms.
    #[serde(default)]
    pub compare_scanned_checkboxes: bool,
}

fn default_max_row_findings() -> usize {
    50
}

fn default_text_match_min_similarity() -> f64 {
    0.8
}

fn default_unit_match_min_similarity() -> f64 {
    0.6
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PdfSettings {
    pub editing_producers: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageSettings {
    pub editor_software: Vec<String>,
}

/// How seal readings and impressions are judged (`[seals]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealSettings {
    /// Fuzzy score (1 − edit distance / length) at which the read ring text names the body.
    pub issuer_match: f64,
    /// Score below which a readable seal clearly names another body (STAMP_ISSUER_MISMATCH).
    pub issuer_mismatch: f64,
    /// Chinese letters a ring reading needs before a mismatch is reported on it.
    pub min_read_letters: usize,
    /// Letters of another known body, absent from the expected one's name, that must be
    /// read side by side as in its name (and none of the expected body's own) to name
    /// that body (closed-set identification, `seals::read::identify`).
    pub issuer_other_letters: usize,
    /// OCR confidence (0..1) a ring reading needs before a mismatch is reported on it:
    /// worn ink reads as confident-looking garbage, which must never accuse a body.
    pub min_read_confidence: f64,
    /// Similarity of two aligned impressions from which they are one image (STAMP_DUPLICATED_IMAGE).
    pub duplicate_similarity: f64,
    /// Faces the candidate bodies' names are drawn in to compare a seal's letters by shape
    /// (`seals::letters`). None that loads: seals are identified by their OCR reading alone.
    pub letter_faces: Vec<crate::seals::letters::Face>,
    /// Shape evidence by which the expected body must beat every other candidate.
    pub shape_margin: f64,
    /// Shape evidence by which another body must beat the expected one to be named.
    pub shape_accuse: f64,
    /// Letters other bodies' names are made of (培训, 学校, 协会, 公司…): the shapes
    /// recognise a bureau's seal only where the bureau's own letters look more like the
    /// strip than any of these, at `own_letters_share` of its places after the place name
    /// at least (a body outside the candidates otherwise passes for the closest of them).
    #[serde(default = "default_background_letters")]
    pub background_letters: String,
    #[serde(default = "default_own_letters_share")]
    pub own_letters_share: f64,
}

fn default_background_letters() -> String {
    SealSettings::default().background_letters
}

fn default_own_letters_share() -> f64 {
    SealSettings::default().own_letters_share
}

impl Default for SealSettings {
    fn default() -> Self {
        let face = |path: &str, index: u32| crate::seals::letters::Face { path: path.into(), index };
        SealSettings {
            issuer_match: 0.6,
            issuer_mismatch: 0.4,
            min_read_letters: 6,
            issuer_other_letters: 2,
            min_read_confidence: 0.6,
            duplicate_similarity: 0.72,
            letter_faces: vec![
                face("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2),
                face("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
                face("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
                face("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
            ],
            shape_margin: 0.0,
            shape_accuse: 1.0,
            background_letters: "职业技能培训学校中心协会行有限公司集团服务家政教育科发展研究院工作部门办室人民府就管理".into(),
            own_letters_share: 0.2,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub bind: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub max_upload_bytes: Option<u64>,
    pub workers: Option<usize>,
    pub lease_seconds: Option<u64>,
    pub metrics_bind: Option<String>,
    /// Holds every job at least this long (kill-and-resume tests, demos); absent in production.
    #[serde(default)]
    pub min_job_millis: Option<u64>,
    /// Dossier archives registered at start (by content, so once): the demo's sample dossier.
    /// Relative paths are taken from the working directory.
    #[serde(default)]
    pub preload: Vec<PathBuf>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    #[serde(default)]
    pub tokens: Vec<TokenEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenEntry {
    pub name: String,
    pub role: String,
    pub city: Option<String>,
    pub sha256: String,
}

// ---------------------------------------------------------------- rules of the round

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub round: Round,
    pub cities: Vec<City>,
    pub form: FormRules,
    pub eligibility: Vec<Eligibility>,
    pub naming: NamingRules,
    pub catalogue: Vec<CatalogueItem>,
    pub classify: BTreeMap<String, Vec<String>>,
    pub roster: RosterRules,
    /// Words that find figures in narratives (report, unit materials).
    #[serde(default)]
    pub narrative: NarrativeRules,
    /// How names of units are compared (materials ↔ form).
    #[serde(default)]
    pub matching: MatchingRules,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrativeRules {
    /// A count "N人" is a number of trainees when its clause holds one of these …
    pub trainee_words: Vec<String>,
    /// … and none of these (合格1860人 is not a number of trainees).
    pub not_trainee_words: Vec<String>,
    pub pass_rate_words: Vec<String>,
    pub employment_rate_words: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchingRules {
    /// Words that do not tell one unit from another (有限公司, 培训学校…): removed before a
    /// unit name is looked for in a file's path or text.
    #[serde(default)]
    pub unit_generic_words: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Round {
    pub notice: String,
    pub years: Vec<i32>,
    pub submission_date: chrono::NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct City {
    pub name: String,
    pub short: Vec<String>,
    #[serde(default)]
    pub major: bool,
    pub issuer: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormRules {
    pub scopes: Vec<String>,
    pub types: Vec<String>,
    pub labels: BTreeMap<String, Vec<String>>,
    /// Instructions printed in the blank form's cells ("填写不下的可自行增加行数"): never a value.
    #[serde(default)]
    pub hints: Vec<String>,
}

/// How a minimum is written in the notice: 不少于/不低于 (≥) or 超过/以上 (>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    AtLeast,
    MoreThan,
}

impl Bound {
    /// Whether `value` satisfies the minimum `min` under this bound.
    pub fn satisfied(self, value: f64, min: f64) -> bool {
        match self {
            Bound::AtLeast => value >= min,
            Bound::MoreThan => value > min,
        }
    }

    /// The notice's own words for the bound, for messages.
    pub fn words(self) -> &'static str {
        match self {
            Bound::AtLeast => "不低于",
            Bound::MoreThan => "超过",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraineeMinimum {
    pub major: u32,
    pub other: u32,
    pub bound: Bound,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateMinimum {
    pub min: f64,
    pub bound: Bound,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    #[serde(rename = "type")]
    pub brand_type: String,
    #[serde(default)]
    pub subtype: Option<String>,
    #[serde(default)]
    pub subtype_keywords: Vec<String>,
    pub clause: String,
    #[serde(default)]
    pub trainees: Option<TraineeMinimum>,
    #[serde(default)]
    pub pass_rate: Option<RateMinimum>,
    #[serde(default)]
    pub employment_rate: Option<RateMinimum>,
    #[serde(default)]
    pub graduate_employment_rate: Option<RateMinimum>,
    /// Days after training end within which employment counts for this type, when it
    /// differs from `tolerances.employment_window_days` (企业: 2-year stable employment).
    #[serde(default)]
    pub employment_window_days: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamingRules {
    pub clause: String,
    pub occupation_suffixes: Vec<String>,
    pub occupations: Vec<String>,
    pub organisation_suffixes: Vec<String>,
    /// GB/T 2260 code prefix of the province whose place names may open a brand name
    /// ("21" = 辽宁): counties and districts (新民, 庄河…) count as 行政区域名 too.
    #[serde(default)]
    pub division_code_prefix: String,
    /// Endings dropped from a division's name to get its common short form (新民市 → 新民).
    #[serde(default)]
    pub division_suffixes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueItem {
    pub item: u32,
    pub kind: String,
    pub title: String,
    pub required: bool,
    pub stamp: String,
    pub clause: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterRules {
    pub header_search_rows: usize,
    pub footer_markers: Vec<String>,
    pub headers: BTreeMap<String, Vec<String>>,
}

/// Roster fields a header may map to; the keys of `[roster.headers]` besides the word lists.
pub const ROSTER_FIELDS: &[&str] = &[
    "serial",
    "name",
    "id_number",
    "gender",
    "phone",
    "occupation",
    "training_period",
    "training_start",
    "training_end",
    "result",
    "certificate",
    "employed",
    "employer",
    "employment_date",
];

/// Document kinds of report.md that classification may assign from keywords.
pub const CLASSIFIED_KINDS: &[&str] = &[
    "recommendation_report",
    "application_form",
    "unit_material",
    "training_roster",
    "employment_tracking",
    "other_evidence",
];

impl Config {
    /// The configuration compiled into the binary.
    pub fn builtin() -> Result<Config, ConfigError> {
        Self::from_strs(BUILTIN_SETTINGS, "config/default.toml", BUILTIN_RULES, "config/rules/liaoning-2024.toml")
    }

    /// Loads a settings file and the rules file it names (relative to it).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let settings_text = read(path)?;
        let settings: Settings = parse(&settings_text, &path.display().to_string())?;
        let rules_path = path.parent().unwrap_or(Path::new(".")).join(&settings.rules);
        let rules_text = read(&rules_path)?;
        let rules: Rules = parse(&rules_text, &rules_path.display().to_string())?;
        let config = Config { settings, rules };
        config.validate(&path.display().to_string(), &rules_path.display().to_string())?;
        Ok(config)
    }

    /// Parses both files from strings (the built-in copies, or tests).
    pub fn from_strs(settings: &str, settings_name: &str, rules: &str, rules_name: &str) -> Result<Config, ConfigError> {
        let config = Config { settings: parse(settings, settings_name)?, rules: parse(rules, rules_name)? };
        config.validate(settings_name, rules_name)?;
        Ok(config)
    }

    /// Phase two: values that parse but cannot be right.
    pub fn validate(&self, settings_name: &str, rules_name: &str) -> Result<(), ConfigError> {
        let bad = |path: &str, key: &str, problem: &str| ConfigError::Invalid {
            path: path.to_string(),
            key: key.to_string(),
            problem: problem.to_string(),
        };
        let s = &self.settings;
        if s.limits.max_entries == 0 || s.limits.max_total_unpacked_bytes == 0 || s.limits.max_entry_bytes == 0 {
            return Err(bad(settings_name, "limits", "entry count and byte limits must be positive"));
        }
        if s.limits.max_compression_ratio < 2 {
            return Err(bad(settings_name, "limits.max_compression_ratio", "must be at least 2 (deflate alone reaches that)"));
        }
        if !(0.0..=1.0).contains(&s.ocr.min_page_confidence) {
            return Err(bad(settings_name, "ocr.min_page_confidence", "must be a fraction between 0 and 1"));
        }
        if !(0.0..0.2).contains(&s.tolerances.rate_points) {
            return Err(bad(settings_name, "tolerances.rate_points", "must be a fraction below 0.2 (0.005 = ±0.5 percentage points)"));
        }
        if s.tolerances.min_age >= s.tolerances.max_age {
            return Err(bad(settings_name, "tolerances.min_age", "must be below max_age"));
        }
        for token in &s.auth.tokens {
            if !matches!(token.role.as_str(), "bureau" | "reviewer" | "admin") {
                return Err(bad(settings_name, "auth.tokens.role", &format!("token '{}': role must be bureau, reviewer or admin", token.name)));
            }
            if token.role == "bureau" && token.city.is_none() {
                return Err(bad(settings_name, "auth.tokens.city", &format!("bureau token '{}' needs the city it acts for", token.name)));
            }
            if token.sha256.len() != 64 || !token.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad(settings_name, "auth.tokens.sha256", &format!("token '{}': sha256 must be 64 hex digits", token.name)));
            }
        }

        let seals = &s.seals;
        for (key, value) in [
            ("seals.issuer_match", seals.issuer_match),
            ("seals.issuer_mismatch", seals.issuer_mismatch),
            ("seals.min_read_confidence", seals.min_read_confidence),
            ("seals.duplicate_similarity", seals.duplicate_similarity),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(bad(settings_name, key, "must be a fraction between 0 and 1"));
            }
        }
        if seals.issuer_other_letters < 2 {
            return Err(bad(settings_name, "seals.issuer_other_letters", "must be at least 2: one misread letter must never name another body"));
        }
        if !(0.0..1.0).contains(&seals.shape_margin) {
            return Err(bad(settings_name, "seals.shape_margin", "must be at least 0 and below 1"));
        }
        if !(seals.own_letters_share > 0.0 && seals.own_letters_share <= 1.0) {
            return Err(bad(settings_name, "seals.own_letters_share", "must be above 0 and at most 1"));
        }
        if seals.background_letters.chars().count() < 10 || seals.background_letters.chars().any(|c| !crate::seals::read::is_cjk(c)) {
            return Err(bad(settings_name, "seals.background_letters", "must be ten Chinese letters or more, nothing else"));
        }
        if !(0.1..=1.0).contains(&seals.shape_accuse) {
            return Err(bad(settings_name, "seals.shape_accuse", "must be between 0.1 and 1: worn genuine seals looked up to 0.2 more like another body"));
        }
        if seals.issuer_mismatch > seals.issuer_match {
            return Err(bad(settings_name, "seals.issuer_mismatch", "must not exceed seals.issuer_match"));
        }

        let r = &self.rules;
        if r.round.years.is_empty() {
            return Err(bad(rules_name, "round.years", "the round needs the years it examines"));
        }
        if r.cities.is_empty() {
            return Err(bad(rules_name, "cities", "no cities"));
        }
        for e in &r.eligibility {
            if !r.form.types.contains(&e.brand_type) {
                return Err(bad(rules_name, "eligibility.type", &format!("'{}' is not one of form.types", e.brand_type)));
            }
            for (key, rate) in [
                ("pass_rate", &e.pass_rate),
                ("employment_rate", &e.employment_rate),
                ("graduate_employment_rate", &e.graduate_employment_rate),
            ] {
                if let Some(rate) = rate {
                    if !(0.0..=1.0).contains(&rate.min) {
                        return Err(bad(rules_name, &format!("eligibility.{key}"), &format!("{}: a rate is a fraction in [0, 1], got {}", e.brand_type, rate.min)));
                    }
                }
            }
        }
        for t in &r.form.types {
            if !r.eligibility.iter().any(|e| &e.brand_type == t) {
                return Err(bad(rules_name, "eligibility", &format!("brand type '{t}' has no eligibility entry")));
            }
        }
        for kind in r.classify.keys() {
            if !CLASSIFIED_KINDS.contains(&kind.as_str()) {
                return Err(bad(rules_name, &format!("classify.{kind}"), "not a document kind of report.md"));
            }
        }
        for item in &r.catalogue {
            if !CLASSIFIED_KINDS.contains(&item.kind.as_str()) {
                return Err(bad(rules_name, "catalogue.kind", &format!("'{}' is not a document kind", item.kind)));
            }
            if !matches!(item.stamp.as_str(), "" | "city_bureau" | "unit") {
                return Err(bad(rules_name, "catalogue.stamp", &format!("item {}: stamp must be city_bureau, unit or empty", item.item)));
            }
        }
        for field in r.roster.headers.keys() {
            let is_word_list = field.ends_with("_words");
            if !is_word_list && !ROSTER_FIELDS.contains(&field.as_str()) {
                return Err(bad(rules_name, &format!("roster.headers.{field}"), "unknown roster field"));
            }
        }
        Ok(())
    }
}

impl Rules {
    /// The city whose name or short form starts `text` (or is contained in it), longest match first.
    pub fn city_named_in(&self, text: &str) -> Option<&City> {
        let mut best: Option<(&City, usize)> = None;
        for city in &self.cities {
            for name in std::iter::once(&city.name).chain(city.short.iter().filter(|s| s.chars().count() >= 2)) {
                if text.contains(name.as_str()) && best.is_none_or(|(_, len)| name.len() > len) {
                    best = Some((city, name.len()));
                }
            }
        }
        best.map(|(city, _)| city)
    }

    pub fn city(&self, name: &str) -> Option<&City> {
        self.cities.iter().find(|c| c.name == name)
    }

    /// Header synonyms of one roster field (empty when the rules have none).
    pub fn roster_words(&self, field: &str) -> &[String] {
        self.roster.headers.get(field).map(Vec::as_slice).unwrap_or(&[])
    }
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })
}

fn parse<T: serde::de::DeserializeOwned>(text: &str, path: &str) -> Result<T, ConfigError> {
    toml::from_str(text).map_err(|source| ConfigError::Parse { path: path.to_string(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_config_loads_and_validates() {
        let config = Config::builtin().expect("built-in config");
        assert_eq!(config.rules.round.years, vec![2022, 2023]);
        assert_eq!(config.rules.cities.len(), 15, "14 cities and 沈抚示范区");
        assert_eq!(config.rules.cities.iter().filter(|c| c.major).count(), 2);
    }

    #[test]
    fn config_on_disk_matches_builtin() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/default.toml");
        let loaded = Config::load(&path).expect("config/default.toml");
        assert_eq!(loaded.rules.eligibility.len(), Config::builtin().unwrap().rules.eligibility.len());
    }

    #[test]
    fn rate_above_one_is_refused_with_its_key() {
        let rules = BUILTIN_RULES.replace("pass_rate = { min = 0.80, bound = \"more_than\" }", "pass_rate = { min = 80, bound = \"more_than\" }");
        let err = Config::from_strs(BUILTIN_SETTINGS, "s.toml", &rules, "r.toml").unwrap_err().to_string();
        assert!(err.contains("r.toml") && err.contains("eligibility.pass_rate"), "{err}");
    }

    #[test]
    fn seal_background_letters_must_be_chinese_letters() {
        let settings = BUILTIN_SETTINGS.replace("background_letters = \"", "background_letters = \"school ");
        let err = Config::from_strs(&settings, "s.toml", BUILTIN_RULES, "r.toml").unwrap_err().to_string();
        assert!(err.contains("seals.background_letters"), "{err}");
        let settings = BUILTIN_SETTINGS.replace("own_letters_share = 0.2", "own_letters_share = 0");
        let err = Config::from_strs(&settings, "s.toml", BUILTIN_RULES, "r.toml").unwrap_err().to_string();
        assert!(err.contains("seals.own_letters_share"), "{err}");
    }

    #[test]
    fn unknown_key_is_refused() {
        let settings = BUILTIN_SETTINGS.replace("[limits]", "[limits]\nmax_entires = 3");
        let err = Config::from_strs(&settings, "s.toml", BUILTIN_RULES, "r.toml").unwrap_err().to_string();
        assert!(err.contains("max_entires"), "{err}");
    }

    #[test]
    fn bounds_follow_the_notice_words() {
        assert!(Bound::AtLeast.satisfied(0.80, 0.80));
        assert!(!Bound::MoreThan.satisfied(0.80, 0.80));
        assert!(Bound::MoreThan.satisfied(0.801, 0.80));
    }

    #[test]
    fn city_is_found_by_short_name() {
        let config = Config::builtin().unwrap();
        assert_eq!(config.rules.city_named_in("大连月嫂").map(|c| c.name.as_str()), Some("大连市"));
        assert_eq!(config.rules.city_named_in("沈抚示范区党建工作部").map(|c| c.name.as_str()), Some("沈抚示范区"));
    }
}

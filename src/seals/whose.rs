//! Whose seal each impression is, once the whole dossier is extracted (the form names
//! the city and the units, so the bodies that may have stamped are known).
//!
//! 附件2: "一、…推荐报告…加盖市局公章"; "二、辽宁省职业技能培训品牌申报表（附件1），加盖市局公章";
//! "三、各依托单位…情况…加盖依托单位公章". Whose seal each document kind needs is the
//! rules file's `[[catalogue]] stamp` ("city_bureau", "unit" or none); the bodies are
//! `cities[].issuer` (the 14 bureaus and 沈抚示范区党建工作部) and the form's 依托单位.
//!
//! A seal on a document that needs one is judged against each body that must stamp it
//! ([`read::identify`], closed set: those bodies, every bureau, and the form's units).
//! On a bureau's document (the report, the form) the letters' shapes are compared first
//! and the ring is OCRed only when they leave the body open; the seal's text is then the
//! name they recognised. Measured on fixtures/seals, the seed-11 set and the corpus (258
//! seals), the shapes alone identified 230 and the OCR added 4, at several times the
//! shapes' cost; no seal the shapes recognised was ever named another body's by its
//! reading.
//!
//! A unit's materials are an open set: any unit may have sent some, named on the form or
//! not (`UNIT_LIST_MISMATCH`), and the shapes can only tell which of the known names fits
//! best, not that the seal is none of them (a genuine seal's own name and another unit's
//! of the same city fit about as well: means 0.40 and 0.45 at the tenth and ninetieth
//! percentiles of the seed-11 set). Their seals are OCRed and their text is the reading.
//! So is the text of a seal on a document that needs none.

use crate::config::{City, Config};
use crate::extract::{Extracted, ExtractedFile};

use super::letters::{self, Alphabet};
use super::read::{self, Identified};
use super::{ReadBy, Seal};

/// Whose seal a document must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    CityBureau,
    Unit,
}

impl Whose {
    /// The seal `file` must carry, by the catalogue item of its kind (with its title).
    pub fn of<'c>(file: &ExtractedFile, config: &'c Config) -> Option<(Whose, &'c str)> {
        let item = config.rules.catalogue.iter().find(|c| c.kind == file.kind.as_str())?;
        match item.stamp.as_str() {
            "city_bureau" => Some((Whose::CityBureau, item.title.as_str())),
            "unit" => Some((Whose::Unit, item.title.as_str())),
            _ => None,
        }
    }
}

/// The bodies whose seals the dossier should carry.
pub struct Bodies<'a> {
    /// The recommending city, when the form names it; else every city is possible.
    pub city: Option<&'a City>,
    pub cities: &'a [City],
    pub units: Vec<String>,
}

impl<'a> Bodies<'a> {
    pub fn of(extracted: &Extracted, config: &'a Config) -> Bodies<'a> {
        let rules = &config.rules;
        let forms = [extracted.form_editable.as_ref(), extracted.form_scanned.as_ref()];
        let city = forms
            .iter()
            .flatten()
            .flat_map(|f| [f.applicant.as_ref(), f.brand_name.as_ref()])
            .flatten()
            .find_map(|field| rules.city_named_in(&field.text));
        let mut units: Vec<String> = Vec::new();
        for form in forms.iter().flatten() {
            for unit in &form.units {
                if !units.contains(&unit.text) {
                    units.push(unit.text.clone());
                }
            }
        }
        Bodies { city, cities: &rules.cities, units }
    }

    /// The closed set: whoever stamped is one of the bureaus or one of the form's units.
    pub fn candidates(&self) -> Vec<&str> {
        self.cities.iter().map(|c| c.issuer.as_str()).chain(self.units.iter().map(String::as_str)).collect()
    }

    /// The bodies any of which may stamp a document that needs `whose` seal (empty for a
    /// unit's document when the form names no unit: nobody to judge against).
    pub fn wanted(&self, whose: Whose) -> Vec<&str> {
        match (whose, self.city) {
            (Whose::CityBureau, Some(city)) => vec![city.issuer.as_str()],
            (Whose::CityBureau, None) => self.cities.iter().map(|c| c.issuer.as_str()).collect(),
            (Whose::Unit, _) => self.units.iter().map(String::as_str).collect(),
        }
    }

    fn bureau_label(&self) -> String {
        match self.city {
            Some(city) => city.issuer.clone(),
            None => "市人力资源和社会保障局".to_string(),
        }
    }

    /// The seal a reviewer expects, in words (`沈阳市人力资源和社会保障局公章`).
    pub fn label(&self, whose: Whose) -> String {
        match whose {
            Whose::CityBureau => format!("{}公章", self.bureau_label()),
            Whose::Unit if self.units.is_empty() => "依托单位公章".to_string(),
            Whose::Unit => format!("依托单位公章（{}）", self.units.join("、")),
        }
    }
}

/// Judges every seal of the dossier (see the module's documentation): fills each seal's
/// `verdicts`, and its `text` with the name its letters were recognised as or else with
/// its OCR reading.
pub fn attribute(extracted: &mut Extracted, config: &Config) {
    let _span = tracing::debug_span!("seal_issuers").entered();
    let bodies = Bodies::of(extracted, config);
    let candidates = bodies.candidates();
    let rules = read::Rules::of(&config.settings.seals);
    let alphabet = Alphabet::shared(&config.settings.seals.letter_faces);
    // The bodies per file first: the files are then borrowed mutably.
    let wanted: Vec<Option<(Whose, Vec<&str>)>> = extracted.files.iter().map(|file| Whose::of(file, config).map(|(whose, _)| (whose, bodies.wanted(whose)))).collect();
    for (file, wanted) in extracted.files.iter_mut().zip(&wanted) {
        for seal in file.pages.iter_mut().flat_map(|p| p.seals.iter_mut()) {
            match wanted {
                Some((whose, wanted)) if !wanted.is_empty() => identify(seal, *whose, wanted, &candidates, &rules, alphabet),
                _ => seal.read_ring(),
            }
        }
    }
}

/// Judges one seal on a document that needs `whose` seal against each of `wanted` (see
/// the module's documentation) and keeps the verdicts on the seal.
pub fn identify(seal: &mut Seal, whose: Whose, wanted: &[&str], candidates: &[&str], rules: &read::Rules, alphabet: Option<&Alphabet>) {
    // Whoever stamped a bureau's document is one of `candidates`: a name the shapes
    // recognise is the seal's text, and the ring need not be read.
    let closed = whose == Whose::CityBureau;
    if !closed {
        seal.read_ring();
    }
    let mut letters = alphabet.zip(seal.strip.as_ref()).map(|(alphabet, strip)| (alphabet, letters::Letters::new(strip)));
    let margins: Vec<Option<Vec<(&str, f64)>>> = wanted.iter().map(|w| letters.as_mut().map(|(alphabet, strip)| letters::margins(strip, alphabet, w, candidates))).collect();
    let judge = |readings: &[String]| -> Vec<(String, Identified)> {
        wanted.iter().zip(&margins).map(|(w, m)| (w.to_string(), read::identify(readings, w, candidates, rules, m.as_deref()))).collect()
    };
    let first = judge(&seal.readings);
    let recognised = first.iter().find(|(_, v)| *v == Identified::Expected).map(|(name, _)| name.clone());
    match recognised {
        Some(name) if closed && seal.readings.is_empty() => {
            seal.text = Some(name);
            seal.read_by = Some(ReadBy::LetterShapes);
            seal.verdicts = first;
        }
        None if closed => {
            seal.read_ring();
            seal.verdicts = judge(&seal.readings);
        }
        _ => seal.verdicts = first,
    }
}

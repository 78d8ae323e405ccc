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
//! seals), the shapes alone identified 233 and the OCR added 1, at several times the
//! shapes' cost; no seal the shapes recognised was ever named another body's by its
//! reading. The candidates are not everyone, though: another body's seal on the report
//! would pass for the closest name, usually the bureau's. So the shapes recognise a bureau
//! only where the seal also shows the bureau's own letters rather than the letters other
//! bodies' names are made of ([`letters::Letters::shows_own_letters`]).
//!
//! A unit's materials are an open set: any unit may have sent some, named on the form or
//! not (`UNIT_LIST_MISMATCH`), and the shapes can only tell which of the known names fits
//! best, not that the seal is none of them (a genuine seal's own name and another unit's
//! of the same city fit about as well: means 0.40 and 0.45 at the tenth and ninetieth
//! percentiles of the seed-11 set). So a unit's seal is named by its shapes only when the
//! document itself (its path or its title) names the same unit; otherwise its ring is
//! OCRed and its text is the reading (defect-10: an unlisted unit's seal, whose letters
//! fit the listed unit of its city better than any bureau's, is told apart by its reading
//! and its folder). A seal on a document that needs none is OCRed.

use crate::config::{City, Config, SealSettings};
use crate::domain::names::{normalize, place_prefix_len, title, UnitName};
use crate::extract::{Extracted, ExtractedFile};

use super::letters::{self, Alphabet};
use super::read::{self, Identified};
use super::{IssuerCheck, ReadBy, Seal};

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
    let units: Vec<(&str, UnitName)> = bodies.units.iter().map(|u| (u.as_str(), UnitName::new(u, &config.rules))).collect();
    let min_share = config.settings.tolerances.unit_match_min_similarity;
    // Per file, before the files are borrowed mutably: the bodies that may stamp it, and
    // who else may have.
    let judged: Vec<Option<(Vec<&str>, Stampers)>> = extracted
        .files
        .iter()
        .map(|file| match Whose::of(file, config)? {
            (Whose::CityBureau, _) => Some((bodies.wanted(Whose::CityBureau), Stampers::Known)),
            (Whose::Unit, _) => {
                let (path, head) = (normalize(&file.path), file.pages.first().map(|p| normalize(title(&p.text))).unwrap_or_default());
                let named = units.iter().filter(|(_, key)| key.found_in(&path, min_share) || key.found_in(&head, min_share)).map(|(u, _)| u.to_string()).collect();
                Some((bodies.wanted(Whose::Unit), Stampers::Open { named }))
            }
        })
        .collect();
    for (file, judged) in extracted.files.iter_mut().zip(&judged) {
        let checked = judged.as_ref().is_some_and(|(wanted, _)| !wanted.is_empty());
        for seal in file.pages.iter_mut().flat_map(|p| p.seals.iter_mut()) {
            let _seal = tracing::debug_span!("seal", path = %file.path, page = seal.page, checked).entered();
            match judged {
                Some((wanted, stampers)) if !wanted.is_empty() => {
                    identify(seal, wanted, &candidates, stampers, &rules, alphabet);
                    seal.issuer_check = Some(issuer_check(seal, wanted, &config.settings.seals));
                }
                _ => seal.read_ring(),
            }
        }
    }
}

/// Whether a judged seal is a wanted body's, another body's, or cannot be told.
fn issuer_check(seal: &Seal, wanted: &[&str], settings: &SealSettings) -> IssuerCheck {
    if seal.verdicts.iter().any(|(_, v)| *v == Identified::Expected) {
        IssuerCheck::Confirmed
    } else if accusation(seal, wanted, settings).is_some() {
        IssuerCheck::OtherBody
    } else {
        IssuerCheck::Unconfirmed
    }
}

/// Why a seal no wanted body's verdict recognised is another body's.
pub struct Accusation {
    /// What was read (the reading that names the other body).
    pub text: String,
    /// The known body it names and on what evidence, when it is one (a confident reading
    /// of an unknown name has none).
    pub other: Option<(String, read::Basis)>,
}

/// The case that `seal` is another body's than every one of `wanted`: every wanted
/// body's verdict names the same outsider, or its reading is confident, long and unlike
/// every wanted name. None for a seal recognised as a wanted body's, or one too worn to
/// tell.
pub fn accusation(seal: &Seal, wanted: &[&str], settings: &SealSettings) -> Option<Accusation> {
    let verdicts = &seal.verdicts;
    if verdicts.is_empty() || verdicts.iter().any(|(_, v)| *v == Identified::Expected) {
        return None;
    }
    let readings = &seal.readings;
    let others: Vec<(&str, read::Basis)> = verdicts
        .iter()
        .filter_map(|(_, v)| match v {
            Identified::Other(o, basis) if !wanted.contains(&o.as_str()) => Some((o.as_str(), *basis)),
            _ => None,
        })
        .collect();
    if others.len() == verdicts.len() && others.windows(2).all(|w| w[0].0 == w[1].0) {
        if let Some(&(other, _)) = others.first() {
            // Shapes alone only when no wanted body was named on a reading.
            let basis = if others.iter().any(|(_, b)| *b == read::Basis::Reading) { read::Basis::Reading } else { read::Basis::Shape };
            let text = match basis {
                read::Basis::Reading => readings.iter().max_by_key(|r| wanted.iter().map(|w| read::distinct_hits(std::slice::from_ref(*r), other, w)).min().unwrap_or(0)).cloned().unwrap_or_default(),
                read::Basis::Shape => seal.text.clone().unwrap_or_default(),
            };
            return Some(Accusation { text, other: Some((other.to_string(), basis)) });
        }
    }
    // A confident reading that names none of the wanted bodies (an unknown body's seal
    // read cleanly). Worn ink reads as confident-looking garbage only rarely, and then
    // short: both the length and the confidence must hold.
    let text = seal.text.clone().unwrap_or_default();
    let score = wanted.iter().map(|w| readings.iter().map(|r| read::issuer_score(r, w)).fold(0.0, f64::max)).fold(0.0, f64::max);
    (text.chars().count() >= settings.min_read_letters && seal.text_confidence >= settings.min_read_confidence && score < settings.issuer_mismatch).then_some(Accusation { text, other: None })
}

/// Who may have stamped a document, besides the candidates of the closed set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stampers {
    /// A bureau's document: stamped by a bureau or a unit of the form, or it carries another
    /// body's seal, which must not pass for the closest of them
    /// ([`letters::Letters::shows_own_letters`]).
    Known,
    /// Any unit, listed or not (a unit's materials); `named` are the listed units the
    /// document itself names (path or title), whose seal the shapes may name it by.
    Open { named: Vec<String> },
}

impl Stampers {
    /// Whether a seal the shapes recognise as `name`'s may be named so without its reading.
    fn trust(&self, name: &str) -> bool {
        match self {
            Stampers::Known => true,
            Stampers::Open { named } => named.iter().any(|n| n == name),
        }
    }
}

/// Judges one seal against each of `wanted`, the bodies that may stamp its document (see
/// the module's documentation), and keeps the verdicts on the seal.
pub fn identify(seal: &mut Seal, wanted: &[&str], candidates: &[&str], stampers: &Stampers, rules: &read::Rules, alphabet: Option<&Alphabet>) {
    let mut letters = alphabet.zip(seal.strip.as_ref()).map(|(alphabet, strip)| (alphabet, letters::Letters::new(strip)));
    let margins: Vec<Option<Vec<(&str, f64)>>> = wanted
        .iter()
        .map(|w| {
            let (alphabet, strip) = letters.as_mut()?;
            let margins = letters::margins(strip, alphabet, w, candidates);
            let favoured = read::shapes_recognise(w, candidates, rules, &margins);
            // Not on units' documents: units' names are made of the background letters
            // (the seed-11 set's genuine unit seals lost 12 identifications to the test).
            (!favoured || *stampers != Stampers::Known || shows_own_letters(strip, alphabet, w, rules)).then_some(margins)
        })
        .collect();
    let judge = |readings: &[String]| -> Vec<(String, Identified)> {
        wanted.iter().zip(&margins).map(|(w, m)| (w.to_string(), read::identify(readings, w, candidates, rules, m.as_deref()))).collect()
    };
    // Readings a seal already has (given, in tests) are judged with its shapes as they are.
    let first = judge(&seal.readings);
    let recognised = first.iter().find(|(_, v)| *v == Identified::Expected).map(|(name, _)| name.clone());
    match recognised {
        Some(name) if seal.readings.is_empty() && stampers.trust(&name) => {
            seal.text = Some(name);
            seal.read_by = Some(ReadBy::LetterShapes);
            seal.verdicts = first;
        }
        Some(_) if !seal.readings.is_empty() => seal.verdicts = first,
        _ => {
            seal.read_ring();
            seal.verdicts = judge(&seal.readings);
        }
    }
}

/// Whether the seal's strip shows `name`'s own letters rather than only what any body's
/// name is made of. The shapes pick the closest of the names they know: without this, a
/// body outside them passes for the closest (measured on the seed-11 set: 17 of 39 unit
/// seals judged on their bureau's report, the unit unlisted, were taken for the bureau's).
pub fn shows_own_letters(strip: &mut letters::Letters, alphabet: &Alphabet, name: &str, rules: &read::Rules) -> bool {
    strip.shows_own_letters(name, place_prefix_len(name), &rules.background, alphabet, rules.own_letters_share)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::extract::{FormVersion, Page, TextSource};
    use crate::intake::{DocKind, Format};
    use crate::seals::letters::testing::{serif, strip};

    const TIELING: &str = "铁岭市人力资源和社会保障局";
    const UNIT: &str = "本溪市钢城技工学校";
    const OUTSIDERS: [&str; 4] = ["铁岭市家庭服务业协会培训中心", "铁岭市母婴护理职业培训学校", "铁岭市农业机械化职业培训学校", "铁岭市社会保险事业服务中心"];

    /// A seal whose ring is `name` drawn in a seal face and cannot be OCRed (no ring to
    /// unwrap): whatever text it gets, it got from its shapes.
    fn seal_of(name: &str) -> Seal {
        Seal {
            page: 1,
            bbox: [800, 1300, 250, 250],
            confidence: 0.95,
            text: None,
            read_by: None,
            text_confidence: 0.0,
            readings: Vec::new(),
            verdicts: Vec::new(),
            issuer_check: None,
            ring: None,
            strip: Some(strip(name, &serif(), 1)),
            crop_png: Vec::new(),
            signature: Vec::new(),
            centre: [925.0, 1425.0],
            radii: [125.0, 125.0],
        }
    }

    fn judge(name: &str, wanted: &str, stampers: &Stampers) -> Seal {
        let config = Config::builtin().expect("built-in config");
        judge_by(name, wanted, stampers, &read::Rules::of(&config.settings.seals))
    }

    fn judge_by(name: &str, wanted: &str, stampers: &Stampers, rules: &read::Rules) -> Seal {
        let config = Config::builtin().expect("built-in config");
        let mut candidates: Vec<&str> = config.rules.cities.iter().map(|c| c.issuer.as_str()).collect();
        candidates.push(UNIT);
        let alphabet = Alphabet::shared(&config.settings.seals.letter_faces).expect("the letter faces load");
        let mut seal = seal_of(name);
        identify(&mut seal, &[wanted], &candidates, stampers, rules, Some(alphabet));
        seal
    }

    #[test]
    fn a_bureaus_seal_its_shapes_recognise_is_named_by_them() {
        let seal = judge(TIELING, TIELING, &Stampers::Known);
        assert_eq!(seal.verdicts, vec![(TIELING.to_string(), Identified::Expected)]);
        assert_eq!((seal.text.as_deref(), seal.read_by), (Some(TIELING), Some(ReadBy::LetterShapes)));
    }

    #[test]
    fn a_seal_its_shapes_do_not_recognise_is_left_to_its_reading() {
        let seal = judge(UNIT, TIELING, &Stampers::Known);
        assert_ne!(seal.verdicts[0].1, Identified::Expected);
        assert_eq!(seal.text, None, "no reading: nothing to show");
    }

    /// A seal of a body outside the candidates (Tieling bodies the form does not list, one
    /// of them sharing 社会保 with the bureau) on the bureau's report: the shapes alone take it for the bureau's, the closest name they
    /// know; its own letters are not the bureau's, so it is not.
    #[test]
    fn a_seal_of_a_body_outside_the_candidates_is_not_taken_for_the_bureaus() {
        let config = Config::builtin().expect("built-in config");
        let rules = read::Rules::of(&config.settings.seals);
        for outsider in OUTSIDERS {
            let without_check = judge_by(outsider, TIELING, &Stampers::Known, &read::Rules { own_letters_share: 0.0, ..rules.clone() });
            assert_eq!(without_check.verdicts[0].1, Identified::Expected, "{outsider}: the shapes alone pick the closest name they know");
            let seal = judge_by(outsider, TIELING, &Stampers::Known, &rules);
            assert_ne!(seal.verdicts[0].1, Identified::Expected, "{outsider}");
            assert_eq!((seal.text, seal.read_by), (None, None), "{outsider}: nothing read, nothing named");
        }
        // The bureau's own seal still is.
        assert_eq!(judge_by(TIELING, TIELING, &Stampers::Known, &rules).read_by, Some(ReadBy::LetterShapes));
    }

    /// Any unit may send materials: its seal is named by shape only when the document
    /// names the unit too.
    #[test]
    fn a_units_seal_is_named_by_shape_only_where_its_document_names_the_unit() {
        let unnamed = judge(UNIT, UNIT, &Stampers::Open { named: Vec::new() });
        assert_eq!(unnamed.verdicts[0].1, Identified::Expected);
        assert_eq!((unnamed.text, unnamed.read_by), (None, None));
        let named = judge(UNIT, UNIT, &Stampers::Open { named: vec![UNIT.to_string()] });
        assert_eq!((named.text.as_deref(), named.read_by), (Some(UNIT), Some(ReadBy::LetterShapes)));
    }

    #[test]
    fn attribute_finds_the_units_a_document_names_in_its_folder() {
        let config = Config::builtin().expect("built-in config");
        let mut form = testkit::form(FormVersion::Editable, "申报表.docx", &config);
        form.units = vec![testkit::field(UNIT, "申报表.docx", "B7")];
        let file = |path: &str| {
            let mut file = testkit::file(path, Format::Pdf, DocKind::UnitMaterial);
            file.pages.push(Page { number: 1, text: "培训就业情况报告".into(), source: TextSource::Ocr, confidence: Some(0.9), words: Vec::new(), width: 1654, height: 2339, seals: vec![seal_of(UNIT)] });
            file
        };
        let mut extracted = Extracted { files: vec![file(&format!("依托单位/{UNIT}/情况报告.pdf")), file("依托单位/本溪市振兴区阳光职业培训学校/情况报告.pdf")], form_editable: Some(form), ..Extracted::default() };
        attribute(&mut extracted, &config);
        let texts: Vec<Option<&str>> = extracted.files.iter().map(|f| f.pages[0].seals[0].text.as_deref()).collect();
        assert_eq!(texts, vec![Some(UNIT), None], "the unlisted unit's folder names no listed unit: its seal is left to its reading");
    }
}

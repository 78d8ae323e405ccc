//! Seal detection, reading and copy finding on the synthetic scans of `fixtures/seals/`
//! (drawn by `tools/seal_fixtures/make_fixtures.py`; truth in `fixtures/seals/truth.json`).
//!
//! `measure` prints the quality figures recorded in BENCHMARKS.md. Point it at a bigger
//! generated set with `SEAL_FIXTURES=/tmp/seals-extra` (see the script's `--extra`).
//! Run with `OMP_THREAD_LIMIT=1` (Tesseract is 3–4x faster single-threaded here).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use dossier_verify::domain::names::{normalize, UnitName};
use dossier_verify::seals::{self, copies, letters, read, whose, ReadBy, Seal};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Truth {
    files: BTreeMap<String, TruthFile>,
}

#[derive(Debug, Deserialize)]
struct TruthFile {
    seals: Vec<TruthSeal>,
    #[allow(dead_code)]
    note: String,
}

#[derive(Debug, Deserialize)]
struct TruthSeal {
    bbox: [u32; 4],
    issuer: String,
    stamp: String,
    impression: String,
}

fn dir() -> PathBuf {
    std::env::var_os("SEAL_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seals"))
}

fn truth() -> Truth {
    let text = std::fs::read_to_string(dir().join("truth.json")).expect("fixtures/seals/truth.json");
    serde_json::from_str(&text).expect("truth.json parses")
}

/// Every fixture page run through `seals::detect` once, shared by the tests.
fn detected() -> &'static BTreeMap<String, Vec<Seal>> {
    static CELL: OnceLock<BTreeMap<String, Vec<Seal>>> = OnceLock::new();
    CELL.get_or_init(|| {
        let truth = truth();
        let names: Vec<&String> = truth.files.keys().collect();
        // Two threads: the machine is shared, and each keeps its own Tesseract.
        let half = names.len().div_ceil(2);
        std::thread::scope(|scope| {
            let handles: Vec<_> = names
                .chunks(half.max(1))
                .map(|chunk| {
                    scope.spawn(move || {
                        chunk
                            .iter()
                            .map(|name| {
                                let image = image::open(dir().join(name)).expect("fixture decodes").to_rgb8();
                                ((*name).clone(), seals::detect(1, &image))
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().expect("detection thread")).collect()
        })
    })
}

fn iou(a: [u32; 4], b: [u32; 4]) -> f64 {
    let (ax1, ay1, bx1, by1) = (a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]);
    let ix = (ax1.min(bx1) as f64 - a[0].max(b[0]) as f64).max(0.0);
    let iy = (ay1.min(by1) as f64 - a[1].max(b[1]) as f64).max(0.0);
    let inter = ix * iy;
    inter / ((a[2] * a[3]) as f64 + (b[2] * b[3]) as f64 - inter)
}

/// The detected seal matching a true one (IoU ≥ 0.6), if any.
fn matched<'a>(found: &'a [Seal], truth: &TruthSeal) -> Option<&'a Seal> {
    found.iter().filter(|s| iou(s.bbox, truth.bbox) >= 0.6).max_by(|a, b| iou(a.bbox, truth.bbox).total_cmp(&iou(b.bbox, truth.bbox)))
}

/// Issuer considered read when its fuzzy score reaches this (the check's `issuer_match`).
const READ_OK: f64 = 0.6;
/// Copy threshold under test (the check's `duplicate_similarity` in config/default.toml).
fn copy_threshold() -> f64 {
    let config = dossier_verify::config::Config::builtin().expect("built-in config");
    config.settings.seals.duplicate_similarity
}

struct Measures {
    seals: usize,
    found: usize,
    seal_free_pages: usize,
    false_pages: usize,
    false_seals: usize,
    /// Seals identified as their body (closed-set, `seals::read::identify`).
    read_ok: usize,
    /// Seals identified by the ring's reading alone, and by the letters' shapes alone
    /// (what each side contributes: a change to one is judged by its own count).
    by_reading: usize,
    by_shapes: usize,
    /// Seals whose ring the product OCRs (the shapes left them open, or a unit's seal no
    /// document names): the time the OCR costs.
    ocr_read: usize,
    planted_copy_pairs: usize,
    copies_found: usize,
    genuine_pairs: usize,
    genuine_flagged: usize,
    max_genuine: f64,
    min_copy: f64,
    worst_iou: f64,
    /// Genuine seals the check would call another body's (closed-set or confident reading).
    confident_misreads: usize,
    /// Unit seals judged as if on their city bureau's report by a form that does not list
    /// the unit (a body outside the candidates), how many were taken for the bureau's
    /// seal, and how many the shapes named the bureau's.
    outsiders: usize,
    outsiders_taken: usize,
    outsiders_named: usize,
    /// Unit seals judged as if on the materials of another unit the form lists (its folder
    /// named for that unit), the stamping unit unlisted, and how many were taken for the
    /// listed unit's seal.
    swapped_units: usize,
    swapped_units_taken: usize,
}

fn measure() -> Measures {
    let truth = truth();
    let found = detected();
    let mut m = Measures {
        seals: 0,
        found: 0,
        seal_free_pages: 0,
        false_pages: 0,
        false_seals: 0,
        read_ok: 0,
        by_reading: 0,
        by_shapes: 0,
        ocr_read: 0,
        planted_copy_pairs: 0,
        copies_found: 0,
        genuine_pairs: 0,
        genuine_flagged: 0,
        max_genuine: f64::MIN,
        min_copy: f64::MAX,
        worst_iou: 1.0,
        confident_misreads: 0,
        outsiders: 0,
        outsiders_taken: 0,
        outsiders_named: 0,
        swapped_units: 0,
        swapped_units_taken: 0,
    };
    let config = dossier_verify::config::Config::builtin().expect("built-in config");
    let settings = &config.settings.seals;
    let rules = read::Rules::of(settings);
    let mut units: Vec<&str> = truth.files.values().flat_map(|f| f.seals.iter().map(|s| s.issuer.as_str())).filter(|i| !config.rules.cities.iter().any(|c| c.issuer == *i)).collect();
    units.sort();
    units.dedup();
    // (file, stamp, impression, seal) of every true seal that was found.
    let mut pairs_pool: Vec<(&str, &str, &str, &Seal)> = Vec::new();
    for (name, file) in &truth.files {
        let seals = &found[name];
        if file.seals.is_empty() {
            m.seal_free_pages += 1;
            if !seals.is_empty() {
                m.false_pages += 1;
                eprintln!("false seal on {name}: {:?}", seals.iter().map(|s| (s.bbox, s.confidence)).collect::<Vec<_>>());
            }
        }
        for t in &file.seals {
            m.seals += 1;
            match matched(seals, t) {
                Some(s) => {
                    m.found += 1;
                    m.worst_iou = m.worst_iou.min(iou(s.bbox, t.bbox));
                    // The check's closed set: the bureaus, the seal's own body when it is a
                    // unit (the form names it) and a few other units of the set.
                    let candidates = candidates(&config, &t.issuer, &units);
                    let margins = shape_margins(s, &t.issuer, &candidates, settings);
                    let worst = margins.iter().min_by(|a, b| a.1.total_cmp(&b.1));
                    eprintln!("{name}: shapes for {} against {:?}", t.issuer, worst);
                    m.by_reading += usize::from(read::identify(&read_ring(s).readings, &t.issuer, &candidates, &rules, None) == read::Identified::Expected);
                    m.by_shapes += usize::from(read::identify(&[], &t.issuer, &candidates, &rules, Some(&margins)) == read::Identified::Expected);
                    let j = judged(s, &t.issuer, &candidates, &[], &config);
                    m.ocr_read += usize::from(j.read_by != Some(ReadBy::LetterShapes));
                    let text = j.text.clone().unwrap_or_default();
                    let score = j.readings.iter().map(|r| read::issuer_score(r, &t.issuer)).fold(0.0, f64::max);
                    match verdict(&j) {
                        read::Identified::Expected => m.read_ok += 1,
                        read::Identified::Other(other, _) => {
                            m.confident_misreads += 1;
                            eprintln!("{name}: FALSE ACCUSATION: {:?} named {other}", j.readings);
                        }
                        read::Identified::Unsure => {}
                    }
                    // The confident-reading rule of the check, for readings naming no known body.
                    let sure = text.chars().count() >= settings.min_read_letters && j.text_confidence >= settings.min_read_confidence;
                    if sure && score < settings.issuer_mismatch {
                        m.confident_misreads += 1;
                        eprintln!("{name}: CONFIDENT MISREAD “{text}” ({:.2})", j.text_confidence);
                    }
                    eprintln!("{name}: found {:?} conf {:.2}, read “{text}” ({:.2}) of {:?}, score {score:.2}", s.bbox, s.confidence, j.text_confidence, j.readings);
                    if let Some(bureau) = config.rules.cities.iter().find(|c| t.issuer.starts_with(c.name.as_str()) && c.issuer != t.issuer).map(|c| c.issuer.as_str()) {
                        let outside: Vec<&str> = self::candidates(&config, bureau, &units).into_iter().filter(|c| *c != t.issuer).collect();
                        let on_report = judged(s, bureau, &outside, &[], &config);
                        m.outsiders += 1;
                        if verdict(&on_report) == read::Identified::Expected {
                            m.outsiders_taken += 1;
                            eprintln!("{name}: OUTSIDER {} taken for {bureau}'s seal", t.issuer);
                        }
                        if on_report.read_by == Some(ReadBy::LetterShapes) {
                            m.outsiders_named += 1;
                            eprintln!("{name}: OUTSIDER {} named {bureau} by its shapes", t.issuer);
                        }
                    }
                    if !config.rules.cities.iter().any(|c| c.issuer == t.issuer) {
                        for listed in units.iter().copied().filter(|u| *u != t.issuer) {
                            let others: Vec<&str> = self::candidates(&config, listed, &units).into_iter().filter(|c| *c != t.issuer).collect();
                            let on_materials = judged(s, listed, &others, &[listed.to_string()], &config);
                            m.swapped_units += 1;
                            if verdict(&on_materials) == read::Identified::Expected {
                                m.swapped_units_taken += 1;
                                eprintln!("{name}: SWAPPED {} taken for {listed}'s seal ({:?})", t.issuer, on_materials.read_by);
                            }
                        }
                    }
                    pairs_pool.push((name.as_str(), t.stamp.as_str(), t.impression.as_str(), s));
                }
                None => eprintln!("{name}: MISSED seal at {:?}; found {:?}", t.bbox, seals.iter().map(|s| s.bbox).collect::<Vec<_>>()),
            }
        }
        m.false_seals += seals.iter().filter(|s| !file.seals.iter().any(|t| iou(s.bbox, t.bbox) >= 0.6)).count();
    }
    let threshold = copy_threshold();
    for i in 0..pairs_pool.len() {
        for j in i + 1..pairs_pool.len() {
            let (fa, sa, ia, a) = pairs_pool[i];
            let (fb, sb, ib, b) = pairs_pool[j];
            let score = copies::similarity(&a.signature, &b.signature);
            if ia == ib {
                m.planted_copy_pairs += 1;
                m.min_copy = m.min_copy.min(score);
                if score >= threshold {
                    m.copies_found += 1;
                }
                eprintln!("copy pair {fa} / {fb}: {score:.3}");
            } else if sa == sb {
                m.genuine_pairs += 1;
                m.max_genuine = m.max_genuine.max(score);
                if score >= threshold {
                    m.genuine_flagged += 1;
                }
                eprintln!("genuine pair {fa} / {fb}: {score:.3}");
            } else if score >= threshold {
                m.genuine_flagged += 1;
                eprintln!("different stamps flagged {fa} / {fb}: {score:.3}");
            }
        }
    }
    m
}

/// The shape evidence for `expected` against the other candidates, as the check computes
/// it: in the faces of config/default.toml (they must load: fonts-noto-cjk,
/// fonts-arphic-uming, fonts-wqy-zenhei), or in those of `SEAL_LETTER_FACES`
/// (`path#index,…`) to measure with faces the fixture generator does not draw seals in.
fn shape_margins<'c>(seal: &Seal, expected: &str, candidates: &[&'c str], settings: &dossier_verify::config::SealSettings) -> Vec<(&'c str, f64)> {
    let strip = seal.strip.as_ref().expect("every detected seal keeps its strip");
    letters::margins(&mut letters::Letters::new(strip), alphabet(settings), expected, candidates)
}

/// The letter faces of the settings, or those of `SEAL_LETTER_FACES`.
fn alphabet(settings: &dossier_verify::config::SealSettings) -> &'static letters::Alphabet {
    let faces: Vec<letters::Face> = match std::env::var("SEAL_LETTER_FACES") {
        Ok(list) => list
            .split(',')
            .map(|f| {
                let (path, index) = f.rsplit_once('#').expect("SEAL_LETTER_FACES: path#index,…");
                letters::Face { path: path.into(), index: index.parse().expect("SEAL_LETTER_FACES: a numeric index") }
            })
            .collect(),
        Err(_) => settings.letter_faces.clone(),
    };
    letters::Alphabet::shared(&faces).expect("the letter faces load (install fonts-noto-cjk, fonts-arphic-uming, fonts-wqy-zenhei)")
}

/// `seal` judged as the product judges it (`seals::whose`) on a document `issuer` must
/// stamp: a bureau's document when `issuer` is a bureau, else a unit's, whose own path or
/// title names the units `named` (the seal fixtures have no document: none).
fn judged(seal: &Seal, issuer: &str, candidates: &[&str], named: &[String], config: &dossier_verify::config::Config) -> Seal {
    let settings = &config.settings.seals;
    let stampers = if config.rules.cities.iter().any(|c| c.issuer == issuer) { whose::Stampers::Known } else { whose::Stampers::Open { named: named.to_vec() } };
    let mut seal = seal.clone();
    whose::identify(&mut seal, &[issuer], candidates, &stampers, &read::Rules::of(settings), Some(alphabet(settings)));
    seal
}

/// The verdict of a seal [`judged`] for one body.
fn verdict(seal: &Seal) -> read::Identified {
    seal.verdicts.first().map(|(_, v)| v.clone()).expect("a judged seal has a verdict")
}

/// `seal` with its ring OCRed, whatever its shapes say (to measure the reading alone).
fn read_ring(seal: &Seal) -> Seal {
    let mut seal = seal.clone();
    seal.read_ring();
    seal
}

/// The closed set a seal of `issuer` is identified in: every bureau, `issuer` and three
/// other units (a form names a unit or a few).
fn candidates<'a>(config: &'a dossier_verify::config::Config, issuer: &'a str, units: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = config.rules.cities.iter().map(|c| c.issuer.as_str()).collect();
    if !out.contains(&issuer) {
        out.push(issuer);
    }
    out.extend(units.iter().copied().filter(|u| *u != issuer).take(3));
    out
}

fn measures() -> &'static Measures {
    static CELL: OnceLock<Measures> = OnceLock::new();
    CELL.get_or_init(measure)
}

#[test]
fn print_quality_figures() {
    let m = measures();
    println!(
        "seals {}: recall {:.1}% | seal-free pages {}: with a false seal {:.1}% (false seals in all {}) | issuer identified {:.1}% (by reading alone {}, by shapes alone {}; genuine seals accused {}; rings OCRed {}) | unlisted units' seals on their bureau's report {}: taken for the bureau's {}, named the bureau's by shape {} | unlisted units' seals on a listed unit's materials {}: taken for the listed unit's {} | planted copy pairs {}: found {} (min score {:.3}) | genuine pairs {}: flagged {} (max score {:.3}) | worst IoU {:.2}",
        m.seals,
        100.0 * m.found as f64 / m.seals.max(1) as f64,
        m.seal_free_pages,
        100.0 * m.false_pages as f64 / m.seal_free_pages.max(1) as f64,
        m.false_seals,
        100.0 * m.read_ok as f64 / m.found.max(1) as f64,
        m.by_reading,
        m.by_shapes,
        m.confident_misreads,
        m.ocr_read,
        m.outsiders,
        m.outsiders_taken,
        m.outsiders_named,
        m.swapped_units,
        m.swapped_units_taken,
        m.planted_copy_pairs,
        m.copies_found,
        m.min_copy,
        m.genuine_pairs,
        m.genuine_flagged,
        m.max_genuine,
        m.worst_iou,
    );
}

#[test]
fn every_seal_is_found_with_its_box() {
    let m = measures();
    assert_eq!(m.found, m.seals, "every planted seal detected (IoU ≥ 0.6 with the truth box)");
}

#[test]
fn no_seal_on_seal_free_pages() {
    let m = measures();
    assert_eq!(m.false_pages, 0, "red titles, logos, table rules and check marks are not seals");
    assert_eq!(m.false_seals, 0, "no extra seal anywhere");
}

/// Ring readings and letter shapes together identify 15 of the 17 seals (see
/// fixtures/seals/README.md): this is a floor against regressions, not the 90% the issue
/// asks for (met on the corpus' 118 seals, `corpus_quality`; these 17 include the
/// hardest cases: a faded and a worn seal, which stay unidentified).
#[test]
fn issuer_read_rate_does_not_regress() {
    let m = measures();
    assert!(m.read_ok * 8 >= m.found * 7, "issuer identified on {} of {} seals (floor: seven eighths)", m.read_ok, m.found);
}

/// A seal of a unit the form does not list, on its city bureau's report, is not taken for
/// the bureau's: the shapes pick the closest name they know, so a recognised bureau seal
/// must also show the bureau's own letters (`[seals] own_letters_share`).
#[test]
fn an_unlisted_units_seal_is_not_taken_for_its_bureaus() {
    let m = measures();
    assert!(m.outsiders >= 2, "the fixtures hold unit seals of cities with a bureau");
    assert_eq!((m.outsiders_taken, m.outsiders_named), (0, 0), "of {} unlisted units' seals", m.outsiders);
}

/// A unit's seal judged on the materials of each other unit of the set, the stamping unit
/// unlisted: the shapes pick the closest name they know, so some pass for the listed
/// unit's (fixtures/seals/README.md, "each place's say"). A floor against regressions on
/// the fixtures' 6 cases: 1 now, 2 before a worn place's likeness was weighed by its ink.
#[test]
fn unlisted_units_seals_rarely_pass_for_a_listed_units() {
    let m = measures();
    assert!(m.swapped_units >= 6, "the fixtures hold three unit seals: {}", m.swapped_units);
    assert!(m.swapped_units_taken <= 1, "{} of {} unlisted units' seals taken for a listed unit's", m.swapped_units_taken, m.swapped_units);
}

/// No genuine seal is called another body's: neither by closed-set identification (two
/// of the other's own letters, none of its own) nor by a confident reading of no known
/// body. A false accusation of falsified material is the worst error of the product.
#[test]
fn no_confident_misreading() {
    assert_eq!(measures().confident_misreads, 0);
}

#[test]
fn copies_are_found_and_genuine_pairs_are_not() {
    let m = measures();
    assert!(m.planted_copy_pairs >= 3, "the fixtures plant three copies of one impression");
    assert_eq!(m.copies_found, m.planted_copy_pairs, "every planted copy pair flagged (min score {:.3})", m.min_copy);
    assert!(m.genuine_pairs >= 3);
    assert_eq!(m.genuine_flagged, 0, "no genuine pair flagged (max score {:.3})", m.max_genuine);
}

/// Clean and lightly worn seals are read well enough to name their body and city.
#[test]
fn clean_seals_name_their_body() {
    for (name, right, wrong) in [
        ("esign_shenyang.png", "沈阳市人力资源和社会保障局", "大连市人力资源和社会保障局"),
        ("seal_body_orange.jpg", "大连市人力资源和社会保障局", "沈阳市人力资源和社会保障局"),
        ("seal_shenfu.jpg", "沈抚示范区党建工作部", "抚顺市人力资源和社会保障局"),
    ] {
        let seals = &detected()[name];
        assert_eq!(seals.len(), 1, "{name}");
        let seal = read_ring(&seals[0]);
        let best = |issuer: &str| seal.readings.iter().map(|r| read::issuer_score(r, issuer)).fold(0.0, f64::max);
        let (r, w) = (best(right), best(wrong));
        assert!(r >= READ_OK && r > w, "{name}: read {:?}: {r:.2} vs {w:.2}", seal.readings);
    }
}

/// The crop the HTML report shows is a PNG of the seal's box.
#[test]
fn crop_is_a_png_of_the_box() {
    let seal = &detected()["seal_body_over_text.jpg"][0];
    assert!(seal.confidence > 0.5 && seal.confidence <= 1.0);
    let crop = image::load_from_memory(&seal.crop_png).expect("crop decodes");
    assert_eq!((crop.width(), crop.height()), (seal.bbox[2], seal.bbox[3]));
}

/// A seal whose letters are hairlines keeps the threshold they showed at, against which its
/// letters are centred and compared by shape (`unwrap::shape_strip`); a crisp seal's is the
/// page's own.
#[test]
fn hairline_letters_are_read_against_their_own_threshold() {
    let ring = |name: &str| detected()[name][0].ring.clone().expect("a detected seal keeps its ring");
    let thin = ring("seal_thin_song.jpg");
    assert!(thin.letters_threshold < 0.5 * thin.threshold, "thin Song seal: letters at {:.1}, page at {:.1}", thin.letters_threshold, thin.threshold);
    let crisp = ring("seal_body_over_text.jpg");
    assert_eq!(crisp.letters_threshold, crisp.threshold);
}

/// Two seals on one page are both found (bureau and unit).
#[test]
fn two_seals_on_one_page() {
    assert_eq!(detected()["seal_two_on_page.jpg"].len(), 2);
}

/// Two bodies' seals pressed side by side or one above the other, touching or one over the
/// other's edge (a joint stamping): both are found where they lie and named; one pressed a
/// quarter over the other's ring, both found and neither taken for another body (its
/// covered letters may leave it unconfirmed). Composed from two fixture seals as ink on ink
/// (the darker of the two at each pixel, channel by channel). Before the second chance
/// (`seals::detect`, `Reach::PRESSED`), touching rings made one region two seals long and
/// neither was found; overlapping ones, or one above the other, only one.
#[test]
fn seals_pressed_against_each_other_are_both_found() {
    let truth = truth();
    let piece = |name: &str| {
        let t = &truth.files[name].seals[0];
        let page = image::open(dir().join(name)).expect("fixture").to_rgb8();
        (image::imageops::crop_imm(&page, t.bbox[0], t.bbox[1], t.bbox[2], t.bbox[3]).to_image(), t.issuer.clone())
    };
    let (left, right) = (piece("seal_body_orange.jpg"), piece("seal_body_magenta.jpg"));
    let config = dossier_verify::config::Config::builtin().expect("built-in config");
    let (w, h) = (i64::from(left.0.width()), i64::from(left.0.height()));
    // The second seal beside the first (touching, 30 and 60 px over its ring), then below it.
    for (gap, (dx, dy)) in [(0, (w, 5)), (-30, (w - 30, 5)), (-60, (w - 60, 5)), (0, (5, h))] {
        let mut page = image::RgbImage::from_pixel(1240, 1754, image::Rgb([250, 250, 248]));
        let places = [((300i64, 800i64), &left), ((300 + dx, 800 + dy), &right)];
        for ((x0, y0), (ink, _)) in places {
            for (x, y, p) in ink.enumerate_pixels() {
                let at = page.get_pixel_mut((x0 + i64::from(x)) as u32, (y0 + i64::from(y)) as u32);
                *at = image::Rgb([at.0[0].min(p.0[0]), at.0[1].min(p.0[1]), at.0[2].min(p.0[2])]);
            }
        }
        let found = seals::detect(1, &page);
        assert_eq!(found.len(), 2, "gap {gap}, second seal at +({dx}, {dy}): {:?}", found.iter().map(|s| s.bbox).collect::<Vec<_>>());
        for ((x0, y0), (ink, issuer)) in places {
            let true_box = [x0 as u32, y0 as u32, ink.width(), ink.height()];
            let seal = found.iter().max_by(|a, b| iou(a.bbox, true_box).total_cmp(&iou(b.bbox, true_box))).expect("two seals");
            assert!(iou(seal.bbox, true_box) >= 0.8, "gap {gap}, second seal at +({dx}, {dy}): {issuer}'s seal at {:?}, truly {true_box:?}", seal.bbox);
            let judged = judged(seal, issuer, &candidates(&config, issuer, &[]), &[], &config);
            if gap >= -30 {
                assert_eq!(verdict(&judged), read::Identified::Expected, "gap {gap}, second seal at +({dx}, {dy}): {issuer}'s seal named: {:?} {:?}", judged.text, judged.verdicts);
            } else {
                assert!(!matches!(verdict(&judged), read::Identified::Other(..)), "gap {gap}, second seal at +({dx}, {dy}): {issuer}'s seal not accused: {:?}", judged.verdicts);
            }
        }
    }
}

// ---------------------------------------------------------------- the dossier corpus

#[derive(Debug, Deserialize)]
struct CorpusManifest {
    images: Vec<CorpusImage>,
    pasted_seal_dossiers: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct CorpusImage {
    dossier: String,
    path: String,
    kind: String,
    /// `None` for a picture embedded in a text PDF.
    page: Option<u32>,
    image: String,
    stamped_by: Option<String>,
    stamp_page: Option<u32>,
}

/// The units the form of a corpus dossier names (its truth file's `application.units`).
fn dossier_units(dossier: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus").join(format!("{dossier}.truth.json"));
    let truth: serde_json::Value = std::fs::read_to_string(path).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
    truth["application"]["units"].as_array().into_iter().flatten().filter_map(|u| u.as_str().map(str::to_string)).collect()
}

/// Seal quality on the dossier corpus' page images. Needs the pages rendered first
/// (`tools/seal_fixtures/corpus_pages.py`), so it is a measurement run on demand:
/// `SEAL_CORPUS_PAGES=/tmp/corpus-pages cargo test --test seals -- --ignored corpus_quality --nocapture`
#[test]
#[ignore = "measurement: needs SEAL_CORPUS_PAGES from tools/seal_fixtures/corpus_pages.py"]
fn corpus_quality() {
    let dir = PathBuf::from(std::env::var_os("SEAL_CORPUS_PAGES").expect("SEAL_CORPUS_PAGES must name the rendered corpus pages"));
    let manifest: CorpusManifest = serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).expect("manifest.json")).expect("manifest parses");
    let images = &manifest.images;
    let half = images.len().div_ceil(2);
    let detected: Vec<(usize, Vec<Seal>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..images.len())
            .collect::<Vec<_>>()
            .chunks(half.max(1))
            .map(|chunk| {
                let chunk = chunk.to_vec();
                scope.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|i| {
                            let image = image::open(&images[i].image).expect("page decodes").to_rgb8();
                            let start = std::time::Instant::now();
                            let seals = seals::detect(images[i].page.unwrap_or(1), &image);
                            eprintln!("{} {} p{:?}: {} seal(s) in {:?}", images[i].dossier, images[i].path, images[i].page, seals.len(), start.elapsed());
                            (i, seals)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("thread")).collect()
    });
    let seals_of = |i: usize| &detected.iter().find(|(k, _)| *k == i).expect("detected").1;
    let config = dossier_verify::config::Config::builtin().expect("built-in config");
    let settings = &config.settings.seals;
    let rules = read::Rules::of(settings);

    // Files: (dossier, path) → indices of its images.
    let mut files: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, img) in images.iter().enumerate() {
        files.entry((img.dossier.clone(), img.path.clone())).or_default().push(i);
    }
    let (mut stamped, mut found, mut read_ok, mut misreads) = (0, 0, 0, 0);
    let (mut by_reading, mut by_shapes, mut ocr_read) = (0, 0, 0);
    let (mut wrong_seals, mut wrong_named) = (0, 0);
    let (mut clean_pages, mut false_pages) = (0, 0);
    for ((dossier, path), idx) in &files {
        let first = &images[idx[0]];
        match &first.stamped_by {
            Some(issuer) => {
                stamped += 1;
                let on_stamp_page: Vec<&Seal> = idx
                    .iter()
                    .filter(|&&i| images[i].page.is_none() || first.stamp_page.is_none() || images[i].page == first.stamp_page)
                    .flat_map(|&i| seals_of(i).iter())
                    .collect();
                if on_stamp_page.is_empty() {
                    eprintln!("MISSED {dossier} {path} p{:?}", first.stamp_page);
                    continue;
                }
                found += 1;
                // The check's closed set: every bureau and the units the dossier's form names.
                let units = dossier_units(dossier);
                let mut candidates: Vec<&str> = config.rules.cities.iter().map(|c| c.issuer.as_str()).chain(units.iter().map(String::as_str)).collect();
                if !candidates.contains(&issuer.as_str()) {
                    candidates.push(issuer);
                }
                let margins: Vec<Vec<(&str, f64)>> = on_stamp_page.iter().map(|s| shape_margins(s, issuer, &candidates, settings)).collect();
                by_reading += usize::from(on_stamp_page.iter().any(|s| read::identify(&read_ring(s).readings, issuer, &candidates, &rules, None) == read::Identified::Expected));
                by_shapes += usize::from(margins.iter().any(|m| read::identify(&[], issuer, &candidates, &rules, Some(m)) == read::Identified::Expected));
                // The units the document's path names (its title is not at hand here: fewer
                // seals are named by shapes than in the product).
                let path_names: Vec<String> = units.iter().filter(|u| UnitName::new(u, &config.rules).found_in(&normalize(path), config.settings.tolerances.unit_match_min_similarity)).cloned().collect();
                let on_stamp_page: Vec<Seal> = on_stamp_page.iter().map(|s| judged(s, issuer, &candidates, &path_names, &config)).collect();
                ocr_read += on_stamp_page.iter().filter(|s| s.read_by != Some(ReadBy::LetterShapes)).count();
                let verdicts: Vec<read::Identified> = on_stamp_page.iter().map(verdict).collect();
                if verdicts.contains(&read::Identified::Expected) {
                    read_ok += 1;
                } else {
                    for (s, m) in on_stamp_page.iter().zip(&margins) {
                        let mut m = m.clone();
                        m.sort_by(|a, b| a.1.total_cmp(&b.1));
                        eprintln!("UNSURE {dossier} {path} {issuer}: {:?} {:?} {:?}", s.readings, &m[..m.len().min(3)], s.bbox);
                    }
                }
                for (s, v) in on_stamp_page.iter().zip(&verdicts) {
                    if let read::Identified::Other(other, _) = v {
                        misreads += 1;
                        eprintln!("FALSE ACCUSATION {dossier} {path}: {:?} named {other} for {issuer}", s.readings);
                    }
                }
                // A planted wrong seal: the report or the scanned form stamped by another
                // body than the bureau that stamps the other of the two.
                if matches!(first.kind.as_str(), "recommendation_report" | "application_form") {
                    let bureau = images.iter().filter(|i| i.dossier == *dossier && matches!(i.kind.as_str(), "recommendation_report" | "application_form")).filter_map(|i| i.stamped_by.as_deref()).find(|b| config.rules.cities.iter().any(|c| c.issuer == *b));
                    if let Some(bureau) = bureau.filter(|b| *b != issuer) {
                        wrong_seals += 1;
                        let named = on_stamp_page.iter().any(|s| matches!(verdict(&judged(s, bureau, &candidates, &[], &config)), read::Identified::Other(..)));
                        if named {
                            wrong_named += 1;
                        }
                        eprintln!("WRONG SEAL {dossier} {path}: {issuer} instead of {bureau}: named {named}");
                    }
                }
                for s in &on_stamp_page {
                    let text = s.text.clone().unwrap_or_default();
                    let own = s.readings.iter().map(|r| read::issuer_score(r, issuer)).fold(0.0, f64::max);
                    if text.chars().count() >= settings.min_read_letters && s.text_confidence >= settings.min_read_confidence && own < settings.issuer_mismatch {
                        misreads += 1;
                        eprintln!("CONFIDENT MISREAD {dossier} {path}: “{text}” for {issuer}");
                    }
                }
                let best = on_stamp_page.iter().flat_map(|s| s.readings.iter()).map(|r| read::issuer_score(r, issuer)).fold(0.0, f64::max);
                eprintln!("{dossier} {path}: read {:?} for {issuer}: {best:.2}", on_stamp_page.iter().map(|s| (s.text.clone(), s.read_by)).collect::<Vec<_>>());
                for &i in idx {
                    if images[i].page.is_some() && first.stamp_page.is_some() && images[i].page != first.stamp_page && first.kind != "other_evidence" {
                        clean_pages += 1;
                        if !seals_of(i).is_empty() {
                            false_pages += 1;
                            eprintln!("FALSE SEAL {dossier} {path} p{:?}", images[i].page);
                        }
                    }
                }
            }
            None if first.kind != "other_evidence" => {
                for &i in idx {
                    clean_pages += 1;
                    if !seals_of(i).is_empty() {
                        false_pages += 1;
                        eprintln!("FALSE SEAL {dossier} {path} p{:?}", images[i].page);
                    }
                }
            }
            None => {}
        }
    }
    // Copies, per dossier.
    let threshold = settings.duplicate_similarity;
    let mut dossiers: BTreeMap<&str, Vec<(&str, &Seal)>> = BTreeMap::new();
    for (i, seals) in &detected {
        for s in seals {
            dossiers.entry(images[*i].dossier.as_str()).or_default().push((images[*i].path.as_str(), s));
        }
    }
    let (mut planted_found, mut false_copy_dossiers, mut max_other) = (0, 0, f64::MIN);
    for (dossier, seals) in &dossiers {
        let mut flagged = 0;
        for a in 0..seals.len() {
            for b in a + 1..seals.len() {
                let score = copies::similarity(&seals[a].1.signature, &seals[b].1.signature);
                if score >= threshold {
                    flagged += 1;
                    eprintln!("COPY {dossier}: {} / {} {score:.3}", seals[a].0, seals[b].0);
                } else {
                    max_other = f64::max(max_other, score);
                }
                if score >= 0.5 {
                    eprintln!("pair {dossier}: {} / {} {score:.3}", seals[a].0, seals[b].0);
                }
            }
        }
        let planted = manifest.pasted_seal_dossiers.iter().any(|d| d == dossier);
        if planted && flagged > 0 {
            planted_found += 1;
        }
        if !planted && flagged > 0 {
            false_copy_dossiers += 1;
        }
    }
    println!(
        "corpus: stamped files {stamped}: seal found {found} ({:.1}%) | issuer identified {read_ok} ({:.1}%; by reading alone {by_reading}, by shapes alone {by_shapes}), genuine seals accused {misreads}, rings OCRed {ocr_read} | wrong seals named {wrong_named}/{wrong_seals} | seal-free pages {clean_pages}: with a false seal {false_pages} ({:.1}%) | pasted-seal dossiers {}: found {planted_found} | other dossiers with a flagged pair {false_copy_dossiers} (max unflagged score {max_other:.3})",
        100.0 * found as f64 / stamped.max(1) as f64,
        100.0 * read_ok as f64 / found.max(1) as f64,
        100.0 * false_pages as f64 / clean_pages.max(1) as f64,
        manifest.pasted_seal_dossiers.len(),
    );
    assert_eq!(found, stamped, "every stamped file's seal is found");
    assert_eq!(misreads, 0, "no genuine seal is called another body's");
    assert_eq!(wrong_named, wrong_seals, "every planted wrong seal is named");
    assert!(read_ok * 10 >= found * 9, "issuer identified on {read_ok} of {found} stamped files (issue 6: 90%)");
    assert_eq!(false_pages, 0, "no seal on seal-free pages");
    assert_eq!(false_copy_dossiers, 0, "no genuine pair flagged as a copy");
    assert_eq!(planted_found, manifest.pasted_seal_dossiers.len(), "every pasted seal is found");
}

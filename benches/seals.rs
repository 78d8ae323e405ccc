//! Seal work per page: detection (what every page image pays), the ring's OCR (what a seal
//! whose shapes leave it open adds), one copy comparison, and the comparison of
//! a seal's letters by shape with 18 candidate names (the 15 bodies of the rules file and
//! three units): cold (every letter drawn anew, as for a dossier's first seal) and warm
//! (letters already drawn in the same boxes), alone and with the check of a recognised
//! bureau seal's own letters against the background letters. The page is a fixture
//! scan resized to 200 dpi A4 (1654 × 2339), the OCR render resolution of config/default.toml.
//! Last, the 16 fixture seals judged in sequence with letters drawn afresh: what a stream
//! of dossiers pays per seal, cold boxes and OCRed rings included.
//!
//! `OMP_THREAD_LIMIT=1 cargo bench --bench seals`

use criterion::{criterion_group, criterion_main, Criterion};
use dossier_verify::seals::{self, copies, letters, read, whose};

fn page(name: &str) -> image::RgbImage {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seals").join(name);
    let image = image::open(path).expect("fixture").to_rgb8();
    image::imageops::resize(&image, 1654, 2339, image::imageops::FilterType::Triangle)
}

fn bench(c: &mut Criterion) {
    let stamped = page("seal_body_over_text.jpg");
    let plain = page("noseal_red_title.jpg");
    c.bench_function("detect_200dpi_page_with_seal", |b| b.iter(|| seals::detect(1, &stamped)));
    c.bench_function("detect_200dpi_page_red_title_no_seal", |b| b.iter(|| seals::detect(1, &plain)));
    let a = seals::detect(1, &stamped);
    // The ring's OCR, for the seals whose shapes leave them open (decoding the crop included).
    let mut group = c.benchmark_group("ocr");
    group.sample_size(10);
    group.bench_function("read_ring_one_seal", |b| b.iter(|| a[0].clone().read_ring()));
    group.finish();
    let other = page("genuine_dandong_1.jpg");
    let b2 = seals::detect(1, &other);
    c.bench_function("copy_similarity_one_pair", |b| b.iter(|| copies::similarity(&a[0].signature, &b2[0].signature)));

    let config = dossier_verify::config::Config::builtin().expect("built-in config");
    let faces = &config.settings.seals.letter_faces;
    let mut candidates: Vec<&str> = config.rules.cities.iter().map(|c| c.issuer.as_str()).collect();
    candidates.extend(["本溪市钢城技工学校", "大连阳光家政服务职业培训学校", "锦州市职业技能培训中心"]);
    let strip = a[0].strip.clone().expect("a detected seal keeps its strip");
    let expected = "沈阳市人力资源和社会保障局";
    let mut group = c.benchmark_group("shapes");
    group.sample_size(10);
    group.bench_function("margins_18_candidates_cold", |b| {
        b.iter_batched(
            || letters::Alphabet::load(faces).expect("the letter faces load"),
            |alphabet| letters::margins(&mut letters::Letters::new(&strip), &alphabet, expected, &candidates),
            criterion::BatchSize::PerIteration,
        )
    });
    let alphabet = letters::Alphabet::shared(faces).expect("the letter faces load");
    group.bench_function("margins_18_candidates_warm", |b| b.iter(|| letters::margins(&mut letters::Letters::new(&strip), alphabet, expected, &candidates)));
    // A bureau's seal the shapes recognise is then checked for its own letters against the
    // background letters (`whose::identify`); the same strip, as the product does it.
    let rules = read::Rules::of(&config.settings.seals);
    let margins_and_own_letters = |alphabet: &letters::Alphabet| {
        let mut strip = letters::Letters::new(&strip);
        let margins = letters::margins(&mut strip, alphabet, expected, &candidates);
        (margins, whose::shows_own_letters(&mut strip, alphabet, expected, &rules))
    };
    group.bench_function("margins_and_own_letters_cold", |b| {
        b.iter_batched(|| letters::Alphabet::load(faces).expect("the letter faces load"), |alphabet| margins_and_own_letters(&alphabet), criterion::BatchSize::PerIteration)
    });
    group.bench_function("margins_and_own_letters_warm", |b| b.iter(|| margins_and_own_letters(alphabet)));
    // The check failing, as for another body's seal: it stops only once too few places
    // are left to win.
    let outsider = "沈阳市社会保险事业服务中心";
    let own_letters_of_outsider = || whose::shows_own_letters(&mut letters::Letters::new(&strip), alphabet, outsider, &rules);
    assert!(!own_letters_of_outsider(), "the bureau's seal does not show the outsider's letters");
    group.bench_function("own_letters_failing_warm", |b| b.iter(own_letters_of_outsider));
    group.finish();

    // The fixture seals (17) judged one after another as the product judges them, the
    // letters drawn afresh for the first: what a process checking a stream of dossiers pays
    // per seal, with the letter boxes reused only where seals really share them, and the
    // rings OCRed where the shapes leave them open. Per seal: the time over 17.
    let fixture_seals = fixture_seals();
    let mut group = c.benchmark_group("identify");
    group.sample_size(10);
    group.bench_function("fixture_seals_in_sequence_letters_drawn_afresh", |b| {
        b.iter_batched(
            || (letters::Alphabet::load(faces).expect("the letter faces load"), fixture_seals.clone()),
            |(alphabet, seals)| {
                for (mut seal, issuer) in seals {
                    let mut candidates: Vec<&str> = config.rules.cities.iter().map(|c| c.issuer.as_str()).collect();
                    if !candidates.contains(&issuer.as_str()) {
                        candidates.push(&issuer);
                    }
                    // A unit's seal on its own materials, which name it.
                    let stampers = if config.rules.cities.iter().any(|c| c.issuer == issuer) { whose::Stampers::Known } else { whose::Stampers::Open { named: vec![issuer.clone()] } };
                    whose::identify(&mut seal, &[issuer.as_str()], &candidates, &stampers, &rules, Some(&alphabet));
                }
            },
            criterion::BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// Every seal of fixtures/seals with the body that stamped it (`truth.json`): for each seal
/// of the truth, the detected seal nearest its box.
fn fixture_seals() -> Vec<(seals::Seal, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seals");
    let truth: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).expect("truth.json")).expect("truth.json parses");
    let mut out = Vec::new();
    for (name, file) in truth["files"].as_object().expect("truth.json lists files") {
        let Some(truths) = file["seals"].as_array().filter(|s| !s.is_empty()) else { continue };
        let image = image::open(dir.join(name)).expect("fixture").to_rgb8();
        let found = seals::detect(1, &image);
        for t in truths {
            let b: Vec<f64> = t["bbox"].as_array().expect("a box").iter().filter_map(serde_json::Value::as_f64).collect();
            let off = |s: &seals::Seal| (f64::from(s.bbox[0]) - b[0]).abs() + (f64::from(s.bbox[1]) - b[1]).abs();
            let seal = found.iter().min_by(|x, y| off(x).total_cmp(&off(y))).expect("every fixture seal is detected");
            out.push((seal.clone(), t["issuer"].as_str().expect("an issuer").to_string()));
        }
    }
    assert_eq!(out.len(), 17, "the 17 seals of fixtures/seals");
    out
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Seal work per page: detection alone (what every page image pays), detection with the
//! ring OCR (pages that carry a seal), and one copy comparison. The page is a fixture
//! scan resized to 200 dpi A4 (1654 × 2339), the OCR render resolution of config/default.toml.
//!
//! `OMP_THREAD_LIMIT=1 cargo bench --bench seals`

use criterion::{criterion_group, criterion_main, Criterion};
use dossier_verify::seals::{self, copies, Options};

fn page(name: &str) -> image::RgbImage {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seals").join(name);
    let image = image::open(path).expect("fixture").to_rgb8();
    image::imageops::resize(&image, 1654, 2339, image::imageops::FilterType::Triangle)
}

fn bench(c: &mut Criterion) {
    let stamped = page("seal_body_over_text.jpg");
    let plain = page("noseal_red_title.jpg");
    let detect_only = Options { read_text: false, ..Options::default() };
    c.bench_function("detect_200dpi_page_with_seal", |b| b.iter(|| seals::detect_with(1, &stamped, &detect_only)));
    c.bench_function("detect_200dpi_page_red_title_no_seal", |b| b.iter(|| seals::detect_with(1, &plain, &detect_only)));
    let mut group = c.benchmark_group("ocr");
    group.sample_size(10);
    group.bench_function("detect_and_read_200dpi_page_with_seal", |b| b.iter(|| seals::detect(1, &stamped)));
    group.finish();
    let a = seals::detect_with(1, &stamped, &detect_only);
    let other = page("genuine_dandong_1.jpg");
    let b2 = seals::detect_with(1, &other, &detect_only);
    c.bench_function("copy_similarity_one_pair", |b| b.iter(|| copies::similarity(&a[0].signature, &b2[0].signature)));
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! One page's OCR (a 200 dpi scan with a red seal, through the whole path: JPEG decode,
//! red channel, deskew estimate, Tesseract) and text-layer extraction of a two-page CJK
//! PDF. Run with OMP_THREAD_LIMIT=1 (the binary guarantees it; a bench does not).

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use dossier_verify::extract::{image, pdf, Hooks};
use dossier_verify::intake::{Entry, Format};
use dossier_verify::Config;

fn entry(name: &str, format: Format) -> Entry {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/extract").join(name);
    let bytes = std::fs::read(&path).expect("fixture");
    Entry { path: name.to_string(), sha256: String::new(), bytes, format }
}

fn benches(c: &mut Criterion) {
    let config = Config::builtin().expect("config");
    let hooks = Hooks::default();
    let text_pdf = entry("cjk_text.pdf", Format::Pdf);
    c.bench_function("pdf_text_layer_2_pages", |b| b.iter(|| pdf::read(&text_pdf, &config, &hooks).expect("read")));
    let scan = entry("scan_seal.pdf", Format::Pdf);
    let mut group = c.benchmark_group("ocr");
    group.sample_size(10);
    group.bench_function("scan_page_200dpi_with_seal", |b| b.iter(|| pdf::read(&scan, &config, &hooks).expect("ocr")));
    let photo = entry("photo_exif6.jpg", Format::Jpeg);
    group.bench_function("jpeg_photo_exif_rotated", |b| b.iter(|| image::read(&photo, &config, &hooks).expect("ocr")));
    group.finish();
}

criterion_group!(ocr_benches, benches);
criterion_main!(ocr_benches);

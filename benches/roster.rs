//! Reading a 2,500-row roster: the spreadsheet reader (guards + calamine + layout) and
//! the roster interpretation (header mapping, parsing every row), apart and together.
//! Input: fixtures/office/roster-2500.xlsx (made by fixtures/office/make_fixtures.py).

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};

use dossier_verify::config::Config;
use dossier_verify::extract::{roster, sheet, ExtractedFile, FileMetadata};
use dossier_verify::intake::{DocKind, Format};

fn bench(c: &mut Criterion) {
    let config = Config::builtin().expect("config");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/office/roster-2500.xlsx");
    let bytes = std::fs::read(&path).expect("roster-2500.xlsx");
    let limits = &config.settings.limits;
    let sheets = sheet::read_bytes(&bytes, "roster.xlsx", Format::Xlsx, limits).expect("read");
    let file = ExtractedFile {
        path: "2022年培训人员名单.xlsx".into(),
        sha256: String::new(),
        format: Format::Xlsx,
        kind: DocKind::TrainingRoster,
        classified_by: Vec::new(),
        pages: Vec::new(),
        sheets,
        metadata: FileMetadata::default(),
        unreadable: None,
    };
    assert_eq!(roster::tables(&file, &config)[0].records.len(), 2500);

    c.bench_function("sheet::read_bytes 2500-row xlsx", |b| b.iter(|| sheet::read_bytes(black_box(&bytes), "r.xlsx", Format::Xlsx, limits)));
    c.bench_function("roster::tables 2500 rows", |b| b.iter(|| roster::tables(black_box(&file), &config)));
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! How long the checks take over a large dossier: 4 rosters of 2,500 rows (two units ×
//! two years) and their 4 tracking tables, with the form in both versions. Target: under
//! 50 ms for `run_all` (BENCHMARKS.md).

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};

use dossier_verify::checks::{run_all, CheckContext};
use dossier_verify::config::Config;
use dossier_verify::domain::id_number::check_char;
use dossier_verify::extract::*;
use dossier_verify::intake::{DocKind, Format};
use dossier_verify::report::Location;

const ROWS: u32 = 2_500;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("bench date")
}

/// The n-th trainee's ID: unique for n < 36,000 (birth day and block of 12,000 never
/// repeat together) and never a fixed step from the previous one.
fn id_of(n: u32) -> String {
    let days = (u64::from(n % 12_000) * 7919) % 12_000;
    let birth = day(1968, 1, 1) + chrono::Duration::days(days as i64);
    let order = (n / 12_000) * 300 + (n % 7) * 13;
    let body = format!("210102{}{order:03}", birth.format("%Y%m%d"));
    let mut b = [0u8; 17];
    b.copy_from_slice(body.as_bytes());
    format!("{body}{}", check_char(&b))
}

fn person(row: u32, n: u32, year: i32) -> PersonRecord {
    let n64 = u64::from(n);
    PersonRecord {
        row,
        name: Some(format!("学员{n}")),
        id: Some(IdCell::Text(id_of(n))),
        gender: Some(if (id_of(n).as_bytes()[16] - b'0') % 2 == 1 { "男" } else { "女" }.into()),
        phone: Some(format!("139{:08}", (n64 * n64 * 7919 + n64 * 104_729 + 1_234_567) % 100_000_000)),
        occupation: Some("家政服务员".into()),
        training_start: Some(day(year, 3, 1)),
        training_end: Some(day(year, 3, 20)),
        passed: Some(!n.is_multiple_of(10)),
        certificate: Some(format!("Z{year}{:07}", (n64 * n64 * 13 + 7) % 10_000_000)),
        employed: None,
        employer: None,
        employment_date: None,
        unparsed: Default::default(),
    }
}

fn table(path: String, kind: TableKind, year: i32, records: Vec<PersonRecord>) -> PersonTable {
    let columns = [("name", "B"), ("id_number", "C"), ("gender", "D"), ("phone", "E"), ("certificate", "H")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    PersonTable { path, sheet: Some("Sheet1".into()), kind, year: Some(year), year_source: None, source: TextSource::Text, header_row: 2, columns, records }
}

fn file(path: &str, format: Format, kind: DocKind) -> ExtractedFile {
    ExtractedFile::new(path, format, kind)
}

fn form(version: FormVersion, path: &str, config: &Config) -> FormData {
    let field = |text: &str| Field { text: text.into(), location: Location::file(path) };
    let figure = |value: f64, text: String| Figure { text, value: Some(value), location: Location::file(path), confidence: None };
    let boxes = |labels: &[String], checked: &str| {
        labels.iter().map(|l| Checkbox { label: l.clone(), checked: l == checked, location: Location::file(path) }).collect()
    };
    FormData {
        path: path.into(),
        version,
        applicant: Some(field("沈阳市人力资源和社会保障局")),
        brand_name: Some(field("沈阳巧嫂")),
        scopes: boxes(&config.rules.form.scopes, "生活服务人才"),
        types: boxes(&config.rules.form.types, "行政区域"),
        occupations: vec![field("家政服务员")],
        units: vec![field("沈阳市巧嫂家政服务有限公司"), field("沈阳市金牌职业培训学校")],
        years: [2022, 2023]
            .into_iter()
            .map(|year| FormYear {
                year,
                trainees: Some(figure(f64::from(2 * ROWS), format!("{}人", 2 * ROWS))),
                pass_rate: Some(figure(0.9, "90%".into())),
                employment_rate: Some(figure(0.6, "60%".into())),
            })
            .collect(),
        summary: Some(field("沈阳巧嫂品牌简介")),
    }
}

fn dossier(config: &Config) -> Extracted {
    let mut x = Extracted::default();
    x.files.push(file("1.推荐报告.pdf", Format::Pdf, DocKind::RecommendationReport));
    x.files.push(file("2.申报表.docx", Format::Docx, DocKind::ApplicationForm));
    x.files.push(file("2.申报表.pdf", Format::Pdf, DocKind::ApplicationForm));
    x.form_editable = Some(form(FormVersion::Editable, "2.申报表.docx", config));
    x.form_scanned = Some(form(FormVersion::Scanned, "2.申报表.pdf", config));
    for (u, unit) in ["巧嫂家政", "金牌培训"].into_iter().enumerate() {
        x.files.push(file(&format!("3.依托单位材料/{unit}/情况.pdf"), Format::Pdf, DocKind::UnitMaterial));
        for year in [2022, 2023] {
            let base = (year as u32 - 2022) * 2 * ROWS + u as u32 * ROWS;
            let roster: Vec<PersonRecord> = (0..ROWS).map(|i| person(i + 3, base + i, year)).collect();
            let tracking: Vec<PersonRecord> = roster
                .iter()
                .map(|r| PersonRecord {
                    passed: None,
                    certificate: None,
                    employed: Some(r.row % 5 < 3),
                    employment_date: Some(day(year, 5, 1)),
                    ..r.clone()
                })
                .collect();
            x.tables.push(table(format!("3.依托单位材料/{unit}/{year}年培训人员名单.xlsx"), TableKind::TrainingRoster, year, roster));
            x.tables.push(table(format!("3.依托单位材料/{unit}/{year}年就业跟踪情况表.xlsx"), TableKind::EmploymentTracking, year, tracking));
        }
    }
    x
}

fn bench(c: &mut Criterion) {
    let config = Config::builtin().expect("built-in config");
    let extracted = dossier(&config);
    let ctx = CheckContext { extracted: &extracted, config: &config, received_on: day(2024, 1, 20) };
    // Sanity: the clean bench dossier must not drown in findings, or the bench measures message formatting.
    let findings = run_all(&ctx);
    assert!(findings.len() < 10, "bench dossier should be clean: {:?}", findings.iter().map(|f| f.code).collect::<Vec<_>>());
    cpu_time_per_run(&ctx);
    c.bench_function("run_all/4_rosters_x_2500_rows_plus_tracking", |b| b.iter(|| black_box(run_all(black_box(&ctx)))));
    for check in dossier_verify::checks::registry::CHECKS {
        c.bench_function(&format!("check/{}", check.name), |b| b.iter(|| black_box((check.run)(black_box(&ctx)))));
    }
}

/// Wall time on a shared machine counts the time other processes hold the CPU; this
/// prints the CPU time of this process per `run_all` (Linux `/proc/self/stat`, 10 ms
/// ticks, so over many runs) as a second, load-independent figure.
fn cpu_time_per_run(ctx: &CheckContext) {
    const RUNS: u32 = 100;
    let Some(before) = cpu_ticks() else { return };
    for _ in 0..RUNS {
        black_box(run_all(black_box(ctx)));
    }
    let Some(after) = cpu_ticks() else { return };
    // USER_HZ is 100 on Linux.
    println!("run_all CPU time: {:.1} ms per run (over {RUNS} runs)", (after - before) as f64 * 10.0 / f64::from(RUNS));
}

fn cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

criterion_group!(benches, bench);
criterion_main!(benches);

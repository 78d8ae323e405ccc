//! The report page for people: server-rendered Chinese HTML of one [`Report`], a view of
//! the same value as the JSON. Top to bottom: the verdict, what the dossier claims, the
//! findings grouped by severity with their locations, the figures reported against what
//! the rosters show, each seal (its crop beside a thumbnail of its page, when extraction
//! kept them) and how every file was classified. No scripts; every value is escaped.

use std::fmt::Write;

use super::{Report, Severity, StampSummary, Verdict};
use crate::intake::DocKind;

/// Images a caller may add to the page (PNG bytes); the report JSON carries none.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    pub seals: Vec<SealImage>,
    /// Trusted HTML put above the report (the web pages' navigation).
    pub nav_html: Option<String>,
}

/// The crop of one seal and a thumbnail of its page.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SealImage {
    pub path: String,
    pub page: u32,
    pub bbox: [u32; 4],
    pub crop_png: Vec<u8>,
    pub page_thumbnail_png: Vec<u8>,
}

/// Longest side of a page thumbnail, in pixels.
const THUMBNAIL_SIDE: u32 = 240;

/// Resolution of PDF page thumbnails: an A4 page comes out about 200 × 280 pixels.
const THUMBNAIL_DPI: u32 = 24;

/// The crops extraction kept for each seal, with a thumbnail of its page: the image file
/// itself, or the PDF page rendered again at low resolution (extraction does not keep
/// page images after reading them).
pub fn seal_images(dossier: &crate::intake::Dossier, extracted: &crate::extract::Extracted, config: &crate::config::Config) -> Vec<SealImage> {
    let mut out = Vec::new();
    let timeout = std::time::Duration::from_secs(config.settings.ocr.page_timeout_seconds);
    for file in &extracted.files {
        let seals: Vec<_> = file.pages.iter().flat_map(|p| p.seals.iter()).collect();
        if seals.is_empty() {
            continue;
        }
        let Some(entry) = dossier.entries.iter().find(|e| e.path == file.path) else { continue };
        let mut thumbnails: std::collections::BTreeMap<u32, Vec<u8>> = std::collections::BTreeMap::new();
        for seal in seals {
            let thumbnail = thumbnails
                .entry(seal.page)
                .or_insert_with(|| {
                    if file.format.is_image() {
                        thumbnail_png(&entry.bytes).unwrap_or_default()
                    } else if file.format == crate::intake::Format::Pdf {
                        crate::extract::raster::render_pdf_page(&entry.bytes, seal.page, THUMBNAIL_DPI, timeout)
                            .ok()
                            .and_then(|rgb| png_of(&image::DynamicImage::ImageRgb8(rgb).thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE)))
                            .unwrap_or_default()
                    } else {
                        Vec::new()
                    }
                })
                .clone();
            out.push(SealImage { path: file.path.clone(), page: seal.page, bbox: seal.bbox, crop_png: seal.crop_png.clone(), page_thumbnail_png: thumbnail });
        }
    }
    out
}

fn png_of(image: &image::DynamicImage) -> Option<Vec<u8>> {
    let mut png = Vec::new();
    image.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).ok()?;
    Some(png)
}

fn thumbnail_png(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes)).with_guessed_format().ok()?;
    // A thumbnail is not worth decoding a huge image for.
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    png_of(&reader.decode().ok()?.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE))
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The shared style of the service's pages.
pub const STYLE: &str = "body{font-family:'Noto Sans CJK SC','WenQuanYi Zen Hei',sans-serif;margin:0;color:#222;background:#f6f7f9}\
main{max-width:1100px;margin:0 auto;padding:16px 24px}nav{background:#1f3a5f;color:#fff;padding:8px 24px}nav a{color:#fff;margin-right:16px}\
h1{font-size:22px}h2{font-size:18px;border-bottom:2px solid #1f3a5f;padding-bottom:4px;margin-top:28px}\
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0}th,td{border:1px solid #d0d4da;padding:6px 8px;text-align:left;vertical-align:top;font-size:14px}\
th{background:#eef1f5}.verdict{padding:14px 18px;border-radius:6px;font-size:20px;font-weight:bold;color:#fff}\
.v-pass{background:#2e7d32}.v-needs_review{background:#ef8f00}.v-reject{background:#c62828}\
.sev-error{color:#c62828}.sev-warning{color:#b26a00}.sev-info{color:#555}.muted{color:#777}.mismatch{background:#fdecea}\
.seal img{max-width:180px;border:1px solid #ccc;margin-right:8px;vertical-align:top}.seal td:last-child{white-space:nowrap}code{font-size:12px}";

fn pct(rate: Option<f64>) -> String {
    rate.map(|r| format!("{:.1}%", r * 100.0)).unwrap_or_else(|| "—".into())
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_else(|| "—".into())
}

fn severity_title(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "错误（须纠正后方可受理）",
        Severity::Warning => "警告（需人工复核）",
        Severity::Info => "提示（记录在案）",
    }
}

fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn text_source_zh(source: &str) -> &'static str {
    match source {
        "text" => "文字层",
        "ocr" => "OCR 识别",
        "mixed" => "文字层+OCR",
        _ => "无文字",
    }
}

/// The whole page.
pub fn render(report: &Report, extras: &Extras) -> String {
    let mut h = String::new();
    let title = format!("核验报告 · {}", report.dossier.filename);
    let _ = write!(h, "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>", escape(&title));
    if let Some(nav) = &extras.nav_html {
        h.push_str(nav);
    }
    h.push_str("<main>");
    let _ = write!(h, "<h1>{}</h1>", escape(&title));
    verdict(&mut h, report);
    application(&mut h, report);
    findings(&mut h, report);
    figures(&mut h, report);
    narratives(&mut h, report);
    seals(&mut h, report, extras);
    classification(&mut h, report);
    let _ = write!(
        h,
        "<p class=\"muted\">材料 SHA-256：<code>{}</code> · 接收时间：{} · 报告格式 {}</p>",
        escape(&report.dossier.sha256),
        escape(&report.dossier.received_at),
        escape(&report.schema)
    );
    h.push_str("</main></body></html>");
    h
}

fn verdict(h: &mut String, report: &Report) {
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let v = report.verdict;
    let _ = write!(
        h,
        "<div class=\"verdict v-{}\" id=\"verdict\">核验结论：{}</div><p>错误 {} 项 · 警告 {} 项 · 提示 {} 项</p>",
        v.as_str(),
        v.label_zh(),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    if v == Verdict::Pass {
        h.push_str("<p>未发现须纠正或复核的问题。</p>");
    }
}

fn application(h: &mut String, report: &Report) {
    h.push_str("<h2 id=\"application\">申报信息</h2>");
    let Some(app) = &report.application else {
        h.push_str("<p class=\"muted\">未能读取申报表，无法列出申报信息。</p>");
        return;
    };
    let row = |h: &mut String, k: &str, v: &str| {
        let _ = write!(h, "<tr><th>{k}</th><td>{}</td></tr>", escape(v));
    };
    h.push_str("<table>");
    row(h, "品牌名称", app.brand_name.as_deref().unwrap_or("—"));
    row(h, "所属市", app.city.as_deref().unwrap_or("—"));
    row(h, "品牌范围", app.scope.as_deref().unwrap_or("—"));
    row(h, "品牌类型", app.brand_type.as_deref().unwrap_or("—"));
    row(h, "行业或职业(工种)", &app.occupations.join("、"));
    row(h, "依托单位", &app.units.join("、"));
    row(h, "来源文件", &app.source);
    h.push_str("</table>");
}

fn findings(h: &mut String, report: &Report) {
    h.push_str("<h2 id=\"findings\">核验发现</h2>");
    if report.findings.is_empty() {
        h.push_str("<p>没有发现。</p>");
    }
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let group: Vec<_> = report.findings.iter().filter(|f| f.severity == severity).collect();
        if group.is_empty() {
            continue;
        }
        let _ = write!(
            h,
            "<h3 class=\"sev-{}\">{}：{} 项</h3><table class=\"findings\"><tr><th>代码</th><th>说明</th><th>位置</th><th>应为</th><th>实际</th></tr>",
            severity_class(severity),
            severity_title(severity),
            group.len()
        );
        for f in group {
            let location = f.location.describe_zh();
            let _ = write!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                f.code.as_str(),
                escape(&f.message),
                escape(if location.is_empty() { "整份材料" } else { &location }),
                escape(f.expected.as_deref().unwrap_or("")),
                escape(f.actual.as_deref().unwrap_or(""))
            );
        }
        h.push_str("</table>");
    }
}

/// Reported figures (the form) against what the rosters and tracking tables show.
fn figures(h: &mut String, report: &Report) {
    h.push_str("<h2 id=\"figures-title\">数据核对：申报数与材料实有数</h2>");
    let mut years: Vec<i32> = report.application.iter().flat_map(|a| a.years.iter().map(|y| y.year)).collect();
    years.extend(report.rosters.iter().filter_map(|r| r.year));
    years.sort_unstable();
    years.dedup();
    if years.is_empty() {
        h.push_str("<p class=\"muted\">既未读到申报数字，也未读到培训人员名单。</p>");
        return;
    }
    h.push_str("<table id=\"figures\"><tr><th>年度</th><th>项目</th><th>申报数</th><th>材料实有数</th><th>依据</th></tr>");
    for year in years {
        let reported = report.application.as_ref().and_then(|a| a.years.iter().find(|y| y.year == year));
        let rosters: Vec<_> = report.rosters.iter().filter(|r| r.year == Some(year) && r.kind == "training_roster").collect();
        let tracking: Vec<_> = report.rosters.iter().filter(|r| r.year == Some(year) && r.kind == "employment_tracking").collect();
        let persons: u32 = rosters.iter().map(|r| r.persons).sum();
        // Sums over every unit's table of the year; a table that does not say counts as none.
        let sum_of = |tables: &[&super::RosterSummary], field: fn(&super::RosterSummary) -> Option<u32>| -> Option<u32> {
            let stated: Vec<u32> = tables.iter().filter_map(|r| field(r)).collect();
            (!stated.is_empty()).then(|| stated.iter().sum())
        };
        let passed = sum_of(&rosters, |r| r.passed);
        let employed = sum_of(&tracking, |r| r.employed_within_6_months).or_else(|| sum_of(&rosters, |r| r.employed_within_6_months));
        let sources = |list: &[&super::RosterSummary]| list.iter().map(|r| r.path.clone()).collect::<Vec<_>>().join("、");
        let found_trainees = (!rosters.is_empty()).then_some(persons);
        let found_pass = passed.filter(|_| persons > 0).map(|p| f64::from(p) / f64::from(persons));
        let found_employed = employed.filter(|_| persons > 0).map(|e| f64::from(e) / f64::from(persons));
        let rows = [
            ("培训人数", opt(reported.and_then(|r| r.trainees)), opt(found_trainees), reported.and_then(|r| r.trainees).zip(found_trainees).is_some_and(|(a, b)| a != b), sources(&rosters)),
            ("培训合格率", pct(reported.and_then(|r| r.pass_rate)), pct(found_pass), reported.and_then(|r| r.pass_rate).zip(found_pass).is_some_and(|(a, b)| (a - b).abs() > 0.005), sources(&rosters)),
            ("培训后就业率", pct(reported.and_then(|r| r.employment_rate)), pct(found_employed), reported.and_then(|r| r.employment_rate).zip(found_employed).is_some_and(|(a, b)| (a - b).abs() > 0.005), sources(&tracking)),
        ];
        for (label, said, found, mismatch, source) in rows {
            let _ = write!(
                h,
                "<tr{}><td>{year}</td><td>{label}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                if mismatch { " class=\"mismatch\"" } else { "" },
                escape(&said),
                escape(&found),
                escape(&source)
            );
        }
    }
    h.push_str("</table>");
}

/// Figures the narratives state, each beside the form's figure for that year.
fn narratives(h: &mut String, report: &Report) {
    use crate::extract::Metric;
    if report.narratives.is_empty() {
        return;
    }
    h.push_str("<h2 id=\"narratives-title\">材料叙述中的数字</h2>");
    h.push_str("<table id=\"narratives\"><tr><th>年度</th><th>项目</th><th>叙述</th><th>申报表</th><th>出处</th><th>原文</th></tr>");
    for n in &report.narratives {
        let reported = report.application.as_ref().and_then(|a| a.years.iter().find(|y| y.year == n.year));
        let (stated, form, differs) = match n.metric {
            Metric::Trainees => {
                let form = reported.and_then(|r| r.trainees);
                (format!("{}", n.value.round()), opt(form), form.is_some_and(|f| f64::from(f) != n.value.round()))
            }
            Metric::PassRate | Metric::EmploymentRate => {
                let form = reported.and_then(|r| if n.metric == Metric::PassRate { r.pass_rate } else { r.employment_rate });
                (pct(Some(n.value)), pct(form), form.is_some_and(|f| (f - n.value).abs() > 0.0005))
            }
        };
        let place = match n.page {
            Some(page) => format!("{} 第{page}页", n.path),
            None => n.path.clone(),
        };
        let _ = write!(
            h,
            "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if differs { " class=\"mismatch\"" } else { "" },
            n.year,
            n.metric.label_zh(),
            escape(&stated),
            escape(&form),
            escape(&place),
            escape(&n.sentence)
        );
    }
    h.push_str("</table>");
}

fn seals(h: &mut String, report: &Report, extras: &Extras) {
    h.push_str("<h2 id=\"seals\">公章</h2>");
    let stamps: Vec<_> = report.documents.iter().flat_map(|d| d.stamps.iter().map(move |s| (d, s))).collect();
    if stamps.is_empty() {
        h.push_str("<p class=\"muted\">材料中未检测到公章。</p>");
        return;
    }
    h.push_str("<table><tr><th>文件</th><th>页</th><th>印章文字</th><th>是否为应盖单位的公章</th><th>截图与所在页</th></tr>");
    for (doc, stamp) in stamps {
        let image = extras.seals.iter().find(|s| s.path == doc.path && s.page == stamp.page && s.bbox == stamp.bbox);
        let mut pictures = String::new();
        if let Some(image) = image {
            for (png, alt) in [(&image.crop_png, "印章截图"), (&image.page_thumbnail_png, "所在页缩略图")] {
                if !png.is_empty() {
                    let _ = write!(pictures, "<img alt=\"{alt}\" src=\"data:image/png;base64,{}\">", base64(png));
                }
            }
        }
        if pictures.is_empty() {
            pictures = "<span class=\"muted\">（暂无截图）</span>".into();
        }
        let _ = write!(
            h,
            "<tr class=\"seal{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{pictures}</td></tr>",
            if stamp.issuer_check.as_deref() == Some("other_body") { " mismatch" } else { "" },
            escape(&doc.path),
            stamp.page,
            escape(&stamp_text(stamp)),
            issuer_check_label(stamp.issuer_check.as_deref())
        );
    }
    h.push_str("</table>");
}

/// A seal's text and how it was read, so a reviewer knows what to trust: a name the
/// letters were matched to, or Tesseract's reading of the ring (often partly garbled).
fn stamp_text(stamp: &StampSummary) -> String {
    match (stamp.text.as_deref(), stamp.read_by.as_deref()) {
        (None, _) => "（未能识读）".to_string(),
        (Some(text), Some("letter_shapes")) => format!("{text}（逐字比对字形确认）"),
        (Some(text), Some("ocr")) => match stamp.text_confidence {
            Some(c) => format!("{text}（文字识别结果，识别置信度 {:.0}%，可能有误字）", c * 100.0),
            None => format!("{text}（文字识别结果，可能有误字）"),
        },
        (Some(text), _) => text.to_string(),
    }
}

/// Whether the seal is the one its document must carry, in a reviewer's words.
fn issuer_check_label(check: Option<&str>) -> &'static str {
    match check {
        Some("confirmed") => "是",
        Some("other_body") => "否，是其他单位的公章",
        Some("unconfirmed") => "未能确认：印文模糊或残缺，请对照截图核对",
        _ => "—",
    }
}

fn classification(h: &mut String, report: &Report) {
    h.push_str("<h2 id=\"classification\">文件分类</h2>");
    if report.documents.is_empty() {
        h.push_str("<p class=\"muted\">压缩包中没有可读取的文件。</p>");
        return;
    }
    h.push_str("<table id=\"documents\"><tr><th>文件</th><th>类别</th><th>格式</th><th>页数</th><th>文字来源</th><th>分类依据</th></tr>");
    for doc in &report.documents {
        let kind = DocKind::parse(&doc.kind).map(DocKind::label_zh).unwrap_or("未识别");
        let source = match doc.ocr_confidence {
            Some(c) => format!("{}（置信度 {:.0}%）", text_source_zh(&doc.text_source), c * 100.0),
            None => text_source_zh(&doc.text_source).to_string(),
        };
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{kind}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&doc.path),
            escape(&doc.format),
            opt(doc.pages),
            escape(&source),
            escape(&doc.classified_by.join("，"))
        );
    }
    h.push_str("</table>");
}

/// Standard base64 (RFC 4648) for data URIs.
pub fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Code, DossierInfo, Finding, Location, SCHEMA};

    fn report() -> Report {
        Report {
            schema: SCHEMA.into(),
            dossier: DossierInfo { sha256: "ab".into(), filename: "沈阳<测试>.zip".into(), received_at: "2024-01-20T09:30:00+08:00".into() },
            verdict: Verdict::Pass,
            application: None,
            documents: vec![],
            rosters: vec![],
            narratives: vec![],
            findings: vec![Finding::new(Code::MissingRoster, "缺少2022年培训人员名单", Location::file("3.名单.xlsx"))],
        }
        .finalize()
    }

    #[test]
    fn verdict_is_on_top_and_values_are_escaped() {
        let html = render(&report(), &Extras::default());
        let verdict_at = html.find("核验结论：不予受理").expect("verdict");
        assert!(verdict_at < html.find("核验发现").expect("findings"));
        assert!(html.contains("沈阳&lt;测试&gt;.zip") && !html.contains("沈阳<测试>"));
        assert!(html.contains("MISSING_ROSTER") && html.contains("文件“3.名单.xlsx”"));
    }

    #[test]
    fn reported_figures_stand_beside_what_the_rosters_show() {
        use crate::report::{Application, RosterSummary, YearFigures};
        let mut r = report();
        r.application = Some(Application {
            brand_name: Some("沈阳巧嫂".into()),
            city: Some("沈阳市".into()),
            scope: None,
            brand_type: None,
            occupations: vec![],
            units: vec![],
            years: vec![YearFigures { year: 2022, trainees: Some(2150), pass_rate: Some(0.86), employment_rate: None }],
            source: "2.申报表.docx".into(),
        });
        r.rosters = vec![RosterSummary {
            path: "名单.xlsx".into(),
            sheet: None,
            kind: "training_roster".into(),
            year: Some(2022),
            rows: 2150,
            persons: 2149,
            passed: Some(1849),
            employed_within_6_months: None,
        }];
        let html = render(&r, &Extras::default());
        assert!(html.contains("<tr class=\"mismatch\"><td>2022</td><td>培训人数</td><td>2150</td><td>2149</td>"), "{html}");
        assert!(html.contains("<td>86.0%</td><td>86.0%</td>"));
    }

    /// Each seal's row says whether it is the seal its document must carry; another
    /// body's is marked like a figure that differs.
    #[test]
    fn each_seal_says_whether_it_is_the_one_its_document_must_carry() {
        use crate::report::{DocumentSummary, StampSummary};
        let stamp = |page: u32, text: Option<&str>, check: Option<&str>| StampSummary {
            page,
            bbox: [10, 20, 30, 40],
            text: text.map(str::to_string),
            confidence: 0.9,
            read_by: text.map(|_| "ocr".to_string()),
            text_confidence: text.map(|_| 0.23),
            issuer_check: check.map(str::to_string),
        };
        let mut r = report();
        r.documents = vec![DocumentSummary {
            path: "1.推荐报告.pdf".into(),
            sha256: "00".into(),
            kind: "recommendation_report".into(),
            format: "pdf".into(),
            pages: Some(4),
            text_source: "ocr".into(),
            ocr_confidence: Some(0.9),
            stamps: vec![stamp(1, Some("沈阳市人力资源和社会保障局"), Some("confirmed")), stamp(2, Some("锦州市职业技能培训中心"), Some("other_body")), stamp(3, None, Some("unconfirmed")), stamp(4, None, None)],
            classified_by: vec![],
        }];
        let html = render(&r, &Extras::default());
        let rows: Vec<&str> = html.split("<tr class=\"seal").skip(1).collect();
        assert_eq!(rows.len(), 4, "{html}");
        assert!(rows[0].starts_with("\">") && rows[0].contains("<td>是</td>"), "{}", rows[0]);
        assert!(rows[1].starts_with(" mismatch\">") && rows[1].contains("否，是其他单位的公章"), "{}", rows[1]);
        assert!(rows[1].contains("锦州市职业技能培训中心（文字识别结果，识别置信度 23%，可能有误字）"), "an OCR reading says how sure it is: {}", rows[1]);
        assert!(rows[2].contains("（未能识读）") && rows[2].contains("未能确认：印文模糊或残缺，请对照截图核对"), "{}", rows[2]);
        assert!(rows[3].contains("<td>—</td>"), "a seal no body had to stamp: {}", rows[3]);
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn narrative_figures_stand_beside_the_forms_and_differences_are_marked() {
        use crate::extract::Metric;
        use crate::report::{Application, NarrativeStatement, YearFigures};
        let mut r = report();
        r.application = Some(Application {
            brand_name: None,
            city: None,
            scope: None,
            brand_type: None,
            occupations: vec![],
            units: vec![],
            years: vec![YearFigures { year: 2022, trainees: Some(2150), pass_rate: Some(0.865), employment_rate: None }],
            source: "2.申报表.docx".into(),
        });
        let statement = |metric, value: f64, sentence: &str| NarrativeStatement { path: "1.推荐报告.pdf".into(), page: Some(2), year: 2022, metric, value, sentence: sentence.into() };
        r.narratives = vec![statement(Metric::Trainees, 2150.0, "2022年培训2150人"), statement(Metric::PassRate, 0.885, "合格率88.5%<")];
        let html = render(&r, &Extras::default());
        let table = &html[html.find("id=\"narratives\"").expect("narratives table")..];
        let rows: Vec<&str> = table.split("<tr").skip(2).collect();
        assert!(rows[0].contains("2150") && rows[0].contains("1.推荐报告.pdf 第2页") && !rows[0].starts_with(" class=\"mismatch\""), "{}", rows[0]);
        assert!(rows[1].starts_with(" class=\"mismatch\"") && rows[1].contains("88.5%") && rows[1].contains("86.5%"), "{}", rows[1]);
        assert!(rows[1].contains("合格率88.5%&lt;"), "sentences are escaped: {}", rows[1]);
    }
}

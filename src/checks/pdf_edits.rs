//! PDFs that were edited after they were made (`PDF_EDITED_AFTER_CREATION`): incremental
//! updates (more than one xref section, or more than one `%%EOF`; two each for a
//! linearized file, which is written that way), a ModDate later than
//! the CreationDate by more than `tolerances.pdf_modified_slack_days`, a last writer
//! (Producer / Creator) that is an editing tool of `[pdf].editing_producers`, or XMP
//! history entries naming such a tool. The finding says which of these fired.
//!
//! 七(三): "各市人力资源社会保障部门将推荐报告、附件表格及相关佐证材料加盖公章后…报送…扫描 PDF 版"
//! — a stamped scan is scanned once; one changed afterwards (a figure typed over, a page
//! swapped) carries these traces. 七(三) "情况不实、弄虚作假…取消推荐资格".

use crate::report::{Code, Finding, Location};

use super::CheckContext;

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    let editors = &ctx.config.settings.pdf.editing_producers;
    let slack = ctx.config.settings.tolerances.pdf_modified_slack_days;
    let names_editor = |text: &str| {
        let lower = text.to_lowercase();
        editors.iter().find(|e| lower.contains(&e.to_lowercase())).cloned()
    };
    let mut findings = Vec::new();
    for file in &ctx.extracted.files {
        let Some(pdf) = &file.metadata.pdf else { continue };
        let mut reasons = Vec::new();
        // A linearized file is written with a first-page section: two of each, unedited.
        let written_once = if pdf.linearized { 2 } else { 1 };
        if pdf.xref_sections > written_once || pdf.eof_markers > written_once {
            reasons.push(format!("文件含增量更新（交叉引用表{}个、%%EOF结束标记{}个，原始文件各1个）", pdf.xref_sections, pdf.eof_markers));
        }
        if let (Some(created), Some(modified)) = (pdf.creation_date, pdf.mod_date) {
            let days = (modified - created).num_seconds() as f64 / 86_400.0;
            if days > slack as f64 {
                reasons.push(format!(
                    "修改时间{}晚于创建时间{}约{:.0}天（允许{slack}天）",
                    modified.format("%Y-%m-%d %H:%M"),
                    created.format("%Y-%m-%d %H:%M"),
                    days
                ));
            }
        }
        for (label, value) in [("生成工具（Producer）", &pdf.producer), ("创建工具（Creator）", &pdf.creator)] {
            if let Some(editor) = value.as_deref().and_then(names_editor) {
                reasons.push(format!("{label}为PDF编辑软件“{}”（{editor}）", value.as_deref().unwrap_or_default()));
            }
        }
        let history: Vec<&String> = pdf.xmp_history.iter().filter(|entry| names_editor(entry).is_some()).collect();
        if !history.is_empty() {
            reasons.push(format!("XMP编辑历史记录了编辑软件：{}", history.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("；")));
        }
        if !reasons.is_empty() {
            findings.push(
                Finding::new(
                    Code::PdfEditedAfterCreation,
                    format!("PDF文件“{}”有生成后被修改的痕迹：{}。请核对该文件是否为原始盖章扫描件", file.path, reasons.join("；")),
                    Location::file(&file.path),
                )
                .expected("生成后未经修改的PDF")
                .actual(reasons.join("；")),
            );
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::extract::PdfMetadata;
    use crate::intake::{DocKind, Format};

    fn with_pdf(meta: PdfMetadata) -> Vec<Finding> {
        let mut kit = Kit::clean();
        let mut f = file("1.推荐报告.pdf", Format::Pdf, DocKind::RecommendationReport);
        f.metadata.pdf = Some(meta);
        kit.extracted.files = vec![f];
        kit.run(run)
    }

    fn scanner_pdf() -> PdfMetadata {
        PdfMetadata {
            producer: Some("Canon iR-ADV C5535 PDF".into()),
            creator: Some("Canon".into()),
            creation_date: Some(day(2024, 1, 10).and_hms_opt(9, 0, 0).unwrap()),
            mod_date: Some(day(2024, 1, 10).and_hms_opt(9, 0, 0).unwrap()),
            xref_sections: 1,
            eof_markers: 1,
            ..PdfMetadata::default()
        }
    }

    #[test]
    fn a_scanners_pdf_is_clean() {
        assert!(with_pdf(scanner_pdf()).is_empty());
    }

    #[test]
    fn incremental_update() {
        let findings = with_pdf(PdfMetadata { xref_sections: 2, eof_markers: 2, ..scanner_pdf() });
        assert_eq!(codes(&findings), ["PDF_EDITED_AFTER_CREATION"]);
        assert!(findings[0].message.contains("增量更新"));
        assert_eq!(findings[0].location.path.as_deref(), Some("1.推荐报告.pdf"));
    }

    #[test]
    fn a_linearized_file_has_two_sections_without_an_edit() {
        assert!(with_pdf(PdfMetadata { xref_sections: 2, eof_markers: 2, linearized: true, ..scanner_pdf() }).is_empty());
        assert_eq!(codes(&with_pdf(PdfMetadata { xref_sections: 3, eof_markers: 3, linearized: true, ..scanner_pdf() })), ["PDF_EDITED_AFTER_CREATION"]);
    }

    #[test]
    fn modification_slack_is_inclusive() {
        let created = day(2024, 1, 10).and_hms_opt(9, 0, 0).unwrap();
        assert!(with_pdf(PdfMetadata { mod_date: Some(created + chrono::Duration::days(1)), ..scanner_pdf() }).is_empty());
        let findings = with_pdf(PdfMetadata { mod_date: Some(created + chrono::Duration::days(1) + chrono::Duration::seconds(1)), ..scanner_pdf() });
        assert_eq!(codes(&findings), ["PDF_EDITED_AFTER_CREATION"]);
        assert!(findings[0].message.contains("修改时间"));
    }

    #[test]
    fn editing_tool_and_history_are_each_named() {
        let findings = with_pdf(PdfMetadata {
            producer: Some("Adobe Acrobat Pro DC 23.1".into()),
            xmp_history: vec!["converted by Canon".into(), "saved by 迅捷PDF编辑器".into()],
            ..scanner_pdf()
        });
        assert_eq!(findings.len(), 1, "one finding per file");
        let m = &findings[0].message;
        assert!(m.contains("Producer") && m.contains("Adobe Acrobat Pro") && m.contains("迅捷PDF编辑器") && !m.contains("Canon；"), "{m}");
    }
}

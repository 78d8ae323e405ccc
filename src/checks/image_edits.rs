//! Scans whose metadata names an image editor (`IMAGE_EDIT_TRACES`): an image file, or an
//! image inside a PDF, whose EXIF/XMP software tag matches `[images].editor_software`
//! (Photoshop, GIMP, 美图秀秀…).
//!
//! 七(三): "加盖公章后…扫描 PDF 版" and "情况不实、弄虚作假…取消推荐资格" — a scanner or phone
//! camera writes its own name; an editor's name means the picture of the stamped paper
//! was retouched (a seal pasted, a figure changed). The extractor reports each software
//! tag with where it was found (file, page).

use crate::report::{Code, Finding};

use super::CheckContext;

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    let editors = &ctx.config.settings.images.editor_software;
    let mut findings = Vec::new();
    for file in &ctx.extracted.files {
        for (location, software) in &file.metadata.image_software {
            let lower = software.to_lowercase();
            let Some(editor) = editors.iter().find(|e| lower.contains(&e.to_lowercase())) else { continue };
            let mut location = location.clone();
            if location.path.is_none() {
                location.path = Some(file.path.clone());
            }
            findings.push(
                Finding::new(
                    Code::ImageEditTraces,
                    format!(
                        "{}中的图像元数据记录的处理软件为“{software}”（图像编辑软件{editor}），该扫描件可能经过修图，请核对原件",
                        location.describe_zh()
                    ),
                    location,
                )
                .expected("扫描仪或相机生成的图像")
                .actual(software),
            );
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::intake::{DocKind, Format};
    use crate::report::Location;

    fn with_software(entries: &[(Option<u32>, &str)]) -> Vec<Finding> {
        let mut kit = Kit::clean();
        let mut f = file("4.其他佐证材料/证书.jpg", Format::Jpeg, DocKind::OtherEvidence);
        for (page, software) in entries {
            let location = Location { path: Some(f.path.clone()), page: *page, ..Location::default() };
            f.metadata.image_software.push((location, software.to_string()));
        }
        kit.extracted.files = vec![f];
        kit.run(run)
    }

    #[test]
    fn scanner_and_camera_software_pass() {
        assert!(with_software(&[(None, "EPSON Scan"), (None, "iPhone 13")]).is_empty());
    }

    #[test]
    fn editor_is_reported_case_insensitively_with_its_page() {
        let findings = with_software(&[(Some(2), "Adobe PHOTOSHOP 24.0 (Windows)"), (None, "美图秀秀")]);
        assert_eq!(codes(&findings), ["IMAGE_EDIT_TRACES", "IMAGE_EDIT_TRACES"]);
        assert_eq!(findings[0].location.page, Some(2));
        assert!(findings[0].message.contains("Photoshop"));
        assert_eq!(findings[1].actual.as_deref(), Some("美图秀秀"));
    }
}

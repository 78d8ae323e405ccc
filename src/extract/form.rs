//! The application form (附件1) from its editable file and from its stamped scan. (Being built: see issue 4.)

use crate::config::Rules;

use super::{ExtractedFile, FormData};

pub fn from_editable(_file: &ExtractedFile, _rules: &Rules) -> Option<FormData> {
    None
}

pub fn from_scanned(_file: &ExtractedFile, _rules: &Rules) -> Option<FormData> {
    None
}

//! The 申报表 from its stamped scan. (Filled in below.)

use crate::config::Rules;
use crate::extract::{ExtractedFile, FormData};

pub fn read(_file: &ExtractedFile, _rules: &Rules) -> Option<FormData> {
    None
}

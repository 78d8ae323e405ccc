//! Figures stated in narratives. (Being built: see issue 4.)

use crate::config::Rules;

use super::{ExtractedFile, NarrativeFigure};

pub fn figures(_file: &ExtractedFile, _rules: &Rules) -> Vec<NarrativeFigure> {
    Vec::new()
}

//! Rosters (培训人员名单) and employment-tracking tables (就业跟踪情况表). (Being built: see issue 4.)

use crate::config::Config;

use super::{ExtractedFile, PersonTable};

pub fn tables(_file: &ExtractedFile, _config: &Config) -> Vec<PersonTable> {
    Vec::new()
}

//! (Being built: see issue 4.)

use crate::config::Config;
use crate::intake::Entry;

use super::{Content, ReadError};

pub fn read(_entry: &Entry, _config: &Config) -> Result<Content, ReadError> {
    Err(ReadError::Engine("尚未实现".into()))
}

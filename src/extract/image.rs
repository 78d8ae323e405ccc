//! (Being built: see issue 4.)

use crate::config::Config;
use crate::intake::Entry;

use super::{Content, Hooks, ReadError};

pub fn read(_entry: &Entry, _config: &Config, _hooks: &Hooks) -> Result<Content, ReadError> {
    Err(ReadError::Engine("尚未实现".into()))
}
